/*
 * Unit tests for unmounting (src/core/): what an unmounted instance frees
 * and ignores, cleanups, keyed reordering keeping state and key changes
 * resetting it.
 *
 * Leaks and use-after-free are caught by running this program under ASan or
 * valgrind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "reactc_layout.h"

#include "harness.h"
#include "hook_helpers.h"
#include "layout_driver.h"
#include "strlog.h"

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    strlog renders; /* "Name" per render */

    /* slots captured during renders (valid while the instance lives) */
    rc_state *st, *st2;
    rc_state *s_bool;
} G;

/* ------------------------------------------------------------------------ */
/* Unmounting                                                               */
/* ------------------------------------------------------------------------ */

static rc_cleanup eff_count_cleanup(rc_effect *e, void *arg) {
    (void)e;
    (void)arg;
    return (rc_cleanup){cleanup_log, (void *)(uintptr_t) "u"};
}

static void UGrand(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_use_effect(ctx, eff_count_cleanup, NULL, 0, RC_ONCE);
    (void)rc_use_ref(ctx, 64);
    rc_use_string(ctx, "s", "some text that lives on the heap");
    RC_EL(ctx, "button", .id = "ugrand-btn", .on = RC_ON("click", h_count, NULL)) {}
}
static RC_COMPONENT(UGrand);

static void UChild(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "UChild");
    rc_state *n = rc_use_int(ctx, "n", 0);
    G.st2 = n;
    rc_use_effect(ctx, eff_count_cleanup, NULL, 0, RC_ONCE);
    RC_EL(ctx, "div") {
        /* user data is this instance's state: calling it after unmount
         * would be a use-after-free */
        RC_EL(ctx, "button", .id = "uchild-btn", .on = RC_ON("click", h_inc, n)) {}
        rc_child(ctx, &UGrand_component, NULL, NULL, 0);
    }
}
static RC_COMPONENT(UChild);

static void URoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.s_bool = rc_use_bool(ctx, "show", true);
    rc_use_effect(ctx, eff_count_cleanup, NULL, 0, RC_ONCE);
    RC_EL(ctx, "main") {
        RC_EL(ctx, "button", .id = "toggle", .on = RC_ON("click", h_toggle, G.s_bool)) {}
        if (rc_state_get_bool(G.s_bool)) rc_child(ctx, &UChild_component, "k", NULL, 0);
    }
}
static RC_COMPONENT(URoot);

static void test_unmount_frees_and_ignores_handlers(void **state) {
    (void)state;
    rc_layout *l = new_layout(&URoot_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(rc_layout_count_instances(l), 3);
    char child_id[32], grand_id[32];
    snprintf(child_id, sizeof child_id, "%s", handler_id(l, "uchild-btn", "onClick"));
    snprintf(grand_id, sizeof grand_id, "%s", handler_id(l, "ugrand-btn", "onClick"));
    assert_int_equal(rc_layout_dispatch(l, grand_id, NULL, 0), 0);
    assert_int_equal(handled.calls, 1);
    assert_int_equal(rc_layout_dispatch(l, child_id, NULL, 0), 0);
    flush_commit(l);

    click(l, "toggle");
    flush_commit(l);
    assert_int_equal(rc_layout_count_instances(l), 1);
    assert_null(find(l, "uchild-btn"));
    assert_int_equal(logged.cleanups, 2); /* child and grandchild */

    handled.calls = 0;
    assert_int_equal(rc_layout_dispatch(l, grand_id, NULL, 0), -1);
    assert_int_equal(rc_layout_dispatch(l, child_id, NULL, 0), -1);
    assert_int_equal(handled.calls, 0);
    assert_false(rc_layout_is_dirty(l));

    /* Remount: fresh instances, same deterministic handler ids. */
    click(l, "toggle");
    flush_commit(l);
    assert_int_equal(rc_layout_count_instances(l), 3);
    assert_string_equal(handler_id(l, "uchild-btn", "onClick"), child_id);
    assert_int_equal(rc_layout_dispatch(l, grand_id, NULL, 0), 0);
    assert_int_equal(handled.calls, 1);
    expect_no_errors();
    free_layout(l);
    assert_int_equal(logged.cleanups, 2 + 3);
}

/* A dirty child removed by its parent in the same flush never renders. */
static void test_unmount_dirty_child_removed_by_parent(void **state) {
    (void)state;
    rc_layout *l = new_layout(&URoot_component, NULL, 0);
    flush_commit(l);
    G.renders.n = 0;
    assert_true(rc_state_set_int(G.st2, 5));
    click(l, "toggle");
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(slog_count(&G.renders, "UChild"), 0);
    assert_int_equal(rc_layout_count_instances(l), 1);
    assert_false(rc_layout_is_dirty(l));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    expect_no_errors();
    free_layout(l);
}

static void test_unmount_layout_free_runs_cleanups(void **state) {
    (void)state;
    rc_layout *l = new_layout(&URoot_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(logged.cleanups, 0);
    free_layout(l);
    assert_int_equal(logged.cleanups, 3);

    /* Never flushed; flushed but never committed (effects never ran). */
    logged.cleanups = 0;
    l = new_layout(&URoot_component, NULL, 0);
    free_layout(l);
    l = new_layout(&URoot_component, NULL, 0);
    rc_layout_flush(l);
    free_layout(l);
    assert_int_equal(logged.cleanups, 0);
    rc_layout_free(NULL);
}

/* Changing a child's key unmounts it and mounts a fresh instance. */
static void KChild(rc_ctx *ctx, const void *props) {
    (void)props;
    G.st2 = rc_use_int(ctx, "n", 0);
    use_logged_effect(ctx, "K", RC_ONCE);
    RC_EL(ctx, "p", .id = "k") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.st2)); }
}
static RC_COMPONENT(KChild);

