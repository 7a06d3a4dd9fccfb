/*
 * Unit tests for the sessions waiting for the stores (src/server/
 * session_wait.c, post.c's on_store_saved): when the stores say a file was
 * written or a batch decided (rc_store_saved), a held token goes out (the
 * session is flushed, which seals it), a render and input held for a
 * decided batch go on, and the session leaves the list; sessions that wait
 * for nothing are not on it, so that call costs what waits, not every
 * session; a session is listed once however often it waits, and one freed
 * while waiting leaves the list.
 *
 * Named test_store_*: a build without stores (RC_WITH_STORES=OFF) has
 * nothing to wait for, and leaves it out (tests/unit/CMakeLists.txt).
 *
 * The server is the smallest one post.c needs (tests/common/
 * bare_server.h: a loop, its wake-up and idle watchers); sessions are
 * bare structs, flagged as session_tokens.c, session_render.c and
 * session_protocol.c flag them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "server/session.h"
#include "store/marks.h"

#include "../common/bare_server.h"

enum { IDLE = 1000 };

static rc_session *session_new(rc_server *s) {
    rc_session *se = calloc(1, sizeof *se);
    assert_non_null(se);
    se->server = s;
    se->next = s->sessions;
    s->sessions = se;
    return se;
}

static size_t listed(const rc_server *s) {
    size_t n = 0;
    for (const rc_session *se = s->waiting; se; se = se->wait_next) n++;
    return n;
}

static void test_held_token_goes_out_when_saved(void **state) {
    (void)state;
    rc_server *s = bare_server_new(NULL);
    rc_session *idle[IDLE];
    for (size_t i = 0; i < IDLE; i++) idle[i] = session_new(s);
    rc_session *held = session_new(s);
    held->token_held = true; /* session_tokens.c: the file is not written yet */
    rc_session_wait(held);
    rc_session_wait(held); /* held again before the file came: listed once */
    assert_int_equal(listed(s), 1);
    assert_false(held->pending);

    rc_store_saved(); /* persist.c wrote the file */
    assert_false(held->token_held);
    assert_true(held->pending); /* the flush sends the token */
    assert_ptr_equal(s->pending, held);
    assert_null(held->pending_next); /* no idle session was made pending */
    assert_int_equal(listed(s), 0);
    for (size_t i = 0; i < IDLE; i++) {
        assert_false(idle[i]->waiting);
        free(idle[i]);
    }
    free(held);
    bare_server_free(s);
}

/* A batch decided (no longer in flight): the render waiting for it goes
 * out and the input held goes on; a session whose connection went has its
 * pause forgotten without touching a connection. */
static void test_decided_batch_releases_render_and_input(void **state) {
    (void)state;
    rc_server *s = bare_server_new(NULL);
    rc_session *a = session_new(s), *b = session_new(s);
    a->store_wait = true;
    rc_session_wait(a);
    b->rx_paused = (struct lws *)&b->rx_paused; /* a connection since gone: wsi is NULL */
    rc_session_wait(b);
    assert_int_equal(listed(s), 2);
    rc_store_saved();
    assert_false(a->store_wait);
    assert_true(a->pending);
    assert_null(b->rx_paused);
    assert_false(b->pending); /* input only: nothing to render */
    assert_int_equal(listed(s), 0);
    free(a);
    free(b);
    bare_server_free(s);
}

/* Freed while waiting: off the list, the others still on it, in any
 * position (head, middle, tail). */
static void test_freed_session_leaves_the_list(void **state) {
    (void)state;
    rc_server *s = bare_server_new(NULL);
    rc_session *se[4];
    for (size_t i = 0; i < 4; i++) {
        se[i] = session_new(s);
        se[i]->token_held = true;
        rc_session_wait(se[i]);
    }
    rc_session_unwait(se[1]); /* a middle one */
    rc_session_unwait(se[3]); /* the head (listed last) */
    rc_session_unwait(se[0]); /* the tail */
    assert_int_equal(listed(s), 1);
    assert_ptr_equal(s->waiting, se[2]);
    assert_null(se[2]->wait_prev);
    rc_session_unwait(se[2]);
    assert_null(s->waiting);
    for (size_t i = 0; i < 4; i++) free(se[i]);
    bare_server_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_held_token_goes_out_when_saved),
        cmocka_unit_test(test_decided_batch_releases_render_and_input),
        cmocka_unit_test(test_freed_session_leaves_the_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
