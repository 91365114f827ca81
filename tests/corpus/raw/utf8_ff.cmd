check tests/corpus/raw/utf8_ff.norma
