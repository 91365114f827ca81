check tests/corpus/raw/ctrl_char.norma
