/* lower.c — the checked program (program.h) → a plan program (plan.h) for one case.
 * Each source rule becomes one plan rule per alternative of its body (disjunction is
 * expanded to disjunctive normal form); `not F` for a compound F and aggregate bodies
 * with alternatives go through auxiliary relations evaluated in a stratum of their
 * own; exceptions become `not blocked_R(head)` with blocked_R derived, in an earlier
 * stratum, by the exception rules (chained for exceptions to exceptions). */
#include "lower.h"

#include <string.h>

#include "date.h"
#include "num.h"

/* Alternatives of one body, at most this many: DNF can blow up, and a rule with more
 * alternatives than this is almost certainly a mistake worth reporting. */
#define MAX_ALTERNATIVES 1024

typedef struct lctx {
    nm_lowered *lw;
    const nm_program *prog;
    nm_plan_program *plan;
    nm_buf *err;
    bool failed;
    int fn_add, fn_sub, fn_mul, fn_div, fn_neg;
    int fn_within[3], fn_not_within[3];
    int naux;
    bool *blocked_done;         /* per source rule: its blocked relation is built */
} lctx;

/* Per source rule: its variable slots (grown by fresh slots) and the current renaming
 * of variables local to the aggregate being lowered. */
typedef struct rctx {
    const nm_prule *rule;
    int nvars;
    int *remap;                 /* source variable → slot */
    int nremap;
} rctx;

/* A conjunction of literals (formulas that are ATOM, NOT, CMP or WITHIN). */
typedef nm_vec conj;

static void fail(lctx *c, const char *msg)
{
    if (!c->failed) {
        c->failed = true;
        nm_buf_puts(c->err, msg);
    }
}

/* ---- values ----------------------------------------------------------------------- */

static void cite_key(const nm_citation *ct, nm_buf *key)
{
    nm_buf_puts(key, ct->source);
    nm_buf_putc(key, '\0');
    for (int i = 0; i < ct->nparts; i++) {
        const nm_cit_part *pt = &ct->parts[i];
        char b[24];
        /* kind, number and sub as fixed-width big-endian text so bytes sort numerically */
        snprintf(b, sizeof b, "%c%010lld%06lld", 'a' + (int)pt->kind, (long long)pt->number,
                 (long long)pt->sub);
        nm_buf_puts(key, b);
        if (pt->section)
            nm_buf_puts(key, pt->section);
    }
}

bool nm_lower_lit(const nm_plit *lit, nm_cell *out)
{
    switch (lit->kind) {
    case NM_LIT_INT:
        *out = nm_val_int(lit->i);
        return true;
    case NM_LIT_DECIMAL: {
        nm_num n;
        if (nm_num_parse_decimal(lit->text, strlen(lit->text), &n) != NM_NUM_OK)
            return false;
        *out = nm_val_num(n);
        return true;
    }
    case NM_LIT_TEXT:
        *out = nm_val_text(lit->text, strlen(lit->text));
        return *out != NM_CELL_NONE;
    case NM_LIT_BOOL:
        *out = nm_val_bool(lit->b);
        return true;
    case NM_LIT_DATE: {
        nm_date d;
        if (!nm_date_from_ymd(lit->date.y, lit->date.m, lit->date.d, &d))
            return false;
        *out = nm_val_date(d);
        return true;
    }
    case NM_LIT_DURATION: {
        nm_duration dur = {.amount = lit->i, .unit = lit->unit};
        return nm_val_duration(dur, out);
    }
    case NM_LIT_CITE: {
        nm_buf text = {0}, key = {0};
        nm_citation_format(lit->cite.cite, &text);
        cite_key(lit->cite.cite, &key);
        *out = nm_val_cite(nm_buf_str(&text), text.len, nm_buf_str(&key), key.len);
        return true;
    }
    }
    return false;
}

static nm_num_status arith(nm_op op, nm_cell a, nm_cell b, nm_cell *out)
{
    switch (op) {
    case NM_OP_ADD: return nm_val_add(a, b, out);
    case NM_OP_SUB: return nm_val_sub(a, b, out);
    case NM_OP_MUL: return nm_val_mul(a, b, out);
    case NM_OP_DIV: return nm_val_div(a, b, out);
    default: return NM_NUM_TYPE;
    }
}

