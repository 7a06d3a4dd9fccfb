/*
 * Routing (docs/guide/routing.md): route matching, the checks every new
 * location passes (rc_navigate, rc_layout_navigate, the browser's
 * "@location" event), who re-renders, the navigation owed to the browser,
 * rc_routes/rc_use_param/rc_use_query, and the location's snapshot slot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reactc_layout.h"
#include "resume/snapshot.h"

#include "harness.h"
#include "layout_driver.h"

/* ------------------------------------------------------------------------ */
/* rc_match_route                                                           */
/* ------------------------------------------------------------------------ */

static void test_match_table(void **state) {
    (void)state;
    static const struct {
        const char *pattern, *path, *name, *want; /* want NULL: no match */
    } rows[] = {
        {"/", "/", NULL, ""},
        {"/", "/a", NULL, NULL},
        {"/todo", "/todo", NULL, ""},
        {"/todo", "/todo/", NULL, ""},    /* one trailing slash is ignored */
        {"/todo/", "/todo", NULL, ""},    /* ... on the pattern too */
        {"/todo", "/todo//", NULL, NULL}, /* but only one */
        {"/todo", "/Todo", NULL, NULL},   /* exact, case and all */
        {"/todo", "/todos", NULL, NULL},
        {"/todo", "/todo/x", NULL, NULL},
        {"/device/:id", "/device/7", "id", "7"},
        {"/device/:id", "/device/7/", "id", "7"},
        {"/device/:id", "/device/", "id", NULL}, /* a parameter is never empty */
        {"/device/:id", "/device", "id", NULL},
        {"/device/:id", "/device/7/log", "id", NULL},
        {"/device/:id", "/device/a%20b", "id", "a b"},   /* decoded */
        {"/device/:id", "/device/%2Fetc", "id", "/etc"}, /* an encoded slash stays in */
        {"/device/:id", "/device/caf%C3%A9", "id", "caf\xc3\xa9"},
        {"/device/:id", "/device/a+b", "id", "a+b"}, /* '+' is a space in queries only */
        {"/device/:id", "/device/%zz", "id", NULL},  /* a bad escape */
        {"/device/:id", "/device/%4", "id", NULL},
        {"/device/:id", "/device/%00", "id", NULL}, /* an encoded NUL */
        {"/device/:id", "/device/7", "other", ""},  /* a name the pattern lacks */
        {"/a/:x/b/:y", "/a/1/b/2", "y", "2"},
        {"/a/:x/b/:y", "/a/1/c/2", "y", NULL},
        {"/files/*", "/files/a/b.txt", "*", "a/b.txt"},
        {"/files/*", "/files/", "*", ""},
        {"/files/*", "/files", "*", ""},
        {"/files/*", "/filesx", "*", NULL},
        {"/files/*", "/files/a%20b/c", "*", "a b/c"},
        {"/*", "/anything/at/all", "*", "anything/at/all"},
        {"todo", "/todo", NULL, NULL}, /* patterns and paths start with '/' */
        {"/todo", "todo", NULL, NULL},
        {"/todo", "", NULL, NULL},
        {"", "/", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char v[32] = "untouched";
        int r = rc_match_route(rows[i].pattern, rows[i].path, rows[i].name, v, sizeof v);
        if (!rows[i].want) {
            if (r != -1) fail_msg("row %zu: %s ~ %s matched", i, rows[i].pattern, rows[i].path);
            continue;
        }
        if (r != 0) fail_msg("row %zu: %s ~ %s did not match", i, rows[i].pattern, rows[i].path);
        if (rows[i].name && strcmp(v, rows[i].want) != 0)
            fail_msg("row %zu: %s = \"%s\", want \"%s\"", i, rows[i].name, v, rows[i].want);
    }
    char small[3];
    assert_int_equal(rc_match_route("/d/:id", "/d/abc", "id", small, sizeof small), -1);
    assert_int_equal(rc_match_route("/d/:id", "/d/ab", "id", small, sizeof small), 0);
    assert_string_equal(small, "ab");
    assert_int_equal(rc_match_route(NULL, "/", NULL, NULL, 0), -1);
    assert_int_equal(rc_match_route("/", NULL, NULL, NULL, 0), -1);
}

/* ------------------------------------------------------------------------ */
/* Navigation: checks, readers, what is owed                                */
/* ------------------------------------------------------------------------ */

static int reader_renders, other_renders;
static char seen[600];

static void reader(rc_ctx *ctx, const void *props) {
    (void)props;
    reader_renders++;
    const rc_location *loc = rc_use_location(ctx);
    snprintf(seen, sizeof seen, "%s%s", loc->pathname, loc->search);
    RC_EL(ctx, "p", .id = "where") { rc_text(ctx, seen); }
}
RC_COMPONENT(reader);

static const char *nav_url; /* what the handler navigates to */
static int nav_result;
static bool nav_replace;

static void go(rc_event *ev, void *user) {
    (void)user;
    nav_result = nav_replace ? rc_navigate_replace(ev, nav_url) : rc_navigate(ev, nav_url);
}

static void other(rc_ctx *ctx, const void *props) {
    (void)props;
    other_renders++;
    RC_EL(ctx, "button", .id = "go", .on = RC_ON("click", go, NULL)) { rc_text(ctx, "go"); }
}
RC_COMPONENT(other);

static void app(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "div") {
        rc_child(ctx, &reader_component, "r", NULL, 0);
        rc_child(ctx, &other_component, "o", NULL, 0);
    }
}
RC_COMPONENT(app);

