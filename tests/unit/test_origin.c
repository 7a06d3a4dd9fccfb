/*
 * Unit tests for the network edge's rules (src/server/origin.c,
 * docs/security.md "The network edge"): origins parsed and compared as a
 * browser does, Host checked against DNS rebinding, X-Forwarded-* believed
 * only from a trusted proxy, and the verdicts (0, 400, 421, 403) that
 * edge.c turns into responses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "server/origin.h"

static void test_origin_parse_normalises(void **state) {
    (void)state;
    rc_origin a, b;
    assert_int_equal(rc_origin_parse(&a, "http://127.0.0.1:8000"), 0);
    assert_string_equal(a.scheme, "http");
    assert_string_equal(a.host, "127.0.0.1");
    assert_int_equal(a.port, 8000);
    /* Default ports, explicit or not, are one origin. */
    assert_int_equal(rc_origin_parse(&a, "http://example.com"), 0);
    assert_int_equal(a.port, 80);
    assert_int_equal(rc_origin_parse(&b, "http://example.com:80"), 0);
    assert_true(rc_origin_equal(&a, &b));
    assert_int_equal(rc_origin_parse(&a, "https://example.com"), 0);
    assert_int_equal(a.port, 443);
    assert_int_equal(rc_origin_parse(&b, "https://example.com:443/"), 0); /* trailing slash */
    assert_true(rc_origin_equal(&a, &b));
    /* Case of scheme and host does not matter. */
    assert_int_equal(rc_origin_parse(&b, "HTTPS://Example.COM"), 0);
    assert_true(rc_origin_equal(&a, &b));
    assert_string_equal(b.host, "example.com");
    /* Scheme and port do. */
    assert_int_equal(rc_origin_parse(&b, "http://example.com:443"), 0);
    assert_false(rc_origin_equal(&a, &b));
    assert_int_equal(rc_origin_parse(&b, "https://example.com:8443"), 0);
    assert_false(rc_origin_equal(&a, &b));
    /* IPv6 in brackets, stored without them. */
    assert_int_equal(rc_origin_parse(&a, "http://[::1]:8000"), 0);
    assert_string_equal(a.host, "::1");
    assert_int_equal(a.port, 8000);
    assert_int_equal(rc_origin_parse(&b, "http://[0:0:0:0:0:0:0:1]:8000"), 0);
    assert_int_equal(rc_origin_parse(&a, "http://[FE80::1]"), 0);
    assert_string_equal(a.host, "fe80::1");
}

static void test_origin_parse_refuses(void **state) {
    (void)state;
    static const char *bad[] = {
        "null", /* sandboxed frames, file: pages */
        "",
        "example.com",
        "ftp://example.com",
        "ws://example.com",
        "chrome-extension://abc",
        "http://",
        "http:///",
        "http://example.com/path",
        "http://example.com//",
        "http://example.com?x",
        "http://example.com#x",
        "http://user@example.com",
        "http://example.com:",
        "http://example.com:0",
        "http://example.com:65536",
        "http://example.com:80a",
        "http://example.com:+80",
        "http://::1",
        "http://[::1",
        "http://[::1]x",
        "http://[not-an-address]",
        "http://[fe80::1%25eth0]",
        "http://exa mple.com",
        "http://example.com\\",
        "http://ex%41mple.com",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rc_origin o;
        if (rc_origin_parse(&o, bad[i]) == 0) fail_msg("parsed \"%s\"", bad[i]);
    }
}

static void test_host_parse(void **state) {
    (void)state;
    char name[256];
    unsigned port;
    assert_int_equal(rc_host_parse("127.0.0.1:8000", name, sizeof name, &port), 0);
    assert_string_equal(name, "127.0.0.1");
    assert_int_equal(port, 8000);
    assert_int_equal(rc_host_parse("LocalHost", name, sizeof name, &port), 0);
    assert_string_equal(name, "localhost");
    assert_int_equal(port, 0);
    assert_int_equal(rc_host_parse("[::1]:80", name, sizeof name, &port), 0);
    assert_string_equal(name, "::1");
    assert_int_equal(rc_host_parse("example.com.", name, sizeof name, &port), 0);
    assert_string_equal(name, "example.com");
    static const char *bad[] = {"", ":80", "::1", "[::1]80", "a b", "a:b", "a:1:2", ".", "x:99999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (rc_host_parse(bad[i], name, sizeof name, &port) == 0) fail_msg("parsed \"%s\"", bad[i]);
    char small[4];
    assert_int_equal(rc_host_parse("example.com", small, sizeof small, &port), -1);
}

