/*
 * test_message.c — incoming messages. rc_wire_parse reads the common
 * layout-event with a fast reader of its own and hands everything else to
 * jansson (rc_wire_parse_general): for every input here, both must give the
 * same result, or the same error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reactc_layout.h"
#include "util/buf.h"
#include "wire/message.h"
#include "wire/message_fast.h"

/* The two readers' reasons for refusing text: the same words, but for a
 * JSON syntax error, which both call "invalid JSON at ..." and which the
 * fast reader places and words itself (jansson's position is the end of
 * the token it stopped at); the kind of error, when jansson names one of
 * these, must be the same. */
static void assert_same_reason(const char *text, size_t len, const char *fast,
                               const char *general) {
    static const char prefix[] = "invalid JSON at ";
    static const char *const kinds[] = {"duplicate object key", "maximum parsing depth",
                                        "too big integer", "real number overflow",
                                        "end of file expected"};
    if (strncmp(general, prefix, sizeof prefix - 1) != 0) {
        if (strcmp(fast, general) != 0)
            fail_msg("%.*s:\n  fast    %s\n  jansson %s", (int)len, text, fast, general);
        return;
    }
    if (strncmp(fast, prefix, sizeof prefix - 1) != 0)
        fail_msg("%.*s:\n  fast    %s\n  jansson %s", (int)len, text, fast, general);
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (strstr(general, kinds[k]) && !strstr(fast, kinds[k]))
            fail_msg("%.*s:\n  fast    %s\n  jansson %s", (int)len, text, fast, general);
}

/* Parses text both ways and checks that the results agree; returns the
 * result code. */
static int parse_both(const char *text, size_t len, rc_message *out) {
    rc_message g;
    char err_fast[160] = "", err_general[160] = "";
    int rf = rc_wire_parse(text, len, out, err_fast, sizeof err_fast);
    int rg = rc_wire_parse_general(text, len, &g, err_general, sizeof err_general);
    if (rf != rg)
        fail_msg("%.*s: rc_wire_parse %d, general %d (%s)", (int)len, text, rf, rg,
                 rf < 0 ? err_fast : err_general);
    if (rf < 0) {
        assert_same_reason(text, len, err_fast, err_general);
        return rf;
    }
    assert_int_equal(out->type, g.type);
    if (out->compact != g.compact)
        fail_msg("%.*s: the two readers disagree on \"compact\"", (int)len, text);
    if (out->type == RC_MSG_EVENT) {
        assert_string_equal(out->target, g.target);
        assert_int_equal(out->seq, g.seq);
        assert_int_equal(out->data.kind, RC_ARRAY);
        if (!rc_value_equal(&out->data, &g.data))
            fail_msg("%.*s: the two readers give different data", (int)len, text);
    }
    rc_message_free(&g);
    return rf;
}

static int parse_str(const char *text, rc_message *out) {
    return parse_both(text, strlen(text), out);
}

static void test_hot_shape(void **state) {
    (void)state;
    rc_message m;
    assert_int_equal(parse_str("{\"type\":\"layout-event\",\"target\":\"AAAAAAAAAAA\","
                               "\"data\":[{}],\"seq\":7}",
                               &m),
                     0);
    assert_int_equal(m.type, RC_MSG_EVENT);
    assert_string_equal(m.target, "AAAAAAAAAAA");
    assert_int_equal(m.seq, 7);
    assert_int_equal(rc_array_count(&m.data), 1);
    assert_int_equal(rc_array_get(&m.data, 0)->kind, RC_OBJECT);
    assert_int_equal(rc_object_count(rc_array_get(&m.data, 0)), 0);
    rc_message_free(&m);
}

static void test_event_data(void **state) {
    (void)state;
    rc_message m;
    /* What the browser client sends for a change event, in another order
     * and with whitespace. */
    assert_int_equal(parse_str(" { \"seq\" : 12 , \"data\" : [ { \"type\" : \"change\", "
                               "\"value\" : \"hi there\", \"checked\": false, \"n\": -42, "
                               "\"z\": null, \"t\": true, \"target\": {\"tagName\":\"INPUT\","
                               "\"id\":\"t\"}, \"list\": [1, [2, []], {}] } ], "
                               "\"target\" : \"x\", \"type\" : \"layout-event\" }\n",
                               &m),
                     0);
    const rc_value *d = rc_array_get(&m.data, 0);
    assert_string_equal(rc_value_get_string(rc_object_get(d, "value"), NULL), "hi there");
    assert_int_equal(rc_value_get_int(rc_object_get(d, "n"), 0), -42);
    assert_int_equal(rc_object_get(d, "z")->kind, RC_NULL);
    assert_true(rc_value_get_bool(rc_object_get(d, "t"), false));
    assert_false(rc_value_get_bool(rc_object_get(d, "checked"), true));
    assert_string_equal(rc_value_get_string(rc_object_get(rc_object_get(d, "target"), "id"), NULL),
                        "t");
    assert_int_equal(m.seq, 12);
    rc_message_free(&m);

    /* No data: an empty array. No seq: 0. */
    assert_int_equal(parse_str("{\"type\":\"layout-event\",\"target\":\"x\"}", &m), 0);
    assert_int_equal(m.data.kind, RC_ARRAY);
    assert_int_equal(rc_array_count(&m.data), 0);
    assert_int_equal(m.seq, 0);
    rc_message_free(&m);
}

