/* test_eval.c — unit tests for engine/plan and engine/eval: transitive closure
 * (linear and non-linear) against a naive fixpoint, mutual recursion, stratified
 * negation, aggregates over empty and non-empty groups, arithmetic errors, limits,
 * planner errors and the chosen join order, provenance heights. Cells are int64
 * (the plan defaults) unless a test installs the value layer. */
#include <criterion/criterion.h>
#include <gc.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "plan.h"
#include "value.h"

static void setup(void) { GC_INIT(); }

TestSuite(eval, .init = setup);

static uint64_t seed = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static nm_plan_status add_i64(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why)
{
    int64_t r;
    if (__builtin_add_overflow((int64_t)a[0], (int64_t)a[1], &r)) {
        *why = "arithmetic overflow";
        return NM_PLAN_ERROR;
    }
    *out = (nm_cell)r;
    return NM_PLAN_OK;
}

#define V(x) nm_plan_var(x)
#define C(x) nm_plan_const((nm_cell)(x))
#define W nm_plan_wild()
#define TERMS(...) ((nm_plan_term[]){__VA_ARGS__})
#define NT(...) (int)(sizeof(TERMS(__VA_ARGS__)) / sizeof(nm_plan_term))
#define HEAD(p, name, rel, nvars, ...) \
    nm_plan_add_rule(p, name, rel, NT(__VA_ARGS__), TERMS(__VA_ARGS__), nvars)
#define ATOM(body, rel, ...) nm_plan_add_atom(body, rel, NT(__VA_ARGS__), TERMS(__VA_ARGS__))
#define NOT(body, rel, ...) nm_plan_add_not(body, rel, NT(__VA_ARGS__), TERMS(__VA_ARGS__))
#define STRATUM(p, ...) \
    nm_plan_add_stratum(p, (int)(sizeof((int[]){__VA_ARGS__}) / sizeof(int)), (int[]){__VA_ARGS__})

static nm_eval *run_ok(nm_eval *e)
{
    nm_eval_status st = nm_eval_run(e);
    cr_assert_eq(st, NM_EVAL_OK, "evaluation failed: %s", nm_eval_error(e));
    return e;
}

static bool has2(const nm_eval *e, int rel, int64_t a, int64_t b)
{
    return nm_rel_contains(nm_eval_rel(e, rel), (nm_cell[]){(nm_cell)a, (nm_cell)b});
}

static bool has1(const nm_eval *e, int rel, int64_t a)
{
    return nm_rel_contains(nm_eval_rel(e, rel), (nm_cell[]){(nm_cell)a});
}

/* ---- transitive closure ------------------------------------------------------------ */

enum { NODES = 120 };
static bool adj[NODES][NODES], reach[NODES][NODES];
static int dist[NODES][NODES];

/* Naive fixpoint: reach = edges, then add reach ∘ edges until nothing changes;
 * dist = shortest path length (BFS from every node). */
static void naive_closure(void)
{
    memcpy(reach, adj, sizeof reach);
    for (bool changed = true; changed;) {
        changed = false;
        for (int x = 0; x < NODES; x++)
            for (int y = 0; y < NODES; y++)
                if (reach[x][y])
                    for (int z = 0; z < NODES; z++)
                        if (adj[y][z] && !reach[x][z])
                            reach[x][z] = changed = true;
    }
    for (int s = 0; s < NODES; s++) {
        int queue[NODES], head = 0, tail = 0;
        for (int i = 0; i < NODES; i++)
            dist[s][i] = 0;
        for (int z = 0; z < NODES; z++)
            if (adj[s][z] && !dist[s][z]) {
                dist[s][z] = 1;
                queue[tail++] = z;
            }
        while (head < tail) {
            int y = queue[head++];
            for (int z = 0; z < NODES; z++)
                if (adj[y][z] && !dist[s][z]) {
                    dist[s][z] = dist[s][y] + 1;
                    queue[tail++] = z;
                }
        }
    }
}

static void random_graph(int edges)
{
    memset(adj, 0, sizeof adj);
    for (int i = 0; i < edges; i++)
        adj[rnd() % NODES][rnd() % NODES] = true;
    naive_closure();
}

