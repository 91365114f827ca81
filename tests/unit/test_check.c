/* test_check.c — unit tests of the checker (engine/check.c): the checked program it
 * builds (resolution, lowering, strata, exception links) and the diagnostics it
 * reports, from source parsed with nm_parse and from syntax trees built by hand. */
#include <criterion/criterion.h>
#include <gc.h>
#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "check.h"
#include "norma.h"

static void setup(void) { nm_init(); }

TestSuite(check, .init = setup);

/* ---- helpers ---------------------------------------------------------------------- */

typedef struct result {
    nm_program *prog;
    nm_diags *diags;
    const char *text;       /* rendered diagnostics */
} result;

static const char *render(nm_diags *ds)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    nm_diags_render_text(ds, f);
    fclose(f);
    char *r = nm_strdup(buf);
    free(buf);
    return r;
}

static nm_srcfile *srcfile(const char *path, const char *text)
{
    nm_srcfile *s = nm_alloc(sizeof *s);
    s->path = path;
    s->text = nm_strdup(text);
    s->len = strlen(text);
    return s;
}

/* Parses and checks one file, without unused-declaration warnings (the shared
 * prelude declares more than each test uses). */
static result check_src(const char *text)
{
    result r;
    r.diags = nm_diags_new();
    nm_ast_file *f = nm_parse(srcfile("t.norma", text), r.diags, 0);
    nm_ast_file *files[1] = {f};
    nm_check_options opt = {.no_unused_warnings = true};
    r.prog = nm_check_with(files, 1, r.diags, &opt);
    r.text = render(r.diags);
    return r;
}

/* Parses and checks several files (path, text pairs). */
static result check_files(int n, const char **paths, const char **texts)
{
    result r;
    r.diags = nm_diags_new();
    nm_ast_file **files = nm_alloc(sizeof *files * (size_t)n);
    for (int i = 0; i < n; i++)
        files[i] = nm_parse(srcfile(paths[i], texts[i]), r.diags, 0);
    r.prog = nm_check(files, n, r.diags);
    r.text = render(r.diags);
    return r;
}

static const char *dump(const nm_program *p)
{
    nm_buf b = {0};
    nm_program_dump(p, &b);
    return nm_strdup(nm_buf_str(&b));
}

#define expect_clean(r)                                                                 \
    cr_assert((r).prog != NULL && nm_diags_count((r).diags) == 0, "diagnostics:\n%s",  \
              (r).text)

#define expect_has(r, needle)                                                           \
    cr_assert(strstr((r).text, (needle)) != NULL, "expected '%s' in:\n%s", (needle),    \
              (r).text)

static const char *prelude =
    "source 解释 \"解释\" rank 司法解释 in_force 2019-11-01:\n"
    "  articles 第1条 .. 第19条\n"
    "type Service = enum { network_access \"网络接入\", storage \"存储\", gaming \"游戏\" }\n"
    "tiers Power = access < intermediate < platform < content\n"
    "pred provides(p: Entity, s: Service) input zh \"{p}提供{s}服务\"\n"
    "pred nsp(p: Entity) zh \"{p}是网络服务提供者\"\n";

static const char *with_prelude(const char *rest)
{
    return nm_sprintf("%s%s", prelude, rest);
}

/* ---- edit distance and module names (no parser needed) ---------------------------- */

Test(check, edit_distance)
{
    cr_assert_eq(nm_check_edit_distance("provide", "provides"), 1);
    cr_assert_eq(nm_check_edit_distance("netwrok_access", "network_access"), 2);
    cr_assert_eq(nm_check_edit_distance("", "abc"), 3);
    cr_assert_eq(nm_check_edit_distance("提供", "提供者"), 1);   /* code points, not bytes */
    cr_assert_eq(nm_check_edit_distance("same", "same"), 0);
}

static nm_span at(const nm_srcfile *f, int col, int len)
{
    nm_span s = {f, 1, col, 1, col + len, (size_t)(col - 1), (size_t)(col - 1 + len)};
    return s;
}

