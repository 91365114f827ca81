/* plan.c — the evaluator's IR: builders, validation, and the planner that orders a
 * rule body for one semi-naive variant (see plan.h). Lowering from the checked
 * program builds this IR; eval.c runs it. */
#include "plan.h"

#include "rel.h"

#include "value.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- default values: cells are int64_t ---------------------------------------- */

static int int_cmp(void *ctx, nm_cell a, nm_cell b)
{
    int64_t x = (int64_t)a, y = (int64_t)b;
    return (x > y) - (x < y);
}

static nm_plan_status int_add(void *ctx, nm_cell a, nm_cell b, nm_cell *out)
{
    int64_t r;
    if (__builtin_add_overflow((int64_t)a, (int64_t)b, &r))
        return NM_PLAN_ERROR;
    *out = (nm_cell)r;
    return NM_PLAN_OK;
}

static nm_cell int_from(void *ctx, int64_t n) { return (nm_cell)n; }

static void int_format(void *ctx, nm_cell c, nm_buf *out)
{
    nm_buf_printf(out, "%" PRId64, (int64_t)c);
}

nm_plan_program *nm_plan_new(void)
{
    nm_plan_program *p = nm_alloc(sizeof *p);
    p->values = (nm_plan_values){int_cmp, int_add, int_from, int_format, NULL};
    return p;
}

/* ---- the value layer ---------------------------------------------------------------- */

static int val_cmp(void *ctx, nm_cell a, nm_cell b) { return nm_val_compare(a, b); }

static nm_plan_status val_status(nm_num_status st, const char **why)
{
    if (st == NM_NUM_OK)
        return NM_PLAN_OK;
    if (why)
        *why = st == NM_NUM_OVERFLOW     ? "arithmetic overflow"
             : st == NM_NUM_DIV_ZERO     ? "division by zero"
             : st == NM_NUM_DATE_RANGE   ? "date out of range"
             : st == NM_NUM_TYPE         ? "operands of the wrong kinds"
                                         : "arithmetic error";
    return NM_PLAN_ERROR;
}

static nm_plan_status val_sum(void *ctx, nm_cell a, nm_cell b, nm_cell *out)
{
    /* an unknown addend (an open attribute's value, NM_CELL_NONE) makes the sum
     * unknown: an unbounded end of its interval ([sem.agg.interval]) */
    if (a == NM_CELL_NONE || b == NM_CELL_NONE) {
        *out = NM_CELL_NONE;
        return NM_PLAN_OK;
    }
    return val_status(nm_val_add(a, b, out), NULL);
}

static nm_cell val_from_int(void *ctx, int64_t n) { return nm_val_int(n); }

static void val_format(void *ctx, nm_cell c, nm_buf *out) { nm_buf_puts(out, nm_val_format(c)); }

nm_plan_values nm_plan_value_layer(void)
{
    return (nm_plan_values){val_cmp, val_sum, val_from_int, val_format, NULL};
}

nm_plan_status nm_plan_val_add(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    return val_status(nm_val_add(a[0], a[1], out), why);
}

nm_plan_status nm_plan_val_sub(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    return val_status(nm_val_sub(a[0], a[1], out), why);
}

nm_plan_status nm_plan_val_mul(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    return val_status(nm_val_mul(a[0], a[1], out), why);
}

nm_plan_status nm_plan_val_div(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    return val_status(nm_val_div(a[0], a[1], out), why);
}

nm_plan_status nm_plan_val_neg(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    return val_status(nm_val_neg(a[0], out), why);
}

/* ---- builders ------------------------------------------------------------------- */

nm_plan_expr *nm_plan_expr_var(int var)
{
    nm_plan_expr *e = nm_alloc(sizeof *e);
    e->kind = NM_EXPR_VAR;
    e->var = var;
    return e;
}

nm_plan_expr *nm_plan_expr_const(nm_cell value)
{
    nm_plan_expr *e = nm_alloc(sizeof *e);
    e->kind = NM_EXPR_CONST;
    e->var = -1;
    e->value = value;
    return e;
}

