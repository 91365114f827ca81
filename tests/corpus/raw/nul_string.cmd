check tests/corpus/raw/nul_string.norma
