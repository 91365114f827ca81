/* model.c — evaluation behind norma.h: lowers the checked program for a case, runs
 * the evaluator, and answers queries. Query and fact texts are parsed with the rule
 * grammar (a line holding one atom) and resolved against the checked program.
 * Everything printed is in value order, never in hash or interning order. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "date.h"
#include "engine_int.h"
#include "eval.h"
#include "facts.h"
#include "lower.h"
#include "num.h"
#include "value.h"

/* A model: the default evaluation and, when the program has presumptions and the run
 * is not strict, the strict one beside it, so that answers resting on a presumption
 * can be tagged ([sem.presume]: the default and the strict answers differ). */
struct nm_model {
    nm_engine *engine;
    nm_lowered *lw;
    nm_eval *ev;
    nm_lowered *strict_lw;  /* NULL when not needed */
    nm_eval *strict_ev;
    int case_id;
};

struct nm_answers {
    int arity;
    int n;
    const char *pred;
    nm_cell *cells;         /* n rows of arity cells */
    nm_truth *truth;
    unsigned *tags;
    char **texts;           /* lazily formatted */
    const char **vars;      /* per argument: the query's variable there, else NULL */
};

/* A parsed query atom: its predicate and, per argument, a cell or a variable. */
typedef struct query {
    int pred;
    int nargs;
    nm_cell *cells;
    int *var;               /* -1: the cell; -2: wildcard; k >= 0: variable number */
    int nvars;
    const char **names;     /* per argument: the variable's name, else NULL */
} query;

static nm_span no_span(void)
{
    nm_span s;
    memset(&s, 0, sizeof s);
    return s;
}

/* The constant `name` as seen from case_id (the case's own entities first). */
static int find_const(const nm_program *p, const char *name, int case_id)
{
    int global = -1;
    for (int i = 0; i < p->nconsts; i++) {
        if (strcmp(p->consts[i].name, name) != 0)
            continue;
        if (p->consts[i].case_id == case_id && case_id >= 0)
            return i;
        if (p->consts[i].case_id == -1 && global < 0)
            global = i;
    }
    return global;
}

static bool lit_cell(nm_engine *e, const nm_node *n, nm_cell *out)
{
    switch (n->kind) {
    case NM_N_INT: {
        int64_t v;
        if (nm_num_parse_int(n->u.lit.text, strlen(n->u.lit.text), &v) != NM_NUM_OK)
            break;
        *out = nm_val_int(v);
        return true;
    }
    case NM_N_DECIMAL: {
        nm_num v;
        if (nm_num_parse_decimal(n->u.lit.text, strlen(n->u.lit.text), &v) != NM_NUM_OK)
            break;
        *out = nm_val_num(v);
        return true;
    }
    case NM_N_STRING:
        *out = nm_val_text(n->u.lit.text, strlen(n->u.lit.text));
        return *out != NM_CELL_NONE;
    case NM_N_BOOL:
        *out = nm_val_bool(n->u.lit.b);
        return true;
    case NM_N_DATE: {
        nm_date d;
        if (!nm_date_from_ymd(n->u.lit.y, n->u.lit.m, n->u.lit.d, &d)) {
            nm_error(e->diags, n->span, "E-date", "date %04d-%02d-%02d does not exist", n->u.lit.y,
                     n->u.lit.m, n->u.lit.d);
            return false;
        }
        *out = nm_val_date(d);
        return true;
    }
    case NM_N_NEG: {
        nm_cell x;
        if (!lit_cell(e, n->u.unop.operand, &x))
            return false;
        if (nm_val_neg(x, out) == NM_NUM_OK)
            return true;
        break;
    }
    default:
        nm_error(e->diags, n->span, "E-query", "expected a constant, a variable or a literal");
        return false;
    }
    nm_error(e->diags, n->span, "E-literal", "literal out of range");
    return false;
}

/* Parses `text` as one atom (or, when `negated` is not NULL, `not ATOM` too, setting
 * *negated) and resolves it against the program. */
