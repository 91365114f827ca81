explain tests/cli/data/color_tree.norma --query 'bad(x)' --lang en --color=always
