/*
 * Unit tests for the tokens rc_token_open refuses (src/resume/token.c,
 * docs/resume.md): every rejection path, each with its exact reason: bit
 * flips at every bit of the decoded token, truncation at every length,
 * wrong key, key rotation, another app, another session, oversize, zstd
 * bombs, malformed base64url, unknown formats and flags.
 *
 * What a token must match beyond authenticity (the claimed session, the
 * clock, the version) is rc_resume_accept's (src/resume/accept.c): the
 * other-session test goes through it here, and test_resume_accept.c tests
 * each of its refusals.
 *
 * Leaks, over-reads and use-after-free are caught by running this program
 * under ASan/UBSan (make test-asan) or valgrind: inputs cut short are copied
 * into heap blocks of exactly their length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>

#include <sodium.h>
#include <zstd.h>

#include "reactc_layout.h"
#include "resume/accept.h"
#include "resume/snapshot.h"
#include "resume/token.h"
#include "util/base64url.h"

#include "harness.h"
#include "layout_driver.h"
#include "snapshot_encoder.h"
#include "token_fixture.h"
#include "token_sealer.h"

/* ------------------------------------------------------------------------ */
/* Tampering and truncation                                                 */
/* ------------------------------------------------------------------------ */

/* The reason a one-bit flip at raw[i] gets, for a token whose version is one
 * varint byte (see the layout in token.h). */
static const char *flip_reason(const unsigned char *raw, size_t i, unsigned bit) {
    if (i == T_FORMAT) return R_FORMAT;
    if (i < T_APP) return R_KEY; /* a one-key ring knows no other id */
    if (i < T_BUILD) return R_APP;
    if (i < T_VERSION) return R_AUTH; /* build tag, session: associated data */
    if (i == T_VERSION) {
        if (bit < 7) return R_AUTH; /* another version: associated data */
        /* A continuation bit: the flags byte (0 to 3) ends the version and
         * the first nonce byte is read as the flags. */
        return (raw[T_NONCE] & ~3u) ? R_FLAGS : R_AUTH;
    }
    /* zstd and reference are known flags: a flip of either is caught by
     * authentication (the header is associated data), the others by name. */
    if (i == T_FLAGS) return bit <= 1 ? R_AUTH : R_FLAGS;
    return R_AUTH; /* nonce, ciphertext, tag */
}

static void check_bit_flips(const rc_keyring *kr, const rc_buf *token, uint8_t want_flags) {
    unsigned char *raw;
    size_t len = decode(token, &raw);
    assert_true(raw[T_VERSION] < 0x80);
    assert_int_equal(raw[T_FLAGS], want_flags);
    rc_buf text;
    rc_buf_init(&text);
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < len; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            raw[i] ^= (unsigned char)(1u << bit);
            encode(&text, raw, len);
            const char *why = flip_reason(raw, i, bit);
            expect_refused_at(__FILE__, __LINE__, kr, text.data, text.len, APP_TAG, MAX_TOKEN,
                              MAX_PLAIN, why);
            counts[strcmp(why, R_AUTH) == 0 ? 0 : strcmp(why, R_FLAGS) == 0 ? 1 : 2]++;
            raw[i] ^= (unsigned char)(1u << bit);
        }
    }
    print_message("  %zu bytes x 8 bits refused: %zu authentication, %zu flags, %zu other\n", len,
                  counts[0], counts[1], counts[2]);
    /* Unchanged, it still opens. */
    encode(&text, raw, len);
    rc_token_claims c;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(kr, text.data, text.len, &c, &plain);
    rc_buf_free(&plain);
    rc_buf_free(&text);
    free(raw);
}

