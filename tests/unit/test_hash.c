/*
 * Unit tests for rc_hash_bytes (src/util/hash.c). Its values are handler
 * ids and slot addresses' hashes, which tokens and queued events carry
 * across processes and releases (docs/resume.md): a faster implementation
 * must compute exactly the same values. Oracles: values pinned from the
 * byte-loop implementation, and that implementation itself, reproduced
 * here, over random inputs of every length up to 40 at every alignment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/hash.h"

/* The reference: the original implementation, word assembled byte by byte. */
static uint64_t ref_mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static uint64_t ref_load(const unsigned char *p, size_t n) {
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++) w |= (uint64_t)p[i] << (8 * i);
    return w;
}

static uint64_t ref_hash(uint64_t h, const void *p, size_t len) {
    const unsigned char *s = p;
    h = ref_mix(h ^ ((uint64_t)len * 0x9e3779b97f4a7c15ull));
    while (len >= 8) {
        h = (h ^ ref_mix(ref_load(s, 8))) * 0xff51afd7ed558ccdull;
        s += 8;
        len -= 8;
    }
    if (len) h = (h ^ ref_mix(ref_load(s, len) ^ 0xc4ceb9fe1a85ec53ull)) * 0xff51afd7ed558ccdull;
    return ref_mix(h);
}

static void test_hash_pinned_values(void **state) {
    (void)state;
    static const struct {
        const char *s;
        uint64_t h;
    } pinned[] = {
        {"", 0x48218226ff3cd4bfull},          {"a", 0x47f713ff83b56fa2ull},
        {"ab", 0xff633271a3a336e9ull},        {"abc", 0x89616d289222dd20ull},
        {"1234", 0x1e3278803dce9657ull},      {"12345", 0x3904b577c64f4c75ull},
        {"1234567", 0xf64a1df4cce52188ull},   {"12345678", 0x3997f2e6da3bac63ull},
        {"123456789", 0x44d99a6eaa2476c9ull}, {"the quick brown fox jumps", 0x4805485ed5a81154ull},
    };
    for (size_t i = 0; i < sizeof pinned / sizeof *pinned; i++) {
        assert_int_equal(rc_hash_bytes(RC_HASH_SEED, pinned[i].s, strlen(pinned[i].s)),
                         pinned[i].h);
        assert_int_equal(rc_hash_str(RC_HASH_SEED, pinned[i].s), pinned[i].h);
    }
}

static void test_hash_matches_reference(void **state) {
    (void)state;
    unsigned char buf[64];
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = (unsigned char)x;
        }
        uint64_t seed = round % 3 == 0 ? RC_HASH_SEED : x;
        for (size_t off = 0; off < 8; off++)
            for (size_t len = 0; len <= 40; len++)
                assert_int_equal(rc_hash_bytes(seed, buf + off, len),
                                 ref_hash(seed, buf + off, len));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_pinned_values),
        cmocka_unit_test(test_hash_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
