/*
 * Unit tests for resume acceptance (src/resume/accept.c): the one call that
 * decides whether a client's token may rebuild its session.
 *
 *  - Each refusal, with its code, its reason in words, and what the result
 *    still tells the server: whether the claimed id was valid (a re-attach
 *    lookup needs it) and whether the token was authentic for that session
 *    (a re-attach may then be refused in favour of a newer token).
 *  - The clock: expiry, the last valid second, issue times from the future
 *    within and beyond the allowed skew, no overflow; the version checks.
 *  - The fixture: a token sealed by an earlier main (tests/unit/fixtures)
 *    still opens and restores every value into today's hooks.
 *
 * Tokens are made here with rc_token_seal and rc_snapshot_write, whose own
 * formats test_token_format.c checks against an independent sealer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "reactc_layout.h"
#include "resume/accept.h"
#include "util/base64url.h"

#include "fixtures/token_v1.h"
#include "fixtures/token_v1_app.h"
#include "fixtures/token_v2.h"

#define SECRET       "b64:YWNjZXB0LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVmMDE="
#define SECRET_OTHER "hex:0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000"
#define APP_ID       "accept-test-app"
#define APP_TAG      0x0a0b0c0du
#define MAX_TOKEN    ((size_t)64 << 10)
#define NOW          ((uint64_t)1800000000) /* a fixed clock: 2027-01-15 */
#define TTL          86400u

/* ---- helpers ---------------------------------------------------------------- */

typedef struct fixture {
    rc_keyring keys;
    rc_layout *layout; /* fx_root, values set */
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    char err[160];
    assert_int_equal(rc_keyring_init(&f->keys, SECRET, APP_ID, err, sizeof err), 0);
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    f->layout = rc_layout_new(&fx_root_component, NULL, 0, &o);
    rc_layout_flush(f->layout);
    rc_layout_commit(f->layout);
    rc_state_set_int(FX.count, 7);
    rc_layout_flush(f->layout);
    rc_layout_commit(f->layout);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    rc_layout_free(f->layout);
    rc_keyring_wipe(&f->keys);
    free(f);
    return 0;
}

static void session_of(unsigned char *id, uint8_t first) {
    for (size_t i = 0; i < RC_SESSION_ID_BYTES; i++) id[i] = (unsigned char)(first + i);
}

/* The base64url text of a session id, NUL-terminated. */
static void id_text(char *out, const unsigned char *id) {
    out[rc_base64url_encode(out, id, RC_SESSION_ID_BYTES)] = '\0';
}

/* A token (NUL-terminated in tok) of the fixture's layout for session
 * `first`, sealed with `keys`, claiming `claim_version` in the header and
 * carrying `snap_version`, issued at `issued` with `ttl`. */
static void seal_at(const rc_keyring *keys, const rc_layout *l, uint8_t first, uint32_t issued,
                    uint32_t ttl, uint64_t claim_version, uint64_t snap_version, rc_buf *tok) {
    rc_snapshot_meta m = {issued, ttl, snap_version, 3, "b1", 2};
    rc_buf snap;
    rc_buf_init(&snap);
    rc_snapshot_write(&snap, l, &m);
    rc_token_claims c = {APP_TAG, 0x1234u, {0}, claim_version, false};
    session_of(c.session, first);
    rc_buf_init(tok);
    rc_token_seal(keys, &c, snap.data, snap.len, tok);
    rc_buf_cstr(tok);
    rc_buf_free(&snap);
}

static void seal(const fixture *f, uint8_t first, rc_buf *tok) {
    seal_at(&f->keys, f->layout, first, (uint32_t)NOW, TTL, 5, 5, tok);
}

/* The server's ttl is set far above every token's here: the cap has a test
 * of its own (test_server_ttl_caps). */
static rc_resume_limits limits(void) {
    return rc_resume_limits_default(APP_TAG, MAX_TOKEN, UINT32_MAX);
}

/* Accepts `token` for session `first` at NOW with lim; asserts the
 * refusal, its reason and the flags; returns with r filled (caller frees). */
#define expect(r, f, first, token, lim, why, reason, authentic) \
    expect_at(__LINE__, r, f, first, token, lim, why, reason, authentic)
