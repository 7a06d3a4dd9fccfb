/*
 * Unit tests for the newest state of a session with Redis
 * (src/resume/newest.c): the stored version's text, a snapshot read back
 * from Redis checked as a token and more (a reference or a version beside
 * it that is not its own is refused), and the pick between the client's
 * token and the snapshot: the newer wins, a reference needs a snapshot at
 * least as new, a client without an authentic token gets no snapshot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "resume/newest.h"
#include "util/base64url.h"

#define SECRET  "b64:YWNjZXB0LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVmMDE="
#define APP_ID  "newest-test-app"
#define APP_TAG 0x0a0b0c0du
#define NOW     ((uint64_t)1800000000)
#define TTL     86400u

static rc_keyring keys;

static int setup(void **state) {
    (void)state;
    char err[160];
    assert_int_equal(rc_keyring_init(&keys, SECRET, APP_ID, err, sizeof err), 0);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    rc_keyring_wipe(&keys);
    return 0;
}

static void no_slots(const void *src, rc_slot_fn fn, void *user) {
    (void)src;
    (void)fn;
    (void)user;
}

static void id_of(unsigned char *id, uint8_t first) {
    for (size_t i = 0; i < RC_SESSION_ID_BYTES; i++) id[i] = (unsigned char)(first + i);
}

/* The base64url id of session `first`, in out. */
static const char *id_text(uint8_t first, char *out) {
    unsigned char id[RC_SESSION_ID_BYTES];
    id_of(id, first);
    out[rc_base64url_encode(out, id, RC_SESSION_ID_BYTES)] = '\0';
    return out;
}

/* A token of session `first` at `version` (a reference or not), holding
 * events up to version * 10, NUL-terminated in tok (caller frees). */
static void seal(uint8_t first, uint64_t version, bool reference, uint32_t issued, rc_buf *tok) {
    rc_snapshot_meta m = {issued, TTL, version, version * 10, "b1", 2};
    rc_buf snap;
    rc_buf_init(&snap);
    rc_snapshot_write_from(&snap, &m, no_slots, NULL);
    rc_token_claims c = {APP_TAG, 1, {0}, version, reference};
    id_of(c.session, first);
    rc_buf_init(tok);
    rc_token_seal(&keys, &c, snap.data, snap.len, tok);
    rc_buf_cstr(tok);
    rc_buf_free(&snap);
}

static rc_resume_limits limits(void) {
    return rc_resume_limits_default(APP_TAG, (size_t)4 << 20, TTL);
}

/* The client's token: rc_resume_accept of session `first`'s token. */
static void client(rc_resume *r, uint8_t first, uint64_t version, bool reference, uint32_t issued) {
    rc_buf tok;
    seal(first, version, reference, issued, &tok);
    char id[32];
    rc_resume_limits lim = limits();
    rc_resume_accept(r, &keys, id_text(first, id), tok.data, NOW, &lim);
    rc_buf_free(&tok);
}

/* A snapshot from Redis: session `sealed_for`'s token at `version` stored
 * as `stored` under session `claimed`'s key. */
static void snapshot(rc_resume *r, uint8_t claimed, uint8_t sealed_for, uint64_t version,
                     bool reference, const char *stored) {
    rc_buf tok;
    seal(sealed_for, version, reference, (uint32_t)NOW, &tok);
    char id[32];
    rc_resume_limits lim = limits();
    rc_resume_accept_snapshot(r, &keys, id_text(claimed, id), stored, tok.data, NOW, &lim);
    rc_buf_free(&tok);
}

static void test_version_text(void **state) {
    (void)state;
    assert_true(rc_version_text_is("5", 5));
    assert_true(rc_version_text_is("0", 0));
    assert_true(rc_version_text_is("18446744073709551615", UINT64_MAX));
    assert_false(rc_version_text_is("18446744073709551616", UINT64_MAX)); /* saturated */
    assert_false(rc_version_text_is("6", 5));
    assert_false(rc_version_text_is("", 0));
    assert_false(rc_version_text_is(NULL, 0));
    assert_false(rc_version_text_is("-5", 5));
    assert_false(rc_version_text_is("+5", 5));
    assert_false(rc_version_text_is(" 5", 5));
    assert_false(rc_version_text_is("5 ", 5));
    assert_false(rc_version_text_is("5x", 5));
}

