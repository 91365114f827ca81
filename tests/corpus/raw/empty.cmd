check tests/corpus/raw/empty.norma
