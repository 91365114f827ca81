fmt --check tests/cli/data/fmtignore
