check tests/corpus/raw/bom_error.norma
