/* gen.c — the differential tester's program generator (tests/diff, see README.md).
 * `norma_diffgen SEED OUTDIR [COUNT]` writes a random small stratified program over
 * one enum type twice: OUTDIR/prog.norma (Norma) and OUTDIR/prog.lp (clingo), which
 * must have the same model. With COUNT, writes OUTDIR/<seed>/prog.* for the seeds
 * SEED .. SEED+COUNT-1. Output depends only on the seed (own PRNG, no rand()). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- PRNG: splitmix64 ----------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static int rnd(int n)
{
    return n <= 1 ? 0 : (int)(rng_next() % (uint64_t)n);
}

/* Uniform in [lo, hi]. */
static int range(int lo, int hi)
{
    return lo + rnd(hi - lo + 1);
}

/* True with probability pct percent. */
static bool chance(int pct)
{
    return rnd(100) < pct;
}

/* Whether a feature is on: $DIFFGEN_SKIP lists features to leave out, separated by
 * commas (unless, or, notconj, in, agg, minmax, sum, arith, not, except), e.g. to go on
 * testing around a known bug. */
static bool feature(const char *name)
{
    const char *skip = getenv("DIFFGEN_SKIP");
    size_t n = strlen(name);
    for (const char *p = skip; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return false;
        p = end ? end + 1 : p + len;
    }
    return true;
}

/* ---- string buffers ---------------------------------------------------------------- */

typedef struct sb {
    char *s;
    size_t n, cap;
} sb;

static void sb_vprintf(sb *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (b->n + (size_t)len + 1 > b->cap) {
        b->cap = (b->n + (size_t)len + 1) * 2 + 64;
        b->s = realloc(b->s, b->cap);
        if (!b->s) {
            perror("norma_diffgen");
            exit(2);
        }
    }
    vsnprintf(b->s + b->n, (size_t)len + 1, fmt, ap);
    b->n += (size_t)len;
}

static void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

static const char *sb_str(sb *b)
{
    if (!b->s)
        sb_printf(b, "%s", "");
    return b->s;
}

static void sb_clear(sb *b)
{
    b->n = 0;
    if (b->s)
        b->s[0] = 0;
}

/* ---- the program model ------------------------------------------------------------- */

enum { T_D, T_INT };

#define MAX_PREDS 12
#define MAX_VARS 32
#define MAX_LITS 16

typedef struct pred {
    char name[16];
    int arity;
    int ty[2];
    bool input;
    int level;              /* 0 for inputs */
} pred;

static pred preds[MAX_PREDS];
static int npreds, ndom;

/* One literal, in both languages. */
typedef struct lit {
    sb norma, lp;
} lit;

/* The variables of the rule being generated. */
typedef struct var {
    int ty;
    int kind;               /* V_ATOM: bound by an outer positive atom; V_AGG: the
                               result of an aggregate; V_LOCAL: local to an aggregate */
} var;
enum { V_ATOM, V_AGG, V_LOCAL, V_BRANCH, V_DEAD };
/* V_BRANCH: local to one branch of `or` or to `not (A and B)`; V_DEAD: out of scope
 * (a finished aggregate's or branch's local) */

typedef struct rulegen {
    var vars[MAX_VARS];
    int nvars;
    lit lits[MAX_LITS];
    int nlits;
    sb aux;                 /* clingo facts of set literals and aux rules */
    bool disj;              /* a disjunction: clingo gets one rule per branch */
    sb disj_lp[2];
} rulegen;

static int nsets;           /* set literals so far (clingo aux predicates) */
static int naux;            /* negated conjunctions so far (clingo aux predicates) */

static int new_var(rulegen *g, int ty, int kind)
{
    if (g->nvars == MAX_VARS)
        return -1;
    g->vars[g->nvars] = (var){ty, kind};
    return g->nvars++;
}

/* A random variable of type ty and kind, or -1. */
static int pick_var(const rulegen *g, int ty, int kind)
{
    int c[MAX_VARS], n = 0;
    for (int i = 0; i < g->nvars; i++)
        if (g->vars[i].ty == ty && g->vars[i].kind == kind)
            c[n++] = i;
    return n ? c[rnd(n)] : -1;
}

static lit *new_lit(rulegen *g)
{
    if (g->nlits == MAX_LITS)
        return NULL;
    lit *l = &g->lits[g->nlits++];
    sb_clear(&l->norma);
    sb_clear(&l->lp);
    return l;
}

static bool touched[MAX_VARS];    /* variables written since the last reset */

static void put_var(sb *norma, sb *lp, int v)
{
    touched[v] = true;
    sb_printf(norma, "x%d", v);
    sb_printf(lp, "X%d", v);
}

static int small_int(void)
{
    return range(-3, 9);
}

/* ---- atoms --------------------------------------------------------------------------- */

