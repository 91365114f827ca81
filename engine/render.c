/* render.c — explanations as text (zh, en), JSON and DOT ([expl.text], [expl.json],
 * [expl.dot]). Reads only the tree of explain.h and the program's templates, labels
 * and citations; one line per node; nothing depends on hashing or memory order. */
#include "render.h"

#include "date.h"

#include <jansson.h>
#include <string.h>

#include "value.h"

/* ---- values and sentences ------------------------------------------------------------ */

/* The label of a constant cell in lang (an entity's label is its zh label), else its
 * name; NULL when the cell is no constant. */
static const char *const_label(const nm_explanation *x, nm_cell v, nm_lang lang)
{
    const nm_program *p = x->prog;
    const nm_lowered *lw = x->lw;
    int best = -1;
    for (int i = 0; i < p->nconsts; i++) {
        if (lw->const_cell[i] != v)
            continue;
        if (p->consts[i].case_id == lw->case_id || best < 0)
            best = i;
    }
    if (best < 0)
        return NULL;
    const nm_pconst *k = &p->consts[best];
    if (k->kind == NM_CONST_MEMBER) {
        if (lang == NM_LANG_ZH && k->zh)
            return k->zh;
        if (lang == NM_LANG_EN && k->en)
            return k->en;
        return k->name;
    }
    return lang == NM_LANG_ZH && k->zh ? k->zh : k->name;
}

static const char *value_text(const nm_explanation *x, nm_cell v, nm_lang lang)
{
    if (v == NM_CELL_NONE)
        return "?";
    nm_val_kind k = nm_val_kind_of(v);
    if (k == NM_VAL_ENUM || k == NM_VAL_ENTITY) {
        const char *l = const_label(x, v, lang);
        if (l)
            return l;
    }
    return k == NM_VAL_CITE ? nm_val_format_literal(v) : nm_val_format(v);
}

static const char *fill(const nm_explanation *x, const nm_x_node *n, const char *tpl, nm_lang lang)
{
    const nm_ppred *pd = &x->prog->preds[n->pred];
    nm_buf b = {0};
    for (const char *s = tpl; *s;) {
        if (*s == '{') {
            const char *e = strchr(s, '}');
            if (e) {
                size_t len = (size_t)(e - s - 1);
                int j = -1;
                for (int a = 0; a < pd->arity && j < 0; a++)
                    if (pd->arg_names[a] && strlen(pd->arg_names[a]) == len &&
                        strncmp(pd->arg_names[a], s + 1, len) == 0)
                        j = a;
                if (j >= 0) {
                    if (n->tuple[j] == NM_CELL_NONE)
                        nm_buf_printf(&b, "?%s", n->var_names && n->var_names[j] ? n->var_names[j]
                                                                                  : pd->arg_names[j]);
                    else
                        nm_buf_puts(&b, value_text(x, n->tuple[j], lang));
                    s = e + 1;
                    continue;
                }
            }
        }
        nm_buf_putc(&b, *s++);
    }
    return nm_buf_str(&b);
}

const char *nm_render_sentence(const nm_explanation *x, const nm_x_node *n, nm_lang lang)
{
    if (n->pred < 0 || !n->tuple)
        return n->text;
    const nm_ppred *pd = &x->prog->preds[n->pred];
    const char *tpl = lang == NM_LANG_ZH ? (pd->zh ? pd->zh : pd->en) : (pd->en ? pd->en : pd->zh);
    const char *s;
    if (!tpl && pd->origin == NM_ORIGIN_LIST && pd->arity == 1 && n->tuple[0] != NM_CELL_NONE) {
        s = nm_sprintf(lang == NM_LANG_ZH ? "%s属于%s" : "%s is in %s",
                       value_text(x, n->tuple[0], lang), pd->name);
    } else if (tpl) {
        s = fill(x, n, tpl, lang);
    } else {
        /* the atom itself, without a leading "not " */
        s = n->text && strncmp(n->text, "not ", 4) == 0 ? n->text + 4 : n->text;
    }
    if (n->negated)
        return nm_sprintf("%s%s", lang == NM_LANG_ZH ? "并非：" : "not: ", s);
    return s;
}

