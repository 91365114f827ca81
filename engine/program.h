/* program.h — the checked program: what engine/check builds from the syntax trees of
 * all loaded files, and what engine/plan consumes. Every name is resolved to an index
 * into one of the arrays of nm_program; spans point back into the source for
 * explanations and run-time diagnostics. Plain structs allocated with nm_alloc,
 * read-only once nm_check has returned. */
#ifndef NM_PROGRAM_H
#define NM_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"

/* ---- types ---------------------------------------------------------------------- */

typedef enum nm_type_kind {
    NM_TY_ERROR,      /* the type of an expression that already had an error */
    NM_TY_INT,
    NM_TY_DECIMAL,
    NM_TY_RATIONAL,
    NM_TY_DATE,
    NM_TY_DURATION,
    NM_TY_TEXT,
    NM_TY_BOOL,
    NM_TY_CITE,       /* a citation used as a value */
    NM_TY_ENTITY,
    NM_TY_PERSON,     /* subtype of Entity */
    NM_TY_UNIT,       /* subtype of Entity */
    NM_TY_RULE,       /* a rule label: the first argument of the builtin rule_in_force_on
                       * ([rule.builtin]); no program can name this type */
    NM_TY_ENUM,
    NM_TY_TIERS,      /* an enum whose members are ordered */
    NM_TY_ENTITY_DECL,  /* a declared entity type (`type Video = entity`): a kind of
                         * named individual, disjoint from Entity/Person/Unit and from
                         * every other declared entity type ([type.entity]) */
} nm_type_kind;

/* The builtin types sit first in nm_program.types, each at the index equal to its
 * kind (types[NM_TY_INT].kind == NM_TY_INT); declared enums, tiers and entity types
 * follow from index NM_TY__BUILTINS on. */
enum { NM_TY__BUILTINS = NM_TY_RULE + 1 };

typedef struct nm_pcite nm_pcite;

typedef struct nm_ptype {
    const char *name;       /* "int", "Entity", "Service", ... */
    nm_type_kind kind;
    int module;             /* declaring module, -1 for a builtin */
    nm_span span;           /* the name in its declaration (no file for builtins) */
    int *members;           /* ENUM/TIERS: constant ids, in declaration = value order */
    int nmembers;
    /* ENTITY_DECL: the program-level individuals of the type (declared with `entity`
     * or implicitly by top-level facts), constant ids in declaration order. A case's
     * own individuals are in its nm_pcase.entities; the domain of the type in case c
     * is these plus the entities of c whose type is this one. Empty for other kinds. */
    int *individuals;
    int nindividuals;
    nm_pcite *cites;
    int ncites;
} nm_ptype;

/* ---- sources and citations ------------------------------------------------------ */

typedef enum nm_rank {
    NM_RANK_NONE,           /* not declared */
    NM_RANK_LAW,            /* 法律 */
    NM_RANK_ADMIN_REG,      /* 行政法规 */
    NM_RANK_DEPT_RULE,      /* 部门规章 */
    NM_RANK_JUDICIAL,       /* 司法解释 */
    NM_RANK_DOCTRINE,       /* doctrine / 学说: non-binding */
} nm_rank;

/* A date as written; present false when absent. Always valid when present (the
 * checker rejects dates that do not exist). */
typedef struct nm_pdate {
    bool present;
    int y, m, d;
} nm_pdate;

/* One declared article (or paragraph, item, doctrine section) of a source. Windows
 * default to the source's. An amended article appears once per version, with the same
 * parts and disjoint windows, in declaration order. */
typedef struct nm_particle {
    const nm_cit_part *parts;   /* the reference within the source */
    int nparts;
    nm_pdate from, until;
    const nm_cit_part *new_parts;   /* renumbered to, NULL if never */
    int new_nparts;
    nm_pdate renumber_from;
    const char *text;           /* exact text, NULL if not given */
    nm_span span;
} nm_particle;

/* `articles first .. last`: every whole article in between (之N articles included). */
typedef struct nm_prange {
    nm_cit_part first, last;
    nm_span span;
} nm_prange;

typedef struct nm_psource {
    const char *name;           /* short name used in citations */
    const char *title;
    const char *doc_id;         /* NULL if absent */
    nm_rank rank;
    nm_pdate from, until;
    nm_particle *articles;
    int narticles;
    nm_prange *ranges;
    int nranges;
    int module;
    nm_span span;
} nm_psource;

/* A citation resolved against its source. `article` is the (first declared version
 * of the) article whose parts equal the citation's, else the article-level entry it
 * falls under, else -1 (covered only by an `articles` range, or the whole source
 * cited). Later versions follow it in `articles` with the same parts. */
