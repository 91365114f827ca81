check tests/corpus/raw/blank_lines.norma
