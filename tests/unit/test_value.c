/* test_value.c — unit tests for engine/value: interning identity (one cell per
 * value, numbers by mathematical value, text by NFC), value order within and across
 * kinds (never interning order), enum declaration order, hashing and display. */
#include <criterion/criterion.h>
#include <gc.h>
#include <stdio.h>
#include <string.h>

#include "value.h"

static void setup(void) { GC_INIT(); }

TestSuite(value, .init = setup);

static nm_cell N(const char *text)
{
    nm_num n;
    cr_assert_eq(nm_num_parse(text, strlen(text), &n), NM_NUM_OK, "parse %s", text);
    return nm_val_num(n);
}

static nm_cell T(const char *s) { return nm_val_text(s, strlen(s)); }
static nm_cell E(const char *s) { return nm_val_entity(s, strlen(s)); }

static nm_cell Dt(int y, int m, int d)
{
    nm_date r;
    cr_assert(nm_date_from_ymd(y, m, d, &r));
    return nm_val_date(r);
}

static int sign(int r) { return (r > 0) - (r < 0); }

/* ---- interning identity ----------------------------------------------------------- */

Test(value, numbers_intern_by_value)
{
    cr_expect_eq(N("2"), N("2.00"));
    cr_expect_eq(N("2"), N("4/2"));
    cr_expect_eq(N("2"), nm_val_int(2));
    cr_expect_eq(N("12.5"), N("12.50"));
    cr_expect_eq(N("12.5"), N("25/2"));
    cr_expect_eq(N("0.9"), N("9/10"));
    cr_expect_neq(N("1/3"), N("0.333333333333333333"));
    cr_expect_eq(N("-0.00"), N("0"));
    /* beyond the immediate range, and still one cell per value */
    cr_expect_eq(nm_val_int(INT64_MAX), N("9_223_372_036_854_775_807"));
    cr_expect_eq(nm_val_int(INT64_MIN), N("-9223372036854775808"));
    cr_expect_eq(nm_val_int(INT64_C(1) << 59), N("576460752303423488.0"));
    cr_expect_neq(nm_val_int(INT64_C(1) << 59), nm_val_int((INT64_C(1) << 59) - 1));
    cr_expect_eq(nm_val_int(-(INT64_C(1) << 59)), N("-576460752303423488"));
}

Test(value, number_round_trip)
{
    static const char *texts[] = {"0", "-1", "576460752303423487", "576460752303423488",
                                  "-576460752303423488", "-576460752303423489",
                                  "9223372036854775807", "-9223372036854775808", "12.5",
                                  "-0.05", "1/3", "-9223372036854775808/9223372036854775807"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        nm_cell c = N(texts[i]);
        cr_expect_eq(nm_val_kind_of(c), NM_VAL_NUMBER);
        cr_expect_str_eq(nm_val_format(c), texts[i]);
        nm_num n;
        cr_assert(nm_val_get_num(c, &n));
        cr_expect_eq(nm_val_num(n), c);
    }
    int64_t v;
    cr_expect(nm_val_get_int(N("6/3"), &v) && v == 2);
    cr_expect_not(nm_val_get_int(N("1.5"), &v));
    cr_expect_not(nm_val_get_int(T("2"), &v));
}

Test(value, symbols_intern_by_nfc_text)
{
    cr_expect_eq(T("hello"), T("hello"));
    cr_expect_neq(T("hello"), E("hello"), "text and entities are different kinds");
    /* é precomposed (U+00E9) and decomposed (e + U+0301) */
    cr_expect_eq(T("caf\xc3\xa9"), T("cafe\xcc\x81"));
    cr_expect_str_eq(nm_val_format(T("cafe\xcc\x81")), "caf\xc3\xa9");
    cr_expect_eq(E("胡某"), E("胡某"));
    cr_expect_eq(nm_val_text("\xff", 1), NM_CELL_NONE);
    nm_cell nul = nm_val_text("a\0b", 3);
    size_t len;
    const char *s = nm_val_get_str(nul, &len);
    cr_expect(len == 3 && memcmp(s, "a\0b", 3) == 0);
    cr_expect_neq(nul, T("a"));
    cr_expect_null(nm_val_get_str(nm_val_int(1), NULL));
}