static void expect_at(int line, rc_resume *r, const fixture *f, uint8_t first, const char *token,
                      const rc_resume_limits *lim, rc_refusal why, const char *reason,
                      bool authentic) {
    unsigned char id[RC_SESSION_ID_BYTES];
    char text[32];
    session_of(id, first);
    id_text(text, id);
    rc_resume_accept(r, &f->keys, text, token, NOW, lim);
    if (r->refusal != why)
        fail_msg("line %d: refusal %s (%s), want %s", line, rc_refusal_name(r->refusal), r->reason,
                 rc_refusal_name(why));
    if (reason && strcmp(r->reason, reason) != 0)
        fail_msg("line %d: reason \"%s\", want \"%s\"", line, r->reason, reason);
    if (r->authentic != authentic)
        fail_msg("line %d: authentic %d, want %d", line, r->authentic, authentic);
    assert_true(r->id_valid);
    assert_memory_equal(r->session, id, RC_SESSION_ID_BYTES);
    if (why != RC_REFUSAL_NONE)
        assert_int_equal(r->snapshot.nslots, 0); /* nothing half-verified kept */
}

/* ---- accepted -------------------------------------------------------------- */

static void test_accepts_and_restores(void **state) {
    fixture *f = *state;
    rc_buf tok;
    seal(f, 1, &tok);
    rc_resume_limits lim = limits();
    rc_resume r;
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_NONE, NULL, true);
    assert_int_equal(r.claims.version, 5);
    assert_int_equal(r.claims.app_tag, APP_TAG);
    assert_int_equal(r.snapshot.meta.last_seq, 3);
    assert_string_equal(r.snapshot.build, "b1");
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.restore = rc_snapshot_restore;
    o.restore_user = &r.snapshot;
    rc_layout *l = rc_layout_new(&fx_root_component, NULL, 0, &o);
    rc_layout_flush(l);
    rc_layout_commit(l);
    assert_int_equal(rc_state_get_int(FX.count), 7);
    rc_layout_free(l);
    rc_resume_free(&r);
    assert_int_equal(r.snapshot.nslots, 0);
    rc_buf_free(&tok);
}

/* ---- the claimed session id ------------------------------------------------ */

static void test_malformed_session_id(void **state) {
    fixture *f = *state;
    rc_buf tok;
    seal(f, 1, &tok);
    rc_resume_limits lim = limits();
    const char *bad[] = {
        "",                         /* empty */
        "AAECAwQFBgcICQoLDA0OD",    /* 21 characters: 15 bytes and a bit */
        "AAECAwQFBgcICQoLDA0ODw8",  /* 23: 17 bytes */
        "AAECAwQFBgcICQoLDA0ODx",   /* 22, but the leftover bits are not zero */
        "AAECAwQFBgcICQoLDA0OD!",   /* a character outside the alphabet */
        "AAECAwQFBgcICQoLDA0ODwAA", /* 24: 18 bytes */
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        rc_resume r;
        rc_resume_accept(&r, &f->keys, bad[k], tok.data, NOW, &lim);
        if (r.refusal != RC_REFUSAL_SESSION_MALFORMED)
            fail_msg("\"%s\": %s", bad[k], rc_refusal_name(r.refusal));
        assert_string_equal(r.reason, "malformed session id");
        assert_false(r.id_valid);
        assert_false(r.authentic);
        rc_resume_free(&r);
    }
    /* For contrast, 22 characters that decode: the id of session 0, 1,
     * 2... — valid, and not the one this token names. */
    rc_resume r;
    rc_resume_accept(&r, &f->keys, "AAECAwQFBgcICQoLDA0ODw", tok.data, NOW, &lim);
    assert_int_equal(r.refusal, RC_REFUSAL_OTHER_SESSION);
    assert_true(r.id_valid);
    assert_int_equal(r.session[15], 15);
    rc_resume_free(&r);
    rc_buf_free(&tok);
}

/* No token: the id still counts (a re-attach needs only the session held
 * here), the refusal says there was nothing to resume from. */
static void test_no_token(void **state) {
    fixture *f = *state;
    rc_resume_limits lim = limits();
    rc_resume r;
    expect(&r, f, 9, NULL, &lim, RC_REFUSAL_NO_TOKEN, "no token", false);
    rc_resume_free(&r);
    expect(&r, f, 9, "", &lim, RC_REFUSAL_NO_TOKEN, "no token", false);
    rc_resume_free(&r);
}

