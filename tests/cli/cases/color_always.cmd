check --color=always tests/cli/data/color.norma
