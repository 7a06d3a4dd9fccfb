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

    /* bound values */
    int64_t bound_int;
    char bound_key[RC_BOUND_KEY_MAX + 1];
    bool bound_key_null;
    char form_name[64];
    size_t form_tags;
    bool form_agree, form_missing_is_null;
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
/* Bound values, options, form fields                                       */
/* ------------------------------------------------------------------------ */

static void h_bound(rc_event *ev, void *user) {
    (void)user;
    G.handler_calls++;
    G.bound_int = rc_event_get_bound_int(ev);
    const char *k = rc_event_get_bound_key(ev);
    G.bound_key_null = k == NULL;
    snprintf(G.bound_key, sizeof G.bound_key, "%s", k ? k : "");
}

static void h_form(rc_event *ev, void *user) {
    (void)user;
    G.handler_calls++;
    snprintf(G.form_name, sizeof G.form_name, "%s",
             rc_value_get_string(rc_event_get_form_field(ev, "name"), "?"));
    const rc_value *tags = rc_event_get_form_field(ev, "tags");
    G.form_tags = tags && tags->kind == RC_ARRAY ? rc_array_count(tags) : 0;
    G.form_agree = rc_value_get_bool(rc_event_get_form_field(ev, "agree"), false);
    G.form_missing_is_null = rc_event_get_form_field(ev, "nope") == NULL;
}

/* Rows with bound handlers; "plain" has the unbound handler whose id must
 * be the one older builds gave it (resume across a deploy). */
static void BoundComp(rc_ctx *ctx, const void *props) {
    (void)props;
    char key[16], id[16];
    RC_EL(ctx, "ul") {
        for (int i = 0; i < 3; i++) {
            snprintf(key, sizeof key, "row%d", i);
            RC_EL(ctx, "li", .key = key) {
                snprintf(id, sizeof id, "i%d", i);
                RC_EL(ctx, "button", .id = id, .on = RC_ON_INT("click", h_bound, NULL, 100 + i)) {}
                snprintf(id, sizeof id, "k%d", i);
                RC_EL(ctx, "button", .id = id, .on = RC_ON_KEY("click", h_bound, NULL, key)) {}
            }
        }
        /* Neighbours whose handlers differ only by the bound value (or an
         * int and a key that print alike). */
        RC_EL(ctx, "button", .id = "same0", .on = RC_ON_INT("click", h_bound, NULL, 0)) {}
        RC_EL(ctx, "button", .id = "same7", .on = RC_ON_INT("click", h_bound, NULL, 7)) {}
        RC_EL(ctx, "button", .id = "samek", .on = RC_ON_KEY("click", h_bound, NULL, "7")) {}
        RC_EL(ctx, "button", .id = "plain", .on = RC_ON("click", h_bound, NULL)) {}
        RC_EL(ctx, "form", .id = "form", .on = RC_ON_SUBMIT(h_form, NULL)) {
            RC_EL(ctx, "a", .id = "stop",
                  .on = RC_ON_OPTS("click", h_bound, NULL, RC_STOP_PROPAGATION)) {}
        }
    }
}
static RC_COMPONENT(BoundComp);

/* Ids of every handler of BoundComp, by element id. */
static void bound_ids(rc_layout *l, char ids[][16], const char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++) snprintf(ids[i], 16, "%s", handler_id(l, names[i], "onClick"));
}

