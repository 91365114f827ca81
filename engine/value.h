/* value.h — values as fixed-width cells: the checker turns constants into cells, the
 * evaluator stores tuples as flat arrays of them, hashes, compares and orders them.
 * Small values (bools, small ints, dates, durations, enum members) are immediate;
 * symbols (entities, text, citations) and numbers that do not fit are interned in
 * process-wide tables that give each a stable id. */
#ifndef NM_VALUE_H
#define NM_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "num.h"

/* A cell is a uint64: a 4-bit tag in bits 63..60 and a 60-bit payload.
 * Why 64 bits and not 32: dates, durations, enum members (type id + ordinal) and
 * ints up to ±2^59 — nearly every number a statute or a case mentions — fit
 * immediately, so building, comparing and hashing them never touches a table; a
 * uint32 would push most ints and all enum members through the table. Tuples of
 * cells remain pointer-free, so relations are atomic allocations.
 *
 * Cell equality is value equality: two cells are == iff they are the same value,
 * so joins, hash indexes, duplicate elimination and `=` all agree. In particular:
 *
 * NUMBERS HAVE ONE CELL PER MATHEMATICAL VALUE. The int 2, the decimal 2.00 and the
 * rational 4/2 are the same cell, as are 12.5 and 12.50 (a numeric value is stored
 * as its reduced fraction, immediately when it is an integer within ±2^59). Reason:
 * the numeric kinds widen into one another ([type.builtin]), `=` compares numbers
 * exactly, and aggregates range over distinct tuples; if 12.5 and 12.50 were
 * different cells, a join on a money column would miss and count() would count one
 * amount twice. The price: a cell does not remember the kind or the scale it was
 * written with. Display follows the static type instead (nm_val_format_num): the
 * checker knows a column is `decimal`, and asks for its scale; nm_val_format alone
 * prints the canonical form (2, 12.5, 1/3). Before a number is interned (literals,
 * the formatter), nm_num keeps its kind and scale. Numbers that do not fit a cell
 * are interned; decimals with at most 6 fraction digits (below about 5.7 * 10^11 in
 * magnitude) and integers within ±2^59 never are — which numbers are immediate
 * depends only on the value. */
typedef uint64_t nm_cell;

#define NM_CELL_NONE ((nm_cell)0) /* no value; usable as an empty hash slot */

/* Kinds, in the fixed order in which values of different kinds compare. */
typedef enum nm_val_kind {
    NM_VAL_NONE,
    NM_VAL_BOOL,
    NM_VAL_NUMBER, /* int, decimal and rational: one kind, compared numerically */
    NM_VAL_DATE,
    NM_VAL_DURATION,
    NM_VAL_ENUM,   /* enum and tier members */
    NM_VAL_ENTITY,
    NM_VAL_TEXT,
    NM_VAL_CITE,
} nm_val_kind;

nm_val_kind nm_val_kind_of(nm_cell c);

/* ---- construction and access -------------------------------------------------------
 * Constructors are pure functions of the value: the same value always gives the
 * same cell, whatever was interned before. Accessors that return a value directly
 * (nm_val_get_date, _duration, nm_val_enum_type, _ordinal) require a cell of their
 * kind; the others report a wrong kind by returning false / NULL. */
nm_cell nm_val_bool(bool b);
bool nm_val_get_bool(nm_cell c);

nm_cell nm_val_int(int64_t v);
/* Interns a number by value (see above). */
nm_cell nm_val_num(nm_num n);
/* The decimal coefficient / 10^scale, as nm_val_num of it (one cell per value);
 * NM_CELL_NONE if scale is outside 0..NM_NUM_MAX_SCALE. For loaders: no nm_num. */
nm_cell nm_val_decimal(int64_t coefficient, int scale);
/* The number in canonical form (nm_num_canonical): INT if integral, else DECIMAL
 * with the least scale if it terminates within 18 digits, else RATIONAL. False if
 * c is not a number. */
bool nm_val_get_num(nm_cell c, nm_num *out);
/* The number as a reduced fraction, den > 0. False if c is not a number. */
bool nm_val_get_fraction(nm_cell c, int64_t *num, int64_t *den);
/* True (and *out set) if c is an integral number. */
bool nm_val_get_int(nm_cell c, int64_t *out);

nm_cell nm_val_date(nm_date d); /* d must be in NM_DATE_MIN..NM_DATE_MAX */
nm_date nm_val_get_date(nm_cell c);

/* Durations are immediate: |amount| must be below 2^55 (far beyond any date
 * range); false otherwise. Durations compare by unit (days < weeks < months <
 * years), then amount: `1 month` and `30 days` have no exact order, and 12 months is
 * kept distinct from 1 year, as nm_duration is. */
bool nm_val_duration(nm_duration dur, nm_cell *out);
nm_duration nm_val_get_duration(nm_cell c);

/* Enum and tier members are immediate: (type id, ordinal), ordered by type id then
 * ordinal, so a type's members compare in declaration order whatever order they
 * were interned in. The checker assigns each enum/tier type an id (below 2^24) and
 * each member its declaration ordinal, and declares the member's name once for
 * printing and for reading facts by name. */
#define NM_VAL_ENUM_MAX_TYPE ((1u << 24) - 1)
nm_cell nm_val_enum(uint32_t type_id, uint32_t ordinal);
/* Records the name of (type_id, ordinal). True if new or identical to an earlier
 * declaration; false if the member or the name is already declared differently in
 * that type, or type_id is too large. name is copied. */
