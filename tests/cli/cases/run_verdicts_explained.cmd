run tests/cli/data/verdict.norma --query 'bad(x)' --verdicts -
