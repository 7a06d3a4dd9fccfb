/*
 * Unit tests for rc_textf and rc_attrf (src/core/format.c): the formats
 * written without vsnprintf come out exactly as printf writes them (the
 * oracle is snprintf itself, over random values), and the others still go
 * to vsnprintf.
 *
 * Leaks and use-after-free are caught by running this program under ASan or
 * valgrind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <setjmp.h>
#include <cmocka.h>

#include "reactc_layout.h"

#include "harness.h"
#include "hook_helpers.h"
#include "layout_driver.h"
#include "strlog.h"

/* rc_textf and rc_attrf write a lone number or string without vsnprintf
 * (builder.c): the text must be exactly what printf writes. */
static void Fmt(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "i", .id = "d1") { rc_textf(ctx, "%d", INT_MIN); }
        RC_EL(ctx, "i", .id = "d2") { rc_textf(ctx, "%d", 0); }
        RC_EL(ctx, "i", .id = "d3") { rc_textf(ctx, "%d", INT_MAX); }
        RC_EL(ctx, "i", .id = "ld") { rc_textf(ctx, "%ld", LONG_MIN); }
        RC_EL(ctx, "i", .id = "lld1") { rc_textf(ctx, "%lld", LLONG_MIN); }
        RC_EL(ctx, "i", .id = "lld2") { rc_textf(ctx, "%lld", -7LL); }
        RC_EL(ctx, "i", .id = "u") { rc_textf(ctx, "%u", UINT_MAX); }
        RC_EL(ctx, "i", .id = "lu") { rc_textf(ctx, "%lu", ULONG_MAX); }
        RC_EL(ctx, "i", .id = "llu") { rc_textf(ctx, "%llu", ULLONG_MAX); }
        RC_EL(ctx, "i", .id = "zu") { rc_textf(ctx, "%zu", (size_t)12345); }
        RC_EL(ctx, "i", .id = "s") { rc_textf(ctx, "%s", "plain"); }
        RC_EL(ctx, "i", .id = "mixed") { rc_textf(ctx, "%d%%", 5); }
        RC_EL(ctx, "i", .id = "attr") { rc_attrf(ctx, "data-n", "%lld", 42LL); }
    }
}
static RC_COMPONENT(Fmt);

static void test_textf_formats(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Fmt_component, NULL, 0);
    flush_commit(l);
    char want[64];
    snprintf(want, sizeof want, "%d", INT_MIN);
    assert_string_equal(text_of(l, "d1"), want);
    assert_string_equal(text_of(l, "d2"), "0");
    snprintf(want, sizeof want, "%d", INT_MAX);
    assert_string_equal(text_of(l, "d3"), want);
    snprintf(want, sizeof want, "%ld", LONG_MIN);
    assert_string_equal(text_of(l, "ld"), want);
    assert_string_equal(text_of(l, "lld1"), "-9223372036854775808");
    assert_string_equal(text_of(l, "lld2"), "-7");
    snprintf(want, sizeof want, "%u", UINT_MAX);
    assert_string_equal(text_of(l, "u"), want);
    snprintf(want, sizeof want, "%lu", ULONG_MAX);
    assert_string_equal(text_of(l, "lu"), want);
    assert_string_equal(text_of(l, "llu"), "18446744073709551615");
    assert_string_equal(text_of(l, "zu"), "12345");
    assert_string_equal(text_of(l, "s"), "plain");
    assert_string_equal(text_of(l, "mixed"), "5%");
    const rc_node *attr = find(l, "attr");
    assert_non_null(attr);
    bool found = false;
    for (size_t i = 0; i < rc_node_count_attrs(attr); i++) {
        if (strcmp(rc_node_get_attr_name(attr, i), "data-n") == 0) {
            assert_string_equal(rc_node_get_attr_value(attr, i), "42");
            found = true;
        }
    }
    assert_true(found);
    expect_no_errors();
    free_layout(l);
}

/* Random values through every conversion format.c writes itself, beside
 * formats it must leave to vsnprintf (flags, width, precision, %x, %zd), and
 * texts longer than its 256-byte buffer. */