static void test_bit_flips_everywhere(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_buf token;
    rc_buf_init(&token);

    rc_layout *a = mount(&Rich_component, NULL);
    change_rich(a);
    rc_token_claims c = claims_for(3, 5);
    rc_snapshot_meta m = meta_for(5);
    seal_layout(&kr, a, &c, &m, &token);
    check_bit_flips(&kr, &token, FLAG_IF_COMPRESSED); /* compressed (with compression) */

    rc_buf_reset(&token);
    rc_layout *b = mount(&counter_component, NULL);
    seal_layout(&kr, b, &c, &m, &token);
    check_bit_flips(&kr, &token, 0); /* raw */

    /* A reference token (issue 16): the flag is authenticated, so a full
     * token cannot be made a reference or a reference a full token. */
    rc_buf_reset(&token);
    rc_token_claims rc = c;
    rc.reference = true;
    seal_layout(&kr, b, &rc, &m, &token);
    check_bit_flips(&kr, &token, 2);

    free_layout(a);
    free_layout(b);
    rc_buf_free(&token);
    rc_keyring_wipe(&kr);
}

/* The reason a token cut to its first n decoded bytes gets. */
static const char *cut_reason(size_t n, size_t full, size_t header_len) {
    if (n == full) return NULL;
    if (n < T_MIN || n < header_len + NONCE_BYTES + MAC_BYTES) return R_TRUNC;
    return R_AUTH;
}

static int b64v(char ch) {
    const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *p = strchr(abc, ch);
    return p && ch ? (int)(p - abc) : -1;
}

static void check_truncations(const rc_keyring *kr, const rc_buf *token, size_t header_len) {
    unsigned char *raw;
    size_t full = decode(token, &raw);
    rc_buf text;
    rc_buf_init(&text);
    /* Every decoded length. */
    for (size_t n = 0; n < full; n++) {
        encode(&text, raw, n);
        expect_refused_at(__FILE__, __LINE__, kr, text.data, text.len, APP_TAG, MAX_TOKEN,
                          MAX_PLAIN, cut_reason(n, full, header_len));
    }
    /* Every text length: a cut text is either not base64url (a length of
     * 4k+1, or bits left over in its last character) or a cut token. */
    for (size_t n = 0; n < token->len; n++) {
        const char *why;
        size_t rem = n % 4;
        int last = n ? b64v(token->data[n - 1]) : 0;
        if (rem == 1 || (rem == 2 && (last & 0xf)) || (rem == 3 && (last & 0x3))) why = R_B64;
        else why = cut_reason(n / 4 * 3 + (rem ? rem - 1 : 0), full, header_len);
        expect_refused_at(__FILE__, __LINE__, kr, token->data, n, APP_TAG, MAX_TOKEN, MAX_PLAIN,
                          why);
    }
    rc_buf_free(&text);
    free(raw);
}

static void test_truncation_every_length(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&Rich_component, NULL);
    change_rich(l);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(3, 5);
    rc_snapshot_meta m = meta_for(5);
    seal_layout(&kr, l, &c, &m, &token);
    check_truncations(&kr, &token, T_FLAGS + 1);

    /* A version of three varint bytes moves the end of the header. */
    rc_buf_reset(&token);
    c.version = m.version = 1u << 20;
    seal_layout(&kr, l, &c, &m, &token);
    check_truncations(&kr, &token, T_FLAGS + 3);

    /* Crafted headers: a version that never ends, and one that runs into
     * the minimum length. */
    craft cr = craft_for(&kr.keys[0], 0);
    memset(cr.version, 0x80, sizeof cr.version);
    cr.nversion = sizeof cr.version;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "", 0, &token);
    expect_refused(&kr, token.data, token.len, R_HDR_TRUNC);
    cr.nversion = 2;
    cr.version[1] = 0x01;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "", 0, &token); /* T_MIN + 1 bytes: one short */
    unsigned char *raw;
    size_t n = decode(&token, &raw);
    assert_int_equal(n, T_MIN + 1);
    encode(&token, raw, n - 1);
    expect_refused(&kr, token.data, token.len, R_TRUNC);
    encode(&token, raw, n);
    rc_token_claims got;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(got.version, 128);
    assert_int_equal(plain.len, 0);
    rc_buf_free(&plain);
    free(raw);

    free_layout(l);
    rc_buf_free(&token);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Keys                                                                     */
/* ------------------------------------------------------------------------ */