static void check_closure(const nm_eval *e, int path)
{
    int count = 0;
    for (int x = 0; x < NODES; x++)
        for (int y = 0; y < NODES; y++) {
            cr_assert_eq(has2(e, path, x, y), reach[x][y], "path(%d, %d)", x, y);
            count += reach[x][y];
        }
    cr_assert_eq(nm_rel_size(nm_eval_rel(e, path)), (nm_row)count);
}

static nm_eval *closure_eval(bool linear, int *path_out, int *rules_out)
{
    nm_plan_program *p = nm_plan_new();
    int edge = nm_plan_add_rel(p, "edge", 2);
    int path = nm_plan_add_rel(p, "path", 2);
    nm_plan_rule *base = HEAD(p, "base", path, 2, V(0), V(1));
    ATOM(&base->body, edge, V(0), V(1));
    nm_plan_rule *step = HEAD(p, "step", path, 3, V(0), V(2));
    ATOM(&step->body, path, V(0), V(1));
    ATOM(&step->body, linear ? edge : path, V(1), V(2));
    STRATUM(p, base->id, step->id);
    nm_eval *e = nm_eval_new(p);
    for (int x = 0; x < NODES; x++)
        for (int y = 0; y < NODES; y++)
            if (adj[x][y])
                nm_eval_add_fact(e, edge, (nm_cell[]){(nm_cell)x, (nm_cell)y});
    *path_out = path;
    if (rules_out)
        *rules_out = step->id;
    return e;
}

Test(eval, transitive_closure_matches_naive_fixpoint)
{
    for (int edges = 0; edges <= 400; edges += 80) {
        random_graph(edges);
        int path;
        nm_eval *e = closure_eval(true, &path, NULL);
        run_ok(e);
        check_closure(e, path);
    }
}

Test(eval, nonlinear_closure_finds_each_derivation_once_per_iteration)
{
    random_graph(200);
    int path, step;
    nm_eval *lin = closure_eval(true, &path, NULL);
    run_ok(lin);
    nm_eval *e = closure_eval(false, &path, &step);
    run_ok(e);
    check_closure(e, path);
    /* Two variants: Δpath ⋈ path and old path ⋈ Δpath. */
    const char *plans = nm_eval_dump_plans(e, step);
    cr_assert(strstr(plans, "Δpath(#0, #1), path(=#1, #2)"), "%s", plans);
    cr_assert(strstr(plans, "Δpath(#1, #2), old path(#0, =#1)"), "%s", plans);
    /* Semi-naive never repeats a derivation: each (x, y, z) with path(x, y) and
     * path(y, z) in the final model is found at most once overall. */
    uint64_t joins = 0;
    for (int x = 0; x < NODES; x++)
        for (int y = 0; y < NODES; y++)
            if (reach[x][y])
                for (int z = 0; z < NODES; z++)
                    joins += reach[y][z];
    uint64_t edges = nm_rel_size(nm_eval_rel(e, 0));
    cr_assert_leq(nm_eval_get_stats(e)->attempts, joins + edges);
}

Test(eval, provenance_heights_are_shortest_paths)
{
    random_graph(300);
    int path;
    nm_eval *e = closure_eval(true, &path, NULL);
    nm_eval_enable_provenance(e);
    run_ok(e);
    const nm_rel *r = nm_eval_rel(e, path);
    for (nm_row i = 0; i < r->n; i++) {
        const nm_cell *t = nm_rel_row(r, i);
        cr_assert_eq((int)nm_rel_prov_height(r, i), dist[t[0]][t[1]], "path(%d, %d)",
                     (int)t[0], (int)t[1]);
        cr_assert_eq(nm_rel_prov_rule(r, i), dist[t[0]][t[1]] == 1 ? 0u : 1u);
    }
}

/* The non-linear closure (path ⋈ path: the last atom's rows carry heights of their
 * own): a walk of length d splits into two halves, so the least height of path(x, y)
 * is 1 + ceil(log2(dist)), taken by base only when dist is 1. */
Test(eval, provenance_heights_nonlinear_closure)
{
    random_graph(300);
    int path;
    nm_eval *e = closure_eval(false, &path, NULL);
    nm_eval_enable_provenance(e);
    run_ok(e);
    const nm_rel *r = nm_eval_rel(e, path);
    for (nm_row i = 0; i < r->n; i++) {
        const nm_cell *t = nm_rel_row(r, i);
        int d = dist[t[0]][t[1]], want = 1;
        while ((1 << (want - 1)) < d)
            want++;
        cr_assert_eq((int)nm_rel_prov_height(r, i), want, "path(%d, %d), distance %d",
                     (int)t[0], (int)t[1], d);
        cr_assert_eq(nm_rel_prov_rule(r, i), d == 1 ? 0u : 1u);
    }
}