/* Chooses a predicate among inputs and derived predicates of level <= maxlevel (or
 * < maxlevel when strict), and, when only_int, with an int argument. -1 if none. */
static int pick_pred(int maxlevel, bool strict, bool only_int)
{
    int c[MAX_PREDS], n = 0;
    for (int i = 0; i < npreds; i++) {
        const pred *p = &preds[i];
        if (strict ? p->level >= maxlevel : p->level > maxlevel)
            continue;
        if (only_int && !(p->arity == 2 && p->ty[1] == T_INT))
            continue;
        c[n++] = i;
    }
    return n ? c[rnd(n)] : -1;
}

/* How an argument of a positive atom is chosen. */
typedef struct argmode {
    int kind;               /* the kind of the new variables */
    bool groups;            /* inside an aggregate: may use outer (V_ATOM) variables */
} argmode;

/* Writes a positive atom of predicate pi: arguments join on existing variables,
 * bind new ones, or are constants or `_`. */
static void gen_atom(rulegen *g, int pi, argmode m, sb *norma, sb *lp)
{
    const pred *p = &preds[pi];
    sb_printf(norma, "%s(", p->name);
    sb_printf(lp, "%s", p->name);
    if (p->arity)
        sb_printf(lp, "(");
    for (int a = 0; a < p->arity; a++) {
        if (a) {
            sb_printf(norma, ", ");
            sb_printf(lp, ",");
        }
        int ty = p->ty[a];
        int r = rnd(100), v = -1;
        if (r < 45) {
            v = pick_var(g, ty, m.kind);
            if (v < 0 && m.groups)
                v = pick_var(g, ty, V_ATOM);
        } else if (r < 55 && m.groups) {
            v = pick_var(g, ty, V_ATOM);
        }
        if (v < 0 && r < 88)
            v = new_var(g, ty, m.kind);
        if (v >= 0) {
            put_var(norma, lp, v);
        } else if (r < 95) {
            if (ty == T_D) {
                int c = rnd(ndom);
                sb_printf(norma, "c%d", c);
                sb_printf(lp, "c%d", c);
            } else {
                int c = small_int();
                sb_printf(norma, "%d", c);
                sb_printf(lp, "%d", c);
            }
        } else {
            sb_printf(norma, "_");
            sb_printf(lp, "_");
        }
    }
    sb_printf(norma, ")");
    if (p->arity)
        sb_printf(lp, ")");
}

/* Writes `not q(...)` over a predicate strictly below maxlevel; its variables are
 * bound ones of kind k1 or k2 (k2 < 0: none), else constants or `_`. */
static bool gen_not(rulegen *g, int maxlevel, int k1, int k2, sb *norma, sb *lp)
{
    int pi = pick_pred(maxlevel, true, false);
    if (pi < 0)
        return false;
    const pred *p = &preds[pi];
    sb_printf(norma, "not %s(", p->name);
    sb_printf(lp, "not %s", p->name);
    if (p->arity)
        sb_printf(lp, "(");
    for (int a = 0; a < p->arity; a++) {
        if (a) {
            sb_printf(norma, ", ");
            sb_printf(lp, ",");
        }
        int ty = p->ty[a], r = rnd(100), v = -1;
        if (r < 75) {
            v = pick_var(g, ty, k1);
            if ((v < 0 || chance(30)) && k2 >= 0) {
                int w = pick_var(g, ty, k2);
                if (w >= 0)
                    v = w;
            }
        }
        if (v >= 0) {
            put_var(norma, lp, v);
        } else if (r < 88) {
            if (ty == T_D) {
                int c = rnd(ndom);
                sb_printf(norma, "c%d", c);
                sb_printf(lp, "c%d", c);
            } else {
                int c = small_int();
                sb_printf(norma, "%d", c);
                sb_printf(lp, "%d", c);
            }
        } else {
            sb_printf(norma, "_");
            sb_printf(lp, "_");
        }
    }
    sb_printf(norma, ")");
    if (p->arity)
        sb_printf(lp, ")");
    return true;
}

static const char *const cmp_norma[] = {"=", "!=", "<", "<=", ">", ">="};
static const char *const cmp_lp[] = {"=", "!=", "<", "<=", ">", ">="};

/* Writes a comparison over bound variables of kind k1 or k2: `x != y`, `x = c1`
 * for enum members (never ordered), any comparison for ints. */
