run tests/corpus/raw/empty_run.norma