Test(check, module_name_from_declaration_or_path)
{
    nm_ast_file f = {srcfile("dir/cn.law.norma", ""), {0}, {0}};
    cr_assert_str_eq(nm_check_module_name(&f), "cn.law");
    nm_node *m = nm_node_new(NM_N_MODULE, at(f.src, 1, 6));
    m->u.name.text = "a.b";
    nm_vec_push(&f.decls, m);
    cr_assert_str_eq(nm_check_module_name(&f), "a.b");
}

/* A program built by hand: pred p(x: bool); rule r: p(x) if not p(x) — a negation
 * cycle whose message prints the cycle. */
Test(check, hand_built_negation_cycle)
{
    const nm_srcfile *src = srcfile("h.norma", "pred p(x: bool) rule r: p(x) if not p(x) and q(x)");
    nm_ast_file f = {src, {0}, {0}};
    nm_node *pred = nm_node_new(NM_N_PRED, at(src, 1, 15));
    pred->u.pred.name = (nm_ident){"p", at(src, 6, 1)};
    pred->u.pred.params = nm_alloc(sizeof(nm_param_decl));
    pred->u.pred.params[0] = (nm_param_decl){{"x", at(src, 8, 1)}, {"bool", at(src, 11, 4)}};
    pred->u.pred.nparams = 1;
    pred->u.pred.mode = NM_PRED_DERIVED;
    nm_vec_push(&f.decls, pred);

    nm_node *xs[3];
    for (int i = 0; i < 3; i++) {
        xs[i] = nm_node_new(NM_N_NAME, at(src, 1, 1));
        xs[i]->u.name = (nm_ident){"x", at(src, 1, 1)};
    }
    nm_node *head = nm_node_new(NM_N_ATOM, at(src, 26, 4));
    head->u.atom.pred = (nm_ident){"p", at(src, 26, 1)};
    head->u.atom.args = &xs[0];
    head->u.atom.nargs = 1;
    nm_node *inner = nm_node_new(NM_N_ATOM, at(src, 38, 4));
    inner->u.atom.pred = (nm_ident){"p", at(src, 38, 1)};
    inner->u.atom.args = &xs[1];
    inner->u.atom.nargs = 1;
    nm_node *neg = nm_node_new(NM_N_NOT, at(src, 34, 8));
    neg->u.unop.operand = inner;
    nm_node *q = nm_node_new(NM_N_ATOM, at(src, 47, 4));
    q->u.atom.pred = (nm_ident){"q", at(src, 47, 1)};
    q->u.atom.args = &xs[2];
    q->u.atom.nargs = 1;
    nm_node *body = nm_node_new(NM_N_AND, at(src, 34, 17));
    body->u.binop.lhs = neg;
    body->u.binop.rhs = q;
    nm_node *rule = nm_node_new(NM_N_RULE, at(src, 17, 34));
    rule->u.rule.label = (nm_ident){"r", at(src, 22, 1)};
    rule->u.rule.head = head;
    rule->u.rule.body = body;
    nm_vec_push(&f.decls, rule);

    nm_diags *ds = nm_diags_new();
    nm_ast_file *files[1] = {&f};
    nm_program *p = nm_check(files, 1, ds);
    cr_assert_null(p);
    const char *text = render(ds);
    /* q is unknown (no cascade: x stays bound by it); the cycle is reported */
    cr_assert(strstr(text, "error: unknown predicate 'q'"), "%s", text);
    cr_assert(strstr(text, "error: cycle through negation: p -> not p"), "%s", text);
    cr_assert_eq(nm_diags_errors(ds), 2, "%s", text);
}

/* ---- from source -------------------------------------------------------------------- */

