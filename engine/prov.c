/* prov.c — explanation trees from the provenance records of an evaluation (see
 * prov.h). Sits after eval: reads the lowered program (for source rules, facts and
 * the names of internal relations) and asks the evaluator for least witnesses. */
#include "prov.h"

#include <string.h>

#include "value.h"

typedef struct pctx {
    const nm_lowered *lw;
    const nm_eval *ev;
    const nm_plan_program *plan;
    int max_depth;
    int *rel_pred;              /* relation → predicate, -1 for internal relations */
    bool *rel_false;            /* relation holds explicitly false atoms */
    int *cert_of;               /* a possible relation P(…) → its certain one, else -1 */
} pctx;

static bool has_suffix_part(const char *name, const char *part)
{
    return name && strstr(name, part) != NULL;
}

static bool is_aux(const pctx *c, int rel)
{
    return has_suffix_part(nm_plan_rel(c->plan, rel)->name, "~aux");
}

static bool is_blocked(const pctx *c, int rel)
{
    return has_suffix_part(nm_plan_rel(c->plan, rel)->name, "~blocked");
}

static nm_prov_tree *new_node(nm_prov_kind kind, const char *text)
{
    nm_prov_tree *t = nm_alloc(sizeof *t);
    t->kind = kind;
    t->text = text;
    t->rel = -1;
    t->plan_rule = -1;
    return t;
}

static void add_child(nm_prov_tree *t, nm_prov_tree *child)
{
    if ((t->nchildren & (t->nchildren - 1)) == 0) {
        int cap = t->nchildren ? t->nchildren * 2 : 1;
        nm_prov_tree **c = nm_alloc(sizeof *c * (size_t)cap);
        if (t->nchildren)
            memcpy(c, t->children, sizeof *c * (size_t)t->nchildren);
        t->children = c;
    }
    t->children[t->nchildren++] = child;
}

/* ---- text --------------------------------------------------------------------------- */

/* The predicate name of a relation: the predicate's for its relations, else the
 * plan's name. */
static const char *rel_name(const pctx *c, int rel)
{
    int pred = c->rel_pred[rel];
    return pred >= 0 ? c->lw->prog->preds[pred].name : nm_plan_rel(c->plan, rel)->name;
}

static void put_atom(const pctx *c, int rel, const nm_cell *tuple, int arity, nm_buf *b)
{
    if (c->rel_false[rel])
        nm_buf_puts(b, "not ");
    nm_buf_puts(b, rel_name(c, rel));
    if (arity == 0)
        return;
    nm_buf_putc(b, '(');
    for (int i = 0; i < arity; i++) {
        if (i)
            nm_buf_puts(b, ", ");
        nm_buf_puts(b, nm_val_format_literal(tuple[i]));
    }
    nm_buf_putc(b, ')');
}

static void put_var(const nm_plan_rule *r, const nm_eval_witness *w, int v, nm_buf *b)
{
    if (w && v < w->nvars && w->bound[v])
        nm_buf_puts(b, nm_val_format_literal(w->vars[v]));
    else if (r->var_names && v < r->nvars && r->var_names[v])
        nm_buf_puts(b, r->var_names[v]);
    else
        nm_buf_printf(b, "#%d", v);
}

static void put_expr(const pctx *c, const nm_plan_rule *r, const nm_eval_witness *w,
                     const nm_plan_expr *x, bool nested, nm_buf *b)
{
    switch (x->kind) {
    case NM_EXPR_VAR:
        put_var(r, w, x->var, b);
        return;
    case NM_EXPR_CONST:
        nm_buf_puts(b, nm_val_format_literal(x->value));
        return;
    case NM_EXPR_CALL:
        break;
    }
    const nm_plan_fn *f = c->plan->fns.items[x->fn];
    if (x->nargs == 3 && strncmp(f->name, "within ", 7) == 0) {
        /* `a within d of b`; lowering's negated variants carry ctx >= 3 */
        bool negated = (intptr_t)f->ctx >= 3;
        if (negated)
            nm_buf_puts(b, "not (");
        put_expr(c, r, w, x->args[0], true, b);
        nm_buf_puts(b, " within ");
        put_expr(c, r, w, x->args[1], true, b);
        nm_buf_printf(b, " %s ", f->name + 7);
        put_expr(c, r, w, x->args[2], true, b);
        if (negated)
            nm_buf_putc(b, ')');
        return;
    }
    if (x->nargs == 2) {
        if (nested)
            nm_buf_putc(b, '(');
        put_expr(c, r, w, x->args[0], true, b);
        nm_buf_printf(b, " %s ", f->name);
        put_expr(c, r, w, x->args[1], true, b);
        if (nested)
            nm_buf_putc(b, ')');
        return;
    }
    if (x->nargs == 1) {
        nm_buf_puts(b, f->name);
        put_expr(c, r, w, x->args[0], true, b);
        return;
    }
    nm_buf_printf(b, "%s(", f->name);
    for (int i = 0; i < x->nargs; i++) {
        if (i)
            nm_buf_puts(b, ", ");
        put_expr(c, r, w, x->args[i], false, b);
    }
    nm_buf_putc(b, ')');
}

