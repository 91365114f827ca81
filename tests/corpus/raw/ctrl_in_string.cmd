check tests/corpus/raw/ctrl_in_string.norma