/* ---- the token itself ------------------------------------------------------ */

/* Decodes tok, lets edit change the bytes, encodes it back. */
static void rewrite(rc_buf *tok, void (*edit)(unsigned char *raw, size_t *len)) {
    unsigned char *raw = malloc(tok->len);
    assert_non_null(raw);
    long n = rc_base64url_decode(tok->data, tok->len, raw, tok->len);
    assert_true(n > 0);
    size_t len = (size_t)n;
    edit(raw, &len);
    rc_buf_reset(tok);
    rc_buf_reserve(tok, RC_BASE64URL_LEN(len) + 1);
    tok->len = rc_base64url_encode(tok->data, raw, len);
    rc_buf_cstr(tok);
    free(raw);
}

static void format_3(unsigned char *raw, size_t *len) {
    (void)len;
    raw[0] = 3;
}
static void format_1(unsigned char *raw, size_t *len) {
    (void)len;
    raw[0] = 1;
}
static void flip_last(unsigned char *raw, size_t *len) { raw[*len - 1] ^= 1; }
static void cut_header(unsigned char *raw, size_t *len) {
    (void)raw;
    *len = 20;
}

static void test_token_refusals(void **state) {
    fixture *f = *state;
    rc_resume_limits lim = limits();
    rc_resume r;
    rc_buf tok;

    seal(f, 1, &tok);
    rc_resume_limits small = lim;
    small.max_token = tok.len - 1;
    expect(&r, f, 1, tok.data, &small, RC_REFUSAL_TOO_LARGE, "token too large", false);
    rc_resume_free(&r);
    rc_resume_limits tight = lim;
    tight.max_plain = 8;
    expect(&r, f, 1, tok.data, &tight, RC_REFUSAL_TOO_LARGE, NULL, false);
    rc_resume_free(&r);
    rc_resume_limits other_app = lim;
    other_app.app_tag = APP_TAG + 1;
    expect(&r, f, 1, tok.data, &other_app, RC_REFUSAL_OTHER_APP, "token belongs to another app",
           false);
    rc_resume_free(&r);

    expect(&r, f, 1, "not*base64url", &lim, RC_REFUSAL_MALFORMED, "token is not base64url", false);
    rc_resume_free(&r);
    rc_buf cut;
    rc_buf_init(&cut);
    rc_buf_append(&cut, tok.data, tok.len);
    rewrite(&cut, cut_header);
    expect(&r, f, 1, cut.data, &lim, RC_REFUSAL_MALFORMED, "token truncated", false);
    rc_resume_free(&r);
    rc_buf_free(&cut);

    rewrite(&tok, format_3);
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_FORMAT, "unknown token format", false);
    rc_resume_free(&r);
    rewrite(&tok, format_1);
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_FORMAT_OLD,
           "token format too old (format 1, before app-bound keys)", false);
    rc_resume_free(&r);
    rc_buf_free(&tok);

    seal(f, 1, &tok);
    rewrite(&tok, flip_last);
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_TAMPERED,
           "token failed authentication (tampered, or another secret)", false);
    rc_resume_free(&r);
    rc_buf_free(&tok);

    rc_keyring other;
    char err[160];
    assert_int_equal(rc_keyring_init(&other, SECRET_OTHER, APP_ID, err, sizeof err), 0);
    assert_int_not_equal(other.keys[0].id, f->keys.keys[0].id);
    seal_at(&other, f->layout, 1, (uint32_t)NOW, TTL, 5, 5, &tok);
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_UNKNOWN_KEY, "token sealed with an unknown key",
           false);
    rc_resume_free(&r);
    rc_buf_free(&tok);
    rc_keyring_wipe(&other);
}

/* Authentic but not a snapshot: refused, and still authentic (it proves the
 * tab holds a token this server sealed for that session). */
static void test_corrupt_content(void **state) {
    fixture *f = *state;
    rc_token_claims c = {APP_TAG, 1, {0}, 5, false};
    session_of(c.session, 1);
    rc_buf tok;
    rc_buf_init(&tok);
    rc_token_seal(&f->keys, &c, "\x01not a snapshot", 15, &tok);
    rc_buf_cstr(&tok);
    rc_resume_limits lim = limits();
    rc_resume r;
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_CORRUPT, NULL, true);
    assert_non_null(strstr(r.reason, "snapshot"));
    rc_resume_free(&r);
    rc_buf_free(&tok);
}

