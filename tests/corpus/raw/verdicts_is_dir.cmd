run tests/corpus/raw/facts_prog.norma --verdicts tests/corpus/raw/dir.norma
