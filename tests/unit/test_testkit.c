/*
 * The test kit (include/reactc_test.h) itself. Its queries are checked
 * against a walk of the tree through reactc_layout.h alone (the oracle
 * below), its events against what the handlers received, its clock
 * against the order timers must fire in, and its session calls against
 * rc_use_connection and the restored slots.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "reactc_test.h"
#include "wire/json_writer.h"

/* ---- the oracle: elements by a predicate, through reactc_layout.h ------- */

typedef bool (*pred_fn)(const rc_node *n, const void *arg);

static const char *attr(const rc_node *n, const char *name) {
    for (size_t i = 0; i < rc_node_count_attrs(n); i++)
        if (strcmp(rc_node_get_attr_name(n, i), name) == 0) return rc_node_get_attr_value(n, i);
    return NULL;
}

static void collect(const rc_node *n, pred_fn p, const void *arg, const rc_node **out,
                    size_t *count) {
    rc_node_kind k = rc_node_get_kind(n);
    if (k == RC_NODE_ELEMENT && p(n, arg)) out[(*count)++] = n;
    if (k != RC_NODE_ELEMENT && k != RC_NODE_COMPONENT) return;
    for (size_t i = 0; i < rc_node_count_children(n); i++)
        collect(rc_node_get_child(n, i), p, arg, out, count);
}

static size_t oracle(rc_test *t, pred_fn p, const void *arg, const rc_node **out) {
    const rc_layout *l = rc_test_get_layout(t);
    size_t count = 0;
    for (size_t i = 0; i < rc_layout_count_roots(l); i++)
        collect(rc_layout_get_root(l, i), p, arg, out, &count);
    return count;
}

static bool has_id(const rc_node *n, const void *id) {
    const char *v = attr(n, "id");
    return v && strcmp(v, id) == 0;
}
static bool has_tag(const rc_node *n, const void *tag) {
    return strcmp(rc_node_get_tag(n), tag) == 0;
}
static bool done_item(const rc_node *n, const void *arg) {
    (void)arg;
    const char *c = attr(n, "class");
    return has_tag(n, "li") && c && strstr(c, "done") != NULL;
}

/* ---- a page to test: a list of child components, a form, a link -------- */

static char last_type[32], last_value[64], last_fields[256], last_key[16];

static void record(rc_event *ev) {
    snprintf(last_type, sizeof last_type, "%s",
             rc_value_get_string(rc_event_get_field(ev, "type"), ""));
    snprintf(last_value, sizeof last_value, "%s", rc_event_get_value(ev));
    snprintf(last_key, sizeof last_key, "%s",
             rc_value_get_string(rc_event_get_field(ev, "key"), ""));
}

static void inc(rc_event *ev, void *count) {
    record(ev);
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}
static void typed(rc_event *ev, void *draft) {
    record(ev);
    rc_state_set_string(draft, rc_event_get_value(ev));
}
static void checked(rc_event *ev, void *flag) {
    record(ev);
    rc_state_set_bool(flag, rc_value_get_bool(rc_event_get_field(ev, "checked"), false));
}
static void key_down(rc_event *ev, void *count) { inc(ev, count); }
static void submitted(rc_event *ev, void *count) {
    record(ev);
    const rc_value *f = rc_event_get_field(ev, "elements");
    snprintf(last_fields, sizeof last_fields, "title=%s agree=%d",
             rc_value_get_string(rc_object_get(f, "title"), "?"),
             (int)rc_value_get_bool(rc_object_get(f, "agree"), false));
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}

typedef struct row_props {
    int i;
} row_props;

static void row(rc_ctx *ctx, const void *props) {
    const row_props *p = props;
    RC_EL(ctx, "li", .class_ = p->i % 3 == 0 ? "item done" : "item") {
        RC_EL(ctx, "span", .class_ = "text") { rc_textf(ctx, "row %d", p->i); }
    }
}
RC_COMPONENT(row);

static char ticks[128]; /* the timers' order: "t" timeout, "i" interval */

