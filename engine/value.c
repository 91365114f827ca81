/* value.c — cells, the process-wide intern tables, value order, hashing and display
 * (see value.h). Tables grow by doubling and never shrink: an interned value lives
 * as long as the process, which is what lets a cell be a bare integer. Hash slots
 * and number entries are atomic allocations; symbol bytes are atomic strings. */
#include "value.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "mem.h"

/* ---- cell layout ------------------------------------------------------------------ */

enum {
    TAG_NONE = 0,
    TAG_BOOL,
    TAG_INT,    /* immediate integer, biased by 2^59 so payload order is value order */
    TAG_NUM,    /* interned reduced fraction; payload = number id */
    TAG_DATE,   /* payload = day number */
    TAG_DUR,    /* payload = unit << 56 | (amount + 2^55) */
    TAG_ENUM,   /* payload = type id << 32 | ordinal */
    TAG_ENTITY, /* payload = symbol id */
    TAG_TEXT,
    TAG_CITE,
    TAG_DEC,    /* immediate decimal: payload = value * 10^DEC_SCALE + 2^59 (see numbers) */
};

#define TAG_SHIFT 60
#define PAYLOAD_MASK ((UINT64_C(1) << TAG_SHIFT) - 1)
#define INT_BIAS (INT64_C(1) << 59)
#define DUR_BIAS (INT64_C(1) << 55)

static inline unsigned tag_of(nm_cell c) { return (unsigned)(c >> TAG_SHIFT); }
static inline uint64_t payload(nm_cell c) { return c & PAYLOAD_MASK; }
static inline nm_cell mk(unsigned tag, uint64_t p) { return (nm_cell)tag << TAG_SHIFT | p; }

nm_val_kind nm_val_kind_of(nm_cell c)
{
    static const nm_val_kind kinds[] = {
        [TAG_NONE] = NM_VAL_NONE,     [TAG_BOOL] = NM_VAL_BOOL,
        [TAG_INT] = NM_VAL_NUMBER,    [TAG_NUM] = NM_VAL_NUMBER,
        [TAG_DATE] = NM_VAL_DATE,     [TAG_DUR] = NM_VAL_DURATION,
        [TAG_ENUM] = NM_VAL_ENUM,     [TAG_ENTITY] = NM_VAL_ENTITY,
        [TAG_TEXT] = NM_VAL_TEXT,     [TAG_CITE] = NM_VAL_CITE,
        [TAG_DEC] = NM_VAL_NUMBER,
    };
    unsigned t = tag_of(c);
    return t < sizeof kinds / sizeof kinds[0] ? kinds[t] : NM_VAL_NONE;
}

/* ---- open-addressing index over entry ids ----------------------------------------
 * A slot is 64 bits: a 32-bit fragment of the key's hash in the high half, id + 1 in
 * the low half (0 = empty); the entries live in each table's own array, so the index
 * is pointer-free (atomic). The fragment picks the home slot and is compared before
 * an entry is touched, so a probe past other keys costs no access to their entries,
 * and growth re-slots from the fragments alone, never re-hashing a key. Linear
 * probing, load factor at most 1/2. */

typedef struct index {
    uint64_t *slots;
    uint32_t mask;
    uint32_t used;
} index_t;

static inline uint32_t frag_of(uint64_t h) { return (uint32_t)(h >> 32); }
static inline uint32_t slot_id(uint64_t s) { return (uint32_t)s - 1; }

