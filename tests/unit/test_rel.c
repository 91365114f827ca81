/* test_rel.c — unit tests for engine/rel: insert and dedup with many tuples and
 * growth, stable row ids, index lookups (against a brute-force scan), row ranges,
 * inserting while iterating, batch inserts, sorting, provenance, memory per tuple,
 * relations that share a caller's rows in place. */
#include <criterion/criterion.h>
#include <gc.h>
#include <stdlib.h>
#include <string.h>

#include "rel.h"

static void setup(void) { GC_INIT(); }

TestSuite(rel, .init = setup);

static uint64_t seed = 88172645463325252ull;

static uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

Test(rel, insert_dedup_and_growth)
{
    nm_rel *r = nm_rel_new("r", 3);
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        nm_cell t[3] = {(nm_cell)i, (nm_cell)(i * 7), (nm_cell)(i % 13)};
        nm_row row;
        cr_assert(nm_rel_insert(r, t, &row));
        cr_assert_eq(row, (nm_row)i, "row ids are dense and in insertion order");
    }
    cr_assert_eq(nm_rel_size(r), (nm_row)n);
    for (int i = 0; i < n; i += 7) {
        nm_cell t[3] = {(nm_cell)i, (nm_cell)(i * 7), (nm_cell)(i % 13)};
        nm_row row = 0;
        cr_assert_not(nm_rel_insert(r, t, &row), "duplicate %d accepted", i);
        cr_assert_eq(row, (nm_row)i, "duplicate reports the existing row");
        cr_assert_eq(nm_rel_find(r, t), (nm_row)i);
    }
    cr_assert_eq(nm_rel_size(r), (nm_row)n);
    for (int i = 0; i < n; i += 1013) {
        const nm_cell *t = nm_rel_row(r, (nm_row)i);
        cr_assert(t[0] == (nm_cell)i && t[1] == (nm_cell)(i * 7) && t[2] == (nm_cell)(i % 13));
    }
    nm_cell absent[3] = {1, 2, 3};
    cr_assert_not(nm_rel_contains(r, absent));
}

Test(rel, random_dedup_matches_count)
{
    nm_rel *r = nm_rel_new("r", 2);
    /* 100,000 draws from a 300 x 300 space: count distinct by a bitmap. */
    static bool seen[300][300];
    int distinct = 0;
    for (int i = 0; i < 100000; i++) {
        int a = (int)(rnd() % 300), b = (int)(rnd() % 300);
        nm_cell t[2] = {(nm_cell)a, (nm_cell)b};
        bool fresh = nm_rel_insert(r, t, NULL);
        cr_assert_eq(fresh, !seen[a][b]);
        if (!seen[a][b]) {
            seen[a][b] = true;
            distinct++;
        }
    }
    cr_assert_eq(nm_rel_size(r), (nm_row)distinct);
}

Test(rel, arity_zero)
{
    nm_rel *r = nm_rel_new("flag", 0);
    cr_assert(nm_rel_insert(r, NULL, NULL));
    cr_assert_not(nm_rel_insert(r, NULL, NULL));
    cr_assert_eq(nm_rel_size(r), 1);
    cr_assert(nm_rel_contains(r, NULL));
}

/* Brute-force rows of r with t[col] == key[i] for the columns of mask, in [lo, hi). */
static int brute(const nm_rel *r, uint64_t mask, const nm_cell *key, nm_row lo, nm_row hi,
                 nm_row *out)
{
    int n = 0;
    for (nm_row i = lo; i < hi && i < r->n; i++) {
        const nm_cell *t = nm_rel_row(r, i);
        int k = 0;
        bool ok = true;
        for (int c = 0; c < r->arity; c++)
            if (mask & ((uint64_t)1 << c))
                ok &= t[c] == key[k++];
        if (ok)
            out[n++] = i;
    }
    return n;
}

static void check_lookup(const nm_rel *r, int idx, uint64_t mask, const nm_cell *key, nm_row lo,
                         nm_row hi)
{
    static nm_row want[400000];
    int n = brute(r, mask, key, lo, hi, want);
    nm_rel_iter it;
    nm_rel_lookup(r, idx, key, lo, hi, &it);
    int got = 0;
    for (nm_row row; (row = nm_rel_iter_next(&it)) != NM_ROW_NONE; got++) {
        cr_assert_lt(got, n, "lookup returned too many rows");
        cr_assert_eq(row, want[got], "row %d: got %u, want %u", got, row, want[got]);
    }
    cr_assert_eq(got, n, "lookup returned %d rows, want %d", got, n);
}