/* Inputs at the edges of the fast reader's subset, and errors: whichever
 * reader takes them, the answer is jansson's. */
static void test_agreement(void **state) {
    (void)state;
    static const char *cases[] = {
        /* what the fast reader leaves to jansson, still valid */
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"x\":1.5}]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"x\":1e3}]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"caf\\u00e9\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"caf\xc3\xa9\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"a\\\"b\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1234567890123456789]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[-9223372036854775808]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[[[[[[[[[[[1]]]]]]]]]]]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"other\":1}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[-0, 0, 10]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"\":1}]}",
        "{\"target\":\"x\",\"type\":\"layout-event\",\"seq\":999999999999999999}",
        "{\"type\":\"ping\"}",
        "{\"type\":\"sleep\"}",
        "{\"type\":\"hello\",\"version\":1,\"extensions\":[\"patch\",\"seq\"]}",
        /* errors */
        "",
        "[]",
        "{}",
        "{\"type\":\"layout-event\"}",
        "{\"type\":\"layout-event\",\"target\":\"\"}",
        ("{\"type\":\"layout-event\"," /* one string (a target id too long) */
         "\"target\":\"0123456789012345678901234567890123456789012345678\"}"),
        "{\"type\":\"layout-event\",\"target\":7}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":{}}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1 2]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[01]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[tru]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[truex]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"a\":1,\"a\":2}]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\x01\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\xff\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"seq\":0}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"seq\":-3}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"seq\":1.0}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"seq\":99999999999999999999999}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"type\":\"layout-event\"}",
        "{\"type\":\"layout-event\",\"target\":\"x\"} x",
        "{\"type\":\"layout-event\",\"target\":\"x\"",
        "{\"type\":\"layout-event\",\"target\":\"x\",}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[,]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1,]}",
        "{\"type\":\"layout-evenT\",\"target\":\"x\"}",
        /* strings and numbers at the edges of what the fast reader decodes */
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\u0000\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"a\\u0000b\":1}]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\ud83d\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\ud83dx\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\ud83d\\u0041\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\ude00\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\uD83D\\uDE00\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\u12\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\u12g4\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\x\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\/\\b\\f\\r\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\x7f\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\xc0\x80\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\xe0\x80\x80\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\xed\xa0\x80\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\xf4\x90\x80\x80\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\xf0\x9f\x98\x80\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\xe2\x82\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"caf\xc3\xa9\":1,\"caf\\u00e9\":2}]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"\\n\":1,\"\\u000a\":2}]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[0.1, -2.5e-3, 1E+2, 1e-400, 0e0]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1e400]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[-1e400]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1.]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[.5]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1e]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1e+]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[01.5]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[-]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[0x10]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[Infinity]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":["
        "0.12345678901234567890123456789012345678901234567890123456789012345678901234567890]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"seq\":1e2}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[9223372036854775808]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[-9223372036854775809]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[12345678901234567890]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[99999999999999999999]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"a\":1,\"a\":2}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"x\":{\"b\":1,\"b\":1}}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[],\"data\":[]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"seq\":\"1\"}",
        "{\"type\":\"hello\",\"version\":1,\"resume\":{\"session\":\"s\",\"events\":[{\"target\":\"x\"}]}}",
        "{\"type\":\"hello\",\"version\":1,\"resume\":{\"session\":\"s\",\"events\":[1]}}",
        "{\"type\":\"hello\",\"version\":1,\"resume\":{\"session\":\"s\",\"events\":{}}}",
        "{\"type\":\"hello\",\"version\":1,\"resume\":{\"token\":\"t\"}}",
        "{\"type\":\"hello\",\"version\":1,\"resume\":{\"session\":\"s\",\"token\":1}}",
        "{\"type\":\"hello\",\"version\":1,\"location\":{\"pathname\":1}}",
        "{\"type\":\"hello\",\"version\":1,\"location\":[]}",
        "{\"type\":\"hello\",\"version\":1,\"extensions\":{}}",
        "{\"type\":\"hello\",\"version\":1001}",
        "{\"type\":\"hello\",\"version\":1.0}",
        "{\"type\":\"hello\"}",
        "{\"type\":\"hellO\",\"version\":1}",
        "{\"type\":7}",
        "{\"type\":\"ping\"} ",
        " {\"type\":\"ping\"}",
        "\xef\xbb\xbf{\"type\":\"ping\"}",
        "[{\"type\":\"ping\"}]",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rc_message m;
        if (parse_str(cases[i], &m) == 0) rc_message_free(&m);
    }
    /* Nesting one level deeper than jansson takes: refused by both. */
    rc_message m;
    rc_buf deep;
    rc_buf_init(&deep);
    rc_buf_append(&deep, "{\"type\":\"ping\",\"x\":", 19);
    for (int i = 0; i < 2048; i++) rc_buf_putc(&deep, '[');
    for (int i = 0; i < 2048; i++) rc_buf_putc(&deep, ']');
    rc_buf_putc(&deep, '}');
    assert_int_equal(parse_both(deep.data, deep.len, &m), -1);
    rc_buf_free(&deep);
    /* jansson's NUL: its lexer reads one byte past a number or a literal
     * and puts it back, and a NUL put back is lost, so one NUL right after
     * such a token is skipped; anywhere else a NUL ends the input. */
