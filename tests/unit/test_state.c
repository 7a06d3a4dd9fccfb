/*
 * Unit tests for state hooks (src/core/): rc_use_int and the other typed
 * slots, every value type, versions, functional updates and reducers.
 *
 * Behaviours are checked against React / ReactPy semantics: one render per
 * dirty instance per flush; setting an equal value does not render; sets
 * before a flush batch into one render.
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

#include <math.h>

#include "reactc_layout.h"

#include "harness.h"
#include "hook_helpers.h"
#include "layout_driver.h"
#include "strlog.h"

typedef struct pt {
    int32_t x, y;
} pt;

static const rc_struct_type pt_type = {"pt", sizeof(pt), 1};

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    strlog renders; /* "Name" per render */

    /* slots captured during renders (valid while the instance lives) */
    rc_state *st;
    rc_state *s_int, *s_float, *s_bool, *s_str, *s_bytes, *s_val, *s_struct, *s_null;
    rc_state *s_red;
    bool set_ret;
} G;

/* ------------------------------------------------------------------------ */
/* State                                                                    */
/* ------------------------------------------------------------------------ */

static void h_same(rc_event *ev, void *user) {
    (void)ev;
    rc_state *s = user;
    G.set_ret = rc_state_set_int(s, rc_state_get_int(s));
}

static void h_many(rc_event *ev, void *user) {
    (void)ev;
    rc_state *s = user;
    for (int i = 0; i < 5; i++) rc_state_set_int(s, rc_state_get_int(s) + 1);
}

static void Counter(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "Counter");
    rc_state *n = rc_use_int(ctx, "count", 5);
    G.st = n;
    RC_EL(ctx, "div", .id = "counter") {
        RC_EL(ctx, "span", .id = "val") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(n)); }
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", h_inc, n)) {}
        RC_EL(ctx, "button", .id = "same", .on = RC_ON("click", h_same, n)) {}
        RC_EL(ctx, "button", .id = "many", .on = RC_ON("click", h_many, n)) {}
    }
}
static RC_COMPONENT(Counter);

static void test_state_initial_value(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    assert_int_equal(G.renders.n, 0); /* nothing renders before the first flush */
    const rc_patch *p = rc_layout_flush(l);
    assert_int_equal(p->rendered, 1);
    assert_int_equal(p->nops, 1);
    assert_int_equal(p->ops[0].kind, RC_OP_INSERT);
    assert_string_equal(text_of(l, "val"), "5");
    assert_int_equal(rc_state_get_int(G.st), 5);
    assert_int_equal(rc_state_get_version(G.st), 1);
    rc_layout_commit(l);
    assert_false(rc_layout_is_dirty(l));
    /* Nothing dirty: nothing renders. */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    assert_int_equal(s.nops, 0);
    assert_int_equal(G.renders.n, 1);
    expect_no_errors();
    free_layout(l);
}

static void test_state_set_rerenders_once(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    flush_commit(l);
    click(l, "inc");
    assert_true(rc_layout_is_dirty(l));
    assert_int_equal(rc_state_get_version(G.st), 2);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(s.nops, 1);
    assert_int_equal(s.first_kind, RC_OP_SET_TEXT);
    assert_string_equal(s.first_value, "6");
    assert_string_equal(text_of(l, "val"), "6");
    assert_int_equal(slog_count(&G.renders, "Counter"), 2);
    assert_false(rc_layout_is_dirty(l));
    expect_no_errors();
    free_layout(l);
}

static void test_state_set_equal_value_no_render(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    flush_commit(l);
    G.set_ret = true;
    click(l, "same");
    assert_false(G.set_ret);
    assert_false(rc_layout_is_dirty(l));
    assert_int_equal(rc_state_get_version(G.st), 1);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    assert_int_equal(s.nops, 0);
    assert_int_equal(G.renders.n, 1);
    expect_no_errors();
    free_layout(l);
}

static void test_state_many_sets_batch(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    flush_commit(l);
    click(l, "many");                                /* five sets in one handler */
    click(l, "inc");                                 /* and one more event before the flush */
    assert_int_equal(rc_state_get_version(G.st), 7); /* one per change */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(s.nops, 1);
    assert_string_equal(s.first_value, "11");
    assert_string_equal(text_of(l, "val"), "11");
    assert_int_equal(G.renders.n, 2);
    expect_no_errors();
    free_layout(l);
}

/* Set then set back before the flush: at most one render, and no ops. */
static void test_state_set_and_revert(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    flush_commit(l);
    assert_true(rc_state_set_int(G.st, 9));
    assert_true(rc_state_set_int(G.st, 5));
    step s = flush_commit(l);
    assert_true(s.rendered <= 1);
    assert_int_equal(s.nops, 0);
    assert_string_equal(text_of(l, "val"), "5");
    free_layout(l);
}

