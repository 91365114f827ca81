check tests/corpus/raw/bom_twice.norma