static rc_edge_rules rules_of(const char *const *origins, const char *const *hosts,
                              const char *const *proxies) {
    rc_app app;
    memset(&app, 0, sizeof app);
    app.allow_origins = origins;
    app.allow_hosts = hosts;
    app.trusted_proxies = proxies;
    rc_edge_rules r;
    char err[300];
    assert_int_equal(rc_edge_rules_init(&r, &app, err, sizeof err), 0);
    return r;
}

static void test_rules_bad_entries(void **state) {
    (void)state;
    rc_app app;
    memset(&app, 0, sizeof app);
    rc_edge_rules r;
    char err[300];
    const char *const origins[] = {"https://ok.example", "null", NULL};
    app.allow_origins = origins;
    assert_int_equal(rc_edge_rules_init(&r, &app, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"null\""));
    app.allow_origins = NULL;
    const char *const hosts[] = {"panel.example", "bad host", NULL};
    app.allow_hosts = hosts;
    assert_int_equal(rc_edge_rules_init(&r, &app, err, sizeof err), -1);
    assert_non_null(strstr(err, "bad host"));
    app.allow_hosts = NULL;
    const char *const proxies[] = {"127.0.0.1", "proxy.example", NULL};
    app.trusted_proxies = proxies;
    assert_int_equal(rc_edge_rules_init(&r, &app, err, sizeof err), -1);
    assert_non_null(strstr(err, "proxy.example"));
}

static void test_allow_host(void **state) {
    (void)state;
    const char *const hosts[] = {"Panel.Example:8080", NULL};
    rc_edge_rules r = rules_of(NULL, hosts, NULL);
    assert_true(rc_edge_rules_allow_host(&r, "127.0.0.1"));
    assert_true(rc_edge_rules_allow_host(&r, "192.168.1.20"));
    assert_true(rc_edge_rules_allow_host(&r, "::1"));
    assert_true(rc_edge_rules_allow_host(&r, "localhost"));
    assert_true(rc_edge_rules_allow_host(&r, "panel.example")); /* the entry's port ignored */
    assert_false(rc_edge_rules_allow_host(&r, "attacker.rebind.example"));
    assert_false(rc_edge_rules_allow_host(&r, "evil.localhost"));
    assert_false(rc_edge_rules_allow_host(&r, "127.1")); /* not a dotted quad */
    assert_false(rc_edge_rules_allow_host(&r, "127.0.0.1.nip.io"));
    assert_false(rc_edge_rules_allow_host(&r, "sub.panel.example"));
    rc_edge_rules_free(&r);
}

static void test_trust_peer(void **state) {
    (void)state;
    rc_edge_rules none = rules_of(NULL, NULL, NULL);
    assert_false(rc_edge_rules_trust_peer(&none, "127.0.0.1")); /* loopback not by default */
    rc_edge_rules_free(&none);
    const char *const proxies[] = {"127.0.0.1", "[2001:db8::5]", NULL};
    rc_edge_rules r = rules_of(NULL, NULL, proxies);
    assert_true(rc_edge_rules_trust_peer(&r, "127.0.0.1"));
    assert_true(rc_edge_rules_trust_peer(&r, "::ffff:127.0.0.1")); /* dual-stack socket */
    assert_true(rc_edge_rules_trust_peer(&r, "2001:DB8::5"));
    assert_false(rc_edge_rules_trust_peer(&r, "127.0.0.2"));
    assert_false(rc_edge_rules_trust_peer(&r, ""));
    assert_false(rc_edge_rules_trust_peer(&r, NULL));
    rc_edge_rules_free(&r);
}

static unsigned check(const rc_edge_rules *r, rc_edge_request q, bool upgrade) {
    const char *why = NULL;
    unsigned st = rc_edge_rules_check(r, &q, upgrade, &why);
    assert_non_null(why);
    return st;
}

