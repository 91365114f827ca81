/* repl.c — `norma repl FILE|DIR...` ([cli.repl]): load the law and a case, ask
 * queries, ask why / why not / what is missing, add and retract facts (what-if),
 * interview the user on a goal. Drives the engine through norma.h only; line editing,
 * history and completion come from libedit when standard input is a terminal, and
 * piped input runs as a script with no prompts. */
#define _GNU_SOURCE     /* asprintf */
#include "repl.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <editline/readline.h>

#include "norma.h"

/* ---- session state -------------------------------------------------------------- */

/* A what-if edit, replayed in order whenever the program is rebuilt. */
typedef struct edit {
    bool retract;
    char *text;
} edit;

typedef struct strvec {
    char **items;
    int n, cap;
} strvec;

/* The one session. Static so that the collector sees the engine and model pointers
 * (static data is a root) and the completion callback can reach it. */
static struct session {
    strvec paths;           /* rule files and directories, in load order */
    strvec search;          /* --path */
    const char *stdlib;
    strvec fact_dirs;       /* --facts */
    char *decls;            /* declarations typed in the session ("" when none) */
    edit *edits;
    int nedits, capedits;
    char *case_name, *at;
    bool strict;
    nm_lang lang;
    nm_engine *e;           /* the checked program, NULL while there is none */
    nm_model *m;            /* the current model; NULL when stale */
    bool interactive, color;
    int failures;           /* commands that failed (a script's exit status) */
    bool quit;
    const char *history;    /* history file, NULL when not kept */
} S;

static volatile sig_atomic_t interrupted;

static void sv_push(strvec *v, const char *s)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = realloc(v->items, sizeof(char *) * (size_t)v->cap);
        if (!v->items)
            abort();
    }
    v->items[v->n++] = strdup(s);
}

static char *xstrdup(const char *s)
{
    char *r = strdup(s);
    if (!r)
        abort();
    return r;
}

/* Growing text buffer. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static const char *color(const char *code) { return S.color ? code : ""; }

/* Prints the engine's diagnostics (to standard error) and forgets them; returns the
 * number of errors among them. */
static int flush_diags(nm_engine *e)
{
    if (!e)
        return 0;
    int errors = nm_engine_error_count(e);
    if (errors || nm_engine_warning_count(e)) {
        fflush(stdout);
        nm_engine_print_diagnostics(e, stderr, NM_DIAG_TEXT);
    }
    nm_engine_clear_diagnostics(e);
    return errors;
}

static void fail_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A failed command: a message on standard error (`norma: …`). */
static void fail_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    fputs("norma: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    S.failures++;
}

/* ---- building the program ------------------------------------------------------- */

/* Records an edit. Only the last edit of a statement counts (adding undoes a
 * withdrawal of the same statement and withdrawing removes an addition), so earlier
 * edits of the same text are dropped. */
static void add_edit(bool retract, const char *text)
{
    int k = 0;
    for (int i = 0; i < S.nedits; i++) {
        if (strcmp(S.edits[i].text, text) == 0)
            free(S.edits[i].text);
        else
            S.edits[k++] = S.edits[i];
    }
    S.nedits = k;
    if (S.nedits == S.capedits) {
        S.capedits = S.capedits ? S.capedits * 2 : 16;
        S.edits = realloc(S.edits, sizeof(edit) * (size_t)S.capedits);
        if (!S.edits)
            abort();
    }
    S.edits[S.nedits].retract = retract;
    S.edits[S.nedits].text = xstrdup(text);
    S.nedits++;
}

/* Checks the files, the session's declarations and `extra` (a new declaration, may be
 * NULL) in a fresh engine, loads the fact directories and replays the what-if edits.
 * On success the new engine replaces the current one and the model is stale; on
 * failure the diagnostics are printed and the current engine stays. `announce`
 * prints warnings of the files too (start, :load, :reload). */
static bool build(const char *extra, bool announce)
{
    nm_engine *e = nm_engine_new();
    for (int i = 0; i < S.search.n; i++)
        nm_engine_add_search_path(e, S.search.items[i]);
    if (S.stdlib)
        nm_engine_set_stdlib(e, S.stdlib);
    for (int i = 0; i < S.paths.n; i++)
        nm_engine_load_path(e, S.paths.items[i]);
    if ((S.decls && *S.decls) || extra) {
        /* the session's declarations see every loaded module; `use` lines go last so
         * that line numbers of diagnostics are those of the typed text */
        sbuf b = {0};
        sb_puts(&b, S.decls ? S.decls : "");
        if (extra)
            sb_puts(&b, extra);
        int nmod = nm_engine_name_count(e, NM_NAME_MODULE);
        for (int i = 0; i < nmod; i++) {
            sb_puts(&b, "use ");
            sb_puts(&b, nm_engine_name(e, NM_NAME_MODULE, i));
            sb_puts(&b, "\n");
        }
        nm_engine_load_string(e, "<input>", b.s ? b.s : "");
        free(b.s);
    }
    bool ok = !nm_engine_unreadable(e) && nm_engine_check(e);
    for (int i = 0; ok && i < S.fact_dirs.n; i++)
        ok = nm_engine_load_facts_dir(e, S.fact_dirs.items[i]);
    if (!ok) {
        flush_diags(e);
        S.failures++;
        return false;
    }
    if (announce || nm_engine_error_count(e))
        flush_diags(e);
    nm_engine_clear_diagnostics(e);
    /* replay the what-if edits; one that no longer applies is dropped */
    int k = 0;
    for (int i = 0; i < S.nedits; i++) {
        edit *ed = &S.edits[i];
        bool done = ed->retract ? nm_engine_retract_fact(e, ed->text)
                                : nm_engine_add_fact(e, ed->text);
        if (done) {
            S.edits[k++] = *ed;
            continue;
        }
        flush_diags(e);
        fprintf(stderr, "norma: dropped the fact %s '%s' by hand: it no longer applies\n",
                ed->retract ? "retracted" : "added", ed->text);
        free(ed->text);
    }
    S.nedits = k;
    S.e = e;
    S.m = NULL;
    return true;
}

