/* main.c — the `norma` program: parses the command line and drives the engine
 * through norma.h only. Exit codes: 0 ok, 1 the rules or a test failed,
 * 2 usage or unreadable input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "norma.h"

static const char *usage_text =
    "usage: norma <command> [options] FILE|DIR...\n"
    "\n"
    "commands:\n"
    "  check FILE|DIR...   parse and check rule files; report every error\n"
    "  run FILE|DIR...     check, evaluate, and print the derived atoms (or the\n"
    "                      answers to --query), in value order\n"
    "  test FILE|DIR...    evaluate every case and check its expect lines;\n"
    "                      ends with 'N passed, N failed' (options: --case NAME,\n"
    "                      --strict, -v to list passing expectations)\n"
    "  fmt FILE|DIR...     print rule files in canonical layout, comments kept;\n"
    "                      --check: list the files that would change (exit 1),\n"
    "                      -w: rewrite them in place (never a file that does not parse)\n"
    "\n"
    "options for check and run:\n"
    "  --path DIR            add DIR to the module search path (repeatable)\n"
    "  --stdlib DIR          use DIR as the bundled standard library\n"
    "  --diagnostics=FORMAT  text (default) or json\n"
    "  --dump-ast            print the syntax tree of each file (check)\n"
    "\n"
    "options for run:\n"
    "  --query ATOM          print the true atoms matching ATOM, e.g. 'path(a, x)'\n"
    "                        (repeatable; names that are not constants are variables)\n"
    "  --case NAME           evaluate with the facts of case NAME\n"
    "  --at DATE             the decision date (YYYY-MM-DD) for decision_date(d)\n"
    "  --strict              drop presumptions: presumed-false facts become unknown\n"
    "  --no-provenance       do not record how each atom was derived\n"
    "  --fact ATOM           add a fact of an input predicate (repeatable)\n"
    "  --facts DIR           load the fact files PRED.tsv, PRED.csv, PRED.jsonl of DIR\n"
    "                        (repeatable)\n"
    "  --output DIR          write derived relations to DIR/PRED.tsv instead of printing\n"
    "  --output-preds P,Q    the predicates --output writes (default: every derived one)\n"
    "  --verdicts FILE       write the answers as JSON Lines to FILE ('-': stdout)\n"
    "  --max-tuples N        stop when more than N tuples are derived (default 100000000)\n"
    "  --max-iterations N    stop when a stratum needs more than N iterations\n"
    "  --timeout SECONDS     stop after SECONDS of evaluation\n"
    "\n"
    "  norma --help          this text\n"
    "  norma --version       the version\n"
    "\n"
    "exit status: 0 ok, 1 errors in the rules, 2 usage or unreadable input\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("norma: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nnorma: try 'norma --help'\n", stderr);
    return NM_EXIT_USAGE;
}

/* Options shared by the commands that load rule files. */
typedef struct load_opts {
    nm_diag_format diag_format;
    bool dump_ast;
    bool is_run;            /* accept the options of `run` */
    bool is_test;           /* accept the options of `test` */
    bool verbose;
    const char **paths;
    int npaths;
    const char **queries;
    int nqueries;
    const char **facts;
    int nfacts;
    const char **fact_dirs;     /* --facts */
    int nfact_dirs;
    const char *output_dir;     /* --output */
    const char *output_preds;   /* --output-preds, comma-separated */
    const char *verdicts;       /* --verdicts */
    nm_run_options run;
} load_opts;

/* Parses a positive number for option `opt`; false on junk. */
static bool parse_count(const char *opt, const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !(v > 0)) {
        usage_error("option needs a positive number: %s", opt);
        return false;
    }
    *out = v;
    return true;
}

/* Parses options and paths of a loading command into o and a new engine.
 * Returns 0 or an exit code on a usage error. */
