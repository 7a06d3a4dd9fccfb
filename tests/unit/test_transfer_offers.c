/*
 * Unit tests for the offers (src/server/transfer.c, its index
 * transfer_offers.c): 10,000 sessions each showing an upload input all get
 * a URL whose token the index finds (the table had a cap of 4,096, past
 * which rc_use_upload gave NULL); an unmount takes its offer out, and the
 * offers freed are claimed again; offers of a session gone without its
 * cleanup are swept by later claims. The oracle is the URLs the components
 * were given, each token looked up on its own; a token one character off
 * is not found.
 *
 * Sessions are bare structs with a layout and a handle, started as
 * rc_session_start does (the layout made, its handle taken, then rendered
 * and committed); no server or socket is needed to render an offer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "server/session.h"
#include "server/transfer.h"

#include "harness.h"

enum { SESSIONS = 10000 };

/* The token each session's input was given (by render), "" before. */
static char tokens[SESSIONS][RC_XFER_TOKEN_LEN + 1];

static void uploader(rc_ctx *ctx, const void *props) {
    size_t i = *(const size_t *)props;
    const char *url = rc_use_upload(ctx, &(rc_upload_opts){.max_bytes = 1024});
    const char *t = url ? strstr(url, "?t=") : NULL;
    snprintf(tokens[i], sizeof tokens[i], "%s", t ? t + 3 : "");
    RC_EL(ctx, "input", .type = "file") {}
}
static RC_COMPONENT(uploader);

static rc_session *sessions[SESSIONS];

static rc_session *session_new(size_t i) {
    rc_session *se = calloc(1, sizeof *se);
    assert_non_null(se);
    rc_layout_opts o = test_opts();
    se->layout = rc_layout_new(&uploader_component, &i, sizeof i, &o);
    rc_handle_acquire(se);
    rc_layout_flush(se->layout);
    rc_layout_commit(se->layout); /* the effect whose cleanup drops the offer */
    return se;
}

static void session_free(rc_session *se) {
    rc_handle_release(se);
    rc_layout_free(se->layout);
    free(se);
}

static int by_token(const void *a, const void *b) { return strcmp(a, b); }

/* Each of tokens[from, to) is a token the index finds, all different. */
static void all_found(size_t from, size_t to) {
    static char sorted[SESSIONS][RC_XFER_TOKEN_LEN + 1];
    for (size_t i = from; i < to; i++) {
        assert_true(rc_xfer_token_ok(tokens[i]));
        assert_non_null(rc_xfer_offers_get(tokens[i]));
        char off[RC_XFER_TOKEN_LEN + 1];
        memcpy(off, tokens[i], sizeof off);
        off[RC_XFER_TOKEN_LEN - 1] = off[RC_XFER_TOKEN_LEN - 1] == '0' ? '1' : '0';
        assert_null(rc_xfer_offers_get(off));
    }
    memcpy(sorted, tokens[from], (to - from) * sizeof *sorted);
    qsort(sorted, to - from, sizeof *sorted, by_token);
    for (size_t i = 1; i < to - from; i++) assert_string_not_equal(sorted[i - 1], sorted[i]);
}

static void ten_thousand_sessions_each_with_an_upload(void **state) {
    (void)state;
    for (size_t i = 0; i < SESSIONS; i++) sessions[i] = session_new(i);
    all_found(0, SESSIONS);
    assert_int_equal(rc_xfer_offers_count(), SESSIONS);

    /* Half go (their layouts freed: the effects' cleanups drop the
     * offers); the rest stay found, the gone are not. */
    char gone[RC_XFER_TOKEN_LEN + 1];
    memcpy(gone, tokens[0], sizeof gone);
    for (size_t i = 0; i < SESSIONS; i += 2) session_free(sessions[i]);
    assert_int_equal(rc_xfer_offers_count(), SESSIONS / 2);
    assert_null(rc_xfer_offers_get(gone));
    for (size_t i = 1; i < SESSIONS; i += 2) assert_non_null(rc_xfer_offers_get(tokens[i]));

    /* New sessions in their place: every one gets its offer again. */
    for (size_t i = 0; i < SESSIONS; i += 2) sessions[i] = session_new(i);
    all_found(0, SESSIONS);
    assert_int_equal(rc_xfer_offers_count(), SESSIONS);

    for (size_t i = 0; i < SESSIONS; i++) session_free(sessions[i]);
    assert_int_equal(rc_xfer_offers_count(), 0);
    expect_no_errors();
}

/* A session whose handle went while its layout stayed (no cleanup ran):
 * its offer is refused already (no layout behind the handle), and the
 * claims that follow sweep it out of the index, a few a claim: within as
 * many claims as there are offers in the process (10,000 spare ones are
 * left by the test before). */
static void offers_of_sessions_gone_are_swept(void **state) {
    (void)state;
    enum { N = 100 };
    for (size_t i = 0; i < N; i++) sessions[i] = session_new(i);
    for (size_t i = 0; i < N; i++) rc_handle_release(sessions[i]);
    assert_int_equal(rc_xfer_offers_count(), N);
    size_t claims = 0;
    for (; rc_xfer_offers_count() > 0 && claims < SESSIONS + N; claims++)
        session_free(session_new(N)); /* its own offer claimed, then dropped */
    assert_int_equal(rc_xfer_offers_count(), 0);
    assert_true(claims > 0);
    for (size_t i = 0; i < N; i++) assert_null(rc_xfer_offers_get(tokens[i]));
    for (size_t i = 0; i < N; i++) session_free(sessions[i]); /* cleanups: nothing left */
    assert_int_equal(rc_xfer_offers_count(), 0);
    expect_no_errors();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(ten_thousand_sessions_each_with_an_upload, reset),
        cmocka_unit_test_setup(offers_of_sessions_gone_are_swept, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