static bool parse_atom_neg(nm_engine *e, const char *what, const char *text, int case_id,
                           query *q, bool *negated)
{
    nm_srcfile *src = nm_alloc(sizeof *src);
    src->path = what;
    src->text = nm_strdup(text);
    src->len = strlen(text);
    int before = nm_diags_errors(e->diags);
    nm_ast_file *f = nm_parse(src, e->diags, 0);
    if (nm_diags_errors(e->diags) > before)
        return false;
    if (f->decls.n != 1 || ((nm_node *)f->decls.items[0])->kind != NM_N_FACT ||
        (((nm_node *)f->decls.items[0])->u.fact.negated && !negated) ||
        ((nm_node *)f->decls.items[0])->u.fact.on.present) {
        nm_span s = f->decls.n ? ((nm_node *)f->decls.items[0])->span : no_span();
        if (!s.file) {
            s.file = src;
            s.line = s.col = s.end_line = 1;
            s.end_col = 1;
        }
        nm_error(e->diags, s, "E-query", "expected one atom, such as p(a, x)");
        return false;
    }
    const nm_node *atom = ((nm_node *)f->decls.items[0])->u.fact.atom;
    if (negated)
        *negated = ((nm_node *)f->decls.items[0])->u.fact.negated;
    const nm_program *p = e->program;
    int pred = nm_program_pred(p, atom->u.atom.pred.text);
    if (pred < 0) {
        nm_diag *d = nm_error(e->diags, atom->u.atom.pred.span, "E-unknown-pred",
                              "unknown predicate '%s'", atom->u.atom.pred.text);
        const char *best = NULL;    /* as the checker: within a third of the length */
        int bestd = (int)strlen(atom->u.atom.pred.text) / 3 + 1;
        for (int j = NM_BUILTIN__COUNT; j < p->npreds; j++) {
            int dist = nm_check_edit_distance(atom->u.atom.pred.text, p->preds[j].name);
            if (dist < bestd || (dist == 1 && bestd == 1 && !best)) {
                bestd = dist;
                best = p->preds[j].name;
            }
        }
        if (best)
            nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean '%s'?", best);
        return false;
    }
    if (atom->u.atom.nargs != p->preds[pred].arity) {
        nm_error(e->diags, atom->span, "E-arity", "'%s' takes %d argument%s, not %d",
                 p->preds[pred].name, p->preds[pred].arity, p->preds[pred].arity == 1 ? "" : "s",
                 atom->u.atom.nargs);
        return false;
    }
    q->pred = pred;
    q->nargs = atom->u.atom.nargs;
    q->cells = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(q->nargs + 1));
    q->var = nm_alloc_atomic(sizeof(int) * (size_t)(q->nargs + 1));
    q->nvars = 0;
    const char **names = nm_alloc(sizeof(char *) * (size_t)(q->nargs + 1));
    q->names = names;
    for (int i = 0; i < q->nargs; i++) {
        const nm_node *a = atom->u.atom.args[i];
        q->var[i] = -1;
        if (a->kind == NM_N_WILDCARD) {
            q->var[i] = -2;
        } else if (a->kind == NM_N_NAME) {
            int k = find_const(p, a->u.name.text, case_id);
            if (k >= 0) {
                q->cells[i] = NM_CELL_NONE;
                q->var[i] = -3 - k;   /* constant k: its cell is known after lowering */
            } else if (nm_facts_entity(e->facts, a->u.name.text, &q->cells[i])) {
                q->var[i] = -1;       /* an individual named by a fact file */
            } else {
                int v = -1;
                for (int j = 0; j < i; j++)
                    if (names[j] && strcmp(names[j], a->u.name.text) == 0)
                        v = q->var[j];
                if (v < 0)
                    v = q->nvars++;
                names[i] = a->u.name.text;
                q->var[i] = v;
            }
        } else if (!lit_cell(e, a, &q->cells[i])) {
            return false;
        }
    }
    return true;
}

static bool parse_atom(nm_engine *e, const char *what, const char *text, int case_id, query *q)
{
    return parse_atom_neg(e, what, text, case_id, q, NULL);
}

static void unretract(nm_engine *e, const query *q, bool negated);

bool nm_engine_add_fact(nm_engine *e, const char *text)
{
    if (!e->program) {
        nm_error(e->diags, no_span(), "E-state", "facts can be added only to a checked program");
        return false;
    }
    query q;
    bool negated = false;
    if (!parse_atom_neg(e, "<fact>", text, -1, &q, &negated))
        return false;
    const nm_ppred *pd = &e->program->preds[q.pred];
    if (pd->mode == NM_PRED_DERIVED) {
        nm_error(e->diags, no_span(), "E-fact-derived",
                 "'%s' is concluded by rules; facts can be given only for input predicates",
                 pd->name);
        return false;
    }
    for (int i = 0; i < q.nargs; i++)
        if (q.var[i] >= 0 || q.var[i] == -2) {
            nm_error(e->diags, no_span(), "E-fact-var", "a fact must be ground: '%s'", text);
            return false;
        }
    if (negated && pd->mode != NM_PRED_OPEN) {
        nm_error(e->diags, no_span(), "E-fact-not",
                 "only an open predicate's atom can be stated false; '%s' is closed "
                 "(absent means false)", pd->name);
        return false;
    }
    unretract(e, &q, negated);
    /* kept as text: constants become cells only when a run lowers the program */
    nm_vec_push(negated ? &e->extra_false : &e->extra_facts, nm_strdup(text));
    return true;
}

static int case_by_name(const nm_program *p, const char *name)
{
    for (int i = 0; i < p->ncases; i++)
        if (strcmp(p->cases[i].name, name) == 0)
            return i;
    return -1;
}

/* Fills the constant cells of q (marked -3 - k) from the lowered program. */
static void bind_consts(const nm_lowered *lw, query *q)
{
    for (int i = 0; i < q->nargs; i++)
        if (q->var[i] <= -3) {
            q->cells[i] = lw->const_cell[-3 - q->var[i]];
            q->var[i] = -1;
        }
}

/* Reports a stopped evaluation at the label of the rule it names. Arithmetic errors
 * read as [sem.num] says: "integer overflow in rule 'total': 9223372036854775807 + 1"
 * with a note giving the binding; limits name the limit, the stratum (by the
 * predicate its rule concludes) and the rule ([sem.limits.bounds]). */
