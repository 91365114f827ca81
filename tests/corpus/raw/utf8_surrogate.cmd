check tests/corpus/raw/utf8_surrogate.norma
