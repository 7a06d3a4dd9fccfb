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

#include "reactc.h"
#include "wire/message.h"

/* Parses text both ways and checks that the results agree; returns the
 * result code. */
static int parse_both(const char *text, size_t len, rc_message *out)
{
    rc_message g;
    char err_fast[160] = "", err_general[160] = "";
    int rf = rc_wire_parse(text, len, out, err_fast, sizeof err_fast);
    int rg = rc_wire_parse_general(text, len, &g, err_general, sizeof err_general);
    if (rf != rg)
        fail_msg("%.*s: rc_wire_parse %d, general %d (%s)", (int)len, text, rf, rg,
                 rf < 0 ? err_fast : err_general);
    if (rf < 0) {
        assert_string_equal(err_fast, err_general);
        return rf;
    }
    assert_int_equal(out->type, g.type);
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

static int parse_str(const char *text, rc_message *out)
{
    return parse_both(text, strlen(text), out);
}

static void test_hot_shape(void **state)
{
    (void)state;
    rc_message m;
    assert_int_equal(parse_str("{\"type\":\"layout-event\",\"target\":\"AAAAAAAAAAA\","
                               "\"data\":[{}],\"seq\":7}", &m), 0);
    assert_int_equal(m.type, RC_MSG_EVENT);
    assert_string_equal(m.target, "AAAAAAAAAAA");
    assert_int_equal(m.seq, 7);
    assert_int_equal(rc_array_len(&m.data), 1);
    assert_int_equal(rc_array_at(&m.data, 0)->kind, RC_OBJECT);
    assert_int_equal(rc_object_len(rc_array_at(&m.data, 0)), 0);
    rc_message_free(&m);
}

static void test_event_data(void **state)
{
    (void)state;
    rc_message m;
    /* What the browser client sends for a change event, in another order
     * and with whitespace. */
    assert_int_equal(parse_str(" { \"seq\" : 12 , \"data\" : [ { \"type\" : \"change\", "
                               "\"value\" : \"hi there\", \"checked\": false, \"n\": -42, "
                               "\"z\": null, \"t\": true, \"target\": {\"tagName\":\"INPUT\","
                               "\"id\":\"t\"}, \"list\": [1, [2, []], {}] } ], "
                               "\"target\" : \"x\", \"type\" : \"layout-event\" }\n", &m), 0);
    const rc_value *d = rc_array_at(&m.data, 0);
    assert_string_equal(rc_value_string(rc_object_get(d, "value"), NULL), "hi there");
    assert_int_equal(rc_value_int(rc_object_get(d, "n"), 0), -42);
    assert_int_equal(rc_object_get(d, "z")->kind, RC_NULL);
    assert_true(rc_value_bool(rc_object_get(d, "t"), false));
    assert_false(rc_value_bool(rc_object_get(d, "checked"), true));
    assert_string_equal(rc_value_string(rc_object_get(rc_object_get(d, "target"), "id"), NULL),
                        "t");
    assert_int_equal(m.seq, 12);
    rc_message_free(&m);

    /* No data: an empty array. No seq: 0. */
    assert_int_equal(parse_str("{\"type\":\"layout-event\",\"target\":\"x\"}", &m), 0);
    assert_int_equal(m.data.kind, RC_ARRAY);
    assert_int_equal(rc_array_len(&m.data), 0);
    assert_int_equal(m.seq, 0);
    rc_message_free(&m);
}

/* Inputs at the edges of the fast reader's subset, and errors: whichever
 * reader takes them, the answer is jansson's. */
static void test_agreement(void **state)
{
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
        ("{\"type\":\"layout-event\","        /* one string (a target id too long) */
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
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rc_message m;
        if (parse_str(cases[i], &m) == 0) rc_message_free(&m);
    }
    /* Embedded NUL bytes. */
    static const char nul[] = "{\"type\":\"layout-event\",\"target\":\"x\",\"data\":[\"a\0b\"]}";
    rc_message m;
    if (parse_both(nul, sizeof nul - 1, &m) == 0) rc_message_free(&m);
}

/* Every prefix of valid events: truncated input never gets through. */
static void test_prefixes(void **state)
{
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hot_shape),
        cmocka_unit_test(test_event_data),
        cmocka_unit_test(test_agreement),
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