nm_plan_expr *nm_plan_expr_call(int fn, int nargs, nm_plan_expr *const *args)
{
    nm_plan_expr *e = nm_alloc(sizeof *e);
    e->kind = NM_EXPR_CALL;
    e->var = -1;
    e->fn = fn;
    e->nargs = nargs;
    e->args = nm_alloc(sizeof *e->args * (size_t)(nargs ? nargs : 1));
    for (int i = 0; i < nargs; i++)
        e->args[i] = args[i];
    return e;
}

nm_plan_expr *nm_plan_expr_call2(int fn, nm_plan_expr *a, nm_plan_expr *b)
{
    nm_plan_expr *args[2] = {a, b};
    return nm_plan_expr_call(fn, 2, args);
}

int nm_plan_add_rel(nm_plan_program *p, const char *name, int arity)
{
    nm_plan_relation *r = nm_alloc(sizeof *r);
    r->id = p->rels.n;
    r->name = name;
    r->arity = arity;
    nm_vec_push(&p->rels, r);
    return r->id;
}

int nm_plan_add_fn(nm_plan_program *p, const char *name, int arity, nm_plan_fn_call call,
                   void *ctx)
{
    nm_plan_fn *f = nm_alloc(sizeof *f);
    *f = (nm_plan_fn){name, arity, call, ctx};
    nm_vec_push(&p->fns, f);
    return p->fns.n - 1;
}

static nm_plan_term *terms_copy(int n, const nm_plan_term *t)
{
    nm_plan_term *c = nm_alloc(sizeof *c * (size_t)(n ? n : 1));
    if (n)
        memcpy(c, t, sizeof *c * (size_t)n);
    return c;
}

nm_plan_rule *nm_plan_add_rule(nm_plan_program *p, const char *name, int head_rel,
                               int nhead, const nm_plan_term *head, int nvars)
{
    nm_plan_rule *r = nm_alloc(sizeof *r);
    r->id = p->rules.n;
    r->name = name;
    r->head = head_rel;
    r->nhead = nhead;
    r->head_args = terms_copy(nhead, head);
    r->nvars = nvars;
    nm_vec_push(&p->rules, r);
    return r;
}

static nm_plan_op *body_push(nm_plan_body *b, nm_plan_op_kind kind)
{
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 4;
        nm_plan_op *ops = nm_alloc(sizeof *ops * (size_t)cap);
        if (b->n)
            memcpy(ops, b->ops, sizeof *ops * (size_t)b->n);
        b->ops = ops;
        b->cap = cap;
    }
    nm_plan_op *op = &b->ops[b->n];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->src = b->n++;
    op->var = -1;
    op->rel = -1;
    return op;
}

nm_plan_op *nm_plan_add_atom(nm_plan_body *b, int rel, int nargs, const nm_plan_term *args)
{
    nm_plan_op *op = body_push(b, NM_OP_ATOM);
    op->rel = rel;
    op->nargs = nargs;
    op->args = terms_copy(nargs, args);
    return op;
}

nm_plan_op *nm_plan_add_not(nm_plan_body *b, int rel, int nargs, const nm_plan_term *args)
{
    nm_plan_op *op = nm_plan_add_atom(b, rel, nargs, args);
    op->kind = NM_OP_NOT;
    return op;
}

nm_plan_op *nm_plan_add_cmp(nm_plan_body *b, nm_plan_cmp cmp, nm_plan_expr *lhs,
                            nm_plan_expr *rhs)
{
    nm_plan_op *op = body_push(b, NM_OP_CMP);
    op->cmp = cmp;
    op->lhs = lhs;
    op->rhs = rhs;
    return op;
}

nm_plan_op *nm_plan_add_test(nm_plan_body *b, nm_plan_expr *call)
{
    nm_plan_op *op = body_push(b, NM_OP_TEST);
    op->expr = call;
    return op;
}

nm_plan_op *nm_plan_add_assign(nm_plan_body *b, int var, nm_plan_expr *e)
{
    nm_plan_op *op = body_push(b, NM_OP_ASSIGN);
    op->var = var;
    op->expr = e;
    return op;
}