static bool gen_cmp(rulegen *g, int k1, int k2, sb *norma, sb *lp)
{
    int ty = chance(50) ? T_D : T_INT;
    int a = pick_var(g, ty, k1);
    if (a < 0 && k2 >= 0)
        a = pick_var(g, ty, k2);
    if (a < 0) {
        ty = 1 - ty;
        a = pick_var(g, ty, k1);
        if (a < 0 && k2 >= 0)
            a = pick_var(g, ty, k2);
    }
    if (a < 0)
        return false;
    int b = chance(50) ? pick_var(g, ty, k1) : k2 >= 0 ? pick_var(g, ty, k2) : -1;
    if (b == a)
        b = -1;
    static const int int_ops[] = {1, 1, 2, 3, 3, 4, 5, 5, 0};
    int op = ty == T_D ? (chance(80) ? 1 : 0) : int_ops[rnd(9)];
    put_var(norma, lp, a);
    sb_printf(norma, " %s ", cmp_norma[op]);
    sb_printf(lp, "%s", cmp_lp[op]);
    if (b >= 0) {
        if (ty == T_INT && chance(20)) {
            int c = range(-2, 3);
            put_var(norma, lp, b);
            sb_printf(norma, " + %d", c);
            sb_printf(lp, "+%d", c);
        } else {
            put_var(norma, lp, b);
        }
    } else if (ty == T_D) {
        int c = rnd(ndom);
        sb_printf(norma, "c%d", c);
        sb_printf(lp, "c%d", c);
    } else {
        int c = range(-1, 4);
        sb_printf(norma, "%d", c);
        sb_printf(lp, "%d", c);
    }
    return true;
}

/* Writes `x in {c1, c3}` for a new or bound enum variable; clingo reads an aux
 * predicate holding the set. */
static void gen_in(rulegen *g, int kind, sb *norma, sb *lp)
{
    int v = chance(50) ? pick_var(g, T_D, kind) : -1;
    if (v < 0)
        v = new_var(g, T_D, kind);
    if (v < 0)
        return;
    int id = nsets++;
    sb_printf(norma, "x%d in {", v);
    sb_printf(lp, "set%d(X%d)", id, v);
    int n = 0;
    for (int c = 0; c < ndom; c++)
        if (chance(45) || (n == 0 && c == ndom - 1)) {
            sb_printf(norma, "%sc%d", n++ ? ", " : "", c);
            sb_printf(&g->aux, "set%d(c%d).\n", id, c);
        }
    sb_printf(norma, "}");
}

/* ---- aggregates ---------------------------------------------------------------------- */

enum { A_COUNT, A_SUM, A_MIN, A_MAX };

/* Writes an aggregate over predicates strictly below `level` into norma/lp (just the
 * aggregate, e.g. `count(x3 for a0(x1, x3))` / `#count{X3:a0(X1,X3)}`). Sets *kind.
 * Returns false when no aggregate could be built. */
static bool gen_agg(rulegen *g, int level, int want, int *kind, sb *norma, sb *lp)
{
    int first_local = g->nvars;
    sb bn = {0}, bl = {0};
    int natoms = chance(60) ? 1 : 2;
    bool need_int = want != A_COUNT;
    argmode m = {V_LOCAL, true};
    for (int i = 0; i < natoms; i++) {
        int pi = pick_pred(level, true, need_int && i == 0);
        if (pi < 0) {
            if (i == 0 && need_int) {
                need_int = false;
                want = A_COUNT;
                pi = pick_pred(level, true, false);
            }
            if (pi < 0)
                return false;
        }
        if (i) {
            sb_printf(&bn, " and ");
            sb_printf(&bl, ", ");
        }
        gen_atom(g, pi, m, &bn, &bl);
    }
    int nlocal = g->nvars - first_local;
    if (nlocal == 0) {
        g->nvars = first_local;
        free(bn.s);
        free(bl.s);
        return false;
    }
    if (chance(20)) {
        sb tn = {0}, tl = {0};
        if (gen_not(g, level, V_LOCAL, V_ATOM, &tn, &tl)) {
            sb_printf(&bn, " and %s", sb_str(&tn));
            sb_printf(&bl, ", %s", sb_str(&tl));
        }
        free(tn.s);
        free(tl.s);
    }
    if (chance(15)) {
        sb tn = {0}, tl = {0};
        if (gen_cmp(g, V_LOCAL, V_ATOM, &tn, &tl)) {
            sb_printf(&bn, " and %s", sb_str(&tn));
            sb_printf(&bl, ", %s", sb_str(&tl));
        }
        free(tn.s);
        free(tl.s);
    }
    int ints[MAX_VARS], nints = 0;
    for (int v = first_local; v < g->nvars; v++)
        if (g->vars[v].ty == T_INT)
            ints[nints++] = v;
    if (want != A_COUNT && nints == 0)
        want = A_COUNT;
    *kind = want;
    static const char *const nn[] = {"count", "sum", "min", "max"};
    static const char *const ln[] = {"#count", "#sum", "#min", "#max"};
    sb_printf(norma, "%s(", nn[want]);
    sb_printf(lp, "%s{", ln[want]);
    if (want == A_COUNT) {
        /* count: one or two of the local variables; the clingo tuple is the same */
        int k1 = first_local + rnd(nlocal);
        int k2 = nlocal > 1 && chance(25) ? first_local + rnd(nlocal) : -1;
        if (k2 == k1)
            k2 = -1;
        put_var(norma, lp, k1);
        if (k2 >= 0) {
            sb_printf(norma, ", ");
            sb_printf(lp, ",");
            put_var(norma, lp, k2);
        }
    } else {
        /* sum/min/max over the distinct tuples of all named local variables */
        int val = ints[rnd(nints)];
        put_var(norma, lp, val);
        for (int v = first_local; v < g->nvars; v++)
            if (v != val) {
                sb_printf(lp, ",");
                sb_printf(lp, "X%d", v);
            }
    }
    for (int v = first_local; v < g->nvars; v++)
        g->vars[v].kind = V_DEAD;
    sb_printf(norma, " for %s)", sb_str(&bn));
    sb_printf(lp, ":%s}", sb_str(&bl));
    free(bn.s);
    free(bl.s);
    return true;
}