/* Colours of the text tree on a terminal ([cli.color]): on only while nm_render_text
 * paints (the DOT renderer shares line() and never does). */
static bool painting;
#define PAINT_GLYPH "\033[2m"      /* the tree's lines: dim */
#define PAINT_CITE "\033[36m"      /* citations: cyan */
#define PAINT_YES "\033[1;32m"
#define PAINT_NO "\033[1;31m"
#define PAINT_UNKNOWN "\033[1;33m"
#define PAINT_LABEL "\033[1m"      /* rule labels: bold */

static const char *paint(const char *code) { return painting ? code : ""; }
static const char *unpaint(void) { return painting ? "\033[0m" : ""; }

static const char *truth_paint(nm_truth t)
{
    return paint(t == NM_YES ? PAINT_YES : t == NM_UNKNOWN ? PAINT_UNKNOWN : PAINT_NO);
}

/* A citation as it reads on the decision date ([sem.time.renumber]): when the cited
 * article was renumbered on or before that date, its new number, then the declared one
 * — `[网络安全法 第23条 第3项（原第21条）]`. Without a decision date, or before the
 * renumbering, the citation as declared. (The finer rule of [sem.time.renumber], the
 * date a rule's own in_force_on test bound, is not applied yet.) */
static void put_cite(const nm_explanation *x, const nm_pcite *pc, nm_buf *b)
{
    const nm_citation *ct = pc->cite;
    if (x && x->lw && x->lw->decision != NM_CELL_NONE && pc->source >= 0 && pc->article >= 0 &&
        ct->nparts > 0 && ct->parts[0].kind == NM_CIT_ARTICLE) {
        const nm_psource *src = &x->prog->sources[pc->source];
        for (int i = 0; i < src->narticles; i++) {
            const nm_particle *a = &src->articles[i];
            if (!a->new_parts || !a->renumber_from.present || a->nparts < 1 ||
                a->parts[0].kind != NM_CIT_ARTICLE || a->parts[0].number != ct->parts[0].number ||
                a->parts[0].sub != ct->parts[0].sub)
                continue;
            nm_date from;
            if (!nm_date_from_ymd(a->renumber_from.y, a->renumber_from.m, a->renumber_from.d, &from) ||
                nm_val_get_date(x->lw->decision) < from)
                break;
            nm_citation now = *ct;
            nm_cit_part *parts = nm_alloc(sizeof *parts * (size_t)(ct->nparts + a->new_nparts + 1));
            int k = 0;
            for (int j = 0; j < a->new_nparts; j++)
                parts[k++] = a->new_parts[j];
            for (int j = a->nparts; j < ct->nparts; j++)
                parts[k++] = ct->parts[j];
            now.parts = parts;
            now.nparts = k;
            nm_buf nb = {0};
            nm_citation_format(&now, &nb);
            nm_buf old = {0};
            nm_citation_format_part(&ct->parts[0], &old);
            /* "[… 第23条 第3项]" + "（原第21条）" before the closing bracket */
            nm_buf_putn(b, nm_buf_str(&nb), nb.len - 1);
            nm_buf_printf(b, "（原%s）]", nm_buf_str(&old));
            return;
        }
    }
    nm_citation_format(ct, b);
}

static void put_cites(const nm_explanation *x, const nm_x_node *n, nm_buf *b)
{
    for (int i = 0; i < n->ncites; i++) {
        nm_buf_printf(b, " %s", paint(PAINT_CITE));
        put_cite(x, &n->cites[i], b);
        nm_buf_puts(b, unpaint());
    }
}

