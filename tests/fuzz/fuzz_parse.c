/* fuzz_parse.c — libFuzzer harness for the lexer and parser: any byte string must
 * parse (with or without diagnostics) without crashing, hanging or leaking into UB,
 * and the diagnostics must render. Built with -DNORMA_FUZZ=ON (clang). */
#include <gc.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static FILE *sink;
    if (!ready) {
        GC_INIT();
        sink = fopen("/dev/null", "w");
        ready = 1;
    }
    nm_srcfile *src = nm_alloc(sizeof *src);
    src->path = "fuzz.norma";
    src->text = nm_strndup((const char *)data, size);
    src->len = size;
    nm_diags *diags = nm_diags_new();
    nm_ast_file *f = nm_parse(src, diags, 0);
    nm_buf dump = {0};
    nm_ast_dump(f, &dump);
    nm_diags_render_text(diags, sink);
    return 0;
}
