/*
 * rng.h — the tests' random numbers: xorshift64* from a fixed seed, so a
 * seed makes the same tree on every machine (no libc rand, whose sequence
 * differs between libcs). Shared by tests/unit/tree_gen.c (the diff's
 * property tests) and tests/e2e/apps/html_trees.c (e2e.html_property);
 * static inline functions on a state the caller keeps, one copy per
 * program.
 */
#ifndef RC_TESTS_RNG_H
#define RC_TESTS_RNG_H

#include <stddef.h>
#include <stdint.h>

/* The next number of state *s. */
static inline uint64_t test_rng_next(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

/* Starts *s from seed: spread (a zero state would stay zero), then a few
 * numbers dropped, so that nearby seeds do not start alike. */
static inline void test_rng_seed(uint64_t *s, uint64_t seed) {
    *s = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
    if (!*s) *s = 1;
    for (int i = 0; i < 8; i++) (void)test_rng_next(s);
}

/* 0..n-1 (0 when n is 0). */
static inline size_t test_rng_below(uint64_t *s, size_t n) {
    return n ? (size_t)(test_rng_next(s) % n) : 0;
}

#endif
