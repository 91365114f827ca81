/* date.c — proleptic Gregorian dates as Rata Die day numbers, and checked date ±
 * duration arithmetic (see date.h). Used by the checker to validate date literals
 * and by the evaluator for date arithmetic and `within`. */
#include "date.h"

#include <string.h>

#include "mem.h"

/* Rata Die of 1970-01-01; the civil conversions below count from 1970-01-01. */
enum { RD_UNIX_EPOCH = 719163 };

bool nm_date_is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int nm_date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && nm_date_is_leap_year(y) ? 29 : days[m - 1];
}

bool nm_date_is_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
           d <= nm_date_days_in_month(y, m);
}

bool nm_date_in_range(int64_t day_number)
{
    return day_number >= NM_DATE_MIN && day_number <= NM_DATE_MAX;
}

/* Howard Hinnant's days_from_civil / civil_from_days (public domain), which count
 * in 400-year eras starting on March 1 so that the leap day is the last day of a
 * year. Inputs are already validated, so int32 arithmetic cannot overflow. */
static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *py, int *pm, int *pd)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    *py = y + (m <= 2);
    *pm = m;
    *pd = d;
}

bool nm_date_from_ymd(int y, int m, int d, nm_date *out)
{
    if (!nm_date_is_valid(y, m, d))
        return false;
    *out = days_from_civil(y, m, d) + RD_UNIX_EPOCH;
    return true;
}

void nm_date_to_ymd(nm_date date, int *y, int *m, int *d)
{
    int yy, mm, dd;
    civil_from_days(date - RD_UNIX_EPOCH, &yy, &mm, &dd);
    if (y)
        *y = yy;
    if (m)
        *m = mm;
    if (d)
        *d = dd;
}

int nm_date_weekday(nm_date date)
{
    /* Rata Die 1 (0001-01-01) was a Monday. */
    return (int)((date - 1) % 7) + 1;
}

bool nm_date_add_days(nm_date date, int64_t n, nm_date *out)
{
    int64_t r;
    if (__builtin_add_overflow((int64_t)date, n, &r) || !nm_date_in_range(r))
        return false;
    *out = (nm_date)r;
    return true;
}

bool nm_date_add_weeks(nm_date date, int64_t n, nm_date *out)
{
    int64_t days;
    if (__builtin_mul_overflow(n, (int64_t)7, &days))
        return false;
    return nm_date_add_days(date, days, out);
}

static bool add_months(nm_date date, int64_t n, nm_date *out)
{
    int y, m, d;
    nm_date_to_ymd(date, &y, &m, &d);
    /* Count months from year 0 so the target is one checked addition. */
    int64_t index;
    if (__builtin_add_overflow((int64_t)y * 12 + (m - 1), n, &index))
        return false;
    if (index < 12 || index >= 10000 * 12) /* target year outside 1..9999 */
        return false;
    int ty = (int)(index / 12), tm = (int)(index % 12) + 1;
    int last = nm_date_days_in_month(ty, tm);
    *out = days_from_civil(ty, tm, d < last ? d : last) + RD_UNIX_EPOCH;
    return true;
}

bool nm_date_add_months(nm_date date, int64_t n, nm_date *out)
{
    /* The last sum, per thread — why: the evaluator asks for one bound over and over
     * (`d within 2 years after dl` for every item of an aggregate while dl stays), and
     * the two calendar conversions cost more than the rest of such a test. */
    static _Thread_local struct {
        nm_date date, sum;
        int64_t n;
        bool known, ok;
    } last;
    if (!last.known || last.date != date || last.n != n) {
        last.date = date;
        last.n = n;
        last.ok = add_months(date, n, &last.sum);
        last.known = true;
    }
    if (last.ok)
        *out = last.sum;
    return last.ok;
}

bool nm_date_add_years(nm_date date, int64_t n, nm_date *out)
{
    int64_t months;
    if (__builtin_mul_overflow(n, (int64_t)12, &months))
        return false;
    return nm_date_add_months(date, months, out);
}

