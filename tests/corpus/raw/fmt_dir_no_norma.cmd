fmt -w tests/corpus/raw/dir.norma
