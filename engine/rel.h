/* rel.h — relations: the tuple store the evaluator joins over (plan → eval → explain).
 * A relation is a set of fixed-arity tuples of cells kept in one flat, pointer-free
 * array, deduplicated by an open-addressing hash set of row ids, with secondary hash
 * indexes on column subsets. Row ids are dense, stable and in insertion order, so a
 * row range [lo, hi) is a version of the relation (semi-naive: old, delta, full). */
#ifndef NM_REL_H
#define NM_REL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A value interned to a fixed-width cell (the value layer defines what it means;
 * this layer only compares cells for equality and hashes them). */
typedef uint64_t nm_cell;    /* the same typedef as value.h */
/* A row id: the position of a tuple in its relation, in insertion order. */
typedef uint32_t nm_row;
#define NM_ROW_NONE UINT32_MAX
/* Column subsets are bitmasks, so arity is bounded by the mask width. */
#define NM_REL_MAX_ARITY 64

/* One slot of an open-addressing table: the 32-bit hash of the tuple or key (so
 * probes and rehashing rarely touch the tuple array) and a row id (NM_ROW_NONE =
 * empty). Tables are atomic allocations: the collector never scans them. */
typedef struct nm_rel_slot {
    uint32_t hash;
    nm_row row;
} nm_rel_slot;

/* A secondary index on the columns in `mask` (key = those columns in ascending
 * order). Each distinct key has one slot holding the last row with that key; rows
 * with the same key form a circular list through next[] (next[last] = first), so
 * the rows of a key come out in ascending row order and appending is O(1).
 * Memory per stored tuple: 4 bytes in next[] (8 with the array's doubling slack)
 * plus one 8-byte slot per distinct key at load 3/8..3/4 (≤ 21.3 bytes): at most
 * about 29 bytes per tuple when every key is distinct, 8–12 when keys repeat. */
typedef struct nm_rel_index {
    uint64_t mask;
    int nkey;
    uint8_t cols[NM_REL_MAX_ARITY];
    nm_rel_slot *slots;
    uint32_t slot_mask;     /* capacity - 1 (a power of two) */
    uint32_t nkeys;         /* distinct keys stored */
    nm_row *next;           /* per row, capacity = relation capacity */
} nm_rel_index;

typedef struct nm_rel {
    const char *name;
    int arity;
    nm_row n, cap;          /* rows stored, rows allocated */
    nm_cell *cells;         /* n * arity cells, row-major; atomic */
    nm_rel_slot *set;       /* dedup set of rows, load ≤ 3/4; atomic; NULL until
                               first needed when the rows were shared (see below) */
    uint32_t set_mask;
    int nidx;
    nm_rel_index **idx;     /* scanned (holds pointers) */
    uint32_t *prov;         /* optional, 2 words per row from row prov_lo on: rule id,
                               proof height; rows below prov_lo are input facts */
    nm_row prov_lo;
    uint32_t prov_max;      /* no entry's height is above it (entries only go down once
                               set, so it stays a bound) */
} nm_rel;

/* Iterates the rows of one index key that fall in a row range [lo, hi). */
typedef struct nm_rel_iter {
    const nm_row *next;
    nm_row cur, last, lo, hi;
} nm_rel_iter;

/* A new empty relation. `name` is kept (not copied); arity 0..NM_REL_MAX_ARITY. */
nm_rel *nm_rel_new(const char *name, int arity);

/* Removes every row but keeps the allocations (used for aggregate scratch sets).
 * Indexes stay defined and become empty. */
void nm_rel_clear(nm_rel *r);

/* Makes room for n tuples in all (rows and the dedup set) so that inserting up to n
 * grows nothing — why: a fact file of millions of rows otherwise grows the relation
 * by doubling, copying it and rehashing each time. Indexes still grow as they fill. */
void nm_rel_reserve(nm_rel *r, size_t n);

/* Makes the empty relation r hold the n tuples at `cells` (row-major, tuple i = row
 * i) without copying them: r reads the array in place, and its capacity is n, so its
 * first insert moves the rows to an array of its own. Why: a fact file's rows are
 * already such an array, and copying millions of them into every run would hold
 * them twice. The caller keeps the array and must not change rows [0, n) while r
 * lives (rows after them may change). Builds the indexes r has as inserting the
 * tuples in order would; the rows are input facts to provenance. The dedup set is
 * built on the first insert or find, not here — why: rules mostly reach input
 * relations through indexes, and the set of a file of millions of rows was a tenth
 * of a screening run. False, with r unchanged, when r is not empty, has arity 0, n
 * is beyond what a relation holds, or two of the tuples are equal (or, rarely, may
 * be: see rel.c rows_distinct): then the caller inserts them. Never nm_rel_clear a
 * relation that shares an array and insert into it: the inserts would overwrite the
 * shared rows; share again instead (n may be 0: r then gets an empty array of its
 * own). */
bool nm_rel_share_rows(nm_rel *r, const nm_cell *cells, size_t n);

/* Inserts tuple t (arity cells, copied). Returns true when the tuple is new. When
 * `row` is not NULL it receives the tuple's row id (the new or the existing one).
 * Updates every index. Never fails: allocation failure aborts (see mem.h); callers
 * bound memory by bounding tuple counts. */
bool nm_rel_insert(nm_rel *r, const nm_cell *t, nm_row *row);

