/* fmt.h — `norma fmt`: the canonical layout of rule files (SPEC [cli.fmt]).
 * Parses a file (grammar/, with the lexer's comment list), prints its declarations in
 * canonical form with every comment kept in place, and checks that the result parses
 * to the same syntax tree before handing it out. Used by cli/main.c and the tests. */
#ifndef NM_FMT_H
#define NM_FMT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

/* Formats the source text of `src`. Returns the canonical text (collector-owned), or
 * NULL when the text has syntax errors (reported to ds) or — a formatter bug — when
 * the canonical text would not parse to the same syntax tree and comments (reported
 * to ds as an internal error). */
const char *nm_fmt_source(const nm_srcfile *src, nm_diags *ds);

typedef enum nm_fmt_mode {
    NM_FMT_PRINT,   /* write the formatted text of each file to out */
    NM_FMT_CHECK,   /* write the path of each file that is not canonical to out */
    NM_FMT_WRITE,   /* rewrite each file that is not canonical, in place, atomically */
} nm_fmt_mode;

/* Runs `norma fmt` over files and directories (every *.norma below a directory, in
 * path order). Syntax errors and unreadable paths are reported to err; a file that
 * does not parse is never written. Returns the exit status: 0 ok (for CHECK: every
 * file canonical), 1 a file does not parse or (CHECK) would change, 2 a path cannot be
 * read or written. */
int nm_fmt_paths(const char *const *paths, int npaths, nm_fmt_mode mode, FILE *out,
                 FILE *err);

#endif
