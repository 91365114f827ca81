/* date.h — calendar dates and durations for the checker (literal validation) and
 * the evaluator (date ± duration, `within`). Proleptic Gregorian, years 1–9999.
 * A date is a day number (Rata Die: 0001-01-01 is day 1); durations are an amount
 * of one unit. All arithmetic is checked: a result outside 0001-01-01..9999-12-31
 * is reported as a failure, never wrapped or clamped. */
#ifndef NM_DATE_H
#define NM_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Days since 0000-12-31: 0001-01-01 = 1, 9999-12-31 = NM_DATE_MAX. Consecutive
 * days are consecutive numbers, so date order is integer order and the distance
 * between two dates is a subtraction. */
typedef int32_t nm_date;

#define NM_DATE_MIN 1
#define NM_DATE_MAX 3652059
#define NM_DATE_BUFSZ 11 /* "YYYY-MM-DD" + NUL */

/* grammar/ast.h declares the same enum for duration literals; whichever header
 * comes first defines it (C11 forbids a second definition), and both must list
 * the units in this order. */
#ifndef NM_DUR_UNIT_DEFINED
#define NM_DUR_UNIT_DEFINED
typedef enum nm_dur_unit { NM_DUR_DAYS, NM_DUR_WEEKS, NM_DUR_MONTHS, NM_DUR_YEARS } nm_dur_unit;
#endif

/* `2 years`, `6 months`: an amount of one unit. Not normalised (3 weeks stays
 * 3 weeks; 12 months is not 1 year), because months and years have no fixed
 * length in days and the text a drafter wrote is the text explanations print. */
typedef struct nm_duration {
    int64_t amount;
    nm_dur_unit unit;
} nm_duration;

/* True when y-m-d exists in the proleptic Gregorian calendar and 1 <= y <= 9999. */
bool nm_date_is_valid(int y, int m, int d);
bool nm_date_is_leap_year(int y);
/* Days in month m (1–12) of year y; 0 for an invalid month. */
int nm_date_days_in_month(int y, int m);

/* Day number of a valid y-m-d. False (and *out untouched) if it is not valid. */
bool nm_date_from_ymd(int y, int m, int d, nm_date *out);
/* Calendar fields of a day number in NM_DATE_MIN..NM_DATE_MAX. Any of y, m, d
 * may be NULL. */
void nm_date_to_ymd(nm_date date, int *y, int *m, int *d);
/* True for NM_DATE_MIN <= date <= NM_DATE_MAX. */
bool nm_date_in_range(int64_t day_number);
/* ISO weekday: 1 = Monday … 7 = Sunday. */
int nm_date_weekday(nm_date date);

/* date + n days / weeks. False (and *out untouched) if the result is outside the
 * calendar or n is too large to compute with; n may be negative. */
bool nm_date_add_days(nm_date date, int64_t n, nm_date *out);
bool nm_date_add_weeks(nm_date date, int64_t n, nm_date *out);
/* date + n months / years (n may be negative): the same day of the target month,
 * or that month's last day when it has no such day, as the Civil Code counts
 * periods: 2016-02-29 + 2 years = 2018-02-28; 2019-01-31 + 1 month = 2019-02-28;
 * 2019-03-31 - 1 month = 2019-02-28. False if the target year is outside 1–9999. */
bool nm_date_add_months(nm_date date, int64_t n, nm_date *out);
bool nm_date_add_years(nm_date date, int64_t n, nm_date *out);
/* date + sign * dur, sign being +1 or -1. Subtracting a duration adds its negated
 * amount (so `- 1 month` also lands on the last day of a short month). */
bool nm_date_add(nm_date date, nm_duration dur, int sign, nm_date *out);

/* Windows, inclusive at both ends ([rule.body]):
 *   within_of:     d2 - DUR <= d1 <= d2 + DUR
 *   within_after:  d2       <= d1 <= d2 + DUR
 *   within_before: d2 - DUR <= d1 <= d2
 * These never fail: a bound that falls outside the calendar lies beyond every
 * date, so the comparison against it is still decided (2 years after
 * 9999-06-01 contains every later date). A negative amount gives an empty window
 * for within_after/before and, for within_of, the window between the two bounds
 * (empty unless they meet). */
bool nm_date_within_of(nm_date d1, nm_duration dur, nm_date d2);
bool nm_date_within_after(nm_date d1, nm_duration dur, nm_date d2);
bool nm_date_within_before(nm_date d1, nm_duration dur, nm_date d2);

/* Writes "YYYY-MM-DD" (year zero-padded to 4 digits) into buf (at least
 * NM_DATE_BUFSZ bytes); returns buf. */
char *nm_date_format(nm_date date, char *buf);
/* Parses exactly "YYYY-MM-DD" (len bytes, no surrounding text) and validates it.
 * False for bad syntax or a date that does not exist (2023-02-29, 2019-13-01). */
bool nm_date_parse(const char *s, size_t len, nm_date *out);

/* Unit words accepted by [lex.literals]: day(s) 日 天, week(s) 周, month(s) 个月,
 * year(s) 年. False for anything else. */
bool nm_date_unit_parse(const char *word, size_t len, nm_dur_unit *out);
/* English unit name, singular for |amount| == 1: "1 year", "2 years". Returns a
 * GC-allocated string "AMOUNT UNIT". */
char *nm_date_dur_format(nm_duration dur);

#endif
