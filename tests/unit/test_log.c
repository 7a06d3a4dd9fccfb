/*
 * Unit tests for what makes log lines safe to read (src/util/logtext.c) and
 * bounded (src/util/ratelimit.c): client text cannot forge a line or send a
 * terminal escape, and a call site repeated by a client prints a bounded
 * number of lines and then says how many it left out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/logtext.h"
#include "util/ratelimit.h"

static void expect_escaped(const char *in, const char *want) {
    char out[256];
    size_t n = rc_log_escape(out, sizeof out, in);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_escape_controls(void **state) {
    (void)state;
    expect_escaped("plain text", "plain text");
    expect_escaped("x\nFAKE 00:00:00 reactc[1] error: forged",
                   "x\\nFAKE 00:00:00 reactc[1] error: forged");
    expect_escaped("a\rb\tc", "a\\rb\\tc");
    expect_escaped("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"); /* ESC */
    expect_escaped("del\x7f", "del\\x7f");
    expect_escaped("back\\slash", "back\\\\slash"); /* unambiguous */
    expect_escaped("\x01\x1f", "\\x01\\x1f");
}

static void test_escape_utf8(void **state) {
    (void)state;
    expect_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    expect_escaped("c1 \xc2\x9b csi", "c1 \\xc2\\x9b csi"); /* U+009B: CSI */
    expect_escaped("nbsp \xc2\xa0", "nbsp \xc2\xa0");       /* U+00A0 is text */
    expect_escaped("bad \xff\xfe", "bad \\xff\\xfe");
    expect_escaped("cut \xe2\x82", "cut \\xe2\\x82"); /* truncated */
    expect_escaped("overlong \xc0\xaf", "overlong \\xc0\\xaf");
    expect_escaped("surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80");
    expect_escaped("too big \xf4\x90\x80\x80", "too big \\xf4\\x90\\x80\\x80");
}

static void test_escape_truncation(void **state) {
    (void)state;
    char out[8];
    /* Room for 7 bytes: "ab\\n" (4) then "\\x1b" (4) does not fit whole. */
    assert_int_equal(rc_log_escape(out, sizeof out, "ab\n\x1b"), 4);
    assert_string_equal(out, "ab\\n");
    /* A 3-byte character is not split either. */
    assert_int_equal(rc_log_escape(out, 5, "ab\xe2\x82\xac"), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(rc_log_escape(out, 1, "abc"), 0);
    assert_string_equal(out, "");
    assert_int_equal(rc_log_escape(out, 0, "abc"), 0);
}

static void test_rate_limit(void **state) {
    (void)state;
    rc_rate r;
    rc_rate_init(&r, 3, 10.0);
    static const char site_a[] = "a", site_b[] = "b";
    unsigned left_out = 99;
    for (int i = 0; i < 3; i++) {
        assert_true(rc_rate_allow(&r, site_a, 100.0 + i, &left_out));
        assert_int_equal(left_out, 0);
    }
    for (int i = 0; i < 5; i++) assert_false(rc_rate_allow(&r, site_a, 104.0, &left_out));
    /* Another call site is not held back by the first. */
    assert_true(rc_rate_allow(&r, site_b, 104.0, &left_out));
    assert_int_equal(left_out, 0);
    /* A new window: the first line says how many were left out. */
    assert_true(rc_rate_allow(&r, site_a, 110.0, &left_out));
    assert_int_equal(left_out, 5);
    assert_true(rc_rate_allow(&r, site_a, 110.5, &left_out));
    assert_int_equal(left_out, 0);
}

/* More call sites than slots: a site seen for the first time always
 * prints (an evicted site starts over: more lines, never fewer). */
static void test_rate_limit_many_sites(void **state) {
    (void)state;
    static char sites[500];
    rc_rate r;
    rc_rate_init(&r, 1, 10.0);
    unsigned left_out;
    for (size_t i = 0; i < sizeof sites; i++)
        assert_true(rc_rate_allow(&r, &sites[i], 1.0 + (double)i / 1000, &left_out));
    /* The last site is still tracked: its second line is held back. */
    assert_false(rc_rate_allow(&r, &sites[sizeof sites - 1], 2.0, &left_out));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_controls),       cmocka_unit_test(test_escape_utf8),
        cmocka_unit_test(test_escape_truncation),     cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_rate_limit_many_sites),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
