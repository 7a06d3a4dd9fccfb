/*
 * Unit tests for context (src/core/): defaults, the nearest provider, and
 * updates.
 *
 * Behaviours are checked against React / ReactPy semantics: context updates
 * reach consumers through skipped components.
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

typedef struct theme {
    int64_t color;
} theme;
static const theme theme_default = {7};
static const rc_context_type theme_ctx = {"theme", sizeof(theme), &theme_default};
static const rc_context_type nodef_ctx = {"nodef", sizeof(int64_t), NULL};

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    strlog renders; /* "Name" per render */

    /* slots captured during renders (valid while the instance lives) */
    rc_state *st, *st2;
    rc_state *s_bool;

    /* context */
    int64_t self_before, self_inside;
} G;

/* ------------------------------------------------------------------------ */
/* Context                                                                  */
/* ------------------------------------------------------------------------ */

static void Consumer(rc_ctx *ctx, const void *props) {
    const id_props *p = props;
    slog_add(&G.renders, "Consumer:%s", p->id);
    const theme *t = rc_use_context(ctx, &theme_ctx);
    const int64_t *z = rc_use_context(ctx, &nodef_ctx);
    RC_EL(ctx, "span", .id = p->id) {
        rc_textf(ctx, "%lld/%lld", (long long)t->color, (long long)*z);
    }
}
static RC_COMPONENT(Consumer);

static void CMiddle(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "CMiddle");
    id_props ip = {"deep"};
    RC_EL(ctx, "section") { RC_CHILD(ctx, &Consumer_component, NULL, &ip); }
}
static RC_COMPONENT(CMiddle);

/* Provides 55 to its children; its own rc_use_context must not see it. */
static void SelfProvider(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "SelfProvider");
    G.self_before = ((const theme *)rc_use_context(ctx, &theme_ctx))->color;
    theme mine = {55};
    RC_PROVIDE(ctx, &theme_ctx, &mine) {
        G.self_inside = ((const theme *)rc_use_context(ctx, &theme_ctx))->color;
        id_props ip = {"self-child"};
        RC_CHILD(ctx, &Consumer_component, NULL, &ip);
    }
}
static RC_COMPONENT(SelfProvider);

static void CtxRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "CtxRoot");
    G.st = rc_use_int(ctx, "v", 1);
    G.st2 = rc_use_int(ctx, "other", 0);
    int64_t v = rc_state_get_int(G.st);
    theme outer = {v}, inner = {100 + v};
    int64_t nd = 3;
    RC_EL(ctx, "div") {
        rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.st2));
        RC_CHILD(ctx, &Consumer_component, NULL, (&(id_props){"none"}));
        RC_PROVIDE(ctx, &theme_ctx, &outer) {
            rc_child(ctx, &CMiddle_component, NULL, NULL, 0);
            RC_CHILD(ctx, &Consumer_component, NULL, (&(id_props){"outer"}));
            RC_PROVIDE(ctx, &theme_ctx, &inner) {
                RC_PROVIDE(ctx, &nodef_ctx, &nd) {
                    RC_CHILD(ctx, &Consumer_component, NULL, (&(id_props){"inner"}));
                }
            }
            rc_child(ctx, &SelfProvider_component, NULL, NULL, 0);
        }
    }
}
static RC_COMPONENT(CtxRoot);

static void test_context_defaults_and_nearest(void **state) {
    (void)state;
    rc_layout *l = new_layout(&CtxRoot_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "none"), "7/0"); /* defaults (zeroes without one) */
    assert_string_equal(text_of(l, "outer"), "1/0");
    assert_string_equal(text_of(l, "deep"), "1/0");
    assert_string_equal(text_of(l, "inner"), "101/3"); /* nearest provider wins */
    assert_string_equal(text_of(l, "self-child"), "55/0");
    /* a component's own provider does not apply to itself */
    assert_int_equal(G.self_before, 1);
    assert_int_equal(G.self_inside, 1);
    expect_no_errors();
    free_layout(l);
}

static void test_context_change_reaches_consumers(void **state) {
    (void)state;
    rc_layout *l = new_layout(&CtxRoot_component, NULL, 0);
    flush_commit(l);
    G.renders.n = 0;
    rc_state_set_int(G.st, 2);
    step s = flush_commit(l);
    /* CtxRoot, its direct consumers whose context changed ("outer",
     * "inner"), "deep" below the skipped CMiddle and SelfProvider (it
     * consumes the outer value). "none" (no provider) and "self-child"
     * (SelfProvider's value did not change) do not render. */
    assert_int_equal(slog_count(&G.renders, "CMiddle"), 0);
    assert_int_equal(slog_count(&G.renders, "Consumer:none"), 0);
    assert_int_equal(slog_count(&G.renders, "SelfProvider"), 1);
    assert_int_equal(slog_count(&G.renders, "Consumer:self-child"), 0);
    assert_int_equal(slog_count(&G.renders, "Consumer:deep"), 1);
    assert_int_equal(slog_count(&G.renders, "Consumer:outer"), 1);
    assert_int_equal(slog_count(&G.renders, "Consumer:inner"), 1);
    assert_int_equal(slog_count(&G.renders, "CtxRoot"), 1);
    assert_int_equal(s.rendered, 5);
    assert_string_equal(text_of(l, "deep"), "2/0");
    assert_string_equal(text_of(l, "outer"), "2/0");
    assert_string_equal(text_of(l, "inner"), "102/3");
    assert_string_equal(text_of(l, "self-child"), "55/0");
    assert_int_equal(G.self_before, 2);
    assert_int_equal(G.self_inside, 2);

    /* Provider value unchanged: no consumer renders. */
    G.renders.n = 0;
    rc_state_set_int(G.st2, 1);
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    slog_expect(&G.renders, "CtxRoot", NULL);
    assert_false(rc_layout_is_dirty(l));
    expect_no_errors();
    free_layout(l);
}

static void CtxMove(rc_ctx *ctx, const void *props) {
    (void)props;
    G.s_bool = rc_use_bool(ctx, "inside", true);
    bool inside = rc_state_get_bool(G.s_bool);
    theme t = {40};
    id_props ip = {"moved"};
    RC_EL(ctx, "div") {
        RC_PROVIDE(ctx, &theme_ctx, &t) {
            if (inside) RC_CHILD(ctx, &Consumer_component, NULL, &ip);
        }
        if (!inside) RC_CHILD(ctx, &Consumer_component, NULL, &ip);
    }
}
static RC_COMPONENT(CtxMove);

/* Same instance, now outside the provider: it re-renders and reads the
 * default; back inside, the provided value; and a later provider change
 * still reaches it only while inside. */
static void test_context_consumer_moves_out_of_provider(void **state) {
    (void)state;
    rc_layout *l = new_layout(&CtxMove_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "moved"), "40/0");
    rc_state_set_bool(G.s_bool, false);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    assert_string_equal(text_of(l, "moved"), "7/0");
    assert_int_equal(rc_layout_count_instances(l), 2);
    rc_state_set_bool(G.s_bool, true);
    flush_commit(l);
    assert_string_equal(text_of(l, "moved"), "40/0");
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_context_defaults_and_nearest, reset, teardown),
        cmocka_unit_test_setup_teardown(test_context_change_reaches_consumers, reset, teardown),
        cmocka_unit_test_setup_teardown(test_context_consumer_moves_out_of_provider, reset,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
