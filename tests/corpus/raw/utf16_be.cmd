check tests/corpus/raw/utf16_be.norma