static const char *truth_word(nm_truth t, nm_lang lang)
{
    if (lang == NM_LANG_ZH)
        return t == NM_YES ? "是" : t == NM_UNKNOWN ? "不确定" : "否";
    return t == NM_YES ? "yes" : t == NM_UNKNOWN ? "unknown" : "no";
}

static const char *note_text(const char *t, nm_lang lang)
{
    if (lang == NM_LANG_EN)
        return t;
    if (strcmp(t, "head cannot match") == 0)
        return "其结论与所问不合";
    if (strcmp(t, "no rule concludes it") == 0)
        return "没有规则得出此结论";
    if (strcmp(t, "? (no witness found)") == 0)
        return "？（未找到实例）";
    return t;
}

/* One node as one line (no indentation, no newline). */
static void line(const nm_explanation *x, const nm_x_node *n, nm_lang lang, nm_buf *b)
{
    bool zh = lang == NM_LANG_ZH;
    const char *s = nm_render_sentence(x, n, lang);
    switch (n->kind) {
    case NM_X_ANSWER:
        nm_buf_printf(b, "%s%s%s%s%s", s, zh ? "：" : ": ", truth_paint(n->truth),
                      truth_word(n->truth, lang), unpaint());
        if (n->tags & NM_TAG_PRESUMED)
            nm_buf_puts(b, zh ? "（依推定）" : " (presumed)");
        if (n->tags & NM_TAG_CONFLICT)
            nm_buf_puts(b, zh ? "（冲突）" : " (conflict)");
        return;
    case NM_X_RULE:
        nm_buf_puts(b, s);
        if (n->rule) {
            nm_buf_printf(b, " ← %s %s%s%s", zh ? "规则" : "rule", paint(PAINT_LABEL), n->rule->label,
                          unpaint());
            if (n->nbranches > 1)
                nm_buf_printf(b, zh ? "（第%d支）" : " (branch %d)", n->branch);
        }
        put_cites(x, n, b);
        if (n->truth == NM_UNKNOWN)
            nm_buf_printf(b, "%s%s%s", paint(PAINT_UNKNOWN), zh ? "（不确定）" : " (unknown)", unpaint());
        if (n->see_above)
            nm_buf_puts(b, zh ? "（见上）" : " (see above)");
        return;
    case NM_X_FACT:
        nm_buf_printf(b, "%s ← %s", s, zh ? "事实" : "fact");
        if (n->where && strcmp(n->where, "decided") == 0)
            nm_buf_puts(b, zh ? "（裁判日）" : " (the decision date)");
        else if (n->where)
            nm_buf_printf(b, " %s", n->where);
        put_cites(x, n, b);
        return;
    case NM_X_FOUND:
        nm_buf_printf(b, "%s ← %s", s, zh ? "法院认定" : "found by the court");
        if (n->where)
            nm_buf_printf(b, " %s", n->where);
        return;
    case NM_X_UNKNOWN:
        if (n->truth == NM_YES || n->truth == NM_NO) {
            nm_buf_puts(b, n->text);
            return;
        }
        if (n->nitems > 0) {
            nm_buf_puts(b, n->text);
            return;
        }
        if (n->formal) {
            nm_buf_puts(b, s);
            return;
        }
        nm_buf_printf(b, "%s%s%s%s", s, paint(PAINT_UNKNOWN),
                      zh ? "：不确定（未认定）" : ": unknown (not stated or found)", unpaint());
        return;
    case NM_X_NOT:
        nm_buf_puts(b, s);
        if (n->where)
            nm_buf_printf(b, " ← %s %s", zh ? "事实" : "fact", n->where);
        return;
    case NM_X_PRESUMED:
        nm_buf_printf(b, "%s%s ← %s", zh ? "推定" : "assuming ", s, zh ? "推定" : "presumption");
        put_cites(x, n, b);
        return;
    case NM_X_EXCEPTION:
        nm_buf_printf(b, zh ? "例外 %s" : "exception %s", n->text);
        put_cites(x, n, b);
        nm_buf_printf(b, zh ? " 不适用（对规则 %s）" : " did not apply (to rule %s)", n->rule->label);
        return;
    case NM_X_DEFEATED:
        if (strcmp(n->text, "unless") == 0) {
            nm_buf_printf(b, zh ? "规则 %s 因其除外条款（unless）不适用" : "rule %s is defeated by its unless clause",
                          n->rule->label);
            return;
        }
        nm_buf_printf(b, zh ? "规则 %s 被例外 %s" : "rule %s is defeated by exception %s", n->rule->label, n->text);
        put_cites(x, n, b);
        if (zh)
            nm_buf_puts(b, " 排除");
        return;
    case NM_X_CMP:
        nm_buf_puts(b, n->text);
        return;
    case NM_X_TEST:
        if (n->cmp) {
            bool in = strcmp(n->cmp, "in_force") == 0;
            if (n->rule)
                nm_buf_printf(b, zh ? "规则 %s 于 %s %s" : "rule %s is %s on %s", n->value,
                              zh ? n->threshold : (in ? "in force" : "not in force"),
                              zh ? (in ? "有效" : "无效") : n->threshold);
            else
                nm_buf_printf(b, zh ? "%s 于 %s %s" : "%s is %s on %s", n->value,
                              zh ? n->threshold : (in ? "in force" : "not in force"),
                              zh ? (in ? "已施行" : "未施行") : n->threshold);
            return;
        }
        nm_buf_puts(b, n->text);
        return;
    case NM_X_AGG:
        nm_buf_printf(b, "%s = %s", n->text, n->value);
        if (n->cmp)
            nm_buf_printf(b, " %s %s", n->cmp, n->threshold);
        if (n->nitems) {
            nm_buf_puts(b, zh ? "：" : ": ");
            for (int i = 0; i < n->nitems; i++)
                nm_buf_printf(b, "%s%s", i ? (zh ? "、" : ", ") : "", n->items[i]);
            if (n->nrest)
                nm_buf_printf(b, zh ? " 及另外 %llu 项" : " and %llu more", (unsigned long long)n->nrest);
        }
        return;
    case NM_X_PARAM:
        nm_buf_printf(b, "%s %s", zh ? "参数" : "parameter", n->text);
        put_cites(x, n, b);
        if (n->overridden)
            nm_buf_printf(b, zh ? "（本案设定；默认 %s）" : " (set by the case; default %s)", n->overridden);
        if (n->param && n->param->is_reading) {
            if (n->param->reading)
                nm_buf_printf(b, zh ? "（解释性选择：%s）" : " (a reading: %s)", n->param->reading);
            else
                nm_buf_puts(b, zh ? "（解释性选择）" : " (a reading)");
        }
        return;
    case NM_X_NOT_IN_FORCE:
        if (n->cmp && n->threshold)
            nm_buf_printf(b, zh ? "不成立：%s 于 %s %s" : "fails: %s is %s on %s", n->value,
                          zh ? n->threshold : (strcmp(n->cmp, "in_force") == 0 ? "not in force" : "in force"),
                          zh ? (strcmp(n->cmp, "in_force") == 0 ? "未施行" : "已施行") : n->threshold);
        else
            nm_buf_printf(b, zh ? "未施行：%s" : "not in force: %s", n->text);
        if (n->rule) {
            nm_buf_printf(b, zh ? "（规则 %s" : " (rule %s", n->rule->label);
            if (n->rule->eff_from.present)
                nm_buf_printf(b, zh ? "，施行于 %04d-%02d-%02d" : ", in force from %04d-%02d-%02d",
                              n->rule->eff_from.y, n->rule->eff_from.m, n->rule->eff_from.d);
            if (n->rule->eff_until.present)
                nm_buf_printf(b, zh ? "，至 %04d-%02d-%02d" : " until %04d-%02d-%02d",
                              n->rule->eff_until.y, n->rule->eff_until.m, n->rule->eff_until.d);
            nm_buf_puts(b, zh ? "）" : ")");
        }
        put_cites(x, n, b);
        return;
    case NM_X_CONFLICT:
        nm_buf_printf(b, zh ? "冲突：“%s”既被得出又被否定，且两规则之间无例外关系" :
                              "conflict: %s is both concluded and denied, neither rule an exception to the other",
                      nm_render_sentence(x, n, lang));
        return;
    case NM_X_WHY_NOT:
        nm_buf_printf(b, "%s %s", zh ? "规则" : "rule", n->rule->label);
        put_cites(x, n, b);
        return;
    case NM_X_TRY:
        if (n->binding && *n->binding)
            nm_buf_printf(b, zh ? "取 %s，" : "with %s, ", n->binding);
        if (n->nbranches > 1)
            nm_buf_printf(b, zh ? "第%d支，" : "branch %d, ", n->branch);
        if (zh)
            nm_buf_printf(b, "%d 项条件中 %d 项成立", n->total, n->held);
        else
            nm_buf_printf(b, "%d of %d conditions hold", n->held, n->total);
        if (n->nchildren == 0)
            nm_buf_puts(b, zh ? "（全部成立）" : " (all hold)");
        return;
    case NM_X_FAIL:
        nm_buf_printf(b, "%s%s%s%s", paint(PAINT_NO), zh ? "不成立：" : "fails at: ", unpaint(),
                      n->pred >= 0 ? s : n->text);
        put_cites(x, n, b);
        return;
    case NM_X_NO_FACT:
        nm_buf_printf(b, "%s%s%s%s", paint(PAINT_NO), zh ? "无此事实：" : "no such fact: ", unpaint(), s);
        put_cites(x, n, b);
        return;
    case NM_X_MISSING:
        if (n->rule) {
            nm_buf_printf(b, zh ? "规则 %s" : "rule %s", n->rule->label);
            put_cites(x, n, b);
            nm_buf_puts(b, zh ? " 尚待认定：" : " still needs:");
        } else {
            nm_buf_puts(b, zh ? "尚待认定：" : "still needs:");
        }
        return;
    case NM_X_SETTLE:
        if (zh)
            nm_buf_printf(b, "可确定为“%s”的最小认定集（%s）：%s", n->to_yes ? "是" : "否",
                          n->exact ? "精确" : "贪心", n->none_found ? "未找到" : "");
        else
            nm_buf_printf(b, "settles it %s (%s):%s", n->to_yes ? "yes" : "no",
                          n->exact ? "exact" : "greedy", n->none_found ? " none found" : "");
        return;
    case NM_X_NOTE:
        nm_buf_puts(b, note_text(n->text, lang));
        return;
    }
}

