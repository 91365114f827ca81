/* mem.h — the one allocation funnel over libgc, used by every stage.
 * nm_alloc for structures that hold pointers (scanned by the collector),
 * nm_alloc_atomic for pointer-free bulk data (strings, tuple arrays, hash slots),
 * which the collector never scans. Both abort with a message on exhaustion. */
#ifndef NM_MEM_H
#define NM_MEM_H

#include <stddef.h>

void *nm_alloc(size_t size);                 /* zeroed, scanned */
void *nm_alloc_atomic(size_t size);          /* not zeroed, not scanned */
void *nm_realloc(void *p, size_t size);      /* keeps p's kind */
char *nm_strdup(const char *s);              /* atomic copy */
char *nm_strndup(const char *s, size_t n);   /* atomic copy of n bytes, NUL-terminated */
char *nm_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable array of pointers (scanned). */
typedef struct nm_vec {
    void **items;
    int n, cap;
} nm_vec;

void nm_vec_push(nm_vec *v, void *item);

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
