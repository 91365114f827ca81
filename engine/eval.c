/* eval.c — semi-naive bottom-up evaluation of a plan program (see eval.h).
 * Every version of a relation is a row range: rows are appended in order, so at the
 * start of an iteration old = [0, lo), delta = [lo, hi), full = [0, hi), and what
 * the iteration derives lands at rows ≥ hi, deduplicated against everything by the
 * relation's own hash set. No delta relations are copied or merged. Planned bodies
 * are compiled to flat op arrays and run by a recursive nested-loop interpreter. */
#define _GNU_SOURCE
#include "eval.h"

#include "mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ACC_SCAN, ACC_FIND, ACC_INDEX, ACC_NONEMPTY };
enum { SINK_HEAD, SINK_AGG };

typedef struct xkey {
    int var;            /* -1: constant */
    nm_cell value;
} xkey;

struct xbody;

/* The last index lookup of an op, reused while its key repeats — why: in a join such
 * as same-generation's `par(x, xp) and sg(xp, yp) and par(y, yp)` the last atom's key
 * depends only on the first rows, so it is looked up again, unchanged, for every row
 * of the atoms between. Valid for one variant run (epoch): rows below the run's
 * version bounds do not change during it, and the chain of a key's rows that the
 * lookup found is only appended to (rel.h), so the saved start still walks them. */
enum { MEMO_KEYS = 4 };
typedef struct xmemo {
    uint64_t epoch;
    nm_cell key[MEMO_KEYS];
    nm_rel_iter it;
} xmemo;

typedef struct xop {
    nm_plan_op_kind kind;
    const nm_plan_op *op;
    int rel_id;
    nm_rel *rel;
    int arity;
    nm_plan_version version;
    int access;
    int index;
    int nkey, nbind, ncheck;
    xkey *key;          /* ascending column order */
    int *key_col;
    xmemo *memo;        /* ACC_INDEX with at most MEMO_KEYS key columns, else NULL */
    int *bind_col, *bind_var;
    int *check_col, *check_var;
    /* AGG */
    struct xbody *sub;
    int value_col;
    struct xagg *shared;    /* the results of this aggregate and its equals, or NULL */
    int nin;                /* the variables its body reads from outside, in... */
    int *in;                /* ...the order of the shared signature (its memo key) */
} xop;

/* The results of one aggregate, shared by every aggregate op of the run with the same
 * signature (the same planned body, kind, keys and value, its variables numbered by
 * first use) — why: a law counts the same thing in several items (the Interpretation's
 * Art. 3 counts videos in item 1 and again in the conversion of item 3), and each
 * count scans every matching row. An aggregate reads only relations of lower strata,
 * complete before its rule first runs, so a result is final for the whole run. Rows:
 * the input values, then 1 and the result, or 0 and 0 for no result (min or max of
 * nothing). */
typedef struct xagg {
    uint64_t hash;
    const char *sig;
    size_t len;
    nm_rel *results;
    int index;              /* on the input columns; -1 when there are none */
} xagg;

/* Derivations are buffered and inserted in batches so that the hash-set probes of
 * a batch overlap their cache misses (nm_rel_insert_batch). Within one variant run
 * nothing reads rows at or above hi, so deferring the inserts changes no result. */
enum { BATCH = 32 };

typedef struct xsink {
    int n;
    nm_cell *tuples;            /* BATCH head tuples */
    uint32_t *heights;          /* proof heights, with provenance */
    bool *fresh;
    nm_row *rows;
    /* The variant run under way: the head's size when it began, and the greatest proof
     * height of a tuple it created. A row at or past run_lo holds this rule's proof, of
     * height at most run_max, so a repeat no lower than run_max cannot improve it. */
    nm_row run_lo;
    uint32_t run_max;
} xsink;

typedef struct xbody {
    int n;
    xop *ops;
    nm_row *match;      /* per op: the row the atom matched (provenance) */
    /* the atoms whose rows can have a proof height above 0 (of relations some rule
     * derives; the others hold facts only), by op index, in order */
    int *hops;
    int nhops;
    int sink;
    /* SINK_HEAD */
    const nm_plan_rule *rule;
    nm_rel *head;
    xsink *buf;
    /* (SINK_HEAD only) the last op is an atom that feeds a head of variables and
     * constants only: run_tail builds the head tuples in one loop over its rows */
    bool tail;
    /* (tail only) per head argument: the variable it copies, or -1 for a constant */
    int *head_var;
    /* SINK_AGG: the distinct key tuples go to tmp */
    nm_rel *tmp;
    int nkeys;
    const int *keys;
} xbody;

struct nm_eval {
    const nm_plan_program *p;
    int nrels;
    nm_rel **rels;
    nm_row *lo, *hi;
    bool *in_stratum;
    bool *derived;      /* per relation: the head of some rule */
    nm_eval_limits limits;
    bool prov;
    bool ran;
    nm_cell *vars;
    const nm_plan_rule *rule;       /* being evaluated */
    const nm_plan_rule *productive; /* last rule that derived a new tuple */
    nm_eval_status status;
    nm_buf err;
    int err_rule;
    nm_eval_stats stats;
    uint64_t steps;
    struct timespec start;
    nm_buf *plans;                  /* per rule */
    nm_eval_fault fault;            /* details of an arithmetic error */
    uint64_t epoch;                 /* variant runs so far: the lookup memos' validity */
    nm_vec *aggs;                   /* xagg*, by signature; NULL: no sharing (witnesses) */
    int nvars;                      /* variable slots of the widest rule */
    nm_plan_join_order join_order;  /* the planner's order (a test switch) */
};

/* NORMA_JOIN_ORDER=reverse|source|normal, read once: the default join order. */
static nm_plan_join_order env_join_order(void)
{
    static int cached = -1;
    if (cached < 0) {
        const char *s = getenv("NORMA_JOIN_ORDER");
        cached = s && strcmp(s, "reverse") == 0  ? NM_JOIN_REVERSE
               : s && strcmp(s, "source") == 0   ? NM_JOIN_SOURCE
                                                 : NM_JOIN_NORMAL;
    }
    return (nm_plan_join_order)cached;
}

nm_eval_limits nm_eval_default_limits(void)
{
    return (nm_eval_limits){100000000, 1000000, 600, (uint64_t)4 << 30};
}

nm_eval *nm_eval_new(const nm_plan_program *p)
{
    nm_eval *e = nm_alloc(sizeof *e);
    e->p = p;
    e->nrels = p->rels.n;
    size_t n = (size_t)(e->nrels ? e->nrels : 1);
    e->rels = nm_alloc(sizeof *e->rels * n);
    e->lo = nm_alloc_atomic(sizeof *e->lo * n);
    e->hi = nm_alloc_atomic(sizeof *e->hi * n);
    e->in_stratum = nm_alloc_atomic(sizeof *e->in_stratum * n);
    e->derived = nm_alloc_atomic(sizeof *e->derived * n);
    memset(e->derived, 0, sizeof *e->derived * n);
    for (int i = 0; i < p->rules.n; i++)
        e->derived[nm_plan_rule_at(p, i)->head] = true;
    for (int i = 0; i < e->nrels; i++) {
        const nm_plan_relation *r = nm_plan_rel(p, i);
        e->rels[i] = nm_rel_new(r->name, r->arity);
    }
    e->limits = nm_eval_default_limits();
    e->err_rule = -1;
    e->join_order = env_join_order();
    e->plans = nm_alloc(sizeof *e->plans * (size_t)(p->rules.n ? p->rules.n : 1));
    e->aggs = nm_alloc(sizeof *e->aggs);
    return e;
}

void nm_eval_set_limits(nm_eval *e, nm_eval_limits limits) { e->limits = limits; }
void nm_eval_set_join_order(nm_eval *e, nm_plan_join_order order) { e->join_order = order; }

