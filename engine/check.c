/* check.c — the checker (see check.h): turns the syntax trees of all loaded files into
 * the checked program of program.h. Passes, in order: modules; declarations (names,
 * duplicates); sources and their articles; signatures (types, templates, open
 * domains); individuals (entity types, case entities, those facts name implicitly);
 * parameters; lists, maps and tables; facts; rules (names, types, range
 * restriction, exceptions); cases; strata; unused declarations. Every pass reports all
 * of its errors; a name that failed to resolve is marked so that nothing downstream
 * reports on it again. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "date.h"
#include "mem.h"
#include "rel.h"

/* ---- small containers -------------------------------------------------------------- */

/* Appends a zeroed element to a growable array of structs; yields its index. */
#define PUSH(arr, n, cap)                                                             \
    (((n) == (cap) ? ((cap) = (cap) ? (cap) * 2 : 16,                                 \
                      (arr) = nm_realloc((arr), sizeof *(arr) * (size_t)(cap)))       \
                   : 0),                                                              \
     memset(&(arr)[(n)], 0, sizeof *(arr)), (n)++)

/* Grows a PUSH array's capacity to at least `want` elements at once. */
#define RESERVE(arr, cap, want)                                                       \
    do {                                                                              \
        if ((want) > (cap)) {                                                         \
            (cap) = (want);                                                           \
            (arr) = nm_realloc((arr), sizeof *(arr) * (size_t)(cap));                  \
        }                                                                             \
    } while (0)

typedef struct ivec {
    int *v;
    int n, cap;
} ivec;

static void iv_push(ivec *a, int x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        int *nv = nm_alloc_atomic(sizeof(int) * (size_t)a->cap);
        if (a->n)
            memcpy(nv, a->v, sizeof(int) * (size_t)a->n);
        a->v = nv;
    }
    a->v[a->n++] = x;
}

/* Sets a[i] = x, growing with zeroes. */
static void iv_set(ivec *a, int i, int x)
{
    while (a->n <= i)
        iv_push(a, 0);
    a->v[i] = x;
}

static int iv_get(const ivec *a, int i) { return i >= 0 && i < a->n ? a->v[i] : 0; }

static int *iv_copy(const ivec *a)
{
    int *r = nm_alloc_atomic(sizeof(int) * (size_t)(a->n + 1));
    if (a->n)
        memcpy(r, a->v, sizeof(int) * (size_t)a->n);
    return r;
}

/* Open-addressing map from NFC names to ints. */
typedef struct symtab {
    const char **keys;
    int *vals;
    int cap, n;
} symtab;

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int sym_get(const symtab *t, const char *k)
{
    if (!t->cap)
        return -1;
    for (uint32_t i = hash_str(k) & (uint32_t)(t->cap - 1);; i = (i + 1) & (uint32_t)(t->cap - 1)) {
        if (!t->keys[i])
            return -1;
        if (strcmp(t->keys[i], k) == 0)
            return t->vals[i];
    }
}

static void sym_put(symtab *t, const char *k, int v)
{
    if ((t->n + 1) * 2 > t->cap) {
        symtab old = *t;
        t->cap = old.cap ? old.cap * 2 : 32;
        t->keys = nm_alloc(sizeof *t->keys * (size_t)t->cap);
        t->vals = nm_alloc_atomic(sizeof *t->vals * (size_t)t->cap);
        t->n = 0;
        for (int i = 0; i < old.cap; i++)
            if (old.keys[i])
                sym_put(t, old.keys[i], old.vals[i]);
    }
    uint32_t i = hash_str(k) & (uint32_t)(t->cap - 1);
    while (t->keys[i] && strcmp(t->keys[i], k) != 0)
        i = (i + 1) & (uint32_t)(t->cap - 1);
    if (!t->keys[i])
        t->n++;
    t->keys[i] = k;
    t->vals[i] = v;
}

/* ---- edit distance ----------------------------------------------------------------- */

static int decode(const char *s, int32_t *out, int max)
{
    int n = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p && n < max) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0) {
            cp = *p;
            k = 1;
        }
        out[n++] = cp;
        p += k;
    }
    return n;
}