bool nm_lower_const_expr(const nm_lowered *lw, const nm_pexpr *e, nm_cell *out, nm_buf *err)
{
    switch (e->kind) {
    case NM_E_CONST:
        *out = lw->const_cell[e->u.cst];
        return true;
    case NM_E_PARAM:
        *out = lw->param_value[e->u.param];
        return *out != NM_CELL_NONE;
    case NM_E_LIT:
        if (nm_lower_lit(&e->u.lit, out))
            return true;
        nm_buf_printf(err, "%s:%d:%d: literal out of range", e->span.file ? e->span.file->path : "",
                      e->span.line, e->span.col);
        return false;
    case NM_E_NEG: {
        nm_cell x;
        if (!nm_lower_const_expr(lw, e->u.neg, &x, err))
            return false;
        nm_num_status st = nm_val_neg(x, out);
        if (st != NM_NUM_OK) {
            nm_buf_printf(err, "%s", nm_num_status_str(st));
            return false;
        }
        return true;
    }
    case NM_E_ARITH: {
        nm_cell a, b;
        if (!nm_lower_const_expr(lw, e->u.arith.lhs, &a, err) ||
            !nm_lower_const_expr(lw, e->u.arith.rhs, &b, err))
            return false;
        nm_num_status st = arith(e->u.arith.op, a, b, out);
        if (st != NM_NUM_OK) {
            nm_buf_printf(err, "%s:%d:%d: %s in '%s'", e->span.file ? e->span.file->path : "",
                          e->span.line, e->span.col, nm_num_status_str(st),
                          nm_op_text(e->u.arith.op));
            return false;
        }
        return true;
    }
    default:
        nm_buf_puts(err, "not a constant expression");
        return false;
    }
}

/* ---- plan functions: date windows --------------------------------------------------- */

static nm_plan_status within_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    intptr_t how = (intptr_t)ctx;
    bool negate = how >= 3;
    how %= 3;
    if (nm_val_kind_of(a[0]) != NM_VAL_DATE || nm_val_kind_of(a[2]) != NM_VAL_DATE ||
        nm_val_kind_of(a[1]) != NM_VAL_DURATION) {
        *why = "'within' needs two dates and a duration";
        return NM_PLAN_ERROR;
    }
    nm_date d1 = nm_val_get_date(a[0]), d2 = nm_val_get_date(a[2]);
    nm_duration dur = nm_val_get_duration(a[1]);
    bool in = how == NM_WITHIN_OF      ? nm_date_within_of(d1, dur, d2)
            : how == NM_WITHIN_AFTER   ? nm_date_within_after(d1, dur, d2)
                                       : nm_date_within_before(d1, dur, d2);
    *out = nm_val_bool(true);
    return in != negate ? NM_PLAN_OK : NM_PLAN_FAIL;
}

/* ---- variables -------------------------------------------------------------------- */

static int fresh(rctx *rc) { return rc->nvars++; }

static int slot(rctx *rc, int v) { return v < rc->nremap ? rc->remap[v] : v; }

/* Counts occurrences of each source variable in e / f into occ (size nvars). */
static void occ_expr(const nm_pexpr *e, int *occ);
static void occ_formula(const nm_pformula *f, int *occ);

static void occ_atom(const nm_patom *a, int *occ)
{
    for (int i = 0; i < a->nargs; i++)
        occ_expr(a->args[i], occ);
}

static void occ_expr(const nm_pexpr *e, int *occ)
{
    if (!e)
        return;
    switch (e->kind) {
    case NM_E_VAR: occ[e->u.var]++; break;
    case NM_E_ARITH:
        occ_expr(e->u.arith.lhs, occ);
        occ_expr(e->u.arith.rhs, occ);
        break;
    case NM_E_NEG: occ_expr(e->u.neg, occ); break;
    case NM_E_AGG:
        for (int i = 0; i < e->u.agg->nterms; i++)
            occ_expr(e->u.agg->terms[i], occ);
        occ_formula(e->u.agg->body, occ);
        break;
    default: break;
    }
}