static void report_eval_error(nm_engine *e, const nm_lowered *lw, const nm_eval *ev,
                              nm_eval_status st, const nm_eval_limits *lim)
{
    int r = nm_eval_error_rule(ev);
    nm_span s = no_span();
    const char *label = NULL, *pred = NULL;
    if (r >= 0) {
        const nm_plan_rule *plr = nm_plan_rule_at(lw->plan, r);
        const nm_prule *pr = plr->origin;
        label = plr->name;
        if (pr) {
            s = pr->label_span;
            label = pr->label;
            pred = lw->prog->preds[pr->head.pred].name;
        }
    }
    const nm_eval_fault *f = nm_eval_get_fault(ev);
    nm_buf where = {0};
    if (pred)
        nm_buf_printf(&where, " in the stratum of '%s'", pred);
    if (label)
        nm_buf_printf(&where, "%s rule '%s'", pred ? "," : " in", label);
    switch (st) {
    case NM_EVAL_ERR_ARITH:
        if (f->why && label) {
            const char *why = f->why;
            bool ints = f->nargs > 0;
            for (int i = 0; i < f->nargs; i++) {
                int64_t v;
                ints &= nm_val_get_int(f->args[i], &v);
            }
            if (ints && strcmp(why, "arithmetic overflow") == 0)
                why = "integer overflow";
            /* the operands of an interval test are not worth showing */
            bool show = strncmp(why, "the value of an aggregate", 25) != 0;
            nm_diag *d = show ? nm_error(e->diags, s, "E-eval", "%s in rule '%s': %s", why, label, f->expr)
                              : nm_error(e->diags, s, "E-eval", "in rule '%s': %s", label, why);
            if (f->binding && *f->binding)
                nm_diag_note(d, NM_SEV_NOTE, NULL, "with %s", f->binding);
            return;
        }
        break;
    case NM_EVAL_ERR_TUPLES:
        nm_error(e->diags, s, "E-limit",
                 "evaluation stopped: more than %llu tuples (the tuple limit)%s",
                 (unsigned long long)lim->max_tuples, nm_buf_str(&where));
        return;
    case NM_EVAL_ERR_ITERATIONS:
        nm_error(e->diags, s, "E-limit",
                 "evaluation stopped: no fixpoint after %llu iterations (the iteration limit)%s",
                 (unsigned long long)lim->max_iterations, nm_buf_str(&where));
        return;
    case NM_EVAL_ERR_TIME:
        nm_error(e->diags, s, "E-limit",
                 "evaluation stopped after %g seconds (the time limit)%s", lim->max_seconds,
                 nm_buf_str(&where));
        return;
    default:
        break;
    }
    nm_error(e->diags, s, "E-eval", "evaluation stopped: %s", nm_eval_error(ev));
}

static bool session_false_facts(nm_engine *e, const nm_lowered *lw, nm_eval *ev, int case_id);
static bool session_retractions(nm_engine *e, const nm_lowered *lw, nm_eval *ev, int case_id);

/* Lowers and evaluates the program for case_id; NULL after a diagnostic. */
static bool evaluate(nm_engine *e, int case_id, const nm_lower_options *lopt,
                     const nm_eval_limits *lim, bool provenance, nm_lowered **lw_out,
                     nm_eval **ev_out)
{
    nm_buf err = {0};
    nm_lowered *lw = nm_lower(e->program, case_id, lopt, &err);
    if (!lw) {
        nm_error(e->diags, no_span(), "E-lower", "%s", nm_buf_str(&err));
        return false;
    }
    nm_eval *ev = nm_eval_new(lw->plan);
    nm_eval_set_limits(ev, *lim);
    if (provenance)
        nm_eval_enable_provenance(ev);
    nm_facts_insert_false(e->facts, lw, ev);
    if (!session_false_facts(e, lw, ev, case_id))
        return false;
    if (!nm_lower_load_facts(lw, ev, &err) || !nm_facts_insert_true(e->facts, lw, ev, &err)) {
        nm_error(e->diags, no_span(), "E-fact", "%s", nm_buf_str(&err));
        return false;
    }
    for (int i = 0; i < e->extra_facts.n; i++) {
        query q;
        if (!parse_atom(e, "<fact>", e->extra_facts.items[i], case_id, &q))
            return false;
        bind_consts(lw, &q);
        /* stated both true and false: a conflict, unknown (as nm_lower_load_facts) */
        if (!nm_rel_contains(nm_eval_rel(ev, lw->pred_false_rel[q.pred]), q.cells))
            nm_eval_add_fact(ev, lw->pred_rel[q.pred], q.cells);
        if (lw->pred_poss_rel[q.pred] != lw->pred_rel[q.pred])
            nm_eval_add_fact(ev, lw->pred_poss_rel[q.pred], q.cells);
    }
    if (!session_retractions(e, lw, ev, case_id))
        return false;
    nm_eval_status st = nm_eval_run(ev);
    if (st != NM_EVAL_OK) {
        report_eval_error(e, lw, ev, st, lim);
        return false;
    }
    *lw_out = lw;
    *ev_out = ev;
    return true;
}

static int cmp_rows(void *ctx, const nm_cell *a, const nm_cell *b, int arity);
static void format_atom(const char *pred, const nm_cell *row, int arity, nm_buf *b);

/* Is t a conflict of pred: concluded (or stated) true and explicitly false, with no
 * exception between ([sem.except.conflict])? */
