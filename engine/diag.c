/* diag.c — collects diagnostics from every stage and renders them (see diag.h):
 * text with a source line and a caret underline, or JSON for tools. Sorting by file
 * and position happens only at render time, so stages may report in any order. */
#include "diag.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "mem.h"

typedef struct nm_note {
    nm_severity sev;
    bool located;
    nm_span span;
    const char *msg;
} nm_note;

struct nm_diag {
    nm_severity sev;
    nm_span span;
    const char *code;
    const char *msg;
    nm_vec notes;   /* nm_note* */
    int seq;        /* order of report, the last sort key */
};

struct nm_diags {
    nm_vec items;   /* nm_diag* */
    nm_vec files;   /* const nm_srcfile*, in order of first report */
    int errors, warnings;
};

/* Colours for terminals (off by default; the CLI turns them on for a terminal unless
 * NO_COLOR is set). Process-wide: diagnostics go to one terminal. */
static bool use_color;

void nm_diags_set_color(bool on) { use_color = on; }

static const char *sev_color(nm_severity s)
{
    if (!use_color)
        return "";
    switch (s) {
    case NM_SEV_ERROR: return "\033[1;31m";
    case NM_SEV_WARNING: return "\033[1;35m";
    default: return "\033[1;36m";
    }
}

static const char *bold(void) { return use_color ? "\033[1m" : ""; }
static const char *caret_color(void) { return use_color ? "\033[1;32m" : ""; }
static const char *reset(void) { return use_color ? "\033[0m" : ""; }

nm_span nm_span_join(nm_span a, nm_span b)
{
    nm_span r = a;
    if (b.end_off > a.end_off) {
        r.end_line = b.end_line;
        r.end_col = b.end_col;
        r.end_off = b.end_off;
    }
    return r;
}

nm_diags *nm_diags_new(void) { return nm_alloc(sizeof(nm_diags)); }

nm_diag *nm_diag_vadd(nm_diags *ds, nm_severity sev, nm_span span, const char *code,
                      const char *fmt, va_list ap)
{
    nm_diag *d = nm_alloc(sizeof *d);
    d->sev = sev;
    d->span = span;
    d->code = code ? code : "";
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    char *msg = nm_alloc_atomic((size_t)n + 1);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    d->msg = msg;
    d->seq = ds->items.n;
    nm_vec_push(&ds->items, d);
    if (span.file) {
        bool known = false;
        for (int i = 0; i < ds->files.n && !known; i++)
            known = ds->files.items[i] == span.file;
        if (!known)
            nm_vec_push(&ds->files, (void *)span.file);
    }
    if (sev == NM_SEV_ERROR)
        ds->errors++;
    else if (sev == NM_SEV_WARNING)
        ds->warnings++;
    return d;
}

nm_diag *nm_diag_add(nm_diags *ds, nm_severity sev, nm_span span, const char *code,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nm_diag *d = nm_diag_vadd(ds, sev, span, code, fmt, ap);
    va_end(ap);
    return d;
}

nm_diag *nm_error(nm_diags *ds, nm_span span, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nm_diag *d = nm_diag_vadd(ds, NM_SEV_ERROR, span, code, fmt, ap);
    va_end(ap);
    return d;
}

nm_diag *nm_warning(nm_diags *ds, nm_span span, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nm_diag *d = nm_diag_vadd(ds, NM_SEV_WARNING, span, code, fmt, ap);
    va_end(ap);
    return d;
}

