/* norma.h — the one public API of the Norma engine.
 * An nm_engine holds loaded rule files, their diagnostics and (once run) a model.
 * The CLI and the tests use only this header; everything else in engine/ is internal.
 * All handles are opaque. Memory is managed by libgc: call nm_init() once first. */
#ifndef NORMA_H
#define NORMA_H

#include <stdbool.h>
#include <stdio.h>

#define NORMA_VERSION "0.1.0"

/* Exit codes shared by the CLI and the test driver. */
enum {
    NM_EXIT_OK = 0,      /* success */
    NM_EXIT_FAIL = 1,    /* errors in the rules, or a test failed */
    NM_EXIT_USAGE = 2,   /* usage error or unreadable input */
};

typedef struct nm_engine nm_engine;

typedef enum nm_diag_format { NM_DIAG_TEXT, NM_DIAG_JSON } nm_diag_format;

/* Initialises the collector. Call once, first thing in main (or a test's init). */
void nm_init(void);

nm_engine *nm_engine_new(void);
/* Engines are collected by libgc; nm_engine_free drops cached data early. */
void nm_engine_free(nm_engine *e);

/* Adds a directory to the module search path (searched after the using file's
 * directory, in the order added, and before the bundled stdlib). */
void nm_engine_add_search_path(nm_engine *e, const char *dir);
/* Sets the directory of the bundled stdlib (default: found next to the executable
 * or from NORMA_STDLIB). */
void nm_engine_set_stdlib(nm_engine *e, const char *dir);

/* Loads a rule file, or every *.norma file under a directory (sorted by path), and the
 * modules they use. Syntax errors are recorded as diagnostics. Returns false only
 * when a path cannot be read (also recorded as a diagnostic). */
bool nm_engine_load_path(nm_engine *e, const char *path);
/* Loads source text under a display name. */
bool nm_engine_load_string(nm_engine *e, const char *name, const char *text);

/* Runs the checker over everything loaded. Returns true when there are no errors
 * (warnings allowed). Diagnostics accumulate in the engine. */
bool nm_engine_check(nm_engine *e);

int nm_engine_error_count(const nm_engine *e);
/* True when some path given to load could not be read (the CLI exits 2). */
bool nm_engine_unreadable(const nm_engine *e);
int nm_engine_warning_count(const nm_engine *e);
/* Writes the accumulated diagnostics, sorted by file and position. */
void nm_engine_print_diagnostics(const nm_engine *e, FILE *out, nm_diag_format fmt);
/* Writes the syntax trees of the loaded files (debugging, tests). */
void nm_engine_dump_ast(const nm_engine *e, FILE *out);

/* ---- evaluation ------------------------------------------------------------------ */

typedef struct nm_model nm_model;
typedef struct nm_answers nm_answers;

/* Limits of one evaluation; 0 means the default (100,000,000 tuples, 1,000,000
 * iterations of one stratum, no time limit). */
typedef struct nm_run_options {
    const char *case_name;      /* evaluate this case's facts too; NULL: none */
    const char *at;             /* decision date "YYYY-MM-DD" for decision_date(d); NULL:
                                   the case's own */
    bool strict;                /* drop presumptions: presumed-false atoms are unknown */
    bool no_provenance;         /* do not record how each atom was derived */
    unsigned long long max_tuples;
    unsigned long long max_iterations;
    double max_seconds;
} nm_run_options;

/* Adds a ground fact, written as in a rule file (`provides(hu, network_access)`),
 * to every later run. Call after a successful nm_engine_check. Returns false (and
 * records a diagnostic) when the text is not a ground atom of an input predicate. */
bool nm_engine_add_fact(nm_engine *e, const char *text);

/* Loads the fact files of directory `dir` ([cli.facts]): PRED.tsv, PRED.csv or
 * PRED.jsonl for input (or open) predicates, and Person.tsv / Unit.tsv (or .csv,
 * .jsonl) declaring parties. Every field is checked against its declared type; a bad
 * row is an error naming file, line and column. Call after a successful
 * nm_engine_check; may be called for several directories. The rows are kept and
 * inserted into every later run, like nm_engine_add_fact. Returns false after
 * recording diagnostics; then no row of a file with errors is kept. A directory or
 * file that cannot be read also sets nm_engine_unreadable. */