struct nm_pcite {
    int source;
    int article;
    const nm_citation *cite;    /* as written, for printing */
};

/* ---- constants and parameters --------------------------------------------------- */

typedef enum nm_const_kind {
    NM_CONST_MEMBER,        /* a member of an enum or tiers type */
    NM_CONST_ENTITY,        /* a named person or unit, or an individual of a declared
                             * entity type */
} nm_const_kind;

typedef struct nm_pconst {
    const char *name;
    nm_const_kind kind;
    int type;               /* MEMBER: its enum/tiers; ENTITY: NM_TY_PERSON, NM_TY_UNIT
                             * or a type of kind NM_TY_ENTITY_DECL */
    int ordinal;            /* MEMBER: position in its type (value order) */
    const char *zh, *en;    /* labels (an entity's label is zh), NULL if absent */
    int case_id;            /* an entity declared inside a case: that case; else -1 */
    bool implicit;          /* ENTITY of a declared entity type, declared by the fact
                             * that first names it (span: that name), not by `entity` */
    int module;
    nm_span span;
} nm_pconst;

typedef struct nm_pexpr nm_pexpr;

typedef struct nm_pparam {
    const char *name;
    int type;
    nm_pexpr *value;        /* a ground expression (literals, constants, params) */
    nm_pcite *cites;
    int ncites;
    bool is_reading;        /* an interpretive choice, flagged in explanations */
    const char *reading;    /* its justification, may be NULL */
    int module;
    nm_span span;
} nm_pparam;

/* ---- predicates ----------------------------------------------------------------- */

typedef enum nm_pred_origin {
    NM_ORIGIN_PRED,         /* `pred` */
    NM_ORIGIN_ATTR,         /* `attr`: the last argument is the functional value */
    NM_ORIGIN_LIST,         /* `list L: T = ...`: unary input predicate L(x) */
    NM_ORIGIN_MAP,          /* `map M: K -> V`: binary input predicate M(k, v) */
    NM_ORIGIN_TABLE,        /* `table T: K -> V`: binary input predicate T(k, v) */
    NM_ORIGIN_BUILTIN,      /* a law-in-time builtin ([rule.builtin]); `builtin` says which */
} nm_pred_origin;

/* The builtins of [rule.builtin]. They are always declared, at fixed indexes:
 * preds[k] is builtin k (preds[k].builtin == k) for k < NM_BUILTIN__COUNT, and the
 * program's own predicates follow. A builtin has mode NM_PRED_INPUT and stratum -1:
 * it is computed on demand, never concluded by a rule or given by a fact, and the
 * dependency graph has no edges to it. Its arguments are typed (arg_types):
 *   in_force_on(c: citation, d: date)       施行于      c: NM_E_LIT of NM_LIT_CITE (or a
 *                                                        parameter or variable of type
 *                                                        citation), resolved nm_pcite
 *   rule_in_force_on(r: rule, d: date)      规则施行于  r: always an NM_E_RULE
 *   decision_date(d: date)                  裁判日
 * In a rule, in_force_on and rule_in_force_on bind nothing (their variables are bound
 * elsewhere in the body, [check.range]); decision_date(d) binds d. */
typedef enum nm_builtin {
    NM_BUILTIN_IN_FORCE_ON,
    NM_BUILTIN_RULE_IN_FORCE_ON,
    NM_BUILTIN_DECISION_DATE,
    NM_BUILTIN__COUNT
} nm_builtin;

typedef struct nm_ppred {
    const char *name;
    int arity;
    int *arg_types;         /* type ids */
    const char **arg_names; /* "" for list/map/table and an attr's value */
    nm_pred_mode mode;      /* lists, maps and tables are NM_PRED_INPUT */
    nm_pred_origin origin;
    bool presumed_false;    /* open presumed false */
    nm_pcite *presume_cites;
    int npresume_cites;
    const char *zh, *en;    /* templates, NULL if absent (placeholders all checked) */
    nm_pcite *cites;        /* list/map/table citations */
    int ncites;
    int stratum;            /* index into nm_program.strata; -1 for input/open */
    int *rules;             /* rules concluding it (either polarity), declaration order */
    int nrules;
    int module;             /* -1 for a builtin */
    nm_span span;           /* the name in its declaration (no file for a builtin) */
    nm_builtin builtin;     /* BUILTIN only: which one */
    const char *alias;      /* BUILTIN only: the Chinese spelling ("施行于"); else NULL */
} nm_ppred;

/* ---- expressions and formulas --------------------------------------------------- */

