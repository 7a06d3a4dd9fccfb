/*
 * Unit tests for event dispatch (src/core/): the event's data as handlers
 * see it, handler ids stable across re-renders, and malformed or unknown ids
 * refused.
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
    rc_state *s_bool; /* captured during renders */

    /* handlers */
    int handler_calls;
    void *handler_user;
    int tok_a, tok_b;

    /* events */
    char ev_value[64];
    bool ev_checked;
    bool ev_missing_is_null;
    uint64_t ev_seq;
    rc_layout *ev_layout;
    const rc_value *ev_data;
} G;

/* ------------------------------------------------------------------------ */
/* Events                                                                   */
/* ------------------------------------------------------------------------ */

static void h_change(rc_event *ev, void *user) {
    G.handler_calls++;
    G.handler_user = user;
    snprintf(G.ev_value, sizeof G.ev_value, "%s", rc_event_get_value(ev));
    G.ev_checked = rc_value_get_bool(rc_event_get_field(ev, "checked"), false);
    G.ev_missing_is_null = rc_event_get_field(ev, "nope") == NULL;
    G.ev_seq = rc_event_get_seq(ev);
    G.ev_layout = rc_event_get_layout(ev);
    G.ev_data = rc_event_get_data(ev);
}

static void EvComp(rc_ctx *ctx, const void *props) {
    (void)props;
    G.s_bool = rc_use_bool(ctx, "b", false);
    void *user = rc_state_get_bool(G.s_bool) ? (void *)&G.tok_b : (void *)&G.tok_a;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "input", .id = "in", .on = RC_ON("change", h_change, user)) {
            rc_on_event(ctx, (rc_on){.event = "onKeyDown",
                                     .fn = h_change,
                                     .user = user,
                                     .prevent_default = true});
        }
        RC_EL(ctx, "button", .id = "flip", .on = RC_ON("onClick", h_toggle, G.s_bool)) {}
    }
}
static RC_COMPONENT(EvComp);

static void test_events_data(void **state) {
    (void)state;
    rc_layout *l = new_layout(&EvComp_component, NULL, 0);
    flush_commit(l);
    rc_node *in = find(l, "in");
    assert_int_equal(rc_node_count_handlers(in), 2);
    assert_string_equal(rc_handler_get_event(rc_node_get_handler(in, 0)), "onChange");
    assert_string_equal(rc_handler_get_event(rc_node_get_handler(in, 1)), "onKeyDown");
    assert_true(rc_handler_get_prevent_default(rc_node_get_handler(in, 1)));
    assert_false(rc_handler_get_prevent_default(rc_node_get_handler(in, 0)));
    assert_string_not_equal(rc_handler_get_id(rc_node_get_handler(in, 0)),
                            rc_handler_get_id(rc_node_get_handler(in, 1)));
    assert_int_equal(strlen(rc_handler_get_id(rc_node_get_handler(in, 0))), 11);

    rc_value data = {0};
    rc_value_set_array(&data);
    rc_value *ev = rc_array_push(&data);
    rc_value_set_object(ev);
    rc_value_set_string(rc_object_set(ev, "value"), "hello");
    rc_value_set_bool(rc_object_set(ev, "checked"), true);
    assert_int_equal(fire(l, "in", "onChange", &data, 42), 0);
    assert_int_equal(G.handler_calls, 1);
    assert_string_equal(G.ev_value, "hello");
    assert_true(G.ev_checked);
    assert_true(G.ev_missing_is_null);
    assert_int_equal(G.ev_seq, 42);
    assert_ptr_equal(G.ev_layout, l);
    assert_ptr_equal(G.ev_data, &data);
    assert_ptr_equal(G.handler_user, &G.tok_a);
    rc_value_free(&data);

    /* No data: empty value, missing fields. */
    assert_int_equal(fire(l, "in", "onKeyDown", NULL, 0), 0);
    assert_int_equal(G.handler_calls, 2);
    assert_string_equal(G.ev_value, "");
    assert_false(G.ev_checked);
    assert_true(G.ev_missing_is_null);
    assert_int_equal(G.ev_seq, 0);
    assert_null(G.ev_data);

    /* A re-render that changes the handler's user data keeps its id and
     * dispatches to the new one. */
    char id_before[32];
    snprintf(id_before, sizeof id_before, "%s", handler_id(l, "in", "onChange"));
    click(l, "flip");
    flush_commit(l);
    assert_string_equal(handler_id(l, "in", "onChange"), id_before);
    assert_int_equal(rc_layout_dispatch(l, id_before, NULL, 7), 0);
    assert_ptr_equal(G.handler_user, &G.tok_b);
    assert_int_equal(G.ev_seq, 7);
    expect_no_errors();
    free_layout(l);
}

static void test_events_bad_ids(void **state) {
    (void)state;
    rc_layout *l = new_layout(&EvComp_component, NULL, 0);
    flush_commit(l);
    char good[32];
    snprintf(good, sizeof good, "%s", handler_id(l, "in", "onChange"));

    static const char *const malformed[] = {
        "",
        "A",
        "AAAAAAAAAA",
        "AAAAAAAAAAAA",
        "AAAAAAAAAA!",
        "AAAAAAAAAA=",
        "QAAAAAAAAAA", /* first digit above 15 */
        "AAAAAAAAAA\xc3",
        " AAAAAAAAAA",
    };
    size_t warns = test_log.n[RC_LOG_WARN];
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        assert_int_equal(rc_layout_dispatch(l, malformed[i], NULL, 0), -1);
    assert_int_equal(rc_layout_dispatch(l, NULL, NULL, 0), -1);
    assert_int_equal(test_log.n[RC_LOG_WARN], warns + sizeof malformed / sizeof malformed[0] + 1);

    /* Well-formed but unknown: change the last digit. */
    char unknown[32];
    snprintf(unknown, sizeof unknown, "%s", good);
    unknown[10] = unknown[10] == 'A' ? 'B' : 'A';
    assert_int_equal(rc_layout_dispatch(l, unknown, NULL, 0), -1);
    /* A longer string starting with a good id is not that id. */
    char longer[40];
    snprintf(longer, sizeof longer, "%sA", good);
    assert_int_equal(rc_layout_dispatch(l, longer, NULL, 0), -1);
    assert_int_equal(G.handler_calls, 0);

    assert_int_equal(rc_layout_dispatch(l, good, NULL, 0), 0);
    assert_int_equal(G.handler_calls, 1);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_events_data, reset, teardown),
        cmocka_unit_test_setup_teardown(test_events_bad_ids, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