Test(value, decimals_immediate_or_interned_by_value_alone)
{
    /* up to 6 fraction digits and below 2^59 / 10^6 in magnitude: immediate; the
     * representation must depend on the value only, never on how it was written */
    cr_expect_eq(N("0.000001"), N("1/1000000"));
    cr_expect_eq(N("0.0000010"), N("1/1000000"));
    cr_expect_eq(N("0.25"), N("1/4"));
    cr_expect_eq(N("0.0000001"), N("1/10000000"));
    cr_expect_eq(nm_val_decimal(1250, 2), N("12.5"));
    cr_expect_eq(nm_val_decimal(200, 2), nm_val_int(2));
    cr_expect_eq(nm_val_decimal(-5, 2), N("-1/20"));
    cr_expect_eq(nm_val_decimal(1, 19), NM_CELL_NONE);
    /* either side of the immediate range: 2^59 = 576460752303423488 */
    cr_expect_eq(N("576460752303.4"), N("2882303761517/5"));
    cr_expect_eq(N("576460752303.5"), N("1152921504607/2"));
    cr_expect_eq(N("-576460752303.5"), N("-1152921504607/2"));
    cr_expect_eq(nm_val_hash(N("0.5")), nm_val_hash(N("1/2")));
    nm_cell r = NM_CELL_NONE;
    cr_assert_eq(nm_val_add(N("576460752303.4"), N("0.1"), &r), NM_NUM_OK);
    cr_expect_eq(r, N("576460752303.5"));
    cr_assert_eq(nm_val_add(N("0.1"), N("0.2"), &r), NM_NUM_OK);
    cr_expect_eq(r, N("0.3"));
    cr_assert_eq(nm_val_mul(N("0.5"), N("4"), &r), NM_NUM_OK);
    cr_expect_eq(r, nm_val_int(2));
    const char *ascending[] = {"-576460752303.5", "-576460752303.4", "-1/3", "-0.333333",
                               "-0.000001", "0", "0.0000001", "0.000001", "1/3", "0.5",
                               "576460752303.4", "576460752303.5", "576460752304"};
    size_t n = sizeof ascending / sizeof ascending[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            cr_expect_eq(sign(nm_val_compare(N(ascending[i]), N(ascending[j]))), (i > j) - (i < j),
                         "compare(%s, %s)", ascending[i], ascending[j]);
    cr_expect_str_eq(nm_val_format(N("-0.050")), "-0.05");
    cr_expect_str_eq(nm_val_format(N("576460752303.5")), "576460752303.5");
    cr_expect_str_eq(nm_val_format_num(N("0.5"), NM_NUM_DECIMAL, 2), "0.50");
    cr_expect_str_eq(nm_val_format_num(N("0.25"), NM_NUM_RATIONAL, 0), "1/4");
    int64_t num, den;
    cr_assert(nm_val_get_fraction(N("-0.000250"), &num, &den));
    cr_expect(num == -1 && den == 4000, "%lld/%lld", (long long)num, (long long)den);
}

Test(value, symbols_found_by_raw_bytes_or_by_nfc)
{
    /* the NFC form first, then a decomposed spelling, then invalid bytes */
    nm_cell a = E("Andr\xc3\xa9 X");
    cr_expect_eq(E("Andre\xcc\x81 X"), a);
    cr_expect_eq(E("Andr\xc3\xa9 X"), a);
    cr_expect_eq(nm_val_entity("Andr\xc3", 5), NM_CELL_NONE);
    nm_val_prefetch(NM_VAL_ENTITY, "Andr\xc3", 5); /* a hint: changes nothing */
    nm_val_reserve(1000);
    cr_expect_eq(E("Andr\xc3\xa9 X"), a);
    cr_expect_neq(nm_val_sym_index(a), nm_val_sym_index(E("another")));
    cr_expect_lt(nm_val_sym_index(E("another")), nm_val_sym_count());
}

Test(value, many_symbols_survive_growth_and_collection)
{
    enum { COUNT = 20000 };
    static nm_cell cells[COUNT];
    char buf[32];
    for (int i = 0; i < COUNT; i++) {
        snprintf(buf, sizeof buf, "entity-%d", i);
        cells[i] = E(buf);
    }
    GC_gcollect();
    for (int i = 0; i < COUNT; i++) {
        snprintf(buf, sizeof buf, "entity-%d", i);
        cr_assert_eq(E(buf), cells[i]);
        cr_assert_str_eq(nm_val_format(cells[i]), buf);
    }
    for (int i = 0; i < COUNT; i++) /* big numbers too */
        cr_assert_eq(nm_val_int(INT64_MAX - i), nm_val_int(INT64_MAX - i));
}

/* ---- immediates ------------------------------------------------------------------ */

Test(value, immediates)
{
    cr_expect(nm_val_get_bool(nm_val_bool(true)));
    cr_expect_not(nm_val_get_bool(nm_val_bool(false)));
    cr_expect_eq(nm_val_get_date(Dt(2016, 2, 29)), nm_val_get_date(Dt(2016, 2, 29)));
    cr_expect_str_eq(nm_val_format(Dt(1, 1, 1)), "0001-01-01");
    nm_cell c;
    cr_assert(nm_val_duration((nm_duration){-3, NM_DUR_WEEKS}, &c));
    nm_duration d = nm_val_get_duration(c);
    cr_expect(d.amount == -3 && d.unit == NM_DUR_WEEKS);
    cr_expect_str_eq(nm_val_format(c), "-3 weeks");
    cr_expect_not(nm_val_duration((nm_duration){INT64_C(1) << 55, NM_DUR_DAYS}, &c));
    cr_assert(nm_val_duration((nm_duration){-(INT64_C(1) << 55), NM_DUR_YEARS}, &c));
    cr_expect_eq(nm_val_get_duration(c).amount, -(INT64_C(1) << 55));
}

/* ---- enums ------------------------------------------------------------------------- */

Test(value, enum_declaration_order)
{
    /* Declared out of order: value order must still follow the ordinal. */
    cr_assert(nm_val_enum_declare(7, 3, "content", 7));
    cr_assert(nm_val_enum_declare(7, 0, "access", 6));
    cr_assert(nm_val_enum_declare(7, 2, "platform", 8));
    cr_assert(nm_val_enum_declare(7, 1, "intermediate", 12));
    cr_expect(nm_val_enum_declare(7, 1, "intermediate", 12), "same declaration again");
    cr_expect_not(nm_val_enum_declare(7, 1, "middle", 6), "ordinal already named");
    cr_expect_not(nm_val_enum_declare(7, 9, "access", 6), "name already used");
    cr_expect_not(nm_val_enum_declare(NM_VAL_ENUM_MAX_TYPE + 1, 0, "x", 1));
    nm_cell access, content;
    cr_assert(nm_val_enum_lookup(7, "access", 6, &access));
    cr_assert(nm_val_enum_lookup(7, "content", 7, &content));
    cr_expect_not(nm_val_enum_lookup(8, "access", 6, &access));
    cr_expect_eq(access, nm_val_enum(7, 0));
    cr_expect_eq(nm_val_enum_ordinal(content), 3);
    cr_expect_eq(nm_val_enum_type(content), 7);
    cr_expect_lt(nm_val_compare(access, nm_val_enum(7, 1)), 0);
    cr_expect_lt(nm_val_compare(nm_val_enum(7, 2), content), 0);
    cr_expect_str_eq(nm_val_format(nm_val_enum(7, 2)), "platform");
    cr_expect_str_eq(nm_val_format(nm_val_enum(5, 4)), "#5.4");
    cr_expect_null(nm_val_enum_name(nm_val_enum(5, 4)));
    /* the same name in another type is another member */
    cr_assert(nm_val_enum_declare(8, 0, "access", 6));
    cr_expect_neq(nm_val_enum(8, 0), access);
}

/* ---- value order -------------------------------------------------------------------- */

Test(value, numeric_order_across_representations)
{
    const char *ascending[] = {"-9223372036854775808", "-576460752303423489", "-1/2",
                               "-1/3", "0",  "1/3", "0.5", "2/3", "1", "12.5", "2000",
                               "576460752303423488", "9223372036854775807"};
    size_t n = sizeof ascending / sizeof ascending[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int expect = (i > j) - (i < j);
            cr_expect_eq(sign(nm_val_compare(N(ascending[i]), N(ascending[j]))), expect,
                         "compare(%s, %s)", ascending[i], ascending[j]);
        }
    cr_expect_eq(nm_val_compare(N("12.50"), N("25/2")), 0);
}

Test(value, text_order_is_code_point_order_not_interning_order)
{
    /* interned in descending order on purpose */
    nm_cell z = T("zeta"), b = T("beta"), a = T("alpha"), ab = T("alphabet");
    nm_cell hu = T("胡某"), li = T("李小全"), emoji = T("\xf0\x9f\x98\x80"); /* U+1F600 */
    nm_cell fullwidth = T("\xef\xbc\x81");                               /* U+FF01 */
    cr_expect_lt(nm_val_compare(a, ab), 0, "a prefix sorts first");
    cr_expect_lt(nm_val_compare(ab, b), 0);
    cr_expect_lt(nm_val_compare(b, z), 0);
    cr_expect_lt(nm_val_compare(z, hu), 0);
    cr_expect_lt(nm_val_compare(li, hu), 0, "U+674E < U+80E1");
    cr_expect_lt(nm_val_compare(hu, fullwidth), 0, "U+80E1 < U+FF01");
    cr_expect_lt(nm_val_compare(fullwidth, emoji), 0, "BMP before astral, as code points");
    cr_expect_gt(nm_val_compare(E("b"), E("a")), 0);
}

Test(value, dates_and_durations_order)
{
    cr_expect_lt(nm_val_compare(Dt(1, 1, 1), Dt(2016, 2, 29)), 0);
    cr_expect_lt(nm_val_compare(Dt(2016, 2, 29), Dt(2016, 3, 1)), 0);
    cr_expect_lt(nm_val_compare(Dt(2016, 3, 1), Dt(9999, 12, 31)), 0);
    nm_cell d5, w1, m_neg, m2, y1;
    cr_assert(nm_val_duration((nm_duration){5, NM_DUR_DAYS}, &d5));
    cr_assert(nm_val_duration((nm_duration){1, NM_DUR_WEEKS}, &w1));
    cr_assert(nm_val_duration((nm_duration){-1, NM_DUR_MONTHS}, &m_neg));
    cr_assert(nm_val_duration((nm_duration){2, NM_DUR_MONTHS}, &m2));
    cr_assert(nm_val_duration((nm_duration){1, NM_DUR_YEARS}, &y1));
    cr_expect_lt(nm_val_compare(d5, w1), 0);
    cr_expect_lt(nm_val_compare(w1, m_neg), 0);
    cr_expect_lt(nm_val_compare(m_neg, m2), 0);
    cr_expect_lt(nm_val_compare(m2, y1), 0);
}

Test(value, fixed_order_across_kinds)
{
    nm_cell cite = nm_val_cite("刑法 第286条之一", strlen("刑法 第286条之一"), "\x01\x01", 2);
    nm_cell dur;
    cr_assert(nm_val_duration((nm_duration){2, NM_DUR_YEARS}, &dur));
    nm_cell ascending[] = {NM_CELL_NONE, nm_val_bool(false), nm_val_bool(true), N("-5"),
                           N("9223372036854775807"), Dt(1, 1, 1), dur, nm_val_enum(0, 0),
                           E("a"), T(""), T("a"), cite};
    size_t n = sizeof ascending / sizeof ascending[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            cr_expect_eq(sign(nm_val_compare(ascending[i], ascending[j])), (i > j) - (i < j),
                         "compare(%s, %s)", nm_val_format(ascending[i]),
                         nm_val_format(ascending[j]));
    cr_expect_eq(nm_val_kind_of(cite), NM_VAL_CITE);
}

Test(value, citations_order_by_sort_key)
{
    /* 第10条 after 第3条 although "1" < "3" as text */
    nm_cell art10 = nm_val_cite("解释 第10条", strlen("解释 第10条"), "\x00\x0a", 2);
    nm_cell art3 = nm_val_cite("解释 第3条", strlen("解释 第3条"), "\x00\x03", 2);
    nm_cell art3_1 = nm_val_cite("解释 第3条 第1项", strlen("解释 第3条 第1项"), "\x00\x03\x01", 3);
    cr_expect_lt(nm_val_compare(art3, art10), 0);
    cr_expect_lt(nm_val_compare(art3, art3_1), 0);
    cr_expect_lt(nm_val_compare(art3_1, art10), 0);
    cr_expect_eq(art3, nm_val_cite("解释 第3条", strlen("解释 第3条"), "\x00\x03", 2));
    cr_expect_str_eq(nm_val_format_literal(art3), "[解释 第3条]");
}

Test(value, tuple_order)
{
    nm_cell a[] = {E("p"), N("1"), Dt(2019, 1, 1)};
    nm_cell b[] = {E("p"), N("1.0"), Dt(2019, 1, 2)};
    nm_cell c[] = {E("p"), N("1/1"), Dt(2019, 1, 1)};
    cr_expect_lt(nm_val_compare_tuple(a, b, 3), 0);
    cr_expect_eq(nm_val_compare_tuple(a, c, 3), 0);
    cr_expect_eq(nm_val_hash_tuple(a, 3), nm_val_hash_tuple(c, 3));
    cr_expect_neq(nm_val_hash_tuple(a, 3), nm_val_hash_tuple(b, 3));
    cr_expect_neq(nm_val_hash_tuple(a, 2), nm_val_hash_tuple(a, 3));
}

/* ---- hashing and display ------------------------------------------------------------ */

Test(value, hash_spreads_small_ints)
{
    /* Consecutive ints must not collide in the low bits a hash index masks with. */
    enum { K = 4096 };
    static unsigned char seen[K];
    int used = 0;
    for (int i = 0; i < K; i++) {
        unsigned slot = (unsigned)(nm_val_hash(nm_val_int(i)) & (K - 1));
        used += !seen[slot];
        seen[slot] = 1;
    }
    cr_expect_gt(used, K / 2, "only %d of %d slots used", used, K);
    cr_expect_eq(nm_val_hash(N("2.00")), nm_val_hash(nm_val_int(2)));
}

Test(value, display_by_static_type)
{
    cr_expect_str_eq(nm_val_format(N("12.50")), "12.5");
    cr_expect_str_eq(nm_val_format_num(N("12.50"), NM_NUM_DECIMAL, 2), "12.50");
    cr_expect_str_eq(nm_val_format_num(N("37.5"), NM_NUM_DECIMAL, 2), "37.50");
    cr_expect_str_eq(nm_val_format_num(N("2"), NM_NUM_DECIMAL, 2), "2.00");
    cr_expect_str_eq(nm_val_format_num(N("0.125"), NM_NUM_DECIMAL, 2), "0.125");
    cr_expect_str_eq(nm_val_format_num(N("0.9"), NM_NUM_RATIONAL, 0), "9/10");
    cr_expect_str_eq(nm_val_format_num(N("2"), NM_NUM_RATIONAL, 0), "2");
    cr_expect_str_eq(nm_val_format_num(N("1/3"), NM_NUM_DECIMAL, 2), "1/3");
    cr_expect_str_eq(nm_val_format_num(N("7"), NM_NUM_INT, 0), "7");
    cr_expect_str_eq(nm_val_format(N("0.9")), "0.9");
    cr_expect_str_eq(nm_val_format(N("9/10")), "0.9");
    cr_expect_str_eq(nm_val_format(N("1/3")), "1/3");
    cr_expect_str_eq(nm_val_format_num(T("x"), NM_NUM_DECIMAL, 2), "x");
}

Test(value, display_kinds)
{
    cr_expect_str_eq(nm_val_format(nm_val_bool(true)), "true");
    cr_expect_str_eq(nm_val_format(NM_CELL_NONE), "<none>");
    cr_expect_str_eq(nm_val_format(T("say \"hi\"\n")), "say \"hi\"\n");
    cr_expect_str_eq(nm_val_format_literal(T("say \"hi\"\n\\")), "\"say \\\"hi\\\"\\n\\\\\"");
    cr_expect_str_eq(nm_val_format_literal(E("胡某")), "胡某");
    cr_expect_str_eq(nm_val_format_literal(N("1/3")), "1/3");
}

/* ---- arithmetic on cells --------------------------------------------------------- */

Test(value, cell_arithmetic)
{
    nm_cell r = NM_CELL_NONE;
    cr_assert_eq(nm_val_mul(N("12.50"), N("3"), &r), NM_NUM_OK);
    cr_expect_eq(r, N("37.5"));
    cr_expect_str_eq(nm_val_format_num(r, NM_NUM_DECIMAL, 2), "37.50");
    cr_assert_eq(nm_val_div(N("7"), N("2"), &r), NM_NUM_OK);
    cr_expect_eq(r, N("3.5"));
    cr_assert_eq(nm_val_div(N("9"), N("10"), &r), NM_NUM_OK);
    cr_expect_eq(r, N("0.9"));
    cr_assert_eq(nm_val_add(N("1/3"), N("2/3"), &r), NM_NUM_OK);
    cr_expect_eq(r, nm_val_int(1));
    /* decimals that would need more than 18 places are exact as fractions */
    cr_assert_eq(nm_val_mul(N("0.0009765625"), N("0.0009765625"), &r), NM_NUM_OK);
    cr_expect_str_eq(nm_val_format(r), "1/1048576");
    cr_assert_eq(nm_val_sub(N("0.1"), N("0.1"), &r), NM_NUM_OK);
    cr_expect_eq(r, nm_val_int(0));
    nm_cell keep = N("42");
    r = keep;
    cr_expect_eq(nm_val_add(nm_val_int(INT64_MAX), N("1"), &r), NM_NUM_OVERFLOW);
    cr_expect_eq(nm_val_sub(nm_val_int(INT64_MIN), N("1"), &r), NM_NUM_OVERFLOW);
    cr_expect_eq(nm_val_mul(nm_val_int(INT64_MAX), N("2"), &r), NM_NUM_OVERFLOW);
    cr_expect_eq(nm_val_neg(nm_val_int(INT64_MIN), &r), NM_NUM_OVERFLOW);
    cr_expect_eq(nm_val_div(N("1"), N("0.00"), &r), NM_NUM_DIV_ZERO);
    cr_expect_eq(nm_val_add(N("1"), T("1"), &r), NM_NUM_TYPE);
    cr_expect_eq(r, keep, "failures leave the result untouched");
    cr_assert_eq(nm_val_neg(N("1/3"), &r), NM_NUM_OK);
    cr_expect_eq(r, N("-1/3"));
}

Test(value, cell_date_arithmetic)
{
    nm_cell two_years, month, r;
    cr_assert(nm_val_duration((nm_duration){2, NM_DUR_YEARS}, &two_years));
    cr_assert(nm_val_duration((nm_duration){1, NM_DUR_MONTHS}, &month));
    cr_assert_eq(nm_val_add(Dt(2016, 2, 29), two_years, &r), NM_NUM_OK);
    cr_expect_eq(r, Dt(2018, 2, 28));
    cr_assert_eq(nm_val_add(month, Dt(2019, 1, 31), &r), NM_NUM_OK);
    cr_expect_eq(r, Dt(2019, 2, 28));
    cr_assert_eq(nm_val_sub(Dt(2019, 3, 31), month, &r), NM_NUM_OK);
    cr_expect_eq(r, Dt(2019, 2, 28));
    cr_expect_eq(nm_val_add(Dt(9999, 12, 1), month, &r), NM_NUM_DATE_RANGE);
    cr_expect_eq(nm_val_sub(Dt(1, 1, 31), month, &r), NM_NUM_DATE_RANGE);
    cr_expect_eq(nm_val_sub(month, Dt(2019, 1, 1), &r), NM_NUM_TYPE);
    cr_expect_eq(nm_val_add(Dt(2019, 1, 1), Dt(2019, 1, 1), &r), NM_NUM_TYPE);
}
