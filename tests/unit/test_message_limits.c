/*
 * test_message_limits.c — what hostile messages cost: reading any message
 * is linear in its size, and a message is refused past RC_WIRE_MAX_VALUES.
 *
 * Linear time is checked by counting work, not by timing it: every key
 * comparison made by object lookups and duplicate checks adds one to
 * rc_object_key_compares (core/value_build.h). Building a 40,000-key object
 * by searching before each insertion makes n² / 2 = 800,000,000 of them;
 * appending and hashing once makes at most a few per key. The count is
 * deterministic up to hash collisions (a seeded 64-bit hash: expected
 * none), so the bound below (2 per key) has a wide margin either way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/value_build.h"
#include "reactc_layout.h"
#include "util/buf.h"
#include "wire/message.h"
#include "wire/message_fast.h"

#define KEYS 40000

static void put(rc_buf *b, const char *text) { rc_buf_append(b, text, strlen(text)); }

#define EVENT_HEAD "{\"type\":\"layout-event\",\"target\":\"AAAAAAAAAAA\",\"data\":["
#define EVENT_TAIL "],\"seq\":1}"

/* A layout-event whose data is [{"k00000":<v>, ... n keys}], the last key
 * repeated if dup. */
static void big_object_event(rc_buf *b, size_t n, const char *v, bool dup) {
    char k[48];
    rc_buf_reset(b);
    put(b, EVENT_HEAD "{");
    for (size_t i = 0; i < n; i++) {
        snprintf(k, sizeof k, "%s\"k%05zu\":%s", i ? "," : "", dup && i == n - 1 ? i - 1 : i, v);
        put(b, k);
    }
    put(b, "}" EVENT_TAIL);
}

/* Parses b with reader (rc_wire_parse or rc_wire_parse_general) and returns
 * the key comparisons it made; checks the result. */
static size_t compares_of(int (*reader)(const char *, size_t, rc_message *, char *, size_t),
                          rc_buf *b, bool ok) {
    rc_message m;
    char err[160] = "";
    rc_object_key_compares = 0;
    int rc = reader(b->data, b->len, &m, err, sizeof err);
    size_t n = rc_object_key_compares;
    if (ok) {
        if (rc != 0) fail_msg("refused: %s", err);
        assert_int_equal(rc_object_count(rc_array_get(&m.data, 0)), KEYS);
        assert_non_null(rc_object_get(rc_array_get(&m.data, 0), "k39999"));
        rc_message_free(&m);
    } else {
        assert_int_equal(rc, -1);
        assert_non_null(strstr(err, "duplicate object key"));
    }
    return n;
}

/* The review's message: a 40,000-key object in a layout-event's data, read
 * by rc_wire_parse and by jansson (rc_wire_parse_general), with integer
 * and real values, and
 * with a duplicate key at the end (refused). */
static void test_big_object_is_linear(void **state) {
    (void)state;
    rc_buf b;
    rc_buf_init(&b);
    const char *values[] = {"0", "0.5"};
    for (int v = 0; v < 2; v++) {
        for (int dup = 0; dup < 2; dup++) {
            big_object_event(&b, KEYS, values[v], dup);
            size_t fast = compares_of(rc_wire_parse, &b, !dup);
            size_t general = compares_of(rc_wire_parse_general, &b, !dup);
            print_message("values %s, duplicate %d: %zu and %zu key comparisons\n", values[v], dup,
                          fast, general);
            /* The lookup of "k39999" above is not counted: it runs after. */
            assert_true(fast <= 2 * KEYS);
            assert_true(general <= 2 * KEYS);
        }
    }
    rc_buf_free(&b);
}

/* Equal objects in the same order compare member by member. */
static void test_equal_big_objects_is_linear(void **state) {
    (void)state;
    rc_value a = {0}, c = {0};
    char k[16];
    for (int i = 0; i < KEYS; i++) {
        snprintf(k, sizeof k, "k%05d", i);
        rc_value_set_int(rc_object_append(&a, k, strlen(k)), i);
    }
    rc_value_copy(&c, &a);
    rc_object_key_compares = 0;
    assert_true(rc_value_equal(&a, &c));
    assert_true(rc_object_key_compares <= 2 * KEYS);
    rc_value_set_int(rc_object_get(&c, "k39999"), -1);
    rc_object_key_compares = 0;
    assert_false(rc_value_equal(&a, &c));
    assert_true(rc_object_key_compares <= 2 * KEYS + KEYS);
    rc_value_free(&a);
    rc_value_free(&c);
}