/* A non-recursive rule over a relation whose rows are not in height order: its one
 * run derives hit(9) first through the deepest rows (100 of them, more than a batch)
 * and then through shallower ones; the stored height is the least (sem.prov.store),
 * however many repeats of greater height come between. */
Test(eval, provenance_least_height_within_one_run)
{
    nm_plan_program *p = nm_plan_new();
    int edge = nm_plan_add_rel(p, "edge", 2);
    int num = nm_plan_add_rel(p, "num", 1);
    int path = nm_plan_add_rel(p, "path", 2);
    int m = nm_plan_add_rel(p, "m", 1);
    int hit = nm_plan_add_rel(p, "hit", 1);
    nm_plan_rule *base = HEAD(p, "base", path, 2, V(0), V(1));
    ATOM(&base->body, edge, V(0), V(1));
    nm_plan_rule *step = HEAD(p, "step", path, 3, V(0), V(2));
    ATOM(&step->body, path, V(0), V(1));
    ATOM(&step->body, edge, V(1), V(2));
    nm_plan_rule *deep = HEAD(p, "deep", m, 1, V(0));   /* height 5: path(0, 4) is 4 */
    ATOM(&deep->body, path, C(0), C(4));
    ATOM(&deep->body, num, V(0));
    nm_plan_rule *mid = HEAD(p, "mid", m, 0, C(2));      /* height 3 */
    ATOM(&mid->body, path, C(0), C(2));
    nm_plan_rule *shallow = HEAD(p, "shallow", m, 0, C(3)); /* height 1 */
    ATOM(&shallow->body, edge, C(10), C(11));
    nm_plan_rule *h = HEAD(p, "hit", hit, 1, C(9));
    ATOM(&h->body, m, V(0));
    STRATUM(p, base->id, step->id);
    STRATUM(p, deep->id, mid->id, shallow->id);
    STRATUM(p, h->id);
    nm_eval *e = nm_eval_new(p);
    for (int i = 0; i < 4; i++)
        nm_eval_add_fact(e, edge, (nm_cell[]){(nm_cell)i, (nm_cell)i + 1});
    nm_eval_add_fact(e, edge, (nm_cell[]){10, 11});
    for (int i = 100; i < 200; i++)
        nm_eval_add_fact(e, num, (nm_cell[]){(nm_cell)i});
    nm_eval_enable_provenance(e);
    run_ok(e);
    const nm_rel *mr = nm_eval_rel(e, m);
    cr_assert_eq(nm_rel_size(mr), 102u);
    /* m's rows in the order hit's one run reads them: 100 of height 5, then 3, then 1 */
    cr_assert_eq(nm_rel_prov_height(mr, 0), 5u);
    cr_assert_eq(nm_rel_prov_height(mr, 100), 3u);
    cr_assert_eq(nm_rel_prov_height(mr, 101), 1u);
    const nm_rel *hr = nm_eval_rel(e, hit);
    nm_row row = nm_rel_find(hr, (nm_cell[]){9});
    cr_assert_neq(row, NM_ROW_NONE);
    cr_assert_eq(nm_rel_prov_height(hr, row), 2u);
    cr_assert_eq(nm_rel_prov_rule(hr, row), (uint32_t)h->id);
}

/* ---- mutual recursion, negation ------------------------------------------------------ */

Test(eval, mutual_recursion_even_odd)
{
    nm_plan_program *p = nm_plan_new();
    int succ = nm_plan_add_rel(p, "succ", 2);
    int even = nm_plan_add_rel(p, "even", 1);
    int odd = nm_plan_add_rel(p, "odd", 1);
    nm_plan_rule *zero = HEAD(p, "zero", even, 0, C(0));
    nm_plan_rule *o = HEAD(p, "odd", odd, 2, V(1));
    ATOM(&o->body, even, V(0));
    ATOM(&o->body, succ, V(0), V(1));
    nm_plan_rule *ev = HEAD(p, "even", even, 2, V(1));
    ATOM(&ev->body, odd, V(0));
    ATOM(&ev->body, succ, V(0), V(1));
    STRATUM(p, zero->id, o->id, ev->id);
    nm_eval *e = nm_eval_new(p);
    for (int i = 0; i < 1000; i++)
        nm_eval_add_fact(e, succ, (nm_cell[]){(nm_cell)i, (nm_cell)i + 1});
    run_ok(e);
    for (int i = 0; i <= 1000; i++) {
        cr_assert_eq(has1(e, even, i), i % 2 == 0, "even(%d)", i);
        cr_assert_eq(has1(e, odd, i), i % 2 == 1, "odd(%d)", i);
    }
    cr_assert_eq(nm_rel_size(nm_eval_rel(e, even)) + nm_rel_size(nm_eval_rel(e, odd)), 1001);
}

