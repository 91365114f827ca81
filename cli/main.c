/* main.c — the `norma` program: parses the command line and drives the engine
 * through norma.h only. Exit codes: 0 ok, 1 the rules or a test failed,
 * 2 usage or unreadable input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "norma.h"
#include "repl.h"

static const char *usage_text =
    "usage: norma <command> [options] FILE|DIR...\n"
    "\n"
    "commands:\n"
    "  check FILE|DIR...   parse and check rule files; report every error\n"
    "  run FILE|DIR...     check, evaluate, and print the derived atoms (or the\n"
    "                      answers to --query), in value order\n"
    "  test FILE|DIR...    evaluate every case and check its expect lines;\n"
    "                      ends with 'N passed, N failed' (options: --case NAME,\n"
    "                      --strict, -v to list passing expectations, --junit FILE,\n"
    "                      --coverage, --update (rewrite pinned explanations),\n"
    "                      --lang zh|en, --no-explain, --param NAME=VALUE)\n"
    "  explain FILE|DIR... --query ATOM\n"
    "                      explain an answer: why it holds (yes, unknown), why not\n"
    "                      (no); options: --why-not, --missing, --lang zh|en,\n"
    "                      --format text|json|dot, --depth N, --why-not-k K, --at DATE,\n"
    "                      --case NAME, --strict, --facts DIR, --fact ATOM\n"
    "  fmt FILE|DIR...     print rule files in canonical layout, comments kept;\n"
    "                      --check: list the files that would change (exit 1),\n"
    "                      -w: rewrite them in place (never a file that does not parse)\n"
    "  repl [FILE|DIR...]  an interactive session: queries, :why, :whynot, :missing,\n"
    "                      :ask, what-if facts (:help inside lists the commands;\n"
    "                      options --case, --at, --strict, --lang zh|en, --fact, --facts,\n"
    "                      --path, --stdlib); piped input runs as a script\n"
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
    "  --case NAME           evaluate with the facts of case NAME (without --case or\n"
    "                        --query, a file of cases prints each case's conclusions\n"
    "                        with their explanations; --all: every derived atom)\n"
    "  --lang zh|en          the language of explanations\n"
    "  --at DATE             the decision date (YYYY-MM-DD) for decision_date(d)\n"
    "  --strict              drop presumptions: presumed-false facts become unknown\n"
    "  --no-provenance       do not record how each atom was derived\n"
    "  --fact ATOM           add a fact of an input predicate (repeatable)\n"
    "  --param NAME=VALUE    override a parameter, also over a case's 'param' line\n"
    "                        (repeatable; also for test and explain)\n"
    "  --facts DIR           load the fact files PRED.tsv, PRED.csv, PRED.jsonl of DIR\n"
    "                        (repeatable)\n"
    "  --output DIR          write derived relations to DIR/PRED.tsv instead of printing\n"
    "  --output-preds P,Q    the predicates --output writes (default: every derived one)\n"
    "  --verdicts FILE       write the answers as JSON Lines to FILE ('-': stdout), each\n"
    "                        with its explanation (--no-explain: without)\n"
    "  --max-tuples N        stop when more than N tuples are derived (default 100000000)\n"
    "  --max-iterations N    stop when a stratum needs more than N iterations\n"
    "                        (default 1000000)\n"
    "  --timeout SECONDS     stop after SECONDS of evaluation (default 600);\n"
    "                        0 for any of the three: no limit\n"
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
    bool all;               /* run: print every derived atom even for a file of cases */
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
    const char **params;        /* --param NAME=VALUE */
    int nparams;
    const char *junit;          /* test --junit FILE */
    bool coverage;              /* test --coverage */
    bool update;                /* test --update */
    bool no_explain;            /* test --no-explain */
    int lang;                   /* test --lang: 0 zh, 1 en */
    nm_run_options run;
} load_opts;

