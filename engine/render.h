/* render.h — renderers of explanations ([expl.text], [expl.json], [expl.dot]): the tree
 * of explain.h as an indented text tree in Chinese or English, as JSON (jansson), or
 * as a Graphviz digraph. Last stage after explain; deterministic: the output depends
 * only on the tree. */
#ifndef NM_RENDER_H
#define NM_RENDER_H

#include "explain.h"
#include "mem.h"

/* color: ANSI colours for a terminal (truth words, citations, the tree's lines). */
void nm_render_text(const nm_explanation *x, nm_lang lang, bool color, nm_buf *out);
void nm_render_json(const nm_explanation *x, nm_buf *out);
void nm_render_dot(const nm_explanation *x, nm_lang lang, nm_buf *out);

/* The sentence of an atom through its predicate's template in lang (the other
 * language's template, else the atom itself, when it has none). */
const char *nm_render_sentence(const nm_explanation *x, const nm_x_node *n, nm_lang lang);

#endif
