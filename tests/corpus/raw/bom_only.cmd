check tests/corpus/raw/bom_only.norma
