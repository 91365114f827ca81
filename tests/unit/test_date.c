/* test_date.c — unit tests for engine/date: validity, day numbers, month-end
 * arithmetic (Civil Code period counting), inclusive `within` windows, the year
 * 1 / 9999 bounds, formatting and parsing. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <gc.h>
#include <string.h>

#include "date.h"

static void setup(void) { GC_INIT(); }

TestSuite(date, .init = setup);

static nm_date D(int y, int m, int d)
{
    nm_date r = 0;
    cr_assert(nm_date_from_ymd(y, m, d, &r), "%04d-%02d-%02d should be valid", y, m, d);
    return r;
}

static const char *fmt(nm_date d)
{
    static char buf[NM_DATE_BUFSZ];
    return nm_date_format(d, buf);
}

/* ---- validity -------------------------------------------------------------------- */

struct validity {
    int y, m, d;
    bool valid;
};

ParameterizedTestParameters(date, validity)
{
    static struct validity cases[] = {
        {2016, 2, 29, true},  {2023, 2, 29, false}, {1900, 2, 29, false},
        {2000, 2, 29, true},  {2019, 13, 1, false}, {2019, 0, 1, false},
        {2019, 4, 31, false}, {2019, 4, 30, true},  {2019, 1, 0, false},
        {1, 1, 1, true},      {0, 12, 31, false},   {9999, 12, 31, true},
        {10000, 1, 1, false}, {-1, 1, 1, false},    {2019, 12, 32, false},
    };
    return cr_make_param_array(struct validity, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct validity *c, date, validity)
{
    cr_expect_eq(nm_date_is_valid(c->y, c->m, c->d), c->valid, "%d-%d-%d", c->y, c->m,
                 c->d);
}

/* ---- day numbers ------------------------------------------------------------------ */

Test(date, day_number_bounds_and_round_trip)
{
    cr_expect_eq(D(1, 1, 1), NM_DATE_MIN);
    cr_expect_eq(D(9999, 12, 31), NM_DATE_MAX);
    cr_expect_eq(D(1970, 1, 1), 719163);
    cr_expect_eq(D(2000, 3, 1) - D(2000, 2, 28), 2);
    cr_expect_eq(D(1900, 3, 1) - D(1900, 2, 28), 1);
    for (nm_date d = NM_DATE_MIN; d <= NM_DATE_MAX; d++) {
        int y, m, dd;
        nm_date_to_ymd(d, &y, &m, &dd);
        nm_date back;
        if (!nm_date_from_ymd(y, m, dd, &back) || back != d)
            cr_assert_fail("round trip failed at day %d", d);
    }
}

Test(date, weekday)
{
    cr_expect_eq(nm_date_weekday(D(1, 1, 1)), 1);      /* Monday */
    cr_expect_eq(nm_date_weekday(D(2019, 11, 1)), 5);  /* Friday */
    cr_expect_eq(nm_date_weekday(D(2026, 1, 1)), 4);   /* Thursday */
}

/* ---- arithmetic ------------------------------------------------------------------- */

struct add_case {
    int y, m, d;
    int64_t amount;
    nm_dur_unit unit;
    char expect[NM_DATE_BUFSZ]; /* "": out of range (arrays, not pointers: Criterion
                                 * copies parameters into the test's process) */
};

ParameterizedTestParameters(date, add)
{
    static struct add_case cases[] = {
        {2016, 2, 29, 2, NM_DUR_YEARS, "2018-02-28"},
        {2016, 2, 29, 4, NM_DUR_YEARS, "2020-02-29"},
        {2016, 2, 29, -1, NM_DUR_YEARS, "2015-02-28"},
        {2019, 1, 31, 1, NM_DUR_MONTHS, "2019-02-28"},
        {2020, 1, 31, 1, NM_DUR_MONTHS, "2020-02-29"},
        {2019, 1, 31, 3, NM_DUR_MONTHS, "2019-04-30"},
        {2019, 3, 31, -1, NM_DUR_MONTHS, "2019-02-28"},
        {2019, 12, 15, 1, NM_DUR_MONTHS, "2020-01-15"},
        {2019, 1, 15, -1, NM_DUR_MONTHS, "2018-12-15"},
        {2019, 1, 15, -25, NM_DUR_MONTHS, "2016-12-15"},
        {2019, 12, 31, 1, NM_DUR_DAYS, "2020-01-01"},
        {2020, 3, 1, -1, NM_DUR_DAYS, "2020-02-29"},
        {2019, 11, 1, 3, NM_DUR_WEEKS, "2019-11-22"},
        {2019, 11, 1, 0, NM_DUR_YEARS, "2019-11-01"},
        {9999, 12, 31, 1, NM_DUR_DAYS, ""},
        {9999, 12, 30, 1, NM_DUR_DAYS, "9999-12-31"},
        {1, 1, 1, -1, NM_DUR_DAYS, ""},
        {1, 1, 2, -1, NM_DUR_DAYS, "0001-01-01"},
        {9999, 12, 1, 1, NM_DUR_MONTHS, ""},
        {9999, 1, 31, 11, NM_DUR_MONTHS, "9999-12-31"},
        {1, 12, 31, -11, NM_DUR_MONTHS, "0001-01-31"},
        {1, 12, 31, -12, NM_DUR_MONTHS, ""},
        {9998, 6, 1, 1, NM_DUR_YEARS, "9999-06-01"},
        {9998, 6, 1, 2, NM_DUR_YEARS, ""},
        {2000, 1, 1, INT64_MAX, NM_DUR_DAYS, ""},
        {2000, 1, 1, INT64_MIN, NM_DUR_DAYS, ""},
        {2000, 1, 1, INT64_MAX, NM_DUR_WEEKS, ""},
        {2000, 1, 1, INT64_MAX, NM_DUR_MONTHS, ""},
        {2000, 1, 1, INT64_MIN, NM_DUR_MONTHS, ""},
        {2000, 1, 1, INT64_MAX, NM_DUR_YEARS, ""},
        {2000, 1, 1, INT64_MIN, NM_DUR_YEARS, ""},
    };
    return cr_make_param_array(struct add_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct add_case *c, date, add)
{
    nm_date r = -7;
    nm_duration dur = {c->amount, c->unit};
    bool ok = nm_date_add(D(c->y, c->m, c->d), dur, +1, &r);
    if (!c->expect[0]) {
        cr_expect_not(ok, "%04d-%02d-%02d + %s should be out of range", c->y, c->m, c->d,
                      nm_date_dur_format(dur));
        cr_expect_eq(r, -7, "failure must leave *out untouched");
    } else {
        cr_assert(ok, "%04d-%02d-%02d + %s", c->y, c->m, c->d, nm_date_dur_format(dur));
        cr_expect_str_eq(fmt(r), c->expect);
    }
}

Test(date, subtract_negates)
{
    nm_date r;
    cr_assert(nm_date_add(D(2019, 3, 31), (nm_duration){1, NM_DUR_MONTHS}, -1, &r));
    cr_expect_str_eq(fmt(r), "2019-02-28");
    cr_assert(nm_date_add(D(2018, 2, 28), (nm_duration){2, NM_DUR_YEARS}, -1, &r));
    cr_expect_str_eq(fmt(r), "2016-02-28");
    cr_expect_not(nm_date_add(D(2018, 2, 28), (nm_duration){INT64_MIN, NM_DUR_DAYS}, -1, &r));
}

/* ---- within ---------------------------------------------------------------------- */

Test(date, within_of_inclusive)
{
    nm_duration two_years = {2, NM_DUR_YEARS};
    nm_date d2 = D(2018, 9, 25);
    cr_expect(nm_date_within_of(D(2016, 9, 25), two_years, d2));  /* lower end */
    cr_expect(nm_date_within_of(D(2020, 9, 25), two_years, d2));  /* upper end */
    cr_expect(nm_date_within_of(d2, two_years, d2));
    cr_expect_not(nm_date_within_of(D(2016, 9, 24), two_years, d2));
    cr_expect_not(nm_date_within_of(D(2020, 9, 26), two_years, d2));
}

Test(date, within_after_before)
{
    nm_duration month = {1, NM_DUR_MONTHS};
    nm_date d2 = D(2019, 1, 31);
    cr_expect(nm_date_within_after(D(2019, 2, 28), month, d2));
    cr_expect_not(nm_date_within_after(D(2019, 3, 1), month, d2));
    cr_expect(nm_date_within_after(d2, month, d2));
    cr_expect_not(nm_date_within_after(D(2019, 1, 30), month, d2));
    cr_expect(nm_date_within_before(D(2018, 12, 31), month, d2));
    cr_expect_not(nm_date_within_before(D(2018, 12, 30), month, d2));
    cr_expect(nm_date_within_before(d2, month, d2));
    cr_expect_not(nm_date_within_before(D(2019, 2, 1), month, d2));
}

Test(date, within_leap_day_anchor)
{
    /* 2016-02-29 + 2 years = 2018-02-28, so 2018-02-28 is in, 2018-03-01 out. */
    nm_duration two_years = {2, NM_DUR_YEARS};
    cr_expect(nm_date_within_after(D(2018, 2, 28), two_years, D(2016, 2, 29)));
    cr_expect_not(nm_date_within_after(D(2018, 3, 1), two_years, D(2016, 2, 29)));
}

Test(date, within_bounds_outside_calendar)
{
    nm_duration ten_years = {10, NM_DUR_YEARS};
    cr_expect(nm_date_within_of(D(9999, 12, 31), ten_years, D(9995, 1, 1)));
    cr_expect(nm_date_within_of(D(1, 1, 1), ten_years, D(5, 1, 1)));
    cr_expect(nm_date_within_after(D(9999, 12, 31), ten_years, D(9995, 1, 1)));
    cr_expect(nm_date_within_before(D(1, 1, 1), ten_years, D(5, 1, 1)));
    cr_expect_not(nm_date_within_before(D(5, 1, 2), ten_years, D(5, 1, 1)));
    nm_duration huge = {INT64_MAX, NM_DUR_DAYS};
    cr_expect(nm_date_within_of(D(1, 1, 1), huge, D(9999, 12, 31)));
    cr_expect(nm_date_within_of(D(9999, 12, 31), huge, D(1, 1, 1)));
    nm_duration most_negative = {INT64_MIN, NM_DUR_DAYS};
    cr_expect_not(nm_date_within_of(D(2000, 1, 1), most_negative, D(2000, 1, 1)));
    cr_expect_not(nm_date_within_after(D(2000, 1, 1), (nm_duration){-1, NM_DUR_DAYS},
                                       D(2000, 1, 2)));
}

/* ---- text ------------------------------------------------------------------------ */

Test(date, format)
{
    cr_expect_str_eq(fmt(D(1, 1, 1)), "0001-01-01");
    cr_expect_str_eq(fmt(D(9999, 12, 31)), "9999-12-31");
    cr_expect_str_eq(fmt(D(2019, 11, 1)), "2019-11-01");
}

struct parse_case {
    char text[16];
    bool ok;
};

ParameterizedTestParameters(date, parse)
{
    static struct parse_case cases[] = {
        {"2016-03-15", true}, {"2016-02-29", true}, {"2023-02-29", false},
        {"2019-13-01", false}, {"2019-00-10", false}, {"0000-01-01", false},
        {"0001-01-01", true}, {"9999-12-31", true},  {"2019-1-01", false},
        {"2019-01-1", false}, {"20190101", false},   {"2019/01/01", false},
        {"2019-01-01x", false}, {"", false},         {"2019-0a-01", false},
        {"+019-01-01", false},
    };
    return cr_make_param_array(struct parse_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct parse_case *c, date, parse)
{
    nm_date d;
    bool ok = nm_date_parse(c->text, strlen(c->text), &d);
    cr_expect_eq(ok, c->ok, "parse \"%s\"", c->text);
    if (ok)
        cr_expect_str_eq(fmt(d), c->text);
}

Test(date, units_and_duration_format)
{
    nm_dur_unit u;
    cr_expect(nm_date_unit_parse("years", 5, &u) && u == NM_DUR_YEARS);
    cr_expect(nm_date_unit_parse("个月", strlen("个月"), &u) && u == NM_DUR_MONTHS);
    cr_expect(nm_date_unit_parse("天", strlen("天"), &u) && u == NM_DUR_DAYS);
    cr_expect(nm_date_unit_parse("周", strlen("周"), &u) && u == NM_DUR_WEEKS);
    cr_expect_not(nm_date_unit_parse("fortnight", 9, &u));
    cr_expect_not(nm_date_unit_parse("yea", 3, &u));
    cr_expect_str_eq(nm_date_dur_format((nm_duration){1, NM_DUR_YEARS}), "1 year");
    cr_expect_str_eq(nm_date_dur_format((nm_duration){2, NM_DUR_YEARS}), "2 years");
    cr_expect_str_eq(nm_date_dur_format((nm_duration){3, NM_DUR_WEEKS}), "3 weeks");
}
