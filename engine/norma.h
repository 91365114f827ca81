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

/* Colours diagnostics for a terminal (default off). */
void nm_set_color(bool on);
/* Colours the text explanations nm_explanation_render writes (default off). */
void nm_set_result_color(bool on);

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
/* Loads source text under a display name. Its `use` declarations are looked up in the
 * directory of that name ("." when it has no '/'), then the search path and stdlib. */
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
#define NM_UNLIMITED (~0ULL)

typedef struct nm_run_options {
    const char *case_name;      /* evaluate this case's facts too; NULL: none */
    const char *at;             /* decision date "YYYY-MM-DD" for decision_date(d); NULL:
                                   the case's own */
    bool strict;                /* drop presumptions: presumed-false atoms are unknown */
    bool no_provenance;         /* do not record how each atom was derived */
    /* Limits ([sem.limits]): 0 = the default (100,000,000 tuples, 1,000,000
     * iterations, 600 seconds); NM_UNLIMITED (counts) or a negative number (seconds)
     * = no limit. */
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

typedef struct nm_coverage nm_coverage;

typedef struct nm_test_options {
    bool strict;                /* evaluate every case with presumptions dropped */
    bool verbose;               /* also list the expectations that pass */
    const char *only_case;      /* run only this case; NULL: all */
    const char *junit;          /* also write a JUnit XML report to this path, atomically
                                   ([cli.test.junit]); NULL: none */
    bool update;                /* rewrite the pinned files of `explained` expectations
                                   with the current explanation ([cli.test.update]) */
    bool no_explain;            /* do not print explanations under failures */
    int lang;                   /* nm_lang of the explanations printed under failures:
                                   0 zh (NM_LANG_ZH), 1 en (pins follow their own `lang`) */
    nm_coverage *coverage;      /* when set, every evaluated case is added to it */
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

/* Coverage of the cited articles by the cases ([cli.test.coverage]). Create one after
 * a successful nm_engine_check, pass it in nm_test_options.coverage, then print it:
 * for every citation of a rule (normalised to source, article, paragraph, item), in
 * source declaration order then article order, whether some case meets it and some
 * case leaves it unmet, and the cited articles no case reaches. */
nm_coverage *nm_coverage_new(nm_engine *e);
void nm_coverage_print(const nm_coverage *c, FILE *out);
/* Counts after the cases: citations; those exercised both met and unmet; those no
 * case reaches (neither met nor unmet). */
void nm_coverage_counts(const nm_coverage *c, int *citations, int *both, int *unreached);

/* Overrides parameter `name` with the value written in `value` for every later run
 * (`--param NAME=VALUE`, [cli.run.param]); it wins over a case's `param` line. The
 * text is read by the parameter's declared type in the written forms of fact files
 * ([cli.facts.types]). Call after a successful nm_engine_check. False after recording
 * a diagnostic (an unknown name, with a "did you mean"; a value of the wrong type). */
bool nm_engine_set_param(nm_engine *e, const char *name, const char *value);

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
/* Whether each verdict object carries its explanation ([expl.json]) under
 * "explanation" (default off; `norma run --verdicts` turns it on unless --no-explain). */
void nm_engine_set_verdict_explanations(nm_engine *e, bool on);

/* Writes every derived predicate's yes and unknown atoms, predicates in declaration
 * order, atoms in value order, one per line as nm_answer_print does. */
void nm_model_print(const nm_model *m, FILE *out);

/* ---- interactive use: what-if and introspection ([cli.repl]) ---------------------- */

/* nm_engine_add_fact also takes `not A` for an open predicate: A is stated false.
 * Withdraws a fact from every later run: `A` or `not A`, ground, of an input
 * predicate. Facts added through nm_engine_add_fact that state it are removed, and
 * the statement is suppressed wherever else it comes from (the rule files, a case,
 * fact files): a withdrawn `A` becomes no, or unknown for an open predicate; a
 * withdrawn `not A` becomes unknown. Adding the same statement again undoes the
 * withdrawal. False (with a diagnostic) for a malformed text. */
bool nm_engine_retract_fact(nm_engine *e, const char *text);

/* The name of the query's variable at argument j of the answers of nm_model_query
 * (the first name, when one variable stands at several arguments too), NULL where
 * the query has a constant, a literal or `_`. */
const char *nm_answers_var(const nm_answers *a, int j);
/* The atoms matching a query that are stated or concluded explicitly false (`not A`:
 * facts of open predicates, negative conclusions), in value order, with their truth
 * (no, or unknown for a conflict). NULL after a diagnostic for a malformed query. */
nm_answers *nm_model_query_false(nm_model *m, const char *atom);

/* Forgets the diagnostics recorded so far (an interactive session prints them after
 * each command). */
void nm_engine_clear_diagnostics(nm_engine *e);

/* Names of the checked program, each kind in declaration order (modules: the loaded
 * files' modules in load order, available also when the program has errors). */
typedef enum nm_name_kind {
    NM_NAME_PRED,       /* predicates, attributes, lists, maps, tables (no builtins) */
    NM_NAME_CONST,      /* enum and tiers members, entities (of the program and cases) */
    NM_NAME_CASE,
    NM_NAME_RULE,       /* rule labels */
    NM_NAME_PARAM,
    NM_NAME_MODULE,
} nm_name_kind;
int nm_engine_name_count(const nm_engine *e, nm_name_kind kind);
const char *nm_engine_name(const nm_engine *e, nm_name_kind kind, int i);

typedef enum nm_pred_kind { NM_PK_DERIVED, NM_PK_INPUT, NM_PK_OPEN, NM_PK_BUILTIN } nm_pred_kind;
typedef struct nm_pred_info {
    int arity;
    nm_pred_kind kind;
    bool presumed_false;        /* open presumed false */
} nm_pred_info;
/* Describes predicate `name` of the checked program; false when there is none. */
bool nm_engine_pred_info(const nm_engine *e, const char *name, nm_pred_info *out);
/* Does predicate `pred` depend on predicate `on` (through rule bodies, exceptions and
 * aggregates, transitively; a predicate depends on itself)? False for unknown names. */
bool nm_engine_depends_on(const nm_engine *e, const char *pred, const char *on);
/* Writes the source text of every rule concluding `pred` (either polarity, the rules
 * that are exceptions to them included), in declaration order, each preceded by a
 * line `# FILE:LINE`. False after recording a diagnostic when there is no such
 * predicate. */
bool nm_engine_print_rules(nm_engine *e, const char *pred, FILE *out);
/* The interview's questions for the first answer of an explanation built with
 * `missing` (struct nm_explanation is declared below): the open atoms of its settling
 * sets, those in more sets first, ties in declaration order of the predicate, then
 * value order; then the other open atoms the explanation lists as missing. Returns
 * their number and their texts (`p(a, b)`) in *atoms. */
struct nm_explanation;
int nm_explanation_questions(const struct nm_explanation *x, const char ***atoms);

/* ---- explanations ([expl], [cli.explain]) --------------------------------------------- */

typedef struct nm_explanation nm_explanation;

typedef struct nm_explain_options {
    bool why_not;       /* explain why not even when the answer is yes or unknown */
    bool missing;       /* for an unknown answer, also the open facts that would settle it
                           and subset-minimal sets to yes and to no ([expl.missing]) */
    int depth;          /* levels of the why tree / why-not recursion; 0: the default
                           (why: unbounded, why not: 3) */
    int why_not_k;      /* bindings reported per rule by why-not; 0: 3 */
} nm_explain_options;

typedef enum nm_explain_format { NM_FORMAT_TEXT, NM_FORMAT_JSON, NM_FORMAT_DOT } nm_explain_format;
typedef enum nm_lang { NM_LANG_ZH, NM_LANG_EN } nm_lang;

/* Explains the answers to a query atom in model m (run with provenance): for each
 * answer of nm_model_query (a ground query has exactly one), why it holds (yes,
 * unknown) or why it does not (no; or always with opt->why_not), and for unknown
 * answers with opt->missing what is missing. A non-ground query with no answer is
 * explained as why-not with its variables. NULL after recording a diagnostic when the
 * query is malformed or the model has no provenance. opt may be NULL. */
nm_explanation *nm_model_explain(nm_model *m, const char *atom, const nm_explain_options *opt);
/* Writes an explanation as text (an indented tree, one line per node), JSON (the
 * schema of [expl.json]) or DOT (a Graphviz digraph). Deterministic. */
void nm_explanation_render(const nm_explanation *x, nm_explain_format format, nm_lang lang,
                           FILE *out);

/* ---- the cases of a checked program ([case]) ---------------------------------------- */

/* The cases, in declaration order: name, title (NULL if none), and the atoms their
 * `expect` lines name (as written), which are the conclusions the case is about. */
int nm_engine_case_count(const nm_engine *e);
const char *nm_engine_case_name(const nm_engine *e, int i);
const char *nm_engine_case_title(const nm_engine *e, int i);
const char *nm_engine_case_ref(const nm_engine *e, int i);
int nm_engine_case_goal_count(const nm_engine *e, int i);
const char *nm_engine_case_goal(const nm_engine *e, int i, int j);

/* ---- the formatter ([cli.fmt]) ------------------------------------------------------ */

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
int nm_fmt_paths(const char *const *paths, int npaths, nm_fmt_mode mode, FILE *out, FILE *err);

#endif
