/* ast.h — the syntax tree the parser builds and the checker reads.
 * The grammar only builds these nodes (with a source span on every node); names,
 * types and meaning are resolved by engine/check. Node kinds come from one X-macro
 * list. A parse allocates its tree in one collected arena (mem.h, nm_arena). */
#ifndef NM_AST_H
#define NM_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "../engine/diag.h"
#include "../engine/mem.h"

/* ---- citations ------------------------------------------------------------------ */

/* One part of a citation: 第N条之M (article), 第N款, 第N项, 第N目, or a doctrine
 * section "3.1" (kind NM_CIT_SECTION, with `section` holding the text). */
#define NM_CIT_KINDS(X) \
    X(ARTICLE, "条")    \
    X(PARAGRAPH, "款")  \
    X(ITEM, "项")       \
    X(SUBITEM, "目")    \
    X(SECTION, "")

typedef enum nm_cit_kind {
#define X(name, zh) NM_CIT_##name,
    NM_CIT_KINDS(X)
#undef X
} nm_cit_kind;

typedef struct nm_cit_part {
    nm_cit_kind kind;
    int64_t number;       /* normalised Arabic value; 0 for SECTION */
    int64_t sub;          /* 之N suffix, 0 if none */
    const char *section;  /* SECTION only: "3.1" */
    nm_span span;
} nm_cit_part;

typedef struct nm_citation {
    const char *source;   /* the source's short name, NFC */
    nm_span source_span;
    nm_cit_part *parts;   /* in order written */
    int nparts;
    nm_span span;         /* the whole [...] */
} nm_citation;

/* Appends the canonical form "[刑法 第286条之一 第1款]" to b. */
void nm_citation_format(const nm_citation *c, nm_buf *b);
/* Appends one part in canonical form ("第286条之一", "3.1") to b. */
void nm_citation_format_part(const nm_cit_part *p, nm_buf *b);
/* Parses one part token text such as "第二百八十六条之一" or "第3条第1项" (several
 * parts written together). Returns the number of parts written to out (at most max),
 * or -1 if the text is not a well-formed citation part sequence. Each part's span has
 * only off/end_off set, relative to text (the lexer rebases them). */
int nm_citation_parse_parts(const char *text, nm_cit_part *out, int max);
/* Value of a Chinese or Arabic numeral ("二百八十六", "286", "十九", "两"), or -1. */
int64_t nm_numeral_value(const char *text, size_t len);

/* ---- nodes ---------------------------------------------------------------------- */

#define NM_NODE_KINDS(X)                                                            \
    /* declarations */                                                              \
    X(MODULE)     /* name */                                                        \
    X(USE)        /* name */                                                        \
    X(SOURCE)     /* source */                                                      \
    X(ARTICLE)    /* article (inside a source) */                                   \
    X(ARTICLES)   /* article range (inside a source) */                             \
    X(ENUM)       /* enumd: type NAME = enum {...} */                              \
    X(TIERS)      /* enumd: tiers NAME = a < b < c */                              \
    X(ENTITY_TYPE) /* enumd, no members: type NAME = entity */                    \
    X(ENTITY)     /* entity */                                                      \
    X(LIST)       /* list */                                                        \
    X(MAP)        /* mapd */                                                        \
    X(TABLE)      /* mapd with set values */                                        \
    X(PARAM)      /* param */                                                       \
    X(PRED)       /* pred (also attr) */                                            \
    X(FACT)       /* fact */                                                        \
    X(RULE)       /* rule */                                                        \
    X(CASE)       /* casedecl */                                                    \
    X(FOUND)      /* fact, inside a case: a court finding */                        \
    X(EXPECT)     /* expect */                                                      \
    /* terms and expressions */                                                     \
    X(NAME)       /* name: a variable or a constant, resolved by the checker */     \
    X(WILDCARD)   /* _ */                                                           \
    X(INT)        /* lit.text */                                                    \
    X(DECIMAL)    /* lit.text */                                                    \
    X(STRING)     /* lit.text (unescaped, NFC) */                                   \
    X(BOOL)       /* lit.b */                                                       \
    X(DATE)       /* lit.y/m/d as written; validity is checked by the checker */    \
    X(DURATION)   /* lit.text = amount digits, lit.unit */                          \
    X(CITE)       /* cite: a citation used as a value */                            \
    X(SET)        /* list: { a, b } */                                              \
    X(ARITH)      /* binop: + - * / */                                              \
    X(NEG)        /* unop: unary minus */                                           \
    X(AGG)        /* agg */                                                         \
    /* formulas */                                                                  \
    X(ATOM)       /* atom */                                                        \
    X(AND)        /* binop */                                                       \
    X(OR)         /* binop */                                                       \
    X(NOT)        /* unop */                                                        \
    X(CMP)        /* binop: = != < <= > >= */                                       \
    X(IN)         /* binop: lhs in rhs (rhs a NAME of a list, or a SET) */          \
    X(WITHIN)     /* within */

