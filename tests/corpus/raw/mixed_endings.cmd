check tests/corpus/raw/mixed_endings.norma