void nm_eval_enable_provenance(nm_eval *e)
{
    e->prov = true;
    for (int i = 0; i < e->nrels; i++)
        nm_rel_enable_prov(e->rels[i]);
}

nm_rel *nm_eval_rel(const nm_eval *e, int rel) { return e->rels[rel]; }

bool nm_eval_add_fact(nm_eval *e, int rel, const nm_cell *tuple)
{
    return nm_rel_insert(e->rels[rel], tuple, NULL);
}

const char *nm_eval_error(const nm_eval *e) { return nm_buf_str((nm_buf *)&e->err); }
int nm_eval_error_rule(const nm_eval *e) { return e->err_rule; }
const nm_eval_fault *nm_eval_get_fault(const nm_eval *e) { return &e->fault; }
const nm_eval_stats *nm_eval_get_stats(const nm_eval *e) { return &e->stats; }

const char *nm_eval_dump_plans(const nm_eval *e, int rule)
{
    if (rule < 0 || rule >= e->p->rules.n)
        return "";
    return nm_buf_str(&e->plans[rule]);
}

/* ---- errors and limits ---------------------------------------------------------- */

static bool fail(nm_eval *e, nm_eval_status st, const nm_plan_rule *r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool fail(nm_eval *e, nm_eval_status st, const nm_plan_rule *r, const char *fmt, ...)
{
    e->status = st;
    e->err_rule = r ? r->id : -1;
    e->err = (nm_buf){0};
    if (r)
        nm_buf_printf(&e->err, "rule '%s': ", r->name);
    va_list ap;
    va_start(ap, fmt);
    char *msg;
    if (vasprintf(&msg, fmt, ap) >= 0) {
        nm_buf_puts(&e->err, msg);
        free(msg);
    }
    va_end(ap);
    return true;
}

static double elapsed(const nm_eval *e)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - e->start.tv_sec) + (double)(now.tv_nsec - e->start.tv_nsec) * 1e-9;
}

static bool check_limits(nm_eval *e)
{
    if (e->limits.max_seconds > 0 && elapsed(e) > e->limits.max_seconds)
        return fail(e, NM_EVAL_ERR_TIME, e->rule,
                    "evaluation stopped after %g seconds (the time limit)", e->limits.max_seconds);
    if (e->limits.max_bytes) {
        uint64_t bytes = 0;
        for (int i = 0; i < e->nrels; i++)
            bytes += nm_rel_bytes(e->rels[i]);
        if (bytes > e->limits.max_bytes)
            return fail(e, NM_EVAL_ERR_MEMORY, e->rule,
                        "evaluation stopped: relations use more than %llu bytes (the memory limit)",
                        (unsigned long long)e->limits.max_bytes);
    }
    return false;
}

/* Counts a unit of work; every 65536 units, checks the clock and memory. Returns
 * true to stop. */
static inline bool tick(nm_eval *e)
{
    if (__builtin_expect((++e->steps & 0xffff) != 0, 1))
        return false;
    return check_limits(e);
}

/* ---- expressions ---------------------------------------------------------------- */

static void format_args(nm_eval *e, const nm_cell *args, int n, nm_buf *out)
{
    for (int i = 0; i < n; i++) {
        if (i)
            nm_buf_puts(out, ", ");
        e->p->values.format(e->p->values.ctx, args[i], out);
    }
}

static nm_plan_status eval_expr(nm_eval *e, const nm_plan_expr *x, nm_cell *out)
{
    switch (x->kind) {
    case NM_EXPR_VAR:
        *out = e->vars[x->var];
        return NM_PLAN_OK;
    case NM_EXPR_CONST:
        *out = x->value;
        return NM_PLAN_OK;
    case NM_EXPR_CALL:
        break;
    }
    nm_cell args[x->nargs ? x->nargs : 1];
    for (int i = 0; i < x->nargs; i++) {
        nm_plan_status st = eval_expr(e, x->args[i], &args[i]);
        if (st != NM_PLAN_OK)
            return st;
    }
    const nm_plan_fn *f = e->p->fns.items[x->fn];
    const char *why = "arithmetic error";
    nm_plan_status st = f->call(f->ctx, args, x->nargs, out, &why);
    if (st == NM_PLAN_ERROR) {
        nm_buf vals = {0};
        format_args(e, args, x->nargs, &vals);
        fail(e, NM_EVAL_ERR_ARITH, e->rule, "%s in '%s' applied to %s", why, f->name,
             nm_buf_str(&vals));
        /* the operation as written: infix for binary operators, prefix for unary */
        nm_buf ex = {0};
        if (x->nargs == 2) {
            e->p->values.format(e->p->values.ctx, args[0], &ex);
            nm_buf_printf(&ex, " %s ", f->name);
            e->p->values.format(e->p->values.ctx, args[1], &ex);
        } else if (x->nargs == 1) {
            nm_buf_puts(&ex, f->name);
            e->p->values.format(e->p->values.ctx, args[0], &ex);
        } else {
            nm_buf_printf(&ex, "%s(%s)", f->name, nm_buf_str(&vals));
        }
        e->fault.why = why;
        e->fault.expr = nm_buf_str(&ex);
        e->fault.nargs = x->nargs < 3 ? x->nargs : 3;
        for (int i = 0; i < e->fault.nargs; i++)
            e->fault.args[i] = args[i];
        e->fault.binding = "";
    }
    return st;
}

/* ---- compiling planned bodies ------------------------------------------------------ */

static xbody *compile_body(nm_eval *e, const nm_plan_body *b);

static void compile_atom(nm_eval *e, const nm_plan_op *op, xop *x)
{
    x->rel_id = op->rel;
    x->rel = e->rels[op->rel];
    x->arity = op->nargs;
    x->version = op->version;
    int n = op->nargs ? op->nargs : 1;
    x->key = nm_alloc_atomic(sizeof *x->key * (size_t)n);
    x->key_col = nm_alloc_atomic(sizeof(int) * (size_t)n);
    x->bind_col = nm_alloc_atomic(sizeof(int) * (size_t)n);
    x->bind_var = nm_alloc_atomic(sizeof(int) * (size_t)n);
    x->check_col = nm_alloc_atomic(sizeof(int) * (size_t)n);
    x->check_var = nm_alloc_atomic(sizeof(int) * (size_t)n);
    for (int i = 0; i < op->nargs; i++) {
        const nm_plan_term *t = &op->args[i];
        switch (t->mode) {
        case NM_MODE_KEY:
            x->key_col[x->nkey] = i;
            x->key[x->nkey++] = (xkey){t->kind == NM_TERM_VAR ? t->var : -1, t->value};
            break;
        case NM_MODE_BIND:
            x->bind_col[x->nbind] = i;
            x->bind_var[x->nbind++] = t->var;
            break;
        case NM_MODE_CHECK:
            x->check_col[x->ncheck] = i;
            x->check_var[x->ncheck++] = t->var;
            break;
        case NM_MODE_IGNORE:
            break;
        }
    }
    x->index = -1;
    if (x->nkey == 0)
        x->access = op->kind == NM_OP_NOT ? ACC_NONEMPTY : ACC_SCAN;
    else if (x->nkey == op->nargs)
        x->access = ACC_FIND;
    else {
        x->access = ACC_INDEX;
        x->index = nm_rel_add_index(x->rel, op->key_mask);
        if (op->kind == NM_OP_ATOM && x->nkey <= MEMO_KEYS) {
            x->memo = nm_alloc_atomic(sizeof *x->memo);
            x->memo->epoch = UINT64_MAX;    /* never an evaluator's epoch: empty */
        }
    }
}

