/* test.c — cases as tests: evaluates each case of a checked program and checks its
 * `expect` lines ([sem.case]): holds, does not hold, unknown, decided by an article,
 * explained as a pinned file. Reports through norma.h's nm_engine_test. */
#include <string.h>

#include "engine_int.h"
#include "lower.h"

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
    if (x->explained) {
        nm_buf_puts(why, "explanations to compare with a pinned file are not available yet");
        return false;
    }
    return true;
}

nm_test_summary nm_engine_test(nm_engine *e, const nm_test_options *opt, FILE *out)
{
    nm_test_summary sum = {0};
    nm_test_options none = {0};
    if (!opt)
        opt = &none;
    const nm_program *p = e->program;
    for (int c = 0; p && c < p->ncases; c++) {
        const nm_pcase *cs = &p->cases[c];
        if (opt->only_case && strcmp(opt->only_case, cs->name) != 0)
            continue;
        sum.cases++;
        nm_run_options ro = {.case_name = cs->name, .strict = opt->strict};
        nm_model *m = nm_engine_run(e, &ro);
        int passed = 0, failed = 0;
        nm_buf lines = {0};
        for (int i = 0; i < cs->nexpects; i++) {
            const nm_pexpect *x = &cs->expects[i];
            nm_buf why = {0}, atom = {0};
            bool ok = false;
            if (m) {
                ok = check_expect(m, x, &why);
                format_expect(p, x, nm_model_lowered(m), &atom);
            } else {
                nm_buf_puts(&why, "the case could not be evaluated");
                nm_buf_puts(&atom, p->preds[x->atom.pred].name);
            }
            const char *kind = x->what == NM_EXPECT_NO ? "not " : x->what == NM_EXPECT_UNKNOWN ? "unknown " : "";
            if (ok) {
                passed++;
                if (opt->verbose)
                    nm_buf_printf(&lines, "  ok    expect %s%s\n", kind, nm_buf_str(&atom));
            } else {
                failed++;
                nm_buf_printf(&lines, "  %s:%d:%d: FAIL expect %s%s: %s\n",
                              x->span.file ? x->span.file->path : "?", x->span.line, x->span.col,
                              kind, nm_buf_str(&atom), nm_buf_str(&why));
            }
        }
        fprintf(out, "case %s", cs->name);
        if (cs->title)
            fprintf(out, " \"%s\"", cs->title);
        fprintf(out, ": %d passed, %d failed\n%s", passed, failed, nm_buf_str(&lines));
        sum.passed += passed;
        sum.failed += failed;
    }
    fprintf(out, "%d passed, %d failed\n", sum.passed, sum.failed);
    return sum;
}
