/* gen.c — program generator of the three-valued soundness check (tests/three, see
 * README.md). `norma_threegen SEED OUTDIR [COUNT]` writes a random small program with
 * open predicates twice: OUTDIR/prog.norma (Norma) and OUTDIR/prog.lp (clingo, each
 * open atom a choice, stated atoms as constraints), so that clingo's answer sets are
 * the completions of the unknown facts. With COUNT, writes OUTDIR/<seed>/prog.* for
 * seeds SEED .. SEED+COUNT-1. Output depends only on the seed (own PRNG). */
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

static int rnd(int n) { return n <= 1 ? 0 : (int)(rng_next() % (uint64_t)n); }
static int range(int lo, int hi) { return lo + rnd(hi - lo + 1); }
static bool chance(int pct) { return rnd(100) < pct; }

/* ---- two outputs written side by side ----------------------------------------------- */

static FILE *nf, *lf;   /* prog.norma, prog.lp */

static void N(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(nf, fmt, ap);
    va_end(ap);
}

static void L(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(lf, fmt, ap);
    va_end(ap);
}

/* ---- the program ------------------------------------------------------------------- */

enum kind { INPUT, OPEN, DERIVED };

typedef struct pred {
    char name[16];
    enum kind kind;
    int arity;      /* 1 or 2 */
    int level;      /* 0 for input and open predicates, 1..3 for derived ones */
} pred;

#define MAXP 16
static pred preds[MAXP];
static int npreds, ndom;

/* A term: a variable (0..2: x, y, z; 3: the aggregate's local w), a constant, or `_`. */
typedef struct term {
    int var;        /* -1: constant; -2: wildcard */
    int cst;
} term;

static const char *vn[] = {"x", "y", "z", "w"};
static const char *vl[] = {"X", "Y", "Z", "W"};

static void put_term(term t, bool lp)
{
    if (t.var >= 0)
        (lp ? L : N)("%s", lp ? vl[t.var] : vn[t.var]);
    else if (t.var == -2)
        (lp ? L : N)("_");
    else
        (lp ? L : N)("c%d", t.cst);
}

static void put_atom(const pred *p, const term *t, bool lp)
{
    (lp ? L : N)("%s(", p->name);
    for (int i = 0; i < p->arity; i++) {
        if (i)
            (lp ? L : N)(", ");
        put_term(t[i], lp);
    }
    (lp ? L : N)(")");
}

/* A random predicate with level in [lo, hi] (and kind filter), or NULL. */
static const pred *pick(int lo, int hi, bool derived_only)
{
    int cand[MAXP], n = 0;
    for (int i = 0; i < npreds; i++)
        if (preds[i].level >= lo && preds[i].level <= hi &&
            (!derived_only || preds[i].kind == DERIVED))
            cand[n++] = i;
    return n ? &preds[cand[rnd(n)]] : NULL;
}

/* One body literal of a Norma rule and its clingo form, kept as text so that the
 * Norma literals can be shuffled. */
typedef struct lit {
    char norma[256], lp[256];
} lit;

static char *cur;
static size_t curn;
static void S(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(cur, curn, fmt, ap);
    va_end(ap);
    if (k > 0 && (size_t)k < curn) {
        cur += k;
        curn -= (size_t)k;
    }
}

static void s_term(term t, bool lp)
{
    if (t.var >= 0)
        S("%s", lp ? vl[t.var] : vn[t.var]);
    else if (t.var == -2)
        S("_");
    else
        S("c%d", t.cst);
}

static void s_atom(const pred *p, const term *t, bool lp)
{
    S("%s(", p->name);
    for (int i = 0; i < p->arity; i++) {
        if (i)
            S(", ");
        s_term(t[i], lp);
    }
    S(")");
}

/* Random arguments: variables among the first nv, constants, (allow_wild) `_`. */
static void rand_args(const pred *p, term *t, int nv, bool allow_wild, bool *used)
{
    for (int i = 0; i < p->arity; i++) {
        int r = rnd(100);
        if (allow_wild && r < 15) {
            t[i] = (term){-2, 0};
        } else if (r < 30 || nv == 0) {
            t[i] = (term){-1, rnd(ndom)};
        } else {
            t[i] = (term){rnd(nv), 0};
            if (used)
                used[t[i].var] = true;
        }
    }
}