static void occ_formula(const nm_pformula *f, int *occ)
{
    if (!f)
        return;
    switch (f->kind) {
    case NM_F_ATOM: occ_atom(&f->u.atom, occ); break;
    case NM_F_AND:
    case NM_F_OR:
        occ_formula(f->u.bin.lhs, occ);
        occ_formula(f->u.bin.rhs, occ);
        break;
    case NM_F_NOT: occ_formula(f->u.operand, occ); break;
    case NM_F_CMP:
        occ_expr(f->u.cmp.lhs, occ);
        occ_expr(f->u.cmp.rhs, occ);
        break;
    case NM_F_INSET:
        occ_expr(f->u.inset.elem, occ);
        for (int i = 0; i < f->u.inset.nitems; i++)
            occ_expr(f->u.inset.items[i], occ);
        break;
    case NM_F_WITHIN:
        occ_expr(f->u.within.lhs, occ);
        occ_expr(f->u.within.dur, occ);
        occ_expr(f->u.within.rhs, occ);
        break;
    }
}

static int *zeros(int n)
{
    int *a = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
    memset(a, 0, sizeof(int) * (size_t)(n + 1));
    return a;
}

/* ---- disjunctive normal form ------------------------------------------------------- */

static nm_vec *dnf(lctx *c, const nm_pformula *f);

static nm_vec *single(const nm_pformula *f)
{
    nm_vec *alts = nm_alloc(sizeof *alts);
    conj *one = nm_alloc(sizeof *one);
    nm_vec_push(one, (void *)f);
    nm_vec_push(alts, one);
    return alts;
}

/* The alternatives of f: a vector of conjunctions. */
static nm_vec *dnf(lctx *c, const nm_pformula *f)
{
    nm_vec *alts = nm_alloc(sizeof *alts);
    switch (f->kind) {
    case NM_F_AND: {
        nm_vec *l = dnf(c, f->u.bin.lhs), *r = dnf(c, f->u.bin.rhs);
        if ((long)l->n * r->n > MAX_ALTERNATIVES) {
            fail(c, "a rule body has too many alternatives (more than 1024 after expanding 'or')");
            return alts;
        }
        for (int i = 0; i < l->n; i++)
            for (int j = 0; j < r->n; j++) {
                conj *a = l->items[i], *b = r->items[j];
                conj *both = nm_alloc(sizeof *both);
                for (int k = 0; k < a->n; k++)
                    nm_vec_push(both, a->items[k]);
                for (int k = 0; k < b->n; k++)
                    nm_vec_push(both, b->items[k]);
                nm_vec_push(alts, both);
            }
        return alts;
    }
    case NM_F_OR: {
        nm_vec *l = dnf(c, f->u.bin.lhs), *r = dnf(c, f->u.bin.rhs);
        for (int i = 0; i < l->n; i++)
            nm_vec_push(alts, l->items[i]);
        for (int i = 0; i < r->n; i++)
            nm_vec_push(alts, r->items[i]);
        if (alts->n > MAX_ALTERNATIVES)
            fail(c, "a rule body has too many alternatives (more than 1024 after expanding 'or')");
        return alts;
    }
    case NM_F_INSET:
        /* x in {a, b}: one alternative per item, x = item */
        for (int i = 0; i < f->u.inset.nitems; i++) {
            nm_pformula *eq = nm_alloc(sizeof *eq);
            eq->kind = NM_F_CMP;
            eq->span = f->span;
            eq->u.cmp.op = NM_OP_EQ;
            eq->u.cmp.lhs = f->u.inset.elem;
            eq->u.cmp.rhs = f->u.inset.items[i];
            nm_vec *one = single(eq);
            nm_vec_push(alts, one->items[0]);
        }
        return alts;
    default:
        return single(f);
    }
}

/* ---- bodies --------------------------------------------------------------------------- */

static nm_plan_cmp plan_cmp(nm_op op)
{
    switch (op) {
    case NM_OP_EQ: return NM_CMP_EQ;
    case NM_OP_NE: return NM_CMP_NE;
    case NM_OP_LT: return NM_CMP_LT;
    case NM_OP_LE: return NM_CMP_LE;
    case NM_OP_GT: return NM_CMP_GT;
    default: return NM_CMP_GE;
    }
}

static nm_plan_cmp negate_cmp(nm_plan_cmp c)
{
    switch (c) {
    case NM_CMP_EQ: return NM_CMP_NE;
    case NM_CMP_NE: return NM_CMP_EQ;
    case NM_CMP_LT: return NM_CMP_GE;
    case NM_CMP_LE: return NM_CMP_GT;
    case NM_CMP_GT: return NM_CMP_LE;
    default: return NM_CMP_LT;
    }
}

static void lower_conj(lctx *c, rctx *rc, const conj *cj, nm_plan_body *b);
static int aux_relation(lctx *c, rctx *rc, const nm_pformula *f, const int *vars, int nvars);