static int parse_load_args(int argc, char **argv, load_opts *o, nm_engine *e)
{
    o->paths = calloc((size_t)argc + 1, sizeof *o->paths);
    o->queries = calloc((size_t)argc + 1, sizeof *o->queries);
    o->facts = calloc((size_t)argc + 1, sizeof *o->facts);
    o->fact_dirs = calloc((size_t)argc + 1, sizeof *o->fact_dirs);
    if (!o->paths || !o->queries || !o->facts)
        return NM_EXIT_USAGE;
    bool only_paths = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            o->paths[o->npaths++] = a;
        } else if (strcmp(a, "--") == 0) {
            only_paths = true;
        } else if (strcmp(a, "--diagnostics=json") == 0) {
            o->diag_format = NM_DIAG_JSON;
        } else if (strcmp(a, "--diagnostics=text") == 0) {
            o->diag_format = NM_DIAG_TEXT;
        } else if (strncmp(a, "--diagnostics=", 14) == 0) {
            return usage_error("unknown diagnostics format '%s' (expected text or json)", a + 14);
        } else if (strcmp(a, "--dump-ast") == 0) {
            o->dump_ast = true;
        } else if (strcmp(a, "--path") == 0 || strcmp(a, "--stdlib") == 0) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a directory", a);
            if (a[2] == 'p')
                nm_engine_add_search_path(e, argv[++i]);
            else
                nm_engine_set_stdlib(e, argv[++i]);
        } else if (o->is_test && (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)) {
            o->verbose = true;
        } else if (o->is_test && (strcmp(a, "--strict") == 0 || strcmp(a, "--case") == 0)) {
            if (a[2] == 's')
                o->run.strict = true;
            else if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", a);
            else
                o->run.case_name = argv[++i];
        } else if (o->is_run && strcmp(a, "--strict") == 0) {
            o->run.strict = true;
        } else if (o->is_run && strcmp(a, "--no-provenance") == 0) {
            o->run.no_provenance = true;
        } else if (o->is_run && strcmp(a, "--at") == 0) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a date", a);
            o->run.at = argv[++i];
        } else if (o->is_run && (strcmp(a, "--facts") == 0 || strcmp(a, "--output") == 0 ||
                                 strcmp(a, "--output-preds") == 0 ||
                                 strcmp(a, "--verdicts") == 0)) {
            if (i + 1 >= argc || !o->fact_dirs)
                return usage_error("option '%s' needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--facts") == 0)
                o->fact_dirs[o->nfact_dirs++] = v;
            else if (strcmp(a, "--output") == 0)
                o->output_dir = v;
            else if (strcmp(a, "--output-preds") == 0)
                o->output_preds = v;
            else
                o->verdicts = v;
        } else if (o->is_run && (strcmp(a, "--query") == 0 || strcmp(a, "--case") == 0 ||
                                 strcmp(a, "--fact") == 0)) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", a);
            const char *v = argv[++i];
            if (a[2] == 'q')
                o->queries[o->nqueries++] = v;
            else if (a[2] == 'f')
                o->facts[o->nfacts++] = v;
            else
                o->run.case_name = v;
        } else if (o->is_run && (strcmp(a, "--max-tuples") == 0 ||
                                 strcmp(a, "--max-iterations") == 0 ||
                                 strcmp(a, "--timeout") == 0)) {
            double v;
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a number", a);
            if (!parse_count(a, argv[++i], &v))
                return NM_EXIT_USAGE;
            if (a[2] == 't')
                o->run.max_seconds = v;
            else if (a[6] == 't')
                o->run.max_tuples = (unsigned long long)v;
            else
                o->run.max_iterations = (unsigned long long)v;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (o->npaths == 0)
        return usage_error("%s", "no files given");
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    nm_engine *e = nm_engine_new();
    load_opts o = {0};
    int rc = parse_load_args(argc, argv, &o, e);
    if (rc)
        return rc;
    for (int i = 0; i < o.npaths; i++)
        nm_engine_load_path(e, o.paths[i]);
    if (!nm_engine_unreadable(e))
        nm_engine_check(e);
    if (o.dump_ast)
        nm_engine_dump_ast(e, stdout);
    /* text diagnostics are for people (stderr); JSON is the command's output for tools */
    nm_engine_print_diagnostics(e, o.diag_format == NM_DIAG_JSON ? stdout : stderr,
                                o.diag_format);
    free(o.paths);
    if (nm_engine_unreadable(e))
        return NM_EXIT_USAGE;
    return nm_engine_error_count(e) ? NM_EXIT_FAIL : NM_EXIT_OK;
}

static void print_diags(nm_engine *e, const load_opts *o)
{
    nm_engine_print_diagnostics(e, o->diag_format == NM_DIAG_JSON ? stdout : stderr,
                                o->diag_format);
}