static void ix_resize(index_t *ix, uint32_t cap)
{
    uint64_t *slots = nm_alloc_atomic((size_t)cap * sizeof(uint64_t));
    memset(slots, 0, (size_t)cap * sizeof(uint64_t));
    for (uint32_t i = 0; ix->slots && i <= ix->mask; i++) {
        uint64_t s = ix->slots[i];
        if (!s)
            continue;
        uint32_t j = (uint32_t)(s >> 32) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    ix->slots = slots;
    ix->mask = cap - 1;
}

typedef bool (*eq_fn)(uint32_t id, const void *key);

/* The slot of the key with hash h: the slot holding it, or the empty slot where it
 * belongs. eq is called only for entries whose fragment matches. Always inlined, so
 * that eq is a direct (inlined) call at each use. */
static inline __attribute__((always_inline)) uint64_t *ix_find(index_t *ix, uint64_t h, eq_fn eq,
                                                               const void *key)
{
    if (!ix->slots)
        ix_resize(ix, 64);
    uint32_t frag = frag_of(h);
    uint64_t want = (uint64_t)frag << 32;
    for (uint32_t i = frag & ix->mask;; i = (i + 1) & ix->mask) {
        uint64_t s = ix->slots[i];
        if (s == 0 || ((s & ~(uint64_t)UINT32_MAX) == want && eq(slot_id(s), key)))
            return &ix->slots[i];
    }
}

/* Fills an empty slot found by ix_find with (fragment of h, id), then grows if
 * needed (which invalidates slot pointers into this index). */
static void ix_fill(index_t *ix, uint64_t *slot, uint64_t h, uint32_t id)
{
    *slot = (uint64_t)frag_of(h) << 32 | ((uint64_t)id + 1);
    if (++ix->used * 2 > ix->mask + 1)
        ix_resize(ix, (ix->mask + 1) * 2);
}

/* Makes room for n entries in all without growing. */
static void ix_reserve(index_t *ix, size_t n)
{
    size_t cap = ix->slots ? (size_t)ix->mask + 1 : 64;
    while (n * 2 > cap && cap < (size_t)1 << 31)
        cap *= 2;
    if (!ix->slots || cap > (size_t)ix->mask + 1)
        ix_resize(ix, (uint32_t)cap);
}

static uint64_t mix64(uint64_t x)
{
    /* splitmix64's finaliser */
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

/* 64 × 64 → 128-bit multiply, folded: the mixing step of the byte hash. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint64_t load32(const unsigned char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* A hash of n bytes, eight at a time (the tail by overlapping loads). */
static uint64_t hash_bytes(uint64_t seed, const void *p, size_t n)
{
    const unsigned char *s = p;
    const uint64_t k0 = UINT64_C(0xa0761d6478bd642f), k1 = UINT64_C(0xe7037ed1a0b428db);
    uint64_t h = mum(seed ^ k0, (uint64_t)n ^ k1);
    size_t i = n;
    while (i > 8) {
        h = mum(h ^ load64(s), k1);
        s += 8;
        i -= 8;
    }
    uint64_t w;
    if (i >= 4)
        w = load32(s) << 32 | load32(s + i - 4);
    else if (i > 0)
        w = (uint64_t)s[0] << 16 | (uint64_t)s[i >> 1] << 8 | s[i - 1];
    else
        w = 0;
    return mix64(mum(h ^ w, k0 ^ i));
}

/* Grows a table's entry array (kind preserved by nm_realloc) to hold at least
 * `want` entries, doubling. */
static void *reserve(void *items, size_t want, uint32_t *cap, size_t size, bool atomic)
{
    if (want <= *cap)
        return items;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < want)
        ncap *= 2;
    void *r = items ? nm_realloc(items, ncap * size)
                    : (atomic ? nm_alloc_atomic(ncap * size) : nm_alloc(ncap * size));
    *cap = (uint32_t)ncap;
    return r;
}

/* ---- numbers ------------------------------------------------------------------- */

/* Immediate decimals (TAG_DEC): a number that is not an integer but whose value
 * times 10^DEC_SCALE is an integer m with |m| < 2^59 is the cell TAG_DEC | m + 2^59;
 * every other non-integer is interned as a reduced fraction (TAG_NUM). Which
 * representation a value gets depends only on the value, so there is still one cell
 * per number, and payload order is value order among TAG_DEC cells. Why: amounts
 * with a few decimals (money, rates) are most of the numbers in fact files, and
 * interning a million distinct ones costs a table probe (cache misses) each. */
#define DEC_SCALE 6
#define DEC_ONE INT64_C(1000000) /* 10^DEC_SCALE */

static const int64_t POW10[DEC_SCALE + 1] = {1, 10, 100, 1000, 10000, 100000, 1000000};

typedef struct nument {
    int64_t num, den; /* reduced, den > 0; integers outside the immediate range have den 1 */
} nument;

static struct {
    nument *items;
    uint32_t n, cap;
    index_t ix;
} nums;

static uint64_t num_hash(int64_t n, int64_t d)
{
    return mix64((uint64_t)n * UINT64_C(0x9e3779b97f4a7c15) ^ mix64((uint64_t)d));
}
static bool num_eq(uint32_t id, const void *key)
{
    const nument *k = key;
    return nums.items[id].num == k->num && nums.items[id].den == k->den;
}

/* The immediate decimal for m / 10^DEC_SCALE, m not a multiple of 10^DEC_SCALE; false
 * if m is out of range. */
static inline bool dec_cell(int64_t m, nm_cell *out)
{
    if (m < -INT_BIAS || m >= INT_BIAS)
        return false;
    *out = mk(TAG_DEC, (uint64_t)(m + INT_BIAS));
    return true;
}

/* n / d reduced, d > 0. */
static nm_cell intern_fraction(int64_t n, int64_t d)
{
    if (d == 1 && n >= -INT_BIAS && n < INT_BIAS)
        return mk(TAG_INT, (uint64_t)(n + INT_BIAS));
    nm_cell c;
    int64_t m;
    if (d > 1 && d <= DEC_ONE && DEC_ONE % d == 0 && !__builtin_mul_overflow(n, DEC_ONE / d, &m) &&
        dec_cell(m, &c))
        return c;
    nument key = {n, d};
    uint64_t h = num_hash(n, d);
    uint64_t *slot = ix_find(&nums.ix, h, num_eq, &key);
    if (*slot)
        return mk(TAG_NUM, slot_id(*slot));
    nums.items = reserve(nums.items, (size_t)nums.n + 1, &nums.cap, sizeof(nument), true);
    nums.items[nums.n] = key;
    ix_fill(&nums.ix, slot, h, nums.n);
    return mk(TAG_NUM, nums.n++);
}

nm_cell nm_val_int(int64_t v) { return intern_fraction(v, 1); }

nm_cell nm_val_num(nm_num n)
{
    if (n.kind == NM_NUM_INT)
        return intern_fraction(n.num, 1);
    if (n.kind == NM_NUM_DECIMAL && n.scale >= 0 && n.scale <= NM_NUM_MAX_SCALE)
        return nm_val_decimal(n.num, n.scale);
    int64_t num, den;
    nm_num_to_fraction(n, &num, &den);
    return intern_fraction(num, den);
}

nm_cell nm_val_decimal(int64_t coefficient, int scale)
{
    /* a decimal of small scale needs no reduction: its value times 10^DEC_SCALE */
    int64_t m;
    if (scale >= 0 && scale <= DEC_SCALE &&
        !__builtin_mul_overflow(coefficient, POW10[DEC_SCALE - scale], &m)) {
        nm_cell c;
        if (m % DEC_ONE == 0)
            return intern_fraction(m / DEC_ONE, 1);
        if (dec_cell(m, &c))
            return c;
    }
    nm_num n;
    if (nm_num_decimal(coefficient, scale, &n) != NM_NUM_OK)
        return NM_CELL_NONE;
    int64_t num, den;
    nm_num_to_fraction(n, &num, &den);
    return intern_fraction(num, den);
}

/* The number as a fraction, not necessarily reduced (den > 0); false for non-numbers. */
static inline bool raw_fraction(nm_cell c, int64_t *num, int64_t *den)
{
    switch (tag_of(c)) {
    case TAG_INT:
        *num = (int64_t)payload(c) - INT_BIAS;
        *den = 1;
        return true;
    case TAG_DEC:
        *num = (int64_t)payload(c) - INT_BIAS;
        *den = DEC_ONE;
        return true;
    case TAG_NUM:
        *num = nums.items[payload(c)].num;
        *den = nums.items[payload(c)].den;
        return true;
    default:
        return false;
    }
}

bool nm_val_get_fraction(nm_cell c, int64_t *num, int64_t *den)
{
    switch (tag_of(c)) {
    case TAG_INT:
        *num = (int64_t)payload(c) - INT_BIAS;
        *den = 1;
        return true;
    case TAG_NUM:
        *num = nums.items[payload(c)].num;
        *den = nums.items[payload(c)].den;
        return true;
    case TAG_DEC: {
        /* m / 10^DEC_SCALE: cancel the factors 2 and 5 that m shares with 10^DEC_SCALE */
        int64_t m = (int64_t)payload(c) - INT_BIAS, d = DEC_ONE;
        int twos = __builtin_ctzll((uint64_t)m);
        if (twos > DEC_SCALE)
            twos = DEC_SCALE;
        m /= INT64_C(1) << twos;
        d >>= twos;
        for (int fives = 0; fives < DEC_SCALE && m % 5 == 0; fives++) {
            m /= 5;
            d /= 5;
        }
        *num = m;
        *den = d;
        return true;
    }
    default:
        return false;
    }
}

bool nm_val_get_num(nm_cell c, nm_num *out)
{
    int64_t n, d;
    if (!nm_val_get_fraction(c, &n, &d))
        return false;
    nm_num r;
    if (d == 1)
        r = nm_num_int(n);
    else
        nm_num_rational(n, d, &r); /* already reduced: cannot fail */
    *out = nm_num_canonical(r);
    return true;
}

bool nm_val_get_int(nm_cell c, int64_t *out)
{
    int64_t n, d;
    if (!nm_val_get_fraction(c, &n, &d) || d != 1)
        return false;
    *out = n;
    return true;
}

/* ---- immediates ------------------------------------------------------------------ */

nm_cell nm_val_bool(bool b) { return mk(TAG_BOOL, b ? 1 : 0); }
bool nm_val_get_bool(nm_cell c) { return tag_of(c) == TAG_BOOL && payload(c) != 0; }

nm_cell nm_val_date(nm_date d) { return mk(TAG_DATE, (uint64_t)(uint32_t)d); }
nm_date nm_val_get_date(nm_cell c) { return (nm_date)payload(c); }

bool nm_val_duration(nm_duration dur, nm_cell *out)
{
    if (dur.amount < -DUR_BIAS || dur.amount >= DUR_BIAS || (unsigned)dur.unit > NM_DUR_YEARS)
        return false;
    *out = mk(TAG_DUR, (uint64_t)dur.unit << 56 | (uint64_t)(dur.amount + DUR_BIAS));
    return true;
}

nm_duration nm_val_get_duration(nm_cell c)
{
    uint64_t p = payload(c);
    return (nm_duration){.amount = (int64_t)(p & ((UINT64_C(1) << 56) - 1)) - DUR_BIAS,
                         .unit = (nm_dur_unit)(p >> 56)};
}

/* ---- enum members ---------------------------------------------------------------- */

typedef struct enument {
    nm_cell cell;
    const char *name; /* atomic copy */
    size_t len;
} enument;

static struct {
    enument *items;
    uint32_t n, cap;
    index_t by_cell, by_name;
} enums;

typedef struct name_key {
    uint32_t type;
    const char *name;
    size_t len;
} name_key;

static uint64_t enum_cell_hash(nm_cell c) { return mix64(c); }
static uint64_t enum_name_hash(uint32_t type, const char *s, size_t n) { return hash_bytes(type, s, n); }
static bool enum_cell_eq(uint32_t id, const void *key) { return enums.items[id].cell == *(const nm_cell *)key; }
static bool enum_name_eq(uint32_t id, const void *key)
{
    const name_key *k = key;
    const enument *e = &enums.items[id];
    return nm_val_enum_type(e->cell) == k->type && e->len == k->len &&
           memcmp(e->name, k->name, k->len) == 0;
}
nm_cell nm_val_enum(uint32_t type_id, uint32_t ordinal)
{
    return mk(TAG_ENUM, (uint64_t)type_id << 32 | ordinal);
}
uint32_t nm_val_enum_type(nm_cell c) { return (uint32_t)(payload(c) >> 32); }
uint32_t nm_val_enum_ordinal(nm_cell c) { return (uint32_t)payload(c); }

bool nm_val_enum_declare(uint32_t type_id, uint32_t ordinal, const char *name, size_t len)
{
    if (type_id > NM_VAL_ENUM_MAX_TYPE)
        return false;
    nm_cell c = nm_val_enum(type_id, ordinal);
    name_key nk = {type_id, name, len};
    uint64_t ch = enum_cell_hash(c), nh = enum_name_hash(type_id, name, len);
    uint64_t *cs = ix_find(&enums.by_cell, ch, enum_cell_eq, &c);
    uint64_t *ns = ix_find(&enums.by_name, nh, enum_name_eq, &nk);
    if (*cs || *ns) /* redeclaring is fine only if both refer to the same entry */
        return *cs && *ns && slot_id(*cs) == slot_id(*ns);
    enums.items = reserve(enums.items, (size_t)enums.n + 1, &enums.cap, sizeof(enument), false);
    enums.items[enums.n] = (enument){c, nm_strndup(name, len), len};
    ix_fill(&enums.by_cell, cs, ch, enums.n);
    /* by_cell may have grown, but ns belongs to the other index and is still valid */
    ix_fill(&enums.by_name, ns, nh, enums.n);
    enums.n++;
    return true;
}

bool nm_val_enum_lookup(uint32_t type_id, const char *name, size_t len, nm_cell *out)
{
    name_key nk = {type_id, name, len};
    uint64_t *ns = ix_find(&enums.by_name, enum_name_hash(type_id, name, len), enum_name_eq, &nk);
    if (!*ns)
        return false;
    *out = enums.items[slot_id(*ns)].cell;
    return true;
}

const char *nm_val_enum_name(nm_cell c)
{
    if (tag_of(c) != TAG_ENUM)
        return NULL;
    uint64_t *cs = ix_find(&enums.by_cell, enum_cell_hash(c), enum_cell_eq, &c);
    return *cs ? enums.items[slot_id(*cs)].name : NULL;
}

/* ---- symbols: entities, text, citations ------------------------------------------- */

typedef struct sym {
    const char *bytes;        /* in the arena, NUL-terminated */
    const unsigned char *key; /* citations: sort key, in the arena; else NULL */
    uint32_t len;
    uint32_t key_len : 28, tag : 4;
} sym;

/* syms.items is atomic: the bytes and keys it points to live in arena chunks, which
 * the arena's chunk list (reachable from this static root) keeps alive. */
static struct {
    sym *items;
    uint32_t n, cap;
    index_t ix;
} syms;

/* Bump allocation of symbol bytes in atomic chunks: one allocation per 256 KiB
 * rather than per symbol; nothing is ever freed (interned values are permanent). */
#define ARENA_CHUNK ((size_t)256 << 10)
static struct {
    char *cur;
    size_t left;
    nm_vec chunks; /* every chunk, so that the collector keeps them */
} arena;

static char *arena_alloc(size_t n)
{
    if (n > arena.left) {
        if (n > ARENA_CHUNK / 8) { /* large: a chunk of its own */
            char *p = nm_alloc_atomic(n);
            nm_vec_push(&arena.chunks, p);
            return p;
        }
        arena.cur = nm_alloc_atomic(ARENA_CHUNK);
        arena.left = ARENA_CHUNK;
        nm_vec_push(&arena.chunks, arena.cur);
    }
    char *p = arena.cur;
    arena.cur += n;
    arena.left -= n;
    return p;
}

typedef struct sym_key {
    unsigned tag;
    const char *bytes;
    size_t len;
} sym_key;

static uint64_t sym_hash(unsigned tag, const char *s, size_t n) { return hash_bytes(tag, s, n); }
static bool sym_eq(uint32_t id, const void *key)
{
    const sym_key *k = key;
    const sym *e = &syms.items[id];
    return e->len == k->len && e->tag == k->tag && memcmp(e->bytes, k->bytes, k->len) == 0;
}

static bool is_ascii(const char *s, size_t len)
{
    size_t i = 0;
    uint64_t acc = 0;
    for (; i + 8 <= len; i += 8)
        acc |= load64((const unsigned char *)s + i);
    for (; i < len; i++)
        acc |= (unsigned char)s[i];
    return (acc & UINT64_C(0x8080808080808080)) == 0;
}

/* s in NFC, as a malloc'd string the caller frees; NULL for invalid UTF-8. */
static char *to_nfc(const char *s, size_t len, size_t *out_len)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                      &dst, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0)
        return NULL;
    *out_len = (size_t)n;
    return (char *)dst;
}

