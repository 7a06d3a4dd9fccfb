/*
 * Unit tests for the per-request render of the first paint
 * (src/server/page_render.c, rc_page_render): one throwaway layout per
 * page request, flushed once and freed without commit. So no effect runs,
 * no cleanup of an effect that never ran runs, and nothing leaks (this
 * program runs under ASan in `make test-asan` and valgrind in
 * `make test-valgrind`). The location and the signed-in user reach the
 * render; a failing component shows its (generic) error element; past the
 * limit nothing is written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "server/server.h"

static int effects_run, cleanups_run, renders;

static void cleanup(void *data) {
    (void)data;
    cleanups_run++;
}

static rc_cleanup effect(rc_effect *e, void *arg) {
    (void)e, (void)arg;
    effects_run++;
    return (rc_cleanup){cleanup, NULL};
}

static void Child(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_use_effect(ctx, effect, NULL, 0, RC_EVERY_RENDER);
    RC_ASSERT(ctx, strcmp(rc_use_location(ctx)->pathname, "/broken") != 0);
    RC_EL(ctx, "i") { rc_text(ctx, "child"); }
}
static RC_COMPONENT(Child);

static void Page(rc_ctx *ctx, const void *props) {
    (void)props;
    renders++;
    rc_state *n = rc_use_int(ctx, "n", 7);
    rc_use_effect(ctx, effect, NULL, 0, RC_EVERY_RENDER);
    const rc_location *loc = rc_use_location(ctx);
    RC_EL(ctx, "main") {
        rc_textf(ctx, "%s%s %lld %s", loc->pathname, loc->search, (long long)rc_state_get_int(n),
                 rc_use_user(ctx));
        RC_CHILD(ctx, &Child_component, "c", NULL);
    }
}
static RC_COMPONENT(Page);

static void quiet(void *user, rc_log_level level, const char *message) {
    (void)user, (void)level, (void)message;
}

static int reset(void **state) {
    (void)state;
    effects_run = cleanups_run = renders = 0;
    return 0;
}

static rc_page_req req_for(const char *path) {
    return (rc_page_req){
        .pathname = path, .search = "?q=1", .user = "ann", .hide_errors = true, .log = quiet};
}

static void test_render_without_commit(void **state) {
    (void)state;
    rc_app app = {.root = &Page_component};
    rc_page_req req = req_for("/todo");
    rc_buf b;
    rc_buf_init(&b);
    rc_buf_append(&b, "<head>", 6);
    assert_int_equal(rc_page_render(&app, &req, &b), 0);
    assert_string_equal(rc_buf_cstr(&b), "<head><main>/todo?q=1 7 ann<i>child</i></main>");
    assert_int_equal(renders, 1);
    /* Effects are for a live session: never for a page request. */
    assert_int_equal(effects_run, 0);
    assert_int_equal(cleanups_run, 0);
    rc_buf_free(&b);
}

static void test_failing_component_shows_its_error(void **state) {
    (void)state;
    rc_app app = {.root = &Page_component};
    rc_page_req req = req_for("/broken");
    rc_buf b;
    rc_buf_init(&b);
    assert_int_equal(rc_page_render(&app, &req, &b), 0);
    assert_string_equal(rc_buf_cstr(&b),
                        "<main>/broken?q=1 7 ann<pre class=\"rc-error\">" RC_ERROR_GENERIC
                        "</pre></main>");
    assert_int_equal(effects_run + cleanups_run, 0);
    rc_buf_free(&b);
}

static void test_over_the_limit_writes_nothing(void **state) {
    (void)state;
    rc_app app = {.root = &Page_component};
    rc_page_req req = req_for("/todo");
    req.max = 10;
    rc_buf b;
    rc_buf_init(&b);
    rc_buf_append(&b, "<head>", 6);
    assert_int_equal(rc_page_render(&app, &req, &b), -1);
    assert_int_equal(b.len, 6);
    assert_int_equal(effects_run + cleanups_run, 0);
    rc_buf_free(&b);
}

static void test_many_requests_leave_nothing_behind(void **state) {
    (void)state;
    rc_app app = {.root = &Page_component};
    rc_page_req req = req_for("/");
    rc_buf b;
    rc_buf_init(&b);
    for (int i = 0; i < 200; i++) {
        rc_buf_reset(&b);
        assert_int_equal(rc_page_render(&app, &req, &b), 0);
    }
    assert_int_equal(renders, 200);
    assert_int_equal(effects_run + cleanups_run, 0);
    rc_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_render_without_commit, reset),
        cmocka_unit_test_setup(test_failing_component_shows_its_error, reset),
        cmocka_unit_test_setup(test_over_the_limit_writes_nothing, reset),
        cmocka_unit_test_setup(test_many_requests_leave_nothing_behind, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