typedef enum nm_lit_kind {
    NM_LIT_INT,             /* i */
    NM_LIT_DECIMAL,         /* text: the digits as written ("12.50") */
    NM_LIT_TEXT,            /* text */
    NM_LIT_BOOL,            /* b */
    NM_LIT_DATE,            /* date */
    NM_LIT_DURATION,        /* i = amount, unit */
    NM_LIT_CITE,            /* cite */
} nm_lit_kind;

typedef struct nm_plit {
    nm_lit_kind kind;
    int64_t i;
    const char *text;
    bool b;
    nm_pdate date;
    nm_dur_unit unit;
    nm_pcite cite;
} nm_plit;

typedef enum nm_pexpr_kind {
    NM_E_VAR,               /* var: index into the rule's variables */
    NM_E_CONST,             /* cst: index into nm_program.consts */
    NM_E_PARAM,             /* param: index into nm_program.params (case may override) */
    NM_E_LIT,               /* lit */
    NM_E_WILD,              /* `_`: a fresh variable that is never read */
    NM_E_ARITH,             /* arith: + - * / (date ± duration when type is DATE) */
    NM_E_NEG,               /* neg: unary minus */
    NM_E_AGG,               /* agg */
} nm_pexpr_kind;

/* A rule label as an argument (only the first argument of rule_in_force_on, of type
 * NM_TY_RULE): u.rule is the index of the labelled rule in nm_program.rules, whose
 * eff_from/eff_until are its window. A kind of its own. For now it is defined outside
 * the enumerators only so that the switches over nm_pexpr_kind that have no case for
 * it (lower_expr) keep compiling under -Wswitch -Werror; `e->kind == NM_E_RULE` works
 * as for any kind, and a `case NM_E_RULE:` needs it moved into the enum, after
 * NM_E_AGG. */
#define NM_E_RULE ((nm_pexpr_kind)(NM_E_AGG + 1))

typedef struct nm_pformula nm_pformula;

typedef struct nm_pagg {
    nm_agg_op op;
    nm_pexpr **terms;       /* count: the counted variables; sum/min/max: one expr */
    int nterms;
    nm_pformula *body;
    int *group_vars;        /* body variables bound outside the aggregate */
    int ngroup;
    int *local_vars;        /* body variables local to it: the tuples it ranges over */
    int nlocal;
} nm_pagg;

struct nm_pexpr {
    nm_pexpr_kind kind;
    int type;               /* type id; NM_TY_ERROR only in programs with errors */
    nm_span span;
    union {
        int var;
        int cst;
        int param;
        nm_plit lit;
        struct {
            nm_op op;
            nm_pexpr *lhs, *rhs;
        } arith;
        nm_pexpr *neg;
        nm_pagg *agg;
        int rule;           /* NM_E_RULE */
    } u;
};

typedef struct nm_patom {
    int pred;
    nm_pexpr **args;
    int nargs;
    nm_span span;
} nm_patom;

typedef enum nm_pformula_kind {
    NM_F_ATOM,              /* atom (also `x in L` for a list L: the atom L(x)) */
    NM_F_AND,               /* bin */
    NM_F_OR,                /* bin */
    NM_F_NOT,               /* operand */
    NM_F_CMP,               /* cmp: = != < <= > >= */
    NM_F_INSET,             /* inset: `x in {a, b}` */
    NM_F_WITHIN,            /* within */
} nm_pformula_kind;

struct nm_pformula {
    nm_pformula_kind kind;
    nm_span span;
    union {
        nm_patom atom;
        struct {
            nm_pformula *lhs, *rhs;
        } bin;
        nm_pformula *operand;
        struct {
            nm_op op;
            nm_pexpr *lhs, *rhs;
        } cmp;
        struct {
            nm_pexpr *elem;
            nm_pexpr **items;
            int nitems;
        } inset;
        struct {
            nm_within_kind how;
            nm_pexpr *lhs, *dur, *rhs;
        } within;
    } u;
};

/* ---- rules ---------------------------------------------------------------------- */

