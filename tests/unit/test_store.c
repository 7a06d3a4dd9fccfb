/*
 * Unit tests for value stores (src/store/): every reader in every layout
 * re-renders once per flush when a store changes, and only readers; writes
 * from a handler or effect are one batch committed when it returns (the
 * handler reads its own writes meanwhile) with a completion; kinds and
 * struct types are held; a store freed before its readers leaves nothing
 * dangling (ASan, valgrind).
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
#include "layout_driver.h"
#include "strlog.h"

typedef struct fan {
    int32_t rpm;
    int32_t on;
} fan;
static const rc_struct_type fan_type = {"fan", sizeof(fan), 1};
static const rc_struct_type fan_type_v2 = {"fan", sizeof(fan), 2};

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    strlog renders;
    rc_store *count, *label, *fan;
    /* what the handler saw */
    int64_t read_in_handler;
    bool other_dirty_in_handler;
    rc_layout *other;
    int done_calls, done_status;
    int64_t value_at_done;
    bool effect_writes;
} G;

static void on_done(int status, void *user) {
    (void)user;
    G.done_calls++;
    G.done_status = status;
    G.value_at_done = rc_store_get_int(G.count);
}

static void bump_three_times(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    rc_store_batch_on_done(on_done, NULL);
    for (int i = 0; i < 3; i++) rc_store_set_int(G.count, rc_store_get_int(G.count) + 1);
    rc_store_set_string(G.label, "bumped");
    G.read_in_handler = rc_store_get_int(G.count);
    G.other_dirty_in_handler = G.other && rc_layout_is_dirty(G.other);
}

static void Display(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "Display");
    const rc_value *label = rc_use_store(ctx, G.label);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_store_get_int(G.count));
        }
        RC_EL(ctx, "span", .id = "label") rc_text(ctx, rc_value_get_string(label, "?"));
        RC_EL(ctx, "button", .id = "bump", .on = RC_ON("click", bump_three_times, NULL)) {
            rc_text(ctx, "+3");
        }
    }
}
static RC_COMPONENT(Display);

static void Bystander(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "Bystander");
    RC_EL(ctx, "p") rc_text(ctx, "reads no store");
}
static RC_COMPONENT(Bystander);

static void App(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "App");
    RC_EL(ctx, "main") {
        rc_child(ctx, &Display_component, NULL, NULL, 0);
        rc_child(ctx, &Bystander_component, NULL, NULL, 0);
    }
}
static RC_COMPONENT(App);

static void make_stores(void) {
    G.count = rc_store_new("count", &(rc_value){.kind = RC_INT, .as.i = 0});
    rc_value s = {0};
    rc_value_set_string(&s, "start");
    G.label = rc_store_new("label", &s);
    rc_value_free(&s);
    assert_non_null(G.count);
    assert_non_null(G.label);
}

static void free_stores(void) {
    rc_store_free(G.count);
    rc_store_free(G.label);
    rc_store_free(G.fan);
    G.count = G.label = G.fan = NULL;
}

/* A write outside any callback commits at once: the readers of every
 * layout re-render in their next flush, only them, once. */
static void test_store_change_reaches_every_layout(void **state) {
    (void)state;
    make_stores();
    rc_layout *a = new_layout(&App_component, NULL, 0);
    rc_layout *b = new_layout(&App_component, NULL, 0);
    flush_commit(a);
    flush_commit(b);
    uint64_t v = rc_store_get_version(G.count);
    G.renders.n = 0;
    assert_int_equal(rc_store_set_int(G.count, 5), 0);
    assert_int_equal(rc_store_get_version(G.count), v + 1);
    assert_true(rc_layout_is_dirty(a));
    assert_true(rc_layout_is_dirty(b));
    assert_int_equal(flush_commit(a).rendered, 1);
    assert_int_equal(flush_commit(b).rendered, 1);
    slog_expect(&G.renders, "Display", "Display", NULL);
    assert_string_equal(text_of(a, "count"), "5");
    assert_string_equal(text_of(b, "count"), "5");

    /* An equal value changes nothing. */
    assert_int_equal(rc_store_set_int(G.count, 5), 0);
    assert_int_equal(rc_store_get_version(G.count), v + 1);
    assert_false(rc_layout_is_dirty(a));
    expect_no_errors();
    free_layout(a);
    free_layout(b);
    free_stores();
}

