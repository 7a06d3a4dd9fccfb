/*
 * test_message_real.c — rc_wire_read_real (src/wire/message_real.c) rounds
 * every real exactly as strtod does, to the bit: jansson reads reals with
 * strtod, and the two readers must agree. Known hard cases (subnormals, the
 * largest double, midpoints, long significands), then a few hundred
 * thousand pseudo-random reals over the whole exponent range, with 1 to 25
 * significant digits, and reals written on and around the midpoints
 * between doubles. None may need strtod (strtod costs up to ~400 ns a
 * real: bench/parse's reals and midreals).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
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
    if (!ok) fail_msg("%s: %d digits, left to strtod", text, sig);
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
    assert_int_equal(by_strtod, 0);
}

/* Midpoints between doubles, written out in full, then cut short and
 * nudged: known ones (ties, and beyond MID_DIGITS digits), then the
 * midpoints above random doubles. */
static void test_midpoints(void **state) {
    (void)state;
    /* 1 + 2^-53: a tie (to even: 1), then just under and just over it, then
     * the same after 900 zeros (beyond what the comparison reads: the
     * nonzero digit there must still count). */
    static const char mid[] = "1.00000000000000011102230246251565404236316680908203125";
    char text[2048];
    check(mid, 55);
    snprintf(text, sizeof text, "%.*s4", (int)sizeof mid - 2, mid);
    check(text, 55);
    snprintf(text, sizeof text, "%s%0900d", mid, 0);
    check(text, 955);
    snprintf(text, sizeof text, "%s%0900d1", mid, 0);
    check(text, 956);
    /* Near the smallest subnormal's midpoint (2^-1075), the largest
     * double's (2^1024 - 2^970) and 2^-1022's: 20 to 40 digits, below and
     * above. */
    static const char *const near[] = {
        "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324",
        "2.4703282292062327209e-324",
        "2.4703282292062327208e-324",
        "2.47032822920623272088284396434110686182e-324",
        "-2.4703282292062327209e-324",
        "1.7976931348623158079e308",
        "1.7976931348623158080e308",
        "1.797693134862315807937289714053034150799e308",
        "2.2250738585072011360e-308",
        "7.4109846876186981626e-323",
        "1.2351641146031163604e-323",
        "9007199254740993.0000000000000000001",
        "9007199254740992.9999999999999999999",
        "4.4501477170144022721148195934182639518696e-308"};
    for (size_t i = 0; i < sizeof near / sizeof *near; i++) check(near[i], 20);
    /* The midpoint above a random double is exact in a long double (54
     * significant bits), and glibc prints it exactly: the whole of it (a
     * tie), then its first 20 to 59 digits (just under it) and those plus
     * one unit in the last place (just over). */
    uint64_t seed = 0x0123456789ABCDEFu;
    for (int i = 0; i < 20000; i++) {
        uint64_t u = next(&seed) & ~(UINT64_C(1) << 63);
        double d;
        memcpy(&d, &u, sizeof d);
        if (!isfinite(d) || d == DBL_MAX) continue;
        long double m = ((long double)d + (long double)nextafter(d, INFINITY)) / 2;
        int len = snprintf(text, sizeof text, "%.780Le", m);
        assert_true(len > 0 && (size_t)len < sizeof text);
        check(text, 781);
        char *e = strchr(text, 'e');
        char exp_part[16];
        snprintf(exp_part, sizeof exp_part, "%s", e);
        int keep = 20 + (int)(next(&seed) % 40); /* digits, with "d." */
        char cut[96];
        snprintf(cut, sizeof cut, "%.*s%s", keep + 1, text, exp_part);
        check(cut, keep);
        /* Plus one in the last digit kept (a carry is rare and harmless). */
        char *last = cut + keep;
        if (*last < '9') {
            (*last)++;
            check(cut, keep);
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hard_cases),
        cmocka_unit_test(test_random_reals),
        cmocka_unit_test(test_midpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
