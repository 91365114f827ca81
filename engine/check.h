/* check.h — the checker: the parsed files of a program (grammar/ast.h) in, the checked
 * program (program.h) and diagnostics out. Resolves modules, names, types, citations;
 * checks range restriction and stratification; lowers lists, maps, tables and
 * `unless` to relations and rules. Sits between grammar/ and engine/plan. */
#ifndef NM_CHECK_H
#define NM_CHECK_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"
#include "program.h"

typedef struct nm_check_options {
    bool no_unused_warnings;     /* skip [check.unused] warnings */
    bool no_singleton_warnings;  /* skip singleton-variable warnings */
    /* Some file had syntax errors, so declarations or rules may be missing: the
     * checker still reports every error it finds (one run reports all mistakes), but
     * no warnings, since the lines that were dropped may have used what looks unused. */
    bool after_syntax_errors;
} nm_check_options;

/* Checks the files of one program, given in load order (each file once; the files a
 * file uses need not come before it). Reports every error and warning of the whole
 * program to `diags` in one pass, without cascades. The `use` of a module that is not
 * loaded and cycles of `use` are the loader's to report (engine.c); the checker skips
 * such uses. A file's module is the one its `module` line declares, else its base
 * name without ".norma".
 * Returns the checked program when `diags` holds no errors at the end (syntax errors
 * reported earlier count), NULL otherwise. `opt` may be NULL for the defaults. */
nm_program *nm_check_with(nm_ast_file **files, int nfiles, nm_diags *diags,
                          const nm_check_options *opt);
/* nm_check_with with the default options. */
nm_program *nm_check(nm_ast_file **files, int nfiles, nm_diags *diags);

/* The module name of a file as the checker sees it (see above). */
const char *nm_check_module_name(const nm_ast_file *f);

/* Levenshtein distance between two UTF-8 strings, counted in code points; used for
 * "did you mean" hints. Exposed for tests and the REPL. */
int nm_check_edit_distance(const char *a, const char *b);

#endif
