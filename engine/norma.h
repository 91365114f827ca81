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

#endif
