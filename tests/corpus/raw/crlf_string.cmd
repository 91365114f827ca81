check tests/corpus/raw/crlf_string.norma
