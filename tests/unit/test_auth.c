/*
 * Unit tests for the login's pure parts (src/server/auth.h): the sealed
 * cookie (round trip, expiry, every bit flipped, another app, another
 * key), the form body (bounded, percent-decoding, hostile input) and the
 * user file (comments, bad lines, the hash caps, the mode check).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sodium.h>

#include "server/auth.h"

#define SECRET "b64:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
/* reactc-passwd's output for "secret1" (2 passes, 16 MiB). */
#define HASH \
    "$argon2id$v=19$m=16384,t=2,p=1$zQO8jYByoOLVXj8jm7d04A$P1PSKYF8/PRwDCQzTuBA8bSRP2gRsgkK2027RpP8GPE"

static void keys(rc_keyring *kr, const char *app_id) {
    char err[200];
    assert_int_equal(rc_keyring_init(kr, SECRET, app_id, err, sizeof err), 0);
}

static void test_cookie_round_trip_and_expiry(void **state) {
    (void)state;
    rc_keyring kr;
    keys(&kr, "app");
    rc_buf b;
    rc_buf_init(&b);
    rc_auth_cookie_seal(&kr, 7, "alice", 1000, &b);
    char user[RC_AUTH_USER_MAX + 1];
    assert_true(rc_auth_cookie_open(&kr, 7, b.data, b.len, 999, user));
    assert_string_equal(user, "alice");
    assert_false(rc_auth_cookie_open(&kr, 7, b.data, b.len, 1000, user)); /* expired */
    assert_false(rc_auth_cookie_open(&kr, 8, b.data, b.len, 999, user));  /* app tag */
    rc_keyring other;
    keys(&other, "another-app"); /* same secret, another app id: another key */
    assert_false(rc_auth_cookie_open(&other, 7, b.data, b.len, 999, user));
    rc_keyring fresh;
    char err[100];
    assert_int_equal(rc_keyring_init(&fresh, NULL, "app", err, sizeof err), 0);
    assert_false(rc_auth_cookie_open(&fresh, 7, b.data, b.len, 999, user));
    rc_buf_free(&b);
}

