/*
 * Unit tests for the pure parts of uploads and downloads
 * (src/server/transfer_name.c, docs/guide/uploads.md): a token's form (what
 * the table is searched with) and a download's Content-Disposition, whose
 * file name comes from the app and may hold quotes, backslashes, line
 * breaks (header injection) and non-ASCII.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "server/transfer.h"

static void test_token_form(void **state) {
    (void)state;
    assert_true(rc_xfer_token_ok("0123456789abcdef0123456789abcdef"));
    assert_false(rc_xfer_token_ok(NULL));
    assert_false(rc_xfer_token_ok(""));
    assert_false(rc_xfer_token_ok("0123456789abcdef0123456789abcde"));   /* 31 */
    assert_false(rc_xfer_token_ok("0123456789abcdef0123456789abcdef0")); /* 33 */
    assert_false(rc_xfer_token_ok("0123456789ABCDEF0123456789abcdef"));  /* upper case */
    assert_false(rc_xfer_token_ok("0123456789abcdef0123456789abcdeg"));
    assert_false(rc_xfer_token_ok("0123456789abcdef0123456789abcd%00"));
}

static void disposition_is(const char *name, const char *want) {
    char out[512];
    size_t n = rc_xfer_disposition(out, sizeof out, name);
    assert_int_equal(n, strlen(want));
    assert_string_equal(out, want);
}

static void test_disposition_plain(void **state) {
    (void)state;
    disposition_is("backup.json",
                   "attachment; filename=\"backup.json\"; filename*=UTF-8''backup.json");
    disposition_is(NULL, "attachment; filename=\"download\"; filename*=UTF-8''download");
    disposition_is("", "attachment; filename=\"download\"; filename*=UTF-8''download");
    disposition_is("a b", "attachment; filename=\"a b\"; filename*=UTF-8''a%20b");
}

static void test_disposition_escapes(void **state) {
    (void)state;
    /* A quote or backslash cannot end or escape the quoted name; a line
     * break cannot start a header of its own. */
    disposition_is("a\"b\\c", "attachment; filename=\"a_b_c\"; filename*=UTF-8''a%22b%5Cc");
    disposition_is(
        "x\r\nSet-Cookie: y",
        "attachment; filename=\"x__Set-Cookie: y\"; filename*=UTF-8''x%0D%0ASet-Cookie%3A%20y");
    /* Non-ASCII: '_' in the plain form, UTF-8 percent-encoded in filename*. */
    disposition_is("r\xc3\xa9glages.json",
                   "attachment; filename=\"r__glages.json\"; filename*=UTF-8''r%C3%A9glages.json");
    disposition_is("a;b", "attachment; filename=\"a;b\"; filename*=UTF-8''a%3Bb");
}

static void test_disposition_too_small(void **state) {
    (void)state;
    char out[40];
    assert_int_equal(rc_xfer_disposition(out, sizeof out, "backup.json"), 0);
    char exact[64];
    const char *want = "attachment; filename=\"a\"; filename*=UTF-8''a";
    assert_int_equal(rc_xfer_disposition(exact, strlen(want) + 1, "a"), strlen(want));
    assert_int_equal(rc_xfer_disposition(exact, strlen(want), "a"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_form),
        cmocka_unit_test(test_disposition_plain),
        cmocka_unit_test(test_disposition_escapes),
        cmocka_unit_test(test_disposition_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