static void on_interval(void *n) {
    strcat(ticks, "i");
    rc_state_set_int(n, rc_state_get_int(n) + 1);
}
static void on_timeout(void *n) {
    strcat(ticks, "t");
    rc_state_set_int(n, rc_state_get_int(n) + 100);
}

static void page(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *count = rc_use_int(ctx, "count", 0);
    rc_state *draft = rc_use_string(ctx, "draft", "");
    rc_state *flag = rc_use_bool(ctx, "flag", false);
    rc_state *sent = rc_use_int(ctx, "sent", 0);
    rc_state *timed = rc_use_int(ctx, "timed", 0);
    rc_value zero = {.kind = RC_INT};
    rc_state *scratch = rc_use_state_ex(ctx, "scratch", &zero, RC_STATE_SERVER_ONLY);
    rc_use_interval(ctx, 200, on_interval, timed);
    rc_use_timeout(ctx, 400, on_timeout, timed);
    const rc_connection *c = rc_use_connection(ctx);
    const rc_location *loc = rc_use_location(ctx);
    RC_EL(ctx, "main", .id = "main") {
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", inc, count)) {
            RC_EL(ctx, "b", .id = "label") { rc_text(ctx, "Add"); }
        }
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(count));
        }
        RC_EL(ctx, "span", .id = "scratch", .on = RC_ON("click", inc, scratch)) {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(scratch));
        }
        RC_EL(ctx, "ul", .id = "list") {
            for (int i = 0; i < 7; i++) {
                char key[8];
                snprintf(key, sizeof key, "%d", i);
                RC_CHILD(ctx, &row_component, key, &(row_props){i});
            }
        }
        RC_EL(ctx, "form", .id = "form", .on = RC_ON("submit", submitted, sent)) {
            RC_EL(ctx, "input", .id = "title", .type = "text", .value = rc_state_get_string(draft),
                  .on = RC_ON("change", typed, draft)) {
                rc_attr(ctx, "name", "title");
            }
            RC_EL(ctx, "input", .id = "agree", .type = "checkbox",
                  .on = RC_ON("change", checked, flag)) {
                rc_attr(ctx, "name", "agree");
                rc_attr_bool(ctx, "checked", rc_state_get_bool(flag));
            }
            RC_EL(ctx, "input", .id = "keys", .on = RC_ON("keydown", key_down, count)) {}
            RC_EL(ctx, "button", .id = "send") { rc_text(ctx, "Send"); }
        }
        RC_EL(ctx, "span", .id = "sent") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(sent));
        }
        RC_EL(ctx, "span", .id = "timed") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(timed));
        }
        RC_EL(ctx, "span", .id = "conn") {
            rc_textf(ctx, "%u%s%s", (unsigned)c->connections, c->resumed ? " resumed" : "",
                     c->reattached ? " reattached" : "");
        }
        RC_EL(ctx, "span", .id = "where") { rc_textf(ctx, "%s%s", loc->pathname, loc->search); }
        RC_LINK(ctx, "/other?x=1", .id = "link") { rc_text(ctx, "Other"); }
        RC_EL(ctx, "p", .id = "plain") { rc_text(ctx, "no handler"); }
    }
}
RC_COMPONENT(page);

static rc_test *kit;

static int setup(void **state) {
    (void)state;
    ticks[0] = last_type[0] = last_value[0] = last_fields[0] = last_key[0] = '\0';
    kit = rc_test_new(&page_component, NULL, 0);
    return kit ? 0 : -1;
}

static int done(void **state) {
    (void)state;
    rc_test_free(kit);
    kit = NULL;
    return 0;
}

/* ---- queries ------------------------------------------------------------ */

