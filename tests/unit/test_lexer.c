/* test_lexer.c — unit tests of the scanner (grammar/lexer.l) and citation reading
 * (grammar/cite.c): keywords in both spellings, identifiers and NFC, literals,
 * citation parts and numerals, layout tokens, locations in code points, and the
 * lexical errors. spec: lex */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <gc.h>
#include <string.h>

#include "ast.h"
#include "norma.h"
#include "parser.h"

static void setup(void) { nm_init(); }

TestSuite(lexer, .init = setup);
TestSuite(cite, .init = setup);

typedef struct lexed {
    int toks[256];
    NM_YYSTYPE vals[256];
    nm_span locs[256];
    int n;
    nm_diags *diags;
} lexed;

static nm_srcfile *src_of(const char *text, size_t len)
{
    nm_srcfile *f = nm_alloc(sizeof *f);
    f->path = "t.norma";
    f->text = text;
    f->len = len;
    return f;
}

/* All tokens of text up to and including END. */
static lexed *lex_n(const char *text, size_t len)
{
    lexed *r = nm_alloc(sizeof *r);
    nm_parser *p = nm_alloc(sizeof *p);
    p->src = src_of(text, len);
    p->diags = r->diags = nm_diags_new();
    p->max_depth = 1000;
    nm_lex_begin(p);
    do {
        r->toks[r->n] = nm_lex_next(&r->vals[r->n], &r->locs[r->n], p);
        r->n++;
    } while (r->toks[r->n - 1] != END && r->n < 256);
    nm_lex_end(p);
    return r;
}

static lexed *lex(const char *text) { return lex_n(text, strlen(text)); }

static void expect_tokens(lexed *l, const int *toks, int n)
{
    cr_assert_eq(l->n, n, "got %d tokens, expected %d", l->n, n);
    for (int i = 0; i < n; i++)
        cr_assert_eq(l->toks[i], toks[i], "token %d: got %d, expected %d", i, l->toks[i], toks[i]);
}

/* ---- keywords ---- */

typedef struct kw_case {
    char en[16], zh[16];
    int tok;
} kw_case;