static const char *const cmp_text[] = {"=", "!=", "<", "<=", ">", ">="};
static const char *const agg_text[] = {"count", "sum", "min", "max"};

static void put_body(const pctx *c, const nm_plan_rule *r, const nm_eval_witness *w,
                     const nm_plan_body *body, int depth, nm_buf *b);

/* `q(a, _)`, with the witness's values for bound variables. */
static void put_op_atom(const pctx *c, const nm_plan_rule *r, const nm_eval_witness *w,
                        const nm_plan_op *op, nm_buf *b)
{
    if (c->rel_false[op->rel])
        nm_buf_puts(b, "not ");
    nm_buf_puts(b, rel_name(c, op->rel));
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
            nm_buf_puts(b, nm_val_format_literal(t->value));
        else if (t->kind == NM_TERM_VAR)
            put_var(r, w, t->var, b);
    }
    nm_buf_putc(b, ')');
}

/* The formula an auxiliary relation stands for: its rules' bodies joined by `or`. */
static void put_aux(const pctx *c, const nm_eval_witness *w, int rel, int depth, nm_buf *b)
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
        put_body(c, ar, w, &ar->body, depth + 1, b);
    }
    nm_buf_putc(b, ')');
}

static void put_agg(const pctx *c, const nm_plan_rule *r, const nm_eval_witness *w,
                    const nm_plan_agg *a, int depth, nm_buf *b)
{
    nm_buf_printf(b, "%s(", agg_text[a->kind]);
    if (a->kind == NM_PLAN_AGG_COUNT) {
        for (int k = 0; k < a->nkeys; k++) {
            if (k)
                nm_buf_puts(b, ", ");
            put_var(r, NULL, a->keys[k], b);
        }
    } else {
        put_var(r, NULL, a->value, b);
    }
    nm_buf_puts(b, " for ");
    put_body(c, r, w, &a->body, depth + 1, b);
    nm_buf_putc(b, ')');
}

/* A conjunction as text (lowering's assignments left out). */
static void put_body(const pctx *c, const nm_plan_rule *r, const nm_eval_witness *w,
                     const nm_plan_body *body, int depth, nm_buf *b)
{
    if (depth > 8) {
        nm_buf_puts(b, "…");
        return;
    }
    bool first = true;
    for (int i = 0; i < body->n; i++) {
        const nm_plan_op *op = &body->ops[i];
        if (op->kind == NM_OP_ASSIGN)
            continue;
        if (!first)
            nm_buf_puts(b, " and ");
        first = false;
        switch (op->kind) {
        case NM_OP_ATOM:
            if (is_aux(c, op->rel))
                put_aux(c, w, op->rel, depth, b);
            else
                put_op_atom(c, r, w, op, b);
            break;
        case NM_OP_NOT:
            nm_buf_puts(b, "not ");
            if (is_aux(c, op->rel))
                put_aux(c, w, op->rel, depth, b);
            else
                put_op_atom(c, r, w, op, b);
            break;
        case NM_OP_CMP:
            put_expr(c, r, w, op->lhs, false, b);
            nm_buf_printf(b, " %s ", cmp_text[op->cmp]);
            put_expr(c, r, w, op->rhs, false, b);
            break;
        case NM_OP_TEST:
            put_expr(c, r, w, op->expr, false, b);
            break;
        case NM_OP_AGG:
            put_agg(c, r, w, op->agg, depth, b);
            break;
        case NM_OP_ASSIGN:
            break;
        }
    }
}

/* ---- facts ------------------------------------------------------------------------- */