static void test_other_session(void **state) {
    fixture *f = *state;
    rc_buf tok;
    seal(f, 100, &tok);
    rc_resume_limits lim = limits();
    rc_resume r;
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_OTHER_SESSION, "token belongs to another session",
           false);
    rc_resume_free(&r);
    expect(&r, f, 100, tok.data, &lim, RC_REFUSAL_NONE, NULL, true);
    rc_resume_free(&r);
    rc_buf_free(&tok);
}

/* ---- the clock and the version ----------------------------------------------- */

static void test_clock_and_version(void **state) {
    fixture *f = *state;
    struct {
        uint32_t issued, ttl;
        uint64_t claimed, version;
        rc_refusal why;
    } cases[] = {
        {(uint32_t)(NOW - 2 * 86400), 86400, 1, 1, RC_REFUSAL_EXPIRED}, /* two days, one-day ttl */
        {(uint32_t)(NOW - 86401), 86400, 1, 1, RC_REFUSAL_EXPIRED},     /* a second too old */
        {(uint32_t)(NOW - 86400), 86400, 1, 1, RC_REFUSAL_NONE},        /* the last valid second */
        {(uint32_t)NOW, 0, 1, 1, RC_REFUSAL_NONE},
        {(uint32_t)(NOW - 1), 0, 1, 1, RC_REFUSAL_EXPIRED},
        {1, UINT32_MAX, 1, 1, RC_REFUSAL_NONE}, /* no overflow */
        {(uint32_t)(NOW + 301), 86400, 1, 1, RC_REFUSAL_FUTURE},
        {(uint32_t)(NOW + 300), 86400, 1, 1, RC_REFUSAL_NONE}, /* the skew allowed */
        {(uint32_t)NOW, 86400, 1, 2, RC_REFUSAL_VERSION_MISMATCH},
        {(uint32_t)NOW, 86400, 3, 2, RC_REFUSAL_VERSION_MISMATCH},
    };
    static const char *reasons[] = {
        [RC_REFUSAL_EXPIRED] = "token expired",
        [RC_REFUSAL_FUTURE] = "token issued in the future",
        [RC_REFUSAL_VERSION_MISMATCH] = "token version mismatch",
    };
    rc_resume_limits lim = limits();
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        rc_buf tok;
        seal_at(&f->keys, f->layout, 1, cases[k].issued, cases[k].ttl, cases[k].claimed,
                cases[k].version, &tok);
        rc_resume r;
        bool refused = cases[k].why != RC_REFUSAL_NONE;
        print_message("  case %zu: want %s\n", k, rc_refusal_name(cases[k].why));
        expect(&r, f, 1, tok.data, &lim, cases[k].why, refused ? reasons[cases[k].why] : NULL,
               true);
        rc_resume_free(&r);
        rc_buf_free(&tok);
    }
}

/* A token expires at its issue time + min(its ttl, the server's ttl now):
 * a server whose --token-ttl was lowered refuses tokens issued under the
 * longer one once the shorter has passed; a raised ttl does not lengthen
 * a token (its own ttl still bounds it). */
static void test_server_ttl_caps(void **state) {
    fixture *f = *state;
    struct {
        uint32_t issued, token_ttl, server_ttl;
        rc_refusal why;
    } cases[] = {
        {(uint32_t)(NOW - 3601), 86400, 3600, RC_REFUSAL_EXPIRED}, /* lowered: a second past it */
        {(uint32_t)(NOW - 3600), 86400, 3600, RC_REFUSAL_NONE},    /* lowered: its last second */
        {(uint32_t)(NOW - 7200), 3600, 86400, RC_REFUSAL_EXPIRED}, /* raised: the token's own */
        {(uint32_t)(NOW - 3600), 3600, 86400, RC_REFUSAL_NONE},
        {1, UINT32_MAX, UINT32_MAX, RC_REFUSAL_NONE}, /* no overflow */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        rc_buf tok;
        seal_at(&f->keys, f->layout, 1, cases[k].issued, cases[k].token_ttl, 1, 1, &tok);
        rc_resume_limits lim = limits();
        lim.ttl_s = cases[k].server_ttl;
        rc_resume r;
        print_message("  case %zu: want %s\n", k, rc_refusal_name(cases[k].why));
        expect(&r, f, 1, tok.data, &lim, cases[k].why, cases[k].why ? "token expired" : NULL, true);
        rc_resume_free(&r);
        rc_buf_free(&tok);
    }
}

