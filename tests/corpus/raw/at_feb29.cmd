run tests/corpus/raw/facts_prog.norma --at 2023-02-29
