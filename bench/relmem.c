/* relmem.c — memory per stored tuple of a relation and of each index (bench/run.sh;
 * the target is at most 32 bytes per tuple per index). Inserts N distinct random
 * pairs (default 1,000,000) into a binary relation, then adds an index on column 0
 * (keys repeat: about N/1000 tuples per key) and one on both columns (every key
 * distinct), reporting nm_rel_bytes after each step divided by N.
 * Usage: relmem [N]   Output: "tuples N base B idx_repeat B idx_distinct B" (bytes per
 * tuple: the rows and dedup set; then each index's increment). */
#include "rel.h"

#include <gc.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

int main(int argc, char **argv)
{
    GC_INIT();
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    if (n < 1 || n > 100000000)
        n = 1000000;
    nm_rel *r = nm_rel_new("r", 2);
    uint64_t keys = (uint64_t)n / 1000 + 1;
    while ((long)nm_rel_size(r) < n) {
        nm_cell t[2] = {rng() % keys, rng() % 1000000007u};
        nm_rel_insert(r, t, NULL);
    }
    double base = (double)nm_rel_bytes(r);
    nm_rel_add_index(r, 1);
    double one = (double)nm_rel_bytes(r);
    nm_rel_add_index(r, 3);
    double two = (double)nm_rel_bytes(r);
    printf("tuples %ld base %.1f idx_repeat %.1f idx_distinct %.1f\n", n, base / (double)n,
           (one - base) / (double)n, (two - one) / (double)n);
    return 0;
}