static nm_plan_expr *lower_expr(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b);

/* Lowers an aggregate into an AGG op of b; returns the slot of its result. */
static int lower_agg(lctx *c, rctx *rc, const nm_pagg *ag, nm_plan_body *b)
{
    /* local variables get fresh slots, so two aggregates of one rule that use the same
     * variable name never share a slot */
    int *saved = nm_alloc_atomic(sizeof(int) * (size_t)rc->nremap);
    memcpy(saved, rc->remap, sizeof(int) * (size_t)rc->nremap);
    for (int i = 0; i < ag->nlocal; i++)
        rc->remap[ag->local_vars[i]] = fresh(rc);

    int result = fresh(rc);
    int ngroup = ag->ngroup;
    int *group = nm_alloc_atomic(sizeof(int) * (size_t)(ngroup + 1));
    for (int i = 0; i < ngroup; i++)
        group[i] = slot(rc, ag->group_vars[i]);

    nm_vec *alts = dnf(c, ag->body);
    nm_plan_body sub = {0};
    if (alts->n == 1) {
        lower_conj(c, rc, alts->items[0], &sub);
    } else {
        /* alternatives: aux(group ∪ locals) if body, aggregate over aux */
        int nv = ngroup + ag->nlocal;
        int *vars = nm_alloc_atomic(sizeof(int) * (size_t)(nv + 1));
        for (int i = 0; i < ngroup; i++)
            vars[i] = ag->group_vars[i];
        for (int i = 0; i < ag->nlocal; i++)
            vars[ngroup + i] = ag->local_vars[i];
        int rel = aux_relation(c, rc, ag->body, vars, nv);
        nm_plan_term *args = nm_alloc(sizeof *args * (size_t)(nv + 1));
        for (int i = 0; i < nv; i++)
            args[i] = nm_plan_var(slot(rc, vars[i]));
        nm_plan_add_atom(&sub, rel, nv, args);
    }

    int nkeys = 0, value = -1;
    int *keys = nm_alloc_atomic(sizeof(int) * (size_t)(ag->nlocal + ag->nterms + 2));
    if (ag->op == NM_AGG_COUNT) {
        for (int i = 0; i < ag->nterms; i++) {
            const nm_pexpr *t = ag->terms[i];
            if (t->kind == NM_E_VAR) {
                keys[nkeys++] = slot(rc, t->u.var);
            } else {
                int v = fresh(rc);
                nm_plan_add_assign(&sub, v, lower_expr(c, rc, t, &sub));
                keys[nkeys++] = v;
            }
        }
    } else {
        for (int i = 0; i < ag->nlocal; i++)
            keys[nkeys++] = slot(rc, ag->local_vars[i]);
        const nm_pexpr *t = ag->terms[0];
        if (t->kind == NM_E_VAR) {
            value = slot(rc, t->u.var);
            bool is_key = false;
            for (int i = 0; i < nkeys; i++)
                is_key |= keys[i] == value;
            if (!is_key)
                keys[nkeys++] = value;
        } else {
            value = fresh(rc);
            nm_plan_add_assign(&sub, value, lower_expr(c, rc, t, &sub));
            keys[nkeys++] = value;
        }
    }
    nm_plan_agg_kind kind = ag->op == NM_AGG_COUNT ? NM_PLAN_AGG_COUNT
                          : ag->op == NM_AGG_SUM   ? NM_PLAN_AGG_SUM
                          : ag->op == NM_AGG_MIN   ? NM_PLAN_AGG_MIN
                                                   : NM_PLAN_AGG_MAX;
    nm_plan_agg *pa = nm_plan_add_agg(b, kind, result, value, ngroup, group, nkeys, keys);
    pa->body = sub;
    memcpy(rc->remap, saved, sizeof(int) * (size_t)rc->nremap);
    return result;
}