static int *ints_copy(int n, const int *v)
{
    int *c = nm_alloc_atomic(sizeof *c * (size_t)(n ? n : 1));
    if (n)
        memcpy(c, v, sizeof *c * (size_t)n);
    return c;
}

nm_plan_agg *nm_plan_add_agg(nm_plan_body *b, nm_plan_agg_kind kind, int result, int value,
                             int ngroup, const int *group, int nkeys, const int *keys)
{
    nm_plan_op *op = body_push(b, NM_OP_AGG);
    nm_plan_agg *a = nm_alloc(sizeof *a);
    a->kind = kind;
    a->result = result;
    a->value = value;
    a->ngroup = ngroup;
    a->group = ints_copy(ngroup, group);
    a->nkeys = nkeys;
    a->keys = ints_copy(nkeys, keys);
    op->agg = a;
    op->var = result;
    return a;
}

nm_plan_stratum *nm_plan_add_stratum(nm_plan_program *p, int nrules, const int *rules)
{
    nm_plan_stratum *s = nm_alloc(sizeof *s);
    s->nrules = nrules;
    s->rules = ints_copy(nrules, rules);
    nm_vec_push(&p->strata, s);
    return s;
}

/* ---- validation ------------------------------------------------------------------ */

typedef struct check_ctx {
    const nm_plan_program *p;
    const nm_plan_rule *rule;
    const int *stratum_of;      /* per relation: last stratum deriving it, -1 input */
    int stratum;
    bool recursive;
    nm_buf *err;
} check_ctx;

static bool check_expr(check_ctx *c, const nm_plan_expr *e)
{
    if (!e) {
        nm_buf_printf(c->err, "rule '%s': missing expression", c->rule->name);
        return false;
    }
    if (e->kind == NM_EXPR_VAR && (e->var < 0 || e->var >= c->rule->nvars)) {
        nm_buf_printf(c->err, "rule '%s': variable slot %d out of range", c->rule->name, e->var);
        return false;
    }
    if (e->kind != NM_EXPR_CALL)
        return true;
    if (e->fn < 0 || e->fn >= c->p->fns.n) {
        nm_buf_printf(c->err, "rule '%s': unknown function %d", c->rule->name, e->fn);
        return false;
    }
    const nm_plan_fn *f = c->p->fns.items[e->fn];
    if (f->arity >= 0 && f->arity != e->nargs) {
        nm_buf_printf(c->err, "rule '%s': function '%s' takes %d arguments, not %d",
                      c->rule->name, f->name, f->arity, e->nargs);
        return false;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!check_expr(c, e->args[i]))
            return false;
    return true;
}

static bool check_var(check_ctx *c, int v)
{
    if (v >= 0 && v < c->rule->nvars)
        return true;
    nm_buf_printf(c->err, "rule '%s': variable slot %d out of range", c->rule->name, v);
    return false;
}

