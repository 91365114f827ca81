check tests/cli/data/does_not_exist.norma