static void gen_rule(const pred *h, int ruleno, bool base)
{
    lit lits[8];
    int nl = 0;
    bool bound[4] = {false};
    int nv = range(1, 3);
    /* positive atoms: at least one; the base rule reads only lower levels */
    int npos = range(1, 3);
    for (int k = 0; k < npos; k++) {
        const pred *q = pick(0, base ? h->level - 1 : h->level, false);
        term t[2];
        rand_args(q, t, nv, k > 0, bound);
        for (int lp = 0; lp < 2; lp++) {
            cur = lp ? lits[nl].lp : lits[nl].norma;
            curn = sizeof lits[nl].lp;
            s_atom(q, t, lp);
        }
        nl++;
    }
    int bv[3], nb = 0;
    for (int v = 0; v < 3; v++)
        if (bound[v])
            bv[nb++] = v;
    /* negation of a lower level: bound variables, constants or `_` */
    if (chance(50)) {
        const pred *q = pick(0, h->level - 1, false);
        term t[2];
        for (int i = 0; i < q->arity; i++) {
            int r = rnd(100);
            t[i] = nb && r < 60 ? (term){bv[rnd(nb)], 0}
                 : r < 80      ? (term){-1, rnd(ndom)}
                               : (term){-2, 0};
        }
        for (int lp = 0; lp < 2; lp++) {
            cur = lp ? lits[nl].lp : lits[nl].norma;
            curn = sizeof lits[nl].lp;
            S("not ");
            s_atom(q, t, lp);
        }
        nl++;
    }
    /* a comparison on bound variables */
    if (nb && chance(25)) {
        int a = bv[rnd(nb)];
        bool two = nb > 1 && chance(50);
        int b = two ? bv[rnd(nb)] : rnd(ndom);
        for (int lp = 0; lp < 2; lp++) {
            cur = lp ? lits[nl].lp : lits[nl].norma;
            curn = sizeof lits[nl].lp;
            if (two)
                S("%s != %s", lp ? vl[a] : vn[a], lp ? vl[b] : vn[b]);
            else
                S("%s != c%d", lp ? vl[a] : vn[a], b);
        }
        nl++;
    }
    /* a count threshold over lower levels: count(w for q(.., w, ..) [and r(..)]) op k,
     * the other arguments bound variables (group variables) or constants */
    if (chance(45)) {
        const pred *q = pick(0, h->level - 1, false);
        const pred *r2 = chance(50) ? pick(0, h->level - 1, false) : NULL;
        term t[2], u[2];
        int wpos = rnd(q->arity);
        for (int i = 0; i < q->arity; i++)
            t[i] = i == wpos ? (term){3, 0}
                 : nb && chance(60) ? (term){bv[rnd(nb)], 0}
                                    : (term){-1, rnd(ndom)};
        if (r2)
            for (int i = 0; i < r2->arity; i++)
                u[i] = chance(60) ? (term){3, 0}
                     : nb && chance(50) ? (term){bv[rnd(nb)], 0}
                                        : (term){-1, rnd(ndom)};
        bool neg2 = r2 && chance(30);
        bool le = chance(35);
        int k = range(1, 3);
        for (int lp = 0; lp < 2; lp++) {
            cur = lp ? lits[nl].lp : lits[nl].norma;
            curn = sizeof lits[nl].lp;
            S(lp ? "#count{ W : " : "count(w for ");
            s_atom(q, t, lp);
            if (r2) {
                S(lp ? ", %s" : " and %s", neg2 ? "not " : "");
                s_atom(r2, u, lp);
            }
            S(lp ? " } %s %d" : ") %s %d", le ? "<=" : ">=", k);
        }
        nl++;
    }
    /* head: bound variables or constants */
    term ht[2];
    for (int i = 0; i < h->arity; i++)
        ht[i] = nb && chance(85) ? (term){bv[rnd(nb)], 0} : (term){-1, rnd(ndom)};
    /* Norma, literals shuffled (the positive atoms stay first: a negation or count
     * needs its variables bound somewhere, which any order gives) */
    int order[8];
    for (int i = 0; i < nl; i++)
        order[i] = i;
    for (int i = nl - 1; i > 0; i--) {
        int j = rnd(i + 1), x = order[i];
        order[i] = order[j];
        order[j] = x;
    }
    N("rule r%d: ", ruleno);
    put_atom(h, ht, false);
    N(" if ");
    for (int i = 0; i < nl; i++)
        N("%s%s", i ? " and " : "", lits[order[i]].norma);
    N("\n");
    put_atom(h, ht, true);
    L(" :- ");
    for (int i = 0; i < nl; i++)
        L("%s%s", i ? ", " : "", lits[i].lp);
    L(".\n");
}

