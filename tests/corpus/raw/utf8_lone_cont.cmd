check tests/corpus/raw/utf8_lone_cont.norma
