/* tc_micro.c — micro-benchmark of the evaluator core (rel + plan + eval): transitive
 * closure of a random graph (1,000 nodes, 10,000 distinct edges, fixed seed), run
 * five times; prints the median time per derivation attempt (a head tuple built and
 * offered to the relation's hash set). Usage: tc_micro [nodes edges runs [prov]];
 * `prov` records provenance (rule, height per tuple) to measure its cost. */
#include "eval.h"
#include "plan.h"

#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    GC_INIT();
    int nodes = argc > 1 ? atoi(argv[1]) : 1000;
    int edges = argc > 2 ? atoi(argv[2]) : 10000;
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    bool prov = argc > 4 && strcmp(argv[4], "prov") == 0;
    if (nodes < 1 || edges < 0 || runs < 1 || (long)edges > (long)nodes * nodes) {
        fprintf(stderr, "usage: tc_micro [nodes edges runs [prov]]\n");
        return 2;
    }

    nm_plan_program *p = nm_plan_new();
    int edge = nm_plan_add_rel(p, "edge", 2);
    int path = nm_plan_add_rel(p, "path", 2);
    enum { X, Y, Z };
    nm_plan_term xy[2] = {nm_plan_var(X), nm_plan_var(Y)};
    nm_plan_term xz[2] = {nm_plan_var(X), nm_plan_var(Z)};
    nm_plan_term yz[2] = {nm_plan_var(Y), nm_plan_var(Z)};
    nm_plan_rule *base = nm_plan_add_rule(p, "base", path, 2, xy, 2);
    nm_plan_add_atom(&base->body, edge, 2, xy);
    nm_plan_rule *step = nm_plan_add_rule(p, "step", path, 2, xz, 3);
    nm_plan_add_atom(&step->body, path, 2, xy);
    nm_plan_add_atom(&step->body, edge, 2, yz);
    int rules[2] = {base->id, step->id};
    nm_plan_add_stratum(p, 2, rules);

    nm_cell (*graph)[2] = malloc(sizeof *graph * (size_t)(edges ? edges : 1));
    {
        nm_rel *seen = nm_rel_new("seen", 2);
        int n = 0;
        while (n < edges) {
            nm_cell t[2] = {rng() % (uint64_t)nodes, rng() % (uint64_t)nodes};
            if (nm_rel_insert(seen, t, NULL)) {
                graph[n][0] = t[0];
                graph[n][1] = t[1];
                n++;
            }
        }
    }

    double *ns = malloc(sizeof *ns * (size_t)runs);
    double *secs = malloc(sizeof *secs * (size_t)runs);
    nm_eval_stats last = {0};
    size_t bytes = 0;
    for (int i = 0; i < runs; i++) {
        nm_eval *e = nm_eval_new(p);
        if (prov)
            nm_eval_enable_provenance(e);
        for (int j = 0; j < edges; j++)
            nm_eval_add_fact(e, edge, graph[j]);
        GC_gcollect();
        nm_eval_status st = nm_eval_run(e);
        if (st != NM_EVAL_OK) {
            fprintf(stderr, "tc_micro: %s\n", nm_eval_error(e));
            return 1;
        }
        last = *nm_eval_get_stats(e);
        ns[i] = last.seconds * 1e9 / (double)(last.attempts ? last.attempts : 1);
        secs[i] = last.seconds;
        bytes = nm_rel_bytes(nm_eval_rel(e, path));
        if (i == 0)
            printf("plan step: %s", nm_eval_dump_plans(e, step->id));
        printf("run %d: %.3f s, %.1f ns/attempt\n", i + 1, last.seconds, ns[i]);
    }
    qsort(ns, (size_t)runs, sizeof *ns, cmp_double);
    qsort(secs, (size_t)runs, sizeof *secs, cmp_double);
    printf("nodes %d, edges %d: %llu path tuples, %llu derivation attempts, %llu iterations\n",
           nodes, edges, (unsigned long long)last.derived, (unsigned long long)last.attempts,
           (unsigned long long)last.iterations);
    printf("path relation: %.1f MB (%.1f bytes per tuple)\n", (double)bytes / 1e6,
           (double)bytes / (double)(last.derived ? last.derived : 1));
    printf("median of %d runs: %.3f s, %.1f ns per derivation attempt\n", runs,
           secs[runs / 2], ns[runs / 2]);
    return 0;
}
