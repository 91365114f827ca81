check tests/corpus/raw/utf8_overlong.norma
