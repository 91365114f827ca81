/* plan.h — the evaluator's IR (checked program → plan → eval), independent of the AST.
 * A plan program is relations, rules and strata in evaluation order. A rule is a head
 * and a body of operations over numbered variable slots: atoms (joins), negated atoms
 * (anti-joins), comparisons, function tests, assignments and aggregates. Lowering
 * builds bodies in source order; the planner (nm_plan_order) then orders a body for
 * one semi-naive variant and annotates versions, bound columns and bindings. */
#ifndef NM_PLAN_H
#define NM_PLAN_H

#include "mem.h"
#include "rel.h"

#include <stdbool.h>
#include <stdint.h>

/* The outcome of a function call: a result, no result (the condition is false, or
 * the value is undefined, e.g. min of nothing), or an error that stops evaluation
 * (overflow; the evaluator names the rule and the argument values). */
typedef enum nm_plan_status { NM_PLAN_OK, NM_PLAN_FAIL, NM_PLAN_ERROR } nm_plan_status;

/* A function over cells (arithmetic, date arithmetic, predicates such as `in`).
 * Writes the result to *out when it returns NM_PLAN_OK. On NM_PLAN_ERROR it may set
 * *why to a static phrase for the message ("arithmetic overflow"). */
typedef nm_plan_status (*nm_plan_fn_call)(void *ctx, const nm_cell *args, int nargs,
                                          nm_cell *out, const char **why);

typedef struct nm_plan_fn {
    const char *name;       /* used in error messages, e.g. "+" */
    int arity;              /* -1: any */
    nm_plan_fn_call call;
    void *ctx;
} nm_plan_fn;

/* What the evaluator needs to know about values: the value order (comparisons,
 * min/max), addition (sum), how a count becomes a cell, how to print a cell in an
 * error message. nm_plan_new installs defaults that treat cells as int64_t. */
typedef struct nm_plan_values {
    int (*cmp)(void *ctx, nm_cell a, nm_cell b);
    nm_plan_status (*add)(void *ctx, nm_cell a, nm_cell b, nm_cell *out);
    nm_cell (*from_int)(void *ctx, int64_t n);
    void (*format)(void *ctx, nm_cell c, nm_buf *out);
    void *ctx;
} nm_plan_values;

/* The value layer (value.h): nm_val_compare order, nm_val_add for sums, nm_val_int
 * for counts, nm_val_format in messages. */
nm_plan_values nm_plan_value_layer(void);

/* Cell arithmetic of the value layer as plan functions (checked: overflow, division
 * by zero, wrong kinds and dates out of range are NM_PLAN_ERROR). Register them with
 * nm_plan_add_fn(p, "+", 2, nm_plan_val_add, NULL) and so on. */
nm_plan_status nm_plan_val_add(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why);
nm_plan_status nm_plan_val_sub(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why);
nm_plan_status nm_plan_val_mul(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why);
nm_plan_status nm_plan_val_div(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why);
nm_plan_status nm_plan_val_neg(void *ctx, const nm_cell *a, int n, nm_cell *out, const char **why);

/* ---- expressions ------------------------------------------------------------- */

typedef enum nm_plan_expr_kind { NM_EXPR_VAR, NM_EXPR_CONST, NM_EXPR_CALL } nm_plan_expr_kind;

typedef struct nm_plan_expr {
    nm_plan_expr_kind kind;
    int var;                        /* VAR */
    nm_cell value;                  /* CONST */
    int fn;                         /* CALL: index into the program's functions */
    int nargs;
    struct nm_plan_expr **args;
} nm_plan_expr;

nm_plan_expr *nm_plan_expr_var(int var);
nm_plan_expr *nm_plan_expr_const(nm_cell value);
/* fn applied to nargs expressions (copied array). */
nm_plan_expr *nm_plan_expr_call(int fn, int nargs, nm_plan_expr *const *args);
nm_plan_expr *nm_plan_expr_call2(int fn, nm_plan_expr *a, nm_plan_expr *b);

/* ---- terms: atom arguments and head arguments ---------------------------------- */

typedef enum nm_plan_term_kind {
    NM_TERM_VAR,    /* a variable slot */
    NM_TERM_CONST,  /* a constant cell */
    NM_TERM_WILD,   /* `_` (atoms only) */
    NM_TERM_EXPR,   /* a computed value (heads only) */
} nm_plan_term_kind;

/* How an atom argument is used, set by the planner for the chosen order. */
typedef enum nm_plan_mode {
    NM_MODE_KEY,    /* known before the lookup: constant or bound variable */
    NM_MODE_BIND,   /* binds a new variable */
    NM_MODE_CHECK,  /* repeats a variable bound earlier in the same atom */
    NM_MODE_IGNORE, /* wildcard */
} nm_plan_mode;