static bool is_conflict(const nm_lowered *lw, const nm_eval *ev, int pred, const nm_cell *t)
{
    if (!nm_rel_contains(nm_eval_rel(ev, lw->pred_false_rel[pred]), t))
        return false;
    int pos = lw->prog->preds[pred].mode == NM_PRED_DERIVED ? lw->pred_raw_rel[pred]
                                                             : lw->pred_poss_rel[pred];
    return nm_rel_contains(nm_eval_rel(ev, pos), t) &&
           (lw->prog->preds[pred].mode == NM_PRED_DERIVED || lw->open[pred]);
}

/* Does source rule pr conclude (or deny) atom t of pred in C? [sem.except.conflict]
 * names the rules that conclude and deny the atom, not every rule of the predicate. */
static bool concludes_certainly(const nm_lowered *lw, const nm_eval *ev, const nm_prule *pr,
                                int pred, const nm_cell *t)
{
    int head = pr->head_negated ? lw->pred_false_rel[pred] : lw->pred_raw_rel[pred];
    for (int i = 0; i < lw->plan->rules.n; i++) {
        const nm_plan_rule *plr = nm_plan_rule_at(lw->plan, i);
        nm_eval_witness w;
        if (plr->origin == pr && plr->head == head &&
            nm_eval_witness_find(ev, i, t, UINT32_MAX, &w))
            return true;
    }
    return false;
}

/* Reports every conflict as a warning, predicates in declaration order, atoms in value
 * order, with the rules on each side in declaration order. */
static void report_conflicts(nm_engine *e, const nm_lowered *lw, const nm_eval *ev)
{
    const nm_program *p = lw->prog;
    for (int k = 0; k < p->npreds; k++) {
        nm_rel *fr = nm_eval_rel(ev, lw->pred_false_rel[k]);
        if (nm_rel_size(fr) == 0)
            continue;
        nm_row *order = nm_rel_sorted(fr, cmp_rows, NULL);
        for (nm_row i = 0; i < nm_rel_size(fr); i++) {
            const nm_cell *t = nm_rel_row(fr, order[i]);
            if (!is_conflict(lw, ev, k, t))
                continue;
            nm_buf atom = {0}, pos = {0}, neg = {0};
            format_atom(p->preds[k].name, t, p->preds[k].arity, &atom);
            nm_span at = no_span();
            for (int r = 0; r < p->preds[k].nrules; r++) {
                const nm_prule *pr = &p->rules[p->preds[k].rules[r]];
                if (pr->block_only || !concludes_certainly(lw, ev, pr, k, t))
                    continue;
                nm_buf *side = pr->head_negated ? &neg : &pos;
                nm_buf_printf(side, "%s'%s'", side->len ? ", " : "", pr->label);
                for (int j = 0; j < pr->ncites; j++) {
                    nm_buf_puts(side, j ? ", " : " ");
                    nm_citation_format(pr->cites[j].cite, side);
                }
                if (pr->head_negated && !at.file)
                    at = pr->label_span;
            }
            nm_diag *d;
            if (p->preds[k].mode == NM_PRED_DERIVED) {
                d = nm_warning(e->diags, at, "W-conflict",
                               "conflict: '%s' is both concluded and denied, and neither rule is "
                               "an exception to the other; it is unknown",
                               nm_buf_str(&atom));
                nm_diag_note(d, NM_SEV_NOTE, NULL, "concluded by %s; denied by %s", nm_buf_str(&pos),
                             nm_buf_str(&neg));
                nm_diag_note(d, NM_SEV_HELP, NULL,
                             "declare one rule an 'exception to' the other to give it priority");
            } else {
                nm_warning(e->diags, at, "W-conflict",
                           "conflict: '%s' is stated both true and false; it is unknown",
                           nm_buf_str(&atom));
            }
        }
    }
}

/* Parses "YYYY-MM-DD" into the lowering options. */
static bool parse_at(nm_engine *e, const char *text, nm_lower_options *lopt)
{
    nm_date d;
    if (!nm_date_parse(text, strlen(text), &d)) {
        nm_error(e->diags, no_span(), "E-date", "'%s' is not a date (expected YYYY-MM-DD, a day that exists)",
                 text);
        return false;
    }
    lopt->has_decision = true;
    nm_date_to_ymd(d, &lopt->dy, &lopt->dm, &lopt->dd);
    return true;
}

nm_model *nm_engine_run(nm_engine *e, const nm_run_options *opt)
{
    if (!e->program) {
        nm_error(e->diags, no_span(), "E-state", "the program has errors and cannot be run");
        return NULL;
    }
    nm_run_options none = {0};
    if (!opt)
        opt = &none;
    int case_id = -1;
    if (opt->case_name) {
        case_id = case_by_name(e->program, opt->case_name);
        if (case_id < 0) {
            nm_diag *d = nm_error(e->diags, no_span(), "E-no-case", "no case named '%s'",
                                  opt->case_name);
            if (e->program->ncases) {
                nm_buf b = {0};
                for (int i = 0; i < e->program->ncases; i++)
                    nm_buf_printf(&b, "%s'%s'", i ? ", " : "", e->program->cases[i].name);
                nm_diag_note(d, NM_SEV_NOTE, NULL, "the cases are %s", nm_buf_str(&b));
            }
            return NULL;
        }
    }
    nm_lower_options lopt = {.strict = opt->strict};
    if (e->param_program == e->program)
        lopt.param_override = e->param_override;
    if (opt->at && !parse_at(e, opt->at, &lopt))
        return NULL;
    nm_eval_limits lim = nm_eval_default_limits();
    if (opt->max_tuples)
        lim.max_tuples = opt->max_tuples;
    if (opt->max_iterations)
        lim.max_iterations = opt->max_iterations;
    if (opt->max_seconds > 0)
        lim.max_seconds = opt->max_seconds;
    else if (opt->max_seconds < 0)
        lim.max_seconds = 0;    /* the evaluator's "no time limit" */
    nm_model *m = nm_alloc(sizeof *m);
    m->engine = e;
    m->case_id = case_id;
    if (!evaluate(e, case_id, &lopt, &lim, !opt->no_provenance, &m->lw, &m->ev))
        return NULL;
    if (!opt->strict && nm_lower_has_presumptions(e->program)) {
        nm_lower_options sopt = lopt;
        sopt.strict = true;
        if (!evaluate(e, case_id, &sopt, &lim, false, &m->strict_lw, &m->strict_ev))
            return NULL;
    }
    report_conflicts(e, m->lw, m->ev);
    return m;
}