static void test_wrong_key(void **state) {
    (void)state;
    rc_keyring kr, other;
    keyring(&kr, SECRET_OLD);
    keyring(&other, SECRET_OTHER);
    assert_int_not_equal(kr.keys[0].id, other.keys[0].id);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(1, 1);
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    expect_refused(&other, token.data, token.len, R_KEY);

    /* Another key that claims the right id: authentication fails. */
    craft cr = craft_for(&kr.keys[0], 0);
    rc_buf forged;
    rc_buf_init(&forged);
    craft_token(&other.keys[0], &cr, "forged", 6, &forged);
    expect_refused(&kr, forged.data, forged.len, R_AUTH);

    /* Secrets: trimmed, typed (test_secret.c has the forms), at most 8;
     * none is a random key for this process only. */
    rc_keyring k2;
    char err[400] = "";
    assert_int_equal(rc_keyring_init(&k2, "  " SECRET_OLD "\t", APP_ID, err, sizeof err), 0);
    assert_int_equal(k2.keys[0].id, kr.keys[0].id);
    assert_memory_equal(k2.keys[0].key, kr.keys[0].key, RC_TOKEN_KEY_BYTES);
    assert_int_equal(rc_keyring_init(&k2, "old-secret-0123456789abcdef", APP_ID, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "secret 1 has no type prefix"));
    static const char nine[] =
        "hex:1111111111111111111111111111111111111111111111111111111111111111,"
        "hex:2222222222222222222222222222222222222222222222222222222222222222,"
        "hex:3333333333333333333333333333333333333333333333333333333333333333,"
        "hex:4444444444444444444444444444444444444444444444444444444444444444,"
        "hex:5555555555555555555555555555555555555555555555555555555555555555,"
        "hex:6666666666666666666666666666666666666666666666666666666666666666,"
        "hex:7777777777777777777777777777777777777777777777777777777777777777,"
        "hex:8888888888888888888888888888888888888888888888888888888888888888,"
        "hex:9999999999999999999999999999999999999999999999999999999999999999";
    assert_int_equal(rc_keyring_init(&k2, nine, APP_ID, err, sizeof err), -1);
    assert_string_equal(err, "more than 8 secrets (9)");
    assert_int_equal(rc_keyring_init(&k2, NULL, APP_ID, err, sizeof err), 0);
    assert_true(k2.ephemeral);
    assert_int_equal(k2.nkeys, 1);
    /* (A random key shares the id 1 time in 65,536: then it fails
     * authentication instead.) */
    expect_refused(&k2, token.data, token.len, k2.keys[0].id == kr.keys[0].id ? R_AUTH : R_KEY);

    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&forged);
    rc_keyring_wipe(&kr);
    rc_keyring_wipe(&other);
    rc_keyring_wipe(&k2);
}

static void test_rotation(void **state) {
    (void)state;
    rc_keyring old_only, both, new_only;
    keyring(&old_only, SECRET_OLD);
    keyring(&both, SECRET_NEW "," SECRET_OLD);
    keyring(&new_only, SECRET_NEW);
    assert_int_equal(both.nkeys, 2);
    assert_int_equal(both.keys[0].id, new_only.keys[0].id);
    assert_int_equal(both.keys[1].id, old_only.keys[0].id);

    rc_layout *l = mount(&counter_component, NULL);
    rc_state_set_int(G.count, 12);
    flush_commit(l);
    rc_token_claims c = claims_for(1, 1), got;
    rc_snapshot_meta m = meta_for(1);
    rc_buf old_token, new_token, plain;
    rc_buf_init(&old_token);
    rc_buf_init(&new_token);
    rc_buf_init(&plain);
    seal_layout(&old_only, l, &c, &m, &old_token);
    seal_layout(&both, l, &c, &m, &new_token); /* the first secret seals */

    expect_open(&both, old_token.data, old_token.len, &got, &plain); /* not logged out */
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(rc_value_get_int(rc_snapshot_get(&snap, "/counter@count"), -1), 12);
    rc_snapshot_free(&snap);
    expect_refused(&new_only, old_token.data, old_token.len, R_KEY);

    rc_buf_reset(&plain);
    expect_open(&new_only, new_token.data, new_token.len, &got, &plain);
    expect_refused(&old_only, new_token.data, new_token.len, R_KEY);

    /* Newlines work as separators too (a secret file). */
    rc_keyring file_like;
    keyring(&file_like, SECRET_NEW "\r\n" SECRET_OLD "\n");
    assert_int_equal(file_like.nkeys, 2);
    rc_buf_reset(&plain);
    expect_open(&file_like, old_token.data, old_token.len, &got, &plain);

    free_layout(l);
    rc_buf_free(&old_token);
    rc_buf_free(&new_token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&old_only);
    rc_keyring_wipe(&both);
    rc_keyring_wipe(&new_only);
    rc_keyring_wipe(&file_like);
}

