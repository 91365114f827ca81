/* test_testrun.c — unit tests for `norma test` through norma.h (engine/test.c,
 * engine/coverage.c, engine/params.c): parameters set from the command line win over a
 * case's override and are type-checked; the JUnit report is well-formed, escaped and
 * written atomically; coverage counts met, unmet and unreached citations. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "norma.h"

static void setup(void) { nm_init(); }

TestSuite(testrun, .init = setup);

static const char *program =
    "source 解释 \"解释\" rank 司法解释 in_force 2019-11-01:\n"
    "  articles 第1条 .. 第6条\n"
    "type Level = enum { low, high }\n"
    "param threshold: int = 200\n"
    "param level: Level = low\n"
    "pred videos(p: Entity, n: int) input\n"
    "pred serious(p: Entity)\n"
    "pred high_level(p: Entity)\n"
    "rule many [解释 第3条]: serious(p) if videos(p, n) and n >= threshold\n"
    "rule hl [解释 第4条]: high_level(p) if videos(p, _) and level = high\n"
    "rule none [解释 第5条]: serious(p) if videos(p, n) and n < 0 and n > 0\n"
    "case c1 \"a <&> \\\"b\\\"\":\n"
    "  entity a: unit\n"
    "  videos(a, 150)\n"
    "  param threshold = 300\n"
    "  expect serious(a)\n"
    "  expect not high_level(a)\n";

static nm_engine *load(void)
{
    nm_engine *e = nm_engine_new();
    cr_assert(nm_engine_load_string(e, "t.norma", program));
    cr_assert(nm_engine_check(e));
    return e;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

Test(testrun, param_wins_over_case)
{
    nm_engine *e = load();
    FILE *out = fopen("/dev/null", "w");
    nm_test_summary s = nm_engine_test(e, NULL, out);
    cr_expect_eq(s.failed, 1);              /* 150 < 300 (the case's override) */
    cr_assert(nm_engine_set_param(e, "threshold", "100"));
    s = nm_engine_test(e, NULL, out);
    cr_expect_eq(s.failed, 0);              /* the command line wins: 150 >= 100 */
    cr_assert(nm_engine_set_param(e, "level", "high"));
    s = nm_engine_test(e, NULL, out);
    cr_expect_eq(s.failed, 1);              /* high_level(a) now holds */
    fclose(out);
}

Test(testrun, param_errors)
{
    nm_engine *e = load();
    cr_expect_not(nm_engine_set_param(e, "treshold", "1"));
    cr_expect_not(nm_engine_set_param(e, "threshold", "1.5"));
    cr_expect_not(nm_engine_set_param(e, "threshold", "+1"));
    cr_expect_not(nm_engine_set_param(e, "level", "medium"));
    cr_expect_eq(nm_engine_error_count(e), 4);
    cr_expect(nm_engine_set_param(e, "threshold", "-7"));
}

Test(testrun, junit_written_atomically)
{
    char dir[] = "/tmp/norma_junit_XXXXXX";
    cr_assert(mkdtemp(dir));
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/r.xml", dir) > 0);
    nm_engine *e = load();
    FILE *out = fopen("/dev/null", "w");
    nm_test_options o = {.junit = path, .no_explain = true};
    nm_test_summary s = nm_engine_test(e, &o, out);
    fclose(out);
    cr_expect_eq(s.failed, 1);
    const char *xml = slurp(path);
    cr_assert(xml);
    cr_expect(strstr(xml, "<testsuites name=\"norma test\" tests=\"2\" failures=\"1\">"));
    cr_expect(strstr(xml, "<property name=\"title\" value=\"a &lt;&amp;&gt; &quot;b&quot;\"/>"));
    cr_expect(strstr(xml, "<failure message=\"got no\" type=\"expectation\"></failure>"));
    cr_expect(strstr(xml, "name=\"t.norma:17:3: expect not high_level(a)\""));
    /* nothing but the report in the directory: no temporary file left behind */
    char *cmd = NULL;
    cr_assert(asprintf(&cmd, "test $(ls %s | wc -l) = 1", dir) > 0);
    cr_expect_eq(system(cmd), 0);
    /* an unwritable path: an error, and no file */
    nm_engine *e2 = load();
    out = fopen("/dev/null", "w");
    nm_test_options o2 = {.junit = "/nonexistent-dir/r.xml"};
    nm_engine_test(e2, &o2, out);
    fclose(out);
    cr_expect_eq(nm_engine_error_count(e2), 1);
    unlink(path);
    rmdir(dir);
    free(cmd);
    free(path);
}

Test(testrun, coverage_counts)
{
    nm_engine *e = load();
    nm_coverage *c = nm_coverage_new(e);
    nm_test_options o = {.coverage = c, .no_explain = true};
    FILE *out = fopen("/dev/null", "w");
    nm_engine_test(e, &o, out);
    fclose(out);
    int n, both, unreached;
    nm_coverage_counts(c, &n, &both, &unreached);
    /* 第3条: tried for a, fails (150 < 300): unmet only; 第4条: unmet (level low);
     * 第5条: tried, never concludes: unmet only. None met, none unreached. */
    cr_expect_eq(n, 3);
    cr_expect_eq(both, 0);
    cr_expect_eq(unreached, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    nm_coverage_print(c, m);
    fclose(m);
    cr_expect(strstr(text, "  unmet only   [解释 第3条]  unmet 1 (c1)\n"), "%s", text);
    cr_expect(strstr(text, "every cited article is reached by some case\n"), "%s", text);
    free(text);
}
