/* build.h — the AST builders the parser's actions call (private to grammar/).
 * Each builder makes one node with its span and checks only what is purely
 * syntactic (part order in a citation, a condition where a condition must be);
 * names, types and meaning are left to engine/check. Implemented in ast.c. */
#ifndef NM_BUILD_H
#define NM_BUILD_H

#include "ast.h"

/* Citation parts as read from one or more adjacent part tokens. */
typedef struct nm_partlist {
    nm_cit_part *v;
    int n;
} nm_partlist;

/* A duration literal as the lexer reads it. */
typedef struct nm_durlit {
    const char *amount;   /* digits, underscores removed */
    nm_dur_unit unit;
} nm_durlit;

/* An `in_force D [until D]` window; builders take a pointer, NULL when absent. */
typedef struct nm_window {
    nm_date_lit from, until;
} nm_window;

/* zh/en labels or templates; builders take a pointer, NULL when absent. */
typedef struct nm_labels {
    const char *zh, *en;
    nm_span zh_span, en_span;
} nm_labels;

/* Builders allocate from `a` (NULL: each object with nm_alloc) until the next call;
 * returns the arena used before. nm_parse sets one for the whole tree of a file. */
nm_arena *nm_b_use_arena(nm_arena *a);
/* Zeroed, scanned memory from the current arena: for everything a tree holds. */
void *nm_b_alloc(size_t size);

nm_partlist nm_b_parts_cat(nm_partlist a, nm_partlist b);
nm_partlist nm_b_section(const char *text, nm_span span);

/* A citation [SOURCE parts]; reports parts out of order (article, paragraph, item,
 * sub-item) to ds. */
nm_citation *nm_b_citation(nm_diags *ds, nm_span span, nm_ident source, nm_partlist parts);
/* Copies a vector of nm_citation* into an array; returns the count. */
int nm_b_cites(nm_vec *v, nm_citation **out);

nm_node *nm_b_named(nm_node_kind kind, nm_span span, nm_ident name);
nm_node *nm_b_source(nm_span span, nm_ident name, const char *title, const char *doc_id,
                     nm_ident rank, const nm_window *w, nm_vec *articles);
nm_node *nm_b_article(nm_diags *ds, nm_span span, nm_partlist parts, const nm_window *w,
                      nm_partlist *renumbered, nm_date_lit renumber_from, const char *text);
nm_node *nm_b_articles(nm_diags *ds, nm_span span, nm_partlist first, nm_partlist last);
nm_member *nm_b_member(nm_span span, nm_ident name, const nm_labels *labels);
nm_node *nm_b_enum(nm_node_kind kind, nm_span span, nm_ident name, nm_vec *cites,
                   nm_vec *members);
nm_node *nm_b_entity(nm_span span, nm_ident name, nm_entity_kind kind, const char *label);
/* `entity NAME: TYPE "label"` with a type name (kind NM_ENTITY_TYPED). */
nm_node *nm_b_entity_typed(nm_span span, nm_ident name, nm_ident type, const char *label);
nm_node *nm_b_list(nm_diags *ds, nm_span span, nm_ident name, nm_ident type, nm_vec *cites, nm_vec *values);
nm_map_entry *nm_b_entry(nm_diags *ds, nm_span span, nm_node *key, nm_node *value,
                        nm_vec *values);
nm_node *nm_b_map(nm_node_kind kind, nm_span span, nm_ident name, nm_ident key_type,
                  nm_ident value_type, nm_vec *cites, nm_vec *entries);
nm_node *nm_b_param(nm_diags *ds, nm_span span, nm_ident name, nm_ident type, nm_node *value,
                    nm_vec *cites, bool is_reading, const char *reading);
nm_param_decl *nm_b_param_decl(nm_ident name, nm_ident type);
nm_node *nm_b_pred(nm_span span, nm_ident name, nm_vec *params, bool is_attr,
                   nm_ident attr_type, nm_pred_mode mode, bool presumed_false,
                   nm_vec *presume_cites, const nm_labels *templates);
nm_node *nm_b_fact(nm_node_kind kind, nm_span span, nm_node *atom, bool negated,
                   nm_date_lit on);
nm_node *nm_b_rule(nm_diags *ds, nm_span span, nm_ident label, nm_vec *cites,
                   const nm_window *w, nm_vec *exception_to, nm_node *head,
                   bool head_negated, nm_node *body, nm_node *unless);
nm_node *nm_b_case(nm_span span, nm_ident name, const char *title, const char *ref,
                   nm_date_lit decided, nm_vec *items);
nm_node *nm_b_expect(nm_span span, nm_expect_kind what, nm_node *atom, nm_citation *by,
                     const char *explained, nm_span explained_span, nm_ident lang);

/* Terms and formulas. The grammar reads both with one expression syntax; which is a
 * condition and which a value is checked by engine/check, not here. */
nm_node *nm_b_lit(nm_node_kind kind, nm_span span, const char *text);
nm_node *nm_b_bool(nm_span span, bool b);
nm_node *nm_b_date(nm_span span, nm_date_lit d);
nm_node *nm_b_duration(nm_span span, nm_durlit d);
nm_node *nm_b_cite(nm_span span, nm_citation *c);
nm_node *nm_b_set(nm_diags *ds, nm_span span, nm_vec *items);
nm_node *nm_b_atom(nm_diags *ds, nm_span span, nm_ident pred, nm_vec *args);
nm_node *nm_b_binop(nm_diags *ds, nm_node_kind kind, nm_op op, nm_span span, nm_node *lhs,
                    nm_node *rhs);
nm_node *nm_b_unop(nm_diags *ds, nm_node_kind kind, nm_span span, nm_node *operand);
nm_node *nm_b_agg(nm_diags *ds, nm_span span, nm_agg_op op, nm_vec *terms, nm_node *body);
nm_node *nm_b_within(nm_diags *ds, nm_span span, nm_within_kind how, nm_node *lhs,
                     nm_node *dur, nm_node *rhs);
/* Marks a position where a condition is expected; returns n (the checker reports
 * values there). */
nm_node *nm_b_formula(nm_diags *ds, nm_node *n);

/* The deepest nesting of n's subtree (1 for a leaf); computed without recursion. */
int nm_ast_depth(const nm_node *n);

#endif
