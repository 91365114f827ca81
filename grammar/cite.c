/* cite.c — citation parts and numerals: reads 第N条之M / 第N款 / 第N项 / 第N目 (Arabic
 * or Chinese numerals, several parts written together) into nm_cit_part values, and
 * prints a citation in its canonical form. Called by the lexer (grammar/lexer.l) and by
 * every stage that prints a citation. */
#include <stdint.h>
#include <string.h>

#include "ast.h"

/* Chinese numeral characters (all three bytes in UTF-8) and their values. Digits
 * have value 0..9; units 10, 100, 1000 and 10000 (万). */
static const struct { const char *s; int value; bool unit; } zh_numerals[] = {
    {"零", 0, false}, {"〇", 0, false}, {"一", 1, false}, {"二", 2, false},
    {"两", 2, false}, {"三", 3, false}, {"四", 4, false}, {"五", 5, false},
    {"六", 6, false}, {"七", 7, false}, {"八", 8, false}, {"九", 9, false},
    {"十", 10, true}, {"百", 100, true}, {"千", 1000, true}, {"万", 10000, true},
};

/* Looks up the numeral character at s (n bytes available). Returns its index in
 * zh_numerals, or -1. */
static int zh_numeral_at(const char *s, size_t n)
{
    if (n < 3)
        return -1;
    for (size_t i = 0; i < sizeof zh_numerals / sizeof zh_numerals[0]; i++)
        if (memcmp(s, zh_numerals[i].s, 3) == 0)
            return (int)i;
    return -1;
}

int64_t nm_numeral_value(const char *text, size_t len)
{
    if (len == 0)
        return -1;
    if (text[0] >= '0' && text[0] <= '9') {
        int64_t v = 0;
        for (size_t i = 0; i < len; i++) {
            if (text[i] < '0' || text[i] > '9')
                return -1;
            if (v > (INT64_MAX - 9) / 10)
                return -1;
            v = v * 10 + (text[i] - '0');
        }
        return v;
    }
    if (len % 3 != 0)
        return -1;
    /* Two readings: positional (二〇一九: digits only) and with units (二百八十六,
     * 十九, 一万零五). With units, each unit must be smaller than the one before it
     * within a 万 section, and a digit must not follow a digit. */
    bool has_unit = false;
    for (size_t i = 0; i < len; i += 3) {
        int k = zh_numeral_at(text + i, len - i);
        if (k < 0)
            return -1;
        has_unit |= zh_numerals[k].unit;
    }
    if (!has_unit) {
        int64_t v = 0;
        for (size_t i = 0; i < len; i += 3) {
            if (v > INT64_MAX / 100)
                return -1;
            v = v * 10 + zh_numerals[zh_numeral_at(text + i, len - i)].value;
        }
        return v;
    }
    int64_t total = 0, section = 0, digit = -1;
    int last_unit = 100000;   /* the previous unit in this section */
    bool after_zero = false;
    for (size_t i = 0; i < len; i += 3) {
        int k = zh_numeral_at(text + i, len - i);
        int v = zh_numerals[k].value;
        if (!zh_numerals[k].unit) {
            if (v == 0) {           /* 零 marks a gap: 一百零五 */
                if (digit >= 0)
                    return -1;
                after_zero = true;
                continue;
            }
            if (digit >= 0)
                return -1;
            digit = v;
        } else if (v == 10000) {
            if (total)
                return -1;
            section += digit >= 0 ? digit : 0;
            if (section == 0)
                return -1;
            total = section * 10000;
            section = 0;
            digit = -1;
            last_unit = 100000;
            after_zero = false;
        } else {
            if (v >= last_unit)
                return -1;
            if (digit < 0 && (section || total || after_zero))
                return -1;      /* 十 alone may open a number (十九), not follow one */
            section += (digit >= 0 ? digit : 1) * v;
            digit = -1;
            last_unit = v;
            after_zero = false;
        }
    }
    return total + section + (digit >= 0 ? digit : 0);
}