bool nm_val_enum_declare(uint32_t type_id, uint32_t ordinal, const char *name, size_t len);
/* The member of type_id called name; false if there is none. */
bool nm_val_enum_lookup(uint32_t type_id, const char *name, size_t len, nm_cell *out);
uint32_t nm_val_enum_type(nm_cell c);
uint32_t nm_val_enum_ordinal(nm_cell c);
/* The declared name, or NULL if none was declared. */
const char *nm_val_enum_name(nm_cell c);

/* Entities and text are interned by their NFC form (input is validated and
 * normalised here, so "é" written precomposed or decomposed is one cell) and
 * ordered by code-point order of that form. NM_CELL_NONE for invalid UTF-8. The
 * bytes may contain NUL; len counts them. */
nm_cell nm_val_entity(const char *name, size_t len);
nm_cell nm_val_text(const char *s, size_t len);
/* The interned bytes (NUL-terminated, valid for the life of the process) and
 * their length; len may be NULL. NULL for cells of other kinds. */
const char *nm_val_get_str(nm_cell c, size_t *len);

/* Symbols (entities, text, citations) are numbered densely in interning order:
 * nm_val_sym_index of such a cell is below nm_val_sym_count(), and distinct symbols
 * have distinct indexes, so a side table keyed by symbol can be a plain array. The
 * index is not an order: never print or compare by it. c must be a symbol cell. */
uint32_t nm_val_sym_index(nm_cell c);
size_t nm_val_sym_count(void);

/* Starts loading the part of the symbol table that interning s as an entity or text
 * (kind NM_VAL_ENTITY or NM_VAL_TEXT) will look at first, and changes nothing: a
 * loader prefetches a batch of names, then interns them, so that their cache misses
 * overlap instead of following one another. */
void nm_val_prefetch(nm_val_kind kind, const char *s, size_t len);

/* Makes room for n more symbols, so that interning them does not grow the tables
 * step by step (a loader that expects many new names calls it first). A hint: any
 * number of symbols may still be interned. */
void nm_val_reserve(size_t n);

/* Citations: interned by their canonical text (`刑法 第286条之一 第1款`), ordered by
 * sort_key (compared bytewise, a shorter prefix first), then by text. The sort key
 * is the caller's encoding of (source, article, paragraph, item, …) and must be a
 * function of the canonical text; the first key given for a text is kept. */
nm_cell nm_val_cite(const char *text, size_t len, const void *sort_key, size_t key_len);

/* ---- arithmetic on cells ----------------------------------------------------------
 * Numbers: exact, on the reduced fractions (so the result never depends on how an
 * operand was written), int64-checked; `/` is exact division. NM_NUM_OVERFLOW when
 * the reduced result does not fit int64/int64, NM_NUM_DIV_ZERO for x / 0.
 * Dates: date + duration, duration + date, date - duration (nm_date_add: month
 * ends clamp); NM_NUM_DATE_RANGE outside the calendar. Anything else: NM_NUM_TYPE.
 * On failure *out is untouched. */
nm_num_status nm_val_add(nm_cell a, nm_cell b, nm_cell *out);
nm_num_status nm_val_sub(nm_cell a, nm_cell b, nm_cell *out);
nm_num_status nm_val_mul(nm_cell a, nm_cell b, nm_cell *out);
nm_num_status nm_val_div(nm_cell a, nm_cell b, nm_cell *out);
nm_num_status nm_val_neg(nm_cell a, nm_cell *out);

/* ---- order, hashing, text -------------------------------------------------------- */

/* VALUE ORDER, a total order consistent with ==, and never interning order:
 * kinds in nm_val_kind order; numbers numerically; dates chronologically; bools
 * false < true; durations as above; enum members by (type id, ordinal); entities and
 * text by code-point order of their NFC text; citations by sort key, then text.
 * Returns <0, 0 (iff a == b), >0. */
int nm_val_compare(nm_cell a, nm_cell b);
/* Lexicographic value order of two tuples of n cells. */
int nm_val_compare_tuple(const nm_cell *a, const nm_cell *b, size_t n);

/* Well-mixed 64-bit hashes. Deterministic for a given sequence of interning, but
 * symbol ids depend on interning order, so nothing may be printed in hash order. */
uint64_t nm_val_hash(nm_cell c);
uint64_t nm_val_hash_tuple(const nm_cell *cells, size_t n);

/* Display text (GC-allocated): true/false; numbers in canonical form ("2",
 * "12.5", "1/3"); YYYY-MM-DD; "2 years"; the member's name (or "#T.O" if none was
 * declared); the entity's name; the text itself, unquoted; the citation's text. */
char *nm_val_format(nm_cell c);
/* Like nm_val_format, but text is quoted with \" \\ \n \t escapes, as in source. */
char *nm_val_format_literal(nm_cell c);
/* A number in the style of a static type: NM_NUM_INT and NM_NUM_DECIMAL print
 * a terminating value as a decimal with at least min_scale fraction digits (so a
 * money column asks for 2 and gets 12.50, 37.50, 2.00), NM_NUM_RATIONAL prints
 * "num/den" (or an integer); a non-terminating value always prints as "num/den".
 * For non-numbers this is nm_val_format. */
char *nm_val_format_num(nm_cell c, nm_num_kind style, int min_scale);

/* Number of distinct interned numbers and symbols (tests, statistics). */
size_t nm_val_interned_count(void);

#endif
