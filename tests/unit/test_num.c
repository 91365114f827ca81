/* test_num.c — unit tests for engine/num: overflow on every checked int64 operation,
 * rational normalisation and overflow, decimal scale rules and formatting, literal
 * parsing, and exact comparison across int / decimal / rational. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <gc.h>
#include <string.h>

#include "num.h"

static void setup(void) { GC_INIT(); }

TestSuite(num, .init = setup);

static nm_num P(const char *text)
{
    nm_num n;
    nm_num_status st = nm_num_parse(text, strlen(text), &n);
    cr_assert_eq(st, NM_NUM_OK, "parse \"%s\": %s", text, nm_num_status_str(st));
    return n;
}

static const char *F(nm_num n)
{
    static char buf[4][NM_NUM_BUFSZ];
    static int k;
    return nm_num_format(n, buf[k++ % 4]);
}

/* ---- checked int64 ------------------------------------------------------------------ */

typedef nm_num_status (*i64_op)(int64_t, int64_t, int64_t *);

struct i64_case {
    char op; /* + - * / */
    int64_t a, b;
    nm_num_status st;
    int64_t r;
};

static nm_num_status neg_as_binary(int64_t a, int64_t b, int64_t *r)
{
    (void)b;
    return nm_num_neg_i64(a, r);
}

