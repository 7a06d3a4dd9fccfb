/*
 * Unit tests for a session's input (src/server/session_io.c): a message
 * longer than lws's receive buffer (app.c: 1 KiB) comes in pieces and is
 * reassembled whole, counted against the process's partial bytes while it
 * is unfinished; once handled its buffer goes, so an idle session holds
 * none (docs/profiling.md, "Idle session memory"). The old code kept the
 * buffer after every multi-piece message below 64 KiB: every resumed
 * session whose hello carried a token over 1 KiB kept one.
 *
 * The server is tests/common/bare_server.h's; the session a bare struct.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "server/session.h"

#include "../common/bare_server.h"

static rc_server *server(void) {
    rc_server *s = bare_server_new(NULL);
    s->cfg.max_message = 1 << 20;
    s->cfg.max_partial = 1 << 20;
    s->cfg.message_timeout_ms = 10000;
    return s;
}

static void test_pieces_reassembled_and_buffer_freed(void **state) {
    (void)state;
    rc_server *s = server();
    rc_session se = {.server = s};
    /* A 5,000-byte message in lws's 1 KiB pieces, the last one final. */
    char msg[5000];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (char)('a' + i % 26);
    size_t n = 0;
    const char *whole = NULL;
    for (size_t at = 0; at < sizeof msg; at += 1024) {
        size_t len = sizeof msg - at < 1024 ? sizeof msg - at : 1024;
        bool final = at + len == sizeof msg;
        whole = rc_session_reassemble(&se, msg + at, len, final, &n);
        if (!final) {
            assert_null(whole);
            assert_int_equal(s->partial_bytes, at + len); /* counted while unfinished */
        }
    }
    assert_non_null(whole);
    assert_int_equal(n, sizeof msg);
    assert_memory_equal(whole, msg, sizeof msg);
    assert_int_equal(s->partial_bytes, 0);
    rc_session_input_done(&se); /* handled */
    assert_null(se.in);
    assert_int_equal(se.in_cap, 0);

    /* A message in one piece is handed over as it is: nothing allocated. */
    static const char ev[] = "{\"type\":\"layout-event\"}";
    whole = rc_session_reassemble(&se, ev, sizeof ev - 1, true, &n);
    assert_ptr_equal(whole, ev);
    assert_int_equal(n, sizeof ev - 1);
    rc_session_input_done(&se);
    assert_null(se.in);
    bare_server_free(s);
}

static void test_location_exact_and_replaced(void **state) {
    (void)state;
    rc_session se = {0};
    rc_session_set_location(&se, "/todo/3", "?tab=done");
    assert_string_equal(se.location, "/todo/3");
    assert_string_equal(se.location + strlen(se.location) + 1, "?tab=done");
    rc_session_set_location(&se, "/", NULL); /* a resume's snapshot, no search */
    assert_string_equal(se.location, "/");
    assert_string_equal(se.location + 2, "");
    free(se.location);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pieces_reassembled_and_buffer_freed),
        cmocka_unit_test(test_location_exact_and_replaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