/* min_version: a server that knows the newest version a session reached
 * (a shared store) refuses older tokens, so a tab cannot roll back. */
static void test_older_than_allowed(void **state) {
    fixture *f = *state;
    rc_buf tok;
    seal(f, 1, &tok); /* version 5 */
    rc_resume_limits lim = limits();
    rc_resume r;
    lim.min_version = 6;
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_TOO_OLD, "token older than allowed for its session",
           true);
    rc_resume_free(&r);
    lim.min_version = 5;
    expect(&r, f, 1, tok.data, &lim, RC_REFUSAL_NONE, NULL, true);
    rc_resume_free(&r);
    rc_buf_free(&tok);
}

static void test_limits_and_names(void **state) {
    (void)state;
    rc_resume_limits lim = rc_resume_limits_default(42, 1000, 3600);
    assert_int_equal(lim.app_tag, 42);
    assert_int_equal(lim.max_token, 1000);
    assert_int_equal(lim.max_plain, (size_t)4 << 20);
    assert_int_equal(lim.max_skew_s, 300);
    assert_int_equal(lim.min_version, 0);
    assert_int_equal(lim.ttl_s, 3600);
    /* Every refusal has a name of its own. */
    for (int a = RC_REFUSAL_NONE; a <= RC_REFUSAL_OTHER_USER; a++) {
        assert_string_not_equal(rc_refusal_name((rc_refusal)a), "unknown");
        for (int b = a + 1; b <= RC_REFUSAL_OTHER_USER; b++)
            assert_string_not_equal(rc_refusal_name((rc_refusal)a), rc_refusal_name((rc_refusal)b));
    }
    assert_string_equal(rc_refusal_name(RC_REFUSAL_FORMAT_OLD), "format too old");
    assert_string_equal(rc_refusal_name(RC_REFUSAL_NO_SNAPSHOT), "no snapshot");
    assert_string_equal(rc_refusal_name(RC_REFUSAL_OTHER_USER), "other user");
    assert_string_equal(rc_refusal_name((rc_refusal)(RC_REFUSAL_OTHER_USER + 1)), "unknown");
}

/* ---- tokens of an earlier main ------------------------------------------------ */

/* Format 1 (keys from the untyped secret alone) is refused by name, with a
 * fresh session, never misread: its secret is not even accepted any more,
 * so no key here could open it (docs/resume.md, "Format versions"). */
static void test_fixture_v1_refused_as_too_old(void **state) {
    (void)state;
    rc_keyring keys;
    char err[400];
    assert_int_equal(rc_keyring_init(&keys, FX_V2_SECRET, FX_V2_APP_ID, err, sizeof err), 0);
    unsigned char id[RC_SESSION_ID_BYTES];
    char text[32];
    session_of(id, FX_V1_SESSION_BYTE0);
    id_text(text, id);
    rc_resume_limits lim = rc_resume_limits_default(FX_V1_APP_TAG, MAX_TOKEN, FX_V1_TTL);
    rc_resume r;
    rc_resume_accept(&r, &keys, text, FX_V1_TOKEN, FX_V1_ISSUED + 60, &lim);
    assert_int_equal(r.refusal, RC_REFUSAL_FORMAT_OLD);
    assert_string_equal(r.reason, "token format too old (format 1, before app-bound keys)");
    assert_false(r.authentic);
    rc_resume_free(&r);
    /* Its secret, untyped, is refused at start: the old derivation is gone. */
    assert_int_equal(rc_keyring_init(&keys, FX_V1_SECRET, FX_V2_APP_ID, err, sizeof err), -1);
    assert_non_null(strstr(err, "no type prefix"));
}

/* A format 2 token sealed by this main (fixtures/make_token_v2.c): it must
 * keep opening as what it was, until a new format bumps it on purpose. */