static void test_events_bound_values(void **state) {
    (void)state;
    static const char *const names[] = {"i0", "i1",    "i2",    "k0",    "k1",
                                        "k2", "same0", "same7", "samek", "plain"};
    enum { N = sizeof names / sizeof names[0] };
    rc_layout *l = new_layout(&BoundComp_component, NULL, 0);
    flush_commit(l);
    char ids[N][16];
    bound_ids(l, ids, names, N);
    /* Every handler its own id. */
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++) assert_string_not_equal(ids[i], ids[j]);
    /* The unbound handler's id is the one the code before bound values gave
     * (taken from that build): tokens of older builds still resume. */
    assert_string_equal(ids[N - 1], "Ojsso4q3A0Y");

    /* Each handler reads its own value. */
    assert_int_equal(rc_layout_dispatch(l, ids[1], NULL, 1), 0);
    assert_int_equal(G.bound_int, 101);
    assert_true(G.bound_key_null);
    assert_int_equal(rc_layout_dispatch(l, ids[5], NULL, 2), 0);
    assert_string_equal(G.bound_key, "row2");
    assert_int_equal(G.bound_int, 0);
    assert_int_equal(rc_layout_dispatch(l, ids[6], NULL, 3), 0);
    assert_int_equal(G.bound_int, 0);
    assert_true(G.bound_key_null);
    assert_int_equal(rc_layout_dispatch(l, ids[8], NULL, 4), 0);
    assert_string_equal(G.bound_key, "7");
    assert_int_equal(rc_layout_dispatch(l, ids[9], NULL, 5), 0);
    assert_int_equal(G.bound_int, 0);
    assert_true(G.bound_key_null);
    assert_int_equal(G.handler_calls, 5);

    /* The same ids in another layout (another process, a resumed session). */
    rc_layout *l2 = new_layout(&BoundComp_component, NULL, 0);
    flush_commit(l2);
    char ids2[N][16];
    bound_ids(l2, ids2, names, N);
    for (size_t i = 0; i < N; i++) assert_string_equal(ids[i], ids2[i]);
    free_layout(l2);

    /* Options reach the handlers. */
    const rc_handler *submit = rc_node_get_handler(find(l, "form"), 0);
    assert_string_equal(rc_handler_get_event(submit), "onSubmit");
    assert_true(rc_handler_get_prevent_default(submit));
    assert_false(rc_handler_get_stop_propagation(submit));
    const rc_handler *stop = rc_node_get_handler(find(l, "stop"), 0);
    assert_false(rc_handler_get_prevent_default(stop));
    assert_true(rc_handler_get_stop_propagation(stop));
    const rc_handler *plain = rc_node_get_handler(find(l, "plain"), 0);
    assert_false(rc_handler_get_prevent_default(plain));
    assert_false(rc_handler_get_stop_propagation(plain));

    /* A submit's fields, as the client sends them. */
    rc_value data = {0};
    rc_value_set_array(&data);
    rc_value *ev = rc_array_push(&data);
    rc_value_set_object(ev);
    rc_value_set_string(rc_object_set(ev, "type"), "submit");
    rc_value *el = rc_object_set(ev, "elements");
    rc_value_set_object(el);
    rc_value_set_string(rc_object_set(el, "name"), "Ada");
    rc_value_set_bool(rc_object_set(el, "agree"), true);
    rc_value *tags = rc_object_set(el, "tags");
    rc_value_set_array(tags);
    rc_value_set_string(rc_array_push(tags), "a");
    rc_value_set_string(rc_array_push(tags), "b");
    assert_int_equal(fire(l, "form", "onSubmit", &data, 9), 0);
    assert_string_equal(G.form_name, "Ada");
    assert_int_equal(G.form_tags, 2);
    assert_true(G.form_agree);
    assert_true(G.form_missing_is_null);
    rc_value_free(&data);
    /* No data: no fields. */
    assert_int_equal(fire(l, "form", "onSubmit", NULL, 10), 0);
    assert_string_equal(G.form_name, "?");
    assert_true(G.form_missing_is_null);
    expect_no_errors();
    free_layout(l);
}

static void LongKeyComp(rc_ctx *ctx, const void *props) {
    (void)props;
    char key[RC_BOUND_KEY_MAX + 2];
    memset(key, 'x', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    RC_EL(ctx, "button", .id = "long", .on = RC_ON_KEY("click", h_bound, NULL, key)) {}
    key[RC_BOUND_KEY_MAX] = '\0'; /* exactly the maximum: fine */
    RC_EL(ctx, "button", .id = "max", .on = RC_ON_KEY("click", h_bound, NULL, key)) {}
}
static RC_COMPONENT(LongKeyComp);

static void test_events_bound_key_too_long(void **state) {
    (void)state;
    size_t errors = test_log.n[RC_LOG_ERROR];
    rc_layout *l = new_layout(&LongKeyComp_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(rc_node_count_handlers(find(l, "long")), 0);
    assert_int_equal(test_log.n[RC_LOG_ERROR], errors + 1);
    test_log.n[RC_LOG_ERROR] = errors;
    assert_int_equal(rc_node_count_handlers(find(l, "max")), 1);
    assert_int_equal(rc_layout_dispatch(l, handler_id(l, "max", "onClick"), NULL, 1), 0);
    assert_int_equal(strlen(G.bound_key), RC_BOUND_KEY_MAX);
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_events_data, reset, teardown),
        cmocka_unit_test_setup_teardown(test_events_bad_ids, reset, teardown),
        cmocka_unit_test_setup_teardown(test_events_bound_values, reset, teardown),
        cmocka_unit_test_setup_teardown(test_events_bound_key_too_long, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
