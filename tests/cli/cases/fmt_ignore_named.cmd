fmt --check tests/cli/data/fmtignore/messy_ignored.norma tests/cli/data/fmtignore/skipped
