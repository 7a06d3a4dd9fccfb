/*
 * Focused tests for reconciliation (src/core/reconcile.c): components'
 * output. A component's root count changes (1 -> 3 -> 0 -> 1) among
 * siblings, by its own state and with its siblings changing; components
 * nested at the top of other components' output change root counts at
 * several levels at once; a component keeping its props but not its
 * address renders again (and only then). Every flush also goes through all
 * the checks of diff_harness.h.
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
#include "ref_dom.h"

/* A component going 1 -> 3 -> 0 -> 1 roots in a list with siblings, by its
 * own state and together with changes of its siblings. */
static void test_component_root_count_changes(void **state) {
    (void)state;
    for (int with_parent = 0; with_parent < 2; with_parent++) {
        dnode *comp = C(0, "c", 3, L(1, E("b", NULL, 1, T("one"))),
                        L(3, T("x"), E("i", NULL, 0), C(1, NULL, 2, L(1, T("n")), L(0))), L(0));
        dnode *li_c = E("li", "c3", 1, T("c"));
        dnode *root =
            R(L(1, E("ul", NULL, 4, E("li", "a", 1, T("a")), comp, E("li", "b", 1, T("b")), li_c)));
        diff_harness h;
        h_mount(&h, root);
        assert_int_equal(h.ref->kids[0]->nkids, 4);
        static const int seq[] = {1, 2, 0, 2, 1};
        for (size_t s = 0; s < sizeof seq / sizeof *seq; s++) {
            vset set = {comp, seq[s]};
            if (!with_parent) {
                h_step(&h, NULL, &set, 1);
            } else {
                /* same component (same key, type), siblings reordered and
                 * changed around it while its own state changes */
                dnode *c2 = C(0, "c", 3, dl_clone(&comp->var[0]), dl_clone(&comp->var[1]),
                              dl_clone(&comp->var[2]));
                dnode *lic = E("li", "c3", 1, T(s % 2 ? "C" : "c"));
                add_attr(lic, "class", s % 2 ? "odd" : "even");
                dnode *r2 = s % 2 ? R(L(1, E("ul", NULL, 4, lic, E("li", "a", 1, T("a")), c2,
                                             E("li", "b", 1, T("b")))))
                                  : R(L(1, E("ul", NULL, 4, E("li", "a", 1, T("a")), c2,
                                             E("li", "b", 1, T("b")), lic)));
                h_step(&h, r2, &set, 1);
                comp = c2;
            }
            assert_int_equal(comp->cur_var, seq[s]);
            /* three siblings and the component's roots, expanded */
            assert_int_equal(h.ref->kids[0]->nkids, 3 + dom_count(comp, false));
        }
        h_free(&h);
        pool_free();
    }
}

/* Components nested at the top of other components' output, changing root
 * counts at several levels at once, with siblings at every level. */
static void test_nested_top_level_components(void **state) {
    (void)state;
    /* inner, mid and hr appear in both variants of their parent, keyed: the
     * same instances (and DOM nodes) move around */
    dnode *inner = C(2, "in", 3, L(2, T("i1"), T("i2")), L(0), L(1, E("em", NULL, 0)));
    dnode *mid = C(1, "m", 2, L(3, T("m"), inner, T("m2")), L(2, inner, T("only")));
    dnode *hr = E("hr", "h", 0);
    dnode *outer = C(0, NULL, 2, L(2, mid, hr), L(3, hr, mid, T("o")));
    dnode *root = R(L(3, T("start"), outer, E("footer", NULL, 1, T("f"))));
    diff_harness h;
    h_mount(&h, root);
    static const struct {
        int o, m, i;
    } steps[] = {
        {0, 0, 1}, {1, 0, 1}, {1, 1, 0}, {0, 1, 2}, {1, 0, 1}, {0, 0, 0}, {1, 1, 2},
    };
    for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
        vset sets[3];
        size_t n = 0;
        /* only sets on mounted instances that change something */
        if (inner->cur_var != steps[s].i) sets[n++] = (vset){inner, steps[s].i};
        if (mid->cur_var != steps[s].m) sets[n++] = (vset){mid, steps[s].m};
        if (outer->cur_var != steps[s].o) sets[n++] = (vset){outer, steps[s].o};
        h_step(&h, NULL, sets, n);
    }
    h_free(&h);
    pool_free();
}

/* An unkeyed child component keeps its props but changes its ordinal among
 * its owner's unkeyed components of its type ("CompA#1" -> "CompA#0"): its
 * address changed, so it must render again and its handlers get the ids a
 * fresh layout would give (the harness compares with one). */
static void test_path_change_with_equal_props(void **state) {
    (void)state;
    dnode *btn = E("button", NULL, 0);
    add_handler(btn, 0);
    dnode *y = C(0, NULL, 1, L(1, btn)); /* shared by both trees: equal props */
    dnode *a = R(L(2, E("div", NULL, 1, C(0, NULL, 1, L(1, T("x")))), y));
    dnode *b = R(L(2, E("div", NULL, 0), y));
    diff_harness h;
    h_mount(&h, a);
    unsigned renders = y->renders;
    h_step(&h, b, NULL, 0);
    assert_int_equal(y->renders, renders + 1);
    assert_int_equal(count_ops(&h, RC_OP_REMOVE), 1);
    assert_int_equal(count_ops(&h, RC_OP_SET_HANDLER), 1);
    assert_int_equal(h.nops, 2);
    /* and with equal props and an unchanged address: no render, no op */
    dnode *c = R(L(2, E("div", NULL, 0), y));
    renders = y->renders;
    h_step(&h, c, NULL, 0);
    assert_int_equal(y->renders, renders);
    assert_int_equal(h.nops, 0);
    h_free(&h);
    pool_free();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_component_root_count_changes, reset, teardown),
        cmocka_unit_test_setup_teardown(test_nested_top_level_components, reset, teardown),
        cmocka_unit_test_setup_teardown(test_path_change_with_equal_props, reset, teardown),
    };
    /* TD_FILTER=pattern runs only the matching tests */
    if (getenv("TD_FILTER")) cmocka_set_test_filter(getenv("TD_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
