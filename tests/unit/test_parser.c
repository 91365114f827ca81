/* test_parser.c — unit tests of the parser (grammar/parser.y) and the AST dump
 * (grammar/ast.c): accepted forms, precedence, the shapes the builders reject, error
 * recovery (every error of a file in one pass, no cascades) and the nesting limits.
 * spec: rule.body, lex.layout */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <gc.h>
#include <string.h>

#include "ast.h"
#include "norma.h"

static void setup(void) { nm_init(); }

TestSuite(parser, .init = setup);

typedef struct parsed {
    nm_ast_file *file;
    nm_diags *diags;
    const char *dump;
} parsed;

static parsed parse_depth(const char *text, int max_depth)
{
    nm_srcfile *f = nm_alloc(sizeof *f);
    f->path = "t.norma";
    f->text = text;
    f->len = strlen(text);
    parsed r;
    r.diags = nm_diags_new();
    r.file = nm_parse(f, r.diags, max_depth);
    nm_buf b = {0};
    nm_ast_dump(r.file, &b);
    r.dump = nm_buf_str(&b);
    return r;
}

static parsed parse(const char *text) { return parse_depth(text, 0); }

/* The dump of the body of `rule r: h() if BODY`, on one line. */
static const char *body_of(const char *body)
{
    parsed r = parse(nm_sprintf("rule r: h() if %s\n", body));
    cr_assert_eq(nm_diags_errors(r.diags), 0, "errors in %s", body);
    cr_assert_eq(r.file->decls.n, 1);
    const nm_node *rule = r.file->decls.items[0];
    nm_buf b = {0};
    nm_ast_dump_node(rule->u.rule.body, &b, 0);
    /* squeeze to one line */
    nm_buf s = {0};
    for (const char *c = nm_buf_str(&b); *c; c++) {
        if (*c == '\n') {
            while (c[1] == ' ')
                c++;
            nm_buf_putc(&s, ' ');
        } else {
            nm_buf_putc(&s, *c);
        }
    }
    return nm_sprintf("%s", nm_buf_str(&s));
}

typedef struct prec_case {
    char src[64];
    char dump[160];
} prec_case;