/* The truth of atom t of pred in one evaluation. */
static nm_truth truth_in(const nm_lowered *lw, const nm_eval *ev, int pred, const nm_cell *t)
{
    if (nm_rel_contains(nm_eval_rel(ev, lw->pred_rel[pred]), t))
        return NM_YES;
    if (nm_rel_contains(nm_eval_rel(ev, lw->pred_poss_rel[pred]), t))
        return NM_UNKNOWN;
    return NM_NO;
}

static int cmp_rows(void *ctx, const nm_cell *a, const nm_cell *b, int arity)
{
    return nm_val_compare_tuple(a, b, (size_t)arity);
}

/* Does row match the query pattern q? */
static bool matches(const query *q, const nm_cell *row, nm_cell *bound, bool *isset)
{
    memset(isset, 0, sizeof(bool) * (size_t)(q->nvars + 1));
    for (int j = 0; j < q->nargs; j++) {
        if (q->var[j] == -1) {
            if (row[j] != q->cells[j])
                return false;
        } else if (q->var[j] >= 0) {
            if (isset[q->var[j]]) {
                if (bound[q->var[j]] != row[j])
                    return false;
            } else {
                isset[q->var[j]] = true;
                bound[q->var[j]] = row[j];
            }
        }
    }
    return true;
}

/* Collects the matching rows of rel into v (pointers into the relation). */
static void collect(const query *q, nm_rel *rel, nm_vec *v)
{
    /* a ground query is one hash lookup, not a scan of the relation */
    bool ground = q->nvars == 0 && q->nargs > 0;
    for (int j = 0; j < q->nargs && ground; j++)
        ground = q->var[j] == -1;
    if (ground) {
        nm_row r = nm_rel_find(rel, q->cells);
        if (r != NM_ROW_NONE)
            nm_vec_push(v, (void *)nm_rel_row(rel, r));
        return;
    }
    nm_cell *bound = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(q->nvars + 1));
    bool *isset = nm_alloc_atomic(sizeof(bool) * (size_t)(q->nvars + 1));
    for (nm_row i = 0; i < nm_rel_size(rel); i++) {
        const nm_cell *row = nm_rel_row(rel, i);
        if (matches(q, row, bound, isset))
            nm_vec_push(v, (void *)row);
    }
}

static int q_arity;

static int cmp_row_ptrs(const void *a, const void *b)
{
    return nm_val_compare_tuple(*(const nm_cell *const *)a, *(const nm_cell *const *)b,
                                (size_t)q_arity);
}

/* The answers of q in model m: every atom that is yes or unknown, or whose answer
 * rests on a presumption, in value order; for a ground query, its one answer even
 * when it is no. */
static nm_answers *answers_of(nm_model *m, const query *q, bool ground_no)
{
    nm_vec rows = {0};
    collect(q, nm_eval_rel(m->ev, m->lw->pred_poss_rel[q->pred]), &rows);
    if (m->strict_ev)
        collect(q, nm_eval_rel(m->strict_ev, m->strict_lw->pred_poss_rel[q->pred]), &rows);
    bool ground = ground_no && q->nvars == 0;
    for (int j = 0; j < q->nargs; j++)
        ground &= q->var[j] == -1;
    if (ground)
        nm_vec_push(&rows, q->cells);
    q_arity = q->nargs;
    if (rows.n)     /* rows.items is NULL when empty: qsort must not see it */
        qsort(rows.items, (size_t)rows.n, sizeof(void *), cmp_row_ptrs);
    nm_answers *a = nm_alloc(sizeof *a);
    a->arity = q->nargs;
    a->pred = m->lw->prog->preds[q->pred].name;
    a->cells = nm_alloc_atomic(sizeof(nm_cell) * (size_t)((size_t)rows.n * (size_t)q->nargs + 1));
    a->truth = nm_alloc_atomic(sizeof(nm_truth) * (size_t)(rows.n + 1));
    a->tags = nm_alloc_atomic(sizeof(unsigned) * (size_t)(rows.n + 1));
    for (int i = 0; i < rows.n; i++) {
        const nm_cell *row = rows.items[i];
        if (a->n && nm_val_compare_tuple(row, a->cells + (size_t)(a->n - 1) * (size_t)q->nargs,
                                         (size_t)q->nargs) == 0)
            continue;   /* the same atom from both evaluations */
        nm_truth t = truth_in(m->lw, m->ev, q->pred, row);
        unsigned tags = 0;
        if (m->strict_ev && truth_in(m->strict_lw, m->strict_ev, q->pred, row) != t)
            tags |= NM_TAG_PRESUMED;
        if (is_conflict(m->lw, m->ev, q->pred, row))
            tags |= NM_TAG_CONFLICT;
        if (t == NM_NO && !tags && !ground)
            continue;
        memcpy(a->cells + (size_t)a->n * (size_t)q->nargs, row, sizeof(nm_cell) * (size_t)q->nargs);
        a->truth[a->n] = t;
        a->tags[a->n] = tags;
        a->n++;
    }
    a->texts = nm_alloc(sizeof(char *) * (size_t)(a->n + 1));
    return a;
}