/* Key ids are 16 bits, so two secrets can share one. Rotating from one to
 * the other must still open the old tokens (fixed in token.c: every key
 * with the token's id is tried). */
static void test_rotation_key_id_collision(void **state) {
    (void)state;
    uint32_t *seen = calloc(65536, sizeof *seen); /* id -> index + 1 */
    assert_non_null(seen);
    char a[80] = "", b[80] = "";
    for (unsigned i = 0; i < 65536 && !a[0]; i++) {
        char s[80];
        snprintf(s, sizeof s, "hex:%064x", i);
        rc_keyring k;
        keyring(&k, s);
        if (seen[k.keys[0].id]) {
            snprintf(a, sizeof a, "hex:%064x", (unsigned)seen[k.keys[0].id] - 1);
            snprintf(b, sizeof b, "%s", s);
        } else {
            seen[k.keys[0].id] = i + 1;
        }
        rc_keyring_wipe(&k);
    }
    free(seen);
    assert_true(a[0] != '\0');
    print_message("  \"%s\" and \"%s\" share a key id\n", a, b);

    char both_secrets[160];
    snprintf(both_secrets, sizeof both_secrets, "%s,%s", b, a);
    rc_keyring ka, kb, kboth;
    keyring(&ka, a);
    keyring(&kb, b);
    keyring(&kboth, both_secrets);
    assert_int_equal(ka.keys[0].id, kb.keys[0].id);

    rc_layout *l = mount(&counter_component, NULL);
    rc_token_claims c = claims_for(1, 1), got;
    rc_snapshot_meta m = meta_for(1);
    rc_buf ta, tb, plain;
    rc_buf_init(&ta);
    rc_buf_init(&tb);
    rc_buf_init(&plain);
    seal_layout(&ka, l, &c, &m, &ta);
    seal_layout(&kb, l, &c, &m, &tb);
    /* Same id, another key: the wrong-key path is authentication. */
    expect_refused(&kb, ta.data, ta.len, R_AUTH);
    expect_refused(&ka, tb.data, tb.len, R_AUTH);
    /* Rotation: "b,a" opens the tokens of both. */
    expect_open(&kboth, ta.data, ta.len, &got, &plain);
    rc_buf_reset(&plain);
    expect_open(&kboth, tb.data, tb.len, &got, &plain);
    /* Tampered, it is still refused with every candidate key. */
    ta.data[ta.len / 2] = ta.data[ta.len / 2] == 'A' ? 'B' : 'A';
    expect_refused(&kboth, ta.data, ta.len, R_AUTH);

    free_layout(l);
    rc_buf_free(&ta);
    rc_buf_free(&tb);
    rc_buf_free(&plain);
    rc_keyring_wipe(&ka);
    rc_keyring_wipe(&kb);
    rc_keyring_wipe(&kboth);
}

