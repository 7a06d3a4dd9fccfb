/*
 * Focused tests for reconciliation (src/core/reconcile.c): lists of
 * siblings. Keyed rows reversed or permuted are only moved (as many MOVEs as
 * rows off a longest increasing subsequence), also when the siblings are
 * components rendering no node or two; runs of inserted or removed rows are
 * one INSERT or one REMOVE. Every flush also goes through all the checks of
 * diff_harness.h.
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
#include "op_model.h"
#include "tree_gen.h"

static char g_keybuf[2048][8];

static dnode *keyed_li(size_t i) {
    snprintf(g_keybuf[i], sizeof g_keybuf[i], "r%zu", i);
    return E("li", g_keybuf[i], 1, T(g_keybuf[i]));
}

/* ul with keyed rows order[0..n) */
static dnode *keyed_list_root(const size_t *order, size_t n) {
    dnode *ul = E("ul", NULL, 0);
    for (size_t i = 0; i < n; i++) dl_push(&ul->kids, keyed_li(order[i]));
    return R(L(1, ul));
}

static void test_keyed_reverse_1000(void **state) {
    (void)state;
    enum { N = 1000 };
    size_t order[N], rev[N];
    for (size_t i = 0; i < N; i++) {
        order[i] = i;
        rev[i] = N - 1 - i;
    }
    diff_harness h;
    h_mount(&h, keyed_list_root(order, N));
    h_step(&h, keyed_list_root(rev, N), NULL, 0);
    /* new positions of the old rows, in old order: N-1, ..., 0 */
    size_t seq[N];
    for (size_t i = 0; i < N; i++) seq[i] = N - 1 - i;
    size_t want = N - lis_len(seq, N);
    assert_int_equal(want, N - 1);
    assert_int_equal(count_ops(&h, RC_OP_MOVE), want);
    assert_int_equal(h.nops, want);
    for (size_t i = 0; i < h.nops; i++) {
        assert_int_equal(h.ops[i].path_len, 1);
        assert_int_equal(h.ops[i].path[0], 0);
        assert_int_equal(h.ops[i].count, 1);
    }
    h_free(&h);
    pool_free();
}

static void test_keyed_permutations_only_move(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        rng_seed(seed);
        size_t n = 1 + rndn(40);
        size_t order[64], perm[64];
        for (size_t i = 0; i < n; i++) order[i] = perm[i] = i;
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = rndn(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        diff_harness h;
        h_mount(&h, keyed_list_root(order, n));
        h_step(&h, keyed_list_root(perm, n), NULL, 0);
        /* new position of each old row, in old order */
        size_t seq[64];
        for (size_t k = 0; k < n; k++) seq[perm[k]] = k;
        size_t want = n - lis_len(seq, n);
        assert_int_equal(count_ops(&h, RC_OP_MOVE), want);
        assert_int_equal(h.nops, want);
        h_free(&h);
        pool_free();
    }
}

/* Every permutation of every list of up to 4 keyed siblings (and of a fixed
 * sample of the lists of 5), each an element, a component rendering nothing
 * or a component rendering two roots: components are transparent, so moved
 * lists hold zero-width and wide nodes. Only MOVEs, as many as the non-empty
 * rows off a longest increasing subsequence (empty ones move for free). */
static dnode *mixed_item(int type, size_t i) {
    char key[8];
    snprintf(key, sizeof key, "m%zu", i);
    if (type == 0) return E("li", key, 1, T(key));
    if (type == 1) return C(0, key, 1, L(0));
    return C(0, key, 1, L(2, T(key), E("b", NULL, 0)));
}

static bool next_perm(size_t *a, size_t n) {
    if (n < 2) return false;
    size_t i = n - 1;
    while (i > 0 && a[i - 1] >= a[i]) i--;
    if (i == 0) return false;
    size_t j = n - 1;
    while (a[j] <= a[i - 1]) j--;
    size_t t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (size_t x = i, y = n - 1; x < y; x++, y--) {
        t = a[x];
        a[x] = a[y];
        a[y] = t;
    }
    return true;
}

