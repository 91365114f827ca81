/* num.c — checked int64, exact rationals and scaled-int64 decimals (see num.h).
 * Intermediate results are computed exactly in __int128 (every product of two int64
 * terms fits), reduced, and only then checked against the int64 representation, so
 * "does not fit" always means the exact result has no representation. */
#include "num.h"

#include <stdio.h>
#include <string.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

static const int64_t POW10[NM_NUM_MAX_SCALE + 1] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

const char *nm_num_status_str(nm_num_status s)
{
    switch (s) {
    case NM_NUM_OK: return "ok";
    case NM_NUM_OVERFLOW: return "arithmetic overflow";
    case NM_NUM_DIV_ZERO: return "division by zero";
    case NM_NUM_SYNTAX: return "malformed number";
    case NM_NUM_TYPE: return "operands of the wrong type";
    case NM_NUM_DATE_RANGE: return "date outside 0001-01-01..9999-12-31";
    }
    return "unknown status";
}

/* ---- checked int64 -------------------------------------------------------------- */

nm_num_status nm_num_add_i64(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (__builtin_add_overflow(a, b, &t))
        return NM_NUM_OVERFLOW;
    *r = t;
    return NM_NUM_OK;
}

nm_num_status nm_num_sub_i64(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (__builtin_sub_overflow(a, b, &t))
        return NM_NUM_OVERFLOW;
    *r = t;
    return NM_NUM_OK;
}

nm_num_status nm_num_mul_i64(int64_t a, int64_t b, int64_t *r)
{
    int64_t t;
    if (__builtin_mul_overflow(a, b, &t))
        return NM_NUM_OVERFLOW;
    *r = t;
    return NM_NUM_OK;
}

nm_num_status nm_num_neg_i64(int64_t a, int64_t *r)
{
    return nm_num_sub_i64(0, a, r);
}

nm_num_status nm_num_div_i64(int64_t a, int64_t b, int64_t *r)
{
    if (b == 0)
        return NM_NUM_DIV_ZERO;
    if (a == INT64_MIN && b == -1)
        return NM_NUM_OVERFLOW;
    *r = a / b;
    return NM_NUM_OK;
}

/* ---- 128-bit helpers -------------------------------------------------------------- */

