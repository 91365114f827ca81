/* fuzz_fmt.c — libFuzzer harness for the formatter ([cli.fmt]): when a text formats,
 * formatting the result again must give it back unchanged (idempotence), the result
 * must parse to the same syntax tree, and — for small programs that check — the two
 * must give the same answers. The formatter's own internal "would not keep its
 * meaning" error counts as a crash. */
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "fmt.h"
#include "fuzz_common.h"
#include "mem.h"

static nm_srcfile *source(const char *text, size_t len)
{
    nm_srcfile *s = nm_alloc(sizeof *s);
    s->path = "fuzz.norma";
    s->text = text;
    s->len = len;
    return s;
}

static const char *ast_of(const nm_srcfile *s)
{
    nm_diags *ds = nm_diags_new();
    nm_ast_file *f = nm_parse(s, ds, 0);
    nm_buf b = {0};
    nm_ast_dump(f, &b);
    return nm_diags_errors(ds) ? NULL : nm_buf_str(&b);
}

/* The formatter's internal error is the one diagnostic with code E-fmt (found in the
 * JSON form, where the input's own text cannot fake the key). */
static bool internal_error(nm_diags *ds, FILE *sink)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);
    nm_diags_render_json(ds, mem);
    fclose(mem);
    bool bad = buf && strstr(buf, "\"code\": \"E-fmt\"") != NULL;
    if (bad)
        nm_diags_render_text(ds, stderr);
    else
        nm_diags_render_text(ds, sink);
    free(buf);
    return bad;
}

/* The printed model of `text`, or NULL when it does not check or run. */
static char *answers(const char *text)
{
    nm_engine *e = nm_engine_new();
    nm_engine_load_string(e, "fuzz.norma", text);
    char *buf = NULL;
    if (nm_engine_check(e)) {
        nm_run_options o = fuzz_run_options();
        o.max_seconds = 0.25;
        nm_model *m = nm_engine_run(e, &o);
        if (m) {
            size_t n = 0;
            FILE *mem = open_memstream(&buf, &n);
            nm_model_print(m, mem);
            fclose(mem);
        }
    }
    nm_engine_free(e);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *sink = fuzz_init();
    const char *text = nm_strndup((const char *)data, size);
    nm_srcfile *src = source(text, size);
    nm_diags *ds = nm_diags_new();
    const char *once = nm_fmt_source(src, ds);
    if (internal_error(ds, sink))
        abort();
    if (!once)
        return 0;
    nm_diags *ds2 = nm_diags_new();
    const char *twice = nm_fmt_source(source(once, strlen(once)), ds2);
    if (internal_error(ds2, sink) || !twice) {
        fprintf(stderr, "fuzz_fmt: the formatted text does not format\n");
        abort();
    }
    if (strcmp(once, twice) != 0) {
        fprintf(stderr, "fuzz_fmt: not idempotent\n--- once\n%s--- twice\n%s", once, twice);
        abort();
    }
    const char *a = ast_of(src), *b = ast_of(source(once, strlen(once)));
    if (!a || !b || strcmp(a, b) != 0) {
        fprintf(stderr, "fuzz_fmt: the syntax tree changed\n--- before\n%s--- after\n%s",
                a ? a : "(errors)\n", b ? b : "(errors)\n");
        abort();
    }
    /* Same answers: only small texts without NUL bytes (the engine reads C strings). */
    if (size <= 2048 && memchr(data, 0, size) == NULL) {
        char *x = answers(text), *y = answers(once);
        if ((x && y && strcmp(x, y) != 0)) {
            fprintf(stderr, "fuzz_fmt: answers differ\n--- before\n%s--- after\n%s", x, y);
            abort();
        }
        free(x);
        free(y);
    }
    return 0;
}