typedef enum nm_node_kind {
#define X(name) NM_N_##name,
    NM_NODE_KINDS(X)
#undef X
    NM_N__COUNT
} nm_node_kind;

const char *nm_node_kind_name(nm_node_kind k);

typedef enum nm_op {
    NM_OP_ADD, NM_OP_SUB, NM_OP_MUL, NM_OP_DIV,
    NM_OP_EQ, NM_OP_NE, NM_OP_LT, NM_OP_LE, NM_OP_GT, NM_OP_GE,
} nm_op;

const char *nm_op_text(nm_op op);   /* "+", "<=", ... */

#ifndef NM_DUR_UNIT_DEFINED /* also defined, identically, by engine/date.h */
#define NM_DUR_UNIT_DEFINED
typedef enum nm_dur_unit { NM_DUR_DAYS, NM_DUR_WEEKS, NM_DUR_MONTHS, NM_DUR_YEARS } nm_dur_unit;
#endif

typedef enum nm_agg_op { NM_AGG_COUNT, NM_AGG_SUM, NM_AGG_MIN, NM_AGG_MAX } nm_agg_op;

typedef enum nm_within_kind { NM_WITHIN_OF, NM_WITHIN_AFTER, NM_WITHIN_BEFORE } nm_within_kind;

typedef enum nm_pred_mode {
    NM_PRED_DERIVED,    /* concluded by rules */
    NM_PRED_INPUT,      /* closed input: absent means false */
    NM_PRED_OPEN,       /* open input: absent means unknown */
} nm_pred_mode;

typedef enum nm_expect_kind {
    NM_EXPECT_YES, NM_EXPECT_NO, NM_EXPECT_UNKNOWN,
} nm_expect_kind;

/* `entity x: person`, `entity x: unit`, or `entity x: TypeName` (TYPED: the type is
 * named in entity.type and resolved by the checker). */
typedef enum nm_entity_kind { NM_ENTITY_PERSON, NM_ENTITY_UNIT, NM_ENTITY_TYPED } nm_entity_kind;

typedef struct nm_node nm_node;

/* A name with its span (identifiers, dotted module names). */
typedef struct nm_ident {
    const char *text;   /* NFC, "" if absent */
    nm_span span;
} nm_ident;

/* An optional date as written; `present` false when absent. */
typedef struct nm_date_lit {
    bool present;
    int y, m, d;
    nm_span span;
} nm_date_lit;

/* A member of an enum or tiers: name and labels (NULL when absent). */
typedef struct nm_member {
    nm_ident name;
    const char *zh, *en;
    nm_span span;
} nm_member;

/* A typed argument of a predicate: `name: Type`. */
typedef struct nm_param_decl {
    nm_ident name;
    nm_ident type;
} nm_param_decl;

/* One entry of a map or table: key -> value (map) or key -> [values] (table). */
typedef struct nm_map_entry {
    nm_node *key;
    nm_node *value;     /* map */
    nm_vec values;      /* table: nm_node* */
    nm_span span;
} nm_map_entry;

/* A node has room for the member of `u` that its kind uses (the kinds' comments
 * above), not for the whole union: read only that member, and never copy a node by
 * value. */