/* Writes --output and --verdicts; 0 or an exit status. */
static int write_outputs(nm_model *m, const load_opts *o)
{
    if (o->output_dir) {
        const char *preds[256];
        int n = 0;
        char *list = o->output_preds ? strdup(o->output_preds) : NULL;
        for (char *save = NULL, *tok = list ? strtok_r(list, ",", &save) : NULL; tok && n < 256;
             tok = strtok_r(NULL, ",", &save))
            preds[n++] = tok;
        bool ok = nm_model_write_relations(m, o->output_dir, preds, n);
        free(list);
        if (!ok)
            return NM_EXIT_FAIL;
    }
    if (o->verdicts && !nm_model_write_verdicts(m, o->verdicts, o->queries, o->nqueries))
        return NM_EXIT_FAIL;
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    nm_engine *e = nm_engine_new();
    load_opts o = {.is_run = true};
    int rc = parse_load_args(argc, argv, &o, e);
    if (rc)
        return rc;
    for (int i = 0; i < o.npaths; i++)
        nm_engine_load_path(e, o.paths[i]);
    if (nm_engine_unreadable(e)) {
        print_diags(e, &o);
        return NM_EXIT_USAGE;
    }
    bool ok = nm_engine_check(e);
    if (ok && isatty(fileno(stderr)))
        nm_engine_set_progress(e, stderr);
    for (int i = 0; ok && i < o.nfact_dirs; i++)
        ok = nm_engine_load_facts_dir(e, o.fact_dirs[i]);
    if (nm_engine_unreadable(e)) {
        print_diags(e, &o);
        return NM_EXIT_USAGE;
    }
    for (int i = 0; ok && i < o.nfacts; i++)
        ok = nm_engine_add_fact(e, o.facts[i]);
    nm_model *m = ok ? nm_engine_run(e, &o.run) : NULL;
    int status = m ? NM_EXIT_OK : NM_EXIT_FAIL;
    /* with --output or --verdicts the answers go to files, not to standard output */
    bool to_files = o.output_dir || o.verdicts;
    if (m && to_files) {
        int rc_out = write_outputs(m, &o);
        if (rc_out)
            status = rc_out;
    }
    if (m && o.nqueries == 0 && !to_files)
        nm_model_print(m, stdout);
    for (int q = 0; m && !to_files && q < o.nqueries; q++) {
        nm_answers *a = nm_model_query(m, o.queries[q]);
        if (!a) {
            status = NM_EXIT_USAGE;
            continue;
        }
        for (int i = 0; i < nm_answers_count(a); i++)
            nm_answer_print(a, i, stdout);
    }
    if (nm_engine_error_count(e) || nm_engine_warning_count(e))
        print_diags(e, &o);
    return status;
}

static int cmd_test(int argc, char **argv)
{
    nm_engine *e = nm_engine_new();
    load_opts o = {.is_test = true};
    int rc = parse_load_args(argc, argv, &o, e);
    if (rc)
        return rc;
    for (int i = 0; i < o.npaths; i++)
        nm_engine_load_path(e, o.paths[i]);
    if (nm_engine_unreadable(e)) {
        print_diags(e, &o);
        return NM_EXIT_USAGE;
    }
    if (!nm_engine_check(e)) {
        print_diags(e, &o);
        return NM_EXIT_FAIL;
    }
    nm_test_options to = {.strict = o.run.strict, .verbose = o.verbose,
                          .only_case = o.run.case_name};
    nm_test_summary s = nm_engine_test(e, &to, stdout);
    if (nm_engine_error_count(e) || nm_engine_warning_count(e))
        print_diags(e, &o);
    if (o.run.case_name && s.cases == 0) {
        fprintf(stderr, "norma: no case named '%s'\n", o.run.case_name);
        return NM_EXIT_USAGE;
    }
    return s.failed || nm_engine_error_count(e) ? NM_EXIT_FAIL : NM_EXIT_OK;
}

/* `norma fmt [--check | -w] FILE|DIR...` (SPEC [cli.fmt]). */
static int cmd_fmt(int argc, char **argv)
{
    nm_fmt_mode mode = NM_FMT_PRINT;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    int npaths = 0;
    bool only_paths = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_paths || a[0] != '-')
            paths[npaths++] = a;
        else if (strcmp(a, "--") == 0)
            only_paths = true;
        else if (strcmp(a, "--check") == 0 && mode != NM_FMT_WRITE)
            mode = NM_FMT_CHECK;
        else if (strcmp(a, "-w") == 0 && mode != NM_FMT_CHECK)
            mode = NM_FMT_WRITE;
        else if (strcmp(a, "--check") == 0 || strcmp(a, "-w") == 0)
            return usage_error("%s", "--check and -w cannot be combined");
        else
            return usage_error("unknown option '%s'", a);
    }
    if (npaths == 0)
        return usage_error("%s", "no files given");
    int rc = nm_fmt_paths(paths, npaths, mode, stdout, stderr);
    free(paths);
    return rc;
}

int main(int argc, char **argv)
{
    nm_init();
    if (argc < 2)
        return usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return NM_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("norma %s\n", NORMA_VERSION);
        return NM_EXIT_OK;
    }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "test") == 0)
        return cmd_test(argc - 2, argv + 2);
    if (strcmp(cmd, "fmt") == 0)
        return cmd_fmt(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}
