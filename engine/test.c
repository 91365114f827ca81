/* test.c — cases as tests: evaluates each case of a checked program and checks its
 * `expect` lines ([sem.case]): holds, does not hold, unknown, decided by an article,
 * explained as a pinned file. Reports through norma.h's nm_engine_test. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coverage.h"
#include "engine_int.h"
#include "lower.h"
#include "render.h"

/* Does the rule's citation `have` fall under the expected citation `want`: the same
 * source, and want's parts a prefix of have's ([刑法 第286条之一] covers
 * [刑法 第286条之一 第1款])? */
static bool cite_covers(const nm_citation *want, const nm_citation *have)
{
    if (strcmp(want->source, have->source) != 0 || want->nparts > have->nparts)
        return false;
    for (int i = 0; i < want->nparts; i++) {
        const nm_cit_part *a = &want->parts[i], *b = &have->parts[i];
        if (a->kind != b->kind || a->number != b->number || a->sub != b->sub)
            return false;
        if (a->kind == NM_CIT_SECTION && strcmp(a->section ? a->section : "", b->section ? b->section : "") != 0)
            return false;
    }
    return true;
}

static void format_expect(const nm_program *p, const nm_pexpect *x, const nm_lowered *lw, nm_buf *b)
{
    const nm_ppred *pd = &p->preds[x->atom.pred];
    nm_buf_puts(b, pd->name);
    if (x->atom.nargs == 0)
        return;
    nm_buf_putc(b, '(');
    for (int j = 0; j < x->atom.nargs; j++) {
        const nm_pexpr *e = x->atom.args[j];
        nm_cell c;
        nm_buf err = {0};
        if (j)
            nm_buf_puts(b, ", ");
        if (e->kind == NM_E_WILD)
            nm_buf_putc(b, '_');
        else if (nm_lower_const_expr(lw, e, &c, &err))
            nm_buf_puts(b, nm_val_format_literal(c));
        else
            nm_buf_putc(b, '?');
    }
    nm_buf_putc(b, ')');
}

static const char *truth_word(nm_truth t)
{
    return t == NM_YES ? "yes" : t == NM_UNKNOWN ? "unknown" : "no";
}

/* `expect A explained "F" [lang en]`: the text explanation of A (as `norma explain
 * --query A` renders it, Chinese unless lang en) equals file F, whose path is relative
 * to the directory of the file holding the case ([sem.case], [expl.text]). */
static bool check_explained(nm_model *m, const nm_pexpect *x, nm_buf *why)
{
    const nm_lowered *lw = nm_model_lowered(m);
    nm_buf atom = {0};
    format_expect(lw->prog, x, lw, &atom);
    nm_explanation *ex = nm_model_explain(m, nm_buf_str(&atom), NULL);
    if (!ex) {
        nm_buf_puts(why, "the atom cannot be explained");
        return false;
    }
    nm_buf got = {0};
    nm_render_text(ex, x->lang && strcmp(x->lang, "en") == 0 ? NM_LANG_EN : NM_LANG_ZH, false, &got);
    const char *path = x->explained;
    const char *file = x->span.file ? x->span.file->path : "";
    const char *slash = strrchr(file, '/');
    if (path[0] != '/' && slash)
        path = nm_sprintf("%.*s/%s", (int)(slash - file), file, path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        nm_buf_printf(why, "cannot read '%s'", path);
        return false;
    }
    nm_buf want = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        nm_buf_putn(&want, chunk, n);
    fclose(f);
    const char *a = nm_buf_str(&got), *b = nm_buf_str(&want);
    if (got.len == want.len && memcmp(a, b, got.len) == 0)
        return true;
    int line = 1;
    size_t i = 0;
    while (i < got.len && i < want.len && a[i] == b[i])
        if (a[i++] == '\n')
            line++;
    size_t start = i;
    while (start > 0 && a[start - 1] != '\n')
        start--;
    const char *eol = strchr(a + start, '\n');
    nm_buf_printf(why, "the explanation differs from '%s' at line %d: got \"%.*s\"", path, line,
                  (int)(eol ? (size_t)(eol - (a + start)) : strlen(a + start)), a + start);
    return false;
}