int nm_check_edit_distance(const char *a, const char *b)
{
    int32_t x[128], y[128];
    int n = decode(a, x, 128), m = decode(b, y, 128);
    int row[129];
    for (int j = 0; j <= m; j++)
        row[j] = j;
    for (int i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= m; j++) {
            int up = row[j];
            int best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

static int cp_len(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The closest candidate within a third of the name's length (at least 1), the first
 * in the given order on ties; NULL if none is close. */
typedef struct suggest {
    const char *name;
    const char *best;
    int dist;
} suggest;

static void sg_init(suggest *s, const char *name)
{
    s->name = name;
    s->best = NULL;
    int len = cp_len(name);
    s->dist = (len / 3 > 1 ? len / 3 : 1) + 1;
}

static void sg_offer(suggest *s, const char *cand)
{
    if (!cand || !*cand || strcmp(cand, s->name) == 0)
        return;
    int d = nm_check_edit_distance(s->name, cand);
    if (d < s->dist) {
        s->dist = d;
        s->best = cand;
    }
}

static void sg_help(suggest *s, nm_diag *d, const char *what)
{
    if (s->best)
        nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean %s'%s'?", what, s->best);
}

/* ---- the checker state -------------------------------------------------------------- */

typedef struct checker {
    nm_diags *d;
    nm_check_options opt;
    nm_program *p;
    nm_ast_file **files;
    int nfiles;
    int cap_modules, cap_sources, cap_types, cap_consts, cap_params, cap_preds, cap_facts,
        cap_rules, cap_cases;
    symtab modules, sources, types, preds, consts, params, rules, cases;
    ivec const_next;            /* next constant with the same name, -1 at the end */
    bool **visible;             /* visible[m][n]: module m sees module n's declarations */
    bool *is_root;              /* no other module uses it: unused warnings apply */
    /* the syntax node behind each program item (index-aligned) */
    nm_vec type_nodes, pred_nodes, param_nodes, rule_nodes, case_nodes, source_nodes;
    ivec pred_used, type_used, const_used, param_used;
    ivec pred_bad;              /* signature had an error: atoms are not type-checked */
    /* individuals ([type.entity], [fact.implicit]) */
    nm_vec entity_nodes;        /* top-level `entity` declarations ... */
    ivec entity_consts;         /* ... and their constants (-1: a duplicate name) */
    ivec *case_ents;            /* per case: its entities, explicit then implicit */
    nm_vec clash_nodes;         /* fact arguments reported as naming one individual
                                 * with two types: no type error there */
    struct rctx *spare;         /* the variable tables of the last rule checked, for
                                 * the next (see rule_ctx) */
    nm_arena arena;             /* the program's expressions and formulas */
} checker;

static nm_span no_span(void)
{
    nm_span s;
    memset(&s, 0, sizeof s);
    return s;
}

static const char *type_name(checker *c, int t) { return c->p->types[t].name; }

static void dup_error(checker *c, nm_span at, nm_span first, const char *what, const char *name)
{
    nm_diag *d = nm_error(c->d, at, "E-duplicate", "duplicate %s '%s'", what, name);
    if (first.file)
        nm_diag_note(d, NM_SEV_NOTE, &first, "first declared here");
}

/* Reports a use from module `from` of a declaration of module `decl` that `from` does
 * not see; returns false then. */
static bool visible_or_report(checker *c, int from, int decl, nm_span at, const char *name)
{
    if (from < 0 || decl < 0 || c->visible[from][decl])
        return true;
    nm_diag *d = nm_error(c->d, at, "E-not-visible",
                          "'%s' is declared in module '%s', which this module does not use",
                          name, c->p->modules[decl].name);
    nm_diag_note(d, NM_SEV_HELP, NULL, "add 'use %s'", c->p->modules[decl].name);
    return false;
}

/* A fact argument already reported as naming one individual with two types. */
static bool is_clash(checker *c, const nm_node *arg)
{
    for (int i = 0; i < c->clash_nodes.n; i++)
        if (c->clash_nodes.items[i] == arg)
            return true;
    return false;
}

/* ---- dates and literals ------------------------------------------------------------- */

static bool check_ymd(checker *c, int y, int m, int d, nm_span at)
{
    if (nm_date_is_valid(y, m, d))
        return true;
    nm_diag *g = nm_error(c->d, at, "E-date", "date %04d-%02d-%02d does not exist", y, m, d);
    if (y < 1 || y > 9999)
        nm_diag_note(g, NM_SEV_HELP, NULL, "years run from 1 to 9999");
    else if (m < 1 || m > 12)
        nm_diag_note(g, NM_SEV_HELP, NULL, "months run from 1 to 12");
    else
        nm_diag_note(g, NM_SEV_HELP, NULL, "%04d-%02d has %d days", y, m,
                     nm_date_days_in_month(y, m));
    return false;
}

static nm_pdate check_date(checker *c, const nm_date_lit *dl)
{
    nm_pdate r = {0};
    if (!dl->present)
        return r;
    if (check_ymd(c, dl->y, dl->m, dl->d, dl->span)) {
        r.present = true;
        r.y = dl->y;
        r.m = dl->m;
        r.d = dl->d;
    }
    return r;
}

static int date_cmp(nm_pdate a, nm_pdate b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    return a.d < b.d ? -1 : a.d > b.d;
}

static void check_window(checker *c, nm_pdate from, nm_pdate until, nm_span at)
{
    if (from.present && until.present && date_cmp(until, from) < 0)
        nm_error(c->d, at, "E-window", "in-force window ends before it begins");
}

/* Parses decimal digits (underscores ignored) into *out; false on overflow. `neg`
 * allows the magnitude 2^63 (the literal of INT64_MIN under unary minus). */
static bool parse_int(const char *text, bool neg, int64_t *out)
{
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (const char *s = text; *s; s++) {
        if (*s == '_')
            continue;
        if (*s < '0' || *s > '9')
            return false;
        unsigned dgt = (unsigned)(*s - '0');
        if (v > (limit - dgt) / 10)
            return false;
        v = v * 10 + dgt;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* ---- citations ---------------------------------------------------------------------- */

static const char *zh_digit[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

static void put_zh_numeral(nm_buf *b, int64_t n)
{
    if (n <= 0 || n >= 100) {
        nm_buf_printf(b, "%lld", (long long)n);
        return;
    }
    if (n >= 10) {
        if (n >= 20)
            nm_buf_puts(b, zh_digit[n / 10]);
        nm_buf_puts(b, "十");
        nm_buf_puts(b, zh_digit[n % 10]);
    } else {
        nm_buf_puts(b, zh_digit[n]);
    }
}

static void put_part(nm_buf *b, const nm_cit_part *p)
{
    static const char *unit[] = {"条", "款", "项", "目", ""};
    if (p->kind == NM_CIT_SECTION) {
        nm_buf_puts(b, p->section ? p->section : "");
        return;
    }
    nm_buf_printf(b, "第%lld%s", (long long)p->number, unit[p->kind]);
    if (p->sub) {
        nm_buf_puts(b, "之");
        put_zh_numeral(b, p->sub);
    }
}

static const char *parts_text(const nm_cit_part *parts, int n)
{
    nm_buf b = {0};
    for (int i = 0; i < n; i++) {
        if (i)
            nm_buf_putc(&b, ' ');
        put_part(&b, &parts[i]);
    }
    return nm_buf_str(&b);
}

static bool part_eq(const nm_cit_part *a, const nm_cit_part *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == NM_CIT_SECTION)
        return strcmp(a->section ? a->section : "", b->section ? b->section : "") == 0;
    return a->number == b->number && a->sub == b->sub;
}

static int art_cmp(const nm_cit_part *a, const nm_cit_part *b)
{
    if (a->number != b->number)
        return a->number < b->number ? -1 : 1;
    return a->sub < b->sub ? -1 : a->sub > b->sub;
}

/* Doctrine sections: "3" covers "3.1", and "3.1" is covered by a declared "3". */
static bool section_related(const char *cited, const char *decl)
{
    size_t a = strlen(cited), b = strlen(decl);
    if (a == b)
        return strcmp(cited, decl) == 0;
    const char *longer = a > b ? cited : decl;
    size_t short_len = a > b ? b : a;
    return strncmp(cited, decl, short_len) == 0 && longer[short_len] == '.';
}

/* What a source declares, for the "unknown article" help line. */
static const char *declared_list(const nm_psource *s)
{
    nm_buf b = {0};
    int shown = 0;
    for (int i = 0; i < s->nranges && shown < 8; i++, shown++) {
        if (b.len)
            nm_buf_puts(&b, ", ");
        put_part(&b, &s->ranges[i].first);
        nm_buf_puts(&b, " .. ");
        put_part(&b, &s->ranges[i].last);
    }
    const nm_cit_part *prev = NULL;
    for (int i = 0; i < s->narticles && shown < 8; i++) {
        const nm_cit_part *p0 = &s->articles[i].parts[0];
        if (prev && part_eq(prev, p0))
            continue;
        prev = p0;
        if (b.len)
            nm_buf_puts(&b, ", ");
        put_part(&b, p0);
        shown++;
    }
    if (shown == 8)
        nm_buf_puts(&b, ", …");
    return nm_buf_str(&b);
}

/* Resolves a citation against the articles its source declares ([check.cite]). */
static bool resolve_cite(checker *c, const nm_citation *ct, int module, nm_pcite *out)
{
    out->cite = ct;
    out->source = -1;
    out->article = -1;
    int si = sym_get(&c->sources, ct->source);
    if (si < 0) {
        nm_diag *d = nm_error(c->d, ct->source_span, "E-unknown-source", "unknown source '%s'",
                              ct->source);
        suggest s;
        sg_init(&s, ct->source);
        for (int i = 0; i < c->p->nsources; i++)
            sg_offer(&s, c->p->sources[i].name);
        sg_help(&s, d, "");
        return false;
    }
    out->source = si;
    const nm_psource *src = &c->p->sources[si];
    visible_or_report(c, module, src->module, ct->source_span, ct->source);
    if (ct->nparts == 0)
        return true;
    const nm_cit_part *first = &ct->parts[0];
    bool found = false;
    int level = -1, exact = -1;
    for (int i = 0; i < src->narticles; i++) {
        const nm_particle *a = &src->articles[i];
        const nm_cit_part *d0 = &a->parts[0];
        bool match;
        if (first->kind == NM_CIT_SECTION)
            match = d0->kind == NM_CIT_SECTION &&
                    section_related(first->section ? first->section : "",
                                    d0->section ? d0->section : "");
        else
            match = part_eq(d0, first);
        if (!match)
            continue;
        found = true;
        if (level < 0 && a->nparts == 1)
            level = i;
        if (exact < 0 && a->nparts == ct->nparts) {
            bool eq = true;
            for (int k = 0; k < a->nparts && eq; k++)
                eq = part_eq(&a->parts[k], &ct->parts[k]);
            if (eq)
                exact = i;
        }
    }
    if (first->kind == NM_CIT_ARTICLE)
        for (int i = 0; i < src->nranges && !found; i++)
            found = art_cmp(&src->ranges[i].first, first) <= 0 &&
                    art_cmp(first, &src->ranges[i].last) <= 0;
    if (!found) {
        nm_span at = nm_span_join(first->span, ct->parts[ct->nparts - 1].span);
        nm_diag *d;
        if (first->kind == NM_CIT_ARTICLE || first->kind == NM_CIT_SECTION)
            d = nm_error(c->d, at, "E-unknown-article", "unknown article %s in source '%s'",
                         parts_text(first, 1), src->name);
        else
            d = nm_error(c->d, at, "E-unknown-article",
                         "a citation of '%s' must start with an article, not %s", src->name,
                         parts_text(first, 1));
        if (src->narticles || src->nranges)
            nm_diag_note(d, NM_SEV_HELP, NULL, "'%s' declares %s", src->name, declared_list(src));
        else
            nm_diag_note(d, NM_SEV_HELP, NULL, "'%s' declares no articles", src->name);
        return false;
    }
    out->article = exact >= 0 ? exact : level;
    return true;
}

static nm_pcite *resolve_cites(checker *c, const nm_citation *cs, int n, int module)
{
    nm_pcite *r = nm_alloc(sizeof *r * (size_t)(n + 1));
    for (int i = 0; i < n; i++)
        resolve_cite(c, &cs[i], module, &r[i]);
    return r;
}

/* ---- types -------------------------------------------------------------------------- */

/* A type a program can name (not the citation or rule-label types). */
static bool nameable_type(int t) { return t != NM_TY_ERROR && t != NM_TY_RULE; }

static bool is_numeric(int t) { return t == NM_TY_INT || t == NM_TY_DECIMAL || t == NM_TY_RATIONAL; }
static bool is_entity(int t) { return t == NM_TY_ENTITY || t == NM_TY_PERSON || t == NM_TY_UNIT; }

/* A declared entity type (`type Video = entity`), disjoint from the builtin ones. */
static bool is_individual_type(checker *c, int t)
{
    return t >= 0 && c->p->types[t].kind == NM_TY_ENTITY_DECL;
}

static bool is_finite(checker *c, int t)
{
    nm_type_kind k = c->p->types[t].kind;
    return k == NM_TY_ERROR || k == NM_TY_ENUM || k == NM_TY_TIERS || k == NM_TY_BOOL ||
           k == NM_TY_ENTITY_DECL || is_entity(t);
}

/* Values of the two types may be compared with = and != (and joined). */
static bool compatible(int a, int b)
{
    return a == NM_TY_ERROR || b == NM_TY_ERROR || a == b || (is_numeric(a) && is_numeric(b)) ||
           (is_entity(a) && is_entity(b));
}

/* A value of type `from` may stand where `to` is declared. `exact_entity`: a named
 * entity must have the declared kind; a variable of type Entity only filters. */
static bool assignable(int from, int to, bool exact_entity)
{
    if (from == NM_TY_ERROR || to == NM_TY_ERROR || from == to)
        return true;
    if (is_numeric(from) && is_numeric(to))
        return from <= to;     /* int -> decimal -> rational */
    if (to == NM_TY_ENTITY)
        return is_entity(from);
    if (is_entity(from) && is_entity(to))
        return !exact_entity && from == NM_TY_ENTITY;
    return false;
}

static int widen(int a, int b) { return a > b ? a : b; }

/* Resolves a type name; reports an unknown one (with a suggestion) and returns
 * NM_TY_ERROR. */
static int resolve_type(checker *c, const nm_ident *id, int module)
{
    int t = sym_get(&c->types, id->text);
    if (t < 0) {
        nm_diag *d = nm_error(c->d, id->span, "E-unknown-type", "unknown type '%s'", id->text);
        suggest s;
        sg_init(&s, id->text);
        for (int i = 1; i < c->p->ntypes; i++)
            if (nameable_type(i))
                sg_offer(&s, c->p->types[i].name);
        sg_help(&s, d, "");
        return NM_TY_ERROR;
    }
    iv_set(&c->type_used, t, 1);
    visible_or_report(c, module, c->p->types[t].module, id->span, id->text);
    return t;
}

/* ---- pass 0: modules ---------------------------------------------------------------- */

const char *nm_check_module_name(const nm_ast_file *f)
{
    for (int i = 0; i < f->decls.n; i++) {
        const nm_node *d = f->decls.items[i];
        if (d->kind == NM_N_MODULE)
            return d->u.name.text;
    }
    const char *path = f->src && f->src->path ? f->src->path : "";
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 6 && strcmp(base + n - 6, ".norma") == 0)
        n -= 6;
    return nm_strndup(base, n);
}

static nm_span module_span(const nm_ast_file *f)
{
    for (int i = 0; i < f->decls.n; i++) {
        const nm_node *d = f->decls.items[i];
        if (d->kind == NM_N_MODULE)
            return d->u.name.span;
    }
    return no_span();
}

static void check_modules(checker *c)
{
    nm_program *p = c->p;
    for (int i = 0; i < c->nfiles; i++) {
        int k = PUSH(p->modules, p->nmodules, c->cap_modules);
        p->modules[k].name = nm_check_module_name(c->files[i]);
        p->modules[k].file = c->files[i];
        int prev = sym_get(&c->modules, p->modules[k].name);
        if (prev >= 0) {
            nm_span at = module_span(c->files[i]);
            if (!at.file) {
                at.file = c->files[i]->src;
                at.line = at.col = at.end_line = 1;
                at.end_col = 1;
            }
            dup_error(c, at, module_span(c->files[prev]), "module", p->modules[k].name);
        } else {
            sym_put(&c->modules, p->modules[k].name, k);
        }
        int nmod = 0;
        for (int j = 0; j < c->files[i]->decls.n; j++) {
            nm_node *d = c->files[i]->decls.items[j];
            if (d->kind == NM_N_MODULE && ++nmod == 2)
                nm_error(c->d, d->span, "E-duplicate", "a file declares at most one module");
        }
    }
    int n = p->nmodules;
    c->visible = nm_alloc(sizeof *c->visible * (size_t)(n + 1));
    c->is_root = nm_alloc_atomic((size_t)n + 1);
    memset(c->is_root, 1, (size_t)n + 1);
    for (int i = 0; i < n; i++) {
        ivec uses = {0};
        for (int j = 0; j < c->files[i]->decls.n; j++) {
            nm_node *d = c->files[i]->decls.items[j];
            if (d->kind != NM_N_USE)
                continue;
            int m = sym_get(&c->modules, d->u.name.text);
            if (m >= 0 && m != i) {   /* unloaded modules and cycles: the loader's */
                iv_push(&uses, m);
                c->is_root[m] = 0;
            }
        }
        p->modules[i].uses = iv_copy(&uses);
        p->modules[i].nuses = uses.n;
    }
    /* visibility: a module sees itself and, transitively, every module it uses */
    for (int i = 0; i < n; i++) {
        bool *vis = nm_alloc_atomic((size_t)n + 1);
        memset(vis, 0, (size_t)n + 1);
        int *stack = nm_alloc_atomic(sizeof(int) * (size_t)(n + 1));
        int top = 0;
        vis[i] = true;
        stack[top++] = i;
        while (top) {
            int m = stack[--top];
            for (int j = 0; j < p->modules[m].nuses; j++) {
                int u = p->modules[m].uses[j];
                if (!vis[u]) {
                    vis[u] = true;
                    stack[top++] = u;
                }
            }
        }
        c->visible[i] = vis;
    }
}

/* ---- pass 1: declarations ----------------------------------------------------------- */

static const char *builtin_names[NM_TY__BUILTINS] = {
    "<error>", "int", "decimal", "rational", "date", "duration", "text", "bool",
    "citation", "Entity", "Person", "Unit", "rule",
};



static void add_builtins(checker *c)
{
    for (int i = 0; i < NM_TY__BUILTINS; i++) {
        int k = PUSH(c->p->types, c->p->ntypes, c->cap_types);
        c->p->types[k].name = builtin_names[i];
        c->p->types[k].kind = (nm_type_kind)i;
        c->p->types[k].module = -1;
        nm_vec_push(&c->type_nodes, NULL);
        if (nameable_type(i))
            sym_put(&c->types, builtin_names[i], k);
    }
}

/* The builtins of [rule.builtin], at preds[0 .. NM_BUILTIN__COUNT-1]; both spellings
 * of each name resolve to it, and a declaration of either is an error. */
static void add_builtin_preds(checker *c)
{
    static const struct {
        const char *name, *alias;
        int arity;
        const char *arg_names[2];
        int arg_types[2];
        const char *zh, *en;
    } b[NM_BUILTIN__COUNT] = {
        [NM_BUILTIN_IN_FORCE_ON] = {"in_force_on", "施行于", 2, {"c", "d"},
                                    {NM_TY_CITE, NM_TY_DATE}, "{c}于{d}有效",
                                    "{c} is in force on {d}"},
        [NM_BUILTIN_RULE_IN_FORCE_ON] = {"rule_in_force_on", "规则施行于", 2, {"r", "d"},
                                         {NM_TY_RULE, NM_TY_DATE}, "规则{r}于{d}有效",
                                         "rule {r} is in force on {d}"},
        [NM_BUILTIN_DECISION_DATE] = {"decision_date", "裁判日", 1, {"d"}, {NM_TY_DATE},
                                      "裁判日为{d}", "the decision date is {d}"},
    };
    for (int i = 0; i < NM_BUILTIN__COUNT; i++) {
        int k = PUSH(c->p->preds, c->p->npreds, c->cap_preds);
        nm_vec_push(&c->pred_nodes, NULL);
        nm_ppred *pr = &c->p->preds[k];
        pr->name = b[i].name;
        pr->alias = b[i].alias;
        pr->builtin = (nm_builtin)i;
        pr->origin = NM_ORIGIN_BUILTIN;
        pr->mode = NM_PRED_INPUT;
        pr->module = -1;
        pr->stratum = -1;
        pr->arity = b[i].arity;
        pr->arg_types = nm_alloc_atomic(sizeof(int) * 3);
        pr->arg_names = nm_alloc(sizeof(char *) * 3);
        for (int a = 0; a < b[i].arity; a++) {
            pr->arg_types[a] = b[i].arg_types[a];
            pr->arg_names[a] = b[i].arg_names[a];
        }
        pr->zh = b[i].zh;
        pr->en = b[i].en;
        sym_put(&c->preds, b[i].name, k);
        sym_put(&c->preds, b[i].alias, k);
    }
}

static bool is_builtin_pred(const checker *c, int pi)
{
    return pi >= 0 && c->p->preds[pi].origin == NM_ORIGIN_BUILTIN;
}

/* First global constant or parameter of that name, for value-namespace clashes. */
static bool value_name_taken(checker *c, const char *name, int case_id, nm_span *first)
{
    for (int k = sym_get(&c->consts, name); k >= 0; k = iv_get(&c->const_next, k) - 1) {
        const nm_pconst *k0 = &c->p->consts[k];
        if (k0->case_id == -1 || k0->case_id == case_id) {
            *first = k0->span;
            return true;
        }
    }
    int pi = sym_get(&c->params, name);
    if (pi >= 0) {
        *first = c->p->params[pi].span;
        return true;
    }
    return false;
}

/* Adds a constant to the value namespace (const_next is stored +1 so 0 ends). */
static int add_const(checker *c, const char *name, nm_span span)
{
    int k = PUSH(c->p->consts, c->p->nconsts, c->cap_consts);
    c->p->consts[k].name = name;
    c->p->consts[k].span = span;
    c->p->consts[k].case_id = -1;
    int head = sym_get(&c->consts, name);
    iv_set(&c->const_next, k, head + 1);
    sym_put(&c->consts, name, k);
    return k;
}

static int add_entity(checker *c, nm_node *n, int module, int case_id)
{
    nm_span first;
    if (value_name_taken(c, n->u.entity.name.text, case_id, &first)) {
        dup_error(c, n->u.entity.name.span, first, "name", n->u.entity.name.text);
        return -1;
    }
    int k = add_const(c, n->u.entity.name.text, n->u.entity.name.span);
    nm_pconst *e = &c->p->consts[k];
    e->kind = NM_CONST_ENTITY;
    /* a named type is resolved by entity_type once all types are declared */
    e->type = n->u.entity.kind == NM_ENTITY_PERSON ? NM_TY_PERSON
              : n->u.entity.kind == NM_ENTITY_UNIT ? NM_TY_UNIT
                                                   : NM_TY_ERROR;
    e->zh = n->u.entity.label;
    e->module = module;
    e->case_id = case_id;
    return k;
}

static void declare_enum(checker *c, nm_node *n, int module)
{
    const nm_ident *name = &n->u.enumd.name;
    int prev = sym_get(&c->types, name->text);
    if (prev >= 0) {
        nm_diag *d = nm_error(c->d, name->span, "E-duplicate", "duplicate type '%s'", name->text);
        if (c->p->types[prev].module < 0)
            nm_diag_note(d, NM_SEV_HELP, NULL, "'%s' is a builtin type", name->text);
        else
            nm_diag_note(d, NM_SEV_NOTE, &c->p->types[prev].span, "first declared here");
        return;
    }
    int t = PUSH(c->p->types, c->p->ntypes, c->cap_types);
    nm_vec_push(&c->type_nodes, n);
    sym_put(&c->types, name->text, t);
    ivec members = {0};
    for (int i = 0; i < n->u.enumd.nmembers; i++) {
        const nm_member *m = &n->u.enumd.members[i];
        int dupe = -1;
        for (int j = 0; j < members.n && dupe < 0; j++)
            if (strcmp(c->p->consts[members.v[j]].name, m->name.text) == 0)
                dupe = members.v[j];
        if (dupe >= 0) {
            dup_error(c, m->name.span, c->p->consts[dupe].span, "member", m->name.text);
            continue;
        }
        nm_span first;
        bool clash = false;
        for (int k = sym_get(&c->consts, m->name.text); k >= 0 && !clash;
             k = iv_get(&c->const_next, k) - 1)
            if (c->p->consts[k].kind == NM_CONST_ENTITY) {
                first = c->p->consts[k].span;
                clash = true;
            }
        if (!clash && sym_get(&c->params, m->name.text) >= 0) {
            first = c->p->params[sym_get(&c->params, m->name.text)].span;
            clash = true;
        }
        if (clash) {
            dup_error(c, m->name.span, first, "name", m->name.text);
            continue;
        }
        int k = add_const(c, m->name.text, m->name.span);
        nm_pconst *k0 = &c->p->consts[k];
        k0->kind = NM_CONST_MEMBER;
        k0->type = t;
        k0->ordinal = members.n;
        k0->zh = m->zh;
        k0->en = m->en;
        k0->module = module;
        iv_push(&members, k);
    }
    nm_ptype *ty = &c->p->types[t];
    ty->name = name->text;
    ty->kind = n->kind == NM_N_TIERS         ? NM_TY_TIERS
               : n->kind == NM_N_ENTITY_TYPE ? NM_TY_ENTITY_DECL
                                             : NM_TY_ENUM;
    ty->module = module;
    ty->span = name->span;
    ty->members = iv_copy(&members);
    ty->nmembers = members.n;
}

static const char *pred_kind_word(nm_pred_origin o)
{
    switch (o) {
    case NM_ORIGIN_LIST: return "list";
    case NM_ORIGIN_MAP: return "map";
    case NM_ORIGIN_TABLE: return "table";
    case NM_ORIGIN_ATTR: return "attribute";
    case NM_ORIGIN_BUILTIN: return "builtin";
    default: return "predicate";
    }
}

static int declare_pred(checker *c, nm_node *n, const nm_ident *name, nm_pred_origin origin,
                        int module)
{
    int prev = sym_get(&c->preds, name->text);
    if (is_builtin_pred(c, prev)) {
        const nm_ppred *b = &c->p->preds[prev];
        nm_diag *d = nm_error(c->d, name->span, "E-reserved",
                              "'%s' is reserved: it names a builtin", name->text);
        nm_diag_note(d, NM_SEV_NOTE, NULL, "'%s' (also written '%s') is always declared",
                     b->name, b->alias);
        return -1;
    }
    if (prev >= 0) {
        dup_error(c, name->span, c->p->preds[prev].span, pred_kind_word(origin), name->text);
        return -1;
    }
    int k = PUSH(c->p->preds, c->p->npreds, c->cap_preds);
    nm_vec_push(&c->pred_nodes, n);
    sym_put(&c->preds, name->text, k);
    nm_ppred *pr = &c->p->preds[k];
    pr->name = name->text;
    pr->origin = origin;
    pr->module = module;
    pr->span = name->span;
    pr->stratum = -1;
    pr->mode = origin == NM_ORIGIN_PRED || origin == NM_ORIGIN_ATTR ? n->u.pred.mode
                                                                    : NM_PRED_INPUT;
    return k;
}

static void declare_rule(checker *c, nm_node *n, int module)
{
    const nm_ident *l = &n->u.rule.label;
    int prev = sym_get(&c->rules, l->text);
    if (prev >= 0) {
        dup_error(c, l->span, c->p->rules[prev].label_span, "rule label", l->text);
        return;
    }
    int k = PUSH(c->p->rules, c->p->nrules, c->cap_rules);
    nm_vec_push(&c->rule_nodes, n);
    sym_put(&c->rules, l->text, k);
    nm_prule *r = &c->p->rules[k];
    r->label = l->text;
    r->label_span = l->span;
    r->span = n->span;
    r->module = module;
    r->unless_of = -1;
    if (n->u.rule.unless) {
        int u = PUSH(c->p->rules, c->p->nrules, c->cap_rules);
        nm_vec_push(&c->rule_nodes, n);
        nm_prule *ur = &c->p->rules[u];
        ur->label = nm_sprintf("%s/unless", l->text);
        ur->label_span = l->span;
        ur->span = n->u.rule.unless->span;
        ur->module = module;
        ur->block_only = true;
        ur->unless_of = k;
    }
}

static void declare_all(checker *c)
{
    nm_program *p = c->p;
    /* the rule and predicate tables sized once — why: doubling them copied and
     * cleared a few megabytes for a large rule file */
    int nrules = 0, npreds = 0;
    for (int f = 0; f < c->nfiles; f++)
        for (int i = 0; i < c->files[f]->decls.n; i++) {
            const nm_node *n = c->files[f]->decls.items[i];
            if (n->kind == NM_N_RULE)
                nrules += n->u.rule.unless ? 2 : 1;
            else if (n->kind == NM_N_PRED || n->kind == NM_N_LIST || n->kind == NM_N_MAP ||
                     n->kind == NM_N_TABLE)
                npreds++;
        }
    RESERVE(p->rules, c->cap_rules, p->nrules + nrules);
    RESERVE(p->preds, c->cap_preds, p->npreds + npreds);
    for (int f = 0; f < c->nfiles; f++) {
        nm_vec *decls = &c->files[f]->decls;
        for (int i = 0; i < decls->n; i++) {
            nm_node *n = decls->items[i];
            switch (n->kind) {
            case NM_N_SOURCE: {
                const nm_ident *name = &n->u.source.name;
                int prev = sym_get(&c->sources, name->text);
                if (prev >= 0) {
                    dup_error(c, name->span, p->sources[prev].span, "source", name->text);
                    break;
                }
                int k = PUSH(p->sources, p->nsources, c->cap_sources);
                nm_vec_push(&c->source_nodes, n);
                sym_put(&c->sources, name->text, k);
                p->sources[k].name = name->text;
                p->sources[k].span = name->span;
                p->sources[k].module = f;
                break;
            }
            case NM_N_ENUM:
            case NM_N_TIERS:
            case NM_N_ENTITY_TYPE:
                declare_enum(c, n, f);
                break;
            case NM_N_ENTITY:
                nm_vec_push(&c->entity_nodes, n);
                iv_push(&c->entity_consts, add_entity(c, n, f, -1));
                break;
            case NM_N_LIST:
                declare_pred(c, n, &n->u.list.name, NM_ORIGIN_LIST, f);
                break;
            case NM_N_MAP:
            case NM_N_TABLE:
                declare_pred(c, n, &n->u.mapd.name,
                             n->kind == NM_N_MAP ? NM_ORIGIN_MAP : NM_ORIGIN_TABLE, f);
                break;
            case NM_N_PRED:
                declare_pred(c, n, &n->u.pred.name,
                             n->u.pred.is_attr ? NM_ORIGIN_ATTR : NM_ORIGIN_PRED, f);
                break;
            case NM_N_PARAM: {
                nm_span first;
                const nm_ident *name = &n->u.param.name;
                if (value_name_taken(c, name->text, -1, &first)) {
                    dup_error(c, name->span, first,
                              sym_get(&c->params, name->text) >= 0 ? "parameter" : "name",
                              name->text);
                    break;
                }
                int k = PUSH(p->params, p->nparams, c->cap_params);
                nm_vec_push(&c->param_nodes, n);
                sym_put(&c->params, name->text, k);
                p->params[k].name = name->text;
                p->params[k].span = name->span;
                p->params[k].module = f;
                p->params[k].type = NM_TY_ERROR;
                break;
            }
            case NM_N_RULE:
                declare_rule(c, n, f);
                break;
            case NM_N_CASE: {
                const nm_ident *name = &n->u.casedecl.name;
                int prev = sym_get(&c->cases, name->text);
                if (prev >= 0) {
                    dup_error(c, name->span, p->cases[prev].span, "case", name->text);
                    break;
                }
                int k = PUSH(p->cases, p->ncases, c->cap_cases);
                nm_vec_push(&c->case_nodes, n);
                sym_put(&c->cases, name->text, k);
                p->cases[k].name = name->text;
                p->cases[k].span = name->span;
                p->cases[k].module = f;
                break;
            }
            default:
                break;
            }
        }
    }
}

/* ---- pass 2: sources ---------------------------------------------------------------- */

static nm_rank rank_of(checker *c, const nm_ident *r)
{
    static const struct { const char *name; nm_rank rank; } ranks[] = {
        {"法律", NM_RANK_LAW},        {"行政法规", NM_RANK_ADMIN_REG},
        {"部门规章", NM_RANK_DEPT_RULE}, {"司法解释", NM_RANK_JUDICIAL},
        {"doctrine", NM_RANK_DOCTRINE}, {"学说", NM_RANK_DOCTRINE},
    };
    if (!r->text || !*r->text)
        return NM_RANK_NONE;
    suggest s;
    sg_init(&s, r->text);
    for (size_t i = 0; i < sizeof ranks / sizeof ranks[0]; i++) {
        if (strcmp(ranks[i].name, r->text) == 0)
            return ranks[i].rank;
        sg_offer(&s, ranks[i].name);
    }
    nm_diag *d = nm_error(c->d, r->span, "E-unknown-rank", "unknown rank '%s'", r->text);
    sg_help(&s, d, "");
    nm_diag_note(d, NM_SEV_NOTE, NULL, "ranks are 法律, 行政法规, 部门规章, 司法解释 and doctrine");
    return NM_RANK_NONE;
}

static void check_sources(checker *c)
{
    for (int si = 0; si < c->p->nsources; si++) {
        nm_node *n = c->source_nodes.items[si];
        nm_psource *s = &c->p->sources[si];
        s->title = n->u.source.title;
        s->doc_id = n->u.source.doc_id;
        s->rank = rank_of(c, &n->u.source.rank);
        s->from = check_date(c, &n->u.source.from);
        s->until = check_date(c, &n->u.source.until);
        check_window(c, s->from, s->until, n->u.source.name.span);
        int cap_a = 0, cap_r = 0;
        for (int i = 0; i < n->u.source.articles.n; i++) {
            nm_node *a = n->u.source.articles.items[i];
            if (a->kind == NM_N_ARTICLES) {
                int k = PUSH(s->ranges, s->nranges, cap_r);
                s->ranges[k].first = a->u.articles.first;
                s->ranges[k].last = a->u.articles.last;
                s->ranges[k].span = a->span;
                if (art_cmp(&a->u.articles.last, &a->u.articles.first) < 0)
                    nm_error(c->d, a->span, "E-range", "article range ends before it begins");
                continue;
            }
            if (a->kind != NM_N_ARTICLE || a->u.article.nparts == 0)
                continue;
            const nm_cit_part *ap = a->u.article.parts;
            int anp = a->u.article.nparts;
            nm_span parts_span = nm_span_join(ap[0].span, ap[anp - 1].span);
            nm_pdate from = check_date(c, &a->u.article.from);
            nm_pdate until = check_date(c, &a->u.article.until);
            if (!from.present)
                from = s->from;
            if (!until.present)
                until = s->until;
            check_window(c, from, until, parts_span);
            /* versions of one article (Art. 303 before and after an amendment) are
             * declared separately with disjoint windows; overlapping ones clash */
            int dupe = -1;
            for (int j = 0; j < s->narticles && dupe < 0; j++) {
                const nm_particle *o = &s->articles[j];
                if (o->nparts != anp)
                    continue;
                bool eq = true;
                for (int q = 0; q < o->nparts && eq; q++)
                    eq = part_eq(&o->parts[q], &ap[q]);
                bool overlap = (!o->from.present || !until.present || date_cmp(o->from, until) <= 0) &&
                               (!from.present || !o->until.present || date_cmp(from, o->until) <= 0);
                if (eq && overlap)
                    dupe = j;
            }
            if (dupe >= 0) {
                nm_span first = nm_span_join(s->articles[dupe].parts[0].span,
                                             s->articles[dupe].parts[anp - 1].span);
                nm_diag *d = nm_error(c->d, parts_span, "E-duplicate", "duplicate article '%s'",
                                      parts_text(ap, anp));
                nm_diag_note(d, NM_SEV_NOTE, &first, "first declared here, in force on some of the same dates");
                continue;
            }
            int k = PUSH(s->articles, s->narticles, cap_a);
            nm_particle *pa = &s->articles[k];
            pa->parts = ap;
            pa->nparts = anp;
            pa->from = from;
            pa->until = until;
            pa->new_parts = a->u.article.new_parts;
            pa->new_nparts = a->u.article.new_nparts;
            pa->renumber_from = check_date(c, &a->u.article.renumber_from);
            pa->text = a->u.article.text;
            pa->span = a->span;
        }
    }
}

/* ---- expressions and formulas ------------------------------------------------------- */

/* Resolution context: a rule, a fact, a parameter value or an expectation. */
typedef struct rctx {
    checker *c;
    int module;
    int case_id;
    bool ground;            /* names must be constants (facts, params, expectations) */
    bool allow_wild;        /* `_` allowed in a ground atom (expectations) */
    const char *ground_what;    /* "fact", "parameter value", ... for messages */
    /* rule variables */
    nm_vec names;           /* const char* */
    ivec types, count;
    nm_span *spans;         /* first occurrence */
    int nspans, cap_spans;
    ivec exempt;            /* appears in an atom of an unknown predicate: no warnings */
    /* the atoms of builtins resolved so far, with the name as written, for messages */
    struct {
        const nm_patom *atom;
        const char *written;
    } *builtin_atoms;
    int nbuiltin_atoms, cap_builtin_atoms;
} rctx;

static int var_index(rctx *r, const char *name)
{
    for (int i = 0; i < r->names.n; i++)
        if (strcmp(r->names.items[i], name) == 0)
            return i;
    return -1;
}

/* Constants named `name` that the context can see: case-local first, then global. */
static int lookup_const(rctx *r, const char *name, int expected, nm_span at, bool *ambiguous)
{
    checker *c = r->c;
    int found = -1, nfound = 0, match = -1;
    *ambiguous = false;
    for (int k = sym_get(&c->consts, name); k >= 0; k = iv_get(&c->const_next, k) - 1) {
        const nm_pconst *k0 = &c->p->consts[k];
        if (k0->case_id != -1 && k0->case_id != r->case_id)
            continue;
        if (k0->implicit && !r->ground)
            continue;       /* in a rule, the name of an implicit individual is a variable */
        if (k0->case_id != -1 && k0->case_id == r->case_id)
            return k;
        nfound++;
        found = k;
        if (expected >= 0 && k0->type == expected && match < 0)
            match = k;
    }
    if (nfound <= 1)
        return found;
    if (match >= 0)
        return match;
    ivec all = {0};     /* the chain runs newest first: list in declaration order */
    for (int k = sym_get(&c->consts, name); k >= 0; k = iv_get(&c->const_next, k) - 1)
        if (c->p->consts[k].case_id == -1 && (r->ground || !c->p->consts[k].implicit))
            iv_push(&all, k);
    nm_buf b = {0};
    for (int i = all.n - 1; i >= 0; i--)
        nm_buf_printf(&b, "%s'%s'", i < all.n - 1 ? " and " : "",
                      type_name(c, c->p->consts[all.v[i]].type));
    nm_diag *d = nm_error(c->d, at, "E-ambiguous", "ambiguous name '%s'", name);
    nm_diag_note(d, NM_SEV_NOTE, NULL, "it is a member of %s", nm_buf_str(&b));
    nm_diag_note(d, NM_SEV_HELP, NULL, "use it where its type is known, such as a predicate argument");
    *ambiguous = true;
    return found;
}

/* Offers the constants and parameters the context sees (only entities if
 * `entities_only`). */
static void suggest_values(rctx *r, suggest *s, bool entities_only)
{
    for (int k = 0; k < r->c->p->nconsts; k++) {
        const nm_pconst *k0 = &r->c->p->consts[k];
        if ((k0->case_id == -1 || k0->case_id == r->case_id) && (r->ground || !k0->implicit) &&
            (!entities_only || k0->kind == NM_CONST_ENTITY))
            sg_offer(s, k0->name);
    }
    for (int i = 0; i < r->c->p->nparams && !entities_only; i++)
        sg_offer(s, r->c->p->params[i].name);
}

/* Memory the program's expressions and formulas hold (zeroed): the checker's arena,
 * as they live exactly as long as the program. */
static void *program_alloc(rctx *r, size_t size) { return nm_arena_alloc(&r->c->arena, size); }

static nm_pexpr *new_expr(rctx *r, nm_pexpr_kind kind, int type, nm_span span)
{
    nm_pexpr *e = program_alloc(r, sizeof *e);
    e->kind = kind;
    e->type = type;
    e->span = span;
    return e;
}

static nm_pformula *new_formula(rctx *r, nm_pformula_kind kind, nm_span span)
{
    nm_pformula *f = program_alloc(r, sizeof *f);
    f->kind = kind;
    f->span = span;
    return f;
}

static nm_pformula *resolve_formula(rctx *r, nm_node *n);

/* Resolves a name: a visible constant or parameter, else (in a rule) a variable. */
static nm_pexpr *resolve_name(rctx *r, nm_node *n, int expected)
{
    checker *c = r->c;
    const char *name = n->u.name.text;
    bool amb;
    int k = lookup_const(r, name, expected, n->span, &amb);
    if (k >= 0) {
        const nm_pconst *k0 = &c->p->consts[k];
        iv_set(&c->const_used, k, 1);
        if (k0->kind == NM_CONST_MEMBER)
            iv_set(&c->type_used, k0->type, 1);
        if (k0->case_id == -1)
            visible_or_report(c, r->module, k0->module, n->span, name);
        nm_pexpr *e = new_expr(r, NM_E_CONST, amb ? NM_TY_ERROR : k0->type, n->span);
        e->u.cst = k;
        return e;
    }
    int pi = sym_get(&c->params, name);
    if (pi >= 0) {
        iv_set(&c->param_used, pi, 1);
        visible_or_report(c, r->module, c->p->params[pi].module, n->span, name);
        nm_pexpr *e = new_expr(r, NM_E_PARAM, c->p->params[pi].type, n->span);
        e->u.param = pi;
        return e;
    }
    if (r->ground) {
        bool ent = expected >= 0 && (is_entity(expected) || is_individual_type(c, expected));
        nm_diag *d = ent ? nm_error(c->d, n->span, "E-unknown-entity", "unknown entity '%s'", name)
                         : nm_error(c->d, n->span, "E-unknown-const", "unknown constant '%s'", name);
        suggest s;
        sg_init(&s, name);
        suggest_values(r, &s, ent);
        sg_help(&s, d, "");
        if (expected == NM_TY_PERSON || expected == NM_TY_UNIT)
            nm_diag_note(d, NM_SEV_HELP, NULL, "declare it with 'entity %s: %s'", name,
                         expected == NM_TY_PERSON ? "person" : "unit");
        else if (expected == NM_TY_ENTITY)
            nm_diag_note(d, NM_SEV_HELP, NULL,
                         "declare it with 'entity %s: person' or 'entity %s: unit'", name, name);
        else if (ent)
            nm_diag_note(d, NM_SEV_HELP, NULL,
                         "name it in a fact, or declare it with 'entity %s: %s'", name,
                         type_name(c, expected));
        return new_expr(r, NM_E_WILD, NM_TY_ERROR, n->span);
    }
    int v = var_index(r, name);
    if (v < 0) {    /* not seen by the numbering walk: cannot happen, but stay safe */
        v = r->names.n;
        nm_vec_push(&r->names, (void *)name);
        iv_push(&r->types, NM_TY_ERROR);
        iv_push(&r->count, 1);
        int s = PUSH(r->spans, r->nspans, r->cap_spans);
        r->spans[s] = n->span;
    }
    nm_pexpr *e = new_expr(r, NM_E_VAR, iv_get(&r->types, v), n->span);
    e->u.var = v;
    return e;
}

static const char *arith_name(nm_op op) { return nm_op_text(op); }

static nm_pexpr *resolve_expr(rctx *r, nm_node *n, int expected);

static nm_pagg *resolve_agg(rctx *r, nm_node *n, int *type)
{
    checker *c = r->c;
    nm_pagg *a = program_alloc(r, sizeof *a);
    a->op = n->u.agg.op;
    a->nterms = n->u.agg.nterms;
    a->terms = program_alloc(r, sizeof *a->terms * (size_t)(a->nterms + 1));
    a->body = n->u.agg.body ? resolve_formula(r, n->u.agg.body) : NULL;
    for (int i = 0; i < a->nterms; i++)
        a->terms[i] = resolve_expr(r, n->u.agg.terms[i], -1);
    static const char *opname[] = {"count", "sum", "min", "max"};
    if (a->op == NM_AGG_COUNT) {
        *type = NM_TY_INT;
        for (int i = 0; i < a->nterms; i++)
            if (a->terms[i]->kind != NM_E_VAR)
                nm_error(c->d, a->terms[i]->span, "E-agg", "'count' counts variables, not values");
        return a;
    }
    int t = a->nterms ? a->terms[0]->type : NM_TY_ERROR;
    *type = t;
    if (t == NM_TY_ERROR)
        return a;
    bool ok = a->op == NM_AGG_SUM ? is_numeric(t)
                                  : is_numeric(t) || t == NM_TY_DATE ||
                                        c->p->types[t].kind == NM_TY_TIERS;
    if (!ok) {
        nm_error(c->d, a->terms[0]->span, "E-type", "'%s' needs %s, found '%s'", opname[a->op],
                 a->op == NM_AGG_SUM ? "numbers" : "numbers, dates or tiers", type_name(c, t));
        *type = NM_TY_ERROR;
    }
    return a;
}

static nm_pexpr *resolve_expr(rctx *r, nm_node *n, int expected)
{
    checker *c = r->c;
    nm_pexpr *e;
    switch (n->kind) {
    case NM_N_NAME:
        return resolve_name(r, n, expected);
    case NM_N_WILDCARD:
        if (r->ground && !r->allow_wild)
            nm_error(c->d, n->span, "E-wildcard", "'_' is not allowed in a %s", r->ground_what);
        return new_expr(r, NM_E_WILD, NM_TY_ERROR, n->span);
    case NM_N_INT: {
        e = new_expr(r, NM_E_LIT, NM_TY_INT, n->span);
        e->u.lit.kind = NM_LIT_INT;
        if (!parse_int(n->u.lit.text, false, &e->u.lit.i))
            nm_error(c->d, n->span, "E-int-range", "integer literal does not fit in 64 bits");
        return e;
    }
    case NM_N_DECIMAL:
        e = new_expr(r, NM_E_LIT, NM_TY_DECIMAL, n->span);
        e->u.lit.kind = NM_LIT_DECIMAL;
        e->u.lit.text = n->u.lit.text;
        return e;
    case NM_N_STRING:
        e = new_expr(r, NM_E_LIT, NM_TY_TEXT, n->span);
        e->u.lit.kind = NM_LIT_TEXT;
        e->u.lit.text = n->u.lit.text;
        return e;
    case NM_N_BOOL:
        e = new_expr(r, NM_E_LIT, NM_TY_BOOL, n->span);
        e->u.lit.kind = NM_LIT_BOOL;
        e->u.lit.b = n->u.lit.b;
        return e;
    case NM_N_DATE:
        e = new_expr(r, NM_E_LIT, NM_TY_DATE, n->span);
        e->u.lit.kind = NM_LIT_DATE;
        if (check_ymd(c, n->u.lit.y, n->u.lit.m, n->u.lit.d, n->span))
            e->u.lit.date = (nm_pdate){true, n->u.lit.y, n->u.lit.m, n->u.lit.d};
        else
            e->type = NM_TY_ERROR;
        return e;
    case NM_N_DURATION:
        e = new_expr(r, NM_E_LIT, NM_TY_DURATION, n->span);
        e->u.lit.kind = NM_LIT_DURATION;
        e->u.lit.unit = n->u.lit.unit;
        if (!parse_int(n->u.lit.text, false, &e->u.lit.i))
            nm_error(c->d, n->span, "E-int-range", "duration amount does not fit in 64 bits");
        return e;
    case NM_N_CITE:
        e = new_expr(r, NM_E_LIT, NM_TY_CITE, n->span);
        e->u.lit.kind = NM_LIT_CITE;
        resolve_cite(c, &n->u.cite, r->module, &e->u.lit.cite);
        return e;
    case NM_N_NEG: {
        nm_node *o = n->u.unop.operand;
        if (o->kind == NM_N_INT) {   /* -9223372036854775808 is a literal */
            e = new_expr(r, NM_E_LIT, NM_TY_INT, n->span);
            e->u.lit.kind = NM_LIT_INT;
            if (!parse_int(o->u.lit.text, true, &e->u.lit.i))
                nm_error(c->d, o->span, "E-int-range", "integer literal does not fit in 64 bits");
            return e;
        }
        nm_pexpr *x = resolve_expr(r, o, expected);
        e = new_expr(r, NM_E_NEG, x->type, n->span);
        e->u.neg = x;
        if (x->type != NM_TY_ERROR && !is_numeric(x->type)) {
            nm_error(c->d, n->span, "E-type", "cannot negate a value of type '%s'",
                     type_name(c, x->type));
            e->type = NM_TY_ERROR;
        }
        return e;
    }
    case NM_N_ARITH: {
        nm_pexpr *a = resolve_expr(r, n->u.binop.lhs, -1);
        nm_pexpr *b = resolve_expr(r, n->u.binop.rhs, -1);
        nm_op op = n->u.binop.op;
        e = new_expr(r, NM_E_ARITH, NM_TY_ERROR, n->span);
        e->u.arith.op = op;
        e->u.arith.lhs = a;
        e->u.arith.rhs = b;
        int ta = a->type, tb = b->type;
        if (ta == NM_TY_ERROR || tb == NM_TY_ERROR)
            return e;
        if (is_numeric(ta) && is_numeric(tb))
            e->type = op == NM_OP_DIV ? NM_TY_RATIONAL : widen(ta, tb);
        else if ((op == NM_OP_ADD || op == NM_OP_SUB) && ta == NM_TY_DATE && tb == NM_TY_DURATION)
            e->type = NM_TY_DATE;
        else if (op == NM_OP_ADD && ta == NM_TY_DURATION && tb == NM_TY_DATE)
            e->type = NM_TY_DATE;
        else {
            nm_diag *d = nm_error(c->d, n->span, "E-type", "cannot apply '%s' to '%s' and '%s'",
                                  arith_name(op), type_name(c, ta), type_name(c, tb));
            nm_diag_note(d, NM_SEV_NOTE, NULL,
                         "arithmetic works on numbers, and on a date plus or minus a duration");
        }
        return e;
    }
    case NM_N_AGG: {
        if (r->ground) {
            nm_error(c->d, n->span, "E-ground", "an aggregate is not allowed in a %s",
                     r->ground_what);
            return new_expr(r, NM_E_WILD, NM_TY_ERROR, n->span);
        }
        int t;
        nm_pagg *a = resolve_agg(r, n, &t);
        e = new_expr(r, NM_E_AGG, t, n->span);
        e->u.agg = a;
        return e;
    }
    case NM_N_SET:
        nm_error(c->d, n->span, "E-set", "a set '{…}' may only follow 'in'");
        return new_expr(r, NM_E_WILD, NM_TY_ERROR, n->span);
    default:
        nm_error(c->d, n->span, "E-expr", "expected a value");
        return new_expr(r, NM_E_WILD, NM_TY_ERROR, n->span);
    }
}

/* Describes a value for a type-mismatch message: "variable 'p' of type 'Entity'". */
static const char *describe(rctx *r, const nm_pexpr *e)
{
    checker *c = r->c;
    const char *tn = type_name(c, e->type);
    switch (e->kind) {
    case NM_E_VAR:
        return nm_sprintf("variable '%s' of type '%s'", (const char *)r->names.items[e->u.var], tn);
    case NM_E_CONST:
        return nm_sprintf("'%s' of type '%s'", c->p->consts[e->u.cst].name, tn);
    case NM_E_PARAM:
        return nm_sprintf("parameter '%s' of type '%s'", c->p->params[e->u.param].name, tn);
    default:
        return nm_sprintf("a value of type '%s'", tn);
    }
}

/* The first argument of rule_in_force_on is a rule label, not a value. */
static bool is_label_arg(const checker *c, int pi, int i)
{
    return i == 0 && is_builtin_pred(c, pi) &&
           c->p->preds[pi].builtin == NM_BUILTIN_RULE_IN_FORCE_ON;
}

/* Resolves the rule label of rule_in_force_on (written `pred`) to an NM_E_RULE;
 * anything but a label is reported, and an unknown label suggests a close one. */
static nm_pexpr *resolve_rule_label(rctx *r, nm_node *n, const char *pred)
{
    checker *c = r->c;
    if (n->kind != NM_N_NAME) {
        nm_pexpr *e = resolve_expr(r, n, -1);
        if (e->type != NM_TY_ERROR || n->kind == NM_N_WILDCARD) {
            nm_diag *d = nm_error(c->d, n->span, "E-type",
                                  "argument 'r' of '%s' is a rule label, found %s", pred,
                                  n->kind == NM_N_WILDCARD ? "'_'" : describe(r, e));
            nm_diag_note(d, NM_SEV_HELP, NULL, "write the label of a rule, as in '%s(art1, d)'",
                         pred);
        }
        return new_expr(r, NM_E_WILD, NM_TY_ERROR, n->span);
    }
    const char *label = n->u.name.text;
    int ri = sym_get(&c->rules, label);
    if (ri < 0) {
        nm_diag *d = nm_error(c->d, n->span, "E-unknown-rule", "unknown rule '%s'", label);
        suggest s;
        sg_init(&s, label);
        for (int k = 0; k < c->p->nrules; k++)
            if (!c->p->rules[k].block_only)
                sg_offer(&s, c->p->rules[k].label);
        sg_help(&s, d, "");
        return new_expr(r, NM_E_WILD, NM_TY_ERROR, n->span);
    }
    visible_or_report(c, r->module, c->p->rules[ri].module, n->span, label);
    nm_pexpr *e = new_expr(r, NM_E_RULE, NM_TY_RULE, n->span);
    e->u.rule = ri;
    return e;
}

/* Resolves an atom. `on` (a fact's date) becomes its last argument. Unknown
 * predicates give pred -1 (arguments resolved, not type-checked). */
static void resolve_atom(rctx *r, nm_node *n, const nm_date_lit *on, nm_patom *out)
{
    checker *c = r->c;
    const char *name = n->u.atom.pred.text;
    out->span = n->span;
    int nargs = n->u.atom.nargs + (on && on->present ? 1 : 0);
    out->nargs = nargs;
    out->args = program_alloc(r, sizeof *out->args * (size_t)(nargs + 1));
    int pi = sym_get(&c->preds, name);
    out->pred = pi;
    if (pi < 0) {
        nm_diag *d = nm_error(c->d, n->u.atom.pred.span, "E-unknown-pred",
                              "unknown predicate '%s'", name);
        suggest s;
        sg_init(&s, name);
        for (int i = 0; i < c->p->npreds; i++) {
            sg_offer(&s, c->p->preds[i].name);
            sg_offer(&s, c->p->preds[i].alias);
        }
        sg_help(&s, d, "");
    } else {
        iv_set(&c->pred_used, pi, 1);
        visible_or_report(c, r->module, c->p->preds[pi].module, n->u.atom.pred.span, name);
    }
    const nm_ppred *pr = pi >= 0 ? &c->p->preds[pi] : NULL;
    bool typed = pr && !iv_get(&c->pred_bad, pi);
    bool builtin = is_builtin_pred(c, pi);
    if (builtin) {
        int k = PUSH(r->builtin_atoms, r->nbuiltin_atoms, r->cap_builtin_atoms);
        r->builtin_atoms[k].atom = out;
        r->builtin_atoms[k].written = name;
    }
    if (pr && pr->arity != nargs) {
        nm_diag *d = nm_error(c->d, n->span, "E-arity", "'%s' takes %d argument%s, found %d",
                              name, pr->arity, pr->arity == 1 ? "" : "s", nargs);
        nm_buf sig = {0};
        nm_buf_printf(&sig, "%s(", name);
        for (int i = 0; i < pr->arity; i++)
            nm_buf_printf(&sig, "%s%s%s%s", i ? ", " : "", pr->arg_names[i],
                          *pr->arg_names[i] ? ": " : "", type_name(c, pr->arg_types[i]));
        nm_buf_putc(&sig, ')');
        if (builtin)
            nm_diag_note(d, NM_SEV_NOTE, NULL, "'%s' is a builtin: %s", name, nm_buf_str(&sig));
        else
            nm_diag_note(d, NM_SEV_NOTE, NULL, "declared as %s", nm_buf_str(&sig));
        if (on && on->present)
            nm_diag_note(d, NM_SEV_NOTE, NULL, "the date after 'on' is its last argument");
        typed = false;
    }
    for (int i = 0; i < n->u.atom.nargs; i++) {
        int want = typed ? pr->arg_types[i] : -1;
        nm_pexpr *e = is_label_arg(c, pi, i)
                          ? resolve_rule_label(r, n->u.atom.args[i], name)
                          : resolve_expr(r, n->u.atom.args[i], want);
        out->args[i] = e;
        if (!typed)
            continue;
        if (e->kind == NM_E_VAR && iv_get(&r->types, e->u.var) == NM_TY_ERROR) {
            iv_set(&r->types, e->u.var, want);
            e->type = want;
        }
        if (!assignable(e->type, want, e->kind != NM_E_VAR) && !is_clash(c, n->u.atom.args[i])) {
            const char *an = *pr->arg_names[i] ? nm_sprintf("'%s'", pr->arg_names[i])
                                               : nm_sprintf("%d", i + 1);
            nm_error(c->d, e->span, "E-type", "argument %s of '%s' has type '%s', found %s", an,
                     name, type_name(c, want), describe(r, e));
        }
    }
    if (on && on->present) {
        nm_pexpr *e = new_expr(r, NM_E_LIT, NM_TY_DATE, on->span);
        e->u.lit.kind = NM_LIT_DATE;
        e->u.lit.date = check_date(c, on);
        if (!e->u.lit.date.present)
            e->type = NM_TY_ERROR;
        out->args[nargs - 1] = e;
        if (typed && pr->arg_types[nargs - 1] != NM_TY_DATE)
            nm_error(c->d, on->span, "E-type",
                     "'on' gives a date, but the last argument of '%s' has type '%s'", name,
                     type_name(c, pr->arg_types[nargs - 1]));
    }
}

static bool ordered_type(checker *c, int t)
{
    return is_numeric(t) || t == NM_TY_DATE || c->p->types[t].kind == NM_TY_TIERS;
}

static nm_pformula *resolve_cmp(rctx *r, nm_node *n)
{
    checker *c = r->c;
    nm_pformula *f = new_formula(r, NM_F_CMP, n->span);
    nm_op op = n->u.binop.op;
    f->u.cmp.op = op;
    nm_pexpr *a = resolve_expr(r, n->u.binop.lhs, -1);
    nm_pexpr *b = resolve_expr(r, n->u.binop.rhs, a->type != NM_TY_ERROR ? a->type : -1);
    f->u.cmp.lhs = a;
    f->u.cmp.rhs = b;
    /* `x = e` with x not yet typed takes e's type */
    if (op == NM_OP_EQ && a->kind == NM_E_VAR && a->type == NM_TY_ERROR && b->type != NM_TY_ERROR) {
        iv_set(&r->types, a->u.var, b->type);
        a->type = b->type;
    } else if (op == NM_OP_EQ && b->kind == NM_E_VAR && b->type == NM_TY_ERROR &&
               a->type != NM_TY_ERROR) {
        iv_set(&r->types, b->u.var, a->type);
        b->type = a->type;
    }
    int ta = a->type, tb = b->type;
    if (ta == NM_TY_ERROR || tb == NM_TY_ERROR)
        return f;
    if (!compatible(ta, tb)) {
        nm_error(c->d, n->span, "E-type", "cannot compare '%s' with '%s'", type_name(c, ta),
                 type_name(c, tb));
        return f;
    }
    if (op != NM_OP_EQ && op != NM_OP_NE && !ordered_type(c, ta)) {
        nm_diag *d = nm_error(c->d, n->span, "E-type", "values of type '%s' are not ordered",
                              type_name(c, ta));
        nm_diag_note(d, NM_SEV_NOTE, NULL,
                     "'%s' compares numbers, dates, and members of one tiers type", nm_op_text(op));
    }
    return f;
}

static nm_pformula *resolve_in(rctx *r, nm_node *n)
{
    checker *c = r->c;
    nm_node *rhs = n->u.binop.rhs;
    if (rhs->kind == NM_N_SET) {
        nm_pformula *f = new_formula(r, NM_F_INSET, n->span);
        nm_pexpr *x = resolve_expr(r, n->u.binop.lhs, -1);
        f->u.inset.elem = x;
        f->u.inset.nitems = rhs->u.set.nitems;
        f->u.inset.items = program_alloc(r, sizeof(nm_pexpr *) * (size_t)(rhs->u.set.nitems + 1));
        int t = x->type;
        for (int i = 0; i < rhs->u.set.nitems; i++) {
            nm_pexpr *e = resolve_expr(r, rhs->u.set.items[i], t != NM_TY_ERROR ? t : -1);
            f->u.inset.items[i] = e;
            if (t == NM_TY_ERROR && x->kind == NM_E_VAR && e->type != NM_TY_ERROR) {
                t = e->type;    /* `x in {a, b}` types x by its members */
                iv_set(&r->types, x->u.var, t);
                x->type = t;
            } else if (!compatible(t, e->type)) {
                nm_error(c->d, e->span, "E-type", "set member of type '%s' where '%s' is tested",
                         type_name(c, e->type), type_name(c, t));
            }
        }
        return f;
    }
    nm_pformula *f = new_formula(r, NM_F_ATOM, n->span);
    nm_patom *a = &f->u.atom;
    a->span = n->span;
    a->nargs = 1;
    a->args = program_alloc(r, sizeof *a->args * 2);
    int li = rhs->kind == NM_N_NAME ? sym_get(&c->preds, rhs->u.name.text) : -1;
    bool is_list = li >= 0 && c->p->preds[li].origin == NM_ORIGIN_LIST;
    a->pred = is_list ? li : -1;
    int elem = is_list && !iv_get(&c->pred_bad, li) ? c->p->preds[li].arg_types[0] : -1;
    a->args[0] = resolve_expr(r, n->u.binop.lhs, elem);
    nm_pexpr *x = a->args[0];
    if (!is_list) {
        if (rhs->kind != NM_N_NAME) {
            nm_error(c->d, rhs->span, "E-in", "'in' needs a list or a set '{…}'");
            return f;
        }
        nm_diag *d;
        if (li >= 0) {
            d = nm_error(c->d, rhs->span, "E-in", "'%s' is a %s, not a list", rhs->u.name.text,
                         pred_kind_word(c->p->preds[li].origin));
            iv_set(&c->pred_used, li, 1);
        } else {
            d = nm_error(c->d, rhs->span, "E-unknown-list", "unknown list '%s'", rhs->u.name.text);
            suggest s;
            sg_init(&s, rhs->u.name.text);
            for (int i = 0; i < c->p->npreds; i++)
                if (c->p->preds[i].origin == NM_ORIGIN_LIST)
                    sg_offer(&s, c->p->preds[i].name);
            sg_help(&s, d, "");
        }
        return f;
    }
    iv_set(&c->pred_used, li, 1);
    visible_or_report(c, r->module, c->p->preds[li].module, rhs->span, rhs->u.name.text);
    if (elem < 0)
        return f;
    if (x->kind == NM_E_VAR && x->type == NM_TY_ERROR) {
        iv_set(&r->types, x->u.var, elem);
        x->type = elem;
    } else if (!assignable(x->type, elem, x->kind != NM_E_VAR)) {
        nm_error(c->d, x->span, "E-type", "list '%s' holds '%s', found %s", rhs->u.name.text,
                 type_name(c, elem), describe(r, x));
    }
    return f;
}

static void expect_type(rctx *r, nm_pexpr *e, int want, const char *what)
{
    if (e->type == NM_TY_ERROR || e->type == want)
        return;
    nm_error(r->c->d, e->span, "E-type", "expected %s, found %s", what, describe(r, e));
}

static nm_pformula *resolve_formula(rctx *r, nm_node *n)
{
    nm_pformula *f;
    switch (n->kind) {
    case NM_N_ATOM:
        f = new_formula(r, NM_F_ATOM, n->span);
        resolve_atom(r, n, NULL, &f->u.atom);
        return f;
    case NM_N_AND:
    case NM_N_OR:
        f = new_formula(r, n->kind == NM_N_AND ? NM_F_AND : NM_F_OR, n->span);
        f->u.bin.lhs = resolve_formula(r, n->u.binop.lhs);
        f->u.bin.rhs = resolve_formula(r, n->u.binop.rhs);
        return f;
    case NM_N_NOT:
        f = new_formula(r, NM_F_NOT, n->span);
        f->u.operand = resolve_formula(r, n->u.unop.operand);
        return f;
    case NM_N_CMP:
        return resolve_cmp(r, n);
    case NM_N_IN:
        return resolve_in(r, n);
    case NM_N_WITHIN:
        f = new_formula(r, NM_F_WITHIN, n->span);
        f->u.within.how = n->u.within.how;
        f->u.within.lhs = resolve_expr(r, n->u.within.lhs, NM_TY_DATE);
        f->u.within.dur = resolve_expr(r, n->u.within.dur, NM_TY_DURATION);
        f->u.within.rhs = resolve_expr(r, n->u.within.rhs, NM_TY_DATE);
        for (int i = 0; i < 3; i++) {
            nm_pexpr *e = i == 0 ? f->u.within.lhs : i == 1 ? f->u.within.dur : f->u.within.rhs;
            int want = i == 1 ? NM_TY_DURATION : NM_TY_DATE;
            if (e->kind == NM_E_VAR && e->type == NM_TY_ERROR) {
                iv_set(&r->types, e->u.var, want);
                e->type = want;
            }
            expect_type(r, e, want, i == 1 ? "a duration" : "a date");
        }
        return f;
    default:
        nm_error(r->c->d, n->span, "E-formula", "expected a condition");
        f = new_formula(r, NM_F_ATOM, n->span);
        f->u.atom.pred = -1;
        return f;
    }
}

/* ---- variables: numbering, first types, occurrence counts --------------------------- */

static bool name_is_value(rctx *r, const char *name)
{
    checker *c = r->c;
    for (int k = sym_get(&c->consts, name); k >= 0; k = iv_get(&c->const_next, k) - 1)
        if ((c->p->consts[k].case_id == -1 || c->p->consts[k].case_id == r->case_id) &&
            (r->ground || !c->p->consts[k].implicit))
            return true;
    return sym_get(&c->params, name) >= 0;
}

static void number_vars(rctx *r, nm_node *n)
{
    if (!n)
        return;
    switch (n->kind) {
    case NM_N_NAME: {
        if (name_is_value(r, n->u.name.text))
            return;
        int v = var_index(r, n->u.name.text);
        if (v < 0) {
            v = r->names.n;
            nm_vec_push(&r->names, (void *)n->u.name.text);
            iv_push(&r->types, NM_TY_ERROR);
            iv_push(&r->count, 0);
            int s = PUSH(r->spans, r->nspans, r->cap_spans);
            r->spans[s] = n->span;
        }
        r->count.v[v]++;
        return;
    }
    case NM_N_ATOM: {
        int pi = sym_get(&r->c->preds, n->u.atom.pred.text);
        const nm_ppred *pr = pi >= 0 && !iv_get(&r->c->pred_bad, pi) ? &r->c->p->preds[pi] : NULL;
        for (int i = 0; i < n->u.atom.nargs; i++) {
            nm_node *a = n->u.atom.args[i];
            if (is_label_arg(r->c, pi, i) && a->kind == NM_N_NAME)
                continue;   /* a rule label, not a variable */
            number_vars(r, a);
            if (pi < 0 && a->kind == NM_N_NAME && var_index(r, a->u.name.text) >= 0)
                iv_set(&r->exempt, var_index(r, a->u.name.text), 1);
            /* the first atom a variable appears in gives it its type */
            if (pr && pr->arity == n->u.atom.nargs && a->kind == NM_N_NAME) {
                int v = var_index(r, a->u.name.text);
                if (v >= 0 && iv_get(&r->types, v) == NM_TY_ERROR)
                    iv_set(&r->types, v, pr->arg_types[i]);
            }
        }
        return;
    }
    case NM_N_ARITH: case NM_N_AND: case NM_N_OR: case NM_N_CMP:
        number_vars(r, n->u.binop.lhs);
        number_vars(r, n->u.binop.rhs);
        return;
    case NM_N_IN:
        number_vars(r, n->u.binop.lhs);
        if (n->u.binop.rhs->kind == NM_N_SET)
            number_vars(r, n->u.binop.rhs);
        return;
    case NM_N_NOT: case NM_N_NEG:
        number_vars(r, n->u.unop.operand);
        return;
    case NM_N_SET:
        for (int i = 0; i < n->u.set.nitems; i++)
            number_vars(r, n->u.set.items[i]);
        return;
    case NM_N_AGG:
        for (int i = 0; i < n->u.agg.nterms; i++)
            number_vars(r, n->u.agg.terms[i]);
        number_vars(r, n->u.agg.body);
        return;
    case NM_N_WITHIN:
        number_vars(r, n->u.within.lhs);
        number_vars(r, n->u.within.dur);
        number_vars(r, n->u.within.rhs);
        return;
    default:
        return;
    }
}

/* ---- range restriction ([check.range]) ---------------------------------------------- */

typedef struct bset {
    bool *b;
    int n;
} bset;

static bset bs_new(int n)
{
    bset s = {nm_alloc_atomic((size_t)n + 1), n};
    memset(s.b, 0, (size_t)n + 1);
    return s;
}

static bset bs_copy(bset a)
{
    bset s = bs_new(a.n);
    memcpy(s.b, a.b, (size_t)a.n);
    return s;
}

static bool expr_bound(const nm_pexpr *e, bset b);

static bool expr_bound(const nm_pexpr *e, bset b)
{
    switch (e->kind) {
    case NM_E_VAR: return b.b[e->u.var];
    case NM_E_ARITH: return expr_bound(e->u.arith.lhs, b) && expr_bound(e->u.arith.rhs, b);
    case NM_E_NEG: return expr_bound(e->u.neg, b);
    case NM_E_WILD: return false;
    default: return true;   /* constants, literals; an aggregate's value is computed
                             * once its group variables are bound, which they are by
                             * definition (bound outside it) */
    }
}

/* Variables a formula binds when it holds, given `in` bound (no reports). */
static void binds(const nm_pformula *f, bset b);

static void binds_conj(const nm_pformula **cs, int n, bset b)
{
    bool local[64];
    bool *before = b.n <= (int)sizeof local ? local : nm_alloc_atomic((size_t)b.n);
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = 0; i < n; i++) {
            memcpy(before, b.b, (size_t)b.n);
            binds(cs[i], b);
            if (memcmp(before, b.b, (size_t)b.n) != 0)
                changed = true;
        }
    }
}

static void flatten_and(const nm_pformula *f, nm_vec *out)
{
    if (f->kind == NM_F_AND) {
        flatten_and(f->u.bin.lhs, out);
        flatten_and(f->u.bin.rhs, out);
    } else {
        nm_vec_push(out, (void *)f);
    }
}

/* in_force_on and rule_in_force_on test the values they are given and bind nothing
 * (builtins sit at preds[k] == builtin k); decision_date binds its date. */
static bool binds_nothing(const nm_patom *a)
{
    return a->pred == NM_BUILTIN_IN_FORCE_ON || a->pred == NM_BUILTIN_RULE_IN_FORCE_ON;
}

static void binds(const nm_pformula *f, bset b)
{
    switch (f->kind) {
    case NM_F_ATOM:
        if (binds_nothing(&f->u.atom))
            return;
        for (int i = 0; i < f->u.atom.nargs; i++)
            if (f->u.atom.args[i] && f->u.atom.args[i]->kind == NM_E_VAR)
                b.b[f->u.atom.args[i]->u.var] = true;
        return;
    case NM_F_AND: {
        void *local[16];
        nm_vec cs = {local, 0, 16};
        flatten_and(f, &cs);
        binds_conj((const nm_pformula **)cs.items, cs.n, b);
        return;
    }
    case NM_F_OR: {
        bset l = bs_copy(b), r = bs_copy(b);
        binds(f->u.bin.lhs, l);
        binds(f->u.bin.rhs, r);
        for (int i = 0; i < b.n; i++)
            b.b[i] = b.b[i] || (l.b[i] && r.b[i]);
        return;
    }
    case NM_F_CMP:
        if (f->u.cmp.op != NM_OP_EQ)
            return;
        if (f->u.cmp.lhs->kind == NM_E_VAR && expr_bound(f->u.cmp.rhs, b))
            b.b[f->u.cmp.lhs->u.var] = true;
        else if (f->u.cmp.rhs->kind == NM_E_VAR && expr_bound(f->u.cmp.lhs, b))
            b.b[f->u.cmp.rhs->u.var] = true;
        return;
    case NM_F_INSET:
        if (f->u.inset.elem->kind == NM_E_VAR) {
            bool all = true;
            for (int i = 0; i < f->u.inset.nitems; i++)
                all = all && expr_bound(f->u.inset.items[i], b);
            if (all)
                b.b[f->u.inset.elem->u.var] = true;
        }
        return;
    default:
        return;
    }
}

typedef struct safety {
    rctx *r;
    ivec *reported;
} safety;

/* `builtin`: the name of the testing builtin the variable stands in, as written, or
 * NULL. */
static void unbound_in(safety *s, const nm_pexpr *v, const char *where, const char *builtin)
{
    rctx *r = s->r;
    if (iv_get(s->reported, v->u.var))
        return;
    iv_set(s->reported, v->u.var, 1);
    const char *name = r->names.items[v->u.var];
    nm_diag *d = nm_error(r->c->d, v->span, "E-unbound", "variable '%s' %s is not bound", name,
                          where);
    nm_diag_note(d, NM_SEV_NOTE, NULL,
                 "a variable must appear in a positive condition, such as an atom, of the body");
    if (builtin)
        nm_diag_note(d, NM_SEV_HELP, NULL,
                     "'%s' tests the values it is given and binds none: bind '%s' elsewhere in the body",
                     builtin, name);
}

static void require_bound_in(safety *s, const nm_pexpr *e, bset b, const char *where,
                             const char *builtin)
{
    switch (e->kind) {
    case NM_E_VAR:
        if (!b.b[e->u.var])
            unbound_in(s, e, where, builtin);
        return;
    case NM_E_ARITH:
        require_bound_in(s, e->u.arith.lhs, b, where, builtin);
        require_bound_in(s, e->u.arith.rhs, b, where, builtin);
        return;
    case NM_E_NEG:
        require_bound_in(s, e->u.neg, b, where, builtin);
        return;
    default:
        return;
    }
}

static void require_bound(safety *s, const nm_pexpr *e, bset b, const char *where)
{
    require_bound_in(s, e, b, where, NULL);
}

/* The name a builtin atom was written with. */
static const char *written_name(rctx *r, const nm_patom *a)
{
    for (int i = 0; i < r->nbuiltin_atoms; i++)
        if (r->builtin_atoms[i].atom == a)
            return r->builtin_atoms[i].written;
    return r->c->p->preds[a->pred].name;
}

static void check_safe(safety *s, nm_pformula *f, bset bound);

static void vars_of_formula(const nm_pformula *f, bool *seen);

static void vars_of_expr(const nm_pexpr *e, bool *seen)
{
    switch (e->kind) {
    case NM_E_VAR: seen[e->u.var] = true; return;
    case NM_E_ARITH: vars_of_expr(e->u.arith.lhs, seen); vars_of_expr(e->u.arith.rhs, seen); return;
    case NM_E_NEG: vars_of_expr(e->u.neg, seen); return;
    case NM_E_AGG:
        for (int i = 0; i < e->u.agg->nterms; i++)
            vars_of_expr(e->u.agg->terms[i], seen);
        if (e->u.agg->body)
            vars_of_formula(e->u.agg->body, seen);
        return;
    default: return;
    }
}

static void vars_of_formula(const nm_pformula *f, bool *seen)
{
    switch (f->kind) {
    case NM_F_ATOM:
        for (int i = 0; i < f->u.atom.nargs; i++)
            if (f->u.atom.args[i])
                vars_of_expr(f->u.atom.args[i], seen);
        return;
    case NM_F_AND: case NM_F_OR:
        vars_of_formula(f->u.bin.lhs, seen);
        vars_of_formula(f->u.bin.rhs, seen);
        return;
    case NM_F_NOT: vars_of_formula(f->u.operand, seen); return;
    case NM_F_CMP: vars_of_expr(f->u.cmp.lhs, seen); vars_of_expr(f->u.cmp.rhs, seen); return;
    case NM_F_INSET:
        vars_of_expr(f->u.inset.elem, seen);
        for (int i = 0; i < f->u.inset.nitems; i++)
            vars_of_expr(f->u.inset.items[i], seen);
        return;
    case NM_F_WITHIN:
        vars_of_expr(f->u.within.lhs, seen);
        vars_of_expr(f->u.within.dur, seen);
        vars_of_expr(f->u.within.rhs, seen);
        return;
    }
}

static bool find_var_span_f(const nm_pformula *f, int v, nm_span *at);

/* The span of the first occurrence of variable v, if any. */
static bool find_var_span_e(const nm_pexpr *e, int v, nm_span *at)
{
    if (!e)
        return false;
    switch (e->kind) {
    case NM_E_VAR:
        if (e->u.var != v)
            return false;
        *at = e->span;
        return true;
    case NM_E_ARITH:
        return find_var_span_e(e->u.arith.lhs, v, at) || find_var_span_e(e->u.arith.rhs, v, at);
    case NM_E_NEG:
        return find_var_span_e(e->u.neg, v, at);
    case NM_E_AGG:
        for (int i = 0; i < e->u.agg->nterms; i++)
            if (find_var_span_e(e->u.agg->terms[i], v, at))
                return true;
        return e->u.agg->body && find_var_span_f(e->u.agg->body, v, at);
    default:
        return false;
    }
}

static bool find_var_span_f(const nm_pformula *f, int v, nm_span *at)
{
    switch (f->kind) {
    case NM_F_ATOM:
        for (int i = 0; i < f->u.atom.nargs; i++)
            if (find_var_span_e(f->u.atom.args[i], v, at))
                return true;
        return false;
    case NM_F_AND: case NM_F_OR:
        return find_var_span_f(f->u.bin.lhs, v, at) || find_var_span_f(f->u.bin.rhs, v, at);
    case NM_F_NOT:
        return find_var_span_f(f->u.operand, v, at);
    case NM_F_CMP:
        return find_var_span_e(f->u.cmp.lhs, v, at) || find_var_span_e(f->u.cmp.rhs, v, at);
    case NM_F_INSET:
        if (find_var_span_e(f->u.inset.elem, v, at))
            return true;
        for (int i = 0; i < f->u.inset.nitems; i++)
            if (find_var_span_e(f->u.inset.items[i], v, at))
                return true;
        return false;
    case NM_F_WITHIN:
        return find_var_span_e(f->u.within.lhs, v, at) || find_var_span_e(f->u.within.dur, v, at) ||
               find_var_span_e(f->u.within.rhs, v, at);
    }
    return false;
}

static void find_var_span(const nm_pformula *f, int v, nm_span *at) { find_var_span_f(f, v, at); }

/* Checks the aggregates inside an expression: group variables are those of its body
 * bound outside; the counted variables and the summed expression must be bound by
 * the body. */
static void check_expr_aggs(safety *s, nm_pexpr *e, bset bound)
{
    switch (e->kind) {
    case NM_E_ARITH:
        check_expr_aggs(s, e->u.arith.lhs, bound);
        check_expr_aggs(s, e->u.arith.rhs, bound);
        return;
    case NM_E_NEG:
        check_expr_aggs(s, e->u.neg, bound);
        return;
    case NM_E_AGG: {
        nm_pagg *a = e->u.agg;
        int n = bound.n;
        bool *seen = nm_alloc_atomic((size_t)n + 1);
        memset(seen, 0, (size_t)n + 1);
        vars_of_expr(e, seen);
        ivec g = {0}, l = {0};
        for (int i = 0; i < n; i++)
            if (seen[i])
                iv_push(bound.b[i] ? &g : &l, i);
        a->group_vars = iv_copy(&g);
        a->ngroup = g.n;
        a->local_vars = iv_copy(&l);
        a->nlocal = l.n;
        /* the tuples it ranges over: the counted terms, or the locals and the value */
        int width = a->op == NM_AGG_COUNT ? a->nterms : a->nlocal + 1;
        if (a->op != NM_AGG_COUNT && a->nterms == 1 && a->terms[0]->kind == NM_E_VAR)
            for (int i = 0; i < a->nlocal; i++)
                if (a->local_vars[i] == a->terms[0]->u.var)
                    width = a->nlocal;  /* the value is one of the locals */
        if (width > NM_REL_MAX_ARITY) {
            nm_diag *d = nm_error(s->r->c->d, e->span, "E-arity-limit",
                                  "this aggregate ranges over tuples of %d values; at most %d are "
                                  "supported", width, NM_REL_MAX_ARITY);
            nm_diag_note(d, NM_SEV_HELP, NULL, a->op == NM_AGG_COUNT
                         ? "count fewer variables: a key that identifies the tuple is enough"
                         : "name fewer variables in the body: write '_' for those that need not "
                           "count");
        }
        bset inner = bs_copy(bound);
        if (a->body) {
            binds(a->body, inner);
            check_safe(s, a->body, bound);
        }
        for (int i = 0; i < a->nterms; i++)
            require_bound(s, a->terms[i], inner, "in an aggregate");
        return;
    }
    default:
        return;
    }
}

/* Reports each variable of f that is used where it must already be bound. */
static void check_safe(safety *s, nm_pformula *f, bset bound_in)
{
    void *local[16];
    nm_vec cs = {local, 0, 16};
    flatten_and(f, &cs);
    bset b = bs_copy(bound_in);
    binds_conj((const nm_pformula **)cs.items, cs.n, b);
    for (int i = 0; i < cs.n; i++) {
        nm_pformula *g = cs.items[i];
        switch (g->kind) {
        case NM_F_ATOM:
            if (binds_nothing(&g->u.atom)) {
                const char *bn = written_name(s->r, &g->u.atom);
                const char *where = nm_sprintf("in '%s'", bn);
                for (int k = 0; k < g->u.atom.nargs; k++) {
                    nm_pexpr *a = g->u.atom.args[k];
                    if (!a)
                        continue;
                    if (a->kind == NM_E_WILD && !is_label_arg(s->r->c, g->u.atom.pred, k)) {
                        nm_error(s->r->c->d, a->span, "E-unbound",
                                 "'_' cannot stand in '%s', which binds nothing", bn);
                        continue;
                    }
                    check_expr_aggs(s, a, b);
                    require_bound_in(s, a, b, where, bn);
                }
                break;
            }
            for (int k = 0; k < g->u.atom.nargs; k++) {
                nm_pexpr *a = g->u.atom.args[k];
                if (a && a->kind != NM_E_VAR) {
                    check_expr_aggs(s, a, b);
                    require_bound(s, a, b, "in an argument expression");
                }
            }
            break;
        case NM_F_OR:
            check_safe(s, g->u.bin.lhs, b);
            check_safe(s, g->u.bin.rhs, b);
            break;
        case NM_F_NOT: {
            nm_pformula *o = g->u.operand;
            if (o->kind == NM_F_ATOM) {
                for (int k = 0; k < o->u.atom.nargs; k++) {
                    nm_pexpr *a = o->u.atom.args[k];
                    if (a && a->kind == NM_E_WILD && binds_nothing(&o->u.atom) &&
                        !is_label_arg(s->r->c, o->u.atom.pred, k))
                        nm_error(s->r->c->d, a->span, "E-unbound",
                                 "'_' cannot stand in '%s', which binds nothing",
                                 written_name(s->r, &o->u.atom));
                    else if (a)
                        require_bound(s, a, b, "in a negated condition");
                }
            } else {
                /* variables that only the negated formula binds are local to it */
                check_safe(s, o, b);
            }
            break;
        }
        case NM_F_CMP: {
            check_expr_aggs(s, g->u.cmp.lhs, b);
            check_expr_aggs(s, g->u.cmp.rhs, b);
            require_bound(s, g->u.cmp.lhs, b, "in a comparison");
            require_bound(s, g->u.cmp.rhs, b, "in a comparison");
            break;
        }
        case NM_F_INSET:
            require_bound(s, g->u.inset.elem, b, "in a comparison");
            for (int k = 0; k < g->u.inset.nitems; k++)
                require_bound(s, g->u.inset.items[k], b, "in a comparison");
            break;
        case NM_F_WITHIN:
            require_bound(s, g->u.within.lhs, b, "in a comparison");
            require_bound(s, g->u.within.dur, b, "in a comparison");
            require_bound(s, g->u.within.rhs, b, "in a comparison");
            break;
        case NM_F_AND:
            break;
        }
    }
}

/* ---- pass 3: signatures ------------------------------------------------------------- */

/* Checks that every {name} of a template names an argument; the error points at the
 * placeholder in the source when it can be found there. */
static void check_template(checker *c, const char *tpl, nm_span str_span, const nm_param_decl *ps,
                           int nps, const char *pred)
{
    if (!tpl)
        return;
    for (const char *s = tpl; (s = strchr(s, '{')) != NULL;) {
        const char *e = strchr(s, '}');
        if (!e)
            return;
        size_t len = (size_t)(e - s - 1);
        bool ok = false;
        for (int i = 0; i < nps && !ok; i++)
            ok = strncmp(ps[i].name.text, s + 1, len) == 0 && ps[i].name.text[len] == '\0';
        if (!ok) {
            const char *name = nm_strndup(s + 1, len);
            nm_span at = str_span;
            const char *ph = nm_strndup(s, (size_t)(e - s + 1));
            if (at.file && at.end_off <= at.file->len) {
                const char *base = at.file->text + at.off;
                size_t len = at.end_off - at.off, plen = strlen(ph);
                for (size_t k = 0; k + plen <= len; k++)
                    if (memcmp(base + k, ph, plen) == 0) {
                        int col = at.col + cp_len(nm_strndup(base, k));
                        at.off += k;
                        at.end_off = at.off + plen;
                        at.col = col;
                        at.end_line = at.line;
                        at.end_col = col + cp_len(ph);
                        break;
                    }
            }
            nm_diag *d = nm_error(c->d, at, "E-template", "placeholder '%s' names no argument of '%s'",
                                  ph, pred);
            suggest sg;
            sg_init(&sg, name);
            for (int i = 0; i < nps; i++)
                sg_offer(&sg, ps[i].name.text);
            sg_help(&sg, d, "");
        }
        s = e + 1;
    }
}

static void check_signatures(checker *c)
{
    nm_program *p = c->p;
    for (int pi = NM_BUILTIN__COUNT; pi < p->npreds; pi++) {
        nm_node *n = c->pred_nodes.items[pi];
        nm_ppred *pr = &p->preds[pi];
        int m = pr->module;
        bool bad = false;
        if (n->kind == NM_N_PRED) {
            int np = n->u.pred.nparams;
            pr->arity = np + (n->u.pred.is_attr ? 1 : 0);
            if (pr->arity > NM_REL_MAX_ARITY) {
                nm_span at = np > NM_REL_MAX_ARITY ? n->u.pred.params[NM_REL_MAX_ARITY].name.span
                                                   : n->u.pred.attr_type.span;
                nm_diag *d = nm_error(c->d, at, "E-arity-limit",
                                      "%s '%s' has %d arguments%s; at most %d are supported",
                                      n->u.pred.is_attr ? "attribute" : "predicate", pr->name,
                                      pr->arity, n->u.pred.is_attr ? " (its keys and its value)" : "",
                                      NM_REL_MAX_ARITY);
                nm_diag_note(d, NM_SEV_HELP, NULL,
                             "split it into predicates that share a key (a tuple of the engine "
                             "holds at most %d values)", NM_REL_MAX_ARITY);
                bad = true;
            }
            pr->arg_types = nm_alloc_atomic(sizeof(int) * (size_t)(pr->arity + 1));
            pr->arg_names = nm_alloc(sizeof(char *) * (size_t)(pr->arity + 1));
            for (int i = 0; i < np; i++) {
                const nm_param_decl *pd = &n->u.pred.params[i];
                pr->arg_names[i] = pd->name.text;
                for (int j = 0; j < i; j++)
                    if (strcmp(n->u.pred.params[j].name.text, pd->name.text) == 0) {
                        dup_error(c, pd->name.span, n->u.pred.params[j].name.span, "argument",
                                  pd->name.text);
                        break;
                    }
                pr->arg_types[i] = resolve_type(c, &pd->type, m);
                bad |= pr->arg_types[i] == NM_TY_ERROR;
                if (pr->mode == NM_PRED_OPEN && !is_finite(c, pr->arg_types[i])) {
                    nm_diag *d = nm_error(c->d, pd->type.span, "E-open-infinite",
                                          "argument '%s' of open %s '%s' has type '%s', which is not finite",
                                          pd->name.text, n->u.pred.is_attr ? "attribute" : "predicate",
                                          pr->name, type_name(c, pr->arg_types[i]));
                    nm_diag_note(d, NM_SEV_HELP, NULL,
                                 "open predicates range over enums, tiers, bool and entities; "
                                 "a quantity that may be unknown is an open attr");
                }
            }
            if (n->u.pred.is_attr) {
                pr->arg_names[np] = "";
                pr->arg_types[np] = resolve_type(c, &n->u.pred.attr_type, m);
                bad |= pr->arg_types[np] == NM_TY_ERROR;
            }
            pr->presumed_false = n->u.pred.presumed_false;
            pr->presume_cites = resolve_cites(c, n->u.pred.presume_cites, n->u.pred.npresume_cites, m);
            pr->npresume_cites = n->u.pred.npresume_cites;
            pr->zh = n->u.pred.zh;
            pr->en = n->u.pred.en;
            check_template(c, pr->zh, n->u.pred.zh_span, n->u.pred.params, np, pr->name);
            check_template(c, pr->en, n->u.pred.en_span, n->u.pred.params, np, pr->name);
        } else if (n->kind == NM_N_LIST) {
            pr->arity = 1;
            pr->arg_types = nm_alloc_atomic(sizeof(int) * 2);
            pr->arg_names = nm_alloc(sizeof(char *) * 2);
            pr->arg_names[0] = "";
            pr->arg_types[0] = resolve_type(c, &n->u.list.type, m);
            bad = pr->arg_types[0] == NM_TY_ERROR;
            pr->cites = resolve_cites(c, n->u.list.cites, n->u.list.ncites, m);
            pr->ncites = n->u.list.ncites;
        } else {
            pr->arity = 2;
            pr->arg_types = nm_alloc_atomic(sizeof(int) * 3);
            pr->arg_names = nm_alloc(sizeof(char *) * 3);
            pr->arg_names[0] = pr->arg_names[1] = "";
            pr->arg_types[0] = resolve_type(c, &n->u.mapd.key_type, m);
            pr->arg_types[1] = resolve_type(c, &n->u.mapd.value_type, m);
            bad = pr->arg_types[0] == NM_TY_ERROR || pr->arg_types[1] == NM_TY_ERROR;
            int kt = pr->arg_types[0];
            if (kt != NM_TY_ERROR && p->types[kt].kind != NM_TY_ENUM && p->types[kt].kind != NM_TY_TIERS)
                nm_error(c->d, n->u.mapd.key_type.span, "E-map-key",
                         "the keys of %s '%s' must be an enum or tiers type, not '%s'",
                         pred_kind_word(pr->origin), pr->name, type_name(c, kt));
            pr->cites = resolve_cites(c, n->u.mapd.cites, n->u.mapd.ncites, m);
            pr->ncites = n->u.mapd.ncites;
        }
        iv_set(&c->pred_bad, pi, bad);
    }
    for (int t = NM_TY__BUILTINS; t < p->ntypes; t++) {
        nm_node *n = c->type_nodes.items[t];
        p->types[t].cites = resolve_cites(c, n->u.enumd.cites, n->u.enumd.ncites, p->types[t].module);
        p->types[t].ncites = n->u.enumd.ncites;
    }
}

/* ---- pass 3b: individuals ([type.entity], [fact.implicit]) ------------------------- */

/* The type of an `entity` declaration: Person, Unit or a declared entity type; reports
 * any other type and yields NM_TY_ERROR then. */
static int entity_type(checker *c, nm_node *n, int module)
{
    if (n->u.entity.kind == NM_ENTITY_PERSON)
        return NM_TY_PERSON;
    if (n->u.entity.kind == NM_ENTITY_UNIT)
        return NM_TY_UNIT;
    const nm_ident *tn = &n->u.entity.type;
    int t = resolve_type(c, tn, module);
    if (t == NM_TY_ERROR || t == NM_TY_PERSON || t == NM_TY_UNIT || is_individual_type(c, t))
        return t;
    const char *name = n->u.entity.name.text;
    nm_diag *d;
    if (t == NM_TY_ENTITY) {
        d = nm_error(c->d, tn->span, "E-entity-type",
                     "an entity of type 'Entity' must be a person or a unit");
        nm_diag_note(d, NM_SEV_HELP, NULL, "write 'entity %s: person' or 'entity %s: unit'", name,
                     name);
    } else {
        d = nm_error(c->d, tn->span, "E-entity-type", "'%s' is not an entity type", tn->text);
        nm_diag_note(d, NM_SEV_HELP, NULL,
                     "an entity is a 'person', a 'unit', or of a type declared 'type NAME = entity'");
    }
    return NM_TY_ERROR;
}

/* The constant a ground context of case `case_id` (-1: none) would resolve `name` to,
 * case-local first; -2 for a parameter; -1 for nothing. Reports nothing. */
static int quiet_lookup(checker *c, const char *name, int case_id)
{
    int found = -1;
    for (int k = sym_get(&c->consts, name); k >= 0; k = iv_get(&c->const_next, k) - 1) {
        int kc = c->p->consts[k].case_id;
        if (case_id != -1 && kc == case_id)
            return k;
        if (kc == -1)
            found = k;
    }
    if (found < 0 && sym_get(&c->params, name) >= 0)
        return -2;
    return found;
}

/* Declares the individuals a fact names implicitly: each argument that is a name
 * resolving to nothing, where the predicate declares an entity type of its own. They
 * belong to the case (`out`) or, at top level, to the type (`global[type]`). A name
 * implicitly used with two types is reported once, at the second use. */
static void declare_implicit(checker *c, nm_node *fact, int module, int case_id, ivec *out,
                             ivec *global)
{
    nm_node *a = fact->u.fact.atom;
    int pi = sym_get(&c->preds, a->u.atom.pred.text);
    if (pi < 0)
        return;
    const nm_ppred *pr = &c->p->preds[pi];
    int n = a->u.atom.nargs < pr->arity ? a->u.atom.nargs : pr->arity;
    for (int i = 0; i < n; i++) {
        nm_node *arg = a->u.atom.args[i];
        int t = pr->arg_types[i];
        if (arg->kind != NM_N_NAME || !is_individual_type(c, t))
            continue;
        const char *name = arg->u.name.text;
        int k = quiet_lookup(c, name, case_id);
        if (k >= 0) {
            const nm_pconst *k0 = &c->p->consts[k];
            if (k0->implicit && k0->type != t) {
                nm_diag *d = nm_error(c->d, arg->span, "E-individual-types",
                                      "'%s' is used with two entity types, '%s' and '%s'", name,
                                      type_name(c, k0->type), type_name(c, t));
                nm_diag_note(d, NM_SEV_NOTE, &k0->span, "first used here, as '%s'",
                             type_name(c, k0->type));
                nm_diag_note(d, NM_SEV_HELP, NULL,
                             "an individual has one entity type; give each individual its own name");
                nm_vec_push(&c->clash_nodes, arg);
            }
            continue;
        }
        if (k == -2)
            continue;
        k = add_const(c, name, arg->span);
        nm_pconst *k0 = &c->p->consts[k];
        k0->kind = NM_CONST_ENTITY;
        k0->type = t;
        k0->implicit = true;
        k0->module = module;
        k0->case_id = case_id;
        iv_set(&c->const_used, k, 1);
        iv_push(case_id >= 0 ? out : &global[t], k);
    }
}

/* Resolves the types of top-level `entity` declarations, declares each case's
 * entities, and the individuals that facts declare implicitly (top level first, then
 * each case), so that every fact, list, parameter and expectation can name them
 * wherever they stand. Runs once predicate signatures are known. */
static void declare_individuals(checker *c)
{
    nm_program *p = c->p;
    ivec *global = nm_alloc(sizeof(ivec) * (size_t)(p->ntypes + 1));
    for (int i = 0; i < c->entity_nodes.n; i++) {
        int k = c->entity_consts.v[i];
        if (k < 0)
            continue;
        int t = entity_type(c, c->entity_nodes.items[i], p->consts[k].module);
        p->consts[k].type = t;
        if (is_individual_type(c, t))
            iv_push(&global[t], k);
    }
    for (int f = 0; f < c->nfiles; f++)
        for (int i = 0; i < c->files[f]->decls.n; i++) {
            nm_node *n = c->files[f]->decls.items[i];
            if (n->kind == NM_N_FACT || n->kind == NM_N_FOUND)
                declare_implicit(c, n, f, -1, NULL, global);
        }
    c->case_ents = nm_alloc(sizeof(ivec) * (size_t)(p->ncases + 1));
    for (int ci = 0; ci < p->ncases; ci++) {
        nm_node *n = c->case_nodes.items[ci];
        int m = p->cases[ci].module;
        ivec *ents = &c->case_ents[ci];
        for (int i = 0; i < n->u.casedecl.items.n; i++) {
            nm_node *it = n->u.casedecl.items.items[i];
            if (it->kind != NM_N_ENTITY)
                continue;
            int k = add_entity(c, it, m, ci);
            if (k < 0)
                continue;
            int t = entity_type(c, it, m);
            p->consts[k].type = t;
            iv_push(ents, k);
        }
        for (int i = 0; i < n->u.casedecl.items.n; i++) {
            nm_node *it = n->u.casedecl.items.items[i];
            if (it->kind == NM_N_FACT || it->kind == NM_N_FOUND)
                declare_implicit(c, it, m, ci, ents, global);
        }
    }
    for (int t = NM_TY__BUILTINS; t < p->ntypes; t++) {
        p->types[t].individuals = iv_copy(&global[t]);
        p->types[t].nindividuals = global[t].n;
    }
}

/* ---- pass 4: parameters, lists, maps, tables, facts --------------------------------- */

static rctx ground_ctx(checker *c, int module, int case_id, const char *what)
{
    rctx r;
    memset(&r, 0, sizeof r);
    r.c = c;
    r.module = module;
    r.case_id = case_id;
    r.ground = true;
    r.ground_what = what;
    return r;
}

/* A parameter value or override: a ground expression of the declared type. */
static nm_pexpr *param_value(checker *c, nm_node *value, int type, int module, int case_id,
                             const char *pname)
{
    rctx r = ground_ctx(c, module, case_id, "parameter value");
    nm_pexpr *e = resolve_expr(&r, value, type != NM_TY_ERROR ? type : -1);
    if (type != NM_TY_ERROR && !assignable(e->type, type, true))
        nm_error(c->d, e->span, "E-type", "parameter '%s' has type '%s', found %s", pname,
                 type_name(c, type), describe(&r, e));
    return e;
}

static void check_params(checker *c)
{
    for (int i = 0; i < c->p->nparams; i++) {
        nm_node *n = c->param_nodes.items[i];
        nm_pparam *pm = &c->p->params[i];
        int declared = -1;
        if (n->u.param.type.text && *n->u.param.type.text)
            declared = resolve_type(c, &n->u.param.type, pm->module);
        pm->value = param_value(c, n->u.param.value, declared >= 0 ? declared : NM_TY_ERROR,
                                pm->module, -1, pm->name);
        c->p->params[i].type = declared >= 0 ? declared : pm->value->type;
        pm->cites = resolve_cites(c, n->u.param.cites, n->u.param.ncites, pm->module);
        pm->ncites = n->u.param.ncites;
        pm->is_reading = n->u.param.is_reading;
        pm->reading = n->u.param.reading;
    }
}

static int add_fact(checker *c, nm_patom atom, bool negated, bool found, int case_id, int module)
{
    int k = PUSH(c->p->facts, c->p->nfacts, c->cap_facts);
    nm_pfact *f = &c->p->facts[k];
    f->atom = atom;
    f->negated = negated;
    f->found = found;
    f->case_id = case_id;
    f->module = module;
    return k;
}

static nm_patom make_atom(int pred, nm_span span, nm_pexpr *a, nm_pexpr *b)
{
    nm_patom at;
    at.pred = pred;
    at.span = span;
    at.nargs = b ? 2 : 1;
    at.args = nm_alloc(sizeof *at.args * 3);
    at.args[0] = a;
    at.args[1] = b;
    return at;
}

static nm_pexpr *typed_value(checker *c, rctx *r, nm_node *n, int want, const char *what)
{
    nm_pexpr *e = resolve_expr(r, n, want != NM_TY_ERROR ? want : -1);
    if (!assignable(e->type, want, true))
        nm_error(c->d, e->span, "E-type", "%s has type '%s', found %s", what, type_name(c, want),
                 describe(r, e));
    return e;
}

static void check_collections(checker *c)
{
    nm_program *p = c->p;
    for (int pi = NM_BUILTIN__COUNT; pi < p->npreds; pi++) {
        nm_node *n = c->pred_nodes.items[pi];
        int m = p->preds[pi].module;
        if (n->kind == NM_N_LIST) {
            rctx r = ground_ctx(c, m, -1, "list");
            int t = p->preds[pi].arg_types[0];
            for (int i = 0; i < n->u.list.values.n; i++) {
                nm_node *v = n->u.list.values.items[i];
                nm_pexpr *e = typed_value(c, &r, v, t,
                                          nm_sprintf("list '%s'", p->preds[pi].name));
                add_fact(c, make_atom(pi, v->span, e, NULL), false, false, -1, m);
            }
            continue;
        }
        if (n->kind != NM_N_MAP && n->kind != NM_N_TABLE)
            continue;
        const char *what = pred_kind_word(p->preds[pi].origin);
        rctx r = ground_ctx(c, m, -1, what);
        int kt = p->preds[pi].arg_types[0], vt = p->preds[pi].arg_types[1];
        bool keyed = kt != NM_TY_ERROR &&
                     (p->types[kt].kind == NM_TY_ENUM || p->types[kt].kind == NM_TY_TIERS);
        ivec seen = {0};    /* member ordinal -> entry index + 1 */
        for (int i = 0; i < n->u.mapd.nentries; i++) {
            nm_map_entry *en = &n->u.mapd.entries[i];
            nm_pexpr *k = typed_value(c, &r, en->key, kt,
                                      nm_sprintf("a key of %s '%s'", what, p->preds[pi].name));
            if (keyed && k->kind == NM_E_CONST && k->type == kt) {
                int ord = p->consts[k->u.cst].ordinal;
                int prev = iv_get(&seen, ord);
                if (prev) {
                    nm_diag *d = nm_error(c->d, en->key->span, "E-map-dup",
                                          "duplicate key '%s' in %s '%s'",
                                          p->consts[k->u.cst].name, what, p->preds[pi].name);
                    nm_span first = n->u.mapd.entries[prev - 1].key->span;
                    nm_diag_note(d, NM_SEV_NOTE, &first, "first given here");
                    continue;
                }
                iv_set(&seen, ord, i + 1);
            }
            if (n->kind == NM_N_MAP) {
                nm_pexpr *v = typed_value(c, &r, en->value, vt,
                                          nm_sprintf("a value of map '%s'", p->preds[pi].name));
                add_fact(c, make_atom(pi, en->span, k, v), false, false, -1, m);
            } else {
                for (int j = 0; j < en->values.n; j++) {
                    nm_node *vn = en->values.items[j];
                    nm_pexpr *v = typed_value(c, &r, vn, vt,
                                              nm_sprintf("a value of table '%s'", p->preds[pi].name));
                    add_fact(c, make_atom(pi, vn->span, k, v), false, false, -1, m);
                }
            }
        }
        if (keyed) {
            nm_buf missing = {0};
            int nmiss = 0;
            const nm_ptype *kty = &p->types[kt];
            for (int i = 0; i < kty->nmembers; i++)
                if (!iv_get(&seen, i)) {
                    nm_buf_printf(&missing, "%s'%s'", nmiss ? ", " : "", p->consts[kty->members[i]].name);
                    nmiss++;
                }
            if (nmiss) {
                nm_diag *d = nm_error(c->d, n->u.mapd.name.span, "E-map-missing",
                                      "%s '%s' has no entry for %s", what, p->preds[pi].name,
                                      nm_buf_str(&missing));
                nm_diag_note(d, NM_SEV_NOTE, NULL, "every member of '%s' must appear exactly once",
                             kty->name);
            }
        }
    }
}

static const char *builtin_note =
    "builtins are computed from the declared windows and the case's decision date";

/* A fact or a court finding, at top level or in a case. */
static int check_fact(checker *c, nm_node *n, int module, int case_id)
{
    rctx r = ground_ctx(c, module, case_id, "fact");
    nm_patom atom;
    resolve_atom(&r, n->u.fact.atom, &n->u.fact.on, &atom);
    if (atom.pred >= 0) {
        const nm_ppred *pr = &c->p->preds[atom.pred];
        nm_span at = n->u.fact.atom->u.atom.pred.span;
        bool found = n->kind == NM_N_FOUND;
        if (pr->origin == NM_ORIGIN_BUILTIN) {
            nm_diag *d = nm_error(c->d, at, "E-fact-builtin",
                                  "'%s' is a builtin; %s are given only for input and open predicates",
                                  n->u.fact.atom->u.atom.pred.text, found ? "findings" : "facts");
            nm_diag_note(d, NM_SEV_NOTE, NULL, "%s", builtin_note);
        } else if (pr->mode == NM_PRED_DERIVED) {
            nm_diag *d = nm_error(c->d, at, "E-fact-derived",
                                  "'%s' is derived by rules; %s are given only for input and open predicates",
                                  pr->name, found ? "findings" : "facts");
            nm_diag_note(d, NM_SEV_HELP, NULL, "declare it 'input' or 'open' to give its facts");
        } else if (found && pr->mode != NM_PRED_OPEN) {
            nm_error(c->d, at, "E-found-closed",
                     "'found' records a finding on an open predicate, and '%s' is not open", pr->name);
        } else if (n->u.fact.negated && pr->mode != NM_PRED_OPEN) {
            nm_diag *d = nm_error(c->d, at, "E-not-fact-closed",
                                  "'not' facts are only for open predicates, and '%s' is closed",
                                  pr->name);
            nm_diag_note(d, NM_SEV_NOTE, NULL, "an absent fact of a closed predicate is already false");
        }
    }
    return add_fact(c, atom, n->u.fact.negated, n->kind == NM_N_FOUND, case_id, module);
}

/* ---- pass 5: rules ------------------------------------------------------------------ */

static void rule_singletons(checker *c, rctx *r, const ivec *reported)
{
    if (c->opt.no_singleton_warnings)
        return;
    for (int v = 0; v < r->names.n; v++) {
        const char *name = r->names.items[v];
        if (r->count.v[v] != 1 || name[0] == '_' || iv_get(reported, v) || iv_get(&r->exempt, v))
            continue;
        nm_diag *d = nm_warning(c->d, r->spans[v], "W-singleton", "variable '%s' appears only once",
                                name);
        suggest s;
        sg_init(&s, name);
        suggest_values(r, &s, false);
        if (s.best)
            nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean the constant '%s'?", s.best);
        else
            nm_diag_note(d, NM_SEV_HELP, NULL, "write '_' if its value does not matter");
    }
}

/* Narrows [*from, *until] to [f, u]; absent ends are open. */
static void narrow(nm_pdate *from, nm_pdate *until, nm_pdate f, nm_pdate u)
{
    if (f.present && (!from->present || date_cmp(f, *from) > 0))
        *from = f;
    if (u.present && (!until->present || date_cmp(u, *until) < 0))
        *until = u;
}

/* The rule's window intersected with those of the binding articles it cites
 * (program.h, nm_prule.eff_from). */
static void effective_window(checker *c, nm_prule *ru)
{
    nm_pdate from = ru->from, until = ru->until;
    for (int i = 0; i < ru->ncites; i++) {
        const nm_pcite *ct = &ru->cites[i];
        if (ct->source < 0)
            continue;
        const nm_psource *src = &c->p->sources[ct->source];
        if (src->rank == NM_RANK_DOCTRINE)
            continue;
        if (ct->article < 0) {
            narrow(&from, &until, src->from, src->until);
            continue;
        }
        /* the versions of the article: the span from the first start to the last end */
        const nm_particle *a = &src->articles[ct->article];
        nm_pdate af = a->from, au = a->until;
        for (int j = ct->article + 1; j < src->narticles; j++) {
            const nm_particle *v = &src->articles[j];
            bool same = v->nparts == a->nparts;
            for (int k = 0; k < a->nparts && same; k++)
                same = part_eq(&v->parts[k], &a->parts[k]);
            if (!same)
                continue;
            if (af.present && (!v->from.present || date_cmp(v->from, af) < 0))
                af = v->from;
            if (au.present && (!v->until.present || date_cmp(v->until, au) > 0))
                au = v->until;
        }
        narrow(&from, &until, af, au);
    }
    ru->eff_from = from;
    ru->eff_until = until;
}

/* The context for checking one rule of `module`. Its variable tables reuse the
 * buffers of the rule checked before (emptied) — why: a fresh set of tables per rule
 * was a tenth of the checker's allocations. rule_ctx_done hands them on; nothing may
 * keep a pointer into them after the rule. */
static void rule_ctx(checker *c, rctx *r, int module)
{
    memset(r, 0, sizeof *r);
    if (c->spare) {
        rctx *s = c->spare;
        r->names = s->names;
        r->types = s->types;
        r->count = s->count;
        r->exempt = s->exempt;
        r->names.n = r->types.n = r->count.n = r->exempt.n = 0;
        r->spans = s->spans;
        r->cap_spans = s->cap_spans;
        r->builtin_atoms = s->builtin_atoms;
        r->cap_builtin_atoms = s->cap_builtin_atoms;
    }
    r->c = c;
    r->module = module;
    r->case_id = -1;
}

static void rule_ctx_done(checker *c, const rctx *r)
{
    if (!c->spare)
        c->spare = nm_alloc(sizeof *c->spare);
    *c->spare = *r;
}

static void check_rule(checker *c, int ri)
{
    nm_program *p = c->p;
    nm_node *n = c->rule_nodes.items[ri];
    if (p->rules[ri].block_only)
        return;     /* checked with its parent */
    int m = p->rules[ri].module;
    rctx r;
    rule_ctx(c, &r, m);
    number_vars(&r, n->u.rule.head);
    number_vars(&r, n->u.rule.body);
    number_vars(&r, n->u.rule.unless);

    nm_prule *ru = &p->rules[ri];
    ru->cites = resolve_cites(c, n->u.rule.cites, n->u.rule.ncites, m);
    ru->ncites = n->u.rule.ncites;
    ru->from = check_date(c, &n->u.rule.from);
    ru->until = check_date(c, &n->u.rule.until);
    check_window(c, ru->from, ru->until, n->u.rule.label.span);
    effective_window(c, ru);
    nm_patom head;
    resolve_atom(&r, n->u.rule.head, NULL, &head);
    nm_pformula *body = n->u.rule.body ? resolve_formula(&r, n->u.rule.body) : NULL;
    nm_pformula *unless = n->u.rule.unless ? resolve_formula(&r, n->u.rule.unless) : NULL;
    ru = &p->rules[ri];
    ru->head = head;
    ru->head_negated = n->u.rule.head_negated;
    ru->body = body;

    if (is_builtin_pred(c, head.pred)) {
        nm_diag *d = nm_error(c->d, n->u.rule.head->u.atom.pred.span, "E-rule-builtin",
                              "rule '%s' concludes '%s', which is a builtin", ru->label,
                              n->u.rule.head->u.atom.pred.text);
        nm_diag_note(d, NM_SEV_NOTE, NULL, "%s", builtin_note);
    } else if (head.pred >= 0 && body && p->preds[head.pred].mode != NM_PRED_DERIVED) {
        nm_diag *d = nm_error(c->d, n->u.rule.head->u.atom.pred.span, "E-rule-input",
                              "rule '%s' concludes '%s', which is an %s predicate", ru->label,
                              p->preds[head.pred].name,
                              p->preds[head.pred].mode == NM_PRED_OPEN ? "open" : "input");
        nm_diag_note(d, NM_SEV_NOTE, NULL,
                     "input and open predicates get their facts from the program, a case or fact files");
    }

    /* range restriction */
    ivec reported = {0};
    safety s = {&r, &reported};
    int nv = r.names.n;
    bset bound = bs_new(nv);
    if (body) {
        binds(body, bound);
        check_safe(&s, body, bs_new(nv));
    }
    for (int i = 0; i < head.nargs; i++) {
        nm_pexpr *a = head.args[i];
        if (!a)
            continue;
        if (a->kind == NM_E_WILD && head.pred >= 0) {
            nm_error(c->d, a->span, "E-unbound", "'_' cannot stand in the head of a rule");
            continue;
        }
        check_expr_aggs(&s, a, bound);
        require_bound(&s, a, bound, body ? "in the head" : "in a rule without a body");
    }
    if (unless) {
        /* an `unless` sees the head's arguments only (matched by position) */
        bset hb = bs_new(nv);
        bool *in_head = nm_alloc_atomic((size_t)nv + 1);
        memset(in_head, 0, (size_t)nv + 1);
        for (int i = 0; i < head.nargs; i++)
            if (head.args[i])
                vars_of_expr(head.args[i], in_head);
        memcpy(hb.b, in_head, (size_t)nv);
        bool *in_unless = nm_alloc_atomic((size_t)nv + 1);
        memset(in_unless, 0, (size_t)nv + 1);
        vars_of_formula(unless, in_unless);
        bool *in_body = nm_alloc_atomic((size_t)nv + 1);
        memset(in_body, 0, (size_t)nv + 1);
        if (body)
            vars_of_formula(body, in_body);
        for (int v = 0; v < nv; v++)
            if (in_unless[v] && in_body[v] && !in_head[v] && !iv_get(&reported, v)) {
                iv_set(&reported, v, 1);
                nm_span at = n->u.rule.unless->span;
                find_var_span(unless, v, &at);
                nm_diag *d = nm_error(c->d, at, "E-unless-var",
                                      "variable '%s' of 'unless' is bound by the body, but an exception sees only the head",
                                      (const char *)r.names.items[v]);
                nm_diag_note(d, NM_SEV_HELP, NULL,
                             "add '%s' to the head, or write 'and not (…)' in the body",
                             (const char *)r.names.items[v]);
            }
        check_safe(&s, unless, hb);
        int u = ri + 1;
        nm_prule *ur = &p->rules[u];
        ur->cites = ru->cites;
        ur->ncites = ru->ncites;
        ur->from = ru->from;
        ur->until = ru->until;
        ur->eff_from = ru->eff_from;
        ur->eff_until = ru->eff_until;
        ur->head = head;
        ur->head_negated = !ru->head_negated;
        ur->body = unless;
        ur->excepts = nm_alloc_atomic(sizeof(int));
        ur->excepts[0] = ri;
        ur->nexcepts = 1;
    }
    rule_singletons(c, &r, &reported);

    ru->nvars = nv;
    ru->var_names = nm_alloc(sizeof(char *) * (size_t)(nv + 1));
    ru->var_types = nm_alloc_atomic(sizeof(int) * (size_t)(nv + 1));
    for (int v = 0; v < nv; v++) {
        ru->var_names[v] = r.names.items[v];
        ru->var_types[v] = iv_get(&r.types, v);
    }
    if (unless) {
        p->rules[ri + 1].nvars = nv;
        p->rules[ri + 1].var_names = ru->var_names;
        p->rules[ri + 1].var_types = ru->var_types;
    }
    rule_ctx_done(c, &r);
}

static void check_exceptions(checker *c)
{
    nm_program *p = c->p;
    nm_vec *exc_of = nm_alloc(sizeof(nm_vec) * (size_t)(p->nrules + 1));   /* target -> ids */
    for (int ri = 0; ri < p->nrules; ri++) {
        nm_prule *ru = &p->rules[ri];
        if (ru->block_only) {
            nm_vec_push(&exc_of[ru->unless_of], (void *)(intptr_t)ri);
            continue;
        }
        nm_node *n = c->rule_nodes.items[ri];
        ivec ex = {0};
        for (int i = 0; i < n->u.rule.nexc; i++) {
            const nm_ident *t = &n->u.rule.exception_to[i];
            int ti = sym_get(&c->rules, t->text);
            if (ti < 0) {
                nm_diag *d = nm_error(c->d, t->span, "E-unknown-rule", "unknown rule '%s'", t->text);
                suggest s;
                sg_init(&s, t->text);
                for (int k = 0; k < p->nrules; k++)
                    if (!p->rules[k].block_only)
                        sg_offer(&s, p->rules[k].label);
                sg_help(&s, d, "");
                continue;
            }
            if (ti == ri) {
                nm_error(c->d, t->span, "E-exception-self", "rule '%s' cannot be an exception to itself",
                         t->text);
                continue;
            }
            visible_or_report(c, ru->module, p->rules[ti].module, t->span, t->text);
            int hp = ru->head.pred, tp = p->rules[ti].head.pred;
            if (hp >= 0 && tp >= 0 && hp != tp) {
                nm_diag *d = nm_error(c->d, n->u.rule.head->u.atom.pred.span, "E-exception-head",
                                      "exception '%s' concludes '%s', but the rule '%s' it excepts concludes '%s'",
                                      ru->label, p->preds[hp].name, t->text, p->preds[tp].name);
                nm_diag_note(d, NM_SEV_NOTE, &p->rules[ti].head.span, "'%s' concludes this", t->text);
                continue;
            }
            iv_push(&ex, ti);
            nm_vec_push(&exc_of[ti], (void *)(intptr_t)ri);
        }
        ru->excepts = iv_copy(&ex);
        ru->nexcepts = ex.n;
    }
    for (int ri = 0; ri < p->nrules; ri++) {
        ivec v = {0};
        for (int i = 0; i < exc_of[ri].n; i++)
            iv_push(&v, (int)(intptr_t)exc_of[ri].items[i]);
        /* declaration order */
        for (int i = 1; i < v.n; i++)
            for (int j = i; j > 0 && v.v[j - 1] > v.v[j]; j--) {
                int t = v.v[j];
                v.v[j] = v.v[j - 1];
                v.v[j - 1] = t;
            }
        p->rules[ri].exceptions = iv_copy(&v);
        p->rules[ri].nexceptions = v.n;
    }
    for (int ri = 0; ri < p->nrules; ri++) {
        int hp = p->rules[ri].head.pred;
        if (hp < 0 || p->rules[ri].block_only)
            continue;
        nm_ppred *pr = &p->preds[hp];
        int *nr = nm_alloc_atomic(sizeof(int) * (size_t)(pr->nrules + 1));
        if (pr->nrules)
            memcpy(nr, pr->rules, sizeof(int) * (size_t)pr->nrules);
        nr[pr->nrules++] = ri;
        pr->rules = nr;
    }
}

/* ---- pass 6: cases ------------------------------------------------------------------ */

static void check_cases(checker *c)
{
    nm_program *p = c->p;
    for (int ci = 0; ci < p->ncases; ci++) {
        nm_node *n = c->case_nodes.items[ci];
        int m = p->cases[ci].module;
        p->cases[ci].title = n->u.casedecl.title;
        p->cases[ci].ref = n->u.casedecl.ref;
        p->cases[ci].decided = check_date(c, &n->u.casedecl.decided);
        /* entities were declared by declare_individuals: a case's facts may name
         * entities declared below them */
        ivec ents = c->case_ents[ci], facts = {0};
        int cap_o = 0, cap_e = 0;
        nm_pcase *cs = &p->cases[ci];
        for (int i = 0; i < n->u.casedecl.items.n; i++) {
            nm_node *it = n->u.casedecl.items.items[i];
            switch (it->kind) {
            case NM_N_FACT:
            case NM_N_FOUND:
                iv_push(&facts, check_fact(c, it, m, ci));
                break;
            case NM_N_PARAM: {
                const nm_ident *name = &it->u.param.name;
                int pi = sym_get(&c->params, name->text);
                if (pi < 0) {
                    nm_diag *d = nm_error(c->d, name->span, "E-unknown-param",
                                          "unknown parameter '%s'", name->text);
                    suggest s;
                    sg_init(&s, name->text);
                    for (int k = 0; k < p->nparams; k++)
                        sg_offer(&s, p->params[k].name);
                    sg_help(&s, d, "");
                    rctx r = ground_ctx(c, m, ci, "parameter value");
                    resolve_expr(&r, it->u.param.value, -1);
                    break;
                }
                visible_or_report(c, m, p->params[pi].module, name->span, name->text);
                bool dupe = false;
                for (int k = 0; k < cs->noverrides && !dupe; k++)
                    if (cs->overrides[k].param == pi) {
                        dup_error(c, name->span, cs->overrides[k].span, "override of", name->text);
                        dupe = true;
                    }
                if (dupe)
                    break;
                int k = PUSH(cs->overrides, cs->noverrides, cap_o);
                cs->overrides[k].param = pi;
                cs->overrides[k].span = name->span;
                cs->overrides[k].value = param_value(c, it->u.param.value, p->params[pi].type, m,
                                                     ci, name->text);
                break;
            }
            case NM_N_EXPECT: {
                rctx r = ground_ctx(c, m, ci, "expectation");
                r.allow_wild = true;
                int k = PUSH(cs->expects, cs->nexpects, cap_e);
                nm_pexpect *ex = &cs->expects[k];
                ex->what = it->u.expect.what;
                ex->span = it->span;
                resolve_atom(&r, it->u.expect.atom, NULL, &ex->atom);
                if (it->u.expect.by) {
                    ex->by = nm_alloc(sizeof *ex->by);
                    resolve_cite(c, it->u.expect.by, m, ex->by);
                }
                ex->explained = it->u.expect.explained;
                ex->explained_span = it->u.expect.explained_span;
                ex->lang = it->u.expect.lang.text && *it->u.expect.lang.text ? it->u.expect.lang.text
                                                                             : NULL;
                break;
            }
            default:
                break;
            }
        }
        cs = &p->cases[ci];
        cs->entities = iv_copy(&ents);
        cs->nentities = ents.n;
        cs->facts = iv_copy(&facts);
        cs->nfacts = facts.n;
    }
}

/* ---- pass 7: strata ([check.strata]) ------------------------------------------------ */

typedef enum edge_kind { EDGE_POS, EDGE_NEG, EDGE_AGG, EDGE_EXCEPT } edge_kind;

typedef struct edge {
    int from, to;
    edge_kind kind;
    nm_agg_op agg;
    nm_span span;
} edge;

typedef struct graph {
    edge *e;
    int n, cap;
    ivec *out;      /* per predicate: edge indexes */
} graph;

static void add_edge(graph *g, int from, int to, edge_kind kind, nm_agg_op agg, nm_span span)
{
    if (from < NM_BUILTIN__COUNT || to < NM_BUILTIN__COUNT)
        return;     /* unknown predicates (-1) and builtins (no edges, [check.strata]) */
    int k = PUSH(g->e, g->n, g->cap);
    g->e[k] = (edge){from, to, kind, agg, span};
    iv_push(&g->out[from], k);
}

static void edges_of_formula(graph *g, int head, const nm_pformula *f, edge_kind kind, nm_agg_op agg);

static void edges_of_expr(graph *g, int head, const nm_pexpr *e, edge_kind kind, nm_agg_op agg)
{
    switch (e->kind) {
    case NM_E_ARITH:
        edges_of_expr(g, head, e->u.arith.lhs, kind, agg);
        edges_of_expr(g, head, e->u.arith.rhs, kind, agg);
        return;
    case NM_E_NEG:
        edges_of_expr(g, head, e->u.neg, kind, agg);
        return;
    case NM_E_AGG:
        if (e->u.agg->body)
            edges_of_formula(g, head, e->u.agg->body, kind == EDGE_POS ? EDGE_AGG : kind,
                             kind == EDGE_POS ? e->u.agg->op : agg);
        return;
    default:
        return;
    }
}

static void edges_of_formula(graph *g, int head, const nm_pformula *f, edge_kind kind, nm_agg_op agg)
{
    switch (f->kind) {
    case NM_F_ATOM:
        add_edge(g, head, f->u.atom.pred, kind, agg, f->span);
        for (int i = 0; i < f->u.atom.nargs; i++)
            if (f->u.atom.args[i])
                edges_of_expr(g, head, f->u.atom.args[i], kind, agg);
        return;
    case NM_F_AND: case NM_F_OR:
        edges_of_formula(g, head, f->u.bin.lhs, kind, agg);
        edges_of_formula(g, head, f->u.bin.rhs, kind, agg);
        return;
    case NM_F_NOT: {
        /* keep the span of the whole `not …` on the edge of a negated atom */
        const nm_pformula *o = f->u.operand;
        edge_kind k = kind == EDGE_POS ? EDGE_NEG : kind;
        if (o->kind == NM_F_ATOM) {
            add_edge(g, head, o->u.atom.pred, k, agg, f->span);
            for (int i = 0; i < o->u.atom.nargs; i++)
                if (o->u.atom.args[i])
                    edges_of_expr(g, head, o->u.atom.args[i], kind, agg);
        } else {
            edges_of_formula(g, head, o, k, agg);
        }
        return;
    }
    case NM_F_CMP:
        edges_of_expr(g, head, f->u.cmp.lhs, kind, agg);
        edges_of_expr(g, head, f->u.cmp.rhs, kind, agg);
        return;
    default:
        return;
    }
}

typedef struct tarjan {
    graph *g;
    int *index, *low, *stack, *comp;
    bool *on;
    int top, counter, ncomp;
} tarjan;

static void strongconnect(tarjan *t, int v)
{
    t->index[v] = t->low[v] = t->counter++;
    t->stack[t->top++] = v;
    t->on[v] = true;
    for (int i = 0; i < t->g->out[v].n; i++) {
        int w = t->g->e[t->g->out[v].v[i]].to;
        if (t->index[w] < 0) {
            strongconnect(t, w);
            if (t->low[w] < t->low[v])
                t->low[v] = t->low[w];
        } else if (t->on[w] && t->index[w] < t->low[v]) {
            t->low[v] = t->index[w];
        }
    }
    if (t->low[v] == t->index[v]) {
        int w;
        do {
            w = t->stack[--t->top];
            t->on[w] = false;
            t->comp[w] = t->ncomp;
        } while (w != v);
        t->ncomp++;
    }
}

static const char *edge_step(checker *c, const edge *e)
{
    static const char *aggname[] = {"count", "sum", "min", "max"};
    const char *to = c->p->preds[e->to].name;
    switch (e->kind) {
    case EDGE_NEG: return nm_sprintf(" -> not %s", to);
    case EDGE_AGG: return nm_sprintf(" -> %s %s", aggname[e->agg], to);
    case EDGE_EXCEPT: return nm_sprintf(" -> except %s", to);
    default: return nm_sprintf(" -> %s", to);
    }
}

/* Reports the cycle through the non-monotone edge `bad` (within one component). */
static void report_cycle(checker *c, graph *g, const int *comp, int bad)
{
    nm_program *p = c->p;
    const edge *b = &g->e[bad];
    int np = p->npreds;
    int *via = nm_alloc_atomic(sizeof(int) * (size_t)(np + 1));
    for (int i = 0; i < np; i++)
        via[i] = -1;
    int *queue = nm_alloc_atomic(sizeof(int) * (size_t)(np + 1));
    int qh = 0, qt = 0;
    queue[qt++] = b->to;
    via[b->to] = -2;
    while (qh < qt && via[b->from] == -1) {
        int v = queue[qh++];
        for (int i = 0; i < g->out[v].n; i++) {
            const edge *e = &g->e[g->out[v].v[i]];
            if (comp[e->to] != comp[b->from] || via[e->to] != -1)
                continue;
            via[e->to] = g->out[v].v[i];
            queue[qt++] = e->to;
        }
    }
    if (b->to == b->from)
        via[b->from] = -2;
    /* the path b->to ... b->from, collected backwards */
    ivec path = {0};
    for (int v = b->from; via[v] >= 0; v = g->e[via[v]].from)
        iv_push(&path, via[v]);
    nm_buf text = {0};
    nm_buf_puts(&text, p->preds[b->from].name);
    nm_buf_puts(&text, edge_step(c, b));
    for (int i = path.n - 1; i >= 0; i--)
        nm_buf_puts(&text, edge_step(c, &g->e[path.v[i]]));
    static const char *why[] = {"", "negation", "an aggregate", "an exception"};
    nm_diag *d = nm_error(c->d, b->span, "E-strata", "cycle through %s: %s", why[b->kind],
                          nm_buf_str(&text));
    for (int i = path.n - 1; i >= 0; i--) {
        const edge *e = &g->e[path.v[i]];
        nm_diag_note(d, NM_SEV_NOTE, &e->span, "'%s' depends on '%s' here", p->preds[e->from].name,
                     p->preds[e->to].name);
    }
}

static void check_strata(checker *c)
{
    nm_program *p = c->p;
    int np = p->npreds;
    graph g = {0};
    g.out = nm_alloc(sizeof(ivec) * (size_t)(np + 1));
    for (int ri = 0; ri < p->nrules; ri++) {
        const nm_prule *ru = &p->rules[ri];
        int h = ru->head.pred;
        if (ru->block_only) {
            /* the parent depends on what blocks it */
            int ph = p->rules[ru->unless_of].head.pred;
            if (ru->body)
                edges_of_formula(&g, ph, ru->body, EDGE_EXCEPT, NM_AGG_COUNT);
            continue;
        }
        if (ru->body)
            edges_of_formula(&g, h, ru->body, EDGE_POS, NM_AGG_COUNT);
        for (int i = 0; i < ru->head.nargs; i++)
            if (ru->head.args[i])
                edges_of_expr(&g, h, ru->head.args[i], EDGE_POS, NM_AGG_COUNT);
        for (int i = 0; i < ru->nexcepts; i++) {
            int th = p->rules[ru->excepts[i]].head.pred;
            if (ru->body)
                edges_of_formula(&g, th, ru->body, EDGE_EXCEPT, NM_AGG_COUNT);
        }
    }
    tarjan t = {0};
    t.g = &g;
    t.index = nm_alloc_atomic(sizeof(int) * (size_t)(np + 1));
    t.low = nm_alloc_atomic(sizeof(int) * (size_t)(np + 1));
    t.stack = nm_alloc_atomic(sizeof(int) * (size_t)(np + 1));
    t.comp = nm_alloc_atomic(sizeof(int) * (size_t)(np + 1));
    t.on = nm_alloc_atomic((size_t)np + 1);
    for (int i = 0; i < np; i++) {
        t.index[i] = -1;
        t.on[i] = false;
    }
    for (int i = 0; i < np; i++)
        if (t.index[i] < 0)
            strongconnect(&t, i);
    /* one error per component that a non-monotone edge closes */
    bool *reported = nm_alloc_atomic((size_t)t.ncomp + 1);
    memset(reported, 0, (size_t)t.ncomp + 1);
    bool *recursive = nm_alloc_atomic((size_t)t.ncomp + 1);
    memset(recursive, 0, (size_t)t.ncomp + 1);
    for (int i = 0; i < g.n; i++) {
        const edge *e = &g.e[i];
        if (t.comp[e->from] != t.comp[e->to])
            continue;
        recursive[t.comp[e->from]] = true;
        if (e->kind != EDGE_POS && !reported[t.comp[e->from]]) {
            reported[t.comp[e->from]] = true;
            report_cycle(c, &g, t.comp, i);
        }
    }
    /* components come out of Tarjan's algorithm dependencies first: evaluation order */
    int cap = 0;
    int *stratum_of = nm_alloc_atomic(sizeof(int) * (size_t)(t.ncomp + 1));
    for (int k = 0; k < t.ncomp; k++)
        stratum_of[k] = -1;
    /* the derived predicates of each component, in declaration order: a counting sort
     * by component (why: a scan of every predicate per component was quadratic) */
    int *first = nm_alloc_atomic(sizeof(int) * (size_t)(t.ncomp + 1));
    memset(first, 0, sizeof(int) * (size_t)(t.ncomp + 1));
    for (int i = 0; i < np; i++)
        if (p->preds[i].mode == NM_PRED_DERIVED)
            first[t.comp[i] + 1]++;
    for (int k = 0; k < t.ncomp; k++)
        first[k + 1] += first[k];
    int *by_comp = nm_alloc_atomic(sizeof(int) * (size_t)(first[t.ncomp] + 1));
    int *fill = nm_alloc_atomic(sizeof(int) * (size_t)(t.ncomp + 1));
    memcpy(fill, first, sizeof(int) * (size_t)(t.ncomp + 1));
    for (int i = 0; i < np; i++)
        if (p->preds[i].mode == NM_PRED_DERIVED)
            by_comp[fill[t.comp[i]]++] = i;
    for (int k = 0; k < t.ncomp; k++) {
        ivec members = {by_comp + first[k], first[k + 1] - first[k], 0};
        if (!members.n)
            continue;
        int s = PUSH(p->strata, p->nstrata, cap);
        p->strata[s].preds = iv_copy(&members);
        p->strata[s].npreds = members.n;
        p->strata[s].recursive = recursive[k];
        for (int i = 0; i < members.n; i++)
            p->preds[members.v[i]].stratum = s;
    }
}

/* ---- pass 8: unused declarations ([check.unused]) ----------------------------------- */

static void check_unused(checker *c)
{
    if (c->opt.no_unused_warnings)
        return;
    nm_program *p = c->p;
    for (int t = NM_TY__BUILTINS; t < p->ntypes; t++)
        if (c->is_root[p->types[t].module] && !iv_get(&c->type_used, t))
            nm_warning(c->d, p->types[t].span, "W-unused", "type '%s' is declared but never used",
                       p->types[t].name);
    for (int i = 0; i < p->npreds; i++) {
        const nm_ppred *pr = &p->preds[i];
        if (pr->origin == NM_ORIGIN_BUILTIN || !c->is_root[pr->module] ||
            iv_get(&c->pred_used, i) || pr->mode == NM_PRED_DERIVED)
            continue;
        nm_warning(c->d, pr->span, "W-unused", "%s '%s' is declared but never used",
                   pred_kind_word(pr->origin), pr->name);
    }
    for (int i = 0; i < p->nparams; i++)
        if (c->is_root[p->params[i].module] && !iv_get(&c->param_used, i))
            nm_warning(c->d, p->params[i].span, "W-unused", "parameter '%s' is declared but never used",
                       p->params[i].name);
    for (int i = 0; i < p->nconsts; i++) {
        const nm_pconst *k = &p->consts[i];
        if (k->kind == NM_CONST_ENTITY && !k->implicit && k->type != NM_TY_ERROR &&
            c->is_root[k->module] && !iv_get(&c->const_used, i))
            nm_warning(c->d, k->span, "W-unused", "entity '%s' is declared but never used", k->name);
    }
}

/* ---- entry points ------------------------------------------------------------------- */

nm_program *nm_check_with(nm_ast_file **files, int nfiles, nm_diags *diags,
                          const nm_check_options *opt)
{
    checker *c = nm_alloc(sizeof *c);
    c->d = diags;
    if (opt)
        c->opt = *opt;
    c->p = nm_alloc(sizeof *c->p);
    c->files = files;
    c->nfiles = nfiles;
    if (c->opt.after_syntax_errors)
        c->opt.no_unused_warnings = c->opt.no_singleton_warnings = true;

    check_modules(c);
    add_builtins(c);
    add_builtin_preds(c);
    declare_all(c);
    check_sources(c);
    check_signatures(c);
    declare_individuals(c);
    check_params(c);
    check_collections(c);
    for (int f = 0; f < nfiles; f++)
        for (int i = 0; i < files[f]->decls.n; i++) {
            nm_node *n = files[f]->decls.items[i];
            if (n->kind == NM_N_FACT || n->kind == NM_N_FOUND)
                check_fact(c, n, f, -1);
        }
    for (int ri = 0; ri < c->p->nrules; ri++)
        check_rule(c, ri);
    check_exceptions(c);
    check_cases(c);
    check_strata(c);
    check_unused(c);
    return nm_diags_errors(diags) ? NULL : c->p;
}

nm_program *nm_check(nm_ast_file **files, int nfiles, nm_diags *diags)
{
    return nm_check_with(files, nfiles, diags, NULL);
}

/* ---- program look-ups and dump ------------------------------------------------------ */

int nm_program_pred(const nm_program *p, const char *name)
{
    for (int i = 0; i < p->npreds; i++)
        if (strcmp(p->preds[i].name, name) == 0 ||
            (p->preds[i].alias && strcmp(p->preds[i].alias, name) == 0))
            return i;
    return -1;
}

int nm_program_type(const nm_program *p, const char *name)
{
    for (int i = 1; i < p->ntypes; i++)
        if (strcmp(p->types[i].name, name) == 0)
            return i;
    return -1;
}

int nm_program_const(const nm_program *p, const char *name)
{
    for (int i = 0; i < p->nconsts; i++)
        if (p->consts[i].case_id == -1 && strcmp(p->consts[i].name, name) == 0)
            return i;
    return -1;
}

int nm_program_param(const nm_program *p, const char *name)
{
    for (int i = 0; i < p->nparams; i++)
        if (strcmp(p->params[i].name, name) == 0)
            return i;
    return -1;
}

int nm_program_rule(const nm_program *p, const char *label)
{
    for (int i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].label, label) == 0)
            return i;
    return -1;
}