Test(rel, index_lookups_match_brute_force)
{
    nm_rel *r = nm_rel_new("r", 3);
    int early = nm_rel_add_index(r, 1);          /* column 0, before any row */
    for (int i = 0; i < 150000; i++) {
        nm_cell t[3] = {rnd() % 500, rnd() % 50, rnd() % 7};
        nm_rel_insert(r, t, NULL);
    }
    int late = nm_rel_add_index(r, 5);           /* columns 0 and 2, built from rows */
    cr_assert_eq(nm_rel_add_index(r, 1), early, "an index on the same columns is reused");
    cr_assert_eq(nm_rel_find_index(r, 5), late);
    cr_assert_eq(nm_rel_find_index(r, 2), -1);
    for (int q = 0; q < 200; q++) {
        nm_cell k1[1] = {rnd() % 520};
        check_lookup(r, early, 1, k1, 0, r->n);
        nm_cell k2[2] = {rnd() % 500, rnd() % 8};
        check_lookup(r, late, 5, k2, 0, r->n);
        nm_row lo = (nm_row)(rnd() % r->n), hi = lo + (nm_row)(rnd() % 40000);
        check_lookup(r, early, 1, k1, lo, hi);
        check_lookup(r, late, 5, k2, lo, hi);
    }
}

Test(rel, insert_while_iterating_sees_only_old_rows)
{
    nm_rel *r = nm_rel_new("r", 2);
    int idx = nm_rel_add_index(r, 1);
    for (nm_cell i = 0; i < 10; i++)
        nm_rel_insert(r, (nm_cell[]){1, i}, NULL);
    nm_rel_iter it;
    nm_rel_lookup(r, idx, (nm_cell[]){1}, 0, NM_ROW_NONE, &it);
    int seen = 0;
    for (nm_row row; (row = nm_rel_iter_next(&it)) != NM_ROW_NONE; seen++) {
        cr_assert_eq(row, (nm_row)seen);
        /* Enough inserts to reallocate the rows and the index. */
        for (nm_cell j = 0; j < 1000; j++)
            nm_rel_insert(r, (nm_cell[]){1, 1000 + (nm_cell)seen * 1000 + j}, NULL);
    }
    cr_assert_eq(seen, 10);
    cr_assert_eq(nm_rel_size(r), 10010);
}

Test(rel, batch_insert_equals_sequential)
{
    nm_rel *a = nm_rel_new("a", 2), *b = nm_rel_new("b", 2);
    nm_rel_add_index(b, 2);
    enum { N = 5000 };
    static nm_cell t[N][2];
    static bool fresh[N];
    static nm_row rows[N];
    for (int i = 0; i < N; i++) {
        t[i][0] = rnd() % 40;   /* many duplicates, also inside one batch */
        t[i][1] = rnd() % 40;
    }
    nm_rel_insert_batch(b, &t[0][0], N, fresh, rows);
    for (int i = 0; i < N; i++) {
        nm_row row;
        bool f = nm_rel_insert(a, t[i], &row);
        cr_assert_eq(f, fresh[i], "tuple %d", i);
        cr_assert_eq(row, rows[i], "tuple %d", i);
    }
    cr_assert_eq(nm_rel_size(a), nm_rel_size(b));
    check_lookup(b, 0, 2, (nm_cell[]){7}, 0, b->n);
}

Test(rel, clear_keeps_indexes_usable)
{
    nm_rel *r = nm_rel_new("r", 2);
    int idx = nm_rel_add_index(r, 1);
    for (nm_cell i = 0; i < 100; i++)
        nm_rel_insert(r, (nm_cell[]){i % 3, i}, NULL);
    nm_rel_clear(r);
    cr_assert_eq(nm_rel_size(r), 0);
    cr_assert_not(nm_rel_contains(r, (nm_cell[]){0, 0}));
    nm_rel_insert(r, (nm_cell[]){2, 5}, NULL);
    nm_rel_insert(r, (nm_cell[]){2, 6}, NULL);
    check_lookup(r, idx, 1, (nm_cell[]){2}, 0, r->n);
    check_lookup(r, idx, 1, (nm_cell[]){0}, 0, r->n);
}

/* A set grown wide by one large group, then cleared for many small ones (an
 * aggregate's scratch set): clearing slot by slot must leave no row behind, also in
 * long runs of occupied slots — the values are chosen so that their home slots fall
 * in two narrow windows, one of them wrapping around the end of the table. */