void nm_diag_note(nm_diag *d, nm_severity sev, const nm_span *span, const char *fmt, ...)
{
    nm_note *n = nm_alloc(sizeof *n);
    n->sev = sev;
    if (span && span->file) {
        n->located = true;
        n->span = *span;
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = nm_alloc_atomic((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);
    n->msg = msg;
    nm_vec_push(&d->notes, n);
}

int nm_diags_errors(const nm_diags *ds) { return ds->errors; }
int nm_diags_warnings(const nm_diags *ds) { return ds->warnings; }
int nm_diags_count(const nm_diags *ds) { return ds->items.n; }

static const char *sev_name(nm_severity s)
{
    switch (s) {
    case NM_SEV_ERROR: return "error";
    case NM_SEV_WARNING: return "warning";
    case NM_SEV_NOTE: return "note";
    case NM_SEV_HELP: return "help";
    }
    return "error";
}

int nm_display_width(const char *s, size_t n)
{
    int w = 0;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {   /* invalid byte: shown as one replacement cell */
            w += 1;
            i += 1;
            continue;
        }
        i += (size_t)k;
        if (cp == '\t' || cp < 0x20 || cp == 0x7f)  /* printed as one cell (U+FFFD) */
            w += 1;
        else {
            int cw = utf8proc_charwidth(cp);
            w += cw < 0 ? 1 : cw;
        }
    }
    return w;
}

/* Sorting: by file (order of first report), then offset, then report order. */
static const nm_diags *sort_ctx;

static int file_rank(const nm_srcfile *f)
{
    if (!f)
        return -1;
    for (int i = 0; i < sort_ctx->files.n; i++)
        if (sort_ctx->files.items[i] == f)
            return i;
    return sort_ctx->files.n;
}

static int cmp_diag(const void *pa, const void *pb)
{
    const nm_diag *a = *(nm_diag *const *)pa, *b = *(nm_diag *const *)pb;
    int fa = file_rank(a->span.file), fb = file_rank(b->span.file);
    if (fa != fb)
        return fa < fb ? -1 : 1;
    if (a->span.off != b->span.off)
        return a->span.off < b->span.off ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static nm_diag **sorted(const nm_diags *ds)
{
    nm_diag **v = nm_alloc(sizeof *v * (size_t)(ds->items.n + 1));
    if (ds->items.n)    /* items.items is NULL when empty: memcpy(…, NULL, 0) is UB */
        memcpy(v, ds->items.items, sizeof *v * (size_t)ds->items.n);
    sort_ctx = ds;
    qsort(v, (size_t)ds->items.n, sizeof *v, cmp_diag);
    sort_ctx = NULL;
    return v;
}

/* The bytes of line `line` (1-based) of f, without its line end. */
static const char *line_text(const nm_srcfile *f, size_t off, size_t *len)
{
    size_t start = off > f->len ? f->len : off;
    while (start > 0 && f->text[start - 1] != '\n')
        start--;
    size_t end = start;
    while (end < f->len && f->text[end] != '\n')
        end++;
    if (end > start && f->text[end - 1] == '\r')
        end--;
    *len = end - start;
    return f->text + start;
}

static int digits(int n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* A line wider than SNIPPET_CELLS display cells is cut to a window of that width
 * that starts SNIPPET_BEFORE cells before the caret, with "..." where text is left
 * out — why: a 1 MB line (generated rules, a minified fact row) would otherwise print
 * in full, and the caret line with it. */
#define SNIPPET_CELLS 160
#define SNIPPET_BEFORE 60

/* The offset `cells` display cells before `at` in ln (or 0), on a code point start. */
static size_t back_cells(const char *ln, size_t at, int cells)
{
    size_t i = at;
    for (int w = 0; i > 0 && w < cells;) {
        size_t j = i - 1;
        while (j > 0 && i - j < 4 && ((unsigned char)ln[j] & 0xC0) == 0x80)
            j--;
        w += nm_display_width(ln + j, i - j);
        i = j;
    }
    return i;
}

/* The end of the longest run of code points from `at` that fits in `cells` cells. */
static size_t fwd_cells(const char *ln, size_t len, size_t at, int cells)
{
    size_t i = at;
    int w = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)ln + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        size_t step = k <= 0 ? 1 : (size_t)k;
        int cw = nm_display_width(ln + i, step);
        if (w + cw > cells)
            break;
        w += cw;
        i += step;
    }
    return i;
}

/* Prints the source line of `span` with a caret under its first cell and `~` under
 * the rest of the span on that line (a long line cut around the caret, as above).
 * Tabs print as one space; control bytes and invalid UTF-8 as U+FFFD so the caret
 * stays aligned. */
static void print_snippet(FILE *out, const nm_span *span, int gutter)
{
    const nm_srcfile *f = span->file;
    size_t full;
    const char *ln = line_text(f, span->off, &full);
    size_t col_off = span->off - (size_t)(ln - f->text);
    if (col_off > full)
        col_off = full;
    size_t start = 0, len = full;       /* the window [start, len) of the line */
    if (full > SNIPPET_CELLS && nm_display_width(ln, full) > SNIPPET_CELLS) {
        start = back_cells(ln, col_off, SNIPPET_BEFORE);
        len = fwd_cells(ln, full, start, SNIPPET_CELLS - (start > 0 ? 3 : 0) - 3);
        if (len < col_off)
            len = col_off;
    }
    fprintf(out, "%*d | %s", gutter, span->line, start > 0 ? "..." : "");
    size_t i = start;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)ln + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            fputs("\xEF\xBF\xBD", out);
            i++;
        } else {
            if (cp == '\t')
                fputc(' ', out);
            else if (cp < 0x20 || cp == 0x7f)
                fputs("\xEF\xBF\xBD", out);
            else
                fwrite(ln + i, 1, (size_t)k, out);
            i += (size_t)k;
        }
    }
    fprintf(out, "%s\n", len < full ? "..." : "");

    size_t end_off = span->end_line == span->line ? span->end_off : (size_t)(ln - f->text) + len;
    size_t span_len = end_off > span->off ? end_off - span->off : 0;
    if (col_off + span_len > len)
        span_len = len > col_off ? len - col_off : 0;
    int pad = (start > 0 ? 3 : 0) + nm_display_width(ln + start, col_off - start);
    int width = nm_display_width(ln + col_off, span_len);
    fprintf(out, "%*s | %*s%s^", gutter, "", pad, "", caret_color());
    for (int w = 1; w < width; w++)
        fputc('~', out);
    fprintf(out, "%s\n", reset());
}