static bool check_body(check_ctx *c, const nm_plan_body *b, bool in_agg)
{
    for (int i = 0; i < b->n; i++) {
        const nm_plan_op *op = &b->ops[i];
        switch (op->kind) {
        case NM_OP_ATOM:
        case NM_OP_NOT: {
            if (op->rel < 0 || op->rel >= c->p->rels.n) {
                nm_buf_printf(c->err, "rule '%s': unknown relation %d", c->rule->name, op->rel);
                return false;
            }
            const nm_plan_relation *rel = nm_plan_rel(c->p, op->rel);
            if (rel->arity != op->nargs) {
                nm_buf_printf(c->err, "rule '%s': '%s' has %d arguments, not %d", c->rule->name,
                              rel->name, rel->arity, op->nargs);
                return false;
            }
            for (int a = 0; a < op->nargs; a++) {
                if (op->args[a].kind == NM_TERM_EXPR) {
                    nm_buf_printf(c->err, "rule '%s': computed argument in a body atom",
                                  c->rule->name);
                    return false;
                }
                if (op->args[a].kind == NM_TERM_VAR && !check_var(c, op->args[a].var))
                    return false;
            }
            int s = c->stratum_of[op->rel];
            if (s > c->stratum) {
                nm_buf_printf(c->err, "rule '%s' reads '%s', which is derived in a later stratum",
                              c->rule->name, rel->name);
                return false;
            }
            if (s == c->stratum) {
                if (op->kind == NM_OP_NOT || in_agg) {
                    nm_buf_printf(c->err,
                                  "rule '%s': %s '%s' of its own stratum (not stratified)",
                                  c->rule->name, op->kind == NM_OP_NOT ? "negation of" : "aggregate over",
                                  rel->name);
                    return false;
                }
                c->recursive = true;
            }
            break;
        }
        case NM_OP_CMP:
            if (!check_expr(c, op->lhs) || !check_expr(c, op->rhs))
                return false;
            break;
        case NM_OP_TEST:
            if (!check_expr(c, op->expr))
                return false;
            break;
        case NM_OP_ASSIGN:
            if (!check_var(c, op->var) || !check_expr(c, op->expr))
                return false;
            break;
        case NM_OP_AGG: {
            const nm_plan_agg *a = op->agg;
            if (!check_var(c, a->result))
                return false;
            if (a->kind != NM_PLAN_AGG_COUNT) {
                bool found = false;
                for (int k = 0; k < a->nkeys; k++)
                    found |= a->keys[k] == a->value;
                if (!found) {
                    nm_buf_printf(c->err, "rule '%s': aggregated variable is not among the keys",
                                  c->rule->name);
                    return false;
                }
            }
            if (a->nkeys > NM_REL_MAX_ARITY) {
                nm_buf_printf(c->err, "rule '%s': an aggregate over tuples of %d values; the engine "
                              "stores at most %d", c->rule->name, a->nkeys, NM_REL_MAX_ARITY);
                return false;
            }
            for (int k = 0; k < a->nkeys; k++)
                if (!check_var(c, a->keys[k]))
                    return false;
            for (int k = 0; k < a->ngroup; k++)
                if (!check_var(c, a->group[k]))
                    return false;
            if (!check_body(c, &a->body, true))
                return false;
            break;
        }
        }
    }
    return true;
}

bool nm_plan_finish(nm_plan_program *p, nm_buf *err)
{
    /* the checker reports wide predicates and aggregates at their place in the source;
     * this also catches what lowering makes of a disjunction or an `unless` */
    for (int i = 0; i < p->rels.n; i++) {
        const nm_plan_relation *r = nm_plan_rel(p, i);
        if (r->arity > NM_REL_MAX_ARITY) {
            const char *tilde = strchr(r->name, '~');
            if (tilde)  /* a relation of the lowering: "LABEL~aux1", "LABEL~unless" */
                nm_buf_printf(err, "rule '%.*s': a disjunction, negation or 'unless' in it binds "
                              "%d variables together; the engine stores at most %d values a "
                              "tuple (split the rule)", (int)(tilde - r->name), r->name, r->arity,
                              NM_REL_MAX_ARITY);
            else
                nm_buf_printf(err, "'%s' has %d arguments; the engine stores at most %d values a "
                              "tuple", r->name, r->arity, NM_REL_MAX_ARITY);
            return false;
        }
    }
    int *stratum_of = nm_alloc_atomic(sizeof(int) * (size_t)(p->rels.n ? p->rels.n : 1));
    for (int i = 0; i < p->rels.n; i++)
        stratum_of[i] = -1;
    /* A relation derived in several strata is complete after the last of them. */
    for (int s = 0; s < p->strata.n; s++) {
        const nm_plan_stratum *st = p->strata.items[s];
        for (int i = 0; i < st->nrules; i++) {
            if (st->rules[i] < 0 || st->rules[i] >= p->rules.n) {
                nm_buf_printf(err, "stratum %d: unknown rule %d", s, st->rules[i]);
                return false;
            }
            const nm_plan_rule *r = nm_plan_rule_at(p, st->rules[i]);
            if (r->head < 0 || r->head >= p->rels.n) {
                nm_buf_printf(err, "rule '%s': unknown head relation %d", r->name, r->head);
                return false;
            }
            stratum_of[r->head] = s;
        }
    }
    for (int s = 0; s < p->strata.n; s++) {
        nm_plan_stratum *st = p->strata.items[s];
        st->recursive = false;
        for (int i = 0; i < st->nrules; i++) {
            const nm_plan_rule *r = nm_plan_rule_at(p, st->rules[i]);
            const nm_plan_relation *h = nm_plan_rel(p, r->head);
            if (h->arity != r->nhead) {
                nm_buf_printf(err, "rule '%s': '%s' has %d arguments, not %d", r->name, h->name,
                              h->arity, r->nhead);
                return false;
            }
            check_ctx c = {p, r, stratum_of, s, false, err};
            for (int a = 0; a < r->nhead; a++) {
                const nm_plan_term *t = &r->head_args[a];
                if ((t->kind == NM_TERM_VAR && !check_var(&c, t->var)) ||
                    (t->kind == NM_TERM_EXPR && !check_expr(&c, t->expr)))
                    return false;
                if (t->kind == NM_TERM_WILD) {
                    nm_buf_printf(err, "rule '%s': wildcard in the head", r->name);
                    return false;
                }
            }
            if (!check_body(&c, &r->body, false))
                return false;
            st->recursive |= c.recursive;
        }
    }
    return true;
}

