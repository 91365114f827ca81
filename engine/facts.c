/* facts.c — fact files ([cli.facts]): reads PRED.tsv, PRED.csv and PRED.jsonl from a
 * directory after check, converts every field to a cell by the declared type of its
 * column (rejecting, never coercing, a bad field), and keeps the rows as flat cell
 * arrays that each run's relations share in place, or copy (facts.h).
 * The TSV path is the fast one: one read of the whole file, fields split in place,
 * no allocation per field, cells interned directly through the value layer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gc.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "date.h"
#include "engine_int.h"
#include "facts.h"
#include "num.h"
#include "value.h"

#define MAX_ERRORS_PER_FILE 10
#define MAX_OPEN_DOMAIN 10000000    /* as in lower.c: possible atoms of one open predicate */
#define PROGRESS_MIN_BYTES (8u << 20)
#define NAME_MAX_CACHED 40          /* names up to this many bytes are cached per column */
/* Direct-mapped, 56 bytes a slot: at most 16384 slots (900 KB) a name column, fewer for
 * a small file (one slot per 16 bytes of text, at least 64) — why: a REPL or a test
 * loads many small files, and a full cache each time would be most of their memory. */
#define NAME_CACHE_SLOTS (1u << 14)
#define NAME_CACHE_MIN_SLOTS 64u

/* Pseudo-predicates of the party files Person.tsv and Unit.tsv. */
enum { PARTY_PERSON = -2, PARTY_UNIT = -3 };

/* The rows of one predicate: arity cells per row, pointer-free. */
typedef struct table {
    int pred;
    int arity;
    nm_cell *rows;          /* stated true */
    size_t n, cap;
    nm_cell *frows;         /* stated false (`truth` false) */
    size_t nf, capf;
} table;

struct nm_factset {
    nm_vec tables;          /* table*, one per predicate, in order of first load */
    int32_t *ent_type;      /* by nm_val_sym_index: the entity's type id + 1; 0 = none */
    size_t capents;
    bool seeded;            /* the program's own entities are in ents */
    nm_cell *new_cells;     /* individuals declared by files, in order */
    int *new_types;
    size_t nnew, capnew;
};

/* How a column converts a field. */
typedef enum col_kind {
    COL_INT, COL_DECIMAL, COL_RATIONAL, COL_DATE, COL_DURATION, COL_TEXT, COL_BOOL,
    COL_ENUM, COL_ENTITY, COL_PERSON, COL_UNIT, COL_DECLARED, COL_PARTY, COL_TRUTH,
} col_kind;

/* A name already converted in this column, and its cell. */
typedef struct name_slot {
    nm_cell cell;           /* NM_CELL_NONE: empty */
    uint32_t len;
    char bytes[NAME_MAX_CACHED + 4];
} name_slot;

typedef struct column {
    col_kind kind;
    int type;               /* program type id */
    const char *name;       /* the header name it must have */
    /* ENUM and entity columns: names seen before skip interning, the entity-type
     * check and the enum look-up (a hit costs one hash of the bytes and a compare);
     * why: names repeat across rows, and interning costs several cache misses. */
    name_slot *cache;
    uint32_t cache_mask;    /* slots - 1 */
    /* DATE columns: the dates read before, by their ten bytes (dates repeat too) */
    struct date_slot *dates;
    uint32_t dates_mask;    /* slots - 1 */
} column;

/* Direct-mapped, 16 bytes a slot: at most 16384 slots (256 KB) a date column, so that
 * the few thousand dates of a large file seldom evict each other (each miss parses
 * the date and mispredicts a branch); fewer for a small file (see name_cache_new). */
#define DATE_CACHE_SLOTS (1u << 14)
#define DATE_CACHE_MIN_SLOTS 64u

typedef struct date_slot {
    uint64_t head;          /* bytes 0..7 of YYYY-MM-DD */
    uint16_t tail;          /* bytes 8..9 */
    bool used;
    nm_date date;
} date_slot;

static inline uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint32_t load32(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* The last n < 8 bytes of a field, read without reading past them. */
static inline uint64_t load_tail(const char *s, size_t n)
{
    if (n >= 4)
        return (uint64_t)load32(s) << 32 | load32(s + n - 4);
    if (n > 0)
        return (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n >> 1] << 8 |
               (unsigned char)s[n - 1];
    return 0;
}

static uint64_t name_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        h = (h ^ load64(s + i)) * 0x100000001b3u;
        h ^= h >> 29;
    }
    h = (h ^ load_tail(s + i, n - i)) * 0x9e3779b97f4a7c15u;
    return h ^ (h >> 32);
}

/* s[0..n) == t[0..n), by words (overlapping at the end). */
static inline bool bytes_eq(const char *s, const char *t, size_t n)
{
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8)
            if (load64(s + i) != load64(t + i))
                return false;
        return load64(s + n - 8) == load64(t + n - 8);
    }
    if (n >= 4)
        return load32(s) == load32(t) && load32(s + n - 4) == load32(t + n - 4);
    return n == 0 || (s[0] == t[0] && s[n >> 1] == t[n >> 1] && s[n - 1] == t[n - 1]);
}

typedef struct loader {
    nm_engine *e;
    nm_factset *fs;
    const nm_program *p;
    nm_srcfile *src;
    const char *text;       /* == src->text */
    size_t len;
    size_t body;            /* offset after the BOM */
    const char *pname;      /* predicate (or party type) name */
    table *t;
    column *cols;
    int ncols;              /* arity, plus one with a truth column */
    int arity;
    bool open;              /* may have a truth column */
    bool has_truth;
    int errors;
    bool stopped;           /* too many errors in this file */
    nm_cell *row;
    nm_buf scratch;         /* CSV: unquoted field text */
    FILE *progress;
    size_t next_progress;
} loader;

/* Slots for a per-column cache over a file of len bytes: one per `per` bytes, a
 * power of two within [lo, hi] — why: a fixed size cost small files (the REPL, the
 * fuzzer) hundreds of KB per column and missed often on large ones. */
static uint32_t cache_slots(const loader *L, uint32_t lo, uint32_t hi, size_t per)
{
    uint32_t slots = lo;
    while (slots < hi && (size_t)slots * per < L->len)
        slots *= 2;
    return slots;
}

/* Column c's name cache, sized for the file (see NAME_CACHE_SLOTS). */
static void name_cache_new(const loader *L, column *c)
{
    uint32_t slots = cache_slots(L, NAME_CACHE_MIN_SLOTS, NAME_CACHE_SLOTS, 16);
    c->cache = nm_alloc_atomic(sizeof(name_slot) * slots);
    memset(c->cache, 0, sizeof(name_slot) * slots);
    c->cache_mask = slots - 1;
}

/* Column c's date cache, sized for the file (see DATE_CACHE_SLOTS). */
static void date_cache_new(const loader *L, column *c)
{
    uint32_t slots = cache_slots(L, DATE_CACHE_MIN_SLOTS, DATE_CACHE_SLOTS, 64);
    c->dates = nm_alloc_atomic(sizeof(date_slot) * slots);
    memset(c->dates, 0, sizeof(date_slot) * slots);
    c->dates_mask = slots - 1;
}

/* ---- entities ---------------------------------------------------------------------- */

/* The type id of entity c, or -1 if neither the program nor a file declared it. A
 * plain array by symbol index: why not a hash table: files declare individuals in
 * bulk, and new symbols get consecutive indexes, so these accesses stay sequential. */
static int ent_get(const nm_factset *fs, nm_cell c)
{
    uint32_t i = nm_val_sym_index(c);
    return i < fs->capents ? fs->ent_type[i] - 1 : -1;
}

static void ent_put(nm_factset *fs, nm_cell c, int type)
{
    uint32_t i = nm_val_sym_index(c);
    if (i >= fs->capents) {
        size_t cap = fs->capents ? fs->capents : 1024, want = nm_val_sym_count();
        while (cap <= i || cap < want)
            cap *= 2;
        int32_t *a = nm_alloc_atomic(cap * sizeof *a);
        if (fs->capents)
            memcpy(a, fs->ent_type, fs->capents * sizeof *a);
        memset(a + fs->capents, 0, (cap - fs->capents) * sizeof *a);
        fs->ent_type = a;
        fs->capents = cap;
    }
    fs->ent_type[i] = type + 1;
}

/* The program's own entities (program level: a fact file is not part of a case). */
static void seed_entities(nm_factset *fs, const nm_program *p)
{
    if (fs->seeded)
        return;
    fs->seeded = true;
    for (int i = 0; i < p->nconsts; i++) {
        const nm_pconst *k = &p->consts[i];
        if (k->kind == NM_CONST_ENTITY && k->case_id == -1)
            ent_put(fs, nm_val_entity(k->name, strlen(k->name)), k->type);
    }
}

