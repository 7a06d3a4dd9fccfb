/*
 * Focused tests for reconciliation (src/core/reconcile.c): single elements
 * and texts. A changed text is one SET_TEXT at its DOM path (components in
 * front counted by the nodes they render); a changed tag is one REPLACE,
 * keyed or not; handler ids are unique, equal in two layouts rendering the
 * same tree, and distinct (each dispatching to its own handler) for
 * same-key components under different elements. Every flush also goes
 * through all the checks of diff_harness.h.
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

/* The DOM path of description node target under root (computed by
 * expanding the description). */
static bool desc_path(const dlist *l, const dnode *target, uint32_t *path, uint32_t depth,
                      uint32_t *pos, uint32_t *out_len) {
    for (size_t i = 0; i < l->n; i++) {
        const dnode *d = l->v[i];
        if (d->kind == D_COMP) {
            if (desc_path(&d->var[d->cur_var], target, path, depth, pos, out_len)) return true;
            continue;
        }
        path[depth] = (*pos)++;
        if (d == target) {
            *out_len = depth + 1;
            return true;
        }
        uint32_t p = 0;
        if (d->kind == D_EL && desc_path(&d->kids, target, path, depth + 1, &p, out_len))
            return true;
    }
    return false;
}

static void test_one_text_change(void **state) {
    (void)state;
    /* a component with two roots before the changed text, another with
     * none: paths count DOM nodes, not description nodes */
    dnode *old_root =
        R(L(2, T("head"),
            E("div", NULL, 3, C(0, NULL, 1, L(2, E("span", NULL, 0), E("span", NULL, 0))),
              C(1, "k", 1, L(0)), E("p", NULL, 2, T("a"), T("b")))));
    diff_harness h;
    h_mount(&h, old_root);
    dnode *target = T("B!");
    dnode *new_root =
        R(L(2, T("head"),
            E("div", NULL, 3, C(0, NULL, 1, L(2, E("span", NULL, 0), E("span", NULL, 0))),
              C(1, "k", 1, L(0)), E("p", NULL, 2, T("a"), target))));
    h_step(&h, new_root, NULL, 0);
    uint32_t path[16], len = 0, pos = 0;
    assert_true(desc_path(&new_root->var[0], target, path, 0, &pos, &len));
    assert_int_equal(h.nops, 1);
    assert_int_equal(h.ops[0].kind, RC_OP_SET_TEXT);
    assert_string_equal(h.ops[0].value, "B!");
    assert_int_equal(h.ops[0].path_len, len);
    for (uint32_t i = 0; i < len; i++) assert_int_equal(h.ops[0].path[i], path[i]);
    h_free(&h);
    pool_free();
}

static void test_tag_change_replaces(void **state) {
    (void)state;
    /* unkeyed and keyed, with a component of two roots in front */
    for (int keyed = 0; keyed < 2; keyed++) {
        const char *k = keyed ? "x" : NULL;
        dnode *a = R(L(1, E("div", NULL, 3, C(0, NULL, 1, L(2, T("1"), T("2"))),
                            E("span", k, 1, T("in")), E("i", NULL, 0))));
        dnode *b_el = E("b", k, 1, T("in"));
        dnode *b =
            R(L(1, E("div", NULL, 3, C(0, NULL, 1, L(2, T("1"), T("2"))), b_el, E("i", NULL, 0))));
        diff_harness h;
        h_mount(&h, a);
        h_step(&h, b, NULL, 0);
        assert_int_equal(h.nops, 1);
        assert_int_equal(h.ops[0].kind, RC_OP_REPLACE);
        assert_int_equal(h.ops[0].path_len, 1);
        assert_int_equal(h.ops[0].path[0], 0);
        assert_int_equal(h.ops[0].index, 2);
        assert_int_equal(h.ops[0].count, 1);
        assert_int_equal(h.ops[0].nnodes, 1);
        h_free(&h);
        pool_free();
    }
}