static nm_plan_expr *lower_expr(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b)
{
    switch (e->kind) {
    case NM_E_VAR:
        return nm_plan_expr_var(slot(rc, e->u.var));
    case NM_E_WILD:
        return nm_plan_expr_var(fresh(rc));
    case NM_E_CONST:
    case NM_E_PARAM:
    case NM_E_LIT: {
        nm_cell v = 0;
        if (!nm_lower_const_expr(c->lw, e, &v, c->err))
            c->failed = true;
        return nm_plan_expr_const(v);
    }
    case NM_E_ARITH: {
        int fn = e->u.arith.op == NM_OP_ADD ? c->fn_add
               : e->u.arith.op == NM_OP_SUB ? c->fn_sub
               : e->u.arith.op == NM_OP_MUL ? c->fn_mul
                                            : c->fn_div;
        nm_plan_expr *l = lower_expr(c, rc, e->u.arith.lhs, b);
        nm_plan_expr *r = lower_expr(c, rc, e->u.arith.rhs, b);
        return nm_plan_expr_call2(fn, l, r);
    }
    case NM_E_NEG: {
        nm_plan_expr *x = lower_expr(c, rc, e->u.neg, b);
        return nm_plan_expr_call(c->fn_neg, 1, &x);
    }
    case NM_E_AGG:
        return nm_plan_expr_var(lower_agg(c, rc, e->u.agg, b));
    }
    return nm_plan_expr_const(0);
}

/* The terms of an atom's arguments. Arguments that are computed expressions get a
 * fresh slot, tied to the expression by an assignment (before a negated atom) or a
 * check (after a positive one). */
static nm_plan_term *atom_terms(lctx *c, rctx *rc, const nm_patom *a, nm_plan_body *b,
                                nm_vec *after)
{
    nm_plan_term *t = nm_alloc(sizeof *t * (size_t)(a->nargs + 1));
    for (int i = 0; i < a->nargs; i++) {
        const nm_pexpr *e = a->args[i];
        switch (e->kind) {
        case NM_E_VAR:
            t[i] = nm_plan_var(slot(rc, e->u.var));
            break;
        case NM_E_WILD:
            t[i] = nm_plan_wild();
            break;
        case NM_E_CONST:
        case NM_E_PARAM:
        case NM_E_LIT: {
            nm_cell v = 0;
            if (!nm_lower_const_expr(c->lw, e, &v, c->err))
                c->failed = true;
            t[i] = nm_plan_const(v);
            break;
        }
        default: {
            int v = fresh(rc);
            nm_plan_expr *x = lower_expr(c, rc, e, b);
            t[i] = nm_plan_var(v);
            nm_plan_op *op = nm_alloc(sizeof *op);
            op->var = v;
            op->expr = x;
            nm_vec_push(after, op);
            break;
        }
        }
    }
    return t;
}

static void lower_literal(lctx *c, rctx *rc, const nm_pformula *f, nm_plan_body *b, bool negated)
{
    switch (f->kind) {
    case NM_F_ATOM: {
        nm_vec after = {0};
        nm_plan_term *t = atom_terms(c, rc, &f->u.atom, b, &after);
        int rel = c->lw->pred_rel[f->u.atom.pred];
        for (int i = 0; i < after.n; i++) {
            nm_plan_op *op = after.items[i];
            if (negated)
                nm_plan_add_assign(b, op->var, op->expr);
        }
        if (negated)
            nm_plan_add_not(b, rel, f->u.atom.nargs, t);
        else
            nm_plan_add_atom(b, rel, f->u.atom.nargs, t);
        for (int i = 0; i < after.n && !negated; i++) {
            nm_plan_op *op = after.items[i];
            nm_plan_add_cmp(b, NM_CMP_EQ, nm_plan_expr_var(op->var), op->expr);
        }
        return;
    }
    case NM_F_CMP: {
        nm_plan_expr *l = lower_expr(c, rc, f->u.cmp.lhs, b);
        nm_plan_expr *r = lower_expr(c, rc, f->u.cmp.rhs, b);
        nm_plan_cmp op = plan_cmp(f->u.cmp.op);
        nm_plan_add_cmp(b, negated ? negate_cmp(op) : op, l, r);
        return;
    }
    case NM_F_WITHIN: {
        nm_plan_expr *args[3] = {lower_expr(c, rc, f->u.within.lhs, b),
                                 lower_expr(c, rc, f->u.within.dur, b),
                                 lower_expr(c, rc, f->u.within.rhs, b)};
        int fn = negated ? c->fn_not_within[f->u.within.how] : c->fn_within[f->u.within.how];
        nm_plan_add_test(b, nm_plan_expr_call(fn, 3, args));
        return;
    }
    case NM_F_NOT:
        if (!negated) {
            const nm_pformula *g = f->u.operand;
            if (g->kind == NM_F_ATOM || g->kind == NM_F_CMP || g->kind == NM_F_WITHIN ||
                g->kind == NM_F_NOT) {
                lower_literal(c, rc, g, b, true);
                return;
            }
            /* not F, F compound: not aux(shared) with aux(shared) if F */
            int n = rc->rule->nvars;
            int *in_f = zeros(n), *all = zeros(n);
            occ_formula(g, in_f);
            occ_formula(rc->rule->body, all);
            for (int i = 0; i < rc->rule->head.nargs; i++)
                occ_expr(rc->rule->head.args[i], all);
            int *vars = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
            int nv = 0;
            for (int v = 0; v < n; v++)
                if (in_f[v] && all[v] > in_f[v])
                    vars[nv++] = v;
            int rel = aux_relation(c, rc, g, vars, nv);
            nm_plan_term *t = nm_alloc(sizeof *t * (size_t)(nv + 1));
            for (int i = 0; i < nv; i++)
                t[i] = nm_plan_var(slot(rc, vars[i]));
            nm_plan_add_not(b, rel, nv, t);
            return;
        }
        /* not not g */
        lower_literal(c, rc, f->u.operand, b, false);
        return;
    default:
        fail(c, "internal: unexpected formula in a conjunction");
    }
}