/* Looks the bytes up first as given: the table holds only NFC text, so bytes equal
 * to an entry are that entry's text, already valid and normalised. Only a miss pays
 * for validation and normalisation (none for ASCII, which is always NFC). */
static nm_cell intern_sym(unsigned tag, const char *s, size_t len, const void *key,
                          size_t key_len)
{
    if (len > UINT32_MAX || key_len >= (1u << 28))
        return NM_CELL_NONE;
    uint64_t h = sym_hash(tag, s, len);
    sym_key k = {tag, s, len};
    uint64_t *slot = ix_find(&syms.ix, h, sym_eq, &k);
    if (*slot)
        return mk(tag, slot_id(*slot));
    char *norm = NULL;
    if (!is_ascii(s, len)) {
        size_t n;
        norm = to_nfc(s, len, &n);
        if (!norm)
            return NM_CELL_NONE;
        if (n != len || memcmp(norm, s, n) != 0) {
            s = norm;
            len = n;
            h = sym_hash(tag, s, len);
            k = (sym_key){tag, s, len};
            slot = ix_find(&syms.ix, h, sym_eq, &k);
            if (*slot) {
                free(norm);
                return mk(tag, slot_id(*slot));
            }
        }
    }
    syms.items = reserve(syms.items, (size_t)syms.n + 1, &syms.cap, sizeof(sym), true);
    char *bytes = arena_alloc(len + 1);
    memcpy(bytes, s, len);
    bytes[len] = '\0';
    free(norm);
    unsigned char *kcopy = NULL;
    if (key) {
        kcopy = (unsigned char *)arena_alloc(key_len ? key_len : 1);
        memcpy(kcopy, key, key_len);
    }
    syms.items[syms.n] = (sym){.bytes = bytes,
                               .key = kcopy,
                               .len = (uint32_t)len,
                               .key_len = (uint32_t)key_len,
                               .tag = tag};
    ix_fill(&syms.ix, slot, h, syms.n);
    return mk(tag, syms.n++);
}