ParameterizedTestParameters(lexer, keywords)
{
    static kw_case cases[] = {
        {"module", "模块", MODULE}, {"rule", "规则", RULE}, {"if", "如果", IF},
        {"and", "并且", AND}, {"or", "或者", OR}, {"not", "非", NOT},
        {"unless", "除非", UNLESS}, {"exception", "例外", EXCEPTION}, {"in", "属于", IN},
        {"case", "案例", CASE}, {"expect", "期望", EXPECT}, {"found", "认定", FOUND},
        {"count", "计数", COUNT}, {"within", "之内", WITHIN}, {"true", "真", TRUE},
        {"person", "自然人", PERSON}, {"unit", "单位", UNIT}, {"source", "来源", SOURCE},
    };
    return cr_make_param_array(kw_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(kw_case *c, lexer, keywords)
{
    lexed *a = lex(c->en), *b = lex(c->zh);
    cr_assert_eq(a->toks[0], c->tok);
    cr_assert_eq(b->toks[0], c->tok, "%s", c->zh);
}

Test(lexer, keyword_needs_a_boundary)
{
    lexed *l = lex("非法 非 法");
    int want[] = {IDENT, NOT, IDENT, NEWLINE, END};
    expect_tokens(l, want, 5);
    cr_assert_str_eq(l->vals[0].ident.text, "非法");
}

/* ---- identifiers ---- */

Test(lexer, identifiers_are_nfc)
{
    lexed *a = lex("caf\xC3\xA9"), *b = lex("cafe\xCC\x81");   /* é precomposed / e + U+0301 */
    cr_assert_eq(a->toks[0], IDENT);
    cr_assert_eq(b->toks[0], IDENT);
    cr_assert_str_eq(a->vals[0].ident.text, b->vals[0].ident.text);
    cr_assert_eq(b->locs[0].end_col, 6, "five code points as written");
}

Test(lexer, middle_dot_and_wildcard)
{
    lexed *l = lex("阿·布 _ _x");
    int want[] = {IDENT, WILDCARD, IDENT, NEWLINE, END};
    expect_tokens(l, want, 5);
    cr_assert_str_eq(l->vals[2].ident.text, "_x");
}

Test(lexer, unicode_operators)
{
    lexed *l = lex("a ≠ b ≤ c ≥ d");
    int want[] = {IDENT, NE, IDENT, LE, IDENT, GE, IDENT, NEWLINE, END};
    expect_tokens(l, want, 9);
}

/* ---- literals ---- */

Test(lexer, numbers_dates_durations)
{
    lexed *l = lex("1_000_000 12.50 3.1.2 2016-02-29 2 years 6个月 10 days 3 yearsx");
    int want[] = {INT, DECIMAL, SECTION, DATE, DURATION, DURATION, DURATION, INT, IDENT,
                  NEWLINE, END};
    expect_tokens(l, want, 11);
    cr_assert_str_eq(l->vals[0].str, "1000000");
    cr_assert_str_eq(l->vals[1].str, "12.50");
    cr_assert_eq(l->vals[3].date.y, 2016);
    cr_assert_eq(l->vals[3].date.m, 2);
    cr_assert_eq(l->vals[3].date.d, 29);
    cr_assert_str_eq(l->vals[4].dur.amount, "2");
    cr_assert_eq(l->vals[4].dur.unit, NM_DUR_YEARS);
    cr_assert_eq(l->vals[5].dur.unit, NM_DUR_MONTHS);
    cr_assert_eq(l->vals[6].dur.unit, NM_DUR_DAYS);
    cr_assert_str_eq(l->vals[8].ident.text, "yearsx");
}

Test(lexer, strings_unescaped_and_nfc)
{
    lexed *l = lex("\"a\\\"b\\\\c\\n\\u{4E2D}，cafe\xCC\x81\"");
    cr_assert_eq(l->toks[0], STRING);
    cr_assert_str_eq(l->vals[0].str, "a\"b\\c\n中，caf\xC3\xA9");
    cr_assert_eq(nm_diags_errors(l->diags), 0);
}

Test(lexer, unterminated_string_at_its_quote)
{
    lexed *l = lex("x = \"abc\ny");
    cr_assert_eq(nm_diags_errors(l->diags), 1);
    cr_assert_eq(l->toks[2], STRING);
    cr_assert_eq(l->locs[2].col, 5);
}

/* ---- citations and numerals ---- */

typedef struct num_case {
    char text[32];
    long long value;
} num_case;

ParameterizedTestParameters(cite, numerals)
{
    static num_case cases[] = {
        {"286", 286}, {"一", 1}, {"十", 10}, {"十九", 19}, {"二十", 20}, {"两", 2},
        {"二百八十六", 286}, {"一百零五", 105}, {"一千零一", 1001}, {"三百", 300},
        {"二〇一九", 2019}, {"一万零五", 10005}, {"", -1}, {"百十", -1}, {"二二十", -1},
        {"x", -1},
    };
    return cr_make_param_array(num_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(num_case *c, cite, numerals)
{
    cr_assert_eq(nm_numeral_value(c->text, strlen(c->text)), c->value, "%s", c->text);
}

Test(cite, parts_written_together)
{
    nm_cit_part parts[4];
    int n = nm_citation_parse_parts("第二百八十六条之一第1款", parts, 4);
    cr_assert_eq(n, 2);
    cr_assert_eq(parts[0].kind, NM_CIT_ARTICLE);
    cr_assert_eq(parts[0].number, 286);
    cr_assert_eq(parts[0].sub, 1);
    cr_assert_eq(parts[1].kind, NM_CIT_PARAGRAPH);
    cr_assert_eq(parts[1].number, 1);
    cr_assert_eq(nm_citation_parse_parts("第三人", parts, 4), -1);
    cr_assert_eq(nm_citation_parse_parts("第0条", parts, 4), -1);
}

Test(cite, canonical_format)
{
    nm_cit_part parts[4];
    int n = nm_citation_parse_parts("第二百八十六条之一第一款第十二项", parts, 4);
    nm_citation c = {.source = "刑法", .parts = parts, .nparts = n};
    nm_buf b = {0};
    nm_citation_format(&c, &b);
    cr_assert_str_eq(nm_buf_str(&b), "[刑法 第286条之一 第1款 第12项]");
}

Test(lexer, citation_token_not_identifier)
{
    lexed *l = lex("第3条第1项 第三人 第3条x");
    int want[] = {CITPART, IDENT, CITPART, IDENT, NEWLINE, END};
    expect_tokens(l, want, 6);
    cr_assert_eq(l->vals[0].parts.n, 2);
    cr_assert_eq(l->vals[0].parts.v[1].span.col, 4, "the second part starts at column 4");
    cr_assert_eq(l->vals[0].parts.v[1].span.end_col, 7);
    cr_assert_eq(l->vals[0].parts.v[1].span.off, 7);
}

/* ---- layout ---- */

Test(lexer, layout_blocks_and_continuation)
{
    lexed *l = lex("case c:\n  a(x)\n  b(y) and\n    c(z)\nd()\n");
    int want[] = {CASE, IDENT, ':', NEWLINE, INDENT,
                  IDENT, '(', IDENT, ')', NEWLINE,
                  IDENT, '(', IDENT, ')', AND, IDENT, '(', IDENT, ')', NEWLINE,
                  DEDENT, IDENT, '(', ')', NEWLINE, END};
    expect_tokens(l, want, 26);
}

Test(lexer, layout_ignored_inside_brackets_and_comments)
{
    lexed *l = lex("a(x,\ny) # c\n\n   # only a comment\n/* block\n   comment */\nb()\n");
    int want[] = {IDENT, '(', IDENT, ',', IDENT, ')', NEWLINE, IDENT, '(', ')', NEWLINE, END};
    expect_tokens(l, want, 12);
}

Test(lexer, crlf_is_lf)
{
    lexed *l = lex("a()\r\nb()\r\n");
    int want[] = {IDENT, '(', ')', NEWLINE, IDENT, '(', ')', NEWLINE, END};
    expect_tokens(l, want, 9);
    cr_assert_eq(nm_diags_errors(l->diags), 0);
}

/* ---- locations ---- */

Test(lexer, columns_count_code_points)
{
    lexed *l = lex("谓词甲(x) ≠ 第3条");
    cr_assert_eq(l->locs[0].col, 1);
    cr_assert_eq(l->locs[0].end_col, 4);
    cr_assert_eq(l->locs[0].off, 0);
    cr_assert_eq(l->locs[0].end_off, 9);
    cr_assert_eq(l->locs[2].col, 5);     /* x */
    cr_assert_eq(l->locs[4].col, 8);     /* ≠ */
    cr_assert_eq(l->locs[5].col, 10);    /* 第3条 */
    cr_assert_eq(l->locs[5].end_col, 13);
}

/* ---- errors ---- */

Test(lexer, invalid_utf8_reported_at_the_byte)
{
    lexed *l = lex("ab \xFF\xFE cd");
    cr_assert_eq(nm_diags_errors(l->diags), 1);
    int want[] = {IDENT, IDENT, NEWLINE, END};
    expect_tokens(l, want, 4);
    cr_assert_eq(l->locs[1].col, 7, "each bad byte takes one column");
}

Test(lexer, bom_only_at_start)
{
    lexed *a = lex("\xEF\xBB\xBF" "a()");
    cr_assert_eq(nm_diags_errors(a->diags), 0);
    cr_assert_eq(a->locs[0].col, 1);
    lexed *b = lex("a() \xEF\xBB\xBF");
    cr_assert_eq(nm_diags_errors(b->diags), 1);
}

Test(lexer, nul_byte)
{
    lexed *l = lex_n("a\0b", 3);
    cr_assert_eq(nm_diags_errors(l->diags), 1);
    int want[] = {IDENT, IDENT, NEWLINE, END};
    expect_tokens(l, want, 4);
}

Test(lexer, tab_in_indentation)
{
    lexed *l = lex("case c:\n\ta()\n");
    cr_assert_eq(nm_diags_errors(l->diags), 1);
    int want[] = {CASE, IDENT, ':', NEWLINE, INDENT, IDENT, '(', ')', NEWLINE, DEDENT, END};
    expect_tokens(l, want, 11);
}

Test(lexer, unterminated_block_comment)
{
    lexed *l = lex("a()\n  /* never\n closed");
    cr_assert_eq(nm_diags_errors(l->diags), 1);
    int want[] = {IDENT, '(', ')', NEWLINE, END};
    expect_tokens(l, want, 5);
}

Test(lexer, fullwidth_punctuation_read_as_ascii)
{
    lexed *l = lex("p（x）");
    cr_assert_eq(nm_diags_errors(l->diags), 2);
    int want[] = {IDENT, '(', IDENT, ')', NEWLINE, END};
    expect_tokens(l, want, 6);
}
