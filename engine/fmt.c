/* fmt.c — `norma fmt`: prints a parsed file in canonical layout (SPEC [cli.fmt]).
 * Sits after the parser and beside the checker: it reads the syntax tree (grammar/
 * ast.h) and the lexer's comment list, walks the declarations in source order and
 * emits canonical text, interleaving comments by source position. Spellings the tree
 * does not keep (Chinese keywords, citations, number literals) are read back from the
 * source with a small scanner that follows the printer through the text. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "ast.h"
#include "fmt.h"

#include "engine_int.h"

#define NOPOS SIZE_MAX
#define WIDTH 100   /* the line width layout decisions aim for, in display cells */

/* ---- the printer's state -------------------------------------------------------------- */

typedef struct fmt {
    const char *t;          /* the source text */
    size_t len;
    nm_comment **cm;        /* the comments, in source order; ci = next to print */
    int ncm, ci;
    nm_buf out;
    int col;                /* display cells on the current output line */
    bool bol;               /* nothing written on the current output line yet */
    bool code;              /* the current output line holds code */
    bool nl;                /* the next text starts a new line at nl_indent ... */
    int nl_indent;
    bool nl_blank;          /* ... after a blank line if the source has one there */
    bool brk;               /* a line comment ended the line: continue at `cont` */
    bool sp;                /* a space before the next text */
    int cont;               /* indentation of continuation lines of this statement */
    size_t cur;             /* the scanner: source offset of the next unread token */
    size_t last_end;        /* end offset of the last source text printed */
    bool dry;               /* measuring: no comments, output discarded */
    bool *tcont;            /* per comment: it continues the trailing comment above */
    int trail_col;          /* output column of the last trailing comment, -1 if none */
    int tc_col;             /* trailing comments of this alignment run start here (0: no) */
} fmt;

/* ---- a scanner over the source, following the printer ---------------------------------- */

enum { T_END, T_WORD, T_STRING, T_OTHER };

static bool id_start(utf8proc_int32_t cp)
{
    if (cp == '_')
        return true;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_NL:
        return true;
    default:
        return false;
    }
}

static bool id_cont(utf8proc_int32_t cp)
{
    if (id_start(cp) || cp == 0xB7 || (cp >= '0' && cp <= '9'))
        return true;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_PC:
        return true;
    default:
        return false;
    }
}

static utf8proc_ssize_t decode(const fmt *f, size_t i, utf8proc_int32_t *cp)
{
    return utf8proc_iterate((const utf8proc_uint8_t *)f->t + i, (utf8proc_ssize_t)(f->len - i),
                            cp);
}

/* The next token at or after offset i, skipping spaces and comments: its kind and
 * byte range. Words are identifiers and keywords; digits run as one token. */