Test(check, accepts_a_small_program)
{
    result r = check_src(with_prelude(
        "list technical: Service [解释 第1条 第1项] = network_access, storage\n"
        "rule art1 [解释 第1条]: nsp(p) if provides(p, s) and s in technical\n"
        "case c1:\n"
        "  entity hu: person \"胡某\"\n"
        "  provides(hu, network_access)\n"
        "  expect nsp(hu)\n"));
    expect_clean(r);
    nm_program *p = r.prog;
    int nsp = nm_program_pred(p, "nsp");
    int technical = nm_program_pred(p, "technical");
    cr_assert_geq(nsp, 0);
    cr_assert_eq(p->preds[technical].origin, NM_ORIGIN_LIST);
    cr_assert_eq(p->preds[technical].mode, NM_PRED_INPUT);
    /* the list lowered to two facts; the case holds one fact */
    int list_facts = 0;
    for (int i = 0; i < p->nfacts; i++)
        list_facts += p->facts[i].atom.pred == technical;
    cr_assert_eq(list_facts, 2);
    cr_assert_eq(p->ncases, 1);
    cr_assert_eq(p->cases[0].nfacts, 1);
    cr_assert_eq(p->cases[0].nentities, 1);
    /* the rule: variables numbered in order of appearance, `in` lowered to an atom */
    int r1 = nm_program_rule(p, "art1");
    cr_assert_eq(p->rules[r1].nvars, 2);
    cr_assert_str_eq(p->rules[r1].var_names[0], "p");
    cr_assert_eq(p->rules[r1].var_types[1], nm_program_type(p, "Service"));
    cr_assert_eq(p->rules[r1].cites[0].source, nm_program_source(p, "解释"));
    cr_assert_eq(p->preds[nsp].nrules, 1);
    cr_assert_eq(p->nstrata, 1);
    cr_assert(strstr(dump(p), "rule art1: nsp($0:p) if (provides($0:p, $1:s) and technical($1:s))"),
              "%s", dump(p));
}

Test(check, strata_in_evaluation_order)
{
    result r = check_src(with_prelude(
        "pred a(p: Entity)\n"
        "pred b(p: Entity)\n"
        "pred c(p: Entity)\n"
        "rule r1: c(p) if b(p) and not a(p)\n"
        "rule r2: b(p) if nsp(p)\n"
        "rule r3: a(p) if provides(p, storage)\n"
        "rule r4: nsp(p) if provides(p, _)\n"
        "rule r5: b(p) if c(p)\n"));
    /* b and c are mutually recursive (positively): one stratum, after a and nsp */
    expect_clean(r);
    nm_program *p = r.prog;
    int sa = p->preds[nm_program_pred(p, "a")].stratum;
    int sb = p->preds[nm_program_pred(p, "b")].stratum;
    int sc = p->preds[nm_program_pred(p, "c")].stratum;
    int sn = p->preds[nm_program_pred(p, "nsp")].stratum;
    cr_assert_eq(sb, sc);
    cr_assert(sa < sb && sn < sb);
    cr_assert(p->strata[sb].recursive);
    cr_assert_not(p->strata[sa].recursive);
    cr_assert_eq(p->preds[nm_program_pred(p, "provides")].stratum, -1);
}

Test(check, exceptions_and_unless_are_linked)
{
    result r = check_src(with_prelude(
        "pred pardoned(p: Entity) input\n"
        "pred trivial(p: Entity) input\n"
        "pred guilty(p: Entity)\n"
        "rule main: guilty(p) if nsp(p) unless pardoned(p)\n"
        "rule small exception to main: not guilty(p) if trivial(p)\n"
        "rule r4: nsp(p) if provides(p, _)\n"));
    expect_clean(r);
    nm_program *p = r.prog;
    int main_r = nm_program_rule(p, "main");
    int small = nm_program_rule(p, "small");
    int unl = nm_program_rule(p, "main/unless");
    cr_assert_eq(unl, main_r + 1);
    cr_assert(p->rules[unl].block_only);
    cr_assert_eq(p->rules[unl].unless_of, main_r);
    cr_assert_eq(p->rules[main_r].nexceptions, 2);
    cr_assert_eq(p->rules[main_r].exceptions[0], unl);
    cr_assert_eq(p->rules[main_r].exceptions[1], small);
    cr_assert_eq(p->rules[small].nexcepts, 1);
    cr_assert(p->rules[small].head_negated);
    /* guilty has two concluding rules (the unless rule concludes nothing) */
    cr_assert_eq(p->preds[nm_program_pred(p, "guilty")].nrules, 2);
}

