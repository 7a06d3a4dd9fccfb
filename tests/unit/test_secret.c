/*
 * Unit tests for secret text (src/resume/secret.c, issue 14): the typed
 * forms, what is refused and how it is said, separators between several
 * secrets, the mode of a secret file, the environment left clean, and the
 * app id bound into the token keys.
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

#include "resume/secret.h"
#include "resume/token.h"
#include "util/env.h"

#define B64_A "b64:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=" /* 32 x 'A' */
#define HEX_A "hex:4141414141414141414141414141414141414141414141414141414141414141"

static char err[400];

static int parse(rc_secrets *s, const char *text) {
    err[0] = '\0';
    return rc_secrets_parse(s, text, "secret-test-app", err, sizeof err);
}

/* Refused, with a message holding `words` and never the secret itself. */
static void refused(const char *text, const char *words) {
    rc_secrets s;
    if (parse(&s, text) != -1) fail_msg("accepted: \"%s\"", text);
    if (!strstr(err, words)) fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, err, words);
    assert_int_equal(s.n, 0);
}

static void test_typed_forms(void **state) {
    (void)state;
    rc_secrets s;
    unsigned char a32[32];
    memset(a32, 'A', sizeof a32);
    assert_int_equal(parse(&s, B64_A), 0);
    assert_int_equal(s.n, 1);
    assert_memory_equal(s.master[0], a32, 32);
    assert_false(s.stretched);
    assert_int_equal(parse(&s, HEX_A), 0);
    assert_memory_equal(s.master[0], a32, 32);
    /* base64 without padding, and the URL-safe alphabet, are the same bytes */
    assert_int_equal(parse(&s, "b64:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE"), 0);
    assert_memory_equal(s.master[0], a32, 32);
    assert_int_equal(parse(&s, "b64:_____________________________________________w"), -1);
    assert_int_equal(parse(&s, "b64:__________________________________________8"), 0);
    rc_secrets_wipe(&s);
}

static void test_refused_forms(void **state) {
    (void)state;
    /* what the issue found accepted: a short word, sixteen a */
    refused("summer2024summer", "secret 1 has no type prefix");
    refused("aaaaaaaaaaaaaaaa", "reactc-secret");
    refused("B64:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=", "no type prefix");
    /* the README's old form, base64 without its prefix */
    refused("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=", "no type prefix");
    refused("b64:", "no type prefix");           /* no value: not a b64: secret at all */
    refused("b64:QUFBQQ==", "exactly 32 bytes"); /* 4 bytes */
    refused("b64:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB", "exactly 32 bytes"); /* 33 */
    refused("b64:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU!=", "exactly 32 bytes");
    refused("hex:414141", "exactly 64 hex digits");
    refused("hex:41414141414141414141414141414141414141414141414141414141414141414141",
            "exactly 64 hex digits");
    refused("hex:4141414141414141414141414141414141414141414141414141414141414g41",
            "exactly 64 hex digits");
    refused("pass:", "pass: is empty");
    refused("pass:   ", "pass: is empty");
    /* the second of two is named, and the message never quotes a secret */
    refused(B64_A ",hunter2hunter2hunter2", "secret 2 has no type prefix");
    assert_null(strstr(err, "hunter2"));
}

static void test_several(void **state) {
    (void)state;
    rc_secrets s;
    assert_int_equal(parse(&s, " " B64_A " , " HEX_A "\r\n\n"), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(parse(&s, B64_A " " HEX_A "\t" B64_A), 0); /* spaces separate too */
    assert_int_equal(s.n, 3);
    assert_int_equal(parse(&s, ""), 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(parse(&s, NULL), 0);
    assert_int_equal(parse(&s, " ,\n, "), 0);
    assert_int_equal(s.n, 0);
    rc_secrets_wipe(&s);
}

/* A passphrase: Argon2id with the salt of the app id; spaces are its own. */
static void test_passphrase(void **state) {
    (void)state;
    rc_secrets s, t;
    assert_int_equal(parse(&s, "pass: correct horse battery staple ," B64_A), 0);
    assert_int_equal(s.n, 2);
    assert_true(s.stretched);
    unsigned char salt[crypto_pwhash_SALTBYTES], want[32];
    static const char ctx[] = "reactc pass: salt, app id follows";
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof salt);
    crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof ctx);
    crypto_generichash_update(&st, (const unsigned char *)"secret-test-app", 15);
    crypto_generichash_final(&st, salt, sizeof salt);
    const char *phrase = "correct horse battery staple";
    assert_int_equal(crypto_pwhash(want, sizeof want, phrase, strlen(phrase), salt, 3,
                                   (size_t)64 << 20, crypto_pwhash_ALG_ARGON2ID13),
                     0);
    assert_memory_equal(s.master[0], want, 32);
    /* another app id: another salt, another master */
    assert_int_equal(
        rc_secrets_parse(&t, "pass:correct horse battery staple", "other-app", err, sizeof err), 0);
    assert_memory_not_equal(t.master[0], want, 32);
    rc_secrets_wipe(&s);
    rc_secrets_wipe(&t);
}