/* The current model, evaluated on demand; NULL (after printing why) when there is no
 * program or the run stops. */
static nm_model *model(void)
{
    if (!S.e) {
        fail_msg("no program is loaded (fix the errors and type :reload, or :load FILE)");
        return NULL;
    }
    if (S.m)
        return S.m;
    nm_run_options o = {.case_name = S.case_name, .at = S.at, .strict = S.strict};
    S.m = nm_engine_run(S.e, &o);
    if (flush_diags(S.e) || !S.m) {
        S.failures += S.m == NULL;
        return S.m;
    }
    return S.m;
}

/* ---- answers -------------------------------------------------------------------- */

static const char *truth_word(nm_truth t)
{
    static const char *en[] = {"no", "unknown", "yes"};
    static const char *zh[] = {"否", "未知", "是"};
    return (S.lang == NM_LANG_ZH ? zh : en)[t];
}

static void print_truth(nm_truth t, bool pad)
{
    static const char *codes[] = {"\033[31m", "\033[33m", "\033[32m"};
    const char *w = truth_word(t);
    printf("%s%s%s", color(codes[t]), w, color("\033[0m"));
    if (pad) {
        /* align the bindings: "unknown" (7 cells) and "未知" (4 cells) are the widest */
        int cells = S.lang == NM_LANG_ZH ? (t == NM_UNKNOWN ? 4 : 2) : (int)strlen(w);
        int width = S.lang == NM_LANG_ZH ? 4 : 7;
        printf("%*s", width - cells + 2, "");
    }
}

static void print_tags(unsigned tags)
{
    if (tags & NM_TAG_PRESUMED)
        fputs(" [presumed]", stdout);
    if (tags & NM_TAG_CONFLICT)
        fputs(" [conflict]", stdout);
}

static bool word_char(unsigned char c);

/* Does the atom have a wildcard `_` argument (a `_` that is not part of a name)? */
static bool has_wildcard(const char *atom)
{
    bool instr = false;
    for (const char *p = atom; *p; p++) {
        if (*p == '"' && (p == atom || p[-1] != '\\'))
            instr = !instr;
        if (!instr && *p == '_' && (p == atom || !word_char((unsigned char)p[-1])) &&
            !word_char((unsigned char)p[1]))
            return true;
    }
    return false;
}

/* Answers a query atom: a ground query with yes / no / unknown, one with variables
 * with a line per answer and its bindings, `no` when nothing matches. */
static void cmd_query(const char *text)
{
    nm_model *m = model();
    if (!m)
        return;
    nm_answers *a = nm_model_query(m, text);
    if (!a) {
        S.failures += flush_diags(S.e) > 0;
        return;
    }
    int arity = nm_answers_arity(a), n = nm_answers_count(a);
    bool has_vars = false, ground = true;
    for (int j = 0; j < arity; j++)
        has_vars |= nm_answers_var(a, j) != NULL;
    /* a ground query has one answer whose atom is the query itself */
    ground = !has_vars && n == 1 && !has_wildcard(text);
    if (n == 0) {
        print_truth(NM_NO, false);
        putchar('\n');
        return;
    }
    for (int i = 0; i < n; i++) {
        nm_truth t = nm_answers_truth(a, i);
        print_truth(t, !ground);
        if (has_vars) {
            bool first = true;
            for (int j = 0; j < arity; j++) {
                const char *v = nm_answers_var(a, j);
                bool seen = false;
                for (int k = 0; k < j && v; k++)
                    seen |= nm_answers_var(a, k) && strcmp(nm_answers_var(a, k), v) == 0;
                if (!v || seen)
                    continue;
                printf("%s%s = %s", first ? "" : ", ", v, nm_answers_arg(a, i, j));
                first = false;
            }
        } else if (!ground) {
            fputs(nm_answers_text(a, i), stdout);
        }
        print_tags(nm_answers_tags(a, i));
        putchar('\n');
    }
}

/* ---- explanations --------------------------------------------------------------- */

typedef enum { EXPLAIN_WHY, EXPLAIN_WHY_NOT, EXPLAIN_MISSING } explain_kind;

/* :why / :whynot / :missing on an atom. */
static void cmd_explain(explain_kind kind, const char *atom)
{
    if (!*atom) {
        fail_msg("%s needs an atom, e.g. %s guilty(hu, art286_1)",
                 kind == EXPLAIN_WHY ? ":why" : kind == EXPLAIN_WHY_NOT ? ":whynot" : ":missing",
                 kind == EXPLAIN_WHY ? ":why" : kind == EXPLAIN_WHY_NOT ? ":whynot" : ":missing");
        return;
    }
    nm_model *m = model();
    if (!m)
        return;
    nm_explain_options o = {.why_not = kind == EXPLAIN_WHY_NOT, .missing = kind == EXPLAIN_MISSING};
    nm_explanation *x = nm_model_explain(m, atom, &o);
    if (!x) {
        S.failures += flush_diags(S.e) > 0;
        return;
    }
    fflush(stdout);
    nm_explanation_render(x, NM_FORMAT_TEXT, S.lang, stdout);
    fflush(stdout);
}

/* ---- what-if -------------------------------------------------------------------- */

