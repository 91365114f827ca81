check tests/corpus/raw/utf8_in_ident.norma
