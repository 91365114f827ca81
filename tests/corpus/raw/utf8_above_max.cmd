check tests/corpus/raw/utf8_above_max.norma