/* Splits "not A" into A; returns whether the text was negated. */
static bool strip_not(const char *text, const char **atom)
{
    const char *t = text;
    while (isspace((unsigned char)*t))
        t++;
    if (strncmp(t, "not", 3) == 0 && isspace((unsigned char)t[3])) {
        t += 3;
    } else if (strncmp(t, "非", strlen("非")) == 0) {
        t += strlen("非");
    } else {
        *atom = t;
        return false;
    }
    while (isspace((unsigned char)*t))
        t++;
    *atom = t;
    return true;
}

/* The truth of a ground atom in the current model (NM_NO after a diagnostic). */
static bool truth_of(const char *atom, nm_truth *t, unsigned *tags)
{
    nm_model *m = model();
    if (!m)
        return false;
    nm_answers *a = nm_model_query(m, atom);
    if (!a) {
        S.failures += flush_diags(S.e) > 0;
        return false;
    }
    bool ground = nm_answers_count(a) == 1 && !has_wildcard(atom);
    for (int j = 0; j < nm_answers_arity(a); j++)
        ground &= nm_answers_var(a, j) == NULL;
    if (!ground) {
        fail_msg("'%s' is not a ground atom (its arguments must be constants)", atom);
        return false;
    }
    *t = nm_answers_truth(a, 0);
    if (tags)
        *tags = nm_answers_tags(a, 0);
    return true;
}

/* Applies one edit to the engine and records it; false after printing why. */
static bool apply_edit(bool retract, const char *text)
{
    bool ok = retract ? nm_engine_retract_fact(S.e, text) : nm_engine_add_fact(S.e, text);
    if (!ok) {
        S.failures += flush_diags(S.e) > 0;
        return false;
    }
    add_edit(retract, text);
    S.m = NULL;
    return true;
}

/* :assert A | :assert not A — suppose A true (false). A statement of the opposite
 * (in the files or by hand) is withdrawn, so the what-if states exactly what was
 * asked and never makes a conflict by itself. */
static bool cmd_assert(const char *text, bool quiet)
{
    if (!S.e) {
        model();
        return false;
    }
    const char *atom;
    bool neg = strip_not(text, &atom);
    if (!*atom) {
        fail_msg(":assert needs an atom, e.g. :assert refused(hu, o1)");
        return false;
    }
    /* is the opposite stated now? (asked before the edit, so no conflict shows) */
    bool opposite = false;
    nm_model *m = model();
    if (m && neg) {
        nm_answers *a = nm_model_query(m, atom);
        opposite = a && nm_answers_count(a) == 1 &&
                   (nm_answers_truth(a, 0) == NM_YES || (nm_answers_tags(a, 0) & NM_TAG_CONFLICT));
    } else if (m) {
        nm_answers *f = nm_model_query_false(m, atom);
        opposite = f && nm_answers_count(f) == 1;
    }
    nm_engine_clear_diagnostics(S.e);   /* the edit reports a malformed atom itself */
    if (!apply_edit(false, text))
        return false;
    if (opposite) {
        char *o = NULL;
        if (asprintf(&o, neg ? "%s" : "not %s", atom) < 0)
            abort();
        apply_edit(true, o);
        free(o);
    }
    if (!quiet)
        printf("added %s\n", text);
    return true;
}

/* :retract A | :retract not A. */
static void cmd_retract(const char *text)
{
    if (!S.e) {
        model();
        return;
    }
    const char *atom;
    bool neg = strip_not(text, &atom);
    if (!*atom) {
        fail_msg(":retract needs an atom, e.g. :retract refused(hu, o1)");
        return;
    }
    nm_truth t;
    unsigned tags = 0;
    if (!truth_of(atom, &t, &tags))
        return;
    bool stated = neg ? t != NM_YES && (t == NM_NO || (tags & NM_TAG_CONFLICT))
                      : t == NM_YES || (tags & NM_TAG_CONFLICT);
    if (neg && stated) {
        /* "no" may be closed-world absence; only an explicit statement counts */
        nm_answers *f = nm_model_query_false(S.m, atom);
        stated = f && nm_answers_count(f) == 1;
        nm_engine_clear_diagnostics(S.e);
    }
    if (!stated) {
        printf("%s is not stated %s; nothing to retract\n", atom, neg ? "false" : "true");
        return;
    }
    if (apply_edit(true, text))
        printf("retracted %s\n", text);
}

/* ---- listing -------------------------------------------------------------------- */

/* "p(_, _)" for predicate `name` of arity n. */
static char *wildcard_atom(const char *name, int arity)
{
    sbuf b = {0};
    sb_puts(&b, name);
    sb_puts(&b, "(");
    for (int i = 0; i < arity; i++)
        sb_puts(&b, i ? ", _" : "_");
    sb_puts(&b, ")");
    return b.s;
}

/* :facts — the facts added or retracted by hand; :facts PRED — the atoms of PRED
 * that hold (an input predicate: those stated true, then those stated false). */