static void test_fixture_v2_resumes(void **state) {
    (void)state;
    rc_keyring keys;
    char err[400];
    assert_int_equal(rc_keyring_init(&keys, FX_V2_SECRET, FX_V2_APP_ID, err, sizeof err), 0);
    unsigned char id[RC_SESSION_ID_BYTES];
    char text[32];
    session_of(id, FX_V2_SESSION_BYTE0);
    id_text(text, id);
    rc_resume_limits lim = rc_resume_limits_default(FX_V2_APP_TAG, MAX_TOKEN, FX_V2_TTL);
    rc_resume r;
    rc_resume_accept(&r, &keys, text, FX_V2_TOKEN, FX_V2_ISSUED + 60, &lim);
#ifdef RC_TEST_WITHOUT_TOKEN_COMPRESSION
    /* The fixture is compressed: a build without compression refuses it by
     * name (docs/resume.md), never misreads it. */
    assert_int_equal(r.refusal, RC_REFUSAL_FORMAT);
    assert_string_equal(r.reason, "token is compressed, and this build of reactc opens no "
                                  "compressed tokens (built without RC_WITH_TOKEN_COMPRESSION)");
    rc_resume_free(&r);
    rc_keyring_wipe(&keys);
    return;
#endif
    if (r.refusal) fail_msg("the v2 fixture was refused: %s", r.reason);
    assert_int_equal(r.claims.version, FX_V2_VERSION);
    assert_int_equal(r.claims.build_tag, FX_V2_BUILD_TAG);
    assert_int_equal(r.snapshot.meta.last_seq, FX_V2_LAST_SEQ);
    assert_int_equal(r.snapshot.meta.ttl, FX_V2_TTL);
    assert_string_equal(r.snapshot.build, "fixture-build");
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.restore = rc_snapshot_restore;
    o.restore_user = &r.snapshot;
    rc_layout *l = rc_layout_new(&fx_root_component, NULL, 0, &o);
    rc_layout_flush(l);
    rc_layout_commit(l);
    assert_int_equal(rc_state_get_int(FX.count), 42);
    assert_string_equal(rc_state_get_string(FX.title), "caf\xc3\xa9 \"quoted\"");
    assert_true(rc_state_get_float(FX.ratio) == 0.375);
    assert_true(rc_state_get_bool(FX.on));
    const fx_point *p = rc_state_get_struct(FX.point);
    assert_int_equal(p->x, -7);
    assert_int_equal(p->y, 1234567);
    assert_string_equal(p->label, "pt");
    assert_int_equal(rc_state_get_int(FX.secret), 5); /* server-only: its initial value */
    assert_int_equal(rc_state_get_int(FX.untitled), -8);
    assert_false(rc_state_get_bool(FX.row_done[0]));
    assert_true(rc_state_get_bool(FX.row_done[1]));
    rc_layout_free(l);
    rc_resume_free(&r);

    /* The same token a second after its lifetime: the clock is the caller's. */
    rc_resume_accept(&r, &keys, text, FX_V2_TOKEN, (uint64_t)FX_V2_ISSUED + FX_V2_TTL + 1, &lim);
    assert_int_equal(r.refusal, RC_REFUSAL_EXPIRED);
    rc_resume_free(&r);
    rc_keyring_wipe(&keys);
}

/* The same token under the same secret for another app id: refused. */
static void test_fixture_v2_other_app_id(void **state) {
    (void)state;
    rc_keyring keys;
    char err[400];
    assert_int_equal(rc_keyring_init(&keys, FX_V2_SECRET, "another-app", err, sizeof err), 0);
    unsigned char id[RC_SESSION_ID_BYTES];
    char text[32];
    session_of(id, FX_V2_SESSION_BYTE0);
    id_text(text, id);
    /* Even told to expect the fixture's tag, the keys do not open it. */
    rc_resume_limits lim = rc_resume_limits_default(FX_V2_APP_TAG, MAX_TOKEN, FX_V2_TTL);
    rc_resume r;
    rc_resume_accept(&r, &keys, text, FX_V2_TOKEN, FX_V2_ISSUED + 60, &lim);
    assert_int_equal(r.refusal, RC_REFUSAL_UNKNOWN_KEY);
    rc_resume_free(&r);
    rc_keyring_wipe(&keys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_accepts_and_restores, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_session_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_older_than_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_ttl_caps, setup, teardown),
        cmocka_unit_test(test_limits_and_names),
        cmocka_unit_test(test_fixture_v1_refused_as_too_old),
        cmocka_unit_test(test_fixture_v2_resumes),
        cmocka_unit_test(test_fixture_v2_other_app_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