Test(check, aggregate_group_and_local_variables)
{
    result r = check_src(with_prelude(
        "pred item(p: Entity, v: Service) input\n"
        "pred many(p: Entity)\n"
        "rule m: many(p) if nsp(p) and count(v for item(p, v)) >= 2\n"
        "rule r4: nsp(p) if provides(p, _)\n"));
    expect_clean(r);
    nm_program *p = r.prog;
    const nm_prule *m = &p->rules[nm_program_rule(p, "m")];
    const nm_pformula *cmp = m->body->u.bin.rhs;
    cr_assert_eq(cmp->kind, NM_F_CMP);
    const nm_pagg *a = cmp->u.cmp.lhs->u.agg;
    cr_assert_eq(a->ngroup, 1);
    cr_assert_eq(a->group_vars[0], 0);   /* p */
    cr_assert_eq(a->nlocal, 1);
    cr_assert_eq(a->local_vars[0], 1);   /* v */
    cr_assert_eq(cmp->u.cmp.lhs->type, NM_TY_INT);
}

Test(check, map_and_table_lower_to_facts)
{
    result r = check_src(with_prelude(
        "type Duty = enum { review, retain }\n"
        "map tier_of: Service -> Power = { network_access: access, storage: intermediate, gaming: platform }\n"
        "table duties: Power -> Duty = { access: [retain], intermediate: [], platform: [review, retain], content: [review] }\n"
        "pred duty(p: Entity, d: Duty)\n"
        "rule d: duty(p, d) if provides(p, s) and tier_of(s, t) and duties(t, d)\n"));
    expect_clean(r);
    nm_program *p = r.prog;
    int tier_of = nm_program_pred(p, "tier_of"), duties = nm_program_pred(p, "duties");
    int nmap = 0, ntab = 0;
    for (int i = 0; i < p->nfacts; i++) {
        nmap += p->facts[i].atom.pred == tier_of;
        ntab += p->facts[i].atom.pred == duties;
    }
    cr_assert_eq(nmap, 3);
    cr_assert_eq(ntab, 4);
    cr_assert_eq(p->preds[tier_of].origin, NM_ORIGIN_MAP);
}

Test(check, params_types_and_overrides)
{
    result r = check_src(with_prelude(
        "param repeated: int = 3 [解释 第3条]\n"
        "param ratio = 9/10 [解释 第6条] reading \"九成\"\n"
        "pred orders(p: Entity, n: int) input\n"
        "pred refused(p: Entity)\n"
        "rule rf: refused(p) if orders(p, n) and n >= repeated\n"
        "case c:\n"
        "  entity x: unit\n"
        "  param repeated = 2\n"
        "  orders(x, 2)\n"
        "  expect refused(x)\n"));
    expect_clean(r);
    nm_program *p = r.prog;
    int ratio = nm_program_param(p, "ratio");
    cr_assert_eq(p->params[ratio].type, NM_TY_RATIONAL);
    cr_assert(p->params[ratio].is_reading);
    cr_assert_eq(p->cases[0].noverrides, 1);
    cr_assert_eq(p->cases[0].overrides[0].param, nm_program_param(p, "repeated"));
}

Test(check, unknown_predicate_has_no_cascade)
{
    result r = check_src(with_prelude("rule r: nsp(p) if provide(p, s, extra)\n"));
    cr_assert_null(r.prog);
    cr_assert_eq(nm_diags_errors(r.diags), 1, "%s", r.text);
    expect_has(r, "error: unknown predicate 'provide'");
    expect_has(r, "help: did you mean 'provides'?");
}