/* Checks one expectation; on failure writes why to `why`. */
static bool check_expect(nm_model *m, const nm_pexpect *x, nm_buf *why)
{
    const nm_lowered *lw = nm_model_lowered(m);
    const nm_program *p = lw->prog;
    int ar = x->atom.nargs;
    nm_cell *cells = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(ar + 1));
    bool *wild = nm_alloc_atomic(sizeof(bool) * (size_t)(ar + 1));
    for (int j = 0; j < ar; j++) {
        wild[j] = x->atom.args[j]->kind == NM_E_WILD;
        cells[j] = NM_CELL_NONE;
        if (!wild[j] && !nm_lower_const_expr(lw, x->atom.args[j], &cells[j], why))
            return false;
    }
    nm_answers *a = nm_model_match(m, x->atom.pred, cells, wild);
    /* with wildcards: yes if some match is yes, no if every match is no */
    nm_truth got = NM_NO;
    int yes_at = -1;
    for (int i = 0; i < nm_answers_count(a); i++) {
        nm_truth t = nm_answers_truth(a, i);
        if (t > got)
            got = t;
        if (t == NM_YES && yes_at < 0)
            yes_at = i;
    }
    nm_truth want = x->what == NM_EXPECT_YES ? NM_YES : x->what == NM_EXPECT_NO ? NM_NO : NM_UNKNOWN;
    if (got != want) {
        nm_buf_printf(why, "got %s", truth_word(got));
        return false;
    }
    if (x->by) {
        /* decided by the article: some rule citing it concludes the atom ([sem.case]) */
        const nm_cell *row = nm_answers_row(a, yes_at);
        for (int ri = 0; ri < p->nrules; ri++) {
            const nm_prule *r = &p->rules[ri];
            if (r->head.pred != x->atom.pred || r->head_negated || r->block_only)
                continue;
            bool cites = false;
            for (int i = 0; i < r->ncites && !cites; i++)
                cites = cite_covers(x->by->cite, r->cites[i].cite);
            if (cites && nm_model_rule_concludes(m, r, x->atom.pred, row))
                return true;
        }
        const nm_prule *r = nm_model_concluded_by(m, x->atom.pred, row);
        if (!r) {
            nm_buf_puts(why, "holds, but as a fact, not by a rule citing it");
            return false;
        }
        nm_buf b = {0};
        for (int i = 0; i < r->ncites; i++)
            nm_citation_format(r->cites[i].cite, &b);
        nm_buf_printf(why, "holds, but no rule citing it concludes it (decided by rule '%s' %s)",
                      r->label, nm_buf_str(&b));
        return false;
    }
    if (x->explained)
        return check_explained(m, x, why);
    return true;
}

/* ---- reports: explanations under failures, pins, JUnit ([cli.test]) ------------------ */

/* Writes len bytes to path atomically: a temporary file in the same directory, then
 * rename; false with a message in err (the target is left as it was). */
