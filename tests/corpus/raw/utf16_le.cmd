check tests/corpus/raw/utf16_le.norma
