/* coverage.c — which cited articles the cases exercise ([cli.test.coverage]):
 * nm_engine_test adds each case's model; per citation of a rule (normalised to
 * source, article, paragraph, item) it records the cases in which a rule citing it
 * concludes something (met) and those in which such a rule is tried and concludes
 * nothing for the binding it was tried with (unmet). Behind norma.h. */
#include <string.h>
#include <utf8proc.h>

#include "coverage.h"
#include "lower.h"

/* One normalised citation and the rules that cite it. */
typedef struct cov_cite {
    int source;
    nm_citation cite;           /* parts cut after the item */
    const char *text;           /* canonical "[解释 第3条 第1项]" */
    int *rules;
    int nrules;
    nm_vec met, unmet;          /* case names (const char *), in case order */
} cov_cite;

struct nm_coverage {
    nm_engine *e;
    const nm_program *p;
    cov_cite **cites;           /* source declaration order, then article order */
    int ncites;
    int ncases;
};

static int cmp_part(const nm_cit_part *a, const nm_cit_part *b)
{
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->number != b->number)
        return a->number < b->number ? -1 : 1;
    if (a->sub != b->sub)
        return a->sub < b->sub ? -1 : 1;
    if (a->kind == NM_CIT_SECTION)
        return strcmp(a->section ? a->section : "", b->section ? b->section : "");
    return 0;
}

static int cmp_cite(const cov_cite *a, const cov_cite *b)
{
    if (a->source != b->source)
        return a->source < b->source ? -1 : 1;
    for (int i = 0; i < a->cite.nparts && i < b->cite.nparts; i++) {
        int c = cmp_part(&a->cite.parts[i], &b->cite.parts[i]);
        if (c)
            return c;
    }
    return a->cite.nparts - b->cite.nparts;
}

nm_coverage *nm_coverage_new(nm_engine *e)
{
    nm_coverage *c = nm_alloc(sizeof *c);
    c->e = e;
    c->p = e->program;
    const nm_program *p = c->p;
    int cap = 0;
    for (int ri = 0; p && ri < p->nrules; ri++) {
        const nm_prule *r = &p->rules[ri];
        if (r->block_only)
            continue;
        for (int k = 0; k < r->ncites; k++) {
            const nm_pcite *pc = &r->cites[k];
            cov_cite key = {.source = pc->source};
            key.cite.source = pc->cite->source;
            key.cite.parts = pc->cite->parts;
            key.cite.nparts = 0;
            while (key.cite.nparts < pc->cite->nparts &&
                   pc->cite->parts[key.cite.nparts].kind != NM_CIT_SUBITEM)
                key.cite.nparts++;
            cov_cite *hit = NULL;
            int at = 0;
            for (; at < c->ncites; at++) {
                int d = cmp_cite(&key, c->cites[at]);
                if (d == 0)
                    hit = c->cites[at];
                if (d <= 0)
                    break;
            }
            if (!hit) {
                hit = nm_alloc(sizeof *hit);
                *hit = key;
                nm_buf b = {0};
                nm_citation_format(&hit->cite, &b);
                hit->text = nm_buf_str(&b);
                hit->rules = nm_alloc_atomic(sizeof(int) * (size_t)(p->nrules + 1));
                if (c->ncites == cap) {
                    cap = cap ? 2 * cap : 16;
                    c->cites = nm_realloc(c->cites, sizeof(cov_cite *) * (size_t)cap);
                }
                memmove(&c->cites[at + 1], &c->cites[at], sizeof(cov_cite *) * (size_t)(c->ncites - at));
                c->cites[at] = hit;
                c->ncites++;
            }
            if (hit->nrules == 0 || hit->rules[hit->nrules - 1] != ri)
                hit->rules[hit->nrules++] = ri;
        }
    }
    return c;
}

/* ---- one rule in one case ------------------------------------------------------------ */

/* The leading atoms of a body: the first positive atom of a conjunction (read left to
 * right), of each alternative of a disjunction; builtins and negations are passed
 * over. */
static void leading_atoms(const nm_program *p, const nm_pformula *f, nm_vec *out)
{
    if (!f)
        return;
    switch (f->kind) {
    case NM_F_ATOM:
        if (f->u.atom.pred >= NM_BUILTIN__COUNT &&
            p->preds[f->u.atom.pred].origin != NM_ORIGIN_BUILTIN)
            nm_vec_push(out, (void *)&f->u.atom);
        return;
    case NM_F_AND: {
        int before = out->n;
        leading_atoms(p, f->u.bin.lhs, out);
        if (out->n == before)
            leading_atoms(p, f->u.bin.rhs, out);
        return;
    }
    case NM_F_OR:
        leading_atoms(p, f->u.bin.lhs, out);
        leading_atoms(p, f->u.bin.rhs, out);
        return;
    default:
        return;
    }
}