/* A set during the component's own render re-renders it on the next flush,
 * never twice in one flush, and settles. */
static void SelfSet(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "SelfSet");
    rc_state *n = rc_use_int(ctx, "n", 0);
    if (rc_state_get_int(n) < 3) rc_state_set_int(n, rc_state_get_int(n) + 1);
    RC_EL(ctx, "p", .id = "n") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(n)); }
}
static RC_COMPONENT(SelfSet);

static void test_state_set_during_render(void **state) {
    (void)state;
    rc_layout *l = new_layout(&SelfSet_component, NULL, 0);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "n"), "1");
    assert_true(rc_layout_is_dirty(l));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "n"), "2");
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "n"), "3");
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1); /* renders with 3, no further set */
    assert_false(rc_layout_is_dirty(l));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    expect_no_errors();
    free_layout(l);
}

/* ---- every value type ---------------------------------------------------- */

static void Types(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "Types");
    G.s_int = rc_use_int(ctx, "i", -3);
    G.s_float = rc_use_float(ctx, "f", 1.5);
    G.s_bool = rc_use_bool(ctx, "b", true);
    char init[8] = "hi"; /* a stack string: copied on mount */
    G.s_str = rc_use_string(ctx, "s", init);
    G.s_bytes = rc_use_bytes(ctx, "y", "\0\1\2", 3);
    rc_value iv = {0};
    rc_value_set_object(&iv);
    rc_value_set_int(rc_object_set(&iv, "n"), 1);
    G.s_val = rc_use_value(ctx, "v", &iv);
    rc_value_free(&iv);
    pt p0 = {1, 2};
    G.s_struct = rc_use_struct(ctx, "p", &pt_type, &p0);
    G.s_null = rc_use_value(ctx, "z", NULL);
    const pt *p = rc_state_get_struct(G.s_struct);
    RC_EL(ctx, "p", .id = "types") {
        rc_textf(ctx, "%lld %g %d %s %d,%d", (long long)rc_state_get_int(G.s_int),
                 rc_state_get_float(G.s_float), (int)rc_state_get_bool(G.s_bool),
                 rc_state_get_string(G.s_str), p ? (int)p->x : -1, p ? (int)p->y : -1);
    }
}
static RC_COMPONENT(Types);

/* A change renders once; the same value again renders nothing. */
static void expect_one_render(rc_layout *l) {
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
}

static void expect_no_render(rc_layout *l) {
    assert_false(rc_layout_is_dirty(l));
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    assert_int_equal(s.nops, 0);
}

