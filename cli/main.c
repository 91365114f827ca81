/* main.c — the `norma` program: parses the command line and drives the engine
 * through norma.h only. Exit codes: 0 ok, 1 the rules or a test failed,
 * 2 usage or unreadable input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norma.h"

static const char *usage_text =
    "usage: norma <command> [options] FILE|DIR...\n"
    "\n"
    "commands:\n"
    "  check FILE|DIR...   parse and check rule files; report every error\n"
    "\n"
    "options for check:\n"
    "  --path DIR            add DIR to the module search path (repeatable)\n"
    "  --stdlib DIR          use DIR as the bundled standard library\n"
    "  --diagnostics=FORMAT  text (default) or json\n"
    "  --dump-ast            print the syntax tree of each file\n"
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
    const char **paths;
    int npaths;
} load_opts;

/* Parses options and paths of a loading command into o and a new engine.
 * Returns 0 or an exit code on a usage error. */
static int parse_load_args(int argc, char **argv, load_opts *o, nm_engine *e)
{
    o->paths = calloc((size_t)argc + 1, sizeof *o->paths);
    if (!o->paths)
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
    return usage_error("unknown command '%s'", cmd);
}