/* The head tuples rule r concludes in the model (certain: yes atoms, or explicitly
 * false atoms for a negative head), as rows of arity cells. */
static nm_vec conclusions(nm_model *m, const nm_prule *r)
{
    nm_vec out = {0};
    const nm_lowered *lw = nm_model_lowered(m);
    const nm_eval *ev = nm_model_eval(m);
    int pred = r->head.pred;
    int head = r->head_negated ? lw->pred_false_rel[pred] : lw->pred_raw_rel[pred];
    if (head < 0)
        return out;
    nm_rel *rel = nm_eval_rel(ev, head);
    bool *seen = nm_alloc_atomic((size_t)nm_rel_size(rel) + 1);
    memset(seen, 0, (size_t)nm_rel_size(rel) + 1);
    for (int i = 0; i < lw->plan->rules.n; i++) {
        const nm_plan_rule *plr = nm_plan_rule_at(lw->plan, i);
        if (plr->origin != r || plr->head != head)
            continue;
        for (nm_row row = 0; row < nm_rel_size(rel); row++) {
            const nm_cell *t = nm_rel_row(rel, row);
            nm_eval_witness w;
            if (!seen[row] && nm_eval_witness_find(ev, i, t, UINT32_MAX, &w)) {
                seen[row] = true;
                nm_vec_push(&out, (void *)t);
            }
        }
    }
    return out;
}

/* Does row (of leading atom a) fit a's constant arguments; binds a's variables into
 * vars/bound. */
static bool bind_leading(const nm_lowered *lw, const nm_patom *a, const nm_cell *row,
                         nm_cell *vars, bool *bound)
{
    for (int j = 0; j < a->nargs; j++) {
        const nm_pexpr *x = a->args[j];
        if (x->kind == NM_E_VAR) {
            if (bound[x->u.var] && vars[x->u.var] != row[j])
                return false;
            bound[x->u.var] = true;
            vars[x->u.var] = row[j];
        } else if (x->kind == NM_E_CONST || x->kind == NM_E_LIT || x->kind == NM_E_PARAM) {
            nm_cell v;
            nm_buf err = {0};
            if (nm_lower_const_expr(lw, x, &v, &err) && v != row[j])
                return false;
        }
    }
    return true;
}

/* Rule r in model m: met when it concludes something; unmet when some row of one of
 * its leading atoms (in P: yes or unknown) binds the head variables that atom shares
 * with the head to values no conclusion of r has (a body without leading atoms is
 * tried once, with nothing bound). */
static void rule_status(nm_model *m, const nm_prule *r, bool *met, bool *unmet)
{
    const nm_lowered *lw = nm_model_lowered(m);
    const nm_eval *ev = nm_model_eval(m);
    const nm_program *p = lw->prog;
    nm_vec got = conclusions(m, r);
    *met = got.n > 0;
    *unmet = false;
    nm_vec lead = {0};
    leading_atoms(p, r->body, &lead);
    if (lead.n == 0) {
        *unmet = got.n == 0;
        return;
    }
    nm_cell *vars = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(r->nvars + 1));
    bool *bound = nm_alloc_atomic(sizeof(bool) * (size_t)(r->nvars + 1));
    for (int li = 0; li < lead.n && !*unmet; li++) {
        const nm_patom *a = lead.items[li];
        int rid = lw->pred_poss_rel[a->pred];
        if (rid < 0)
            continue;
        nm_rel *rel = nm_eval_rel(ev, rid);
        for (nm_row row = 0; row < nm_rel_size(rel) && !*unmet; row++) {
            memset(bound, 0, sizeof(bool) * (size_t)(r->nvars + 1));
            if (!bind_leading(lw, a, nm_rel_row(rel, row), vars, bound))
                continue;
            bool agrees = false;
            for (int k = 0; k < got.n && !agrees; k++) {
                const nm_cell *t = got.items[k];
                agrees = true;
                for (int j = 0; j < r->head.nargs && agrees; j++) {
                    const nm_pexpr *x = r->head.args[j];
                    if (x->kind == NM_E_VAR && bound[x->u.var])
                        agrees = t[j] == vars[x->u.var];
                }
            }
            *unmet = !agrees;
        }
    }
}