/* A copy of the n elements of p in a new atomic array of cap elements (nm_realloc of
 * NULL would give scanned memory, cleared and rescanned at every collection). */
static void *grow_atomic(void *p, size_t n, size_t cap, size_t size)
{
    void *r = nm_alloc_atomic(cap * size);
    if (n)
        memcpy(r, p, n * size);
    return r;
}

static void note_new(nm_factset *fs, nm_cell c, int type)
{
    if (fs->nnew == fs->capnew) {
        fs->capnew = fs->capnew ? fs->capnew * 2 : 256;
        fs->new_cells = grow_atomic(fs->new_cells, fs->nnew, fs->capnew, sizeof(nm_cell));
        fs->new_types = grow_atomic(fs->new_types, fs->nnew, fs->capnew, sizeof(int));
    }
    fs->new_cells[fs->nnew] = c;
    fs->new_types[fs->nnew] = type;
    fs->nnew++;
    ent_put(fs, c, type);
}

bool nm_facts_entity(const nm_factset *fs, const char *name, nm_cell *out)
{
    if (!fs || !fs->nnew)
        return false;
    nm_cell c = nm_val_entity(name, strlen(name));
    if (!c || ent_get(fs, c) < 0)
        return false;
    *out = c;
    return true;
}

size_t nm_facts_rows(const nm_factset *fs)
{
    size_t n = 0;
    for (int i = 0; fs && i < fs->tables.n; i++) {
        const table *t = fs->tables.items[i];
        n += t->n + t->nf;
    }
    return n;
}

/* ---- diagnostics ------------------------------------------------------------------- */

/* The span of bytes [off, off+n) of the file being loaded: line and code-point column
 * counted from the text (a row's line is found only when it has an error). */
static nm_span span_at(const loader *L, size_t off, size_t n)
{
    nm_span s;
    memset(&s, 0, sizeof s);
    s.file = L->src;
    int line = 1;
    size_t start = 0;
    for (const char *q = L->text; (q = memchr(q, '\n', (size_t)(L->text + off - q))) != NULL; q++) {
        line++;
        start = (size_t)(q - L->text) + 1;
    }
    if (start < L->body)
        start = L->body;
    int col = 1;
    for (size_t i = start; i < off; i++)
        col += ((unsigned char)L->text[i] & 0xC0) != 0x80;
    s.line = s.end_line = line;
    s.col = col;
    s.end_col = col;
    for (size_t i = off; i < off + n && L->text[i] != '\n'; i++)
        s.end_col += ((unsigned char)L->text[i] & 0xC0) != 0x80;
    s.off = off;
    s.end_off = off + n;
    return s;
}

static nm_diag *row_error(loader *L, size_t off, size_t n, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Reports a bad field or row; after MAX_ERRORS_PER_FILE the file is abandoned. */
static nm_diag *row_error(loader *L, size_t off, size_t n, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nm_diag *d = nm_diag_vadd(L->e->diags, NM_SEV_ERROR, span_at(L, off, n), code, fmt, ap);
    va_end(ap);
    if (++L->errors >= MAX_ERRORS_PER_FILE && !L->stopped) {
        L->stopped = true;
        nm_diag_note(d, NM_SEV_NOTE, NULL, "stopped after %d errors in '%s'", L->errors,
                     L->src->path);
    }
    return d;
}

static void progress(loader *L, size_t off)
{
    if (!L->progress || off < L->next_progress)
        return;
    L->next_progress = off + (1u << 20);
    fprintf(L->progress, "\rloading %s  %3d%%", L->src->path, (int)(off * 100 / (L->len + 1)));
    fflush(L->progress);
}

static void progress_done(loader *L)
{
    if (L->progress) {
        fputs("\r\033[K", L->progress);
        fflush(L->progress);
    }
}

/* ---- fields → cells ---------------------------------------------------------------- */

static const char *type_name(const loader *L, const column *c)
{
    return L->p->types[c->type].name;
}

static bool valid_utf8(const char *s, size_t n)
{
    return nm_val_text(s, n) != NM_CELL_NONE;
}

static bool has_control(const char *s, size_t n)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w = load64(s + i), d = w ^ (ones * 0x7f);
        /* exact for "some byte is below 0x20 or is 0x7f" */
        if ((((w - ones * 0x20) & ~w) | ((d - ones) & ~d)) & highs)
            return true;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

/* [-]DIGITS into an int64, overflow checked: 1 ok, 0 syntax, -1 overflow. */
static int parse_i64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && s[i] == '-') {
        neg = true;
        i++;
    }
    if (i == n)
        return 0;
    if (n - i <= 18) { /* cannot overflow */
        uint64_t v = 0;
        for (; i < n; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d > 9)
                return 0;
            v = v * 10 + d;
        }
        *out = neg ? -(int64_t)v : (int64_t)v;
        return 1;
    }
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    bool over = false;
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        if (v > (lim - d) / 10)
            over = true;
        else
            v = v * 10 + d;
    }
    if (over)
        return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

/* The common decimal [-]DIGITS.DIGITS with at most 18 digits in all, as
 * nm_num_parse_decimal reads it (coefficient and scale), without its general
 * machinery; false for anything else (which then takes the general path). */
static bool parse_plain_decimal(const char *s, size_t n, int64_t *coefficient, int *scale)
{
    size_t i = n > 0 && s[0] == '-';
    uint64_t coef = 0;
    size_t digits = 0, point = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d <= 9) {
            coef = coef * 10 + d;
            digits++;
        } else if (s[i] == '.' && !point && digits) {
            point = i;
        } else {
            return false;
        }
    }
    if (!point || point == n - 1 || digits > 18)
        return false;
    *coefficient = s[0] == '-' ? -(int64_t)coef : (int64_t)coef; /* n > 0 here */
    *scale = (int)(n - 1 - point);
    return true;
}

/* Numbers in fact files are written plainly: no '_' separators, no '+'. */
static bool plain_number(const char *s, size_t n)
{
    return memchr(s, '_', n) == NULL && memchr(s, '+', n) == NULL && n > 0;
}

static void suggest_member(const loader *L, const column *c, const char *s, size_t n, nm_diag *d)
{
    const nm_ptype *ty = &L->p->types[c->type];
    char *name = nm_strndup(s, n);
    const char *best = NULL;
    int len = 0;
    for (size_t i = 0; i < n; i++)
        len += ((unsigned char)s[i] & 0xC0) != 0x80;
    int bestd = (len / 3 > 1 ? len / 3 : 1) + 1;
    for (int i = 0; i < ty->nmembers; i++) {
        const char *m = L->p->consts[ty->members[i]].name;
        int dist = nm_check_edit_distance(name, m);
        if (dist < bestd) {
            bestd = dist;
            best = m;
        }
    }
    for (int i = 0; !best && i < ty->nmembers; i++) {
        const nm_pconst *k = &L->p->consts[ty->members[i]];
        if ((k->zh && strcmp(k->zh, name) == 0) || (k->en && strcmp(k->en, name) == 0))
            nm_diag_note(d, NM_SEV_HELP, NULL,
                         "members are written by name: '%s' is the label of '%s'", name, k->name);
    }
    if (best)
        nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean '%s'?", best);
}

/* An entity name in a column of an entity type ([cli.facts.entities]). */
static bool convert_entity(loader *L, column *c, const char *s, size_t n, size_t off,
                           size_t rn, nm_cell *out)
{
    if (n == 0) {
        row_error(L, off, rn, "E-fact-value", "empty name in column '%s'", c->name);
        return false;
    }
    nm_cell cell = nm_val_entity(s, n);
    if (cell == NM_CELL_NONE) {
        row_error(L, off, rn, "E-fact-utf8", "invalid UTF-8 in column '%s'", c->name);
        return false;
    }
    if (has_control(s, n)) {
        row_error(L, off, rn, "E-fact-value", "control character in a name in column '%s'",
                  c->name);
        return false;
    }
    int has = ent_get(L->fs, cell);
    int want = c->kind == COL_PERSON ? NM_TY_PERSON
             : c->kind == COL_UNIT   ? NM_TY_UNIT
             : c->kind == COL_PARTY  ? c->type
                                     : c->type;
    if (has >= 0) {
        bool fits = has == want ||
                    (c->kind == COL_ENTITY && (has == NM_TY_PERSON || has == NM_TY_UNIT));
        if (!fits) {
            row_error(L, off, rn, "E-fact-type", "'%.*s' is of type '%s', not '%s' (column '%s')",
                      (int)n, s, L->p->types[has].name, type_name(L, c), c->name);
            return false;
        }
    } else if (c->kind == COL_DECLARED || c->kind == COL_PARTY) {
        note_new(L->fs, cell, want);
    } else {
        nm_diag *d = row_error(L, off, rn, "E-fact-entity", "unknown entity '%.*s'", (int)n, s);
        nm_diag_note(d, NM_SEV_HELP, NULL,
                     "declare parties with 'entity %.*s: unit' (or person) in the rules, or "
                     "list them in Unit.tsv or Person.tsv of the fact directory",
                     (int)n, s);
        return false;
    }
    *out = cell;
    return true;
}

