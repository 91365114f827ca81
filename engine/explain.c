/* explain.c — explanations ([expl]): why an answer holds (a tree rebuilt from the
 * provenance records and least witnesses, [sem.prov.tree]), why it does not (longest
 * body prefixes, [sem.whynot.prefix]) and what is missing (the open atoms of its cone
 * and subset-minimal settling sets, [sem.whynot.missing]). Sits after eval; renders in
 * render.c. Every search starts from the explained atom's bound arguments and uses
 * index lookups, so its cost follows what the atom needs, not the size of the model. */
#include "explain.h"

#include <stdlib.h>
#include <string.h>

#include "value.h"

enum { DEFAULT_K = 3, WHYNOT_DEPTH = 3, MAX_TRIES = 64, MAX_CANDIDATES = 64,
       EXACT_N = 12, MAX_RUNS = 600 };
static const uint64_t MAX_STEPS = 2000000;

const char *nm_x_kind_name(nm_x_kind k)
{
    static const char *const names[] = {
        "answer", "rule", "fact", "found", "unknown", "not", "presumed", "exception",
        "defeated", "comparison", "test", "aggregate", "parameter", "not_in_force",
        "conflict", "why_not", "try", "fail", "no_fact", "missing", "settle", "note",
    };
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

/* ---- context ------------------------------------------------------------------------ */

typedef struct xctx {
    nm_model *m;
    const nm_program *prog;
    const nm_lowered *lw;
    const nm_eval *ev;
    const nm_plan_program *plan;
    int *rel_pred;              /* relation → predicate, -1 for internal ones */
    bool *rel_false;            /* relation of explicitly false atoms */
    int *cert_of;               /* P(…) relation → its C(…), else -1 */
    int *rel_rule;              /* ~blocked / ~unless relation → rule id, else -1 */
    bool *rel_unless;           /* an ~unless relation */
    int depth;                  /* why tree depth bound, -1 none */
    int k;
    nm_vec *shown;              /* "rel:row" of the rule nodes expanded in this tree */
} xctx;

static nm_x_node *node(nm_x_kind kind, const char *text)
{
    nm_x_node *n = nm_alloc(sizeof *n);
    n->kind = kind;
    n->text = text;
    n->pred = -1;
    return n;
}

static void add(nm_x_node *t, nm_x_node *child)
{
    if (!child)
        return;
    if ((t->nchildren & (t->nchildren - 1)) == 0) {
        int cap = t->nchildren ? t->nchildren * 2 : 1;
        nm_x_node **c = nm_alloc(sizeof *c * (size_t)cap);
        if (t->nchildren)
            memcpy(c, t->children, sizeof *c * (size_t)t->nchildren);
        t->children = c;
    }
    t->children[t->nchildren++] = child;
}

static bool name_has(const char *name, const char *part) { return name && strstr(name, part); }

static bool is_aux(const xctx *c, int rel)
{
    return name_has(nm_plan_rel(c->plan, rel)->name, "~aux");
}

static bool is_kind_rel(const xctx *c, int rel)
{
    const char *n = nm_plan_rel(c->plan, rel)->name;
    return n && (strcmp(n, "~persons") == 0 || strcmp(n, "~units") == 0);
}

static xctx *new_ctx(nm_model *m, const nm_lowered *lw, const nm_eval *ev)
{
    xctx *c = nm_alloc(sizeof *c);
    c->m = m;
    c->lw = lw;
    c->ev = ev;
    c->prog = lw->prog;
    c->plan = lw->plan;
    c->depth = -1;
    c->k = DEFAULT_K;
    int n = c->plan->rels.n ? c->plan->rels.n : 1;
    c->rel_pred = nm_alloc_atomic(sizeof(int) * (size_t)n);
    c->rel_false = nm_alloc_atomic(sizeof(bool) * (size_t)n);
    c->cert_of = nm_alloc_atomic(sizeof(int) * (size_t)n);
    c->rel_rule = nm_alloc_atomic(sizeof(int) * (size_t)n);
    c->rel_unless = nm_alloc_atomic(sizeof(bool) * (size_t)n);
    for (int i = 0; i < n; i++) {
        c->rel_pred[i] = c->cert_of[i] = c->rel_rule[i] = -1;
        c->rel_false[i] = c->rel_unless[i] = false;
    }
    const nm_program *p = c->prog;
    for (int k = 0; k < p->npreds; k++) {
        int t[3] = {lw->pred_rel[k], lw->pred_poss_rel[k], lw->pred_raw_rel[k]};
        int f[2] = {lw->pred_false_rel[k], lw->pred_false_poss_rel[k]};
        for (int j = 0; j < 3; j++)
            if (t[j] >= 0)
                c->rel_pred[t[j]] = k;
        for (int j = 0; j < 2; j++)
            if (f[j] >= 0) {
                c->rel_pred[f[j]] = k;
                c->rel_false[f[j]] = true;
            }
        if (lw->pred_poss_rel[k] != lw->pred_rel[k])
            c->cert_of[lw->pred_poss_rel[k]] = lw->pred_rel[k];
        if (lw->pred_false_poss_rel[k] != lw->pred_false_rel[k])
            c->cert_of[lw->pred_false_poss_rel[k]] = lw->pred_false_rel[k];
    }
    if (lw->decision_rel >= 0)
        c->rel_pred[lw->decision_rel] = NM_BUILTIN_DECISION_DATE;
    for (int r = 0; r < p->nrules; r++) {
        int b[4] = {lw->rule_blocked_rel[r], lw->rule_blocked_poss_rel[r], lw->rule_unless_rel[r],
                    lw->rule_unless_poss_rel[r]};
        for (int j = 0; j < 4; j++)
            if (b[j] >= 0) {
                c->rel_rule[b[j]] = r;
                c->rel_unless[b[j]] = j >= 2;
            }
        if (lw->rule_blocked_poss_rel[r] >= 0 && lw->rule_blocked_poss_rel[r] != lw->rule_blocked_rel[r])
            c->cert_of[lw->rule_blocked_poss_rel[r]] = lw->rule_blocked_rel[r];
        if (lw->rule_unless_poss_rel[r] >= 0 && lw->rule_unless_poss_rel[r] != lw->rule_unless_rel[r])
            c->cert_of[lw->rule_unless_poss_rel[r]] = lw->rule_unless_rel[r];
    }
    return c;
}

/* ---- atoms ------------------------------------------------------------------------------ */

static nm_truth truth_of(const nm_lowered *lw, const nm_eval *ev, int pred, const nm_cell *t)
{
    if (nm_rel_contains(nm_eval_rel(ev, lw->pred_rel[pred]), t))
        return NM_YES;
    if (nm_rel_contains(nm_eval_rel(ev, lw->pred_poss_rel[pred]), t))
        return NM_UNKNOWN;
    return NM_NO;
}

static bool stated_false(const xctx *c, int pred, const nm_cell *t)
{
    return nm_rel_contains(nm_eval_rel(c->ev, c->lw->pred_false_rel[pred]), t);
}

static const char *cell_text(nm_cell v)
{
    if (v == NM_CELL_NONE)
        return "?";
    return nm_val_format_literal(v);
}

/* "file:line" of a span: a file of the bundled stdlib named from "stdlib/" on, any
 * other by its base name, so that explanations depend neither on where norma is
 * installed nor on the directory it runs in. */
static const char *where_of(const nm_span *s)
{
    const char *path = s->file->path;
    const char *k = NULL;
    for (const char *q = strstr(path, "stdlib/"); q; q = strstr(q + 1, "stdlib/"))
        k = q;
    if (k)
        path = k;
    else if (strrchr(path, '/'))
        path = strrchr(path, '/') + 1;
    return nm_sprintf("%s:%d", path, s->line);
}

static const char *atom_text(const xctx *c, int pred, bool negated, const nm_cell *t,
                             const char **vnames)
{
    nm_buf b = {0};
    const nm_ppred *pd = &c->prog->preds[pred];
    if (negated)
        nm_buf_puts(&b, "not ");
    nm_buf_puts(&b, pd->name);
    if (pd->arity) {
        nm_buf_putc(&b, '(');
        for (int i = 0; i < pd->arity; i++) {
            if (i)
                nm_buf_puts(&b, ", ");
            if (t[i] == NM_CELL_NONE)
                nm_buf_printf(&b, "?%s", vnames && vnames[i] ? vnames[i] : "_");
            else
                nm_buf_puts(&b, nm_val_format_literal(t[i]));
        }
        nm_buf_putc(&b, ')');
    }
    return nm_buf_str(&b);
}

static nm_x_node *atom_node(const xctx *c, nm_x_kind kind, int pred, bool negated, const nm_cell *t)
{
    int ar = c->prog->preds[pred].arity;
    nm_cell *copy = nm_alloc_atomic(sizeof *copy * (size_t)(ar + 1));
    memcpy(copy, t, sizeof *copy * (size_t)ar);
    nm_x_node *n = node(kind, atom_text(c, pred, negated, copy, NULL));
    n->pred = pred;
    n->negated = negated;
    n->arity = ar;
    n->tuple = copy;
    return n;
}

/* The first program or case fact stating t of pred (with that polarity), or NULL. */
static const nm_pfact *find_fact(const xctx *c, int pred, bool negated, const nm_cell *t)
{
    const nm_program *p = c->prog;
    for (int i = 0; i < p->nfacts; i++) {
        const nm_pfact *f = &p->facts[i];
        if (f->atom.pred != pred || f->negated != negated ||
            (f->case_id != -1 && f->case_id != c->lw->case_id))
            continue;
        bool same = true;
        for (int j = 0; j < f->atom.nargs && same; j++) {
            nm_cell v;
            nm_buf err = {0};
            same = nm_lower_const_expr(c->lw, f->atom.args[j], &v, &err) && v == t[j];
        }
        if (same)
            return f;
    }
    return NULL;
}

/* An input atom: fact, finding, unknown or (in a list/map/table) its declaration. */
static nm_x_node *input_node(const xctx *c, int pred, bool negated, const nm_cell *t, bool unknown)
{
    if (pred == NM_BUILTIN_DECISION_DATE) {
        nm_x_node *n = node(NM_X_FACT, nm_sprintf("decision_date(%s)", cell_text(t[0])));
        n->where = "decided";
        return n;
    }
    if (unknown)
        return atom_node(c, NM_X_UNKNOWN, pred, negated, t);
    const nm_pfact *f = find_fact(c, pred, negated, t);
    nm_x_node *n = atom_node(c, f && f->found ? NM_X_FOUND : NM_X_FACT, pred, negated, t);
    n->truth = NM_YES;
    const nm_ppred *pd = &c->prog->preds[pred];
    if (f && f->atom.span.file)
        n->where = where_of(&f->atom.span);
    if (pd->ncites) {
        n->cites = pd->cites;
        n->ncites = pd->ncites;
    }
    return n;
}

/* ---- text of body operations (with a binding) ------------------------------------------ */

typedef struct binding {
    const nm_plan_rule *r;
    const nm_cell *vars;
    const bool *bound;
} binding;

static void put_var(const binding *w, int v, nm_buf *b)
{
    if (w->vars && w->bound && v < w->r->nvars && w->bound[v])
        nm_buf_puts(b, nm_val_format_literal(w->vars[v]));
    else if (w->r->var_names && v < w->r->nvars && w->r->var_names[v])
        nm_buf_puts(b, w->r->var_names[v]);
    else
        nm_buf_printf(b, "_%d", v);
}

static void put_expr(const xctx *c, const binding *w, const nm_plan_expr *x, bool nested, nm_buf *b)
{
    switch (x->kind) {
    case NM_EXPR_VAR:
        put_var(w, x->var, b);
        return;
    case NM_EXPR_CONST:
        nm_buf_puts(b, cell_text(x->value));
        return;
    case NM_EXPR_CALL:
        break;
    }
    const nm_plan_fn *f = c->plan->fns.items[x->fn];
    if (x->nargs == 3 && strncmp(f->name, "within ", 7) == 0) {
        bool negated = (intptr_t)f->ctx >= 3;
        if (negated)
            nm_buf_puts(b, "not (");
        put_expr(c, w, x->args[0], true, b);
        nm_buf_puts(b, " within ");
        put_expr(c, w, x->args[1], true, b);
        nm_buf_printf(b, " %s ", f->name + 7);
        put_expr(c, w, x->args[2], true, b);
        if (negated)
            nm_buf_putc(b, ')');
        return;
    }
    if (x->nargs == 3 && (strcmp(f->name, "in_force_on") == 0 || strcmp(f->name, "rule_in_force_on") == 0)) {
        bool negated = x->args[2]->kind == NM_EXPR_CONST && nm_val_get_bool(x->args[2]->value);
        nm_buf_printf(b, "%s%s(", negated ? "not " : "", f->name);
        if (f->name[0] == 'r' && x->args[0]->kind == NM_EXPR_CONST) {
            int64_t r;
            if (nm_val_get_int(x->args[0]->value, &r) && r >= 0 && r < c->prog->nrules)
                nm_buf_puts(b, c->prog->rules[r].label);
        } else {
            put_expr(c, w, x->args[0], false, b);
        }
        nm_buf_puts(b, ", ");
        put_expr(c, w, x->args[1], false, b);
        nm_buf_putc(b, ')');
        return;
    }
    if (x->nargs == 2) {
        if (nested)
            nm_buf_putc(b, '(');
        put_expr(c, w, x->args[0], true, b);
        nm_buf_printf(b, " %s ", f->name);
        put_expr(c, w, x->args[1], true, b);
        if (nested)
            nm_buf_putc(b, ')');
        return;
    }
    if (x->nargs == 1) {
        nm_buf_puts(b, f->name);
        put_expr(c, w, x->args[0], true, b);
        return;
    }
    nm_buf_printf(b, "%s(", f->name);
    for (int i = 0; i < x->nargs; i++) {
        if (i)
            nm_buf_puts(b, ", ");
        put_expr(c, w, x->args[i], false, b);
    }
    nm_buf_putc(b, ')');
}

static const char *const cmp_text[] = {"=", "!=", "<", "<=", ">", ">="};
static const char *const agg_text[] = {"count", "sum", "min", "max"};

static void put_body(const xctx *c, const binding *w, const nm_plan_body *body, int depth, nm_buf *b);

static void put_op_atom(const xctx *c, const binding *w, const nm_plan_op *op, nm_buf *b)
{
    int pred = c->rel_pred[op->rel];
    if (c->rel_false[op->rel])
        nm_buf_puts(b, "not ");
    if (is_kind_rel(c, op->rel))
        nm_buf_puts(b, strcmp(nm_plan_rel(c->plan, op->rel)->name, "~units") == 0 ? "Unit" : "Person");
    else
        nm_buf_puts(b, pred >= 0 ? c->prog->preds[pred].name : nm_plan_rel(c->plan, op->rel)->name);
    if (op->nargs == 0)
        return;
    nm_buf_putc(b, '(');
    for (int i = 0; i < op->nargs; i++) {
        const nm_plan_term *t = &op->args[i];
        if (i)
            nm_buf_puts(b, ", ");
        if (t->kind == NM_TERM_WILD)
            nm_buf_putc(b, '_');
        else if (t->kind == NM_TERM_CONST)
            nm_buf_puts(b, cell_text(t->value));
        else if (t->kind == NM_TERM_VAR)
            put_var(w, t->var, b);
    }
    nm_buf_putc(b, ')');
}

static void put_aux(const xctx *c, const binding *w, int rel, int depth, nm_buf *b)
{
    bool first = true;
    nm_buf_putc(b, '(');
    for (int i = 0; i < c->plan->rules.n; i++) {
        const nm_plan_rule *ar = nm_plan_rule_at(c->plan, i);
        if (ar->head != rel)
            continue;
        if (!first)
            nm_buf_puts(b, " or ");
        first = false;
        binding aw = {ar, NULL, NULL};
        put_body(c, &aw, &ar->body, depth + 1, b);
    }
    nm_buf_putc(b, ')');
    (void)w;
}

static void put_agg(const xctx *c, const binding *w, const nm_plan_agg *a, int depth, nm_buf *b)
{
    binding unbound = {w->r, NULL, NULL};
    nm_buf_printf(b, "%s(", agg_text[a->kind]);
    if (a->kind == NM_PLAN_AGG_COUNT) {
        for (int k = 0; k < a->nkeys; k++) {
            if (k)
                nm_buf_puts(b, ", ");
            put_var(&unbound, a->keys[k], b);
        }
    } else {
        put_var(&unbound, a->value, b);
    }
    nm_buf_puts(b, " for ");
    put_body(c, w, &a->body, depth + 1, b);
    nm_buf_putc(b, ')');
}

static bool visible(const xctx *c, const nm_plan_op *op)
{
    if (op->kind == NM_OP_ASSIGN)
        return false;
    if ((op->kind == NM_OP_ATOM || op->kind == NM_OP_NOT) && is_kind_rel(c, op->rel))
        return false;
    return true;
}

static void put_op(const xctx *c, const binding *w, const nm_plan_op *op, int depth, nm_buf *b)
{
    switch (op->kind) {
    case NM_OP_ATOM:
        if (is_aux(c, op->rel))
            put_aux(c, w, op->rel, depth, b);
        else
            put_op_atom(c, w, op, b);
        break;
    case NM_OP_NOT:
        if (c->rel_rule[op->rel] >= 0) {
            const nm_prule *r = &c->prog->rules[c->rel_rule[op->rel]];
            nm_buf_printf(b, "no exception to %s applies", r->label);
            break;
        }
        nm_buf_puts(b, "not ");
        if (is_aux(c, op->rel))
            put_aux(c, w, op->rel, depth, b);
        else if (c->rel_false[op->rel]) {
            nm_buf_putc(b, '(');
            put_op_atom(c, w, op, b);
            nm_buf_putc(b, ')');
        } else
            put_op_atom(c, w, op, b);
        break;
    case NM_OP_CMP:
        put_expr(c, w, op->lhs, false, b);
        nm_buf_printf(b, " %s ", cmp_text[op->cmp]);
        put_expr(c, w, op->rhs, false, b);
        break;
    case NM_OP_TEST:
        put_expr(c, w, op->expr, false, b);
        break;
    case NM_OP_AGG:
        put_agg(c, w, op->agg, depth, b);
        break;
    case NM_OP_ASSIGN:
        break;
    }
}

static void put_body(const xctx *c, const binding *w, const nm_plan_body *body, int depth, nm_buf *b)
{
    if (depth > 8) {
        nm_buf_puts(b, "…");
        return;
    }
    bool first = true;
    for (int i = 0; i < body->n; i++) {
        const nm_plan_op *op = &body->ops[i];
        if (!visible(c, op))
            continue;
        if (!first)
            nm_buf_puts(b, " and ");
        first = false;
        put_op(c, w, op, depth, b);
    }
}

static const char *op_text(const xctx *c, const binding *w, const nm_plan_op *op)
{
    nm_buf b = {0};
    put_op(c, w, op, 0, &b);
    return nm_buf_str(&b);
}

/* The tuple of an atom op under a binding (NM_CELL_NONE for unbound places);
 * false when some place is unbound. */
static bool op_tuple(const nm_plan_op *op, const nm_cell *vars, const bool *bound, nm_cell *out)
{
    bool all = true;
    for (int i = 0; i < op->nargs; i++) {
        const nm_plan_term *t = &op->args[i];
        if (t->kind == NM_TERM_CONST)
            out[i] = t->value;
        else if (t->kind == NM_TERM_VAR && bound[t->var])
            out[i] = vars[t->var];
        else {
            out[i] = NM_CELL_NONE;
            all = false;
        }
    }
    return all;
}

/* ---- parameters ----------------------------------------------------------------------- */

static void params_of_expr(const nm_pexpr *e, nm_vec *out);
static void params_of_formula(const nm_pformula *f, nm_vec *out)
{
    if (!f)
        return;
    switch (f->kind) {
    case NM_F_ATOM:
        for (int i = 0; i < f->u.atom.nargs; i++)
            params_of_expr(f->u.atom.args[i], out);
        break;
    case NM_F_AND:
    case NM_F_OR:
        params_of_formula(f->u.bin.lhs, out);
        params_of_formula(f->u.bin.rhs, out);
        break;
    case NM_F_NOT:
        params_of_formula(f->u.operand, out);
        break;
    case NM_F_CMP:
        params_of_expr(f->u.cmp.lhs, out);
        params_of_expr(f->u.cmp.rhs, out);
        break;
    case NM_F_INSET:
        params_of_expr(f->u.inset.elem, out);
        for (int i = 0; i < f->u.inset.nitems; i++)
            params_of_expr(f->u.inset.items[i], out);
        break;
    case NM_F_WITHIN:
        params_of_expr(f->u.within.lhs, out);
        params_of_expr(f->u.within.dur, out);
        params_of_expr(f->u.within.rhs, out);
        break;
    }
}

static void params_of_expr(const nm_pexpr *e, nm_vec *out)
{
    if (!e)
        return;
    switch (e->kind) {
    case NM_E_PARAM:
        for (int i = 0; i < out->n; i++)
            if ((intptr_t)out->items[i] == e->u.param)
                return;
        nm_vec_push(out, (void *)(intptr_t)e->u.param);
        break;
    case NM_E_ARITH:
        params_of_expr(e->u.arith.lhs, out);
        params_of_expr(e->u.arith.rhs, out);
        break;
    case NM_E_NEG:
        params_of_expr(e->u.neg, out);
        break;
    case NM_E_AGG:
        for (int i = 0; i < e->u.agg->nterms; i++)
            params_of_expr(e->u.agg->terms[i], out);
        params_of_formula(e->u.agg->body, out);
        break;
    default:
        break;
    }
}

static nm_x_node *param_node(const xctx *c, int k)
{
    const nm_pparam *pp = &c->prog->params[k];
    nm_cell v = c->lw->param_value[k];
    nm_x_node *n = node(NM_X_PARAM, nm_sprintf("%s = %s", pp->name, cell_text(v)));
    n->param = pp;
    n->value = cell_text(v);
    n->cites = pp->cites;
    n->ncites = pp->ncites;
    nm_cell d;
    nm_buf err = {0};
    if (nm_lower_const_expr(c->lw, pp->value, &d, &err) && d != v)
        n->overridden = cell_text(d);
    return n;
}

/* ---- why: trees from provenance -------------------------------------------------------- */

static nm_x_node *tree_of_row(const xctx *c, int rel, nm_row row, int depth);

static bool is_unknown_row(const xctx *c, int rel, const nm_cell *t)
{
    int cert = c->cert_of[rel];
    return cert >= 0 && !nm_rel_contains(nm_eval_rel(c->ev, cert), t);
}

/* The node of a negation `not q(t)` that held. */
static nm_x_node *not_node(const xctx *c, const binding *w, const nm_plan_op *op)
{
    int rel = op->rel;
    if (c->rel_rule[rel] >= 0) {
        const nm_prule *r = &c->prog->rules[c->rel_rule[rel]];
        nm_buf b = {0};
        nm_x_node *n = node(NM_X_EXCEPTION, NULL);
        n->rule = r;
        bool first = true;
        for (int i = 0; i < r->nexceptions; i++) {
            const nm_prule *e = &c->prog->rules[r->exceptions[i]];
            if (c->rel_unless[rel] != e->block_only)
                continue;
            nm_buf_printf(&b, "%s%s", first ? "" : ", ", e->block_only ? "unless" : e->label);
            first = false;
            if (!e->block_only && !n->cites) {
                n->cites = e->cites;
                n->ncites = e->ncites;
            }
        }
        n->text = nm_buf_str(&b);
        return n;
    }
    int pred = c->rel_pred[rel];
    nm_cell t[NM_REL_MAX_ARITY];
    bool ground = pred >= 0 && op_tuple(op, w->vars, w->bound, t);
    if (ground && !c->rel_false[rel]) {
        const nm_ppred *pd = &c->prog->preds[pred];
        bool presumed = pd->presumed_false && !c->lw->strict && !stated_false(c, pred, t) &&
                        !nm_rel_contains(nm_eval_rel(c->ev, c->lw->pred_poss_rel[pred]), t);
        nm_x_node *n = atom_node(c, presumed ? NM_X_PRESUMED : NM_X_NOT, pred, true, t);
        if (presumed) {
            n->cites = pd->presume_cites;
            n->ncites = pd->npresume_cites;
        } else if (stated_false(c, pred, t)) {
            const nm_pfact *f = find_fact(c, pred, true, t);
            if (f && f->atom.span.file)
                n->where = where_of(&f->atom.span);
            if (f && f->found)
                n->kind = NM_X_FOUND;
        }
        return n;
    }
    return node(NM_X_NOT, op_text(c, w, op));
}

static nm_x_node *agg_node(const xctx *c, const binding *w, const nm_eval_witness *wit,
                           const nm_plan_op *op)
{
    const nm_eval_witness_agg *wa = &wit->agg[op->src];
    nm_buf b = {0};
    put_agg(c, w, op->agg, 0, &b);
    nm_x_node *n = node(NM_X_AGG, nm_buf_str(&b));
    n->value = cell_text(wa->value);
    n->nitems = wa->nfirst;
    n->nrest = wa->nrest;
    n->items = nm_alloc(sizeof(char *) * (size_t)(wa->nfirst + 1));
    for (int i = 0; i < wa->nfirst; i++) {
        nm_buf it = {0};
        if (wa->nkeys != 1)
            nm_buf_putc(&it, '(');
        for (int k = 0; k < wa->nkeys; k++)
            nm_buf_printf(&it, "%s%s", k ? ", " : "",
                          cell_text(wa->first[(size_t)i * (size_t)wa->nkeys + (size_t)k]));
        if (wa->nkeys != 1)
            nm_buf_putc(&it, ')');
        n->items[i] = nm_buf_str(&it);
    }
    return n;
}

/* A test of in_force_on / rule_in_force_on: value = the citation or the rule's label,
 * threshold = the date, cmp = "in_force" or "not_in_force" (a negated test). */
static void in_force_fields(const xctx *c, const binding *w, const nm_plan_expr *x, nm_x_node *n)
{
    if (x->kind != NM_EXPR_CALL || x->nargs != 3)
        return;
    const nm_plan_fn *f = c->plan->fns.items[x->fn];
    if (!strstr(f->name, "in_force_on"))
        return;
    bool negated = x->args[2]->kind == NM_EXPR_CONST && nm_val_get_bool(x->args[2]->value);
    nm_buf a = {0}, d = {0};
    if (f->name[0] == 'r' && x->args[0]->kind == NM_EXPR_CONST) {
        int64_t r;
        if (nm_val_get_int(x->args[0]->value, &r) && r >= 0 && r < c->prog->nrules) {
            n->rule = &c->prog->rules[r];
            nm_buf_printf(&a, "%s", n->rule->label);
        }
    } else {
        put_expr(c, w, x->args[0], false, &a);
    }
    put_expr(c, w, x->args[1], false, &d);
    n->value = nm_buf_str(&a);
    n->threshold = nm_buf_str(&d);
    n->cmp = negated ? "not_in_force" : "in_force";
}

/* Is op (a comparison) a test of the aggregate result `var` against a value? Fills
 * the node's cmp and threshold. */
static bool merge_threshold(const xctx *c, const binding *w, const nm_plan_op *op, int var,
                            nm_x_node *agg)
{
    if (op->kind != NM_OP_CMP)
        return false;
    const nm_plan_expr *other;
    int cmp = op->cmp;
    if (op->lhs->kind == NM_EXPR_VAR && op->lhs->var == var)
        other = op->rhs;
    else if (op->rhs->kind == NM_EXPR_VAR && op->rhs->var == var) {
        other = op->lhs;
        static const int flip[] = {NM_CMP_EQ, NM_CMP_NE, NM_CMP_GT, NM_CMP_GE, NM_CMP_LT, NM_CMP_LE};
        cmp = flip[cmp];
    } else
        return false;
    nm_buf b = {0};
    put_expr(c, w, other, false, &b);
    agg->cmp = cmp_text[cmp];
    agg->threshold = nm_buf_str(&b);
    return true;
}

static void add_body(const xctx *c, nm_x_node *t, int rule, const nm_cell *tuple, uint32_t height,
                     int depth)
{
    nm_eval_witness wit;
    if (!nm_eval_witness_find(c->ev, rule, tuple, height, &wit)) {
        add(t, node(NM_X_NOTE, "? (no witness found)"));
        return;
    }
    const nm_plan_rule *r = nm_plan_rule_at(c->plan, rule);
    binding w = {r, wit.vars, wit.bound};
    bool *skip = nm_alloc_atomic(sizeof(bool) * (size_t)(r->body.n + 1));
    memset(skip, 0, sizeof(bool) * (size_t)(r->body.n + 1));
    for (int i = 0; i < r->body.n; i++) {
        const nm_plan_op *op = &r->body.ops[i];
        if (skip[i] || !visible(c, op))
            continue;
        switch (op->kind) {
        case NM_OP_ATOM: {
            nm_rel *rel = nm_eval_rel(c->ev, op->rel);
            if (is_aux(c, op->rel)) {
                uint32_t ar = nm_rel_prov_rule(rel, wit.row[i]);
                if (ar != UINT32_MAX)
                    add_body(c, t, (int)ar, nm_rel_row(rel, wit.row[i]),
                             nm_rel_prov_height(rel, wit.row[i]), depth);
                break;
            }
            add(t, tree_of_row(c, op->rel, wit.row[i], depth + 1));
            break;
        }
        case NM_OP_NOT:
            add(t, not_node(c, &w, op));
            break;
        case NM_OP_CMP:
            add(t, node(NM_X_CMP, op_text(c, &w, op)));
            break;
        case NM_OP_TEST: {
            nm_x_node *n = node(NM_X_TEST, op_text(c, &w, op));
            in_force_fields(c, &w, op->expr, n);
            add(t, n);
            break;
        }
        case NM_OP_AGG: {
            nm_x_node *n = agg_node(c, &w, &wit, op);
            for (int j = i + 1; j < r->body.n; j++)
                if (merge_threshold(c, &w, &r->body.ops[j], op->agg->result, n)) {
                    skip[j] = true;
                    break;
                }
            add(t, n);
            break;
        }
        case NM_OP_ASSIGN:
            break;
        }
    }
}

/* The branches of a plan rule's source rule with the same head: (branch, count). */
static void branch_of(const xctx *c, int rule, int *branch, int *nbranches)
{
    const nm_plan_rule *pr = nm_plan_rule_at(c->plan, rule);
    *branch = *nbranches = 0;
    for (int i = 0; i < c->plan->rules.n; i++) {
        const nm_plan_rule *o = nm_plan_rule_at(c->plan, i);
        if (o->origin != pr->origin || o->head != pr->head)
            continue;
        (*nbranches)++;
        if (i <= rule)
            (*branch)++;
    }
}

static nm_x_node *tree_of_row(const xctx *c, int rel, nm_row row, int depth)
{
    nm_rel *r = nm_eval_rel(c->ev, rel);
    const nm_cell *tuple = nm_rel_row(r, row);
    uint32_t rule = nm_rel_prov_rule(r, row);
    int pred = c->rel_pred[rel];
    bool unknown = is_unknown_row(c, rel, tuple);
    if (rule != UINT32_MAX && !nm_plan_rule_at(c->plan, (int)rule)->origin) {
        /* lowering's own rule (C(p) = C(p⁺) minus P(p⁻)): the atom it read */
        nm_eval_witness w;
        const nm_plan_rule *pr = nm_plan_rule_at(c->plan, (int)rule);
        if (nm_eval_witness_find(c->ev, (int)rule, tuple, nm_rel_prov_height(r, row), &w))
            for (int i = 0; i < pr->body.n; i++)
                if (pr->body.ops[i].kind == NM_OP_ATOM) {
                    nm_x_node *t = tree_of_row(c, pr->body.ops[i].rel, w.row[i], depth);
                    t->truth = unknown ? NM_UNKNOWN : NM_YES;
                    return t;
                }
    }
    if (rule == UINT32_MAX) {
        if (pred < 0)
            return node(NM_X_FACT, nm_plan_rel(c->plan, rel)->name);
        nm_x_node *n = input_node(c, pred, c->rel_false[rel], tuple, unknown);
        n->truth = unknown ? NM_UNKNOWN : NM_YES;
        return n;
    }
    const nm_plan_rule *pr = nm_plan_rule_at(c->plan, (int)rule);
    const nm_prule *src = pr->origin;
    nm_x_node *t;
    if (pred >= 0) {
        t = atom_node(c, NM_X_RULE, pred, c->rel_false[rel], tuple);
    } else {
        /* a ~blocked or ~unless atom: the exception that applied */
        t = node(NM_X_RULE, nm_sprintf("%s", src->head.pred >= 0
                                                 ? atom_text(c, src->head.pred, src->head_negated, tuple, NULL)
                                                 : src->label));
        if (src->head.pred >= 0 && c->rel_unless[rel] == false &&
            src->head.nargs == nm_plan_rel(c->plan, rel)->arity) {
            t->pred = src->head.pred;
            t->negated = src->head_negated;
            t->arity = src->head.nargs;
            t->tuple = tuple;
        }
    }
    t->truth = unknown ? NM_UNKNOWN : NM_YES;
    t->rule = src;
    t->cites = src->cites;
    t->ncites = src->ncites;
    branch_of(c, (int)rule, &t->branch, &t->nbranches);
    if (c->shown) {
        const char *key = nm_sprintf("%d:%u", rel, (unsigned)row);
        for (int i = 0; i < c->shown->n; i++)
            if (strcmp(c->shown->items[i], key) == 0) {
                t->see_above = true;
                return t;
            }
        nm_vec_push(c->shown, (void *)key);
    }
    if (c->depth >= 0 && depth >= c->depth) {
        add(t, node(NM_X_NOTE, "…"));
        return t;
    }
    add_body(c, t, (int)rule, tuple, nm_rel_prov_height(r, row), depth);
    nm_vec ps = {0};
    params_of_formula(src->body, &ps);
    for (int i = 0; i < ps.n; i++)
        add(t, param_node(c, (int)(intptr_t)ps.items[i]));
    return t;
}

static nm_x_node *why_tree(const xctx *c, int rel, const nm_cell *t, int depth)
{
    nm_rel *r = nm_eval_rel(c->ev, rel);
    nm_row row = nm_rel_find(r, t);
    if (row == NM_ROW_NONE)
        return NULL;
    return tree_of_row(c, rel, row, depth);
}

/* ---- a small interpreter of plan bodies (why not, cones) ------------------------------- */

typedef struct solver solver;
typedef void (*on_op_fn)(solver *s, const nm_plan_op *op, int i);
struct solver {
    const xctx *c;
    const nm_plan_rule *r;
    nm_plan_body body;          /* canonical order */
    nm_cell *vars;
    bool *bound;
    uint64_t steps;
    /* prefix records: the longest prefix (visible conditions held) and its tries */
    int best;
    nm_vec tries;               /* try* */
    /* full solutions */
    bool track;                 /* record failures of s->body as tries */
    bool stop;
};

typedef struct try {
    nm_cell *vars;
    bool *bound;
    int fail;                   /* index in s->body of the failing op; body.n: none */
    int held;
    const char *key;            /* binding text, for ordering and duplicates */
} try;

static bool eval_x(const solver *s, const nm_plan_expr *x, nm_cell *out)
{
    switch (x->kind) {
    case NM_EXPR_VAR:
        if (!s->bound[x->var])
            return false;
        *out = s->vars[x->var];
        return true;
    case NM_EXPR_CONST:
        *out = x->value;
        return true;
    case NM_EXPR_CALL:
        break;
    }
    nm_cell args[8];
    if (x->nargs > 8)
        return false;
    for (int i = 0; i < x->nargs; i++)
        if (!eval_x(s, x->args[i], &args[i]))
            return false;
    const nm_plan_fn *f = s->c->plan->fns.items[x->fn];
    const char *why = NULL;
    return f->call(f->ctx, args, x->nargs, out, &why) == NM_PLAN_OK;
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

/* Rows of rel matching the op's known places, in row order (an index lookup). */
static nm_row *matching_rows(const solver *s, const nm_plan_op *op, nm_row *n)
{
    nm_rel *rel = nm_eval_rel(s->c->ev, op->rel);
    uint64_t mask = 0;
    nm_cell key[NM_REL_MAX_ARITY];
    int nk = 0;
    for (int i = 0; i < op->nargs; i++) {
        const nm_plan_term *t = &op->args[i];
        if (t->kind == NM_TERM_CONST || (t->kind == NM_TERM_VAR && s->bound[t->var]))
            mask |= (uint64_t)1 << i;
    }
    for (int i = 0; i < op->nargs; i++)
        if (mask >> i & 1)
            key[nk++] = op->args[i].kind == NM_TERM_CONST ? op->args[i].value : s->vars[op->args[i].var];
    nm_row cnt = 0, *rows;
    if (mask == 0) {
        rows = nm_alloc_atomic(sizeof *rows * (size_t)(rel->n + 1));
        for (nm_row i = 0; i < rel->n; i++)
            rows[cnt++] = i;
    } else if (nk == rel->arity) {
        rows = nm_alloc_atomic(sizeof *rows * 2);
        nm_row r = nm_rel_find(rel, key);
        if (r != NM_ROW_NONE)
            rows[cnt++] = r;
    } else {
        int idx = nm_rel_find_index(rel, mask);
        if (idx < 0)
            idx = nm_rel_add_index(rel, mask);
        nm_rel_iter it;
        nm_rel_lookup(rel, idx, key, 0, rel->n, &it);
        while (nm_rel_iter_next(&it) != NM_ROW_NONE)
            cnt++;
        rows = nm_alloc_atomic(sizeof *rows * (size_t)(cnt + 1));
        cnt = 0;
        nm_rel_lookup(rel, idx, key, 0, rel->n, &it);
        for (nm_row r; (r = nm_rel_iter_next(&it)) != NM_ROW_NONE;)
            rows[cnt++] = r;
    }
    *n = cnt;
    return rows;
}

/* Binds the op's unbound places to row t; false when a repeated variable disagrees.
 * newly[] receives the variables bound here. */
static bool bind_row(solver *s, const nm_plan_op *op, const nm_cell *t, int *newly, int *nnew)
{
    *nnew = 0;
    for (int i = 0; i < op->nargs; i++) {
        const nm_plan_term *a = &op->args[i];
        if (a->kind != NM_TERM_VAR)
            continue;
        if (s->bound[a->var]) {
            if (s->vars[a->var] != t[i]) {
                for (int j = 0; j < *nnew; j++)
                    s->bound[newly[j]] = false;
                *nnew = 0;
                return false;
            }
        } else {
            s->vars[a->var] = t[i];
            s->bound[a->var] = true;
            newly[(*nnew)++] = a->var;
        }
    }
    return true;
}

static int run_ops(solver *s, const nm_plan_body *b, int i, void (*done)(solver *, void *), void *ud);
static void record_try(solver *s, int i);

typedef struct aggacc {
    const nm_plan_agg *a;
    nm_rel *keys;
} aggacc;

static void agg_collect(solver *s, void *ud)
{
    aggacc *acc = ud;
    nm_cell t[NM_REL_MAX_ARITY];
    for (int k = 0; k < acc->a->nkeys; k++)
        t[k] = s->vars[acc->a->keys[k]];
    nm_rel_insert(acc->keys, t, NULL);
}

static bool agg_value(solver *s, const nm_plan_agg *a, nm_cell *out)
{
    aggacc acc = {a, nm_rel_new("~agg", a->nkeys)};
    bool *save = nm_alloc_atomic(sizeof(bool) * (size_t)(s->r->nvars + 1));
    memcpy(save, s->bound, sizeof(bool) * (size_t)s->r->nvars);
    bool stop = s->stop;
    run_ops(s, &a->body, 0, agg_collect, &acc);
    s->stop = stop;
    memcpy(s->bound, save, sizeof(bool) * (size_t)s->r->nvars);
    const nm_plan_values *v = &s->c->plan->values;
    int vc = -1;
    for (int k = 0; k < a->nkeys; k++)
        if (a->keys[k] == a->value)
            vc = k;
    switch (a->kind) {
    case NM_PLAN_AGG_COUNT:
        *out = v->from_int(v->ctx, (int64_t)acc.keys->n);
        return true;
    case NM_PLAN_AGG_SUM:
        *out = v->from_int(v->ctx, 0);
        for (nm_row i = 0; vc >= 0 && i < acc.keys->n; i++)
            if (v->add(v->ctx, *out, nm_rel_row(acc.keys, i)[vc], out) != NM_PLAN_OK)
                return false;
        return true;
    case NM_PLAN_AGG_MIN:
    case NM_PLAN_AGG_MAX:
        if (acc.keys->n == 0 || vc < 0)
            return false;
        *out = nm_rel_row(acc.keys, 0)[vc];
        for (nm_row i = 1; i < acc.keys->n; i++) {
            nm_cell x = nm_rel_row(acc.keys, i)[vc];
            int d = v->cmp(v->ctx, x, *out);
            if (a->kind == NM_PLAN_AGG_MIN ? d < 0 : d > 0)
                *out = x;
        }
        return true;
    }
    return false;
}

#define FAIL(i)                                                                             \
    do {                                                                                    \
        if (s->track && b == &s->body)                                                      \
            record_try(s, (i));                                                             \
        return (i);                                                                         \
    } while (0)

/* Runs ops i.. of body b under the current binding; calls done at each full solution.
 * Returns the greatest index reached (b->n when some solution was found). */
static int run_ops(solver *s, const nm_plan_body *b, int i, void (*done)(solver *, void *), void *ud)
{
    if (s->stop)
        return i;
    if (++s->steps > MAX_STEPS) {
        s->stop = true;
        return i;
    }
    if (i == b->n) {
        if (s->track && b == &s->body)
            record_try(s, i);
        if (done)
            done(s, ud);
        return i;
    }
    const nm_plan_op *op = &b->ops[i];
    const nm_plan_values *v = &s->c->plan->values;
    switch (op->kind) {
    case NM_OP_ATOM: {
        nm_row n;
        nm_row *rows = matching_rows(s, op, &n);
        nm_rel *rel = nm_eval_rel(s->c->ev, op->rel);
        int best = i;
        int newly[NM_REL_MAX_ARITY], nnew;
        bool any = false;
        for (nm_row k = 0; k < n && !s->stop; k++) {
            if (!bind_row(s, op, nm_rel_row(rel, rows[k]), newly, &nnew))
                continue;
            any = true;
            int got = run_ops(s, b, i + 1, done, ud);
            if (got > best)
                best = got;
            for (int j = 0; j < nnew; j++)
                s->bound[newly[j]] = false;
        }
        if (!any)
            FAIL(i);
        return best;
    }
    case NM_OP_NOT: {
        nm_row n;
        matching_rows(s, op, &n);
        if (n)
            FAIL(i);
        return run_ops(s, b, i + 1, done, ud);
    }
    case NM_OP_CMP: {
        nm_cell l, r;
        if (!eval_x(s, op->lhs, &l) || !eval_x(s, op->rhs, &r) ||
            !cmp_holds(op->cmp, v->cmp(v->ctx, l, r)))
            FAIL(i);
        return run_ops(s, b, i + 1, done, ud);
    }
    case NM_OP_TEST: {
        nm_cell out;
        if (!eval_x(s, op->expr, &out))
            FAIL(i);
        return run_ops(s, b, i + 1, done, ud);
    }
    case NM_OP_ASSIGN:
    case NM_OP_AGG: {
        nm_cell out;
        int var = op->kind == NM_OP_AGG ? op->agg->result : op->var;
        bool ok = op->kind == NM_OP_AGG ? agg_value(s, op->agg, &out) : eval_x(s, op->expr, &out);
        if (!ok)
            FAIL(i);
        if (s->bound[var]) {
            if (v->cmp(v->ctx, s->vars[var], out) != 0)
                FAIL(i);
            return run_ops(s, b, i + 1, done, ud);
        }
        s->vars[var] = out;
        s->bound[var] = true;
        int got = run_ops(s, b, i + 1, done, ud);
        s->bound[var] = false;
        return got;
    }
    }
    return i;
}

/* Binds the head of plan rule r to tuple t (NM_CELL_NONE: left unbound); false when
 * a constant of the head disagrees. */
static bool bind_head(solver *s, const nm_cell *t)
{
    for (int i = 0; i < s->r->nhead; i++) {
        const nm_plan_term *h = &s->r->head_args[i];
        if (t[i] == NM_CELL_NONE)
            continue;
        if (h->kind == NM_TERM_CONST) {
            if (h->value != t[i])
                return false;
        } else if (h->kind == NM_TERM_VAR) {
            if (s->bound[h->var] && s->vars[h->var] != t[i])
                return false;
            s->vars[h->var] = t[i];
            s->bound[h->var] = true;
        }
    }
    return true;
}

static solver *new_solver(const xctx *c, int rule, const nm_cell *head)
{
    solver *s = nm_alloc(sizeof *s);
    s->c = c;
    s->r = nm_plan_rule_at(c->plan, rule);
    size_t nv = (size_t)(s->r->nvars + 1);
    s->vars = nm_alloc_atomic(sizeof(nm_cell) * nv);
    s->bound = nm_alloc_atomic(sizeof(bool) * nv);
    memset(s->vars, 0, sizeof(nm_cell) * nv);
    memset(s->bound, 0, sizeof(bool) * nv);
    if (!bind_head(s, head))
        return NULL;
    bool *pre = nm_alloc_atomic(sizeof(bool) * nv);
    memcpy(pre, s->bound, sizeof(bool) * nv);
    size_t nrel = (size_t)(c->plan->rels.n + 1);
    bool *in_stratum = nm_alloc_atomic(sizeof(bool) * nrel);
    memset(in_stratum, 0, sizeof(bool) * nrel);
    size_t *sizes = nm_alloc_atomic(sizeof(size_t) * nrel);
    memset(sizes, 0, sizeof(size_t) * nrel);
    nm_buf err = {0};
    if (!nm_plan_order_with(c->plan, s->r, in_stratum, -1, sizes, NM_JOIN_SOURCE, pre, &s->body, &err))
        s->body = s->r->body;
    /* the exception checks last: a rule whose whole body holds is "defeated" */
    nm_plan_body ord = {0};
    ord.ops = nm_alloc(sizeof *ord.ops * (size_t)(s->body.n + 1));
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < s->body.n; i++) {
            const nm_plan_op *op = &s->body.ops[i];
            bool exc = op->kind == NM_OP_NOT && c->rel_rule[op->rel] >= 0;
            if (exc == (pass == 1))
                ord.ops[ord.n++] = *op;
        }
    ord.cap = ord.n;
    s->body = ord;
    return s;
}

/* ---- why not ---------------------------------------------------------------------------- */

static bool named_var(const nm_plan_rule *r, int v)
{
    return r->var_names && r->var_names[v] && r->var_names[v][0] && r->var_names[v][0] != '_' &&
           r->var_names[v][0] != '#';
}

static int try_cmp(const nm_plan_rule *r, const try *a, const try *b)
{
    for (int v = 0; v < r->nvars; v++) {
        if (!named_var(r, v))
            continue;
        if (a->bound[v] != b->bound[v])
            return a->bound[v] ? 1 : -1;
        if (a->bound[v]) {
            int d = nm_val_compare(a->vars[v], b->vars[v]);
            if (d)
                return d;
        }
    }
    return a->fail - b->fail;
}

static int count_visible(const xctx *c, const nm_plan_body *b, int upto)
{
    int n = 0;
    for (int i = 0; i < upto && i < b->n; i++)
        n += b->ops[i].kind != NM_OP_ASSIGN;
    (void)c;
    return n;
}

static void record_try(solver *s, int i)
{
    int held = count_visible(s->c, &s->body, i);
    if (held < s->best)
        return;
    if (held > s->best) {
        s->best = held;
        s->tries.n = 0;
    }
    if (s->tries.n >= 4096)
        return;
    size_t nv = (size_t)(s->r->nvars + 1);
    try *t = nm_alloc(sizeof *t);
    t->vars = nm_alloc_atomic(sizeof(nm_cell) * nv);
    t->bound = nm_alloc_atomic(sizeof(bool) * nv);
    memcpy(t->vars, s->vars, sizeof(nm_cell) * nv);
    memcpy(t->bound, s->bound, sizeof(bool) * nv);
    t->fail = i;
    t->held = held;
    for (int k = 0; k < s->tries.n; k++)
        if (try_cmp(s->r, s->tries.items[k], t) == 0)
            return;
    nm_vec_push(&s->tries, t);
}

static const nm_plan_rule *sort_rule;
static int try_qcmp(const void *a, const void *b)
{
    return try_cmp(sort_rule, *(try *const *)a, *(try *const *)b);
}

/* "o = o2, d = 2016-03-01": the named variables the body bound, in slot order. */
static const char *binding_text(const solver *s, const try *t, const bool *head_bound)
{
    nm_buf b = {0};
    for (int v = 0; v < s->r->nvars; v++) {
        if (!named_var(s->r, v) || !t->bound[v] || head_bound[v])
            continue;
        nm_buf_printf(&b, "%s%s = %s", b.len ? ", " : "", s->r->var_names[v], cell_text(t->vars[v]));
    }
    return nm_buf_str(&b);
}

/* The citations of the rules concluding pred (declaration order, no repeats). */
static void pred_cites(const xctx *c, int pred, const nm_pcite **out, int *n)
{
    const nm_ppred *pd = &c->prog->preds[pred];
    nm_pcite *all = nm_alloc(sizeof *all * 16);
    int k = 0;
    nm_buf seen = {0};
    for (int i = 0; i < pd->nrules && k < 16; i++) {
        const nm_prule *r = &c->prog->rules[pd->rules[i]];
        if (r->block_only)
            continue;
        for (int j = 0; j < r->ncites && k < 16; j++) {
            nm_buf one = {0};
            nm_citation_format(r->cites[j].cite, &one);
            nm_buf_putc(&one, '\n');
            if (seen.len && strstr(nm_buf_str(&seen), nm_buf_str(&one)))
                continue;
            nm_buf_puts(&seen, nm_buf_str(&one));
            all[k++] = r->cites[j];
        }
    }
    *out = all;
    *n = k;
}

static void why_not_into(const xctx *c, nm_x_node *parent, int pred, bool negated, const nm_cell *t,
                         const char **vnames, bool in_p, int depth);

static xctx *with_depth(const xctx *c, int depth)
{
    xctx *d = nm_alloc(sizeof *d);
    *d = *c;
    d->depth = depth;
    return d;
}

/* The node of the failing op of a try, with why it failed (to depth). */
static nm_x_node *fail_node(const xctx *c, const solver *s, const try *tr, bool in_p, int depth)
{
    const nm_plan_op *op = &s->body.ops[tr->fail];
    binding w = {s->r, tr->vars, tr->bound};
    nm_x_node *f = node(NM_X_FAIL, op_text(c, &w, op));
    f->cites = s->r->origin ? ((const nm_prule *)s->r->origin)->cites : NULL;
    f->ncites = s->r->origin ? ((const nm_prule *)s->r->origin)->ncites : 0;
    nm_cell tup[NM_REL_MAX_ARITY];
    switch (op->kind) {
    case NM_OP_ATOM: {
        int pred = c->rel_pred[op->rel];
        if (pred < 0 || is_aux(c, op->rel) || pred == NM_BUILTIN_DECISION_DATE)
            break;
        op_tuple(op, tr->vars, tr->bound, tup);
        const nm_ppred *pd = &c->prog->preds[pred];
        const char *names[NM_REL_MAX_ARITY];
        for (int i = 0; i < op->nargs; i++)
            names[i] = op->args[i].kind == NM_TERM_VAR && s->r->var_names ? s->r->var_names[op->args[i].var] : NULL;
        f->pred = pred;
        f->negated = c->rel_false[op->rel];
        f->arity = pd->arity;
        f->tuple = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(pd->arity + 1));
        memcpy((nm_cell *)f->tuple, tup, sizeof(nm_cell) * (size_t)pd->arity);
        f->var_names = nm_alloc(sizeof(char *) * (size_t)(pd->arity + 1));
        memcpy(f->var_names, names, sizeof(char *) * (size_t)pd->arity);
        if (pd->mode == NM_PRED_DERIVED) {
            const nm_pcite *pc;
            int n;
            pred_cites(c, pred, &pc, &n);
            f->cites = pc;
            f->ncites = n;
            if (depth > 0)
                why_not_into(c, f, pred, f->negated, tup, names, in_p, depth - 1);
            else
                add(f, node(NM_X_NOTE, "…"));
        } else {
            bool ground = true;
            for (int i = 0; i < pd->arity; i++)
                ground &= tup[i] != NM_CELL_NONE;
            nm_x_kind k = NM_X_NO_FACT;
            if (ground && pd->presumed_false && !c->lw->strict && !stated_false(c, pred, tup))
                k = NM_X_PRESUMED;
            else if (ground && !in_p && truth_of(c->lw, c->ev, pred, tup) == NM_UNKNOWN)
                k = NM_X_UNKNOWN;
            else if (ground && stated_false(c, pred, tup)) {
                const nm_pfact *pf = find_fact(c, pred, true, tup);
                nm_x_node *n = atom_node(c, pf && pf->found ? NM_X_FOUND : NM_X_FACT, pred, true, tup);
                if (pf && pf->atom.span.file)
                    n->where = where_of(&pf->atom.span);
                add(f, n);
                break;
            }
            nm_x_node *n = node(k, NULL);
            n->pred = pred;
            n->negated = k == NM_X_PRESUMED;
            n->arity = pd->arity;
            n->tuple = f->tuple;
            n->var_names = f->var_names;
            n->text = atom_text(c, pred, n->negated, f->tuple, f->var_names);
            if (k == NM_X_PRESUMED) {
                n->cites = pd->presume_cites;
                n->ncites = pd->npresume_cites;
            }
            if (pd->ncites && k == NM_X_NO_FACT) {
                n->cites = pd->cites;
                n->ncites = pd->ncites;
            }
            add(f, n);
        }
        break;
    }
    case NM_OP_NOT: {
        bool ground = op_tuple(op, tr->vars, tr->bound, tup);
        int rr = c->rel_rule[op->rel];
        if (rr >= 0) {
            /* defeated by an exception: the one whose instance applied */
            const nm_prule *r = &c->prog->rules[rr];
            f->kind = NM_X_DEFEATED;
            f->rule = r;
            f->text = "unless";
            f->cites = NULL;
            f->ncites = 0;
            nm_x_node *tree = ground ? why_tree(with_depth(c, depth < 0 ? 0 : depth + 1), op->rel, tup, 0) : NULL;
            if (tree && tree->rule && !c->rel_unless[op->rel]) {
                f->text = tree->rule->label;
                f->cites = tree->rule->cites;
                f->ncites = tree->rule->ncites;
            }
            if (tree)
                add(f, tree);
            break;
        }
        int pred = c->rel_pred[op->rel];
        if (ground && pred >= 0 && pred != NM_BUILTIN_DECISION_DATE && !is_aux(c, op->rel)) {
            int ar = c->prog->preds[pred].arity;
            f->pred = pred;
            f->negated = !c->rel_false[op->rel];
            f->arity = ar;
            nm_cell *copy = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(ar + 1));
            memcpy(copy, tup, sizeof(nm_cell) * (size_t)ar);
            f->tuple = copy;
        }
        if (ground && pred >= 0 && !is_aux(c, op->rel)) {
            nm_x_node *tree = why_tree(with_depth(c, depth < 0 ? 0 : depth + 1), op->rel, tup, 0);
            if (tree)
                add(f, tree);
        }
        break;
    }
    case NM_OP_TEST: {
        const nm_plan_expr *x = op->expr;
        if (x->kind == NM_EXPR_CALL) {
            const nm_plan_fn *fn = c->plan->fns.items[x->fn];
            if (strstr(fn->name, "in_force_on")) {
                f->kind = NM_X_NOT_IN_FORCE;
                in_force_fields(c, &w, x, f);
                if (fn->name[0] == 'r' && x->args[0]->kind == NM_EXPR_CONST) {
                    int64_t r;
                    if (nm_val_get_int(x->args[0]->value, &r) && r >= 0 && r < c->prog->nrules)
                        f->rule = &c->prog->rules[r];
                }
            }
        }
        break;
    }
    default:
        break;
    }
    return f;
}