static void test_permutations_with_component_widths(void **state) {
    (void)state;
    for (size_t n = 1; n <= 5; n++) {
        size_t patterns = 1;
        for (size_t i = 0; i < n; i++) patterns *= 3;
        for (size_t pat = 0; pat < patterns; pat++) {
            if (n == 5 && pat % 17 != 0) continue; /* n = 5: a fixed sample of patterns */
            int types[5];
            for (size_t i = 0, p = pat; i < n; i++, p /= 3) types[i] = (int)(p % 3);
            size_t perm[5];
            for (size_t i = 0; i < n; i++) perm[i] = i;
            do {
                snprintf(g_where, sizeof g_where, "n=%zu pattern=%zu perm=%zu%zu%zu%zu%zu", n, pat,
                         perm[0], n > 1 ? perm[1] : 9, n > 2 ? perm[2] : 9, n > 3 ? perm[3] : 9,
                         n > 4 ? perm[4] : 9);
                dnode *a = E("ul", NULL, 0), *b = E("ul", NULL, 0);
                for (size_t i = 0; i < n; i++) dl_push(&a->kids, mixed_item(types[i], i));
                for (size_t i = 0; i < n; i++)
                    dl_push(&b->kids, mixed_item(types[perm[i]], perm[i]));
                diff_harness h;
                h_mount_ex(&h, R(L(2, T("before"), a)), true);
                h_step(&h, R(L(2, T("before"), b)), NULL, 0);
                /* only moves, as many as the non-empty rows off a LIS */
                size_t seq[5], nz = 0;
                for (size_t k = 0; k < n; k++)
                    if (types[perm[k]] != 1) seq[nz++] = perm[k];
                size_t moves = count_ops(&h, RC_OP_MOVE), want = nz - lis_len(seq, nz);
                CHECK(moves == want && h.nops == moves, "%zu ops, %zu MOVEs, expected %zu MOVEs",
                      h.nops, moves, want);
                h_free(&h);
                pool_free();
            } while (next_perm(perm, n));
        }
    }
    g_where[0] = '\0';
}

static void test_keyed_insert_one_op(void **state) {
    (void)state;
    enum { N = 10 };
    /* insert 1 or 3 new rows at the front, the middle and the end */
    for (size_t at = 0; at <= N; at += N / 2) {
        for (size_t run = 1; run <= 3; run += 2) {
            size_t before[N], after[N + 3];
            for (size_t i = 0; i < N; i++) before[i] = i;
            size_t m = 0;
            for (size_t i = 0; i <= N; i++) {
                if (i == at)
                    for (size_t r = 0; r < run; r++) after[m++] = 100 + r;
                if (i < N) after[m++] = i;
            }
            diff_harness h;
            h_mount(&h, keyed_list_root(before, N));
            h_step(&h, keyed_list_root(after, m), NULL, 0);
            assert_int_equal(h.nops, 1);
            assert_int_equal(h.ops[0].kind, RC_OP_INSERT);
            assert_int_equal(h.ops[0].path_len, 1);
            assert_int_equal(h.ops[0].index, at);
            assert_int_equal(h.ops[0].nnodes, run);
            h_free(&h);
            pool_free();
        }
    }
}

static void test_keyed_remove_run_one_op(void **state) {
    (void)state;
    enum { N = 12 };
    for (size_t from = 0; from < N; from += 3) {
        for (size_t len = 1; from + len <= N; len += 4) {
            size_t before[N], after[N];
            size_t m = 0;
            for (size_t i = 0; i < N; i++) {
                before[i] = i;
                if (i < from || i >= from + len) after[m++] = i;
            }
            diff_harness h;
            h_mount(&h, keyed_list_root(before, N));
            h_step(&h, keyed_list_root(after, m), NULL, 0);
            assert_int_equal(h.nops, 1);
            assert_int_equal(h.ops[0].kind, RC_OP_REMOVE);
            assert_int_equal(h.ops[0].index, from);
            assert_int_equal(h.ops[0].count, len);
            h_free(&h);
            pool_free();
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keyed_reverse_1000, reset, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_permutations_only_move, reset, teardown),
        cmocka_unit_test_setup_teardown(test_permutations_with_component_widths, reset, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_insert_one_op, reset, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_remove_run_one_op, reset, teardown),
    };
    /* TD_FILTER=pattern runs only the matching tests */
    if (getenv("TD_FILTER")) cmocka_set_test_filter(getenv("TD_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