enum { NFMT = 240 };
static struct {
    int i[NFMT];
    long l[NFMT];
    long long ll[NFMT];
    unsigned u[NFMT];
    unsigned long ul[NFMT];
    unsigned long long ull[NFMT];
    size_t z[NFMT];
    char s[NFMT][320];
    char c[NFMT];
} V;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Extremes half the time, anything the other half. */
static uint64_t pick(uint64_t lo, uint64_t hi) {
    switch (rnd() % 6) {
    case 0: return lo;
    case 1: return hi;
    case 2: return 0;
    default: return rnd();
    }
}

static void fill_values(void) {
    for (int k = 0; k < NFMT; k++) {
        V.i[k] = (int)pick((uint64_t)INT_MIN, INT_MAX);
        V.l[k] = (long)pick((uint64_t)LONG_MIN, LONG_MAX);
        V.ll[k] = (long long)pick((uint64_t)LLONG_MIN, LLONG_MAX);
        V.u[k] = (unsigned)pick(0, UINT_MAX);
        V.ul[k] = (unsigned long)pick(0, ULONG_MAX);
        V.ull[k] = pick(0, ULLONG_MAX);
        V.z[k] = (size_t)pick(0, SIZE_MAX);
        size_t n = (size_t)(rnd() % 5 == 0 ? 260 + rnd() % 50 : rnd() % 12);
        for (size_t j = 0; j < n; j++) V.s[k][j] = (char)(' ' + rnd() % 94);
        V.s[k][n] = '\0';
        V.c[k] = (char)(' ' + rnd() % 94);
    }
}

#define FORMATS(X)                                                        \
    X("Row %d: value %lld", V.i[k], V.ll[k])                              \
    X("%s=%u%%", V.s[k], V.u[k])                                          \
    X("%c%c|%zu", V.c[k], V.c[k], V.z[k])                                 \
    X("%lu/%llu/%i/%li/%lli", V.ul[k], V.ull[k], V.i[k], V.l[k], V.ll[k]) \
    X("[%s][%s]", V.s[k], V.s[(k + 1) % NFMT])                            \
    X("%ld and %lu%%%%", V.l[k], V.ul[k])                                 \
    X("%5d|%-4s|%x", V.i[k], V.s[k], V.u[k])                              \
    X("%08.3f %zd", 1.5, (ssize_t)V.i[k])                                 \
    X("no conversion at all%s", "")

static int nformats(void) {
    int n = 0;
#define COUNT(...) n++;
    FORMATS(COUNT)
#undef COUNT
    return n;
}

static void expected(int k, char *out, size_t cap) {
    int f = 0, want = k % nformats();
#define EXPECT(fmt, ...) \
    if (f++ == want) snprintf(out, cap, fmt, __VA_ARGS__);
    FORMATS(EXPECT)
#undef EXPECT
}

static void Random(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "div") {
        for (int k = 0; k < NFMT; k++) {
            char id[16];
            snprintf(id, sizeof id, "r%d", k);
            int f = 0, want = k % nformats();
            RC_EL(ctx, "i", .id = id) {
#define RENDER(fmt, ...)                          \
    if (f++ == want) {                            \
        rc_textf(ctx, fmt, __VA_ARGS__);          \
        rc_attrf(ctx, "title", fmt, __VA_ARGS__); \
    }
                FORMATS(RENDER)
#undef RENDER
            }
        }
    }
}
static RC_COMPONENT(Random);

static void test_textf_random_against_snprintf(void **state) {
    (void)state;
    for (int round = 0; round < 20; round++) {
        fill_values();
        rc_layout *l = new_layout(&Random_component, NULL, 0);
        flush_commit(l);
        for (int k = 0; k < NFMT; k++) {
            char id[16], want[1024];
            snprintf(id, sizeof id, "r%d", k);
            expected(k, want, sizeof want);
            const rc_node *el = find(l, id);
            assert_non_null(el);
            assert_int_equal(rc_node_count_children(el), 1); /* text_of stops at 511 bytes */
            size_t len;
            const char *got = rc_node_get_text(rc_node_get_child(el, 0), &len);
            assert_int_equal(len, strlen(want));
            assert_string_equal(got, want);
            assert_string_equal(attr_of(find(l, id), "title"), want);
        }
        expect_no_errors();
        free_layout(l);
    }
}

/* ------------------------------------------------------------------------ */

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_textf_formats, reset, teardown),
        cmocka_unit_test_setup_teardown(test_textf_random_against_snprintf, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
