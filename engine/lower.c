/* lower.c — the checked program (program.h) → a plan program (plan.h) for one case.
 * Each source rule becomes one plan rule per alternative of its body (disjunction is
 * expanded to disjunctive normal form); `not F` for a compound F and aggregate bodies
 * with alternatives go through auxiliary relations evaluated in a stratum of their
 * own; exceptions become `not blocked_R(head)` with blocked_R derived, in an earlier
 * stratum, by the exception rules (chained for exceptions to exceptions).
 * Three values ([sem.three]): a rule concluding an uncertain predicate is emitted twice,
 * a certain variant (positive atoms read C, `not q` reads "q not in P") and a possible
 * variant (positive atoms read P, `not q` reads "q not in C"); aggregates over
 * uncertain bodies are intervals [sem.agg.interval] compared by interval functions. */
#include "lower.h"

#include <string.h>

#include "date.h"
#include "num.h"

/* Alternatives of one body, at most this many: DNF can blow up, and a rule with more
 * alternatives than this is almost certainly a mistake worth reporting. */
#define MAX_ALTERNATIVES 1024

/* The possible atoms of an open predicate are its whole finite domain (less what is
 * stated false); past this many the domain is not enumerated but reported. */
#define MAX_OPEN_DOMAIN 10000000

/* Which evaluation a rule variant belongs to. */
typedef enum mode { CERT, POSS } mode;

/* A relation in its certain and possible versions (the same for certain ones). */
typedef struct relpair {
    int cert, poss;
} relpair;

typedef struct lctx {
    nm_lowered *lw;
    const nm_program *prog;
    nm_plan_program *plan;
    nm_buf *err;
    bool failed;
    int fn_add, fn_sub, fn_mul, fn_div, fn_neg;
    int fn_within[3], fn_not_within[3];
    int fn_iadd, fn_isub, fn_ineg, fn_imul[2], fn_idiv[2];
    int fn_icmp[2][6];          /* [mode][nm_plan_cmp]: interval comparisons */
    int fn_in_force, fn_rule_in_force;
    int fn_point[2];            /* [mode]: an interval that must be a single value */
    int fn_sign[2];             /* [positive]: value < 0 / > 0, or unknown */
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
    const nm_vec *cur;          /* the conjunction being lowered, and its literal */
    const void *cur_lit;
    bool *open_var;             /* variable → the value of an open attribute: unknown
                                   (NM_CELL_NONE) in the possible variant */
    nm_vec local_slots;         /* fresh slot, source variable (pairs, as intptr_t) of
                                   aggregate locals: their names in explanations */
} rctx;

static const char **slot_names(const rctx *rc);
static bool expr_open(const rctx *rc, const nm_pexpr *e);
static bool *bool_array(int n);

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
        /* the value layer keeps a citation's text without its brackets and adds them
         * when it prints the value in source form */
        const char *t = nm_buf_str(&text);
        size_t n = text.len;
        if (n >= 2 && t[0] == '[' && t[n - 1] == ']') {
            t++;
            n -= 2;
        }
        *out = nm_val_cite(t, n, nm_buf_str(&key), key.len);
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

/* A citation value and what it resolves to (for in_force_on). */
typedef struct cite_entry {
    nm_cell cell;
    nm_pcite cite;
} cite_entry;

static void remember_cite(const nm_lowered *lw, nm_cell cell, const nm_pcite *pc)
{
    nm_vec *v = (nm_vec *)&lw->cites;
    for (int i = 0; i < v->n; i++)
        if (((cite_entry *)v->items[i])->cell == cell)
            return;
    cite_entry *ce = nm_alloc(sizeof *ce);
    ce->cell = cell;
    ce->cite = *pc;
    nm_vec_push(v, ce);
}

bool nm_lower_const_expr(const nm_lowered *lw, const nm_pexpr *e, nm_cell *out, nm_buf *err)
{
    if (e->kind == NM_E_LIT && e->u.lit.kind == NM_LIT_CITE) {
        if (!nm_lower_lit(&e->u.lit, out))
            return false;
        remember_cite(lw, *out, &e->u.lit.cite);
        return true;
    }
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

/* ---- plan functions: law in time ([sem.time.builtin]) --------------------------------- */

static bool date_in(nm_pdate from, nm_pdate until, nm_date d)
{
    nm_date f, u;
    if (from.present && nm_date_from_ymd(from.y, from.m, from.d, &f) && d < f)
        return false;
    if (until.present && nm_date_from_ymd(until.y, until.m, until.d, &u) && d > u)
        return false;
    return true;
}

/* Is the cited article (any of its versions), or the whole source, in force on d? */
static bool cite_in_force(const nm_program *p, const nm_pcite *pc, nm_date d)
{
    if (pc->source < 0)
        return false;
    const nm_psource *src = &p->sources[pc->source];
    if (pc->article < 0)
        return date_in(src->from, src->until, d);
    const nm_particle *first = &src->articles[pc->article];
    for (int i = pc->article; i < src->narticles; i++) {
        /* the versions of one article follow each other in the source */
        const nm_particle *a = &src->articles[i];
        bool same = a->nparts == first->nparts;
        for (int k = 0; same && k < a->nparts; k++)
            same = a->parts[k].kind == first->parts[k].kind &&
                   a->parts[k].number == first->parts[k].number && a->parts[k].sub == first->parts[k].sub;
        if (!same)
            break;
        nm_pdate from = a->from.present ? a->from : src->from;
        nm_pdate until = a->until.present ? a->until : src->until;
        if (date_in(from, until, d))
            return true;
    }
    return false;
}

/* in_force_on(c, d): args (citation, date, negated as a bool cell); ctx = lw. */
static nm_plan_status in_force_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    const nm_lowered *lw = ctx;
    bool negate = nm_val_get_bool(a[2]);
    if (nm_val_kind_of(a[1]) != NM_VAL_DATE) {
        *why = "in_force_on needs a date";
        return NM_PLAN_ERROR;
    }
    const nm_pcite *pc = NULL;
    for (int i = 0; i < lw->cites.n && !pc; i++)
        if (((cite_entry *)lw->cites.items[i])->cell == a[0])
            pc = &((cite_entry *)lw->cites.items[i])->cite;
    if (!pc) {
        *why = "in_force_on needs a citation";
        return NM_PLAN_ERROR;
    }
    bool in = cite_in_force(lw->prog, pc, nm_val_get_date(a[1]));
    *out = nm_val_bool(true);
    return in != negate ? NM_PLAN_OK : NM_PLAN_FAIL;
}

/* rule_in_force_on(r, d): args (rule index as an int cell, d, negated as a bool cell). */
static nm_plan_status rule_in_force_fn(void *ctx, const nm_cell *a, int n, nm_cell *out,
                                       const char **why)
{
    const nm_lowered *lw = ctx;
    int64_t r;
    if (!nm_val_get_int(a[0], &r) || nm_val_kind_of(a[1]) != NM_VAL_DATE) {
        *why = "rule_in_force_on needs a rule and a date";
        return NM_PLAN_ERROR;
    }
    const nm_prule *pr = &lw->prog->rules[r];
    bool in = date_in(pr->eff_from, pr->eff_until, nm_val_get_date(a[1]));
    *out = nm_val_bool(true);
    return in != nm_val_get_bool(a[2]) ? NM_PLAN_OK : NM_PLAN_FAIL;
}

/* ---- plan functions: intervals ([sem.agg.interval]) ----------------------------------
 * An interval is a pair of cells (lo, hi); NM_CELL_NONE stands for an unbounded end
 * (-infinity as lo, +infinity as hi). Unbounded ends only widen an interval, so every
 * answer stays sound. */

static nm_plan_status num_status(nm_num_status st, const char **why)
{
    if (st == NM_NUM_OK)
        return NM_PLAN_OK;
    *why = nm_num_status_str(st);
    return NM_PLAN_ERROR;
}

static nm_plan_status iadd_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    if (a[0] == NM_CELL_NONE || a[1] == NM_CELL_NONE) {
        *out = NM_CELL_NONE;
        return NM_PLAN_OK;
    }
    return num_status(nm_val_add(a[0], a[1], out), why);
}

static nm_plan_status isub_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    if (a[0] == NM_CELL_NONE || a[1] == NM_CELL_NONE) {
        *out = NM_CELL_NONE;
        return NM_PLAN_OK;
    }
    return num_status(nm_val_sub(a[0], a[1], out), why);
}

static nm_plan_status ineg_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    if (a[0] == NM_CELL_NONE) {
        *out = NM_CELL_NONE;
        return NM_PLAN_OK;
    }
    return num_status(nm_val_neg(a[0], out), why);
}

/* lo (ctx 0) or hi (ctx 1) of [a0,a1] * [b0,b1] or [a0,a1] / [b0,b1]: the least or
 * greatest of the four products (quotients). Unbounded when an end is unbounded, or
 * when dividing by an interval that holds zero. */
