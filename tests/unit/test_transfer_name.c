/*
 * Unit tests for the pure parts of uploads and downloads
 * (src/server/transfer_name.c, docs/guide/uploads.md): a token's form (what
 * the table is searched with) and the worker it names, a download's
 * Content-Disposition, whose file name comes from the app and may hold
 * quotes, backslashes, line breaks (header injection) and non-ASCII; and
 * the relay's frames between workers (src/server/transfer_frame.c): round
 * trips, frames cut anywhere (read on), malformed ones refused.
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
    assert_true(rc_xfer_token_ok("000123456789abcdef0123456789abcdef"));
    assert_true(rc_xfer_token_ok("ff0123456789abcdef0123456789abcdef"));
    assert_false(rc_xfer_token_ok(NULL));
    assert_false(rc_xfer_token_ok(""));
    assert_false(rc_xfer_token_ok("0123456789abcdef0123456789abcdef"));    /* 32: no worker */
    assert_false(rc_xfer_token_ok("000123456789abcdef0123456789abcde"));   /* 33 */
    assert_false(rc_xfer_token_ok("000123456789abcdef0123456789abcdef0")); /* 35 */
    assert_false(rc_xfer_token_ok("000123456789ABCDEF0123456789abcdef"));  /* upper case */
    assert_false(rc_xfer_token_ok("000123456789abcdef0123456789abcdeg"));
    assert_false(rc_xfer_token_ok("000123456789abcdef0123456789abcd%00"));
}

static void test_token_worker(void **state) {
    (void)state;
    assert_int_equal(rc_xfer_token_worker("000123456789abcdef0123456789abcdef"), 0);
    assert_int_equal(rc_xfer_token_worker("010123456789abcdef0123456789abcdef"), 1);
    assert_int_equal(rc_xfer_token_worker("1a0123456789abcdef0123456789abcdef"), 26);
    assert_int_equal(rc_xfer_token_worker("ff0123456789abcdef0123456789abcdef"), 255);
    assert_int_equal(rc_xfer_token_worker("0123456789abcdef0123456789abcdef"), -1);
    assert_int_equal(rc_xfer_token_worker(NULL), -1);
}

#define TOKEN "010123456789abcdef0123456789abcdef"

static void test_request_frame(void **state) {
    (void)state;
    rc_xfer_req r = {.kind = RC_XFER_UPLOAD, .total = 52428800ull, .name = "fw \"1\".bin"};
    memcpy(r.token, TOKEN, sizeof r.token);
    unsigned char f[RC_XFER_FRAME_MAX + 8];
    size_t n = rc_xfer_req_encode(&r, f, sizeof f);
    assert_true(n > 0 && n <= RC_XFER_FRAME_MAX);
    /* Every cut short of the whole frame says "read on", never a frame. */
    rc_xfer_req back;
    for (size_t i = 0; i < n; i++) assert_int_equal(rc_xfer_req_decode(&back, f, i), 0);
    /* Body bytes after it are not the frame's. */
    memcpy(f + n, "body", 4);
    assert_int_equal(rc_xfer_req_decode(&back, f, n + 4), (long)n);
    assert_int_equal(back.kind, RC_XFER_UPLOAD);
    assert_false(back.head);
    assert_string_equal(back.token, TOKEN);
    assert_true(back.total == 52428800ull);
    assert_string_equal(back.name, "fw \"1\".bin");
    /* A HEAD of a download, no name. */
    rc_xfer_req d = {.kind = RC_XFER_DOWNLOAD, .head = true};
    memcpy(d.token, TOKEN, sizeof d.token);
    n = rc_xfer_req_encode(&d, f, sizeof f);
    assert_int_equal(rc_xfer_req_decode(&back, f, n), (long)n);
    assert_true(back.head && back.kind == RC_XFER_DOWNLOAD && back.name[0] == '\0');
    /* Too small a buffer, a bad token, a bad kind: not encoded. */
    assert_int_equal(rc_xfer_req_encode(&r, f, 10), 0);
    rc_xfer_req bad = r;
    bad.token[3] = 'X';
    assert_int_equal(rc_xfer_req_encode(&bad, f, sizeof f), 0);
    bad = r;
    bad.kind = (rc_xfer_kind)7;
    assert_int_equal(rc_xfer_req_encode(&bad, f, sizeof f), 0);
}

