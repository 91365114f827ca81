/* coverage.h — inside the engine: test.c adds each evaluated case's model to a
 * coverage (coverage.c); the report is norma.h's nm_coverage_print. */
#ifndef NM_COVERAGE_H
#define NM_COVERAGE_H

#include "engine_int.h"

/* Records which citations case `case_name` meets and leaves unmet in model m
 * ([cli.test.coverage]). c or m may be NULL (nothing happens). */
void nm_coverage_add(nm_coverage *c, nm_model *m, const char *case_name);

#endif
