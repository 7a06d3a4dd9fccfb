/*
 * Unit tests for session handles (src/server/background.c, post.c): a post
 * to a live session runs with its layout; one whose session went after it
 * was queued runs with NULL (the poster's arg always comes back, once); a
 * post to a session that is gone is refused and never runs; a slot reused
 * by another session does not answer an old handle; a server that stops
 * refuses posts to its sessions and hands back what was queued. The
 * threaded case (threads posting while the loop frees and replaces
 * sessions and drains) is what `make test-tsan` checks for races.
 *
 * The server here is the smallest one post.c needs (tests/common/
 * bare_server.h: a loop, its wake-up watcher, a post lock); sessions
 * are bare structs with a layout, taken and given back as
 * rc_session_start and rc_session_free do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "server/session.h"

#include "harness.h"

#include "../common/bare_server.h"

enum { SESSIONS = 8, THREADS = 4, PER_THREAD = 3000, ROUNDS = 300 };

static void empty(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "p") rc_text(ctx, "x");
}
static RC_COMPONENT(empty);

/* What the posts saw (loop thread). */
static struct {
    int live, gone; /* calls with a layout, with NULL */
    rc_layout *last;
} G;

static rc_app app = {.root = &empty_component};

static rc_session *session_new(rc_server *s) {
    rc_session *se = calloc(1, sizeof *se);
    assert_non_null(se);
    se->server = s;
    rc_layout_opts o = test_opts();
    se->layout = rc_layout_new(&empty_component, NULL, 0, &o);
    rc_handle_acquire(se);
    return se;
}

static void session_free(rc_session *se) {
    rc_handle_release(se);
    rc_layout_free(se->layout);
    free(se);
}

static void seen(rc_layout *layout, void *arg) {
    (void)arg;
    if (layout) G.live++;
    else G.gone++;
    G.last = layout;
}

static void test_live_gone_and_reused(void **state) {
    (void)state;
    rc_server *s = bare_server_new(&app);
    rc_session *a = session_new(s);
    rc_session_handle h = rc_layout_get_session_handle(a->layout);
    assert_true(h.id != 0);

    assert_int_equal(rc_session_handle_post(h, seen, NULL), 0);
    rc_post_drain(s);
    assert_int_equal(G.live, 1);
    assert_ptr_equal(G.last, a->layout);

    /* Queued, then the session goes: the post runs once, with NULL. */
    assert_int_equal(rc_session_handle_post(h, seen, NULL), 0);
    session_free(a);
    rc_post_drain(s);
    assert_int_equal(G.gone, 1);

    /* Gone: refused, never runs. A zero handle names no session. */
    assert_int_equal(rc_session_handle_post(h, seen, NULL), -1);
    assert_int_equal(rc_session_handle_post((rc_session_handle){0}, seen, NULL), -1);

    /* The slot goes to the next session; the old handle stays gone. */
    rc_session *b = session_new(s);
    rc_session_handle hb = rc_layout_get_session_handle(b->layout);
    assert_true(hb.id != h.id);
    assert_int_equal(rc_session_handle_post(h, seen, NULL), -1);
    rc_post_drain(s);
    assert_int_equal(G.live + G.gone, 2);

    /* The server stops with a post queued: the post hears NULL, and the
     * session (still to be freed by lws after) refuses new ones. */
    assert_int_equal(rc_session_handle_post(hb, seen, NULL), 0);
    rc_handles_forget(s);
    rc_post_free(s);
    assert_int_equal(G.gone, 2);
    assert_int_equal(rc_session_handle_post(hb, seen, NULL), -1);
    assert_int_equal(rc_layout_get_session_handle(b->layout).id, 0);
    session_free(b);
    ev_async_stop(s->loop, &s->wake);
    ev_loop_destroy(s->loop);
    free(s);
}

/* ---- threads posting while the loop frees sessions ------------------------ */

static _Atomic uint64_t handles[SESSIONS];
static atomic_int accepted;

static void *poster(void *arg) {
    unsigned i = (unsigned)(uintptr_t)arg;
    for (int n = 0; n < PER_THREAD; n++) {
        rc_session_handle h = {atomic_load(&handles[(i + (unsigned)n) % SESSIONS])};
        if (rc_session_handle_post(h, seen, NULL) == 0) atomic_fetch_add(&accepted, 1);
    }
    return NULL;
}

static void test_threads_post_while_sessions_go(void **state) {
    (void)state;
    rc_server *s = bare_server_new(&app);
    rc_session *live[SESSIONS];
    for (int i = 0; i < SESSIONS; i++) {
        live[i] = session_new(s);
        atomic_store(&handles[i], live[i]->handle);
    }
    atomic_store(&accepted, 0);
    pthread_t t[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, poster, (void *)i), 0);
    for (int r = 0; r < ROUNDS; r++) {
        int i = r % SESSIONS;
        session_free(live[i]); /* its queued posts will hear NULL */
        live[i] = session_new(s);
        atomic_store(&handles[i], live[i]->handle);
        rc_post_drain(s);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    rc_post_drain(s);
    /* Every accepted post ran exactly once; none that was refused did. */
    assert_int_equal(G.live + G.gone, atomic_load(&accepted));
    for (int i = 0; i < SESSIONS; i++) session_free(live[i]);
    bare_server_free(s);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_live_gone_and_reused, reset, teardown),
        cmocka_unit_test_setup_teardown(test_threads_post_while_sessions_go, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