/* ---- shared aggregates ---------------------------------------------------------- */

typedef struct sigctx {
    nm_buf out;
    int *num;               /* per variable slot: its number + 1 in the signature, 0 */
    int next;
    const bool *outside;    /* per slot: bound outside the aggregate being signed */
    nm_vec in;              /* those read, in signature order (as intptr_t) */
} sigctx;

static void sig_int(sigctx *c, int64_t v) { nm_buf_printf(&c->out, "%lld,", (long long)v); }

static void sig_var(sigctx *c, int var)
{
    if (!c->num[var]) {
        c->num[var] = ++c->next;
        if (c->outside[var])
            nm_vec_push(&c->in, (void *)(intptr_t)var);
    }
    nm_buf_printf(&c->out, "v%d%s,", c->num[var], c->outside[var] ? "o" : "");
}

static void sig_expr(sigctx *c, const nm_plan_expr *x)
{
    if (!x) {
        nm_buf_puts(&c->out, "-,");
        return;
    }
    sig_int(c, x->kind);
    if (x->kind == NM_EXPR_VAR)
        sig_var(c, x->var);
    else if (x->kind == NM_EXPR_CONST)
        nm_buf_printf(&c->out, "c%llx,", (unsigned long long)x->value);
    else {
        sig_int(c, x->fn);
        sig_int(c, x->nargs);
        for (int i = 0; i < x->nargs; i++)
            sig_expr(c, x->args[i]);
    }
}

static void sig_body(sigctx *c, const nm_plan_body *b);

static void sig_agg(sigctx *c, const nm_plan_agg *a)
{
    nm_buf_printf(&c->out, "agg%d,%d,%d,", (int)a->kind, a->nkeys, a->ngroup);
    sig_body(c, &a->body);
    for (int i = 0; i < a->nkeys; i++)
        sig_var(c, a->keys[i]);
    if (a->value >= 0)
        sig_var(c, a->value);
    sig_var(c, a->result);
}

static void sig_body(sigctx *c, const nm_plan_body *b)
{
    nm_buf_printf(&c->out, "[%d:", b->n);
    for (int i = 0; i < b->n; i++) {
        const nm_plan_op *op = &b->ops[i];
        nm_buf_printf(&c->out, "op%d,", (int)op->kind);
        switch (op->kind) {
        case NM_OP_ATOM:
        case NM_OP_NOT:
            nm_buf_printf(&c->out, "r%d,%d,%d,%llx,", op->rel, op->nargs, (int)op->version,
                          (unsigned long long)op->key_mask);
            for (int j = 0; j < op->nargs; j++) {
                const nm_plan_term *t = &op->args[j];
                nm_buf_printf(&c->out, "t%d,%d,", (int)t->kind, (int)t->mode);
                if (t->kind == NM_TERM_VAR)
                    sig_var(c, t->var);
                else if (t->kind == NM_TERM_CONST)
                    nm_buf_printf(&c->out, "c%llx,", (unsigned long long)t->value);
                else if (t->kind == NM_TERM_EXPR)
                    sig_expr(c, t->expr);
            }
            break;
        case NM_OP_CMP:
            sig_int(c, op->cmp);
            sig_expr(c, op->lhs);
            sig_expr(c, op->rhs);
            break;
        case NM_OP_TEST:
        case NM_OP_ASSIGN:
            sig_int(c, op->var_bound);
            sig_expr(c, op->expr);
            if (op->kind == NM_OP_ASSIGN)
                sig_var(c, op->var);
            break;
        case NM_OP_AGG:
            sig_int(c, op->var_bound);
            sig_agg(c, op->agg);
            break;
        }
    }
    nm_buf_puts(&c->out, "]");
}

/* The shared results for aggregate a (in a rule of nvars variable slots), and in
 * x->in the variables its body reads from outside (its group variables, which the
 * planner binds before it) in signature order; NULL when it reads more than a
 * results row holds. */
static xagg *share_agg(nm_eval *e, const nm_plan_agg *a, int nvars, xop *x)
{
    sigctx c = {0};
    c.num = nm_alloc_atomic(sizeof *c.num * (size_t)(nvars + 1));
    memset(c.num, 0, sizeof *c.num * (size_t)(nvars + 1));
    bool *outside = nm_alloc_atomic(sizeof *outside * (size_t)(nvars + 1));
    memset(outside, 0, sizeof *outside * (size_t)(nvars + 1));
    for (int i = 0; i < a->ngroup; i++)
        outside[a->group[i]] = true;
    c.outside = outside;
    sig_agg(&c, a);
    if (c.in.n + 2 > NM_REL_MAX_ARITY)
        return NULL;    /* a results row would not fit: computed every time */
    x->nin = c.in.n;
    x->in = nm_alloc_atomic(sizeof *x->in * (size_t)(c.in.n ? c.in.n : 1));
    for (int i = 0; i < c.in.n; i++)
        x->in[i] = (int)(intptr_t)c.in.items[i];
    const char *sig = nm_buf_str(&c.out);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < c.out.len; i++)
        h = (h ^ (unsigned char)sig[i]) * 1099511628211ull;
    for (int i = 0; i < e->aggs->n; i++) {
        xagg *g = e->aggs->items[i];
        if (g->hash == h && g->len == c.out.len && memcmp(g->sig, sig, c.out.len) == 0)
            return g;
    }
    xagg *g = nm_alloc(sizeof *g);
    g->hash = h;
    g->sig = sig;
    g->len = c.out.len;
    g->results = nm_rel_new("~aggregate results", x->nin + 2);
    g->index = x->nin ? nm_rel_add_index(g->results, ((uint64_t)1 << x->nin) - 1) : -1;
    nm_vec_push(e->aggs, g);
    return g;
}

static xbody *compile_body(nm_eval *e, const nm_plan_body *b)
{
    xbody *xb = nm_alloc(sizeof *xb);
    xb->n = b->n;
    xb->ops = nm_alloc(sizeof *xb->ops * (size_t)(b->n ? b->n : 1));
    xb->match = nm_alloc_atomic(sizeof *xb->match * (size_t)(b->n ? b->n : 1));
    for (int i = 0; i < b->n; i++) {
        const nm_plan_op *op = &b->ops[i];
        xop *x = &xb->ops[i];
        x->kind = op->kind;
        x->op = op;
        xb->match[i] = NM_ROW_NONE;
        if (op->kind == NM_OP_ATOM && e->derived[op->rel]) {
            if (!xb->hops)
                xb->hops = nm_alloc_atomic(sizeof *xb->hops * (size_t)b->n);
            xb->hops[xb->nhops++] = i;
        }
        if (op->kind == NM_OP_ATOM || op->kind == NM_OP_NOT)
            compile_atom(e, op, x);
        else if (op->kind == NM_OP_AGG) {
            const nm_plan_agg *a = op->agg;
            x->sub = compile_body(e, &a->body);
            x->sub->sink = SINK_AGG;
            x->sub->tmp = nm_rel_new("aggregate", a->nkeys);
            x->sub->nkeys = a->nkeys;
            x->sub->keys = a->keys;
            x->value_col = -1;
            for (int k = 0; k < a->nkeys; k++)
                if (a->keys[k] == a->value)
                    x->value_col = k;
            if (e->aggs && e->nvars)
                x->shared = share_agg(e, a, e->nvars, x);
        }
    }
    return xb;
}

/* ---- running ------------------------------------------------------------------------ */

static inline void version_range(const nm_eval *e, const xop *x, nm_row *lo, nm_row *hi)
{
    *lo = x->version == NM_VER_DELTA ? e->lo[x->rel_id] : 0;
    *hi = x->version == NM_VER_OLD ? e->lo[x->rel_id] : e->hi[x->rel_id];
}

