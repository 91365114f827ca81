/* test_gc.c — the syntax tree survives garbage collection during and after a parse:
 * nodes held only by bison's (grown) value stack, by the lexer's token queue or by
 * half-built lists must stay reachable. Collections are forced continually, from a
 * second thread, while a large, deep file is parsed; the tree is then walked and
 * compared with one built without that pressure. spec: lex */
#define GC_THREADS
#include <criterion/criterion.h>
#include <gc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "ast.h"
#include "norma.h"

static void setup(void) { nm_init(); }

TestSuite(gc, .init = setup, .timeout = 120);

/* A file whose parse keeps many nodes alive only on the parser's stack: long lists, a
 * deep parenthesised expression (so the stack grows past its initial C-stack array),
 * long conjunctions and a case with many items. */
static const char *big_source(void)
{
    nm_buf b = {0};
    nm_buf_puts(&b, "list many: Thing [s 第1条] = ");
    for (int i = 0; i < 30000; i++)
        nm_buf_printf(&b, "%sthing_%d", i ? ", " : "", i);
    nm_buf_puts(&b, "\nrule deep: h(x) if x = ");
    for (int i = 0; i < 900; i++)
        nm_buf_puts(&b, "(1 + ");
    nm_buf_puts(&b, "x");
    for (int i = 0; i < 900; i++)
        nm_buf_puts(&b, ")");
    nm_buf_puts(&b, "\nrule wide: h(x) if ");
    for (int i = 0; i < 500; i++)
        nm_buf_printf(&b, "%sp_%d(x, \"字符串%d\")", i ? " and " : "", i, i);
    nm_buf_puts(&b, "\ncase c \"案例\" decided 2020-01-01:\n");
    for (int i = 0; i < 10000; i++)
        nm_buf_printf(&b, "  fact_%d(e_%d, %d) on 2019-01-%02d\n", i, i, i, i % 28 + 1);
    return nm_strdup(nm_buf_str(&b));
}

static const char *parse_and_dump(const char *text, nm_ast_file **out)
{
    nm_srcfile *f = nm_alloc(sizeof *f);
    f->path = "big.norma";
    f->text = text;
    f->len = strlen(text);
    nm_diags *ds = nm_diags_new();
    nm_ast_file *a = nm_parse(f, ds, 0);
    cr_assert_eq(nm_diags_errors(ds), 0);
    if (out)
        *out = a;
    nm_buf b = {0};
    nm_ast_dump(a, &b);
    return nm_strdup(nm_buf_str(&b));
}

/* Overwrites freed memory on reuse: a node the collector freed too early would show
 * up as a different dump. */
static void churn(void)
{
    for (int i = 0; i < 2000; i++) {
        char *junk = nm_alloc(256);
        memset(junk, 0x5A, 256);
    }
}

typedef struct job {
    const char *text;
    const char *expected;
    nm_ast_file *ast;
    atomic_int collections;     /* forced by the main thread so far */
    atomic_bool done;
    int rounds;
    bool same;                  /* every round's dump equal to the expected one */
} job;

/* Parses and dumps the file again and again until the main thread has forced at
 * least 30 collections while it ran — why: a fixed number of parses would leave the
 * count to the machine's speed and load (a faster parser once saw fewer than 20). */
static void *parse_job(void *arg)
{
    job *j = arg;
    j->same = true;
    do {
        const char *dump = parse_and_dump(j->text, &j->ast);
        j->same = j->same && strcmp(dump, j->expected) == 0;
        j->rounds++;
    } while (atomic_load(&j->collections) < 30 && j->rounds < 200);
    atomic_store(&j->done, true);
    return NULL;
}

Test(gc, parse_under_continual_collection)
{
    const char *text = big_source();
    const char *expected = parse_and_dump(text, NULL);

    job *j = nm_alloc(sizeof *j);
    j->text = text;
    j->expected = expected;
    pthread_t t;
    GC_word before = GC_get_gc_no();
    cr_assert_eq(pthread_create(&t, NULL, parse_job, j), 0);
    while (!atomic_load(&j->done)) {
        GC_gcollect();      /* stops the parsing thread at arbitrary points */
        atomic_fetch_add(&j->collections, 1);
    }
    pthread_join(t, NULL);
    GC_word during = GC_get_gc_no() - before;
    cr_assert_gt(during, 20, "collections during the parses: %lu in %d rounds",
                 (unsigned long)during, j->rounds);
    cr_assert(j->same, "a dump differed after %d rounds", j->rounds);

    nm_ast_file *a = j->ast;
    for (int i = 0; i < 5; i++) {
        GC_gcollect();
        churn();
    }
    nm_buf b = {0};
    nm_ast_dump(a, &b);
    cr_assert_str_eq(nm_buf_str(&b), expected);
    cr_assert_eq(a->decls.n, 4);
    const nm_node *list = a->decls.items[0];
    cr_assert_eq(list->u.list.values.n, 30000);
    cr_assert_str_eq(((nm_node *)list->u.list.values.items[29999])->u.name.text, "thing_29999");
}

Test(gc, collections_between_parses)
{
    const char *text = big_source();
    nm_ast_file *first;
    const char *expected = parse_and_dump(text, &first);
    for (int round = 0; round < 3; round++) {
        GC_gcollect();
        churn();
        cr_assert_str_eq(parse_and_dump(text, NULL), expected);
    }
    nm_buf b = {0};
    nm_ast_dump(first, &b);
    cr_assert_str_eq(nm_buf_str(&b), expected);
}