/* Appends to parent one WHY_NOT node per rule that could conclude the atom (or the
 * reason no rule can: an input atom not stated, unknown or presumed). in_p: prefixes
 * hold in P (the atom is no); else in C (the atom is unknown). */
static void why_not_into(const xctx *c, nm_x_node *parent, int pred, bool negated, const nm_cell *t,
                         const char **vnames, bool in_p, int depth)
{
    const nm_ppred *pd = &c->prog->preds[pred];
    const nm_lowered *lw = c->lw;
    int found = 0;
    for (int ri = 0; ri < pd->nrules; ri++) {
        const nm_prule *pr = &c->prog->rules[pd->rules[ri]];
        if (pr->block_only || pr->head_negated != negated)
            continue;
        found++;
        int head = negated ? (in_p ? lw->pred_false_poss_rel[pred] : lw->pred_false_rel[pred])
                           : (in_p ? lw->pred_poss_rel[pred] : lw->pred_raw_rel[pred]);
        nm_x_node *wn = node(NM_X_WHY_NOT, pr->label);
        wn->rule = pr;
        wn->cites = pr->cites;
        wn->ncites = pr->ncites;
        add(parent, wn);
        solver *best = NULL;
        for (int i = 0; i < c->plan->rules.n; i++) {
            const nm_plan_rule *plr = nm_plan_rule_at(c->plan, i);
            if (plr->origin != pr || plr->head != head)
                continue;
            solver *s = new_solver(c, i, t);
            if (!s)
                continue;
            s->track = true;
            s->best = -1;
            run_ops(s, &s->body, 0, NULL, NULL);
            if (s->tries.n && (!best || s->best > best->best))
                best = s;
        }
        if (!best) {
            add(wn, node(NM_X_NOTE, "head cannot match"));
            continue;
        }
        sort_rule = best->r;
        if (best->tries.n)
            qsort(best->tries.items, (size_t)best->tries.n, sizeof(void *), try_qcmp);
        size_t nv = (size_t)(best->r->nvars + 1);
        bool *head_bound = nm_alloc_atomic(sizeof(bool) * nv);
        memset(head_bound, 0, sizeof(bool) * nv);
        for (int h = 0; h < best->r->nhead; h++)
            if (best->r->head_args[h].kind == NM_TERM_VAR && t[h] != NM_CELL_NONE)
                head_bound[best->r->head_args[h].var] = true;
        int total = count_visible(c, &best->body, best->body.n);
        for (int k = 0; k < best->tries.n && k < c->k; k++) {
            const try *tr = best->tries.items[k];
            nm_x_node *tn = node(NM_X_TRY, NULL);
            tn->binding = binding_text(best, tr, head_bound);
            tn->held = tr->held;
            tn->total = total;
            tn->text = nm_sprintf("%d/%d", tr->held, total);
            int b, nb;
            branch_of(c, best->r->id, &b, &nb);
            tn->branch = b;
            tn->nbranches = nb;
            if (tr->fail < best->body.n)
                add(tn, fail_node(c, best, tr, in_p, depth));
            add(wn, tn);
        }
    }
    if (found)
        return;
    /* no rule concludes it: an input atom */
    bool ground = true;
    for (int i = 0; i < pd->arity; i++)
        ground &= t[i] != NM_CELL_NONE;
    nm_x_kind k = NM_X_NO_FACT;
    if (pd->mode == NM_PRED_DERIVED)
        k = NM_X_NOTE;
    else if (ground && pd->presumed_false && !lw->strict && !stated_false(c, pred, t))
        k = NM_X_PRESUMED;
    else if (ground && truth_of(lw, c->ev, pred, t) == NM_UNKNOWN)
        k = NM_X_UNKNOWN;
    else if (ground && stated_false(c, pred, t)) {
        const nm_pfact *pf = find_fact(c, pred, true, t);
        nm_x_node *n = atom_node(c, pf && pf->found ? NM_X_FOUND : NM_X_FACT, pred, true, t);
        if (pf && pf->atom.span.file)
            n->where = where_of(&pf->atom.span);
        add(parent, n);
        return;
    }
    nm_x_node *n = node(k, NULL);
    n->pred = pred;
    n->negated = k == NM_X_PRESUMED;
    n->arity = pd->arity;
    nm_cell *copy = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(pd->arity + 1));
    memcpy(copy, t, sizeof(nm_cell) * (size_t)pd->arity);
    n->tuple = copy;
    n->var_names = vnames;
    n->text = k == NM_X_NOTE ? "no rule concludes it" : atom_text(c, pred, n->negated, copy, vnames);
    if (k == NM_X_NOTE)
        n->pred = -1;
    if (k == NM_X_PRESUMED) {
        n->cites = pd->presume_cites;
        n->ncites = pd->npresume_cites;
    }
    add(parent, n);
}

