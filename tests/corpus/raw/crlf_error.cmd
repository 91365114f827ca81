check tests/corpus/raw/crlf_error.norma
