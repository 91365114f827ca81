run tests/corpus/raw/facts_prog.norma --query 'rec(acme'