static int woken;
static void on_dirty(rc_layout *l, void *user) {
    (void)l;
    (void)user;
    woken++;
}

static rc_layout *start_app(void) {
    rc_layout_opts o = test_opts();
    o.pathname = "/start";
    o.on_dirty = on_dirty;
    rc_layout *l = track(rc_layout_new(&app_component, NULL, 0, &o));
    flush_commit(l);
    reader_renders = other_renders = woken = 0;
    return l;
}

static void test_navigate_refuses_what_is_not_a_same_origin_path(void **state) {
    (void)state;
    rc_layout *l = start_app();
    char huge[600];
    memset(huge, 'a', sizeof huge);
    huge[0] = '/';
    huge[sizeof huge - 1] = '\0';
    char long_query[600];
    memset(long_query, 'q', sizeof long_query);
    memcpy(long_query, "/a?", 3);
    long_query[sizeof long_query - 1] = '\0';
    const char *bad[] = {
        "//evil.com",
        "//evil.com/x",
        "/\\evil.com",
        "\\\\evil.com",
        "http://x",
        "https://x/y",
        "javascript:alert(1)",
        "evil.com",
        "",
        "/a\nb",
        "/a\rb",
        "/a\tb",
        "/a\x01",
        "/a\x7f",
        "/a b",
        "/a#frag",
        "/a?x#y",
        "/caf\xc3\xa9",
        huge,
        long_query,
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        nav_url = bad[i];
        nav_replace = i % 2;
        nav_result = 0;
        click(l, "go");
        if (nav_result != -1) fail_msg("\"%.40s\" was accepted", bad[i]);
        assert_int_equal(rc_layout_navigate(l, bad[i], false), -1);
    }
    assert_int_equal(rc_layout_navigate(l, NULL, false), -1);
    /* rc_layout_set_location has no result: it logs and ignores. */
    rc_layout_set_location(l, "//evil.com", "");
    rc_layout_set_location(l, "/ok", "no-question-mark");
    assert_string_equal(rc_layout_get_location(l)->pathname, "/start");
    assert_false(rc_layout_is_dirty(l));
    assert_int_equal(rc_layout_take_navigation(l), RC_NAVIGATION_NONE);
    assert_true(test_log.n[RC_LOG_WARN] >= sizeof bad / sizeof *bad);

    /* At the limits: 255 bytes of path and 511 of query are kept whole. */
    char path[300] = "/", query[600] = "?";
    memset(path + 1, 'p', 254);
    path[255] = '\0';
    memset(query + 1, 'q', 510);
    query[511] = '\0';
    char url[900];
    snprintf(url, sizeof url, "%s%s", path, query);
    assert_int_equal(rc_layout_navigate(l, url, false), 0);
    assert_string_equal(rc_layout_get_location(l)->pathname, path);
    assert_string_equal(rc_layout_get_location(l)->search, query);
    snprintf(url, sizeof url, "%sp%s", path, query);
    assert_int_equal(rc_layout_navigate(l, url, false), -1);
}

