check tests/corpus/raw/bom_col1.norma