static void lower_conj(lctx *c, rctx *rc, const conj *cj, nm_plan_body *b)
{
    for (int i = 0; i < cj->n; i++)
        lower_literal(c, rc, cj->items[i], b, false);
}

/* A new relation aux(vars) with one rule per alternative of f, in a stratum of its
 * own appended now (before the stratum of the rule that uses it). */
static int aux_relation(lctx *c, rctx *rc, const nm_pformula *f, const int *vars, int nvars)
{
    const char *name = nm_sprintf("%s~aux%d", rc->rule->label, ++c->naux);
    int rel = nm_plan_add_rel(c->plan, name, nvars);
    nm_vec *alts = dnf(c, f);
    nm_vec rules = {0};
    for (int a = 0; a < alts->n; a++) {
        nm_plan_body b = {0};
        lower_conj(c, rc, alts->items[a], &b);
        nm_plan_term *head = nm_alloc(sizeof *head * (size_t)(nvars + 1));
        for (int i = 0; i < nvars; i++)
            head[i] = nm_plan_var(slot(rc, vars[i]));
        nm_plan_rule *r = nm_plan_add_rule(c->plan, name, rel, nvars, head, rc->nvars);
        r->origin = rc->rule;
        r->body = b;
        r->var_names = NULL;
        nm_vec_push(&rules, (void *)(intptr_t)r->id);
    }
    int *ids = nm_alloc_atomic(sizeof(int) * (size_t)(rules.n + 1));
    for (int i = 0; i < rules.n; i++)
        ids[i] = (int)(intptr_t)rules.items[i];
    nm_plan_add_stratum(c->plan, rules.n, ids);
    return rel;
}

/* ---- rules ------------------------------------------------------------------------------ */

static rctx *new_rctx(const nm_prule *r)
{
    rctx *rc = nm_alloc(sizeof *rc);
    rc->rule = r;
    rc->nvars = r->nvars;
    rc->nremap = r->nvars;
    rc->remap = nm_alloc_atomic(sizeof(int) * (size_t)(r->nvars + 1));
    for (int i = 0; i < r->nvars; i++)
        rc->remap[i] = i;
    return rc;
}

static nm_plan_term *head_terms(lctx *c, rctx *rc, const nm_patom *h, nm_plan_body *b)
{
    nm_plan_term *t = nm_alloc(sizeof *t * (size_t)(h->nargs + 1));
    for (int i = 0; i < h->nargs; i++) {
        const nm_pexpr *e = h->args[i];
        if (e->kind == NM_E_VAR) {
            t[i] = nm_plan_var(slot(rc, e->u.var));
        } else if (e->kind == NM_E_CONST || e->kind == NM_E_PARAM || e->kind == NM_E_LIT) {
            nm_cell v = 0;
            if (!nm_lower_const_expr(c->lw, e, &v, c->err))
                c->failed = true;
            t[i] = nm_plan_const(v);
        } else {
            /* computed: bind a slot in the body so `not blocked` can use it too */
            int v = fresh(rc);
            nm_plan_add_assign(b, v, lower_expr(c, rc, e, b));
            t[i] = nm_plan_var(v);
        }
    }
    return t;
}

