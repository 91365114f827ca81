/* session.c — introspection of a checked program for interactive use (the REPL,
 * cli/repl.c, [cli.repl]): names for completion, predicate kinds, dependencies, the
 * source text of rules, and forgetting diagnostics between commands. Reads the
 * engine's checked program (program.h); changes nothing in it. */
#include <string.h>

#include <stdlib.h>

#include "check.h"
#include "engine_int.h"
#include "explain.h"
#include "value.h"

void nm_engine_clear_diagnostics(nm_engine *e) { e->diags = nm_diags_new(); }

int nm_engine_name_count(const nm_engine *e, nm_name_kind kind)
{
    const nm_program *p = e->program;
    if (kind == NM_NAME_MODULE)
        return e->files.n;
    if (!p)
        return 0;
    switch (kind) {
    case NM_NAME_PRED:
        return p->npreds - NM_BUILTIN__COUNT;
    case NM_NAME_CONST:
        return p->nconsts;
    case NM_NAME_CASE:
        return p->ncases;
    case NM_NAME_RULE:
        return p->nrules;
    case NM_NAME_PARAM:
        return p->nparams;
    default:
        return 0;
    }
}

const char *nm_engine_name(const nm_engine *e, nm_name_kind kind, int i)
{
    if (i < 0 || i >= nm_engine_name_count(e, kind))
        return NULL;
    const nm_program *p = e->program;
    switch (kind) {
    case NM_NAME_MODULE:
        return ((const loaded *)e->files.items[i])->module;
    case NM_NAME_PRED:
        return p->preds[NM_BUILTIN__COUNT + i].name;
    case NM_NAME_CONST:
        return p->consts[i].name;
    case NM_NAME_CASE:
        return p->cases[i].name;
    case NM_NAME_RULE:
        return p->rules[i].label;   /* NULL for an `unless` clause's own rule */
    case NM_NAME_PARAM:
        return p->params[i].name;
    }
    return NULL;
}

bool nm_engine_pred_info(const nm_engine *e, const char *name, nm_pred_info *out)
{
    if (!e->program)
        return false;
    int k = nm_program_pred(e->program, name);
    if (k < 0)
        return false;
    const nm_ppred *pd = &e->program->preds[k];
    out->arity = pd->arity;
    out->presumed_false = pd->presumed_false;
    if (pd->origin == NM_ORIGIN_BUILTIN)
        out->kind = NM_PK_BUILTIN;
    else if (pd->mode == NM_PRED_OPEN)
        out->kind = NM_PK_OPEN;
    else if (pd->mode == NM_PRED_INPUT)
        out->kind = NM_PK_INPUT;
    else
        out->kind = NM_PK_DERIVED;
    return true;
}

static void mark_formula(const nm_pformula *f, bool *seen, int *stack, int *top);

static void mark_expr(const nm_pexpr *x, bool *seen, int *stack, int *top)
{
    if (!x)
        return;
    switch (x->kind) {
    case NM_E_ARITH:
        mark_expr(x->u.arith.lhs, seen, stack, top);
        mark_expr(x->u.arith.rhs, seen, stack, top);
        break;
    case NM_E_NEG:
        mark_expr(x->u.neg, seen, stack, top);
        break;
    case NM_E_AGG:
        for (int i = 0; i < x->u.agg->nterms; i++)
            mark_expr(x->u.agg->terms[i], seen, stack, top);
        mark_formula(x->u.agg->body, seen, stack, top);
        break;
    default:
        break;
    }
}

/* Pushes every predicate of formula f not seen yet. */
static void mark_formula(const nm_pformula *f, bool *seen, int *stack, int *top)
{
    if (!f)
        return;
    switch (f->kind) {
    case NM_F_ATOM:
        if (!seen[f->u.atom.pred]) {
            seen[f->u.atom.pred] = true;
            stack[(*top)++] = f->u.atom.pred;
        }
        for (int i = 0; i < f->u.atom.nargs; i++)
            mark_expr(f->u.atom.args[i], seen, stack, top);
        break;
    case NM_F_AND:
    case NM_F_OR:
        mark_formula(f->u.bin.lhs, seen, stack, top);
        mark_formula(f->u.bin.rhs, seen, stack, top);
        break;
    case NM_F_NOT:
        mark_formula(f->u.operand, seen, stack, top);
        break;
    case NM_F_CMP:
        mark_expr(f->u.cmp.lhs, seen, stack, top);
        mark_expr(f->u.cmp.rhs, seen, stack, top);
        break;
    case NM_F_INSET:
        mark_expr(f->u.inset.elem, seen, stack, top);
        break;
    case NM_F_WITHIN:
        mark_expr(f->u.within.lhs, seen, stack, top);
        mark_expr(f->u.within.rhs, seen, stack, top);
        break;
    }
}

bool nm_engine_depends_on(const nm_engine *e, const char *pred, const char *on)
{
    const nm_program *p = e->program;
    if (!p)
        return false;
    int from = nm_program_pred(p, pred), to = nm_program_pred(p, on);
    if (from < 0 || to < 0)
        return false;
    bool *seen = nm_alloc_atomic((size_t)p->npreds + 1);
    memset(seen, 0, (size_t)p->npreds + 1);
    int *stack = nm_alloc_atomic(sizeof(int) * ((size_t)p->npreds + 1));
    int top = 0;
    seen[from] = true;
    stack[top++] = from;
    while (top) {
        const nm_ppred *pd = &p->preds[stack[--top]];
        for (int i = 0; i < pd->nrules; i++) {
            const nm_prule *r = &p->rules[pd->rules[i]];
            mark_formula(r->body, seen, stack, &top);
            for (int j = 0; j < r->nexceptions; j++)
                mark_formula(p->rules[r->exceptions[j]].body, seen, stack, &top);
        }
    }
    return seen[to];
}

