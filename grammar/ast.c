/* ast.c — the syntax tree: node builders the parser's actions call (build.h), and the
 * S-expression dump used by `norma check --dump-ast` and the tests. Builders check
 * only syntactic shape (a condition where a condition must be, citation part order);
 * everything about names, types and meaning is the checker's (engine/check.c). */
#include <stddef.h>
#include <string.h>

#include "build.h"

const char *nm_node_kind_name(nm_node_kind k)
{
    static const char *const names[] = {
#define X(name) #name,
        NM_NODE_KINDS(X)
#undef X
    };
    return k < NM_N__COUNT ? names[k] : "?";
}

const char *nm_op_text(nm_op op)
{
    static const char *const text[] = {"+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">="};
    return op <= NM_OP_GE ? text[op] : "?";
}

/* The arena the builders allocate from (see nm_b_use_arena); NULL: one object at a
 * time. Per thread, so that parses on different threads do not share one. */
static _Thread_local nm_arena *arena;

nm_arena *nm_b_use_arena(nm_arena *a)
{
    nm_arena *prev = arena;
    arena = a;
    return prev;
}

void *nm_b_alloc(size_t size) { return arena ? nm_arena_alloc(arena, size) : nm_alloc(size); }

/* Bytes a node of `kind` needs: the header and its own member of the union — why:
 * most nodes are names, atoms and operators (50-110 bytes) while the union is sized
 * by the largest declaration (288 bytes in all); a large file's tree was a third of
 * the memory `norma check` allocated. */
static size_t node_size(nm_node_kind kind)
{
#define MEMBER(m) (offsetof(nm_node, u) + sizeof(((nm_node *)NULL)->u.m))
    switch (kind) {
    case NM_N_MODULE: case NM_N_USE: case NM_N_NAME: return MEMBER(name);
    case NM_N_SOURCE: return MEMBER(source);
    case NM_N_ARTICLE: return MEMBER(article);
    case NM_N_ARTICLES: return MEMBER(articles);
    case NM_N_ENUM: case NM_N_TIERS: case NM_N_ENTITY_TYPE: return MEMBER(enumd);
    case NM_N_ENTITY: return MEMBER(entity);
    case NM_N_LIST: return MEMBER(list);
    case NM_N_MAP: case NM_N_TABLE: return MEMBER(mapd);
    case NM_N_PARAM: return MEMBER(param);
    case NM_N_PRED: return MEMBER(pred);
    case NM_N_FACT: case NM_N_FOUND: return MEMBER(fact);
    case NM_N_RULE: return MEMBER(rule);
    case NM_N_CASE: return MEMBER(casedecl);
    case NM_N_EXPECT: return MEMBER(expect);
    case NM_N_WILDCARD: return offsetof(nm_node, u);
    case NM_N_INT: case NM_N_DECIMAL: case NM_N_STRING: case NM_N_BOOL: case NM_N_DATE:
    case NM_N_DURATION:
        return MEMBER(lit);
    case NM_N_CITE: return MEMBER(cite);
    case NM_N_SET: return MEMBER(set);
    case NM_N_ARITH: case NM_N_CMP: case NM_N_AND: case NM_N_OR: case NM_N_IN:
        return MEMBER(binop);
    case NM_N_NEG: case NM_N_NOT: return MEMBER(unop);
    case NM_N_AGG: return MEMBER(agg);
    case NM_N_ATOM: return MEMBER(atom);
    case NM_N_WITHIN: return MEMBER(within);
    default: return sizeof(nm_node);
    }
#undef MEMBER
}

nm_node *nm_node_new(nm_node_kind kind, nm_span span)
{
    nm_node *n = nm_b_alloc(node_size(kind));
    n->kind = kind;
    n->span = span;
    return n;
}

/* ---- shape checks ------------------------------------------------------------------ */

/* The grammar reads conditions and values with one expression syntax; which is which
 * is the checker's concern ([check.expr]: "expected a condition" / "expected a value"),
 * so the builders accept both. */
nm_node *nm_b_formula(nm_diags *ds, nm_node *n)
{
    (void)ds;
    return n;
}

static nm_node *term(nm_diags *ds, nm_node *n)
{
    (void)ds;
    return n;
}

/* ---- citations --------------------------------------------------------------------- */

nm_partlist nm_b_parts_cat(nm_partlist a, nm_partlist b)
{
    nm_partlist r = {nm_b_alloc(sizeof(nm_cit_part) * (size_t)(a.n + b.n + 1)), a.n + b.n};
    if (a.n)
        memcpy(r.v, a.v, sizeof(nm_cit_part) * (size_t)a.n);
    if (b.n)
        memcpy(r.v + a.n, b.v, sizeof(nm_cit_part) * (size_t)b.n);
    return r;
}

nm_partlist nm_b_section(const char *text, nm_span span)
{
    nm_partlist r = {nm_b_alloc(sizeof(nm_cit_part)), 1};
    r.v[0].kind = NM_CIT_SECTION;
    r.v[0].section = text;
    r.v[0].span = span;
    return r;
}

static const char *part_text(const nm_cit_part *p)
{
    nm_buf b = {0};
    nm_citation_format_part(p, &b);
    return nm_buf_str(&b);
}

/* Reports the first part that is out of order (kinds must strictly increase, and a
 * section number stands alone). */
static void check_part_order(nm_diags *ds, nm_partlist parts)
{
    for (int i = 1; i < parts.n; i++) {
        const nm_cit_part *a = &parts.v[i - 1], *b = &parts.v[i];
        if (a->kind == NM_CIT_SECTION || b->kind == NM_CIT_SECTION || b->kind <= a->kind) {
            nm_diag *d = nm_error(ds, b->span, "E-cite-order",
                                  "citation part '%s' cannot follow '%s'", part_text(b),
                                  part_text(a));
            nm_diag_note(d, NM_SEV_HELP, NULL,
                         "parts are written in the order 条, 款, 项, 目, each at most once");
            return;
        }
    }
}

nm_citation *nm_b_citation(nm_diags *ds, nm_span span, nm_ident source, nm_partlist parts)
{
    nm_citation *c = nm_b_alloc(sizeof *c);
    c->source = source.text;
    c->source_span = source.span;
    c->parts = parts.v;
    c->nparts = parts.n;
    c->span = span;
    check_part_order(ds, parts);
    return c;
}

int nm_b_cites(nm_vec *v, nm_citation **out)
{
    *out = NULL;
    if (!v || !v->n)
        return 0;
    *out = nm_b_alloc(sizeof(nm_citation) * (size_t)v->n);
    for (int i = 0; i < v->n; i++)
        (*out)[i] = *(nm_citation *)v->items[i];
    return v->n;
}

/* ---- declarations ------------------------------------------------------------------ */

static nm_vec vec_of(nm_vec *v)
{
    nm_vec r = {0};
    return v ? *v : r;
}

static nm_window window_of(const nm_window *w)
{
    nm_window r = {0};
    return w ? *w : r;
}

static nm_labels labels_of(const nm_labels *l)
{
    nm_labels r = {0};
    return l ? *l : r;
}

nm_node *nm_b_named(nm_node_kind kind, nm_span span, nm_ident name)
{
    nm_node *n = nm_node_new(kind, span);
    n->u.name = name;
    return n;
}

nm_node *nm_b_source(nm_span span, nm_ident name, const char *title, const char *doc_id,
                     nm_ident rank, const nm_window *window, nm_vec *articles)
{
    nm_window w = window_of(window);
    nm_node *n = nm_node_new(NM_N_SOURCE, span);
    n->u.source.name = name;
    n->u.source.title = title;
    n->u.source.doc_id = doc_id;
    n->u.source.rank = rank;
    n->u.source.from = w.from;
    n->u.source.until = w.until;
    n->u.source.articles = vec_of(articles);
    return n;
}

nm_node *nm_b_article(nm_diags *ds, nm_span span, nm_partlist parts, const nm_window *window,
                      nm_partlist *renumbered, nm_date_lit renumber_from, const char *text)
{
    nm_window w = window_of(window);
    nm_node *n = nm_node_new(NM_N_ARTICLE, span);
    check_part_order(ds, parts);
    n->u.article.parts = parts.v;
    n->u.article.nparts = parts.n;
    n->u.article.from = w.from;
    n->u.article.until = w.until;
    if (renumbered) {
        check_part_order(ds, *renumbered);
        n->u.article.new_parts = renumbered->v;
        n->u.article.new_nparts = renumbered->n;
        n->u.article.renumber_from = renumber_from;
    }
    n->u.article.text = text;
    return n;
}

/* One end of an `articles` range: exactly one 第N条 part. */
static nm_cit_part range_end(nm_diags *ds, nm_partlist p, nm_span span)
{
    if (p.n != 1 || p.v[0].kind != NM_CIT_ARTICLE) {
        nm_span s = p.n ? nm_span_join(p.v[0].span, p.v[p.n - 1].span) : span;
        nm_error(ds, s, "E-syntax", "an article range must name whole articles (第N条)");
    }
    nm_cit_part r = {0};
    if (p.n)
        r = p.v[0];
    return r;
}

nm_node *nm_b_articles(nm_diags *ds, nm_span span, nm_partlist first, nm_partlist last)
{
    nm_node *n = nm_node_new(NM_N_ARTICLES, span);
    n->u.articles.first = range_end(ds, first, span);
    n->u.articles.last = range_end(ds, last, span);
    return n;
}

nm_member *nm_b_member(nm_span span, nm_ident name, const nm_labels *given)
{
    nm_labels labels = labels_of(given);
    nm_member *m = nm_b_alloc(sizeof *m);
    m->name = name;
    m->zh = labels.zh;
    m->en = labels.en;
    m->span = span;
    return m;
}

nm_node *nm_b_enum(nm_node_kind kind, nm_span span, nm_ident name, nm_vec *cites,
                   nm_vec *members)
{
    nm_node *n = nm_node_new(kind, span);
    n->u.enumd.name = name;
    n->u.enumd.ncites = nm_b_cites(cites, &n->u.enumd.cites);
    int k = members ? members->n : 0;
    n->u.enumd.members = nm_b_alloc(sizeof(nm_member) * (size_t)(k + 1));
    for (int i = 0; i < k; i++)
        n->u.enumd.members[i] = *(nm_member *)members->items[i];
    n->u.enumd.nmembers = k;
    return n;
}

nm_node *nm_b_entity(nm_span span, nm_ident name, nm_entity_kind kind, const char *label)
{
    nm_node *n = nm_node_new(NM_N_ENTITY, span);
    n->u.entity.name = name;
    n->u.entity.kind = kind;
    n->u.entity.label = label;
    n->u.entity.type.text = "";
    n->u.entity.type.span = name.span;
    return n;
}

nm_node *nm_b_entity_typed(nm_span span, nm_ident name, nm_ident type, const char *label)
{
    nm_node *n = nm_b_entity(span, name, NM_ENTITY_TYPED, label);
    n->u.entity.type = type;
    return n;
}

static void terms(nm_diags *ds, nm_vec *v)
{
    for (int i = 0; v && i < v->n; i++)
        term(ds, v->items[i]);
}

nm_node *nm_b_list(nm_diags *ds, nm_span span, nm_ident name, nm_ident type, nm_vec *cites, nm_vec *values)
{
    nm_node *n = nm_node_new(NM_N_LIST, span);
    n->u.list.name = name;
    n->u.list.type = type;
    n->u.list.ncites = nm_b_cites(cites, &n->u.list.cites);
    terms(ds, values);
    n->u.list.values = vec_of(values);
    return n;
}

nm_map_entry *nm_b_entry(nm_diags *ds, nm_span span, nm_node *key, nm_node *value,
                        nm_vec *values)
{
    nm_map_entry *e = nm_b_alloc(sizeof *e);
    e->key = term(ds, key);
    e->value = term(ds, value);
    terms(ds, values);
    e->values = vec_of(values);
    e->span = span;
    return e;
}

nm_node *nm_b_map(nm_node_kind kind, nm_span span, nm_ident name, nm_ident key_type,
                  nm_ident value_type, nm_vec *cites, nm_vec *entries)
{
    nm_node *n = nm_node_new(kind, span);
    n->u.mapd.name = name;
    n->u.mapd.key_type = key_type;
    n->u.mapd.value_type = value_type;
    n->u.mapd.ncites = nm_b_cites(cites, &n->u.mapd.cites);
    int k = entries ? entries->n : 0;
    n->u.mapd.entries = nm_b_alloc(sizeof(nm_map_entry) * (size_t)(k + 1));
    for (int i = 0; i < k; i++)
        n->u.mapd.entries[i] = *(nm_map_entry *)entries->items[i];
    n->u.mapd.nentries = k;
    return n;
}

nm_node *nm_b_param(nm_diags *ds, nm_span span, nm_ident name, nm_ident type, nm_node *value,
                    nm_vec *cites, bool is_reading, const char *reading)
{
    nm_node *n = nm_node_new(NM_N_PARAM, span);
    n->u.param.name = name;
    n->u.param.type = type;
    n->u.param.value = term(ds, value);
    n->u.param.ncites = nm_b_cites(cites, &n->u.param.cites);
    n->u.param.is_reading = is_reading;
    n->u.param.reading = reading;
    return n;
}

nm_param_decl *nm_b_param_decl(nm_ident name, nm_ident type)
{
    nm_param_decl *p = nm_b_alloc(sizeof *p);
    p->name = name;
    p->type = type;
    return p;
}

nm_node *nm_b_pred(nm_span span, nm_ident name, nm_vec *params, bool is_attr,
                   nm_ident attr_type, nm_pred_mode mode, bool presumed_false,
                   nm_vec *presume_cites, const nm_labels *given)
{
    nm_labels templates = labels_of(given);
    nm_node *n = nm_node_new(NM_N_PRED, span);
    n->u.pred.name = name;
    int k = params ? params->n : 0;
    n->u.pred.params = nm_b_alloc(sizeof(nm_param_decl) * (size_t)(k + 1));
    for (int i = 0; i < k; i++)
        n->u.pred.params[i] = *(nm_param_decl *)params->items[i];
    n->u.pred.nparams = k;
    n->u.pred.is_attr = is_attr;
    n->u.pred.attr_type = attr_type;
    n->u.pred.mode = mode;
    n->u.pred.presumed_false = presumed_false;
    n->u.pred.npresume_cites = nm_b_cites(presume_cites, &n->u.pred.presume_cites);
    n->u.pred.zh = templates.zh;
    n->u.pred.en = templates.en;
    n->u.pred.zh_span = templates.zh_span;
    n->u.pred.en_span = templates.en_span;
    return n;
}

nm_node *nm_b_fact(nm_node_kind kind, nm_span span, nm_node *atom, bool negated,
                   nm_date_lit on)
{
    nm_node *n = nm_node_new(kind, span);
    n->u.fact.atom = atom;
    n->u.fact.negated = negated;
    n->u.fact.on = on;
    return n;
}

nm_node *nm_b_rule(nm_diags *ds, nm_span span, nm_ident label, nm_vec *cites,
                   const nm_window *window, nm_vec *exception_to, nm_node *head,
                   bool head_negated, nm_node *body, nm_node *unless)
{
    nm_window w = window_of(window);
    nm_node *n = nm_node_new(NM_N_RULE, span);
    n->u.rule.label = label;
    n->u.rule.ncites = nm_b_cites(cites, &n->u.rule.cites);
    n->u.rule.from = w.from;
    n->u.rule.until = w.until;
    int k = exception_to ? exception_to->n : 0;
    n->u.rule.exception_to = nm_b_alloc(sizeof(nm_ident) * (size_t)(k + 1));
    for (int i = 0; i < k; i++)
        n->u.rule.exception_to[i] = *(nm_ident *)exception_to->items[i];
    n->u.rule.nexc = k;
    n->u.rule.head = head;
    n->u.rule.head_negated = head_negated;
    n->u.rule.body = nm_b_formula(ds, body);
    n->u.rule.unless = nm_b_formula(ds, unless);
    return n;
}

nm_node *nm_b_case(nm_span span, nm_ident name, const char *title, const char *ref,
                   nm_date_lit decided, nm_vec *items)
{
    nm_node *n = nm_node_new(NM_N_CASE, span);
    n->u.casedecl.name = name;
    n->u.casedecl.title = title;
    n->u.casedecl.ref = ref;
    n->u.casedecl.decided = decided;
    n->u.casedecl.items = vec_of(items);
    return n;
}

nm_node *nm_b_expect(nm_span span, nm_expect_kind what, nm_node *atom, nm_citation *by,
                     const char *explained, nm_span explained_span, nm_ident lang)
{
    nm_node *n = nm_node_new(NM_N_EXPECT, span);
    n->u.expect.what = what;
    n->u.expect.atom = atom;
    n->u.expect.by = by;
    n->u.expect.explained = explained;
    n->u.expect.explained_span = explained_span;
    n->u.expect.lang = lang;
    return n;
}

/* ---- terms and formulas ------------------------------------------------------------ */

nm_node *nm_b_lit(nm_node_kind kind, nm_span span, const char *text)
{
    nm_node *n = nm_node_new(kind, span);
    n->u.lit.text = text;
    return n;
}

nm_node *nm_b_bool(nm_span span, bool b)
{
    nm_node *n = nm_node_new(NM_N_BOOL, span);
    n->u.lit.b = b;
    n->u.lit.text = b ? "true" : "false";
    return n;
}

nm_node *nm_b_date(nm_span span, nm_date_lit d)
{
    nm_node *n = nm_node_new(NM_N_DATE, span);
    n->u.lit.y = d.y;
    n->u.lit.m = d.m;
    n->u.lit.d = d.d;
    return n;
}

nm_node *nm_b_duration(nm_span span, nm_durlit d)
{
    nm_node *n = nm_node_new(NM_N_DURATION, span);
    n->u.lit.text = d.amount;
    n->u.lit.unit = d.unit;
    return n;
}

nm_node *nm_b_cite(nm_span span, nm_citation *c)
{
    nm_node *n = nm_node_new(NM_N_CITE, span);
    n->u.cite = *c;
    return n;
}

static nm_node **array_of(nm_vec *v, int *count)
{
    int k = v ? v->n : 0;
    nm_node **a = nm_b_alloc(sizeof *a * (size_t)(k + 1));
    for (int i = 0; i < k; i++)
        a[i] = v->items[i];
    *count = k;
    return a;
}

nm_node *nm_b_set(nm_diags *ds, nm_span span, nm_vec *items)
{
    nm_node *n = nm_node_new(NM_N_SET, span);
    terms(ds, items);
    n->u.set.items = array_of(items, &n->u.set.nitems);
    return n;
}

nm_node *nm_b_atom(nm_diags *ds, nm_span span, nm_ident pred, nm_vec *args)
{
    nm_node *n = nm_node_new(NM_N_ATOM, span);
    n->u.atom.pred = pred;
    terms(ds, args);
    n->u.atom.args = array_of(args, &n->u.atom.nargs);
    return n;
}

nm_node *nm_b_binop(nm_diags *ds, nm_node_kind kind, nm_op op, nm_span span, nm_node *lhs,
                    nm_node *rhs)
{
    nm_node *n = nm_node_new(kind, span);
    n->u.binop.op = op;
    n->u.binop.lhs = lhs;
    n->u.binop.rhs = rhs;
    (void)ds;
    return n;
}

nm_node *nm_b_unop(nm_diags *ds, nm_node_kind kind, nm_span span, nm_node *operand)
{
    nm_node *n = nm_node_new(kind, span);
    n->u.unop.operand = operand;
    (void)ds;
    return n;
}

nm_node *nm_b_agg(nm_diags *ds, nm_span span, nm_agg_op op, nm_vec *vars, nm_node *body)
{
    nm_node *n = nm_node_new(NM_N_AGG, span);
    n->u.agg.op = op;
    terms(ds, vars);
    n->u.agg.terms = array_of(vars, &n->u.agg.nterms);
    if (op != NM_AGG_COUNT && n->u.agg.nterms != 1)
        nm_error(ds, span, "E-syntax", "%s takes one expression before 'for'",
                 op == NM_AGG_SUM ? "sum" : op == NM_AGG_MIN ? "min" : "max");
    n->u.agg.body = nm_b_formula(ds, body);
    return n;
}

nm_node *nm_b_within(nm_diags *ds, nm_span span, nm_within_kind how, nm_node *lhs,
                     nm_node *dur, nm_node *rhs)
{
    nm_node *n = nm_node_new(NM_N_WITHIN, span);
    n->u.within.how = how;
    n->u.within.lhs = term(ds, lhs);
    n->u.within.dur = term(ds, dur);
    n->u.within.rhs = term(ds, rhs);
    return n;
}

/* ---- walking ----------------------------------------------------------------------- */

/* Pushes n's child nodes (terms, formulas, items; not citations) onto out. */
static void children(const nm_node *n, nm_vec *out)
{
#define PUSH(c) do { if (c) nm_vec_push(out, (void *)(c)); } while (0)
    switch (n->kind) {
    case NM_N_SOURCE:
        for (int i = 0; i < n->u.source.articles.n; i++)
            PUSH(n->u.source.articles.items[i]);
        break;
    case NM_N_LIST:
        for (int i = 0; i < n->u.list.values.n; i++)
            PUSH(n->u.list.values.items[i]);
        break;
    case NM_N_MAP:
    case NM_N_TABLE:
        for (int i = 0; i < n->u.mapd.nentries; i++) {
            const nm_map_entry *e = &n->u.mapd.entries[i];
            PUSH(e->key);
            PUSH(e->value);
            for (int j = 0; j < e->values.n; j++)
                PUSH(e->values.items[j]);
        }
        break;
    case NM_N_PARAM: PUSH(n->u.param.value); break;
    case NM_N_FACT:
    case NM_N_FOUND: PUSH(n->u.fact.atom); break;
    case NM_N_RULE:
        PUSH(n->u.rule.head);
        PUSH(n->u.rule.body);
        PUSH(n->u.rule.unless);
        break;
    case NM_N_CASE:
        for (int i = 0; i < n->u.casedecl.items.n; i++)
            PUSH(n->u.casedecl.items.items[i]);
        break;
    case NM_N_EXPECT: PUSH(n->u.expect.atom); break;
    case NM_N_SET:
        for (int i = 0; i < n->u.set.nitems; i++)
            PUSH(n->u.set.items[i]);
        break;
    case NM_N_ATOM:
        for (int i = 0; i < n->u.atom.nargs; i++)
            PUSH(n->u.atom.args[i]);
        break;
    case NM_N_ARITH: case NM_N_CMP: case NM_N_AND: case NM_N_OR: case NM_N_IN:
        PUSH(n->u.binop.lhs);
        PUSH(n->u.binop.rhs);
        break;
    case NM_N_NEG:
    case NM_N_NOT: PUSH(n->u.unop.operand); break;
    case NM_N_AGG:
        for (int i = 0; i < n->u.agg.nterms; i++)
            PUSH(n->u.agg.terms[i]);
        PUSH(n->u.agg.body);
        break;
    case NM_N_WITHIN:
        PUSH(n->u.within.lhs);
        PUSH(n->u.within.dur);
        PUSH(n->u.within.rhs);
        break;
    default:
        break;
    }
#undef PUSH
}

int nm_ast_depth(const nm_node *root)
{
    /* Explicit stack of (node, depth) so that a degenerate tree cannot overflow the
     * C stack; depths travel as tagged integers in a second vector. Both start in
     * local storage: most declarations are shallow, and this runs for every one. */
    void *node_slots[64], *depth_slots[64];
    nm_vec nodes = {node_slots, 0, 64}, depths = {depth_slots, 0, 64};
    int max = 0;
    nm_vec_push(&nodes, (void *)root);
    nm_vec_push(&depths, (void *)(intptr_t)1);
    while (nodes.n) {
        const nm_node *n = nodes.items[--nodes.n];
        int d = (int)(intptr_t)depths.items[--depths.n];
        if (d > max)
            max = d;
        int first = nodes.n;
        children(n, &nodes);
        for (int i = first; i < nodes.n; i++)
            nm_vec_push(&depths, (void *)(intptr_t)(d + 1));
    }
    return max;
}

/* ---- dump -------------------------------------------------------------------------- */

static void put_quoted(nm_buf *b, const char *s)
{
    nm_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': nm_buf_puts(b, "\\\""); break;
        case '\\': nm_buf_puts(b, "\\\\"); break;
        case '\n': nm_buf_puts(b, "\\n"); break;
        case '\t': nm_buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                nm_buf_printf(b, "\\u{%x}", *p);
            else
                nm_buf_putc(b, (char)*p);
        }
    }
    nm_buf_putc(b, '"');
}

