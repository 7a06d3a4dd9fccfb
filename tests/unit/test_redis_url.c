/*
 * Unit tests for the --redis URL (src/redis/url.c, issue 16): the accepted
 * forms and their defaults, what is refused and how it is said (never with
 * the password), the masked form for logs, the per-app key prefix and the
 * --redis option.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "reactc.h"
#include "redis/url.h"

static char err[300];

static rc_redis_url parse_ok(const char *text) {
    rc_redis_url u;
    err[0] = '\0';
    if (rc_redis_url_parse(text, &u, err, sizeof err)) fail_msg("refused \"%s\": %s", text, err);
    return u;
}

/* Refused, with a message holding `words` and never "hunter2". */
static void refused(const char *text, const char *words) {
    rc_redis_url u;
    err[0] = '\0';
    if (rc_redis_url_parse(text, &u, err, sizeof err) != -1) fail_msg("accepted \"%s\"", text);
    if (!strstr(err, words)) fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, err, words);
    if (strstr(err, "hunter2")) fail_msg("\"%s\": message \"%s\" shows the password", text, err);
    assert_null(u.password);
}

static void test_tcp_forms(void **state) {
    (void)state;
    rc_redis_url u = parse_ok("redis://127.0.0.1");
    assert_false(u.is_unix);
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.port, 6379);
    assert_int_equal(u.db, 0);
    assert_null(u.password);
    rc_redis_url_free(&u);

    u = parse_ok("redis://:hunter2@10.0.0.7:6380/2");
    assert_string_equal(u.host, "10.0.0.7");
    assert_int_equal(u.port, 6380);
    assert_int_equal(u.db, 2);
    assert_string_equal(u.password, "hunter2");
    rc_redis_url_free(&u);
    assert_null(u.password);

    u = parse_ok("redis://[::1]:7000/");
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 7000);
    assert_int_equal(u.db, 0);
    rc_redis_url_free(&u);
}

static void test_unix_forms(void **state) {
    (void)state;
    rc_redis_url u = parse_ok("unix:///run/redis/redis.sock");
    assert_true(u.is_unix);
    assert_string_equal(u.path, "/run/redis/redis.sock");
    assert_int_equal(u.db, 0);
    assert_null(u.password);
    rc_redis_url_free(&u);

    u = parse_ok("unix:///tmp/r.sock?db=3&password=hunter2");
    assert_string_equal(u.path, "/tmp/r.sock");
    assert_int_equal(u.db, 3);
    assert_string_equal(u.password, "hunter2");
    rc_redis_url_free(&u);
}

static void test_refused(void **state) {
    (void)state;
    refused("", "redis:// or unix://");
    refused("http://127.0.0.1", "redis:// or unix://");
    refused("rediss://:hunter2@127.0.0.1", "TLS");
    refused("redis://:hunter2@redis.example:6379", "IP address");
    refused("redis://:hunter2@localhost", "IP address");
    refused("redis://", "no host");
    refused("redis://:hunter2@", "no host");
    refused("redis://127.0.0.1:0", "port");
    refused("redis://127.0.0.1:65536", "port");
    refused("redis://:hunter2@127.0.0.1:63x9", "port");
    refused("redis://127.0.0.1:6379/two", "database");
    refused("redis://:hunter2@127.0.0.1:6379/-1", "database");
    refused("redis://user:hunter2@127.0.0.1", ":password");
    refused("redis://:@127.0.0.1", ":password");
    refused("redis://[::1:6379", "']'");
    refused("redis://127.0.0.1x", "IP address");
    refused("unix://run/redis.sock", "absolute");
    refused("unix:///tmp/r.sock?db=x", "db=");
    refused("unix:///tmp/r.sock?password=hunter2&db=1&password=hunter2", "twice");
    refused("unix:///tmp/r.sock?pass=hunter2", "unknown query");
    char longpath[200];
    memset(longpath, 'a', sizeof longpath);
    memcpy(longpath, "unix:///", 8);
    longpath[sizeof longpath - 1] = '\0';
    refused(longpath, "too long");
}

static void test_describe_masks_password(void **state) {
    (void)state;
    char buf[200];
    rc_redis_url u = parse_ok("redis://:hunter2@127.0.0.1:6380/2");
    rc_redis_url_describe(&u, buf, sizeof buf);
    assert_string_equal(buf, "redis://:***@127.0.0.1:6380/2");
    rc_redis_url_free(&u);
    u = parse_ok("redis://[::1]");
    rc_redis_url_describe(&u, buf, sizeof buf);
    assert_string_equal(buf, "redis://[::1]:6379/0");
    rc_redis_url_free(&u);
    u = parse_ok("unix:///tmp/r.sock?password=hunter2");
    rc_redis_url_describe(&u, buf, sizeof buf);
    assert_string_equal(buf, "unix:///tmp/r.sock?db=0&password=***");
    rc_redis_url_free(&u);
}

static void test_key_prefix(void **state) {
    (void)state;
    char buf[32];
    assert_int_equal(rc_redis_key_prefix("counter", buf, sizeof buf), 0);
    assert_string_equal(buf, "reactc:counter:");
    assert_int_equal(rc_redis_key_prefix("an-app-id-that-is-far-too-long", buf, sizeof buf), -1);
}

/* --redis lands in rc_app.redis as given; rc_app_run checks it (the URL
 * rules above) before any fork. */
static void test_option(void **state) {
    (void)state;
    rc_app app = {0};
    char *argv[] = {"app", "--redis", "redis://127.0.0.1:6380/1", NULL};
    assert_int_equal(rc_app_parse_args(&app, 3, argv), 0);
    assert_string_equal(app.redis, "redis://127.0.0.1:6380/1");
    char *missing[] = {"app", "--redis", NULL};
    assert_int_equal(rc_app_parse_args(&app, 2, missing), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_forms),  cmocka_unit_test(test_unix_forms),
        cmocka_unit_test(test_refused),    cmocka_unit_test(test_describe_masks_password),
        cmocka_unit_test(test_key_prefix), cmocka_unit_test(test_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