/* The token key: BLAKE2b keyed by the master over the context and app id. */
static void test_key_bound_to_app_id(void **state) {
    (void)state;
    rc_keyring a, b, a2;
    assert_int_equal(rc_keyring_init(&a, HEX_A, "todo", err, sizeof err), 0);
    assert_int_equal(rc_keyring_init(&b, HEX_A, "counter", err, sizeof err), 0);
    assert_int_equal(rc_keyring_init(&a2, B64_A, "todo", err, sizeof err), 0);
    assert_memory_not_equal(a.keys[0].key, b.keys[0].key, RC_TOKEN_KEY_BYTES);
    assert_memory_equal(a.keys[0].key, a2.keys[0].key, RC_TOKEN_KEY_BYTES);
    unsigned char master[32], want[32];
    memset(master, 'A', sizeof master);
    static const char ctx[] = "reactc token key, format 2, app id follows";
    crypto_generichash_state st;
    crypto_generichash_init(&st, master, sizeof master, sizeof want);
    crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof ctx);
    crypto_generichash_update(&st, (const unsigned char *)"todo", 4);
    crypto_generichash_final(&st, want, sizeof want);
    assert_memory_equal(a.keys[0].key, want, sizeof want);
    rc_keyring_wipe(&a);
    rc_keyring_wipe(&b);
    rc_keyring_wipe(&a2);
}

static void write_file(const char *path, const char *text, mode_t mode) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_file_mode(void **state) {
    (void)state;
    char path[] = "/tmp/rc_test_secret_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    rc_keyring kr;
    write_file(path, B64_A "\n", 0640);
    assert_int_equal(rc_keyring_load_file(&kr, path, "app", err, sizeof err), -1);
    assert_non_null(strstr(err, "open to group or others (mode 0640): chmod 600"));
    write_file(path, B64_A "\n", 0604);
    assert_int_equal(rc_keyring_load_file(&kr, path, "app", err, sizeof err), -1);
    write_file(path, B64_A "\n", 0600);
    assert_int_equal(rc_keyring_load_file(&kr, path, "app", err, sizeof err), 0);
    assert_int_equal(kr.nkeys, 1);
    write_file(path, B64_A "\n", 0400);
    assert_int_equal(rc_keyring_load_file(&kr, path, "app", err, sizeof err), 0);
    /* sixteen a, mode 0600: refused for what it is */
    write_file(path, "aaaaaaaaaaaaaaaa\n", 0600);
    assert_int_equal(rc_keyring_load_file(&kr, path, "app", err, sizeof err), -1);
    assert_non_null(strstr(err, "no type prefix"));
    unlink(path);
    assert_int_equal(rc_keyring_load_file(&kr, "/tmp", "app", err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    rc_keyring_wipe(&kr);
}

/* Taken from the environment: gone from environ, bytes zeroed. */
static void test_env_taken(void **state) {
    (void)state;
    extern char **environ;
    setenv("RC_TEST_SECRET", B64_A, 1);
    char *entry = NULL;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "RC_TEST_SECRET=", 15) == 0) entry = *e;
    assert_non_null(entry);
    char *v = rc_env_take("RC_TEST_SECRET");
    assert_string_equal(v, B64_A);
    free(v);
    assert_null(getenv("RC_TEST_SECRET"));
    assert_int_equal(entry[0], 0);
    assert_null(strstr(entry + 1, "QUFB"));
    assert_null(rc_env_take("RC_TEST_SECRET"));
}

/* The dev runner's pipe: read to the end, closed. */
static void test_read_fd(void **state) {
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_true(write(p[1], B64_A, strlen(B64_A)) == (ssize_t)strlen(B64_A));
    close(p[1]);
    char *text = rc_secret_read_fd(p[0]);
    assert_string_equal(text, B64_A);
    free(text);
    assert_int_equal(close(p[0]), -1); /* already closed */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_typed_forms),
        cmocka_unit_test(test_refused_forms),
        cmocka_unit_test(test_several),
        cmocka_unit_test(test_passphrase),
        cmocka_unit_test(test_key_bound_to_app_id),
        cmocka_unit_test(test_file_mode),
        cmocka_unit_test(test_env_taken),
        cmocka_unit_test(test_read_fd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