static void cmd_facts(const char *pred)
{
    if (!*pred) {
        if (S.nedits == 0)
            puts("no facts added or retracted by hand");
        for (int i = 0; i < S.nedits; i++)
            printf("%s %s\n", S.edits[i].retract ? "-" : "+", S.edits[i].text);
        return;
    }
    nm_model *m = model();
    if (!m)
        return;
    nm_pred_info info;
    if (!nm_engine_pred_info(S.e, pred, &info)) {
        char *q = wildcard_atom(pred, 0);
        nm_model_query(m, q);   /* reports the unknown predicate, with "did you mean" */
        free(q);
        S.failures += flush_diags(S.e) > 0;
        return;
    }
    char *q = wildcard_atom(pred, info.arity);
    nm_answers *a = nm_model_query(m, q);
    int shown = 0;
    for (int i = 0; a && i < nm_answers_count(a); i++) {
        /* the unknown atoms of an open input predicate are its whole domain */
        if (info.kind != NM_PK_DERIVED && nm_answers_truth(a, i) == NM_UNKNOWN &&
            !(nm_answers_tags(a, i) & NM_TAG_CONFLICT))
            continue;
        nm_answer_print(a, i, stdout);
        shown++;
    }
    nm_answers *f = nm_model_query_false(m, q);
    for (int i = 0; f && i < nm_answers_count(f); i++) {
        printf("not %s", nm_answers_text(f, i));
        print_tags(nm_answers_tags(f, i));
        putchar('\n');
        shown++;
    }
    free(q);
    if (!shown)
        printf("no atom of '%s' holds\n", pred);
}

static void cmd_rules(const char *pred)
{
    if (!*pred) {
        fail_msg(":rules needs a predicate, e.g. :rules guilty");
        return;
    }
    if (!S.e) {
        model();
        return;
    }
    nm_pred_info info;
    if (nm_engine_pred_info(S.e, pred, &info) && info.kind != NM_PK_DERIVED) {
        printf("'%s' is an %s predicate: no rule concludes it\n", pred,
               info.kind == NM_PK_OPEN ? "open input" : info.kind == NM_PK_BUILTIN ? "builtin" : "input");
        return;
    }
    if (!nm_engine_print_rules(S.e, pred, stdout))
        S.failures += flush_diags(S.e) > 0;
}

static void cmd_preds(void)
{
    if (!S.e) {
        model();
        return;
    }
    static const char *kinds[] = {"derived", "input", "open", "builtin"};
    int n = nm_engine_name_count(S.e, NM_NAME_PRED);
    for (int i = 0; i < n; i++) {
        const char *name = nm_engine_name(S.e, NM_NAME_PRED, i);
        nm_pred_info info;
        nm_engine_pred_info(S.e, name, &info);
        printf("%s/%d %s%s\n", name, info.arity, kinds[info.kind],
               info.presumed_false ? " presumed false" : "");
    }
}

/* ---- the interview -------------------------------------------------------------- */

static char *read_line(const char *prompt);

/* The open atoms that could settle `goal`, best first: the open atoms of the
 * settling sets of the explanation when the engine found some (atoms in more sets
 * first, ties in declaration order), else the unknown atoms of the open predicates
 * the goal depends on, in declaration order. `skip` holds atoms already asked. */
static char *next_question(const char *goal, const char *goal_pred, strvec *skip)
{
    int n = 0;
    const char **cands = NULL;
    nm_explain_options o = {.missing = true};
    nm_explanation *x = nm_model_explain(S.m, goal, &o);
    nm_engine_clear_diagnostics(S.e);
    if (x)
        n = nm_explanation_questions(x, &cands);
    for (int i = 0; i < n; i++) {
        bool asked = false;
        for (int k = 0; k < skip->n; k++)
            asked |= strcmp(skip->items[k], cands[i]) == 0;
        if (!asked)
            return xstrdup(cands[i]);
    }
    /* no settling set: ask the open atoms the goal depends on */
    int np = nm_engine_name_count(S.e, NM_NAME_PRED);
    for (int p = 0; p < np; p++) {
        const char *name = nm_engine_name(S.e, NM_NAME_PRED, p);
        nm_pred_info info;
        if (!nm_engine_pred_info(S.e, name, &info) || info.kind != NM_PK_OPEN ||
            !nm_engine_depends_on(S.e, goal_pred, name))
            continue;
        char *q = wildcard_atom(name, info.arity);
        nm_answers *a = nm_model_query(S.m, q);
        free(q);
        for (int i = 0; a && i < nm_answers_count(a); i++) {
            if (nm_answers_truth(a, i) != NM_UNKNOWN)
                continue;
            const char *t = nm_answers_text(a, i);
            bool asked = false;
            for (int k = 0; k < skip->n; k++)
                asked |= strcmp(skip->items[k], t) == 0;
            if (!asked)
                return xstrdup(t);
        }
    }
    return NULL;
}

typedef enum { ANS_YES, ANS_NO, ANS_DONT_KNOW, ANS_STOP, ANS_EOF, ANS_BAD } interview_answer;

static interview_answer parse_answer(const char *line)
{
    static const char *yes[] = {"y", "yes", "是", "对", "true", NULL};
    static const char *no[] = {"n", "no", "否", "不是", "false", NULL};
    static const char *dk[] = {"?", "d", "dk", "don't know", "dont know", "unknown", "不知道",
                               "未知", "", NULL};
    static const char *stop[] = {"q", "quit", "stop", ":quit", ":q", "停止", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcasecmp(line, yes[i]) == 0)
            return ANS_YES;
    for (int i = 0; no[i]; i++)
        if (strcasecmp(line, no[i]) == 0)
            return ANS_NO;
    for (int i = 0; dk[i]; i++)
        if (strcasecmp(line, dk[i]) == 0)
            return ANS_DONT_KNOW;
    for (int i = 0; stop[i]; i++)
        if (strcasecmp(line, stop[i]) == 0)
            return ANS_STOP;
    return ANS_BAD;
}

/* :ask GOAL — asks the next open fact that would most decide the goal until the goal
 * is settled (or nothing is left to ask), then explains the answer. The answers are
 * kept as facts added by hand. */