/* Adds an aggregate literal. With bind, `k = AGG` binds a new int variable (returned);
 * else `AGG OP c` (count and sum only). Returns the bound variable or -1. */
static int add_agg(rulegen *g, int level, bool bind)
{
    int r = rnd(100);
    int want = r < 55 ? A_COUNT : r < 80 ? A_SUM : r < 90 ? A_MIN : A_MAX;
    if ((want == A_SUM && !feature("sum")) || (want >= A_MIN && !feature("minmax")))
        want = A_COUNT;
    if (!bind && want >= A_MIN)
        want = A_COUNT;
    lit *l = new_lit(g);
    if (!l)
        return -1;
    sb an = {0}, al = {0};
    int kind;
    if (!gen_agg(g, level, want, &kind, &an, &al)) {
        g->nlits--;
        return -1;
    }
    int res = -1;
    if (bind) {
        res = new_var(g, T_INT, V_AGG);
        if (res < 0) {
            g->nlits--;
            free(an.s);
            free(al.s);
            return -1;
        }
        sb_printf(&l->norma, "x%d = %s", res, sb_str(&an));
        sb_printf(&l->lp, "X%d = %s", res, sb_str(&al));
        /* clingo binds #sup/#inf for an empty min/max; Norma binds nothing */
        if (kind == A_MIN)
            sb_printf(&l->lp, ", X%d < #sup", res);
        else if (kind == A_MAX)
            sb_printf(&l->lp, ", X%d > #inf", res);
    } else {
        int op = chance(50) ? 5 : rnd(6);
        int c = kind == A_COUNT ? range(0, 3) : range(-2, 8);
        sb_printf(&l->norma, "%s %s %d", sb_str(&an), cmp_norma[op], c);
        sb_printf(&l->lp, "%s %s %d", sb_str(&al), cmp_lp[op], c);
    }
    free(an.s);
    free(al.s);
    return res;
}

/* Marks every variable of kind `from` as `to`. */
static void rekind(rulegen *g, int from, int to)
{
    for (int v = 0; v < g->nvars; v++)
        if (g->vars[v].kind == from)
            g->vars[v].kind = to;
}

/* A disjunction of two branches as one literal, `(B1 or B2)`; clingo gets one rule
 * per branch (g->disj_lp). Either both branches are atoms with the same arguments
 * (so both bind the same new variables) or each branch binds only variables local to
 * it. Sets *recursive when a branch reads a predicate of the head's level. */
static void gen_disj(rulegen *g, int level, bool base, bool *recursive)
{
    lit *l = new_lit(g);
    if (!l)
        return;
    sb_clear(&g->disj_lp[0]);
    sb_clear(&g->disj_lp[1]);
    int p1 = pick_pred(level, base, false);
    int p2 = -1;
    if (chance(50)) {
        int c[MAX_PREDS], n = 0;
        for (int i = 0; i < npreds; i++)
            if (i != p1 && preds[i].arity == preds[p1].arity && preds[i].ty[0] == preds[p1].ty[0] &&
                preds[i].ty[1] == preds[p1].ty[1] && (base ? preds[i].level < level : preds[i].level <= level))
                c[n++] = i;
        p2 = n ? c[rnd(n)] : -1;
    }
    sb_printf(&l->norma, "(");
    if (p2 >= 0) {
        sb an = {0}, al = {0};
        argmode m = {V_ATOM, false};
        gen_atom(g, p1, m, &an, &al);
        const char *argn = strchr(sb_str(&an), '('), *argl = strchr(sb_str(&al), '(');
        sb_printf(&l->norma, "%s or %s%s", sb_str(&an), preds[p2].name, argn);
        sb_printf(&g->disj_lp[0], "%s", sb_str(&al));
        sb_printf(&g->disj_lp[1], "%s%s", preds[p2].name, argl ? argl : "");
        free(an.s);
        free(al.s);
    } else {
        argmode m = {V_BRANCH, true};
        for (int b = 0; b < 2; b++) {
            int pi = b ? pick_pred(level, base, false) : p1;
            if (b)
                sb_printf(&l->norma, " or ");
            gen_atom(g, pi, m, &l->norma, &g->disj_lp[b]);
            p2 = pi;
            if (chance(25)) {
                sb tn = {0}, tl = {0};
                if (gen_cmp(g, V_BRANCH, V_ATOM, &tn, &tl)) {
                    sb_printf(&l->norma, " and %s", sb_str(&tn));
                    sb_printf(&g->disj_lp[b], ", %s", sb_str(&tl));
                }
                free(tn.s);
                free(tl.s);
            }
            rekind(g, V_BRANCH, V_DEAD);
        }
    }
    sb_printf(&l->norma, ")");
    for (int i = 0; i < 2; i++) {
        int pi = i ? p2 : p1;
        if (!preds[pi].input && preds[pi].level == level)
            *recursive = true;
    }
    /* the literal itself has no clingo text: it is in disj_lp */
    g->disj = true;
}