static void test_server_navigation_is_owed_once(void **state) {
    (void)state;
    rc_layout *l = start_app();
    uint64_t epoch = rc_layout_get_state_epoch(l);
    nav_url = "/device/7?tab=log";
    nav_replace = false;
    click(l, "go");
    assert_int_equal(nav_result, 0);
    assert_true(rc_layout_get_state_epoch(l) > epoch); /* a new token is sealed */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1); /* the reader only */
    assert_int_equal(reader_renders, 1);
    assert_int_equal(other_renders, 0);
    assert_string_equal(text_of(l, "where"), "/device/7?tab=log");
    assert_int_equal(rc_layout_take_navigation(l), RC_NAVIGATION_PUSH);
    assert_int_equal(rc_layout_take_navigation(l), RC_NAVIGATION_NONE);

    nav_replace = true;
    nav_url = "/device/8";
    click(l, "go");
    assert_int_equal(rc_layout_take_navigation(l), RC_NAVIGATION_REPLACE);
    /* To where it is: nothing changes, nothing is owed. */
    click(l, "go");
    assert_int_equal(rc_layout_take_navigation(l), RC_NAVIGATION_NONE);
    /* A push and a replace before one flush: the push stays (the browser
     * needs a new entry), at the final location. */
    assert_int_equal(rc_layout_navigate(l, "/a", false), 0);
    assert_int_equal(rc_layout_navigate(l, "/b", true), 0);
    assert_int_equal(rc_layout_take_navigation(l), RC_NAVIGATION_PUSH);
    assert_string_equal(rc_layout_get_location(l)->pathname, "/b");
    flush_commit(l);

    /* rc_layout_set_location from app code is a server-side change too, and
     * a layout nobody dirtied is woken so the server flushes what it owes. */
    rc_layout_opts o = test_opts();
    o.on_dirty = on_dirty;
    rc_layout *quiet = track(rc_layout_new(&other_component, NULL, 0, &o));
    flush_commit(quiet);
    woken = 0;
    rc_layout_set_location(quiet, "/elsewhere", "?x");
    assert_int_equal(woken, 1);
    assert_int_equal(rc_layout_take_navigation(quiet), RC_NAVIGATION_PUSH);
    expect_no_errors();
}

static int dispatch_location(rc_layout *l, const char *pathname, const char *search, uint64_t seq) {
    rc_value data = {0};
    rc_value_set_array(&data);
    rc_value *o = rc_array_push(&data);
    rc_value_set_object(o);
    if (pathname) rc_value_set_string(rc_object_set(o, "pathname"), pathname);
    if (search) rc_value_set_string(rc_object_set(o, "search"), search);
    int r = rc_layout_dispatch(l, "@location", &data, seq);
    rc_value_free(&data);
    return r;
}

static void test_location_event_sets_the_location_and_owes_nothing(void **state) {
    (void)state;
    rc_layout *l = start_app();
    uint64_t epoch = rc_layout_get_state_epoch(l);
    assert_int_equal(dispatch_location(l, "/todo", "?filter=open", 1), 0);
    assert_true(rc_layout_get_state_epoch(l) > epoch);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(other_renders, 0);
    assert_string_equal(text_of(l, "where"), "/todo?filter=open");
    /* The browser is there already. */
    assert_int_equal(rc_layout_take_navigation(l), RC_NAVIGATION_NONE);
    /* Search may be left out. */
    assert_int_equal(dispatch_location(l, "/x", NULL, 2), 0);
    assert_string_equal(rc_layout_get_location(l)->search, "");
    /* A browser event overtakes a navigation still owed. */
    assert_int_equal(rc_layout_navigate(l, "/owed", false), 0);
    assert_int_equal(dispatch_location(l, "/back", "", 3), 0);
    assert_int_equal(rc_layout_take_navigation(l), RC_NAVIGATION_NONE);
    flush_commit(l);

    /* Hostile or malformed events: refused, logged, nothing changes. */
    char huge[70000];
    memset(huge, 'a', sizeof huge);
    huge[0] = '/';
    huge[sizeof huge - 1] = '\0';
    const char *bad[][2] = {{"//evil.com", ""}, {"/\\evil.com", ""}, {"http://x", ""},
                            {"/a", "x=1"},      {"/a\n", ""},        {huge, ""},
                            {"/a", "?\x01"},    {"/a?b", ""},        {"", ""}};
    size_t warned = test_log.n[RC_LOG_WARN];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(dispatch_location(l, bad[i][0], bad[i][1], 10 + i), -1);
    assert_int_equal(dispatch_location(l, NULL, "", 30), -1);
    assert_int_equal(rc_layout_dispatch(l, "@location", NULL, 31), -1);
    rc_value num = {.kind = RC_INT};
    assert_int_equal(rc_layout_dispatch(l, "@location", &num, 32), -1);
    /* An embedded NUL: the length as sent counts. */
    rc_value data = {0};
    rc_value_set_array(&data);
    rc_value *o = rc_array_push(&data);
    rc_value_set_object(o);
    rc_value_set_stringn(rc_object_set(o, "pathname"), "/a\0//evil", 9);
    assert_int_equal(rc_layout_dispatch(l, "@location", &data, 33), -1);
    rc_value_free(&data);
    assert_true(test_log.n[RC_LOG_WARN] >= warned + sizeof bad / sizeof *bad + 3);
    assert_string_equal(rc_layout_get_location(l)->pathname, "/back");
    assert_false(rc_layout_is_dirty(l));
    /* Other '@' targets are still malformed handler ids. */
    assert_int_equal(rc_layout_dispatch(l, "@locations", NULL, 40), -1);
}