static int next_token(const fmt *f, size_t i, size_t *s, size_t *e)
{
    const char *t = f->t;
    for (;;) {
        while (i < f->len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
            i++;
        if (i >= f->len) {
            *s = *e = f->len;
            return T_END;
        }
        if (t[i] == '#') {
            while (i < f->len && t[i] != '\n')
                i++;
            continue;
        }
        if (t[i] == '/' && i + 1 < f->len && t[i + 1] == '*') {
            const char *c = strstr(t + i + 2, "*/");
            i = c ? (size_t)(c - t) + 2 : f->len;
            continue;
        }
        break;
    }
    *s = i;
    if (t[i] == '"') {
        i++;
        while (i < f->len && t[i] != '"' && t[i] != '\n')
            i += t[i] == '\\' && i + 1 < f->len && t[i + 1] != '\n' ? 2 : 1;
        *e = i < f->len && t[i] == '"' ? i + 1 : i;
        return T_STRING;
    }
    if (t[i] >= '0' && t[i] <= '9') {
        while (i < f->len && ((t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
            i++;
        *e = i;
        return T_OTHER;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = decode(f, i, &cp);
    if (k > 0 && id_start(cp)) {
        i += (size_t)k;
        while (i < f->len && (k = decode(f, i, &cp)) > 0 && id_cont(cp))
            i += (size_t)k;
        *e = i;
        return T_WORD;
    }
    static const char *const two[] = {"->", "..", "!=", "<=", ">="};
    for (size_t j = 0; j < sizeof two / sizeof two[0]; j++)
        if (i + 1 < f->len && t[i] == two[j][0] && t[i + 1] == two[j][1]) {
            *e = i + 2;
            return T_OTHER;
        }
    *e = i + (k > 0 ? (size_t)k : 1);
    return T_OTHER;
}

static bool tok_is(const fmt *f, size_t s, size_t e, const char *text)
{
    return text && strlen(text) == e - s && memcmp(f->t + s, text, e - s) == 0;
}

/* Finds the next token at the scanner that is one of the spellings a, b, c, passing
 * over parentheses and commas the printer did not print (redundant grouping, trailing
 * commas). Returns the index of the spelling (0..2) and its range, or -1. */
static int find(const fmt *f, const char *a, const char *b, const char *c, size_t *s,
                size_t *e)
{
    size_t i = f->cur;
    for (;;) {
        int k = next_token(f, i, s, e);
        if (k == T_END)
            return -1;
        if (tok_is(f, *s, *e, a))
            return 0;
        if (tok_is(f, *s, *e, b))
            return 1;
        if (tok_is(f, *s, *e, c))
            return 2;
        if (!tok_is(f, *s, *e, "(") && !tok_is(f, *s, *e, ")") && !tok_is(f, *s, *e, ","))
            return -1;
        i = *e;
    }
}

/* ---- output --------------------------------------------------------------------------- */

static void put(fmt *f, const char *s, size_t n)
{
    nm_buf_putn(&f->out, s, n);
    const char *nl = NULL;
    for (size_t i = n; i > 0 && !nl; i--)
        if (s[i - 1] == '\n')
            nl = s + i - 1;
    if (nl)
        f->col = nm_display_width(nl + 1, n - (size_t)(nl + 1 - s));
    else
        f->col += nm_display_width(s, n);
}

static void newline(fmt *f)
{
    while (f->out.len > 0 && f->out.data[f->out.len - 1] == ' ')
        f->out.len--;
    nm_buf_putc(&f->out, '\n');
    f->col = 0;
    f->bol = true;
    f->code = false;
}

/* Whether source bytes [a, b) hold a line with only spaces on it. */
static bool gap_blank(const fmt *f, size_t a, size_t b)
{
    bool seen_nl = false, blank = false;
    for (size_t i = a; i < b && i < f->len; i++) {
        char c = f->t[i];
        if (c == '\n') {
            if (seen_nl && blank)
                return true;
            seen_nl = true;
            blank = true;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            blank = false;
        }
    }
    return false;
}

/* Prepares the output for text from source offset `off`: starts the pending line (with
 * a blank line before it when the source has one) or writes the pending space. */
static void begin(fmt *f, size_t off)
{
    if (f->dry) {
        if (f->sp && !f->bol)
            put(f, " ", 1);
        f->sp = false;
        f->bol = false;
        return;
    }
    if (f->nl || f->brk) {
        int ind = f->nl ? f->nl_indent : f->cont;
        bool blank = f->nl && f->nl_blank && off != NOPOS && f->out.len > 0 &&
                     gap_blank(f, f->last_end, off);
        if (!f->bol)
            newline(f);
        if (blank)
            nm_buf_putc(&f->out, '\n');
        f->nl = f->brk = false;
        for (int i = 0; i < ind; i++)
            nm_buf_putc(&f->out, ' ');
        f->col = ind;
        f->bol = false;
    } else if (f->bol) {
        f->bol = false;
    } else if (f->sp) {
        put(f, " ", 1);
    }
    f->sp = false;
}

static void note_end(fmt *f, size_t end)
{
    if (end != NOPOS && (end > f->last_end || f->last_end == NOPOS))
        f->last_end = end;
    if (end != NOPOS && end > f->cur)
        f->cur = end;
}

/* Marks the own-line comments that continue a trailing comment: on the next line, in
 * the same source column ([cli.fmt]: they stay under it). */
static void mark_continuations(fmt *f)
{
    f->tcont = nm_alloc_atomic(sizeof(bool) * (size_t)(f->ncm + 1));
    for (int i = 0; i < f->ncm; i++) {
        const nm_comment *c = f->cm[i], *p = i ? f->cm[i - 1] : NULL;
        f->tcont[i] = p && c->own_line && !c->block && !p->block &&
                      (!p->own_line || f->tcont[i - 1]) && c->span.line == p->span.line + 1 &&
                      c->span.col == p->span.col;
    }
}

static void print_comment(fmt *f, const nm_comment *c)
{
    bool multiline = strchr(c->text, '\n') != NULL;
    int idx = (int)(f->ci - 1);
    if (f->tcont && idx >= 0 && f->cm[idx] == c && f->tcont[idx] && f->trail_col >= 0) {
        size_t n = strlen(c->text);
        while (n > 0 && (c->text[n - 1] == ' ' || c->text[n - 1] == '\t'))
            n--;
        newline(f);
        for (int i = 0; i < f->trail_col; i++)
            nm_buf_putc(&f->out, ' ');
        f->col = f->trail_col;
        f->bol = false;
        put(f, c->text, n);
        f->code = true;     /* a later continuation line still trails code */
        if (!f->nl)
            f->brk = true;
        note_end(f, c->span.end_off);
        return;
    }
    f->trail_col = -1;
    if (!c->own_line && f->code && !f->bol) {
        put(f, c->block ? " " : "  ", c->block ? 1 : 2);
        if (!c->block) {
            while (f->col < f->tc_col)
                put(f, " ", 1);
            f->trail_col = f->col;
        }
        put(f, c->text, strlen(c->text));
        if (!c->block || multiline)
            f->brk = true;
        else
            f->sp = true;
    } else {
        bool at_line = f->nl;
        int ind = f->nl ? f->nl_indent : f->cont;
        if (!f->nl && !f->brk && !f->bol)
            f->brk = true;
        begin(f, c->span.off);
        size_t n = strlen(c->text);
        while (!c->block && n > 0 && (c->text[n - 1] == ' ' || c->text[n - 1] == '\t'))
            n--;
        put(f, c->text, n);
        f->code = false;
        if (at_line) {
            f->nl = true;
            f->nl_indent = ind;
            f->nl_blank = true;
        } else {
            f->brk = true;
        }
    }
    note_end(f, c->span.end_off);
}

/* Prints the comments that start before source offset `off`. */
static void flush(fmt *f, size_t off)
{
    while (f->ci < f->ncm && f->cm[f->ci]->span.off < off)
        print_comment(f, f->cm[f->ci++]);
}

/* Writes text that stands for source bytes [off, end) (NOPOS when it has none). */
static void emit(fmt *f, const char *text, size_t off, size_t end)
{
    if (!f->dry && off != NOPOS)
        flush(f, off);
    begin(f, off);
    put(f, text, strlen(text));
    f->code = true;
    note_end(f, end);
}

static void sp(fmt *f) { f->sp = true; }

/* Starts a new line at indentation ind (a statement, a block item or a broken line). */
static void line_at(fmt *f, int ind, bool blank_ok)
{
    if (f->dry) {
        f->sp = true;
        return;
    }
    f->nl = true;
    f->nl_indent = ind;
    f->nl_blank = blank_ok;
    f->brk = false;
    f->sp = false;
}

static void pad_to(fmt *f, int col)
{
    while (f->col < col)
        put(f, " ", 1);
    f->sp = false;
}

/* Whether a comment starts strictly inside source bytes (a, b). */
static bool has_comment(const fmt *f, size_t a, size_t b)
{
    for (int i = f->ci; i < f->ncm; i++) {
        size_t o = f->cm[i]->span.off;
        if (o >= b)
            break;
        if (o > a)
            return true;
    }
    return false;
}

/* ---- tokens ----------------------------------------------------------------------------- */

static const struct { const char *en, *zh; } kwtab[] = {
    {"module", "模块"}, {"use", "使用"}, {"source", "来源"}, {"article", "条文"},
    {"articles", "条文范围"}, {"type", "类型"}, {"enum", "枚举"}, {"tiers", "层级"},
    {"list", "列表"}, {"map", "映射"}, {"table", "表"}, {"param", "参数"}, {"pred", "谓词"},
    {"attr", "属性"}, {"input", "输入"}, {"open", "开放"}, {"presumed", "推定"},
    {"rule", "规则"}, {"if", "如果"}, {"and", "并且"}, {"or", "或者"}, {"not", "非"},
    {"unless", "除非"}, {"exception", "例外"}, {"to", "于"}, {"in", "属于"},
    {"fact", "事实"}, {"case", "案例"}, {"expect", "期望"}, {"found", "认定"},
    {"entity", "实体"}, {"in_force", "施行"}, {"until", "失效"}, {"id", "文号"},
    {"rank", "位阶"}, {"renumbered", "改号"}, {"from", "自"}, {"text", "原文"},
    {"reading", "解读"}, {"zh", NULL}, {"en", NULL}, {"count", "计数"}, {"sum", "求和"},
    {"min", "最小"}, {"max", "最大"}, {"for", "对于"}, {"within", "之内"}, {"of", NULL},
    {"after", "之后"}, {"before", "之前"}, {"on", "于日"}, {"true", "真"}, {"false", "假"},
    {"unknown", "未知"}, {"by", "依据"}, {"explained", "解释为"}, {"decided", "判决日"},
    {"ref", "案号"}, {"lang", NULL}, {"person", "自然人"}, {"unit", "单位"},
};

static const char *zh_of(const char *en)
{
    for (size_t i = 0; i < sizeof kwtab / sizeof kwtab[0]; i++)
        if (strcmp(kwtab[i].en, en) == 0)
            return kwtab[i].zh;
    return NULL;
}

/* A keyword, in the spelling the source uses at this point (English if not found). */
static void kw(fmt *f, const char *en)
{
    size_t s, e;
    const char *zh = zh_of(en);
    int k = find(f, en, zh, NULL, &s, &e);
    if (k < 0) {
        emit(f, en, NOPOS, NOPOS);
        return;
    }
    emit(f, k == 0 ? en : zh, s, e);
}

/* Whether the next source token is the keyword en (either spelling). */
static bool peek_kw(const fmt *f, const char *en)
{
    size_t s, e;
    if (next_token(f, f->cur, &s, &e) != T_WORD)
        return false;
    const char *zh = zh_of(en);
    return tok_is(f, s, e, en) || tok_is(f, s, e, zh);
}

static bool peek_punct(const fmt *f, const char *p)
{
    size_t s, e;
    next_token(f, f->cur, &s, &e);
    return tok_is(f, s, e, p);
}

/* Punctuation or an operator: written as `text`, read from the source as text or alt. */
static void punct2(fmt *f, const char *text, const char *alt)
{
    size_t s, e;
    if (find(f, text, alt, NULL, &s, &e) < 0)
        emit(f, text, NOPOS, NOPOS);
    else
        emit(f, text, s, e);
}

static void punct(fmt *f, const char *text) { punct2(f, text, NULL); }

static void quoted(nm_buf *b, const char *s)
{
    nm_buf_putc(b, '"');
    const char *p = s;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &cp);
        if (k <= 0) {
            nm_buf_putc(b, *p++);
            continue;
        }
        int cat = utf8proc_category(cp);
        if (cp == '"')
            nm_buf_puts(b, "\\\"");
        else if (cp == '\\')
            nm_buf_puts(b, "\\\\");
        else if (cp == '\n')
            nm_buf_puts(b, "\\n");
        else if (cp == '\t')
            nm_buf_puts(b, "\\t");
        else if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
                 cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
                 cat == UTF8PROC_CATEGORY_CN || cat == UTF8PROC_CATEGORY_CO)
            nm_buf_printf(b, "\\u{%X}", (unsigned)cp);
        else
            nm_buf_putn(b, p, (size_t)k);
        p += k;
    }
    nm_buf_putc(b, '"');
}

/* A string literal with value s: written in canonical escapes, at the next string of the
 * source (pass the span when the tree has it). */
static void str_at(fmt *f, const char *s, size_t off, size_t end)
{
    nm_buf b = {0};
    quoted(&b, s);
    if (off == NOPOS) {
        size_t ts, te;
        size_t i = f->cur;
        for (;;) {
            int k = next_token(f, i, &ts, &te);
            if (k == T_STRING) {
                off = ts;
                end = te;
                break;
            }
            if (k == T_END || !(tok_is(f, ts, te, "(") || tok_is(f, ts, te, ")") ||
                                tok_is(f, ts, te, ",")))
                break;
            i = te;
        }
    }
    emit(f, nm_buf_str(&b), off, end);
}

static void str(fmt *f, const char *s) { str_at(f, s, NOPOS, NOPOS); }

/* Source bytes [a, b) with each run of white space written as one space, and none after
 * an opening or before a closing bracket. */
static const char *squeeze(const fmt *f, size_t a, size_t b)
{
    nm_buf r = {0};
    bool space = false;
    for (size_t i = a; i < b; i++) {
        char c = f->t[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space && r.len > 0 && r.data[r.len - 1] != '[' && c != ']')
            nm_buf_putc(&r, ' ');
        space = false;
        nm_buf_putc(&r, c);
    }
    return nm_buf_str(&r);
}

/* Source text of a token or a short construct, as written (white space squeezed). */
static void slice(fmt *f, nm_span s)
{
    emit(f, squeeze(f, s.off, s.end_off), s.off, s.end_off);
}

static void ident(fmt *f, nm_ident id)
{
    emit(f, id.text, id.span.off, id.span.end_off);
}

/* A type name: the keyword `text` keeps its spelling (原文). */
static void type_name(fmt *f, nm_ident id)
{
    if (strcmp(id.text, "text") == 0 && id.span.end_off > id.span.off)
        slice(f, id.span);
    else
        ident(f, id);
}

/* A citation, as written; canonical when a comment sits inside it. */
static void citation(fmt *f, const nm_citation *c)
{
    if (has_comment(f, c->span.off, c->span.end_off) || c->span.end_off <= c->span.off) {
        nm_buf b = {0};
        nm_citation_format(c, &b);
        emit(f, nm_buf_str(&b), c->span.off, c->span.end_off);
    } else {
        slice(f, c->span);
    }
}

static void cites(fmt *f, const nm_citation *c, int n)
{
    for (int i = 0; i < n; i++) {
        sp(f);
        citation(f, &c[i]);
    }
}

/* Citation parts of an article line, as written. */
static void parts(fmt *f, const nm_cit_part *p, int n)
{
    if (n <= 0)
        return;
    size_t a = p[0].span.off, b = p[n - 1].span.end_off;
    if (b <= a || has_comment(f, a, b)) {
        nm_buf buf = {0};
        for (int i = 0; i < n; i++) {
            if (i)
                nm_buf_putc(&buf, ' ');
            nm_citation_format_part(&p[i], &buf);
        }
        emit(f, nm_buf_str(&buf), a, b);
    } else {
        emit(f, squeeze(f, a, b), a, b);
    }
}

static void date(fmt *f, nm_date_lit d)
{
    if (d.span.end_off > d.span.off)
        slice(f, d.span);
    else
        emit(f, nm_sprintf("%04d-%02d-%02d", d.y, d.m, d.d), NOPOS, NOPOS);
}

/* ---- measuring ---------------------------------------------------------------------- */

typedef void (*printer)(fmt *f, const void *x);

/* The width in cells of what p prints for x on one line, without printing it. */
static int measure(fmt *f, printer p, const void *x)
{
    fmt save = *f;
    f->dry = true;
    f->out = (nm_buf){0};
    f->col = 0;
    f->bol = true;
    f->sp = false;
    f->nl = f->brk = false;
    p(f, x);
    int w = f->col;
    *f = save;
    return w;
}

/* ---- expressions -------------------------------------------------------------------- */

static int prec(const nm_node *n)
{
    switch (n->kind) {
    case NM_N_OR: return 1;
    case NM_N_AND: return 2;
    case NM_N_NOT: return 3;
    case NM_N_CMP: case NM_N_IN: case NM_N_WITHIN: return 4;
    case NM_N_ARITH:
        return n->u.binop.op == NM_OP_ADD || n->u.binop.op == NM_OP_SUB ? 5 : 6;
    case NM_N_NEG: return 7;
    default: return 8;
    }
}

static void expr(fmt *f, const nm_node *n);

static void open_paren(fmt *f)
{
    size_t s, e;
    if (next_token(f, f->cur, &s, &e) == T_OTHER && tok_is(f, s, e, "("))
        emit(f, "(", s, e);
    else
        emit(f, "(", NOPOS, NOPOS);
}

static void close_paren(fmt *f)
{
    size_t s, e;
    if (next_token(f, f->cur, &s, &e) == T_OTHER && tok_is(f, s, e, ")"))
        emit(f, ")", s, e);
    else
        emit(f, ")", NOPOS, NOPOS);
}

/* n, in parentheses when its precedence is below `need`. */
static void expr_p(fmt *f, const nm_node *n, int need)
{
    if (prec(n) < need) {
        open_paren(f);
        expr(f, n);
        close_paren(f);
    } else {
        expr(f, n);
    }
}

static void expr_list(fmt *f, nm_node *const *v, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) {
            punct(f, ",");
            sp(f);
        }
        expr(f, v[i]);
    }
}