static bool write_atomic(const char *path, const char *data, size_t len, nm_buf *err)
{
    char *tmp = nm_sprintf("%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        nm_buf_printf(err, "cannot write '%s': %s", path, strerror(errno));
        return false;
    }
    /* the mode of the file it replaces, else what the umask leaves of 0666 */
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    fchmod(fd, mode);
    FILE *f = fdopen(fd, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    ok = f && fflush(f) == 0 && ok;
    int saved = errno;
    if (f)
        fclose(f);
    else
        close(fd);
    if (ok && rename(tmp, path) != 0) {
        saved = errno;
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        nm_buf_printf(err, "cannot write '%s': %s", path, strerror(saved));
    }
    return ok;
}

/* The pinned file of an `explained` expectation: relative to the directory of the
 * file holding the case. */
static const char *pin_path(const nm_pexpect *x)
{
    const char *path = x->explained;
    const char *file = x->span.file ? x->span.file->path : "";
    const char *slash = strrchr(file, '/');
    if (path[0] != '/' && slash)
        path = nm_sprintf("%.*s/%s", (int)(slash - file), file, path);
    return path;
}

/* `norma test --update`: rewrites the pin of x with the current explanation when it
 * differs. Writes a report line to lines. False when it cannot be explained or
 * written. */
static bool update_pin(nm_model *m, const nm_pexpect *x, nm_buf *lines)
{
    const nm_lowered *lw = nm_model_lowered(m);
    nm_buf atom = {0};
    format_expect(lw->prog, x, lw, &atom);
    nm_explanation *ex = nm_model_explain(m, nm_buf_str(&atom), NULL);
    const char *where = nm_sprintf("%s:%d:%d", x->span.file ? x->span.file->path : "?",
                                   x->span.line, x->span.col);
    const char *path = pin_path(x);
    if (!ex) {
        nm_buf_printf(lines, "  %s: cannot update '%s': the atom cannot be explained\n", where, path);
        return false;
    }
    nm_buf got = {0};
    nm_render_text(ex, x->lang && strcmp(x->lang, "en") == 0 ? NM_LANG_EN : NM_LANG_ZH, false, &got);
    nm_buf old = {0};
    FILE *f = fopen(path, "rb");
    if (f) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            nm_buf_putn(&old, chunk, n);
        fclose(f);
        if (old.len == got.len && memcmp(nm_buf_str(&old), nm_buf_str(&got), got.len) == 0)
            return true;
    }
    nm_buf err = {0};
    if (!write_atomic(path, nm_buf_str(&got), got.len, &err)) {
        nm_buf_printf(lines, "  %s: %s\n", where, nm_buf_str(&err));
        return false;
    }
    nm_buf_printf(lines, "  %s: updated '%s'\n", where, path);
    return true;
}

/* The explanation of a failing expectation's atom (why, or why not for a no), as
 * text in lang, each line indented by four spaces under the failure line; the text
 * itself goes to raw. */
static void explain_failure(nm_model *m, const nm_pexpect *x, nm_lang lang, nm_buf *lines,
                            nm_buf *raw)
{
    const nm_lowered *lw = nm_model_lowered(m);
    nm_buf atom = {0};
    format_expect(lw->prog, x, lw, &atom);
    nm_explanation *ex = nm_model_explain(m, nm_buf_str(&atom), NULL);
    if (!ex)
        return;
    nm_buf text = {0};
    nm_render_text(ex, lang, false, &text);
    nm_buf_putn(raw, nm_buf_str(&text), text.len);
    const char *s = nm_buf_str(&text);
    while (*s) {
        const char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        nm_buf_puts(lines, n ? "    " : "");
        nm_buf_putn(lines, s, n);
        nm_buf_putc(lines, '\n');
        s += n + (eol ? 1 : 0);
    }
}

/* One expectation's outcome, for the JUnit report. */
typedef struct xresult {
    const nm_pexpect *x;
    const char *name;           /* "expect not liable(c)" */
    bool ok;
    const char *why;            /* failure message */
    const char *detail;         /* the explanation printed under it, or "" */
} xresult;

typedef struct cresult {
    const nm_pcase *cs;
    xresult *xs;
    int n, failed;
} cresult;

static void xml_escape(nm_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&': nm_buf_puts(b, "&amp;"); break;
        case '<': nm_buf_puts(b, "&lt;"); break;
        case '>': nm_buf_puts(b, "&gt;"); break;
        case '"': nm_buf_puts(b, "&quot;"); break;
        case '\'': nm_buf_puts(b, "&apos;"); break;
        default:
            /* XML 1.0 admits no other control characters than tab and line breaks */
            if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
                nm_buf_printf(b, "\\x%02x", ch);
            else
                nm_buf_putc(b, (char)ch);
        }
    }
}

/* The JUnit XML report ([cli.test.junit]): one testsuite per case, one testcase per
 * expectation, in declaration order. */