typedef struct nm_plan_term {
    nm_plan_term_kind kind;
    int var;
    nm_cell value;
    nm_plan_expr *expr;
    nm_plan_mode mode;
} nm_plan_term;

static inline nm_plan_term nm_plan_var(int var)
{
    return (nm_plan_term){.kind = NM_TERM_VAR, .var = var};
}
static inline nm_plan_term nm_plan_const(nm_cell value)
{
    return (nm_plan_term){.kind = NM_TERM_CONST, .var = -1, .value = value};
}
static inline nm_plan_term nm_plan_wild(void)
{
    return (nm_plan_term){.kind = NM_TERM_WILD, .var = -1};
}
static inline nm_plan_term nm_plan_term_expr(nm_plan_expr *e)
{
    return (nm_plan_term){.kind = NM_TERM_EXPR, .var = -1, .expr = e};
}

/* ---- body operations ---------------------------------------------------------- */

typedef enum nm_plan_op_kind {
    NM_OP_ATOM,     /* join with a relation */
    NM_OP_NOT,      /* anti-join: no tuple matches (variables bound, or wildcards) */
    NM_OP_CMP,      /* lhs cmp rhs in value order; `x = e` with x unbound assigns */
    NM_OP_TEST,     /* passes iff the call returns NM_PLAN_OK */
    NM_OP_ASSIGN,   /* var := expr (a check when var is already bound) */
    NM_OP_AGG,      /* result := aggregate over a sub-body */
} nm_plan_op_kind;

typedef enum nm_plan_cmp { NM_CMP_EQ, NM_CMP_NE, NM_CMP_LT, NM_CMP_LE, NM_CMP_GT, NM_CMP_GE } nm_plan_cmp;

/* Which rows of a relation an atom reads (semi-naive): all rows derived before this
 * iteration (full), those new in the previous iteration (delta), or full minus delta
 * (old). Relations of lower strata are always read in full. */
typedef enum nm_plan_version { NM_VER_FULL, NM_VER_DELTA, NM_VER_OLD } nm_plan_version;

typedef enum nm_plan_agg_kind { NM_PLAN_AGG_COUNT, NM_PLAN_AGG_SUM, NM_PLAN_AGG_MIN, NM_PLAN_AGG_MAX } nm_plan_agg_kind;

struct nm_plan_op;

/* An ordered list of operations. */
typedef struct nm_plan_body {
    int n, cap;
    struct nm_plan_op *ops;
} nm_plan_body;

/* result := kind over the distinct tuples of `keys` satisfying `body`, for the
 * current values of the group variables (bound outside: the planner places the
 * aggregate after them). COUNT counts the tuples; SUM, MIN, MAX combine `value`
 * (one of the keys). An empty group gives 0 for COUNT and SUM and no result (the
 * body fails) for MIN and MAX. Variables of `body` other than the group variables
 * must be slots not used outside the aggregate. */
typedef struct nm_plan_agg {
    nm_plan_agg_kind kind;
    int result;
    int value;              /* -1 for COUNT */
    int ngroup, nkeys;
    int *group, *keys;
    nm_plan_body body;
} nm_plan_agg;

typedef struct nm_plan_op {
    nm_plan_op_kind kind;
    int src;                    /* position in the source-order body */
    /* ATOM, NOT */
    int rel;
    int nargs;
    nm_plan_term *args;
    /* set by the planner */
    nm_plan_version version;    /* ATOM */
    uint64_t key_mask;          /* ATOM, NOT: columns with mode KEY */
    bool var_bound;             /* ASSIGN: var was bound before, so this is a check */
    /* CMP */
    nm_plan_cmp cmp;
    nm_plan_expr *lhs, *rhs;
    /* TEST (expr), ASSIGN (var := expr) */
    nm_plan_expr *expr;
    int var;
    /* AGG */
    nm_plan_agg *agg;
} nm_plan_op;

/* ---- rules, strata, programs -------------------------------------------------- */

typedef struct nm_plan_rule {
    int id;                     /* index in the program, declaration order */
    const char *name;           /* used in error messages */
    const void *origin;         /* the lowering's handle (AST rule), opaque here */
    int head;                   /* relation */
    int nhead;
    nm_plan_term *head_args;    /* VAR, CONST or EXPR */
    int nvars;                  /* variable slots 0..nvars-1 */
    const char **var_names;     /* optional, for messages */
    nm_plan_body body;          /* source order */
} nm_plan_rule;

typedef struct nm_plan_relation {
    int id;
    const char *name;
    int arity;
} nm_plan_relation;

/* A set of rules evaluated together to a fixpoint, after every earlier stratum.
 * `recursive` is computed by nm_plan_finish: some body atom reads a head of the
 * stratum. */
typedef struct nm_plan_stratum {
    int nrules;
    int *rules;
    bool recursive;
} nm_plan_stratum;

