/*
 * The model of the operations: the second oracle of the reconciliation tests
 * (test_diff_*.c), computed from the description rendered before and the one
 * rendered now, without the library.
 *
 * The operations must be the ones the documented algorithm promises:
 * matched nodes (by key, unkeyed by position, same tag/type) are updated in
 * place and never removed and re-inserted (checked by node identity in the
 * reference DOM), inserted nodes are new, MOVEs number survivors - LIS
 * (computed here; survivors rendering no DOM node move for free, so with
 * those the count lies between the two LIS bounds), no MOVE is a no-op,
 * runs are coalesced into one INSERT/REMOVE, and attribute/text/handler ops
 * are exactly the changed ones.
 */
#ifndef RC_TEST_OP_MODEL_H
#define RC_TEST_OP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "desc_tree.h"

/* How many ops of each kind a flush must make (a range where the model
 * allows several answers). */
typedef struct expect {
    size_t set_text, set_attr, remove_attr, remove_handler, replace;
    size_t insert_nonempty, remove;
    size_t move_lo, move_hi, set_handler_lo, set_handler_hi;
} expect;

extern uint64_t g_watermark; /* reference DOM nodes above this uid are new */

/* Longest strictly increasing subsequence length (values distinct). */
size_t lis_len(const size_t *seq, size_t n);

/* Everything under a newly inserted node is new in the DOM. */
void an_fresh(const dnode *n);

/* Adds to e the ops that turn o (as rendered before: prev_var, uid) into n
 * (as rendered now: cur_var, cur_uid), and checks that matched nodes were
 * updated in place and inserted ones are new. */
void an_pair(const dnode *o, const dnode *n, expect *e);

#endif
