check tests/corpus/raw/cr_only.norma
