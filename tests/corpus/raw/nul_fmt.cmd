fmt tests/corpus/raw/nul_fmt.norma