void nm_val_prefetch(nm_val_kind kind, const char *s, size_t len)
{
    if (!syms.ix.slots || (kind != NM_VAL_ENTITY && kind != NM_VAL_TEXT))
        return;
    uint64_t h = sym_hash(kind == NM_VAL_ENTITY ? TAG_ENTITY : TAG_TEXT, s, len);
    __builtin_prefetch(&syms.ix.slots[frag_of(h) & syms.ix.mask]);
}

void nm_val_reserve(size_t n)
{
    if (n > (size_t)1 << 30)
        n = (size_t)1 << 30;
    syms.items = reserve(syms.items, (size_t)syms.n + n, &syms.cap, sizeof(sym), true);
    ix_reserve(&syms.ix, (size_t)syms.ix.used + n);
}

nm_cell nm_val_entity(const char *name, size_t len) { return intern_sym(TAG_ENTITY, name, len, NULL, 0); }
nm_cell nm_val_text(const char *s, size_t len) { return intern_sym(TAG_TEXT, s, len, NULL, 0); }
nm_cell nm_val_cite(const char *text, size_t len, const void *sort_key, size_t key_len)
{
    return intern_sym(TAG_CITE, text, len, sort_key ? sort_key : "", sort_key ? key_len : 0);
}

const char *nm_val_get_str(nm_cell c, size_t *len)
{
    unsigned t = tag_of(c);
    if (t != TAG_ENTITY && t != TAG_TEXT && t != TAG_CITE)
        return NULL;
    const sym *e = &syms.items[payload(c)];
    if (len)
        *len = e->len;
    return e->bytes;
}

