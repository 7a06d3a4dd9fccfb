/*
 * The reconciliation tests' harness (test_diff_*.c): one layout rendering a
 * description (desc_tree.h), its reference DOM (ref_dom.h) and all the
 * checks. After every flush:
 *
 *   1. the reference DOM with the patch applied must equal, exactly (tags,
 *      attribute sets, handler event -> id and flags, text, order), the
 *      reference DOM built fresh from the layout's virtual DOM;
 *   2. that DOM must be the expansion of the test-owned description tree the
 *      components rendered (right content, right component variant);
 *   3. the operations must be the ones the documented algorithm promises
 *      (op_model.h);
 *   4. every handler id dispatches to the element that declared it, ids are
 *      unique, stale ids are unknown, and a fresh layout rendering the same
 *      description and state gives the same DOM and the same ids (handler ids
 *      do not depend on history).
 *
 * The layouts log to the shared harness (harness.h) at RC_LOG_WARN: any
 * error or warning fails the check. Use reset and teardown (harness.h) as
 * the tests' setup and teardown: the layouts are tracked.
 */
#ifndef RC_TEST_DIFF_HARNESS_H
#define RC_TEST_DIFF_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "desc_tree.h"
#include "reactc_layout.h"
#include "ref_dom.h"

typedef struct recop { /* a copy of an op, for focused assertions */
    rc_op_kind kind;
    uint32_t path[16];
    uint32_t path_len;
    uint32_t index, count, before, nnodes;
    char value[64];
} recop;

typedef struct diff_harness {
    rc_layout *l;
    rnode *ref;  /* the client's DOM, maintained by the applier */
    dnode *root; /* the root description rendered last */
    int64_t gen;
    opstats st; /* last flush */
    recop *ops; /* last flush */
    size_t nops;
    char (*ids)[16]; /* handler ids after the last flush */
    size_t nids;
    bool check_ops; /* compare op counts with the model */
    bool no_shadow; /* skip the fresh-layout comparison after steps */
} diff_harness;

/* A tracked layout of ROOT_COMP (rendering g_root), logging warnings and
 * errors to test_log (harness.h). */
rc_layout *new_diff_layout(void);

/* Mounts root. With no_shadow, the fresh-layout comparison is skipped after
 * the mount and after every step. */
void h_mount_ex(diff_harness *h, dnode *root, bool no_shadow);
void h_mount(diff_harness *h, dnode *root);

/* One update: sets the "v" slot of each sets[i].d to sets[i].v (their
 * instances must be mounted), switches the root description to new_root if
 * not NULL, then flushes, applies and checks. */
typedef struct vset {
    dnode *d;
    int v;
} vset;

void h_step(diff_harness *h, dnode *new_root, const vset *sets, size_t nsets);
void h_free(diff_harness *h);

/* Ops of kind k in the last flush. */
size_t count_ops(const diff_harness *h, rc_op_kind k);

#endif
