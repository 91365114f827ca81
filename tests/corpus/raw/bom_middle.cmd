check tests/corpus/raw/bom_middle.norma
