explain tests/cli/data/color_tree.norma --query 'bad(b)' --color=always