static void test_secret_file(void **state) {
    (void)state;
    char path[] = "/tmp/rc_test_token_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(SECRET_NEW "\n" SECRET_OLD "\n", f);
    fclose(f);
    rc_keyring kf, kboth;
    char err[160] = "";
    assert_int_equal(rc_keyring_load_file(&kf, path, APP_ID, err, sizeof err), 0);
    keyring(&kboth, SECRET_NEW "," SECRET_OLD);
    assert_int_equal(kf.nkeys, 2);
    assert_memory_equal(kf.keys, kboth.keys, sizeof kf.keys);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("\n  \n", f);
    fclose(f);
    assert_int_equal(rc_keyring_load_file(&kf, path, APP_ID, err, sizeof err), -1);
    assert_non_null(strstr(err, "holds no secret"));
    remove(path);
    assert_int_equal(rc_keyring_load_file(&kf, path, APP_ID, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open secret file"));
    rc_keyring_wipe(&kf);
    rc_keyring_wipe(&kboth);
}

/* ------------------------------------------------------------------------ */
/* Claims: app, session, expiry, version                                    */
/* ------------------------------------------------------------------------ */

static void test_another_app(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(1, 1);
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, OTHER_APP_TAG, MAX_TOKEN,
                      MAX_PLAIN, R_APP);
    /* The same secret under another app id: its keys differ (the app id is
     * in their derivation), and its token names its own app: refused as
     * another app's, before any key is tried. */
    rc_keyring other_app;
    char err[400] = "";
    assert_int_equal(rc_keyring_init(&other_app, SECRET_OLD, "another-app", err, sizeof err), 0);
    assert_memory_not_equal(other_app.keys[0].key, kr.keys[0].key, RC_TOKEN_KEY_BYTES);
    rc_token_claims oc = claims_for(1, 1);
    oc.app_tag = OTHER_APP_TAG;
    rc_buf other_token;
    rc_buf_init(&other_token);
    seal_layout(&other_app, l, &oc, &m, &other_token);
    expect_refused(&kr, other_token.data, other_token.len, R_APP);
    /* Even were its tag forged to ours, it would not authenticate. */
    craft cr = craft_for(&kr.keys[0], 0);
    rc_buf_reset(&other_token);
    craft_token(&other_app.keys[0], &cr, "x", 1, &other_token);
    expect_refused(&kr, other_token.data, other_token.len, R_AUTH);
    rc_buf_free(&other_token);
    rc_keyring_wipe(&other_app);
    /* Another build of the same app is not refused: it resumes what fits. */
    rc_buf_reset(&token);
    c.build_tag = BUILD_TAG + 1;
    seal_layout(&kr, l, &c, &m, &token);
    rc_token_claims got;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(got.build_tag, BUILD_TAG + 1);
    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* A token only ever opens as the session it names: rc_token_open returns
 * that session in the claims (authenticated: it is associated data), and
 * rc_resume_accept refuses it when it is not the session the client asked
 * to resume ("token belongs to another session"). rc_token_open itself
 * takes no expected session. */
static void test_another_session(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_token_claims mine = claims_for(1, 1), theirs = claims_for(100, 1), got;
    rc_snapshot_meta m = meta_for(1);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    seal_layout(&kr, l, &theirs, &m, &token);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_memory_equal(got.session, theirs.session, RC_SESSION_ID_BYTES);
    uint64_t now = (uint64_t)time(NULL);
    rc_resume r;
    assert_int_equal(accept_token(&kr, &token, mine.session, now, &r), RC_REFUSAL_OTHER_SESSION);
    assert_string_equal(r.reason, R_SESSION);
    assert_false(r.authentic); /* a re-attach may not take it as proof */
    rc_resume_free(&r);
    assert_int_equal(accept_token(&kr, &token, theirs.session, now, &r), RC_REFUSAL_NONE);
    rc_resume_free(&r);

    /* Rewriting the session id in the header breaks authentication. */
    unsigned char *raw;
    size_t n = decode(&token, &raw);
    memcpy(raw + T_SESSION, mine.session, RC_SESSION_ID_BYTES);
    encode(&token, raw, n);
    expect_refused(&kr, token.data, token.len, R_AUTH);
    free(raw);
    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Sizes: oversize tokens and zstd bombs                                    */
/* ------------------------------------------------------------------------ */

static void Big(rc_ctx *ctx, const void *props) {
    (void)props;
    G.by = rc_use_bytes(ctx, "blob", NULL, 0);
    RC_EL(ctx, "p") { rc_text(ctx, "big"); }
}
static RC_COMPONENT(Big);

static void test_oversize(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    rc_token_claims c = claims_for(1, 1), got;
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, APP_TAG, token.len - 1,
                      MAX_PLAIN, R_TOO_LARGE);
    char err[160];
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, token.len, MAX_PLAIN, &got,
                               &plain, err, sizeof err),
                     0);
    /* The size is checked before anything is decoded: a huge text of
     * garbage costs nothing. */
    size_t huge = MAX_TOKEN * 4;
    char *junk = malloc(huge);
    assert_non_null(junk);
    memset(junk, '!', huge);
    expect_refused(&kr, junk, huge, R_TOO_LARGE);
    free(junk);

    /* A real session whose token outgrows the 64 KiB default (100 KB of
     * incompressible bytes). */
    rc_layout *big = mount(&Big_component, NULL);
    size_t n = 100000;
    unsigned char *blob = malloc(n);
    assert_non_null(blob);
    randombytes_buf(blob, n);
    rc_state_set_bytes(G.by, blob, n);
    flush_commit(big);
    rc_buf_reset(&token);
    seal_layout(&kr, big, &c, &m, &token);
    assert_true(token.len > MAX_TOKEN);
    expect_refused(&kr, token.data, token.len, R_TOO_LARGE);
    rc_buf_reset(&plain);
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, token.len, MAX_PLAIN, &got,
                               &plain, err, sizeof err),
                     0);
    /* Uncompressed content over max_plain, by one byte. */
    size_t plain_len = plain.len;
    assert_true(plain_len > n);
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, APP_TAG, token.len,
                      plain_len - 1, R_BIG);
    rc_buf_reset(&plain);
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, token.len, plain_len, &got,
                               &plain, err, sizeof err),
                     0);
    free(blob);
    free_layout(big);
    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

