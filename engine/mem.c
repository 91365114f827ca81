/* mem.c — the allocation funnel over libgc (see mem.h): single objects, arenas, and
 * the small growable vector and buffer every stage uses. */
#include "mem.h"

#include <gc.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p, size_t size)
{
    if (!p && size) {
        fprintf(stderr, "norma: out of memory (allocating %zu bytes)\n", size);
        exit(3);
    }
    return p;
}

void *nm_alloc(size_t size) { return check(GC_MALLOC(size), size); }

void *nm_alloc_atomic(size_t size) { return check(GC_MALLOC_ATOMIC(size), size); }

void *nm_realloc(void *p, size_t size) { return check(GC_REALLOC(p, size), size); }

/* Chunks grow from 4 KB (a short input costs little) to 64 KB; the collector adds
 * a byte to each object, so a chunk asks for a granule less than the blocks it fills. */
enum { ARENA_FIRST = 4 << 10, ARENA_MAX = 64 << 10, ARENA_SLACK = 16 };

/* nm_arena_alloc when the current chunk is full (or there is none yet); `size` is
 * already rounded to the alignment. */
void *nm_arena_alloc_slow(nm_arena *a, size_t size)
{
    _Static_assert(alignof(max_align_t) <= 16, "nm_arena_alloc aligns to 16 bytes");
    static int interior = -1;
    if (interior < 0)
        interior = GC_get_all_interior_pointers();
    /* without interior pointers a chunk would die under its objects; a large object
     * would waste most of a chunk */
    if (!interior || size > ARENA_MAX / 8)
        return nm_alloc(size);
    a->chunk = a->chunk ? a->chunk * 2 : ARENA_FIRST;
    if (a->chunk > ARENA_MAX)
        a->chunk = ARENA_MAX;
    size_t n = a->chunk - ARENA_SLACK;
    a->next = nm_alloc(n);
    a->end = a->next + n;
    void *p = a->next;
    a->next += size;
    return p;
}

char *nm_strndup(const char *s, size_t n)
{
    char *r = nm_alloc_atomic(n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *nm_strdup(const char *s) { return nm_strndup(s, strlen(s)); }

char *nm_sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *r = nm_alloc_atomic((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(r, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return r;
}

void nm_vec_grow(nm_vec *v)
{
    int cap = v->cap ? v->cap * 2 : 8;
    void **items = nm_alloc(sizeof *items * (size_t)cap);
    if (v->n)
        memcpy(items, v->items, sizeof *items * (size_t)v->n);
    v->items = items;
    v->cap = cap;
}

static void buf_reserve(nm_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *data = nm_alloc_atomic(cap);
    if (b->len)
        memcpy(data, b->data, b->len);
    b->data = data;
    b->cap = cap;
}

void nm_buf_putn(nm_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void nm_buf_putc(nm_buf *b, char c) { nm_buf_putn(b, &c, 1); }

void nm_buf_puts(nm_buf *b, const char *s) { nm_buf_putn(b, s, strlen(s)); }

void nm_buf_printf(nm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

const char *nm_buf_str(nm_buf *b) { return b->data ? b->data : ""; }