static void test_state_value_types(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Types_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "types"), "-3 1.5 1 hi 1,2");
    size_t blen = 99;
    const unsigned char *b = rc_state_get_bytes(G.s_bytes, &blen);
    assert_int_equal(blen, 3);
    assert_memory_equal(b, "\0\1\2", 3);
    assert_int_equal(rc_state_get_value(G.s_val)->kind, RC_OBJECT);
    assert_int_equal(rc_value_get_int(rc_object_get(rc_state_get_value(G.s_val), "n"), 0), 1);
    assert_int_equal(rc_state_get_value(G.s_null)->kind, RC_NULL);
    assert_int_equal(rc_state_get_value(G.s_struct)->kind, RC_STRUCT);

    /* int */
    assert_true(rc_state_set_int(G.s_int, 4));
    expect_one_render(l);
    assert_false(rc_state_set_int(G.s_int, 4));
    expect_no_render(l);
    assert_int_equal(rc_state_get_int(G.s_int), 4);

    /* float, including NaN (equal to itself: no render loop) */
    assert_true(rc_state_set_float(G.s_float, 2.25));
    expect_one_render(l);
    assert_false(rc_state_set_float(G.s_float, 2.25));
    expect_no_render(l);
    assert_true(rc_state_get_float(G.s_float) == 2.25);
    assert_true(rc_state_set_float(G.s_float, NAN));
    expect_one_render(l);
    assert_false(rc_state_set_float(G.s_float, NAN));
    expect_no_render(l);
    assert_true(isnan(rc_state_get_float(G.s_float)));

    /* bool */
    assert_true(rc_state_set_bool(G.s_bool, false));
    expect_one_render(l);
    assert_false(rc_state_set_bool(G.s_bool, false));
    expect_no_render(l);
    assert_false(rc_state_get_bool(G.s_bool));

    /* string: copied from the caller's buffer */
    char buf[16] = "hello";
    assert_true(rc_state_set_string(G.s_str, buf));
    buf[0] = 'J';
    assert_string_equal(rc_state_get_string(G.s_str), "hello");
    expect_one_render(l);
    assert_false(rc_state_set_string(G.s_str, "hello"));
    expect_no_render(l);
    assert_true(rc_state_set_string(G.s_str, ""));
    expect_one_render(l);
    assert_string_equal(rc_state_get_string(G.s_str), "");

    /* bytes with embedded NULs: compared by length and content */
    assert_false(rc_state_set_bytes(G.s_bytes, "\0\1\2", 3));
    expect_no_render(l);
    assert_true(rc_state_set_bytes(G.s_bytes, "\0\1\3", 3));
    expect_one_render(l);
    assert_true(rc_state_set_bytes(G.s_bytes, "\0\1\3\0", 4));
    expect_one_render(l);
    b = rc_state_get_bytes(G.s_bytes, &blen);
    assert_int_equal(blen, 4);
    assert_memory_equal(b, "\0\1\3\0", 4);

    /* structured value: deep equality (object key order does not matter) */
    rc_value v = {0};
    rc_value_set_object(&v);
    rc_value_set_int(rc_object_set(&v, "n"), 1);
    assert_false(rc_state_set_value(G.s_val, &v));
    expect_no_render(l);
    rc_value_set_string(rc_object_set(&v, "s"), "x");
    assert_true(rc_state_set_value(G.s_val, &v));
    expect_one_render(l);
    rc_value w = {0};
    rc_value_set_object(&w);
    rc_value_set_string(rc_object_set(&w, "s"), "x");
    rc_value_set_int(rc_object_set(&w, "n"), 1);
    assert_false(rc_state_set_value(G.s_val, &w));
    expect_no_render(l);
    /* the slot holds a copy */
    rc_value_set_int(rc_object_set(&v, "n"), 77);
    assert_int_equal(rc_value_get_int(rc_object_get(rc_state_get_value(G.s_val), "n"), 0), 1);
    rc_value_free(&v);
    rc_value_free(&w);

    /* RC_NULL slot: setting NULL is no change */
    assert_false(rc_state_set_value(G.s_null, NULL));
    expect_no_render(l);

    /* struct */
    pt same = {1, 2}, other = {3, 4};
    assert_false(rc_state_set_struct(G.s_struct, &same));
    expect_no_render(l);
    assert_true(rc_state_set_struct(G.s_struct, &other));
    other.x = 100; /* the slot holds a copy */
    expect_one_render(l);
    const pt *got = rc_state_get_struct(G.s_struct);
    assert_non_null(got);
    assert_int_equal(got->x, 3);
    assert_int_equal(got->y, 4);
    assert_string_equal(text_of(l, "types"), "4 nan 0  3,4");

    expect_no_errors();
    free_layout(l);
}

static void test_state_version_increments(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Types_component, NULL, 0);
    flush_commit(l);
    rc_state *slots[] = {G.s_int, G.s_float, G.s_bool, G.s_str, G.s_bytes, G.s_val, G.s_struct};
    uint64_t v0[7];
    for (size_t i = 0; i < 7; i++) v0[i] = rc_state_get_version(slots[i]);
    assert_true(rc_state_set_int(G.s_int, 10));
    assert_true(rc_state_set_int(G.s_int, 11));
    assert_false(rc_state_set_int(G.s_int, 11));
    assert_int_equal(rc_state_get_version(G.s_int), v0[0] + 2);
    assert_true(rc_state_set_float(G.s_float, 9.0));
    assert_int_equal(rc_state_get_version(G.s_float), v0[1] + 1);
    assert_true(rc_state_set_bool(G.s_bool, false));
    assert_int_equal(rc_state_get_version(G.s_bool), v0[2] + 1);
    assert_true(rc_state_set_string(G.s_str, "q"));
    assert_false(rc_state_set_string(G.s_str, "q"));
    assert_int_equal(rc_state_get_version(G.s_str), v0[3] + 1);
    assert_true(rc_state_set_bytes(G.s_bytes, "z", 1));
    assert_int_equal(rc_state_get_version(G.s_bytes), v0[4] + 1);
    rc_value n = {0};
    rc_value_set_int(&n, 5);
    assert_true(rc_state_set_value(G.s_val, &n));
    assert_false(rc_state_set_value(G.s_val, &n));
    assert_int_equal(rc_state_get_version(G.s_val), v0[5] + 1);
    pt q = {7, 7};
    assert_true(rc_state_set_struct(G.s_struct, &q));
    assert_int_equal(rc_state_get_version(G.s_struct), v0[6] + 1);
    /* All seven changes: still one render. */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    /* A render does not bump versions. */
    assert_int_equal(rc_state_get_version(G.s_int), v0[0] + 2);
    expect_no_errors();
    free_layout(l);
}