static inline void build_key(const xop *x, const nm_cell *vars, nm_cell *key)
{
    for (int i = 0; i < x->nkey; i++)
        key[i] = x->key[i].var >= 0 ? vars[x->key[i].var] : x->key[i].value;
}

/* Binds the new variables of row t; false when a repeated variable does not match. */
static inline bool bind_row(const xop *x, const nm_cell *t, nm_cell *vars)
{
    for (int i = 0; i < x->nbind; i++)
        vars[x->bind_var[i]] = t[x->bind_col[i]];
    for (int i = 0; i < x->ncheck; i++)
        if (t[x->check_col[i]] != vars[x->check_var[i]])
            return false;
    return true;
}

static bool run(nm_eval *e, const xbody *b, int k);

/* nm_rel_lookup of atom x's index, through its memo when it has one. */
static inline void lookup(nm_eval *e, const xop *x, const nm_cell *key, nm_row lo, nm_row hi,
                          nm_rel_iter *it)
{
    xmemo *m = x->memo;
    if (!m) {
        nm_rel_lookup(x->rel, x->index, key, lo, hi, it);
        return;
    }
    bool same = m->epoch == e->epoch;
    for (int i = 0; same && i < x->nkey; i++)
        same = m->key[i] == key[i];
    if (same) {
        *it = m->it;
        it->lo = lo;
        it->hi = hi;
        return;
    }
    nm_rel_lookup(x->rel, x->index, key, lo, hi, it);
    m->epoch = e->epoch;
    for (int i = 0; i < x->nkey; i++)
        m->key[i] = key[i];
    m->it = *it;
}

/* Records in e->fault the binding at op k of b: the named variables bound by the
 * ops before it (in slot order, which is order of first occurrence), for the note of
 * a run-time error ([sem.num]). Variables of an enclosing body of an aggregate are
 * not listed. */
static void note_binding(nm_eval *e, const xbody *b, int k)
{
    const nm_plan_rule *r = e->rule;
    if (!r || !r->var_names || r->nvars <= 0)
        return;
    bool *bound = nm_alloc_atomic(sizeof *bound * (size_t)r->nvars);
    memset(bound, 0, sizeof *bound * (size_t)r->nvars);
    for (int j = 0; j < k && j < b->n; j++) {
        const xop *x = &b->ops[j];
        if (x->kind == NM_OP_ATOM)
            for (int i = 0; i < x->nbind; i++)
                bound[x->bind_var[i]] = true;
        else if (x->kind == NM_OP_ASSIGN && x->op->var >= 0 && x->op->var < r->nvars)
            bound[x->op->var] = true;
        else if (x->kind == NM_OP_AGG && x->op->agg->result < r->nvars)
            bound[x->op->agg->result] = true;
    }
    nm_buf out = {0};
    for (int v = 0; v < r->nvars; v++) {
        if (!bound[v] || !r->var_names[v])
            continue;
        nm_buf_printf(&out, "%s%s = ", out.len ? ", " : "", r->var_names[v]);
        e->p->values.format(e->p->values.ctx, e->vars[v], &out);
    }
    e->fault.binding = nm_buf_str(&out);
}

static bool better_prov(uint32_t rule, uint32_t height, uint32_t old_rule, uint32_t old_height)
{
    return height < old_height || (height == old_height && rule < old_rule);
}

/* Inserts the buffered derivations of b; true to stop (tuple limit). */
static bool flush(nm_eval *e, const xbody *b)
{
    xsink *k = b->buf;
    if (k->n == 0)
        return false;
    const nm_plan_rule *r = b->rule;
    nm_rel *head = b->head;
    int n = k->n;
    k->n = 0;
    nm_rel_insert_batch(head, k->tuples, n, k->fresh, k->rows);
    /* A repeat of a tuple first derived in this iteration compares its proof with the
     * stored one — unless this variant run created it and the repeat is no lower than
     * anything the run has stored (then it cannot be better). That leaves few compares
     * (a row of another rule or variant run of this iteration, or a lower repeat), so
     * their random reads of the provenance array are not fetched ahead. */
    const nm_row cur = e->hi[r->head];
    for (int i = 0; i < n; i++) {
        nm_row row = k->rows[i];
        uint32_t h = e->prov ? k->heights[i] : 0;
        if (k->fresh[i]) {
            e->stats.derived++;
            e->productive = r;
            if (e->limits.max_tuples && e->stats.derived > e->limits.max_tuples)
                return fail(e, NM_EVAL_ERR_TUPLES, r,
                            "evaluation stopped: more than %llu derived tuples (the tuple limit) while deriving '%s'",
                            (unsigned long long)e->limits.max_tuples, head->name);
            if (e->prov) {
                nm_rel_set_prov(head, row, (uint32_t)r->id, h);
                if (h > k->run_max)
                    k->run_max = h;
            }
        } else if (e->prov && row >= cur && row >= head->prov_lo &&
                   !(row >= k->run_lo && h >= k->run_max) &&
                   better_prov((uint32_t)r->id, h, nm_rel_prov_rule(head, row),
                               nm_rel_prov_height(head, row)))
            nm_rel_set_prov(head, row, (uint32_t)r->id, h);
    }
    return false;
}

static bool emit(nm_eval *e, const xbody *b)
{
    if (b->sink == SINK_AGG) {
        nm_cell t[b->nkeys ? b->nkeys : 1];
        for (int i = 0; i < b->nkeys; i++)
            t[i] = e->vars[b->keys[i]];
        nm_rel_insert(b->tmp, t, NULL);
        return tick(e);
    }
    const nm_plan_rule *r = b->rule;
    xsink *k = b->buf;
    e->stats.attempts++;
    nm_cell *t = k->tuples + (size_t)k->n * (size_t)r->nhead;
    for (int i = 0; i < r->nhead; i++) {
        const nm_plan_term *h = &r->head_args[i];
        if (h->kind == NM_TERM_VAR)
            t[i] = e->vars[h->var];
        else if (h->kind == NM_TERM_CONST)
            t[i] = h->value;
        else {
            nm_plan_status st = eval_expr(e, h->expr, &t[i]);
            if (st == NM_PLAN_ERROR) {
                note_binding(e, b, b->n);
                return true;
            }
            if (st == NM_PLAN_FAIL)
                return false;
        }
    }
    if (e->prov) {
        uint32_t height = 0;
        for (int i = 0; i < b->nhops; i++) {
            int j = b->hops[i];
            uint32_t h = nm_rel_prov_height(b->ops[j].rel, b->match[j]);
            if (h > height)
                height = h;
        }
        k->heights[k->n] = height + 1;
    }
    if (++k->n == BATCH && flush(e, b))
        return true;
    return tick(e);
}

