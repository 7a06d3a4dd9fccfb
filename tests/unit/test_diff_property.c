/*
 * Property tests for reconciliation (src/core/reconcile.c): random
 * description trees (tree_gen.h) are mounted and changed for a few steps
 * each (a new root description, component states, or both), and every
 * flush goes through all the checks of diff_harness.h: the patch applied to
 * the reference DOM (ref_dom.h) against the new virtual DOM, the DOM against
 * the description, the operations against the model (op_model.h), handler
 * ids, and a fresh layout rendering the same state. Seeds and step counts
 * are fixed: a failure prints its seed and step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reactc_layout.h"

#include "desc_tree.h"
#include "diff_check.h"
#include "diff_harness.h"
#include "harness.h"
#include "tree_gen.h"

/* ======================================================================== */
/* Property test                                                            */
/* ======================================================================== */

static dnode *mutate_root(genp *g, const dnode *old) {
    return chance(4) ? gen_root(g) : mutate_root_vars(g, old);
}

static void run_random(uint64_t seed, const genp *params, int steps) {
    rng_seed(seed);
    g_share_pct = 15;
    genp g = *params;
    diff_harness h;
    snprintf(g_where, sizeof g_where, "seed %llu, mount", (unsigned long long)seed);
    h_mount_ex(&h, gen_root(&g), seed % 4 != 0);
    for (int step = 0; step < steps; step++) {
        g.budget = params->budget;
        unsigned mode = (unsigned)rndn(3); /* 0 new root, 1 component states, 2 both */
        snprintf(g_where, sizeof g_where, "seed %llu, step %d, mode %u", (unsigned long long)seed,
                 step, mode);
        vset *sets = NULL;
        size_t nsets = 0;
        if (mode != 0) {
            dvec comps = {0};
            walk_node(h.root, collect_comp_visit, &comps);
            sets = xcalloc(comps.n, sizeof *sets);
            for (size_t i = 0; i < comps.n; i++) {
                dnode *d = comps.v[i];
                if (!chance(35) || d->nvar < 2) continue;
                sets[nsets].d = d;
                sets[nsets].v = (d->cur_var + 1 + (int)rndn((size_t)d->nvar - 1)) % d->nvar;
                nsets++;
            }
            free(comps.v);
        }
        dnode *nr = mode != 1 ? mutate_root(&g, h.root) : NULL;
        /* the fresh-layout comparison is the costliest check: after the
         * last step of every run, after every step of one run in four */
        h.no_shadow = step + 1 < steps && seed % 4 != 0;
        h_step(&h, nr, sets, nsets);
        free(sets);
    }
    h_free(&h);
    pool_free();
    g_where[0] = '\0';
}

static void test_random_small(void **state) {
    (void)state;
    genp p = {.budget = 40, .maxdepth = 4, .maxlen = 5, .maxroots = 3};
    for (uint64_t seed = 1; seed <= 2000; seed++) run_random(seed, &p, 3);
}

static void test_random_wide(void **state) {
    (void)state;
    /* long sibling lists: permutations, runs, LIS */
    genp p = {.budget = 120, .maxdepth = 2, .maxlen = 14, .maxroots = 4};
    for (uint64_t seed = 10001; seed <= 10200; seed++) run_random(seed, &p, 4);
}

static void test_random_deep(void **state) {
    (void)state;
    /* components nested in components, few siblings */
    genp p = {.budget = 60, .maxdepth = 8, .maxlen = 3, .maxroots = 3};
    for (uint64_t seed = 20001; seed <= 20500; seed++) run_random(seed, &p, 5);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_small, reset, teardown),
        cmocka_unit_test_setup_teardown(test_random_wide, reset, teardown),
        cmocka_unit_test_setup_teardown(test_random_deep, reset, teardown),
    };
    /* TD_FILTER=pattern runs only the matching tests */
    if (getenv("TD_FILTER")) cmocka_set_test_filter(getenv("TD_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