Test(rel, clearing_a_wide_set_with_few_rows_leaves_it_empty)
{
    nm_rel *r = nm_rel_new("agg", 1);
    for (nm_cell i = 0; i < 20000; i++)
        nm_rel_insert(r, &i, NULL);
    uint32_t mask = r->set_mask;
    enum { POOL = 120 };
    nm_cell pool[POOL];
    int np = 0;
    for (nm_cell v = 100000; np < POOL; v++) {
        uint32_t home = nm_rel_hash(&v, 1) & mask;
        if ((home >= 100 && home < 108) || home >= mask - 3 || home < 4)
            pool[np++] = v;
    }
    for (int round = 0; round < 500; round++) {
        nm_rel_clear(r);
        bool in[POOL] = {false};
        int m = 1 + (int)(rnd() % POOL);
        for (int i = 0; i < m; i++) {
            int k = (int)(rnd() % POOL);
            in[k] = true;
            nm_rel_insert(r, &pool[k], NULL);
        }
        for (int k = 0; k < POOL; k++)
            cr_assert_eq(nm_rel_contains(r, &pool[k]), in[k], "round %d: value %llu", round,
                         (unsigned long long)pool[k]);
    }
    nm_rel_clear(r);
    for (nm_cell i = 0; i < 20000; i++)
        cr_assert_not(nm_rel_contains(r, &i), "%llu left after the clear", (unsigned long long)i);
    for (int k = 0; k < POOL; k++)
        cr_assert_not(nm_rel_contains(r, &pool[k]));
}

static int by_second_desc(void *ctx, const nm_cell *a, const nm_cell *b, int arity)
{
    (void)ctx;
    (void)arity;
    return (a[1] < b[1]) - (a[1] > b[1]);
}

Test(rel, sorted_is_a_stable_permutation)
{
    nm_rel *r = nm_rel_new("r", 2);
    for (nm_cell i = 0; i < 1000; i++)
        nm_rel_insert(r, (nm_cell[]){i, i % 10}, NULL);
    nm_row *order = nm_rel_sorted(r, by_second_desc, NULL);
    for (int i = 1; i < 1000; i++) {
        const nm_cell *p = nm_rel_row(r, order[i - 1]), *q = nm_rel_row(r, order[i]);
        cr_assert(p[1] > q[1] || (p[1] == q[1] && order[i - 1] < order[i]));
    }
    cr_assert_eq(nm_rel_row(r, 5)[0], 5, "sorting does not move rows");
}

Test(rel, provenance_parallel_array)
{
    nm_rel *r = nm_rel_new("r", 1);
    nm_rel_insert(r, (nm_cell[]){1}, NULL);
    nm_rel_enable_prov(r);
    cr_assert_eq(nm_rel_prov_rule(r, 0), UINT32_MAX, "existing rows are facts");
    for (nm_cell i = 2; i < 100; i++) {
        nm_row row;
        nm_rel_insert(r, &i, &row);
        nm_rel_set_prov(r, row, (uint32_t)i, (uint32_t)i * 2);
    }
    cr_assert_eq(nm_rel_prov_rule(r, 50), 51);
    cr_assert_eq(nm_rel_prov_height(r, 50), 102);
}

/* The design bound: at most 32 bytes per stored tuple per index, even when every
 * key is distinct, at every size (the doubling points are the worst case). */
Test(rel, index_bytes_per_tuple)
{
    for (int n = 1000; n <= 300000; n = n * 3 / 2) {
        nm_rel *plain = nm_rel_new("p", 2), *indexed = nm_rel_new("i", 2);
        nm_rel_add_index(indexed, 1);
        for (int i = 0; i < n; i++) {
            nm_cell t[2] = {(nm_cell)i, (nm_cell)i};
            nm_rel_insert(plain, t, NULL);
            nm_rel_insert(indexed, t, NULL);
        }
        double per = (double)(nm_rel_bytes(indexed) - nm_rel_bytes(plain)) / n;
        cr_assert_leq(per, 32.0, "%d tuples: %.1f bytes per tuple for one index", n, per);
    }
}

/* n distinct tuples of arity 3 in an array with room for one more row, which holds
 * a sentinel: a relation sharing the first n rows must never write it. */
static nm_cell *distinct_rows(int n)
{
    nm_cell *cells = malloc(sizeof(nm_cell) * 3 * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        cells[3 * i] = (nm_cell)i;
        cells[3 * i + 1] = rnd() % 50;
        cells[3 * i + 2] = rnd() % 7;
    }
    cells[3 * n] = cells[3 * n + 1] = cells[3 * n + 2] = 777;
    return cells;
}