/* ---- text ---------------------------------------------------------------------------- */

static void text_node(const nm_explanation *x, const nm_x_node *n, nm_lang lang, const char *prefix,
                      const char *branch, nm_buf *out)
{
    if (*prefix || *branch)
        nm_buf_printf(out, "%s%s%s%s", paint(PAINT_GLYPH), prefix, branch, unpaint());
    line(x, n, lang, out);
    nm_buf_putc(out, '\n');
    const char *cont = strcmp(branch, "├─ ") == 0 ? "│  " : *branch ? "   " : "";
    const char *next = nm_sprintf("%s%s", prefix, cont);
    for (int i = 0; i < n->nchildren; i++)
        text_node(x, n->children[i], lang, next, i + 1 < n->nchildren ? "├─ " : "└─ ", out);
}

void nm_render_text(const nm_explanation *x, nm_lang lang, bool color, nm_buf *out)
{
    painting = color;
    for (int i = 0; i < x->nanswers; i++)
        text_node(x, x->answers[i], lang, "", "", out);
    painting = false;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static json_t *cite_json(const nm_pcite *pc)
{
    nm_buf b = {0};
    nm_citation_format(pc->cite, &b);
    json_t *parts = json_array();
    for (int i = 0; i < pc->cite->nparts; i++) {
        nm_buf p = {0};
        nm_citation_format_part(&pc->cite->parts[i], &p);
        json_array_append_new(parts, json_string(nm_buf_str(&p)));
    }
    return json_pack("{s:s, s:s, s:o}", "text", nm_buf_str(&b), "source", pc->cite->source, "parts",
                     parts);
}

static const char *truth_json(nm_truth t)
{
    return t == NM_YES ? "yes" : t == NM_UNKNOWN ? "unknown" : "no";
}

static json_t *node_json(const nm_explanation *x, const nm_x_node *n)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(nm_x_kind_name(n->kind)));
    if (n->see_above)
        json_object_set_new(o, "see_above", json_true());
    if (n->text)
        json_object_set_new(o, "text", json_string(n->text));
    if (n->pred >= 0 && n->tuple) {
        const nm_ppred *pd = &x->prog->preds[n->pred];
        json_t *args = json_array();
        for (int j = 0; j < pd->arity; j++)
            json_array_append_new(args, n->tuple[j] == NM_CELL_NONE
                                            ? json_null()
                                            : json_string(nm_val_format_literal(n->tuple[j])));
        json_object_set_new(o, "atom", json_pack("{s:s, s:o, s:b}", "pred", pd->name, "args", args,
                                                 "negated", n->negated));
        json_object_set_new(o, "sentence",
                            json_pack("{s:s, s:s}", "zh", nm_render_sentence(x, n, NM_LANG_ZH), "en",
                                      nm_render_sentence(x, n, NM_LANG_EN)));
    }
    if (n->kind == NM_X_ANSWER || n->kind == NM_X_RULE || n->kind == NM_X_FACT ||
        n->kind == NM_X_FOUND || (n->kind == NM_X_UNKNOWN && n->truth != 0))
        json_object_set_new(o, "truth", json_string(truth_json(n->truth)));
    if (n->kind == NM_X_ANSWER) {
        json_t *tags = json_array();
        if (n->tags & NM_TAG_PRESUMED)
            json_array_append_new(tags, json_string("presumed"));
        if (n->tags & NM_TAG_CONFLICT)
            json_array_append_new(tags, json_string("conflict"));
        json_object_set_new(o, "tags", tags);
    }
    if (n->rule) {
        json_t *r = json_pack("{s:s}", "label", n->rule->label);
        if (n->nbranches > 0) {
            json_object_set_new(r, "branch", json_integer(n->branch));
            json_object_set_new(r, "branches", json_integer(n->nbranches));
        }
        json_object_set_new(o, "rule", r);
    }
    if (n->ncites) {
        json_t *cs = json_array();
        for (int i = 0; i < n->ncites; i++)
            json_array_append_new(cs, cite_json(&n->cites[i]));
        json_object_set_new(o, "citations", cs);
    }
    if (n->where)
        json_object_set_new(o, "where", json_string(n->where));
    if (n->kind == NM_X_AGG) {
        json_t *items = json_array();
        for (int i = 0; i < n->nitems; i++)
            json_array_append_new(items, json_string(n->items[i]));
        json_t *a = json_pack("{s:s, s:o, s:I}", "value", n->value, "items", items, "more",
                              (json_int_t)n->nrest);
        if (n->cmp) {
            json_object_set_new(a, "cmp", json_string(n->cmp));
            json_object_set_new(a, "threshold", json_string(n->threshold));
        }
        json_object_set_new(o, "aggregate", a);
    }
    if (n->kind == NM_X_PARAM && n->param) {
        json_t *p = json_pack("{s:s, s:s, s:b}", "name", n->param->name, "value", n->value, "reading",
                              n->param->is_reading);
        if (n->param->reading)
            json_object_set_new(p, "justification", json_string(n->param->reading));
        if (n->overridden)
            json_object_set_new(p, "default", json_string(n->overridden));
        json_object_set_new(o, "parameter", p);
    }
    if (n->kind == NM_X_TRY) {
        json_object_set_new(o, "binding", json_string(n->binding ? n->binding : ""));
        json_object_set_new(o, "held", json_integer(n->held));
        json_object_set_new(o, "total", json_integer(n->total));
    }
    if (n->kind == NM_X_UNKNOWN && n->nitems) {
        json_t *vals = json_array();
        for (int i = 0; i < n->nitems; i++)
            json_array_append_new(vals, json_string(n->items[i]));
        json_t *d = json_pack("{s:o}", "values", vals);
        if (n->value)
            json_object_set_new(d, "list", json_string(n->value));
        json_object_set_new(o, "domain", d);
    }
    if (n->kind == NM_X_SETTLE)
        json_object_set_new(o, "settle", json_pack("{s:s, s:b, s:b}", "to", n->to_yes ? "yes" : "no",
                                                   "exact", n->exact, "none_found", n->none_found));
    if (n->nchildren) {
        json_t *ch = json_array();
        for (int i = 0; i < n->nchildren; i++)
            json_array_append_new(ch, node_json(x, n->children[i]));
        json_object_set_new(o, "children", ch);
    }
    return o;
}