nm_answers *nm_model_query(nm_model *m, const char *atom)
{
    query q;
    if (!parse_atom(m->engine, "<query>", atom, m->case_id, &q))
        return NULL;
    bind_consts(m->lw, &q);
    nm_answers *a = answers_of(m, &q, true);
    a->vars = q.names;
    return a;
}

nm_truth nm_answers_truth(const nm_answers *a, int i) { return a->truth[i]; }
unsigned nm_answers_tags(const nm_answers *a, int i) { return a->tags[i]; }

int nm_answers_count(const nm_answers *a) { return a ? a->n : 0; }
int nm_answers_arity(const nm_answers *a) { return a ? a->arity : 0; }

const char *nm_answers_arg(const nm_answers *a, int i, int j)
{
    return nm_val_format_literal(a->cells[(size_t)i * (size_t)a->arity + (size_t)j]);
}

static void format_atom(const char *pred, const nm_cell *row, int arity, nm_buf *b)
{
    nm_buf_puts(b, pred);
    if (arity == 0)
        return;
    nm_buf_putc(b, '(');
    for (int j = 0; j < arity; j++) {
        if (j)
            nm_buf_puts(b, ", ");
        /* an open attribute's unknown value ([sem.open.attr]) */
        nm_buf_puts(b, row[j] == NM_CELL_NONE ? "?" : nm_val_format_literal(row[j]));
    }
    nm_buf_putc(b, ')');
}

const char *nm_answers_text(const nm_answers *a, int i)
{
    if (!a->texts[i]) {
        nm_buf b = {0};
        format_atom(a->pred, a->cells + (size_t)i * (size_t)a->arity, a->arity, &b);
        ((nm_answers *)a)->texts[i] = (char *)nm_buf_str(&b);
    }
    return a->texts[i];
}

void nm_answer_print(const nm_answers *a, int i, FILE *out)
{
    fputs(nm_answers_text(a, i), out);
    if (a->truth[i] == NM_UNKNOWN)
        fputs(" unknown", out);
    else if (a->truth[i] == NM_NO)
        fputs(" no", out);
    if (a->tags[i] & NM_TAG_PRESUMED)
        fputs(" [presumed]", out);
    if (a->tags[i] & NM_TAG_CONFLICT)
        fputs(" [conflict]", out);
    fputc('\n', out);
}

void nm_model_print(const nm_model *m, FILE *out)
{
    const nm_program *p = m->lw->prog;
    for (int k = 0; k < p->npreds; k++) {
        const nm_ppred *pd = &p->preds[k];
        if (pd->mode != NM_PRED_DERIVED)
            continue;
        query q = {.pred = k, .nargs = pd->arity, .nvars = pd->arity};
        q.cells = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(pd->arity + 1));
        q.var = nm_alloc_atomic(sizeof(int) * (size_t)(pd->arity + 1));
        for (int j = 0; j < pd->arity; j++)
            q.var[j] = j;
        nm_answers *a = answers_of((nm_model *)m, &q, false);
        for (int i = 0; i < a->n; i++)
            nm_answer_print(a, i, out);
    }
}

/* ---- for engine/test.c (engine_int.h) ------------------------------------------------ */

nm_answers *nm_model_match(nm_model *m, int pred, const nm_cell *cells, const bool *wild)
{
    const nm_ppred *pd = &m->lw->prog->preds[pred];
    query q = {.pred = pred, .nargs = pd->arity};
    q.cells = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(pd->arity + 1));
    q.var = nm_alloc_atomic(sizeof(int) * (size_t)(pd->arity + 1));
    for (int j = 0; j < pd->arity; j++) {
        q.cells[j] = cells[j];
        q.var[j] = wild[j] ? -2 : -1;
    }
    return answers_of(m, &q, true);
}

const nm_lowered *nm_model_lowered(const nm_model *m) { return m->lw; }
nm_engine *nm_model_engine(const nm_model *m) { return m->engine; }

const nm_cell *nm_answers_row(const nm_answers *a, int i)
{
    return a->cells + (size_t)i * (size_t)a->arity;
}

const nm_prule *nm_model_concluded_by(const nm_model *m, int pred, const nm_cell *t)
{
    nm_rel *rel = nm_eval_rel(m->ev, m->lw->pred_raw_rel[pred]);
    nm_row row = nm_rel_find(rel, t);
    if (row == NM_ROW_NONE || !rel->prov)
        return NULL;
    uint32_t r = nm_rel_prov_rule(rel, row);
    if (r == UINT32_MAX)
        return NULL;
    return nm_plan_rule_at(m->lw->plan, (int)r)->origin;
}