static void cmd_ask(const char *goal)
{
    if (!*goal) {
        fail_msg(":ask needs a ground atom, e.g. :ask guilty(hu, art286_1)");
        return;
    }
    nm_truth t;
    if (!truth_of(goal, &t, NULL))
        return;
    char pred[256];
    size_t pn = strcspn(goal, "( \t");
    snprintf(pred, sizeof pred, "%.*s", (int)(pn < sizeof pred ? pn : sizeof pred - 1), goal);
    strvec skip = {0};
    bool stopped = false;
    while (t == NM_UNKNOWN && !stopped) {
        char *q = next_question(goal, pred, &skip);
        if (!q)
            break;
        interview_answer ans = ANS_BAD;
        while (ans == ANS_BAD) {
            char *prompt = NULL;
            if (asprintf(&prompt, "%s? [yes/no/don't know, q to stop] ", q) < 0)
                abort();
            if (!S.interactive) {
                fputs(prompt, stdout);
            }
            char *line = read_line(S.interactive ? prompt : "");
            free(prompt);
            if (!line) {
                ans = ANS_EOF;
                break;
            }
            if (!S.interactive)
                printf("%s\n", line);
            ans = parse_answer(trim(line));
            if (ans == ANS_BAD)
                printf("answer yes, no or don't know (q stops the interview)\n");
            free(line);
        }
        if (ans == ANS_YES || ans == ANS_NO) {
            char *text = NULL;
            if (asprintf(&text, "%s%s", ans == ANS_NO ? "not " : "", q) < 0)
                abort();
            /* a closed atom cannot be stated false: absent is false already */
            nm_pred_info info;
            char qp[256];
            size_t qn = strcspn(q, "( \t");
            snprintf(qp, sizeof qp, "%.*s", (int)(qn < sizeof qp ? qn : sizeof qp - 1), q);
            if (nm_engine_pred_info(S.e, qp, &info) && info.kind != NM_PK_OPEN && ans == ANS_NO)
                sv_push(&skip, q);
            else
                cmd_assert(text, true);
            free(text);
        } else if (ans == ANS_DONT_KNOW) {
            sv_push(&skip, q);
        } else {
            stopped = true;
        }
        free(q);
        if (!truth_of(goal, &t, NULL))
            return;
    }
    if (stopped) {
        printf("interview stopped; %s is ", goal);
        print_truth(t, false);
        putchar('\n');
    } else {
        if (t == NM_UNKNOWN)
            printf("nothing more to ask; %s stays unknown\n", goal);
        cmd_explain(t == NM_UNKNOWN ? EXPLAIN_MISSING : t == NM_YES ? EXPLAIN_WHY : EXPLAIN_WHY_NOT,
                    goal);
    }
    for (int i = 0; i < skip.n; i++)
        free(skip.items[i]);
    free(skip.items);
}

/* ---- settings ------------------------------------------------------------------- */

/* Sets a run option and re-runs; on failure the old value comes back. */
static void set_option(char **slot, const char *value)
{
    char *old = *slot;
    *slot = value ? xstrdup(value) : NULL;
    S.m = NULL;
    if (S.e && !model()) {
        free(*slot);
        *slot = old;
        S.m = NULL;
        return;
    }
    free(old);
}

static void cmd_case(const char *name)
{
    if (!*name) {
        int n = S.e ? nm_engine_name_count(S.e, NM_NAME_CASE) : 0;
        if (n == 0)
            puts("the program has no cases");
        for (int i = 0; i < n; i++) {
            const char *c = nm_engine_name(S.e, NM_NAME_CASE, i);
            printf("%s %s\n", S.case_name && strcmp(S.case_name, c) == 0 ? "*" : " ", c);
        }
        return;
    }
    bool none = strcmp(name, "none") == 0 || strcmp(name, "-") == 0;
    set_option(&S.case_name, none ? NULL : name);
    if (S.case_name || none)
        printf("case: %s\n", S.case_name ? S.case_name : "none");
}

static bool valid_date(const char *d)
{
    int y, m, dd;
    char tail;
    return strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3;
}

static void cmd_at(const char *date)
{
    if (!*date) {
        printf("decision date: %s\n", S.at ? S.at : "the case's own");
        return;
    }
    bool none = strcmp(date, "none") == 0 || strcmp(date, "-") == 0;
    if (!none && !valid_date(date)) {
        fail_msg("'%s' is not a date (expected YYYY-MM-DD)", date);
        return;
    }
    set_option(&S.at, none ? NULL : date);
    printf("decision date: %s\n", S.at ? S.at : "the case's own");
}

static void cmd_strict(const char *arg)
{
    if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
        S.strict = arg[1] == 'n';
        S.m = NULL;
    } else if (*arg) {
        fail_msg(":strict takes on or off");
        return;
    }
    printf("strict: %s\n", S.strict ? "on (presumptions dropped)" : "off");
}

static void cmd_lang(const char *arg)
{
    if (strcmp(arg, "zh") == 0)
        S.lang = NM_LANG_ZH;
    else if (strcmp(arg, "en") == 0)
        S.lang = NM_LANG_EN;
    else if (*arg) {
        fail_msg(":lang takes zh or en");
        return;
    }
    printf("lang: %s\n", S.lang == NM_LANG_ZH ? "zh" : "en");
}

static void cmd_load(const char *path)
{
    if (!*path) {
        fail_msg(":load needs a file or directory");
        return;
    }
    sv_push(&S.paths, path);
    if (!build(NULL, true)) {
        free(S.paths.items[--S.paths.n]);
        fprintf(stderr, "norma: '%s' not loaded\n", path);
        return;
    }
    printf("loaded %s\n", path);
}