size_t nm_val_interned_count(void) { return (size_t)nums.n + syms.n; }

uint32_t nm_val_sym_index(nm_cell c) { return (uint32_t)payload(c); }
size_t nm_val_sym_count(void) { return syms.n; }

/* ---- order and hashing ------------------------------------------------------------ */

static int cmp_bytes(const void *a, size_t an, const void *b, size_t bn)
{
    int r = memcmp(a, b, an < bn ? an : bn);
    if (r)
        return r < 0 ? -1 : 1;
    return (an > bn) - (an < bn);
}

int nm_val_compare(nm_cell a, nm_cell b)
{
    if (a == b)
        return 0;
    nm_val_kind ka = nm_val_kind_of(a), kb = nm_val_kind_of(b);
    if (ka != kb)
        return ka < kb ? -1 : 1;
    unsigned ta = tag_of(a);
    switch (ka) {
    case NM_VAL_NUMBER:
        if (ta == tag_of(b) && ta != TAG_NUM)
            break; /* both TAG_INT or both TAG_DEC: biased payloads compare as the values */
        {
            int64_t an = 0, ad = 1, bn = 0, bd = 1;
            raw_fraction(a, &an, &ad);
            raw_fraction(b, &bn, &bd);
            __int128 x = (__int128)an * bd, y = (__int128)bn * ad;
            return (x > y) - (x < y);
        }
    case NM_VAL_ENTITY:
    case NM_VAL_TEXT: {
        const sym *x = &syms.items[payload(a)], *y = &syms.items[payload(b)];
        return cmp_bytes(x->bytes, x->len, y->bytes, y->len);
    }
    case NM_VAL_CITE: {
        const sym *x = &syms.items[payload(a)], *y = &syms.items[payload(b)];
        int r = cmp_bytes(x->key, x->key_len, y->key, y->key_len);
        return r ? r : cmp_bytes(x->bytes, x->len, y->bytes, y->len);
    }
    default: /* bool, date, duration, enum: payload order is value order */
        break;
    }
    return payload(a) < payload(b) ? -1 : 1;
}