static void KRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.st = rc_use_int(ctx, "key", 0);
    char key[16];
    snprintf(key, sizeof key, "key-%lld", (long long)rc_state_get_int(G.st));
    RC_EL(ctx, "div") { rc_child(ctx, &KChild_component, key, NULL, 0); }
}
static RC_COMPONENT(KRoot);

/* Keyed children keep their state and effects when reordered. */
static void KItem(rc_ctx *ctx, const void *props) {
    const id_props *p = props;
    slog_add(&G.renders, "KItem:%s", p->id);
    rc_state *n = rc_use_int(ctx, "n", 0);
    use_logged_effect(ctx, p->id, RC_ONCE);
    RC_EL(ctx, "li", .id = p->id, .on = RC_ON("click", h_inc, n)) {
        rc_textf(ctx, "%lld", (long long)rc_state_get_int(n));
    }
}
static RC_COMPONENT(KItem);

static void KList(rc_ctx *ctx, const void *props) {
    (void)props;
    G.s_bool = rc_use_bool(ctx, "reversed", false);
    static const char *const ids[] = {"ka", "kb", "kc"};
    bool rev = rc_state_get_bool(G.s_bool);
    RC_EL(ctx, "ul", .id = "klist") {
        for (int i = 0; i < 3; i++) {
            const char *id = ids[rev ? 2 - i : i];
            id_props ip = {id};
            RC_CHILD(ctx, &KItem_component, id, &ip);
        }
    }
}
static RC_COMPONENT(KList);

static void test_keyed_reorder_keeps_state(void **state) {
    (void)state;
    rc_layout *l = new_layout(&KList_component, NULL, 0);
    flush_commit(l);
    click(l, "ka");
    click(l, "kc");
    click(l, "kc");
    flush_commit(l);
    G.renders.n = 0;
    logged.effects.n = 0;
    rc_state_set_bool(G.s_bool, true);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1); /* the items are only moved */
    assert_true(s.nops >= 1);
    assert_int_equal(logged.effects.n, 0); /* no remount */
    assert_string_equal(text_of(l, "klist"), "201");
    assert_string_equal(text_of(l, "ka"), "1");
    assert_string_equal(text_of(l, "kc"), "2");
    assert_int_equal(rc_layout_count_instances(l), 4);
    expect_no_errors();
    free_layout(l);
}

static void test_unmount_key_change_resets_state(void **state) {
    (void)state;
    rc_layout *l = new_layout(&KRoot_component, NULL, 0);
    flush_commit(l);
    rc_state_set_int(G.st2, 9);
    flush_commit(l);
    assert_string_equal(text_of(l, "k"), "9");
    logged.effects.n = 0;
    rc_state_set_int(G.st, 1);
    flush_commit(l);
    assert_string_equal(text_of(l, "k"), "0");
    slog_expect(&logged.effects, "K:cleanup", "K:effect", NULL);
    assert_int_equal(rc_layout_count_instances(l), 2);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    harness_clears(&handled, sizeof handled);
    harness_clears(&logged, sizeof logged);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unmount_frees_and_ignores_handlers, reset, teardown),
        cmocka_unit_test_setup_teardown(test_unmount_dirty_child_removed_by_parent, reset,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unmount_layout_free_runs_cleanups, reset, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_reorder_keeps_state, reset, teardown),
        cmocka_unit_test_setup_teardown(test_unmount_key_change_resets_state, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
