/*
 * Unit tests for rc_app_parse_args (src/server/args.c), the command line
 * every app takes: each option lands in its rc_app field, a bad value is
 * refused (-1) with the field left as it was, --help returns 1 (and says
 * what --port 0 does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "reactc.h"
#include "server/server.h" /* rc_config_resolve */

#define ARGS(...)       ((char *[]){"app", __VA_ARGS__, NULL})
#define COUNT(...)      ((int)(sizeof((char *[]){"app", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(app, ...) rc_app_parse_args(app, COUNT(__VA_ARGS__), ARGS(__VA_ARGS__))

/* rc_app_parse_args(--help) with its stdout in out (NUL-terminated);
 * returns what the parser returned. */
static int capture_help(char *out, size_t cap) {
    FILE *f = tmpfile();
    assert_non_null(f);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(f), STDOUT_FILENO) >= 0);
    rc_app app = {0};
    int rc = PARSE(&app, "--help");
    fflush(stdout);
    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    rewind(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
    return rc;
}

/* --token-ttl: lowering it shortens tokens already issued (the expiry rule
 * is rc_resume_accept's, tests/unit/test_resume_accept.c), so it must be
 * settable where an operator reacts: the command line. */
static void test_token_ttl(void **state) {
    (void)state;
    rc_app app = {0};
    assert_int_equal(PARSE(&app, "--token-ttl", "600"), 0);
    assert_int_equal(app.token_ttl, 600);
    for (size_t i = 0; i < 4; i++) {
        static const char *const bad[] = {"0", "-5", "3600x", "99999999999"};
        rc_app b = {.token_ttl = 77};
        assert_int_equal(PARSE(&b, "--token-ttl", (char *)bad[i]), -1);
        assert_int_equal(b.token_ttl, 77);
    }
}

static void test_max_token(void **state) {
    (void)state;
    rc_app app = {0};
    assert_int_equal(PARSE(&app, "--max-token", "4096", "--max-detached", "9"), 0);
    assert_int_equal(app.max_token, 4096);
    assert_int_equal(app.max_detached, 9); /* the options beside it are unchanged */
    assert_int_equal(app.max_queued, 0);
    rc_app b = {0};
    assert_int_equal(PARSE(&b, "--max-token", "0"), -1);
    assert_int_equal(b.max_token, 0);
}

static void test_app_id_and_errors(void **state) {
    (void)state;
    rc_app app = {0};
    assert_int_equal(PARSE(&app, "--app-id", "thermostat", "--grace", "5"), 0);
    assert_string_equal(app.app_id, "thermostat");
    assert_int_equal(app.grace_ms, 5000);
    rc_app b = {0};
    assert_int_equal(PARSE(&b, "--app-id", ""), -1);
    assert_int_equal(PARSE(&b, "--no-such-option", "1"), -1);
    assert_int_equal(PARSE(&b, "--port"), -1); /* a value is missing */
    assert_int_equal(PARSE(&b, "--help"), 1);
}

/* --port: rc_app.port's 0 is the default (8000) but --port 0 is any free
 * port, so the parser stores -1; what the server then listens on is
 * rc_config_resolve's (src/server/config.c), checked here for both. The
 * help says the same as the header (issue 19: they disagreed). */
static void test_port(void **state) {
    (void)state;
    rc_app app = {0}, cfg;
    rc_config_resolve(&cfg, &app);
    assert_int_equal(cfg.port, 8000); /* the field left 0 */
    assert_int_equal(PARSE(&app, "--port", "0"), 0);
    assert_int_equal(app.port, -1);
    rc_config_resolve(&cfg, &app);
    assert_int_equal(cfg.port, -1); /* any: bound by the server */
    assert_int_equal(PARSE(&app, "--port", "8123"), 0);
    assert_int_equal(app.port, 8123);
    rc_app b = {.port = 9000};
    assert_int_equal(PARSE(&b, "--port", "65536"), -1);
    assert_int_equal(b.port, 9000);

    char help[8192];
    assert_int_equal(capture_help(help, sizeof help), 1);
    assert_non_null(strstr(help, "--port N         port (default 8000); 0: any free port"));
}

/* --no-ssr: the one option without a value (docs/guide/first-paint.md);
 * the options around it keep their pairs, wherever it stands. */
static void test_no_ssr(void **state) {
    (void)state;
    rc_app app = {0};
    assert_int_equal(PARSE(&app, "--grace", "5"), 0);
    assert_false(app.no_ssr); /* the first paint is on by default */
    assert_int_equal(PARSE(&app, "--no-ssr", "--grace", "7"), 0);
    assert_true(app.no_ssr);
    assert_int_equal(app.grace_ms, 7000);
    rc_app b = {0};
    assert_int_equal(PARSE(&b, "--grace", "2", "--no-ssr"), 0);
    assert_true(b.no_ssr);
    assert_int_equal(b.grace_ms, 2000);
}

/* --metrics: off unless given; a bad address is refused at parse time
 * (the forms themselves: tests/unit/test_metrics.c). */
static void test_metrics_option(void **state) {
    (void)state;
    rc_app app = {0};
    assert_int_equal(PARSE(&app, "--port", "8000"), 0);
    assert_null(app.metrics);
#ifdef RC_TEST_WITHOUT_METRICS
    /* Built without /metrics: a good address is refused too, not ignored
     * (scripts/size.sh checks the message in the core build). */
    assert_int_equal(PARSE(&app, "--metrics", "127.0.0.1:9100"), -1);
    assert_null(app.metrics);
#else
    assert_int_equal(PARSE(&app, "--metrics", "127.0.0.1:9100"), 0);
    assert_string_equal(app.metrics, "127.0.0.1:9100");
#endif
    rc_app b = {0};
    assert_int_equal(PARSE(&b, "--metrics", "localhost:"), -1);
    assert_null(b.metrics);
}

/* --max-memory: bytes, or KiB, MiB, GiB with K, M, G (either case); 0,
 * a negative, an unknown unit, a unit not last and more than 2^40 bytes
 * are refused with the field left as it was. Off unless given. */
static void test_max_memory(void **state) {
    (void)state;
    static const struct {
        const char *arg;
        size_t bytes;
    } good[] = {{"123", 123},
                {"512K", (size_t)512 * 1024},
                {"8M", (size_t)8 * 1024 * 1024},
                {"8m", (size_t)8 * 1024 * 1024},
                {"2G", (size_t)2 << 30},
                {"1024G", (size_t)1 << 40}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        rc_app app = {0};
        assert_int_equal(PARSE(&app, "--max-memory", (char *)good[i].arg), 0);
        assert_int_equal(app.max_memory, good[i].bytes);
    }
    static const char *const bad[] = {"0", "0M",  "-8M",   "8MB",           "8X",  "",
                                      "M", "8 M", "1025G", "1099511627777", "8.5M"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rc_app b = {.max_memory = 77};
        assert_int_equal(PARSE(&b, "--max-memory", (char *)bad[i]), -1);
        assert_int_equal(b.max_memory, 77);
    }
    rc_app none = {0}, cfg;
    assert_int_equal(PARSE(&none, "--grace", "5"), 0);
    rc_config_resolve(&cfg, &none);
    assert_int_equal(cfg.max_memory, 0); /* no default budget */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_ttl),         cmocka_unit_test(test_max_token),
        cmocka_unit_test(test_app_id_and_errors), cmocka_unit_test(test_port),
        cmocka_unit_test(test_metrics_option),    cmocka_unit_test(test_no_ssr),
        cmocka_unit_test(test_max_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