static void queries_match_a_walk_of_the_tree(void **state) {
    (void)state;
    const rc_node *found[64];
    assert_int_equal(oracle(kit, has_id, "count", found), 1);
    assert_ptr_equal(rc_test_find(kit, "#count"), found[0]);
    assert_ptr_equal(rc_test_find(kit, "span#count"), found[0]);
    assert_null(rc_test_find(kit, "div#count"));

    size_t lis = oracle(kit, has_tag, "li", found);
    assert_int_equal(lis, 7);
    assert_int_equal(rc_test_count(kit, "li"), lis);
    assert_int_equal(rc_test_count(kit, "li.item"), lis);
    assert_ptr_equal(rc_test_find_nth(kit, "li", 4), found[4]);
    assert_null(rc_test_find_nth(kit, "li", 7));

    size_t dones = oracle(kit, done_item, NULL, found);
    assert_int_equal(dones, 3); /* rows 0, 3, 6 */
    assert_int_equal(rc_test_count(kit, "li.done"), dones);
    assert_int_equal(rc_test_count(kit, ".item.done"), dones);
    assert_ptr_equal(rc_test_find_nth(kit, "li.done", 1), found[1]);
    /* Descendants, through the row components. */
    assert_int_equal(rc_test_count(kit, "#list li.done span.text"), dones);
    assert_int_equal(rc_test_count(kit, "main span.text"), lis);
    assert_int_equal(rc_test_count(kit, "form span.text"), 0);
    assert_int_equal(rc_test_count(kit, "input[type=checkbox]"), 1);
    assert_int_equal(rc_test_count(kit, "form input[name]"), 2);
    assert_int_equal(rc_test_count(kit, "input[name=\"title\"]"), 1);
}

static void texts_and_attributes(void **state) {
    (void)state;
    assert_string_equal(rc_test_get_text_of(kit, "li.done span"), "row 0");
    assert_string_equal(rc_test_get_text_of(kit, "#list"), "row 0row 1row 2row 3row 4row 5row 6");
    /* The innermost element with the text: the <b>, not its button. */
    const rc_node *add = rc_test_find_text(kit, "Add");
    assert_ptr_equal(add, rc_test_find(kit, "#label"));
    assert_null(rc_test_find_text(kit, "Ad"));
    assert_string_equal(rc_test_get_attr(rc_test_find(kit, "#title"), "name"), "title");
    assert_null(rc_test_get_attr(rc_test_find(kit, "#title"), "nope"));
    assert_string_equal(rc_test_get_attr(rc_test_find(kit, "#link"), "href"), "/other?x=1");
}

static void a_malformed_selector_is_reported(void **state) {
    (void)state;
    assert_int_equal(rc_test_count(kit, "li > span"), 0);
    assert_non_null(strstr(rc_test_get_error(kit), "not understood"));
    assert_null(rc_test_find(kit, "#"));
    assert_null(rc_test_find(kit, "[a=b"));
    assert_null(rc_test_find(kit, ""));
    assert_null(rc_test_find(kit, "#nothing"));
    assert_non_null(strstr(rc_test_get_error(kit), "\"#nothing\""));
}

/* ---- events ------------------------------------------------------------- */

static void a_click_bubbles_to_the_nearest_handler(void **state) {
    (void)state;
    assert_int_equal(rc_test_click(kit, rc_test_find_text(kit, "Add")), 0);
    assert_string_equal(rc_test_get_text_of(kit, "#count"), "1");
    assert_string_equal(last_type, "click");
    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#inc")), 0);
    assert_string_equal(rc_test_get_text_of(kit, "#count"), "2");

    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#plain")), -1);
    assert_non_null(strstr(rc_test_get_error(kit), "no onClick on p#plain"));
    assert_int_equal(rc_test_click(kit, NULL), -1);
    assert_string_equal(rc_test_get_text_of(kit, "#count"), "2");
}