/* The first program or case fact stating `tuple` of relation rel, or NULL. */
static const nm_pfact *find_fact(const pctx *c, int rel, const nm_cell *tuple)
{
    int pred = c->rel_pred[rel];
    if (pred < 0)
        return NULL;
    const nm_program *p = c->lw->prog;
    for (int i = 0; i < p->nfacts; i++) {
        const nm_pfact *f = &p->facts[i];
        if (f->atom.pred != pred || f->negated != c->rel_false[rel] ||
            (f->case_id != -1 && f->case_id != c->lw->case_id))
            continue;
        bool same = true;
        for (int j = 0; j < f->atom.nargs && same; j++) {
            nm_cell v;
            nm_buf err = {0};
            same = nm_lower_const_expr(c->lw, f->atom.args[j], &v, &err) && v == tuple[j];
        }
        if (same)
            return f;
    }
    return NULL;
}

/* ---- trees ------------------------------------------------------------------------- */

static nm_prov_tree *atom_node(const pctx *c, int rel, nm_row row, int depth);

/* A possible atom that is not certain: unknown ([sem.three]). */
static bool is_unknown(const pctx *c, int rel, const nm_cell *tuple)
{
    int cert = c->cert_of[rel];
    return cert >= 0 && !nm_rel_contains(nm_eval_rel(c->ev, cert), tuple);
}

/* The rule whose `~blocked` relation is rel, or NULL. */
static const nm_prule *blocked_rule(const pctx *c, int rel)
{
    const nm_program *p = c->lw->prog;
    for (int i = 0; i < p->nrules; i++)
        if ((c->lw->rule_blocked_rel && c->lw->rule_blocked_rel[i] == rel) ||
            (c->lw->rule_blocked_poss_rel && c->lw->rule_blocked_poss_rel[i] == rel))
            return &p->rules[i];
    const char *name = nm_plan_rel(c->plan, rel)->name;
    const char *tilde = strstr(name, "~blocked");
    int k = nm_program_rule(p, nm_strndup(name, (size_t)(tilde - name)));
    return k >= 0 ? &p->rules[k] : NULL;
}

static nm_prov_tree *exception_node(const pctx *c, int rel)
{
    const nm_prule *r = blocked_rule(c, rel);
    nm_prov_tree *t = new_node(NM_PROV_EXCEPTION, NULL);
    t->rel = rel;
    t->rule = r;
    nm_buf b = {0};
    if (!r) {
        nm_buf_printf(&b, "not %s", nm_plan_rel(c->plan, rel)->name);
    } else {
        nm_buf_puts(&b, r->nexceptions > 1 ? "exceptions " : "exception ");
        for (int i = 0; i < r->nexceptions; i++)
            nm_buf_printf(&b, "%s%s", i ? ", " : "", c->lw->prog->rules[r->exceptions[i]].label);
        nm_buf_printf(&b, " to %s did not apply", r->label);
    }
    t->text = nm_buf_str(&b);
    return t;
}

static nm_prov_tree *agg_node(const pctx *c, const nm_plan_rule *r, const nm_eval_witness *w,
                              const nm_plan_op *op)
{
    const nm_plan_agg *a = op->agg;
    const nm_eval_witness_agg *wa = &w->agg[op->src];
    nm_prov_tree *t = new_node(NM_PROV_AGG, NULL);
    t->value = wa->value;
    nm_buf b = {0};
    put_agg(c, r, w, a, 0, &b);
    nm_buf_printf(&b, " = %s", nm_val_format_literal(wa->value));
    if (wa->nfirst > 0) {
        nm_buf_puts(&b, " over ");
        for (int i = 0; i < wa->nfirst; i++) {
            if (i)
                nm_buf_puts(&b, ", ");
            if (wa->nkeys != 1)
                nm_buf_putc(&b, '(');
            for (int k = 0; k < wa->nkeys; k++)
                nm_buf_printf(&b, "%s%s", k ? ", " : "",
                              nm_val_format_literal(wa->first[(size_t)i * (size_t)wa->nkeys + (size_t)k]));
            if (wa->nkeys != 1)
                nm_buf_putc(&b, ')');
        }
        if (wa->nrest)
            nm_buf_printf(&b, " and %llu more", (unsigned long long)wa->nrest);
    }
    t->text = nm_buf_str(&b);
    return t;
}

/* Appends to t the children given by the least witness of plan rule `rule` for
 * `tuple` at `height`: one per literal in body source order, auxiliary atoms
 * inlined. Children are at depth + 1. */