Test(eval, stratified_negation)
{
    random_graph(150);
    nm_plan_program *p = nm_plan_new();
    int node = nm_plan_add_rel(p, "node", 1);
    int edge = nm_plan_add_rel(p, "edge", 2);
    int path = nm_plan_add_rel(p, "path", 2);
    int unreach = nm_plan_add_rel(p, "unreachable", 2);
    int isolated = nm_plan_add_rel(p, "isolated", 1);
    nm_plan_rule *base = HEAD(p, "base", path, 2, V(0), V(1));
    ATOM(&base->body, edge, V(0), V(1));
    nm_plan_rule *step = HEAD(p, "step", path, 3, V(0), V(2));
    ATOM(&step->body, path, V(0), V(1));
    ATOM(&step->body, edge, V(1), V(2));
    /* unreachable(x, y) if node(x) and node(y) and not path(x, y) */
    nm_plan_rule *un = HEAD(p, "unreachable", unreach, 2, V(0), V(1));
    NOT(&un->body, path, V(0), V(1));       /* written first: the planner delays it */
    ATOM(&un->body, node, V(0));
    ATOM(&un->body, node, V(1));
    /* isolated(x) if node(x) and not edge(x, _) and not edge(_, x) */
    nm_plan_rule *iso = HEAD(p, "isolated", isolated, 1, V(0));
    ATOM(&iso->body, node, V(0));
    NOT(&iso->body, edge, V(0), W);
    NOT(&iso->body, edge, W, V(0));
    STRATUM(p, base->id, step->id);
    STRATUM(p, un->id, iso->id);
    nm_eval *e = nm_eval_new(p);
    for (int x = 0; x < NODES; x++) {
        nm_eval_add_fact(e, node, (nm_cell[]){(nm_cell)x});
        for (int y = 0; y < NODES; y++)
            if (adj[x][y])
                nm_eval_add_fact(e, edge, (nm_cell[]){(nm_cell)x, (nm_cell)y});
    }
    run_ok(e);
    for (int x = 0; x < NODES; x++) {
        bool any = false;
        for (int y = 0; y < NODES; y++) {
            cr_assert_eq(has2(e, unreach, x, y), !reach[x][y], "unreachable(%d, %d)", x, y);
            any |= adj[x][y] || adj[y][x];
        }
        cr_assert_eq(has1(e, isolated, x), !any, "isolated(%d)", x);
    }
}

Test(eval, negation_of_own_stratum_is_rejected)
{
    nm_plan_program *p = nm_plan_new();
    int a = nm_plan_add_rel(p, "a", 1), b = nm_plan_add_rel(p, "b", 1);
    nm_plan_rule *r = HEAD(p, "bad", a, 1, V(0));
    ATOM(&r->body, b, V(0));
    NOT(&r->body, a, V(0));
    STRATUM(p, r->id);
    nm_eval *e = nm_eval_new(p);
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_PLAN);
    cr_assert(strstr(nm_eval_error(e), "not stratified"), "%s", nm_eval_error(e));
}

/* ---- aggregates ------------------------------------------------------------------------ */

/* provider(p); video(p, v, views). Rules:
 *   videos(p, n)  if provider(p) and n = count(v for video(p, v, _))
 *   views(p, s)   if provider(p) and s = sum(w for video(p, v, w))   [distinct (v, w)]
 *   most(p, m)    if provider(p) and m = max(w for video(p, v, w))
 *   busy(p)       if provider(p) and count(v for video(p, v, _)) >= 2 */