ParameterizedTestParameters(num, i64)
{
    static struct i64_case cases[] = {
        {'+', 1, 2, NM_NUM_OK, 3},
        {'+', INT64_MAX, 1, NM_NUM_OVERFLOW, 0},
        {'+', INT64_MIN, -1, NM_NUM_OVERFLOW, 0},
        {'+', INT64_MAX, INT64_MIN, NM_NUM_OK, -1},
        {'-', INT64_MIN, 1, NM_NUM_OVERFLOW, 0},
        {'-', 0, INT64_MIN, NM_NUM_OVERFLOW, 0},
        {'-', INT64_MAX, -1, NM_NUM_OVERFLOW, 0},
        {'-', -1, INT64_MAX, NM_NUM_OK, INT64_MIN},
        {'*', INT64_MAX, 2, NM_NUM_OVERFLOW, 0},
        {'*', INT64_MIN, -1, NM_NUM_OVERFLOW, 0},
        {'*', -1, INT64_MIN, NM_NUM_OVERFLOW, 0},
        {'*', 3037000500, 3037000500, NM_NUM_OVERFLOW, 0},
        {'*', 3037000499, 3037000499, NM_NUM_OK, INT64_C(9223372030926249001)},
        {'*', INT64_MIN, 1, NM_NUM_OK, INT64_MIN},
        {'/', 7, 2, NM_NUM_OK, 3},
        {'/', -7, 2, NM_NUM_OK, -3},
        {'/', 1, 0, NM_NUM_DIV_ZERO, 0},
        {'/', INT64_MIN, -1, NM_NUM_OVERFLOW, 0},
        {'n', INT64_MIN, 0, NM_NUM_OVERFLOW, 0},
        {'n', INT64_MAX, 0, NM_NUM_OK, -INT64_MAX},
        {'n', 0, 0, NM_NUM_OK, 0},
    };
    return cr_make_param_array(struct i64_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct i64_case *c, num, i64)
{
    i64_op f = c->op == '+'   ? nm_num_add_i64
               : c->op == '-' ? nm_num_sub_i64
               : c->op == '*' ? nm_num_mul_i64
               : c->op == '/' ? nm_num_div_i64
                              : neg_as_binary;
    int64_t r = 12345;
    nm_num_status st = f(c->a, c->b, &r);
    cr_expect_eq(st, c->st, "%lld %c %lld: status %d", (long long)c->a, c->op, (long long)c->b,
                 st);
    if (c->st == NM_NUM_OK)
        cr_expect_eq(r, c->r);
    else
        cr_expect_eq(r, 12345, "failure must not write the result");
}

/* ---- generic arithmetic ---------------------------------------------------------- */

struct arith_case {
    char a[44], op, b[44];
    nm_num_status st;
    char expect[48];
    nm_num_kind kind;
};

ParameterizedTestParameters(num, arith)
{
    static struct arith_case cases[] = {
        /* display rule for decimals */
        {"12.50", '*', "3", NM_NUM_OK, "37.50", NM_NUM_DECIMAL},
        {"12.50", '*', "1.5", NM_NUM_OK, "18.750", NM_NUM_DECIMAL},
        {"12.50", '+', "1", NM_NUM_OK, "13.50", NM_NUM_DECIMAL},
        {"12.50", '+', "0.125", NM_NUM_OK, "12.625", NM_NUM_DECIMAL},
        {"0.10", '-', "0.10", NM_NUM_OK, "0.00", NM_NUM_DECIMAL},
        {"1", '-', "1.5", NM_NUM_OK, "-0.5", NM_NUM_DECIMAL},
        {"12.50", '/', "2", NM_NUM_OK, "25/4", NM_NUM_RATIONAL},
        /* ints */
        {"2", '+', "3", NM_NUM_OK, "5", NM_NUM_INT},
        {"9223372036854775807", '+', "1", NM_NUM_OVERFLOW, "", 0},
        {"-9223372036854775808", '-', "1", NM_NUM_OVERFLOW, "", 0},
        {"4294967296", '*', "4294967296", NM_NUM_OVERFLOW, "", 0},
        {"7", '/', "2", NM_NUM_OK, "7/2", NM_NUM_RATIONAL},
        {"4", '/', "2", NM_NUM_OK, "2", NM_NUM_RATIONAL},
        {"-4", '/', "6", NM_NUM_OK, "-2/3", NM_NUM_RATIONAL},
        {"4", '/', "-6", NM_NUM_OK, "-2/3", NM_NUM_RATIONAL},
        {"1", '/', "0", NM_NUM_DIV_ZERO, "", 0},
        {"1.5", '/', "0.00", NM_NUM_DIV_ZERO, "", 0},
        {"1/3", '/', "0", NM_NUM_DIV_ZERO, "", 0},
        /* rationals */
        {"1/3", '+', "1/6", NM_NUM_OK, "1/2", NM_NUM_RATIONAL},
        {"1/3", '-', "1/3", NM_NUM_OK, "0", NM_NUM_RATIONAL},
        {"2/3", '*', "3/4", NM_NUM_OK, "1/2", NM_NUM_RATIONAL},
        {"1/3", '+', "0.5", NM_NUM_OK, "5/6", NM_NUM_RATIONAL},
        {"9/10", '*', "2000", NM_NUM_OK, "1800", NM_NUM_RATIONAL},
        {"1/9223372036854775807", '*', "1/2", NM_NUM_OVERFLOW, "", 0},
        {"1/9223372036854775807", '+', "1/9223372036854775806", NM_NUM_OVERFLOW, "", 0},
        {"9223372036854775807/2", '*', "2", NM_NUM_OK, "9223372036854775807", NM_NUM_RATIONAL},
        {"9223372036854775807/2", '*', "4", NM_NUM_OVERFLOW, "", 0},
        {"-9223372036854775808", '/', "-1", NM_NUM_OVERFLOW, "", 0},
        /* big intermediates that reduce back into range are exact, not overflow */
        {"9223372036854775807/3", '*', "3/9223372036854775807", NM_NUM_OK, "1", NM_NUM_RATIONAL},
        /* decimal overflow and exact trailing-zero shedding */
        {"922337203685477580.7", '*', "10", NM_NUM_OK, "9223372036854775807", NM_NUM_DECIMAL},
        {"922337203685477580.7", '*', "100", NM_NUM_OVERFLOW, "", 0},
        {"0.000000001", '*', "0.0000000001", NM_NUM_OVERFLOW, "", 0},
        {"0.000000001", '*', "0.000000001", NM_NUM_OK, "0.000000000000000001", NM_NUM_DECIMAL},
        {"0.000000000000000010", '*', "0.10", NM_NUM_OK, "0.000000000000000001", NM_NUM_DECIMAL},
        {"9223372036854775807", '+', "0.5", NM_NUM_OVERFLOW, "", 0},
    };
    return cr_make_param_array(struct arith_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct arith_case *c, num, arith)
{
    nm_num a = P(c->a), b = P(c->b), r = nm_num_int(777);
    nm_num_status st = c->op == '+'   ? nm_num_add(a, b, &r)
                       : c->op == '-' ? nm_num_sub(a, b, &r)
                       : c->op == '*' ? nm_num_mul(a, b, &r)
                                      : nm_num_div(a, b, &r);
    cr_assert_eq(st, c->st, "%s %c %s: %s", c->a, c->op, c->b, nm_num_status_str(st));
    if (st == NM_NUM_OK) {
        cr_expect_str_eq(F(r), c->expect, "%s %c %s", c->a, c->op, c->b);
        cr_expect_eq(r.kind, c->kind, "%s %c %s: kind", c->a, c->op, c->b);
    } else {
        cr_expect_eq(r.num, 777, "failure must not write the result");
    }
}

Test(num, neg)
{
    nm_num r;
    cr_assert_eq(nm_num_neg(P("12.50"), &r), NM_NUM_OK);
    cr_expect_str_eq(F(r), "-12.50");
    cr_assert_eq(nm_num_neg(P("-1/3"), &r), NM_NUM_OK);
    cr_expect_str_eq(F(r), "1/3");
    cr_expect_eq(nm_num_neg(nm_num_int(INT64_MIN), &r), NM_NUM_OVERFLOW);
    cr_expect_eq(nm_num_neg(P("-9223372036854775808/3"), &r), NM_NUM_OVERFLOW);
}

/* ---- rationals -------------------------------------------------------------------- */

Test(num, rational_normalisation)
{
    nm_num r;
    cr_assert_eq(nm_num_rational(6, -4, &r), NM_NUM_OK);
    cr_expect(r.num == -3 && r.den == 2);
    cr_assert_eq(nm_num_rational(0, -7, &r), NM_NUM_OK);
    cr_expect(r.num == 0 && r.den == 1);
    cr_assert_eq(nm_num_rational(INT64_MIN, INT64_MIN, &r), NM_NUM_OK);
    cr_expect(r.num == 1 && r.den == 1);
    cr_assert_eq(nm_num_rational(INT64_MIN, 2, &r), NM_NUM_OK);
    cr_expect(r.num == INT64_MIN / 2 && r.den == 1);
    cr_expect_eq(nm_num_rational(INT64_MIN, -1, &r), NM_NUM_OVERFLOW);
    cr_expect_eq(nm_num_rational(1, INT64_MIN, &r), NM_NUM_OVERFLOW);
    cr_expect_eq(nm_num_rational(1, 0, &r), NM_NUM_DIV_ZERO);
    cr_assert_eq(nm_num_rational(2, INT64_MIN, &r), NM_NUM_OK);
    cr_expect(r.num == -1 && r.den == -(INT64_MIN / 2));
}

/* ---- comparison and canonical form ---------------------------------------------------- */

struct cmp_case {
    char a[44], b[44];
    int sign;
};

ParameterizedTestParameters(num, cmp)
{
    static struct cmp_case cases[] = {
        {"12.5", "12.50", 0},       {"2", "2.00", 0},        {"2", "4/2", 0},
        {"25/2", "12.50", 0},       {"0.9", "9/10", 0},      {"1/3", "0.333333333333333333", 1},
        {"-1/3", "-0.333333333333333333", -1},               {"2000", "1999.99", 1},
        {"-0.01", "0", -1},         {"9223372036854775807", "9223372036854775806/1", 1},
        {"-9223372036854775808", "-9223372036854775807", -1},
        {"1/9223372036854775807", "1/9223372036854775806", -1},
        {"9223372036854775807/9223372036854775806", "9223372036854775806/9223372036854775805", -1},
    };
    return cr_make_param_array(struct cmp_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct cmp_case *c, num, cmp)
{
    nm_num a = P(c->a), b = P(c->b);
    int r = nm_num_cmp(a, b);
    cr_expect_eq((r > 0) - (r < 0), c->sign, "cmp(%s, %s) = %d", c->a, c->b, r);
    r = nm_num_cmp(b, a);
    cr_expect_eq((r > 0) - (r < 0), -c->sign, "cmp(%s, %s) = %d", c->b, c->a, r);
}

Test(num, canonical_and_widen)
{
    cr_expect_str_eq(F(nm_num_canonical(P("12.50"))), "12.5");
    cr_expect_str_eq(F(nm_num_canonical(P("2.00"))), "2");
    cr_expect_str_eq(F(nm_num_canonical(P("9/10"))), "0.9");
    cr_expect_str_eq(F(nm_num_canonical(P("1/3"))), "1/3");
    cr_expect_str_eq(F(nm_num_canonical(P("1/1024"))), "0.0009765625");
    cr_expect_str_eq(F(nm_num_canonical(P("1/9223372036854775807"))), "1/9223372036854775807");
    /* terminating, but 2^62 needs 62 decimal digits: stays rational */
    cr_expect_str_eq(F(nm_num_canonical(P("1/4611686018427387904"))), "1/4611686018427387904");
    nm_num w = nm_num_widen(nm_num_int(3), NM_NUM_DECIMAL);
    cr_expect(w.kind == NM_NUM_DECIMAL && w.scale == 0);
    cr_expect_str_eq(F(w), "3");
    w = nm_num_widen(P("12.50"), NM_NUM_RATIONAL);
    cr_expect_str_eq(F(w), "25/2");
    w = nm_num_widen(P("1/3"), NM_NUM_INT);
    cr_expect_str_eq(F(w), "1/3");
    cr_expect(nm_num_is_integral(P("3.00")));
    cr_expect_not(nm_num_is_integral(P("3.01")));
}

/* ---- parsing and formatting ---------------------------------------------------------- */

struct parse_case {
    char text[48];
    nm_num_status st;
    char expect[48];
};

ParameterizedTestParameters(num, parse)
{
    static struct parse_case cases[] = {
        {"0", NM_NUM_OK, "0"},
        {"2000", NM_NUM_OK, "2000"},
        {"1_000_000", NM_NUM_OK, "1000000"},
        {"9223372036854775807", NM_NUM_OK, "9223372036854775807"},
        {"9_223_372_036_854_775_807", NM_NUM_OK, "9223372036854775807"},
        {"9223372036854775808", NM_NUM_OVERFLOW, ""},
        {"-9223372036854775808", NM_NUM_OK, "-9223372036854775808"},
        {"-9223372036854775809", NM_NUM_OVERFLOW, ""},
        {"99999999999999999999999999", NM_NUM_OVERFLOW, ""},
        {"12.50", NM_NUM_OK, "12.50"},
        {"0.9", NM_NUM_OK, "0.9"},
        {"-0.05", NM_NUM_OK, "-0.05"},
        {"1_000.000_1", NM_NUM_OK, "1000.0001"},
        {"0.000000000000000001", NM_NUM_OK, "0.000000000000000001"},
        {"0.0000000000000000001", NM_NUM_OVERFLOW, ""},
        {"922337203685477580.7", NM_NUM_OK, "922337203685477580.7"},
        {"922337203685477580.8", NM_NUM_OVERFLOW, ""},
        {"-922337203685477580.8", NM_NUM_OK, "-922337203685477580.8"},
        {"9/10", NM_NUM_OK, "9/10"},
        {"18/20", NM_NUM_OK, "9/10"},
        {"-2/4", NM_NUM_OK, "-1/2"},
        {"1/0", NM_NUM_DIV_ZERO, ""},
        {"", NM_NUM_SYNTAX, ""},
        {"-", NM_NUM_SYNTAX, ""},
        {"_1", NM_NUM_SYNTAX, ""},
        {"1_", NM_NUM_SYNTAX, ""},
        {"1__0", NM_NUM_SYNTAX, ""},
        {"1.", NM_NUM_SYNTAX, ""},
        {".5", NM_NUM_SYNTAX, ""},
        {"1.2.3", NM_NUM_SYNTAX, ""},
        {"1e5", NM_NUM_SYNTAX, ""},
        {"+1", NM_NUM_SYNTAX, ""},
        {" 1", NM_NUM_SYNTAX, ""},
        {"1/-2", NM_NUM_SYNTAX, ""},
        {"1._5", NM_NUM_SYNTAX, ""},
    };
    return cr_make_param_array(struct parse_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct parse_case *c, num, parse)
{
    nm_num n;
    nm_num_status st = nm_num_parse(c->text, strlen(c->text), &n);
    cr_expect_eq(st, c->st, "parse \"%s\": %s", c->text, nm_num_status_str(st));
    if (st == NM_NUM_OK && c->st == NM_NUM_OK)
        cr_expect_str_eq(F(n), c->expect);
}

Test(num, parse_by_form)
{
    int64_t v;
    nm_num n;
    cr_expect_eq(nm_num_parse_int("1_000", 5, &v), NM_NUM_OK);
    cr_expect_eq(v, 1000);
    cr_expect_eq(nm_num_parse_int("12.5", 4, &v), NM_NUM_SYNTAX);
    cr_expect_eq(nm_num_parse_int("1/2", 3, &v), NM_NUM_SYNTAX);
    cr_expect_eq(nm_num_parse_decimal("12.50", 5, &n), NM_NUM_OK);
    cr_expect(n.kind == NM_NUM_DECIMAL && n.num == 1250 && n.scale == 2 && n.den == 100);
    cr_expect_eq(nm_num_parse_decimal("12", 2, &n), NM_NUM_SYNTAX);
    /* the length bounds the text: "12.50" read as its first 4 bytes */
    cr_expect_eq(nm_num_parse_decimal("12.50", 4, &n), NM_NUM_OK);
    cr_expect_str_eq(F(n), "12.5");
}

Test(num, format_fraction_styles)
{
    char buf[NM_NUM_BUFSZ];
    cr_expect_str_eq(nm_num_format_fraction(25, 2, 2, buf), "12.50");
    cr_expect_str_eq(nm_num_format_fraction(75, 2, 2, buf), "37.50");
    cr_expect_str_eq(nm_num_format_fraction(2, 1, 2, buf), "2.00");
    cr_expect_str_eq(nm_num_format_fraction(1, 8, 2, buf), "0.125");
    cr_expect_str_eq(nm_num_format_fraction(-1, 20, 0, buf), "-0.05");
    cr_expect_str_eq(nm_num_format_fraction(1, 3, 2, buf), "1/3");
    cr_expect_str_eq(nm_num_format_fraction(INT64_MIN, 1, 18, buf),
                     "-9223372036854775808.000000000000000000");
    cr_expect_str_eq(nm_num_format(nm_num_int(INT64_MIN), buf), "-9223372036854775808");
    nm_num d;
    cr_assert_eq(nm_num_decimal(INT64_MIN, 18, &d), NM_NUM_OK);
    cr_expect_str_eq(nm_num_format(d, buf), "-9.223372036854775808");
    cr_expect_eq(nm_num_decimal(1, 19, &d), NM_NUM_OVERFLOW);
    cr_expect_eq(nm_num_decimal(1, -1, &d), NM_NUM_OVERFLOW);
}
