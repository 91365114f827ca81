/* facts.h — fact files inside the engine: the rows loaded from a fact directory by
 * nm_engine_load_facts_dir (facts.c), kept as cells, and inserted into each run's
 * evaluator by model.c; individuals named only by fact files, for queries.
 * Internal to engine/. The formats are SPEC [cli.facts]. */
#ifndef NM_FACTS_H
#define NM_FACTS_H

#include <stdbool.h>

#include "eval.h"
#include "lower.h"
#include "mem.h"
#include "value.h"

typedef struct nm_factset nm_factset;

/* A run's relation may share a file's rows in place (nm_rel_share_rows), so rows
 * once kept never change: loading appends, a file with errors takes back only its
 * own rows, and the first run that finds a repeated row drops the repeats, moving
 * only rows after the first repeat — which no relation shares (facts.c). */

/* Inserts the rows stated false (open predicates, `truth` false) into C(p⁻). Call
 * before nm_lower_load_facts, so that the domain of each open predicate leaves
 * them out. fs may be NULL. */
void nm_facts_insert_false(nm_factset *fs, const nm_lowered *lw, nm_eval *ev);

/* Inserts the true rows (into P(p), and into C(p) unless also stated false: a
 * conflict) and widens the possible atoms of open predicates to the individuals the
 * files declare ([sem.open.domain]). Call after nm_lower_load_facts. False with a
 * message in err when a widened domain is too large to enumerate. fs may be NULL. */
bool nm_facts_insert_true(nm_factset *fs, const nm_lowered *lw, nm_eval *ev, nm_buf *err);

/* The cell of `name` when a fact file declared it (an implicit individual of a
 * declared entity type, or a party of Person.tsv / Unit.tsv). fs may be NULL. */
bool nm_facts_entity(const nm_factset *fs, const char *name, nm_cell *out);

/* The column name of argument j of predicate `pred` in fact files and in written
 * relations: its declared name; "value" for an attribute's value, "argN" (1-based)
 * for an argument without a name. */
const char *nm_facts_arg_name(const nm_program *p, int pred, int j);

/* Number of rows kept (true and false), for statistics and tests. */
size_t nm_facts_rows(const nm_factset *fs);

#endif