static void junit_xml(const cresult *cr, int ncases, const nm_test_summary *sum, nm_buf *b)
{
    nm_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    nm_buf_printf(b, "<testsuites name=\"norma test\" tests=\"%d\" failures=\"%d\">\n",
                  sum->passed + sum->failed, sum->failed);
    for (int c = 0; c < ncases; c++) {
        const nm_pcase *cs = cr[c].cs;
        const char *file = cs->span.file ? cs->span.file->path : "";
        nm_buf_puts(b, "  <testsuite name=\"");
        xml_escape(b, cs->name);
        nm_buf_printf(b, "\" tests=\"%d\" failures=\"%d\" file=\"", cr[c].n, cr[c].failed);
        xml_escape(b, file);
        nm_buf_puts(b, "\">\n");
        if (cs->title || cs->ref || cs->decided.present) {
            nm_buf_puts(b, "    <properties>\n");
            if (cs->title) {
                nm_buf_puts(b, "      <property name=\"title\" value=\"");
                xml_escape(b, cs->title);
                nm_buf_puts(b, "\"/>\n");
            }
            if (cs->ref) {
                nm_buf_puts(b, "      <property name=\"ref\" value=\"");
                xml_escape(b, cs->ref);
                nm_buf_puts(b, "\"/>\n");
            }
            if (cs->decided.present)
                nm_buf_printf(b, "      <property name=\"decided\" value=\"%04d-%02d-%02d\"/>\n",
                              cs->decided.y, cs->decided.m, cs->decided.d);
            nm_buf_puts(b, "    </properties>\n");
        }
        for (int i = 0; i < cr[c].n; i++) {
            const xresult *r = &cr[c].xs[i];
            const char *xf = r->x->span.file ? r->x->span.file->path : file;
            nm_buf_puts(b, "    <testcase name=\"");
            xml_escape(b, nm_sprintf("%s:%d:%d: %s", xf, r->x->span.line, r->x->span.col, r->name));
            nm_buf_puts(b, "\" classname=\"");
            xml_escape(b, cs->name);
            nm_buf_puts(b, "\" file=\"");
            xml_escape(b, xf);
            nm_buf_printf(b, "\" line=\"%d\"", r->x->span.line);
            if (r->ok) {
                nm_buf_puts(b, "/>\n");
                continue;
            }
            nm_buf_puts(b, ">\n      <failure message=\"");
            xml_escape(b, r->why);
            nm_buf_puts(b, "\" type=\"expectation\">");
            xml_escape(b, r->detail);
            nm_buf_puts(b, "</failure>\n    </testcase>\n");
        }
        nm_buf_puts(b, "  </testsuite>\n");
    }
    nm_buf_puts(b, "</testsuites>\n");
}