/* Emits plan rules for source rule r with head relation `head_rel`, one per
 * alternative of its body; each gets `not blocked_r(head)` when r has exceptions.
 * The ids are pushed to `out`. */
static void emit_rule(lctx *c, const nm_prule *r, const nm_patom *head, int head_rel, nm_vec *out)
{
    rctx *rc = new_rctx(r);
    nm_vec *alts;
    if (r->body) {
        alts = dnf(c, r->body);
    } else {
        alts = nm_alloc(sizeof *alts);
        nm_vec_push(alts, nm_alloc(sizeof(conj)));
    }
    int blocked = c->lw->rule_blocked_rel[r - c->prog->rules];
    for (int a = 0; a < alts->n && !c->failed; a++) {
        nm_plan_body b = {0};
        lower_conj(c, rc, alts->items[a], &b);
        nm_plan_term *ht = head_terms(c, rc, head, &b);
        if (blocked >= 0 && head_rel != blocked)
            nm_plan_add_not(&b, blocked, head->nargs, ht);
        nm_plan_rule *pr = nm_plan_add_rule(c->plan, r->label, head_rel, head->nargs, ht, rc->nvars);
        pr->origin = r;
        pr->body = b;
        pr->var_names = r->var_names;
        nm_vec_push(out, (void *)(intptr_t)pr->id);
    }
}

static void add_stratum(lctx *c, const nm_vec *ids)
{
    if (ids->n == 0)
        return;
    int *a = nm_alloc_atomic(sizeof(int) * (size_t)(ids->n + 1));
    for (int i = 0; i < ids->n; i++)
        a[i] = (int)(intptr_t)ids->items[i];
    nm_plan_add_stratum(c->plan, ids->n, a);
}

/* Builds blocked_r (in strata of its own, before its first use): for each exception
 * e of r, blocked_r(e's head) if e's body and not blocked_e(e's head). */
static void build_blocked(lctx *c, int rule)
{
    if (c->blocked_done[rule])
        return;
    c->blocked_done[rule] = true;
    const nm_prule *r = &c->prog->rules[rule];
    for (int i = 0; i < r->nexceptions; i++)
        if (c->prog->rules[r->exceptions[i]].nexceptions > 0)
            build_blocked(c, r->exceptions[i]);
    nm_vec ids = {0};
    int rel = c->lw->rule_blocked_rel[rule];
    for (int i = 0; i < r->nexceptions; i++) {
        const nm_prule *e = &c->prog->rules[r->exceptions[i]];
        emit_rule(c, e, &e->head, rel, &ids);
    }
    add_stratum(c, &ids);
}