/* ---- the planner ------------------------------------------------------------------ */

typedef struct order_ctx {
    const nm_plan_program *p;
    const nm_plan_rule *rule;
    const bool *in_stratum;
    const size_t *sizes;
    nm_buf *err;
    nm_plan_join_order order;
} order_ctx;

/* The i-th atom to consider among n: source order, or from the last under REVERSE.
 * Filters always keep their source order: a guard (`t > 0`) must run before the
 * division it protects ([sem.neg.order] defines run-time errors on it). */
static inline int pick(const order_ctx *c, int n, int i)
{
    return c->order == NM_JOIN_REVERSE ? n - 1 - i : i;
}

static const char *var_name(const nm_plan_rule *r, int v)
{
    if (r->var_names && r->var_names[v])
        return r->var_names[v];
    return nm_sprintf("#%d", v);
}

/* The first unbound variable of e, or -1. */
static int expr_unbound(const nm_plan_expr *e, const bool *bound)
{
    if (e->kind == NM_EXPR_VAR)
        return bound[e->var] ? -1 : e->var;
    if (e->kind == NM_EXPR_CALL)
        for (int i = 0; i < e->nargs; i++) {
            int v = expr_unbound(e->args[i], bound);
            if (v >= 0)
                return v;
        }
    return -1;
}

/* The first variable that must be bound before op can run, or -1 when op is ready.
 * Atoms are always ready. */
static int op_unbound(const nm_plan_op *op, const bool *bound)
{
    switch (op->kind) {
    case NM_OP_ATOM:
        return -1;
    case NM_OP_NOT:
        for (int i = 0; i < op->nargs; i++)
            if (op->args[i].kind == NM_TERM_VAR && !bound[op->args[i].var])
                return op->args[i].var;
        return -1;
    case NM_OP_CMP: {
        int l = expr_unbound(op->lhs, bound), r = expr_unbound(op->rhs, bound);
        if (op->cmp == NM_CMP_EQ) {
            /* `x = e` (or `e = x`) with x the only unbound part assigns x. */
            if (l >= 0 && r < 0 && op->lhs->kind == NM_EXPR_VAR)
                return -1;
            if (r >= 0 && l < 0 && op->rhs->kind == NM_EXPR_VAR)
                return -1;
        }
        return l >= 0 ? l : r;
    }
    case NM_OP_TEST:
    case NM_OP_ASSIGN:
        return expr_unbound(op->expr, bound);
    case NM_OP_AGG:
        for (int i = 0; i < op->agg->ngroup; i++)
            if (!bound[op->agg->group[i]])
                return op->agg->group[i];
        return -1;
    }
    return -1;
}