static void add_body(const pctx *c, nm_prov_tree *t, int rule, const nm_cell *tuple,
                     uint32_t height, int depth)
{
    nm_eval_witness w;
    if (!nm_eval_witness_find(c->ev, rule, tuple, height, &w)) {
        add_child(t, new_node(NM_PROV_MORE, "? (no witness found)"));
        return;
    }
    const nm_plan_rule *r = nm_plan_rule_at(c->plan, rule);
    for (int i = 0; i < r->body.n; i++) {
        const nm_plan_op *op = &r->body.ops[i];
        nm_buf b = {0};
        switch (op->kind) {
        case NM_OP_ATOM: {
            nm_rel *rel = nm_eval_rel(c->ev, op->rel);
            if (is_aux(c, op->rel)) {
                uint32_t ar = nm_rel_prov_rule(rel, w.row[i]);
                if (ar != UINT32_MAX)
                    add_body(c, t, (int)ar, nm_rel_row(rel, w.row[i]),
                             nm_rel_prov_height(rel, w.row[i]), depth);
                break;
            }
            add_child(t, atom_node(c, op->rel, w.row[i], depth + 1));
            break;
        }
        case NM_OP_NOT: {
            if (is_blocked(c, op->rel)) {
                add_child(t, exception_node(c, op->rel));
                break;
            }
            nm_prov_tree *n = new_node(NM_PROV_NOT, NULL);
            n->rel = op->rel;
            nm_buf_puts(&b, "not ");
            if (c->rel_false[op->rel]) {
                /* `not p~false(…)`: the atom is not concluded false */
                nm_buf_putc(&b, '(');
                put_op_atom(c, r, &w, op, &b);
                nm_buf_putc(&b, ')');
            } else if (is_aux(c, op->rel))
                put_aux(c, &w, op->rel, 0, &b);
            else
                put_op_atom(c, r, &w, op, &b);
            n->text = nm_buf_str(&b);
            add_child(t, n);
            break;
        }
        case NM_OP_CMP:
        case NM_OP_TEST: {
            nm_plan_body one = {1, 1, (nm_plan_op *)op};
            put_body(c, r, &w, &one, 0, &b);
            add_child(t, new_node(op->kind == NM_OP_CMP ? NM_PROV_CMP : NM_PROV_TEST,
                                  nm_buf_str(&b)));
            break;
        }
        case NM_OP_AGG:
            add_child(t, agg_node(c, r, &w, op));
            break;
        case NM_OP_ASSIGN:
            break;
        }
    }
}

static nm_prov_tree *atom_node(const pctx *c, int rel, nm_row row, int depth)
{
    nm_rel *r = nm_eval_rel(c->ev, rel);
    const nm_cell *tuple = nm_rel_row(r, row);
    uint32_t rule = nm_rel_prov_rule(r, row);
    if (rule != UINT32_MAX && !nm_plan_rule_at(c->plan, (int)rule)->origin) {
        /* a rule of lowering's own (C(p) = C(p⁺) minus P(p⁻)): the tree of the
         * atom its first positive literal matched, under this atom's name */
        nm_eval_witness w;
        const nm_plan_rule *pr = nm_plan_rule_at(c->plan, (int)rule);
        if (nm_eval_witness_find(c->ev, (int)rule, tuple, nm_rel_prov_height(r, row), &w))
            for (int i = 0; i < pr->body.n; i++)
                if (pr->body.ops[i].kind == NM_OP_ATOM) {
                    nm_prov_tree *t = atom_node(c, pr->body.ops[i].rel, w.row[i], depth);
                    nm_buf b = {0};
                    put_atom(c, rel, tuple, r->arity, &b);
                    t->text = nm_buf_str(&b);
                    t->rel = rel;
                    t->unknown = is_unknown(c, rel, tuple);
                    return t;
                }
    }
    nm_prov_tree *t = new_node(rule == UINT32_MAX ? NM_PROV_FACT : NM_PROV_RULE, NULL);
    t->unknown = is_unknown(c, rel, tuple);
    nm_buf b = {0};
    put_atom(c, rel, tuple, r->arity, &b);
    t->text = nm_buf_str(&b);
    t->rel = rel;
    t->arity = r->arity;
    t->tuple = tuple;
    t->height = nm_rel_prov_height(r, row);
    if (rule == UINT32_MAX) {
        t->fact = find_fact(c, rel, tuple);
        return t;
    }
    const nm_plan_rule *pr = nm_plan_rule_at(c->plan, (int)rule);
    t->plan_rule = (int)rule;
    t->rule = pr->origin;
    /* branches: the plan rules of the same source rule and head, in id order */
    for (int i = 0; i < c->plan->rules.n; i++) {
        const nm_plan_rule *o = nm_plan_rule_at(c->plan, i);
        if (o->origin != pr->origin || o->head != pr->head)
            continue;
        t->nbranches++;
        if (i <= (int)rule)
            t->branch++;
    }
    if (c->max_depth >= 0 && depth >= c->max_depth) {
        add_child(t, new_node(NM_PROV_MORE, "…"));
        return t;
    }
    add_body(c, t, (int)rule, tuple, t->height, depth);
    return t;
}