static void atom(fmt *f, const nm_node *n)
{
    ident(f, n->u.atom.pred);
    punct(f, "(");
    expr_list(f, n->u.atom.args, n->u.atom.nargs);
    punct(f, ")");
}

static const char *const agg_kw[] = {"count", "sum", "min", "max"};
static const char *const within_kw[] = {"of", "after", "before"};

static void cmp_op(fmt *f, nm_op op)
{
    switch (op) {
    case NM_OP_NE: punct2(f, "!=", "≠"); break;
    case NM_OP_LE: punct2(f, "<=", "≤"); break;
    case NM_OP_GE: punct2(f, ">=", "≥"); break;
    default: punct(f, nm_op_text(op)); break;
    }
}

static void expr(fmt *f, const nm_node *n)
{
    switch (n->kind) {
    case NM_N_NAME: ident(f, n->u.name); break;
    case NM_N_WILDCARD: emit(f, "_", n->span.off, n->span.end_off); break;
    case NM_N_INT: case NM_N_DECIMAL: case NM_N_DATE: case NM_N_DURATION: case NM_N_BOOL:
        slice(f, n->span);
        break;
    case NM_N_STRING: str_at(f, n->u.lit.text, n->span.off, n->span.end_off); break;
    case NM_N_CITE: citation(f, &n->u.cite); break;
    case NM_N_SET:
        punct(f, "{");
        expr_list(f, n->u.set.items, n->u.set.nitems);
        punct(f, "}");
        break;
    case NM_N_ATOM: atom(f, n); break;
    case NM_N_AGG:
        kw(f, agg_kw[n->u.agg.op]);
        punct(f, "(");
        expr_list(f, n->u.agg.terms, n->u.agg.nterms);
        sp(f);
        kw(f, "for");
        sp(f);
        expr(f, n->u.agg.body);
        punct(f, ")");
        break;
    case NM_N_OR: case NM_N_AND: {
        int p = prec(n);
        expr_p(f, n->u.binop.lhs, p);
        sp(f);
        kw(f, n->kind == NM_N_OR ? "or" : "and");
        sp(f);
        expr_p(f, n->u.binop.rhs, p + 1);
        break;
    }
    case NM_N_ARITH: {
        int p = prec(n);
        expr_p(f, n->u.binop.lhs, p);
        sp(f);
        punct(f, nm_op_text(n->u.binop.op));
        sp(f);
        expr_p(f, n->u.binop.rhs, p + 1);
        break;
    }
    case NM_N_CMP:
        expr_p(f, n->u.binop.lhs, 5);
        sp(f);
        cmp_op(f, n->u.binop.op);
        sp(f);
        expr_p(f, n->u.binop.rhs, 5);
        break;
    case NM_N_IN:
        expr_p(f, n->u.binop.lhs, 5);
        sp(f);
        kw(f, "in");
        sp(f);
        expr_p(f, n->u.binop.rhs, 5);
        break;
    case NM_N_WITHIN:
        expr_p(f, n->u.within.lhs, 5);
        sp(f);
        kw(f, "within");
        sp(f);
        expr_p(f, n->u.within.dur, 5);
        sp(f);
        kw(f, within_kw[n->u.within.how]);
        sp(f);
        expr_p(f, n->u.within.rhs, 5);
        break;
    case NM_N_NOT:
        kw(f, "not");
        sp(f);
        expr_p(f, n->u.unop.operand, 3);
        break;
    case NM_N_NEG:
        punct(f, "-");
        expr_p(f, n->u.unop.operand, 8);
        break;
    default:
        emit(f, "?", NOPOS, NOPOS);
        break;
    }
}