static void collect_ids(const rnode *r, char (**ids)[16], size_t *n) {
    for (size_t i = 0; i < r->nhs; i++) {
        *ids = xrealloc(*ids, (*n + 1) * sizeof **ids);
        memcpy((*ids)[(*n)++], r->hs[i].id, 16);
    }
    for (size_t i = 0; i < r->nkids; i++) collect_ids(r->kids[i], ids, n);
}

static void test_handler_ids(void **state) {
    (void)state;
    /* one component, several elements with the same event, keyed and not */
    dnode *b1 = E("button", NULL, 0), *b2 = E("button", NULL, 0), *b3 = E("button", "k", 0);
    dnode *top = E("div", NULL, 3, b1, E("p", NULL, 1, b2), b3);
    dnode *top2 = E("div", NULL, 0);
    add_handler(top, 0);
    add_handler(top2, 0);
    add_handler(b1, 0);
    add_handler(b1, 1);
    add_handler(b2, 0);
    add_handler(b3, 0);
    dnode *anchor = E("a", NULL, 0);
    add_handler(anchor, 0);
    dnode *comp = C(0, NULL, 1, L(2, top, top2));
    dnode *root = R(L(2, comp, C(0, NULL, 1, L(1, anchor))));
    const dnode *with_handlers[] = {top, top2, b1, b2, b3, anchor};
    size_t nhandlers = 0;
    for (size_t i = 0; i < sizeof with_handlers / sizeof *with_handlers; i++)
        nhandlers += (size_t)with_handlers[i]->nh;

    diff_harness h1, h2;
    h_mount(&h1, root);
    char(*ids)[16] = NULL;
    size_t n = 0;
    collect_ids(h1.ref, &ids, &n);
    assert_int_equal(n, nhandlers);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) assert_string_not_equal(ids[i], ids[j]);
    /* the same tree in another layout: identical ids */
    h_mount(&h2, root);
    check_same_dom(h1.ref, h2.ref, true, "same tree, two layouts");
    free(ids);
    h_free(&h1);
    h_free(&h2);
    pool_free();
}

/* Two keyed child components with the same key and type, under different
 * elements of the same parent component (keys need only be unique among
 * siblings): their elements are different elements, so their handler ids
 * must differ and each must dispatch to its own handler. (Regression: both
 * instances used to get the address /Root/CompA[k], hence the same ids.) */
static void test_same_key_components_under_different_parents(void **state) {
    (void)state;
    dnode *btn1 = E("button", NULL, 0), *btn2 = E("button", NULL, 0);
    add_handler(btn1, 0);
    add_handler(btn2, 0);
    dnode *root = R(L(2, E("div", NULL, 1, C(0, "k", 1, L(1, btn1))),
                      E("div", NULL, 1, C(0, "k", 1, L(1, btn2)))));
    g_root = root;
    rc_layout *l = new_diff_layout();
    (void)rc_layout_flush(l);
    rnode *dom = ref_from_layout(l);
    const char *id1 = dom->kids[0]->kids[0]->hs[0].id;
    const char *id2 = dom->kids[1]->kids[0]->hs[0].id;
    bool distinct = strcmp(id1, id2) != 0;
    g_fired_user = NULL;
    int rc = rc_layout_dispatch(l, id1, NULL, 0);
    bool first_ok = rc == 0 && g_fired_user == btn1;
    rn_free(dom);
    rc_layout_commit(l);
    free_layout(l);
    pool_free();
    g_root = NULL;
    assert_true(distinct);
    assert_true(first_ok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_text_change, reset, teardown),
        cmocka_unit_test_setup_teardown(test_tag_change_replaces, reset, teardown),
        cmocka_unit_test_setup_teardown(test_handler_ids, reset, teardown),
        cmocka_unit_test_setup_teardown(test_same_key_components_under_different_parents, reset,
                                        teardown),
    };
    /* TD_FILTER=pattern runs only the matching tests */
    if (getenv("TD_FILTER")) cmocka_set_test_filter(getenv("TD_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
