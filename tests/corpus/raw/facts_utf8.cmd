run tests/corpus/raw/facts_prog.norma --facts tests/corpus/raw/facts_utf8.d
