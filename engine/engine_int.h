/* engine_int.h — the inside of the nm_engine handle, shared by engine.c (loading
 * and checking) and model.c (evaluation and queries). Internal to engine/. */
#ifndef NM_ENGINE_INT_H
#define NM_ENGINE_INT_H

#include "ast.h"
#include "diag.h"
#include "mem.h"
#include "norma.h"
#include "program.h"

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
    nm_vec extra_facts;     /* texts of facts added through nm_engine_add_fact */
};

#endif
