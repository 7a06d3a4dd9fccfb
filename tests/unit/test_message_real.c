/*
 * test_message_real.c — rc_wire_read_real (src/wire/message_real.c) rounds
 * every real exactly as strtod does, to the bit: jansson reads reals with
 * strtod, and the two readers must agree. Known hard cases (subnormals, the
 * largest double, midpoints, long significands), then a few hundred
 * thousand pseudo-random reals over the whole exponent range, with 1 to 25
 * significant digits. A real of at most 19 significant digits must never
 * need strtod (that is what keeps a message of reals cheap: bench/parse).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/message_fast.h"

/* Checks one real against strtod; returns whether it was read without
 * strtod. sig is its number of significant digits. */
static bool check(const char *text, int sig) {
    double mine = 0, theirs = strtod(text, NULL);
    bool ok = rc_wire_read_real(text, strlen(text), &mine);
    if (!ok && sig <= 19) fail_msg("%s: %d digits, left to strtod", text, sig);
    if (ok && memcmp(&mine, &theirs, sizeof mine) != 0)
        fail_msg("%s: %.17g, strtod %.17g", text, mine, theirs);
    return ok;
}

static void test_hard_cases(void **state) {
    (void)state;
    static const char *const cases[] = {
        "0",
        "-0",
        "0.0",
        "-0.0e5",
        "1",
        "-1",
        "0.1",
        "1e23",
        "8.98846567431158e307",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623157e-308",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072014e-308",
        "4.9406564584124654e-324",
        "2.4703282292062328e-324",
        "2.4703282292062327e-324",
        "5e-324",
        "3e-324",
        "2e-324",
        "1e-324",
        "1e-400",
        "1e-99999999999",
        "9007199254740993",
        "9007199254740995",
        "9007199254740993.0000000000000000001",
        "1.2345e-300",
        "-1.2345e-300",
        "123456789012345678901234567890",
        "0.000000000000000000000000000000001234567890123456789",
        "0.1000000000000000055511151231257827021181583404541015625",
        "0.1000000000000000055511151231257827021181583404541015624",
        "0.1000000000000000055511151231257827021181583404541015626",
        "1e308",
        "1e-308",
        "4.4501477170144023e-308",
        "4.4501477170144022e-308",
        "1E+2",
        "1e-0",
        "7.0E-10",
        "2.2250738585072011360574097967091319759348195463516456480234261098821e-308",
        "9999999999999999999",
        "99999999999999999999e-20",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int sig = 0;
        bool seen = false;
        for (const char *p = cases[i]; *p && *p != 'e' && *p != 'E'; p++) {
            if (*p >= '1' && *p <= '9') seen = true;
            if (seen && *p >= '0' && *p <= '9') sig++;
        }
        check(cases[i], sig);
    }
    /* Out of range: infinite (the reader then refuses it, as jansson does). */
    double d = 0;
    assert_true(rc_wire_read_real("1e309", 5, &d) && isinf(d));
    assert_true(rc_wire_read_real("-1.8e308", 8, &d) && isinf(d) && d < 0);
}

/* xorshift64*: the same sequence on every run. */
static uint64_t next(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Du;
}

static void test_random_reals(void **state) {
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15u;
    size_t by_strtod = 0, n = 300000;
    char text[96];
    for (size_t i = 0; i < n; i++) {
        int sig = 1 + (int)(next(&seed) % 25);
        char digits[32];
        for (int k = 0; k < sig; k++) digits[k] = (char)('0' + next(&seed) % 10);
        if (digits[0] == '0') digits[0] = '1';
        digits[sig] = '\0';
        int point = (int)(next(&seed) % (unsigned)(sig + 1)); /* digits before the point */
        int exp = (int)(next(&seed) % 700) - 360;
        int len = 0;
        if (next(&seed) & 1) text[len++] = '-';
        if (point == 0) len += snprintf(text + len, sizeof text - (size_t)len, "0.%s", digits);
        else if (point == sig) len += snprintf(text + len, sizeof text - (size_t)len, "%s", digits);
        else
            len += snprintf(text + len, sizeof text - (size_t)len, "%.*s.%s", point, digits,
                            digits + point);
        snprintf(text + len, sizeof text - (size_t)len, "e%d", exp);
        by_strtod += !check(text, sig);
    }
    print_message("%zu random reals, %zu needed strtod\n", n, by_strtod);
    assert_true(by_strtod < n / 1000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hard_cases),
        cmocka_unit_test(test_random_reals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