bool nm_date_add(nm_date date, nm_duration dur, int sign, nm_date *out)
{
    int64_t n = dur.amount;
    if (sign < 0 && __builtin_sub_overflow((int64_t)0, dur.amount, &n))
        return false;
    switch (dur.unit) {
    case NM_DUR_DAYS: return nm_date_add_days(date, n, out);
    case NM_DUR_WEEKS: return nm_date_add_weeks(date, n, out);
    case NM_DUR_MONTHS: return nm_date_add_months(date, n, out);
    case NM_DUR_YEARS: return nm_date_add_years(date, n, out);
    }
    return false;
}

/* Is d at or after the bound d2 + sign*dur? A bound outside the calendar lies
 * before every date when it underflows and after every date when it overflows;
 * which one happened is decided by the direction of the step. */
static bool at_or_after(nm_date d, nm_date d2, nm_duration dur, int sign)
{
    nm_date bound;
    if (nm_date_add(d2, dur, sign, &bound))
        return d >= bound;
    bool step_back = (sign < 0) == (dur.amount >= 0);
    return step_back; /* bound < 0001-01-01: every date is after it */
}

static bool at_or_before(nm_date d, nm_date d2, nm_duration dur, int sign)
{
    nm_date bound;
    if (nm_date_add(d2, dur, sign, &bound))
        return d <= bound;
    bool step_forward = (sign > 0) == (dur.amount >= 0);
    return step_forward; /* bound > 9999-12-31: every date is before it */
}

bool nm_date_within_of(nm_date d1, nm_duration dur, nm_date d2)
{
    return at_or_after(d1, d2, dur, -1) && at_or_before(d1, d2, dur, +1);
}

bool nm_date_within_after(nm_date d1, nm_duration dur, nm_date d2)
{
    return d2 <= d1 && at_or_before(d1, d2, dur, +1);
}

bool nm_date_within_before(nm_date d1, nm_duration dur, nm_date d2)
{
    return at_or_after(d1, d2, dur, -1) && d1 <= d2;
}

char *nm_date_format(nm_date date, char *buf)
{
    int y, m, d;
    nm_date_to_ymd(date, &y, &m, &d);
    /* By hand: fixed width, and no format-truncation warning to silence. */
    const int fields[3][2] = {{y, 4}, {m, 2}, {d, 2}};
    char *p = buf;
    for (int f = 0; f < 3; f++) {
        if (f)
            *p++ = '-';
        for (int i = fields[f][1] - 1, v = fields[f][0]; i >= 0; i--, v /= 10)
            p[i] = (char)('0' + v % 10);
        p += fields[f][1];
    }
    *p = '\0';
    return buf;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool nm_date_parse(const char *s, size_t len, nm_date *out)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return false;
    return nm_date_from_ymd(y, m, d, out);
}

bool nm_date_unit_parse(const char *word, size_t len, nm_dur_unit *out)
{
    static const struct {
        const char *word;
        nm_dur_unit unit;
    } units[] = {
        {"day", NM_DUR_DAYS},       {"days", NM_DUR_DAYS},     {"日", NM_DUR_DAYS},
        {"天", NM_DUR_DAYS},        {"week", NM_DUR_WEEKS},    {"weeks", NM_DUR_WEEKS},
        {"周", NM_DUR_WEEKS},       {"month", NM_DUR_MONTHS},  {"months", NM_DUR_MONTHS},
        {"个月", NM_DUR_MONTHS},    {"year", NM_DUR_YEARS},    {"years", NM_DUR_YEARS},
        {"年", NM_DUR_YEARS},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].word) == len && memcmp(units[i].word, word, len) == 0) {
            *out = units[i].unit;
            return true;
        }
    }
    return false;
}

char *nm_date_dur_format(nm_duration dur)
{
    static const char *names[] = {"day", "week", "month", "year"};
    bool one = dur.amount == 1 || dur.amount == -1;
    return nm_sprintf("%lld %s%s", (long long)dur.amount, names[dur.unit], one ? "" : "s");
}