static bool fits64(i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

static u128 uabs128(i128 v) { return v < 0 ? -(u128)v : (u128)v; }

static u128 gcd128(u128 a, u128 b)
{
    while (b) {
        u128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* n/d (d != 0, |n|, |d| < 2^127) reduced to a rational. */
static nm_num_status make_rational(i128 n, i128 d, nm_num *out)
{
    if (d == 0)
        return NM_NUM_DIV_ZERO;
    if (d < 0) {
        n = -n;
        d = -d;
    }
    u128 g = gcd128(uabs128(n), (u128)d);
    if (g > 1) {
        n /= (i128)g;
        d /= (i128)g;
    }
    if (!fits64(n) || !fits64(d))
        return NM_NUM_OVERFLOW;
    *out = (nm_num){.kind = NM_NUM_RATIONAL, .scale = 0, .num = (int64_t)n, .den = (int64_t)d};
    return NM_NUM_OK;
}

/* coef / 10^scale as a decimal at that scale, or, if it does not fit, at the
 * largest smaller scale that represents the same value exactly. */
static nm_num_status make_decimal(i128 coef, int scale, nm_num *out)
{
    while ((scale > NM_NUM_MAX_SCALE || !fits64(coef)) && scale > 0 && coef % 10 == 0) {
        coef /= 10;
        scale--;
    }
    if (scale > NM_NUM_MAX_SCALE || !fits64(coef))
        return NM_NUM_OVERFLOW;
    *out = (nm_num){.kind = NM_NUM_DECIMAL, .scale = scale, .num = (int64_t)coef,
                    .den = POW10[scale]};
    return NM_NUM_OK;
}

/* ---- constructors ----------------------------------------------------------------- */

nm_num nm_num_int(int64_t v)
{
    return (nm_num){.kind = NM_NUM_INT, .scale = 0, .num = v, .den = 1};
}

nm_num_status nm_num_decimal(int64_t coefficient, int scale, nm_num *out)
{
    if (scale < 0 || scale > NM_NUM_MAX_SCALE)
        return NM_NUM_OVERFLOW;
    *out = (nm_num){.kind = NM_NUM_DECIMAL, .scale = scale, .num = coefficient,
                    .den = POW10[scale]};
    return NM_NUM_OK;
}

nm_num_status nm_num_rational(int64_t num, int64_t den, nm_num *out)
{
    return make_rational(num, den, out);
}

/* ---- arithmetic ------------------------------------------------------------------ */

static int scale_of(nm_num a) { return a.kind == NM_NUM_DECIMAL ? a.scale : 0; }

/* a's coefficient at a larger scale s (exact; |result| < 2^63 * 10^18). */
static i128 coef_at(nm_num a, int s) { return (i128)a.num * POW10[s - scale_of(a)]; }

typedef enum { OP_ADD, OP_SUB, OP_MUL } arith_op;

static nm_num_status arith(nm_num a, nm_num b, arith_op op, nm_num *r)
{
    if (a.kind == NM_NUM_INT && b.kind == NM_NUM_INT) {
        int64_t v;
        nm_num_status s = op == OP_ADD   ? nm_num_add_i64(a.num, b.num, &v)
                          : op == OP_SUB ? nm_num_sub_i64(a.num, b.num, &v)
                                         : nm_num_mul_i64(a.num, b.num, &v);
        if (s == NM_NUM_OK)
            *r = nm_num_int(v);
        return s;
    }
    if (a.kind != NM_NUM_RATIONAL && b.kind != NM_NUM_RATIONAL) {
        if (op == OP_MUL)
            return make_decimal((i128)a.num * b.num, scale_of(a) + scale_of(b), r);
        int s = scale_of(a) > scale_of(b) ? scale_of(a) : scale_of(b);
        i128 x = coef_at(a, s), y = coef_at(b, s);
        return make_decimal(op == OP_ADD ? x + y : x - y, s, r);
    }
    /* Denominators are positive and below 2^63, so each cross product is below
     * 2^126 and their sum below 2^127. */
    switch (op) {
    case OP_ADD: return make_rational((i128)a.num * b.den + (i128)b.num * a.den,
                                      (i128)a.den * b.den, r);
    case OP_SUB: return make_rational((i128)a.num * b.den - (i128)b.num * a.den,
                                      (i128)a.den * b.den, r);
    case OP_MUL: return make_rational((i128)a.num * b.num, (i128)a.den * b.den, r);
    }
    return NM_NUM_OVERFLOW;
}

nm_num_status nm_num_add(nm_num a, nm_num b, nm_num *r) { return arith(a, b, OP_ADD, r); }
nm_num_status nm_num_sub(nm_num a, nm_num b, nm_num *r) { return arith(a, b, OP_SUB, r); }
nm_num_status nm_num_mul(nm_num a, nm_num b, nm_num *r) { return arith(a, b, OP_MUL, r); }

nm_num_status nm_num_div(nm_num a, nm_num b, nm_num *r)
{
    if (b.num == 0)
        return NM_NUM_DIV_ZERO;
    return make_rational((i128)a.num * b.den, (i128)a.den * b.num, r);
}

nm_num_status nm_num_neg(nm_num a, nm_num *r)
{
    int64_t v;
    if (nm_num_neg_i64(a.num, &v) != NM_NUM_OK)
        return NM_NUM_OVERFLOW;
    a.num = v;
    *r = a;
    return NM_NUM_OK;
}

/* ---- comparison and conversion ------------------------------------------------------ */

int nm_num_cmp(nm_num a, nm_num b)
{
    i128 x = (i128)a.num * b.den, y = (i128)b.num * a.den;
    return (x > y) - (x < y);
}

bool nm_num_is_integral(nm_num a) { return a.num % a.den == 0; }

void nm_num_to_fraction(nm_num a, int64_t *num, int64_t *den)
{
    nm_num r = a;
    if (a.kind != NM_NUM_RATIONAL)
        make_rational(a.num, a.den, &r); /* reducing cannot overflow */
    *num = r.num;
    *den = r.den;
}

/* The least k with den | 10^k, or -1 if there is none within 18 digits. */
static int terminating_scale(int64_t den)
{
    int twos = 0, fives = 0;
    while (den % 2 == 0) {
        den /= 2;
        twos++;
    }
    while (den % 5 == 0) {
        den /= 5;
        fives++;
    }
    int k = twos > fives ? twos : fives;
    return den == 1 && k <= NM_NUM_MAX_SCALE ? k : -1;
}

nm_num nm_num_canonical(nm_num a)
{
    int64_t n, d;
    nm_num_to_fraction(a, &n, &d);
    if (d == 1)
        return nm_num_int(n);
    int k = terminating_scale(d);
    if (k >= 0) {
        i128 coef = (i128)n * (POW10[k] / d);
        if (fits64(coef))
            return (nm_num){.kind = NM_NUM_DECIMAL, .scale = k, .num = (int64_t)coef,
                            .den = POW10[k]};
    }
    return (nm_num){.kind = NM_NUM_RATIONAL, .scale = 0, .num = n, .den = d};
}

nm_num nm_num_widen(nm_num a, nm_num_kind k)
{
    if (k <= a.kind)
        return a;
    if (k == NM_NUM_DECIMAL)
        return (nm_num){.kind = NM_NUM_DECIMAL, .scale = 0, .num = a.num, .den = 1};
    nm_num r = a;
    make_rational(a.num, a.den, &r);
    return r;
}

/* ---- parsing -------------------------------------------------------------------- */

/* Digits with '_' only between digits, accumulated negatively (so INT64_MIN
 * parses). Advances *p; counts digits in *ndigits. */
static nm_num_status parse_digits(const char **p, const char *end, i128 *acc, int *ndigits,
                                  i128 limit)
{
    const char *s = *p;
    int n = 0;
    while (s < end) {
        if (*s >= '0' && *s <= '9') {
            *acc = *acc * 10 - (*s - '0');
            if (*acc < -limit)
                return NM_NUM_OVERFLOW;
            n++;
            s++;
        } else if (*s == '_' && n > 0 && s + 1 < end && s[1] >= '0' && s[1] <= '9') {
            s++;
        } else {
            break;
        }
    }
    if (n == 0)
        return NM_NUM_SYNTAX;
    *p = s;
    *ndigits += n;
    return NM_NUM_OK;
}

/* acc (<= 0) with the sign applied, as an int64. */
static nm_num_status apply_sign(i128 acc, bool negative, int64_t *out)
{
    i128 v = negative ? acc : -acc;
    if (!fits64(v))
        return NM_NUM_OVERFLOW;
    *out = (int64_t)v;
    return NM_NUM_OK;
}

/* Scans the whole of s: [-]DIGITS, then ".DIGITS" or "/DIGITS" if allowed. */
static nm_num_status parse_number(const char *s, size_t len, bool allow_point,
                                  bool allow_slash, nm_num *out)
{
    const char *p = s, *end = s + len;
    bool negative = p < end && *p == '-';
    if (negative)
        p++;
    /* Syntax errors take precedence over overflow, so scan with a generous limit
     * and check the int64 range afterwards. */
    const i128 limit = ((i128)1 << 100);
    i128 acc = 0;
    int ndigits = 0;
    nm_num_status st = parse_digits(&p, end, &acc, &ndigits, limit);
    if (st != NM_NUM_OK)
        return st;
    if (p == end) {
        int64_t v;
        if ((st = apply_sign(acc, negative, &v)) != NM_NUM_OK)
            return st;
        *out = nm_num_int(v);
        return NM_NUM_OK;
    }
    if (*p == '.' && allow_point) {
        p++;
        int frac = 0;
        if ((st = parse_digits(&p, end, &acc, &frac, limit)) != NM_NUM_OK || p != end)
            return st != NM_NUM_OK ? st : NM_NUM_SYNTAX;
        int64_t coef;
        if (frac > NM_NUM_MAX_SCALE || apply_sign(acc, negative, &coef) != NM_NUM_OK)
            return NM_NUM_OVERFLOW;
        return nm_num_decimal(coef, frac, out);
    }
    if (*p == '/' && allow_slash) {
        p++;
        i128 dacc = 0;
        int dn = 0;
        if ((st = parse_digits(&p, end, &dacc, &dn, limit)) != NM_NUM_OK || p != end)
            return st != NM_NUM_OK ? st : NM_NUM_SYNTAX;
        int64_t n, d;
        if (apply_sign(acc, negative, &n) != NM_NUM_OK ||
            apply_sign(dacc, false, &d) != NM_NUM_OK)
            return NM_NUM_OVERFLOW;
        return nm_num_rational(n, d, out);
    }
    return NM_NUM_SYNTAX;
}

nm_num_status nm_num_parse_int(const char *s, size_t len, int64_t *out)
{
    nm_num n;
    nm_num_status st = parse_number(s, len, false, false, &n);
    if (st == NM_NUM_OK)
        *out = n.num;
    return st;
}

nm_num_status nm_num_parse_decimal(const char *s, size_t len, nm_num *out)
{
    nm_num n;
    nm_num_status st = parse_number(s, len, true, false, &n);
    if (st != NM_NUM_OK)
        return st;
    if (n.kind != NM_NUM_DECIMAL)
        return NM_NUM_SYNTAX;
    *out = n;
    return NM_NUM_OK;
}

nm_num_status nm_num_parse(const char *s, size_t len, nm_num *out)
{
    return parse_number(s, len, true, true, out);
}

/* ---- formatting ------------------------------------------------------------------- */

/* coef / 10^scale (0 <= scale <= 18, |coef| < 2^63 * 10^18) as decimal text. */
static char *format_scaled(i128 coef, int scale, char *buf)
{
    u128 mag = uabs128(coef);
    const char *sign = coef < 0 ? "-" : "";
    unsigned long long ip = (unsigned long long)(mag / (u128)POW10[scale]);
    unsigned long long fp = (unsigned long long)(mag % (u128)POW10[scale]);
    if (scale == 0)
        snprintf(buf, NM_NUM_BUFSZ, "%s%llu", sign, ip);
    else
        snprintf(buf, NM_NUM_BUFSZ, "%s%llu.%0*llu", sign, ip, scale, fp);
    return buf;
}

char *nm_num_format(nm_num a, char *buf)
{
    switch (a.kind) {
    case NM_NUM_INT:
        snprintf(buf, NM_NUM_BUFSZ, "%lld", (long long)a.num);
        break;
    case NM_NUM_DECIMAL:
        format_scaled(a.num, a.scale, buf);
        break;
    case NM_NUM_RATIONAL:
        if (a.den == 1)
            snprintf(buf, NM_NUM_BUFSZ, "%lld", (long long)a.num);
        else
            snprintf(buf, NM_NUM_BUFSZ, "%lld/%lld", (long long)a.num, (long long)a.den);
        break;
    }
    return buf;
}

char *nm_num_format_fraction(int64_t num, int64_t den, int min_scale, char *buf)
{
    if (min_scale < 0)
        min_scale = 0;
    if (min_scale > NM_NUM_MAX_SCALE)
        min_scale = NM_NUM_MAX_SCALE;
    int k = terminating_scale(den);
    if (k < 0) {
        snprintf(buf, NM_NUM_BUFSZ, "%lld/%lld", (long long)num, (long long)den);
        return buf;
    }
    int scale = k > min_scale ? k : min_scale;
    return format_scaled((i128)num * (POW10[scale] / den), scale, buf);
}
