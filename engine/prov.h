/* prov.h — explanation trees ([sem.prov.tree]), rebuilt on demand after evaluation
 * (lower → eval with provenance → prov). Each derived atom's stored (rule, height)
 * picks its rule; the rule's least witness (nm_eval_witness_find) gives its children
 * in body source order, so a tree depends only on the model, value order and
 * declaration order, never on the join order. */
#ifndef NM_PROV_H
#define NM_PROV_H

#include <stdint.h>

#include "eval.h"
#include "lower.h"
#include "program.h"

typedef enum nm_prov_kind {
    NM_PROV_RULE,       /* an atom concluded by a rule; children: its witness */
    NM_PROV_FACT,       /* an input atom (fact, list/map/table row, API fact) */
    NM_PROV_NOT,        /* a negation that held: `not q(a, _)` or `not (…)` */
    NM_PROV_EXCEPTION,  /* `not blocked_R(…)`: no exception to R applied */
    NM_PROV_CMP,        /* a comparison that held, with its values */
    NM_PROV_TEST,       /* a builtin test that held (`within`) */
    NM_PROV_AGG,        /* an aggregate: its value and first key tuples */
    NM_PROV_MORE,       /* the depth bound: the node above has children not shown */
} nm_prov_kind;

typedef struct nm_prov_tree nm_prov_tree;

struct nm_prov_tree {
    nm_prov_kind kind;
    const char *text;           /* the node without annotations: "path(a, d)",
                                   "not q(a, _)", "3 >= 2", "count(…) = 2 over …", "…" */
    int rel;                    /* RULE, FACT: the atom's relation; NOT, EXCEPTION: the
                                   negated relation; else -1 */
    int arity;
    const nm_cell *tuple;       /* RULE, FACT: the atom's arguments */
    uint32_t height;            /* RULE: the stored proof height (FACT: 0) */
    int plan_rule;              /* RULE: the plan rule (one branch of `rule`); else -1 */
    const nm_prule *rule;       /* RULE: the source rule; EXCEPTION: the rule whose
                                   exceptions did not apply; else NULL */
    int branch, nbranches;      /* RULE: the branch (1-based) among the rule's branches */
    const nm_pfact *fact;       /* FACT: the program fact, NULL when not found (facts
                                   added through the API, builtins) */
    bool unknown;               /* RULE, FACT: a possible atom that is not certain
                                   (trees of unknown atoms are built from P) */
    nm_cell value;              /* AGG: the aggregate's value */
    int nchildren;
    nm_prov_tree **children;
};

/* The explanation tree of the atom `tuple` of relation `rel` (plan relation id:
 * lw->pred_rel[pred] for a yes atom, lw->pred_poss_rel[pred] for an unknown one,
 * the ~false relations for explicitly false atoms) in the evaluated ev, which must have had
 * nm_eval_enable_provenance before its facts were added. Nodes below depth
 * max_depth (root: depth 0) are cut: a rule node at depth max_depth gets one
 * NM_PROV_MORE child instead of its body (max_depth < 0: no bound). Auxiliary
 * relations (`~aux`) never appear as nodes: their witness's children are inlined;
 * an atom derived by a rule lowering added itself (no origin: C(p) = C(p⁺) minus
 * P(p⁻)) shows the tree of the atom that rule read.
 * NULL when the atom is not in the relation or provenance was not recorded. */
nm_prov_tree *nm_prov_build(const nm_lowered *lw, const nm_eval *ev, int rel,
                            const nm_cell *tuple, int max_depth);

/* A stable text form for tests and `--why`: one node per line, two spaces of
 * indentation per level; a rule node is `atom  [label] [citation]…` (`[label,
 * branch k]` when the rule has several branches), an input is `atom  [fact
 * file:line]` (`[fact]` when its source is unknown); an unknown atom's line ends in
 * `[unknown]` (an unknown input shows only that); other nodes are their text. */
void nm_prov_dump(const nm_prov_tree *t, nm_buf *out);

#endif