int nm_program_source(const nm_program *p, const char *name)
{
    for (int i = 0; i < p->nsources; i++)
        if (strcmp(p->sources[i].name, name) == 0)
            return i;
    return -1;
}

static void dump_expr(const nm_program *p, const nm_prule *r, const nm_pexpr *e, nm_buf *b);
static void dump_formula(const nm_program *p, const nm_prule *r, const nm_pformula *f, nm_buf *b);

static void dump_atom(const nm_program *p, const nm_prule *r, const nm_patom *a, nm_buf *b)
{
    nm_buf_printf(b, "%s(", a->pred >= 0 ? p->preds[a->pred].name : "?");
    for (int i = 0; i < a->nargs; i++) {
        if (i)
            nm_buf_puts(b, ", ");
        dump_expr(p, r, a->args[i], b);
    }
    nm_buf_putc(b, ')');
}

static void dump_expr(const nm_program *p, const nm_prule *r, const nm_pexpr *e, nm_buf *b)
{
    static const char *aggname[] = {"count", "sum", "min", "max"};
    static const char *units[] = {"days", "weeks", "months", "years"};
    if (!e) {
        nm_buf_puts(b, "?");
        return;
    }
    if (e->kind == NM_E_RULE) {
        nm_buf_printf(b, "rule:%s", p->rules[e->u.rule].label);
        return;
    }
    switch (e->kind) {
    case NM_E_VAR:
        nm_buf_printf(b, "$%d:%s", e->u.var, r && e->u.var < r->nvars ? r->var_names[e->u.var] : "");
        return;
    case NM_E_CONST: nm_buf_puts(b, p->consts[e->u.cst].name); return;
    case NM_E_PARAM: nm_buf_printf(b, "param:%s", p->params[e->u.param].name); return;
    case NM_E_WILD: nm_buf_puts(b, "_"); return;
    case NM_E_LIT:
        switch (e->u.lit.kind) {
        case NM_LIT_INT: nm_buf_printf(b, "%lld", (long long)e->u.lit.i); return;
        case NM_LIT_DECIMAL: nm_buf_puts(b, e->u.lit.text); return;
        case NM_LIT_TEXT: nm_buf_printf(b, "\"%s\"", e->u.lit.text); return;
        case NM_LIT_BOOL: nm_buf_puts(b, e->u.lit.b ? "true" : "false"); return;
        case NM_LIT_DATE:
            nm_buf_printf(b, "%04d-%02d-%02d", e->u.lit.date.y, e->u.lit.date.m, e->u.lit.date.d);
            return;
        case NM_LIT_DURATION:
            nm_buf_printf(b, "%lld %s", (long long)e->u.lit.i, units[e->u.lit.unit]);
            return;
        case NM_LIT_CITE:
            nm_buf_printf(b, "[%s]", e->u.lit.cite.cite ? e->u.lit.cite.cite->source : "?");
            return;
        }
        return;
    case NM_E_ARITH:
        nm_buf_putc(b, '(');
        dump_expr(p, r, e->u.arith.lhs, b);
        nm_buf_printf(b, " %s ", nm_op_text(e->u.arith.op));
        dump_expr(p, r, e->u.arith.rhs, b);
        nm_buf_putc(b, ')');
        return;
    case NM_E_NEG:
        nm_buf_puts(b, "-");
        dump_expr(p, r, e->u.neg, b);
        return;
    case NM_E_AGG: {
        const nm_pagg *a = e->u.agg;
        nm_buf_printf(b, "%s(", aggname[a->op]);
        for (int i = 0; i < a->nterms; i++) {
            if (i)
                nm_buf_puts(b, ", ");
            dump_expr(p, r, a->terms[i], b);
        }
        nm_buf_puts(b, " for ");
        if (a->body)
            dump_formula(p, r, a->body, b);
        nm_buf_puts(b, " group [");
        for (int i = 0; i < a->ngroup; i++)
            nm_buf_printf(b, "%s$%d", i ? " " : "", a->group_vars[i]);
        nm_buf_puts(b, "])");
        return;
    }
    }
}

