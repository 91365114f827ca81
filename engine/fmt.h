/* fmt.h — `norma fmt`: the canonical layout of rule files (SPEC [cli.fmt]).
 * Parses a file (grammar/, with the lexer's comment list), prints its declarations in
 * canonical form with every comment kept in place, and checks that the result parses
 * to the same syntax tree before handing it out. Used by cli/main.c and the tests. */
#ifndef NM_FMT_H
#define NM_FMT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "norma.h"

/* Formats the source text of `src`. Returns the canonical text (collector-owned), or
 * NULL when the text has syntax errors (reported to ds) or — a formatter bug — when
 * the canonical text would not parse to the same syntax tree and comments (reported
 * to ds as an internal error). */
const char *nm_fmt_source(const nm_srcfile *src, nm_diags *ds);

/* nm_fmt_mode and nm_fmt_paths, the command, are public: see norma.h. */

#endif
