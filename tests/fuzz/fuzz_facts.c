/* fuzz_facts.c — libFuzzer harness for fact files ([cli.facts]): the input is written
 * as one fact file (its first byte picks which: a predicate with a column of every
 * type, an open predicate with a truth column, or a party file; TSV, CSV or JSONL)
 * into a private temporary directory and loaded against a fixed program, which is
 * then run with tight limits. Bad rows must end in diagnostics, never a crash. */
#include <dirent.h>
#include <unistd.h>

#include "fuzz_common.h"

static const char program[] =
    "tiers Level = low < mid < high\n"
    "type Colour = enum { red, green }\n"
    "type Video = entity\n"
    "entity acme: unit\n"
    "pred record(p: Entity, amount: decimal, n: int, d: date, ok: bool, note: text,\n"
    "            level: Level, span: duration, share: rational) input\n"
    "pred shows(p: Entity, v: Video, c: Colour) input\n"
    "pred illegal(v: Video) open\n"
    "pred bad(v: Video)\n"
    "pred big(p: Entity, n: int)\n"
    "rule r: bad(v) if shows(acme, v, _) and illegal(v)\n"
    "rule b: big(p, n + 1) if record(p, a, n, _, true, _, _, _, _) and a > 1\n";

static const char *const files[] = {
    "record.tsv", "record.csv", "record.jsonl", "shows.tsv", "shows.csv", "shows.jsonl",
    "illegal.tsv", "illegal.csv", "illegal.jsonl", "Person.tsv", "Unit.csv", "Person.jsonl",
};
#define NFILES (sizeof files / sizeof files[0])

static char dir[64];

static void clear_dir(void)
{
    for (size_t i = 0; i < NFILES; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
}

static void cleanup(void)
{
    clear_dir();
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *sink = fuzz_init();
    if (!dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/nmfuzzXXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
        if (!mkdtemp(dir))
            abort();
        atexit(cleanup);
    }
    if (size < 1)
        return 0;
    clear_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, files[data[0] % NFILES]);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);

    nm_engine *e = nm_engine_new();
    nm_engine_load_string(e, "facts.norma", program);
    if (!nm_engine_check(e))
        abort();    /* the fixed program must check */
    if (nm_engine_load_facts_dir(e, dir)) {
        nm_run_options o = fuzz_run_options();
        nm_model *m = nm_engine_run(e, &o);
        if (m)
            nm_model_print(m, sink);
    }
    nm_engine_print_diagnostics(e, sink, NM_DIAG_TEXT);
    nm_engine_free(e);
    return 0;
}
