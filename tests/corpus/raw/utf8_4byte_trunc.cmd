check tests/corpus/raw/utf8_4byte_trunc.norma