/* A handler's writes are staged: it reads its own, nobody re-renders
 * before it returns, then one batch: one render per reader, the completion
 * after the commit. */
static void test_handler_writes_are_one_batch(void **state) {
    (void)state;
    make_stores();
    rc_layout *a = new_layout(&App_component, NULL, 0);
    G.other = new_layout(&App_component, NULL, 0);
    flush_commit(a);
    flush_commit(G.other);
    G.renders.n = 0;
    uint64_t v = rc_store_get_version(G.count);
    click(a, "bump");
    assert_int_equal(G.read_in_handler, 3); /* its own writes */
    assert_false(G.other_dirty_in_handler); /* staged, not committed */
    assert_int_equal(G.done_calls, 1);      /* decided when it returned */
    assert_int_equal(G.done_status, 0);
    assert_int_equal(G.value_at_done, 3);                   /* after the commit */
    assert_int_equal(rc_store_get_version(G.count), v + 1); /* one change */
    assert_int_equal(flush_commit(a).rendered, 1);
    assert_int_equal(flush_commit(G.other).rendered, 1);
    slog_expect(&G.renders, "Display", "Display", NULL);
    assert_string_equal(text_of(G.other, "count"), "3");
    assert_string_equal(text_of(G.other, "label"), "bumped");

    /* Two events (two batches) in one loop turn: still one render per
     * reader at the flush. */
    G.renders.n = 0;
    click(a, "bump");
    click(a, "bump");
    assert_int_equal(flush_commit(G.other).rendered, 1);
    assert_string_equal(text_of(G.other, "count"), "9");
    flush_commit(a);
    expect_no_errors();
    free_layout(a);
    free_layout(G.other);
    free_stores();
}

/* An event that wrote only to stores still moves the session's state
 * epoch, so the server seals a token holding its seq and the client does
 * not replay it into the stores on its next resume. An event that wrote
 * nothing does not. */
static void write_nothing(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
}

static void Quiet(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "button", .id = "quiet", .on = RC_ON("click", write_nothing, NULL))
        rc_text(ctx, "q");
    rc_child(ctx, &Display_component, NULL, NULL, 0);
}
static RC_COMPONENT(Quiet);

static void test_store_event_moves_the_token_epoch(void **state) {
    (void)state;
    make_stores();
    rc_layout *a = new_layout(&Quiet_component, NULL, 0);
    flush_commit(a);
    uint64_t epoch = rc_layout_get_state_epoch(a);
    assert_int_equal(fire(a, "quiet", "onClick", NULL, 1), 0);
    assert_int_equal(rc_layout_get_state_epoch(a), epoch);
    assert_int_equal(fire(a, "bump", "onClick", NULL, 2), 0);
    assert_true(rc_layout_get_state_epoch(a) > epoch);
    flush_commit(a);
    free_layout(a);
    free_stores();
}

/* Outside a callback a completion is decided at once. */
static void test_completion_outside_a_callback(void **state) {
    (void)state;
    make_stores();
    rc_store_set_int(G.count, 7);
    rc_store_batch_on_done(on_done, NULL);
    assert_int_equal(G.done_calls, 1);
    assert_int_equal(G.value_at_done, 7);
    free_stores();
}

static rc_cleanup writing_effect(rc_effect *e, void *arg) {
    (void)e;
    (void)arg;
    rc_store_set_int(G.count, 40);
    rc_store_set_int(G.count, 41);
    G.read_in_handler = rc_store_get_int(G.count);
    G.other_dirty_in_handler = rc_layout_is_dirty(G.other);
    return RC_NO_CLEANUP;
}

static void EffectWriter(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_use_effect(ctx, writing_effect, NULL, 0, RC_ONCE);
}
static RC_COMPONENT(EffectWriter);

/* An effect's writes are a batch too. */
static void test_effect_writes_are_one_batch(void **state) {
    (void)state;
    make_stores();
    G.other = new_layout(&App_component, NULL, 0);
    flush_commit(G.other);
    uint64_t v = rc_store_get_version(G.count);
    rc_layout *w = new_layout(&EffectWriter_component, NULL, 0);
    flush_commit(w);
    assert_int_equal(G.read_in_handler, 41);
    assert_false(G.other_dirty_in_handler);
    assert_int_equal(rc_store_get_version(G.count), v + 1);
    assert_true(rc_layout_is_dirty(G.other));
    flush_commit(G.other);
    assert_string_equal(text_of(G.other, "count"), "41");
    free_layout(w);
    free_layout(G.other);
    free_stores();
}

