/* lower.h — lowering: the checked program (program.h) for one case → a plan program
 * (plan.h) with its facts, ready for eval. Sits between engine/check and engine/eval.
 * Constants become interned cells; formulas become conjunctive bodies (disjunction
 * expanded, complex negations and aggregate bodies through auxiliary relations);
 * exceptions become `not blocked_R`; negative conclusions go to a relation of their
 * own (explicitly false atoms). */
#ifndef NM_LOWER_H
#define NM_LOWER_H

#include <stdbool.h>

#include "eval.h"
#include "plan.h"
#include "program.h"
#include "value.h"

typedef struct nm_lowered {
    const nm_program *prog;
    int case_id;                /* -1: program-level facts only */
    nm_plan_program *plan;
    int *pred_rel;              /* predicate id → relation of its true atoms */
    int *pred_false_rel;        /* predicate id → relation of its explicitly false atoms */
    int *rule_blocked_rel;      /* rule id → blocked_R relation, -1 without exceptions */
    nm_cell *param_value;       /* parameter id → value (case overrides applied) */
    nm_cell *const_cell;        /* constant id → cell */
} nm_lowered;

/* Lowers prog for case `case_id` (-1 for none). On failure (a rule too complex to
 * expand, a parameter whose value cannot be computed) returns NULL with a message in
 * err. */
nm_lowered *nm_lower(const nm_program *prog, int case_id, nm_buf *err);

/* Loads the program-level facts and the case's facts into a new evaluator. Returns
 * false with a message in err when a fact's value cannot be computed. */
bool nm_lower_load_facts(const nm_lowered *lw, nm_eval *ev, nm_buf *err);

/* The cell of a ground expression (literal, constant, parameter, arithmetic on those);
 * false with a message when it cannot be computed (overflow). */
bool nm_lower_const_expr(const nm_lowered *lw, const nm_pexpr *e, nm_cell *out, nm_buf *err);

/* Cell of a literal. */
bool nm_lower_lit(const nm_plit *lit, nm_cell *out);

#endif