int nm_val_compare_tuple(const nm_cell *a, const nm_cell *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int r = nm_val_compare(a[i], b[i]);
        if (r)
            return r;
    }
    return 0;
}

uint64_t nm_val_hash(nm_cell c) { return mix64(c + UINT64_C(0x9e3779b97f4a7c15)); }

uint64_t nm_val_hash_tuple(const nm_cell *cells, size_t n)
{
    uint64_t h = UINT64_C(0x84222325cbf29ce4) ^ n;
    for (size_t i = 0; i < n; i++)
        h = (h ^ nm_val_hash(cells[i])) * UINT64_C(0x9e3779b97f4a7c15);
    return mix64(h);
}

/* ---- text ------------------------------------------------------------------------ */

static char *format_number(nm_cell c, nm_num_kind style, int min_scale)
{
    int64_t n = 0, d = 1;
    nm_val_get_fraction(c, &n, &d);
    char buf[NM_NUM_BUFSZ];
    if (style == NM_NUM_RATIONAL || (d == 1 && min_scale <= 0)) {
        nm_num r;
        nm_num_rational(n, d, &r);
        return nm_strdup(nm_num_format(r, buf));
    }
    return nm_strdup(nm_num_format_fraction(n, d, min_scale, buf));
}

static char *quote(const char *s, size_t len)
{
    nm_buf b = {0};
    nm_buf_putc(&b, '"');
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '"': nm_buf_puts(&b, "\\\""); break;
        case '\\': nm_buf_puts(&b, "\\\\"); break;
        case '\n': nm_buf_puts(&b, "\\n"); break;
        case '\t': nm_buf_puts(&b, "\\t"); break;
        case '\0': nm_buf_puts(&b, "\\u{0}"); break;
        default: nm_buf_putc(&b, s[i]);
        }
    }
    nm_buf_putc(&b, '"');
    return b.data;
}