/* ------------------------------------------------------------------------ */
/* rc_routes, rc_use_param, rc_use_query                                    */
/* ------------------------------------------------------------------------ */

static int page_mounts;
static rc_cleanup mounted(rc_effect *e, void *arg) {
    (void)e;
    (void)arg;
    page_mounts++;
    return RC_NO_CLEANUP;
}

static void device_page(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_use_effect(ctx, mounted, NULL, 0, RC_ONCE);
    const char *id = rc_use_param(ctx, "id");
    const char *tab = rc_use_query(ctx, "tab");
    RC_EL(ctx, "p", .id = "device") {
        rc_textf(ctx, "%s|%s", id ? id : "(null)", tab ? tab : "(null)");
    }
}
RC_COMPONENT(device_page);

static void files_page(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_use_effect(ctx, mounted, NULL, 0, RC_ONCE);
    const char *rest = rc_use_param(ctx, "*");
    const char *none = rc_use_param(ctx, "id");
    RC_EL(ctx, "p", .id = "files") {
        rc_textf(ctx, "%s|%s", rest ? rest : "(null)", none ? "x" : "(null)");
    }
}
RC_COMPONENT(files_page);

static void home_page(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_use_effect(ctx, mounted, NULL, 0, RC_ONCE);
    const char *id = rc_use_param(ctx, "id");
    RC_EL(ctx, "p", .id = "home") { rc_text(ctx, id ? id : "(null)"); }
}
RC_COMPONENT(home_page);

static const rc_route routes[] = {
    {"/", &home_page_component},
    {"/device/:id", &device_page_component},
    {"/files/*", &files_page_component},
};
static int matched;

static void router(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "main") {
        matched = rc_routes(ctx, routes, sizeof routes / sizeof *routes);
        if (matched < 0)
            RC_EL(ctx, "p", .id = "not-found") { rc_text(ctx, "not found"); }
    }
}
RC_COMPONENT(router);

static void test_routes_params_and_query(void **state) {
    (void)state;
    page_mounts = 0;
    rc_layout_opts o = test_opts();
    o.pathname = "/device/a%20b";
    o.search = "?x=1&tab=log+view&tab=second&flag";
    rc_layout *l = track(rc_layout_new(&router_component, NULL, 0, &o));
    flush_commit(l);
    assert_int_equal(matched, 1);
    assert_int_equal(page_mounts, 1);
    assert_string_equal(text_of(l, "device"), "a b|log view");

    /* Another parameter: the same instance re-renders. */
    assert_int_equal(dispatch_location(l, "/device/9", "?tab=%41%2B", 1), 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "device"), "9|A+");
    assert_int_equal(page_mounts, 1);

    /* Another route: remounted. */
    assert_int_equal(dispatch_location(l, "/files/x/y%2Ez", "", 2), 0);
    flush_commit(l);
    assert_int_equal(matched, 2);
    assert_string_equal(text_of(l, "files"), "x/y.z|(null)");
    assert_int_equal(page_mounts, 2);
    assert_ptr_equal(find(l, "device"), NULL);

    assert_int_equal(dispatch_location(l, "/", "?flag", 3), 0);
    flush_commit(l);
    assert_int_equal(matched, 0);
    assert_string_equal(text_of(l, "home"), "(null)");

    /* No match: nothing rendered, the caller's not-found shows. */
    assert_int_equal(dispatch_location(l, "/nowhere", "", 4), 0);
    flush_commit(l);
    assert_int_equal(matched, -1);
    assert_string_equal(text_of(l, "not-found"), "not found");
    assert_int_equal(dispatch_location(l, "/device/2", "?tab", 5), 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "device"), "2|");
    assert_int_equal(dispatch_location(l, "/device/2", "?other=1", 6), 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "device"), "2|(null)");
    expect_no_errors();
}

/* RC_LINK: an anchor with href and the router's attribute. */
static void links(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_LINK(ctx, "/todo", .id = "l1", .class_ = "nav") { rc_text(ctx, "Todo"); }
    RC_LINK(ctx, "/x") {
        rc_attr(ctx, "id", "l2");
        rc_attr(ctx, "data-reactc-link", "replace");
    }
}
RC_COMPONENT(links);