/* `not (A and B)` over predicates strictly below level: variables bound outside are
 * fixed, the others are local ("there is no ..."). clingo reads an aux predicate
 * over the outer variables. */
static void gen_not_conj(rulegen *g, int level)
{
    lit *l = new_lit(g);
    if (!l)
        return;
    int id = naux++;
    memset(touched, 0, sizeof touched);
    sb bl = {0};
    argmode m = {V_BRANCH, true};
    sb_printf(&l->norma, "not (");
    int n = range(2, 3);
    for (int i = 0; i < n; i++) {
        int pi = pick_pred(level, true, false);
        if (i) {
            sb_printf(&l->norma, " and ");
            sb_printf(&bl, ", ");
        }
        gen_atom(g, pi, m, &l->norma, &bl);
    }
    sb_printf(&l->norma, ")");
    sb head = {0};
    sb_printf(&head, "nc%d", id);
    int k = 0;
    for (int v = 0; v < g->nvars; v++)
        if (touched[v] && g->vars[v].kind == V_ATOM)
            sb_printf(&head, "%sX%d", k++ ? "," : "(", v);
    if (k)
        sb_printf(&head, ")");
    sb_printf(&g->aux, "%s :- %s.\n", sb_str(&head), sb_str(&bl));
    sb_printf(&l->lp, "not %s", sb_str(&head));
    rekind(g, V_BRANCH, V_DEAD);
    free(bl.s);
    free(head.s);
}

/* ---- rules --------------------------------------------------------------------------- */

static int nrules;

/* Generates one rule for derived predicate hi. base: only inputs and lower levels
 * in positive atoms (a non-recursive rule that seeds the predicate). blk: the clingo
 * predicate of an exception to this rule (it gets `not blk(head args)`), or NULL. */
