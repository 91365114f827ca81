run tests/corpus/raw/facts_prog.norma --output tests/corpus/raw/output_is_file.txt