Test(eval, aggregates_empty_and_nonempty_groups)
{
    nm_plan_program *p = nm_plan_new();
    int provider = nm_plan_add_rel(p, "provider", 1);
    int video = nm_plan_add_rel(p, "video", 3);
    int videos = nm_plan_add_rel(p, "videos", 2);
    int views = nm_plan_add_rel(p, "views", 2);
    int most = nm_plan_add_rel(p, "most", 2);
    int busy = nm_plan_add_rel(p, "busy", 1);
    enum { P, N, VID, WV };
    int group[1] = {P}, keys_v[1] = {VID}, keys_vw[2] = {VID, WV};

    nm_plan_rule *r1 = HEAD(p, "videos", videos, 4, V(P), V(N));
    nm_plan_agg *a1 = nm_plan_add_agg(&r1->body, NM_PLAN_AGG_COUNT, N, -1, 1, group, 1, keys_v);
    ATOM(&a1->body, video, V(P), V(VID), W);
    ATOM(&r1->body, provider, V(P));

    nm_plan_rule *r2 = HEAD(p, "views", views, 4, V(P), V(N));
    ATOM(&r2->body, provider, V(P));
    nm_plan_agg *a2 = nm_plan_add_agg(&r2->body, NM_PLAN_AGG_SUM, N, WV, 1, group, 2, keys_vw);
    ATOM(&a2->body, video, V(P), V(VID), V(WV));

    nm_plan_rule *r3 = HEAD(p, "most", most, 4, V(P), V(N));
    ATOM(&r3->body, provider, V(P));
    nm_plan_agg *a3 = nm_plan_add_agg(&r3->body, NM_PLAN_AGG_MAX, N, WV, 1, group, 2, keys_vw);
    ATOM(&a3->body, video, V(P), V(VID), V(WV));

    nm_plan_rule *r4 = HEAD(p, "busy", busy, 4, V(P));
    ATOM(&r4->body, provider, V(P));
    nm_plan_agg *a4 = nm_plan_add_agg(&r4->body, NM_PLAN_AGG_COUNT, N, -1, 1, group, 1, keys_v);
    ATOM(&a4->body, video, V(P), V(VID), W);
    nm_plan_add_cmp(&r4->body, NM_CMP_GE, nm_plan_expr_var(N), nm_plan_expr_const(2));

    STRATUM(p, r1->id, r2->id, r3->id, r4->id);
    nm_eval *e = nm_eval_new(p);
    for (int i = 1; i <= 3; i++)
        nm_eval_add_fact(e, provider, (nm_cell[]){(nm_cell)i});
    /* provider 1: videos 10 (5 views), 11 (5 views), 10 again with 7 views;
     * provider 2: one video; provider 3: none. */
    nm_eval_add_fact(e, video, (nm_cell[]){1, 10, 5});
    nm_eval_add_fact(e, video, (nm_cell[]){1, 11, 5});
    nm_eval_add_fact(e, video, (nm_cell[]){1, 10, 7});
    nm_eval_add_fact(e, video, (nm_cell[]){2, 20, 100});
    run_ok(e);
    cr_assert(has2(e, videos, 1, 2), "count ranges over distinct v");
    cr_assert(has2(e, videos, 2, 1));
    cr_assert(has2(e, videos, 3, 0), "an empty group counts 0");
    cr_assert_eq(nm_rel_size(nm_eval_rel(e, videos)), 3);
    cr_assert(has2(e, views, 1, 17), "sum over distinct (v, w): 5 + 5 + 7");
    cr_assert(has2(e, views, 3, 0), "an empty group sums to 0");
    cr_assert(has2(e, most, 1, 7));
    cr_assert(has2(e, most, 2, 100));
    cr_assert_eq(nm_rel_size(nm_eval_rel(e, most)), 2, "max of an empty group is undefined");
    cr_assert(has1(e, busy, 1));
    cr_assert_eq(nm_rel_size(nm_eval_rel(e, busy)), 1);
}

Test(eval, aggregate_group_variable_must_be_bound_outside)
{
    nm_plan_program *p = nm_plan_new();
    int video = nm_plan_add_rel(p, "video", 2);
    int videos = nm_plan_add_rel(p, "videos", 2);
    int group[1] = {0}, keys[1] = {1};
    nm_plan_rule *r = HEAD(p, "videos", videos, 3, V(0), V(2));
    nm_plan_agg *a = nm_plan_add_agg(&r->body, NM_PLAN_AGG_COUNT, 2, -1, 1, group, 1, keys);
    ATOM(&a->body, video, V(0), V(1));
    r->var_names = (const char *[]){"p", "v", "n"};
    STRATUM(p, r->id);
    nm_eval *e = nm_eval_new(p);
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_PLAN);
    cr_assert_str_eq(nm_eval_error(e), "rule 'videos': variable 'p' is not bound by a positive atom");
}