Test(rel, share_rows_reads_in_place_as_inserting_would)
{
    const int n = 100000;
    nm_cell *cells = distinct_rows(n);
    nm_rel *shared = nm_rel_new("s", 3), *inserted = nm_rel_new("i", 3);
    int idx = nm_rel_add_index(shared, 2);           /* defined before the rows come */
    nm_rel_enable_prov(shared);
    for (int i = 0; i < n; i++)
        nm_rel_insert(inserted, cells + 3 * i, NULL);
    cr_assert(nm_rel_share_rows(shared, cells, (size_t)n));
    cr_assert_eq(nm_rel_size(shared), (nm_row)n);
    cr_assert_eq(nm_rel_row(shared, 0), cells, "the rows are read in place");
    for (int i = 0; i < n; i += 97) {
        cr_assert_eq(nm_rel_find(shared, cells + 3 * i), (nm_row)i, "row ids are array positions");
        cr_assert_eq(nm_rel_prov_rule(shared, (nm_row)i), UINT32_MAX, "shared rows are facts");
        cr_assert_eq(nm_rel_prov_height(shared, (nm_row)i), 0);
    }
    cr_assert_not(nm_rel_contains(shared, (nm_cell[]){(nm_cell)n, 0, 0}));
    for (int q = 0; q < 50; q++)
        check_lookup(shared, idx, 2, (nm_cell[]){rnd() % 52}, 0, shared->n);
    int late = nm_rel_add_index(shared, 5);          /* and after */
    check_lookup(shared, late, 5, (nm_cell[]){3, 4}, 0, shared->n);

    /* the first insert moves the rows to an array of the relation's own */
    nm_cell fresh[3] = {(nm_cell)n, 1, 2};
    nm_row row;
    cr_assert(nm_rel_insert(shared, fresh, &row));
    cr_assert_eq(row, (nm_row)n);
    cr_assert(cells[3 * n] == 777 && cells[3 * n + 1] == 777 && cells[3 * n + 2] == 777,
              "an insert wrote into the shared array");
    cr_assert_neq(nm_rel_row(shared, 0), cells);
    cr_assert_not(nm_rel_insert(shared, cells + 3 * 5, NULL), "old rows are still found");
    cr_assert_eq(nm_rel_find(shared, fresh), (nm_row)n);
    cr_assert_eq(nm_rel_prov_rule(shared, 7), UINT32_MAX);
    check_lookup(shared, idx, 2, (nm_cell[]){1}, 0, shared->n);
    cr_assert_eq(nm_rel_size(inserted), (nm_row)n);
    for (int i = 0; i < n; i += 101)
        cr_assert_arr_eq(nm_rel_row(shared, (nm_row)i), nm_rel_row(inserted, (nm_row)i),
                         sizeof(nm_cell) * 3);
    free(cells);
}

Test(rel, share_rows_refuses_repeats_and_nonempty_relations)
{
    const int n = 5000;
    nm_cell *cells = distinct_rows(n);
    cells[3 * (n - 1)] = cells[3 * 17];     /* the last row repeats row 17 */
    cells[3 * (n - 1) + 1] = cells[3 * 17 + 1];
    cells[3 * (n - 1) + 2] = cells[3 * 17 + 2];
    nm_rel *r = nm_rel_new("r", 3);
    cr_assert_not(nm_rel_share_rows(r, cells, (size_t)n));
    cr_assert_eq(nm_rel_size(r), 0, "a refused share leaves the relation empty");
    cr_assert_not(nm_rel_contains(r, cells), "and its set empty");
    cr_assert(nm_rel_share_rows(r, cells, (size_t)n - 1), "without the repeat it shares");
    cr_assert_not(nm_rel_share_rows(r, cells, 3), "a relation with rows does not share");
    cr_assert_eq(nm_rel_size(r), (nm_row)n - 1);

    nm_rel *small = nm_rel_new("small", 3);     /* the repeat found in a set of 32 slots */
    cr_assert_not(nm_rel_share_rows(small, (nm_cell[]){1, 2, 3, 4, 5, 6, 1, 2, 3}, 3));
    cr_assert_not(nm_rel_contains(small, (nm_cell[]){1, 2, 3}));
    cr_assert(nm_rel_insert(small, (nm_cell[]){1, 2, 3}, NULL));

    nm_rel *zero = nm_rel_new("zero", 0);
    cr_assert_not(nm_rel_share_rows(zero, cells, 1));
    free(cells);
}

/* rel_remove in model.c empties a relation that may share an array and fills it
 * again: by sharing, never by inserting into the emptied relation. */
