/*
 * Unit tests for the per-address caps (src/server/peers.c): live
 * connections per address, the rate of new ones (a token bucket), loopback
 * exempt unless asked, and a table that does not grow without bound when
 * many addresses come and go. The clock is the test's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "server/peers.h"

static void test_connections_per_address(void **state) {
    (void)state;
    rc_peers p;
    rc_peers_init(&p, 2, 1000, false);
    const char *why = NULL;
    rc_peer *a[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(rc_peers_admit(&p, "203.0.113.5", 1.0, &why), 0);
        a[i] = rc_peers_attach(&p, "203.0.113.5", 1.0);
        assert_non_null(a[i]);
    }
    assert_int_equal(rc_peers_admit(&p, "203.0.113.5", 1.0, &why), 429);
    assert_string_equal(why, "too many connections from this address");
    assert_int_equal(rc_peers_admit(&p, "203.0.113.6", 1.0, &why), 0); /* another address */
    rc_peers_release(&p, a[0]);
    assert_int_equal(rc_peers_admit(&p, "203.0.113.5", 1.0, &why), 0); /* room again */
    rc_peers_release(&p, a[1]);
    rc_peers_free(&p);
}

static void test_rate_of_new_connections(void **state) {
    (void)state;
    rc_peers p;
    rc_peers_init(&p, 0, 2, false); /* 2 per second, 4 at once */
    const char *why = NULL;
    for (int i = 0; i < 4; i++) assert_int_equal(rc_peers_admit(&p, "2001:db8::1", 10.0, &why), 0);
    assert_int_equal(rc_peers_admit(&p, "2001:db8::1", 10.0, &why), 429);
    assert_string_equal(why, "new connections from this address too fast");
    assert_int_equal(rc_peers_admit(&p, "2001:db8::1", 10.4, &why), 429); /* 0.8 tokens */
    assert_int_equal(rc_peers_admit(&p, "2001:db8::1", 10.6, &why), 0);   /* 1.2 */
    assert_int_equal(rc_peers_admit(&p, "2001:db8::1", 10.6, &why), 429);
    /* A long pause gives the burst back, not more. */
    for (int i = 0; i < 4; i++) assert_int_equal(rc_peers_admit(&p, "2001:db8::1", 100.0, &why), 0);
    assert_int_equal(rc_peers_admit(&p, "2001:db8::1", 100.0, &why), 429);
    rc_peers_free(&p);
}

static void test_loopback(void **state) {
    (void)state;
    const char *why = NULL;
    const char *loop[] = {"127.0.0.1", "127.4.5.6", "::1", "::ffff:127.0.0.1"};
    rc_peers p;
    rc_peers_init(&p, 1, 1, false);
    for (size_t k = 0; k < 4; k++)
        for (int i = 0; i < 10; i++) {
            assert_int_equal(rc_peers_admit(&p, loop[k], 1.0, &why), 0);
            assert_null(rc_peers_attach(&p, loop[k], 1.0)); /* not counted */
        }
    assert_int_equal(p.map.len, 0);
    rc_peers_free(&p);
    rc_peers_init(&p, 1, 1, true); /* limit_loopback */
    assert_int_equal(rc_peers_admit(&p, "127.0.0.1", 1.0, &why), 0);
    assert_non_null(rc_peers_attach(&p, "127.0.0.1", 1.0));
    assert_int_equal(rc_peers_admit(&p, "127.0.0.1", 1.0, &why), 429);
    rc_peers_free(&p);
}

/* Many addresses that come once and go: idle entries are dropped, so the
 * table stays bounded; an address holding a connection is kept. */
static void test_table_bounded(void **state) {
    (void)state;
    rc_peers p;
    rc_peers_init(&p, 8, 1, false);
    const char *why = NULL;
    assert_int_equal(rc_peers_admit(&p, "198.51.100.1", 0.0, &why), 0);
    rc_peer *held = rc_peers_attach(&p, "198.51.100.1", 0.0);
    for (int i = 0; i < 100000; i++) {
        char addr[64];
        snprintf(addr, sizeof addr, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        double now = 1.0 + i * 0.01; /* each address idle a while later */
        assert_int_equal(rc_peers_admit(&p, addr, now, &why), 0);
    }
    assert_true(p.map.len <= 4096 + 1);
    assert_int_equal(held->conns, 1); /* still there, still counted */
    rc_peers_release(&p, held);
    rc_peers_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connections_per_address),
        cmocka_unit_test(test_rate_of_new_connections),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_table_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
