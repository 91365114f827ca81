check --stdlib tests/corpus/lang tests/corpus/raw/use_dir.norma