static void gen_rule(sb *norma, sb *lp, int hi, bool base, const char *blk)
{
    static rulegen g;
    const pred *h = &preds[hi];
    g.nvars = 0;
    g.nlits = 0;
    g.disj = false;
    sb_clear(&g.aux);
    int natoms = range(1, 3);
    bool recursive = false;
    argmode m = {V_ATOM, false};
    for (int i = 0; i < natoms; i++) {
        int pi = pick_pred(h->level, base, false);
        if (pi < 0)
            pi = pick_pred(h->level, true, false);
        if (!preds[pi].input && preds[pi].level == h->level)
            recursive = true;
        lit *l = new_lit(&g);
        gen_atom(&g, pi, m, &l->norma, &l->lp);
    }
    if (chance(12) && feature("in")) {
        lit *l = new_lit(&g);
        gen_in(&g, V_ATOM, &l->norma, &l->lp);
    }
    if (chance(12) && feature("or"))
        gen_disj(&g, h->level, base, &recursive);
    if (chance(10) && feature("notconj"))
        gen_not_conj(&g, h->level);
    int nnot = chance(45) && feature("not") ? (chance(25) ? 2 : 1) : 0;
    for (int i = 0; i < nnot; i++) {
        lit *l = new_lit(&g);
        if (!gen_not(&g, h->level, V_ATOM, -1, &l->norma, &l->lp))
            g.nlits--;
    }
    /* aggregates: a bound result, a direct comparison, or both */
    int aggvar = -1;
    bool need_int = false;
    for (int a = 0; a < h->arity; a++)
        if (h->ty[a] == T_INT && pick_var(&g, T_INT, V_ATOM) < 0)
            need_int = true;
    if ((need_int ? chance(85) : chance(25)) && feature("agg"))
        aggvar = add_agg(&g, h->level, true);
    if (chance(15) && feature("agg"))
        add_agg(&g, h->level, false);
    int ncmp = chance(40) ? (chance(30) ? 2 : 1) : 0;
    for (int i = 0; i < ncmp; i++) {
        lit *l = new_lit(&g);
        if (!gen_cmp(&g, chance(50) ? V_AGG : V_ATOM, V_ATOM, &l->norma, &l->lp))
            g.nlits--;
    }

    /* head: bound variables of the right type, else constants */
    sb hn = {0}, hl = {0};
    sb_printf(&hn, "%s(", h->name);
    sb_printf(&hl, "%s", h->name);
    if (h->arity)
        sb_printf(&hl, "(");
    int used = -1;
    int hvars[2], nhvars = 0;       /* plain variables of the head (for `unless`) */
    for (int a = 0; a < h->arity; a++) {
        if (a) {
            sb_printf(&hn, ", ");
            sb_printf(&hl, ",");
        }
        if (h->ty[a] == T_D) {
            int v = chance(92) ? pick_var(&g, T_D, V_ATOM) : -1;
            if (v == used && chance(70))
                v = pick_var(&g, T_D, V_ATOM);
            if (v >= 0) {
                put_var(&hn, &hl, v);
                used = v;
                hvars[nhvars++] = v;
            } else {
                int c = rnd(ndom);
                sb_printf(&hn, "c%d", c);
                sb_printf(&hl, "c%d", c);
            }
        } else {
            int v = aggvar >= 0 && chance(80) ? aggvar : pick_var(&g, T_INT, V_ATOM);
            if (v < 0)
                v = aggvar;
            if (v >= 0) {
                put_var(&hn, &hl, v);
                /* arithmetic only in rules that do not recurse, so values stay finite */
                if (!recursive && chance(20) && feature("arith")) {
                    int c = range(-2, 3);
                    int op = rnd(2);
                    sb_printf(&hn, " %s %d", op ? "*" : "+", c);
                    sb_printf(&hl, "%s%d", op ? "*" : "+", c);
                } else {
                    hvars[nhvars++] = v;
                }
            } else {
                int c = small_int();
                sb_printf(&hn, "%d", c);
                sb_printf(&hl, "%d", c);
            }
        }
    }
    sb_printf(&hn, ")");
    if (h->arity)
        sb_printf(&hl, ")");

    /* `unless q(...)` over a lower predicate and the head's variables; for clingo
     * (all its variables are in the head) it is `not q(...)` */
    sb un = {0}, ul = {0};
    int qi = chance(10) && feature("unless") ? pick_pred(h->level, true, false) : -1;
    if (qi >= 0) {
        const pred *q = &preds[qi];
        sb_printf(&un, " unless %s(", q->name);
        sb_printf(&ul, "not %s%s", q->name, q->arity ? "(" : "");
        for (int a = 0; a < q->arity; a++) {
            int c[2], n = 0;
            for (int i = 0; i < nhvars; i++)
                if (g.vars[hvars[i]].ty == q->ty[a])
                    c[n++] = hvars[i];
            sb_printf(&un, "%s", a ? ", " : "");
            sb_printf(&ul, "%s", a ? "," : "");
            int r = rnd(100);
            if (n && r < 75) {
                put_var(&un, &ul, c[rnd(n)]);
            } else if (r < 90) {
                int k = q->ty[a] == T_D ? rnd(ndom) : small_int();
                sb_printf(&un, q->ty[a] == T_D ? "c%d" : "%d", k);
                sb_printf(&ul, q->ty[a] == T_D ? "c%d" : "%d", k);
            } else {
                sb_printf(&un, "_");
                sb_printf(&ul, "_");
            }
        }
        sb_printf(&un, ")");
        if (q->arity)
            sb_printf(&ul, ")");
    }

    /* Norma: literals in a shuffled order (the order of conditions does not matter) */
    int order[MAX_LITS];
    for (int i = 0; i < g.nlits; i++)
        order[i] = i;
    if (chance(50))
        for (int i = g.nlits - 1; i > 0; i--) {
            int j = rnd(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    int id = nrules++;
    sb_printf(norma, "rule r%d: %s if ", id, sb_str(&hn));
    for (int i = 0; i < g.nlits; i++)
        sb_printf(norma, "%s%s", i ? " and " : "", sb_str(&g.lits[order[i]].norma));
    sb_printf(norma, "%s\n", sb_str(&un));
    sb_printf(lp, "%s", sb_str(&g.aux));
    for (int b = 0; b < (g.disj ? 2 : 1); b++) {
        sb_printf(lp, "%s :- ", sb_str(&hl));
        int k = 0;
        for (int i = 0; i < g.nlits; i++)
            if (g.lits[i].lp.n)
                sb_printf(lp, "%s%s", k++ ? ", " : "", sb_str(&g.lits[i].lp));
        if (g.disj)
            sb_printf(lp, "%s%s", k++ ? ", " : "", sb_str(&g.disj_lp[b]));
        if (ul.n)
            sb_printf(lp, "%s%s", k++ ? ", " : "", sb_str(&ul));
        if (blk) {
            const char *args = strchr(sb_str(&hl), '(');
            sb_printf(lp, "%snot %s%s", k++ ? ", " : "", blk, args ? args : "");
        }
        sb_printf(lp, ".  %% r%d\n", id);
    }
    free(hn.s);
    free(hl.s);
    free(un.s);
    free(ul.s);
}

/* Generates `rule rN exception to rA, …: [not] HEAD if BODY` for derived predicate
 * hi, over predicates of lower levels. targets[k] says whether rule first+k is
 * excepted. clingo: blk(u) :- body (and, for a positive head, p(u) :- body). */
static void gen_exception(sb *norma, sb *lp, int hi, bool neg, int first, int n,
                          const bool *targets, const char *blk)
{
    static rulegen g;
    const pred *h = &preds[hi];
    g.nvars = 0;
    g.nlits = 0;
    sb bn = {0}, bl = {0}, hn = {0}, hl = {0};
    argmode m = {V_ATOM, false};
    int natoms = range(1, 2);
    for (int i = 0; i < natoms; i++) {
        if (i) {
            sb_printf(&bn, " and ");
            sb_printf(&bl, ", ");
        }
        gen_atom(&g, pick_pred(h->level, true, false), m, &bn, &bl);
    }
    if (chance(30)) {
        sb tn = {0}, tl = {0};
        if (gen_not(&g, h->level, V_ATOM, -1, &tn, &tl)) {
            sb_printf(&bn, " and %s", sb_str(&tn));
            sb_printf(&bl, ", %s", sb_str(&tl));
        }
        free(tn.s);
        free(tl.s);
    }
    for (int a = 0; a < h->arity; a++) {
        sb_printf(&hn, "%s", a ? ", " : "");
        sb_printf(&hl, "%s", a ? "," : "");
        int v = chance(85) ? pick_var(&g, h->ty[a], V_ATOM) : -1;
        if (v >= 0) {
            put_var(&hn, &hl, v);
        } else {
            int c = h->ty[a] == T_D ? rnd(ndom) : small_int();
            sb_printf(&hn, h->ty[a] == T_D ? "c%d" : "%d", c);
            sb_printf(&hl, h->ty[a] == T_D ? "c%d" : "%d", c);
        }
    }
    int id = nrules++;
    sb_printf(norma, "rule r%d exception to ", id);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (targets[i])
            sb_printf(norma, "%sr%d", k++ ? ", " : "", first + i);
    sb_printf(norma, ": %s%s(%s) if %s\n", neg ? "not " : "", h->name, sb_str(&hn), sb_str(&bn));
    const char *open = h->arity ? "(" : "", *close = h->arity ? ")" : "";
    sb_printf(lp, "%s%s%s%s :- %s.  %% r%d\n", blk, open, sb_str(&hl), close, sb_str(&bl), id);
    if (!neg)
        sb_printf(lp, "%s%s%s%s :- %s.  %% r%d\n", h->name, open, sb_str(&hl), close, sb_str(&bl), id);
    free(bn.s);
    free(bl.s);
    free(hn.s);
    free(hl.s);
}

/* ---- programs ------------------------------------------------------------------------ */

static const char *type_name(int ty)
{
    return ty == T_D ? "D" : "int";
}

static void gen_program(uint64_t seed, sb *norma, sb *lp)
{
    rng_state = seed * 0x2545F4914F6CDD1DULL + 0x1234567ULL;
    for (int i = 0; i < 4; i++)
        rng_next();
    npreds = 0;
    nrules = 0;
    nsets = 0;
    naux = 0;
    ndom = range(3, 6);
    int nin = range(2, 4), nder = range(3, 6), nlev = range(1, 3);
    int nint_in = 0;
    for (int i = 0; i < nin; i++) {
        pred *p = &preds[npreds++];
        snprintf(p->name, sizeof p->name, "a%d", i);
        p->input = true;
        p->level = 0;
        p->arity = chance(40) ? 1 : 2;
        p->ty[0] = p->ty[1] = T_D;
        if (p->arity == 2 && nint_in < 2 && chance(40)) {
            p->ty[1] = T_INT;
            nint_in++;
        }
    }
    for (int i = 0; i < nder; i++) {
        pred *p = &preds[npreds++];
        snprintf(p->name, sizeof p->name, "p%d", i);
        p->input = false;
        /* levels 1..nlev, every level used at least once when there are enough */
        p->level = i < nlev ? i + 1 : range(1, nlev);
        int r = rnd(100);
        p->arity = r < 4 ? 0 : r < 40 ? 1 : 2;
        p->ty[0] = p->ty[1] = T_D;
        if (p->arity == 2 && chance(30))
            p->ty[1] = T_INT;
    }
    /* declaration order of derived predicates is shuffled: levels are not in order */
    for (int i = npreds - 1; i > nin; i--) {
        int j = nin + rnd(i - nin + 1);
        pred t = preds[i];
        preds[i] = preds[j];
        preds[j] = t;
    }

    sb_printf(norma, "# norma_diffgen seed %" PRIu64 "\n", seed);
    sb_printf(lp, "%% norma_diffgen seed %" PRIu64 "\n", seed);
    sb_printf(norma, "type D = enum { ");
    for (int c = 0; c < ndom; c++)
        sb_printf(norma, "%sc%d", c ? ", " : "", c);
    sb_printf(norma, " }\n");
    for (int i = 0; i < npreds; i++) {
        const pred *p = &preds[i];
        if (p->arity == 0)
            sb_printf(norma, "pred %s", p->name);
        else if (p->arity == 1)
            sb_printf(norma, "pred %s(x: %s)", p->name, type_name(p->ty[0]));
        else
            sb_printf(norma, "pred %s(x: %s, y: %s)", p->name, type_name(p->ty[0]),
                      type_name(p->ty[1]));
        sb_printf(norma, "%s", p->input ? " input" : "");
        if (!p->input)
            sb_printf(norma, "   # level %d", p->level);
        sb_printf(norma, "\n");
    }
    /* facts */
    for (int i = 0; i < npreds; i++) {
        const pred *p = &preds[i];
        if (!p->input)
            continue;
        int density = range(25, 70);
        for (int x = 0; x < ndom; x++) {
            if (p->arity == 1) {
                if (chance(density)) {
                    sb_printf(norma, "%s(c%d)\n", p->name, x);
                    sb_printf(lp, "%s(c%d).\n", p->name, x);
                }
            } else if (p->ty[1] == T_INT) {
                int n = range(0, 3) - (chance(30) ? 1 : 0);
                for (int k = 0; k < n; k++) {
                    int v = small_int();
                    sb_printf(norma, "%s(c%d, %d)\n", p->name, x, v);
                    sb_printf(lp, "%s(c%d,%d).\n", p->name, x, v);
                }
            } else {
                for (int y = 0; y < ndom; y++)
                    if (chance(density * 2 / 3)) {
                        sb_printf(norma, "%s(c%d, c%d)\n", p->name, x, y);
                        sb_printf(lp, "%s(c%d,c%d).\n", p->name, x, y);
                    }
            }
        }
    }
    /* rules: every derived predicate has a seeding rule and up to two more */
    for (int i = 0; i < npreds; i++) {
        if (preds[i].input)
            continue;
        int n = range(1, 3), first = nrules;
        /* sometimes an exception: a negative one to every rule of the predicate (so
         * nothing conflicts), a positive one to some of them */
        bool exc = chance(15) && feature("except"), neg = chance(60), targets[3];
        char blk[16];
        snprintf(blk, sizeof blk, "blk%d", i);
        int k0 = rnd(n);
        for (int k = 0; k < n; k++)
            targets[k] = exc && (neg || k == k0 || chance(50));
        for (int k = 0; k < n; k++)
            gen_rule(norma, lp, i, k == 0 && chance(80), targets[k] ? blk : NULL);
        if (exc)
            gen_exception(norma, lp, i, neg, first, n, targets, blk);
    }
    for (int i = 0; i < npreds; i++)
        if (!preds[i].input)
            sb_printf(lp, "#show %s/%d.\n", preds[i].name, preds[i].arity);
}

static void write_file(const char *dir, const char *name, const sb *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(b->s, 1, b->n, f) != b->n || fclose(f) != 0) {
        fprintf(stderr, "norma_diffgen: cannot write %s: %s\n", path, strerror(errno));
        exit(2);
    }
}

static void make_dir(const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "norma_diffgen: cannot create %s: %s\n", dir, strerror(errno));
        exit(2);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: norma_diffgen SEED OUTDIR [COUNT]\n");
        return 2;
    }
    char *end;
    errno = 0;
    uint64_t seed = strtoull(argv[1], &end, 10);
    if (errno || *end || !*argv[1]) {
        fprintf(stderr, "norma_diffgen: bad seed '%s'\n", argv[1]);
        return 2;
    }
    long count = 0;
    if (argc == 4) {
        count = strtol(argv[3], &end, 10);
        if (*end || count < 1) {
            fprintf(stderr, "norma_diffgen: bad count '%s'\n", argv[3]);
            return 2;
        }
    }
    make_dir(argv[2]);
    sb norma = {0}, lp = {0};
    for (long i = 0; i < (count ? count : 1); i++) {
        sb_clear(&norma);
        sb_clear(&lp);
        gen_program(seed + (uint64_t)i, &norma, &lp);
        char dir[4096];
        if (count) {
            snprintf(dir, sizeof dir, "%s/%" PRIu64, argv[2], seed + (uint64_t)i);
            make_dir(dir);
        } else {
            snprintf(dir, sizeof dir, "%s", argv[2]);
        }
        write_file(dir, "prog.norma", &norma);
        write_file(dir, "prog.lp", &lp);
    }
    free(norma.s);
    free(lp.s);
    return 0;
}