/* Parses a number, 0 or more, for option `opt`; false on junk. */
static bool parse_count(const char *opt, const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !(v >= 0)) {
        usage_error("option needs a number, 0 or more (0: no limit): %s", opt);
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
        } else if (o->is_test && strcmp(a, "--coverage") == 0) {
            o->coverage = true;
        } else if (o->is_test && strcmp(a, "--update") == 0) {
            o->update = true;
        } else if ((o->is_test || o->is_run) && strcmp(a, "--no-explain") == 0) {
            o->no_explain = true;
        } else if (o->is_run && strcmp(a, "--lang") == 0) {
            if (i + 1 >= argc || (strcmp(argv[i + 1], "zh") != 0 && strcmp(argv[i + 1], "en") != 0))
                return usage_error("%s", "--lang takes zh or en");
            o->lang = argv[++i][0] == 'e';
        } else if (o->is_run && strcmp(a, "--all") == 0) {
            o->all = true;
        } else if (o->is_test && (strcmp(a, "--junit") == 0 || strcmp(a, "--lang") == 0)) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", a);
            const char *v = argv[++i];
            if (a[2] == 'j')
                o->junit = v;
            else if (strcmp(v, "zh") == 0 || strcmp(v, "en") == 0)
                o->lang = v[0] == 'e';
            else
                return usage_error("unknown language '%s' (expected zh or en)", v);
        } else if ((o->is_test || o->is_run) && strcmp(a, "--param") == 0) {
            if (i + 1 >= argc || !strchr(argv[i + 1], '=') || argv[i + 1][0] == '=')
                return usage_error("%s", "option '--param' needs NAME=VALUE");
            if (!o->params)
                o->params = calloc((size_t)argc + 1, sizeof *o->params);
            if (!o->params)
                return NM_EXIT_USAGE;
            o->params[o->nparams++] = argv[++i];
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
            /* 0 is no limit; counts past 2^64 saturate (converting them is undefined) */
            unsigned long long n = v == 0 || v >= 18446744073709551615.0 ? NM_UNLIMITED
                                                                          : (unsigned long long)v;
            if (v == 0)
                v = -1;     /* nm_run_options: a negative time is no limit */
            if (a[2] == 't')
                o->run.max_seconds = v;
            else if (a[6] == 't')
                o->run.max_tuples = n;
            else
                o->run.max_iterations = n;
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

/* Applies --param NAME=VALUE (after a successful check); false after diagnostics. */
static bool set_params(nm_engine *e, const load_opts *o)
{
    bool ok = true;
    for (int i = 0; i < o->nparams; i++) {
        const char *eq = strchr(o->params[i], '=');
        char *name = strndup(o->params[i], (size_t)(eq - o->params[i]));
        ok = nm_engine_set_param(e, name, eq + 1) && ok;
        free(name);
    }
    return ok;
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

/* `norma run CASEFILE`: for each case, the conclusions its expectations name, each
 * with its explanation ([cli.run]). */
static int run_cases(nm_engine *e, const load_opts *o)
{
    int status = NM_EXIT_OK;
    for (int c = 0; c < nm_engine_case_count(e); c++) {
        nm_run_options ro = o->run;
        ro.case_name = nm_engine_case_name(e, c);
        const char *title = nm_engine_case_title(e, c), *ref = nm_engine_case_ref(e, c);
        printf("%s== case %s", c ? "\n" : "", ro.case_name);
        if (title)
            printf(" %s", title);
        if (ref)
            printf(" %s", ref);
        putchar('\n');
        nm_model *m = nm_engine_run(e, &ro);
        if (!m) {
            status = NM_EXIT_FAIL;
            continue;
        }
        for (int g = 0; g < nm_engine_case_goal_count(e, c); g++) {
            nm_explanation *x = nm_model_explain(m, nm_engine_case_goal(e, c, g), NULL);
            if (!x) {
                status = NM_EXIT_FAIL;
                continue;
            }
            nm_explanation_render(x, NM_FORMAT_TEXT, o->lang ? NM_LANG_EN : NM_LANG_ZH, stdout);
        }
    }
    return status;
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
    if (ok && !set_params(e, &o)) {
        print_diags(e, &o);
        return NM_EXIT_USAGE;
    }
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
        nm_engine_set_verdict_explanations(e, !o.no_explain);
        int rc_out = write_outputs(m, &o);
        if (rc_out)
            status = rc_out;
    }
    if (m && o.nqueries == 0 && !to_files && !o.run.case_name && !o.all &&
        nm_engine_case_count(e) > 0) {
        /* a file of cases: each case's conclusions, with their explanations */
        status = run_cases(e, &o);
    } else if (m && o.nqueries == 0 && !to_files)
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
    if (o.update && o.nparams)
        return usage_error("%s", "--update cannot be combined with --param (pins record the "
                                 "rules as written)");
    if (!set_params(e, &o)) {
        print_diags(e, &o);
        return NM_EXIT_USAGE;
    }
    nm_test_options to = {.strict = o.run.strict, .verbose = o.verbose,
                          .only_case = o.run.case_name, .junit = o.junit,
                          .update = o.update, .no_explain = o.no_explain, .lang = o.lang,
                          .coverage = o.coverage ? nm_coverage_new(e) : NULL};
    nm_test_summary s = nm_engine_test(e, &to, stdout);
    if (to.coverage)
        nm_coverage_print(to.coverage, stdout);
    if (nm_engine_error_count(e) || nm_engine_warning_count(e))
        print_diags(e, &o);
    if (o.run.case_name && s.cases == 0) {
        fprintf(stderr, "norma: no case named '%s'\n", o.run.case_name);
        return NM_EXIT_USAGE;
    }
    return s.failed || nm_engine_error_count(e) ? NM_EXIT_FAIL : NM_EXIT_OK;
}

/* `norma explain FILE|DIR... --query ATOM [options]` (SPEC [cli.explain]). */
static int cmd_explain(int argc, char **argv)
{
    nm_engine *e = nm_engine_new();
    load_opts o = {.is_run = true};
    nm_explain_options xo = {0};
    nm_lang lang = NM_LANG_ZH;
    nm_explain_format format = NM_FORMAT_TEXT;
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return NM_EXIT_USAGE;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--why-not") == 0) {
            xo.why_not = true;
        } else if (strcmp(a, "--missing") == 0) {
            xo.missing = true;
        } else if (strcmp(a, "--lang") == 0 || strcmp(a, "--format") == 0 ||
                   strcmp(a, "--depth") == 0 || strcmp(a, "--why-not-k") == 0) {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--lang") == 0) {
                if (strcmp(v, "zh") == 0)
                    lang = NM_LANG_ZH;
                else if (strcmp(v, "en") == 0)
                    lang = NM_LANG_EN;
                else
                    return usage_error("unknown language '%s' (expected zh or en)", v);
            } else if (strcmp(a, "--format") == 0) {
                if (strcmp(v, "text") == 0)
                    format = NM_FORMAT_TEXT;
                else if (strcmp(v, "json") == 0)
                    format = NM_FORMAT_JSON;
                else if (strcmp(v, "dot") == 0)
                    format = NM_FORMAT_DOT;
                else
                    return usage_error("unknown format '%s' (expected text, json or dot)", v);
            } else {
                double n;
                if (!parse_count(a, v, &n))
                    return NM_EXIT_USAGE;
                if (a[2] == 'd')
                    xo.depth = (int)n;
                else
                    xo.why_not_k = (int)n;
            }
        } else {
            rest[nrest++] = argv[i];
        }
    }
    int rc = parse_load_args(nrest, rest, &o, e);
    if (rc)
        return rc;
    if (o.nqueries == 0)
        return usage_error("%s", "explain needs --query ATOM");
    for (int i = 0; i < o.npaths; i++)
        nm_engine_load_path(e, o.paths[i]);
    if (nm_engine_unreadable(e)) {
        print_diags(e, &o);
        return NM_EXIT_USAGE;
    }
    bool ok = nm_engine_check(e);
    if (ok && !set_params(e, &o)) {
        print_diags(e, &o);
        return NM_EXIT_USAGE;
    }
    for (int i = 0; ok && i < o.nfact_dirs; i++)
        ok = nm_engine_load_facts_dir(e, o.fact_dirs[i]);
    if (nm_engine_unreadable(e)) {
        print_diags(e, &o);
        return NM_EXIT_USAGE;
    }
    for (int i = 0; ok && i < o.nfacts; i++)
        ok = nm_engine_add_fact(e, o.facts[i]);
    o.run.no_provenance = false;
    nm_model *m = ok ? nm_engine_run(e, &o.run) : NULL;
    int status = m ? NM_EXIT_OK : NM_EXIT_FAIL;
    for (int q = 0; m && q < o.nqueries; q++) {
        nm_explanation *x = nm_model_explain(m, o.queries[q], &xo);
        if (!x) {
            status = NM_EXIT_USAGE;
            continue;
        }
        nm_explanation_render(x, format, lang, stdout);
    }
    if (nm_engine_error_count(e) || nm_engine_warning_count(e))
        print_diags(e, &o);
    free(rest);
    return status;
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

