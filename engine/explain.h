/* explain.h — explanations ([expl]): the tree model of why an answer holds, why it
 * does not, and what is missing, built after evaluation from the model, its
 * provenance and the lowered program (eval → explain → render). Everything in a tree
 * is in declaration or value order, so a tree is a function of the model. */
#ifndef NM_EXPLAIN_H
#define NM_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "engine_int.h"
#include "eval.h"
#include "lower.h"

/* Node kinds; the names of [expl.json] are in nm_x_kind_name. */
typedef enum nm_x_kind {
    NM_X_ANSWER,        /* the root of one answer: atom, truth, tags; children: sections */
    NM_X_RULE,          /* an atom concluded by a rule; children: the conditions that held */
    NM_X_FACT,          /* an input atom stated by a fact (where: file:line or fact file) */
    NM_X_FOUND,         /* a court finding entered in a case (`found`) */
    NM_X_UNKNOWN,       /* an open atom that is neither stated nor found: unknown */
    NM_X_NOT,           /* a negation that held */
    NM_X_PRESUMED,      /* a presumption: "assuming not q(t)", with its citation */
    NM_X_EXCEPTION,     /* exceptions to a rule considered: none applied */
    NM_X_DEFEATED,      /* a rule defeated by an exception that applied (children: why) */
    NM_X_CMP,           /* a comparison that held (with its values) */
    NM_X_TEST,          /* a builtin test (`within`, in force on a date) */
    NM_X_AGG,           /* an aggregate: value, threshold, first items */
    NM_X_PARAM,         /* a parameter: value, citation, reading flag */
    NM_X_NOT_IN_FORCE,  /* a rule or article not in force on the date that mattered */
    NM_X_CONFLICT,      /* an atom concluded and denied: children the two sides */
    NM_X_WHY_NOT,       /* why not: a rule that could conclude the atom (children: tries) */
    NM_X_TRY,           /* why not: one binding of a rule's longest prefix and its failure */
    NM_X_FAIL,          /* why not: the failing condition (children: why it failed) */
    NM_X_NO_FACT,       /* why not: an input atom that is not stated */
    NM_X_MISSING,       /* missing: the open atoms one rule reads (children: atoms) */
    NM_X_SETTLE,        /* missing: a settling set, to yes or to no (children: atoms) */
    NM_X_NOTE,          /* a line of text (no rule can conclude it, depth bound, …) */
} nm_x_kind;

const char *nm_x_kind_name(nm_x_kind k);

typedef struct nm_x_node nm_x_node;

struct nm_x_node {
    nm_x_kind kind;
    /* the atom of the node, when it has one (pred >= 0); tuple may hold
     * NM_CELL_NONE for an unbound variable, printed `?name` from var_names */
    int pred;
    bool negated;               /* the atom is `not q(t)` */
    int arity;
    const nm_cell *tuple;
    const char **var_names;     /* per argument: NULL, or the variable's name */
    const char *text;           /* language-neutral text: the atom, "3 >= 2", … */
    nm_truth truth;             /* ANSWER, atoms: the atom's answer */
    unsigned tags;              /* ANSWER: NM_TAG_PRESUMED | NM_TAG_CONFLICT */
    const nm_prule *rule;       /* RULE, EXCEPTION, DEFEATED, WHY_NOT, NOT_IN_FORCE */
    int branch, nbranches;      /* RULE: branch (1-based) of nbranches */
    const nm_pcite *cites;      /* the citations shown on the line */
    int ncites;
    const char *where;          /* FACT, FOUND: "file:line"; NULL when unknown */
    /* AGG */
    const char *value, *cmp, *threshold;    /* "213", ">=", "200" (cmp NULL: no test) */
    const char **items;
    int nitems;
    uint64_t nrest;
    /* PARAM */
    const nm_pparam *param;
    const char *overridden;     /* the default value when the case overrides it */
    /* TRY */
    const char *binding;        /* "o = o2" ("" when the head binds everything) */
    int held, total;            /* conditions that held, conditions of the branch */
    /* SETTLE: true: to yes */
    bool to_yes;
    bool none_found;
    bool exact;
    bool formal;
    bool see_above;             /* RULE: already explained higher up; children left out */                /* UNKNOWN in a MISSING group: no "unknown" suffix */
    /* MISSING, SETTLE, FAIL: the value an atom would need (FAIL: the truth it had) */
    nm_x_node **children;
    int nchildren;
};

struct nm_explanation {
    const nm_program *prog;
    const nm_lowered *lw;
    const char *query;
    int nanswers;
    nm_x_node **answers;        /* ANSWER nodes, in value order */
};

/* Builds the explanation (see nm_model_explain in norma.h). */
nm_explanation *nm_x_explain(nm_model *m, const char *atom, const nm_explain_options *opt);

#endif