static void cmd_reload(void)
{
    bool had = S.e != NULL;
    if (!build(NULL, true)) {
        if (had)
            fprintf(stderr, "norma: the files have errors; still using the previous version\n");
        return;
    }
    printf("reloaded");
    if (S.nedits)
        printf(" (%d fact%s by hand kept)", S.nedits, S.nedits == 1 ? "" : "s");
    putchar('\n');
}

/* A declaration typed in the session: added to the program when it checks. */
static void cmd_declare(const char *text)
{
    sbuf b = {0};
    sb_puts(&b, text);
    sb_puts(&b, "\n");
    if (!build(b.s, false)) {
        free(b.s);
        return;
    }
    sbuf all = {0};
    sb_puts(&all, S.decls ? S.decls : "");
    sb_puts(&all, b.s);
    free(S.decls);
    free(b.s);
    S.decls = all.s;
    puts("ok");
}

static const char *help_text =
    "  ATOM               ask: yes, no or unknown, with the bindings of its variables\n"
    "                     (names that are not constants are variables; _ matches anything)\n"
    "  rule …, pred …     a declaration (rule, pred, type, fact, case, …) adds to the program\n"
    "  :why ATOM          why it holds (the rules, facts and articles that decide it)\n"
    "  :whynot ATOM       why it does not hold (the first failing condition of each rule)\n"
    "  :missing ATOM      the open facts that would settle an unknown answer\n"
    "  :ask ATOM          interview: asks the open facts that decide ATOM until it is settled\n"
    "  :assert ATOM       what-if: add a fact (`:assert not ATOM` states an open atom false)\n"
    "  :retract ATOM      what-if: withdraw a fact (of the files, a case, or added by hand)\n"
    "  :facts [PRED]      the atoms of PRED that hold; alone: the facts changed by hand\n"
    "  :rules PRED        the rules that conclude PRED, as written\n"
    "  :preds             the predicates, with their arity and kind\n"
    "  :case [NAME|none]  evaluate with the facts of case NAME; alone: list the cases\n"
    "  :at [DATE|none]    the decision date (YYYY-MM-DD) instead of the case's\n"
    "  :strict [on|off]   drop presumptions\n"
    "  :lang [zh|en]      the language of explanations\n"
    "  :load PATH         load another rule file or directory\n"
    "  :reload            re-read the files; keeps the facts changed by hand\n"
    "  :help              this text\n"
    "  :quit              end the session (also Ctrl-D)\n"
    "An unfinished line (an open parenthesis, a trailing 'and', ':' or ',') continues on the\n"
    "next; a case or source block ends at an empty line.\n";

/* ---- reading input -------------------------------------------------------------- */

static const char *commands[] = {":why", ":whynot", ":missing", ":ask", ":assert", ":retract",
                                 ":facts", ":rules", ":preds", ":case", ":at", ":strict",
                                 ":lang", ":load", ":reload", ":help", ":quit", NULL};

static const char *decl_words[] = {"rule", "规则", "pred", "谓词", "attr", "属性", "type", "类型",
                                   "tiers", "层级", "list", "列表", "map", "映射", "table", "表",
                                   "param", "参数", "entity", "实体", "source", "来源", "fact",
                                   "事实", "case", "案例", "use", "使用", NULL};

/* Words and operators after which an entry cannot end. */
static const char *cont_words[] = {"and", "or", "not", "if", "unless", "in", "to", "exception",
                                   "within", "of", "for", "after", "before", "on", "by",
                                   "并且", "或者", "非", "如果", "除非", "属于", "例外", "于",
                                   "之内", "对于", "之后", "之前", NULL};

static bool word_char(unsigned char c) { return isalnum(c) || c == '_' || c >= 0x80; }

static bool in_list(const char *const *list, const char *s, size_t n)
{
    for (int i = 0; list[i]; i++)
        if (strlen(list[i]) == n && strncmp(list[i], s, n) == 0)
            return true;
    return false;
}

/* The first word of text (length in *n). */
static const char *first_word(const char *text, size_t *n)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t k = 0;
    while (text[k] && word_char((unsigned char)text[k]))
        k++;
    *n = k;
    return text;
}

/* Is the entry unfinished: an open bracket or string, a trailing backslash, or a last
 * token after which nothing can end (an operator, `and`, `if`, `:`, …)? */