/* ---- arithmetic, comparisons, the value layer ---------------------------------------- */

Test(eval, arithmetic_overflow_names_rule_and_values)
{
    nm_plan_program *p = nm_plan_new();
    int plus = nm_plan_add_fn(p, "+", 2, add_i64, NULL);
    int n = nm_plan_add_rel(p, "n", 1), m = nm_plan_add_rel(p, "m", 1);
    nm_plan_rule *r = HEAD(p, "next", m, 2, V(1));
    ATOM(&r->body, n, V(0));
    nm_plan_add_assign(&r->body, 1, nm_plan_expr_call2(plus, nm_plan_expr_var(0), nm_plan_expr_const(1)));
    STRATUM(p, r->id);
    nm_eval *e = nm_eval_new(p);
    nm_eval_add_fact(e, n, (nm_cell[]){5});
    nm_eval_add_fact(e, n, (nm_cell[]){(nm_cell)INT64_MAX});
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_ARITH);
    cr_assert_eq(nm_eval_error_rule(e), r->id);
    cr_assert_str_eq(nm_eval_error(e),
                     "rule 'next': arithmetic overflow in '+' applied to 9223372036854775807, 1");
}

Test(eval, comparison_and_equality_assignment)
{
    nm_plan_program *p = nm_plan_new();
    int plus = nm_plan_add_fn(p, "+", 2, add_i64, NULL);
    int num = nm_plan_add_rel(p, "num", 1), pair = nm_plan_add_rel(p, "pair", 2);
    /* pair(x, y) if num(x) and y = x + 2 and num(y) and x > 3 */
    nm_plan_rule *r = HEAD(p, "pair", pair, 2, V(0), V(1));
    ATOM(&r->body, num, V(0));
    nm_plan_add_cmp(&r->body, NM_CMP_EQ, nm_plan_expr_var(1),
                    nm_plan_expr_call2(plus, nm_plan_expr_var(0), nm_plan_expr_const(2)));
    ATOM(&r->body, num, V(1));
    nm_plan_add_cmp(&r->body, NM_CMP_GT, nm_plan_expr_var(0), nm_plan_expr_const(3));
    STRATUM(p, r->id);
    nm_eval *e = nm_eval_new(p);
    for (nm_cell i = 0; i < 10; i++)
        nm_eval_add_fact(e, num, &i);
    run_ok(e);
    cr_assert_eq(nm_rel_size(nm_eval_rel(e, pair)), 4);   /* x = 4..7 */
    for (int x = 4; x <= 7; x++)
        cr_assert(has2(e, pair, x, x + 2));
    /* The filter x > 3 runs right after num(x); num(y) is a lookup of a known tuple. */
    cr_assert_str_eq(nm_eval_dump_plans(e, r->id), "num(#0), #0 > 3, #1 := +(#0, 2), num(=#1)\n");
}

Test(eval, value_layer_cells)
{
    nm_plan_program *p = nm_plan_new();
    p->values = nm_plan_value_layer();
    int plus = nm_plan_add_fn(p, "+", 2, nm_plan_val_add, NULL);
    int amount = nm_plan_add_rel(p, "amount", 2), total = nm_plan_add_rel(p, "total", 2);
    int later = nm_plan_add_rel(p, "later", 2);
    int group[1] = {0}, keys[2] = {1, 2};
    nm_plan_rule *r = HEAD(p, "total", total, 4, V(0), V(3));
    ATOM(&r->body, amount, V(0), W);
    nm_plan_agg *a = nm_plan_add_agg(&r->body, NM_PLAN_AGG_SUM, 3, 2, 1, group, 2, keys);
    ATOM(&a->body, amount, V(0), V(1));
    nm_plan_add_assign(&a->body, 2, nm_plan_expr_var(1));
    nm_plan_rule *l = HEAD(p, "later", later, 2, V(0), V(1));
    ATOM(&l->body, amount, V(0), W);
    nm_plan_add_assign(&l->body, 1, nm_plan_expr_call2(plus, nm_plan_expr_var(0),
                                                       nm_plan_expr_const(nm_val_int(INT64_MAX))));
    STRATUM(p, r->id);
    STRATUM(p, l->id);
    nm_eval *e = nm_eval_new(p);
    nm_num half, quarter;
    cr_assert_eq(nm_num_decimal(125, 1, &half), NM_NUM_OK);      /* 12.5 */
    cr_assert_eq(nm_num_rational(1, 4, &quarter), NM_NUM_OK);
    nm_eval_add_fact(e, amount, (nm_cell[]){nm_val_int(1), nm_val_num(half)});
    nm_eval_add_fact(e, amount, (nm_cell[]){nm_val_int(1), nm_val_num(quarter)});
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_ARITH);
    nm_num want;
    cr_assert_eq(nm_num_rational(51, 4, &want), NM_NUM_OK);
    cr_assert(nm_rel_contains(nm_eval_rel(e, total), (nm_cell[]){nm_val_int(1), nm_val_num(want)}),
              "12.5 + 1/4 = 51/4");
    cr_assert_str_eq(nm_eval_error(e),
                     "rule 'later': arithmetic overflow in '+' applied to 1, 9223372036854775807");
}