#define NUL_CASE(lit) \
    { lit, sizeof lit - 1 }
    static const struct {
        const char *bytes;
        size_t len;
    } nuls[] = {
        NUL_CASE("[1\0,2]"),
        NUL_CASE("[1\0]"),
        NUL_CASE("[1.5\0,2]"),
        NUL_CASE("[1e5\0]"),
        NUL_CASE("[12\0"
                 "3]"),
        NUL_CASE("[true\0]"),
        NUL_CASE("[null\0]"),
        NUL_CASE("[-0\0]"),
        NUL_CASE("[\"a\"\0]"),
        NUL_CASE("[1,\0 2]"),
        NUL_CASE("[\0 1]"),
        NUL_CASE("[-\0"
                 "1]"),
        NUL_CASE("[tr\0ue]"),
        NUL_CASE("[1\0x]"),
        NUL_CASE("[1.\0"
                 "5]"),
        NUL_CASE("[1\0\0]"),
        NUL_CASE("[{}\0]"),
        NUL_CASE("[0\0"
                 "1]"),
        NUL_CASE("[1\0 ]"),
        NUL_CASE("[false\0,{\"a\":1\0}]"),
    };
#undef NUL_CASE
    for (size_t i = 0; i < sizeof nuls / sizeof *nuls; i++) {
        char text[128];
        size_t n = (size_t)snprintf(text, sizeof text,
                                    "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":");
        memcpy(text + n, nuls[i].bytes, nuls[i].len);
        n += nuls[i].len;
        text[n++] = '}';
        if (parse_both(text, n, &m) == 0) rc_message_free(&m);
    }
    /* Embedded NUL bytes. */
    static const char nul[] = "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"a\0b\"]}";
    if (parse_both(nul, sizeof nul - 1, &m) == 0) rc_message_free(&m);
}

/* What the fast reader reads itself rather than leave to jansson (which
 * costs 7-25x as much, bench/parse): escapes, UTF-8, reals, DEL, integers
 * of 19 digits, keys nobody reads, hellos and their replayed events: every
 * valid message. Each is also read by both readers, which must agree. */