static void expr_printer(fmt *f, const void *x) { expr(f, x); }

/* A formula whose top-level chain of `and` (or `or`) is broken one operand per line at
 * indentation ind, each later line starting with the operator; an operand that does not
 * fit is broken the same way, two columns deeper ([cli.fmt]). `need` as for expr_p. */
static void chain(fmt *f, const nm_node *n, int ind, int need)
{
    bool paren = prec(n) < need;
    if (paren)
        open_paren(f);
    if (n->kind != NM_N_AND && n->kind != NM_N_OR) {
        expr(f, n);
    } else {
        nm_vec items = {0};
        const nm_node *k = n;
        while (k->kind == n->kind) {
            nm_vec_push(&items, (void *)k->u.binop.rhs);
            k = k->u.binop.lhs;
        }
        nm_vec_push(&items, (void *)k);
        int p = prec(n);
        for (int i = items.n - 1; i >= 0; i--) {
            const nm_node *it = items.items[i];
            int in = i == items.n - 1 ? p : p + 1;
            if (i != items.n - 1) {
                line_at(f, ind, false);
                kw(f, n->kind == NM_N_OR ? "or" : "and");
                sp(f);
            }
            bool fits = f->col + 1 + measure(f, expr_printer, it) <= WIDTH;
            if (!fits && (it->kind == NM_N_AND || it->kind == NM_N_OR))
                chain(f, it, ind + 2, in);
            else
                expr_p(f, it, in);
        }
    }
    if (paren)
        close_paren(f);
}

/* ---- declarations -------------------------------------------------------------------- */

/* Whether source bytes [a, b) between two lines hold a blank line or a line with only a
 * comment: either ends an alignment run ([cli.fmt]). */
static bool breaks_run(const fmt *f, size_t a, size_t b);

static void window(fmt *f, nm_date_lit from, nm_date_lit until)
{
    if (from.present) {
        sp(f);
        kw(f, "in_force");
        sp(f);
        date(f, from);
    }
    if (until.present) {
        sp(f);
        kw(f, "until");
        sp(f);
        date(f, until);
    }
}

static void param_value_type(fmt *f, nm_ident type)
{
    if (*type.text) {
        punct(f, ":");
        sp(f);
        type_name(f, type);
    }
}

/* The labels of an enum member or the templates of a predicate, in the order written,
 * split into the first and second label (for alignment). which: 0 both, 1 the first
 * only, 2 the second only. A bare label keeps its bare form. */
static int nlabels(const char *zh, const char *en) { return (zh != NULL) + (en != NULL); }

static void labels(fmt *f, const char *zh, const char *en, bool en_first, int which,
                   int pad_first)
{
    en_first = en_first && zh && en;
    const char *first = en_first ? en : zh ? zh : en;
    const char *second = en_first ? zh : (zh && en) ? en : NULL;
    bool first_is_en = en_first || !zh;
    if (which != 2) {
        int start = f->nl ? f->nl_indent - 1 : f->col;
        sp(f);
        if (first_is_en) {
            kw(f, "en");
            sp(f);
        } else if (peek_kw(f, "zh")) {
            kw(f, "zh");
            sp(f);
        }
        str(f, first);
        if (pad_first > 0 && second)
            pad_to(f, start + pad_first);
    }
    if (second && which != 1) {
        sp(f);
        kw(f, first_is_en ? "zh" : "en");
        sp(f);
        str(f, second);
    }
}

typedef struct labelref {
    const char *zh, *en;
    bool en_first;
    int which;
} labelref;

static void labels_printer(fmt *f, const void *x)
{
    const labelref *l = x;
    labels(f, l->zh, l->en, l->en_first, l->which, 0);
}

static void entity(fmt *f, const nm_node *n)
{
    kw(f, "entity");
    sp(f);
    ident(f, n->u.entity.name);
    punct(f, ":");
    sp(f);
    if (n->u.entity.kind == NM_ENTITY_PERSON)
        kw(f, "person");
    else if (n->u.entity.kind == NM_ENTITY_UNIT)
        kw(f, "unit");
    else
        ident(f, n->u.entity.type);
    if (n->u.entity.label) {
        sp(f);
        str(f, n->u.entity.label);
    }
}

static void param(fmt *f, const nm_node *n)
{
    kw(f, "param");
    sp(f);
    ident(f, n->u.param.name);
    param_value_type(f, n->u.param.type);
    sp(f);
    punct(f, "=");
    sp(f);
    expr(f, n->u.param.value);
    cites(f, n->u.param.cites, n->u.param.ncites);
    if (n->u.param.is_reading) {
        sp(f);
        kw(f, "reading");
        if (n->u.param.reading) {
            sp(f);
            str(f, n->u.param.reading);
        }
    }
}

/* A fact or a finding, without its `on DATE`. */
static void fact_head(fmt *f, const void *x)
{
    const nm_node *n = x;
    if (n->kind == NM_N_FOUND) {
        kw(f, "found");
        sp(f);
    } else if (peek_kw(f, "fact")) {
        kw(f, "fact");
        sp(f);
    }
    if (n->u.fact.negated) {
        kw(f, "not");
        sp(f);
    }
    atom(f, n->u.fact.atom);
}

