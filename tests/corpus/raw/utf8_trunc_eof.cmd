check tests/corpus/raw/utf8_trunc_eof.norma