static void dump_formula(const nm_program *p, const nm_prule *r, const nm_pformula *f, nm_buf *b)
{
    static const char *how[] = {"of", "after", "before"};
    switch (f->kind) {
    case NM_F_ATOM: dump_atom(p, r, &f->u.atom, b); return;
    case NM_F_AND: case NM_F_OR:
        nm_buf_putc(b, '(');
        dump_formula(p, r, f->u.bin.lhs, b);
        nm_buf_puts(b, f->kind == NM_F_AND ? " and " : " or ");
        dump_formula(p, r, f->u.bin.rhs, b);
        nm_buf_putc(b, ')');
        return;
    case NM_F_NOT:
        nm_buf_puts(b, "not ");
        dump_formula(p, r, f->u.operand, b);
        return;
    case NM_F_CMP:
        dump_expr(p, r, f->u.cmp.lhs, b);
        nm_buf_printf(b, " %s ", nm_op_text(f->u.cmp.op));
        dump_expr(p, r, f->u.cmp.rhs, b);
        return;
    case NM_F_INSET:
        dump_expr(p, r, f->u.inset.elem, b);
        nm_buf_puts(b, " in {");
        for (int i = 0; i < f->u.inset.nitems; i++) {
            if (i)
                nm_buf_puts(b, ", ");
            dump_expr(p, r, f->u.inset.items[i], b);
        }
        nm_buf_putc(b, '}');
        return;
    case NM_F_WITHIN:
        dump_expr(p, r, f->u.within.lhs, b);
        nm_buf_puts(b, " within ");
        dump_expr(p, r, f->u.within.dur, b);
        nm_buf_printf(b, " %s ", how[f->u.within.how]);
        dump_expr(p, r, f->u.within.rhs, b);
        return;
    }
}