/* ---- the cone of an unknown atom: its candidates ([sem.whynot.missing]) ---------------- */

typedef struct cand {
    int pred;
    nm_cell *tuple;
    bool pos, neg;              /* occurs positively / negatively in the cone */
    const nm_prule *rule;       /* the first rule whose instance reads it */
} cand;

typedef struct cone {
    const xctx *c;
    nm_vec cands;               /* cand* */
    nm_vec seen;                /* texts of (rel, tuple) visited */
    int visits;
    bool presumed_only;         /* collect presumed-false atoms (strict twin) */
    bool polarity;              /* current polarity: true positive */
    const nm_prule *rule;
    int poss_of_n;
    int *poss_of;               /* C relation → its P relation, else itself */
} cone;

static void cone_rel(cone *k, int rel, const nm_cell *t, bool pos, int depth);

static void add_cand(cone *k, int pred, const nm_cell *t, bool pos)
{
    for (int i = 0; i < k->cands.n; i++) {
        cand *x = k->cands.items[i];
        if (x->pred == pred && memcmp(x->tuple, t, sizeof(nm_cell) * (size_t)k->c->prog->preds[pred].arity) == 0) {
            x->pos |= pos;
            x->neg |= !pos;
            return;
        }
    }
    if (k->cands.n >= MAX_CANDIDATES)
        return;
    cand *x = nm_alloc(sizeof *x);
    int ar = k->c->prog->preds[pred].arity;
    x->pred = pred;
    x->tuple = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(ar + 1));
    memcpy(x->tuple, t, sizeof(nm_cell) * (size_t)ar);
    x->pos = pos;
    x->neg = !pos;
    x->rule = k->rule;
    nm_vec_push(&k->cands, x);
}