/* The common cases of convert, inline in the row loop: a field that converts without
 * error and needs no table but the column's caches. `hash` is name_hash(s, n) for a
 * name column with a cache and 0 < n <= NAME_MAX_CACHED (prefetch_batch computed it),
 * else unused. False: not handled here (take convert, which gives the same cell for
 * any field handled here). */
static inline bool convert_fast(column *c, const char *s, size_t n, uint64_t hash, nm_cell *out)
{
    switch (c->kind) {
    case COL_INT: {
        int64_t v;
        if (parse_i64(s, n, &v) != 1)
            return false;
        *out = nm_val_int(v);
        return true;
    }
    case COL_DECIMAL: {
        int64_t coef;
        int scale;
        if (!parse_plain_decimal(s, n, &coef, &scale))
            return false;
        *out = nm_val_decimal(coef, scale);
        return true;
    }
    case COL_DATE: {
        if (n != 10)
            return false;
        uint64_t head = load64(s);
        uint16_t tail;
        memcpy(&tail, s + 8, 2);
        if (!c->dates)
            return false;
        uint64_t h = (head ^ (uint64_t)tail * UINT64_C(0x9e3779b97f4a7c15)) * UINT64_C(0xff51afd7ed558ccd);
        date_slot *d = &c->dates[(h >> 40) & c->dates_mask];
        if (!d->used || d->head != head || d->tail != tail) {
            nm_date v;
            if (!nm_date_parse(s, n, &v))
                return false;
            *d = (date_slot){.head = head, .tail = tail, .used = true, .date = v};
        }
        *out = nm_val_date(d->date);
        return true;
    }
    case COL_ENUM:
    case COL_ENTITY:
    case COL_PERSON:
    case COL_UNIT:
    case COL_DECLARED:
    case COL_PARTY: {
        if (!c->cache || n == 0 || n > NAME_MAX_CACHED)
            return false;
        const name_slot *slot = &c->cache[hash & c->cache_mask];
        if (slot->cell == NM_CELL_NONE || slot->len != n || !bytes_eq(slot->bytes, s, n))
            return false;
        *out = slot->cell;
        return true;
    }
    default:
        return false;
    }
}

/* Converts field text s[0..n) of column c. off/rn are the raw field's offset and
 * length in the file (the span of a message). */
static bool convert(loader *L, column *c, const char *s, size_t n, size_t off, size_t rn,
                    nm_cell *out)
{
    switch (c->kind) {
    case COL_INT: {
        int64_t v;
        int r = parse_i64(s, n, &v); /* digits only: no '_', no '+', as plain_number */
        if (r == 1) {
            *out = nm_val_int(v);
            return true;
        }
        if (r < 0)
            row_error(L, off, rn, "E-fact-range", "int out of range (64 bits) in column '%s': '%.*s'",
                      c->name, (int)n, s);
        else
            row_error(L, off, rn, "E-fact-value", "'%.*s' is not an int (column '%s')", (int)n, s,
                      c->name);
        return false;
    }
    case COL_DECIMAL:
    case COL_RATIONAL: {
        nm_num v;
        nm_num_status st = NM_NUM_SYNTAX;
        int64_t coef;
        int scale;
        if (c->kind == COL_DECIMAL && parse_plain_decimal(s, n, &coef, &scale)) {
            *out = nm_val_decimal(coef, scale);
            return true;
        }
        if (plain_number(s, n)) {
            if (c->kind == COL_RATIONAL)
                st = nm_num_parse(s, n, &v);
            else if (memchr(s, '.', n))
                st = nm_num_parse_decimal(s, n, &v);
            else {
                int64_t i;
                int r = parse_i64(s, n, &i);
                st = r == 1 ? NM_NUM_OK : r < 0 ? NM_NUM_OVERFLOW : NM_NUM_SYNTAX;
                if (r == 1)
                    v = nm_num_int(i);
            }
        }
        if (st == NM_NUM_OK) {
            *out = nm_val_num(v);
            return true;
        }
        const char *what = c->kind == COL_RATIONAL ? "rational" : "decimal";
        if (st == NM_NUM_OVERFLOW)
            row_error(L, off, rn, "E-fact-range", "%s out of range in column '%s': '%.*s'", what,
                      c->name, (int)n, s);
        else
            row_error(L, off, rn, "E-fact-value", "'%.*s' is not a %s (column '%s')", (int)n, s,
                      what, c->name);
        return false;
    }
    case COL_DATE: {
        nm_date d;
        if (nm_date_parse(s, n, &d)) {
            *out = nm_val_date(d);
            return true;
        }
        bool shaped = n == 10 && s[4] == '-' && s[7] == '-';
        for (size_t i = 0; shaped && i < n; i++)
            shaped = i == 4 || i == 7 || (s[i] >= '0' && s[i] <= '9');
        if (shaped)
            row_error(L, off, rn, "E-fact-date", "date %.*s does not exist (column '%s')", (int)n, s,
                      c->name);
        else
            row_error(L, off, rn, "E-fact-value",
                      "'%.*s' is not a date (column '%s'; expected YYYY-MM-DD)", (int)n, s, c->name);
        return false;
    }
    case COL_DURATION: {
        const char *sp = memchr(s, ' ', n);
        nm_duration dur;
        int64_t amount;
        if (sp && parse_i64(s, (size_t)(sp - s), &amount) == 1 &&
            nm_date_unit_parse(sp + 1, n - (size_t)(sp - s) - 1, &dur.unit)) {
            dur.amount = amount;
            if (nm_val_duration(dur, out))
                return true;
        }
        row_error(L, off, rn, "E-fact-value",
                  "'%.*s' is not a duration (column '%s'; expected e.g. '2 years')", (int)n, s,
                  c->name);
        return false;
    }
    case COL_TEXT:
        if (memchr(s, '\0', n)) {      /* valid UTF-8, but no C string can carry it */
            row_error(L, off, rn, "E-fact-value", "NUL byte in column '%s'", c->name);
            return false;
        }
        *out = nm_val_text(s, n);
        if (*out != NM_CELL_NONE)
            return true;
        row_error(L, off, rn, "E-fact-utf8", "invalid UTF-8 in column '%s'", c->name);
        return false;
    case COL_BOOL:
    case COL_TRUTH:
        if (n == 4 && memcmp(s, "true", 4) == 0) {
            *out = nm_val_bool(true);
            return true;
        }
        if (n == 5 && memcmp(s, "false", 5) == 0) {
            *out = nm_val_bool(false);
            return true;
        }
        row_error(L, off, rn, "E-fact-value", "'%.*s' is not true or false (column '%s')", (int)n,
                  s, c->name);
        return false;
    default:
        break;
    }
    name_slot *slot = NULL;
    if (n > 0 && n <= NAME_MAX_CACHED) {
        if (!c->cache)
            name_cache_new(L, c);
        slot = &c->cache[name_hash(s, n) & c->cache_mask];
        if (slot->cell != NM_CELL_NONE && slot->len == n && bytes_eq(slot->bytes, s, n)) {
            *out = slot->cell;
            return true;
        }
    }
    bool ok;
    if (c->kind == COL_ENUM) {
        ok = nm_val_enum_lookup((uint32_t)c->type, s, n, out);
        if (!ok) {
            if (!valid_utf8(s, n)) {
                row_error(L, off, rn, "E-fact-utf8", "invalid UTF-8 in column '%s'", c->name);
            } else {
                nm_diag *d = row_error(L, off, rn, "E-fact-member", "unknown '%s' member '%.*s'",
                                       type_name(L, c), (int)n, s);
                suggest_member(L, c, s, n, d);
            }
        }
    } else {
        ok = convert_entity(L, c, s, n, off, rn, out);
    }
    if (ok && slot) {
        memcpy(slot->bytes, s, n);
        slot->len = (uint32_t)n;
        slot->cell = *out;
    }
    return ok;
}

/* Reserves room for about `more` further true rows (from the file size), so that a
 * large load does not copy its rows array log(n) times. */
static void reserve_rows(table *t, size_t more)
{
    size_t ar = (size_t)(t->arity ? t->arity : 1);
    if (t->n + more <= t->cap)
        return;
    t->cap = t->n + more;
    t->rows = grow_atomic(t->rows, t->n, t->cap, ar * sizeof(nm_cell));
}

