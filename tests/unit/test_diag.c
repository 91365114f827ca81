/* test_diag.c — unit tests of the diagnostics module (engine/diag.c): the text form
 * (location, source line, caret and tildes; CJK double width; notes; the closing
 * count; sorting by position) and the JSON form. spec: diag.format */
#include <criterion/criterion.h>
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "mem.h"

static void setup(void) { GC_INIT(); }

TestSuite(diag, .init = setup);

static nm_srcfile *file_of(const char *text)
{
    nm_srcfile *f = nm_alloc(sizeof *f);
    f->path = "t.norma";
    f->text = text;
    f->len = strlen(text);
    return f;
}

/* The span of bytes [off, off+n) on line `line` whose column is `col`. */
static nm_span span_at(nm_srcfile *f, int line, int col, size_t off, size_t n, int ncols)
{
    nm_span s = {.file = f, .line = line, .col = col, .end_line = line,
                 .end_col = col + ncols, .off = off, .end_off = off + n};
    return s;
}

static char *render(nm_diags *ds, int json)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (json)
        nm_diags_render_json(ds, m);
    else
        nm_diags_render_text(ds, m);
    fclose(m);
    return buf;
}

Test(diag, ascii_caret_and_tildes)
{
    nm_srcfile *f = file_of("pred p(x: int)\nrule r: q(x) if provide(x)\n");
    nm_diags *ds = nm_diags_new();
    nm_diag *d = nm_error(ds, span_at(f, 2, 17, 31, 7, 7), "E-x", "unknown predicate '%s'", "provide");
    nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean '%s'?", "provides");
    char *out = render(ds, 0);
    cr_assert_str_eq(out,
                     "t.norma:2:17: error: unknown predicate 'provide'\n"
                     " 2 | rule r: q(x) if provide(x)\n"
                     "   |                 ^~~~~~~\n"
                     "   = help: did you mean 'provides'?\n"
                     "1 error\n");
    free(out);
}

Test(diag, cjk_counts_two_cells)
{
    /* "规则 甲: 乙(x) if 丙(x)": 丙 is code point column 15, display cell 19 */
    const char *text = "规则 甲: 乙(x) if 丙(x)\n";
    nm_srcfile *f = file_of(text);
    const char *at = strstr(text, "丙");
    nm_diags *ds = nm_diags_new();
    nm_error(ds, span_at(f, 1, 15, (size_t)(at - text), 3, 1), "E-x", "unknown predicate '丙'");
    char *out = render(ds, 0);
    cr_assert_str_eq(out,
                     "t.norma:1:15: error: unknown predicate '丙'\n"
                     " 1 | 规则 甲: 乙(x) if 丙(x)\n"
                     "   |                   ^~\n"
                     "1 error\n");
    free(out);
}

Test(diag, sorted_by_position_with_count)
{
    nm_srcfile *f = file_of("a\nb\n");
    nm_diags *ds = nm_diags_new();
    nm_warning(ds, span_at(f, 2, 1, 2, 1, 1), "W-x", "second");
    nm_error(ds, span_at(f, 1, 1, 0, 1, 1), "E-x", "first");
    char *out = render(ds, 0);
    cr_assert_str_eq(out,
                     "t.norma:1:1: error: first\n"
                     " 1 | a\n"
                     "   | ^\n"
                     "t.norma:2:1: warning: second\n"
                     " 2 | b\n"
                     "   | ^\n"
                     "1 error, 1 warning\n");
    cr_assert_eq(nm_diags_errors(ds), 1);
    cr_assert_eq(nm_diags_warnings(ds), 1);
    free(out);
}

Test(diag, no_location)
{
    nm_diags *ds = nm_diags_new();
    nm_span none = {0};
    nm_error(ds, none, "E-read", "cannot read 'x'");
    char *out = render(ds, 0);
    cr_assert_str_eq(out, "norma: error: cannot read 'x'\n1 error\n");
    free(out);
}

Test(diag, json_form)
{
    nm_srcfile *f = file_of("ab\n");
    nm_diags *ds = nm_diags_new();
    nm_error(ds, span_at(f, 1, 2, 1, 1, 1), "E-x", "bad 'b'");
    char *out = render(ds, 1);
    cr_assert(strstr(out, "\"code\": \"E-x\"") != NULL, "%s", out);
    cr_assert(strstr(out, "\"column\": 2") != NULL, "%s", out);
    cr_assert(strstr(out, "\"errors\": 1") != NULL, "%s", out);
    free(out);
}

Test(diag, width)
{
    cr_assert_eq(nm_display_width("abc", 3), 3);
    cr_assert_eq(nm_display_width("解释", strlen("解释")), 4);
    cr_assert_eq(nm_display_width("〔2019〕", strlen("〔2019〕")), 8);
}