static bool order_body(order_ctx *c, const nm_plan_body *in, bool *bound, int delta_src,
                       nm_plan_body *out);

/* Whether op binds a variable (given the current bindings) rather than only filter. */
static bool binds(const nm_plan_op *op, const bool *bound)
{
    if (op->kind == NM_OP_ASSIGN || op->kind == NM_OP_AGG)
        return true;
    return op->kind == NM_OP_CMP && op->cmp == NM_CMP_EQ &&
           ((op->lhs->kind == NM_EXPR_VAR && !bound[op->lhs->var]) ||
            (op->rhs->kind == NM_EXPR_VAR && !bound[op->rhs->var]));
}

/* Appends op to out with its annotations for the current bindings, then binds the
 * variables it binds. */
static bool place(order_ctx *c, const nm_plan_op *op, bool *bound, int delta_src,
                  nm_plan_body *out)
{
    nm_plan_op *o = &out->ops[out->n++];
    *o = *op;
    switch (op->kind) {
    case NM_OP_ATOM:
    case NM_OP_NOT:
        o->args = nm_alloc(sizeof *o->args * (size_t)(op->nargs ? op->nargs : 1));
        o->key_mask = 0;
        o->version = NM_VER_FULL;
        if (op->kind == NM_OP_ATOM && c->in_stratum[op->rel] && delta_src >= 0)
            o->version = op->src < delta_src ? NM_VER_OLD
                       : op->src == delta_src ? NM_VER_DELTA : NM_VER_FULL;
        for (int i = 0; i < op->nargs; i++) {
            nm_plan_term t = op->args[i];
            if (t.kind == NM_TERM_CONST || (t.kind == NM_TERM_VAR && bound[t.var])) {
                t.mode = NM_MODE_KEY;
                o->key_mask |= (uint64_t)1 << i;
            } else if (t.kind == NM_TERM_WILD) {
                t.mode = NM_MODE_IGNORE;
            } else {
                t.mode = NM_MODE_BIND;
                for (int j = 0; j < i; j++)
                    if (o->args[j].kind == NM_TERM_VAR && o->args[j].var == t.var)
                        t.mode = NM_MODE_CHECK;
            }
            o->args[i] = t;
        }
        if (op->kind == NM_OP_ATOM)
            for (int i = 0; i < op->nargs; i++)
                if (op->args[i].kind == NM_TERM_VAR)
                    bound[op->args[i].var] = true;
        return true;
    case NM_OP_CMP:
        if (op->cmp == NM_CMP_EQ && op->lhs->kind == NM_EXPR_VAR && !bound[op->lhs->var]) {
            o->kind = NM_OP_ASSIGN;
            o->var = op->lhs->var;
            o->expr = op->rhs;
        } else if (op->cmp == NM_CMP_EQ && op->rhs->kind == NM_EXPR_VAR && !bound[op->rhs->var]) {
            o->kind = NM_OP_ASSIGN;
            o->var = op->rhs->var;
            o->expr = op->lhs;
        } else {
            return true;
        }
        o->var_bound = false;
        bound[o->var] = true;
        return true;
    case NM_OP_TEST:
        return true;
    case NM_OP_ASSIGN:
        o->var_bound = bound[op->var];
        bound[op->var] = true;
        return true;
    case NM_OP_AGG: {
        nm_plan_agg *a = nm_alloc(sizeof *a);
        *a = *op->agg;
        a->body = (nm_plan_body){0};
        bool *inner = nm_alloc_atomic(sizeof *inner * (size_t)c->rule->nvars);
        memcpy(inner, bound, sizeof *inner * (size_t)c->rule->nvars);
        if (!order_body(c, &op->agg->body, inner, -1, &a->body))
            return false;
        for (int k = 0; k < a->nkeys; k++)
            if (!inner[a->keys[k]]) {
                nm_buf_printf(c->err, "rule '%s': variable '%s' of an aggregate is not bound by its body",
                              c->rule->name, var_name(c->rule, a->keys[k]));
                return false;
            }
        o->agg = a;
        o->var_bound = bound[a->result];
        bound[a->result] = true;
        return true;
    }
    }
    return true;
}