/* An estimate of the rows left from offset pos: the bytes left over the mean length
 * of the next lines. */
static size_t estimate_rows(const loader *L, size_t pos)
{
    size_t n = 0, i = pos;
    while (n < 64 && i < L->len) {
        const char *nl = memchr(L->text + i, '\n', L->len - i);
        i = nl ? (size_t)(nl - L->text) + 1 : L->len;
        n++;
    }
    if (i <= pos)
        return 0;
    return (size_t)((double)(L->len - pos) / ((double)(i - pos) / (double)n) * 1.05) + 16;
}

static void push_row(table *t, bool truth, const nm_cell *row)
{
    nm_cell **rows = truth ? &t->rows : &t->frows;
    size_t *n = truth ? &t->n : &t->nf, *cap = truth ? &t->cap : &t->capf;
    size_t ar = (size_t)(t->arity ? t->arity : 1);
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *rows = grow_atomic(*rows, *n, *cap, ar * sizeof(nm_cell));
    }
    memcpy(*rows + *n * ar, row, ar * sizeof(nm_cell));
    (*n)++;
}

/* Finishes a row whose cells are in L->row (and the truth cell after them). */
static void add_row(loader *L)
{
    bool truth = true;
    if (L->has_truth)
        truth = nm_val_get_bool(L->row[L->arity]);
    if (L->arity == 0)
        L->row[0] = NM_CELL_NONE;
    push_row(L->t, truth, L->row);
}

/* ---- headers ----------------------------------------------------------------------- */

/* Checks header field k (text s[0..n), at off) against the expected column names;
 * on the last field decides whether there is a truth column. */
static bool header_field(loader *L, int k, const char *s, size_t n, size_t off)
{
    const char *want = k < L->arity ? L->cols[k].name : L->open && k == L->arity ? "truth" : NULL;
    if (want && strlen(want) == n && memcmp(want, s, n) == 0)
        return true;
    nm_buf exp = {0};
    for (int j = 0; j < L->arity; j++)
        nm_buf_printf(&exp, "%s%s", j ? ", " : "", L->cols[j].name);
    nm_diag *d;
    if (!want)
        d = row_error(L, off, n, "E-fact-header", "unexpected column '%.*s' in the header (%s '%s' has %d)",
                      (int)n, s, L->t->pred < 0 ? "the party file" : "predicate", L->pname,
                      L->arity);
    else
        d = row_error(L, off, n, "E-fact-header", "header column %d is '%.*s'; '%s' expects '%s'",
                      k + 1, (int)n, s, L->pname, want);
    nm_diag_note(d, NM_SEV_NOTE, NULL, "the header must name the columns %s%s, in this order",
                 nm_buf_str(&exp), L->open ? " (then, optionally, truth)" : "");
    return false;
}

/* Called with the number of header fields seen; false when too few. */
static bool header_end(loader *L, int nfields, size_t eol)
{
    if (nfields < L->arity) {
        nm_buf exp = {0};
        for (int j = 0; j < L->arity; j++)
            nm_buf_printf(&exp, "%s%s", j ? ", " : "", L->cols[j].name);
        nm_diag *d = row_error(L, eol, 0, "E-fact-header", "the header has %d column%s; '%s' has %d",
                               nfields, nfields == 1 ? "" : "s", L->pname, L->arity);
        nm_diag_note(d, NM_SEV_NOTE, NULL, "the header must name the columns %s%s, in this order",
                     nm_buf_str(&exp), L->open ? " (then, optionally, truth)" : "");
        return false;
    }
    L->has_truth = nfields == L->arity + 1;
    L->ncols = L->arity + L->has_truth;
    return true;
}

static void wrong_count(loader *L, int nfields, size_t off, size_t n)
{
    nm_diag *d = row_error(L, off, n, "E-fact-columns", "row has %d field%s; '%s' has %d column%s",
                           nfields, nfields == 1 ? "" : "s", L->pname, L->ncols,
                           L->ncols == 1 ? "" : "s");
    nm_buf exp = {0};
    for (int j = 0; j < L->ncols; j++)
        nm_buf_printf(&exp, "%s%s", j ? ", " : "", L->cols[j].name);
    nm_diag_note(d, NM_SEV_NOTE, NULL, "the columns are %s", nm_buf_str(&exp));
}

/* Trailing empty lines end the data; an empty line before more data is an error.
 * Returns true when only line ends remain from off. */
static bool only_blank_from(const loader *L, size_t off)
{
    for (size_t i = off; i < L->len; i++)
        if (L->text[i] != '\n' && L->text[i] != '\r')
            return false;
    return true;
}

/* ---- TSV --------------------------------------------------------------------------- */

/* Finds the tabs and line ends of a text in order, eight bytes at a time: a bit mask
 * of the separators in the current word, consumed lowest first. Why: fields are
 * short, and a memchr per field costs more than the scan itself. */
typedef struct seps {
    const char *t;
    size_t len;
    size_t next;            /* offset of the next word to load */
    size_t base;            /* offset of the word in mask */
    uint64_t mask;          /* its separators not yet returned: the high bit of each byte */
} seps;

static inline uint64_t sep_mask(uint64_t w)
{
    const uint64_t lows = UINT64_C(0x7f7f7f7f7f7f7f7f), ones = UINT64_C(0x0101010101010101);
    uint64_t a = w ^ (ones * '\t'), b = w ^ (ones * '\n');
    /* exact zero-byte tests (no false flags): high bit set where the byte is 0 */
    a = ~(((a & lows) + lows) | a | lows);
    b = ~(((b & lows) + lows) | b | lows);
    return a | b;
}

/* The offset of the next '\t' or '\n' at or after `from`, or len. Calls must ask
 * for increasing offsets; `from` must not skip a separator not yet returned. */
static inline size_t seps_next(seps *S, size_t from)
{
    for (;;) {
        while (S->mask) {
            size_t at = S->base + ((size_t)__builtin_ctzll(S->mask) >> 3);
            S->mask &= S->mask - 1;
            if (at >= from)
                return at;
        }
        if (S->next >= S->len)
            return S->len;
        size_t i = S->next;
        S->base = i;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (i + 8 <= S->len) {
            S->mask = sep_mask(load64(S->t + i));
            S->next = i + 8;
            continue;
        }
#endif
        uint64_t m = 0;
        size_t end = i + 8 < S->len ? i + 8 : S->len;
        for (size_t j = i; j < end; j++)
            if (S->t[j] == '\t' || S->t[j] == '\n')
                m |= (uint64_t)0x80 << (8 * (j - i));
        S->mask = m;
        S->next = end;
    }
}

/* Lines are split a batch at a time, then the names of the batch are prefetched (the
 * column caches, then the symbol table for names the caches miss), then the rows
 * are converted: the cache misses of a batch overlap. */
#define TSV_BATCH 32

typedef struct tsv_line {
    size_t pos, end, next;  /* start, end without "\r", start of the next line */
    int k;                  /* fields (only the first maxf are remembered) */
} tsv_line;

static bool is_name_col(col_kind k)
{
    return k == COL_ENUM || k == COL_ENTITY || k == COL_PERSON || k == COL_UNIT ||
           k == COL_DECLARED || k == COL_PARTY;
}

/* Also sets fh[b * maxf + j], the name_hash of each field of a name column that
 * convert_fast looks up in the column's cache (see there). */
static void prefetch_batch(loader *L, const tsv_line *lines, int nb, const size_t *fo,
                           const size_t *fe, uint64_t *fh, int maxf)
{
    const char *t = L->text;
    for (int j = 0; j < L->ncols; j++) {
        column *c = &L->cols[j];
        if (c->kind == COL_TEXT) {
            for (int b = 0; b < nb; b++)
                if (lines[b].k == L->ncols)
                    nm_val_prefetch(NM_VAL_TEXT, t + fo[b * maxf + j], fe[b * maxf + j] - fo[b * maxf + j]);
            continue;
        }
        if (!is_name_col(c->kind) || !c->cache)
            continue;
        for (int b = 0; b < nb; b++) {
            size_t n = fe[b * maxf + j] - fo[b * maxf + j];
            if (lines[b].k == L->ncols && n > 0 && n <= NAME_MAX_CACHED) {
                fh[b * maxf + j] = name_hash(t + fo[b * maxf + j], n);
                __builtin_prefetch(&c->cache[fh[b * maxf + j] & c->cache_mask]);
            }
        }
    }
    for (int j = 0; j < L->ncols; j++) {
        column *c = &L->cols[j];
        if (!is_name_col(c->kind) || c->kind == COL_ENUM || !c->cache)
            continue;
        for (int b = 0; b < nb; b++) {
            if (lines[b].k != L->ncols)     /* a short row's offsets are not set */
                continue;
            const char *s = t + fo[b * maxf + j];
            size_t n = fe[b * maxf + j] - fo[b * maxf + j];
            if (n == 0 || n > NAME_MAX_CACHED)
                continue;
            const name_slot *slot = &c->cache[fh[b * maxf + j] & c->cache_mask];
            if (slot->cell == NM_CELL_NONE || slot->len != n || !bytes_eq(slot->bytes, s, n))
                nm_val_prefetch(NM_VAL_ENTITY, s, n);
        }
    }
}