static void test_fast_reader_takes(void **state) {
    (void)state;
    static const char *cases[] = {
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"caf\\u00e9\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"caf\xc3\xa9\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"a\\\"b\\\\c\\/\\n\\t\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"\\ud83d\\ude00 \xf0\x9f\x98\x80\"]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"k\\u00e9y\\n\":\"\x7f\"}]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[{\"x\":1.5,\"y\":-2e-3}]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1E+2, 0.0, -0.5, 1e-400]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[1234567890123456789, "
        "-9223372036854775808, 9223372036854775807]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[0."
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890]}",
        "{\"type\":\"layout-event\",\"target\":\"x\",\"other\":[1,{\"a\":2}],\"more\":null}",
        "{\"type\":\"layout-event\",\"target\":\"\\u0041\"}",
        "{\"type\":\"ping\"}",
        "{\"type\":\"sleep\",\"why\":\"idle\"}",
        "{\"type\":\"hello\",\"version\":1,\"extensions\":[\"patch\",\"seq\"],"
        "\"location\":{\"pathname\":\"/caf\\u00e9\",\"search\":\"?q=1\"},"
        "\"resume\":{\"session\":\"abc\",\"token\":\"t\",\"events\":["
        "{\"type\":\"layout-event\",\"target\":\"x\",\"seq\":1,\"data\":[{\"value\":\"a\"}]},"
        "{\"target\":\"y\",\"seq\":2}]}}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rc_message m;
        memset(&m, 0, sizeof m);
        char err[160] = "";
        int took = rc_wire_parse_fast(cases[i], strlen(cases[i]), &m, err, sizeof err);
        rc_message_free(&m);
        if (took != 1) fail_msg("%s: not read (%d: %s)", cases[i], took, err);
        if (parse_str(cases[i], &m) == 0) rc_message_free(&m);
        else fail_msg("%s: refused", cases[i]);
    }
    rc_message m;
    /* Nesting as deep as jansson takes (2048 levels, the message
     * included), in a key nobody reads. */
    rc_buf deep;
    rc_buf_init(&deep);
    rc_buf_append(&deep, "{\"type\":\"ping\",\"x\":", 19);
    for (int i = 0; i < 2047; i++) rc_buf_putc(&deep, '[');
    for (int i = 0; i < 2047; i++) rc_buf_putc(&deep, ']');
    rc_buf_putc(&deep, '}');
    memset(&m, 0, sizeof m);
    char err[160] = "";
    assert_int_equal(rc_wire_parse_fast(deep.data, deep.len, &m, err, sizeof err), 1);
    rc_message_free(&m);
    assert_int_equal(parse_both(deep.data, deep.len, &m), 0);
    rc_message_free(&m);
    rc_buf_free(&deep);
    /* The values read. */
    assert_int_equal(parse_str(cases[2], &m), 0);
    const rc_value *s = rc_array_get(&m.data, 0);
    assert_int_equal(s->as.str.len, 8);
    assert_string_equal(rc_value_get_string(s, NULL), "a\"b\\c/\n\t");
    rc_message_free(&m);
    assert_int_equal(parse_str(cases[5], &m), 0);
    assert_true(rc_value_get_float(rc_object_get(rc_array_get(&m.data, 0), "x"), 0) == 1.5);
    assert_true(rc_value_get_float(rc_object_get(rc_array_get(&m.data, 0), "y"), 0) == -2e-3);
    rc_message_free(&m);
    assert_int_equal(parse_str(cases[7], &m), 0);
    assert_true(rc_value_get_int(rc_array_get(&m.data, 1), 0) == INT64_MIN);
    assert_true(rc_value_get_int(rc_array_get(&m.data, 2), 0) == INT64_MAX);
    rc_message_free(&m);
    assert_int_equal(parse_str(cases[13], &m), 0);
    assert_int_equal(m.type, RC_MSG_HELLO);
    assert_string_equal(m.pathname, "/caf\xc3\xa9");
    assert_string_equal(m.resume_session, "abc");
    assert_int_equal(m.nreplay, 2);
    assert_string_equal(m.replay[1].target, "y");
    assert_int_equal(m.replay[1].seq, 2);
    assert_string_equal(
        rc_value_get_string(rc_object_get(rc_array_get(&m.replay[0].data, 0), "value"), NULL), "a");
    rc_message_free(&m);
}