/* ---- limits ------------------------------------------------------------------------------ */

static nm_eval *counter_eval(void)
{
    /* nat(0). nat(y) if nat(x) and y = x + 1 — no fixpoint. */
    nm_plan_program *p = nm_plan_new();
    int plus = nm_plan_add_fn(p, "+", 2, add_i64, NULL);
    int nat = nm_plan_add_rel(p, "nat", 1);
    nm_plan_rule *z = HEAD(p, "zero", nat, 0, C(0));
    nm_plan_rule *s = HEAD(p, "succ", nat, 2, V(1));
    ATOM(&s->body, nat, V(0));
    nm_plan_add_assign(&s->body, 1, nm_plan_expr_call2(plus, nm_plan_expr_var(0), nm_plan_expr_const(1)));
    STRATUM(p, z->id, s->id);
    return nm_eval_new(p);
}

Test(eval, tuple_limit_names_the_rule)
{
    nm_eval *e = counter_eval();
    nm_eval_set_limits(e, (nm_eval_limits){.max_tuples = 1000});
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_TUPLES);
    cr_assert_eq(nm_eval_error_rule(e), 1);
    cr_assert_str_eq(nm_eval_error(e), "rule 'succ': evaluation stopped: more than 1000 derived "
                                       "tuples (the tuple limit) while deriving 'nat'");
}

Test(eval, iteration_limit_names_the_rule)
{
    nm_eval *e = counter_eval();
    nm_eval_set_limits(e, (nm_eval_limits){.max_iterations = 50});
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_ITERATIONS);
    cr_assert_eq(nm_eval_error_rule(e), 1);
    cr_assert_str_eq(nm_eval_error(e), "rule 'succ': evaluation stopped: no fixpoint after 50 "
                                       "iterations (the iteration limit)");
    cr_assert_eq(nm_rel_size(nm_eval_rel(e, 0)), 51);
}

Test(eval, time_limit_stops_a_long_join)
{
    /* A cross product of 3,000 x 3,000 rows whose filter never passes: no tuple is
     * derived, so only the clock can stop it. */
    nm_plan_program *p = nm_plan_new();
    int a = nm_plan_add_rel(p, "a", 1), out = nm_plan_add_rel(p, "out", 3);
    nm_plan_rule *r = HEAD(p, "cross", out, 3, V(0), V(1), V(2));
    ATOM(&r->body, a, V(0));
    ATOM(&r->body, a, V(1));
    ATOM(&r->body, a, V(2));
    nm_plan_add_cmp(&r->body, NM_CMP_LT, nm_plan_expr_var(2), nm_plan_expr_const(-1));
    STRATUM(p, r->id);
    nm_eval *e = nm_eval_new(p);
    for (nm_cell i = 0; i < 3000; i++)
        nm_eval_add_fact(e, a, &i);
    nm_eval_set_limits(e, (nm_eval_limits){.max_seconds = 0.2});
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_TIME);
    cr_assert_str_eq(nm_eval_error(e), "rule 'cross': evaluation stopped after 0.2 seconds (the time limit)");
    cr_assert_lt(nm_eval_get_stats(e)->seconds, 2.0);
}

/* ---- planner --------------------------------------------------------------------------- */