Test(check, every_mistake_in_one_run)
{
    result r = check_src(with_prelude(
        "pred a(p: Entity)\n"
        "pred b(p: Entity)\n"
        "rule r1: a(p) if nsp(p) and not b(p)\n"
        "rule r2: b(p) if a(p)\n"
        "rule r3: nsp(q) if provides(p, storage)\n"
        "rule r4: nsp(p) if provides(p, 3)\n"
        "rule r5: nsp(p) if provids(p, storage)\n"));
    cr_assert_null(r.prog);
    expect_has(r, "cycle through negation: a -> not b -> a");
    expect_has(r, "variable 'q' in the head is not bound");
    expect_has(r, "argument 's' of 'provides' has type 'Service', found a value of type 'int'");
    expect_has(r, "unknown predicate 'provids'");
    cr_assert_eq(nm_diags_errors(r.diags), 4, "%s", r.text);
}

Test(check, visibility_follows_use)
{
    const char *paths[] = {"base.norma", "law.norma", "other.norma"};
    const char *texts[] = {
        "module base\ntype Kind = enum { a, b }\n",
        "module law\nuse base\npred k(x: Kind) input\n",
        "module other\npred j(x: Kind) input\n",
    };
    result r = check_files(3, paths, texts);
    cr_assert_null(r.prog);
    cr_assert_eq(nm_diags_errors(r.diags), 1, "%s", r.text);
    expect_has(r, "other.norma:2:11: error: 'Kind' is declared in module 'base', which this module does not use");
    expect_has(r, "help: add 'use base'");
}

Test(check, duplicate_module)
{
    const char *paths[] = {"a.norma", "b.norma"};
    const char *texts[] = {"module m\n", "module m\n"};
    result r = check_files(2, paths, texts);
    cr_assert_null(r.prog);
    expect_has(r, "b.norma:1:8: error: duplicate module 'm'");
    expect_has(r, "a.norma:1:8: note: first declared here");
}

Test(check, int64_bounds)
{
    result r = check_src(with_prelude(
        "pred n(x: int) input\n"
        "n(-9223372036854775808)\n"
        "n(9223372036854775807)\n"
        "n(9223372036854775808)\n"));
    cr_assert_eq(nm_diags_errors(r.diags), 1, "%s", r.text);
    expect_has(r, "integer literal does not fit in 64 bits");
}

Test(check, unused_warnings_only_for_root_modules)
{
    const char *paths[] = {"lib.norma", "main.norma"};
    const char *texts[] = {
        "module lib\npred unused_in_lib(x: bool) input\n",
        "module main\nuse lib\npred unused_here(x: bool) input\n",
    };
    result r = check_files(2, paths, texts);
    cr_assert_not_null(r.prog, "%s", r.text);
    cr_assert_eq(nm_diags_warnings(r.diags), 1, "%s", r.text);
    expect_has(r, "predicate 'unused_here' is declared but never used");
}

/* ---- declared entity types and implicit individuals ([type.entity], [fact.implicit]) */