bool nm_engine_load_facts_dir(nm_engine *e, const char *dir);
/* Shows a progress line for large fact files on `out` (the CLI passes stderr when it
 * is a terminal); NULL (the default) is silent. */
void nm_engine_set_progress(nm_engine *e, FILE *out);

/* Evaluates the checked program (nm_engine_check must have succeeded) with the
 * program-level facts, the facts added through the API and, if opt names one, a
 * case's facts. Returns NULL after recording a diagnostic when evaluation stops
 * (arithmetic overflow, a limit) or the case does not exist. opt may be NULL. */
nm_model *nm_engine_run(nm_engine *e, const nm_run_options *opt);

/* The answers to a query atom (`path(a, x)`: names that are not constants are
 * variables, `_` matches anything): the atoms that match and are yes or unknown (or
 * rest on a presumption), in value order; a ground query has exactly one answer,
 * which may be no.
 * Returns NULL after recording a diagnostic when the query is malformed. */
nm_answers *nm_model_query(nm_model *m, const char *atom);
int nm_answers_count(const nm_answers *a);

/* Three values ([sem.three]). */
typedef enum nm_truth { NM_NO, NM_UNKNOWN, NM_YES } nm_truth;
/* Tags of an answer: it rests on a presumption (the strict answer differs), or the
 * atom is a conflict (derived true and explicitly false, no exception between). */
enum { NM_TAG_PRESUMED = 1u, NM_TAG_CONFLICT = 2u };
nm_truth nm_answers_truth(const nm_answers *a, int i);
unsigned nm_answers_tags(const nm_answers *a, int i);
/* Writes answer i as one line: the atom, then " unknown" or " no" unless it is yes,
 * then " [presumed]" and " [conflict]" for its tags. */
void nm_answer_print(const nm_answers *a, int i, FILE *out);
/* The i-th answer as text, e.g. `path(a, b)` (owned by the answers). */
const char *nm_answers_text(const nm_answers *a, int i);
/* The value of argument j of answer i, as text. */
const char *nm_answers_arg(const nm_answers *a, int i, int j);
int nm_answers_arity(const nm_answers *a);

/* ---- cases as tests ([sem.case], [cli.test]) ---------------------------------------- */

typedef struct nm_test_options {
    bool strict;                /* evaluate every case with presumptions dropped */
    bool verbose;               /* also list the expectations that pass */
    const char *only_case;      /* run only this case; NULL: all */
} nm_test_options;

typedef struct nm_test_summary {
    int cases;
    int passed, failed;         /* expectations */
} nm_test_summary;

/* Evaluates every case of the checked program (in declaration order) and checks its
 * `expect` lines, writing a report to out: per case a line with its counts, each
 * failing expectation with its location and what was found, and at the end the line
 * "N passed, N failed". Diagnostics of cases that cannot be evaluated are recorded in
 * the engine. */
nm_test_summary nm_engine_test(nm_engine *e, const nm_test_options *opt, FILE *out);

/* Writes relations as DIR/PRED.tsv ([cli.output]): a header of the argument names
 * and `truth`, then one row per yes or unknown atom, in value order, `truth` yes or
 * unknown. preds names the predicates (npreds of them); npreds == 0 writes every
 * derived predicate. DIR is created if missing (one level). Every file is written to
 * a temporary file in DIR and renamed only when all are complete, so a failure
 * leaves no partial file and an existing file intact. False after recording a
 * diagnostic (an unknown predicate, an I/O error, a text value holding a tab or a
 * line break, which TSV cannot carry). */
bool nm_model_write_relations(nm_model *m, const char *dir, const char *const *preds, int npreds);
/* Writes the answers of the queries (every derived atom, as nm_model_print lists
 * them, when nqueries == 0) as JSON Lines to `path` ([cli.verdicts]), atomically as
 * above; "-" writes to standard output. False after recording a diagnostic (a
 * malformed query, an I/O error); then nothing is written. */
bool nm_model_write_verdicts(nm_model *m, const char *path, const char *const *queries,
                             int nqueries);

/* Writes every derived predicate's yes and unknown atoms, predicates in declaration
 * order, atoms in value order, one per line as nm_answer_print does. */
void nm_model_print(const nm_model *m, FILE *out);

#endif