static void put_date(nm_buf *b, const char *key, nm_date_lit d)
{
    if (d.present)
        nm_buf_printf(b, " %s %04d-%02d-%02d", key, d.y, d.m, d.d);
}

static void put_cites(nm_buf *b, const nm_citation *c, int n)
{
    for (int i = 0; i < n; i++) {
        nm_buf_putc(b, ' ');
        nm_citation_format(&c[i], b);
    }
}

static void put_parts(nm_buf *b, const nm_cit_part *p, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            nm_buf_putc(b, ' ');
        nm_citation_format_part(&p[i], b);
    }
}

static void put_labels(nm_buf *b, const char *zh, const char *en)
{
    if (zh) {
        nm_buf_puts(b, " zh ");
        put_quoted(b, zh);
    }
    if (en) {
        nm_buf_puts(b, " en ");
        put_quoted(b, en);
    }
}

static void line(nm_buf *b, int indent)
{
    nm_buf_putc(b, '\n');
    for (int i = 0; i < indent; i++)
        nm_buf_puts(b, "  ");
}

/* A pseudo node "(tag" holding one child, for parts of a rule or an entry. */
static void wrapped(nm_buf *b, const char *tag, const nm_node *n, int indent)
{
    line(b, indent);
    nm_buf_printf(b, "(%s", tag);
    line(b, indent + 1);
    nm_ast_dump_node(n, b, indent + 1);
    nm_buf_putc(b, ')');
}