static char *format(nm_cell c, bool literal)
{
    switch (nm_val_kind_of(c)) {
    case NM_VAL_NONE: return nm_strdup("<none>");
    case NM_VAL_BOOL: return nm_strdup(nm_val_get_bool(c) ? "true" : "false");
    case NM_VAL_NUMBER: return format_number(c, NM_NUM_DECIMAL, 0);
    case NM_VAL_DATE: {
        char buf[NM_DATE_BUFSZ];
        return nm_strdup(nm_date_format(nm_val_get_date(c), buf));
    }
    case NM_VAL_DURATION: return nm_date_dur_format(nm_val_get_duration(c));
    case NM_VAL_ENUM: {
        const char *name = nm_val_enum_name(c);
        return name ? nm_strdup(name)
                    : nm_sprintf("#%u.%u", nm_val_enum_type(c), nm_val_enum_ordinal(c));
    }
    case NM_VAL_ENTITY:
    case NM_VAL_TEXT:
    case NM_VAL_CITE: {
        size_t len = 0;
        const char *s = nm_val_get_str(c, &len);
        if (!literal || nm_val_kind_of(c) == NM_VAL_ENTITY)
            return nm_strndup(s, len);
        if (nm_val_kind_of(c) == NM_VAL_CITE)
            return nm_sprintf("[%s]", s);
        return quote(s, len);
    }
    }
    return nm_strdup("<?>");
}