bool nm_model_rule_concludes(const nm_model *m, const nm_prule *r, int pred, const nm_cell *t)
{
    const nm_lowered *lw = m->lw;
    int rel = lw->pred_raw_rel[pred];
    for (int i = 0; i < lw->plan->rules.n; i++) {
        const nm_plan_rule *pr = nm_plan_rule_at(lw->plan, i);
        if (pr->origin != r || pr->head != rel)
            continue;
        nm_eval_witness w;
        if (nm_eval_witness_find(m->ev, i, t, UINT32_MAX, &w))
            return true;
    }
    return false;
}

/* ---- for engine/explain.c (engine_int.h) --------------------------------------------- */

const nm_eval *nm_model_eval(const nm_model *m) { return m->ev; }

bool nm_model_strict_twin(const nm_model *m, const nm_lowered **lw, const nm_eval **ev)
{
    *lw = m->strict_lw;
    *ev = m->strict_ev;
    return m->strict_ev != NULL;
}

bool nm_model_parse_query(nm_model *m, const char *atom, int *pred, int *nargs, nm_cell **cells,
                          int **var)
{
    query q;
    if (!parse_atom(m->engine, "<query>", atom, m->case_id, &q))
        return false;
    bind_consts(m->lw, &q);
    *pred = q.pred;
    *nargs = q.nargs;
    *cells = q.cells;
    *var = q.var;
    return true;
}

bool nm_model_reload(const nm_model *m, const nm_lowered *lw, nm_eval *ev, nm_buf *err)
{
    nm_engine *e = m->engine;
    nm_facts_insert_false(e->facts, lw, ev);
    if (!session_false_facts(e, lw, ev, m->case_id))
        return false;
    if (!nm_lower_load_facts(lw, ev, err) || !nm_facts_insert_true(e->facts, lw, ev, err))
        return false;
    for (int i = 0; i < e->extra_facts.n; i++) {
        query q;
        if (!parse_atom(e, "<fact>", e->extra_facts.items[i], m->case_id, &q))
            return false;
        bind_consts(lw, &q);
        if (!nm_rel_contains(nm_eval_rel(ev, lw->pred_false_rel[q.pred]), q.cells))
            nm_eval_add_fact(ev, lw->pred_rel[q.pred], q.cells);
        if (lw->pred_poss_rel[q.pred] != lw->pred_rel[q.pred])
            nm_eval_add_fact(ev, lw->pred_poss_rel[q.pred], q.cells);
    }
    return session_retractions(e, lw, ev, m->case_id);
}

/* ---- what-if: facts stated false and facts withdrawn ([cli.repl]) ------------------- */

/* A withdrawn fact: `A` or `not A`, as text (parsed again by each run). */
typedef struct retraction {
    const char *text;
    bool negated;
} retraction;

static bool same_atom(const query *a, const query *b)
{
    if (a->pred != b->pred || a->nargs != b->nargs)
        return false;
    for (int i = 0; i < a->nargs; i++)
        if (a->var[i] != b->var[i] || (a->var[i] == -1 && a->cells[i] != b->cells[i]))
            return false;
    return true;
}

/* Drops the entries of v (fact texts, or retractions when `retr`) that state q. */
static void drop_matching(nm_engine *e, nm_vec *v, const query *q, bool retr, bool negated)
{
    int k = 0;
    for (int i = 0; i < v->n; i++) {
        const char *text = retr ? ((retraction *)v->items[i])->text : v->items[i];
        query o;
        bool neg = false;
        bool same = (!retr || ((retraction *)v->items[i])->negated == negated) &&
                    parse_atom_neg(e, "<fact>", text, -1, &o, &neg) && same_atom(q, &o);
        if (!same)
            v->items[k++] = v->items[i];
    }
    v->n = k;
}

/* Adding a fact undoes an earlier withdrawal of the same statement. */
static void unretract(nm_engine *e, const query *q, bool negated)
{
    drop_matching(e, &e->retracted, q, true, negated);
}

bool nm_engine_retract_fact(nm_engine *e, const char *text)
{
    if (!e->program) {
        nm_error(e->diags, no_span(), "E-state", "facts can be retracted only from a checked program");
        return false;
    }
    query q;
    bool negated = false;
    if (!parse_atom_neg(e, "<fact>", text, -1, &q, &negated))
        return false;
    const nm_ppred *pd = &e->program->preds[q.pred];
    if (pd->mode == NM_PRED_DERIVED) {
        nm_error(e->diags, no_span(), "E-fact-derived",
                 "'%s' is concluded by rules; only facts of input predicates can be retracted",
                 pd->name);
        return false;
    }
    for (int i = 0; i < q.nargs; i++)
        if (q.var[i] >= 0 || q.var[i] == -2) {
            nm_error(e->diags, no_span(), "E-fact-var", "a fact must be ground: '%s'", text);
            return false;
        }
    drop_matching(e, negated ? &e->extra_false : &e->extra_facts, &q, false, negated);
    drop_matching(e, &e->retracted, &q, true, negated);
    retraction *r = nm_alloc(sizeof *r);
    r->text = nm_strdup(text);
    r->negated = negated;
    nm_vec_push(&e->retracted, r);
    return true;
}

/* Inserts the atoms added as `not A` into C(p⁻), before the program's facts and the
 * open domains are loaded (so that the domains leave them out). */