static bool order_body(order_ctx *c, const nm_plan_body *in, bool *bound, int delta_src,
                       nm_plan_body *out)
{
    int n = in->n;
    out->ops = nm_alloc(sizeof *out->ops * (size_t)(n ? n : 1));
    out->n = 0;
    out->cap = n;
    bool *done = nm_alloc_atomic(sizeof *done * (size_t)(n ? n : 1));
    memset(done, 0, sizeof *done * (size_t)(n ? n : 1));
    int left = n;
    while (left > 0) {
        /* Filters and negations as soon as they can run; then one assignment or
         * aggregate at a time (each may make more filters ready). */
        for (;;) {
            for (int i = 0; i < n; i++) {
                const nm_plan_op *op = &in->ops[i];
                if (done[i] || op->kind == NM_OP_ATOM || binds(op, bound) ||
                    op_unbound(op, bound) >= 0)
                    continue;
                if (!place(c, op, bound, delta_src, out))
                    return false;
                done[i] = true;
                left--;
            }
            int next = -1;
            for (int i = 0; i < n && next < 0; i++)
                if (!done[i] && in->ops[i].kind != NM_OP_ATOM && binds(&in->ops[i], bound) &&
                    op_unbound(&in->ops[i], bound) < 0)
                    next = i;
            if (next < 0)
                break;
            if (!place(c, &in->ops[next], bound, delta_src, out))
                return false;
            done[next] = true;
            left--;
        }
        if (left == 0)
            break;
        int best = -1, best_class = -1;
        size_t best_size = 0;
        for (int j = 0; j < n; j++) {
            int i = pick(c, n, j);
            const nm_plan_op *op = &in->ops[i];
            if (done[i] || op->kind != NM_OP_ATOM)
                continue;
            if (op->src == delta_src && c->in_stratum[op->rel]) {
                best = i;
                break;
            }
            if (c->order != NM_JOIN_NORMAL) {
                /* SOURCE: the first atom left; REVERSE: the last (unless delta) */
                if (best < 0)
                    best = i;
                continue;
            }
            int known = 0;
            for (int a = 0; a < op->nargs; a++)
                known += op->args[a].kind == NM_TERM_CONST ||
                         (op->args[a].kind == NM_TERM_VAR && bound[op->args[a].var]);
            int cls = known == op->nargs ? 2 : known > 0 ? 1 : 0;
            size_t size = c->sizes ? c->sizes[op->rel] : 0;
            if (cls > best_class || (cls == best_class && size < best_size)) {
                best = i;
                best_class = cls;
                best_size = size;
            }
        }
        if (best < 0) {
            for (int i = 0; i < n; i++)
                if (!done[i]) {
                    int v = op_unbound(&in->ops[i], bound);
                    nm_buf_printf(c->err, "rule '%s': variable '%s' is not bound by a positive atom",
                                  c->rule->name, var_name(c->rule, v));
                    return false;
                }
        }
        if (!place(c, &in->ops[best], bound, delta_src, out))
            return false;
        done[best] = true;
        left--;
    }
    return true;
}

bool nm_plan_order(const nm_plan_program *p, const nm_plan_rule *r, const bool *in_stratum,
                   int delta_src, const size_t *sizes, nm_plan_body *out, nm_buf *err)
{
    return nm_plan_order_with(p, r, in_stratum, delta_src, sizes, NM_JOIN_NORMAL, NULL, out, err);
}

bool nm_plan_order_with(const nm_plan_program *p, const nm_plan_rule *r, const bool *in_stratum,
                        int delta_src, const size_t *sizes, nm_plan_join_order order,
                        const bool *prebound, nm_plan_body *out, nm_buf *err)
{
    order_ctx c = {p, r, in_stratum, sizes, err, order};
    bool *bound = nm_alloc_atomic(sizeof *bound * (size_t)(r->nvars ? r->nvars : 1));
    memset(bound, 0, sizeof *bound * (size_t)(r->nvars ? r->nvars : 1));
    if (prebound)
        memcpy(bound, prebound, sizeof *bound * (size_t)r->nvars);
    if (!order_body(&c, &r->body, bound, delta_src, out))
        return false;
    for (int a = 0; a < r->nhead; a++) {
        const nm_plan_term *t = &r->head_args[a];
        int v = t->kind == NM_TERM_VAR ? (bound[t->var] ? -1 : t->var)
              : t->kind == NM_TERM_EXPR ? expr_unbound(t->expr, bound) : -1;
        if (v >= 0) {
            nm_buf_printf(err, "rule '%s': variable '%s' in the head is not bound by the body",
                          r->name, var_name(r, v));
            return false;
        }
    }
    return true;
}