static bool run_agg(nm_eval *e, const xbody *b, int k)
{
    const xop *x = &b->ops[k];
    const nm_plan_agg *a = x->op->agg;
    const nm_plan_values *v = &e->p->values;
    nm_cell result;
    bool has = true;
    nm_cell in[x->shared ? x->nin + 2 : 1];     /* the memo row: inputs, has, result */
    if (x->shared) {
        xagg *g = x->shared;
        for (int i = 0; i < x->nin; i++)
            in[i] = e->vars[x->in[i]];
        nm_row row = NM_ROW_NONE;
        if (g->index < 0) {
            if (g->results->n)
                row = 0;
        } else {
            nm_rel_iter it;
            nm_rel_lookup(g->results, g->index, in, 0, g->results->n, &it);
            row = nm_rel_iter_next(&it);
        }
        if (row != NM_ROW_NONE) {
            const nm_cell *t = nm_rel_row(g->results, row);
            if (!t[x->nin])
                return false;
            result = t[x->nin + 1];
            goto bind;
        }
    }
    nm_rel *tmp = x->sub->tmp;
    nm_rel_clear(tmp);
    if (run(e, x->sub, 0))
        return true;
    switch (a->kind) {
    case NM_PLAN_AGG_COUNT:
        result = v->from_int(v->ctx, (int64_t)tmp->n);
        break;
    case NM_PLAN_AGG_SUM:
        result = v->from_int(v->ctx, 0);
        for (nm_row i = 0; i < tmp->n; i++) {
            nm_cell c = nm_rel_row(tmp, i)[x->value_col], s;
            if (v->add(v->ctx, result, c, &s) != NM_PLAN_OK) {
                nm_buf vals = {0};
                nm_cell args[2] = {result, c};
                format_args(e, args, 2, &vals);
                fail(e, NM_EVAL_ERR_ARITH, e->rule, "arithmetic overflow in sum, adding %s",
                     nm_buf_str(&vals));
                nm_buf ex = {0};
                nm_buf_puts(&ex, "sum ");
                v->format(v->ctx, result, &ex);
                nm_buf_puts(&ex, " + ");
                v->format(v->ctx, c, &ex);
                e->fault = (nm_eval_fault){"arithmetic overflow", nm_buf_str(&ex), {result, c}, 2, ""};
                note_binding(e, b, k);
                return true;
            }
            result = s;
        }
        break;
    case NM_PLAN_AGG_MIN:
    case NM_PLAN_AGG_MAX:
        if (tmp->n == 0) {
            has = false;
            result = 0;
            break;
        }
        result = nm_rel_row(tmp, 0)[x->value_col];
        for (nm_row i = 1; i < tmp->n; i++) {
            nm_cell c = nm_rel_row(tmp, i)[x->value_col];
            int d = v->cmp(v->ctx, c, result);
            if (a->kind == NM_PLAN_AGG_MIN ? d < 0 : d > 0)
                result = c;
        }
        break;
    default:
        return false;
    }
    if (x->shared) {
        /* the values were read before the body ran: it binds none of them */
        in[x->nin] = has;
        in[x->nin + 1] = has ? result : 0;
        nm_rel_insert(x->shared->results, in, NULL);
    }
    if (!has)
        return false;
bind:
    if (x->op->var_bound) {
        if (v->cmp(v->ctx, e->vars[a->result], result) != 0)
            return false;
    } else {
        e->vars[a->result] = result;
    }
    return run(e, b, k + 1);
}

static bool cmp_holds(nm_plan_cmp op, int d)
{
    switch (op) {
    case NM_CMP_EQ: return d == 0;
    case NM_CMP_NE: return d != 0;
    case NM_CMP_LT: return d < 0;
    case NM_CMP_LE: return d <= 0;
    case NM_CMP_GT: return d > 0;
    case NM_CMP_GE: return d >= 0;
    }
    return false;
}

static inline __attribute__((always_inline)) bool tail_loop(nm_eval *e, const xbody *b,
                                                            const xop *x, nm_rel_iter *it,
                                                            nm_row lo, nm_row hi, bool scan,
                                                            bool pair, bool row_heights,
                                                            uint32_t base)
{
    const nm_plan_rule *r = b->rule;
    xsink *s = b->buf;
    const int nh = r->nhead;
    const int *hv = b->head_var;
    const nm_rel *rel = x->rel;
    const size_t ar = (size_t)x->arity;
    nm_cell *vars = e->vars;
    const bool prov = e->prov;
    /* A pair head over an atom without repeated variables takes each argument from
     * the row (col0, col1) or, when an earlier op bound it, from before the loop
     * (v0, v1): nothing after the last op reads its variables or its match. */
    int col0 = -1, col1 = -1;
    nm_cell v0 = 0, v1 = 0;
    const bool direct = pair && x->ncheck == 0;
    if (direct) {
        for (int i = 0; i < x->nbind; i++) {
            if (x->bind_var[i] == hv[0])
                col0 = x->bind_col[i];
            if (x->bind_var[i] == hv[1])
                col1 = x->bind_col[i];
        }
        v0 = vars[hv[0]];
        v1 = vars[hv[1]];
    }
    for (nm_row row = scan ? lo : nm_rel_iter_next(it); row != NM_ROW_NONE && row < hi;
         row = scan ? row + 1 : nm_rel_iter_next(it)) {
        const nm_cell *cells = rel->cells + row * ar;
        nm_cell *t = s->tuples + (size_t)s->n * (size_t)nh;
        if (direct) {
            t[0] = col0 >= 0 ? cells[col0] : v0;
            t[1] = col1 >= 0 ? cells[col1] : v1;
        } else {
            if (!bind_row(x, cells, vars))
                continue;
            for (int i = 0; i < nh; i++)
                t[i] = hv[i] >= 0 ? vars[hv[i]] : r->head_args[i].value;
        }
        e->stats.attempts++;
        if (prov) {
            if (row_heights) {
                uint32_t h = nm_rel_prov_height(rel, row);
                s->heights[s->n] = (h > base ? h : base) + 1;
            } else
                s->heights[s->n] = base + 1;
        }
        /* two units of work, as emit and run's loop count one attempt */
        if ((++s->n == BATCH && flush(e, b)) || tick(e) || tick(e))
            return true;
    }
    return false;
}

/* The last op of b, atom x over rows [lo, hi) (all of them when it is NULL, else those
 * of it): what run and emit do for each row, in one loop — why: in a recursive rule
 * the last join is where nearly every derivation attempt is made (10 million for
 * the transitive closure of the bench's random graph), and the recursion into run,
 * the checks of emit and the per-attempt walk over the body for the proof height
 * were a third of its cost. A head of two variables (closures, most derived
 * relations) has its own copy of the loop. */
static bool run_tail(nm_eval *e, const xbody *b, const xop *x, nm_rel_iter *it, nm_row lo,
                     nm_row hi)
{
    bool pair = b->rule->nhead == 2 && b->head_var[0] >= 0 && b->head_var[1] >= 0;
    /* With provenance: base, the highest proof height among the earlier atoms, and
     * whether the rows' own heights can count — not when the relation holds facts
     * only (height 0) or none of its heights is above base. */
    uint32_t base = 0;
    bool rowh = false;
    if (e->prov) {
        const int k = b->n - 1;
        for (int i = 0; i < b->nhops && b->hops[i] < k; i++) {
            int j = b->hops[i];
            uint32_t h = nm_rel_prov_height(b->ops[j].rel, b->match[j]);
            if (h > base)
                base = h;
        }
        rowh = b->nhops > 0 && b->hops[b->nhops - 1] == k && x->rel->prov_max > base;
    }
    if (!it)
        return pair ? tail_loop(e, b, x, NULL, lo, hi, true, true, rowh, base)
                    : tail_loop(e, b, x, NULL, lo, hi, true, false, rowh, base);
    if (!pair)
        return tail_loop(e, b, x, it, lo, hi, false, false, rowh, base);
    /* the hottest loop (a recursive rule joined with its input relation): one copy each */
    return rowh ? tail_loop(e, b, x, it, lo, hi, false, true, true, base)
                : tail_loop(e, b, x, it, lo, hi, false, true, false, base);
}