static void test_link(void **state) {
    (void)state;
    rc_layout *l = new_layout(&links_component, NULL, 0);
    flush_commit(l);
    rc_node *a = find(l, "l1");
    assert_non_null(a);
    assert_string_equal(rc_node_get_tag(a), "a");
    assert_string_equal(attr_of(a, "href"), "/todo");
    assert_string_equal(attr_of(a, "class"), "nav");
    assert_string_equal(attr_of(a, "data-reactc-link"), "");
    assert_string_equal(text_of(l, "l1"), "Todo");
    assert_string_equal(attr_of(find(l, "l2"), "data-reactc-link"), "replace");
    expect_no_errors_or_warnings();
}

/* ------------------------------------------------------------------------ */
/* The snapshot slot                                                        */
/* ------------------------------------------------------------------------ */

static void put_location(const void *src, rc_slot_fn fn, void *user) {
    rc_snapshot_put_location(src, fn, user);
    rc_layout_foreach_slot(src, fn, user);
}

static void test_location_survives_a_snapshot(void **state) {
    (void)state;
    rc_layout *l = start_app();
    assert_int_equal(rc_layout_navigate(l, "/device/7?tab=log&q=a%20b", false), 0);
    flush_commit(l);
    rc_snapshot_meta meta = {(uint32_t)time(NULL), 60, 1, 0, "b", 1};
    rc_buf buf;
    rc_buf_init(&buf);
    rc_snapshot_write_from(&buf, &meta, put_location, l);
    rc_snapshot snap;
    char err[128];
    assert_int_equal(rc_snapshot_read(&snap, buf.data, buf.len, err, sizeof err), 0);
    char pathname[256] = "hello", search[512] = "?hello";
    assert_true(rc_snapshot_get_location(&snap, pathname, search));
    assert_string_equal(pathname, "/device/7");
    assert_string_equal(search, "?tab=log&q=a%20b");
    /* A restore ignores the reserved slot: the layout resumes cleanly. */
    rc_layout_opts o = test_opts();
    o.restore = rc_snapshot_restore;
    o.restore_user = &snap;
    o.pathname = pathname;
    o.search = search;
    rc_layout *back = track(rc_layout_new(&app_component, NULL, 0, &o));
    flush_commit(back);
    assert_string_equal(text_of(back, "where"), "/device/7?tab=log&q=a%20b");
    rc_snapshot_free(&snap);
    rc_buf_free(&buf);

    /* A snapshot from before routing has no slot: the hello's stays. */
    rc_buf_init(&buf);
    rc_snapshot_write(&buf, l, &meta);
    assert_int_equal(rc_snapshot_read(&snap, buf.data, buf.len, err, sizeof err), 0);
    assert_false(rc_snapshot_get_location(&snap, pathname, search));
    assert_string_equal(pathname, "/device/7"); /* untouched */
    rc_snapshot_free(&snap);
    rc_buf_free(&buf);
    expect_no_errors();
}

/* A slot whose value a browser's location could not have is ignored. */
static void bad_slot(const void *src, rc_slot_fn fn, void *user) {
    rc_value v = {0};
    rc_value_set_string(&v, (const char *)src);
    fn(user, RC_SNAPSHOT_LOCATION_SLOT, &v);
    rc_value_free(&v);
}

static void test_bad_location_slot_is_ignored(void **state) {
    (void)state;
    const char *values[] = {"//evil.com", "http://x/", "", "/a b", "/ok\x01"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        rc_snapshot_meta meta = {(uint32_t)time(NULL), 60, 1, 0, "b", 1};
        rc_buf buf;
        rc_buf_init(&buf);
        rc_snapshot_write_from(&buf, &meta, bad_slot, values[i]);
        rc_snapshot snap;
        char err[128], pathname[256] = "/hello", search[512] = "";
        assert_int_equal(rc_snapshot_read(&snap, buf.data, buf.len, err, sizeof err), 0);
        assert_false(rc_snapshot_get_location(&snap, pathname, search));
        assert_string_equal(pathname, "/hello");
        rc_snapshot_free(&snap);
        rc_buf_free(&buf);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_table),
        cmocka_unit_test_setup_teardown(test_navigate_refuses_what_is_not_a_same_origin_path, reset,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_server_navigation_is_owed_once, reset, teardown),
        cmocka_unit_test_setup_teardown(test_location_event_sets_the_location_and_owes_nothing,
                                        reset, teardown),
        cmocka_unit_test_setup_teardown(test_routes_params_and_query, reset, teardown),
        cmocka_unit_test_setup_teardown(test_link, reset, teardown),
        cmocka_unit_test_setup_teardown(test_location_survives_a_snapshot, reset, teardown),
        cmocka_unit_test(test_bad_location_slot_is_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