typedef struct nm_plan_program {
    nm_vec rels;        /* nm_plan_relation * */
    nm_vec rules;       /* nm_plan_rule * */
    nm_vec strata;      /* nm_plan_stratum *, in evaluation order */
    nm_vec fns;         /* nm_plan_fn * */
    nm_plan_values values;
} nm_plan_program;

/* An empty program whose values are int64_t cells (checked addition, signed order,
 * printed in decimal); replace p->values to use the value layer. */
nm_plan_program *nm_plan_new(void);

int nm_plan_add_rel(nm_plan_program *p, const char *name, int arity);
int nm_plan_add_fn(nm_plan_program *p, const char *name, int arity, nm_plan_fn_call call,
                   void *ctx);

/* A new rule (appended; its id is its position). `head` (nhead terms) is copied. */
nm_plan_rule *nm_plan_add_rule(nm_plan_program *p, const char *name, int head_rel,
                               int nhead, const nm_plan_term *head, int nvars);

/* Appends operations to a body (a rule's or an aggregate's); `args` are copied. */
nm_plan_op *nm_plan_add_atom(nm_plan_body *b, int rel, int nargs, const nm_plan_term *args);
nm_plan_op *nm_plan_add_not(nm_plan_body *b, int rel, int nargs, const nm_plan_term *args);
nm_plan_op *nm_plan_add_cmp(nm_plan_body *b, nm_plan_cmp cmp, nm_plan_expr *lhs,
                            nm_plan_expr *rhs);
nm_plan_op *nm_plan_add_test(nm_plan_body *b, nm_plan_expr *call);
nm_plan_op *nm_plan_add_assign(nm_plan_body *b, int var, nm_plan_expr *e);
/* Appends an aggregate; fill the returned agg's body with nm_plan_add_*. */
nm_plan_agg *nm_plan_add_agg(nm_plan_body *b, nm_plan_agg_kind kind, int result, int value,
                             int ngroup, const int *group, int nkeys, const int *keys);

/* Appends a stratum of the given rules (copied). */
nm_plan_stratum *nm_plan_add_stratum(nm_plan_program *p, int nrules, const int *rules);

/* Validates the program and computes each stratum's `recursive` flag. Reports the
 * first problem into err and returns false: arities, unknown relations or
 * functions, a negated atom or aggregate that reads a head of its own stratum (not
 * stratified), an atom reading a relation derived only in a later stratum. */
bool nm_plan_finish(nm_plan_program *p, nm_buf *err);

/* Orders rule r's body for one evaluation variant and annotates it; the result is a
 * fresh body in `out`. `in_stratum[rel]` says which relations are heads of the
 * rule's stratum; the atom at source position `delta_src` reads delta, recursive
 * atoms before it read old and after it full (delta_src = -1: every atom reads
 * full). `sizes[rel]` are current relation sizes. Order: ready filters, negations,
 * assignments and aggregates as early as their variables allow; then the delta
 * atom; then atoms with every argument known, then with some, then the rest, the
 * smaller relation first, source order on ties. Returns false with a message
 * naming the rule and variable when a variable cannot be bound. */
bool nm_plan_order(const nm_plan_program *p, const nm_plan_rule *r, const bool *in_stratum,
                   int delta_src, const size_t *sizes, nm_plan_body *out, nm_buf *err);

/* Join orders. NORMAL is nm_plan_order's. REVERSE (a test switch: outputs must not
 * change) places the delta atom first, then the LAST atom left in source order (no
 * size or key heuristics); filters and assignments as in NORMAL: as early as their
 * variables allow, in source order among themselves (so guards stay before what
 * they guard).
 * SOURCE places atoms in source order, each filter as early as its variables allow
 * (the canonical order of [sem.neg.order]; used for witnesses). Every order is
 * valid: the atoms bind every variable whatever their order. */
typedef enum nm_plan_join_order { NM_JOIN_NORMAL, NM_JOIN_REVERSE, NM_JOIN_SOURCE } nm_plan_join_order;

/* nm_plan_order with a join order and, when `prebound` is not NULL, the variables
 * prebound[v] treated as bound before the body (known values: keys of lookups,
 * `x = e` with x prebound becomes a check). */
bool nm_plan_order_with(const nm_plan_program *p, const nm_plan_rule *r, const bool *in_stratum,
                        int delta_src, const size_t *sizes, nm_plan_join_order order,
                        const bool *prebound, nm_plan_body *out, nm_buf *err);

/* Writes a readable form of a planned body (debugging and tests). */
void nm_plan_dump_body(const nm_plan_program *p, const nm_plan_rule *r,
                       const nm_plan_body *b, nm_buf *out);

static inline nm_plan_relation *nm_plan_rel(const nm_plan_program *p, int id)
{
    return p->rels.items[id];
}
static inline nm_plan_rule *nm_plan_rule_at(const nm_plan_program *p, int id)
{
    return p->rules.items[id];
}

#endif
