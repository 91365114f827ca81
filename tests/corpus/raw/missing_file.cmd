check tests/corpus/raw/no_such_file.norma