static bool run(nm_eval *e, const xbody *b, int k)
{
    if (k == b->n)
        return emit(e, b);
    const xop *x = &b->ops[k];
    nm_cell *vars = e->vars;
    switch (x->kind) {
    case NM_OP_ATOM: {
        nm_row lo, hi;
        version_range(e, x, &lo, &hi);
        if (lo >= hi)
            return false;
        const nm_rel *rel = x->rel;
        size_t ar = (size_t)x->arity;
        bool tail = b->tail && k == b->n - 1;
        if (x->access == ACC_SCAN) {
            if (tail)
                return run_tail(e, b, x, NULL, lo, hi);
            for (nm_row r = lo; r < hi; r++) {
                if (!bind_row(x, rel->cells + r * ar, vars))
                    continue;
                b->match[k] = r;
                if (run(e, b, k + 1) || tick(e))
                    return true;
            }
            return false;
        }
        nm_cell key[NM_REL_MAX_ARITY];
        build_key(x, vars, key);
        if (x->access == ACC_FIND) {
            nm_row r = nm_rel_find(rel, key);
            if (r == NM_ROW_NONE || r < lo || r >= hi)
                return false;
            b->match[k] = r;
            return run(e, b, k + 1);
        }
        nm_rel_iter it;
        lookup(e, x, key, lo, hi, &it);
        if (tail)
            return run_tail(e, b, x, &it, lo, hi);
        for (nm_row r; (r = nm_rel_iter_next(&it)) != NM_ROW_NONE;) {
            if (!bind_row(x, rel->cells + r * ar, vars))
                continue;
            b->match[k] = r;
            if (run(e, b, k + 1) || tick(e))
                return true;
        }
        return false;
    }
    case NM_OP_NOT: {
        nm_row hi = e->hi[x->rel_id];
        const nm_rel *rel = x->rel;
        if (x->access == ACC_NONEMPTY)
            return hi > 0 ? false : run(e, b, k + 1);
        nm_cell key[NM_REL_MAX_ARITY];
        build_key(x, vars, key);
        if (x->access == ACC_FIND) {
            nm_row r = nm_rel_find(rel, key);
            if (r != NM_ROW_NONE && r < hi)
                return false;
            return run(e, b, k + 1);
        }
        nm_rel_iter it;
        nm_rel_lookup(rel, x->index, key, 0, hi, &it);
        if (nm_rel_iter_next(&it) != NM_ROW_NONE)
            return false;
        return run(e, b, k + 1);
    }
    case NM_OP_CMP: {
        nm_cell l, r;
        nm_plan_status st = eval_expr(e, x->op->lhs, &l);
        if (st == NM_PLAN_OK)
            st = eval_expr(e, x->op->rhs, &r);
        if (st == NM_PLAN_ERROR)
            note_binding(e, b, k);
        if (st != NM_PLAN_OK)
            return st == NM_PLAN_ERROR;
        if (!cmp_holds(x->op->cmp, e->p->values.cmp(e->p->values.ctx, l, r)))
            return false;
        return run(e, b, k + 1);
    }
    case NM_OP_TEST: {
        nm_cell out;
        nm_plan_status st = eval_expr(e, x->op->expr, &out);
        if (st == NM_PLAN_ERROR)
            note_binding(e, b, k);
        if (st != NM_PLAN_OK)
            return st == NM_PLAN_ERROR;
        return run(e, b, k + 1);
    }
    case NM_OP_ASSIGN: {
        nm_cell out;
        nm_plan_status st = eval_expr(e, x->op->expr, &out);
        if (st == NM_PLAN_ERROR)
            note_binding(e, b, k);
        if (st != NM_PLAN_OK)
            return st == NM_PLAN_ERROR;
        if (x->op->var_bound) {
            if (e->p->values.cmp(e->p->values.ctx, vars[x->op->var], out) != 0)
                return false;
        } else {
            vars[x->op->var] = out;
        }
        return run(e, b, k + 1);
    }
    case NM_OP_AGG:
        return run_agg(e, b, k);
    }
    return false;
}

/* ---- strata ------------------------------------------------------------------------ */

typedef struct variant {
    const nm_plan_rule *rule;
    xbody *body;
    int delta_rel;      /* -1: runs once (no recursive atom) */
} variant;

static bool has_recursive_atom(const nm_eval *e, const nm_plan_rule *r)
{
    for (int i = 0; i < r->body.n; i++)
        if (r->body.ops[i].kind == NM_OP_ATOM && e->in_stratum[r->body.ops[i].rel])
            return true;
    return false;
}

static bool plan_variant(nm_eval *e, const nm_plan_rule *r, int delta_src, const size_t *sizes,
                         variant *out)
{
    nm_plan_body body = {0};
    nm_buf err = {0};
    if (!nm_plan_order_with(e->p, r, e->in_stratum, delta_src, sizes, e->join_order, NULL, &body,
                            &err)) {
        e->status = NM_EVAL_ERR_PLAN;
        e->err_rule = r->id;
        e->err = err;
        return false;
    }
    nm_plan_dump_body(e->p, r, &body, &e->plans[r->id]);
    nm_buf_putc(&e->plans[r->id], '\n');
    out->rule = r;
    out->body = compile_body(e, &body);
    out->body->sink = SINK_HEAD;
    out->body->rule = r;
    out->body->head = e->rels[r->head];
    xsink *k = nm_alloc(sizeof *k);
    k->tuples = nm_alloc_atomic(sizeof *k->tuples * BATCH * (size_t)(r->nhead ? r->nhead : 1));
    k->heights = nm_alloc_atomic(sizeof *k->heights * BATCH);
    k->fresh = nm_alloc_atomic(sizeof *k->fresh * BATCH);
    k->rows = nm_alloc_atomic(sizeof *k->rows * BATCH);
    out->body->buf = k;
    bool tail = body.n > 0 && body.ops[body.n - 1].kind == NM_OP_ATOM;
    for (int i = 0; tail && i < r->nhead; i++)
        tail = r->head_args[i].kind == NM_TERM_VAR || r->head_args[i].kind == NM_TERM_CONST;
    out->body->tail = tail;
    if (tail) {
        int *hv = nm_alloc_atomic(sizeof *hv * (size_t)(r->nhead ? r->nhead : 1));
        for (int i = 0; i < r->nhead; i++)
            hv[i] = r->head_args[i].kind == NM_TERM_VAR ? r->head_args[i].var : -1;
        out->body->head_var = hv;
    }
    out->delta_rel = delta_src >= 0 ? r->body.ops[delta_src].rel : -1;
    return true;
}

static bool run_variant(nm_eval *e, const variant *v)
{
    e->rule = v->rule;
    e->epoch++;
    v->body->buf->run_lo = v->body->head->n;
    v->body->buf->run_max = 0;
    return run(e, v->body, 0) || flush(e, v->body);
}

