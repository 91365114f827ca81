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

/* Three values ([sem.three]): a predicate whose atoms can be unknown ("uncertain":
 * open, or depending on something open, or concluded negatively by some rule, so
 * that conflicts are possible) has a certain relation C(p) and a possible relation
 * P(p); for any other predicate the two are the same relation. Yes = in C, unknown =
 * in P but not in C, no = not in P. */
typedef struct nm_lowered {
    const nm_program *prog;
    int case_id;                /* -1: program-level facts only */
    bool strict;                /* presumptions dropped ([sem.presume]) */
    nm_plan_program *plan;
    bool *uncertain;            /* predicate id → its atoms can be unknown */
    bool *open;                 /* predicate id → absent atoms are unknown (open, or
                                   presumed false under strict) */
    int *pred_rel;              /* predicate id → C(p), its yes atoms */
    int *pred_poss_rel;         /* predicate id → P(p) (== pred_rel when certain) */
    int *pred_raw_rel;          /* predicate id → C(p⁺) before conflicts are taken out
                                   (== pred_rel without negative conclusions) */
    int *pred_false_rel;        /* predicate id → C(p⁻), explicitly false atoms */
    int *pred_false_poss_rel;   /* predicate id → P(p⁻) */
    int *rule_blocked_rel;      /* rule id → C(blocked_R), -1 without exceptions */
    int *rule_blocked_poss_rel; /* rule id → P(blocked_R) */
    int *rule_unless_rel;       /* rule id → C(unless_R): the head positions its `unless`
                                   clause binds, -1 without one */
    int *rule_unless_poss_rel;  /* rule id → P(unless_R) */
    uint64_t *rule_unless_mask; /* rule id → which head positions unless_R holds */
    int decision_rel;           /* decision_date(d): the case's date, or --at */
    int person_rel, unit_rel;   /* the named persons and units (kind filters) */
    nm_cell decision;           /* that date, NM_CELL_NONE when there is none */
    nm_cell *param_value;       /* parameter id → value (case overrides applied) */
    unsigned char *param_from;  /* parameter id → where its value comes from: NM_PARAM_FROM_* */
    nm_cell *const_cell;        /* constant id → cell */
    nm_vec cites;               /* cite_entry*: each citation value met while lowering,
                                   with its resolution, for in_force_on */
} nm_lowered;

typedef struct nm_lower_options {
    bool strict;                /* drop presumptions: presumed-false predicates are open */
    bool has_decision;          /* `decision` overrides the case's decision date */
    int dy, dm, dd;
    /* parameter id → a value that overrides the declaration and the case's override
     * (`--param NAME=VALUE`, [cli.run.param]), NM_CELL_NONE where none; NULL: none */
    const nm_cell *param_override;
} nm_lower_options;

/* Where a parameter's value comes from (nm_lowered.param_from). */
enum { NM_PARAM_FROM_DECL = 0, NM_PARAM_FROM_CASE = 1, NM_PARAM_FROM_CLI = 2 };

/* Lowers prog for case `case_id` (-1 for none). On failure (a rule too complex to
 * expand, a parameter whose value cannot be computed, an aggregate over open
 * predicates bound to a variable) returns NULL with a message in err. opt may be
 * NULL. */
nm_lowered *nm_lower(const nm_program *prog, int case_id, const nm_lower_options *opt,
                     nm_buf *err);

/* Does the program have presumed-false predicates (so that a strict evaluation can
 * differ from the default one)? */
bool nm_lower_has_presumptions(const nm_program *prog);

/* Loads the program-level facts and the case's facts into a new evaluator, and the
 * possible atoms of open predicates (their finite domain minus what is stated false).
 * Returns false with a message in err when a fact's value cannot be computed or a
 * domain is too large to enumerate. */
bool nm_lower_load_facts(const nm_lowered *lw, nm_eval *ev, nm_buf *err);

/* The cell of a ground expression (literal, constant, parameter, arithmetic on those);
 * false with a message when it cannot be computed (overflow). */
bool nm_lower_const_expr(const nm_lowered *lw, const nm_pexpr *e, nm_cell *out, nm_buf *err);

/* Cell of a literal. */
bool nm_lower_lit(const nm_plit *lit, nm_cell *out);

#endif
