/* fuzz_common.h — shared set-up of the libFuzzer harnesses (tests/fuzz/fuzz_*.c):
 * one-time collector start, a /dev/null sink for rendered output, and the limits a
 * fuzzed evaluation runs under so that each input stays fast. Header only: the
 * harnesses are globbed one executable per fuzz_*.c. */
#ifndef NM_FUZZ_COMMON_H
#define NM_FUZZ_COMMON_H

#include <gc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norma.h"

/* Tight limits for fuzzed evaluation: small programs only, one second at most. */
#define FUZZ_MAX_TUPLES 10000ULL
#define FUZZ_MAX_ITERATIONS 1000ULL
#define FUZZ_MAX_SECONDS 1.0

/* Starts the collector once; returns the shared /dev/null sink. */
static FILE *fuzz_init(void)
{
    static FILE *sink;
    if (!sink) {
        nm_init();
        sink = fopen("/dev/null", "w");
        if (!sink)
            abort();
    }
    return sink;
}

/* A NUL-terminated copy of the input (the engine's string entry points stop at the
 * first NUL; fuzz_parse covers NUL bytes inside the text). */
static char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static nm_run_options fuzz_run_options(void)
{
    nm_run_options o = {0};
    o.max_tuples = FUZZ_MAX_TUPLES;
    o.max_iterations = FUZZ_MAX_ITERATIONS;
    o.max_seconds = FUZZ_MAX_SECONDS;
    return o;
}

#endif
