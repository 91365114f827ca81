check tests/corpus/raw/nul_comment.norma