/* The kind of a part from its kind character (条 款 项 目), or -1. */
static int part_kind_at(const char *s, size_t n)
{
    if (n < 3)
        return -1;
    if (memcmp(s, "条", 3) == 0) return NM_CIT_ARTICLE;
    if (memcmp(s, "款", 3) == 0) return NM_CIT_PARAGRAPH;
    if (memcmp(s, "项", 3) == 0) return NM_CIT_ITEM;
    if (memcmp(s, "目", 3) == 0) return NM_CIT_SUBITEM;
    return -1;
}

/* Length in bytes of the numeral starting at s: a run of ASCII digits or of Chinese
 * numeral characters. */
static size_t numeral_len(const char *s, size_t n)
{
    size_t i = 0;
    if (n && s[0] >= '0' && s[0] <= '9') {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        return i;
    }
    while (i < n && zh_numeral_at(s + i, n - i) >= 0)
        i += 3;
    return i;
}

int nm_citation_parse_parts(const char *text, nm_cit_part *out, int max)
{
    size_t n = strlen(text), i = 0;
    int count = 0;
    static const char di[] = "第", zhi[] = "之";
    while (i < n) {
        size_t start = i;
        if (n - i < 3 || memcmp(text + i, di, 3) != 0)
            return -1;
        i += 3;
        size_t nl = numeral_len(text + i, n - i);
        int64_t num = nm_numeral_value(text + i, nl);
        if (nl == 0 || num <= 0)
            return -1;
        i += nl;
        int kind = part_kind_at(text + i, n - i);
        if (kind < 0)
            return -1;
        i += 3;
        int64_t sub = 0;
        if (n - i >= 3 && memcmp(text + i, zhi, 3) == 0) {
            i += 3;
            size_t sl = numeral_len(text + i, n - i);
            sub = nm_numeral_value(text + i, sl);
            if (sl == 0 || sub <= 0)
                return -1;
            i += sl;
        }
        if (count < max) {
            nm_cit_part *p = &out[count];
            memset(p, 0, sizeof *p);
            p->kind = (nm_cit_kind)kind;
            p->number = num;
            p->sub = sub;
            p->span.off = start;   /* relative to text; the lexer rebases */
            p->span.end_off = i;
        }
        count++;
    }
    return count > max ? max : count;
}

/* Appends n (1..99999) as a Chinese numeral: 一, 十, 十一, 二十, 一百零五. */
static void put_zh_numeral(nm_buf *b, int64_t n)
{
    static const char *const digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    static const char *const unit[] = {"", "十", "百", "千", "万"};
    if (n <= 0 || n > 99999) {
        nm_buf_printf(b, "%lld", (long long)n);
        return;
    }
    int ds[5], nd = 0;
    for (int64_t m = n; m; m /= 10)
        ds[nd++] = (int)(m % 10);
    bool zero_pending = false;
    for (int pos = nd - 1; pos >= 0; pos--) {
        int d = ds[pos];
        if (d == 0) {
            zero_pending = true;
            continue;
        }
        if (zero_pending) {
            nm_buf_puts(b, digit[0]);
            zero_pending = false;
        }
        if (!(d == 1 && pos == 1 && nd == 2))   /* 十一, not 一十一 */
            nm_buf_puts(b, digit[d]);
        nm_buf_puts(b, unit[pos]);
    }
}

void nm_citation_format_part(const nm_cit_part *p, nm_buf *b)
{
    if (p->kind == NM_CIT_SECTION) {
        nm_buf_puts(b, p->section ? p->section : "");
        return;
    }
    static const char *const kind_zh[] = {
#define X(name, zh) zh,
        NM_CIT_KINDS(X)
#undef X
    };
    nm_buf_printf(b, "第%lld%s", (long long)p->number, kind_zh[p->kind]);
    if (p->sub) {
        nm_buf_puts(b, "之");
        put_zh_numeral(b, p->sub);
    }
}

void nm_citation_format(const nm_citation *c, nm_buf *b)
{
    nm_buf_putc(b, '[');
    nm_buf_puts(b, c->source ? c->source : "");
    for (int i = 0; i < c->nparts; i++) {
        nm_buf_putc(b, ' ');
        nm_citation_format_part(&c->parts[i], b);
    }
    nm_buf_putc(b, ']');
}