struct nm_node {
    nm_node_kind kind;
    nm_span span;
    union {
        nm_ident name;                 /* MODULE, USE, NAME */
        struct {                       /* SOURCE */
            nm_ident name;             /* short name used in citations */
            const char *title;
            const char *doc_id;        /* NULL if absent */
            nm_ident rank;             /* 法律 / 行政法规 / 部门规章 / 司法解释 / doctrine */
            nm_date_lit from, until;
            nm_vec articles;           /* ARTICLE and ARTICLES nodes */
        } source;
        struct {                       /* ARTICLE */
            nm_cit_part *parts;        /* the reference within its source */
            int nparts;
            nm_date_lit from, until;
            nm_cit_part *new_parts;    /* renumbered to; NULL if not */
            int new_nparts;
            nm_date_lit renumber_from;
            const char *text;          /* exact text, NULL if not given */
        } article;
        struct {                       /* ARTICLES: first .. last (article parts) */
            nm_cit_part first, last;
        } articles;
        struct {                       /* ENUM, TIERS, ENTITY_TYPE (no members) */
            nm_ident name;
            nm_citation *cites;        /* array of ncites */
            int ncites;
            nm_member *members;
            int nmembers;
        } enumd;
        struct {                       /* ENTITY */
            nm_ident name;
            nm_entity_kind kind;
            const char *label;         /* NULL if absent */
            nm_ident type;             /* TYPED: the type name; text "" otherwise */
        } entity;
        struct {                       /* LIST */
            nm_ident name;
            nm_ident type;
            nm_citation *cites;
            int ncites;
            nm_vec values;             /* nm_node* terms */
        } list;
        struct {                       /* MAP, TABLE */
            nm_ident name;
            nm_ident key_type, value_type;
            nm_citation *cites;
            int ncites;
            nm_map_entry *entries;
            int nentries;
        } mapd;
        struct {                       /* PARAM (also a case override) */
            nm_ident name;
            nm_ident type;             /* text "" when inferred */
            nm_node *value;
            nm_citation *cites;
            int ncites;
            bool is_reading;
            const char *reading;       /* the reading's justification, may be NULL */
        } param;
        struct {                       /* PRED */
            nm_ident name;
            nm_param_decl *params;
            int nparams;
            bool is_attr;              /* attr: value type in attr_type */
            nm_ident attr_type;
            nm_pred_mode mode;
            bool presumed_false;
            nm_citation *presume_cites;
            int npresume_cites;
            const char *zh, *en;       /* templates, NULL if absent */
            nm_span zh_span, en_span;
        } pred;
        struct {                       /* FACT, FOUND */
            nm_node *atom;             /* an ATOM */
            bool negated;              /* `not A`: stated false */
            nm_date_lit on;            /* `A on DATE` */
        } fact;
        struct {                       /* RULE */
            nm_ident label;
            nm_citation *cites;
            int ncites;
            nm_date_lit from, until;   /* in_force window, if given */
            nm_ident *exception_to;    /* labels; nexc == 0 if not an exception */
            int nexc;
            nm_node *head;             /* an ATOM */
            bool head_negated;
            nm_node *body;             /* formula, NULL for a labelled fact */
            nm_node *unless;           /* formula, NULL if none */
        } rule;
        struct {                       /* CASE */
            nm_ident name;
            const char *title;         /* NULL if absent */
            const char *ref;           /* NULL if absent */
            nm_date_lit decided;
            nm_vec items;              /* ENTITY, FACT, PARAM, FOUND, EXPECT */
        } casedecl;
        struct {                       /* EXPECT */
            nm_expect_kind what;
            nm_node *atom;
            nm_citation *by;           /* NULL if absent */
            const char *explained;     /* pinned file, NULL if absent */
            nm_span explained_span;
            nm_ident lang;             /* "" if absent */
        } expect;
        struct {                       /* INT, DECIMAL, STRING, BOOL, DATE, DURATION */
            const char *text;
            bool b;
            int y, m, d;
            nm_dur_unit unit;
        } lit;
        nm_citation cite;              /* CITE */
        struct {                       /* ATOM */
            nm_ident pred;
            nm_node **args;
            int nargs;
        } atom;
        struct {                       /* ARITH, CMP, AND, OR, IN */
            nm_op op;                  /* ARITH, CMP only */
            nm_node *lhs, *rhs;
        } binop;
        struct {                       /* NOT, NEG */
            nm_node *operand;
        } unop;
        struct {                       /* SET */
            nm_node **items;
            int nitems;
        } set;
        struct {                       /* AGG */
            nm_agg_op op;
            nm_node **terms;           /* count: the counted variables; others: 1 expr */
            int nterms;
            nm_node *body;
        } agg;
        struct {                       /* WITHIN: lhs within dur of/after/before rhs */
            nm_within_kind how;
            nm_node *lhs, *dur, *rhs;
        } within;
    } u;
};

/* A comment as the lexer saw it (the parser ignores comments; `norma fmt` keeps them).
 * `text` is the exact source text: "# ..." to the end of the line (without the line
 * end) or a whole block comment (possibly several lines). `own_line` is true when no token
 * precedes the comment on its line (false: it trails code). */
typedef struct nm_comment {
    const char *text;
    nm_span span;
    bool block;
    bool own_line;
} nm_comment;

/* A parsed file: its top-level declarations in order. */
typedef struct nm_ast_file {
    const nm_srcfile *src;
    nm_vec decls;           /* nm_node* */
    nm_vec comments;        /* nm_comment*, in source order */
} nm_ast_file;

/* A zeroed node of `kind`, sized for it (see struct nm_node). */
nm_node *nm_node_new(nm_node_kind kind, nm_span span);

/* Writes an S-expression of the tree, for tests and `norma check --dump-ast`:
 * stable, one node per line, indented. */
void nm_ast_dump(const nm_ast_file *f, nm_buf *out);
void nm_ast_dump_node(const nm_node *n, nm_buf *out, int indent);

/* Parses `src`, reporting syntax errors to `diags` (every error of the file in one
 * pass). Returns the declarations it could read, even when there were errors. Never
 * returns NULL. `max_depth` bounds nesting (0 = default 1000). */
nm_ast_file *nm_parse(const nm_srcfile *src, nm_diags *diags, int max_depth);

#endif