/* rc_wire_count_values: the exact count for valid JSON. */
static void test_count_values(void **state) {
    (void)state;
    static const struct {
        const char *text;
        size_t values;
    } cases[] = {
        {"1", 1},
        {"[]", 1},
        {"[ \n]", 1},
        {"{}", 1},
        {"[[],{}]", 3},
        {"{\"a\":[1,2]}", 4},
        {"{\"a\":1,\"b\":2,\"c\":3}", 4},
        {"[\"[,\\\"{:\", 1]", 3},
        {"{\"a\":{\"b\":[1,{\"c\":2}]}}", 6},
        {"[\"\\\\\",[1,2,[3]]]", 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = rc_wire_count_values(cases[i].text, strlen(cases[i].text), 1000);
        if (n != cases[i].values)
            fail_msg("%s: %zu values counted, %zu expected", cases[i].text, n, cases[i].values);
    }
}

/* A layout-event of n values in all: the message object, type, target,
 * data, seq (5) and n - 5 items of data, each `item`. */
static void event_of_values(rc_buf *b, size_t n, const char *item) {
    rc_buf_reset(b);
    put(b, EVENT_HEAD);
    for (size_t i = 0; i + 5 < n; i++) {
        if (i) rc_buf_putc(b, ',');
        put(b, item);
    }
    put(b, EVENT_TAIL);
}

#define OVER "message has more than 100000 values"

static void assert_over(rc_buf *b) {
    rc_message m;
    char err[160] = "(no reason set)", gerr[160] = "(no reason set)";
    assert_int_equal(rc_wire_parse(b->data, b->len, &m, err, sizeof err), -1);
    assert_string_equal(err, OVER);
    assert_int_equal(rc_wire_parse_general(b->data, b->len, &m, gerr, sizeof gerr), -1);
    assert_string_equal(gerr, OVER);
}

/* Exactly RC_WIRE_MAX_VALUES values are read, by the fast reader and by
 * jansson, integers and reals;
 * one more is refused with its reason by both. */
static void test_value_cap(void **state) {
    (void)state;
    rc_buf b;
    rc_buf_init(&b);
    const char *items[] = {"0", "0.5"};
    for (int i = 0; i < 2; i++) {
        rc_message m;
        char err[160] = "";
        event_of_values(&b, RC_WIRE_MAX_VALUES, items[i]);
        assert_int_equal(rc_wire_count_values(b.data, b.len, SIZE_MAX), RC_WIRE_MAX_VALUES);
        memset(&m, 0, sizeof m);
        assert_int_equal(rc_wire_parse_fast(b.data, b.len, &m, err, sizeof err), 1);
        rc_message_free(&m);
        for (int general = 0; general < 2; general++) {
            int rc = general ? rc_wire_parse_general(b.data, b.len, &m, err, sizeof err)
                             : rc_wire_parse(b.data, b.len, &m, err, sizeof err);
            if (rc != 0) fail_msg("%s items, general %d: refused: %s", items[i], general, err);
            assert_int_equal(rc_array_count(&m.data), RC_WIRE_MAX_VALUES - 5);
            rc_message_free(&m);
        }
        event_of_values(&b, RC_WIRE_MAX_VALUES + 1, items[i]);
        assert_over(&b);
    }
    /* Nested and in object members count the same. */
    event_of_values(&b, RC_WIRE_MAX_VALUES / 2 + 3, "{\"a\":[]}");
    assert_over(&b);
    /* A hello counts its replayed events' values too. */
    rc_buf_reset(&b);
    put(&b, "{\"type\":\"hello\",\"version\":1,\"resume\":{\"session\":\"s\",\"events\":["
            "{\"target\":\"x\",\"seq\":1,\"data\":[");
    for (size_t i = 0; i < RC_WIRE_MAX_VALUES; i++) put(&b, i ? ",0" : "0");
    put(&b, "]}]}}");
    assert_over(&b);
    /* The refusal reaches the session as an error and close 1008
     * (tests/e2e/server_parse.test.mjs). */
    rc_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_big_object_is_linear),
        cmocka_unit_test(test_equal_big_objects_is_linear),
        cmocka_unit_test(test_count_values),
        cmocka_unit_test(test_value_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