static void fact(fmt *f, const nm_node *n, int pad)
{
    int start = f->nl ? f->nl_indent : f->col;
    fact_head(f, n);
    if (n->u.fact.on.present) {
        if (pad > 0)
            pad_to(f, start + pad);
        sp(f);
        kw(f, "on");
        sp(f);
        date(f, n->u.fact.on);
    }
}

static void expect(fmt *f, const nm_node *n)
{
    kw(f, "expect");
    sp(f);
    if (n->u.expect.what == NM_EXPECT_NO) {
        kw(f, "not");
        sp(f);
    } else if (n->u.expect.what == NM_EXPECT_UNKNOWN) {
        kw(f, "unknown");
        sp(f);
    }
    atom(f, n->u.expect.atom);
    if (n->u.expect.by) {
        sp(f);
        kw(f, "by");
        sp(f);
        citation(f, n->u.expect.by);
    }
    if (n->u.expect.explained) {
        sp(f);
        kw(f, "explained");
        sp(f);
        str_at(f, n->u.expect.explained, n->u.expect.explained_span.off,
               n->u.expect.explained_span.end_off);
        if (*n->u.expect.lang.text) {
            sp(f);
            kw(f, "lang");
            sp(f);
            ident(f, n->u.expect.lang);
        }
    }
}

/* The header of a predicate or attribute, up to its templates. */
static void pred_header(fmt *f, const void *x)
{
    const nm_node *n = x;
    kw(f, n->u.pred.is_attr ? "attr" : "pred");
    sp(f);
    ident(f, n->u.pred.name);
    if (n->u.pred.nparams > 0 || peek_punct(f, "(")) {
        punct(f, "(");
        for (int i = 0; i < n->u.pred.nparams; i++) {
            if (i) {
                punct(f, ",");
                sp(f);
            }
            ident(f, n->u.pred.params[i].name);
            punct(f, ":");
            sp(f);
            type_name(f, n->u.pred.params[i].type);
        }
        punct(f, ")");
    }
    if (n->u.pred.is_attr) {
        punct(f, ":");
        sp(f);
        type_name(f, n->u.pred.attr_type);
    }
    if (n->u.pred.mode == NM_PRED_INPUT) {
        sp(f);
        kw(f, "input");
    } else if (n->u.pred.mode == NM_PRED_OPEN) {
        sp(f);
        kw(f, "open");
        if (n->u.pred.presumed_false) {
            sp(f);
            kw(f, "presumed");
            sp(f);
            kw(f, "false");
            cites(f, n->u.pred.presume_cites, n->u.pred.npresume_cites);
        }
    }
}

static int qwidth(const char *s)
{
    nm_buf b = {0};
    quoted(&b, s);
    return nm_display_width(b.data, b.len);
}

static bool pred_en_first(const nm_node *p)
{
    return p->u.pred.zh && p->u.pred.en && p->u.pred.en_span.off < p->u.pred.zh_span.off;
}

/* Alignment of a run of predicates ([cli.fmt]): inline (templates on the header line,
 * the header padded to w1) or on a continuation line; the first template padded to w2. */
typedef struct pred_layout {
    bool inline_;
    int w1, w2;
} pred_layout;

static void pred(fmt *f, const nm_node *n, pred_layout lay, int ind)
{
    int start = f->nl ? f->nl_indent : f->col;
    pred_header(f, n);
    if (!n->u.pred.zh && !n->u.pred.en)
        return;
    if (lay.inline_) {
        if (lay.w1 > 0)
            pad_to(f, start + lay.w1);
    } else {
        line_at(f, ind + 4, false);
    }
    labels(f, n->u.pred.zh, n->u.pred.en, pred_en_first(n), 0, lay.w2);
}

static void member(fmt *f, const nm_member *m, int w1, int w2)
{
    int start = f->nl ? f->nl_indent : f->col;
    ident(f, m->name);
    if (nlabels(m->zh, m->en) == 0)
        return;
    if (w1 > 0)
        pad_to(f, start + w1);
    labels(f, m->zh, m->en, peek_kw(f, "en"), 0, w2);
}

typedef struct member_ref {
    const nm_member *m;
    int w1, w2;
} member_ref;

static void member_printer(fmt *f, const void *x)
{
    const member_ref *r = x;
    member(f, r->m, r->w1, r->w2);
}

static void members_inline(fmt *f, const nm_node *n, const char *sep)
{
    for (int i = 0; i < n->u.enumd.nmembers; i++) {
        if (i) {
            if (*sep == ',') {
                punct(f, ",");
            } else {
                sp(f);
                punct(f, sep);
            }
            sp(f);
        }
        member(f, &n->u.enumd.members[i], 0, 0);
    }
}

static void enum_head(fmt *f, const nm_node *n)
{
    kw(f, n->kind == NM_N_TIERS ? "tiers" : "type");
    sp(f);
    ident(f, n->u.enumd.name);
    cites(f, n->u.enumd.cites, n->u.enumd.ncites);
    sp(f);
    punct(f, "=");
}

static void enum_flat(fmt *f, const void *x)
{
    const nm_node *n = x;
    enum_head(f, n);
    sp(f);
    if (n->kind == NM_N_TIERS) {
        members_inline(f, n, "<");
        return;
    }
    kw(f, "enum");
    sp(f);
    punct(f, "{");
    if (n->u.enumd.nmembers) {
        sp(f);
        members_inline(f, n, ",");
        sp(f);
    }
    punct(f, "}");
}

/* The closing bracket of a block written one item per line: comments before it stay
 * with the items. */
static void close_block(fmt *f, const char *p, int item_ind, int ind)
{
    size_t s, e;
    if (find(f, p, NULL, NULL, &s, &e) >= 0) {
        line_at(f, item_ind, true);
        flush(f, s);
    }
    line_at(f, ind, false);
    punct(f, p);
}

static void enum_decl(fmt *f, const nm_node *n, int ind)
{
    bool flat = !has_comment(f, n->span.off, n->span.end_off) &&
                ind + measure(f, enum_flat, n) <= WIDTH;
    if (flat) {
        enum_flat(f, n);
        return;
    }
    enum_head(f, n);
    sp(f);
    if (n->kind == NM_N_TIERS) {
        for (int i = 0; i < n->u.enumd.nmembers; i++) {
            line_at(f, ind + 4, false);
            if (i) {
                punct(f, "<");
                sp(f);
            }
            member(f, &n->u.enumd.members[i], 0, 0);
        }
        return;
    }
    kw(f, "enum");
    sp(f);
    punct(f, "{");
    int nm = n->u.enumd.nmembers;
    int i = 0;
    while (i < nm) {
        /* one alignment run of members */
        int j = i + 1;
        while (j < nm && !breaks_run(f, n->u.enumd.members[j - 1].span.end_off,
                                     n->u.enumd.members[j].span.off))
            j++;
        int w1 = 0, w2 = 0;
        size_t save = f->cur;
        for (int k = i; k < j; k++) {
            const nm_member *m = &n->u.enumd.members[k];
            int nl = nlabels(m->zh, m->en);
            if (nl > 0) {
                int w = nm_display_width(m->name.text, strlen(m->name.text));
                if (w > w1)
                    w1 = w;
            }
            if (nl == 2) {
                f->cur = m->name.span.end_off;
                labelref l = {m->zh, m->en, peek_kw(f, "en"), 1};
                int w = measure(f, labels_printer, &l);
                if (w > w2)
                    w2 = w;
            }
        }
        f->cur = save;
        if (j - i == 1)
            w1 = w2 = 0;
        int tc = 0;
        for (int k = i; k < j && j - i > 1; k++) {
            f->cur = n->u.enumd.members[k].span.off;
            member_ref mr = {&n->u.enumd.members[k], w1, w2 ? w2 + 1 : 0};
            int rw = ind + 2 + measure(f, member_printer, &mr) + 1 + 2;
            if (rw > tc)
                tc = rw;
        }
        f->cur = save;
        for (int k = i; k < j; k++) {
            line_at(f, ind + 2, true);
            member(f, &n->u.enumd.members[k], w1, w2 ? w2 + 1 : 0);
            punct(f, ",");
            f->tc_col = tc;
        }
        f->tc_col = 0;
        i = j;
    }
    close_block(f, "}", ind + 2, ind);
}