typedef struct cone_visit {
    cone *k;
    const nm_plan_body *b;
    bool pos;
    int depth;
} cone_visit;

static void cone_solution(solver *s, void *ud);

/* An op of a solution: an unknown atom it reads is a candidate or a cone to enter. */
static void cone_op(cone *k, solver *s, const nm_plan_op *op, bool pos, int depth)
{
    const xctx *c = k->c;
    nm_cell t[NM_REL_MAX_ARITY];
    switch (op->kind) {
    case NM_OP_ATOM:
        if (!op_tuple(op, s->vars, s->bound, t) || is_kind_rel(c, op->rel))
            return;
        if (is_aux(c, op->rel)) {
            cone_rel(k, op->rel, t, pos, depth);
            return;
        }
        if (c->cert_of[op->rel] >= 0 && !nm_rel_contains(nm_eval_rel(c->ev, c->cert_of[op->rel]), t))
            cone_rel(k, op->rel, t, pos, depth);
        return;
    case NM_OP_NOT: {
        if (!op_tuple(op, s->vars, s->bound, t))
            return;
        int prel = op->rel < k->poss_of_n ? k->poss_of[op->rel] : op->rel;
        if (prel != op->rel && nm_rel_contains(nm_eval_rel(c->ev, prel), t) &&
            !nm_rel_contains(nm_eval_rel(c->ev, op->rel), t))
            cone_rel(k, prel, t, !pos, depth);
        return;
    }
    case NM_OP_AGG: {
        cone_visit v = {k, &op->agg->body, pos, depth};
        bool *save = nm_alloc_atomic(sizeof(bool) * (size_t)(s->r->nvars + 1));
        memcpy(save, s->bound, sizeof(bool) * (size_t)s->r->nvars);
        run_ops(s, &op->agg->body, 0, cone_solution, &v);
        memcpy(s->bound, save, sizeof(bool) * (size_t)s->r->nvars);
        s->stop = false;
        return;
    }
    default:
        return;
    }
}

