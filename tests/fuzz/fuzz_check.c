/* fuzz_check.c — libFuzzer harness for the checker: any text is loaded (parse, module
 * resolution against the bundled stdlib), checked, and its diagnostics rendered in
 * both forms; none of it may crash or trip a sanitizer. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *sink = fuzz_init();
    char *text = fuzz_cstr(data, size);
    nm_engine *e = nm_engine_new();
    nm_engine_load_string(e, "fuzz.norma", text);
    nm_engine_check(e);
    nm_engine_print_diagnostics(e, sink, NM_DIAG_TEXT);
    nm_engine_print_diagnostics(e, sink, NM_DIAG_JSON);
    nm_engine_free(e);
    free(text);
    return 0;
}
