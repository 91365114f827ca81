check tests/corpus/raw/lone_dedent.norma