static void cone_solution(solver *s, void *ud)
{
    cone_visit *v = ud;
    for (int i = 0; i < v->b->n; i++)
        cone_op(v->k, s, &v->b->ops[i], v->pos, v->depth);
}

/* Enters the unknown tuple t of relation rel (a P relation, ~aux or ~blocked). */
static void cone_rel(cone *k, int rel, const nm_cell *t, bool pos, int depth)
{
    const xctx *c = k->c;
    if (depth > 24 || k->visits > 2000)
        return;
    nm_buf key = {0};
    nm_buf_printf(&key, "%d%c", rel, pos ? '+' : '-');
    int ar = nm_plan_rel(c->plan, rel)->arity;
    for (int i = 0; i < ar; i++)
        nm_buf_printf(&key, "|%llx", (unsigned long long)t[i]);
    const char *ks = nm_buf_str(&key);
    for (int i = 0; i < k->seen.n; i++)
        if (strcmp(k->seen.items[i], ks) == 0)
            return;
    nm_vec_push(&k->seen, (void *)ks);
    k->visits++;
    int pred = c->rel_pred[rel];
    if (pred >= 0 && pred != NM_BUILTIN_DECISION_DATE && c->prog->preds[pred].mode != NM_PRED_DERIVED) {
        const nm_ppred *pd = &c->prog->preds[pred];
        if (k->presumed_only ? pd->presumed_false : c->lw->open[pred])
            add_cand(k, pred, t, pos);
        return;
    }
    /* a derived atom possibly denied: its P(p⁻) side reads against it */
    if (pred >= 0 && !c->rel_false[rel] && c->lw->pred_false_poss_rel[pred] >= 0 &&
        c->lw->pred_false_poss_rel[pred] != c->lw->pred_false_rel[pred] &&
        nm_rel_contains(nm_eval_rel(c->ev, c->lw->pred_false_poss_rel[pred]), t))
        cone_rel(k, c->lw->pred_false_poss_rel[pred], t, !pos, depth + 1);
    int target = rel;
    if (pred >= 0 && !c->rel_false[rel])
        target = c->lw->pred_poss_rel[pred] == c->lw->pred_rel[pred] ? c->lw->pred_raw_rel[pred]
                                                                     : c->lw->pred_poss_rel[pred];
    for (int i = 0; i < c->plan->rules.n; i++) {
        const nm_plan_rule *plr = nm_plan_rule_at(c->plan, i);
        if (plr->head != target || !plr->origin)
            continue;
        solver *s = new_solver(c, i, t);
        if (!s)
            continue;
        const nm_prule *save = k->rule;
        if (pred >= 0 || !k->rule)
            k->rule = plr->origin;
        cone_visit v = {k, &s->body, pos, depth + 1};
        run_ops(s, &s->body, 0, cone_solution, &v);
        k->rule = save;
    }
}