static bool run_stratum(nm_eval *e, const nm_plan_stratum *s)
{
    const nm_plan_program *p = e->p;
    memset(e->in_stratum, 0, sizeof *e->in_stratum * (size_t)(e->nrels ? e->nrels : 1));
    for (int i = 0; i < s->nrules; i++)
        e->in_stratum[nm_plan_rule_at(p, s->rules[i])->head] = true;
    size_t *sizes = nm_alloc_atomic(sizeof *sizes * (size_t)(e->nrels ? e->nrels : 1));
    for (int i = 0; i < e->nrels; i++) {
        sizes[i] = e->rels[i]->n;
        e->lo[i] = e->hi[i] = e->rels[i]->n;
    }
    /* Rules without a recursive atom run once, in declaration order. */
    int nvar = 0;
    for (int i = 0; i < s->nrules; i++) {
        const nm_plan_rule *r = nm_plan_rule_at(p, s->rules[i]);
        for (int j = 0; j < r->body.n; j++)
            nvar += r->body.ops[j].kind == NM_OP_ATOM;
    }
    variant *vs = nm_alloc(sizeof *vs * (size_t)(nvar + 1));
    int nv = 0;
    for (int i = 0; i < s->nrules; i++) {
        const nm_plan_rule *r = nm_plan_rule_at(p, s->rules[i]);
        if (has_recursive_atom(e, r))
            continue;
        variant v;
        if (!plan_variant(e, r, -1, sizes, &v) || run_variant(e, &v))
            return false;
    }
    if (!s->recursive)
        return true;
    for (int i = 0; i < s->nrules; i++) {
        const nm_plan_rule *r = nm_plan_rule_at(p, s->rules[i]);
        for (int j = 0; j < r->body.n; j++)
            if (r->body.ops[j].kind == NM_OP_ATOM && e->in_stratum[r->body.ops[j].rel])
                if (!plan_variant(e, r, j, sizes, &vs[nv++]))
                    return false;
    }
    /* Everything present so far is the first delta. */
    for (int i = 0; i < e->nrels; i++)
        if (e->in_stratum[i]) {
            e->lo[i] = 0;
            e->hi[i] = e->rels[i]->n;
        }
    for (uint64_t iter = 1;; iter++) {
        if (e->limits.max_iterations && iter > e->limits.max_iterations)
            return !fail(e, NM_EVAL_ERR_ITERATIONS, e->productive,
                         "evaluation stopped: no fixpoint after %llu iterations (the iteration limit)",
                         (unsigned long long)e->limits.max_iterations);
        e->stats.iterations++;
        for (int i = 0; i < nv; i++) {
            if (e->lo[vs[i].delta_rel] == e->hi[vs[i].delta_rel])
                continue;
            if (run_variant(e, &vs[i]))
                return false;
        }
        bool changed = false;
        for (int i = 0; i < e->nrels; i++)
            if (e->in_stratum[i]) {
                e->lo[i] = e->hi[i];
                e->hi[i] = e->rels[i]->n;
                changed |= e->lo[i] < e->hi[i];
            }
        if (!changed)
            return true;
        if (check_limits(e))
            return false;
    }
}

nm_eval_status nm_eval_run(nm_eval *e)
{
    if (e->ran) {
        fail(e, NM_EVAL_ERR_PLAN, NULL, "an evaluator runs once");
        return e->status;
    }
    e->ran = true;
    nm_buf err = {0};
    if (!nm_plan_finish((nm_plan_program *)e->p, &err)) {
        e->status = NM_EVAL_ERR_PLAN;
        e->err = err;
        return e->status;
    }
    int nvars = 1;
    for (int i = 0; i < e->p->rules.n; i++)
        if (nm_plan_rule_at(e->p, i)->nvars > nvars)
            nvars = nm_plan_rule_at(e->p, i)->nvars;
    e->vars = nm_alloc_atomic(sizeof *e->vars * (size_t)nvars);
    memset(e->vars, 0, sizeof *e->vars * (size_t)nvars);
    e->nvars = nvars;
    clock_gettime(CLOCK_MONOTONIC, &e->start);
    for (int s = 0; s < e->p->strata.n; s++)
        if (!run_stratum(e, e->p->strata.items[s]))
            break;
    for (int i = 0; i < e->nrels; i++)
        e->lo[i] = e->hi[i] = e->rels[i]->n;
    e->stats.seconds = elapsed(e);
    return e->status;
}

/* ---- witnesses ------------------------------------------------------------------------
 * The least instantiation of a rule body that concludes a given head tuple, for
 * explanations ([sem.prov.tree]). The body is planned in SOURCE order with the head's
 * variables prebound, and searched depth-first, each atom's candidate rows tried in
 * value order of their tuples; filters sit as early as their variables allow and only
 * prune instantiations that fail anyway, so the first complete instantiation is the
 * least in the order of the positive tuples' sequence, whatever join order evaluation
 * used. The search runs on a private copy of the evaluator (own variables, no limits);
 * it only adds indexes to the relations. */

typedef struct wsort {
    const nm_plan_values *v;
    const nm_rel *rel;
} wsort;

static int wsort_cmp(const void *a, const void *b, void *ctx)
{
    const wsort *c = ctx;
    const nm_cell *x = nm_rel_row(c->rel, *(const nm_row *)a);
    const nm_cell *y = nm_rel_row(c->rel, *(const nm_row *)b);
    for (int i = 0; i < c->rel->arity; i++) {
        int d = c->v->cmp(c->v->ctx, x[i], y[i]);
        if (d)
            return d;
    }
    return 0;
}

/* The rows of r in value order of their tuples (a fresh array of r->n rows). */
static nm_row *wsorted(const nm_eval *e, const nm_rel *r)
{
    nm_row *rows = nm_alloc_atomic(sizeof *rows * (size_t)(r->n ? r->n : 1));
    for (nm_row i = 0; i < r->n; i++)
        rows[i] = i;
    wsort c = {&e->p->values, r};
    qsort_r(rows, r->n, sizeof *rows, wsort_cmp, &c);
    return rows;
}

typedef struct wctx {
    nm_eval *e;
    const nm_plan_rule *r;
    const xbody *b;
    const nm_cell *head;
    uint32_t height;
    nm_row *match;          /* per planned op */
} wctx;

/* The result of aggregate op x for the current variables (its key tuples are left in
 * x->sub->tmp); false when it has none (min/max of nothing, an error). */
static bool wagg(nm_eval *e, const xop *x, nm_cell *result)
{
    const nm_plan_agg *a = x->op->agg;
    const nm_plan_values *v = &e->p->values;
    nm_rel *tmp = x->sub->tmp;
    nm_rel_clear(tmp);
    if (run(e, x->sub, 0))
        return false;
    switch (a->kind) {
    case NM_PLAN_AGG_COUNT:
        *result = v->from_int(v->ctx, (int64_t)tmp->n);
        return true;
    case NM_PLAN_AGG_SUM:
        *result = v->from_int(v->ctx, 0);
        for (nm_row i = 0; i < tmp->n; i++)
            if (v->add(v->ctx, *result, nm_rel_row(tmp, i)[x->value_col], result) != NM_PLAN_OK)
                return false;
        return true;
    case NM_PLAN_AGG_MIN:
    case NM_PLAN_AGG_MAX:
        if (tmp->n == 0)
            return false;
        *result = nm_rel_row(tmp, 0)[x->value_col];
        for (nm_row i = 1; i < tmp->n; i++) {
            nm_cell c = nm_rel_row(tmp, i)[x->value_col];
            int d = v->cmp(v->ctx, c, *result);
            if (a->kind == NM_PLAN_AGG_MIN ? d < 0 : d > 0)
                *result = c;
        }
        return true;
    }
    return false;
}

/* True when ops k.. of the body complete an instantiation (then e->vars and
 * w->match hold the least one). */