static void input_check_fire_and_submit(void **state) {
    (void)state;
    assert_int_equal(rc_test_input(kit, rc_test_find(kit, "#title"), "milk"), 0);
    assert_string_equal(last_value, "milk");
    assert_string_equal(rc_test_get_attr(rc_test_find(kit, "#title"), "value"), "milk");
    assert_int_equal(rc_test_check(kit, rc_test_find(kit, "#agree"), true), 0);
    assert_non_null(rc_test_get_attr(rc_test_find(kit, "#agree"), "checked"));

    /* A submit button's click submits its form with the fields as shown. */
    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#send")), 0);
    assert_string_equal(last_type, "submit");
    assert_string_equal(last_fields, "title=milk agree=1");
    assert_string_equal(rc_test_get_text_of(kit, "#sent"), "1");
    /* Fields given override those shown. */
    assert_int_equal(rc_test_submit(kit, rc_test_find(kit, "#title"), "title", "eggs", NULL), 0);
    assert_string_equal(last_fields, "title=eggs agree=1");

    rc_value key = {0};
    rc_value_set_object(&key);
    rc_value_set_string(rc_object_set(&key, "key"), "Enter");
    assert_int_equal(rc_test_fire(kit, rc_test_find(kit, "#keys"), "keydown", &key), 0);
    assert_string_equal(last_key, "Enter");
    assert_int_equal(rc_test_fire(kit, rc_test_find(kit, "#keys"), "onKeyDown", &key), 0);
    assert_string_equal(rc_test_get_text_of(kit, "#count"), "2");
    assert_int_equal(rc_test_fire(kit, rc_test_find(kit, "#keys"), "onKeyUp", &key), -1);
    rc_value_free(&key);
}

static void a_link_navigates(void **state) {
    (void)state;
    assert_string_equal(rc_test_get_location(kit), "/");
    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#link")), 0);
    assert_string_equal(rc_test_get_location(kit), "/other?x=1");
    assert_string_equal(rc_test_get_text_of(kit, "#where"), "/other?x=1");
    assert_int_equal(rc_test_navigate(kit, "/b"), 0);
    assert_string_equal(rc_test_get_text_of(kit, "#where"), "/b");
    assert_int_equal(rc_test_navigate(kit, "//evil"), -1);
    assert_string_equal(rc_test_get_location(kit), "/b");
}

/* ---- time ----------------------------------------------------------------- */

static void timers_fire_in_order_on_the_fake_clock(void **state) {
    (void)state;
    rc_test_advance(kit, 199);
    assert_string_equal(ticks, "");
    rc_test_advance(kit, 1);
    assert_string_equal(ticks, "i");
    assert_string_equal(rc_test_get_text_of(kit, "#timed"), "1");
    /* At 400 both are due: the timeout, armed at 0, before the interval,
     * re-armed at 200; then 600. */
    rc_test_advance(kit, 400);
    assert_string_equal(ticks, "itii");
    assert_string_equal(rc_test_get_text_of(kit, "#timed"), "103");
    assert_int_equal(rc_test_get_time(kit), 600);
}

/* ---- the session's life ---------------------------------------------------- */

static void a_reattach_applies_what_was_held(void **state) {
    (void)state;
    assert_string_equal(rc_test_get_text_of(kit, "#conn"), "1");
    rc_test_disconnect(kit);
    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#inc")), 0);
    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#inc")), 0);
    assert_string_equal(rc_test_get_text_of(kit, "#count"), "0"); /* held */
    rc_test_advance(kit, 200);                                    /* timers run meanwhile */
    assert_string_equal(rc_test_get_text_of(kit, "#timed"), "1");
    rc_test_reattach(kit);
    assert_string_equal(rc_test_get_text_of(kit, "#count"), "2");
    assert_string_equal(rc_test_get_text_of(kit, "#conn"), "2 reattached");
}

static void a_resume_restores_through_a_token(void **state) {
    (void)state;
    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#inc")), 0);
    assert_int_equal(rc_test_input(kit, rc_test_find(kit, "#title"), "kept"), 0);
    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#scratch")), 0);
    assert_string_equal(rc_test_get_text_of(kit, "#scratch"), "1");
    assert_int_equal(rc_test_navigate(kit, "/there?q=1"), 0);

    rc_test_disconnect(kit);
    assert_int_equal(rc_test_click(kit, rc_test_find(kit, "#inc")), 0); /* held */
    assert_int_equal(rc_test_resume(kit), 0);
    assert_true(rc_test_get_token_size(kit) > 0);
    /* 1 restored, then the held click applied to the new layout. */
    assert_string_equal(rc_test_get_text_of(kit, "#count"), "2");
    assert_string_equal(rc_test_get_attr(rc_test_find(kit, "#title"), "value"), "kept");
    assert_string_equal(rc_test_get_text_of(kit, "#scratch"), "0"); /* server-only */
    assert_string_equal(rc_test_get_location(kit), "/there?q=1");
    assert_string_equal(rc_test_get_text_of(kit, "#conn"), "1 resumed");
    /* The new layout runs its own timers from the clock's now. */
    rc_test_advance(kit, 200);
    assert_string_equal(rc_test_get_text_of(kit, "#timed"), "1");
    rc_test_reattach(kit);
    assert_string_equal(rc_test_get_text_of(kit, "#conn"), "2 resumed reattached");
}

