run tests/corpus/raw/facts_prog.norma --facts tests/corpus/raw/no_such.d