static void list_head(fmt *f, const nm_node *n)
{
    kw(f, "list");
    sp(f);
    ident(f, n->u.list.name);
    param_value_type(f, n->u.list.type);
    cites(f, n->u.list.cites, n->u.list.ncites);
    sp(f);
    punct(f, "=");
}

static void list_flat(fmt *f, const void *x)
{
    const nm_node *n = x;
    list_head(f, n);
    sp(f);
    expr_list(f, (nm_node *const *)n->u.list.values.items, n->u.list.values.n);
}

static void list_decl(fmt *f, const nm_node *n, int ind)
{
    if (!has_comment(f, n->span.off, n->span.end_off) &&
        ind + measure(f, list_flat, n) <= WIDTH) {
        list_flat(f, n);
        return;
    }
    list_head(f, n);
    line_at(f, ind + 4, false);
    int nv = n->u.list.values.n;
    for (int i = 0; i < nv; i++) {
        const nm_node *v = n->u.list.values.items[i];
        if (i) {
            punct(f, ",");
            int w = measure(f, expr_printer, v) + (i < nv - 1);
            if (!f->nl && !f->brk && f->col + 1 + w > WIDTH)
                line_at(f, ind + 4, false);
            else
                sp(f);
        }
        expr(f, v);
    }
}

static void entry_key(fmt *f, const void *x)
{
    const nm_map_entry *e = x;
    expr(f, e->key);
    punct(f, ":");
}

static void entry(fmt *f, const nm_map_entry *e, bool table, int pad)
{
    int start = f->nl ? f->nl_indent : f->col;
    entry_key(f, e);
    if (pad > 0)
        pad_to(f, start + pad);
    sp(f);
    if (table) {
        punct(f, "[");
        int at = f->col;
        for (int i = 0; i < e->values.n; i++) {
            const nm_node *v = e->values.items[i];
            if (i) {
                punct(f, ",");
                int w = measure(f, expr_printer, v) + 1;
                if (!f->dry && !f->nl && !f->brk && f->col + 1 + w > WIDTH)
                    line_at(f, at, false);
                else
                    sp(f);
            }
            expr(f, v);
        }
        punct(f, "]");
    } else {
        expr(f, e->value);
    }
}

typedef struct entry_ref {
    const nm_map_entry *e;
    bool table;
    int pad;
} entry_ref;

static void entry_printer(fmt *f, const void *x)
{
    const entry_ref *r = x;
    entry(f, r->e, r->table, r->pad);
}

static void map_head(fmt *f, const nm_node *n)
{
    kw(f, n->kind == NM_N_MAP ? "map" : "table");
    sp(f);
    ident(f, n->u.mapd.name);
    punct(f, ":");
    sp(f);
    type_name(f, n->u.mapd.key_type);
    sp(f);
    punct2(f, "->", "→");
    sp(f);
    type_name(f, n->u.mapd.value_type);
    cites(f, n->u.mapd.cites, n->u.mapd.ncites);
    sp(f);
    punct(f, "=");
    sp(f);
    punct(f, "{");
}

static void map_flat(fmt *f, const void *x)
{
    const nm_node *n = x;
    map_head(f, n);
    for (int i = 0; i < n->u.mapd.nentries; i++) {
        if (i)
            punct(f, ",");
        sp(f);
        entry(f, &n->u.mapd.entries[i], n->kind == NM_N_TABLE, 0);
    }
    if (n->u.mapd.nentries)
        sp(f);
    punct(f, "}");
}

static void map_decl(fmt *f, const nm_node *n, int ind)
{
    if (!has_comment(f, n->span.off, n->span.end_off) &&
        ind + measure(f, map_flat, n) <= WIDTH) {
        map_flat(f, n);
        return;
    }
    map_head(f, n);
    int ne = n->u.mapd.nentries;
    int i = 0;
    while (i < ne) {
        int j = i + 1;
        while (j < ne && !breaks_run(f, n->u.mapd.entries[j - 1].span.end_off,
                                     n->u.mapd.entries[j].span.off))
            j++;
        int w = 0;
        size_t save = f->cur;
        for (int k = i; k < j && j - i > 1; k++) {
            f->cur = n->u.mapd.entries[k].span.off;
            int kw_ = measure(f, entry_key, &n->u.mapd.entries[k]);
            if (kw_ > w)
                w = kw_;
        }
        int tc = 0;
        for (int k = i; k < j && j - i > 1; k++) {
            f->cur = n->u.mapd.entries[k].span.off;
            entry_ref er = {&n->u.mapd.entries[k], n->kind == NM_N_TABLE, w};
            int rw = ind + 2 + measure(f, entry_printer, &er) + 1 + 2;
            if (rw > tc)
                tc = rw;
        }
        f->cur = save;
        for (int k = i; k < j; k++) {
            line_at(f, ind + 2, true);
            entry(f, &n->u.mapd.entries[k], n->kind == NM_N_TABLE, w);
            punct(f, ",");
            f->tc_col = tc;
        }
        f->tc_col = 0;
        i = j;
    }
    close_block(f, "}", ind + 2, ind);
}

/* `HEAD if BODY unless BODY`, the line of a rule's block. */
typedef struct rule_line {
    const nm_node *n;
    bool broken;
    int ind;
} rule_line;

static void rule_body(fmt *f, const void *x)
{
    const rule_line *r = x;
    const nm_node *n = r->n;
    int cont = r->ind + 4;
    if (n->u.rule.head_negated) {
        kw(f, "not");
        sp(f);
    }
    atom(f, n->u.rule.head);
    if (n->u.rule.body) {
        sp(f);
        kw(f, "if");
        sp(f);
        if (r->broken)
            chain(f, n->u.rule.body, cont, 0);
        else
            expr(f, n->u.rule.body);
    }
    if (n->u.rule.unless) {
        if (r->broken)
            line_at(f, cont, false);
        else
            sp(f);
        kw(f, "unless");
        sp(f);
        if (r->broken && f->col + 1 + measure(f, expr_printer, n->u.rule.unless) > WIDTH)
            chain(f, n->u.rule.unless, cont + 2, 0);
        else
            expr(f, n->u.rule.unless);
    }
}