bool nm_engine_print_rules(nm_engine *e, const char *pred, FILE *out)
{
    const nm_program *p = e->program;
    int k = p ? nm_program_pred(p, pred) : -1;
    if (k < 0 || k < NM_BUILTIN__COUNT) {
        nm_span none;
        memset(&none, 0, sizeof none);
        nm_diag *d = nm_error(e->diags, none, "E-unknown-pred", "unknown predicate '%s'", pred);
        const char *best = NULL;
        int bestd = (int)strlen(pred) / 3 + 1;
        for (int j = NM_BUILTIN__COUNT; p && j < p->npreds; j++) {
            int dist = nm_check_edit_distance(pred, p->preds[j].name);
            if (dist < bestd) {
                bestd = dist;
                best = p->preds[j].name;
            }
        }
        if (best)
            nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean '%s'?", best);
        return false;
    }
    /* the rules concluding pred and the exceptions to them, in declaration order */
    bool *show = nm_alloc_atomic((size_t)p->nrules + 1);
    memset(show, 0, (size_t)p->nrules + 1);
    const nm_ppred *pd = &p->preds[k];
    for (int i = 0; i < pd->nrules; i++) {
        const nm_prule *r = &p->rules[pd->rules[i]];
        show[pd->rules[i]] = true;
        for (int j = 0; j < r->nexceptions; j++)
            show[r->exceptions[j]] = true;
    }
    for (int i = 0; i < p->nrules; i++) {
        const nm_prule *r = &p->rules[i];
        /* an `unless` clause is printed with its rule */
        if (!show[i] || r->block_only || !r->span.file)
            continue;
        const char *text = r->span.file->text + r->span.off;
        size_t n = r->span.end_off - r->span.off;
        while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
            n--;
        fprintf(out, "# %s:%d\n%.*s\n", r->span.file->path, r->span.line, (int)n, text);
    }
    return true;
}

/* ---- the interview's questions ([cli.repl]) --------------------------------------- */

typedef struct question {
    int pred;
    int arity;
    const nm_cell *tuple;
    int sets;           /* settling sets it appears in */
    int order;          /* first seen (candidates of MISSING nodes) */
} question;

static int cmp_question(const void *a, const void *b)
{
    const question *x = a, *y = b;
    if (x->sets != y->sets)
        return x->sets > y->sets ? -1 : 1;
    if (x->pred != y->pred)
        return x->pred < y->pred ? -1 : 1;
    int c = nm_val_compare_tuple(x->tuple, y->tuple, (size_t)x->arity);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Adds the ground open atoms under node n (SETTLE sets count; MISSING lists only). */
static void collect_questions(const nm_x_node *n, bool in_set, nm_vec *qs)
{
    bool set = in_set || (n->kind == NM_X_SETTLE && !n->none_found);
    if (n->kind == NM_X_UNKNOWN && n->pred >= 0 && (in_set || n->tuple)) {
        bool ground = n->tuple != NULL;
        for (int j = 0; ground && j < n->arity; j++)
            ground = n->tuple[j] != NM_CELL_NONE;
        if (ground) {
            question *q = NULL;
            for (int i = 0; i < qs->n && !q; i++) {
                question *o = qs->items[i];
                if (o->pred == n->pred &&
                    nm_val_compare_tuple(o->tuple, n->tuple, (size_t)n->arity) == 0)
                    q = o;
            }
            if (!q) {
                q = nm_alloc(sizeof *q);
                q->pred = n->pred;
                q->arity = n->arity;
                q->tuple = n->tuple;
                q->order = qs->n;
                nm_vec_push(qs, q);
            }
            q->sets += in_set;
        }
    }
    for (int i = 0; i < n->nchildren; i++)
        collect_questions(n->children[i], set, qs);
}

int nm_explanation_questions(const nm_explanation *x, const char ***out)
{
    *out = NULL;
    if (!x || x->nanswers < 1)
        return 0;
    nm_vec qs = {0};
    collect_questions(x->answers[0], false, &qs);
    if (qs.n == 0)
        return 0;
    question *v = nm_alloc(sizeof *v * (size_t)qs.n);
    for (int i = 0; i < qs.n; i++)
        v[i] = *(question *)qs.items[i];
    qsort(v, (size_t)qs.n, sizeof *v, cmp_question);
    const char **texts = nm_alloc(sizeof(char *) * (size_t)(qs.n + 1));
    for (int i = 0; i < qs.n; i++) {
        nm_buf b = {0};
        nm_buf_puts(&b, x->prog->preds[v[i].pred].name);
        nm_buf_putc(&b, '(');
        for (int j = 0; j < v[i].arity; j++)
            nm_buf_printf(&b, "%s%s", j ? ", " : "", nm_val_format_literal(v[i].tuple[j]));
        nm_buf_putc(&b, ')');
        texts[i] = nm_buf_str(&b);
    }
    *out = texts;
    return qs.n;
}
