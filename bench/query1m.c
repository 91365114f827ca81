/* query1m.c — times one conclusion's answer at 1,000,000 facts (bench/run.sh): loads
 * DIR/facts/link.tsv (1,000,000 rows, written by `gen facts1m DIR`) under a two-rule
 * program, runs it with provenance, then times a ground query of one derived atom
 * (nm_model_query) and its explanation (nm_model_explain, why; and why not for an atom
 * that does not hold), each RUNS times, and prints the medians in milliseconds, with
 * the load and run times. Usage: query1m DIR [RUNS]
 * Output: "load S run S query_ms MS answers N atom A explain_ms MS whynot_ms MS". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "norma.h"

static const char *program =
    "module q1m\n"
    "pred link(x: int, y: int) input\n"
    "pred linked(x: int, y: int)\n"
    "pred shared(x: int, z: int)\n"
    "rule l: linked(x, y) if link(x, y) and y >= 1200000\n"
    "rule s: shared(x, z) if linked(x, y) and link(z, y) and x < 50 and z != x\n";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: query1m DIR [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 21;
    if (runs < 1 || runs > 1000)
        runs = 21;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/facts", argv[1]);
    nm_init();
    nm_engine *e = nm_engine_new();
    nm_engine_load_string(e, "q1m.norma", program);
    if (!nm_engine_check(e)) {
        nm_engine_print_diagnostics(e, stderr, NM_DIAG_TEXT);
        return 1;
    }
    double t0 = now();
    if (!nm_engine_load_facts_dir(e, dir)) {
        nm_engine_print_diagnostics(e, stderr, NM_DIAG_TEXT);
        return 1;
    }
    double t1 = now();
    nm_run_options opt = {0};
    nm_model *m = nm_engine_run(e, &opt);
    double t2 = now();
    if (!m) {
        nm_engine_print_diagnostics(e, stderr, NM_DIAG_TEXT);
        return 1;
    }
    /* the query: a derived atom that holds (found once, then timed) */
    nm_answers *all = nm_model_query(m, "linked(7, y)");
    char atom[256] = "linked(7, 0)";
    if (all && nm_answers_count(all) > 0)
        snprintf(atom, sizeof atom, "%s", nm_answers_text(all, 0));
    double *t = malloc(sizeof *t * (size_t)runs);
    int n = 0;
    for (int i = 0; i < runs; i++) {
        double q0 = now();
        nm_answers *a = nm_model_query(m, atom);
        t[i] = (now() - q0) * 1e3;
        n = nm_answers_count(a);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    /* the explanation of that atom (why) and of an atom that does not hold (why not),
     * rendered as text to /dev/null */
    FILE *null = fopen("/dev/null", "w");
    double *tx = malloc(sizeof *tx * (size_t)runs), *tw = malloc(sizeof *tw * (size_t)runs);
    for (int i = 0; i < runs; i++) {
        double q0 = now();
        nm_explanation_render(nm_model_explain(m, atom, NULL), NM_FORMAT_TEXT, NM_LANG_ZH, null);
        tx[i] = (now() - q0) * 1e3;
        q0 = now();
        nm_explanation_render(nm_model_explain(m, "shared(7, 8)", NULL), NM_FORMAT_TEXT, NM_LANG_ZH,
                              null);
        tw[i] = (now() - q0) * 1e3;
    }
    fclose(null);
    qsort(tx, (size_t)runs, sizeof *tx, cmp_double);
    qsort(tw, (size_t)runs, sizeof *tw, cmp_double);
    printf("load %.3f run %.3f query_ms %.3f answers %d atom %s explain_ms %.3f whynot_ms %.3f\n",
           t1 - t0, t2 - t1, t[runs / 2], n, atom, tx[runs / 2], tw[runs / 2]);
    return 0;
}