static void load_tsv(loader *L)
{
    const char *t = L->text;
    size_t pos = L->body;
    bool header = true;
    int maxf = L->arity + 2;        /* fields remembered per line; more are only counted */
    size_t *fo_all = nm_alloc_atomic(sizeof(size_t) * (size_t)maxf * TSV_BATCH);
    size_t *fe_all = nm_alloc_atomic(sizeof(size_t) * (size_t)maxf * TSV_BATCH);
    uint64_t *fh_all = nm_alloc_atomic(sizeof(uint64_t) * (size_t)maxf * TSV_BATCH);
    tsv_line lines[TSV_BATCH];
    seps S = {.t = t, .len = L->len, .next = pos};
    for (int j = 0; j < L->arity; j++) {
        if (is_name_col(L->cols[j].kind) && !L->cols[j].cache)
            name_cache_new(L, &L->cols[j]);
        if (L->cols[j].kind == COL_DATE && !L->cols[j].dates)
            date_cache_new(L, &L->cols[j]);
    }
    while (pos < L->len && !L->stopped) {
        /* split up to a batch of lines (the header alone) at tabs, each up to its '\n'
         * (or the end of the file) */
        int nb = 0;
        for (size_t p = pos; nb < (header ? 1 : TSV_BATCH) && p < L->len; nb++) {
            size_t *fo = fo_all + (size_t)nb * maxf, *fe = fe_all + (size_t)nb * maxf;
            int k = 0;
            size_t f = p, eol;
            for (;;) {
                size_t e = seps_next(&S, f);
                if (k < maxf) {
                    fo[k] = f;
                    fe[k] = e;
                }
                k++;
                if (e == L->len || t[e] == '\n') {
                    eol = e;
                    break;
                }
                f = e + 1;
            }
            size_t end = eol > p && t[eol - 1] == '\r' ? eol - 1 : eol;
            if (k <= maxf && fe[k - 1] > end)   /* the last field stops before a '\r' */
                fe[k - 1] = end;
            lines[nb] = (tsv_line){.pos = p, .end = end, .next = eol < L->len ? eol + 1 : L->len, .k = k};
            p = lines[nb].next;
        }
        if (!header)
            prefetch_batch(L, lines, nb, fo_all, fe_all, fh_all, maxf);
        for (int b = 0; b < nb && !L->stopped; b++) {
            const size_t *fo = fo_all + (size_t)b * maxf, *fe = fe_all + (size_t)b * maxf;
            const uint64_t *fh = fh_all + (size_t)b * maxf;
            size_t end = lines[b].end, next = lines[b].next;
            int k = lines[b].k;
            pos = next;
            if (end == lines[b].pos && !header) {
                if (only_blank_from(L, lines[b].pos))
                    return;
                row_error(L, lines[b].pos, 0, "E-fact-empty",
                          "empty line (only trailing empty lines are allowed)");
                continue;
            }
            if (header) {
                for (int j = 0; j < k && j < maxf; j++)
                    if (!header_field(L, j, t + fo[j], fe[j] - fo[j], fo[j]))
                        return;     /* a bad header: the rows cannot be read */
                if (!header_end(L, k, end))
                    return;
                header = false;
                size_t more = estimate_rows(L, next);
                reserve_rows(L->t, more);
                if (L->t->pred < 0)     /* a party file: a new name on each row */
                    nm_val_reserve(more);
            } else if (k != L->ncols) {
                if (k > L->ncols)
                    wrong_count(L, k, fo[L->ncols], end - fo[L->ncols]);
                else
                    wrong_count(L, k, end, 0);
            } else {
                bool ok = true;
                for (int j = 0; j < k; j++) {
                    size_t fn = fe[j] - fo[j];
                    if (!convert_fast(&L->cols[j], t + fo[j], fn, fh[j], &L->row[j]))
                        ok = convert(L, &L->cols[j], t + fo[j], fn, fo[j], fn, &L->row[j]) && ok;
                }
                if (ok)
                    add_row(L);
            }
            progress(L, pos);
        }
    }
    if (header && !L->stopped)
        row_error(L, L->body, 0, "E-fact-header", "empty file: expected a header naming the columns");
}

/* ---- CSV (RFC 4180) ---------------------------------------------------------------- */

typedef struct csv_field {
    size_t text_off;        /* into scratch when quoted, else into the file */
    size_t n;
    bool quoted;
    size_t raw_off, raw_n;  /* the field as written */
} csv_field;

/* Reads one record from *pos: fields separated by ',', quoted fields with "" for a
 * quote and any character (comma, line break) inside. Returns the number of fields,
 * or -1 after reporting a malformed record (then *pos is past its line). */
static int csv_record(loader *L, size_t *pos, csv_field **fields, int *cap)
{
    const char *t = L->text;
    size_t i = *pos;
    int nf = 0;
    L->scratch.len = 0;
    for (;;) {
        if (nf == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            *fields = nm_realloc(*fields, sizeof(csv_field) * (size_t)*cap);
        }
        csv_field *fd = &(*fields)[nf++];
        fd->raw_off = i;
        if (i < L->len && t[i] == '"') {
            fd->quoted = true;
            fd->text_off = L->scratch.len;
            size_t j = i + 1;
            for (;;) {
                if (j >= L->len) {
                    row_error(L, i, 1, "E-fact-csv", "unterminated quoted field");
                    *pos = L->len;
                    return -1;
                }
                if (t[j] == '"') {
                    if (j + 1 < L->len && t[j + 1] == '"') {
                        nm_buf_putc(&L->scratch, '"');
                        j += 2;
                        continue;
                    }
                    break;
                }
                nm_buf_putc(&L->scratch, t[j]);
                j++;
            }
            fd->n = L->scratch.len - fd->text_off;
            i = j + 1;
            fd->raw_n = i - fd->raw_off;
            if (i < L->len && t[i] != ',' && t[i] != '\n' && !(t[i] == '\r' && i + 1 < L->len && t[i + 1] == '\n') &&
                !(t[i] == '\r' && i + 1 == L->len)) {
                row_error(L, i, 1, "E-fact-csv", "expected ',' or the end of the line after a quoted field");
                const char *nl = memchr(t + i, '\n', L->len - i);
                *pos = nl ? (size_t)(nl - t) + 1 : L->len;
                return -1;
            }
        } else {
            fd->quoted = false;
            size_t j = i;
            while (j < L->len && t[j] != ',' && t[j] != '\n' &&
                   !(t[j] == '\r' && (j + 1 == L->len || t[j + 1] == '\n'))) {
                if (t[j] == '"') {
                    row_error(L, j, 1, "E-fact-csv", "a quote inside an unquoted field (quote the whole field and double the quote)");
                    const char *nl = memchr(t + j, '\n', L->len - j);
                    *pos = nl ? (size_t)(nl - t) + 1 : L->len;
                    return -1;
                }
                j++;
            }
            fd->text_off = i;
            fd->n = j - i;
            fd->raw_n = j - i;
            i = j;
        }
        if (i < L->len && t[i] == ',') {
            i++;
            continue;
        }
        if (i < L->len && t[i] == '\r')
            i++;
        if (i < L->len && t[i] == '\n')
            i++;
        *pos = i;
        return nf;
    }
}

