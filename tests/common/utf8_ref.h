/*
 * utf8_ref.h — a reference UTF-8 sanitiser for the tests: an independent
 * oracle for what the JSON writer must produce from arbitrary bytes,
 * written from the UTF-8 definition (Unicode ch. 3, table 3-7: code point
 * ranges, no surrogates, no overlong forms) and the "maximal subpart"
 * practice for U+FFFD substitution, not from the library's code. It works
 * differently from the writer on purpose: it decodes a code point and then
 * checks its range, where the writer uses a table of second-byte ranges;
 * the maximal ill-formed subpart is found by trying completions of each
 * prefix. Shared by tests/unit/test_json_writer.c and
 * tests/fuzz/fuzz_json_writer.c; static functions, one copy per program.
 */
#ifndef RC_TESTS_UTF8_REF_H
#define RC_TESTS_UTF8_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Is t[0..need) (need 2, 3 or 4; t[0] a lead byte for that length) a
 * well-formed sequence: continuation bytes, and a code point in range? */
static bool ref_wellformed(const unsigned char *t, size_t need) {
    uint32_t cp;

    for (size_t m = 1; m < need; m++)
        if ((t[m] & 0xC0) != 0x80) return false;
    if (need == 2) {
        cp = (uint32_t)(t[0] & 0x1F) << 6 | (t[1] & 0x3Fu);
        return cp >= 0x80;
    }
    if (need == 3) {
        cp = (uint32_t)(t[0] & 0x0F) << 12 | (uint32_t)(t[1] & 0x3F) << 6 | (t[2] & 0x3Fu);
        return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
    }
    cp = (uint32_t)(t[0] & 0x07) << 18 | (uint32_t)(t[1] & 0x3F) << 12 |
         (uint32_t)(t[2] & 0x3F) << 6 | (t[3] & 0x3Fu);
    return cp >= 0x10000 && cp <= 0x10FFFF;
}

/* p[0..k) is a prefix of a well-formed sequence of need bytes iff some
 * completion is well-formed. Beyond "continuation byte", the only rule is
 * the code point's range, so it is enough to try every second byte (when
 * it is still open) with the remaining bytes all 0x80 or all 0xBF. */
static bool ref_prefix_ok(const unsigned char *p, size_t k, size_t need) {
    unsigned char t[4];
    unsigned lo = k < 2 ? 0x80 : p[1], hi = k < 2 ? 0xBF : p[1];

    memcpy(t, p, k);
    for (unsigned second = lo; second <= hi; second++) {
        for (unsigned fill = 0x80; fill <= 0xBF; fill += 0x3F) {
            if (k < 2) t[1] = (unsigned char)second;
            for (size_t m = k < 2 ? 2 : k; m < need; m++) t[m] = (unsigned char)fill;
            if (ref_wellformed(t, need)) return true;
        }
    }
    return false;
}

/* Writes the sanitised form of s (U+FFFD for each maximal ill-formed
 * subpart) to out; returns its length. out needs 3 * len bytes. */
static size_t ref_sanitise(const unsigned char *s, size_t len, unsigned char *out) {
    size_t i = 0, o = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t need = c < 0x80             ? 1
                      : (c & 0xE0) == 0xC0 ? 2
                      : (c & 0xF0) == 0xE0 ? 3
                      : (c & 0xF8) == 0xF0 ? 4
                                           : 0;
        size_t k = 1;
        if (need == 1) {
            out[o++] = s[i++];
            continue;
        }
        if (need > 0 && ref_prefix_ok(s + i, 1, need)) {
            while (k < need && i + k < len && ref_prefix_ok(s + i, k + 1, need)) k++;
            if (k == need) {
                memcpy(out + o, s + i, need);
                o += need;
                i += need;
                continue;
            }
        }
        memcpy(out + o, "\xEF\xBF\xBD", 3);
        o += 3;
        i += k;
    }
    return o;
}

#endif /* RC_TESTS_UTF8_REF_H */
