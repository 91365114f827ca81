check tests/corpus/raw/nul_start.norma