static nm_plan_status imuldiv(bool div, intptr_t hi, const nm_cell *a, nm_cell *out,
                              const char **why)
{
    for (int i = 0; i < 4; i++)
        if (a[i] == NM_CELL_NONE) {
            *out = NM_CELL_NONE;
            return NM_PLAN_OK;
        }
    if (div && nm_val_compare(a[2], nm_val_int(0)) <= 0 && nm_val_compare(a[3], nm_val_int(0)) >= 0) {
        *out = NM_CELL_NONE;
        return NM_PLAN_OK;
    }
    nm_cell best = NM_CELL_NONE;
    for (int i = 0; i < 2; i++)
        for (int j = 2; j < 4; j++) {
            nm_cell r;
            nm_num_status st = div ? nm_val_div(a[i], a[j], &r) : nm_val_mul(a[i], a[j], &r);
            if (st != NM_NUM_OK)
                return num_status(st, why);
            int c = best == NM_CELL_NONE ? 0 : nm_val_compare(r, best);
            if (best == NM_CELL_NONE || (hi ? c > 0 : c < 0))
                best = r;
        }
    *out = best;
    return NM_PLAN_OK;
}

static nm_plan_status imul_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    return imuldiv(false, (intptr_t)ctx, a, out, why);
}

static nm_plan_status idiv_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    return imuldiv(true, (intptr_t)ctx, a, out, why);
}

static int cmp_cells(nm_cell a, nm_cell b) { return nm_val_compare(a, b); }

/* Interval comparison: args (a.lo, a.hi, b.lo, b.hi); ctx = mode * 8 + nm_plan_cmp.
 * Certain: every pair of values satisfies it; possible: some pair does. */
static nm_plan_status icmp_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    intptr_t k = (intptr_t)ctx;
    bool certain = k / 8 == CERT;
    nm_plan_cmp op = (nm_plan_cmp)(k % 8);
    nm_cell alo = a[0], ahi = a[1], blo = a[2], bhi = a[3];
    bool ok;
#define DEF(x) ((x) != NM_CELL_NONE)
    if (certain) {
        switch (op) {
        case NM_CMP_GE: ok = DEF(alo) && DEF(bhi) && cmp_cells(alo, bhi) >= 0; break;
        case NM_CMP_GT: ok = DEF(alo) && DEF(bhi) && cmp_cells(alo, bhi) > 0; break;
        case NM_CMP_LE: ok = DEF(ahi) && DEF(blo) && cmp_cells(ahi, blo) <= 0; break;
        case NM_CMP_LT: ok = DEF(ahi) && DEF(blo) && cmp_cells(ahi, blo) < 0; break;
        case NM_CMP_EQ:
            ok = DEF(alo) && DEF(ahi) && DEF(blo) && DEF(bhi) && cmp_cells(alo, ahi) == 0 &&
                 cmp_cells(blo, bhi) == 0 && cmp_cells(alo, blo) == 0;
            break;
        default:
            ok = (DEF(ahi) && DEF(blo) && cmp_cells(ahi, blo) < 0) ||
                 (DEF(bhi) && DEF(alo) && cmp_cells(bhi, alo) < 0);
            break;
        }
    } else {
        switch (op) {
        case NM_CMP_GE: ok = !DEF(ahi) || !DEF(blo) || cmp_cells(ahi, blo) >= 0; break;
        case NM_CMP_GT: ok = !DEF(ahi) || !DEF(blo) || cmp_cells(ahi, blo) > 0; break;
        case NM_CMP_LE: ok = !DEF(alo) || !DEF(bhi) || cmp_cells(alo, bhi) <= 0; break;
        case NM_CMP_LT: ok = !DEF(alo) || !DEF(bhi) || cmp_cells(alo, bhi) < 0; break;
        case NM_CMP_EQ:
            ok = (!DEF(alo) || !DEF(bhi) || cmp_cells(alo, bhi) <= 0) &&
                 (!DEF(blo) || !DEF(ahi) || cmp_cells(blo, ahi) <= 0);
            break;
        default:
            ok = !(DEF(alo) && DEF(ahi) && DEF(blo) && DEF(bhi) && cmp_cells(alo, ahi) == 0 &&
                   cmp_cells(blo, bhi) == 0 && cmp_cells(alo, blo) == 0);
            break;
        }
    }
#undef DEF
    *out = nm_val_bool(true);
    return ok ? NM_PLAN_OK : NM_PLAN_FAIL;
}

/* sign(v): ctx 1: v > 0, ctx 0: v < 0; an unknown value (NONE) passes both. */
static nm_plan_status sign_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    *out = nm_val_bool(true);
    if (a[0] == NM_CELL_NONE)
        return NM_PLAN_OK;
    int cmp = nm_val_compare(a[0], nm_val_int(0));
    return ((intptr_t)ctx ? cmp > 0 : cmp < 0) ? NM_PLAN_OK : NM_PLAN_FAIL;
}

/* point(lo, hi): passes when lo = hi; otherwise fails (ctx CERT) or is an error
 * (ctx POSS) that says the value is unknown. */