Test(eval, unbound_head_variable_is_a_plan_error)
{
    nm_plan_program *p = nm_plan_new();
    int a = nm_plan_add_rel(p, "a", 1), b = nm_plan_add_rel(p, "b", 2);
    nm_plan_rule *r = HEAD(p, "r", b, 2, V(0), V(1));
    ATOM(&r->body, a, V(0));
    r->var_names = (const char *[]){"x", "y"};
    STRATUM(p, r->id);
    nm_eval *e = nm_eval_new(p);
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_PLAN);
    cr_assert_str_eq(nm_eval_error(e), "rule 'r': variable 'y' in the head is not bound by the body");
}

Test(eval, join_order_prefers_bound_then_small)
{
    nm_plan_program *p = nm_plan_new();
    int big = nm_plan_add_rel(p, "big", 2), small = nm_plan_add_rel(p, "small", 1);
    int mid = nm_plan_add_rel(p, "mid", 2), out = nm_plan_add_rel(p, "out", 2);
    /* out(x, z) if big(x, y) and mid(y, z) and small(x) and x = 3: the constant
     * binding runs first, then small(=x) is a lookup, then big(=x, y), mid(=y, z). */
    nm_plan_rule *r = HEAD(p, "r", out, 3, V(0), V(2));
    r->var_names = (const char *[]){"x", "y", "z"};
    ATOM(&r->body, big, V(0), V(1));
    ATOM(&r->body, mid, V(1), V(2));
    ATOM(&r->body, small, V(0));
    nm_plan_add_cmp(&r->body, NM_CMP_EQ, nm_plan_expr_var(0), nm_plan_expr_const(3));
    nm_plan_rule *r2 = HEAD(p, "r2", out, 3, V(0), V(2));
    r2->var_names = r->var_names;
    ATOM(&r2->body, big, V(0), V(1));
    ATOM(&r2->body, mid, V(1), V(2));
    ATOM(&r2->body, small, V(0));
    STRATUM(p, r->id, r2->id);
    nm_eval *e = nm_eval_new(p);
    for (nm_cell i = 0; i < 100; i++) {
        nm_eval_add_fact(e, big, (nm_cell[]){i % 10, i});
        nm_eval_add_fact(e, mid, (nm_cell[]){i, i + 1});
    }
    nm_eval_add_fact(e, small, (nm_cell[]){3});
    run_ok(e);
    cr_assert_str_eq(nm_eval_dump_plans(e, r->id), "x := 3, small(=x), big(=x, y), mid(=y, z)\n");
    cr_assert_str_eq(nm_eval_dump_plans(e, r2->id), "small(x), big(=x, y), mid(=y, z)\n");
    cr_assert_eq(nm_rel_size(nm_eval_rel(e, out)), 10);
    cr_assert(has2(e, out, 3, 94));
}

Test(eval, memory_limit_names_the_rule)
{
    nm_eval *e = counter_eval();
    nm_eval_set_limits(e, (nm_eval_limits){.max_bytes = 1 << 20});
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_MEMORY);
    cr_assert_eq(nm_eval_error_rule(e), 1);
    cr_assert_str_eq(nm_eval_error(e), "rule 'succ': evaluation stopped: relations use more "
                                       "than 1048576 bytes (the memory limit)");
}

Test(eval, relation_derived_in_a_later_stratum_is_rejected)
{
    nm_plan_program *p = nm_plan_new();
    int a = nm_plan_add_rel(p, "a", 1), b = nm_plan_add_rel(p, "b", 1), c = nm_plan_add_rel(p, "c", 1);
    nm_plan_rule *r1 = HEAD(p, "b1", b, 1, V(0));
    ATOM(&r1->body, a, V(0));
    nm_plan_rule *r2 = HEAD(p, "c", c, 1, V(0));
    ATOM(&r2->body, b, V(0));
    nm_plan_rule *r3 = HEAD(p, "b2", b, 1, V(0));
    ATOM(&r3->body, a, V(0));
    STRATUM(p, r1->id);
    STRATUM(p, r2->id);
    STRATUM(p, r3->id);
    nm_eval *e = nm_eval_new(p);
    cr_assert_eq(nm_eval_run(e), NM_EVAL_ERR_PLAN);
    cr_assert_str_eq(nm_eval_error(e), "rule 'c' reads 'b', which is derived in a later stratum");
}