ParameterizedTestParameters(parser, precedence)
{
    static prec_case cases[] = {
        {"a() or b() and c()", "(or (atom a) (and (atom b) (atom c)))"},
        {"not a() and b()", "(and (not (atom a)) (atom b))"},
        {"not x = 1", "(not (= (name x) (int 1)))"},
        {"x + 2 * y >= 3", "(>= (+ (name x) (* (int 2) (name y))) (int 3))"},
        {"x - 1 - 2 = -y", "(= (- (- (name x) (int 1)) (int 2)) (neg (name y)))"},
        {"x ≤ 1 and y ≠ 2", "(and (<= (name x) (int 1)) (!= (name y) (int 2)))"},
        {"s in {a, b,}", "(in (name s) (set (name a) (name b)))"},
        {"d within 2 years of e + 1 days",
         "(within of (name d) (duration 2 years) (+ (name e) (duration 1 days)))"},
        {"(a() or b()) and c()", "(and (or (atom a) (atom b)) (atom c))"},
        {"count(v, w for p(v, w)) > 0",
         "(> (count (name v) (name w) (for (atom p (name v) (name w)))) (int 0))"},
    };
    return cr_make_param_array(prec_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(prec_case *c, parser, precedence)
{
    cr_assert_str_eq(body_of(c->src), c->dump);
}

Test(parser, comparisons_do_not_chain)
{
    parsed r = parse("rule r: h() if a < b < c\n");
    cr_assert_eq(nm_diags_errors(r.diags), 1);
}

Test(parser, values_and_conditions_share_one_syntax)
{
    /* which is which is the checker's concern ([check]) */
    parsed r = parse("rule r: h() if x + 1\nrule s: h() if (a() and b()) + 1 = 2\n"
                     "rule t: h() if x in 3\n");
    cr_assert_eq(nm_diags_errors(r.diags), 0);
    cr_assert_eq(r.file->decls.n, 3);
}

Test(parser, declarations_in_order)
{
    parsed r = parse("module a.b\nuse c.d\nentity e: unit\np(e)\nrule r: h() if p(e)\n");
    cr_assert_eq(nm_diags_errors(r.diags), 0);
    cr_assert_eq(r.file->decls.n, 5);
    static const nm_node_kind kinds[] = {NM_N_MODULE, NM_N_USE, NM_N_ENTITY, NM_N_FACT,
                                         NM_N_RULE};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(((nm_node *)r.file->decls.items[i])->kind, kinds[i]);
    cr_assert_str_eq(((nm_node *)r.file->decls.items[0])->u.name.text, "a.b");
}

Test(parser, spans_cover_the_declaration)
{
    parsed r = parse("rule 规则甲 [刑法 第1条]: h(x) if p(x)\n");
    cr_assert_eq(r.file->decls.n, 1);
    const nm_node *n = r.file->decls.items[0];
    cr_assert_eq(n->span.line, 1);
    cr_assert_eq(n->span.col, 1);
    cr_assert_eq(n->span.end_col, 32);
    cr_assert_eq(n->u.rule.cites[0].parts[0].span.col, 14);
    cr_assert_eq(n->u.rule.body->span.col, 28);
}

Test(parser, rule_block_form_equals_line_form)
{
    parsed a = parse("rule r [s 第1条] exception to q, t:\n  not h(x) if p(x) unless z(x)\n");
    parsed b = parse("rule r [s 第1条] exception to q, t: not h(x) if p(x) unless z(x)\n");
    cr_assert_eq(nm_diags_errors(a.diags), 0);
    cr_assert_str_eq(a.dump, b.dump);
}

Test(parser, every_error_in_one_pass)
{
    parsed r = parse("rule a: h( if p()\n"
                     "rule b: h() if p()\n"
                     "rule c h()\n"
                     "case k:\n"
                     "  expect h(\n"
                     "  expect h()\n"
                     "  found )\n"
                     "rule d: h() if p()\n");
    cr_assert_eq(nm_diags_errors(r.diags), 4);
    cr_assert_eq(r.file->decls.n, 3, "b, the case and d survive");
}

Test(parser, broken_header_drops_its_block_quietly)
{
    parsed r = parse("case k \"t\" ref:\n  expect h(\n  p()\nrule d: h() if p()\n");
    cr_assert_eq(nm_diags_errors(r.diags), 1);
    cr_assert_eq(r.file->decls.n, 1);
}

Test(parser, hundred_thousand_parentheses_one_error)
{
    nm_buf b = {0};
    nm_buf_puts(&b, "rule r: h() if x = ");
    for (int i = 0; i < 100000; i++)
        nm_buf_putc(&b, '(');
    nm_buf_putc(&b, '1');
    for (int i = 0; i < 100000; i++)
        nm_buf_putc(&b, ')');
    nm_buf_putc(&b, '\n');
    parsed r = parse(nm_buf_str(&b));
    cr_assert_eq(nm_diags_errors(r.diags), 1);
    cr_assert_eq(r.file->decls.n, 0);
}

Test(parser, long_prefix_chains_one_error)
{
    nm_buf b = {0};
    nm_buf_puts(&b, "rule r: h() if ");
    for (int i = 0; i < 100000; i++)
        nm_buf_puts(&b, "not ");
    nm_buf_puts(&b, "p()\nrule s: h() if p()\n");
    parsed r = parse(nm_buf_str(&b));
    cr_assert_eq(nm_diags_errors(r.diags), 1);
}

Test(parser, depth_limit_is_a_parameter)
{
    const char *src = "rule r: h() if x = ((((((1))))))\n";
    cr_assert_eq(nm_diags_errors(parse_depth(src, 5).diags), 1);
    cr_assert_eq(nm_diags_errors(parse_depth(src, 6).diags), 0);
}

Test(parser, empty_and_comment_only_files)
{
    cr_assert_eq(parse("").file->decls.n, 0);
    cr_assert_eq(parse("# nothing\n\n/* here */\n").file->decls.n, 0);
    cr_assert_eq(nm_diags_errors(parse("# nothing\n").diags), 0);
}

Test(parser, unclosed_bracket_closed_by_next_statement)
{
    parsed r = parse("rule a: h() if p(x\nrule b: h() if p()\n");
    cr_assert_eq(nm_diags_errors(r.diags), 1);
    cr_assert_eq(r.file->decls.n, 1);
}
