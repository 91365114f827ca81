run tests/corpus/raw/facts_prog.norma --fact 'rec(acme, 99999999999999999999, "a", red)'
