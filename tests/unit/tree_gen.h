/*
 * Random description trees (desc_tree.h) for the property test of
 * reconciliation (test_diff_property.c): fixed-seed random numbers, random
 * trees (elements with attributes and handlers, texts, components with up
 * to three variants of zero, one or several roots; siblings keyed, unkeyed
 * or mixed) and mutations of a tree (edited nodes, removed runs, reorders,
 * inserted runs, nodes shared with the previous tree), so that every step
 * of the property test diffs two related trees. The generator only makes
 * inputs; what is right is decided by the oracles (ref_dom.h, op_model.h).
 */
#ifndef RC_TEST_TREE_GEN_H
#define RC_TEST_TREE_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desc_tree.h"

/* ---- random numbers (xorshift64*, fixed seeds) ---------------------------- */

void rng_seed(uint64_t seed);
size_t rndn(size_t n); /* 0..n-1 (0 if n is 0) */
bool chance(unsigned pct);

/* ---- random descriptions ------------------------------------------------- */

/* Nodes of finished lists may be shared (the same node, so equal props for
 * components) by later trees or variants; they are never edited again. */
extern unsigned g_share_pct;

/* Marks d and everything under it finished (shareable, never edited). */
void pin_node(dnode *d);

typedef struct genp {
    int budget; /* nodes left to create */
    int maxdepth;
    size_t maxlen;   /* children per element */
    size_t maxroots; /* roots per component variant */
} genp;

/* A list of 0..maxlen random nodes (comp_output: a component's roots). */
dlist gen_list(genp *g, int depth, size_t maxlen, bool comp_output);
/* A root component with one or two variants of random top-level lists
 * (pinned), and one made from old by mutating each of its variants. */
dnode *gen_root(genp *g);
dnode *mutate_root_vars(genp *g, const dnode *old);

/* A list derived from src: nodes edited, shared, removed (runs too),
 * reordered, inserted (runs too). */
dlist mutate_list(genp *g, const dlist *src, int depth, bool comp_output);

#endif