static bool session_false_facts(nm_engine *e, const nm_lowered *lw, nm_eval *ev, int case_id)
{
    for (int i = 0; i < e->extra_false.n; i++) {
        query q;
        bool neg;
        if (!parse_atom_neg(e, "<fact>", e->extra_false.items[i], case_id, &q, &neg))
            return false;
        bind_consts(lw, &q);
        nm_eval_add_fact(ev, lw->pred_false_rel[q.pred], q.cells);
    }
    return true;
}

/* Removes tuple t from relation `rel` of ev; false when it was absent. Rebuilds the
 * relation (before the run, input relations only), which is linear but rare. */
static bool rel_remove(nm_eval *ev, int rel, const nm_cell *t)
{
    nm_rel *r = nm_eval_rel(ev, rel);
    if (!nm_rel_contains(r, t))
        return false;
    nm_row n = nm_rel_size(r);
    size_t w = (size_t)r->arity;
    nm_cell *keep = nm_alloc_atomic(sizeof(nm_cell) * (n * w + 1));
    nm_row k = 0;
    for (nm_row i = 0; i < n; i++) {
        const nm_cell *row = nm_rel_row(r, i);
        if (nm_val_compare_tuple(row, t, w) != 0)
            memcpy(keep + (size_t)k++ * w, row, sizeof(nm_cell) * w);
    }
    nm_rel_clear(r);
    /* r may share a fact file's rows (facts.c): inserting into it now would overwrite
     * them, so it shares `keep` instead (distinct rows, as r's were) */
    if (!nm_rel_share_rows(r, keep, k))
        for (nm_row i = 0; i < k; i++)
            nm_eval_add_fact(ev, rel, keep + (size_t)i * w);
    return true;
}

/* Applies the withdrawals after every fact is loaded. A withdrawn `A` leaves C(p),
 * and P(p) unless p is open, where it becomes unknown — or no when it is also stated
 * false. A withdrawn `not A` leaves C(p⁻); an open A becomes unknown, or yes when it
 * is also stated true. (For an open p, an atom stated false is in P(p) only when it
 * is also stated true: the domain leaves stated-false atoms out.) */
static bool session_retractions(nm_engine *e, const nm_lowered *lw, nm_eval *ev, int case_id)
{
    for (int i = 0; i < e->retracted.n; i++) {
        const retraction *r = e->retracted.items[i];
        query q;
        bool neg;
        if (!parse_atom_neg(e, "<fact>", r->text, case_id, &q, &neg))
            return false;
        bind_consts(lw, &q);
        int p = q.pred;
        bool separate = lw->pred_poss_rel[p] != lw->pred_rel[p];
        bool stated_false = nm_rel_contains(nm_eval_rel(ev, lw->pred_false_rel[p]), q.cells);
        if (!r->negated) {
            rel_remove(ev, lw->pred_rel[p], q.cells);
            if (separate && (!lw->open[p] || stated_false))
                rel_remove(ev, lw->pred_poss_rel[p], q.cells);
        } else if (stated_false) {
            rel_remove(ev, lw->pred_false_rel[p], q.cells);
            if (nm_rel_contains(nm_eval_rel(ev, lw->pred_poss_rel[p]), q.cells))
                nm_eval_add_fact(ev, lw->pred_rel[p], q.cells);
            else if (lw->open[p] && separate)
                nm_eval_add_fact(ev, lw->pred_poss_rel[p], q.cells);
        }
    }
    return true;
}

const char *nm_answers_var(const nm_answers *a, int j)
{
    return a && a->vars && j >= 0 && j < a->arity ? a->vars[j] : NULL;
}

nm_answers *nm_model_query_false(nm_model *m, const char *atom)
{
    query q;
    if (!parse_atom(m->engine, "<query>", atom, m->case_id, &q))
        return NULL;
    bind_consts(m->lw, &q);
    nm_vec rows = {0};
    collect(&q, nm_eval_rel(m->ev, m->lw->pred_false_rel[q.pred]), &rows);
    q_arity = q.nargs;
    if (rows.n)
        qsort(rows.items, (size_t)rows.n, sizeof(void *), cmp_row_ptrs);
    nm_answers *a = nm_alloc(sizeof *a);
    a->arity = q.nargs;
    a->pred = m->lw->prog->preds[q.pred].name;
    a->cells = nm_alloc_atomic(sizeof(nm_cell) * ((size_t)rows.n * (size_t)q.nargs + 1));
    a->truth = nm_alloc_atomic(sizeof(nm_truth) * (size_t)(rows.n + 1));
    a->tags = nm_alloc_atomic(sizeof(unsigned) * (size_t)(rows.n + 1));
    for (int i = 0; i < rows.n; i++) {
        const nm_cell *row = rows.items[i];
        memcpy(a->cells + (size_t)a->n * (size_t)q.nargs, row, sizeof(nm_cell) * (size_t)q.nargs);
        a->truth[a->n] = truth_in(m->lw, m->ev, q.pred, row);
        a->tags[a->n] = is_conflict(m->lw, m->ev, q.pred, row) ? NM_TAG_CONFLICT : 0;
        a->n++;
    }
    a->texts = nm_alloc(sizeof(char *) * (size_t)(a->n + 1));
    a->vars = q.names;
    return a;
}