void nm_program_dump(const nm_program *p, nm_buf *out)
{
    static const char *modes[] = {"derived", "input", "open"};
    for (int t = NM_TY__BUILTINS; t < p->ntypes; t++) {
        const nm_ptype *ty = &p->types[t];
        if (ty->kind == NM_TY_ENTITY_DECL) {
            nm_buf_printf(out, "type %s entity", ty->name);
            for (int i = 0; i < ty->nindividuals; i++)
                nm_buf_printf(out, "%s%s", i ? ", " : ": ", p->consts[ty->individuals[i]].name);
            nm_buf_putc(out, '\n');
            continue;
        }
        nm_buf_printf(out, "type %s %s", ty->name, ty->kind == NM_TY_TIERS ? "tiers" : "enum");
        for (int i = 0; i < ty->nmembers; i++)
            nm_buf_printf(out, "%s%s", i ? (ty->kind == NM_TY_TIERS ? " < " : ", ") : " ",
                          p->consts[ty->members[i]].name);
        nm_buf_putc(out, '\n');
    }
    for (int i = 0; i < p->nconsts; i++)
        if (p->consts[i].kind == NM_CONST_ENTITY)
            nm_buf_printf(out, "entity %s: %s%s%s\n", p->consts[i].name,
                          p->types[p->consts[i].type].name,
                          p->consts[i].implicit ? " implicit" : "",
                          p->consts[i].case_id >= 0 ? nm_sprintf(" (case %s)", p->cases[p->consts[i].case_id].name) : "");
    for (int i = 0; i < p->nparams; i++) {
        nm_buf_printf(out, "param %s: %s = ", p->params[i].name, p->types[p->params[i].type].name);
        dump_expr(p, NULL, p->params[i].value, out);
        nm_buf_putc(out, '\n');
    }
    for (int i = NM_BUILTIN__COUNT; i < p->npreds; i++) {   /* builtins are always there */
        const nm_ppred *pr = &p->preds[i];
        nm_buf_printf(out, "pred %s(", pr->name);
        for (int k = 0; k < pr->arity; k++)
            nm_buf_printf(out, "%s%s", k ? ", " : "", p->types[pr->arg_types[k]].name);
        nm_buf_printf(out, ") %s", modes[pr->mode]);
        if (pr->origin != NM_ORIGIN_PRED)
            nm_buf_printf(out, " %s", pred_kind_word(pr->origin));
        if (pr->presumed_false)
            nm_buf_puts(out, " presumed-false");
        if (pr->stratum >= 0)
            nm_buf_printf(out, " stratum %d", pr->stratum);
        nm_buf_putc(out, '\n');
    }
    for (int i = 0; i < p->nfacts; i++) {
        const nm_pfact *f = &p->facts[i];
        nm_buf_puts(out, "fact ");
        if (f->found)
            nm_buf_puts(out, "found ");
        if (f->negated)
            nm_buf_puts(out, "not ");
        dump_atom(p, NULL, &f->atom, out);
        if (f->case_id >= 0)
            nm_buf_printf(out, " (case %s)", p->cases[f->case_id].name);
        nm_buf_putc(out, '\n');
    }
    for (int i = 0; i < p->nrules; i++) {
        const nm_prule *r = &p->rules[i];
        nm_buf_printf(out, "rule %s: %s", r->label, r->block_only ? "blocks " : "");
        if (r->head_negated)
            nm_buf_puts(out, "not ");
        dump_atom(p, r, &r->head, out);
        if (r->body) {
            nm_buf_puts(out, " if ");
            dump_formula(p, r, r->body, out);
        }
        for (int k = 0; k < r->nexcepts; k++)
            nm_buf_printf(out, "%s%s", k ? ", " : " except-to ", p->rules[r->excepts[k]].label);
        nm_buf_putc(out, '\n');
    }
    for (int s = 0; s < p->nstrata; s++) {
        nm_buf_printf(out, "stratum %d%s:", s, p->strata[s].recursive ? " recursive" : "");
        for (int i = 0; i < p->strata[s].npreds; i++)
            nm_buf_printf(out, " %s", p->preds[p->strata[s].preds[i]].name);
        nm_buf_putc(out, '\n');
    }
    for (int i = 0; i < p->ncases; i++) {
        const nm_pcase *cs = &p->cases[i];
        nm_buf_printf(out, "case %s: %d facts, %d overrides, %d expects\n", cs->name, cs->nfacts,
                      cs->noverrides, cs->nexpects);
    }
}
