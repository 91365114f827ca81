/* facts_load.c — times fact-file loading ([cli.facts]): writes a program and a
 * ROWS-row provides.tsv (five columns: an implicit individual, an enum member, a
 * date, a decimal, an int) into DIR, then loads it RUNS times through norma.h and
 * prints each time and the median, then the time of one run over the loaded rows.
 * Usage: facts_load [ROWS [RUNS [DIR [reuse]]]]  (defaults 1000000 3 /tmp/norma-facts-bench;
 * `reuse` keeps an existing provides.tsv)
 * Build: linked against norma_core (bench/CMakeLists.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "norma.h"

static const char *program =
    "type Service = enum { network_access, domain_registration, online_shopping,\n"
    "  e_government, storage, transmission }\n"
    "type Provider = entity\n"
    "pred provides(p: Provider, s: Service, since: date, fee: decimal, users: int) input\n"
    "pred nsp(p: Provider)\n"
    "rule r1: nsp(p) if provides(p, network_access, _, _, _)\n";

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
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    const char *dir = argc > 3 ? argv[3] : "/tmp/norma-facts-bench";
    if (runs < 1 || runs > 99)
        runs = 3;
    nm_init();
    mkdir(dir, 0777);
    char path[4096];
    snprintf(path, sizeof path, "%s/provides.tsv", dir);
    struct stat st;
    bool reuse = argc > 4 && strcmp(argv[4], "reuse") == 0 && stat(path, &st) == 0;
    FILE *f = reuse ? fopen("/dev/null", "w") : fopen(path, "w");
    if (!f) {
        perror(path);
        return 2;
    }
    static const char *sv[] = {"network_access", "domain_registration", "online_shopping",
                               "e_government", "storage", "transmission"};
    fputs("p\ts\tsince\tfee\tusers\n", f);
    for (long i = 0; i < rows && !reuse; i++)
        fprintf(f, "prov%07ld\t%s\t20%02ld-%02ld-%02ld\t%ld.%02ld\t%ld\n", i / 2, sv[i % 6],
                10 + i % 14, 1 + i % 12, 1 + i % 28, i % 100000, i % 100, i * 7 % 1000003);
    fclose(f);
    double t[100];
    nm_engine *e = NULL;
    for (int r = 0; r < runs; r++) {
        e = nm_engine_new();
        nm_engine_load_string(e, "bench.norma", program);
        if (!nm_engine_check(e)) {
            nm_engine_print_diagnostics(e, stderr, NM_DIAG_TEXT);
            return 1;
        }
        double t0 = now();
        bool ok = nm_engine_load_facts_dir(e, dir);
        t[r] = now() - t0;
        if (!ok) {
            nm_engine_print_diagnostics(e, stderr, NM_DIAG_TEXT);
            return 1;
        }
        printf("load %d: %.3f s (%.3f s per million rows)\n", r + 1, t[r], t[r] * 1e6 / (double)rows);
    }
    qsort(t, (size_t)runs, sizeof t[0], cmp_double);
    printf("median load: %.3f s for %ld rows (%.3f s per million rows)\n", t[runs / 2], rows,
           t[runs / 2] * 1e6 / (double)rows);
    nm_run_options opt = {.no_provenance = true};
    double t0 = now();
    nm_model *m = nm_engine_run(e, &opt);
    printf("one run over the loaded rows: %.3f s\n", now() - t0);
    if (!m) {
        nm_engine_print_diagnostics(e, stderr, NM_DIAG_TEXT);
        return 1;
    }
    return 0;
}