static void upd_double(rc_value *v, void *arg) {
    (void)arg;
    rc_value_set_int(v, rc_value_get_int(v, 0) * 2);
}

static void upd_to_string(rc_value *v, void *arg) {
    (void)arg;
    rc_value_set_string(v, "not an int");
}

static void test_kinds_structs_and_updates(void **state) {
    (void)state;
    make_stores();
    rc_store_set_int(G.count, 21);
    assert_int_equal(rc_store_update(G.count, upd_double, NULL), 0);
    assert_int_equal(rc_store_get_int(G.count), 42);
    /* The kind is the store's. */
    assert_int_equal(rc_store_set_string(G.count, "x"), -1);
    assert_int_equal(rc_store_update(G.count, upd_to_string, NULL), -1);
    assert_int_equal(rc_store_get_int(G.count), 42);
    assert_int_equal(test_log.n[RC_LOG_ERROR], 0); /* stores log to stderr, not layouts */

    fan f = {1200, 1};
    G.fan = rc_store_new_struct("fan", &fan_type, &f);
    assert_non_null(G.fan);
    assert_int_equal(((const fan *)rc_store_get_struct(G.fan))->rpm, 1200);
    fan g = {0, 0};
    assert_int_equal(rc_store_set_struct(G.fan, &g), 0);
    assert_int_equal(((const fan *)rc_store_get_struct(G.fan))->on, 0);
    /* Another version of the type is another type. */
    rc_value other = {0};
    rc_value_set_struct(&other, &fan_type_v2, &f);
    assert_int_equal(rc_store_set_value(G.fan, &other), -1);
    rc_value_free(&other);
    assert_int_equal(rc_store_set_int(G.fan, 1), -1);

    /* Names are unique; a store freed frees its name. */
    assert_null(rc_store_new("count", NULL));
    assert_null(rc_store_new("", NULL));
    assert_string_equal(rc_store_get_name(G.count), "count");
    rc_store *any = rc_store_new("any", NULL); /* RC_NULL: takes any kind */
    assert_int_equal(rc_store_set_string(any, "s"), 0);
    assert_int_equal(rc_store_set_int(any, 1), 0);
    rc_store_free(any);
    any = rc_store_new("any", NULL);
    assert_non_null(any);
    rc_store_free(any);
    free_stores();
}

/* The store goes first: its readers forget it; they render again without
 * it and are freed later with nothing dangling. */
static bool show_count;
static void Maybe(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *bump = rc_use_int(ctx, "bump", 0);
    RC_EL(ctx, "span", .id = "maybe") {
        if (show_count) rc_textf(ctx, "%lld", (long long)rc_store_get_int(G.count));
        else rc_textf(ctx, "bump %lld", (long long)rc_state_get_int(bump));
    }
    RC_EL(ctx, "button", .id = "b", .on = RC_ON("click", h_inc, bump)) rc_text(ctx, "b");
}
static RC_COMPONENT(Maybe);

static void test_store_freed_before_its_readers(void **state) {
    (void)state;
    make_stores();
    show_count = true;
    rc_layout *a = new_layout(&Maybe_component, NULL, 0);
    flush_commit(a);
    assert_string_equal(text_of(a, "maybe"), "0");
    rc_store_free(G.count);
    G.count = NULL;
    show_count = false;
    click(a, "b");
    flush_commit(a);
    assert_string_equal(text_of(a, "maybe"), "bump 1");
    free_layout(a);
    free_stores();
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_change_reaches_every_layout, reset, teardown),
        cmocka_unit_test_setup_teardown(test_handler_writes_are_one_batch, reset, teardown),
        cmocka_unit_test_setup_teardown(test_completion_outside_a_callback, reset, teardown),
        cmocka_unit_test_setup_teardown(test_store_event_moves_the_token_epoch, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effect_writes_are_one_batch, reset, teardown),
        cmocka_unit_test_setup_teardown(test_kinds_structs_and_updates, reset, teardown),
        cmocka_unit_test_setup_teardown(test_store_freed_before_its_readers, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