static bool wrun(wctx *w, int k)
{
    nm_eval *e = w->e;
    const xbody *b = w->b;
    const nm_plan_values *v = &e->p->values;
    nm_cell *vars = e->vars;
    if (k == b->n) {
        for (int i = 0; i < w->r->nhead; i++) {
            const nm_plan_term *h = &w->r->head_args[i];
            nm_cell c;
            if (h->kind == NM_TERM_EXPR &&
                (eval_expr(e, h->expr, &c) != NM_PLAN_OK || v->cmp(v->ctx, c, w->head[i]) != 0))
                return false;
        }
        return true;
    }
    const xop *x = &b->ops[k];
    switch (x->kind) {
    case NM_OP_ATOM: {
        const nm_rel *rel = x->rel;
        nm_row one, *cand = &one;
        nm_row nc = 0;
        nm_cell key[NM_REL_MAX_ARITY];
        build_key(x, vars, key);
        if (x->access == ACC_SCAN) {
            cand = nm_alloc_atomic(sizeof *cand * (size_t)(rel->n ? rel->n : 1));
            for (nm_row r = 0; r < rel->n; r++)
                cand[nc++] = r;
        } else if (x->access == ACC_FIND) {
            nm_row r = nm_rel_find(rel, key);
            if (r != NM_ROW_NONE)
                cand[nc++] = r;
        } else {
            /* the rows of one key, counted first: no array sized by the relation */
            nm_rel_iter it;
            nm_rel_lookup(rel, x->index, key, 0, rel->n, &it);
            while (nm_rel_iter_next(&it) != NM_ROW_NONE)
                nc++;
            cand = nm_alloc_atomic(sizeof *cand * (size_t)(nc ? nc : 1));
            nc = 0;
            nm_rel_lookup(rel, x->index, key, 0, rel->n, &it);
            for (nm_row r; (r = nm_rel_iter_next(&it)) != NM_ROW_NONE;)
                cand[nc++] = r;
        }
        nm_row keep = 0;
        for (nm_row i = 0; i < nc; i++)
            if (nm_rel_prov_height(rel, cand[i]) < w->height &&
                bind_row(x, nm_rel_row(rel, cand[i]), vars))
                cand[keep++] = cand[i];
        wsort c = {v, rel};
        qsort_r(cand, keep, sizeof *cand, wsort_cmp, &c);
        for (nm_row i = 0; i < keep; i++) {
            bind_row(x, nm_rel_row(rel, cand[i]), vars);
            w->match[k] = cand[i];
            if (wrun(w, k + 1))
                return true;
        }
        return false;
    }
    case NM_OP_NOT: {
        const nm_rel *rel = x->rel;
        if (x->access == ACC_NONEMPTY)
            return rel->n == 0 && wrun(w, k + 1);
        nm_cell key[NM_REL_MAX_ARITY];
        build_key(x, vars, key);
        if (x->access == ACC_FIND)
            return nm_rel_find(rel, key) == NM_ROW_NONE && wrun(w, k + 1);
        nm_rel_iter it;
        nm_rel_lookup(rel, x->index, key, 0, rel->n, &it);
        return nm_rel_iter_next(&it) == NM_ROW_NONE && wrun(w, k + 1);
    }
    case NM_OP_CMP: {
        nm_cell l, r;
        if (eval_expr(e, x->op->lhs, &l) != NM_PLAN_OK || eval_expr(e, x->op->rhs, &r) != NM_PLAN_OK)
            return false;
        return cmp_holds(x->op->cmp, v->cmp(v->ctx, l, r)) && wrun(w, k + 1);
    }
    case NM_OP_TEST: {
        nm_cell out;
        return eval_expr(e, x->op->expr, &out) == NM_PLAN_OK && wrun(w, k + 1);
    }
    case NM_OP_ASSIGN: {
        nm_cell out;
        if (eval_expr(e, x->op->expr, &out) != NM_PLAN_OK)
            return false;
        if (x->op->var_bound) {
            if (v->cmp(v->ctx, vars[x->op->var], out) != 0)
                return false;
        } else {
            vars[x->op->var] = out;
        }
        return wrun(w, k + 1);
    }
    case NM_OP_AGG: {
        nm_cell result;
        if (!wagg(e, x, &result))
            return false;
        int res = x->op->agg->result;
        if (x->op->var_bound) {
            if (v->cmp(v->ctx, vars[res], result) != 0)
                return false;
        } else {
            vars[res] = result;
        }
        return wrun(w, k + 1);
    }
    }
    return false;
}

bool nm_eval_witness_find(const nm_eval *ev, int rule, const nm_cell *head, uint32_t height,
                          nm_eval_witness *out)
{
    const nm_plan_program *p = ev->p;
    if (rule < 0 || rule >= p->rules.n || !ev->vars)
        return false;
    const nm_plan_rule *r = nm_plan_rule_at(p, rule);
    size_t nv = (size_t)(r->nvars ? r->nvars : 1);
    bool *pre = nm_alloc_atomic(sizeof *pre * nv);
    nm_cell *vars = nm_alloc_atomic(sizeof *vars * nv);
    memset(pre, 0, sizeof *pre * nv);
    memset(vars, 0, sizeof *vars * nv);
    for (int i = 0; i < r->nhead; i++) {
        const nm_plan_term *t = &r->head_args[i];
        if (t->kind == NM_TERM_VAR) {
            if (pre[t->var] && vars[t->var] != head[i])
                return false;
            pre[t->var] = true;
            vars[t->var] = head[i];
        } else if (t->kind == NM_TERM_CONST && t->value != head[i]) {
            return false;
        }
    }
    bool *none = nm_alloc_atomic(sizeof *none * (size_t)(ev->nrels ? ev->nrels : 1));
    memset(none, 0, sizeof *none * (size_t)(ev->nrels ? ev->nrels : 1));
    nm_plan_body body = {0};
    nm_buf err = {0};
    if (!nm_plan_order_with(p, r, none, -1, NULL, NM_JOIN_SOURCE, pre, &body, &err))
        return false;
    nm_eval *e = nm_alloc(sizeof *e);
    *e = *ev;
    e->vars = vars;
    e->limits = (nm_eval_limits){0};
    e->rule = r;
    e->prov = false;
    e->aggs = NULL;     /* wagg computes each aggregate, for its key tuples */
    e->status = NM_EVAL_OK;
    e->err = (nm_buf){0};
    xbody *xb = compile_body(e, &body);
    xb->sink = SINK_HEAD;
    xb->rule = r;
    wctx w = {e, r, xb, head, height,
              nm_alloc_atomic(sizeof(nm_row) * (size_t)(body.n ? body.n : 1))};
    if (!wrun(&w, 0))
        return false;

    int n = r->body.n;
    out->rule = rule;
    out->nops = n;
    out->rel = nm_alloc_atomic(sizeof *out->rel * (size_t)(n ? n : 1));
    out->row = nm_alloc_atomic(sizeof *out->row * (size_t)(n ? n : 1));
    out->agg = nm_alloc(sizeof *out->agg * (size_t)(n ? n : 1));
    memset(out->agg, 0, sizeof *out->agg * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        const nm_plan_op *op = &r->body.ops[i];
        out->rel[i] = op->kind == NM_OP_ATOM || op->kind == NM_OP_NOT ? op->rel : -1;
        out->row[i] = NM_ROW_NONE;
    }
    out->nvars = r->nvars;
    out->vars = vars;
    out->bound = pre;
    for (int k = 0; k < body.n; k++) {
        const nm_plan_op *op = &body.ops[k];
        const xop *x = &xb->ops[k];
        switch (op->kind) {
        case NM_OP_ATOM:
            out->row[op->src] = w.match[k];
            for (int i = 0; i < op->nargs; i++)
                if (op->args[i].kind == NM_TERM_VAR)
                    pre[op->args[i].var] = true;
            break;
        case NM_OP_ASSIGN:
            pre[op->var] = true;
            break;
        case NM_OP_AGG: {
            const nm_plan_agg *a = op->agg;
            nm_eval_witness_agg *wa = &out->agg[op->src];
            const nm_rel *tmp = x->sub->tmp;
            pre[a->result] = true;
            wa->value = vars[a->result];
            wa->nkeys = a->nkeys;
            wa->nfirst = tmp->n < NM_EVAL_WITNESS_FIRST ? (int)tmp->n : NM_EVAL_WITNESS_FIRST;
            wa->nrest = tmp->n - (uint64_t)wa->nfirst;
            wa->first = nm_alloc_atomic(sizeof *wa->first * (size_t)(wa->nfirst * a->nkeys + 1));
            nm_row *rows = wsorted(e, tmp);
            for (int i = 0; i < wa->nfirst; i++)
                memcpy(wa->first + (size_t)i * (size_t)a->nkeys, nm_rel_row(tmp, rows[i]),
                       sizeof *wa->first * (size_t)a->nkeys);
            break;
        }
        default:
            break;
        }
    }
    return true;
}
