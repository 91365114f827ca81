/* diag.h — source files, spans and diagnostics: the one module every stage reports
 * through. Renders `file:line:col: error: message`, the source line, and a caret with
 * `~` under the span (columns count code points; CJK characters take two cells on the
 * caret line), notes and help lines, a closing count; or the same as JSON. */
#ifndef NM_DIAG_H
#define NM_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A loaded source text. `text` is NUL-terminated and owned by the collector. */
typedef struct nm_srcfile {
    const char *path;   /* as given by the user, used in messages */
    const char *text;
    size_t len;
} nm_srcfile;

/* A half-open range of a source file. Lines and columns are 1-based; columns count
 * code points. `off`/`end_off` are byte offsets into file->text. end_* is exclusive. */
typedef struct nm_span {
    const nm_srcfile *file;
    int line, col;
    int end_line, end_col;
    size_t off, end_off;
} nm_span;

/* The span covering a through b (b must not start before a). */
nm_span nm_span_join(nm_span a, nm_span b);

typedef enum nm_severity {
    NM_SEV_ERROR,
    NM_SEV_WARNING,
    NM_SEV_NOTE,
    NM_SEV_HELP,
} nm_severity;

typedef struct nm_diag nm_diag;
typedef struct nm_diags nm_diags;

nm_diags *nm_diags_new(void);

/* Adds a diagnostic at `span` (span.file may be NULL for one with no location).
 * `code` is a stable short id (e.g. "E-unknown-pred") used by the JSON form.
 * Returns the diagnostic so that notes can be attached. */
nm_diag *nm_diag_add(nm_diags *ds, nm_severity sev, nm_span span, const char *code,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
nm_diag *nm_diag_vadd(nm_diags *ds, nm_severity sev, nm_span span, const char *code,
                      const char *fmt, va_list ap);

/* Shorthands for errors and warnings. */
nm_diag *nm_error(nm_diags *ds, nm_span span, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
nm_diag *nm_warning(nm_diags *ds, nm_span span, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Attaches a `note:` (sev NM_SEV_NOTE) or `help:` (NM_SEV_HELP) line to d. With a
 * located span the note prints its own location and source line; with span NULL it
 * prints as an indented line under its diagnostic. */
void nm_diag_note(nm_diag *d, nm_severity sev, const nm_span *span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int nm_diags_errors(const nm_diags *ds);
int nm_diags_warnings(const nm_diags *ds);
int nm_diags_count(const nm_diags *ds);

/* Renders all diagnostics, sorted by (file in order of first report, offset, order of
 * report), then a closing line "N errors, M warnings" when there is anything to say.
 * Text form to `out`. */
void nm_diags_render_text(const nm_diags *ds, FILE *out);
/* JSON form: one JSON document {"diagnostics": [...], "errors": N, "warnings": M}. */
void nm_diags_render_json(const nm_diags *ds, FILE *out);

/* Turns ANSI colours in the text form on or off (default off), for every renderer. */
void nm_diags_set_color(bool on);

/* Display width in terminal cells of the UTF-8 text [s, s+n): CJK wide characters
 * count 2, combining marks 0, tabs 1 (rendered as one space). */
int nm_display_width(const char *s, size_t n);

#endif
