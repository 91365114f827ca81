/* engine_int.h — the inside of the nm_engine handle, shared by engine.c (loading
 * and checking) and model.c (evaluation and queries). Internal to engine/. */
#ifndef NM_ENGINE_INT_H
#define NM_ENGINE_INT_H

#include "ast.h"
#include "diag.h"
#include "mem.h"
#include "norma.h"
#include "program.h"
#include "value.h"

typedef struct loaded {
    nm_ast_file *ast;
    const char *module;     /* module name: declared, or the file's base name */
    nm_span module_span;
    const char *realpath;   /* identity of the file on disk ("" for strings) */
    const char *dir;        /* directory searched first by its `use`s */
} loaded;

struct nm_engine {
    nm_diags *diags;
    nm_vec search;          /* const char* directories */
    const char *stdlib;
    nm_vec files;           /* loaded*, in load order */
    bool unreadable;        /* some path could not be read: exit 2 */
    nm_program *program;
    bool verdict_explanations;  /* --verdicts objects carry an "explanation" */
    nm_vec extra_facts;     /* texts of facts added through nm_engine_add_fact */
    nm_vec extra_false;     /* texts of `not A` facts added through nm_engine_add_fact */
    nm_vec retracted;       /* facts withdrawn by nm_engine_retract_fact (model.c) */
    struct nm_factset *facts;   /* rows of fact files (facts.c), NULL when none */
    FILE *progress;         /* where fact loading shows progress; NULL: silent */
    nm_cell *param_override;    /* parameter id → `--param` value or NM_CELL_NONE; NULL
                                   when none is set (params.c) */
    const nm_program *param_program;    /* the program param_override indexes */
};

/* model.c, for test.c: the answers matching a pattern (wild[j]: argument j matches
 * anything), the lowered program of a model, a row of answers, and the rule that
 * concluded a yes atom (NULL for an input fact or without provenance). */
struct nm_lowered;
nm_answers *nm_model_match(nm_model *m, int pred, const nm_cell *cells, const bool *wild);
const struct nm_lowered *nm_model_lowered(const nm_model *m);
/* model.c, for output.c: the engine a model was run by (its diagnostics). */
nm_engine *nm_model_engine(const nm_model *m);
const nm_cell *nm_answers_row(const nm_answers *a, int i);
const nm_prule *nm_model_concluded_by(const nm_model *m, int pred, const nm_cell *t);
/* Does rule r (any of its alternatives) derive the certain atom t of pred? */
bool nm_model_rule_concludes(const nm_model *m, const nm_prule *r, int pred, const nm_cell *t);

/* model.c, for explain.c: the default evaluation; the strict twin (false when the
 * model has none); a query atom parsed as nm_model_query does (var[j]: -1 the cell,
 * -2 a wildcard, k >= 0 variable k); and the model's facts (program, case, fact
 * files, API facts) loaded into a fresh evaluator of lw (the model's own lowered
 * program or its strict twin), for
 * hypothetical runs (atoms inserted into C(p⁻) before the call stay false). */
struct nm_eval;
const struct nm_eval *nm_model_eval(const nm_model *m);
bool nm_model_strict_twin(const nm_model *m, const struct nm_lowered **lw,
                          const struct nm_eval **ev);
bool nm_model_parse_query(nm_model *m, const char *atom, int *pred, int *nargs, nm_cell **cells,
                          int **var);
bool nm_model_reload(const nm_model *m, const struct nm_lowered *lw, struct nm_eval *ev,
                     nm_buf *err);

/* engine.c: the *.norma files under dir, recursively, sorted by path (also used by
 * the formatter for directories). With fmt_ignore, a directory's .normafmtignore
 * leaves out what its patterns match: one fnmatch(3) pattern a line, for paths
 * relative to that directory ('*' stops at '/'; a trailing '/' matches directories
 * only, and everything under them); '#' lines are comments. A directory that cannot be
 * read adds a message ("cannot read directory 'D': REASON") to unreadable. */
#define NM_FMT_IGNORE_FILE ".normafmtignore"
void nm_collect_norma_files(const char *dir, nm_vec *out, bool fmt_ignore, nm_vec *unreadable);

#endif
