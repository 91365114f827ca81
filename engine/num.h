/* num.h — exact numbers for the checker (literals) and the evaluator (arithmetic and
 * comparison): checked int64, exact rationals and exact decimals. No floating point
 * anywhere; an operation whose exact result cannot be represented reports a status
 * and never returns a wrapped or rounded value. Values are interned as cells by
 * value.h. */
#ifndef NM_NUM_H
#define NM_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum nm_num_status {
    NM_NUM_OK = 0,
    NM_NUM_OVERFLOW,  /* the exact result does not fit the representation */
    NM_NUM_DIV_ZERO,  /* division (or a rational) by zero */
    NM_NUM_SYNTAX,    /* parse: not a well-formed literal */
    NM_NUM_TYPE,      /* value.h cell arithmetic: operands of the wrong kinds */
    NM_NUM_DATE_RANGE, /* value.h cell arithmetic: date outside 0001-01-01..9999-12-31 */
} nm_num_status;

/* Message for a status ("integer overflow", "division by zero", …). */
const char *nm_num_status_str(nm_num_status s);

/* ---- checked int64 --------------------------------------------------------------
 * Each stores the result in *r and returns NM_NUM_OK, or returns NM_NUM_OVERFLOW /
 * NM_NUM_DIV_ZERO and leaves *r untouched. Division truncates toward zero (C) and is
 * only for callers that need integer division; Norma's `/` is nm_num_div. */
nm_num_status nm_num_add_i64(int64_t a, int64_t b, int64_t *r);
nm_num_status nm_num_sub_i64(int64_t a, int64_t b, int64_t *r);
nm_num_status nm_num_mul_i64(int64_t a, int64_t b, int64_t *r);
nm_num_status nm_num_neg_i64(int64_t a, int64_t *r);
nm_num_status nm_num_div_i64(int64_t a, int64_t b, int64_t *r);

/* ---- exact numbers -------------------------------------------------------------- */

/* The kinds widen int -> decimal -> rational ([type.builtin]). */
typedef enum nm_num_kind {
    NM_NUM_INT,
    NM_NUM_DECIMAL,
    NM_NUM_RATIONAL,
} nm_num_kind;

#define NM_NUM_MAX_SCALE 18 /* 10^18 is the largest power of ten in an int64 */

/* One exact number. Representation by kind:
 *   INT       value = num                     den = 1, scale = 0
 *   DECIMAL   value = num / 10^scale          den = 10^scale, 0 <= scale <= 18
 *             (a scaled int64: num is the coefficient and keeps trailing zeros,
 *             so the literal 12.50 is {1250, 100, 2} and prints as 12.50)
 *   RATIONAL  value = num / den               den > 0, gcd(|num|, den) = 1
 * Build values with the constructors below; they keep these invariants. */
typedef struct nm_num {
    nm_num_kind kind;
    int scale;
    int64_t num;
    int64_t den;
} nm_num;

nm_num nm_num_int(int64_t v);
/* coefficient / 10^scale; NM_NUM_OVERFLOW if scale is outside 0..18. */
nm_num_status nm_num_decimal(int64_t coefficient, int scale, nm_num *out);
/* num / den reduced to lowest terms with den > 0. NM_NUM_DIV_ZERO for den == 0;
 * NM_NUM_OVERFLOW when the reduced fraction does not fit (e.g. INT64_MIN / -1). */
nm_num_status nm_num_rational(int64_t num, int64_t den, nm_num *out);

/* Arithmetic. Result kinds (the display rule):
 *   int ∘ int                 -> int (+ - *), checked
 *   decimal involved, no rational, for + and -:  decimal, scale = max of scales
 *                              (an int counts as scale 0): 12.50 + 1 = 13.50
 *   decimal involved, no rational, for *:        decimal, scale = sum of scales:
 *                              12.50 * 3 = 37.50, 12.50 * 1.5 = 18.750
 *   rational involved (+ - *) -> rational, reduced
 *   a / b (any kinds)          -> rational, reduced ([type.builtin]: `/` is
 *                              rational), so 7 / 2 = 7/2 and 4 / 2 = 2/1
 * A decimal result whose coefficient or scale does not fit at that scale drops
 * trailing zeros (exactly) until it fits; if it still does not, NM_NUM_OVERFLOW.
 * On failure *r is untouched. */
nm_num_status nm_num_add(nm_num a, nm_num b, nm_num *r);
nm_num_status nm_num_sub(nm_num a, nm_num b, nm_num *r);
nm_num_status nm_num_mul(nm_num a, nm_num b, nm_num *r);
nm_num_status nm_num_div(nm_num a, nm_num b, nm_num *r);
nm_num_status nm_num_neg(nm_num a, nm_num *r);

/* Exact numeric comparison across kinds: <0, 0, >0. 12.5, 12.50 and 25/2 compare
 * equal. */
int nm_num_cmp(nm_num a, nm_num b);
bool nm_num_is_integral(nm_num a);

/* The value as a fraction in lowest terms (den > 0); always representable, since
 * every decimal coefficient / 10^scale reduces to int64 terms. */
void nm_num_to_fraction(nm_num a, int64_t *num, int64_t *den);
/* The number as its canonical kind: INT if integral, else DECIMAL with the least
 * scale if the value is a terminating decimal that fits, else RATIONAL. Two numbers
 * are equal iff their canonical forms are identical. */
nm_num nm_num_canonical(nm_num a);
/* Widens a to kind k (k at least as wide as a's kind; narrowing returns a). An int
 * widened to decimal has scale 0. */
nm_num nm_num_widen(nm_num a, nm_num_kind k);

/* ---- text -------------------------------------------------------------------------
 * Integer literal: [-]DIGITS, with '_' allowed between digits ("1_000_000").
 * Decimal literal: [-]DIGITS.DIGITS, '_' allowed between digits; the scale is the
 * number of digits after the point (at most 18; "12.50" has scale 2).
 * Rational text: [-]DIGITS/DIGITS (as nm_num_format prints it).
 * nm_num_parse accepts any of the three forms. The whole of s[0..len) must match;
 * NM_NUM_SYNTAX otherwise, NM_NUM_OVERFLOW when the value does not fit. */
nm_num_status nm_num_parse_int(const char *s, size_t len, int64_t *out);
nm_num_status nm_num_parse_decimal(const char *s, size_t len, nm_num *out);
nm_num_status nm_num_parse(const char *s, size_t len, nm_num *out);

/* Formats by kind: INT "-42"; DECIMAL with exactly its scale ("12.50", "-0.05",
 * scale 0 "12"); RATIONAL "9/10", "-1/3", and "2" when den is 1. buf holds at least
 * NM_NUM_BUFSZ bytes; returns buf. */
#define NM_NUM_BUFSZ 48
char *nm_num_format(nm_num a, char *buf);
/* Formats the fraction num/den (den > 0, lowest terms) as a decimal with at least
 * min_scale fraction digits when it terminates within 18 digits, else "num/den".
 * Used to print a value in the style of its static type. */
char *nm_num_format_fraction(int64_t num, int64_t den, int min_scale, char *buf);

#endif
