check tests/corpus/raw/nul_only.norma
