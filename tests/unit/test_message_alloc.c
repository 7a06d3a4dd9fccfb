/*
 * test_message_alloc.c — what a message costs the allocator: its values are
 * built in one arena per message (src/wire/message.h), so reading a message
 * of tens of thousands of values takes a few dozen allocations (the arena's
 * chunks and the reader's scratch stacks), not one or two per value, key
 * and string; and freeing it takes as few.
 *
 * The cost of a malloc per value is what made a message of small nested
 * objects parse ~7x slower than a flat array of the same length
 * (bench/parse measures the time; this counts the calls, which is
 * deterministic). The calls are counted by wrapping malloc, calloc, realloc
 * and free at link time (-Wl,--wrap, tests/unit/CMakeLists.txt): every call
 * made by reactc's code, not by jansson's (a shared library).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/buf.h"
#include "wire/message.h"
#include "wire/message_fast.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);

static size_t allocs, frees;

void *__wrap_malloc(size_t size) {
    allocs++;
    return __real_malloc(size);
}
void *__wrap_calloc(size_t n, size_t size) {
    allocs++;
    return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t size) {
    allocs++;
    return __real_realloc(p, size);
}
void __wrap_free(void *p) {
    if (p) frees++;
    __real_free(p);
}

static void put(rc_buf *b, const char *text) { rc_buf_append(b, text, strlen(text)); }

/* A layout-event of about 400 KB whose data repeats `unit`, and the number
 * of values it holds. */
static size_t event_of(rc_buf *b, const char *head, const char *unit) {
    rc_buf_reset(b);
    put(b, head);
    while (b->len < 400000) {
        put(b, unit);
        put(b, ",");
    }
    put(b, "0],\"seq\":1}");
    return rc_wire_count_values(b->data, b->len, SIZE_MAX);
}

#define EVENT "{\"type\":\"layout-event\",\"target\":\"AAAAAAAAAAA\",\"data\":["

/* Messages of every shape bench/parse times: objects nested 30 deep, arrays
 * nested 30 deep, strings, strings with escapes, reals, wide objects. */
static const char *const units[] = {
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
    "\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
    "\"a\":{\"a\":{\"a\":{\"a\":0}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}",
    "[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,"
    "[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,"
    "[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,"
    "[12345678,[12345678,[12345678,[12345678,[12345678,[12345678,0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "\"ab\"",
    "\"\\n\\\"\\u00e9\\ud83d\\ude00\\\\\\t\"",
    "-1.5e3",
    "{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9}",
};

/* Each shape through both readers: the allocations and frees of reactc's
 * own code stay under one per thousand values (and a few dozen in all). */
static void test_few_allocations_per_message(void **state) {
    (void)state;
    rc_buf b;
    rc_buf_init(&b);
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        size_t values = event_of(&b, EVENT, units[u]);
        assert_true(values > 10000 && values <= RC_WIRE_MAX_VALUES);
        for (int general = 0; general < 2; general++) {
            rc_message m;
            char err[160] = "";
            allocs = frees = 0;
            int rc = general ? rc_wire_parse_general(b.data, b.len, &m, err, sizeof err)
                             : rc_wire_parse(b.data, b.len, &m, err, sizeof err);
            size_t parse_allocs = allocs;
            if (rc != 0) fail_msg("shape %zu: refused: %s", u, err);
            assert_true(rc_array_count(&m.data) > 1000);
            size_t before_free = frees;
            rc_message_free(&m);
            size_t message_frees = frees - before_free;
            print_message("shape %zu, %s: %zu values, %zu allocations, %zu frees at free\n", u,
                          general ? "jansson" : "rc_wire_parse", values, parse_allocs,
                          message_frees);
            if (parse_allocs > 64 || message_frees > 64)
                fail_msg("shape %zu (%s): %zu values took %zu allocations and %zu frees", u,
                         general ? "jansson" : "rc_wire_parse", values, parse_allocs,
                         message_frees);
        }
    }
    rc_buf_free(&b);
}

/* The fast reader's own scratch: an event of a few values costs the arena's
 * one chunk and nothing else. */
static void test_small_event_one_allocation(void **state) {
    (void)state;
    static const char click[] =
        "{\"type\":\"layout-event\",\"target\":\"AAAAAAAAAAA\",\"data\":[{\"type\":\"click\","
        "\"clientX\":12,\"clientY\":30.5,\"target\":{\"tagName\":\"BUTTON\",\"value\":\"caf\\u00e9\"},"
        "\"shiftKey\":false}],\"seq\":3}";
    rc_message m;
    char err[160] = "";
    allocs = frees = 0;
    assert_int_equal(rc_wire_parse(click, sizeof click - 1, &m, err, sizeof err), 0);
    assert_int_equal(allocs, 1);
    assert_string_equal(
        rc_value_get_string(
            rc_object_get(rc_object_get(rc_array_get(&m.data, 0), "target"), "value"), NULL),
        "caf\xc3\xa9");
    rc_message_free(&m);
    assert_int_equal(frees, 1);
}

/* jansson's own allocations, through its allocator hooks. */
static size_t jansson_allocs;
static void *jansson_malloc(size_t size) {
    jansson_allocs++;
    return malloc(size);
}
static void jansson_free(void *p) { free(p); }

/* A refused message costs no jansson parse: the fast reader words the
 * reason itself (jansson built its whole tree first, then refused: 20-26x
 * a flat array of the same length, for messages refused at their end). */
static void test_refusal_without_jansson(void **state) {
    (void)state;
    static const char *const ends[] = {
        "0],\"seq\":1} x",                           /* bytes after the message */
        "0],\"seq\":0}",                             /* a rule of the protocol */
        "0],\"seq\":1,\"seq\":2}",                   /* a duplicate key */
        "0],\"seq\":1,\"x\":\"\\u0000\"}",           /* a NUL in a string */
        "0],\"seq\":1,\"x\":123456789012345678901}", /* too big an integer */
        "0],\"seq\":1,\"x\":1e999}",                 /* too big a real */
        "0],\"seq\":1",                              /* cut short */
    };
    rc_buf b;
    rc_buf_init(&b);
    json_set_alloc_funcs(jansson_malloc, jansson_free);
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        rc_buf_reset(&b);
        put(&b, EVENT);
        while (b.len < 100000) put(&b, units[0]), put(&b, ",");
        put(&b, ends[i]);
        rc_message m;
        char err[160] = "", gerr[160] = "";
        jansson_allocs = 0;
        assert_int_equal(rc_wire_parse(b.data, b.len, &m, err, sizeof err), -1);
        size_t fast = jansson_allocs;
        assert_int_equal(rc_wire_parse_general(b.data, b.len, &m, gerr, sizeof gerr), -1);
        size_t general = jansson_allocs - fast;
        print_message("%s: %zu jansson allocations (jansson alone: %zu): %s\n", ends[i], fast,
                      general, err);
        assert_true(err[0] != '\0');
        assert_int_equal(fast, 0);
        assert_true(general > 1000); /* the hook sees jansson's work */
    }
    json_set_alloc_funcs(malloc, free);
    rc_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_few_allocations_per_message),
        cmocka_unit_test(test_small_event_one_allocation),
        cmocka_unit_test(test_refusal_without_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
