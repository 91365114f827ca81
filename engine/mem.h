/* mem.h — the one allocation funnel over libgc, used by every stage.
 * nm_alloc for structures that hold pointers (scanned by the collector),
 * nm_alloc_atomic for pointer-free bulk data (strings, tuple arrays, hash slots),
 * which the collector never scans; nm_arena for the many small objects of a syntax
 * tree or a checked program. All abort with a message on exhaustion. */
#ifndef NM_MEM_H
#define NM_MEM_H

#include <stddef.h>

void *nm_alloc(size_t size);                 /* zeroed, scanned */
void *nm_alloc_atomic(size_t size);          /* not zeroed, not scanned */
void *nm_realloc(void *p, size_t size);      /* keeps p's kind */
char *nm_strdup(const char *s);              /* atomic copy */
char *nm_strndup(const char *s, size_t n);   /* atomic copy of n bytes, NUL-terminated */
char *nm_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A region for many small objects that live and die together (a file's syntax tree,
 * a checked program): bump allocation from chunks of collected memory. Why: the
 * collector spends ~150 instructions on each small object and pads each with a byte
 * (for pointers just past the end) before rounding up to 16; for a 10,000-line file
 * that was 35 % of the instructions of `norma check`. An object keeps its whole chunk
 * alive (the collector recognises interior pointers), so a region's memory is
 * reclaimed once none of its objects is reachable. Start from a zeroed nm_arena;
 * objects are never freed or reallocated one by one. */
typedef struct nm_arena {
    char *next, *end;       /* the free part of the current chunk */
    size_t chunk;           /* size of the last chunk; they grow to a limit */
} nm_arena;

void *nm_arena_alloc_slow(nm_arena *a, size_t size);   /* a new chunk, or a lone object */

/* Zeroed, scanned, aligned for any type. */
static inline void *nm_arena_alloc(nm_arena *a, size_t size)
{
    size = size ? (size + 15) & ~(size_t)15 : 16;
    if (size <= (size_t)(a->end - a->next)) {
        void *p = a->next;
        a->next += size;
        return p;
    }
    return nm_arena_alloc_slow(a, size);
}

/* A growable array of pointers (scanned). `items` may start out as caller storage
 * of `cap` elements (a local array): growth copies into a new allocation and never
 * frees or reallocates the old items. */
typedef struct nm_vec {
    void **items;
    int n, cap;
} nm_vec;

void nm_vec_grow(nm_vec *v);                 /* doubles the capacity */

static inline void nm_vec_push(nm_vec *v, void *item)
{
    if (v->n == v->cap)
        nm_vec_grow(v);
    v->items[v->n++] = item;
}

/* A growable byte buffer (atomic), always NUL-terminated. */
typedef struct nm_buf {
    char *data;
    size_t len, cap;
} nm_buf;

void nm_buf_putc(nm_buf *b, char c);
void nm_buf_puts(nm_buf *b, const char *s);
void nm_buf_putn(nm_buf *b, const char *s, size_t n);
void nm_buf_printf(nm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *nm_buf_str(nm_buf *b);           /* "" for an empty buffer */

#endif