void nm_render_json(const nm_explanation *x, nm_buf *out)
{
    json_t *answers = json_array();
    for (int i = 0; i < x->nanswers; i++)
        json_array_append_new(answers, node_json(x, x->answers[i]));
    json_t *root = json_pack("{s:s, s:s, s:o}", "schema", "norma-explanation/1", "query", x->query,
                             "answers", answers);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    nm_buf_puts(out, s);
    nm_buf_putc(out, '\n');
    free(s);
    json_decref(root);
}

/* ---- DOT ----------------------------------------------------------------------------- */

static void dot_escape(const char *s, nm_buf *out)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            nm_buf_putc(out, '\\');
        nm_buf_putc(out, *s);
    }
}

static int dot_node(const nm_explanation *x, const nm_x_node *n, nm_lang lang, int *next, nm_buf *out)
{
    int id = (*next)++;
    nm_buf l = {0};
    line(x, n, lang, &l);
    nm_buf_printf(out, "  n%d [label=\"", id);
    dot_escape(nm_buf_str(&l), out);
    nm_buf_puts(out, "\"");
    if (n->kind == NM_X_ANSWER)
        nm_buf_puts(out, ", style=bold");
    else if (n->kind == NM_X_FACT || n->kind == NM_X_FOUND)
        nm_buf_puts(out, ", shape=note");
    else if (n->kind == NM_X_UNKNOWN || n->kind == NM_X_PRESUMED)
        nm_buf_puts(out, ", style=dashed");
    nm_buf_puts(out, "];\n");
    for (int i = 0; i < n->nchildren; i++) {
        int c = dot_node(x, n->children[i], lang, next, out);
        nm_buf_printf(out, "  n%d -> n%d;\n", id, c);
    }
    return id;
}

void nm_render_dot(const nm_explanation *x, nm_lang lang, nm_buf *out)
{
    nm_buf_puts(out, "digraph explanation {\n  rankdir=TB;\n  node [shape=box, fontname=\"sans-serif\"];\n");
    int next = 0;
    for (int i = 0; i < x->nanswers; i++)
        dot_node(x, x->answers[i], lang, &next, out);
    nm_buf_puts(out, "}\n");
}

static bool result_color;

void nm_set_result_color(bool on) { result_color = on; }

void nm_explanation_render(const nm_explanation *x, nm_explain_format format, nm_lang lang, FILE *out)
{
    if (!x)
        return;
    nm_buf b = {0};
    if (format == NM_FORMAT_JSON)
        nm_render_json(x, &b);
    else if (format == NM_FORMAT_DOT)
        nm_render_dot(x, lang, &b);
    else
        nm_render_text(x, lang, result_color, &b);
    fwrite(nm_buf_str(&b), 1, b.len, out);
}
