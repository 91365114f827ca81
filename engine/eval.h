/* eval.h — bottom-up evaluation of a plan program (plan + facts → model + provenance).
 * Strata run in order; a recursive stratum runs semi-naively to a fixpoint, reading
 * row ranges of its relations as old / delta / full versions; negation and aggregates
 * read completed lower strata only. Limits (tuples, iterations, seconds) and
 * arithmetic errors stop evaluation with a message that names the rule. */
#ifndef NM_EVAL_H
#define NM_EVAL_H

#include "plan.h"
#include "rel.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct nm_eval nm_eval;

/* 0 means no limit. */
typedef struct nm_eval_limits {
    uint64_t max_tuples;        /* tuples derived by rules, over all relations */
    uint64_t max_iterations;    /* fixpoint iterations of one stratum */
    double max_seconds;         /* wall-clock time of nm_eval_run */
    uint64_t max_bytes;         /* memory of all relations (checked every 65,536 steps
                                   and after each iteration, so it is approximate) */
} nm_eval_limits;

typedef enum nm_eval_status {
    NM_EVAL_OK,
    NM_EVAL_ERR_PLAN,           /* the program is malformed or a variable is unbound */
    NM_EVAL_ERR_TUPLES,
    NM_EVAL_ERR_ITERATIONS,
    NM_EVAL_ERR_TIME,
    NM_EVAL_ERR_MEMORY,
    NM_EVAL_ERR_ARITH,          /* a function returned NM_PLAN_ERROR (e.g. overflow) */
} nm_eval_status;

typedef struct nm_eval_stats {
    uint64_t attempts;          /* derivation attempts: head tuples built */
    uint64_t derived;           /* new tuples */
    uint64_t iterations;        /* fixpoint iterations, all strata */
    double seconds;
} nm_eval_stats;

/* Defaults: 100,000,000 tuples, 1,000,000 iterations, 4 GiB, no time limit. */
nm_eval_limits nm_eval_default_limits(void);

/* An evaluator over program p with one empty relation per plan relation. p must have
 * passed nm_plan_finish (nm_eval_run calls it again and fails cleanly otherwise). */
nm_eval *nm_eval_new(const nm_plan_program *p);
void nm_eval_set_limits(nm_eval *e, nm_eval_limits limits);
/* Records (rule id, proof height) per derived tuple; call before adding facts.
 * Among the derivations of a tuple found in the iteration that first derives it,
 * the least (height, rule id) is kept, so the record does not depend on join order. */
void nm_eval_enable_provenance(nm_eval *e);

/* The relation with plan id `rel` (facts may be inserted directly). */
nm_rel *nm_eval_rel(const nm_eval *e, int rel);
/* Adds an input tuple; returns true when new. */
bool nm_eval_add_fact(nm_eval *e, int rel, const nm_cell *tuple);

/* Evaluates every stratum once. After an error the relations hold what was derived
 * so far. Call once per evaluator. */
nm_eval_status nm_eval_run(nm_eval *e);

/* The message of the last error ("" when none), e.g.
 * "rule 'r': arithmetic overflow in +(9223372036854775807, 1)". */
const char *nm_eval_error(const nm_eval *e);
/* The id of the rule being evaluated when the error happened, or -1. */
int nm_eval_error_rule(const nm_eval *e);

/* Details of an NM_EVAL_ERR_ARITH error, for messages in the form of [sem.num]:
 * `why` ("arithmetic overflow", "division by zero", ...), the operation with its
 * operands (`expr`, e.g. "9223372036854775807 + 1"), the operand cells, and the
 * binding of the named rule variables bound when it happened (`binding`, e.g.
 * "p = a, n = 1", "" when none). All empty/zero when there was no such error. */
typedef struct nm_eval_fault {
    const char *why;
    const char *expr;
    nm_cell args[3];
    int nargs;
    const char *binding;
} nm_eval_fault;
const nm_eval_fault *nm_eval_get_fault(const nm_eval *e);
const nm_eval_stats *nm_eval_get_stats(const nm_eval *e);

/* The planned bodies used for rule `rule` in the last run, as text (tests, --explain
 * of plans): one line per variant. */
const char *nm_eval_dump_plans(const nm_eval *e, int rule);

/* The join order the planner uses (plan.h); call before nm_eval_run. The default is
 * NM_JOIN_NORMAL, or what the environment variable NORMA_JOIN_ORDER says (`reverse`,
 * `source`, `normal`; read once per process). No join order changes the model, the
 * provenance records or any witness: tests run programs under two orders and
 * compare. */
void nm_eval_set_join_order(nm_eval *e, nm_plan_join_order order);

/* ---- witnesses ([sem.prov.tree]) ------------------------------------------------- */

enum { NM_EVAL_WITNESS_FIRST = 3 };

/* An aggregate of a witness: its value and its distinct key tuples, the first ones
 * in value order. */
typedef struct nm_eval_witness_agg {
    nm_cell value;
    int nkeys;                  /* cells per key tuple */
    int nfirst;                 /* key tuples given: at most NM_EVAL_WITNESS_FIRST */
    nm_cell *first;             /* nfirst * nkeys cells, in value order */
    uint64_t nrest;             /* key tuples not given */
} nm_eval_witness_agg;

/* One instantiation of a rule body. Arrays are indexed by the position of the op in
 * the rule's source-order body (r->body.ops[i]). */
typedef struct nm_eval_witness {
    int rule;
    int nops;
    int *rel;                   /* ATOM, NOT: the op's relation; else -1 */
    nm_row *row;                /* ATOM: the row it matched (in rel[i]); else NM_ROW_NONE */
    nm_eval_witness_agg *agg;   /* AGG: value and items; else zeroed */
    int nvars;
    nm_cell *vars;              /* per variable slot */
    bool *bound;                /* per slot: bound by the head or the body (slots local
                                   to an aggregate or a negation are not) */
} nm_eval_witness;

/* The least witness of plan rule `rule` for head tuple `head`, after nm_eval_run:
 * among the instantiations of the body over the full relations that conclude
 * `head` and whose positive atoms (not those inside aggregates) all have a recorded
 * proof height < `height` (input tuples: 0; without provenance every tuple counts as
 * 0), the least by the sequence of its positive body tuples in source order, each
 * compared in value order (p->values.cmp column by column). Independent of the join
 * order. False when there is none. Does not change the model (it may add indexes). */
bool nm_eval_witness_find(const nm_eval *e, int rule, const nm_cell *head, uint32_t height,
                          nm_eval_witness *out);

#endif