void nm_coverage_add(nm_coverage *c, nm_model *m, const char *case_name)
{
    if (!c || !m || !c->p)
        return;
    const nm_program *p = c->p;
    c->ncases++;
    signed char *st = nm_alloc_atomic((size_t)p->nrules + 1);
    memset(st, -1, (size_t)p->nrules + 1);
    for (int i = 0; i < c->ncites; i++) {
        cov_cite *cc = c->cites[i];
        bool met = false, unmet = false;
        for (int k = 0; k < cc->nrules; k++) {
            int ri = cc->rules[k];
            if (st[ri] < 0) {
                bool a, b;
                rule_status(m, &p->rules[ri], &a, &b);
                st[ri] = (signed char)((a ? 1 : 0) | (b ? 2 : 0));
            }
            met |= (st[ri] & 1) != 0;
            unmet |= (st[ri] & 2) != 0;
        }
        if (met)
            nm_vec_push(&cc->met, (void *)case_name);
        if (unmet)
            nm_vec_push(&cc->unmet, (void *)case_name);
    }
}

/* ---- the report ------------------------------------------------------------------------ */

static int display_width(const char *s)
{
    const utf8proc_uint8_t *q = (const utf8proc_uint8_t *)s;
    int w = 0;
    while (*q) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(q, -1, &cp);
        if (k <= 0)
            break;
        int cw = utf8proc_charwidth(cp);
        w += cw > 0 ? cw : 0;
        q += k;
    }
    return w;
}

static void put_cases(const char *what, const nm_vec *v, FILE *out)
{
    fprintf(out, "%s %d (", what, v->n);
    for (int i = 0; i < v->n && i < 3; i++)
        fprintf(out, "%s%s", i ? ", " : "", (const char *)v->items[i]);
    fputs(v->n > 3 ? ", …)" : ")", out);
}

void nm_coverage_counts(const nm_coverage *c, int *citations, int *both, int *unreached)
{
    *citations = c->ncites;
    *both = *unreached = 0;
    for (int i = 0; i < c->ncites; i++) {
        *both += c->cites[i]->met.n && c->cites[i]->unmet.n;
        *unreached += !c->cites[i]->met.n && !c->cites[i]->unmet.n;
    }
}

void nm_coverage_print(const nm_coverage *c, FILE *out)
{
    if (c->ncites == 0) {
        fputs("coverage: no rule cites an article\n", out);
        return;
    }
    fprintf(out, "coverage: %d citation%s, %d case%s\n", c->ncites, c->ncites == 1 ? "" : "s",
            c->ncases, c->ncases == 1 ? "" : "s");
    int width = 0;
    for (int i = 0; i < c->ncites; i++) {
        int w = display_width(c->cites[i]->text);
        if (w > width)
            width = w;
    }
    for (int i = 0; i < c->ncites; i++) {
        const cov_cite *cc = c->cites[i];
        const char *status = cc->met.n && cc->unmet.n ? "both"
                           : cc->met.n                ? "met only"
                           : cc->unmet.n              ? "unmet only"
                                                      : "not reached";
        fprintf(out, "  %-11s  %s", status, cc->text);
        if (cc->met.n || cc->unmet.n)
            fprintf(out, "%*s", width - display_width(cc->text) + 2, "");
        if (cc->met.n)
            put_cases("met", &cc->met, out);
        if (cc->met.n && cc->unmet.n)
            fputs(", ", out);
        if (cc->unmet.n)
            put_cases("unmet", &cc->unmet, out);
        fputc('\n', out);
    }
    int n, both, unreached;
    nm_coverage_counts(c, &n, &both, &unreached);
    fprintf(out, "%d of %d citation%s exercised both met and unmet\n", both, n, n == 1 ? "" : "s");
    /* articles: every citation under the same source and article unreached */
    nm_buf b = {0};
    int nart = 0;
    for (int i = 0; i < c->ncites;) {
        const cov_cite *first = c->cites[i];
        int j = i;
        bool reached = false;
        for (; j < c->ncites; j++) {
            const cov_cite *cc = c->cites[j];
            if (cc->source != first->source ||
                (first->cite.nparts == 0) != (cc->cite.nparts == 0) ||
                (first->cite.nparts && cmp_part(&first->cite.parts[0], &cc->cite.parts[0]) != 0))
                break;
            reached |= cc->met.n || cc->unmet.n;
        }
        if (!reached) {
            nm_citation art = first->cite;
            art.nparts = art.nparts ? 1 : 0;
            nm_buf_puts(&b, nart++ ? ", " : "");
            nm_citation_format(&art, &b);
        }
        i = j;
    }
    if (nart)
        fprintf(out, "articles no case reaches: %s\n", nm_buf_str(&b));
    else
        fputs("every cited article is reached by some case\n", out);
}