static void load_csv(loader *L)
{
    const char *t = L->text;
    size_t pos = L->body;
    bool header = true;
    csv_field *fields = NULL;
    int cap = 0;
    while (pos < L->len && !L->stopped) {
        if (t[pos] == '\n' || (t[pos] == '\r' && pos + 1 < L->len && t[pos + 1] == '\n')) {
            if (only_blank_from(L, pos))
                break;
            row_error(L, pos, 0, "E-fact-empty", "empty line (only trailing empty lines are allowed)");
            pos += t[pos] == '\r' ? 2 : 1;
            continue;
        }
        size_t start = pos;
        int nf = csv_record(L, &pos, &fields, &cap);
        if (nf < 0)
            continue;
        /* quoted fields' text; "" (only empty quoted fields) has no buffer yet */
        const char *base = L->scratch.data ? L->scratch.data : "";
        if (header) {
            bool ok = true;
            for (int k = 0; k < nf && ok; k++) {
                csv_field *fd = &fields[k];
                ok = header_field(L, k, fd->quoted ? base + fd->text_off : t + fd->text_off, fd->n,
                                  fd->raw_off);
            }
            if (!ok || !header_end(L, nf, fields[nf - 1].raw_off + fields[nf - 1].raw_n))
                return;
            header = false;
            continue;
        }
        if (nf != L->ncols) {
            if (nf > L->ncols)
                wrong_count(L, nf, fields[L->ncols].raw_off,
                            fields[nf - 1].raw_off + fields[nf - 1].raw_n - fields[L->ncols].raw_off);
            else
                wrong_count(L, nf, fields[nf - 1].raw_off + fields[nf - 1].raw_n, 0);
            continue;
        }
        bool ok = true;
        for (int k = 0; k < nf; k++) {
            csv_field *fd = &fields[k];
            ok = convert(L, &L->cols[k], fd->quoted ? base + fd->text_off : t + fd->text_off, fd->n,
                         fd->raw_off, fd->raw_n, &L->row[k]) && ok;
        }
        if (ok)
            add_row(L);
        (void)start;
        progress(L, pos);
    }
    if (header && !L->stopped)
        row_error(L, L->body, 0, "E-fact-header", "empty file: expected a header naming the columns");
}

/* ---- JSON Lines ---------------------------------------------------------------------- */

/* The raw text of the value of top-level key `key` in the object on [s, e): its
 * offset and length, found by scanning (jansson keeps no positions). False when the
 * key is not found (then the caller points at the whole line). */
static bool json_value_span(const char *s, size_t n, const char *key, size_t *off, size_t *len,
                            size_t *key_off)
{
    size_t klen = strlen(key), i = 0;
    int depth = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < n && s[j] != '"')
                j += s[j] == '\\' ? 2 : 1;
            if (depth == 1 && j - i - 1 == klen && memcmp(s + i + 1, key, klen) == 0) {
                size_t k = j + 1;
                while (k < n && (s[k] == ' ' || s[k] == '\t'))
                    k++;
                if (k < n && s[k] == ':') {
                    k++;
                    while (k < n && (s[k] == ' ' || s[k] == '\t'))
                        k++;
                    size_t v = k;
                    int d = 0;
                    while (k < n) {
                        if (s[k] == '"') {
                            k++;
                            while (k < n && s[k] != '"')
                                k += s[k] == '\\' ? 2 : 1;
                        } else if (s[k] == '{' || s[k] == '[') {
                            d++;
                        } else if (s[k] == '}' || s[k] == ']') {
                            if (d == 0)
                                break;
                            d--;
                        } else if (s[k] == ',' && d == 0) {
                            break;
                        }
                        k++;
                    }
                    while (k > v && (s[k - 1] == ' ' || s[k - 1] == '\t'))
                        k--;
                    *off = v;
                    *len = (k > n ? n : k) - v;
                    if (key_off)
                        *key_off = i;
                    return true;
                }
            }
            i = j + 1;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']')
            depth--;
        i++;
    }
    return false;
}

static void load_jsonl(loader *L)
{
    const char *t = L->text;
    size_t pos = L->body;
    L->has_truth = false;
    L->ncols = L->arity;
    while (pos < L->len && !L->stopped) {
        const char *nl = memchr(t + pos, '\n', L->len - pos);
        size_t eol = nl ? (size_t)(nl - t) : L->len;
        size_t next = nl ? eol + 1 : L->len;
        size_t end = eol > pos && t[eol - 1] == '\r' ? eol - 1 : eol;
        const char *ln = t + pos;
        size_t n = end - pos;
        if (n == 0) {
            if (only_blank_from(L, pos))
                break;
            row_error(L, pos, 0, "E-fact-empty", "empty line (only trailing empty lines are allowed)");
            pos = next;
            continue;
        }
        json_error_t jerr;
        json_t *obj = json_loadb(ln, n, JSON_REJECT_DUPLICATES, &jerr);
        if (!obj || !json_is_object(obj)) {
            size_t at = obj ? 0 : (jerr.position > 0 ? (size_t)jerr.position - 1 : 0);
            if (at > n)
                at = n;
            if (obj)
                row_error(L, pos, n, "E-fact-json", "expected a JSON object on each line");
            else
                row_error(L, pos + at, at < n ? 1 : 0, "E-fact-json", "invalid JSON: %s", jerr.text);
            json_decref(obj);
            pos = next;
            continue;
        }
        bool ok = true;
        const char *key;
        json_t *val;
        json_object_foreach(obj, key, val) {
            bool known = strcmp(key, "truth") == 0 && L->open;
            for (int j = 0; j < L->arity && !known; j++)
                known = strcmp(key, L->cols[j].name) == 0;
            if (!known) {
                size_t vo, vn, ko = pos, kn = n;
                if (json_value_span(ln, n, key, &vo, &vn, &ko)) {
                    ko += pos;
                    kn = strlen(key) + 2;
                }
                nm_diag *d = row_error(L, ko, kn, "E-fact-key", "unknown key '%s' (%s '%s' has no such argument)",
                                       key, L->t->pred < 0 ? "party file" : "predicate", L->pname);
                nm_buf exp = {0};
                for (int j = 0; j < L->arity; j++)
                    nm_buf_printf(&exp, "%s%s", j ? ", " : "", L->cols[j].name);
                nm_diag_note(d, NM_SEV_NOTE, NULL, "the keys are %s%s", nm_buf_str(&exp),
                             L->open ? " (and, optionally, truth)" : "");
                ok = false;
            }
        }
        bool truth = true;
        for (int j = 0; j <= L->arity && ok; j++) {
            const char *name = j < L->arity ? L->cols[j].name : "truth";
            json_t *v = json_object_get(obj, name);
            if (j == L->arity && (!v || !L->open))
                break;
            size_t vo = 0, vn = n;
            if (json_value_span(ln, n, name, &vo, &vn, NULL))
                vo += pos;
            else
                vo = pos;
            if (!v) {
                row_error(L, pos, n, "E-fact-key", "missing key '%s'", name);
                ok = false;
                continue;
            }
            if (j == L->arity) {
                if (!json_is_boolean(v)) {
                    row_error(L, vo, vn, "E-fact-value", "'truth' must be true or false");
                    ok = false;
                } else {
                    truth = json_is_true(v);
                }
                continue;
            }
            column *c = &L->cols[j];
            if (json_is_string(v)) {
                ok = convert(L, c, json_string_value(v), json_string_length(v), vo, vn, &L->row[j]) && ok;
            } else if (json_is_number(v) &&
                       (c->kind == COL_INT || c->kind == COL_DECIMAL || c->kind == COL_RATIONAL)) {
                ok = convert(L, c, t + vo, vn, vo, vn, &L->row[j]) && ok;
            } else if (json_is_boolean(v) && c->kind == COL_BOOL) {
                L->row[j] = nm_val_bool(json_is_true(v));
            } else {
                row_error(L, vo, vn, "E-fact-value", "expected %s for '%s' (a '%s')",
                          c->kind == COL_INT || c->kind == COL_DECIMAL ? "a number or a string"
                          : c->kind == COL_BOOL                        ? "true or false"
                                                                       : "a string",
                          c->name, type_name(L, c));
                ok = false;
            }
        }
        json_decref(obj);
        if (ok) {
            L->row[L->arity] = nm_val_bool(truth);
            L->has_truth = true;
            add_row(L);
            L->has_truth = false;
        }
        pos = next;
        progress(L, pos);
    }
}

/* ---- the directory ----------------------------------------------------------------- */

static table *table_for(nm_factset *fs, int pred, int arity)
{
    for (int i = 0; i < fs->tables.n; i++) {
        table *t = fs->tables.items[i];
        if (t->pred == pred)
            return t;
    }
    table *t = nm_alloc(sizeof *t);
    t->pred = pred;
    t->arity = arity;
    nm_vec_push(&fs->tables, t);
    return t;
}

/* The column of an argument of type `type`; false for a type no file can hold. */
static bool column_for(const nm_program *p, int type, column *c)
{
    memset(c, 0, sizeof *c);
    c->type = type;
    switch (p->types[type].kind) {
    case NM_TY_INT: c->kind = COL_INT; return true;
    case NM_TY_DECIMAL: c->kind = COL_DECIMAL; return true;
    case NM_TY_RATIONAL: c->kind = COL_RATIONAL; return true;
    case NM_TY_DATE: c->kind = COL_DATE; return true;
    case NM_TY_DURATION: c->kind = COL_DURATION; return true;
    case NM_TY_TEXT: c->kind = COL_TEXT; return true;
    case NM_TY_BOOL: c->kind = COL_BOOL; return true;
    case NM_TY_ENUM:
    case NM_TY_TIERS: c->kind = COL_ENUM; return true;
    case NM_TY_ENTITY: c->kind = COL_ENTITY; return true;
    case NM_TY_PERSON: c->kind = COL_PERSON; return true;
    case NM_TY_UNIT: c->kind = COL_UNIT; return true;
    case NM_TY_ENTITY_DECL: c->kind = COL_DECLARED; return true;
    default: return false;
    }
}

