/* output.c — writing a model out ([cli.output], [cli.verdicts]): chosen relations as
 * DIR/PRED.tsv with a truth column, and the answers of queries as JSON Lines. Sits
 * after model.c; every file is written to a temporary name in its directory and
 * renamed into place only when complete, so readers never see half a file. */
#include <errno.h>
#include <jansson.h>

#include "render.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "engine_int.h"
#include "facts.h"
#include "lower.h"

static nm_span no_span(void)
{
    nm_span s;
    memset(&s, 0, sizeof s);
    return s;
}

/* ---- atomic files ------------------------------------------------------------------ */

typedef struct out_file {
    const char *path;       /* final name */
    char *tmp;              /* temporary name beside it */
    FILE *f;
} out_file;

/* Opens a temporary file in the directory of `path`. False with errno set. */
static bool out_open(out_file *o, const char *path)
{
    o->path = path;
    const char *slash = strrchr(path, '/');
    o->tmp = slash ? nm_sprintf("%.*s/.%s.tmp-XXXXXX", (int)(slash - path), path, slash + 1)
                   : nm_sprintf(".%s.tmp-XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0)
        return false;
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int err = errno;
        close(fd);
        unlink(o->tmp);
        errno = err;
        return false;
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return true;
}

/* Flushes and closes the temporary file; false with errno set on a write error. */
static bool out_close(out_file *o)
{
    bool ok = !ferror(o->f) && fflush(o->f) == 0 && fsync(fileno(o->f)) == 0;
    int err = errno;
    if (fclose(o->f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    o->f = NULL;
    errno = err;
    return ok;
}

static void out_discard(out_file *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    unlink(o->tmp);
}

static void io_error(nm_engine *e, const char *path, int err)
{
    nm_error(e->diags, no_span(), "E-io", "cannot write '%s': %s", path, strerror(err));
}

/* ---- values ------------------------------------------------------------------------ */

/* A value as fact files write it: names, numbers (a decimal column with at least two
 * fraction digits, [sem.value]), dates, `true`/`false`, text unquoted. */
static const char *cell_text(const nm_program *p, int type, nm_cell c)
{
    if (p->types[type].kind == NM_TY_DECIMAL)
        return nm_val_format_num(c, NM_NUM_DECIMAL, 2);
    return nm_val_format(c);
}

/* ---- relations --------------------------------------------------------------------- */

static bool write_relation(nm_engine *e, nm_model *m, int pred, out_file *o)
{
    const nm_program *p = nm_model_lowered(m)->prog;
    const nm_ppred *pd = &p->preds[pred];
    for (int j = 0; j < pd->arity; j++)
        fprintf(o->f, "%s\t", nm_facts_arg_name(p, pred, j));
    fputs("truth\n", o->f);
    bool wild[64];
    nm_cell cells[64];
    for (int j = 0; j < 64; j++) {
        wild[j] = true;
        cells[j] = NM_CELL_NONE;
    }
    nm_answers *a = nm_model_match(m, pred, cells, wild);
    for (int i = 0; i < nm_answers_count(a); i++) {
        nm_truth t = nm_answers_truth(a, i);
        if (t == NM_NO)
            continue;
        const nm_cell *row = nm_answers_row(a, i);
        for (int j = 0; j < pd->arity; j++) {
            const char *s = cell_text(p, pd->arg_types[j], row[j]);
            if (strpbrk(s, "\t\n\r")) {
                nm_error(e->diags, no_span(), "E-output",
                         "cannot write '%s' as TSV: a value of '%s' holds a tab or a line break",
                         nm_answers_text(a, i), nm_facts_arg_name(p, pred, j));
                return false;
            }
            fputs(s, o->f);
            fputc('\t', o->f);
        }
        fputs(t == NM_YES ? "yes\n" : "unknown\n", o->f);
    }
    return true;
}

bool nm_model_write_relations(nm_model *m, const char *dir, const char *const *preds, int npreds)
{
    nm_engine *e = nm_model_engine(m);
    const nm_program *p = nm_model_lowered(m)->prog;
    int *which = nm_alloc_atomic(sizeof(int) * (size_t)(p->npreds + npreds + 1));
    int n = 0;
    if (npreds == 0) {
        for (int k = NM_BUILTIN__COUNT; k < p->npreds; k++)
            if (p->preds[k].mode == NM_PRED_DERIVED)
                which[n++] = k;
    }
    for (int i = 0; i < npreds; i++) {
        int k = nm_program_pred(p, preds[i]);
        if (k < NM_BUILTIN__COUNT) {
            nm_diag *d = nm_error(e->diags, no_span(), "E-output", "no predicate named '%s'", preds[i]);
            const char *best = NULL;
            int bestd = 3;
            for (int j = NM_BUILTIN__COUNT; j < p->npreds; j++) {
                int dist = nm_check_edit_distance(preds[i], p->preds[j].name);
                if (dist < bestd) {
                    bestd = dist;
                    best = p->preds[j].name;
                }
            }
            if (best)
                nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean '%s'?", best);
            return false;
        }
        which[n++] = k;
    }
    struct stat st;
    if (stat(dir, &st) != 0 && mkdir(dir, 0777) != 0) {
        io_error(e, dir, errno);
        return false;
    }
    size_t dlen = strlen(dir);
    bool slash = dlen && dir[dlen - 1] == '/';
    out_file *outs = nm_alloc(sizeof(out_file) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const char *path = nm_sprintf("%s%s%s.tsv", dir, slash ? "" : "/", p->preds[which[i]].name);
        bool ok = out_open(&outs[i], path);
        if (!ok)
            io_error(e, path, errno);
        else if (!(ok = write_relation(e, m, which[i], &outs[i])))
            ;
        else if (!(ok = out_close(&outs[i])))
            io_error(e, path, errno);
        if (!ok) {
            for (int j = 0; j <= i; j++)
                if (outs[j].tmp)
                    out_discard(&outs[j]);
            return false;
        }
    }
    for (int i = 0; i < n; i++)
        if (rename(outs[i].tmp, outs[i].path) != 0) {
            io_error(e, outs[i].path, errno);
            for (int j = i; j < n; j++)
                unlink(outs[j].tmp);
            return false;
        }
    return true;
}

/* ---- verdicts ---------------------------------------------------------------------- */

/* The answer's explanation ([expl.json]): the JSON document of the explanation of the
 * answer's atom, as `norma explain --format json` writes it, under "explanation". */
static void add_explanation(json_t *obj, nm_model *m, const nm_answers *a, int i)
{
    if (!nm_model_engine(m)->verdict_explanations)
        return;
    nm_explanation *x = nm_model_explain(m, nm_answers_text(a, i), NULL);
    if (!x)
        return;
    nm_buf b = {0};
    nm_render_json(x, &b);
    json_error_t err;
    json_t *doc = json_loads(nm_buf_str(&b), 0, &err);
    if (doc)
        json_object_set_new(obj, "explanation", doc);
}

/* One JSON object per answer of a, one per line. */
static bool write_answers(nm_model *m, const nm_answers *a, const char *query, FILE *f)
{
    const nm_program *p = nm_model_lowered(m)->prog;
    for (int i = 0; i < nm_answers_count(a); i++) {
        const char *atom = nm_answers_text(a, i);
        size_t plen = strcspn(atom, "(");
        char *pname = nm_strndup(atom, plen);
        int pred = nm_program_pred(p, pname);
        const nm_cell *row = nm_answers_row(a, i);
        json_t *args = json_array();
        for (int j = 0; j < nm_answers_arity(a); j++) {
            int ty = pred >= 0 ? p->preds[pred].arg_types[j] : NM_TY_TEXT;
            nm_type_kind k = p->types[ty].kind;
            int64_t v;
            if (k == NM_TY_INT && nm_val_get_int(row[j], &v))
                json_array_append_new(args, json_integer((json_int_t)v));
            else if (k == NM_TY_BOOL)
                json_array_append_new(args, json_boolean(nm_val_get_bool(row[j])));
            else
                json_array_append_new(args, json_string(cell_text(p, ty, row[j])));
        }
        nm_truth t = nm_answers_truth(a, i);
        unsigned tags = nm_answers_tags(a, i);
        json_t *jt = json_array();
        if (tags & NM_TAG_PRESUMED)
            json_array_append_new(jt, json_string("presumed"));
        if (tags & NM_TAG_CONFLICT)
            json_array_append_new(jt, json_string("conflict"));
        json_t *obj = json_pack("{s:s, s:s, s:o, s:s, s:o}", "atom", atom, "pred", pname, "args",
                                args, "truth", t == NM_YES ? "yes" : t == NM_UNKNOWN ? "unknown" : "no",
                                "tags", jt);
        if (query)
            json_object_set_new(obj, "query", json_string(query));
        add_explanation(obj, m, a, i);
        int r = json_dumpf(obj, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(obj);
        if (r != 0 || fputc('\n', f) == EOF)
            return false;
    }
    return true;
}

bool nm_model_write_verdicts(nm_model *m, const char *path, const char *const *queries,
                             int nqueries)
{
    nm_engine *e = nm_model_engine(m);
    const nm_program *p = nm_model_lowered(m)->prog;
    /* every query is answered before anything is written */
    int n = nqueries ? nqueries : p->npreds;
    nm_answers **as = nm_alloc(sizeof(nm_answers *) * (size_t)(n + 1));
    for (int q = 0; q < n; q++) {
        if (nqueries) {
            if (!(as[q] = nm_model_query(m, queries[q])))
                return false;
        } else if (q >= NM_BUILTIN__COUNT && p->preds[q].mode == NM_PRED_DERIVED) {
            bool wild[64];
            nm_cell cells[64];
            for (int j = 0; j < 64; j++) {
                wild[j] = true;
                cells[j] = NM_CELL_NONE;
            }
            as[q] = nm_model_match(m, q, cells, wild);
        }
    }
    bool to_stdout = strcmp(path, "-") == 0;
    out_file o = {0};
    if (to_stdout)
        o.f = stdout;
    else if (!out_open(&o, path)) {
        io_error(e, path, errno);
        return false;
    }
    bool ok = true;
    for (int q = 0; q < n && ok; q++)
        if (as[q])
            ok = write_answers(m, as[q], nqueries ? queries[q] : NULL, o.f);
    if (to_stdout) {
        if (!ok || fflush(stdout) != 0) {
            io_error(e, "<stdout>", errno);
            return false;
        }
        return true;
    }
    if (!ok) {
        io_error(e, path, errno);
        out_discard(&o);
        return false;
    }
    if (!out_close(&o)) {
        io_error(e, path, errno);
        unlink(o.tmp);
        return false;
    }
    if (rename(o.tmp, o.path) != 0) {
        io_error(e, path, errno);
        unlink(o.tmp);
        return false;
    }
    return true;
}

void nm_engine_set_verdict_explanations(nm_engine *e, bool on) { e->verdict_explanations = on; }