/* ---- two kits: two tabs of one process, one store ------------------------ */
#ifndef RC_TEST_WITHOUT_STORES /* a build without stores (tests/unit/CMakeLists.txt) */

static rc_store *hits;

static void hit(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    rc_store_add_int(hits, 1);
}

static void hits_page(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "button", .id = "hit", .on = RC_ON("click", hit, NULL)) {
        rc_textf(ctx, "%lld", (long long)rc_store_get_int(hits));
    }
}
RC_COMPONENT(hits_page);

/* Each kit is its own session: a store applies an event's writes once per
 * session and event number, so the second tab's first click is not taken
 * for a replay of the first's. */
static void two_kits_write_one_store(void **state) {
    (void)state;
    hits = rc_store_new("hits", &(rc_value){.kind = RC_INT, .as.i = 0});
    rc_test *a = rc_test_new(&hits_page_component, NULL, 0);
    rc_test *b = rc_test_new(&hits_page_component, NULL, 0);
    assert_int_equal(rc_test_click(a, rc_test_find(a, "#hit")), 0);
    assert_int_equal(rc_test_click(b, rc_test_find(b, "#hit")), 0);
    rc_test_flush(a);
    assert_string_equal(rc_test_get_text_of(a, "#hit"), "2");
    assert_string_equal(rc_test_get_text_of(b, "#hit"), "2");
    /* A resume keeps the session: its next event is a new one. */
    assert_int_equal(rc_test_resume(a), 0);
    assert_int_equal(rc_test_click(a, rc_test_find(a, "#hit")), 0);
    assert_string_equal(rc_test_get_text_of(a, "#hit"), "3");
    rc_test_free(a);
    rc_test_free(b);
    rc_store_free(hits);
}
#endif

static void mounting_at_a_url(void **state) {
    (void)state;
    rc_test *t = rc_test_new_at(&page_component, NULL, 0, "/start?a=b");
    assert_non_null(t);
    assert_string_equal(rc_test_get_text_of(t, "#where"), "/start?a=b");
    rc_test_free(t);
    assert_null(rc_test_new_at(&page_component, NULL, 0, "no-slash"));
}

/* Every field kind of a submit, as client/src/serialize.ts's formFields
 * sends it (written out by hand from its rules, which e2e.forms checks in
 * Chromium): a lone checkbox a boolean, shared ones the checked values, a
 * radio group with none checked null, a select without a value its
 * selected option (an option's value is its text when it has no value
 * attribute), a multiple select its selected options through optgroups,
 * a textarea its value; the file input and the button left out. */
static char form_json[512];
static void form_sent(rc_event *ev, void *user) {
    (void)user;
    rc_buf b;
    rc_buf_init(&b);
    rc_jw_value(&b, rc_event_get_field(ev, "elements"));
    snprintf(form_json, sizeof form_json, "%.*s", (int)b.len, b.data);
    rc_buf_free(&b);
}