static cone *cone_of(const xctx *c, int pred, const nm_cell *t, bool presumed_only)
{
    cone *k = nm_alloc(sizeof *k);
    k->c = c;
    k->presumed_only = presumed_only;
    k->poss_of_n = c->plan->rels.n;
    k->poss_of = nm_alloc_atomic(sizeof(int) * (size_t)(k->poss_of_n + 1));
    for (int i = 0; i < k->poss_of_n; i++)
        k->poss_of[i] = i;
    for (int i = 0; i < k->poss_of_n; i++)
        if (c->cert_of[i] >= 0)
            k->poss_of[c->cert_of[i]] = i;
    cone_rel(k, c->lw->pred_poss_rel[pred], t, true, 0);
    return k;
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = *(cand *const *)a, *y = *(cand *const *)b;
    extern const nm_program *nm_x_sort_prog;
    int d = strcmp(nm_x_sort_prog->preds[x->pred].name, nm_x_sort_prog->preds[y->pred].name);
    if (d)
        return d;
    return nm_val_compare_tuple(x->tuple, y->tuple, (size_t)nm_x_sort_prog->preds[x->pred].arity);
}
const nm_program *nm_x_sort_prog;

/* ---- settling sets: hypothetical runs ---------------------------------------------------- */

typedef struct hypo {
    const xctx *c;
    const nm_lowered *lw;
    int pred;
    const nm_cell *t;
    cand **cands;
    int n;
    int runs;
} hypo;

