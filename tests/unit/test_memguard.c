/*
 * Unit tests for the memory guard (src/server/memguard.c): the decision as
 * a pure function of the budget, the use and whether the hello resumes; the
 * use a worker counts under --workers; and the measure itself, checked
 * against memory this test touches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "server/memguard.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

/* The headroom is a sixteenth of the budget, never under 256 KiB, never
 * over half: each bound seen on its side of where it takes over. */
static void test_headroom(void **state) {
    (void)state;
    assert_int_equal(rc_memguard_headroom(8 * MIB), 8 * MIB / 16);
    assert_int_equal(rc_memguard_headroom(64 * MIB), 4 * MIB);
    assert_int_equal(rc_memguard_headroom(2 * MIB), 256 * KIB);   /* 1/16 would be 128 KiB */
    assert_int_equal(rc_memguard_headroom(300 * KIB), 150 * KIB); /* half */
    assert_int_equal(rc_memguard_headroom(0), 0);
    for (size_t b = 1; b < 64 * MIB; b = b * 3 + 7) {
        size_t h = rc_memguard_headroom(b);
        assert_true(h <= b / 2);
        assert_true(h >= b / 16);
        assert_true(h >= 256 * KIB || h == b / 2);
    }
}

/* Fresh sessions stop at budget - headroom, resumes at the budget; every
 * use below a limit is admitted and every use from it on refused. */
static void test_decision_limits(void **state) {
    (void)state;
    for (size_t b = 100 * KIB; b < 256 * MIB; b = b * 2 + 4096) {
        size_t fresh = b - rc_memguard_headroom(b);
        assert_true(fresh < b);
        assert_true(rc_memguard_admits(b, 0, false));
        assert_true(rc_memguard_admits(b, fresh - 1, false));
        assert_false(rc_memguard_admits(b, fresh, false));
        assert_false(rc_memguard_admits(b, b + 1, false));
        assert_true(rc_memguard_admits(b, fresh, true)); /* the headroom is the resumes' */
        assert_true(rc_memguard_admits(b, b - 1, true));
        assert_false(rc_memguard_admits(b, b, true));
        assert_false(rc_memguard_admits(b, SIZE_MAX, true));
    }
}

/* No budget admits everything; whatever admits a fresh session admits a
 * resume; more use never turns a refusal into an admission. */
static void test_decision_properties(void **state) {
    (void)state;
    assert_true(rc_memguard_admits(0, SIZE_MAX, false));
    assert_true(rc_memguard_admits(0, 0, true));
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift */
        size_t b = (size_t)(x % (1u << 30)) + 1;
        size_t u1 = (size_t)((x >> 20) % (2u << 30)), u2 = u1 + (size_t)(x >> 50);
        for (int resume = 0; resume < 2; resume++)
            if (!rc_memguard_admits(b, u1, resume)) assert_false(rc_memguard_admits(b, u2, resume));
        if (rc_memguard_admits(b, u1, false)) assert_true(rc_memguard_admits(b, u1, true));
    }
}

/* One process: its resident memory. N workers: each counts its private
 * part N times and the shared pages once. */
static void test_use_under_workers(void **state) {
    (void)state;
    assert_int_equal(rc_memguard_use(7 * MIB, 5 * MIB, 1), 7 * MIB);
    assert_int_equal(rc_memguard_use(7 * MIB, 5 * MIB, 0), 7 * MIB); /* 0 is one process */
    assert_int_equal(rc_memguard_use(7 * MIB, 5 * MIB, 4), 4 * (2 * MIB) + 5 * MIB);
    /* Two workers each with 2 MiB of their own and the same 5 MiB of
     * libraries are 9 MiB in all: what either projects. */
    assert_int_equal(rc_memguard_use(7 * MIB, 5 * MIB, 2), 9 * MIB);
    assert_int_equal(rc_memguard_use(3 * MIB, 4 * MIB, 3), 3 * MIB); /* readings apart */
}

/* The measure follows memory this process touches: 16 MiB written shows
 * in the resident bytes (as private, not shared, pages). */
static void test_measure(void **state) {
    (void)state;
    rc_memguard g;
    assert_int_equal(rc_memguard_open(&g, 0, 1), 0); /* no budget: nothing opened */
    size_t r0, s0;
    assert_false(rc_memguard_read(&g, &r0, &s0));
    size_t use;
    assert_true(rc_memguard_check(&g, false, 0.0, &use));
    assert_int_equal(use, 0);

    assert_int_equal(rc_memguard_open(&g, 1, 1), 0);
    assert_true(rc_memguard_read(&g, &r0, &s0));
    assert_true(s0 <= r0);
    size_t n = 16 * MIB;
    unsigned char *p = malloc(n);
    assert_non_null(p);
    memset(p, 0x5a, n);
    size_t r1, s1;
    assert_true(rc_memguard_read(&g, &r1, &s1));
    assert_true(r1 >= r0 + n - MIB);
    assert_true(r1 - s1 >= (r0 - s0) + n - MIB);
    /* A budget of one byte: nothing is admitted, resume or not. */
    assert_false(rc_memguard_check(&g, true, 1.0, &use));
    assert_true(use >= r1 - MIB);
    assert_false(rc_memguard_check(&g, false, 1.0, &use));
    free(p);
    rc_memguard_close(&g);

    /* A budget far above: admitted, and the use compared is reported. */
    assert_int_equal(rc_memguard_open(&g, (size_t)1 << 40, 1), 0);
    assert_true(rc_memguard_check(&g, false, 2.0, &use));
    assert_true(use > 0);
    rc_memguard_close(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headroom),
        cmocka_unit_test(test_decision_limits),
        cmocka_unit_test(test_decision_properties),
        cmocka_unit_test(test_use_under_workers),
        cmocka_unit_test(test_measure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