static void field_kinds(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "form", .id = "f", .on = RC_ON("submit", form_sent, NULL)) {
        RC_EL(ctx, "input", .type = "checkbox") {
            rc_attr(ctx, "name", "lone");
            rc_attr(ctx, "checked", "");
        }
        const char *langs[] = {"c", "go", "rust"};
        for (int i = 0; i < 3; i++)
            RC_EL(ctx, "input", .key = langs[i], .type = "checkbox", .value = langs[i]) {
                rc_attr(ctx, "name", "langs");
                if (i != 1) rc_attr(ctx, "checked", "");
            }
        RC_EL(ctx, "input", .type = "radio", .value = "a") { rc_attr(ctx, "name", "pick"); }
        RC_EL(ctx, "input", .type = "radio", .value = "b") { rc_attr(ctx, "name", "pick"); }
        RC_EL(ctx, "select") {
            rc_attr(ctx, "name", "one");
            RC_EL(ctx, "option") { rc_text(ctx, "first"); }
            RC_EL(ctx, "option", .value = "2") { rc_attr(ctx, "selected", ""); }
        }
        RC_EL(ctx, "select") {
            rc_attr(ctx, "name", "many");
            rc_attr(ctx, "multiple", "");
            RC_EL(ctx, "optgroup") {
                RC_EL(ctx, "option", .value = "x") { rc_attr(ctx, "selected", ""); }
                RC_EL(ctx, "option", .value = "y") {}
            }
            RC_EL(ctx, "option") {
                rc_attr(ctx, "selected", "");
                rc_text(ctx, "z");
            }
        }
        RC_EL(ctx, "textarea", .value = "notes") { rc_attr(ctx, "name", "text"); }
        RC_EL(ctx, "input", .type = "file") { rc_attr(ctx, "name", "upload"); }
        RC_EL(ctx, "button", .id = "go", .type = "submit") { rc_attr(ctx, "name", "go"); }
    }
}
RC_COMPONENT(field_kinds);

static void a_submit_carries_every_field_kind(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&field_kinds_component, NULL, 0);
    assert_int_equal(rc_test_click(t, rc_test_find(t, "#go")), 0);
    assert_string_equal(form_json, "{\"lone\":true,\"langs\":[\"c\",\"rust\"],\"pick\":null,"
                                   "\"one\":\"2\",\"many\":[\"x\",\"z\"],\"text\":\"notes\"}");
    rc_test_free(t);
}

/* ---- bubbling: stopPropagation and preventDefault ----------------------- */

/* Which handlers ran, in order, as client/src/events.ts runs them in
 * Chromium: each element from the target up with a handler for the
 * event, until one with stopPropagation; the router follows a link and a
 * submit button submits only when no handler prevented the default. */
static char ran[256];
static void log_run(rc_event *ev, void *name) {
    (void)ev;
    size_t len = strlen(ran);
    snprintf(ran + len, sizeof ran - len, "%s%s", len ? " " : "", (const char *)name);
}

static void nested(rc_ctx *ctx, const void *props) {
    (void)props;
    const rc_location *loc = rc_use_location(ctx);
    RC_EL(ctx, "div", .id = "outer", .on = RC_ON("click", log_run, "outer")) {
        rc_on_event(ctx, RC_ON("keydown", log_run, "outer-key"));
        rc_on_event(ctx, RC_ON("focus", log_run, "outer-focus"));
        RC_EL(ctx, "div", .id = "mid",
              .on = RC_ON_OPTS("click", log_run, "mid", RC_STOP_PROPAGATION)) {
            RC_EL(ctx, "button", .id = "inner", .type = "button",
                  .on = RC_ON("click", log_run, "inner")) {}
            RC_EL(ctx, "span", .id = "bare") { rc_text(ctx, "bare"); }
        }
        RC_EL(ctx, "button", .id = "free", .type = "button",
              .on = RC_ON("click", log_run, "free")) {
            rc_on_event(ctx, RC_ON("keydown", log_run, "free-key"));
            rc_on_event(ctx, RC_ON("focus", log_run, "free-focus"));
        }
        RC_LINK(ctx, "/next", .id = "link") {
            RC_EL(ctx, "b", .id = "guard",
                  .on = RC_ON_OPTS("click", log_run, "guard", RC_PREVENT_DEFAULT)) {}
            RC_EL(ctx, "i", .id = "plainlink") { rc_text(ctx, "go"); }
        }
        RC_EL(ctx, "form", .id = "form", .on = RC_ON_SUBMIT(log_run, "submit")) {
            RC_EL(ctx, "button", .id = "send", .on = RC_ON("click", log_run, "send")) {}
            RC_EL(ctx, "button", .id = "hold",
                  .on = RC_ON_OPTS("click", log_run, "hold", RC_PREVENT_DEFAULT)) {}
        }
        RC_EL(ctx, "span", .id = "where") { rc_text(ctx, loc->pathname); }
    }
}
RC_COMPONENT(nested);