/* `norma help COMMAND`: what a command does, with examples. */
static const struct {
    const char *cmd, *text;
} command_help[] = {
    {"check", "norma check FILE|DIR...\n"
              "  Parses and checks rule files and the modules they use; reports every error\n"
              "  with its line, column and a caret. Exit 1 when there are errors.\n\n"
              "examples:\n"
              "  norma check stdlib examples\n"
              "  norma check --diagnostics=json rules.norma\n"},
    {"run", "norma run FILE|DIR... [--case NAME] [--query ATOM]...\n"
            "  Evaluates the rules and prints the derived atoms, or the answers to each\n"
            "  query: an atom alone is yes, 'unknown' and 'no' follow the atom otherwise,\n"
            "  and [presumed] / [conflict] mark answers resting on a presumption or a\n"
            "  conflict.\n\n"
            "examples:\n"
            "  norma run examples/hu.norma --case hu\n"
            "  norma run examples/hu.norma --case hu --query 'nsp(x)'\n"
            "  norma run rules.norma --facts data/ --verdicts out.jsonl --query 'guilty(p)'\n"},
    {"test", "norma test FILE|DIR... [--case NAME] [--strict] [-v]\n"
             "  Evaluates every case and checks its expect lines; lists each failure with\n"
             "  its location and ends with 'N passed, N failed'.\n\n"
             "examples:\n"
             "  norma test examples\n"
             "  norma test examples --case hu -v\n"},
    {"fmt", "norma fmt [--check | -w] FILE|DIR...\n"
            "  Prints rule files in the canonical layout, every comment kept; --check\n"
            "  lists the files that would change; -w rewrites them in place, atomically,\n"
            "  and never touches a file that does not parse. In a directory, the\n"
            "  patterns of its .normafmtignore (one a line) name files to leave alone.\n\n"
            "examples:\n"
            "  norma fmt --check stdlib examples tests\n"
            "  norma fmt -w rules.norma\n"},
};