static nm_plan_status point_fn(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    if (a[0] != NM_CELL_NONE && a[1] != NM_CELL_NONE && nm_val_compare(a[0], a[1]) == 0) {
        *out = nm_val_bool(true);
        return NM_PLAN_OK;
    }
    if ((intptr_t)ctx == CERT)
        return NM_PLAN_FAIL;
    *why = "the value of an aggregate over open predicates is not known (it lies in an "
           "interval); compare it with a threshold instead of using its value";
    return NM_PLAN_ERROR;
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

/* Collects into out the min/max aggregates of e (not those nested in an aggregate's
 * body): the operands that are undefined for an empty group ([sem.agg.empty]). */
static void minmax_aggs(const nm_pexpr *e, nm_vec *out)
{
    if (!e)
        return;
    switch (e->kind) {
    case NM_E_ARITH:
        minmax_aggs(e->u.arith.lhs, out);
        minmax_aggs(e->u.arith.rhs, out);
        break;
    case NM_E_NEG:
        minmax_aggs(e->u.neg, out);
        break;
    case NM_E_AGG:
        if (e->u.agg->op == NM_AGG_MIN || e->u.agg->op == NM_AGG_MAX)
            nm_vec_push(out, (void *)e);
        break;
    default:
        break;
    }
}

/* `count(locals for B) = 0` for the aggregate `agg(… for B)`: its group is empty. */
static nm_pformula *group_empty(const nm_pexpr *agg)
{
    const nm_pagg *a = agg->u.agg;
    nm_pagg *cnt = nm_alloc(sizeof *cnt);
    *cnt = *a;
    cnt->op = NM_AGG_COUNT;
    cnt->nterms = a->nlocal;
    cnt->terms = nm_alloc(sizeof *cnt->terms * (size_t)(a->nlocal + 1));
    for (int i = 0; i < a->nlocal; i++) {
        nm_pexpr *v = nm_alloc(sizeof *v);
        v->kind = NM_E_VAR;
        v->type = NM_TY_INT;    /* not read by lowering */
        v->span = agg->span;
        v->u.var = a->local_vars[i];
        cnt->terms[i] = v;
    }
    nm_pexpr *ce = nm_alloc(sizeof *ce);
    *ce = *agg;
    ce->type = NM_TY_INT;
    ce->u.agg = cnt;
    nm_pexpr *zero = nm_alloc(sizeof *zero);
    zero->kind = NM_E_LIT;
    zero->type = NM_TY_INT;
    zero->span = agg->span;
    zero->u.lit.kind = NM_LIT_INT;
    zero->u.lit.i = 0;
    nm_pformula *eq = nm_alloc(sizeof *eq);
    eq->kind = NM_F_CMP;
    eq->span = agg->span;
    eq->u.cmp.op = NM_OP_EQ;
    eq->u.cmp.lhs = ce;
    eq->u.cmp.rhs = zero;
    return eq;
}

/* The alternatives of f: a vector of conjunctions. */
static nm_vec *dnf(lctx *c, const nm_pformula *f)
{
    nm_vec *alts = nm_alloc(sizeof *alts);
    switch (f->kind) {
    case NM_F_NOT: {
        /* `not (A op B)` where A or B has a min/max: every comparison on an undefined
         * min/max (empty group) is false, so its negation is true ([sem.agg.empty]).
         * Lowered as: the negated comparison (it runs only where every min/max is
         * defined), or one alternative per min/max whose group is empty. */
        const nm_pformula *g = f->u.operand;
        nm_vec aggs = {0};
        if (g->kind == NM_F_CMP) {
            minmax_aggs(g->u.cmp.lhs, &aggs);
            minmax_aggs(g->u.cmp.rhs, &aggs);
        }
        if (aggs.n == 0)
            return single(f);
        nm_vec_push(alts, single(f)->items[0]);
        for (int i = 0; i < aggs.n; i++)
            nm_vec_push(alts, single(group_empty(aggs.items[i]))->items[0]);
        return alts;
    }
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

static void lower_conj(lctx *c, rctx *rc, const conj *cj, nm_plan_body *b, mode m);
static relpair aux_relation(lctx *c, rctx *rc, const nm_pformula *f, const int *vars, int nvars);

static nm_plan_expr *lower_expr(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b, mode m);

/* ---- uncertainty ------------------------------------------------------------------- */

static bool formula_uncertain(const nm_lowered *lw, const nm_pformula *f);

/* Does e hold an aggregate whose body mentions an uncertain predicate? */
static bool expr_uncertain(const nm_lowered *lw, const nm_pexpr *e)
{
    if (!e)
        return false;
    switch (e->kind) {
    case NM_E_ARITH:
        return expr_uncertain(lw, e->u.arith.lhs) || expr_uncertain(lw, e->u.arith.rhs);
    case NM_E_NEG:
        return expr_uncertain(lw, e->u.neg);
    case NM_E_AGG:
        return formula_uncertain(lw, e->u.agg->body);
    default:
        return false;
    }
}

/* Does f mention an uncertain predicate (in any polarity, or inside an aggregate)? */
static bool formula_uncertain(const nm_lowered *lw, const nm_pformula *f)
{
    if (!f)
        return false;
    switch (f->kind) {
    case NM_F_ATOM:
        if (lw->uncertain[f->u.atom.pred])
            return true;
        for (int i = 0; i < f->u.atom.nargs; i++)
            if (expr_uncertain(lw, f->u.atom.args[i]))
                return true;
        return false;
    case NM_F_AND:
    case NM_F_OR:
        return formula_uncertain(lw, f->u.bin.lhs) || formula_uncertain(lw, f->u.bin.rhs);
    case NM_F_NOT:
        return formula_uncertain(lw, f->u.operand);
    case NM_F_CMP:
        return expr_uncertain(lw, f->u.cmp.lhs) || expr_uncertain(lw, f->u.cmp.rhs);
    case NM_F_INSET:
        return expr_uncertain(lw, f->u.inset.elem);
    case NM_F_WITHIN:
        return expr_uncertain(lw, f->u.within.lhs) || expr_uncertain(lw, f->u.within.rhs);
    }
    return false;
}

/* The relations a literal over `pred` reads in rule rc: within the rule's own stratum
 * the certain atoms before conflicts are taken out (they are taken out only once the
 * stratum is complete), elsewhere the resolved ones. */
static relpair pred_pair(lctx *c, rctx *rc, int pred)
{
    const nm_program *p = c->prog;
    int s = p->preds[pred].stratum;
    bool same = s >= 0 && s == p->preds[rc->rule->head.pred].stratum;
    return (relpair){same ? c->lw->pred_raw_rel[pred] : c->lw->pred_rel[pred],
                     c->lw->pred_poss_rel[pred]};
}

/* A positive literal reads the version of its mode; a negated one the other version
 * (`not q` is certain when q is not possible, possible when q is not certain). */
static int read_rel(relpair r, mode m, bool negated)
{
    return (m == CERT) != negated ? r.cert : r.poss;
}

/* Lowers an aggregate into an AGG op of b; returns the slot of its result. For a sum,
 * sign > 0 (< 0) keeps only the tuples whose value is positive (negative): the sum of
 * max(e, 0) (of min(e, 0)), for the ends of a sum interval. */
static int lower_agg_signed(lctx *c, rctx *rc, const nm_pagg *ag, nm_plan_body *b, mode m,
                            int sign)
{
    /* local variables get fresh slots, so two aggregates of one rule that use the same
     * variable name never share a slot */
    int *saved = nm_alloc_atomic(sizeof(int) * (size_t)rc->nremap);
    memcpy(saved, rc->remap, sizeof(int) * (size_t)rc->nremap);
    for (int i = 0; i < ag->nlocal; i++) {
        rc->remap[ag->local_vars[i]] = fresh(rc);
        nm_vec_push(&rc->local_slots, (void *)(intptr_t)rc->remap[ag->local_vars[i]]);
        nm_vec_push(&rc->local_slots, (void *)(intptr_t)ag->local_vars[i]);
    }

    int result = fresh(rc);
    int ngroup = ag->ngroup;
    int *group = nm_alloc_atomic(sizeof(int) * (size_t)(ngroup + 1));
    for (int i = 0; i < ngroup; i++)
        group[i] = slot(rc, ag->group_vars[i]);

    nm_vec *alts = dnf(c, ag->body);
    nm_plan_body sub = {0};
    if (alts->n == 1) {
        lower_conj(c, rc, alts->items[0], &sub, m);
    } else {
        /* alternatives: aux(group ∪ locals) if body, aggregate over aux */
        int nv = ngroup + ag->nlocal;
        int *vars = nm_alloc_atomic(sizeof(int) * (size_t)(nv + 1));
        for (int i = 0; i < ngroup; i++)
            vars[i] = ag->group_vars[i];
        for (int i = 0; i < ag->nlocal; i++)
            vars[ngroup + i] = ag->local_vars[i];
        relpair aux = aux_relation(c, rc, ag->body, vars, nv);
        nm_plan_term *args = nm_alloc(sizeof *args * (size_t)(nv + 1));
        for (int i = 0; i < nv; i++)
            args[i] = nm_plan_var(slot(rc, vars[i]));
        nm_plan_add_atom(&sub, read_rel(aux, m, false), nv, args);
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
                nm_plan_add_assign(&sub, v, lower_expr(c, rc, t, &sub, m));
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
            nm_plan_add_assign(&sub, value, lower_expr(c, rc, t, &sub, m));
            keys[nkeys++] = value;
        }
    }
    if (sign && value >= 0) {
        /* an unknown value (an open attribute's, NM_CELL_NONE) counts on both sides */
        nm_plan_expr *v = nm_plan_expr_var(value);
        nm_plan_add_test(&sub, nm_plan_expr_call(c->fn_sign[sign > 0], 1, &v));
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

static int lower_agg(lctx *c, rctx *rc, const nm_pagg *ag, nm_plan_body *b, mode m)
{
    return lower_agg_signed(c, rc, ag, b, m, 0);
}

/* An interval has no single value to use or bind ([sem.agg.interval]); the engine
 * only compares aggregates over open predicates. */
typedef struct ival ival;
static ival lower_ival(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b, mode m);
/* Arithmetic over an open attribute's value: the point value, NM_CELL_NONE when the
 * value is unknown (the interval functions carry it through). */
static nm_plan_expr *open_point(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b, mode m);

/* The value of an expression over an uncertain aggregate where a single value is
 * needed (`n = count(…)`, an argument): its interval must be a point. Where it is not,
 * the certain variant fails and the possible one stops evaluation with a message
 * naming the rule and the interval ([sem.agg.interval]): every value in it is
 * possible, and enumerating them is not what a drafter meant. */
static nm_plan_expr *point_value(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b, mode m);

static nm_plan_expr *lower_expr(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b, mode m)
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
        if (expr_open(rc, e))
            return open_point(c, rc, e, b, m);   /* a point, or unknown (NONE) */
        int fn = e->u.arith.op == NM_OP_ADD ? c->fn_add
               : e->u.arith.op == NM_OP_SUB ? c->fn_sub
               : e->u.arith.op == NM_OP_MUL ? c->fn_mul
                                            : c->fn_div;
        nm_plan_expr *l = lower_expr(c, rc, e->u.arith.lhs, b, m);
        nm_plan_expr *r = lower_expr(c, rc, e->u.arith.rhs, b, m);
        return nm_plan_expr_call2(fn, l, r);
    }
    case NM_E_NEG: {
        nm_plan_expr *x = lower_expr(c, rc, e->u.neg, b, m);
        return nm_plan_expr_call(c->fn_neg, 1, &x);
    }
    case NM_E_AGG:
        if (formula_uncertain(c->lw, e->u.agg->body))
            return point_value(c, rc, e, b, m);
        return nm_plan_expr_var(lower_agg(c, rc, e->u.agg, b, m));
    }
    return nm_plan_expr_const(0);
}

/* The terms of an atom's arguments. Arguments that are computed expressions get a
 * fresh slot, tied to the expression by an assignment (before a negated atom) or a
 * check (after a positive one). */
static nm_plan_term *atom_terms(lctx *c, rctx *rc, const nm_patom *a, nm_plan_body *b,
                                nm_vec *after, mode m)
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
            nm_plan_expr *x = lower_expr(c, rc, e, b, m);
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

/* ---- intervals ---------------------------------------------------------------------- */

struct ival {
    nm_plan_expr *lo, *hi;
};

static nm_plan_expr *unbounded(void) { return nm_plan_expr_const(NM_CELL_NONE); }

/* The interval of e in mode m ([sem.agg.interval]): a point for expressions without
 * uncertain aggregates; for count and sum [value over C, value over P]; min over P
 * bounds below and min over C above (unbounded in the possible variant, where C may be
 * empty); max the other way round; arithmetic on the ends. */
static ival lower_ival(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b, mode m)
{
    if (!expr_uncertain(c->lw, e) && !(e->kind != NM_E_VAR && expr_open(rc, e))) {
        nm_plan_expr *x = lower_expr(c, rc, e, b, m);
        return (ival){x, x};
    }
    switch (e->kind) {
    case NM_E_AGG: {
        const nm_pagg *ag = e->u.agg;
        if (ag->op == NM_AGG_COUNT) {
            int lo = lower_agg(c, rc, ag, b, CERT), hi = lower_agg(c, rc, ag, b, POSS);
            return (ival){nm_plan_expr_var(lo), nm_plan_expr_var(hi)};
        }
        if (ag->op == NM_AGG_SUM) {
            /* low end: sum over C plus min(e, 0) over the tuples only in P, i.e.
             * Σ_C max(e, 0) + Σ_P min(e, 0) (C ⊆ P); the high end the other way round.
             * [sum over C, sum over P] would be wrong for negative terms. */
            int cpos = lower_agg_signed(c, rc, ag, b, CERT, 1);
            int cneg = lower_agg_signed(c, rc, ag, b, CERT, -1);
            int ppos = lower_agg_signed(c, rc, ag, b, POSS, 1);
            int pneg = lower_agg_signed(c, rc, ag, b, POSS, -1);
            return (ival){nm_plan_expr_call2(c->fn_iadd, nm_plan_expr_var(cpos), nm_plan_expr_var(pneg)),
                          nm_plan_expr_call2(c->fn_iadd, nm_plan_expr_var(cneg), nm_plan_expr_var(ppos))};
        }
        nm_plan_expr *over_p = nm_plan_expr_var(lower_agg(c, rc, ag, b, POSS));
        nm_plan_expr *over_c = m == CERT ? nm_plan_expr_var(lower_agg(c, rc, ag, b, CERT)) : unbounded();
        if (ag->op == NM_AGG_MIN)
            return (ival){over_p, over_c};
        return (ival){m == CERT ? over_c : unbounded(), over_p};
    }
    case NM_E_NEG: {
        ival x = lower_ival(c, rc, e->u.neg, b, m);
        return (ival){nm_plan_expr_call(c->fn_ineg, 1, &x.hi), nm_plan_expr_call(c->fn_ineg, 1, &x.lo)};
    }
    case NM_E_ARITH: {
        ival x = lower_ival(c, rc, e->u.arith.lhs, b, m);
        ival y = lower_ival(c, rc, e->u.arith.rhs, b, m);
        switch (e->u.arith.op) {
        case NM_OP_ADD:
            return (ival){nm_plan_expr_call2(c->fn_iadd, x.lo, y.lo),
                          nm_plan_expr_call2(c->fn_iadd, x.hi, y.hi)};
        case NM_OP_SUB:
            return (ival){nm_plan_expr_call2(c->fn_isub, x.lo, y.hi),
                          nm_plan_expr_call2(c->fn_isub, x.hi, y.lo)};
        default: {
            nm_plan_expr *args[4] = {x.lo, x.hi, y.lo, y.hi};
            const int *fn = e->u.arith.op == NM_OP_MUL ? c->fn_imul : c->fn_idiv;
            return (ival){nm_plan_expr_call(fn[0], 4, args), nm_plan_expr_call(fn[1], 4, args)};
        }
        }
    }
    default: {
        nm_plan_expr *x = lower_expr(c, rc, e, b, m);
        return (ival){x, x};
    }
    }
}

static nm_plan_expr *open_point(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b, mode m)
{
    return lower_ival(c, rc, e, b, m).lo;
}

static nm_plan_expr *point_value(lctx *c, rctx *rc, const nm_pexpr *e, nm_plan_body *b, mode m)
{
    /* both ends in both variants: the certain variant's interval is the exact one
     * (for min and max over a certain part that is empty, the aggregate has no value
     * and the literal fails — a known incompleteness, see [sem.agg.interval]) */
    ival v = lower_ival(c, rc, e, b, CERT);
    nm_plan_expr *args[2] = {v.lo, v.hi};
    nm_plan_add_test(b, nm_plan_expr_call(c->fn_point[m], 2, args));
    return v.lo;
}

static void lower_literal(lctx *c, rctx *rc, const nm_pformula *f, nm_plan_body *b, bool negated,
                          mode m)
{
    switch (f->kind) {
    case NM_F_ATOM: {
        const nm_ppred *pd = &c->prog->preds[f->u.atom.pred];
        if (pd->origin == NM_ORIGIN_BUILTIN && pd->builtin != NM_BUILTIN_DECISION_DATE) {
            /* in_force_on / rule_in_force_on: a test on bound values ([rule.builtin]) */
            const nm_pexpr *a0 = f->u.atom.args[0];
            nm_plan_expr *args[3];
            if (a0->kind == NM_E_RULE)
                args[0] = nm_plan_expr_const(nm_val_int(a0->u.rule));
            else
                args[0] = lower_expr(c, rc, a0, b, m);
            args[1] = lower_expr(c, rc, f->u.atom.args[1], b, m);
            args[2] = nm_plan_expr_const(nm_val_bool(negated));
            int fn = pd->builtin == NM_BUILTIN_IN_FORCE_ON ? c->fn_in_force : c->fn_rule_in_force;
            nm_plan_add_test(b, nm_plan_expr_call(fn, 3, args));
            return;
        }
        nm_vec after = {0};
        nm_plan_term *t = atom_terms(c, rc, &f->u.atom, b, &after, m);
        int rel = pd->origin == NM_ORIGIN_BUILTIN ? c->lw->decision_rel
                                                  : read_rel(pred_pair(c, rc, f->u.atom.pred), m, negated);
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
        nm_plan_cmp op = plan_cmp(f->u.cmp.op);
        if (negated)
            op = negate_cmp(op);
        if (expr_uncertain(c->lw, f->u.cmp.lhs) || expr_uncertain(c->lw, f->u.cmp.rhs) ||
            expr_open(rc, f->u.cmp.lhs) || expr_open(rc, f->u.cmp.rhs)) {
            /* not (A op B) is (A op' B) with op' the opposite comparison, in both
             * variants: certain(not X) = not possible(X) holds for the interval tests */
            ival l = lower_ival(c, rc, f->u.cmp.lhs, b, m);
            ival r = lower_ival(c, rc, f->u.cmp.rhs, b, m);
            nm_plan_expr *args[4] = {l.lo, l.hi, r.lo, r.hi};
            nm_plan_add_test(b, nm_plan_expr_call(c->fn_icmp[m][op], 4, args));
            return;
        }
        nm_plan_expr *l = lower_expr(c, rc, f->u.cmp.lhs, b, m);
        nm_plan_expr *r = lower_expr(c, rc, f->u.cmp.rhs, b, m);
        nm_plan_add_cmp(b, op, l, r);
        return;
    }
    case NM_F_WITHIN: {
        nm_plan_expr *args[3] = {lower_expr(c, rc, f->u.within.lhs, b, m),
                                 lower_expr(c, rc, f->u.within.dur, b, m),
                                 lower_expr(c, rc, f->u.within.rhs, b, m)};
        int fn = negated ? c->fn_not_within[f->u.within.how] : c->fn_within[f->u.within.how];
        nm_plan_add_test(b, nm_plan_expr_call(fn, 3, args));
        return;
    }
    case NM_F_NOT:
        if (!negated) {
            const nm_pformula *g = f->u.operand;
            if (g->kind == NM_F_ATOM || g->kind == NM_F_CMP || g->kind == NM_F_WITHIN ||
                g->kind == NM_F_NOT) {
                lower_literal(c, rc, g, b, true, m);
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
            relpair aux = aux_relation(c, rc, g, vars, nv);
            nm_plan_term *t = nm_alloc(sizeof *t * (size_t)(nv + 1));
            for (int i = 0; i < nv; i++)
                t[i] = nm_plan_var(slot(rc, vars[i]));
            nm_plan_add_not(b, read_rel(aux, m, true), nv, t);
            return;
        }
        /* not not g */
        lower_literal(c, rc, f->u.operand, b, false, m);
        return;
    default:
        fail(c, "internal: unexpected formula in a conjunction");
    }
}

/* Is variable v bound in cj other than by literal `skip`: a direct argument of a
 * positive atom, or a side of another `=`? */
static bool bound_elsewhere(const conj *cj, int skip, int v)
{
    for (int i = 0; i < cj->n; i++) {
        const nm_pformula *f = cj->items[i];
        if (i == skip)
            continue;
        if (f->kind == NM_F_ATOM) {
            for (int j = 0; j < f->u.atom.nargs; j++)
                if (f->u.atom.args[j]->kind == NM_E_VAR && f->u.atom.args[j]->u.var == v)
                    return true;
        } else if (f->kind == NM_F_CMP && f->u.cmp.op == NM_OP_EQ) {
            const nm_pexpr *l = f->u.cmp.lhs, *r = f->u.cmp.rhs;
            if ((l->kind == NM_E_VAR && l->u.var == v) || (r->kind == NM_E_VAR && r->u.var == v))
                return true;
        }
    }
    return false;
}

static void lower_conj(lctx *c, rctx *rc, const conj *cj, nm_plan_body *b, mode m)
{
    const nm_vec *saved = rc->cur;
    const void *saved_lit = rc->cur_lit;
    rc->cur = cj;
    for (int i = 0; i < cj->n; i++) {
        rc->cur_lit = cj->items[i];
        /* `x = AGG` binding x to an aggregate over open predicates: an interval binds
         * no single value, so say so here rather than leave x unbound for the planner */
        const nm_pformula *f = cj->items[i];
        bool bound = false;
        if (f->kind == NM_F_CMP && f->u.cmp.op == NM_OP_EQ)
            for (int side = 0; side < 2 && !bound; side++) {
                const nm_pexpr *x = side ? f->u.cmp.rhs : f->u.cmp.lhs;
                const nm_pexpr *y = side ? f->u.cmp.lhs : f->u.cmp.rhs;
                if (x->kind == NM_E_VAR && expr_uncertain(c->lw, y) &&
                    !bound_elsewhere(cj, i, x->u.var)) {
                    nm_plan_add_assign(b, slot(rc, x->u.var), point_value(c, rc, y, b, m));
                    bound = true;
                } else if (x->kind == NM_E_VAR && y->kind != NM_E_VAR && expr_open(rc, y) &&
                           !bound_elsewhere(cj, i, x->u.var)) {
                    /* x takes the value, or the unknown value of an open attribute */
                    nm_plan_add_assign(b, slot(rc, x->u.var), open_point(c, rc, y, b, m));
                    bound = true;
                }
            }
        if (!bound)
            lower_literal(c, rc, f, b, false, m);
    }
    rc->cur = saved;
    rc->cur_lit = saved_lit;
}

/* A new relation aux(vars) with one rule per alternative of f, in a stratum of its
 * own appended now (before the stratum of the rule that uses it); in a certain and a
 * possible version when f mentions an uncertain predicate. */
/* Variables that occur in a positive atom of f (not under a negation): those f binds
 * by itself. */
static void bound_by(const nm_pformula *f, int *occ)
{
    switch (f->kind) {
    case NM_F_ATOM: occ_atom(&f->u.atom, occ); break;
    case NM_F_AND:
    case NM_F_OR:
        bound_by(f->u.bin.lhs, occ);
        bound_by(f->u.bin.rhs, occ);
        break;
    default: break;
    }
}

static relpair aux_relation(lctx *c, rctx *rc, const nm_pformula *f, const int *vars, int nvars)
{
    bool both = formula_uncertain(c->lw, f);
    /* aux(vars) if f must bind its head variables; when f does not bind one by itself
     * (`not (p(w, g) and g > f)` with f bound outside), the rest of the enclosing
     * conjunction — its positive literals and comparisons — guards the rule, which
     * restricts it to the same bindings and keeps it range-restricted */
    int *own = zeros(rc->rule->nvars + 1);
    bound_by(f, own);
    bool need_guard = false;
    for (int i = 0; i < nvars; i++)
        need_guard |= vars[i] < rc->rule->nvars && !own[vars[i]];
    conj guard = {0};
    if (need_guard && rc->cur)
        for (int i = 0; i < rc->cur->n; i++) {
            const nm_pformula *g = rc->cur->items[i];
            if (g != rc->cur_lit && g != f && g->kind != NM_F_NOT)
                nm_vec_push(&guard, (void *)g);
        }
    int n = ++c->naux;
    relpair rel;
    rel.cert = nm_plan_add_rel(c->plan, nm_sprintf("%s~aux%d", rc->rule->label, n), nvars);
    rel.poss = both ? nm_plan_add_rel(c->plan, nm_sprintf("%s~aux%d~poss", rc->rule->label, n), nvars)
                    : rel.cert;
    nm_vec *alts = dnf(c, f);
    nm_vec rules = {0};
    for (int v = 0; v < (both ? 2 : 1); v++) {
        mode m = v ? POSS : CERT;
        for (int a = 0; a < alts->n; a++) {
            nm_plan_body b = {0};
            conj *alt = alts->items[a];
            /* the guard only supplies candidate bindings: read in its possible version
             * in both variants, so that its own uncertainty never leaks into f's truth */
            if (guard.n)
                lower_conj(c, rc, &guard, &b, POSS);
            lower_conj(c, rc, alt, &b, m);
            nm_plan_term *head = nm_alloc(sizeof *head * (size_t)(nvars + 1));
            for (int i = 0; i < nvars; i++)
                head[i] = nm_plan_var(slot(rc, vars[i]));
            /* named after its source rule: run-time errors name the rule the user wrote */
            nm_plan_rule *r = nm_plan_add_rule(c->plan, rc->rule->label, m == CERT ? rel.cert : rel.poss,
                                               nvars, head, rc->nvars);
            r->origin = rc->rule;
            r->body = b;
            r->var_names = slot_names(rc);
            nm_vec_push(&rules, (void *)(intptr_t)r->id);
        }
    }
    int *ids = nm_alloc_atomic(sizeof(int) * (size_t)(rules.n + 1));
    for (int i = 0; i < rules.n; i++)
        ids[i] = (int)(intptr_t)rules.items[i];
    nm_plan_add_stratum(c->plan, rules.n, ids);
    return rel;
}

/* ---- rules ------------------------------------------------------------------------------ */

/* The names of rc's slots for a plan rule: the source variables' names, NULL for the
 * fresh slots lowering added (aggregate locals, computed arguments). The plan reads
 * var_names[v] for every slot v < nvars, so the source array alone is too short. */
static const char **slot_names(const rctx *rc)
{
    const char **names = nm_alloc(sizeof *names * (size_t)(rc->nvars + 1));
    for (int v = 0; v < rc->nvars; v++)
        names[v] = rc->rule->var_names && v < rc->rule->nvars ? rc->rule->var_names[v] : NULL;
    for (int i = 0; i + 1 < rc->local_slots.n && rc->rule->var_names; i += 2) {
        int slot_v = (int)(intptr_t)rc->local_slots.items[i];
        int src_v = (int)(intptr_t)rc->local_slots.items[i + 1];
        if (slot_v < rc->nvars && src_v < rc->rule->nvars)
            names[slot_v] = rc->rule->var_names[src_v];
    }
    return names;
}

static void mark_open_vars(const nm_lowered *lw, const nm_pformula *f, bool *open_var, int nvars)
{
    if (!f)
        return;
    switch (f->kind) {
    case NM_F_ATOM: {
        const nm_ppred *pd = &lw->prog->preds[f->u.atom.pred];
        const nm_pexpr *v = f->u.atom.nargs ? f->u.atom.args[f->u.atom.nargs - 1] : NULL;
        if (pd->origin == NM_ORIGIN_ATTR && lw->open[f->u.atom.pred] && v && v->kind == NM_E_VAR &&
            v->u.var < nvars)
            open_var[v->u.var] = true;
        for (int i = 0; i < f->u.atom.nargs; i++)
            if (f->u.atom.args[i]->kind == NM_E_AGG)
                mark_open_vars(lw, f->u.atom.args[i]->u.agg->body, open_var, nvars);
        return;
    }
    case NM_F_AND:
    case NM_F_OR:
        mark_open_vars(lw, f->u.bin.lhs, open_var, nvars);
        mark_open_vars(lw, f->u.bin.rhs, open_var, nvars);
        return;
    case NM_F_CMP:
        for (int s = 0; s < 2; s++) {
            const nm_pexpr *e = s ? f->u.cmp.rhs : f->u.cmp.lhs;
            if (e->kind == NM_E_AGG)
                mark_open_vars(lw, e->u.agg->body, open_var, nvars);
        }
        return;
    default:
        return;
    }
}

/* `x = e` with e over an open value makes x open too (to a fixpoint). */
static bool spread_open(const rctx *rc, const nm_pformula *f)
{
    if (!f)
        return false;
    switch (f->kind) {
    case NM_F_AND:
    case NM_F_OR:
        return (int)spread_open(rc, f->u.bin.lhs) | (int)spread_open(rc, f->u.bin.rhs);
    case NM_F_CMP: {
        if (f->u.cmp.op != NM_OP_EQ)
            return false;
        bool changed = false;
        for (int s = 0; s < 2; s++) {
            const nm_pexpr *x = s ? f->u.cmp.rhs : f->u.cmp.lhs, *y = s ? f->u.cmp.lhs : f->u.cmp.rhs;
            if (x->kind == NM_E_VAR && x->u.var < rc->rule->nvars && !rc->open_var[x->u.var] &&
                expr_open(rc, y)) {
                rc->open_var[x->u.var] = true;
                changed = true;
            }
        }
        return changed;
    }
    default:
        return false;
    }
}

/* Does e read a variable holding an open attribute's value? */
static bool expr_open(const rctx *rc, const nm_pexpr *e)
{
    if (!e || !rc || !rc->open_var)
        return false;
    switch (e->kind) {
    case NM_E_VAR: return e->u.var < rc->rule->nvars && rc->open_var[e->u.var];
    case NM_E_ARITH: return expr_open(rc, e->u.arith.lhs) || expr_open(rc, e->u.arith.rhs);
    case NM_E_NEG: return expr_open(rc, e->u.neg);
    default: return false;
    }
}

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

/* Does a positive atom of the conjunction hold variable v where its predicate
 * declares the entity kind `kind` (so v is of that kind already)? */
static bool var_has_kind(lctx *c, const nm_vec *cj, int v, int kind)
{
    for (int i = 0; cj && i < cj->n; i++) {
        const nm_pformula *f = cj->items[i];
        if (f->kind != NM_F_ATOM)
            continue;
        const nm_ppred *pd = &c->prog->preds[f->u.atom.pred];
        for (int j = 0; j < f->u.atom.nargs && j < pd->arity; j++)
            if (f->u.atom.args[j]->kind == NM_E_VAR && f->u.atom.args[j]->u.var == v &&
                pd->arg_types[j] == kind)
                return true;
    }
    return false;
}

static nm_plan_term *head_terms(lctx *c, rctx *rc, const nm_patom *h, nm_plan_body *b, mode m)
{
    nm_plan_term *t = nm_alloc(sizeof *t * (size_t)(h->nargs + 1));
    for (int i = 0; i < h->nargs; i++) {
        const nm_pexpr *e = h->args[i];
        if (e->kind == NM_E_VAR) {
            t[i] = nm_plan_var(slot(rc, e->u.var));
            /* a Person or Unit argument concluded from a variable only known to be an
             * Entity: the head keeps only the entities of that kind ([check.types]) */
            int want = h->pred >= 0 && i < c->prog->preds[h->pred].arity
                           ? c->prog->preds[h->pred].arg_types[i] : -1;
            if ((want == NM_TY_PERSON || want == NM_TY_UNIT) && !var_has_kind(c, rc->cur, e->u.var, want))
                nm_plan_add_atom(b, want == NM_TY_PERSON ? c->lw->person_rel : c->lw->unit_rel, 1,
                                 &t[i]);
        } else if (e->kind == NM_E_CONST || e->kind == NM_E_PARAM || e->kind == NM_E_LIT) {
            nm_cell v = 0;
            if (!nm_lower_const_expr(c->lw, e, &v, c->err))
                c->failed = true;
            t[i] = nm_plan_const(v);
        } else {
            /* computed: bind a slot in the body so `not blocked` can use it too */
            int v = fresh(rc);
            nm_plan_add_assign(b, v, lower_expr(c, rc, e, b, m));
            t[i] = nm_plan_var(v);
        }
    }
    return t;
}

/* Emits the variant `m` of source rule r with head relation `head_rel`, one plan rule
 * per alternative of its body; each gets `not blocked_r(head)` when r has exceptions
 * (in the certain variant: not possibly blocked; in the possible one: not certainly
 * blocked). The ids are pushed to `out`. */
static void emit_rule(lctx *c, const nm_prule *r, const nm_patom *head, int head_rel, mode m,
                      nm_vec *out)
{
    rctx *rc = new_rctx(r);
    rc->open_var = bool_array(r->nvars);
    mark_open_vars(c->lw, r->body, rc->open_var, r->nvars);
    while (spread_open(rc, r->body))
        ;
    nm_vec *alts;
    if (r->body) {
        alts = dnf(c, r->body);
    } else {
        alts = nm_alloc(sizeof *alts);
        nm_vec_push(alts, nm_alloc(sizeof(conj)));
    }
    int ri = (int)(r - c->prog->rules);
    relpair blocked = {c->lw->rule_blocked_rel[ri], c->lw->rule_blocked_poss_rel[ri]};
    for (int a = 0; a < alts->n && !c->failed; a++) {
        nm_plan_body b = {0};
        lower_conj(c, rc, alts->items[a], &b, m);
        rc->cur = alts->items[a];
        nm_plan_term *ht = head_terms(c, rc, head, &b, m);
        rc->cur = NULL;
        if (blocked.cert >= 0)
            nm_plan_add_not(&b, read_rel(blocked, m, true), head->nargs, ht);
        relpair unl = {c->lw->rule_unless_rel[ri], c->lw->rule_unless_poss_rel[ri]};
        if (unl.cert >= 0) {
            /* the `unless` clause blocks on the head positions it binds ([sem.except.unless]) */
            nm_plan_term *ut = nm_alloc(sizeof *ut * (size_t)(head->nargs + 1));
            int k = 0;
            for (int i = 0; i < head->nargs; i++)
                if (c->lw->rule_unless_mask[ri] >> i & 1)
                    ut[k++] = ht[i];
            nm_plan_add_not(&b, read_rel(unl, m, true), k, ut);
        }
        nm_plan_rule *pr = nm_plan_add_rule(c->plan, r->label, head_rel, head->nargs, ht, rc->nvars);
        pr->origin = r;
        pr->body = b;
        pr->var_names = slot_names(rc);
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
 * e of r, blocked_r(e's head) if e's body and not blocked_e(e's head); in a certain
 * and a possible version when r's predicate is uncertain. */
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
    relpair rel = {c->lw->rule_blocked_rel[rule], c->lw->rule_blocked_poss_rel[rule]};
    for (int v = 0; v < (rel.poss != rel.cert ? 2 : 1); v++)
        for (int i = 0; i < r->nexceptions; i++) {
            const nm_prule *e = &c->prog->rules[r->exceptions[i]];
            if (e->block_only)
                continue;
            emit_rule(c, e, &e->head, v ? rel.poss : rel.cert, v ? POSS : CERT, &ids);
        }
    /* the `unless` clause: unless_r(the head positions its body binds) if U */
    relpair unl = {c->lw->rule_unless_rel[rule], c->lw->rule_unless_poss_rel[rule]};
    for (int v = 0; unl.cert >= 0 && v < (unl.poss != unl.cert ? 2 : 1); v++)
        for (int i = 0; i < r->nexceptions; i++) {
            const nm_prule *e = &c->prog->rules[r->exceptions[i]];
            if (!e->block_only)
                continue;
            nm_patom *proj = nm_alloc(sizeof *proj);
            *proj = e->head;
            proj->args = nm_alloc(sizeof *proj->args * (size_t)(e->head.nargs + 1));
            proj->nargs = 0;
            for (int j = 0; j < e->head.nargs; j++)
                if (c->lw->rule_unless_mask[rule] >> j & 1)
                    proj->args[proj->nargs++] = e->head.args[j];
            emit_rule(c, e, proj, v ? unl.poss : unl.cert, v ? POSS : CERT, &ids);
        }
    add_stratum(c, &ids);
}

bool nm_lower_has_presumptions(const nm_program *prog)
{
    for (int i = 0; i < prog->npreds; i++)
        if (prog->preds[i].presumed_false)
            return true;
    return false;
}

/* Which predicates are uncertain: open ones, those concluded negatively (a conflict
 * makes an atom unknown), and whatever depends on an uncertain predicate through any
 * rule concluding it (exceptions included), to a fixpoint. */
static void find_uncertain(nm_lowered *lw, bool *has_neg)
{
    const nm_program *p = lw->prog;
    for (int i = 0; i < p->npreds; i++)
        lw->uncertain[i] = lw->open[i] || (has_neg[i] && p->preds[i].mode == NM_PRED_DERIVED);
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = 0; i < p->nrules; i++) {
            const nm_prule *r = &p->rules[i];
            if (lw->uncertain[r->head.pred] || !formula_uncertain(lw, r->body))
                continue;
            lw->uncertain[r->head.pred] = true;
            changed = true;
        }
    }
}

static int *int_array(int n, int fill)
{
    int *a = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
    for (int i = 0; i <= n; i++)
        a[i] = fill;
    return a;
}

static bool *bool_array(int n)
{
    bool *a = nm_alloc_atomic(sizeof(bool) * (size_t)(n + 1));
    memset(a, 0, sizeof(bool) * (size_t)(n + 1));
    return a;
}

nm_lowered *nm_lower(const nm_program *prog, int case_id, const nm_lower_options *opt,
                     nm_buf *err)
{
    nm_lower_options none = {0};
    if (!opt)
        opt = &none;
    nm_lowered *lw = nm_alloc(sizeof *lw);
    lw->prog = prog;
    lw->case_id = case_id;
    lw->strict = opt->strict;
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
    c.fn_in_force = nm_plan_add_fn(lw->plan, "in_force_on", 3, in_force_fn, lw);
    c.fn_rule_in_force = nm_plan_add_fn(lw->plan, "rule_in_force_on", 3, rule_in_force_fn, lw);
    for (int m = 0; m < 2; m++) {
        c.fn_point[m] = nm_plan_add_fn(lw->plan, "value", 2, point_fn, (void *)(intptr_t)m);
        c.fn_sign[m] = nm_plan_add_fn(lw->plan, m ? ">" : "<", 1, sign_fn, (void *)(intptr_t)m);
    }
    c.fn_iadd = nm_plan_add_fn(lw->plan, "+", 2, iadd_fn, NULL);
    c.fn_isub = nm_plan_add_fn(lw->plan, "-", 2, isub_fn, NULL);
    c.fn_ineg = nm_plan_add_fn(lw->plan, "-", 1, ineg_fn, NULL);
    for (int h = 0; h < 2; h++) {
        c.fn_imul[h] = nm_plan_add_fn(lw->plan, "*", 4, imul_fn, (void *)(intptr_t)h);
        c.fn_idiv[h] = nm_plan_add_fn(lw->plan, "/", 4, idiv_fn, (void *)(intptr_t)h);
    }
    static const char *cnames[6] = {"=", "!=", "<", "<=", ">", ">="};
    for (int m = 0; m < 2; m++)
        for (int k = 0; k < 6; k++)
            c.fn_icmp[m][k] = nm_plan_add_fn(lw->plan, cnames[k], 4, icmp_fn, (void *)(intptr_t)(m * 8 + k));

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
    lw->param_from = nm_alloc_atomic((size_t)prog->nparams + 1);
    memset(lw->param_from, NM_PARAM_FROM_DECL, (size_t)prog->nparams + 1);
    for (int i = 0; i < prog->nparams; i++) {
        const nm_pexpr *v = prog->params[i].value;
        if (case_id >= 0) {
            const nm_pcase *cs = &prog->cases[case_id];
            for (int j = 0; j < cs->noverrides; j++)
                if (cs->overrides[j].param == i) {
                    v = cs->overrides[j].value;
                    lw->param_from[i] = NM_PARAM_FROM_CASE;
                }
        }
        /* the command line wins over the case ([cli.run.param]) */
        if (opt->param_override && opt->param_override[i] != NM_CELL_NONE) {
            lw->param_value[i] = opt->param_override[i];
            lw->param_from[i] = NM_PARAM_FROM_CLI;
            continue;
        }
        if (!nm_lower_const_expr(lw, v, &lw->param_value[i], err)) {
            nm_buf_printf(err, " (parameter '%s')", prog->params[i].name);
            return NULL;
        }
    }
    /* the decision date: --at, else the case's */
    lw->decision = NM_CELL_NONE;
    {
        int y = 0, mo = 0, d = 0;
        if (opt->has_decision) {
            y = opt->dy, mo = opt->dm, d = opt->dd;
        } else if (case_id >= 0 && prog->cases[case_id].decided.present) {
            y = prog->cases[case_id].decided.y;
            mo = prog->cases[case_id].decided.m;
            d = prog->cases[case_id].decided.d;
        }
        nm_date dt;
        if (y && nm_date_from_ymd(y, mo, d, &dt))
            lw->decision = nm_val_date(dt);
    }

    /* which predicates can have unknown atoms, and which are concluded negatively */
    int np = prog->npreds;
    lw->open = bool_array(np);
    lw->uncertain = bool_array(np);
    bool *has_neg = bool_array(np);
    for (int i = 0; i < np; i++)
        lw->open[i] = prog->preds[i].mode == NM_PRED_OPEN &&
                      (!prog->preds[i].presumed_false || opt->strict);
    for (int i = 0; i < prog->nrules; i++)
        if (prog->rules[i].head_negated && !prog->rules[i].block_only)
            has_neg[prog->rules[i].head.pred] = true;
    find_uncertain(lw, has_neg);

    /* relations: C, P, C before conflicts, explicitly false (C and P), blocked_R */
    lw->pred_rel = int_array(np, -1);
    lw->pred_poss_rel = int_array(np, -1);
    lw->pred_raw_rel = int_array(np, -1);
    lw->pred_false_rel = int_array(np, -1);
    lw->pred_false_poss_rel = int_array(np, -1);
    for (int i = 0; i < np; i++) {
        const nm_ppred *pd = &prog->preds[i];
        lw->pred_rel[i] = nm_plan_add_rel(lw->plan, pd->name, pd->arity);
        lw->pred_poss_rel[i] = lw->uncertain[i]
                                   ? nm_plan_add_rel(lw->plan, nm_sprintf("%s~poss", pd->name), pd->arity)
                                   : lw->pred_rel[i];
        lw->pred_raw_rel[i] = lw->uncertain[i] && has_neg[i]
                                  ? nm_plan_add_rel(lw->plan, nm_sprintf("%s~raw", pd->name), pd->arity)
                                  : lw->pred_rel[i];
        lw->pred_false_rel[i] = nm_plan_add_rel(lw->plan, nm_sprintf("%s~false", pd->name), pd->arity);
        lw->pred_false_poss_rel[i] =
            lw->uncertain[i] && pd->mode == NM_PRED_DERIVED
                ? nm_plan_add_rel(lw->plan, nm_sprintf("%s~false~poss", pd->name), pd->arity)
                : lw->pred_false_rel[i];
    }
    lw->rule_blocked_rel = int_array(prog->nrules, -1);
    lw->rule_blocked_poss_rel = int_array(prog->nrules, -1);
    lw->rule_unless_rel = int_array(prog->nrules, -1);
    lw->rule_unless_poss_rel = int_array(prog->nrules, -1);
    lw->rule_unless_mask = nm_alloc_atomic(sizeof(uint64_t) * (size_t)(prog->nrules + 1));
    memset(lw->rule_unless_mask, 0, sizeof(uint64_t) * (size_t)(prog->nrules + 1));
    for (int i = 0; i < prog->nrules; i++) {
        const nm_prule *r = &prog->rules[i];
        int named = 0;
        for (int k = 0; k < r->nexceptions; k++) {
            const nm_prule *e = &prog->rules[r->exceptions[k]];
            if (!e->block_only) {
                named++;
                continue;
            }
            /* positions of the head that the clause binds, or constants */
            int *own = zeros(e->nvars + 1);
            if (e->body)
                bound_by(e->body, own);
            int k2 = 0;
            for (int j = 0; j < e->head.nargs && j < 64; j++) {
                const nm_pexpr *a = e->head.args[j];
                int *in_a = zeros(e->nvars + 1);
                occ_expr(a, in_a);
                bool all = true;
                for (int v = 0; v < e->nvars; v++)
                    all &= !in_a[v] || own[v];
                if (all) {
                    lw->rule_unless_mask[i] |= (uint64_t)1 << j;
                    k2++;
                }
            }
            lw->rule_unless_rel[i] = nm_plan_add_rel(lw->plan, nm_sprintf("%s~unless", r->label), k2);
            lw->rule_unless_poss_rel[i] =
                lw->uncertain[r->head.pred]
                    ? nm_plan_add_rel(lw->plan, nm_sprintf("%s~unless~poss", r->label), k2)
                    : lw->rule_unless_rel[i];
        }
        if (!named)
            continue;
        lw->rule_blocked_rel[i] = nm_plan_add_rel(lw->plan, nm_sprintf("%s~blocked", r->label), r->head.nargs);
        lw->rule_blocked_poss_rel[i] =
            lw->uncertain[r->head.pred]
                ? nm_plan_add_rel(lw->plan, nm_sprintf("%s~blocked~poss", r->label), r->head.nargs)
                : lw->rule_blocked_rel[i];
    }
    lw->decision_rel = nm_plan_add_rel(lw->plan, "decision_date", 1);
    lw->person_rel = nm_plan_add_rel(lw->plan, "~persons", 1);
    lw->unit_rel = nm_plan_add_rel(lw->plan, "~units", 1);
    c.blocked_done = bool_array(prog->nrules);

    /* strata in order; within one, the rules concluding its predicates in declaration
     * order (block-only `unless` rules conclude nothing themselves), the certain
     * variants then the possible ones; then, for predicates concluded negatively,
     * C(p) = C(p⁺) \ P(p⁻) in a stratum of its own ([sem.except.neg]) */
    for (int s = 0; s < prog->nstrata && !c.failed; s++) {
        for (int i = 0; i < prog->nrules; i++) {
            const nm_prule *r = &prog->rules[i];
            if (prog->preds[r->head.pred].stratum == s && r->nexceptions)
                build_blocked(&c, i);
        }
        nm_vec ids = {0};
        for (int v = 0; v < 2 && !c.failed; v++)
            for (int i = 0; i < prog->nrules && !c.failed; i++) {
                const nm_prule *r = &prog->rules[i];
                int h = r->head.pred;
                if (r->block_only || prog->preds[h].stratum != s || (v && !lw->uncertain[h]))
                    continue;
                int rel = v ? (r->head_negated ? lw->pred_false_poss_rel[h] : lw->pred_poss_rel[h])
                            : (r->head_negated ? lw->pred_false_rel[h] : lw->pred_raw_rel[h]);
                emit_rule(&c, r, &r->head, rel, v ? POSS : CERT, &ids);
            }
        add_stratum(&c, &ids);
        nm_vec res = {0};
        for (int k = 0; k < prog->strata[s].npreds; k++) {
            int h = prog->strata[s].preds[k];
            if (lw->pred_raw_rel[h] == lw->pred_rel[h])
                continue;
            int ar = prog->preds[h].arity;
            nm_plan_term *t = nm_alloc(sizeof *t * (size_t)(ar + 1));
            for (int j = 0; j < ar; j++)
                t[j] = nm_plan_var(j);
            nm_plan_rule *pr = nm_plan_add_rule(lw->plan, prog->preds[h].name, lw->pred_rel[h], ar, t, ar);
            nm_plan_add_atom(&pr->body, lw->pred_raw_rel[h], ar, t);
            nm_plan_add_not(&pr->body, lw->pred_false_poss_rel[h], ar, t);
            nm_vec_push(&res, (void *)(intptr_t)pr->id);
        }
        add_stratum(&c, &res);
    }
    if (c.failed)
        return NULL;
    if (!nm_plan_finish(lw->plan, err))
        return NULL;
    return lw;
}

/* The values an argument of type `t` ranges over when unknown ([sem.open.domain]):
 * enum and tier members, both booleans, the entities of the type named in the program
 * and in the case. */
static nm_vec domain_of(const nm_lowered *lw, int t)
{
    const nm_program *p = lw->prog;
    nm_vec out = {0};
    const nm_ptype *ty = &p->types[t];
    if (ty->kind == NM_TY_ENUM || ty->kind == NM_TY_TIERS) {
        for (int i = 0; i < ty->nmembers; i++)
            nm_vec_push(&out, (void *)(uintptr_t)lw->const_cell[ty->members[i]]);
    } else if (ty->kind == NM_TY_BOOL) {
        nm_vec_push(&out, (void *)(uintptr_t)nm_val_bool(false));
        nm_vec_push(&out, (void *)(uintptr_t)nm_val_bool(true));
    } else {
        for (int i = 0; i < p->nconsts; i++) {
            const nm_pconst *k = &p->consts[i];
            if (k->kind != NM_CONST_ENTITY || (k->case_id != -1 && k->case_id != lw->case_id))
                continue;
            bool fits = k->type == t ||
                        (t == NM_TY_ENTITY && (k->type == NM_TY_PERSON || k->type == NM_TY_UNIT));
            if (fits)
                nm_vec_push(&out, (void *)(uintptr_t)lw->const_cell[i]);
        }
    }
    return out;
}

/* An open attribute ([sem.open.attr]): every key of its finite domain whose value is
 * not stated has the unknown value NM_CELL_NONE in P, which comparisons and
 * arithmetic read as an unbounded interval. */
static bool load_attr_domain(const nm_lowered *lw, nm_eval *ev, int pred, nm_buf *err)
{
    const nm_ppred *pd = &lw->prog->preds[pred];
    int nk = pd->arity - 1;
    nm_vec *doms = nm_alloc(sizeof *doms * (size_t)(nk + 1));
    double size = 1;
    for (int j = 0; j < nk; j++) {
        doms[j] = domain_of(lw, pd->arg_types[j]);
        size *= doms[j].n;
    }
    if (size > MAX_OPEN_DOMAIN) {
        nm_buf_printf(err, "the open attribute '%s' has %.0f keys, more than %d", pd->name, size,
                      MAX_OPEN_DOMAIN);
        return false;
    }
    if (size == 0)
        return true;
    /* the keys whose value is given */
    nm_rel *known = nm_rel_new("~known", nk > 0 ? nk : 1);
    nm_rel *given = nm_eval_rel(ev, lw->pred_rel[pred]);
    for (nm_row i = 0; i < nm_rel_size(given); i++) {
        nm_cell key[64] = {0};
        const nm_cell *row = nm_rel_row(given, i);
        for (int j = 0; j < nk; j++)
            key[j] = row[j];
        nm_rel_insert(known, key, NULL);
    }
    int *idx = int_array(nk, 0);
    nm_cell tuple[64];
    for (;;) {
        nm_cell key[64] = {0};
        for (int j = 0; j < nk; j++)
            key[j] = tuple[j] = (nm_cell)(uintptr_t)doms[j].items[idx[j]];
        if (!nm_rel_contains(known, key)) {
            tuple[nk] = NM_CELL_NONE;
            nm_eval_add_fact(ev, lw->pred_poss_rel[pred], tuple);
        }
        int j = nk - 1;
        while (j >= 0 && ++idx[j] == doms[j].n)
            idx[j--] = 0;
        if (j < 0)
            break;
    }
    return true;
}

/* Adds to P(pred) every tuple of its domain that is not stated false. */
static bool load_domain(const nm_lowered *lw, nm_eval *ev, int pred, nm_buf *err)
{
    const nm_ppred *pd = &lw->prog->preds[pred];
    int ar = pd->arity;
    if (pd->origin == NM_ORIGIN_ATTR)
        return load_attr_domain(lw, ev, pred, err);
    nm_vec *doms = nm_alloc(sizeof *doms * (size_t)(ar + 1));
    double size = 1;
    for (int j = 0; j < ar; j++) {
        doms[j] = domain_of(lw, pd->arg_types[j]);
        size *= doms[j].n;
    }
    if (size > MAX_OPEN_DOMAIN) {
        nm_buf_printf(err, "the open predicate '%s' has %.0f possible atoms, more than %d",
                      pd->name, size, MAX_OPEN_DOMAIN);
        return false;
    }
    if (size == 0)
        return true;
    nm_rel *falses = nm_eval_rel(ev, lw->pred_false_rel[pred]);
    int *idx = int_array(ar, 0);
    nm_cell tuple[64];
    for (;;) {
        for (int j = 0; j < ar; j++)
            tuple[j] = (nm_cell)(uintptr_t)doms[j].items[idx[j]];
        if (!nm_rel_contains(falses, tuple))
            nm_eval_add_fact(ev, lw->pred_poss_rel[pred], tuple);
        int j = ar - 1;
        while (j >= 0 && ++idx[j] == doms[j].n)
            idx[j--] = 0;
        if (j < 0)
            break;
    }
    return true;
}

bool nm_lower_load_facts(const nm_lowered *lw, nm_eval *ev, nm_buf *err)
{
    const nm_program *p = lw->prog;
    nm_cell tuple[64];
    /* explicitly false atoms first: an open atom stated true is certain only when it is
     * not also stated false (then it is a conflict, unknown) */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < p->nfacts; i++) {
            const nm_pfact *f = &p->facts[i];
            if ((f->case_id != -1 && f->case_id != lw->case_id) || f->negated != (pass == 0))
                continue;
            if (f->atom.nargs > 64) {
                nm_buf_puts(err, "a fact has more than 64 arguments");
                return false;
            }
            for (int j = 0; j < f->atom.nargs; j++)
                if (!nm_lower_const_expr(lw, f->atom.args[j], &tuple[j], err))
                    return false;
            int pr = f->atom.pred;
            if (f->negated) {
                nm_eval_add_fact(ev, lw->pred_false_rel[pr], tuple);
                continue;
            }
            if (lw->pred_poss_rel[pr] != lw->pred_rel[pr])
                nm_eval_add_fact(ev, lw->pred_poss_rel[pr], tuple);
            if (!nm_rel_contains(nm_eval_rel(ev, lw->pred_false_rel[pr]), tuple))
                nm_eval_add_fact(ev, lw->pred_rel[pr], tuple);
        }
    for (int i = 0; i < p->npreds; i++)
        if (lw->open[i] && !load_domain(lw, ev, i, err))
            return false;
    if (lw->decision != NM_CELL_NONE)
        nm_eval_add_fact(ev, lw->decision_rel, &lw->decision);
    for (int i = 0; i < p->nconsts; i++) {
        const nm_pconst *k = &p->consts[i];
        if (k->kind != NM_CONST_ENTITY || (k->case_id != -1 && k->case_id != lw->case_id))
            continue;
        if (k->type == NM_TY_PERSON)
            nm_eval_add_fact(ev, lw->person_rel, &lw->const_cell[i]);
        else if (k->type == NM_TY_UNIT)
            nm_eval_add_fact(ev, lw->unit_rel, &lw->const_cell[i]);
    }
    return true;
}