/* Every bit of the decoded cookie flipped, re-encoded: all refused. */
static void test_cookie_bit_flips(void **state) {
    (void)state;
    rc_keyring kr;
    keys(&kr, "app");
    rc_buf b;
    rc_buf_init(&b);
    rc_auth_cookie_seal(&kr, 7, "bob", 5000, &b);
    unsigned char raw[256];
    size_t rl = 0;
    assert_int_equal(sodium_base642bin(raw, sizeof raw, b.data, b.len, NULL, &rl, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    char user[RC_AUTH_USER_MAX + 1], text[512];
    for (size_t i = 0; i < rl * 8; i++) {
        raw[i / 8] ^= (unsigned char)(1u << (i % 8));
        sodium_bin2base64(text, sizeof text, raw, rl, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        assert_false(rc_auth_cookie_open(&kr, 7, text, strlen(text), 1, user));
        raw[i / 8] ^= (unsigned char)(1u << (i % 8));
    }
    /* Cut short, garbage, empty, huge. */
    for (size_t n = 0; n < b.len; n++)
        assert_false(rc_auth_cookie_open(&kr, 7, b.data, n, 1, user));
    assert_false(rc_auth_cookie_open(&kr, 7, "!!!!", 4, 1, user));
    char big[4096];
    memset(big, 'A', sizeof big);
    assert_false(rc_auth_cookie_open(&kr, 7, big, sizeof big, 1, user));
    assert_true(rc_auth_cookie_open(&kr, 7, b.data, b.len, 1, user));
    rc_buf_free(&b);
}

static void test_cookie_find(void **state) {
    (void)state;
    size_t n = 0;
    const char *v = rc_auth_cookie_find("a=1; reactc_login=xyz; b=2", "reactc_login", &n);
    assert_non_null(v);
    assert_int_equal(n, 3);
    assert_memory_equal(v, "xyz", 3);
    assert_null(rc_auth_cookie_find("xreactc_login=1", "reactc_login", &n));
    assert_null(rc_auth_cookie_find("", "reactc_login", &n));
    v = rc_auth_cookie_find("reactc_login=", "reactc_login", &n);
    assert_null(v); /* empty value: none (logout) */
}

static void test_form(void **state) {
    (void)state;
    char out[16];
    const char *body = "user=al%69ce&password=a+b%26c%3D&x=";
    assert_true(rc_auth_form_get(body, strlen(body), "user", out, sizeof out));
    assert_string_equal(out, "alice");
    assert_true(rc_auth_form_get(body, strlen(body), "password", out, sizeof out));
    assert_string_equal(out, "a b&c=");
    assert_true(rc_auth_form_get(body, strlen(body), "x", out, sizeof out));
    assert_string_equal(out, "");
    assert_false(rc_auth_form_get(body, strlen(body), "us", out, sizeof out));
    const char *bad[] = {"user=%", "user=%4", "user=%zz", "user=a%00b", "user=0123456789abcdef"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(rc_auth_form_get(bad[i], strlen(bad[i]), "user", out, sizeof out));
    /* Bounded by len, not by a NUL: a body is not NUL-terminated. */
    assert_true(rc_auth_form_get("user=abcdef", 8, "user", out, sizeof out));
    assert_string_equal(out, "abc");
    /* Hostile: only separators, a huge field, no '='. */
    char junk[RC_AUTH_BODY_MAX];
    memset(junk, '&', sizeof junk);
    assert_false(rc_auth_form_get(junk, sizeof junk, "user", out, sizeof out));
    memset(junk, '=', sizeof junk);
    assert_false(rc_auth_form_get(junk, sizeof junk, "user", out, sizeof out));
    assert_false(rc_auth_form_get("user", 4, "user", out, sizeof out));
}

static void test_file_parse(void **state) {
    (void)state;
    rc_auth_users u;
    char err[200];
    const char *ok = "# users\n\nalice:" HASH "\r\n  bob:" HASH "  \n";
    assert_int_equal(rc_auth_parse(ok, &u, err, sizeof err), 0);
    assert_int_equal(u.n, 2);
    assert_non_null(rc_auth_find(&u, "bob"));
    assert_null(rc_auth_find(&u, "carol"));
    rc_auth_users_free(&u);
    const struct {
        const char *text, *err;
    } bad[] = {
        {"alice\n", "line 1: not user:hash"},
        {"#\nal ice:" HASH "\n", "line 2: bad user name"},
        {"alice:plain\n", "line 1: not an Argon2id"},
        {"alice:$argon2id$v=19$m=1048576,t=2,p=1$c2FsdA$aGFzaA\n", "line 1: not an Argon2id"},
        {"alice:$argon2id$v=19$m=16384,t=99,p=1$c2FsdA$aGFzaA\n", "line 1: not an Argon2id"},
        {"alice:$argon2i$v=19$m=16384,t=2,p=1$c2FsdA$aGFzaA\n", "line 1: not an Argon2id"},
        {"alice:" HASH "\nalice:" HASH "\n", "line 2: user named twice"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(rc_auth_parse(bad[i].text, &u, err, sizeof err), -1);
        assert_non_null(strstr(err, bad[i].err));
    }
}

static void test_file_mode(void **state) {
    (void)state;
    char path[] = "/tmp/reactc-auth-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "alice:" HASH "\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    rc_auth_users u;
    char err[300];
    chmod(path, 0640);
    assert_int_equal(rc_auth_load(path, &u, err, sizeof err), -1);
    assert_non_null(strstr(err, "chmod 600"));
    chmod(path, 0600);
    assert_int_equal(rc_auth_load(path, &u, err, sizeof err), 0);
    assert_int_equal(u.n, 1);
    rc_auth_users_free(&u);
    unlink(path);
    assert_int_equal(rc_auth_load(path, &u, err, sizeof err), -1);
}

/* The default check: the stored hash's answer, an unknown user never. */
static void test_check_hash(void **state) {
    (void)state;
    rc_auth_job j = {0};
    strcpy(j.user, "alice");
    strcpy(j.hash, HASH);
    strcpy(j.password, "secret1");
    assert_int_equal(rc_auth_check_hash(NULL, &j), 1);
    strcpy(j.password, "secret2");
    assert_int_equal(rc_auth_check_hash(NULL, &j), 0);
    j.hash[0] = '\0';
    strcpy(j.password, "secret1");
    assert_int_equal(rc_auth_check_hash(NULL, &j), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cookie_round_trip_and_expiry),
        cmocka_unit_test(test_cookie_bit_flips),
        cmocka_unit_test(test_cookie_find),
        cmocka_unit_test(test_form),
        cmocka_unit_test(test_file_parse),
        cmocka_unit_test(test_file_mode),
        cmocka_unit_test(test_check_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