/* Every prefix of valid events: truncated input never gets through. */
static void test_prefixes(void **state) {
    (void)state;
    static const char *events[] = {
        "{\"type\":\"layout-event\",\"target\":\"AAAAAAAAAAA\",\"data\":[{\"a\":[1,true,null,"
        "{\"b\":\"c\"}],\"d\":-5}],\"seq\":3}",
        " { \"type\" : \"layout-event\" , \"target\" : \"q\" } ",
    };
    for (size_t e = 0; e < sizeof events / sizeof *events; e++) {
        size_t len = strlen(events[e]);
        for (size_t n = 0; n <= len; n++) {
            rc_message m;
            if (parse_both(events[e], n, &m) == 0) rc_message_free(&m);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* hello                                                                    */
/* ------------------------------------------------------------------------ */

#define HELLO "{\"type\":\"hello\",\"version\":1"

/* Reasons a hello is refused with. */
#define BAD_VERSION      "hello: \"version\" must be a positive integer"
#define BAD_EXTENSIONS   "hello: \"extensions\" must be an array"
#define BAD_LOCATION     "hello: \"location\" must be {pathname, search} strings"
#define BAD_RESUME       "hello: \"resume\" must be {session, secret, token} strings"
#define BAD_EVENTS       "hello: \"resume.events\" must be an array of at most 4096 events"
#define NO_SEQ           "hello: a replayed event has no seq"
#define EVENT_NOT_OBJECT "hello: a replayed event must be an object"

/* Parses text (both readers agree) and checks that it is a hello. */
static void parse_hello_ok(const char *text, rc_message *m) {
    if (parse_str(text, m) != 0) fail_msg("refused: %s", text);
    assert_int_equal(m->type, RC_MSG_HELLO);
}

/* Checks that text (len bytes) is refused by both readers with exactly
 * reason. err starts as a sentinel: a refusal that sets no reason shows. */
/* Refused by both readers, jansson with exactly `reason` and the fast
 * reader with the same one (assert_same_reason). */
static void assert_refused_n(const char *text, size_t len, const char *reason) {
    rc_message m;
    char err[160] = "(no reason set)";
    assert_int_equal(parse_both(text, len, &m), -1);
    assert_int_equal(rc_wire_parse_general(text, len, &m, err, sizeof err), -1);
    if (strcmp(err, reason) != 0)
        fail_msg("%.*s:\n  reason   %s\n  expected %s", (int)len, text, err, reason);
}

static void assert_refused(const char *text, const char *reason) {
    assert_refused_n(text, strlen(text), reason);
}

static void put(rc_buf *b, const char *text) { rc_buf_append(b, text, strlen(text)); }

/* A hello whose resume carries n events {"target":"t<k>","seq":<k+1>}. */
static void hello_with_events(rc_buf *b, size_t n) {
    char ev[64];
    rc_buf_reset(b);
    put(b, HELLO ",\"resume\":{\"session\":\"s\",\"events\":[");
    for (size_t k = 0; k < n; k++) {
        int len =
            snprintf(ev, sizeof ev, "%s{\"target\":\"t%zu\",\"seq\":%zu}", k ? "," : "", k, k + 1);
        rc_buf_append(b, ev, (size_t)len);
    }
    put(b, "]}}");
}

/* What reactc's client sends (client/src/index.ts, connection.ts), in the
 * order JSON.stringify writes it. */
static void test_hello_from_the_client(void **state) {
    (void)state;
    rc_message m;

    /* A new page. */
    parse_hello_ok(HELLO ",\"extensions\":[\"patch\",\"seq\"],"
                         "\"location\":{\"pathname\":\"/todo\",\"search\":\"?filter=open\"}}",
                   &m);
    assert_string_equal(m.pathname, "/todo");
    assert_string_equal(m.search, "?filter=open");
    assert_null(m.resume_session);
    assert_null(m.resume_token);
    assert_null(m.replay);
    assert_int_equal(m.nreplay, 0);
    rc_message_free(&m);

    /* A page that knows its session and token (docs/protocol.md). */
    parse_hello_ok(HELLO ",\"extensions\":[\"patch\",\"seq\"],"
                         "\"location\":{\"pathname\":\"/\",\"search\":\"\"},"
                         "\"resume\":{\"session\":\"lFJoz4ClG-x0mVihSvHG0w\","
                         "\"token\":\"ATmdAqPmvABogQyUUmjPgKUb7HSZWKFK8cbTBACL\"}}",
                   &m);
    assert_string_equal(m.pathname, "/");
    assert_string_equal(m.search, "");
    assert_string_equal(m.resume_session, "lFJoz4ClG-x0mVihSvHG0w");
    assert_string_equal(m.resume_token, "ATmdAqPmvABogQyUUmjPgKUb7HSZWKFK8cbTBACL");
    assert_null(m.resume_secret);
    assert_int_equal(m.nreplay, 0);
    rc_message_free(&m);

    /* With the session's secret (its proof of possession for re-attach). */
    parse_hello_ok(HELLO ",\"resume\":{\"session\":\"lFJoz4ClG-x0mVihSvHG0w\","
                         "\"secret\":\"q0Vv3sJ2Hq0sO0r3lYw2n0t8bKkq9Yb2nS4JtM1a3xE\"}}",
                   &m);
    assert_string_equal(m.resume_session, "lFJoz4ClG-x0mVihSvHG0w");
    assert_string_equal(m.resume_secret, "q0Vv3sJ2Hq0sO0r3lYw2n0t8bKkq9Yb2nS4JtM1a3xE");
    assert_null(m.resume_token);
    rc_message_free(&m);

    /* A session without a token yet (the client leaves token out), and
     * events it still holds, each a layout-event as it was sent. */
    parse_hello_ok(HELLO ",\"extensions\":[\"patch\",\"seq\"],"
                         "\"location\":{\"pathname\":\"/\",\"search\":\"\"},"
                         "\"resume\":{\"session\":\"lFJoz4ClG-x0mVihSvHG0w\",\"events\":["
                         "{\"type\":\"layout-event\",\"target\":\"G-AKKQvmeij\","
                         "\"data\":[{\"type\":\"click\"}],\"seq\":4},"
                         "{\"type\":\"layout-event\",\"target\":\"Qx1AKKQvmej\","
                         "\"data\":[{\"type\":\"change\",\"value\":\"caf\\u00e9\"}],\"seq\":5}]}}",
                   &m);
    assert_string_equal(m.resume_session, "lFJoz4ClG-x0mVihSvHG0w");
    assert_null(m.resume_token);
    assert_int_equal(m.nreplay, 2);
    assert_int_equal(m.replay[0].type, RC_MSG_EVENT);
    assert_string_equal(m.replay[0].target, "G-AKKQvmeij");
    assert_int_equal(m.replay[0].seq, 4);
    assert_string_equal(
        rc_value_get_string(rc_object_get(rc_array_get(&m.replay[0].data, 0), "type"), NULL),
        "click");
    assert_int_equal(m.replay[1].type, RC_MSG_EVENT);
    assert_string_equal(m.replay[1].target, "Qx1AKKQvmej");
    assert_int_equal(m.replay[1].seq, 5);
    assert_string_equal(
        rc_value_get_string(rc_object_get(rc_array_get(&m.replay[1].data, 0), "value"), NULL),
        "caf\xc3\xa9");
    rc_message_free(&m);
}

/* Everything a hello may leave out or say otherwise, and is accepted. */
static void test_hello_accepted_forms(void **state) {
    (void)state;
    rc_message m;

    /* Only type and version: no location, no resume. */
    parse_hello_ok(HELLO "}", &m);
    assert_null(m.pathname);
    assert_null(m.search);
    assert_null(m.resume_session);
    assert_null(m.resume_token);
    assert_int_equal(m.nreplay, 0);
    rc_message_free(&m);

    /* Keys in any order, whitespace, keys nobody reads. */
    parse_hello_ok(" { \"location\" : { \"search\" : \"?q\" } , \"version\" : 1 ,"
                   " \"future\" : [ 1 ] , \"type\" : \"hello\" } ",
                   &m);
    assert_null(m.pathname);
    assert_string_equal(m.search, "?q");
    rc_message_free(&m);

    /* version: any integer from 1 to 1000. */
    parse_hello_ok("{\"type\":\"hello\",\"version\":1000}", &m);
    rc_message_free(&m);
    parse_hello_ok("{\"type\":\"hello\",\"version\":2}", &m);
    rc_message_free(&m);

    /* extensions: any array; of its elements only the string "compact"
     * means something (compact models), wherever it is. */
    static const struct {
        const char *text;
        bool compact;
    } exts[] = {
        {HELLO ",\"extensions\":[]}", false},
        {HELLO ",\"extensions\":[\"patch\"]}", false},
        {HELLO ",\"extensions\":[\"zstd\",1,null,{},[]]}", false},
        {HELLO ",\"extensions\":[\"patch\",\"seq\",\"compact\"]}", true},
        {HELLO ",\"extensions\":[\"compact\",1,{}]}", true},
        {HELLO ",\"extensions\":[\"c\\u006fmpact\"]}", true}, /* an escape is the same string */
        {HELLO ",\"extensions\":[\"Compact\",\"compact \",\"compac\",[\"compact\"]]}", false},
        {HELLO ",\"extensions\":[{\"compact\":true}]}", false},
        {HELLO "}", false},
    };
    for (size_t i = 0; i < sizeof exts / sizeof *exts; i++) {
        parse_hello_ok(exts[i].text, &m);
        if (m.compact != exts[i].compact) fail_msg("%s: compact %d", exts[i].text, m.compact);
        rc_message_free(&m);
    }

    /* location: both keys optional, others ignored; strings kept as sent
     * (escapes decoded, UTF-8 as is). */
    parse_hello_ok(HELLO ",\"location\":{}}", &m);
    assert_null(m.pathname);
    assert_null(m.search);
    rc_message_free(&m);
    parse_hello_ok(HELLO ",\"location\":{\"pathname\":\"/caf\\u00e9/\xe2\x82\xac\","
                         "\"hash\":\"#x\"}}",
                   &m);
    assert_string_equal(m.pathname, "/caf\xc3\xa9/\xe2\x82\xac");
    assert_null(m.search);
    rc_message_free(&m);

    /* resume: session alone; an empty session; the longest (64); a long
     * token (its size is the token layer's to check); events empty. */
    parse_hello_ok(HELLO ",\"resume\":{\"session\":\"abc\"}}", &m);
    assert_string_equal(m.resume_session, "abc");
    assert_null(m.resume_token);
    rc_message_free(&m);
    parse_hello_ok(HELLO ",\"resume\":{\"session\":\"\"}}", &m);
    assert_string_equal(m.resume_session, "");
    rc_message_free(&m);
    parse_hello_ok(HELLO ",\"resume\":{\"session\":"
                         "\"0123456789012345678901234567890123456789012345678901234567890123\"}}",
                   &m);
    assert_int_equal(strlen(m.resume_session), 64);
    rc_message_free(&m);
    rc_buf b;
    rc_buf_init(&b);
    put(&b, HELLO ",\"resume\":{\"session\":\"s\",\"token\":\"");
    for (size_t i = 0; i < 20000; i++) rc_buf_putc(&b, 'A');
    put(&b, "\"}}");
    parse_hello_ok(rc_buf_cstr(&b), &m);
    assert_int_equal(strlen(m.resume_token), 20000);
    rc_message_free(&m);
    parse_hello_ok(HELLO ",\"resume\":{\"session\":\"s\",\"events\":[]}}", &m);
    assert_int_equal(m.nreplay, 0);
    rc_message_free(&m);

    /* A replayed event: read as a layout-event whatever its type says (or
     * without one); no data is an empty array. */
    parse_hello_ok(HELLO
                   ",\"resume\":{\"session\":\"s\",\"events\":["
                   "{\"target\":\"x\",\"seq\":9},{\"type\":\"ping\",\"target\":\"y\",\"seq\":1}]}}",
                   &m);
    assert_int_equal(m.nreplay, 2);
    assert_string_equal(m.replay[0].target, "x");
    assert_int_equal(m.replay[0].seq, 9);
    assert_int_equal(m.replay[0].data.kind, RC_ARRAY);
    assert_int_equal(rc_array_count(&m.replay[0].data), 0);
    assert_int_equal(m.replay[1].type, RC_MSG_EVENT);
    assert_string_equal(m.replay[1].target, "y");
    rc_message_free(&m);

    /* The most events a hello may carry: 4096. */
    hello_with_events(&b, RC_WIRE_MAX_REPLAY);
    parse_hello_ok(rc_buf_cstr(&b), &m);
    assert_int_equal(m.nreplay, RC_WIRE_MAX_REPLAY);
    assert_string_equal(m.replay[4095].target, "t4095");
    assert_int_equal(m.replay[4095].seq, 4096);
    rc_message_free(&m);
    rc_buf_free(&b);
}

/* Each way a hello is refused, with its reason. */
static void test_hello_refused(void **state) {
    (void)state;

    /* version: missing, not an integer, out of 1..1000. */
    assert_refused("{\"type\":\"hello\"}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":\"1\"}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":1.0}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":true}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":null}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":[1]}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":0}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":-1}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":1001}", BAD_VERSION);
    assert_refused("{\"type\":\"hello\",\"version\":9223372036854775807}", BAD_VERSION);

    /* extensions: present but not an array. */
    assert_refused(HELLO ",\"extensions\":\"patch\"}", BAD_EXTENSIONS);
    assert_refused(HELLO ",\"extensions\":{\"patch\":true}}", BAD_EXTENSIONS);
    assert_refused(HELLO ",\"extensions\":null}", BAD_EXTENSIONS);
    assert_refused(HELLO ",\"extensions\":1}", BAD_EXTENSIONS);

    /* location: not an object, or pathname/search not strings. */
    assert_refused(HELLO ",\"location\":\"/todo\"}", BAD_LOCATION);
    assert_refused(HELLO ",\"location\":[\"/todo\"]}", BAD_LOCATION);
    assert_refused(HELLO ",\"location\":null}", BAD_LOCATION);
    assert_refused(HELLO ",\"location\":{\"pathname\":1}}", BAD_LOCATION);
    assert_refused(HELLO ",\"location\":{\"pathname\":null}}", BAD_LOCATION);
    assert_refused(HELLO ",\"location\":{\"pathname\":\"/\",\"search\":false}}", BAD_LOCATION);
    assert_refused(HELLO ",\"location\":{\"search\":[]}}", BAD_LOCATION);

    /* resume: not an object; session missing, not a string or longer than
     * 64; token not a string. */
    assert_refused(HELLO ",\"resume\":\"abc\"}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":[\"abc\"]}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":null}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{}}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{\"token\":\"t\"}}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{\"session\":12}}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{\"session\":null}}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{\"session\":"
                         "\"01234567890123456789012345678901234567890123456789012345678901234\"}}",
                   BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"token\":1}}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"token\":null}}", BAD_RESUME);
    /* secret: not a string, or longer than 64 (a real one has 43). */
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"secret\":1}}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"secret\":null}}", BAD_RESUME);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"secret\":"
                         "\"01234567890123456789012345678901234567890123456789012345678901234\"}}",
                   BAD_RESUME);

    /* resume.events: not an array, or more than 4096 events. */
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":{}}}", BAD_EVENTS);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":null}}", BAD_EVENTS);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":\"x\"}}", BAD_EVENTS);
    rc_buf b;
    rc_buf_init(&b);
    hello_with_events(&b, RC_WIRE_MAX_REPLAY + 1);
    assert_refused_n(b.data, b.len, BAD_EVENTS);
    rc_buf_free(&b);

    /* A replayed event that is not an object. Regression: it was refused
     * with no reason written, so the server logged and sent whatever its
     * uninitialised error buffer held. */
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":[1]}}", EVENT_NOT_OBJECT);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":[null]}}", EVENT_NOT_OBJECT);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":["
                         "{\"target\":\"x\",\"seq\":1},[\"y\"]]}}",
                   EVENT_NOT_OBJECT);

    /* A replayed event: without seq, or refused as a layout-event would
     * be (the reason is the layout-event's). */
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":[{\"target\":\"x\"}]}}",
                   NO_SEQ);
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":["
                         "{\"target\":\"x\",\"seq\":1},{\"target\":\"y\"}]}}",
                   NO_SEQ);
    assert_refused(HELLO
                   ",\"resume\":{\"session\":\"s\",\"events\":[{\"target\":\"x\",\"seq\":0}]}}",
                   "layout-event: \"seq\" must be a positive integer");
    assert_refused(HELLO
                   ",\"resume\":{\"session\":\"s\",\"events\":[{\"target\":\"x\",\"seq\":\"1\"}]}}",
                   "layout-event: \"seq\" must be a positive integer");
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":[{\"seq\":1}]}}",
                   "layout-event: \"target\" must be a short non-empty string");
    assert_refused(HELLO
                   ",\"resume\":{\"session\":\"s\",\"events\":[{\"target\":\"\",\"seq\":1}]}}",
                   "layout-event: \"target\" must be a short non-empty string");
    assert_refused(
        HELLO ",\"resume\":{\"session\":\"s\",\"events\":["
              "{\"target\":\"0123456789012345678901234567890123456789012345678\",\"seq\":1}]}}",
        "layout-event: \"target\" must be a short non-empty string");
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":["
                         "{\"target\":\"x\",\"data\":{},\"seq\":1}]}}",
                   "layout-event: \"data\" must be an array");
    /* Event data nested deeper than RC_WIRE_MAX_DEPTH (32): the array is
     * level 1, each array inside one more; 31 inside are accepted. */
    rc_buf_init(&b);
    for (int inner = 31; inner <= 32; inner++) {
        rc_message m;
        rc_buf_reset(&b);
        put(&b, HELLO ",\"resume\":{\"session\":\"s\",\"events\":[{\"target\":\"x\",\"seq\":1,"
                      "\"data\":[");
        for (int i = 0; i < inner; i++) rc_buf_putc(&b, '[');
        for (int i = 0; i < inner; i++) rc_buf_putc(&b, ']');
        put(&b, "]}]}}");
        if (inner == 31) {
            parse_hello_ok(rc_buf_cstr(&b), &m);
            rc_message_free(&m);
        } else {
            assert_refused_n(b.data, b.len, "nesting deeper than 32");
        }
    }
    rc_buf_free(&b);

    /* The first problem in the order version, extensions, location, resume
     * is the reason, whatever the order of the keys. */
    assert_refused(
        "{\"resume\":1,\"location\":1,\"extensions\":1,\"version\":0,\"type\":\"hello\"}",
        BAD_VERSION);
    assert_refused(
        "{\"resume\":1,\"location\":1,\"extensions\":1,\"version\":1,\"type\":\"hello\"}",
        BAD_EXTENSIONS);
    assert_refused("{\"resume\":1,\"location\":1,\"version\":1,\"type\":\"hello\"}", BAD_LOCATION);

    /* Duplicate keys, at any level: the JSON itself is refused (jansson's
     * reason, with the position). */
    assert_refused("{\"type\":\"hello\",\"type\":\"hello\",\"version\":1}",
                   "invalid JSON at 1:22: duplicate object key near '\"type\"'");
    assert_refused(HELLO ",\"version\":1}",
                   "invalid JSON at 1:37: duplicate object key near '\"version\"'");
    assert_refused(HELLO ",\"location\":{\"pathname\":\"/\",\"pathname\":\"/a\"}}",
                   "invalid JSON at 1:65: duplicate object key near '\"pathname\"'");
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"session\":\"t\"}}",
                   "invalid JSON at 1:61: duplicate object key near '\"session\"'");
    assert_refused(HELLO ",\"resume\":{\"session\":\"s\",\"events\":[{\"target\":\"x\",\"seq\":1,"
                         "\"seq\":2}]}}",
                   "invalid JSON at 1:89: duplicate object key near '\"seq\"'");
    /* A NUL in a string (it would cut the pathname short): refused by the
     * JSON reader. */
    assert_refused(HELLO ",\"location\":{\"pathname\":\"a\\u0000b\"}}",
                   "invalid JSON at 1:61: \\u0000 is not allowed without JSON_ALLOW_NUL "
                   "near '\"a\\u0000b\"'");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hot_shape),
        cmocka_unit_test(test_event_data),
        cmocka_unit_test(test_agreement),
        cmocka_unit_test(test_fast_reader_takes),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_hello_from_the_client),
        cmocka_unit_test(test_hello_accepted_forms),
        cmocka_unit_test(test_hello_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
