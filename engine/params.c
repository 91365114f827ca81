/* params.c — parameters set from the command line (`--param NAME=VALUE`,
 * [cli.run.param]): the value text is read by the parameter's declared type, in the
 * written forms of fact files ([cli.facts.types]), and kept in the engine; model.c
 * hands it to the lowering, where it wins over the declaration and a case's `param`
 * line. Behind norma.h's nm_engine_set_param. */
#include <string.h>

#include "check.h"
#include "date.h"
#include "engine_int.h"
#include "num.h"
#include "value.h"

static nm_span no_span(void)
{
    nm_span s;
    memset(&s, 0, sizeof s);
    return s;
}

/* The closest name to `name` among n names (edit distance at most a third of its
 * length, at least 1), or NULL. */
static const char *closest(const char *name, const char *const *names, int n)
{
    int len = 0;
    for (const char *s = name; *s; s++)
        len += ((unsigned char)*s & 0xC0) != 0x80;
    int bestd = (len / 3 > 1 ? len / 3 : 1) + 1;
    const char *best = NULL;
    for (int i = 0; i < n; i++) {
        int d = nm_check_edit_distance(name, names[i]);
        if (d < bestd) {
            bestd = d;
            best = names[i];
        }
    }
    return best;
}

static bool plain_number(const char *s)
{
    return *s && !strchr(s, '_') && !strchr(s, '+');
}

/* Reads `text` as a value of type `ty`; false with the reason in *why. */
static bool read_value(const nm_program *p, int ty, const char *text, nm_cell *out,
                       const char **why, const char **hint)
{
    size_t n = strlen(text);
    const nm_ptype *t = &p->types[ty];
    switch (t->kind) {
    case NM_TY_INT: {
        int64_t v;
        nm_num_status st = plain_number(text) ? nm_num_parse_int(text, n, &v) : NM_NUM_SYNTAX;
        if (st == NM_NUM_OK) {
            *out = nm_val_int(v);
            return true;
        }
        *why = st == NM_NUM_OVERFLOW ? "int out of range (64 bits)" : "not an int";
        return false;
    }
    case NM_TY_DECIMAL:
    case NM_TY_RATIONAL: {
        nm_num v;
        nm_num_status st = NM_NUM_SYNTAX;
        if (plain_number(text)) {
            if (t->kind == NM_TY_RATIONAL)
                st = nm_num_parse(text, n, &v);
            else if (strchr(text, '.'))
                st = nm_num_parse_decimal(text, n, &v);
            else {
                int64_t i;
                st = nm_num_parse_int(text, n, &i);
                if (st == NM_NUM_OK)
                    v = nm_num_int(i);
            }
        }
        if (st == NM_NUM_OK) {
            *out = nm_val_num(v);
            return true;
        }
        *why = st == NM_NUM_OVERFLOW ? "out of range"
             : t->kind == NM_TY_RATIONAL ? "not a rational (e.g. '9/10', '0.9', '2')"
                                         : "not a decimal (e.g. '0.9', '12.50')";
        return false;
    }
    case NM_TY_DATE: {
        nm_date d;
        if (nm_date_parse(text, n, &d)) {
            *out = nm_val_date(d);
            return true;
        }
        *why = "not a date (expected YYYY-MM-DD, a day that exists)";
        return false;
    }
    case NM_TY_DURATION: {
        const char *sp = strchr(text, ' ');
        nm_duration dur;
        int64_t amount;
        if (sp && nm_num_parse_int(text, (size_t)(sp - text), &amount) == NM_NUM_OK &&
            nm_date_unit_parse(sp + 1, strlen(sp + 1), &dur.unit)) {
            dur.amount = amount;
            if (nm_val_duration(dur, out))
                return true;
        }
        *why = "not a duration (expected e.g. '2 years')";
        return false;
    }
    case NM_TY_TEXT:
        *out = nm_val_text(text, n);
        if (*out != NM_CELL_NONE)
            return true;
        *why = "invalid UTF-8";
        return false;
    case NM_TY_BOOL:
        if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
            *out = nm_val_bool(text[0] == 't');
            return true;
        }
        *why = "not true or false";
        return false;
    case NM_TY_ENUM:
    case NM_TY_TIERS: {
        const char **names = nm_alloc(sizeof(char *) * (size_t)(t->nmembers + 1));
        for (int i = 0; i < t->nmembers; i++) {
            const nm_pconst *k = &p->consts[t->members[i]];
            names[i] = k->name;
            if (strcmp(k->name, text) == 0) {
                *out = nm_val_enum((uint32_t)ty, (uint32_t)k->ordinal);
                return true;
            }
        }
        *why = nm_sprintf("not a member of '%s'", t->name);
        *hint = closest(text, names, t->nmembers);
        return false;
    }
    case NM_TY_ENTITY:
    case NM_TY_PERSON:
    case NM_TY_UNIT:
    case NM_TY_ENTITY_DECL: {
        for (int i = 0; i < p->nconsts; i++) {
            const nm_pconst *k = &p->consts[i];
            if (k->kind != NM_CONST_ENTITY || k->case_id != -1 || strcmp(k->name, text) != 0)
                continue;
            bool fits = k->type == ty ||
                        (t->kind == NM_TY_ENTITY && (k->type == NM_TY_PERSON || k->type == NM_TY_UNIT));
            if (!fits) {
                *why = nm_sprintf("an entity of type '%s'", p->types[k->type].name);
                return false;
            }
            *out = nm_val_entity(text, n);
            return true;
        }
        *why = "not an entity declared outside the cases";
        return false;
    }
    default:
        *why = nm_sprintf("a parameter of type '%s' cannot be set from the command line", t->name);
        return false;
    }
}

bool nm_engine_set_param(nm_engine *e, const char *name, const char *value)
{
    const nm_program *p = e->program;
    if (!p) {
        nm_error(e->diags, no_span(), "E-state", "the program has errors; parameters cannot be set");
        return false;
    }
    int k = -1;
    for (int i = 0; i < p->nparams && k < 0; i++)
        if (strcmp(p->params[i].name, name) == 0)
            k = i;
    if (k < 0) {
        nm_diag *d = nm_error(e->diags, no_span(), "E-param", "unknown parameter '%s'", name);
        const char **names = nm_alloc(sizeof(char *) * (size_t)(p->nparams + 1));
        for (int i = 0; i < p->nparams; i++)
            names[i] = p->params[i].name;
        const char *best = closest(name, names, p->nparams);
        if (best)
            nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean '%s'?", best);
        else if (p->nparams == 0)
            nm_diag_note(d, NM_SEV_NOTE, NULL, "the program declares no parameters");
        return false;
    }
    const nm_pparam *pm = &p->params[k];
    nm_cell v;
    const char *why = NULL, *hint = NULL;
    if (!read_value(p, pm->type, value, &v, &why, &hint)) {
        nm_diag *d = nm_error(e->diags, no_span(), "E-param",
                              "bad value '%s' for parameter '%s' of type '%s': %s", value, name,
                              p->types[pm->type].name, why);
        if (hint)
            nm_diag_note(d, NM_SEV_HELP, NULL, "did you mean '%s'?", hint);
        return false;
    }
    if (!e->param_override || e->param_program != p) {
        e->param_program = p;
        e->param_override = nm_alloc_atomic(sizeof(nm_cell) * (size_t)(p->nparams + 1));
        for (int i = 0; i <= p->nparams; i++)
            e->param_override[i] = NM_CELL_NONE;
    }
    e->param_override[k] = v;
    return true;
}