nm_lowered *nm_lower(const nm_program *prog, int case_id, nm_buf *err)
{
    nm_lowered *lw = nm_alloc(sizeof *lw);
    lw->prog = prog;
    lw->case_id = case_id;
    lw->plan = nm_plan_new();
    lw->plan->values = nm_plan_value_layer();
    lctx c = {.lw = lw, .prog = prog, .plan = lw->plan, .err = err};
    c.fn_add = nm_plan_add_fn(lw->plan, "+", 2, nm_plan_val_add, NULL);
    c.fn_sub = nm_plan_add_fn(lw->plan, "-", 2, nm_plan_val_sub, NULL);
    c.fn_mul = nm_plan_add_fn(lw->plan, "*", 2, nm_plan_val_mul, NULL);
    c.fn_div = nm_plan_add_fn(lw->plan, "/", 2, nm_plan_val_div, NULL);
    c.fn_neg = nm_plan_add_fn(lw->plan, "-", 1, nm_plan_val_neg, NULL);
    static const char *wnames[3] = {"within of", "within after", "within before"};
    for (int i = 0; i < 3; i++) {
        c.fn_within[i] = nm_plan_add_fn(lw->plan, wnames[i], 3, within_fn, (void *)(intptr_t)i);
        c.fn_not_within[i] =
            nm_plan_add_fn(lw->plan, wnames[i], 3, within_fn, (void *)(intptr_t)(i + 3));
    }

    /* constants */
    lw->const_cell = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(prog->nconsts + 1));
    for (int i = 0; i < prog->nconsts; i++) {
        const nm_pconst *k = &prog->consts[i];
        if (k->kind == NM_CONST_MEMBER) {
            lw->const_cell[i] = nm_val_enum((uint32_t)k->type, (uint32_t)k->ordinal);
            nm_val_enum_declare((uint32_t)k->type, (uint32_t)k->ordinal, k->name, strlen(k->name));
        } else {
            lw->const_cell[i] = nm_val_entity(k->name, strlen(k->name));
        }
    }
    /* parameters, with the case's overrides */
    lw->param_value = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(prog->nparams + 1));
    memset(lw->param_value, 0, sizeof(nm_cell) * (size_t)(prog->nparams + 1));
    for (int i = 0; i < prog->nparams; i++) {
        const nm_pexpr *v = prog->params[i].value;
        if (case_id >= 0) {
            const nm_pcase *cs = &prog->cases[case_id];
            for (int j = 0; j < cs->noverrides; j++)
                if (cs->overrides[j].param == i)
                    v = cs->overrides[j].value;
        }
        if (!nm_lower_const_expr(lw, v, &lw->param_value[i], err)) {
            nm_buf_printf(err, " (parameter '%s')", prog->params[i].name);
            return NULL;
        }
    }

    /* relations: each predicate's true and explicitly false atoms, then blocked_R */
    lw->pred_rel = nm_alloc_atomic(sizeof(int) * (size_t)(prog->npreds + 1));
    lw->pred_false_rel = nm_alloc_atomic(sizeof(int) * (size_t)(prog->npreds + 1));
    for (int i = 0; i < prog->npreds; i++)
        lw->pred_rel[i] = nm_plan_add_rel(lw->plan, prog->preds[i].name, prog->preds[i].arity);
    for (int i = 0; i < prog->npreds; i++)
        lw->pred_false_rel[i] = nm_plan_add_rel(lw->plan, nm_sprintf("%s~false", prog->preds[i].name),
                                                prog->preds[i].arity);
    lw->rule_blocked_rel = nm_alloc_atomic(sizeof(int) * (size_t)(prog->nrules + 1));
    for (int i = 0; i < prog->nrules; i++) {
        const nm_prule *r = &prog->rules[i];
        lw->rule_blocked_rel[i] =
            r->nexceptions ? nm_plan_add_rel(lw->plan, nm_sprintf("%s~blocked", r->label), r->head.nargs)
                           : -1;
    }
    c.blocked_done = nm_alloc_atomic(sizeof(bool) * (size_t)(prog->nrules + 1));
    memset(c.blocked_done, 0, sizeof(bool) * (size_t)(prog->nrules + 1));

    /* strata in order; within one, the rules concluding its predicates in declaration
     * order (block-only `unless` rules conclude nothing themselves) */
    for (int s = 0; s < prog->nstrata && !c.failed; s++) {
        for (int i = 0; i < prog->nrules; i++) {
            const nm_prule *r = &prog->rules[i];
            if (prog->preds[r->head.pred].stratum == s && r->nexceptions)
                build_blocked(&c, i);
        }
        nm_vec ids = {0};
        for (int i = 0; i < prog->nrules && !c.failed; i++) {
            const nm_prule *r = &prog->rules[i];
            if (r->block_only || prog->preds[r->head.pred].stratum != s)
                continue;
            int rel = r->head_negated ? lw->pred_false_rel[r->head.pred] : lw->pred_rel[r->head.pred];
            emit_rule(&c, r, &r->head, rel, &ids);
        }
        add_stratum(&c, &ids);
    }
    if (c.failed)
        return NULL;
    if (!nm_plan_finish(lw->plan, err))
        return NULL;
    return lw;
}

bool nm_lower_load_facts(const nm_lowered *lw, nm_eval *ev, nm_buf *err)
{
    const nm_program *p = lw->prog;
    nm_cell tuple[64];
    for (int i = 0; i < p->nfacts; i++) {
        const nm_pfact *f = &p->facts[i];
        if (f->case_id != -1 && f->case_id != lw->case_id)
            continue;
        if (f->atom.nargs > 64) {
            nm_buf_puts(err, "a fact has more than 64 arguments");
            return false;
        }
        for (int j = 0; j < f->atom.nargs; j++)
            if (!nm_lower_const_expr(lw, f->atom.args[j], &tuple[j], err))
                return false;
        int rel = f->negated ? lw->pred_false_rel[f->atom.pred] : lw->pred_rel[f->atom.pred];
        nm_eval_add_fact(ev, rel, tuple);
    }
    return true;
}
