/*
 * Unit tests for rc_use_memo and rc_use_callback (src/core/): values and
 * handlers recomputed only when their dependencies change.
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
    strlog renders;           /* "Name" per render */
    rc_state *st, *st2, *st3; /* captured during renders */

    /* memo / callback */
    int memo_calls[4];
    int64_t memo_vals[4];
    int cb_tokens[16];
    size_t cb_render;
    void *cb_user_seen;
} G;

/* ------------------------------------------------------------------------ */
/* Memo and callback                                                        */
/* ------------------------------------------------------------------------ */

typedef struct memo_arg {
    int which;
    int64_t x;
} memo_arg;

static void memo_fn(void *out, void *arg) {
    const memo_arg *m = arg;
    G.memo_calls[m->which]++;
    *(int64_t *)out = m->x * 2;
}

typedef struct cb_props {
    rc_handler_fn fn;
    void *user;
} cb_props;

static void CbChild(rc_ctx *ctx, const void *props) {
    const cb_props *p = props;
    slog_add(&G.renders, "CbChild");
    RC_EL(ctx, "button", .id = "cb", .on = RC_ON("click", p->fn, p->user)) {}
}
static RC_COMPONENT(CbChild);

static void MemoComp(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "MemoComp");
    rc_state *a = rc_use_int(ctx, "a", 1);
    rc_state *b = rc_use_int(ctx, "b", 0);
    rc_state *v = rc_use_value(ctx, "v", NULL);
    G.st = a;
    G.st2 = b;
    G.st3 = v;
    memo_arg m0 = {0, rc_state_get_int(a)};
    G.memo_vals[0] = *(const int64_t *)rc_use_memo(ctx, sizeof(int64_t), memo_fn, &m0,
                                                   RC_DEPS(rc_state_get_int(a)));
    memo_arg m1 = {1, rc_state_get_int(a)};
    G.memo_vals[1] = *(const int64_t *)rc_use_memo(ctx, sizeof(int64_t), memo_fn, &m1, RC_ONCE);
    memo_arg m2 = {2, rc_state_get_int(a)};
    G.memo_vals[2] =
        *(const int64_t *)rc_use_memo(ctx, sizeof(int64_t), memo_fn, &m2, RC_EVERY_RENDER);
    memo_arg m3 = {3, (int64_t)rc_array_count(rc_state_get_value(v))};
    G.memo_vals[3] = *(const int64_t *)rc_use_memo(ctx, sizeof(int64_t), memo_fn, &m3,
                                                   RC_DEPS((int64_t)rc_state_get_version(v)));
    /* A different user pointer every render: the callback keeps the first
     * until its deps change. */
    void *token = &G.cb_tokens[G.cb_render++ % 16];
    rc_on cb = rc_use_callback(ctx, RC_ON("click", h_count, token), RC_DEPS(rc_state_get_int(a)));
    G.cb_user_seen = cb.user;
    cb_props cp;
    memset(&cp, 0, sizeof cp);
    cp.fn = cb.fn;
    cp.user = cb.user;
    RC_EL(ctx, "div") {
        rc_textf(ctx, "%lld", (long long)rc_state_get_int(b));
        RC_CHILD(ctx, &CbChild_component, NULL, &cp);
    }
}
static RC_COMPONENT(MemoComp);

static void test_memo_and_callback(void **state) {
    (void)state;
    rc_layout *l = new_layout(&MemoComp_component, NULL, 0);
    flush_commit(l);
    for (int i = 0; i < 4; i++) assert_int_equal(G.memo_calls[i], 1);
    assert_int_equal(G.memo_vals[0], 2);
    assert_int_equal(G.memo_vals[3], 0);
    assert_ptr_equal(G.cb_user_seen, &G.cb_tokens[0]);

    /* Unrelated state: only RC_EVERY_RENDER recomputes; the callback keeps
     * its identity so the child that receives it is skipped. */
    G.renders.n = 0;
    rc_state_set_int(G.st2, 1);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    slog_expect(&G.renders, "MemoComp", NULL);
    assert_int_equal(G.memo_calls[0], 1);
    assert_int_equal(G.memo_calls[1], 1);
    assert_int_equal(G.memo_calls[2], 2);
    assert_int_equal(G.memo_calls[3], 1);
    assert_ptr_equal(G.cb_user_seen, &G.cb_tokens[0]);
    click(l, "cb");
    assert_int_equal(handled.calls, 1);
    assert_ptr_equal(handled.user, &G.cb_tokens[0]);

    /* The dependency changes: deps memo and callback update. */
    G.renders.n = 0;
    rc_state_set_int(G.st, 5);
    s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "MemoComp", "CbChild", NULL);
    assert_int_equal(G.memo_calls[0], 2);
    assert_int_equal(G.memo_vals[0], 10);
    assert_int_equal(G.memo_calls[1], 1); /* RC_ONCE: never again */
    assert_int_equal(G.memo_vals[1], 2);
    assert_int_equal(G.memo_calls[2], 3);
    assert_int_equal(G.memo_calls[3], 1);
    assert_ptr_equal(G.cb_user_seen, &G.cb_tokens[2]);
    click(l, "cb");
    assert_ptr_equal(handled.user, &G.cb_tokens[2]);

    /* rc_state_get_version as a dependency of a structured value. */
    int64_t x = 1;
    rc_state_update(G.st3, upd_push, &x);
    rc_state_update(G.st3, upd_push, &x);
    flush_commit(l);
    assert_int_equal(G.memo_calls[3], 2);
    assert_int_equal(G.memo_vals[3], 4);
    assert_int_equal(G.memo_calls[0], 2);
    rc_state_set_int(G.st2, 2);
    flush_commit(l);
    assert_int_equal(G.memo_calls[3], 2);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    harness_clears(&handled, sizeof handled);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_memo_and_callback, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