static void test_zstd_bomb(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    /* 8 MiB of one byte, sealed legitimately: a token of a few hundred
     * characters that would inflate to twice the server's cap. */
    rc_layout *big = mount(&Big_component, NULL);
    size_t n = (size_t)8 << 20;
    unsigned char *blob = malloc(n);
    assert_non_null(blob);
    memset(blob, 'a', n);
    rc_state_set_bytes(G.by, blob, n);
    free(blob);
    flush_commit(big);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    rc_token_claims c = claims_for(1, 1), got;
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, big, &c, &m, &token);
    print_message("  %zu MiB snapshot sealed into %zu characters\n", n >> 20, token.len);
#ifdef RC_TEST_WITHOUT_TOKEN_COMPRESSION
    /* No compression: the snapshot is sealed raw (longer than itself in
     * base64url), and every authentic token with the zstd flag, a real
     * frame or not, is refused by name before its content is looked at. */
    assert_true(token.len > n);
    free_layout(big);
    { /* a scope of its own: the zstd test below has the same names */
        craft cr = craft_for(&kr.keys[0], 1);
        unsigned char src[1000];
        memset(src, 'z', sizeof src);
        unsigned char z[256];
        size_t zn = ZSTD_compress(z, sizeof z, src, sizeof src, 1);
        assert_false(ZSTD_isError(zn));
        rc_buf_reset(&token);
        craft_token(&kr.keys[0], &cr, z, zn, &token);
        expect_refused(&kr, token.data, token.len, R_NOZSTD);
        rc_buf_reset(&token);
        craft_token(&kr.keys[0], &cr, "not zstd at all", 15, &token);
        expect_refused(&kr, token.data, token.len, R_NOZSTD);
        rc_buf_free(&token);
        rc_buf_free(&plain);
        rc_keyring_wipe(&kr);
        return;
    }