static void rule(fmt *f, const nm_node *n, int ind)
{
    kw(f, "rule");
    sp(f);
    ident(f, n->u.rule.label);
    cites(f, n->u.rule.cites, n->u.rule.ncites);
    window(f, n->u.rule.from, n->u.rule.until);
    if (n->u.rule.nexc) {
        sp(f);
        kw(f, "exception");
        sp(f);
        kw(f, "to");
        for (int i = 0; i < n->u.rule.nexc; i++) {
            if (i)
                punct(f, ",");
            sp(f);
            ident(f, n->u.rule.exception_to[i]);
        }
    }
    punct(f, ":");
    int bind = ind + 2;
    line_at(f, bind, false);
    f->cont = bind + 4;
    rule_line r = {n, false, bind};
    r.broken = has_comment(f, n->u.rule.head->span.off, n->span.end_off) ||
               bind + measure(f, rule_body, &r) > WIDTH;
    rule_body(f, &r);
}

static void source_item(fmt *f, const nm_node *n)
{
    if (n->kind == NM_N_ARTICLES) {
        kw(f, "articles");
        sp(f);
        parts(f, &n->u.articles.first, 1);
        sp(f);
        punct(f, "..");
        sp(f);
        parts(f, &n->u.articles.last, 1);
        return;
    }
    kw(f, "article");
    sp(f);
    parts(f, n->u.article.parts, n->u.article.nparts);
    window(f, n->u.article.from, n->u.article.until);
    if (n->u.article.new_parts) {
        sp(f);
        kw(f, "renumbered");
        sp(f);
        parts(f, n->u.article.new_parts, n->u.article.new_nparts);
        sp(f);
        kw(f, "from");
        sp(f);
        date(f, n->u.article.renumber_from);
    }
    if (n->u.article.text) {
        sp(f);
        kw(f, "text");
        sp(f);
        str(f, n->u.article.text);
    }
}

static void source_opts(fmt *f, const void *x)
{
    const nm_node *n = x;
    if (n->u.source.doc_id) {
        sp(f);
        kw(f, "id");
        sp(f);
        str(f, n->u.source.doc_id);
    }
    if (*n->u.source.rank.text) {
        sp(f);
        kw(f, "rank");
        sp(f);
        ident(f, n->u.source.rank);
    }
    window(f, n->u.source.from, n->u.source.until);
}

static void source_head(fmt *f, const void *x)
{
    const nm_node *n = x;
    kw(f, "source");
    sp(f);
    ident(f, n->u.source.name);
    sp(f);
    str(f, n->u.source.title ? n->u.source.title : "");
}

/* Whether the source between two statements has a blank line (they are in different
 * alignment runs). */
static bool breaks_run(const fmt *f, size_t a, size_t b)
{
    if (gap_blank(f, a, b))
        return true;
    for (int i = f->ci; i < f->ncm; i++) {
        const nm_comment *c = f->cm[i];
        if (c->span.off >= b)
            break;
        if (c->span.off > a && c->own_line && !(f->tcont && f->tcont[i]))
            return true;
    }
    return false;
}

static bool separated(const fmt *f, const nm_node *a, const nm_node *b)
{
    return breaks_run(f, a->span.end_off, b->span.off);
}

static void items(fmt *f, nm_node *const *v, int n, int ind, size_t end);

/* Comments after the last item of a block and before `next` that are indented deeper
 * than the block's header stay in the block. */
static void block_tail(fmt *f, const nm_node *header, int item_ind, size_t next)
{
    int hcol = header->span.col;
    while (f->ci < f->ncm && f->cm[f->ci]->span.off < next &&
           (f->cm[f->ci]->span.col > hcol || !f->cm[f->ci]->own_line)) {
        if (f->cm[f->ci]->own_line)
            line_at(f, item_ind, true);
        print_comment(f, f->cm[f->ci++]);
    }
}

static void statement(fmt *f, const nm_node *n, int ind, int pad, pred_layout pl, size_t next)
{
    f->cont = ind + 4;
    switch (n->kind) {
    case NM_N_MODULE: kw(f, "module"); sp(f); ident(f, n->u.name); break;
    case NM_N_USE: kw(f, "use"); sp(f); ident(f, n->u.name); break;
    case NM_N_SOURCE: {
        source_head(f, n);
        int w = measure(f, source_head, n);
        int wo = measure(f, source_opts, n);
        if (ind + w + wo + (n->u.source.articles.n ? 1 : 0) > WIDTH && wo > 0)
            line_at(f, ind + 4, false);
        source_opts(f, n);
        if (n->u.source.articles.n) {
            punct(f, ":");
            items(f, (nm_node *const *)n->u.source.articles.items, n->u.source.articles.n,
                  ind + 2, next);
            block_tail(f, n, ind + 2, next);
        }
        break;
    }
    case NM_N_ARTICLE: case NM_N_ARTICLES: source_item(f, n); break;
    case NM_N_ENUM: case NM_N_TIERS: enum_decl(f, n, ind); break;
    case NM_N_ENTITY_TYPE:
        enum_head(f, n);
        sp(f);
        kw(f, "entity");
        break;
    case NM_N_ENTITY: entity(f, n); break;
    case NM_N_LIST: list_decl(f, n, ind); break;
    case NM_N_MAP: case NM_N_TABLE: map_decl(f, n, ind); break;
    case NM_N_PARAM: param(f, n); break;
    case NM_N_PRED: pred(f, n, pl, ind); break;
    case NM_N_FACT: case NM_N_FOUND: fact(f, n, pad); break;
    case NM_N_RULE:
        rule(f, n, ind);
        block_tail(f, n, ind + 2, next);
        break;
    case NM_N_CASE:
        kw(f, "case");
        sp(f);
        ident(f, n->u.casedecl.name);
        if (n->u.casedecl.title) {
            sp(f);
            str(f, n->u.casedecl.title);
        }
        if (n->u.casedecl.ref) {
            sp(f);
            kw(f, "ref");
            sp(f);
            str(f, n->u.casedecl.ref);
        }
        if (n->u.casedecl.decided.present) {
            sp(f);
            kw(f, "decided");
            sp(f);
            date(f, n->u.casedecl.decided);
        }
        punct(f, ":");
        items(f, (nm_node *const *)n->u.casedecl.items.items, n->u.casedecl.items.n, ind + 2,
              next);
        block_tail(f, n, ind + 2, next);
        break;
    case NM_N_EXPECT: expect(f, n); break;
    default: emit(f, "?", NOPOS, NOPOS); break;
    }
}

/* The layout of the run of predicates starting at v[i]; sets *len to the run's length. */
static pred_layout pred_run(fmt *f, nm_node *const *v, int n, int i, int ind, int *len)
{
    pred_layout lay = {true, 0, 0};
    int j = i;
    while (j < n && v[j]->kind == NM_N_PRED &&
           !has_comment(f, v[j]->span.off, v[j]->span.end_off) &&
           (j == i || !separated(f, v[j - 1], v[j])))
        j++;
    if (j == i) {   /* a predicate with comments inside: alone, inline */
        *len = 1;
        return lay;
    }
    *len = j - i;
    size_t save = f->cur;
    int hw[j - i], t1[j - i], t2[j - i];
    for (int k = i; k < j; k++) {
        const nm_node *p = v[k];
        const char *zh = p->u.pred.zh, *en = p->u.pred.en;
        f->cur = p->span.off;
        hw[k - i] = measure(f, pred_header, p);
        bool enf = pred_en_first(p);
        const char *first = enf ? en : zh ? zh : en;
        const char *second = enf ? zh : (zh && en) ? en : NULL;
        t1[k - i] = first ? 3 + qwidth(first) : 0;
        t2[k - i] = second ? 3 + qwidth(second) : 0;
        if (first && hw[k - i] > lay.w1)
            lay.w1 = hw[k - i];
        if (second && t1[k - i] > lay.w2)
            lay.w2 = t1[k - i];
    }
    f->cur = save;
    for (int k = 0; k < j - i; k++) {
        if (!t1[k])
            continue;
        int w = ind + lay.w1 + 1 + (t2[k] ? lay.w2 + 1 + t2[k] : t1[k]);
        if (w > WIDTH)
            lay.inline_ = false;
    }
    if (*len == 1 || !lay.inline_)
        lay.w1 = 0;
    if (*len == 1)
        lay.w2 = 0;
    lay.w2 = lay.w2 > 0 ? lay.w2 + 1 : 0;
    return lay;
}