Test(check, declared_entity_types_and_implicit_individuals)
{
    result r = check_src(with_prelude(
        "type Video [解释 第3条] = entity\n"
        "entity acme: unit\n"
        "entity v0: Video \"样片\"\n"
        "pred disseminated(p: Entity, v: Video) input\n"
        "pred illegal_video(v: Video) open\n"
        "pred mass(p: Entity)\n"
        "rule r: mass(p) if disseminated(p, w1) and illegal_video(w1)\n"
        "disseminated(acme, v0)\n"
        "disseminated(acme, w1)\n"
        "case c1:\n"
        "  expect unknown illegal_video(v2)\n"
        "  disseminated(acme, v1)\n"
        "  disseminated(acme, v2)\n"
        "  found illegal_video(v1)\n"));
    expect_clean(r);
    nm_program *p = r.prog;
    int video = nm_program_type(p, "Video");
    cr_assert_geq(video, NM_TY__BUILTINS);
    cr_assert_eq(p->types[video].kind, NM_TY_ENTITY_DECL);
    cr_assert_eq(p->types[video].nmembers, 0);
    cr_assert_eq(p->types[video].ncites, 1);
    /* program-level individuals: the declared one, then the implicit one */
    cr_assert_eq(p->types[video].nindividuals, 2);
    int v0 = p->types[video].individuals[0], w1 = p->types[video].individuals[1];
    cr_assert_str_eq(p->consts[v0].name, "v0");
    cr_assert_not(p->consts[v0].implicit);
    cr_assert_str_eq(p->consts[w1].name, "w1");
    cr_assert(p->consts[w1].implicit);
    cr_assert_eq(p->consts[w1].kind, NM_CONST_ENTITY);
    cr_assert_eq(p->consts[w1].type, video);
    cr_assert_eq(p->consts[w1].case_id, -1);
    /* the case's individuals are its own, in order of first use */
    cr_assert_eq(p->cases[0].nentities, 2);
    int v1 = p->cases[0].entities[0];
    cr_assert_str_eq(p->consts[v1].name, "v1");
    cr_assert_eq(p->consts[v1].case_id, 0);
    cr_assert_eq(p->consts[v1].type, video);
    cr_assert_eq(p->cases[0].expects[0].atom.args[0]->kind, NM_E_CONST);
    cr_assert_eq(p->cases[0].expects[0].atom.args[0]->u.cst, p->cases[0].entities[1]);
    /* in a rule, w1 is a variable of type Video */
    int ri = nm_program_rule(p, "r");
    cr_assert_eq(p->rules[ri].nvars, 2);
    cr_assert_str_eq(p->rules[ri].var_names[1], "w1");
    cr_assert_eq(p->rules[ri].var_types[1], video);
    const char *d = dump(p);
    cr_assert(strstr(d, "type Video entity: v0, w1\n"), "%s", d);
    cr_assert(strstr(d, "entity w1: Video implicit\n"), "%s", d);
    cr_assert(strstr(d, "entity v1: Video implicit (case c1)\n"), "%s", d);
}

Test(check, declared_entity_types_are_disjoint)
{
    result r = check_src(with_prelude(
        "type Video = entity\n"
        "type Order = entity\n"
        "entity hu: person\n"
        "entity o1: Order\n"
        "pred watched(p: Entity, v: Video) input\n"
        "pred same(v: Video)\n"
        "rule r: same(v) if watched(p, v) and p = v\n"
        "watched(hu, o1)\n"
        "watched(o1, hu)\n"));
    cr_assert_null(r.prog);
    cr_assert_eq(nm_diags_errors(r.diags), 4, "%s", r.text);
    expect_has(r, "cannot compare 'Entity' with 'Video'");
    expect_has(r, "argument 'v' of 'watched' has type 'Video', found 'hu' of type 'Person'");
    expect_has(r, "argument 'v' of 'watched' has type 'Video', found 'o1' of type 'Order'");
    expect_has(r, "argument 'p' of 'watched' has type 'Entity', found 'o1' of type 'Order'");
}

Test(check, open_predicate_over_declared_entity_type)
{
    result r = check_src(with_prelude(
        "type Video = entity\n"
        "pred illegal(v: Video) open presumed false [解释 第3条]\n"
        "illegal(v1)\n"));
    expect_clean(r);
}

/* ---- law-in-time builtins ([rule.builtin]) ------------------------------------------ */

static bool date_is(nm_pdate d, int y, int m, int dd)
{
    return d.present && d.y == y && d.m == m && d.d == dd;
}

