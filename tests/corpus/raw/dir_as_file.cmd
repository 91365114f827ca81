check tests/corpus/raw/dir.norma