/* The width of the fact part before `on` shared by the run of dated facts at v[i]. */
static int fact_run(fmt *f, nm_node *const *v, int n, int i, int *len)
{
    int j = i, w = 0;
    size_t save = f->cur;
    while (j < n && v[j]->kind == NM_N_FACT && v[j]->u.fact.on.present &&
           !has_comment(f, v[j]->span.off, v[j]->span.end_off) &&
           (j == i || !separated(f, v[j - 1], v[j]))) {
        f->cur = v[j]->span.off;
        int k = measure(f, fact_head, v[j]);
        if (k > w)
            w = k;
        j++;
    }
    f->cur = save;
    *len = j - i;
    return *len > 1 ? w : 0;
}

/* Prints statements v[0..n) each on its own line at ind; `end` bounds the last one. */
static void items(fmt *f, nm_node *const *v, int n, int ind, size_t end)
{
    int run = 0, pad = 0;
    pred_layout pl = {true, 0, 0};
    for (int i = 0; i < n; i++) {
        if (run == 0) {
            pad = 0;
            pl = (pred_layout){true, 0, 0};
            if (v[i]->kind == NM_N_PRED)
                pl = pred_run(f, v, n, i, ind, &run);
            else if (v[i]->kind == NM_N_FACT)
                pad = fact_run(f, v, n, i, &run);
            if (run == 0)
                run = 1;
        }
        run--;
        line_at(f, ind, true);
        size_t next = i + 1 < n ? v[i + 1]->span.off : end;
        statement(f, v[i], ind, pad, pl, next);
    }
}

/* ---- the whole file ------------------------------------------------------------------ */

static const char *format_file(const nm_ast_file *a)
{
    fmt f = {0};
    f.t = a->src->text;
    f.len = a->src->len;
    f.cm = (nm_comment **)a->comments.items;
    f.ncm = a->comments.n;
    f.bol = true;
    f.last_end = 0;
    f.trail_col = -1;
    mark_continuations(&f);
    line_at(&f, 0, false);
    items(&f, (nm_node *const *)a->decls.items, a->decls.n, 0, f.len);
    line_at(&f, 0, true);
    flush(&f, NOPOS);
    if (f.out.len > 0 && !f.bol)
        newline(&f);
    return nm_buf_str(&f.out);
}

static const char *dump(const nm_ast_file *a)
{
    nm_buf b = {0};
    nm_ast_dump(a, &b);
    for (int i = 0; i < a->comments.n; i++) {
        const nm_comment *c = a->comments.items[i];
        size_t n = strlen(c->text);
        while (!c->block && n > 0 && (c->text[n - 1] == ' ' || c->text[n - 1] == '\t'))
            n--;
        nm_buf_puts(&b, "comment ");
        nm_buf_putn(&b, c->text, n);
        nm_buf_putc(&b, '\n');
    }
    return nm_buf_str(&b);
}

const char *nm_fmt_source(const nm_srcfile *src, nm_diags *ds)
{
    int before = nm_diags_errors(ds);
    nm_ast_file *a = nm_parse(src, ds, 0);
    if (nm_diags_errors(ds) > before)
        return NULL;
    const char *text = format_file(a);
    nm_srcfile *out = nm_alloc(sizeof *out);
    out->path = src->path;
    out->text = text;
    out->len = strlen(text);
    nm_diags *ds2 = nm_diags_new();
    nm_ast_file *b = nm_parse(out, ds2, 0);
    if (nm_diags_errors(ds2) > 0 || strcmp(dump(a), dump(b)) != 0) {
        nm_span nowhere = {0};
        nm_error(ds, nowhere, "E-fmt",
                 "internal error: the canonical form of '%s' would not keep its meaning "
                 "and comments; the file is left as it is",
                 src->path);
        return NULL;
    }
    return text;
}

/* ---- files ---------------------------------------------------------------------------- */

static char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    nm_buf b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
        nm_buf_putn(&b, chunk, k);
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        errno = EIO;
        return NULL;
    }
    *len = b.len;
    return b.data ? b.data : nm_strdup("");
}

/* Replaces path's contents with text: a temporary file in the same directory, written,
 * flushed to disk and renamed over path (keeping its permission bits). */
static bool write_atomic(const char *path, const char *text, size_t len)
{
    const char *slash = strrchr(path, '/');
    char *tmp = slash ? nm_sprintf("%.*s/.%s.fmt-XXXXXX", (int)(slash - path), path, slash + 1)
                      : nm_sprintf(".%s.fmt-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = true;
    if (stat(path, &st) == 0)
        ok = fchmod(fd, st.st_mode & 07777) == 0;
    size_t done = 0;
    while (ok && done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            ok = false;
        else
            done += (size_t)w;
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return false;
    }
    const char *dir = slash ? nm_strndup(path, (size_t)(slash - path)) : ".";
    int dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return true;
}

int nm_fmt_paths(const char *const *paths, int npaths, nm_fmt_mode mode, FILE *out, FILE *err)
{
    nm_vec files = {0};
    int status = 0;
    nm_diags *ds = nm_diags_new();
    nm_span nowhere = {0};
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        const char *p = paths[i];
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            size_t n = strlen(p);
            while (n > 1 && p[n - 1] == '/')
                n--;
            int before = files.n;
            nm_vec unreadable = {0};
            nm_collect_norma_files(nm_strndup(p, n), &files, true, &unreadable);
            for (int k = 0; k < unreadable.n; k++) {
                nm_error(ds, nowhere, "E-read", "%s", (char *)unreadable.items[k]);
                status = 2;
            }
            if (files.n == before && unreadable.n == 0) {
                nm_error(ds, nowhere, "E-read", "no .norma files in directory '%s'", p);
                status = 2;
            }
        } else {
            nm_vec_push(&files, (void *)p);
        }
    }
    for (int i = 0; i < files.n; i++) {
        const char *path = files.items[i];
        size_t len = 0;
        char *text = read_all(path, &len);
        if (!text) {
            nm_error(ds, nowhere, "E-read", "cannot read '%s': %s", path, strerror(errno));
            status = 2;
            continue;
        }
        nm_srcfile *src = nm_alloc(sizeof *src);
        src->path = path;
        src->text = text;
        src->len = len;
        const char *res = nm_fmt_source(src, ds);
        if (!res) {
            if (status == 0)
                status = 1;
            continue;
        }
        size_t rlen = strlen(res);
        bool same = rlen == len && memcmp(res, text, len) == 0;
        if (mode == NM_FMT_PRINT) {
            fwrite(res, 1, rlen, out);
        } else if (mode == NM_FMT_CHECK) {
            if (!same) {
                fprintf(out, "%s\n", path);
                if (status == 0)
                    status = 1;
            }
        } else if (!same && !write_atomic(path, res, rlen)) {
            nm_error(ds, nowhere, "E-write", "cannot write '%s': %s", path, strerror(errno));
            status = 2;
        }
    }
    if (nm_diags_count(ds) > 0)
        nm_diags_render_text(ds, err);
    return status;
}