/* The header name of argument j: its declared name; an attribute's value and the
 * arguments of lists, maps and tables have none and are called "value" / "argN". */
static const char *arg_name(const nm_ppred *pd, int j)
{
    if (pd->arg_names && pd->arg_names[j] && *pd->arg_names[j])
        return pd->arg_names[j];
    if (pd->origin == NM_ORIGIN_ATTR && j == pd->arity - 1)
        return "value";
    return nm_sprintf("arg%d", j + 1);
}

const char *nm_facts_arg_name(const nm_program *p, int pred, int j)
{
    return arg_name(&p->preds[pred], j);
}

static void enum_names(const nm_program *p)
{
    for (int i = 0; i < p->nconsts; i++) {
        const nm_pconst *k = &p->consts[i];
        if (k->kind == NM_CONST_MEMBER)
            nm_val_enum_declare((uint32_t)k->type, (uint32_t)k->ordinal, k->name, strlen(k->name));
    }
}

typedef enum fmt { FMT_TSV, FMT_CSV, FMT_JSONL } fmt;

static bool ends_with(const char *s, const char *suf, size_t *base)
{
    size_t n = strlen(s), m = strlen(suf);
    if (n <= m || strcmp(s + n - m, suf) != 0)
        return false;
    *base = n - m;
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Reads the whole file into a NUL-terminated collectable buffer. */
static char *read_all(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EISDIR;
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = nm_alloc_atomic(cap);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = nm_realloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The file mapped read-only (*mapped true: munmap it when done), or else read as by
 * read_all. Why map: a large file is then neither copied nor kept in the heap. */
static char *map_file(const char *path, size_t *len, bool *mapped)
{
    *mapped = false;
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t)PROGRESS_MIN_BYTES) {
            void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            if (p != MAP_FAILED) {
                close(fd);
                *mapped = true;
                *len = (size_t)st.st_size;
                return p;
            }
        }
        close(fd);
    }
    return read_all(path, len);
}

static nm_span no_span(void)
{
    nm_span s;
    memset(&s, 0, sizeof s);
    return s;
}

/* Loads one file for predicate `pred` (or a party file). */
static void load_file(nm_engine *e, nm_factset *fs, const char *path, int pred, fmt f, FILE *prog)
{
    const nm_program *p = e->program;
    size_t len;
    bool mapped;
    char *text = map_file(path, &len, &mapped);
    if (!text) {
        nm_error(e->diags, no_span(), "E-io", "cannot read '%s': %s", path, strerror(errno));
        e->unreadable = true;
        return;
    }
    loader L = {.e = e, .fs = fs, .p = p, .text = text, .len = len};
    L.src = nm_alloc(sizeof *L.src);
    L.src->path = path;
    L.src->text = text;
    L.src->len = len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        L.body = 3;
    if (prog && len >= PROGRESS_MIN_BYTES)
        L.progress = prog;
    if (pred >= 0) {
        const nm_ppred *pd = &p->preds[pred];
        L.pname = pd->name;
        L.arity = pd->arity;
        L.open = pd->mode == NM_PRED_OPEN;
    } else {
        L.pname = pred == PARTY_PERSON ? "Person" : "Unit";
        L.arity = 1;
    }
    L.cols = nm_alloc(sizeof(column) * (size_t)(L.arity + 1));
    L.row = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(L.arity + 2));
    for (int j = 0; j < L.arity; j++) {
        if (pred < 0) {
            L.cols[j].kind = COL_PARTY;
            L.cols[j].type = pred == PARTY_PERSON ? NM_TY_PERSON : NM_TY_UNIT;
            L.cols[j].name = "name";
            continue;
        }
        const nm_ppred *pd = &p->preds[pred];
        if (!column_for(p, pd->arg_types[j], &L.cols[j])) {
            nm_error(e->diags, no_span(), "E-fact-type",
                     "'%s': argument '%s' of '%s' has type '%s', which fact files cannot hold",
                     path, arg_name(pd, j), pd->name, p->types[pd->arg_types[j]].name);
            if (mapped)
                munmap(text, len);
            return;
        }
        L.cols[j].name = arg_name(pd, j);
    }
    L.cols[L.arity].kind = COL_TRUTH;
    L.cols[L.arity].name = "truth";
    if (L.arity == 0 && f != FMT_JSONL) {
        nm_error(e->diags, no_span(), "E-fact-arity",
                 "'%s': '%s' has no arguments; give its facts in a .jsonl file (one {} per fact)",
                 path, L.pname);
        if (mapped)
            munmap(text, len);
        return;
    }
    L.t = table_for(fs, pred, L.arity);
    size_t n0 = L.t->n, nf0 = L.t->nf;
    /* A load allocates almost only what it keeps (rows, interned names and numbers):
     * collections during it would rescan a growing heap for little garbage, and cost
     * about half the time of a large load. */
    GC_disable();
    if (f == FMT_TSV)
        load_tsv(&L);
    else if (f == FMT_CSV)
        load_csv(&L);
    else
        load_jsonl(&L);
    GC_enable();
    progress_done(&L);
    if (mapped) {       /* messages quote the file: keep a copy in the heap */
        if (L.errors)
            L.src->text = nm_strndup(text, len);
        munmap(text, len);
    }
    if (L.errors) {     /* a file with errors contributes nothing */
        L.t->n = n0;
        L.t->nf = nf0;
    }
}

void nm_engine_set_progress(nm_engine *e, FILE *out)
{
    e->progress = out;
}

bool nm_engine_load_facts_dir(nm_engine *e, const char *dir)
{
    int before = nm_diags_errors(e->diags);
    if (!e->program || before) {
        nm_error(e->diags, no_span(), "E-state", "fact files can be loaded only into a checked program");
        return false;
    }
    const nm_program *p = e->program;
    DIR *d = opendir(dir);
    if (!d) {
        nm_error(e->diags, no_span(), "E-io", "cannot read the fact directory '%s': %s", dir,
                 strerror(errno));
        e->unreadable = true;
        return false;
    }
    nm_vec names = {0};
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t b = 0;
        if (de->d_name[0] == '.')
            continue;
        if (ends_with(de->d_name, ".tsv", &b) || ends_with(de->d_name, ".csv", &b) ||
            ends_with(de->d_name, ".jsonl", &b))
            nm_vec_push(&names, nm_strdup(de->d_name));
    }
    closedir(d);
    if (names.n)    /* names.items is NULL when empty: qsort must not see it */
        qsort(names.items, (size_t)names.n, sizeof(char *), cmp_str);
    if (!e->facts)
        e->facts = nm_alloc(sizeof(nm_factset));
    nm_factset *fs = e->facts;
    seed_entities(fs, p);
    enum_names(p);
    size_t dlen = strlen(dir);
    bool slash = dlen && dir[dlen - 1] == '/';
    /* resolve every name first; parties are declared before the facts that name them */
    int *preds = nm_alloc_atomic(sizeof(int) * (size_t)(names.n + 1));
    fmt *fmts = nm_alloc_atomic(sizeof(fmt) * (size_t)(names.n + 1));
    for (int i = 0; i < names.n; i++) {
        const char *name = names.items[i];
        size_t b = 0;
        fmts[i] = ends_with(name, ".tsv", &b) ? FMT_TSV : ends_with(name, ".csv", &b) ? FMT_CSV : FMT_JSONL;
        ends_with(name, fmts[i] == FMT_TSV ? ".tsv" : fmts[i] == FMT_CSV ? ".csv" : ".jsonl", &b);
        char *base = nm_strndup(name, b);
        const char *path = nm_sprintf("%s%s%s", dir, slash ? "" : "/", name);
        names.items[i] = (void *)path;
        int k = nm_program_pred(p, base);
        preds[i] = -1;
        if (k >= 0 && k < NM_BUILTIN__COUNT)
            k = -1;
        if (k < 0 && strcmp(base, "Person") == 0) {
            preds[i] = PARTY_PERSON;
        } else if (k < 0 && strcmp(base, "Unit") == 0) {
            preds[i] = PARTY_UNIT;
        } else if (k < 0) {
            nm_diag *dg = nm_error(e->diags, no_span(), "E-fact-file",
                                   "fact file '%s' names no input predicate ('%s')", path, base);
            const char *best = NULL;
            int len = 0;
            for (const char *q = base; *q; q++)
                len += ((unsigned char)*q & 0xC0) != 0x80;
            int bestd = (len / 3 > 1 ? len / 3 : 1) + 1;
            for (int j = NM_BUILTIN__COUNT; j < p->npreds; j++) {
                if (p->preds[j].mode == NM_PRED_DERIVED)
                    continue;
                int dist = nm_check_edit_distance(base, p->preds[j].name);
                if (dist < bestd) {
                    bestd = dist;
                    best = p->preds[j].name;
                }
            }
            if (best)
                nm_diag_note(dg, NM_SEV_HELP, NULL, "did you mean '%s'?", best);
        } else if (p->preds[k].mode == NM_PRED_DERIVED) {
            nm_error(e->diags, no_span(), "E-fact-derived",
                     "fact file '%s': '%s' is concluded by rules; fact files can be given only "
                     "for input predicates", path, base);
        } else if (p->preds[k].origin != NM_ORIGIN_PRED && p->preds[k].origin != NM_ORIGIN_ATTR) {
            nm_error(e->diags, no_span(), "E-fact-derived",
                     "fact file '%s': '%s' is a list, map or table; its rows are given in the rules",
                     path, base);
        } else {
            preds[i] = k;
        }
        for (int j = 0; j < i && preds[i] != -1; j++)
            if (preds[j] == preds[i]) {
                nm_error(e->diags, no_span(), "E-fact-file",
                         "facts of '%s' are given twice: '%s' and '%s'", base,
                         (const char *)names.items[j], path);
                preds[i] = -1;
            }
    }
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < names.n; i++)
            if (preds[i] != -1 && (preds[i] < 0) == (pass == 0))
                load_file(e, fs, names.items[i], preds[i], fmts[i], e->progress);
    return nm_diags_errors(e->diags) == before;
}