static const char *const dur_units[] = {"days", "weeks", "months", "years"};
static const char *const agg_names[] = {"count", "sum", "min", "max"};
static const char *const within_names[] = {"of", "after", "before"};
static const char *const modes[] = {"", " input", " open"};
static const char *const expect_names[] = {"yes", "no", "unknown"};

/* Writes the head of node n (after its opening paren) and its children, each child on
 * its own line at indent + 1. The caller has written the indentation for n. */
void nm_ast_dump_node(const nm_node *n, nm_buf *b, int indent)
{
    nm_vec kids = {0};
    switch (n->kind) {
    case NM_N_MODULE: nm_buf_printf(b, "(module %s", n->u.name.text); break;
    case NM_N_USE: nm_buf_printf(b, "(use %s", n->u.name.text); break;
    case NM_N_NAME: nm_buf_printf(b, "(name %s", n->u.name.text); break;
    case NM_N_SOURCE:
        nm_buf_printf(b, "(source %s ", n->u.source.name.text);
        put_quoted(b, n->u.source.title ? n->u.source.title : "");
        if (n->u.source.doc_id) {
            nm_buf_puts(b, " id ");
            put_quoted(b, n->u.source.doc_id);
        }
        if (n->u.source.rank.text && *n->u.source.rank.text)
            nm_buf_printf(b, " rank %s", n->u.source.rank.text);
        put_date(b, "in_force", n->u.source.from);
        put_date(b, "until", n->u.source.until);
        children(n, &kids);
        break;
    case NM_N_ARTICLE:
        nm_buf_puts(b, "(article ");
        put_parts(b, n->u.article.parts, n->u.article.nparts);
        put_date(b, "in_force", n->u.article.from);
        put_date(b, "until", n->u.article.until);
        if (n->u.article.new_parts) {
            nm_buf_puts(b, " renumbered ");
            put_parts(b, n->u.article.new_parts, n->u.article.new_nparts);
            put_date(b, "from", n->u.article.renumber_from);
        }
        if (n->u.article.text) {
            nm_buf_puts(b, " text ");
            put_quoted(b, n->u.article.text);
        }
        break;
    case NM_N_ARTICLES:
        nm_buf_puts(b, "(articles ");
        nm_citation_format_part(&n->u.articles.first, b);
        nm_buf_puts(b, " .. ");
        nm_citation_format_part(&n->u.articles.last, b);
        break;
    case NM_N_ENUM:
    case NM_N_TIERS:
        nm_buf_printf(b, "(%s %s", n->kind == NM_N_ENUM ? "enum" : "tiers",
                      n->u.enumd.name.text);
        put_cites(b, n->u.enumd.cites, n->u.enumd.ncites);
        for (int i = 0; i < n->u.enumd.nmembers; i++) {
            const nm_member *m = &n->u.enumd.members[i];
            line(b, indent + 1);
            nm_buf_printf(b, "(member %s", m->name.text);
            put_labels(b, m->zh, m->en);
            nm_buf_putc(b, ')');
        }
        break;
    case NM_N_ENTITY_TYPE:
        nm_buf_printf(b, "(entity-type %s", n->u.enumd.name.text);
        put_cites(b, n->u.enumd.cites, n->u.enumd.ncites);
        break;
    case NM_N_ENTITY:
        nm_buf_printf(b, "(entity %s %s", n->u.entity.name.text,
                      n->u.entity.kind == NM_ENTITY_PERSON ? "person"
                      : n->u.entity.kind == NM_ENTITY_UNIT ? "unit"
                                                           : n->u.entity.type.text);
        if (n->u.entity.label) {
            nm_buf_putc(b, ' ');
            put_quoted(b, n->u.entity.label);
        }
        break;
    case NM_N_LIST:
        nm_buf_printf(b, "(list %s", n->u.list.name.text);
        if (*n->u.list.type.text)
            nm_buf_printf(b, " : %s", n->u.list.type.text);
        put_cites(b, n->u.list.cites, n->u.list.ncites);
        children(n, &kids);
        break;
    case NM_N_MAP:
    case NM_N_TABLE:
        nm_buf_printf(b, "(%s %s : %s -> %s", n->kind == NM_N_MAP ? "map" : "table",
                      n->u.mapd.name.text, n->u.mapd.key_type.text, n->u.mapd.value_type.text);
        put_cites(b, n->u.mapd.cites, n->u.mapd.ncites);
        for (int i = 0; i < n->u.mapd.nentries; i++) {
            const nm_map_entry *e = &n->u.mapd.entries[i];
            line(b, indent + 1);
            nm_buf_puts(b, "(entry");
            line(b, indent + 2);
            nm_ast_dump_node(e->key, b, indent + 2);
            if (e->value) {
                line(b, indent + 2);
                nm_ast_dump_node(e->value, b, indent + 2);
            }
            for (int j = 0; j < e->values.n; j++) {
                line(b, indent + 2);
                nm_ast_dump_node(e->values.items[j], b, indent + 2);
            }
            nm_buf_putc(b, ')');
        }
        break;
    case NM_N_PARAM:
        nm_buf_printf(b, "(param %s", n->u.param.name.text);
        if (*n->u.param.type.text)
            nm_buf_printf(b, " : %s", n->u.param.type.text);
        put_cites(b, n->u.param.cites, n->u.param.ncites);
        if (n->u.param.is_reading) {
            nm_buf_puts(b, " reading");
            if (n->u.param.reading) {
                nm_buf_putc(b, ' ');
                put_quoted(b, n->u.param.reading);
            }
        }
        children(n, &kids);
        break;
    case NM_N_PRED:
        nm_buf_printf(b, "(%s %s", n->u.pred.is_attr ? "attr" : "pred", n->u.pred.name.text);
        for (int i = 0; i < n->u.pred.nparams; i++)
            nm_buf_printf(b, " (%s %s)", n->u.pred.params[i].name.text,
                          n->u.pred.params[i].type.text);
        if (n->u.pred.is_attr)
            nm_buf_printf(b, " : %s", n->u.pred.attr_type.text);
        nm_buf_puts(b, modes[n->u.pred.mode]);
        if (n->u.pred.presumed_false) {
            nm_buf_puts(b, " presumed false");
            put_cites(b, n->u.pred.presume_cites, n->u.pred.npresume_cites);
        }
        put_labels(b, n->u.pred.zh, n->u.pred.en);
        break;
    case NM_N_FACT:
    case NM_N_FOUND:
        nm_buf_puts(b, n->kind == NM_N_FACT ? "(fact" : "(found");
        if (n->u.fact.negated)
            nm_buf_puts(b, " not");
        put_date(b, "on", n->u.fact.on);
        children(n, &kids);
        break;
    case NM_N_RULE:
        nm_buf_printf(b, "(rule %s", n->u.rule.label.text);
        put_cites(b, n->u.rule.cites, n->u.rule.ncites);
        put_date(b, "in_force", n->u.rule.from);
        put_date(b, "until", n->u.rule.until);
        if (n->u.rule.nexc) {
            nm_buf_puts(b, " exception_to");
            for (int i = 0; i < n->u.rule.nexc; i++)
                nm_buf_printf(b, " %s", n->u.rule.exception_to[i].text);
        }
        wrapped(b, n->u.rule.head_negated ? "head not" : "head", n->u.rule.head, indent + 1);
        if (n->u.rule.body)
            wrapped(b, "if", n->u.rule.body, indent + 1);
        if (n->u.rule.unless)
            wrapped(b, "unless", n->u.rule.unless, indent + 1);
        break;
    case NM_N_CASE:
        nm_buf_printf(b, "(case %s", n->u.casedecl.name.text);
        if (n->u.casedecl.title) {
            nm_buf_putc(b, ' ');
            put_quoted(b, n->u.casedecl.title);
        }
        if (n->u.casedecl.ref) {
            nm_buf_puts(b, " ref ");
            put_quoted(b, n->u.casedecl.ref);
        }
        put_date(b, "decided", n->u.casedecl.decided);
        children(n, &kids);
        break;
    case NM_N_EXPECT:
        nm_buf_printf(b, "(expect %s", expect_names[n->u.expect.what]);
        if (n->u.expect.by) {
            nm_buf_puts(b, " by ");
            nm_citation_format(n->u.expect.by, b);
        }
        if (n->u.expect.explained) {
            nm_buf_puts(b, " explained ");
            put_quoted(b, n->u.expect.explained);
        }
        if (n->u.expect.lang.text && *n->u.expect.lang.text)
            nm_buf_printf(b, " lang %s", n->u.expect.lang.text);
        children(n, &kids);
        break;
    case NM_N_WILDCARD: nm_buf_puts(b, "(_"); break;
    case NM_N_INT: nm_buf_printf(b, "(int %s", n->u.lit.text); break;
    case NM_N_DECIMAL: nm_buf_printf(b, "(decimal %s", n->u.lit.text); break;
    case NM_N_STRING:
        nm_buf_puts(b, "(string ");
        put_quoted(b, n->u.lit.text);
        break;
    case NM_N_BOOL: nm_buf_printf(b, "(bool %s", n->u.lit.b ? "true" : "false"); break;
    case NM_N_DATE:
        nm_buf_printf(b, "(date %04d-%02d-%02d", n->u.lit.y, n->u.lit.m, n->u.lit.d);
        break;
    case NM_N_DURATION:
        nm_buf_printf(b, "(duration %s %s", n->u.lit.text, dur_units[n->u.lit.unit]);
        break;
    case NM_N_CITE:
        nm_buf_puts(b, "(cite ");
        nm_citation_format(&n->u.cite, b);
        break;
    case NM_N_SET: nm_buf_puts(b, "(set"); children(n, &kids); break;
    case NM_N_ARITH:
    case NM_N_CMP:
        nm_buf_printf(b, "(%s", nm_op_text(n->u.binop.op));
        children(n, &kids);
        break;
    case NM_N_NEG: nm_buf_puts(b, "(neg"); children(n, &kids); break;
    case NM_N_AND: nm_buf_puts(b, "(and"); children(n, &kids); break;
    case NM_N_OR: nm_buf_puts(b, "(or"); children(n, &kids); break;
    case NM_N_NOT: nm_buf_puts(b, "(not"); children(n, &kids); break;
    case NM_N_IN: nm_buf_puts(b, "(in"); children(n, &kids); break;
    case NM_N_AGG:
        nm_buf_printf(b, "(%s", agg_names[n->u.agg.op]);
        for (int i = 0; i < n->u.agg.nterms; i++) {
            line(b, indent + 1);
            nm_ast_dump_node(n->u.agg.terms[i], b, indent + 1);
        }
        wrapped(b, "for", n->u.agg.body, indent + 1);
        break;
    case NM_N_ATOM:
        nm_buf_printf(b, "(atom %s", n->u.atom.pred.text);
        children(n, &kids);
        break;
    case NM_N_WITHIN:
        nm_buf_printf(b, "(within %s", within_names[n->u.within.how]);
        children(n, &kids);
        break;
    case NM_N__COUNT:
        nm_buf_puts(b, "(?");
        break;
    }
    for (int i = 0; i < kids.n; i++) {
        line(b, indent + 1);
        nm_ast_dump_node(kids.items[i], b, indent + 1);
    }
    nm_buf_putc(b, ')');
}

void nm_ast_dump(const nm_ast_file *f, nm_buf *out)
{
    for (int i = 0; i < f->decls.n; i++) {
        nm_ast_dump_node(f->decls.items[i], out, 0);
        nm_buf_putc(out, '\n');
    }
}