static const char *click_ran(rc_test *t, const char *selector) {
    ran[0] = '\0';
    assert_int_equal(rc_test_click(t, rc_test_find(t, selector)), 0);
    return ran;
}

static void a_click_bubbles_until_stopped(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&nested_component, NULL, 0);
    /* Every handler on the way up, not only the nearest. */
    assert_string_equal(click_ran(t, "#free"), "free outer");
    assert_false(rc_test_default_prevented(t));
    /* mid stops it: outer never hears the click, from mid or below it. */
    assert_string_equal(click_ran(t, "#inner"), "inner mid");
    assert_string_equal(click_ran(t, "#bare"), "mid");
    assert_false(rc_test_default_prevented(t));
    rc_test_free(t);
}

static void a_prevented_click_neither_follows_nor_submits(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&nested_component, NULL, 0);
    /* In a link: the handlers run, and the router follows it unless one
     * of them prevented the default. */
    /* guide:prevented */
    assert_string_equal(click_ran(t, "#guard"), "guard outer");
    assert_true(rc_test_default_prevented(t)); /* the link was not followed */
    assert_string_equal(rc_test_get_location(t), "/");
    /* end guide:prevented */
    assert_string_equal(click_ran(t, "#plainlink"), "outer");
    assert_false(rc_test_default_prevented(t));
    assert_string_equal(rc_test_get_text_of(t, "#where"), "/next");
    /* A submit button: its click bubbles, then the form's submit (which
     * RC_ON_SUBMIT prevents: the page does not reload) unless the click
     * was prevented. */
    assert_string_equal(click_ran(t, "#send"), "send outer submit");
    assert_true(rc_test_default_prevented(t));
    assert_string_equal(click_ran(t, "#hold"), "hold outer");
    assert_true(rc_test_default_prevented(t));
    rc_test_free(t);
}

static void fire_bubbles_but_not_focus(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&nested_component, NULL, 0);
    ran[0] = '\0';
    assert_int_equal(rc_test_fire(t, rc_test_find(t, "#free"), "onKeyDown", NULL), 0);
    assert_string_equal(ran, "free-key outer-key");
    ran[0] = '\0';
    assert_int_equal(rc_test_fire(t, rc_test_find(t, "#free"), "focus", NULL), 0);
    assert_string_equal(ran, "free-focus");
    /* Focus stays on its target: an ancestor's handler is not reached. */
    assert_int_equal(rc_test_fire(t, rc_test_find(t, "#inner"), "onFocus", NULL), -1);
    ran[0] = '\0';
    assert_int_equal(rc_test_fire(t, rc_test_find(t, "#inner"), "keydown", NULL), 0);
    assert_string_equal(ran, "outer-key");
    rc_test_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_submit_carries_every_field_kind),
        cmocka_unit_test_setup_teardown(queries_match_a_walk_of_the_tree, setup, done),
        cmocka_unit_test_setup_teardown(texts_and_attributes, setup, done),
        cmocka_unit_test_setup_teardown(a_malformed_selector_is_reported, setup, done),
        cmocka_unit_test_setup_teardown(a_click_bubbles_to_the_nearest_handler, setup, done),
        cmocka_unit_test_setup_teardown(input_check_fire_and_submit, setup, done),
        cmocka_unit_test_setup_teardown(a_link_navigates, setup, done),
        cmocka_unit_test_setup_teardown(timers_fire_in_order_on_the_fake_clock, setup, done),
        cmocka_unit_test_setup_teardown(a_reattach_applies_what_was_held, setup, done),
        cmocka_unit_test_setup_teardown(a_resume_restores_through_a_token, setup, done),
        cmocka_unit_test_setup_teardown(mounting_at_a_url, setup, done),
#ifndef RC_TEST_WITHOUT_STORES
        cmocka_unit_test(two_kits_write_one_store),
#endif
        cmocka_unit_test(a_click_bubbles_until_stopped),
        cmocka_unit_test(a_prevented_click_neither_follows_nor_submits),
        cmocka_unit_test(fire_bubbles_but_not_focus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