/* ---- functional update -------------------------------------------------- */

static void upd_noop(rc_value *v, void *arg) {
    (void)v;
    (void)arg;
}

/* Rewrites the value with an equal one: no change. */
static void upd_rewrite(rc_value *v, void *arg) {
    (void)arg;
    rc_value copy = {0};
    rc_value_copy(&copy, v);
    rc_value_free(v);
    *v = copy;
}

static void ListState(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "ListState");
    G.st = rc_use_value(ctx, "items", NULL);
    RC_EL(ctx, "p", .id = "len") { rc_textf(ctx, "%zu", rc_array_count(rc_state_get_value(G.st))); }
}
static RC_COMPONENT(ListState);

static void test_state_functional_update(void **state) {
    (void)state;
    rc_layout *l = new_layout(&ListState_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "len"), "0");
    int64_t x = 4;
    assert_true(rc_state_update(G.st, upd_push, &x));
    x = 5;
    assert_true(rc_state_update(G.st, upd_push, &x)); /* sees the first update's result */
    assert_int_equal(rc_state_get_version(G.st), 3);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "len"), "2");
    const rc_value *v = rc_state_get_value(G.st);
    assert_int_equal(rc_value_get_int(rc_array_get(v, 0), 0), 4);
    assert_int_equal(rc_value_get_int(rc_array_get(v, 1), 0), 5);

    assert_false(rc_state_update(G.st, upd_noop, NULL));
    assert_false(rc_state_update(G.st, upd_rewrite, NULL));
    assert_int_equal(rc_state_get_version(G.st), 3);
    expect_no_render(l);
    expect_no_errors();
    free_layout(l);
}

/* ---- reducer ------------------------------------------------------------ */

static void double_reducer(rc_value *st, int action, const void *payload) {
    (void)action;
    (void)payload;
    rc_value_set_int(st, rc_value_get_int(st, 0) * 2);
}

static void h_dispatch_inc(rc_event *ev, void *user) {
    (void)ev;
    G.set_ret = rc_state_dispatch(user, ACT_INC, NULL);
}

static void Reducer(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "Reducer");
    rc_state *mode = rc_use_bool(ctx, "doubling", false);
    rc_value init = {.kind = RC_INT, .as.i = 10};
    rc_state *r = rc_use_reducer(ctx, "total",
                                 rc_state_get_bool(mode) ? double_reducer : count_reducer, &init);
    G.st = mode;
    G.s_red = r;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "span", .id = "total") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(r)); }
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", h_dispatch_inc, r)) {}
    }
}
static RC_COMPONENT(Reducer);

static void test_reducer(void **state) {
    (void)state;
    reducer_calls = 0;
    rc_layout *l = new_layout(&Reducer_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "total"), "10");
    assert_int_equal(reducer_calls, 0); /* not called on mount */

    click(l, "inc");
    assert_true(G.set_ret);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "total"), "11");

    int64_t five = 5;
    assert_true(rc_state_dispatch(G.s_red, ACT_ADD, &five));
    assert_true(rc_state_dispatch(G.s_red, ACT_INC, NULL));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1); /* two dispatches, one render */
    assert_string_equal(text_of(l, "total"), "17");

    /* Dispatches that leave the state equal: no render. */
    uint64_t ver = rc_state_get_version(G.s_red);
    assert_false(rc_state_dispatch(G.s_red, ACT_NOP, NULL));
    assert_false(rc_state_dispatch(G.s_red, ACT_SAME, NULL));
    assert_int_equal(rc_state_get_version(G.s_red), ver);
    expect_no_render(l);

    /* The latest render's reducer is the one dispatch uses. */
    assert_true(rc_state_set_bool(G.st, true));
    flush_commit(l);
    int calls = reducer_calls;
    click(l, "inc");
    assert_int_equal(reducer_calls, calls);
    flush_commit(l);
    assert_string_equal(text_of(l, "total"), "34");

    /* dispatch on a plain state slot does nothing */
    assert_false(rc_state_dispatch(G.st, ACT_INC, NULL));
    assert_true(rc_state_get_bool(G.st));
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_state_initial_value, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_set_rerenders_once, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_set_equal_value_no_render, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_many_sets_batch, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_set_and_revert, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_set_during_render, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_value_types, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_version_increments, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_functional_update, reset, teardown),
        cmocka_unit_test_setup_teardown(test_reducer, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