typedef struct nm_prule {
    const char *label;
    nm_span span;           /* the whole rule */
    nm_span label_span;
    nm_pcite *cites;
    int ncites;
    nm_pdate from, until;   /* in_force window, if given */
    nm_patom head;
    bool head_negated;      /* `not p(t)`: concludes that p(t) is explicitly false */
    nm_pformula *body;      /* NULL: a labelled fact (always holds) */
    int nvars;              /* variables numbered 0..nvars-1 in order of appearance */
    const char **var_names;
    int *var_types;
    int *excepts;           /* rules this rule is an exception to ([rule.exception]) */
    int nexcepts;
    int *exceptions;        /* rules that are exceptions to this one, declaration order */
    int nexceptions;
    /* The anonymous exception an `unless B` lowers to: it concludes nothing itself and
     * only blocks `unless_of` (excepts = {unless_of}); its head is the parent's head,
     * its body is the parent's body and B, sharing the parent's variables. */
    bool block_only;
    int unless_of;          /* -1 if not an `unless` */
    int module;
    /* The rule's window ([sem.time.window]): its own in_force … until … intersected
     * with the window of each binding article it cites (a doctrine citation does not
     * narrow it). An article's window is the span from its first version's start to
     * its last version's end; an article known only from an `articles` range, or a
     * whole-source citation, has its source's window. Absent ends are open. When
     * eff_until is before eff_from the rule is never in force. An `unless` block
     * rule has its parent's. This is the window rule_in_force_on tests. */
    nm_pdate eff_from, eff_until;
} nm_prule;

/* One stratum: derived predicates evaluated together (a strongly connected component
 * of the dependency graph). Strata are listed in evaluation order; a stratum only
 * depends on itself (positively) and on earlier strata. Input predicates belong to
 * none. */
typedef struct nm_pstratum {
    int *preds;
    int npreds;
    bool recursive;         /* some predicate depends on itself within the stratum */
} nm_pstratum;

/* ---- facts and cases ------------------------------------------------------------ */

typedef struct nm_pfact {
    nm_patom atom;          /* ground: NM_E_CONST, NM_E_LIT, NM_E_PARAM args (a dated
                             * fact's date is already its last argument) */
    bool negated;           /* `not A`: stated false (open predicates only) */
    bool found;             /* a court finding (`found`) in a case */
    int case_id;            /* -1: a program-level fact (including list/map/table rows) */
    int module;
} nm_pfact;

typedef struct nm_poverride {
    int param;
    nm_pexpr *value;
    nm_span span;
} nm_poverride;

typedef struct nm_pexpect {
    nm_expect_kind what;
    nm_patom atom;          /* ground (`_` allowed as a wildcard) */
    nm_pcite *by;           /* NULL if absent */
    const char *explained;  /* the pinned file, NULL if absent */
    nm_span explained_span;
    const char *lang;       /* NULL if absent */
    nm_span span;
} nm_pexpect;

typedef struct nm_pcase {
    const char *name;
    const char *title, *ref;    /* NULL if absent */
    nm_pdate decided;
    int *entities;              /* constants declared in the case: its `entity` lines,
                                 * then the individuals its facts declare implicitly
                                 * (in source order) */
    int nentities;
    int *facts;                 /* indexes into nm_program.facts (facts and findings) */
    int nfacts;
    nm_poverride *overrides;
    int noverrides;
    nm_pexpect *expects;
    int nexpects;
    int module;
    nm_span span;
} nm_pcase;

typedef struct nm_pmodule {
    const char *name;
    const nm_ast_file *file;
    int *uses;                  /* modules it uses directly (loaded ones only) */
    int nuses;
} nm_pmodule;

/* ---- the program ---------------------------------------------------------------- */

typedef struct nm_program {
    nm_pmodule *modules;    /* one per file, in load order */
    int nmodules;
    nm_psource *sources;
    int nsources;
    nm_ptype *types;        /* builtins first (see NM_TY__BUILTINS) */
    int ntypes;
    nm_pconst *consts;
    int nconsts;
    nm_pparam *params;
    int nparams;
    nm_ppred *preds;
    int npreds;
    nm_pfact *facts;        /* program-level facts, then each case's */
    int nfacts;
    nm_prule *rules;        /* declaration order; an `unless` rule follows its parent */
    int nrules;
    nm_pstratum *strata;    /* evaluation order */
    int nstrata;
    nm_pcase *cases;
    int ncases;
} nm_program;

/* Look-ups by name; -1 when absent. Constants: the first global (case_id -1)
 * constant of that name. */
int nm_program_pred(const nm_program *p, const char *name);   /* also a builtin's alias */
int nm_program_type(const nm_program *p, const char *name);
int nm_program_const(const nm_program *p, const char *name);
int nm_program_param(const nm_program *p, const char *name);
int nm_program_rule(const nm_program *p, const char *label);
int nm_program_source(const nm_program *p, const char *name);

/* Writes a stable, line-per-item summary of the program (types, predicates with
 * modes and strata, rules with resolved bodies, exception links, strata) for tests
 * and `norma check --dump-program`. */
void nm_program_dump(const nm_program *p, nm_buf *out);

#endif