/* The answer of the target when the candidates in `set` (indexes) take `val`. */
static nm_truth hypo_run(hypo *h, const int *set, const bool *val, int n)
{
    h->runs++;
    const nm_lowered *lw = h->lw;
    nm_eval *ev = nm_eval_new(lw->plan);
    for (int i = 0; i < n; i++)
        if (!val[i])
            nm_eval_add_fact(ev, lw->pred_false_rel[h->cands[set[i]]->pred], h->cands[set[i]]->tuple);
    nm_buf err = {0};
    if (!nm_model_reload(h->c->m, lw, ev, &err))
        return NM_UNKNOWN;
    for (int i = 0; i < n; i++)
        if (val[i]) {
            const cand *x = h->cands[set[i]];
            nm_eval_add_fact(ev, lw->pred_rel[x->pred], x->tuple);
            nm_eval_add_fact(ev, lw->pred_poss_rel[x->pred], x->tuple);
        }
    if (nm_eval_run(ev) != NM_EVAL_OK)
        return NM_UNKNOWN;
    return truth_of(lw, ev, h->pred, h->t);
}

static nm_x_node *settle_node(const xctx *c, hypo *h, const int *set, const bool *val, int n,
                              bool to_yes, bool exact)
{
    nm_x_node *s = node(NM_X_SETTLE, to_yes ? "to yes" : "to no");
    s->to_yes = to_yes;
    s->exact = exact;
    for (int i = 0; i < n; i++) {
        const cand *x = h->cands[set[i]];
        nm_x_node *a = atom_node(c, val[i] ? NM_X_FACT : NM_X_FACT, x->pred, !val[i], x->tuple);
        a->kind = NM_X_UNKNOWN;
        a->truth = val[i] ? NM_YES : NM_NO;
        add(s, a);
    }
    return s;
}

/* A subset-minimal settling set to `want`: exact (fewest atoms, least in value order)
 * for at most EXACT_N candidates within MAX_RUNS runs, else greedy. */
static nm_x_node *settle(const xctx *c, hypo *h, nm_truth want)
{
    int n = h->n;
    int *set = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
    bool *val = nm_alloc_atomic(sizeof(bool) * (size_t)(n + 1));
    if (n <= EXACT_N) {
        int start = h->runs;
        for (int size = 0; size <= n && h->runs - start < MAX_RUNS; size++) {
            /* subsets of `size` indexes in lexicographic order, values false < true */
            for (int i = 0; i < size; i++)
                set[i] = i;
            for (;;) {
                for (uint32_t bits = 0; bits < (1u << size) && h->runs - start < MAX_RUNS; bits++) {
                    for (int i = 0; i < size; i++)
                        val[i] = bits >> (size - 1 - i) & 1;
                    if (hypo_run(h, set, val, size) == want)
                        return settle_node(c, h, set, val, size, want == NM_YES, true);
                }
                int i = size - 1;
                while (i >= 0 && set[i] == n - size + i)
                    i--;
                if (i < 0 || h->runs - start >= MAX_RUNS)
                    break;
                set[i]++;
                for (int j = i + 1; j < size; j++)
                    set[j] = set[j - 1] + 1;
            }
            if (size == 0 && n == 0)
                break;
        }
        if (h->runs - start < MAX_RUNS) {
            nm_x_node *none = node(NM_X_SETTLE, want == NM_YES ? "to yes" : "to no");
            none->to_yes = want == NM_YES;
            none->none_found = true;
            none->exact = true;
            return none;
        }
    }
    /* greedy */
    int m = n;
    for (int i = 0; i < n; i++) {
        set[i] = i;
        const cand *x = h->cands[i];
        bool v = x->pos ? true : false;
        val[i] = want == NM_YES ? v : !v;
    }
    if (hypo_run(h, set, val, m) != want) {
        nm_x_node *none = node(NM_X_SETTLE, want == NM_YES ? "to yes" : "to no");
        none->to_yes = want == NM_YES;
        none->none_found = true;
        return none;
    }
    for (int i = n - 1; i >= 0; i--) {
        int *s2 = nm_alloc_atomic(sizeof(int) * (size_t)(m + 1));
        bool *v2 = nm_alloc_atomic(sizeof(bool) * (size_t)(m + 1));
        int k = 0;
        for (int j = 0; j < m; j++)
            if (set[j] != i) {
                s2[k] = set[j];
                v2[k++] = val[j];
            }
        if (k < m && hypo_run(h, s2, v2, k) == want) {
            memcpy(set, s2, sizeof(int) * (size_t)k);
            memcpy(val, v2, sizeof(bool) * (size_t)k);
            m = k;
        }
    }
    return settle_node(c, h, set, val, m, want == NM_YES, false);
}

/* MISSING nodes: the candidates grouped by the rule that reads them (first use). */
static void missing_groups(const xctx *c, nm_x_node *parent, cand **cs, int n)
{
    nm_vec rules = {0};
    for (int i = 0; i < n; i++) {
        bool have = false;
        for (int j = 0; j < rules.n; j++)
            have |= rules.items[j] == cs[i]->rule;
        if (!have)
            nm_vec_push(&rules, (void *)cs[i]->rule);
    }
    for (int j = 0; j < rules.n; j++) {
        const nm_prule *r = rules.items[j];
        nm_x_node *g = node(NM_X_MISSING, r ? r->label : "");
        g->rule = r;
        if (r) {
            g->cites = r->cites;
            g->ncites = r->ncites;
        }
        /* atoms differing in one place only are folded: p(a, ?s), s ∈ {…} */
        bool *used = nm_alloc_atomic(sizeof(bool) * (size_t)(n + 1));
        memset(used, 0, sizeof(bool) * (size_t)(n + 1));
        for (int i = 0; i < n; i++) {
            if (cs[i]->rule != r || used[i])
                continue;
            used[i] = true;
            int ar = c->prog->preds[cs[i]->pred].arity;
            int fold = -1;
            nm_vec vals = {0};
            for (int pos = 0; pos < ar && fold < 0; pos++) {
                nm_vec v = {0};
                nm_vec_push(&v, (void *)(uintptr_t)cs[i]->tuple[pos]);
                for (int k = i + 1; k < n; k++) {
                    if (used[k] || cs[k]->rule != r || cs[k]->pred != cs[i]->pred)
                        continue;
                    bool same = true;
                    for (int q = 0; q < ar && same; q++)
                        same = q == pos || cs[k]->tuple[q] == cs[i]->tuple[q];
                    if (same)
                        nm_vec_push(&v, (void *)(uintptr_t)cs[k]->tuple[pos]);
                }
                if (v.n > 1) {
                    fold = pos;
                    vals = v;
                }
            }
            nm_x_node *a = atom_node(c, NM_X_UNKNOWN, cs[i]->pred, false, cs[i]->tuple);
            a->truth = NM_UNKNOWN;
            a->formal = true;
            if (fold >= 0) {
                for (int k = i + 1; k < n; k++) {
                    if (used[k] || cs[k]->rule != r || cs[k]->pred != cs[i]->pred)
                        continue;
                    bool same = true;
                    for (int q = 0; q < ar && same; q++)
                        same = q == fold || cs[k]->tuple[q] == cs[i]->tuple[q];
                    if (same)
                        used[k] = true;
                }
                const char *vn = c->prog->preds[cs[i]->pred].arg_names[fold];
                if (!vn || !*vn)
                    vn = "x";
                const char **names = nm_alloc(sizeof(char *) * (size_t)(ar + 1));
                names[fold] = vn;
                nm_cell *tt = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(ar + 1));
                memcpy(tt, cs[i]->tuple, sizeof(nm_cell) * (size_t)ar);
                tt[fold] = NM_CELL_NONE;
                a->tuple = tt;
                a->var_names = names;
                nm_buf b = {0};
                nm_buf_printf(&b, "%s, %s ∈ ", atom_text(c, cs[i]->pred, false, tt, names), vn);
                /* a list holding exactly these values is named */
                const char *list = NULL;
                for (int L = 0; L < c->prog->npreds && !list; L++) {
                    const nm_ppred *lp = &c->prog->preds[L];
                    if (lp->origin != NM_ORIGIN_LIST || lp->arity != 1)
                        continue;
                    nm_rel *lr = nm_eval_rel(c->ev, c->lw->pred_rel[L]);
                    if ((int)lr->n != vals.n)
                        continue;
                    bool all = true;
                    for (int q = 0; q < vals.n && all; q++) {
                        nm_cell cell = (nm_cell)(uintptr_t)vals.items[q];
                        all = nm_rel_contains(lr, &cell);
                    }
                    if (all)
                        list = lp->name;
                }
                if (list) {
                    nm_buf_puts(&b, list);
                } else {
                    nm_buf_putc(&b, '{');
                    for (int q = 0; q < vals.n; q++)
                        nm_buf_printf(&b, "%s%s", q ? ", " : "",
                                      cell_text((nm_cell)(uintptr_t)vals.items[q]));
                    nm_buf_putc(&b, '}');
                }
                a->text = nm_buf_str(&b);
                a->value = list;
                a->items = nm_alloc(sizeof(char *) * (size_t)(vals.n + 1));
                for (int q = 0; q < vals.n; q++)
                    a->items[q] = cell_text((nm_cell)(uintptr_t)vals.items[q]);
                a->nitems = vals.n;
            }
            add(g, a);
        }
        add(parent, g);
    }
}