static void gen(uint64_t seed)
{
    rng_state = seed * 0x2545F4914F6CDD1DULL + 17;
    ndom = range(3, 4);
    npreds = 0;
    int ninput = range(1, 2), nopen = range(1, 2), nder = range(3, 5);
    for (int i = 0; i < ninput; i++)
        preds[npreds++] = (pred){.kind = INPUT, .arity = range(1, 2), .level = 0};
    for (int i = 0; i < nopen; i++)
        preds[npreds++] = (pred){.kind = OPEN, .arity = range(1, 2), .level = 0};
    for (int i = 0; i < nder; i++)
        preds[npreds++] = (pred){.kind = DERIVED, .arity = range(1, 2),
                                 .level = i == 0 ? 1 : range(1, 3)};
    int ni = 0, no = 0, nd = 0;
    for (int i = 0; i < npreds; i++) {
        pred *p = &preds[i];
        snprintf(p->name, sizeof p->name, "%c%d", p->kind == INPUT ? 'i' : p->kind == OPEN ? 'o' : 'p',
                 p->kind == INPUT ? ni++ : p->kind == OPEN ? no++ : nd++);
    }

    N("# generated by tests/three/gen.c, seed %llu\ntype D = enum {", (unsigned long long)seed);
    L("%% generated by tests/three/gen.c, seed %llu\n", (unsigned long long)seed);
    for (int c = 0; c < ndom; c++) {
        N("%s c%d", c ? "," : "", c);
        L("dom(c%d).\n", c);
    }
    N(" }\n");
    for (int i = 0; i < npreds; i++) {
        pred *p = &preds[i];
        N("pred %s(a: D%s)%s\n", p->name, p->arity == 2 ? ", b: D" : "",
          p->kind == INPUT ? " input" : p->kind == OPEN ? " open" : "");
        if (p->kind == OPEN)
            L("{ %s(X%s) } :- dom(X)%s.\n", p->name, p->arity == 2 ? ", Y" : "",
              p->arity == 2 ? ", dom(Y)" : "");
        if (p->kind == DERIVED)
            L("#show %s/%d.\n", p->name, p->arity);
    }
    /* facts: closed inputs true or absent; open atoms stated true, stated false, or
     * left unknown (never both: that is a conflict, which has no completion) */
    for (int i = 0; i < npreds; i++) {
        pred *p = &preds[i];
        if (p->kind == DERIVED)
            continue;
        int n = p->arity == 1 ? ndom : ndom * ndom;
        for (int k = 0; k < n; k++) {
            term t[2] = {{-1, p->arity == 1 ? k : k / ndom}, {-1, k % ndom}};
            int r = rnd(100);
            if (p->kind == INPUT ? r < 45 : r < 25) {
                put_atom(p, t, false);
                N("\n");
                if (p->kind == INPUT) {
                    put_atom(p, t, true);
                    L(".\n");
                } else {
                    L(":- not ");
                    put_atom(p, t, true);
                    L(".\n");
                }
            } else if (p->kind == OPEN && r < 50) {
                N("not ");
                put_atom(p, t, false);
                N("\n");
                L(":- ");
                put_atom(p, t, true);
                L(".\n");
            }
        }
    }
    /* rules: the first of each derived predicate reads only lower levels */
    int ruleno = 0;
    for (int i = 0; i < npreds; i++) {
        pred *p = &preds[i];
        if (p->kind != DERIVED)
            continue;
        int nr = range(1, 2);
        for (int k = 0; k < nr; k++)
            gen_rule(p, ruleno++, k == 0);
    }
}

static int write_one(uint64_t seed, const char *dir)
{
    char path[4096];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/prog.norma", dir);
    nf = fopen(path, "w");
    snprintf(path, sizeof path, "%s/prog.lp", dir);
    lf = fopen(path, "w");
    if (!nf || !lf) {
        perror("norma_threegen");
        return 1;
    }
    gen(seed);
    fclose(nf);
    fclose(lf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: norma_threegen SEED OUTDIR [COUNT]\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], NULL, 10);
    if (argc == 3)
        return write_one(seed, argv[2]);
    long count = strtol(argv[3], NULL, 10);
    mkdir(argv[2], 0777);
    for (long i = 0; i < count; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%llu", argv[2], (unsigned long long)(seed + (uint64_t)i));
        if (write_one(seed + (uint64_t)i, dir))
            return 1;
    }
    return 0;
}