Test(check, builtins_are_fixed_predicates)
{
    result r = check_src(with_prelude(
        "pred t(p: Entity)\n"
        "rule base [解释 第1条]: nsp(p) if provides(p, _)\n"
        "rule a [解释 第2条]: t(p) if nsp(p) and decision_date(d) and\n"
        "  in_force_on([解释 第3条], d) and rule_in_force_on(base, d)\n"
        "rule b [解释 第2条]: t(p) if nsp(p) and 裁判日(d) and 施行于([解释], d) and\n"
        "  规则施行于(base, d)\n"));
    expect_clean(r);
    nm_program *p = r.prog;
    static const char *names[] = {"in_force_on", "rule_in_force_on", "decision_date"};
    static const char *aliases[] = {"施行于", "规则施行于", "裁判日"};
    for (int k = 0; k < NM_BUILTIN__COUNT; k++) {
        cr_assert_eq(p->preds[k].origin, NM_ORIGIN_BUILTIN);
        cr_assert_eq((int)p->preds[k].builtin, k);
        cr_assert_str_eq(p->preds[k].name, names[k]);
        cr_assert_str_eq(p->preds[k].alias, aliases[k]);
        cr_assert_eq(p->preds[k].mode, NM_PRED_INPUT);
        cr_assert_eq(p->preds[k].stratum, -1);
        cr_assert_eq(p->preds[k].nrules, 0);
        cr_assert_eq(nm_program_pred(p, names[k]), k);
        cr_assert_eq(nm_program_pred(p, aliases[k]), k);
    }
    cr_assert_eq(p->preds[NM_BUILTIN_IN_FORCE_ON].arg_types[0], NM_TY_CITE);
    cr_assert_eq(p->preds[NM_BUILTIN_IN_FORCE_ON].arg_types[1], NM_TY_DATE);
    cr_assert_eq(p->preds[NM_BUILTIN_RULE_IN_FORCE_ON].arg_types[0], NM_TY_RULE);
    cr_assert_eq(p->types[NM_TY_RULE].kind, NM_TY_RULE);
    /* both spellings resolve to the same atoms */
    for (int ri = nm_program_rule(p, "a"); ri <= nm_program_rule(p, "b"); ri++) {
        const nm_pformula *f = p->rules[ri].body;
        /* ((((nsp and dd) and iff) and riff)) — the last conjunct first */
        const nm_patom *riff = &f->u.bin.rhs->u.atom;
        const nm_patom *iff = &f->u.bin.lhs->u.bin.rhs->u.atom;
        const nm_patom *dd = &f->u.bin.lhs->u.bin.lhs->u.bin.rhs->u.atom;
        cr_assert_eq(dd->pred, NM_BUILTIN_DECISION_DATE);
        cr_assert_eq(iff->pred, NM_BUILTIN_IN_FORCE_ON);
        cr_assert_eq(iff->args[0]->kind, NM_E_LIT);
        cr_assert_eq(iff->args[0]->u.lit.kind, NM_LIT_CITE);
        cr_assert_eq(iff->args[0]->u.lit.cite.source, nm_program_source(p, "解释"));
        cr_assert_eq(riff->pred, NM_BUILTIN_RULE_IN_FORCE_ON);
        cr_assert_eq(riff->args[0]->kind, NM_E_RULE);
        cr_assert_eq(riff->args[0]->type, NM_TY_RULE);
        cr_assert_eq(riff->args[0]->u.rule, nm_program_rule(p, "base"));
        /* the label is no variable: p and d are */
        cr_assert_eq(p->rules[ri].nvars, 2);
    }
    /* no dependency on a builtin: t and nsp are ordinary strata */
    cr_assert_eq(p->nstrata, 2);
    const char *d = dump(p);
    cr_assert(strstr(d, "rule_in_force_on(rule:base, $1:d)"), "%s", d);
    cr_assert_null(strstr(d, "pred in_force_on"), "%s", d);
}

Test(check, builtins_are_reserved_and_not_concluded)
{
    result r = check_src(with_prelude(
        "pred decision_date(d: date) input\n"
        "list 施行于: Service = storage\n"
        "rule r: in_force_on([解释 第1条], 2020-01-01)\n"
        "rule s: 裁判日(d) if provides(_, _) and d = 2020-01-01\n"
        "decision_date(2020-01-01)\n"
        "case c:\n"
        "  found 规则施行于(r, 2020-01-01)\n"));
    cr_assert_null(r.prog);
    cr_assert_eq(nm_diags_errors(r.diags), 6, "%s", r.text);
    expect_has(r, "'decision_date' is reserved: it names a builtin");
    expect_has(r, "'施行于' is reserved: it names a builtin");
    expect_has(r, "rule 'r' concludes 'in_force_on', which is a builtin");
    expect_has(r, "rule 's' concludes '裁判日', which is a builtin");
    expect_has(r, "'decision_date' is a builtin; facts are given only");
    expect_has(r, "'规则施行于' is a builtin; findings are given only");
}