nm_prov_tree *nm_prov_build(const nm_lowered *lw, const nm_eval *ev, int rel,
                            const nm_cell *tuple, int max_depth)
{
    const nm_plan_program *p = lw->plan;
    if (rel < 0 || rel >= p->rels.n)
        return NULL;
    nm_rel *r = nm_eval_rel(ev, rel);
    if (!r->prov)
        return NULL;
    nm_row row = nm_rel_find(r, tuple);
    if (row == NM_ROW_NONE)
        return NULL;
    pctx c = {lw, ev, p, max_depth, NULL, NULL, NULL};
    size_t n = (size_t)(p->rels.n ? p->rels.n : 1);
    c.rel_pred = nm_alloc_atomic(sizeof *c.rel_pred * n);
    c.rel_false = nm_alloc_atomic(sizeof *c.rel_false * n);
    c.cert_of = nm_alloc_atomic(sizeof *c.cert_of * n);
    for (int i = 0; i < p->rels.n; i++) {
        c.rel_pred[i] = c.cert_of[i] = -1;
        c.rel_false[i] = false;
    }
    /* the relations of each predicate: C(p), P(p), C(p⁺), C(p⁻), P(p⁻) */
    for (int k = 0; k < lw->prog->npreds; k++) {
        int true_rels[3] = {lw->pred_rel[k], lw->pred_poss_rel[k], lw->pred_raw_rel[k]};
        int false_rels[2] = {lw->pred_false_rel[k], lw->pred_false_poss_rel[k]};
        for (int j = 0; j < 3; j++)
            if (true_rels[j] >= 0 && true_rels[j] < p->rels.n)
                c.rel_pred[true_rels[j]] = k;
        for (int j = 0; j < 2; j++)
            if (false_rels[j] >= 0 && false_rels[j] < p->rels.n) {
                c.rel_pred[false_rels[j]] = k;
                c.rel_false[false_rels[j]] = true;
            }
        if (lw->pred_poss_rel[k] >= 0 && lw->pred_poss_rel[k] != lw->pred_rel[k])
            c.cert_of[lw->pred_poss_rel[k]] = lw->pred_rel[k];
        if (lw->pred_false_poss_rel[k] >= 0 && lw->pred_false_poss_rel[k] != lw->pred_false_rel[k])
            c.cert_of[lw->pred_false_poss_rel[k]] = lw->pred_false_rel[k];
    }
    return atom_node(&c, rel, row, 0);
}

/* ---- dump ------------------------------------------------------------------------------ */

static void dump(const nm_prov_tree *t, int depth, nm_buf *out)
{
    for (int i = 0; i < depth; i++)
        nm_buf_puts(out, "  ");
    nm_buf_puts(out, t->text);
    if (t->kind == NM_PROV_RULE) {
        const nm_prule *r = t->rule;
        nm_buf_printf(out, "  [%s", r ? r->label : "?");
        if (t->nbranches > 1)
            nm_buf_printf(out, ", branch %d", t->branch);
        nm_buf_putc(out, ']');
        for (int i = 0; r && i < r->ncites; i++) {
            nm_buf_putc(out, ' ');
            nm_citation_format(r->cites[i].cite, out);
        }
        if (t->unknown)
            nm_buf_puts(out, " [unknown]");
    } else if (t->kind == NM_PROV_FACT) {
        if (t->unknown)
            nm_buf_puts(out, "  [unknown]");
        else if (t->fact && t->fact->atom.span.file)
            nm_buf_printf(out, "  [fact %s:%d]", t->fact->atom.span.file->path,
                          t->fact->atom.span.line);
        else
            nm_buf_puts(out, "  [fact]");
    }
    nm_buf_putc(out, '\n');
    for (int i = 0; i < t->nchildren; i++)
        dump(t->children[i], depth + 1, out);
}

void nm_prov_dump(const nm_prov_tree *t, nm_buf *out)
{
    if (t)
        dump(t, 0, out);
}