static void test_check_host_and_origin(void **state) {
    (void)state;
    const char *const origins[] = {"http://other.example:3000", NULL};
    rc_edge_rules r = rules_of(origins, NULL, NULL);
    rc_edge_request q = {.peer = "127.0.0.1", .host = "127.0.0.1:8000"};
    assert_int_equal(check(&r, q, false), 0);
    assert_int_equal(check(&r, q, true), 0); /* no Origin: not a browser */
    q.origin = "http://127.0.0.1:8000";
    assert_int_equal(check(&r, q, true), 0);
    q.origin = "http://evil.example";
    assert_int_equal(check(&r, q, true), 403);
    assert_int_equal(check(&r, q, false), 0); /* Origin is the upgrade's business */
    q.origin = "null";
    assert_int_equal(check(&r, q, true), 403);
    q.origin = "http://127.0.0.1:8001"; /* another port is another origin */
    assert_int_equal(check(&r, q, true), 403);
    q.origin = "https://127.0.0.1:8000"; /* and another scheme */
    assert_int_equal(check(&r, q, true), 403);
    q.origin = "http://other.example:3000";
    assert_int_equal(check(&r, q, true), 0);
    q.tls = true; /* over TLS the page's origin is https */
    q.origin = "https://127.0.0.1:8000";
    assert_int_equal(check(&r, q, true), 0);
    /* Hosts. */
    q = (rc_edge_request){.peer = "127.0.0.1",
                          .host = "attacker.rebind.example:8000",
                          .origin = "http://attacker.rebind.example:8000"};
    assert_int_equal(check(&r, q, false), 421);
    assert_int_equal(check(&r, q, true), 421);
    q.host = NULL;
    assert_int_equal(check(&r, q, false), 400);
    q.http10 = true; /* HTTP/1.0 without Host (health checks): served, not upgraded */
    assert_int_equal(check(&r, q, false), 0);
    assert_int_equal(check(&r, q, true), 400);
    q.http10 = false;
    q.host = "";
    assert_int_equal(check(&r, q, false), 400);
    q.host = "a b";
    assert_int_equal(check(&r, q, true), 400);
    q = (rc_edge_request){.peer = "::1", .host = "[::1]:8000", .origin = "http://[::1]:8000"};
    assert_int_equal(check(&r, q, true), 0);
    q = (rc_edge_request){.host = "LOCALHOST:8000", .origin = "http://localhost:8000"};
    assert_int_equal(check(&r, q, true), 0);
    rc_edge_rules_free(&r);
}

static void test_check_forwarded(void **state) {
    (void)state;
    const char *const hosts[] = {"app.example", NULL};
    const char *const proxies[] = {"10.0.0.1", NULL};
    rc_edge_rules r = rules_of(NULL, hosts, proxies);
    /* From a trusted proxy: the browser's scheme and host. */
    rc_edge_request q = {.peer = "10.0.0.1",
                         .host = "10.0.0.2:8000",
                         .origin = "https://app.example",
                         .xf_host = "app.example",
                         .xf_proto = "https"};
    assert_int_equal(check(&r, q, true), 0);
    q.xf_host = "evil.example";
    assert_int_equal(check(&r, q, false), 421);
    q.xf_host = NULL; /* only the scheme forwarded: Host is the browser's */
    q.host = "app.example";
    assert_int_equal(check(&r, q, true), 0);
    q.xf_proto = "gopher"; /* not a scheme we know: the connection's */
    assert_int_equal(check(&r, q, true), 403);
    /* From anyone else: ignored both ways. */
    q = (rc_edge_request){.peer = "10.0.0.9",
                          .host = "127.0.0.1:8000",
                          .origin = "https://127.0.0.1:8000",
                          .xf_host = "127.0.0.1:8000",
                          .xf_proto = "https"};
    assert_int_equal(check(&r, q, true), 403);
    q.origin = "http://127.0.0.1:8000";
    q.xf_host = "evil.example";
    assert_int_equal(check(&r, q, true), 0);
    rc_edge_rules_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origin_parse_normalises),
        cmocka_unit_test(test_origin_parse_refuses),
        cmocka_unit_test(test_host_parse),
        cmocka_unit_test(test_rules_bad_entries),
        cmocka_unit_test(test_allow_host),
        cmocka_unit_test(test_trust_peer),
        cmocka_unit_test(test_check_host_and_origin),
        cmocka_unit_test(test_check_forwarded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