Test(check, builtin_range_restriction)
{
    result r = check_src(with_prelude(
        "pred t(p: Entity)\n"
        "rule a: t(p) if nsp(p) and in_force_on(c, d)\n"
        "rule b: t(p) if nsp(p) and decision_date(d) and in_force_on([解释 第1条], d + 1 day)\n"
        "rule c: t(p) if nsp(p) and not rule_in_force_on(b, d)\n"
        "rule e: t(p) if nsp(p) and (decision_date(d) or in_force_on([解释], d))\n"));
    cr_assert_null(r.prog);
    cr_assert_eq(nm_diags_errors(r.diags), 4, "%s", r.text);
    expect_has(r, "variable 'c' in 'in_force_on' is not bound");
    expect_has(r, "variable 'd' in 'in_force_on' is not bound");
    expect_has(r, "variable 'd' in a negated condition is not bound");
    /* rule e: the branch without decision_date leaves d unbound (4th error) */
}

Test(check, rule_effective_window)
{
    result r = check_src(
        "source 刑法 \"刑法\" rank 法律 in_force 1997-10-01:\n"
        "  articles 第1条 .. 第452条\n"
        "  article 第286条之一 in_force 2015-11-01\n"
        "  article 第303条 in_force 1997-10-01 until 2006-06-28\n"
        "  article 第303条 in_force 2006-06-29 until 2020-12-31\n"
        "source 新法 \"新法\" rank 司法解释 in_force 2019-11-01 until 2030-01-01:\n"
        "  articles 第1条 .. 第9条\n"
        "source 论文 \"论文\" rank doctrine in_force 2021-01-01 until 2021-01-02:\n"
        "  article 3.1\n"
        "pred q(x: int) input\n"
        "pred p(x: int)\n"
        "rule free: p(x) if q(x)\n"
        "rule own in_force 2000-01-01 until 2025-05-05: p(x) if q(x)\n"
        "rule art [刑法 第286条之一 第1款] [论文 3.1]: p(x) if q(x)\n"
        "rule versions [刑法 第303条 第2款]: p(x) if q(x)\n"
        "rule both [新法 第2条] [刑法 第303条] in_force 2018-01-01: p(x) if q(x) unless q(0)\n"
        "rule never [新法] until 2000-01-01: p(x) if q(x)\n");
    expect_clean(r);
    nm_program *p = r.prog;
    const nm_prule *ru = &p->rules[nm_program_rule(p, "free")];
    cr_assert(!ru->eff_from.present && !ru->eff_until.present);
    ru = &p->rules[nm_program_rule(p, "own")];
    cr_assert(date_is(ru->eff_from, 2000, 1, 1) && date_is(ru->eff_until, 2025, 5, 5));
    ru = &p->rules[nm_program_rule(p, "art")];   /* the doctrine citation does not narrow */
    cr_assert(date_is(ru->eff_from, 2015, 11, 1) && !ru->eff_until.present);
    ru = &p->rules[nm_program_rule(p, "versions")];   /* both versions of 第303条 */
    cr_assert(date_is(ru->eff_from, 1997, 10, 1) && date_is(ru->eff_until, 2020, 12, 31));
    int b = nm_program_rule(p, "both");
    ru = &p->rules[b];
    cr_assert(date_is(ru->eff_from, 2019, 11, 1) && date_is(ru->eff_until, 2020, 12, 31));
    cr_assert(p->rules[b + 1].block_only);
    cr_assert(date_is(p->rules[b + 1].eff_from, 2019, 11, 1));
    cr_assert(date_is(p->rules[b + 1].eff_until, 2020, 12, 31));
    ru = &p->rules[nm_program_rule(p, "never")];   /* empty: until before from */
    cr_assert(date_is(ru->eff_from, 2019, 11, 1) && date_is(ru->eff_until, 2000, 1, 1));
}
