fmt -w tests/cli/cases/fmt_bad.norma; cmp tests/cli/cases/fmt_bad.norma tests/cli/cases/fmt_bad.norma.orig && echo untouched
