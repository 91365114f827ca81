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
    };
    unsigned t = tag_of(c);
    return t < sizeof kinds / sizeof kinds[0] ? kinds[t] : NM_VAL_NONE;
}

/* ---- open-addressing index over entry ids ----------------------------------------
 * Slots hold id + 1 (0 = empty); the entries live in each table's own array, so
 * the index is pointer-free. Linear probing, load factor at most 1/2. */

typedef struct index {
    uint32_t *slots;
    uint32_t mask;
    uint32_t used;
} index_t;

typedef bool (*eq_fn)(uint32_t id, const void *key);
typedef uint64_t (*rehash_fn)(uint32_t id);

static uint32_t *ix_slot(index_t *ix, uint64_t h, eq_fn eq, const void *key)
{
    if (!ix->slots) {
        ix->mask = 63;
        ix->slots = nm_alloc_atomic(64 * sizeof(uint32_t));
        memset(ix->slots, 0, 64 * sizeof(uint32_t));
    }
    for (uint32_t i = (uint32_t)h & ix->mask;; i = (i + 1) & ix->mask) {
        uint32_t s = ix->slots[i];
        if (s == 0 || eq(s - 1, key))
            return &ix->slots[i];
    }
}

/* Fills an empty slot found by ix_slot with id, then grows if needed. */
static void ix_fill(index_t *ix, uint32_t *slot, uint32_t id, rehash_fn rehash)
{
    *slot = id + 1;
    if (++ix->used * 2 <= ix->mask + 1)
        return;
    uint32_t cap = (ix->mask + 1) * 2;
    uint32_t *slots = nm_alloc_atomic(cap * sizeof(uint32_t));
    memset(slots, 0, cap * sizeof(uint32_t));
    for (uint32_t i = 0; i <= ix->mask; i++) {
        uint32_t s = ix->slots[i];
        if (!s)
            continue;
        uint32_t j = (uint32_t)rehash(s - 1) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    ix->slots = slots;
    ix->mask = cap - 1;
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

static uint64_t hash_bytes(uint64_t seed, const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return mix64(h);
}

/* Grows a table's entry array (kind preserved by nm_realloc) to hold n + 1. */
static void *reserve(void *items, uint32_t n, uint32_t *cap, size_t size, bool atomic)
{
    if (n < *cap)
        return items;
    uint32_t ncap = *cap ? *cap * 2 : 64;
    void *r = items ? nm_realloc(items, ncap * size)
                    : (atomic ? nm_alloc_atomic(ncap * size) : nm_alloc(ncap * size));
    *cap = ncap;
    return r;
}

/* ---- numbers ------------------------------------------------------------------- */

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
static uint64_t num_rehash(uint32_t id) { return num_hash(nums.items[id].num, nums.items[id].den); }

static nm_cell intern_fraction(int64_t n, int64_t d)
{
    if (d == 1 && n >= -INT_BIAS && n < INT_BIAS)
        return mk(TAG_INT, (uint64_t)(n + INT_BIAS));
    nument key = {n, d};
    uint32_t *slot = ix_slot(&nums.ix, num_hash(n, d), num_eq, &key);
    if (*slot)
        return mk(TAG_NUM, *slot - 1);
    nums.items = reserve(nums.items, nums.n, &nums.cap, sizeof(nument), true);
    nums.items[nums.n] = key;
    ix_fill(&nums.ix, slot, nums.n, num_rehash);
    return mk(TAG_NUM, nums.n++);
}

nm_cell nm_val_int(int64_t v) { return intern_fraction(v, 1); }

nm_cell nm_val_num(nm_num n)
{
    int64_t num, den;
    nm_num_to_fraction(n, &num, &den);
    return intern_fraction(num, den);
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
static uint64_t enum_cell_rehash(uint32_t id) { return enum_cell_hash(enums.items[id].cell); }
static uint64_t enum_name_rehash(uint32_t id)
{
    const enument *e = &enums.items[id];
    return enum_name_hash(nm_val_enum_type(e->cell), e->name, e->len);
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
    uint32_t *cs = ix_slot(&enums.by_cell, enum_cell_hash(c), enum_cell_eq, &c);
    uint32_t *ns = ix_slot(&enums.by_name, enum_name_hash(type_id, name, len), enum_name_eq, &nk);
    if (*cs || *ns) /* redeclaring is fine only if both refer to the same entry */
        return *cs && *cs == *ns;
    enums.items = reserve(enums.items, enums.n, &enums.cap, sizeof(enument), false);
    enums.items[enums.n] = (enument){c, nm_strndup(name, len), len};
    ix_fill(&enums.by_cell, cs, enums.n, enum_cell_rehash);
    /* by_cell may have grown, but ns belongs to the other index and is still valid */
    ix_fill(&enums.by_name, ns, enums.n, enum_name_rehash);
    enums.n++;
    return true;
}

bool nm_val_enum_lookup(uint32_t type_id, const char *name, size_t len, nm_cell *out)
{
    name_key nk = {type_id, name, len};
    uint32_t *ns = ix_slot(&enums.by_name, enum_name_hash(type_id, name, len), enum_name_eq, &nk);
    if (!*ns)
        return false;
    *out = enums.items[*ns - 1].cell;
    return true;
}

const char *nm_val_enum_name(nm_cell c)
{
    if (tag_of(c) != TAG_ENUM)
        return NULL;
    uint32_t *cs = ix_slot(&enums.by_cell, enum_cell_hash(c), enum_cell_eq, &c);
    return *cs ? enums.items[*cs - 1].name : NULL;
}

/* ---- symbols: entities, text, citations ------------------------------------------- */

typedef struct sym {
    const char *bytes; /* atomic, NUL-terminated */
    const unsigned char *key; /* citations: atomic sort key; else NULL */
    uint32_t len, key_len;
    unsigned tag;
} sym;

static struct {
    sym *items;
    uint32_t n, cap;
    index_t ix;
} syms;

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
    return e->tag == k->tag && e->len == k->len && memcmp(e->bytes, k->bytes, k->len) == 0;
}
static uint64_t sym_rehash(uint32_t id)
{
    return sym_hash(syms.items[id].tag, syms.items[id].bytes, syms.items[id].len);
}

/* s in NFC; s itself when it is ASCII (always NFC), else an atomic copy; NULL for
 * invalid UTF-8. */
static const char *to_nfc(const char *s, size_t len, size_t *out_len)
{
    size_t i = 0;
    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    if (i == len) {
        *out_len = len;
        return s;
    }
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                      &dst, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0)
        return NULL;
    char *r = nm_strndup((const char *)dst, (size_t)n);
    free(dst);
    *out_len = (size_t)n;
    return r;
}

static nm_cell intern_sym(unsigned tag, const char *s, size_t len, const void *key,
                          size_t key_len)
{
    size_t n;
    const char *norm = to_nfc(s, len, &n);
    if (!norm || n > UINT32_MAX)
        return NM_CELL_NONE;
    sym_key k = {tag, norm, n};
    uint32_t *slot = ix_slot(&syms.ix, sym_hash(tag, norm, n), sym_eq, &k);
    if (*slot)
        return mk(tag, *slot - 1);
    syms.items = reserve(syms.items, syms.n, &syms.cap, sizeof(sym), false);
    unsigned char *kcopy = NULL;
    if (key) {
        kcopy = nm_alloc_atomic(key_len ? key_len : 1);
        memcpy(kcopy, key, key_len);
    }
    syms.items[syms.n] = (sym){.bytes = norm == s ? nm_strndup(s, n) : norm,
                               .key = kcopy,
                               .len = (uint32_t)n,
                               .key_len = (uint32_t)key_len,
                               .tag = tag};
    ix_fill(&syms.ix, slot, syms.n, sym_rehash);
    return mk(tag, syms.n++);
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
        if (ta == TAG_INT && tag_of(b) == TAG_INT)
            break; /* biased payloads compare as the values */
        {
            int64_t an = 0, ad = 1, bn = 0, bd = 1;
            nm_val_get_fraction(a, &an, &ad);
            nm_val_get_fraction(b, &bn, &bd);
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
