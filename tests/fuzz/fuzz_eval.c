/* fuzz_eval.c — libFuzzer harness for evaluation: a program that checks is run with
 * tight limits (10,000 tuples, 1,000 iterations, 1 s) and its model printed, then each
 * of its first three cases the same way. A limit or an overflow must end in a
 * diagnostic, never a crash. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)    /* small programs only: keeps each run fast */
        return 0;
    FILE *sink = fuzz_init();
    char *text = fuzz_cstr(data, size);
    nm_engine *e = nm_engine_new();
    nm_engine_load_string(e, "fuzz.norma", text);
    if (nm_engine_check(e)) {
        nm_run_options o = fuzz_run_options();
        nm_model *m = nm_engine_run(e, &o);
        if (m)
            nm_model_print(m, sink);
        /* Each case (the first few) runs under the same limits. */
        int ncases = nm_engine_name_count(e, NM_NAME_CASE);
        for (int i = 0; i < ncases && i < 3; i++) {
            o.case_name = nm_engine_name(e, NM_NAME_CASE, i);
            nm_model *mc = nm_engine_run(e, &o);
            if (mc)
                nm_model_print(mc, sink);
        }
    }
    nm_engine_print_diagnostics(e, sink, NM_DIAG_TEXT);
    nm_engine_free(e);
    free(text);
    return 0;
}