#endif
    assert_true(token.len < 4096);
    expect_refused(&kr, token.data, token.len, R_ZBIG);
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, APP_TAG, MAX_TOKEN, 1000,
                      R_ZBIG);
    /* With room for it, the same token opens: the cap refused it. */
    char err[160];
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, MAX_TOKEN, n + 1024, &got,
                               &plain, err, sizeof err),
                     0);
    assert_true(plain.len > n);
    /* The cap is exact: the content's size passes, one byte less does not. */
    size_t plain_len = plain.len;
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, APP_TAG, MAX_TOKEN,
                      plain_len - 1, R_ZBIG);
    rc_buf_reset(&plain);
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, MAX_TOKEN, plain_len, &got,
                               &plain, err, sizeof err),
                     0);
    assert_int_equal(plain.len, plain_len);
    free_layout(big);

    /* Crafted zstd content (authentic, but not what the sealer makes). */
    craft cr = craft_for(&kr.keys[0], 1);
    unsigned char src[1000];
    memset(src, 'z', sizeof src);
    unsigned char z[256];
    size_t zn = ZSTD_compress(z, sizeof z, src, sizeof src, 1);
    assert_false(ZSTD_isError(zn));
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, z, zn - 1, &token); /* cut frame */
    expect_refused(&kr, token.data, token.len, R_ZBAD);
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "not zstd at all", 15, &token);
    expect_refused(&kr, token.data, token.len, R_ZBIG);
    /* A frame that does not say its size. */
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    assert_non_null(cctx);
    assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0)));
    ZSTD_outBuffer out = {z, sizeof z, 0};
    ZSTD_inBuffer in = {src, sizeof src, 0};
    size_t left = ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end);
    assert_int_equal(left, 0);
    ZSTD_freeCCtx(cctx);
    assert_true(ZSTD_getFrameContentSize(z, out.pos) == ZSTD_CONTENTSIZE_UNKNOWN);
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, z, out.pos, &token);
    expect_refused(&kr, token.data, token.len, R_ZBIG);
    /* Two frames: the first says 1,000 bytes, there are 2,000. */
    unsigned char two[512];
    size_t z1 = ZSTD_compress(two, sizeof two, src, sizeof src, 1);
    size_t z2 = ZSTD_compress(two + z1, sizeof two - z1, src, sizeof src, 1);
    assert_false(ZSTD_isError(z1) || ZSTD_isError(z2));
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, two, z1 + z2, &token);
    expect_refused(&kr, token.data, token.len, R_ZBAD);
    /* Unknown flags, even authentic ones. */
    cr.flags = 4;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, src, 10, &token);
    expect_refused(&kr, token.data, token.len, R_FLAGS);

    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Malformed text and formats                                               */
/* ------------------------------------------------------------------------ */

static void test_base64url(void **state) {
    (void)state;
    /* RFC 4648 vectors (no padding; base64url alphabet). */
    static const char *const vec[][2] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff\xbf", "-_-_"},
    };
    rc_buf b;
    rc_buf_init(&b);
    for (size_t k = 0; k < sizeof vec / sizeof vec[0]; k++) {
        rc_buf_reset(&b);
        b64_append(&b, vec[k][0], strlen(vec[k][0]));
        assert_int_equal(b.len, strlen(vec[k][1]));
        assert_memory_equal(b.data ? b.data : "", vec[k][1], b.len);
        unsigned char out[16];
        assert_int_equal(rc_base64url_decode(vec[k][1], strlen(vec[k][1]), out, sizeof out),
                         (long)strlen(vec[k][0]));
        assert_memory_equal(out, vec[k][0], strlen(vec[k][0]));
    }
    /* Round trips of every length and byte. */
    unsigned char src[300], out[300];
    for (size_t k = 0; k < sizeof src; k++) src[k] = (unsigned char)(k * 7 + 3);
    for (size_t n = 0; n <= sizeof src; n++) {
        rc_buf_reset(&b);
        b64_append(&b, src, n);
        assert_int_equal(b.len, n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0));
        assert_int_equal(rc_base64url_decode(b.data, b.len, out, sizeof out), (long)n);
        assert_memory_equal(out, src, n);
        if (n) /* one byte short of room */
            assert_int_equal(rc_base64url_decode(b.data, b.len, out, n - 1), -1);
    }
    /* Refused: other alphabets, padding, whitespace, NUL, high bytes, a
     * length of 4k+1, bits left over. */
    static const char *const bad[] = {"Zm9v+A", "Zm9v/A", "Zg==",       "Zm8=", "Zm9 v",
                                      "Zm9v\n", "Zm\0v",  "Zm\xc3\xa9", "Z",    "Zm9vY",
                                      "Zh",     "Zm9",    "Zm-"};
    static const size_t bad_len[] = {6, 6, 4, 4, 5, 5, 4, 4, 1, 5, 2, 3, 3};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        if (rc_base64url_decode(bad[k], bad_len[k], out, sizeof out) != -1)
            fail_msg("\"%s\" decoded", bad[k]);
    assert_int_equal(rc_base64url_decode("Zm8", 3, out, sizeof out), 2); /* for contrast */
    rc_buf_free(&b);
}