static cand **sorted_cands(const xctx *c, cone *k)
{
    cand **cs = nm_alloc(sizeof(cand *) * (size_t)(k->cands.n + 1));
    for (int i = 0; i < k->cands.n; i++)
        cs[i] = k->cands.items[i];
    nm_x_sort_prog = c->prog;
    if (k->cands.n)
        qsort(cs, (size_t)k->cands.n, sizeof(cand *), cand_cmp);
    return cs;
}

/* The presumptions a presumed answer rests on: presumed atoms of its cone in the
 * strict twin, reduced greedily to a subset-minimal set that still gives the
 * default answer ([sem.presume]). */
static void presumptions(const xctx *c, nm_x_node *ans, int pred, const nm_cell *t, nm_truth want)
{
    const nm_lowered *slw;
    const nm_eval *sev;
    if (!nm_model_strict_twin(c->m, &slw, &sev))
        return;
    xctx *sc = new_ctx(c->m, slw, sev);
    cone *k = cone_of(sc, pred, t, true);
    cand **cs = sorted_cands(sc, k);
    int n = k->cands.n;
    hypo h = {sc, slw, pred, t, cs, n, 0};
    int *set = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
    bool *val = nm_alloc_atomic(sizeof(bool) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        set[i] = i;
        val[i] = false;
    }
    int m = n;
    if (n <= 32 && hypo_run(&h, set, val, m) == want) {
        for (int i = n - 1; i >= 0; i--) {
            int *s2 = nm_alloc_atomic(sizeof(int) * (size_t)(m + 1));
            int kk = 0;
            for (int j = 0; j < m; j++)
                if (set[j] != i)
                    s2[kk++] = set[j];
            if (kk < m && hypo_run(&h, s2, val, kk) == want) {
                memcpy(set, s2, sizeof(int) * (size_t)kk);
                m = kk;
            }
        }
    }
    for (int i = 0; i < m; i++) {
        const cand *x = cs[set[i]];
        nm_x_node *a = atom_node(c, NM_X_PRESUMED, x->pred, true, x->tuple);
        a->cites = c->prog->preds[x->pred].presume_cites;
        a->ncites = c->prog->preds[x->pred].npresume_cites;
        add(ans, a);
    }
}

/* ---- answers ------------------------------------------------------------------------------ */

static bool is_conflict(const xctx *c, int pred, const nm_cell *t)
{
    const nm_lowered *lw = c->lw;
    if (!nm_rel_contains(nm_eval_rel(c->ev, lw->pred_false_rel[pred]), t))
        return false;
    int pos = c->prog->preds[pred].mode == NM_PRED_DERIVED ? lw->pred_raw_rel[pred] : lw->pred_poss_rel[pred];
    return nm_rel_contains(nm_eval_rel(c->ev, pos), t);
}

static nm_x_node *explain_answer(const xctx *c0, int pred, const nm_cell *t, const char **vnames,
                                 nm_truth truth, unsigned tags, const nm_explain_options *opt)
{
    xctx *c = with_depth(c0, c0->depth);
    c->shown = nm_alloc(sizeof *c->shown);
    const nm_lowered *lw = c->lw;
    nm_x_node *ans = atom_node(c, NM_X_ANSWER, pred, false, t);
    ans->var_names = vnames;
    ans->text = atom_text(c, pred, false, ans->tuple, vnames);
    ans->truth = truth;
    ans->tags = tags;
    bool ground = true;
    for (int i = 0; i < c->prog->preds[pred].arity; i++)
        ground &= t[i] != NM_CELL_NONE;
    int wn_depth = opt->depth > 0 ? opt->depth : WHYNOT_DEPTH;
    if (ground && (tags & NM_TAG_CONFLICT) && is_conflict(c, pred, t)) {
        nm_x_node *cf = atom_node(c, NM_X_CONFLICT, pred, false, t);
        int pos = c->prog->preds[pred].mode == NM_PRED_DERIVED ? lw->pred_raw_rel[pred] : lw->pred_rel[pred];
        nm_x_node *yes = why_tree(c, pos, t, 0);
        if (!yes && pos != lw->pred_poss_rel[pred])
            yes = why_tree(c, lw->pred_poss_rel[pred], t, 0);
        add(cf, yes);
        add(cf, why_tree(c, lw->pred_false_rel[pred], t, 0));
        add(ans, cf);
    } else if (ground && truth == NM_YES) {
        add(ans, why_tree(c, lw->pred_rel[pred], t, 0));
    } else if (ground && truth == NM_UNKNOWN) {
        add(ans, why_tree(c, lw->pred_poss_rel[pred], t, 0));
    } else {
        if (ground && nm_rel_contains(nm_eval_rel(c->ev, lw->pred_false_rel[pred]), t))
            add(ans, why_tree(c, lw->pred_false_rel[pred], t, 0));
        why_not_into(c, ans, pred, false, t, vnames, true, wn_depth);
    }
    if (opt->why_not && ground && truth != NM_NO)
        why_not_into(c, ans, pred, false, t, vnames, truth == NM_YES, wn_depth);
    if (ground && (tags & NM_TAG_PRESUMED))
        presumptions(c, ans, pred, t, truth);
    if (ground && opt->missing && truth == NM_UNKNOWN) {
        cone *k = cone_of(c, pred, t, false);
        cand **cs = sorted_cands(c, k);
        missing_groups(c, ans, cs, k->cands.n);
        hypo h = {c, lw, pred, t, cs, k->cands.n, 0};
        add(ans, settle(c, &h, NM_YES));
        add(ans, settle(c, &h, NM_NO));
    }
    return ans;
}

nm_explanation *nm_x_explain(nm_model *m, const char *atom, const nm_explain_options *opt)
{
    nm_explain_options none = {0};
    if (!opt)
        opt = &none;
    const nm_lowered *lw = nm_model_lowered(m);
    const nm_eval *ev = nm_model_eval(m);
    nm_engine *e = nm_model_engine(m);
    if (!nm_eval_rel(ev, lw->pred_rel[0])->prov && lw->prog->npreds) {
        nm_span s;
        memset(&s, 0, sizeof s);
        nm_error(e->diags, s, "E-explain", "the model was run without provenance");
        return NULL;
    }
    int pred, nargs;
    nm_cell *cells;
    int *var;
    if (!nm_model_parse_query(m, atom, &pred, &nargs, &cells, &var))
        return NULL;
    xctx *c = new_ctx(m, lw, ev);
    c->depth = opt->depth > 0 ? opt->depth : -1;
    c->k = opt->why_not_k > 0 ? opt->why_not_k : DEFAULT_K;
    nm_explanation *x = nm_alloc(sizeof *x);
    x->prog = lw->prog;
    x->lw = lw;
    x->query = nm_strdup(atom);
    bool ground = true;
    for (int j = 0; j < nargs; j++)
        ground &= var[j] == -1;
    if (ground) {
        /* one answer, found by lookups (nm_model_query may scan the relation) */
        nm_truth tr = truth_of(lw, ev, pred, cells);
        unsigned tags = 0;
        const nm_lowered *slw;
        const nm_eval *sev;
        if (nm_model_strict_twin(m, &slw, &sev) && truth_of(slw, sev, pred, cells) != tr)
            tags |= NM_TAG_PRESUMED;
        if (is_conflict(c, pred, cells))
            tags |= NM_TAG_CONFLICT;
        x->answers = nm_alloc(sizeof(nm_x_node *));
        x->answers[x->nanswers++] = explain_answer(c, pred, cells, NULL, tr, tags, opt);
        return x;
    }
    nm_answers *a = nm_model_query(m, atom);
    if (!a)
        return NULL;
    int n = nm_answers_count(a);
    x->answers = nm_alloc(sizeof(nm_x_node *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        x->answers[x->nanswers++] = explain_answer(c, pred, nm_answers_row(a, i), NULL,
                                                   nm_answers_truth(a, i), nm_answers_tags(a, i), opt);
    if (n == 0) {
        /* why not, with the query's variables */
        const char **names = nm_alloc(sizeof(char *) * (size_t)(nargs + 1));
        nm_cell *t = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(nargs + 1));
        for (int j = 0; j < nargs; j++) {
            t[j] = var[j] == -1 ? cells[j] : NM_CELL_NONE;
            if (var[j] != -1) {
                const char *an = lw->prog->preds[pred].arg_names[j];
                names[j] = an && *an ? an : "_";
            }
        }
        x->answers = nm_alloc(sizeof(nm_x_node *));
        x->answers[x->nanswers++] = explain_answer(c, pred, t, names, NM_NO, 0, opt);
    }
    return x;
}

nm_explanation *nm_model_explain(nm_model *m, const char *atom, const nm_explain_options *opt)
{
    return nm_x_explain(m, atom, opt);
}