char *nm_val_format(nm_cell c) { return format(c, false); }
char *nm_val_format_literal(nm_cell c) { return format(c, true); }

char *nm_val_format_num(nm_cell c, nm_num_kind style, int min_scale)
{
    if (nm_val_kind_of(c) != NM_VAL_NUMBER)
        return format(c, false);
    return format_number(c, style, min_scale);
}

/* ---- arithmetic on cells ------------------------------------------------------------ */

typedef nm_num_status (*num_op)(nm_num, nm_num, nm_num *);

/* A number cell as an nm_num on which nm_num arithmetic is exact whenever the
 * reduced result fits: INT for integers (the checked int64 path), else RATIONAL. */
static bool operand(nm_cell c, nm_num *out)
{
    int64_t n, d;
    if (!nm_val_get_fraction(c, &n, &d))
        return false;
    *out = d == 1 ? nm_num_int(n) : (nm_num){.kind = NM_NUM_RATIONAL, .num = n, .den = d};
    return true;
}

static nm_num_status num_binop(nm_cell a, nm_cell b, num_op op, nm_cell *out)
{
    nm_num x, y, r;
    if (!operand(a, &x) || !operand(b, &y))
        return NM_NUM_TYPE;
    nm_num_status st = op(x, y, &r);
    if (st == NM_NUM_OK)
        *out = nm_val_num(r);
    return st;
}

static nm_num_status date_step(nm_cell date, nm_cell dur, int sign, nm_cell *out)
{
    nm_date r;
    if (!nm_date_add(nm_val_get_date(date), nm_val_get_duration(dur), sign, &r))
        return NM_NUM_DATE_RANGE;
    *out = nm_val_date(r);
    return NM_NUM_OK;
}

nm_num_status nm_val_add(nm_cell a, nm_cell b, nm_cell *out)
{
    nm_val_kind ka = nm_val_kind_of(a), kb = nm_val_kind_of(b);
    if (ka == NM_VAL_DATE && kb == NM_VAL_DURATION)
        return date_step(a, b, +1, out);
    if (ka == NM_VAL_DURATION && kb == NM_VAL_DATE)
        return date_step(b, a, +1, out);
    return num_binop(a, b, nm_num_add, out);
}

nm_num_status nm_val_sub(nm_cell a, nm_cell b, nm_cell *out)
{
    if (nm_val_kind_of(a) == NM_VAL_DATE && nm_val_kind_of(b) == NM_VAL_DURATION)
        return date_step(a, b, -1, out);
    return num_binop(a, b, nm_num_sub, out);
}

nm_num_status nm_val_mul(nm_cell a, nm_cell b, nm_cell *out) { return num_binop(a, b, nm_num_mul, out); }
nm_num_status nm_val_div(nm_cell a, nm_cell b, nm_cell *out) { return num_binop(a, b, nm_num_div, out); }

nm_num_status nm_val_neg(nm_cell a, nm_cell *out)
{
    nm_num x, r;
    if (!operand(a, &x))
        return NM_NUM_TYPE;
    nm_num_status st = nm_num_neg(x, &r);
    if (st == NM_NUM_OK)
        *out = nm_val_num(r);
    return st;
}