/* ---- insertion at each run --------------------------------------------------------- */

#define BATCH 256

/* Makes the table's rows[0, *n) those of r, which were inserted from them into an empty
 * relation: the same rows less the repeats. Rows before the first repeat stay as they
 * are, untouched — relations that share this array hold only rows before it (they
 * share only rows without a repeat), so none sees a row change. */
static void drop_repeats(nm_cell *rows, size_t *n, const nm_rel *r)
{
    size_t w = (size_t)r->arity, kept = nm_rel_size(r), first = 0;
    while (first < kept && memcmp(rows + first * w, nm_rel_row(r, (nm_row)first), w * sizeof(nm_cell)) == 0)
        first++;
    if (first < kept)
        memcpy(rows + first * w, nm_rel_row(r, (nm_row)first), (kept - first) * w * sizeof(nm_cell));
    *n = kept;
}

/* Puts the *n rows of a table into r, skipping those in `unless` (may be NULL). An
 * empty r with nothing to skip shares the table's array (nm_rel_share_rows) instead
 * of copying it — why: a fact file of millions of rows would otherwise be held twice
 * per run, and copying it was most of the cost of loading it into a run. When the
 * table repeats a row, r is filled by inserting (which drops the repeats), and the
 * table then keeps r's rows, the first of each in file order, so that the next run
 * can share them. */
static void insert_rows(nm_rel *r, nm_cell *rows, size_t *n, int arity, const nm_rel *unless)
{
    bool fresh[BATCH];
    nm_row ids[BATCH];
    if (arity == 0) {
        if (*n && !(unless && nm_rel_size(unless)))
            nm_rel_insert(r, rows, NULL);
        return;
    }
    if (unless && nm_rel_size(unless) == 0)
        unless = NULL;
    if (!unless) {
        bool empty = nm_rel_size(r) == 0;
        if (empty && nm_rel_share_rows(r, rows, *n))
            return;
        nm_rel_reserve(r, nm_rel_size(r) + *n);
        for (size_t i = 0; i < *n; i += BATCH) {
            int k = (int)(*n - i < BATCH ? *n - i : BATCH);
            nm_rel_insert_batch(r, rows + i * (size_t)arity, k, fresh, ids);
        }
        if (empty && nm_rel_size(r) < *n)
            drop_repeats(rows, n, r);
        return;
    }
    for (size_t i = 0; i < *n; i++) {
        const nm_cell *t = rows + i * (size_t)arity;
        if (!nm_rel_contains(unless, t))
            nm_rel_insert(r, t, NULL);
    }
}

void nm_facts_insert_false(nm_factset *fs, const nm_lowered *lw, nm_eval *ev)
{
    for (int i = 0; fs && i < fs->tables.n; i++) {
        table *t = fs->tables.items[i];
        if (t->pred >= 0 && t->nf)
            insert_rows(nm_eval_rel(ev, lw->pred_false_rel[t->pred]), t->frows, &t->nf, t->arity, NULL);
    }
}

/* The domain of type t in this run, with the file's individuals ([sem.open.domain]);
 * *extra tells whether the files added any. */
static nm_vec domain_with_files(const nm_factset *fs, const nm_lowered *lw, int t, bool *extra)
{
    const nm_program *p = lw->prog;
    const nm_ptype *ty = &p->types[t];
    nm_vec out = {0};
    if (ty->kind == NM_TY_ENUM || ty->kind == NM_TY_TIERS) {
        for (int i = 0; i < ty->nmembers; i++)
            nm_vec_push(&out, (void *)(uintptr_t)lw->const_cell[ty->members[i]]);
        return out;
    }
    if (ty->kind == NM_TY_BOOL) {
        nm_vec_push(&out, (void *)(uintptr_t)nm_val_bool(false));
        nm_vec_push(&out, (void *)(uintptr_t)nm_val_bool(true));
        return out;
    }
    for (int i = 0; i < p->nconsts; i++) {
        const nm_pconst *k = &p->consts[i];
        if (k->kind != NM_CONST_ENTITY || (k->case_id != -1 && k->case_id != lw->case_id))
            continue;
        if (k->type == t || (t == NM_TY_ENTITY && (k->type == NM_TY_PERSON || k->type == NM_TY_UNIT)))
            nm_vec_push(&out, (void *)(uintptr_t)lw->const_cell[i]);
    }
    for (size_t i = 0; i < fs->nnew; i++) {
        int k = fs->new_types[i];
        if (k == t || (t == NM_TY_ENTITY && (k == NM_TY_PERSON || k == NM_TY_UNIT))) {
            nm_vec_push(&out, (void *)(uintptr_t)fs->new_cells[i]);
            *extra = true;
        }
    }
    return out;
}

bool nm_facts_insert_true(nm_factset *fs, const nm_lowered *lw, nm_eval *ev, nm_buf *err)
{
    if (!fs)
        return true;
    for (int i = 0; i < fs->tables.n; i++) {
        table *t = fs->tables.items[i];
        if (t->pred < 0 || !t->n)
            continue;
        int k = t->pred;
        if (lw->pred_poss_rel[k] != lw->pred_rel[k])
            insert_rows(nm_eval_rel(ev, lw->pred_poss_rel[k]), t->rows, &t->n, t->arity, NULL);
        insert_rows(nm_eval_rel(ev, lw->pred_rel[k]), t->rows, &t->n, t->arity,
                    nm_eval_rel(ev, lw->pred_false_rel[k]));
    }
    if (!fs->nnew)
        return true;
    const nm_program *p = lw->prog;
    for (int k = 0; k < p->npreds; k++) {
        if (!lw->open[k])
            continue;
        int ar = p->preds[k].arity;
        bool extra = false;
        nm_vec *doms = nm_alloc(sizeof *doms * (size_t)(ar + 1));
        double size = 1;
        for (int j = 0; j < ar; j++) {
            doms[j] = domain_with_files(fs, lw, p->preds[k].arg_types[j], &extra);
            size *= doms[j].n;
        }
        if (!extra || size == 0)
            continue;
        if (size > MAX_OPEN_DOMAIN) {
            nm_buf_printf(err, "the open predicate '%s' has %.0f possible atoms, more than %d",
                          p->preds[k].name, size, MAX_OPEN_DOMAIN);
            return false;
        }
        nm_rel *falses = nm_eval_rel(ev, lw->pred_false_rel[k]);
        nm_rel *poss = nm_eval_rel(ev, lw->pred_poss_rel[k]);
        int idx[64] = {0};
        nm_cell tuple[64];
        if (ar > 64)
            continue;
        for (;;) {
            for (int j = 0; j < ar; j++)
                tuple[j] = (nm_cell)(uintptr_t)doms[j].items[idx[j]];
            if (!nm_rel_contains(falses, tuple))
                nm_rel_insert(poss, tuple, NULL);
            int j = ar - 1;
            while (j >= 0 && ++idx[j] == doms[j].n)
                idx[j--] = 0;
            if (j < 0)
                break;
        }
    }
    return true;
}