nm_test_summary nm_engine_test(nm_engine *e, const nm_test_options *opt, FILE *out)
{
    nm_test_summary sum = {0};
    nm_test_options none = {0};
    if (!opt)
        opt = &none;
    const nm_program *p = e->program;
    cresult *cr = nm_alloc(sizeof(cresult) * (size_t)((p ? p->ncases : 0) + 1));
    int ncr = 0;
    for (int c = 0; p && c < p->ncases; c++) {
        const nm_pcase *cs = &p->cases[c];
        if (opt->only_case && strcmp(opt->only_case, cs->name) != 0)
            continue;
        sum.cases++;
        nm_run_options ro = {.case_name = cs->name, .strict = opt->strict};
        nm_model *m = nm_engine_run(e, &ro);
        if (m && opt->coverage)
            nm_coverage_add(opt->coverage, m, cs->name);
        int passed = 0, failed = 0;
        nm_buf lines = {0};
        cresult *res = &cr[ncr++];
        res->cs = cs;
        res->xs = nm_alloc(sizeof(xresult) * (size_t)(cs->nexpects + 1));
        for (int i = 0; i < cs->nexpects; i++) {
            const nm_pexpect *x = &cs->expects[i];
            nm_buf why = {0}, atom = {0}, detail = {0};
            bool ok = false;
            if (m) {
                if (opt->update && x->explained && !update_pin(m, x, &lines)) {
                    nm_buf_puts(&why, "the pinned explanation cannot be updated");
                } else {
                    ok = check_expect(m, x, &why);
                }
                format_expect(p, x, nm_model_lowered(m), &atom);
            } else {
                nm_buf_puts(&why, "the case could not be evaluated");
                nm_buf_puts(&atom, p->preds[x->atom.pred].name);
            }
            const char *kind = x->what == NM_EXPECT_NO ? "not " : x->what == NM_EXPECT_UNKNOWN ? "unknown " : "";
            xresult *r = &res->xs[res->n++];
            r->x = x;
            r->name = nm_sprintf("expect %s%s", kind, nm_buf_str(&atom));
            r->ok = ok;
            if (ok) {
                passed++;
                r->why = r->detail = "";
                if (opt->verbose)
                    nm_buf_printf(&lines, "  ok    expect %s%s\n", kind, nm_buf_str(&atom));
            } else {
                failed++;
                nm_buf_printf(&lines, "  %s:%d:%d: FAIL expect %s%s: %s\n",
                              x->span.file ? x->span.file->path : "?", x->span.line, x->span.col,
                              kind, nm_buf_str(&atom), nm_buf_str(&why));
                /* a pin mismatch names its first differing line instead */
                if (m && !opt->no_explain && !x->explained)
                    explain_failure(m, x, opt->lang == 1 ? NM_LANG_EN : NM_LANG_ZH, &lines, &detail);
                r->why = nm_strdup(nm_buf_str(&why));
                r->detail = nm_strdup(nm_buf_str(&detail));
            }
        }
        res->failed = failed;
        fprintf(out, "case %s", cs->name);
        if (cs->title)
            fprintf(out, " \"%s\"", cs->title);
        fprintf(out, ": %d passed, %d failed\n%s", passed, failed, nm_buf_str(&lines));
        sum.passed += passed;
        sum.failed += failed;
    }
    fprintf(out, "%d passed, %d failed\n", sum.passed, sum.failed);
    if (opt->junit) {
        nm_buf xml = {0}, err = {0};
        junit_xml(cr, ncr, &sum, &xml);
        if (!write_atomic(opt->junit, nm_buf_str(&xml), xml.len, &err)) {
            nm_span none_span;
            memset(&none_span, 0, sizeof none_span);
            nm_error(e->diags, none_span, "E-io", "%s", nm_buf_str(&err));
        }
    }
    return sum;
}

/* ---- the cases of a checked program (norma.h) ---------------------------------------- */

int nm_engine_case_count(const nm_engine *e) { return e->program ? e->program->ncases : 0; }

const char *nm_engine_case_name(const nm_engine *e, int i) { return e->program->cases[i].name; }

const char *nm_engine_case_title(const nm_engine *e, int i) { return e->program->cases[i].title; }

const char *nm_engine_case_ref(const nm_engine *e, int i) { return e->program->cases[i].ref; }

/* The distinct atoms of the case's expectations, in order (several expectations may
 * name one atom). */
static nm_vec *case_goals(const nm_engine *e, int i)
{
    nm_vec *v = nm_alloc(sizeof *v);
    const nm_pcase *cs = &e->program->cases[i];
    for (int j = 0; j < cs->nexpects; j++) {
        const nm_span *sp = &cs->expects[j].atom.span;
        if (!sp->file)
            continue;
        const char *t = nm_strndup(sp->file->text + sp->off, sp->end_off - sp->off);
        bool seen = false;
        for (int k = 0; k < v->n && !seen; k++)
            seen = strcmp(v->items[k], t) == 0;
        if (!seen)
            nm_vec_push(v, (void *)t);
    }
    return v;
}

int nm_engine_case_goal_count(const nm_engine *e, int i) { return case_goals(e, i)->n; }

const char *nm_engine_case_goal(const nm_engine *e, int i, int j) { return case_goals(e, i)->items[j]; }