static void test_malformed_token_text(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(1, 1);
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    char *t = malloc(token.len + 2);
    assert_non_null(t);

    /* A bad character at every position. */
    static const char badc[] = {'+', '/', '=', ' ', '\n', '\0', '.', (char)0xc3, (char)0xff, '%'};
    for (size_t i = 0; i < token.len; i++) {
        for (size_t k = 0; k < sizeof badc; k++) {
            memcpy(t, token.data, token.len);
            t[i] = badc[k];
            expect_refused(&kr, t, token.len, R_B64);
        }
    }
    /* Bad lengths: one character added or (4k+1) left. */
    memcpy(t, token.data, token.len);
    t[token.len] = 'A';
    size_t len1 = token.len + 1;
    expect_refused(&kr, t, len1, len1 % 4 == 1 ? R_B64 : R_AUTH);
    expect_refused(&kr, token.data, 1, R_B64);
    expect_refused(&kr, token.data, 5, R_B64);
    expect_refused(&kr, "", 0, R_TRUNC);
    /* Non-zero bits after the last byte. */
    size_t rem = token.len % 4;
    assert_true(rem == 2 || rem == 3 || rem == 0);
    size_t cut = rem ? token.len : token.len - 2; /* a length of 4k+2 or 4k+3 */
    memcpy(t, token.data, cut);
    int last = b64v(t[cut - 1]);
    unsigned mask = cut % 4 == 2 ? 0xf : 0x3;
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    t[cut - 1] = abc[(last & ~(int)mask) | 1];
    expect_refused(&kr, t, cut, R_B64);
    free(t);
    free_layout(l);
    rc_buf_free(&token);
    rc_keyring_wipe(&kr);
}

static void test_unknown_format_byte(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(1, 1);
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    unsigned char *raw;
    size_t n = decode(&token, &raw);
    for (unsigned f = 0; f < 256; f++) {
        if (f == 2) continue;
        /* Format 1 (before app-bound keys) is named: too old, not unknown. */
        const char *why = f == 1 ? R_FORMAT_OLD : R_FORMAT;
        raw[0] = (unsigned char)f;
        encode(&token, raw, n);
        expect_refused(&kr, token.data, token.len, why);
        encode(&token, raw, 10); /* short, but the format says it first */
        expect_refused(&kr, token.data, token.len, why);
    }
    /* An authentic token of another format is refused all the same, and
     * one that says format 1 is never read as one of ours. */
    craft cr = craft_for(&kr.keys[0], 0);
    cr.format = 3;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "x", 1, &token);
    expect_refused(&kr, token.data, token.len, R_FORMAT);
    cr.format = 1;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "x", 1, &token);
    expect_refused(&kr, token.data, token.len, R_FORMAT_OLD);

    /* A snapshot of an unknown format inside an authentic token. */
    rc_buf snapbuf;
    rc_buf_init(&snapbuf);
    rc_snapshot_write(&snapbuf, l, &m);
    snapbuf.data[0] = 2;
    rc_buf_reset(&token);
    rc_token_seal(&kr, &c, snapbuf.data, snapbuf.len, &token);
    rc_token_claims got;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(&kr, token.data, token.len, &got, &plain);
    expect_snapshot_refused(plain.data, plain.len, "unknown format");
    rc_buf_free(&plain);
    rc_buf_free(&snapbuf);
    free(raw);
    free_layout(l);
    rc_buf_free(&token);
    rc_keyring_wipe(&kr);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bit_flips_everywhere, reset, teardown),
        cmocka_unit_test_setup_teardown(test_truncation_every_length, reset, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key, reset, teardown),
        cmocka_unit_test_setup_teardown(test_rotation, reset, teardown),
        cmocka_unit_test_setup_teardown(test_rotation_key_id_collision, reset, teardown),
        cmocka_unit_test_setup_teardown(test_secret_file, reset, teardown),
        cmocka_unit_test_setup_teardown(test_another_app, reset, teardown),
        cmocka_unit_test_setup_teardown(test_another_session, reset, teardown),
        cmocka_unit_test_setup_teardown(test_oversize, reset, teardown),
        cmocka_unit_test_setup_teardown(test_zstd_bomb, reset, teardown),
        cmocka_unit_test_setup_teardown(test_base64url, reset, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_token_text, reset, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_format_byte, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
