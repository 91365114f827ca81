/* rel.c — relations: flat tuple arrays, the dedup hash set and secondary indexes
 * (see rel.h). Growth allocates a new block and copies, never realloc: an old block
 * stays valid (the collector keeps it while an iterator or a caller still points
 * into it), and rows below the old size never change, so readers are never torn. */
#define _GNU_SOURCE
#include "rel.h"

#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A pointer-free block for a relation's bulk arrays. Blocks of 4 MB and more are
 * advised into transparent huge pages (where the system allows it on request). */
static void *bulk_alloc(size_t size)
{
    void *p = nm_alloc_atomic(size);
    enum { HUGE = 2u << 20 };
    if (size >= 2 * HUGE) {
        uintptr_t lo = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
        uintptr_t hi = ((uintptr_t)p + size) & ~(uintptr_t)(HUGE - 1);
        if (hi > lo)
            madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
    return p;
}

static nm_rel_slot *slots_new(uint32_t cap)
{
    nm_rel_slot *s = bulk_alloc(sizeof *s * cap);
    memset(s, 0xff, sizeof *s * cap);
    return s;
}

nm_rel *nm_rel_new(const char *name, int arity)
{
    if (arity < 0 || arity > NM_REL_MAX_ARITY)
        abort();
    nm_rel *r = nm_alloc(sizeof *r);
    r->name = name;
    r->arity = arity;
    r->cap = 16;
    r->cells = nm_alloc_atomic(sizeof(nm_cell) * r->cap * (size_t)(arity ? arity : 1));
    r->set_mask = 31;
    r->set = slots_new(r->set_mask + 1);
    return r;
}

/* Empties the set slot by slot when it holds few rows for its size — why: an
 * aggregate's scratch set is cleared for every group, and one large group left it
 * thousands of slots wide. From each row's home slot, every slot up to an empty one
 * is emptied: that clears the rest of the home's run of occupied slots, so a row
 * whose run an earlier walk cut short had its slot cleared by that walk already. */
static void set_clear(nm_rel *r)
{
    size_t slots = (size_t)r->set_mask + 1;
    if ((size_t)r->n * 8 >= slots) {
        memset(r->set, 0xff, sizeof *r->set * slots);
        return;
    }
    for (nm_row i = 0; i < r->n; i++)
        for (uint32_t j = nm_rel_hash(nm_rel_row(r, i), r->arity) & r->set_mask;
             r->set[j].row != NM_ROW_NONE; j = (j + 1) & r->set_mask)
            r->set[j].row = NM_ROW_NONE;
}

void nm_rel_clear(nm_rel *r)
{
    if (r->set)
        set_clear(r);
    r->n = 0;
    if (r->prov && r->prov_lo) {    /* every row to come has an entry */
        r->prov = bulk_alloc(sizeof *r->prov * 2 * r->cap);
        r->prov_lo = 0;
    }
    for (int i = 0; i < r->nidx; i++) {
        nm_rel_index *x = r->idx[i];
        memset(x->slots, 0xff, sizeof *x->slots * ((size_t)x->slot_mask + 1));
        x->nkeys = 0;
    }
}

static inline bool tuple_eq(const nm_cell *a, const nm_cell *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* A copy of an open-addressing table with cap slots (a power of two, larger),
 * reinserting by stored hash only. */
static nm_rel_slot *slots_resize(const nm_rel_slot *old, uint32_t old_mask, uint32_t cap,
                                 uint32_t *mask)
{
    if (cap == 0)
        abort();
    nm_rel_slot *s = slots_new(cap);
    for (uint32_t i = 0; i <= old_mask; i++) {
        if (old[i].row == NM_ROW_NONE)
            continue;
        uint32_t j = old[i].hash & (cap - 1);
        while (s[j].row != NM_ROW_NONE)
            j = (j + 1) & (cap - 1);
        s[j] = old[i];
    }
    *mask = cap - 1;
    return s;
}

/* Doubles an open-addressing table. */
static nm_rel_slot *slots_grow(const nm_rel_slot *old, uint32_t old_mask, uint32_t *mask)
{
    return slots_resize(old, old_mask, (old_mask + 1) * 2, mask);
}

/* Moves the rows (and each index's next[] and the provenance) to arrays of cap rows. */
static void rows_resize(nm_rel *r, nm_row cap)
{
    size_t w = (size_t)(r->arity ? r->arity : 1);
    nm_cell *cells = bulk_alloc(sizeof(nm_cell) * cap * w);
    memcpy(cells, r->cells, sizeof(nm_cell) * r->n * (size_t)r->arity);
    r->cells = cells;
    for (int i = 0; i < r->nidx; i++) {
        nm_rel_index *x = r->idx[i];
        nm_row *next = bulk_alloc(sizeof *next * cap);
        memcpy(next, x->next, sizeof *next * r->n);
        x->next = next;
    }
    if (r->prov) {
        uint32_t *prov = bulk_alloc(sizeof *prov * 2 * (cap - r->prov_lo));
        memcpy(prov, r->prov, sizeof *prov * 2 * (r->n - r->prov_lo));
        r->prov = prov;
    }
    r->cap = cap;
}

static void rows_grow(nm_rel *r)
{
    if (r->cap >= UINT32_MAX / 2)
        abort();
    rows_resize(r, r->cap * 2);
}

/* Builds the dedup set of a relation whose rows were shared (they are distinct). */
static void build_set(nm_rel *r)
{
    uint32_t cap = 32;
    while ((uint64_t)r->n * 4 > (uint64_t)cap * 3)
        cap *= 2;
    nm_rel_slot *set = slots_new(cap);
    uint32_t mask = cap - 1;
    int k = r->arity;
    enum { AHEAD = 16 };    /* row i + AHEAD is hashed and its slot fetched at row i */
    uint32_t ring[AHEAD];
    for (nm_row i = 0; i < r->n && i < AHEAD; i++) {
        ring[i] = nm_rel_hash(nm_rel_row(r, i), k);
        __builtin_prefetch(&set[ring[i] & mask], 1);
    }
    for (nm_row i = 0; i < r->n; i++) {
        uint32_t h = ring[i % AHEAD], j = h & mask;
        if (i + AHEAD < r->n) {
            ring[i % AHEAD] = nm_rel_hash(nm_rel_row(r, i + AHEAD), k);
            __builtin_prefetch(&set[ring[i % AHEAD] & mask], 1);
        }
        while (set[j].row != NM_ROW_NONE)
            j = (j + 1) & mask;
        set[j].hash = h;
        set[j].row = i;
    }
    r->set = set;
    r->set_mask = mask;
}

static inline void need_set(const nm_rel *r)
{
    if (__builtin_expect(r->set == NULL, 0))
        build_set((nm_rel *)r);     /* logically const: the set only caches the rows */
}

void nm_rel_reserve(nm_rel *r, size_t n)
{
    need_set(r);
    if (n >= UINT32_MAX / 2)
        return;     /* growth aborts there anyway; not a reason to allocate now */
    nm_row cap = r->cap;
    while (cap < n)
        cap *= 2;
    if (cap > r->cap)
        rows_resize(r, cap);
    uint32_t slots = r->set_mask + 1;
    while ((uint64_t)n * 4 > (uint64_t)slots * 3)
        slots *= 2;
    if (slots > r->set_mask + 1)
        r->set = slots_resize(r->set, r->set_mask, slots, &r->set_mask);
}

/* nm_rel_hash of the key columns of a row, read in place. */
static inline uint32_t key_hash(const nm_rel_index *x, const nm_cell *row)
{
    uint64_t h = nm_rel_hash_start(x->nkey);
    for (int i = 0; i < x->nkey; i++)
        h = nm_rel_hash_step(h, row[x->cols[i]]);
    return (uint32_t)nm_rel_hash_end(h);
}

static inline bool key_eq(const nm_rel_index *x, const nm_cell *row, const nm_cell *key)
{
    for (int i = 0; i < x->nkey; i++)
        if (row[x->cols[i]] != key[i])
            return false;
    return true;
}

static inline bool row_key_eq(const nm_rel_index *x, const nm_cell *a, const nm_cell *b)
{
    for (int i = 0; i < x->nkey; i++)
        if (a[x->cols[i]] != b[x->cols[i]])
            return false;
    return true;
}

/* Appends row `row` (already stored in r->cells) to index x. */
static void index_add(nm_rel *r, nm_rel_index *x, nm_row row)
{
    if (((uint64_t)x->nkeys + 1) * 4 > ((uint64_t)x->slot_mask + 1) * 3)
        x->slots = slots_grow(x->slots, x->slot_mask, &x->slot_mask);
    const nm_cell *t = nm_rel_row(r, row);
    uint32_t h = key_hash(x, t);
    uint32_t j = h & x->slot_mask;
    for (;;) {
        nm_rel_slot s = x->slots[j];
        if (s.row == NM_ROW_NONE) {
            x->slots[j].hash = h;
            x->slots[j].row = row;
            x->next[row] = row;
            x->nkeys++;
            return;
        }
        if (s.hash == h && row_key_eq(x, nm_rel_row(r, s.row), t)) {
            x->next[row] = x->next[s.row];
            x->next[s.row] = row;
            x->slots[j].row = row;
            return;
        }
        j = (j + 1) & x->slot_mask;
    }
}

/* Appends tuple t (hash h, absent from the set) as a new row, its set entry at the
 * empty slot j. Returns the row id. */
static nm_row append_new(nm_rel *r, const nm_cell *t, uint32_t h, uint32_t j)
{
    int k = r->arity;
    if (r->n == r->cap)
        rows_grow(r);
    nm_row id = r->n++;
    if (k)
        memcpy(r->cells + (size_t)id * (size_t)k, t, sizeof(nm_cell) * (size_t)k);
    r->set[j].hash = h;
    r->set[j].row = id;
    if (((uint64_t)r->n) * 4 > ((uint64_t)r->set_mask + 1) * 3)
        r->set = slots_grow(r->set, r->set_mask, &r->set_mask);
    for (int i = 0; i < r->nidx; i++)
        index_add(r, r->idx[i], id);
    if (r->prov)
        nm_rel_set_prov(r, id, UINT32_MAX, 0);
    return id;
}

/* Probes the set for tuple t of k cells with hash h: its row (*row) and true when
 * present, else false and *slot = the empty slot where it would go. Inlined with a
 * constant k where that matters (arity 2: closures and most derived relations). */
static inline __attribute__((always_inline)) bool probe(const nm_rel *r, const nm_cell *t,
                                                        int k, uint32_t h, nm_row *row,
                                                        uint32_t *slot)
{
    uint32_t j = h & r->set_mask;
    for (;;) {
        nm_rel_slot s = r->set[j];
        if (s.row == NM_ROW_NONE) {
            *slot = j;
            return false;
        }
        if (s.hash == h && tuple_eq(nm_rel_row(r, s.row), t, k)) {
            *row = s.row;
            return true;
        }
        j = (j + 1) & r->set_mask;
    }
}

static bool insert_hashed(nm_rel *r, const nm_cell *t, uint32_t h, nm_row *row)
{
    nm_row found;
    uint32_t j;
    if (probe(r, t, r->arity, h, &found, &j)) {
        if (row)
            *row = found;
        return false;
    }
    nm_row id = append_new(r, t, h, j);
    if (row)
        *row = id;
    return true;
}

bool nm_rel_insert(nm_rel *r, const nm_cell *t, nm_row *row)
{
    need_set(r);
    return insert_hashed(r, t, nm_rel_hash(t, r->arity), row);
}

/* nm_rel_insert_batch for k cells per tuple (a constant where inlined). */
static inline __attribute__((always_inline)) void insert_batch_k(nm_rel *r, const nm_cell *tuples,
                                                                 int n, int k, bool *fresh,
                                                                 nm_row *rows)
{
    enum { CHUNK = 64 };
    uint32_t h[CHUNK];
    for (int base = 0; base < n; base += CHUNK) {
        int m = n - base < CHUNK ? n - base : CHUNK;
        const nm_cell *t = tuples + (size_t)base * (size_t)k;
        for (int i = 0; i < m; i++) {
            h[i] = nm_rel_hash(t + (size_t)i * (size_t)k, k);
            __builtin_prefetch(&r->set[h[i] & r->set_mask]);
        }
        for (int i = 0; i < m; i++) {
            nm_rel_slot s = r->set[h[i] & r->set_mask];
            if (s.row != NM_ROW_NONE && s.hash == h[i])
                __builtin_prefetch(r->cells + (size_t)s.row * (size_t)k);
        }
        for (int i = 0; i < m; i++) {
            const nm_cell *ti = t + (size_t)i * (size_t)k;
            uint32_t j;
            fresh[base + i] = !probe(r, ti, k, h[i], &rows[base + i], &j);
            if (fresh[base + i])
                rows[base + i] = append_new(r, ti, h[i], j);
        }
    }
}

void nm_rel_insert_batch(nm_rel *r, const nm_cell *tuples, int n, bool *fresh, nm_row *rows)
{
    need_set(r);
    if (r->arity == 2)
        insert_batch_k(r, tuples, n, 2, fresh, rows);
    else
        insert_batch_k(r, tuples, n, r->arity, fresh, rows);
}

nm_row nm_rel_find(const nm_rel *r, const nm_cell *t)
{
    need_set(r);
    int k = r->arity;
    uint32_t h = nm_rel_hash(t, k);
    uint32_t j = h & r->set_mask;
    for (;;) {
        nm_rel_slot s = r->set[j];
        if (s.row == NM_ROW_NONE)
            return NM_ROW_NONE;
        if (s.hash == h && tuple_eq(nm_rel_row(r, s.row), t, k))
            return s.row;
        j = (j + 1) & r->set_mask;
    }
}

int nm_rel_find_index(const nm_rel *r, uint64_t mask)
{
    for (int i = 0; i < r->nidx; i++)
        if (r->idx[i]->mask == mask)
            return i;
    return -1;
}

int nm_rel_add_index(nm_rel *r, uint64_t mask)
{
    int found = nm_rel_find_index(r, mask);
    if (found >= 0)
        return found;
    if (mask == 0 || (r->arity < 64 && (mask >> r->arity) != 0))
        abort();
    nm_rel_index *x = nm_alloc(sizeof *x);
    x->mask = mask;
    for (int c = 0; c < r->arity; c++)
        if (mask & ((uint64_t)1 << c))
            x->cols[x->nkey++] = (uint8_t)c;
    /* Sized for the rows' keys up to 65,536 of them, then grown as keys come: an
     * index on a column that repeats (a fact file's provider) has few keys, and a
     * table sized for millions of rows was tens of MB of memset and page faults. */
    enum { FIRST_KEYS = 1 << 16 };
    uint64_t guess = r->n < FIRST_KEYS ? r->n : FIRST_KEYS;
    uint32_t cap = 16;
    while ((uint64_t)cap * 3 < guess * 4 + 4)
        cap *= 2;
    x->slots = slots_new(cap);
    x->slot_mask = cap - 1;
    x->next = bulk_alloc(sizeof *x->next * r->cap);
    for (nm_row i = 0; i < r->n; i++)
        index_add(r, x, i);
    nm_rel_index **idx = nm_alloc(sizeof *idx * (size_t)(r->nidx + 1));
    if (r->nidx)
        memcpy(idx, r->idx, sizeof *idx * (size_t)r->nidx);
    idx[r->nidx] = x;
    r->idx = idx;
    return r->nidx++;
}

void nm_rel_lookup(const nm_rel *r, int idx, const nm_cell *key, nm_row lo, nm_row hi,
                   nm_rel_iter *it)
{
    const nm_rel_index *x = r->idx[idx];
    uint32_t h = nm_rel_hash(key, x->nkey);
    uint32_t j = h & x->slot_mask;
    it->next = x->next;
    it->lo = lo;
    it->hi = hi;
    it->cur = NM_ROW_NONE;
    for (;;) {
        nm_rel_slot s = x->slots[j];
        if (s.row == NM_ROW_NONE)
            return;
        if (s.hash == h && key_eq(x, nm_rel_row(r, s.row), key)) {
            it->last = s.row;
            it->cur = x->next[s.row];
            return;
        }
        j = (j + 1) & x->slot_mask;
    }
}

typedef struct sort_ctx {
    const nm_rel *r;
    nm_rel_cmp cmp;
    void *ctx;
} sort_ctx;

static int sort_cmp(const void *a, const void *b, void *p)
{
    const sort_ctx *s = p;
    nm_row x = *(const nm_row *)a, y = *(const nm_row *)b;
    int c = s->cmp(s->ctx, nm_rel_row(s->r, x), nm_rel_row(s->r, y), s->r->arity);
    if (c)
        return c;
    return (x > y) - (x < y);
}

nm_row *nm_rel_sorted(const nm_rel *r, nm_rel_cmp cmp, void *ctx)
{
    nm_row *rows = nm_alloc_atomic(sizeof *rows * (r->n ? r->n : 1));
    for (nm_row i = 0; i < r->n; i++)
        rows[i] = i;
    sort_ctx s = {r, cmp, ctx};
    qsort_r(rows, r->n, sizeof *rows, sort_cmp, &s);
    return rows;
}

void nm_rel_enable_prov(nm_rel *r)
{
    if (r->prov)
        return;
    r->prov_lo = r->n;
    r->prov = bulk_alloc(sizeof *r->prov * 2 * (r->cap - r->prov_lo + 1));
}

size_t nm_rel_bytes(const nm_rel *r)
{
    size_t b = sizeof *r + sizeof(nm_cell) * (size_t)r->cap * (size_t)r->arity
             + (r->set ? sizeof(nm_rel_slot) * ((size_t)r->set_mask + 1) : 0);
    for (int i = 0; i < r->nidx; i++)
        b += sizeof *r->idx[i] + sizeof(nm_row) * (size_t)r->cap
           + sizeof(nm_rel_slot) * ((size_t)r->idx[i]->slot_mask + 1);
    if (r->prov)
        b += sizeof *r->prov * 2 * (size_t)(r->cap - r->prov_lo);
    return b;
}

/* Whether the n rows of k cells at `cells` are surely distinct: false when two are
 * equal, and also when two unequal rows near each other in the table have the same
 * 31-bit fingerprint (for n rows, about n / 2^30 of the time: 0.6 % at 6,000,000). Why not the relation's set: a table of 4-byte
 * fingerprints, dropped after, is half the memory and needs no tuple compares; the
 * set is built later if ever needed (build_set). The home slot comes from the low
 * half of the hash (nm_rel_hash), the fingerprint is the high half (0 = empty). */
static bool rows_distinct(const nm_cell *cells, size_t n, int k)
{
    uint64_t cap = 16;
    while ((uint64_t)n * 4 > cap * 3)
        cap *= 2;
    size_t bytes = sizeof(uint32_t) * cap;
    /* fresh pages from the system come zeroed: no memset of tens of MB */
    uint32_t *fp = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fp == MAP_FAILED)
        return false;
    if (bytes >= (4u << 20))
        madvise(fp, bytes, MADV_HUGEPAGE);
    /* Row i + AHEAD is hashed and its slot fetched while row i is placed — why: the
     * table of a large file is far larger than the caches, and only so do the misses
     * of many rows overlap. */
    enum { AHEAD = 32 };
    uint64_t h[AHEAD];
    uint32_t mask = (uint32_t)(cap - 1);
    bool distinct = true;
    for (size_t i = 0; i < n && i < AHEAD; i++) {
        h[i] = nm_rel_hash64(cells + i * (size_t)k, k);
        __builtin_prefetch(&fp[h[i] & mask], 1);
    }
    for (size_t i = 0; i < n && distinct; i++) {
        uint64_t hi = h[i % AHEAD];
        if (i + AHEAD < n) {
            uint64_t ahead = nm_rel_hash64(cells + (i + AHEAD) * (size_t)k, k);
            h[i % AHEAD] = ahead;
            __builtin_prefetch(&fp[ahead & mask], 1);
        }
        uint32_t f = (uint32_t)(hi >> 32) | 1, j = (uint32_t)hi & mask;
        for (; fp[j] != 0; j = (j + 1) & mask)
            if (fp[j] == f) {
                distinct = false;
                break;
            }
        fp[j] = f;
    }
    munmap(fp, bytes);
    return distinct;
}

bool nm_rel_share_rows(nm_rel *r, const nm_cell *cells, size_t n)
{
    if (r->n != 0 || r->arity == 0 || n >= UINT32_MAX / 2)
        return false;
    if (n == 0) {   /* storage of its own again, in case r shared an array before */
        rows_resize(r, 16);
        return true;
    }
    int k = r->arity;
    if (!rows_distinct(cells, n, k))
        return false;
    r->set = NULL;
    /* next[] stays r's own, with room for r->cap rows */
    if (r->cap < n)
        for (int i = 0; i < r->nidx; i++)
            r->idx[i]->next = bulk_alloc(sizeof(nm_row) * n);
    r->cells = (nm_cell *)cells;
    r->n = r->cap = (nm_row)n;
    if (r->prov) {  /* the rows are input facts: entries only for rows to come */
        r->prov_lo = r->n;
        r->prov = bulk_alloc(sizeof *r->prov * 2);
    }
    for (int i = 0; i < r->nidx; i++)
        for (nm_row row = 0; row < r->n; row++)
            index_add(r, r->idx[i], row);
    return true;
}