static void print_location(FILE *out, const nm_span *s)
{
    if (s->file)
        fprintf(out, "%s%s:%d:%d:%s ", bold(), s->file->path, s->line, s->col, reset());
    else
        fputs("norma: ", out);
}

void nm_diags_render_text(const nm_diags *ds, FILE *out)
{
    nm_diag **v = sorted(ds);
    for (int i = 0; i < ds->items.n; i++) {
        nm_diag *d = v[i];
        print_location(out, &d->span);
        fprintf(out, "%s%s:%s %s\n", sev_color(d->sev), sev_name(d->sev), reset(), d->msg);
        int gutter = d->span.file ? digits(d->span.line) + 1 : 1;
        if (d->span.file)
            print_snippet(out, &d->span, gutter);
        for (int j = 0; j < d->notes.n; j++) {
            nm_note *n = d->notes.items[j];
            if (n->located) {
                print_location(out, &n->span);
                fprintf(out, "%s%s:%s %s\n", sev_color(n->sev), sev_name(n->sev), reset(), n->msg);
                print_snippet(out, &n->span, digits(n->span.line) + 1);
            } else {
                fprintf(out, "%*s = %s%s:%s %s\n", gutter, "", sev_color(n->sev), sev_name(n->sev),
                        reset(), n->msg);
            }
        }
    }
    if (ds->errors || ds->warnings) {
        if (ds->errors)
            fprintf(out, "%d error%s", ds->errors, ds->errors == 1 ? "" : "s");
        if (ds->errors && ds->warnings)
            fputs(", ", out);
        if (ds->warnings)
            fprintf(out, "%d warning%s", ds->warnings, ds->warnings == 1 ? "" : "s");
        fputc('\n', out);
    }
}

static json_t *span_json(const nm_span *s)
{
    if (!s->file)
        return json_null();
    return json_pack("{s:s, s:i, s:i, s:i, s:i}", "file", s->file->path, "line", s->line,
                     "column", s->col, "end_line", s->end_line, "end_column", s->end_col);
}

void nm_diags_render_json(const nm_diags *ds, FILE *out)
{
    nm_diag **v = sorted(ds);
    json_t *arr = json_array();
    for (int i = 0; i < ds->items.n; i++) {
        nm_diag *d = v[i];
        json_t *notes = json_array();
        for (int j = 0; j < d->notes.n; j++) {
            nm_note *n = d->notes.items[j];
            json_array_append_new(notes, json_pack("{s:s, s:s, s:o}", "severity", sev_name(n->sev),
                                                   "message", n->msg, "span",
                                                   n->located ? span_json(&n->span) : json_null()));
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o, s:o}", "severity",
                                              sev_name(d->sev), "code", d->code, "message",
                                              d->msg, "span", span_json(&d->span), "notes", notes));
    }
    json_t *doc = json_pack("{s:o, s:i, s:i}", "diagnostics", arr, "errors", ds->errors,
                            "warnings", ds->warnings);
    json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', out);
    json_decref(doc);
}