static void test_accept_snapshot(void **state) {
    (void)state;
    rc_resume r;
    snapshot(&r, 1, 1, 7, false, "7");
    assert_int_equal(r.refusal, RC_REFUSAL_NONE);
    assert_int_equal(r.snapshot.meta.last_seq, 70);
    rc_resume_free(&r);
    /* Another session's snapshot copied to this one's key. */
    snapshot(&r, 1, 2, 7, false, "7");
    assert_int_equal(r.refusal, RC_REFUSAL_OTHER_SESSION);
    rc_resume_free(&r);
    /* A version beside it that is not its own (raised to block writes). */
    snapshot(&r, 1, 1, 7, false, "1000");
    assert_int_equal(r.refusal, RC_REFUSAL_VERSION_MISMATCH);
    assert_string_equal(r.reason, "its stored version is not the token's");
    rc_resume_free(&r);
    /* Redis only ever holds full tokens. */
    snapshot(&r, 1, 1, 7, true, "7");
    assert_int_equal(r.refusal, RC_REFUSAL_MALFORMED);
    assert_string_equal(r.reason, "a reference token stored as a snapshot");
    rc_resume_free(&r);
    /* Not a token at all. */
    char id[32];
    rc_resume_limits lim = limits();
    rc_resume_accept_snapshot(&r, &keys, id_text(1, id), "7", "garbage", NOW, &lim);
    assert_int_not_equal(r.refusal, RC_REFUSAL_NONE);
    rc_resume_free(&r);
}

/* pick for a client token (version cv, reference or not, issued at
 * issued) and a snapshot at sv (0: none). */
static rc_resume_pick pick(uint64_t cv, bool ref, uint32_t issued, uint64_t sv) {
    rc_resume c, s;
    client(&c, 1, cv, ref, issued);
    if (sv) {
        char v[24];
        snprintf(v, sizeof v, "%llu", (unsigned long long)sv);
        snapshot(&s, 1, 1, sv, false, v);
        assert_int_equal(s.refusal, RC_REFUSAL_NONE);
    }
    rc_resume_pick p = rc_resume_newest(&c, sv ? &s : NULL);
    rc_resume_free(&c);
    if (sv) rc_resume_free(&s);
    return p;
}

static void test_newest(void **state) {
    (void)state;
    const uint32_t now = (uint32_t)NOW, expired = (uint32_t)NOW - TTL - 10;
    assert_int_equal(pick(3, false, now, 0), RC_PICK_CLIENT);
    assert_int_equal(pick(3, false, now, 5), RC_PICK_SNAPSHOT); /* rollback refused */
    assert_int_equal(pick(3, false, now, 3), RC_PICK_CLIENT);   /* the same: the client's */
    assert_int_equal(pick(5, false, now, 3), RC_PICK_CLIENT);   /* Redis behind (a failed write) */
    assert_int_equal(pick(5, true, now, 5), RC_PICK_SNAPSHOT);
    assert_int_equal(pick(5, true, now, 9), RC_PICK_SNAPSHOT);
    assert_int_equal(pick(5, true, now, 4), RC_PICK_NO_SNAPSHOT); /* Redis lost data */
    assert_int_equal(pick(5, true, now, 0), RC_PICK_NO_SNAPSHOT);
    /* An expired token is still authentic: the newer snapshot may resume. */
    assert_int_equal(pick(3, false, expired, 5), RC_PICK_SNAPSHOT);
    assert_int_equal(pick(3, false, expired, 0), RC_PICK_CLIENT); /* its refusal stands */
    /* A client whose token is not authentic for the session gets nothing
     * from Redis: a session id alone proves nothing. */
    rc_resume c, s;
    char id[32];
    rc_resume_limits lim = limits();
    rc_resume_accept(&c, &keys, id_text(1, id), "not-a-token", NOW, &lim);
    snapshot(&s, 1, 1, 9, false, "9");
    assert_int_equal(rc_resume_newest(&c, &s), RC_PICK_CLIENT);
    rc_resume_free(&c);
    rc_resume_free(&s);
    rc_buf tok;
    seal(2, 3, false, now, &tok); /* another session's token */
    rc_resume_accept(&c, &keys, id_text(1, id), tok.data, NOW, &lim);
    rc_buf_free(&tok);
    assert_false(c.authentic);
    snapshot(&s, 1, 1, 9, false, "9");
    assert_int_equal(rc_resume_newest(&c, &s), RC_PICK_CLIENT);
    rc_resume_free(&c);
    rc_resume_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_text),
        cmocka_unit_test(test_accept_snapshot),
        cmocka_unit_test(test_newest),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