/* Inserts n tuples (row-major in `tuples`) as nm_rel_insert would, one after the
 * other, writing fresh[i] and rows[i]. Probes are issued in phases with prefetches
 * so the cache misses of the n probes overlap: derivations are buffered and
 * inserted through this in batches of about 32. */
void nm_rel_insert_batch(nm_rel *r, const nm_cell *tuples, int n, bool *fresh, nm_row *rows);

/* The row id of tuple t, or NM_ROW_NONE. */
nm_row nm_rel_find(const nm_rel *r, const nm_cell *t);
static inline bool nm_rel_contains(const nm_rel *r, const nm_cell *t)
{
    return nm_rel_find(r, t) != NM_ROW_NONE;
}

static inline nm_row nm_rel_size(const nm_rel *r) { return r->n; }

/* The cells of a row (valid until the next insert; rows never change). */
static inline const nm_cell *nm_rel_row(const nm_rel *r, nm_row row)
{
    return r->cells + (size_t)row * (size_t)r->arity;
}

/* The index on exactly the columns in `mask` (mask ≠ 0, within arity), created and
 * filled from the existing rows when absent. Returns its number in r->idx. */
int nm_rel_add_index(nm_rel *r, uint64_t mask);
/* The number of the index on exactly `mask`, or -1. */
int nm_rel_find_index(const nm_rel *r, uint64_t mask);

/* Starts iterating the rows of index `idx` whose key columns equal `key` (cells of
 * the key columns in ascending column order), restricted to rows in [lo, hi).
 * Rows come out in ascending order. Inserting into r while iterating is allowed:
 * rows inserted after the lookup are never returned. */
void nm_rel_lookup(const nm_rel *r, int idx, const nm_cell *key, nm_row lo, nm_row hi,
                   nm_rel_iter *it);

/* The next matching row, or NM_ROW_NONE when done. */
static inline nm_row nm_rel_iter_next(nm_rel_iter *it)
{
    while (it->cur != NM_ROW_NONE) {
        nm_row r = it->cur;
        it->cur = r == it->last ? NM_ROW_NONE : it->next[r];
        if (r >= it->hi) {
            it->cur = NM_ROW_NONE;
            return NM_ROW_NONE;
        }
        if (r >= it->lo)
            return r;
    }
    return NM_ROW_NONE;
}

/* A comparator over two tuples of the relation's arity (value order is the value
 * layer's business). Returns <0, 0, >0. */
typedef int (*nm_rel_cmp)(void *ctx, const nm_cell *a, const nm_cell *b, int arity);

/* The row ids of r sorted by cmp, ties by row id (so the result is deterministic
 * for any comparator). Returns a fresh atomic array of r->n rows; the relation
 * itself is not reordered, so row ids stay stable. */
nm_row *nm_rel_sorted(const nm_rel *r, nm_rel_cmp cmp, void *ctx);

/* Provenance: a parallel array of (rule id, proof height) per row, (UINT32_MAX, 0)
 * for an input fact. Rows present when it is enabled, and rows shared, are input
 * facts and take no room in it. */
void nm_rel_enable_prov(nm_rel *r);
/* The entry of a row ≥ r->prov_lo. */
static inline uint32_t *nm_rel_prov_at(const nm_rel *r, nm_row row)
{
    return r->prov + 2 * (size_t)(row - r->prov_lo);
}
/* Sets the entry of a row inserted after provenance was enabled; an input fact's
 * (below r->prov_lo) stays (UINT32_MAX, 0), which no derivation improves on. */
static inline void nm_rel_set_prov(nm_rel *r, nm_row row, uint32_t rule, uint32_t height)
{
    if (row < r->prov_lo)
        return;
    uint32_t *p = nm_rel_prov_at(r, row);
    p[0] = rule;
    p[1] = height;
    if (height > r->prov_max)
        r->prov_max = height;
}
static inline uint32_t nm_rel_prov_rule(const nm_rel *r, nm_row row)
{
    return r->prov && row >= r->prov_lo ? nm_rel_prov_at(r, row)[0] : UINT32_MAX;
}
static inline uint32_t nm_rel_prov_height(const nm_rel *r, nm_row row)
{
    return r->prov && row >= r->prov_lo ? nm_rel_prov_at(r, row)[1] : 0;
}

/* Bytes allocated for r's rows, set, indexes and provenance (for measurements). */
size_t nm_rel_bytes(const nm_rel *r);

/* The hash of a sequence of n cells, one step per cell (so that a key can be hashed
 * from a row's columns without gathering them first). */
static inline uint64_t nm_rel_hash_start(int n) { return 0x9e3779b97f4a7c15ull ^ (uint64_t)n; }
static inline uint64_t nm_rel_hash_step(uint64_t h, nm_cell c)
{
    h ^= c;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 31);
}
static inline uint64_t nm_rel_hash_end(uint64_t h)
{
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 29);
}

/* A 64-bit hash of n cells, whose low half is nm_rel_hash. */
static inline uint64_t nm_rel_hash64(const nm_cell *t, int n)
{
    uint64_t h = nm_rel_hash_start(n);
    for (int i = 0; i < n; i++)
        h = nm_rel_hash_step(h, t[i]);
    return nm_rel_hash_end(h);
}

/* The hash of n cells (the same function for tuples and index keys). */
static inline uint32_t nm_rel_hash(const nm_cell *t, int n)
{
    return (uint32_t)nm_rel_hash64(t, n);
}

#endif