/* ---- dump --------------------------------------------------------------------------- */

static void dump_expr(const nm_plan_program *p, const nm_plan_rule *r, const nm_plan_expr *e,
                      nm_buf *out)
{
    switch (e->kind) {
    case NM_EXPR_VAR:
        nm_buf_puts(out, var_name(r, e->var));
        return;
    case NM_EXPR_CONST:
        p->values.format(p->values.ctx, e->value, out);
        return;
    case NM_EXPR_CALL: {
        const nm_plan_fn *f = p->fns.items[e->fn];
        nm_buf_printf(out, "%s(", f->name);
        for (int i = 0; i < e->nargs; i++) {
            if (i)
                nm_buf_puts(out, ", ");
            dump_expr(p, r, e->args[i], out);
        }
        nm_buf_putc(out, ')');
        return;
    }
    }
}

static const char *const cmp_names[] = {"=", "!=", "<", "<=", ">", ">="};
static const char *const agg_names[] = {"count", "sum", "min", "max"};
static const char *const ver_names[] = {"", "Δ", "old "};

static void dump_ops(const nm_plan_program *p, const nm_plan_rule *r, const nm_plan_body *b,
                     nm_buf *out)
{
    for (int i = 0; i < b->n; i++) {
        const nm_plan_op *op = &b->ops[i];
        if (i)
            nm_buf_puts(out, ", ");
        switch (op->kind) {
        case NM_OP_ATOM:
        case NM_OP_NOT:
            nm_buf_printf(out, "%s%s%s(", op->kind == NM_OP_NOT ? "not " : "",
                          ver_names[op->version], nm_plan_rel(p, op->rel)->name);
            for (int a = 0; a < op->nargs; a++) {
                const nm_plan_term *t = &op->args[a];
                if (a)
                    nm_buf_puts(out, ", ");
                if (t->kind == NM_TERM_WILD)
                    nm_buf_putc(out, '_');
                else if (t->kind == NM_TERM_CONST)
                    p->values.format(p->values.ctx, t->value, out);
                else
                    nm_buf_printf(out, "%s%s", t->mode == NM_MODE_KEY ? "=" : "",
                                  var_name(r, t->var));
            }
            nm_buf_putc(out, ')');
            break;
        case NM_OP_CMP:
            dump_expr(p, r, op->lhs, out);
            nm_buf_printf(out, " %s ", cmp_names[op->cmp]);
            dump_expr(p, r, op->rhs, out);
            break;
        case NM_OP_TEST:
            dump_expr(p, r, op->expr, out);
            break;
        case NM_OP_ASSIGN:
            nm_buf_printf(out, "%s %s ", var_name(r, op->var), op->var_bound ? "==" : ":=");
            dump_expr(p, r, op->expr, out);
            break;
        case NM_OP_AGG:
            nm_buf_printf(out, "%s := %s(", var_name(r, op->agg->result), agg_names[op->agg->kind]);
            if (op->agg->kind != NM_PLAN_AGG_COUNT)
                nm_buf_printf(out, "%s ", var_name(r, op->agg->value));
            nm_buf_puts(out, "for ");
            dump_ops(p, r, &op->agg->body, out);
            nm_buf_putc(out, ')');
            break;
        }
    }
}

void nm_plan_dump_body(const nm_plan_program *p, const nm_plan_rule *r, const nm_plan_body *b,
                       nm_buf *out)
{
    dump_ops(p, r, b, out);
}