static bool incomplete(const char *text)
{
    int depth = 0;
    bool instr = false;
    const char *last = NULL;
    size_t lastn = 0;
    for (const char *p = text; *p;) {
        unsigned char c = (unsigned char)*p;
        if (instr) {
            if (c == '\\' && p[1])
                p++;
            else if (c == '"')
                instr = false;
            p++;
            continue;
        }
        if (c == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (isspace(c)) {
            p++;
            continue;
        }
        if (c == '"') {
            instr = true;
            last = "\"";
            lastn = 1;
            p++;
            continue;
        }
        if (strchr("([{", c))
            depth++;
        if (strchr(")]}", c))
            depth--;
        const char *start = p;
        if (word_char(c)) {
            while (*p && word_char((unsigned char)*p))
                p++;
        } else if (strchr(",:=+-*/<>!.", c)) {
            while (*p && strchr(",:=+-*/<>!.", *p))
                p++;
        } else {
            p++;
        }
        last = start;
        lastn = (size_t)(p - start);
    }
    if (instr || depth > 0)
        return true;
    size_t n = strlen(text);
    while (n && isspace((unsigned char)text[n - 1]))
        n--;
    if (n && text[n - 1] == '\\')
        return true;
    if (!last)
        return false;
    while (isspace((unsigned char)*text))
        text++;
    if (*text == ':')       /* a command continues only inside brackets or a string */
        return false;
    if (strchr(",:=+-*/<>!.", last[0]) && !(lastn == 1 && last[0] == '.'))
        return true;
    return in_list(cont_words, last, lastn);
}

/* Does the entry open a block (a case or a source with items) that ends at an empty
 * line? */
static bool opens_block(const char *text)
{
    size_t n;
    const char *w = first_word(text, &n);
    static const char *blocks[] = {"case", "案例", "source", "来源", NULL};
    if (!in_list(blocks, w, n))
        return false;
    size_t len = strlen(text);
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    return len && text[len - 1] == ':';
}

static void sigint_handler(int sig)
{
    (void)sig;
    interrupted = 1;
}

static char *read_line(const char *prompt)
{
    if (S.interactive) {
        for (;;) {
            interrupted = 0;
            errno = 0;
            char *l = readline(prompt);
            if (l || !interrupted)
                return l;
            /* Ctrl-C: abandon the line, keep the session */
            fputs("\n", stdout);
        }
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

/* Reads one entry: a line, and the lines that continue it. NULL at end of input. */
static char *read_entry(void)
{
    const char *prompt = S.case_name ? NULL : "norma> ";
    char *cprompt = NULL;
    if (!prompt) {
        if (asprintf(&cprompt, "norma[%s]> ", S.case_name) < 0)
            abort();
        prompt = cprompt;
    }
    char *first = read_line(prompt);
    free(cprompt);
    if (!first)
        return NULL;
    sbuf b = {0};
    sb_puts(&b, first);
    free(first);
    bool block = opens_block(b.s);
    while (block || incomplete(b.s)) {
        char *more = read_line("   ...> ");
        if (!more)
            break;
        bool empty = trim(more)[0] == '\0';
        if (block && empty) {
            free(more);
            break;
        }
        sb_puts(&b, "\n");
        sb_puts(&b, more);
        free(more);
    }
    return b.s;
}

/* ---- history -------------------------------------------------------------------- */

static void history_save(void)
{
    if (!S.history)
        return;
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp.%ld", S.history, (long)getpid()) < 0)
        return;
    /* written beside the file and renamed over it: never a half-written history */
    if (write_history(tmp) == 0 && rename(tmp, S.history) == 0) {
        free(tmp);
        return;
    }
    unlink(tmp);
    free(tmp);
}

static void history_add(const char *entry)
{
    if (!S.interactive || !*entry)
        return;
    add_history(entry);
    history_save();
}

/* ---- completion ----------------------------------------------------------------- */

static strvec completions;
static int completion_next;

static char *completion_generator(const char *text, int state)
{
    if (state == 0)
        completion_next = 0;
    size_t n = strlen(text);
    while (completion_next < completions.n) {
        const char *c = completions.items[completion_next++];
        if (strncmp(c, text, n) == 0)
            return xstrdup(c);
    }
    return NULL;
}

static void offer(const char *name)
{
    if (!name)
        return;
    for (int i = 0; i < completions.n; i++)
        if (strcmp(completions.items[i], name) == 0)
            return;
    sv_push(&completions, name);
}

static void offer_names(nm_name_kind kind)
{
    int n = S.e ? nm_engine_name_count(S.e, kind) : 0;
    for (int i = 0; i < n; i++)
        offer(nm_engine_name(S.e, kind, i));
}

/* Commands at the start of a line, case names after :case, predicates where an atom
 * starts, constants inside an atom's parentheses, file names after :load. */
static char **complete(const char *text, int start, int end)
{
    (void)end;
    for (int i = 0; i < completions.n; i++)
        free(completions.items[i]);
    completions.n = 0;
    rl_attempted_completion_over = 1;
    rl_completion_append_character = ' ';
    const char *line = rl_line_buffer;
    while (isspace((unsigned char)*line) && line < rl_line_buffer + start)
        line++;
    int depth = 0;
    for (const char *p = rl_line_buffer; p < rl_line_buffer + start; p++)
        depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
    if (line == rl_line_buffer + start && text[0] == ':') {
        for (int i = 0; commands[i]; i++)
            offer(commands[i]);
    } else if (strncmp(line, ":load", 5) == 0) {
        rl_attempted_completion_over = 0;   /* file names */
        return NULL;
    } else if (strncmp(line, ":case", 5) == 0 && depth == 0) {
        offer_names(NM_NAME_CASE);
        offer("none");
    } else if (strncmp(line, ":lang", 5) == 0) {
        offer("zh");
        offer("en");
    } else if (strncmp(line, ":strict", 7) == 0) {
        offer("on");
        offer("off");
    } else if (depth > 0) {
        offer_names(NM_NAME_CONST);
        offer_names(NM_NAME_PARAM);
        rl_completion_append_character = '\0';
    } else {
        offer_names(NM_NAME_PRED);
        rl_completion_append_character = '(';
    }
    return rl_completion_matches(text, completion_generator);
}

/* ---- the loop ------------------------------------------------------------------- */

/* Runs one entry. */
static void run_entry(char *entry)
{
    char *t = trim(entry);
    if (!*t || *t == '#')
        return;
    if (*t != ':') {
        size_t n;
        const char *w = first_word(t, &n);
        if (in_list(decl_words, w, n))
            cmd_declare(t);
        else
            cmd_query(t);
        return;
    }
    size_t n = strcspn(t, " \t\n");
    char *arg = trim(t + n);
    t[n] = '\0';
    if (strcmp(t, ":quit") == 0 || strcmp(t, ":q") == 0 || strcmp(t, ":exit") == 0)
        S.quit = true;
    else if (strcmp(t, ":help") == 0 || strcmp(t, ":h") == 0 || strcmp(t, ":?") == 0)
        fputs(help_text, stdout);
    else if (strcmp(t, ":why") == 0)
        cmd_explain(EXPLAIN_WHY, arg);
    else if (strcmp(t, ":whynot") == 0 || strcmp(t, ":why-not") == 0 || strcmp(t, ":why_not") == 0)
        cmd_explain(EXPLAIN_WHY_NOT, arg);
    else if (strcmp(t, ":missing") == 0)
        cmd_explain(EXPLAIN_MISSING, arg);
    else if (strcmp(t, ":ask") == 0)
        cmd_ask(arg);
    else if (strcmp(t, ":assert") == 0 || strcmp(t, ":add") == 0)
        cmd_assert(arg, false);
    else if (strcmp(t, ":retract") == 0)
        cmd_retract(arg);
    else if (strcmp(t, ":facts") == 0)
        cmd_facts(arg);
    else if (strcmp(t, ":rules") == 0)
        cmd_rules(arg);
    else if (strcmp(t, ":preds") == 0)
        cmd_preds();
    else if (strcmp(t, ":case") == 0)
        cmd_case(arg);
    else if (strcmp(t, ":at") == 0)
        cmd_at(arg);
    else if (strcmp(t, ":strict") == 0)
        cmd_strict(arg);
    else if (strcmp(t, ":lang") == 0)
        cmd_lang(arg);
    else if (strcmp(t, ":load") == 0)
        cmd_load(arg);
    else if (strcmp(t, ":reload") == 0)
        cmd_reload();
    else {
        const char *best = NULL;
        for (int i = 0; commands[i] && !best; i++)
            if (strncmp(commands[i], t, strlen(t)) == 0)
                best = commands[i];
        if (best)
            fail_msg("unknown command '%s' (did you mean '%s'? :help lists the commands)", t, best);
        else
            fail_msg("unknown command '%s' (:help lists the commands)", t);
    }
}

static int usage(const char *fmt, const char *arg)
{
    fputs("norma: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nnorma: try 'norma --help'\n", stderr);
    return 2;
}

int nm_repl_main(int argc, char **argv, bool color)
{
    setlocale(LC_CTYPE, "");
    S.lang = NM_LANG_EN;
    strvec facts = {0};
    bool only_paths = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool takes = strcmp(a, "--path") == 0 || strcmp(a, "--stdlib") == 0 ||
                     strcmp(a, "--case") == 0 || strcmp(a, "--at") == 0 ||
                     strcmp(a, "--lang") == 0 || strcmp(a, "--fact") == 0 ||
                     strcmp(a, "--facts") == 0;
        if (only_paths || a[0] != '-') {
            sv_push(&S.paths, a);
        } else if (strcmp(a, "--") == 0) {
            only_paths = true;
        } else if (strcmp(a, "--strict") == 0) {
            S.strict = true;
        } else if (takes) {
            if (i + 1 >= argc)
                return usage("option '%s' needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--path") == 0)
                sv_push(&S.search, v);
            else if (strcmp(a, "--stdlib") == 0)
                S.stdlib = v;
            else if (strcmp(a, "--case") == 0)
                S.case_name = xstrdup(v);
            else if (strcmp(a, "--at") == 0) {
                if (!valid_date(v))
                    return usage("'%s' is not a date (expected YYYY-MM-DD)", v);
                S.at = xstrdup(v);
            } else if (strcmp(a, "--lang") == 0) {
                if (strcmp(v, "zh") != 0 && strcmp(v, "en") != 0)
                    return usage("unknown language '%s' (expected zh or en)", v);
                S.lang = v[0] == 'z' ? NM_LANG_ZH : NM_LANG_EN;
            } else if (strcmp(a, "--fact") == 0)
                sv_push(&facts, v);
            else
                sv_push(&S.fact_dirs, v);
        } else {
            return usage("unknown option '%s'", a);
        }
    }
    S.interactive = isatty(STDIN_FILENO);
    S.color = S.interactive && color;
    nm_set_result_color(S.color);
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (S.paths.n || S.fact_dirs.n) {
        if (build(NULL, true)) {
            for (int i = 0; i < facts.n; i++)
                cmd_assert(facts.items[i], true);
            if (S.case_name || S.at) {
                if (!model()) {     /* a wrong --case or --at: drop it, keep the session */
                    free(S.case_name);
                    free(S.at);
                    S.case_name = S.at = NULL;
                    S.m = NULL;
                }
            }
        }
    } else {
        build(NULL, false);
    }

    if (S.interactive) {
        static char breaks[] = " \t\n\"\\'`@$><=;|&{(),[]";
        rl_readline_name = "norma";
        rl_attempted_completion_function = complete;
        rl_completer_word_break_characters = breaks;
        const char *h = getenv("NORMA_HISTORY");
        static char *hist;
        if (h && *h)
            hist = xstrdup(h);
        else if (getenv("HOME") && asprintf(&hist, "%s/.norma_history", getenv("HOME")) < 0)
            hist = NULL;
        S.history = hist;
        using_history();
        stifle_history(1000);
        if (S.history)
            read_history(S.history);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = sigint_handler;
        sigaction(SIGINT, &sa, NULL);
        printf("norma %s — :help lists the commands, :quit ends the session\n", NORMA_VERSION);
    }
    while (!S.quit) {
        char *entry = read_entry();
        if (!entry) {
            if (S.interactive)
                putchar('\n');     /* Ctrl-D leaves the cursor on the prompt line */
            break;
        }
        history_add(entry);
        run_entry(entry);
        free(entry);
    }
    /* an interactive session ends as the user chose; a script fails when a command did */
    return S.interactive || !S.failures ? 0 : 1;
}