/* A good request frame with one byte changed must be refused. */
static void refused_req(size_t at, unsigned char v) {
    rc_xfer_req r = {.kind = RC_XFER_UPLOAD, .total = 5, .name = "a.bin"};
    memcpy(r.token, TOKEN, sizeof r.token);
    unsigned char f[RC_XFER_FRAME_MAX];
    size_t n = rc_xfer_req_encode(&r, f, sizeof f);
    f[at] = v;
    rc_xfer_req back;
    assert_int_equal(rc_xfer_req_decode(&back, f, n), -1);
}

static void test_request_malformed(void **state) {
    (void)state;
    refused_req(0, 'X');                /* magic */
    refused_req(1, '2');                /* version */
    refused_req(2, 0);                  /* kind */
    refused_req(2, 3);                  /* kind */
    refused_req(3, 1);                  /* HEAD of an upload */
    refused_req(3, 2);                  /* unknown flag */
    refused_req(4, 'G');                /* token */
    refused_req(4 + 33, 0);             /* token */
    refused_req(4 + 34 + 8, 0xff);      /* name length over the limit */
    refused_req(4 + 34 + 8 + 2 + 1, 0); /* a NUL in the name */
    /* The first bytes alone already tell a foreign stream. */
    rc_xfer_req back;
    assert_int_equal(rc_xfer_req_decode(&back, (const unsigned char *)"GET / HTTP/1.1", 14), -1);
    assert_int_equal(rc_xfer_req_decode(&back, (const unsigned char *)"G", 1), -1);
    /* A download's request carries no body length. */
    rc_xfer_req d = {.kind = RC_XFER_DOWNLOAD};
    memcpy(d.token, TOKEN, sizeof d.token);
    unsigned char f[RC_XFER_FRAME_MAX];
    size_t n = rc_xfer_req_encode(&d, f, sizeof f);
    f[4 + 34 + 7] = 1;
    assert_int_equal(rc_xfer_req_decode(&back, f, n), -1);
}

static void test_answer_frame(void **state) {
    (void)state;
    rc_xfer_ans a = {.status = 200,
                     .size = 1ull << 40,
                     .type = "application/json",
                     .text = "device backup.json"};
    unsigned char f[RC_XFER_FRAME_MAX];
    size_t n = rc_xfer_ans_encode(&a, f, sizeof f);
    assert_true(n > 0 && n <= RC_XFER_FRAME_MAX);
    rc_xfer_ans back;
    for (size_t i = 0; i < n; i++) assert_int_equal(rc_xfer_ans_decode(&back, f, i), 0);
    assert_int_equal(rc_xfer_ans_decode(&back, f, n), (long)n);
    assert_int_equal(back.status, 200);
    assert_false(back.close);
    assert_true(back.size == 1ull << 40);
    assert_string_equal(back.type, "application/json");
    assert_string_equal(back.text, "device backup.json");
    /* The longest fields still fit the frame's bound. */
    rc_xfer_ans big = {.status = 413, .close = true};
    memset(big.type, 't', RC_XFER_TYPE_MAX);
    memset(big.text, 'x', RC_XFER_NAME_MAX);
    n = rc_xfer_ans_encode(&big, f, sizeof f);
    assert_true(n > 0);
    assert_int_equal(rc_xfer_ans_decode(&back, f, n), (long)n);
    assert_true(back.close);
    assert_int_equal(strlen(back.text), RC_XFER_NAME_MAX);
    /* Malformed: status out of range, unknown flag, a NUL, a foreign magic. */
    a.status = 99;
    assert_int_equal(rc_xfer_ans_encode(&a, f, sizeof f), 0);
    a.status = 404;
    n = rc_xfer_ans_encode(&a, f, sizeof f);
    f[2] = 0x09; /* 0x0994: 2452 */
    assert_int_equal(rc_xfer_ans_decode(&back, f, n), -1);
    f[2] = 0x01;
    f[4] = 2;
    assert_int_equal(rc_xfer_ans_decode(&back, f, n), -1);
    f[4] = 0;
    f[14] = 0; /* in the type */
    assert_int_equal(rc_xfer_ans_decode(&back, f, n), -1);
    f[13] = 0xff; /* type length over the limit */
    assert_int_equal(rc_xfer_ans_decode(&back, f, n), -1);
    assert_int_equal(rc_xfer_ans_decode(&back, (const unsigned char *)"R1", 2), -1);
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
        cmocka_unit_test(test_token_form),          cmocka_unit_test(test_token_worker),
        cmocka_unit_test(test_request_frame),       cmocka_unit_test(test_request_malformed),
        cmocka_unit_test(test_answer_frame),        cmocka_unit_test(test_disposition_plain),
        cmocka_unit_test(test_disposition_escapes), cmocka_unit_test(test_disposition_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