Test(rel, clear_then_share_again_leaves_the_old_array_alone)
{
    const int n = 3000;
    nm_cell *cells = distinct_rows(n), *copy = malloc(sizeof(nm_cell) * 3 * (size_t)n);
    memcpy(copy, cells, sizeof(nm_cell) * 3 * (size_t)n);
    nm_rel *r = nm_rel_new("r", 3), *other = nm_rel_new("o", 3);
    int idx = nm_rel_add_index(r, 1);
    cr_assert(nm_rel_share_rows(r, cells, (size_t)n));
    cr_assert(nm_rel_share_rows(other, cells, (size_t)n), "two relations share one array");

    nm_rel_clear(r);
    cr_assert(nm_rel_share_rows(r, copy + 3 * 10, 20), "a cleared relation shares again");
    cr_assert_eq(nm_rel_size(r), 20);
    cr_assert_eq(nm_rel_find(r, copy + 3 * 10), 0);
    cr_assert_eq(nm_rel_find(r, copy), NM_ROW_NONE);
    check_lookup(r, idx, 1, (nm_cell[]){15}, 0, r->n);

    nm_rel_clear(r);
    cr_assert(nm_rel_share_rows(r, NULL, 0), "no rows: an empty array of its own");
    for (int i = 0; i < 40; i++)
        cr_assert(nm_rel_insert(r, (nm_cell[]){9000 + (nm_cell)i, 1, 1}, NULL));
    check_lookup(r, idx, 1, (nm_cell[]){9003}, 0, r->n);
    cr_assert_arr_eq(cells, copy, sizeof(nm_cell) * 3 * (size_t)n, "the shared rows changed");
    cr_assert_eq(nm_rel_size(other), (nm_row)n);
    cr_assert_eq(nm_rel_find(other, (nm_cell[]){9000, 1, 1}), NM_ROW_NONE);
    cr_assert_eq(nm_rel_find(other, cells + 3 * 2999), 2999);
    free(cells);
    free(copy);
}

/* Sharing builds no dedup set and no provenance entries for the shared rows (they
 * are input facts): the set comes with the first find or insert, and provenance
 * entries only for rows inserted after. */
Test(rel, share_rows_defers_the_set_and_stores_no_provenance_for_facts)
{
    const int n = 50000;
    nm_cell *cells = distinct_rows(n);
    nm_rel *r = nm_rel_new("r", 3);
    nm_rel_enable_prov(r);
    cr_assert(nm_rel_share_rows(r, cells, (size_t)n));
    size_t shared = nm_rel_bytes(r);
    cr_assert_lt(shared, sizeof(nm_cell) * 3 * (size_t)n + 1024,
                 "%zu bytes: no set, no provenance beside the rows", shared);
    cr_assert_eq(nm_rel_find(r, cells + 3 * 31337), 31337, "the first find builds the set");
    cr_assert_eq(nm_rel_find(r, (nm_cell[]){(nm_cell)n, 0, 0}), NM_ROW_NONE);
    cr_assert_gt(nm_rel_bytes(r), shared + 8 * (size_t)n, "the set is there now");
    for (int i = 0; i < n; i += 13)
        cr_assert_not(nm_rel_insert(r, cells + 3 * i, NULL), "row %d inserted again", i);
    nm_row row;
    cr_assert(nm_rel_insert(r, (nm_cell[]){(nm_cell)n, 1, 1}, &row));
    nm_rel_set_prov(r, row, 4, 2);
    cr_assert_eq(nm_rel_prov_rule(r, row), 4);
    cr_assert_eq(nm_rel_prov_height(r, row), 2);
    cr_assert_eq(nm_rel_prov_rule(r, (nm_row)n - 1), UINT32_MAX);
    nm_rel_set_prov(r, 17, 3, 1);   /* an input fact keeps its entry: nothing beats it */
    cr_assert_eq(nm_rel_prov_rule(r, 17), UINT32_MAX);
    cr_assert_eq(nm_rel_prov_rule(r, row), 4, "and nothing else moved");
    cr_assert(cells[3 * n] == 777, "an insert wrote into the shared array");

    nm_rel *late = nm_rel_new("late", 1);   /* provenance enabled on rows already there */
    for (nm_cell i = 0; i < 1000; i++)
        nm_rel_insert(late, &i, NULL);
    size_t before = nm_rel_bytes(late);
    nm_rel_enable_prov(late);
    cr_assert_lt(nm_rel_bytes(late), before + 8 * 100, "entries only for rows to come");
    nm_rel_clear(late);     /* then every row after a clear has its entry */
    for (nm_cell i = 0; i < 2000; i++) {
        nm_rel_insert(late, &i, &row);
        nm_rel_set_prov(late, row, (uint32_t)i, 1);
    }
    cr_assert_eq(nm_rel_prov_rule(late, 1500), 1500);
    cr_assert_eq(nm_rel_prov_rule(late, 3), 3);
    free(cells);
}