/* Strips --color=WHEN from argv (anywhere) and turns colours on for a terminal unless
 * NO_COLOR is set — diagnostics when stderr is one, explanation trees when stdout is
 * one; returns false on a bad WHEN. */
static bool take_color_option(int *argc, char **argv, bool *results_out)
{
    const char *when = "auto";
    int k = 0;
    for (int i = 0; i < *argc; i++) {
        if (strncmp(argv[i], "--color=", 8) == 0)
            when = argv[i] + 8;
        else
            argv[k++] = argv[i];
    }
    *argc = k;
    bool diags, results;
    if (strcmp(when, "always") == 0)
        diags = results = true;
    else if (strcmp(when, "never") == 0)
        diags = results = false;
    else if (strcmp(when, "auto") == 0) {
        const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
        bool allowed = !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);
        diags = allowed && isatty(2);
        results = allowed && isatty(1);
    } else {
        usage_error("--color takes auto, always or never, not '%s'", when);
        return false;
    }
    nm_set_color(diags);
    nm_set_result_color(results);
    *results_out = results;
    return true;
}

int main(int argc, char **argv)
{
    nm_init();
    bool result_color;
    if (!take_color_option(&argc, argv, &result_color))
        return NM_EXIT_USAGE;
    if (argc < 2)
        return usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 && argc >= 3) {
        for (size_t i = 0; i < sizeof command_help / sizeof command_help[0]; i++)
            if (strcmp(argv[2], command_help[i].cmd) == 0) {
                fputs(command_help[i].text, stdout);
                return NM_EXIT_OK;
            }
        return usage_error("no help for '%s'", argv[2]);
    }
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
    if (strcmp(cmd, "repl") == 0)
        return nm_repl_main(argc - 2, argv + 2, result_color);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 2, argv + 2);
    if (strcmp(cmd, "fmt") == 0)
        return cmd_fmt(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}
