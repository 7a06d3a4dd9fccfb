/*
 * fuzz_json_writer.c — libFuzzer target for the JSON string writer.
 *
 * The input bytes are written with rc_jw_string alone and inside
 * {"k":["<s>",{"<s>":0}]}, then parsed by jansson. The program aborts if
 * jansson rejects the text, if the text could break out of an HTML script
 * element, or if the decoded string is not the input (valid UTF-8) or the
 * input with each maximal ill-formed subpart replaced by U+FFFD (invalid
 * UTF-8; the reference, tests/common/utf8_ref.h, decodes and range-checks
 * code points, a different method from the writer's table of second-byte
 * ranges). The same bytes also go through rc_jw_base64 and are decoded
 * back. Each input is checked twice: as raw bytes, and expanded byte by
 * byte into fragments chosen to reach every path of the writer (see
 * pieces[]).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/json_writer.h"

#include "../common/utf8_ref.h" /* ref_sanitise: the reference UTF-8 sanitiser */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "fuzz_json_writer: check failed: %s (line %d)\n", #cond, __LINE__); \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Checks                                                                   */
/* ------------------------------------------------------------------------ */

/* Nothing in the text may end a <script> element or be a raw control
 * character or JavaScript line terminator. */
static void check_script_safe(const rc_buf *b) {
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        CHECK(c >= 0x20);
        CHECK(!(c == '<' && i + 1 < b->len && b->data[i + 1] == '/'));
        CHECK(!(c == 0xE2 && i + 2 < b->len && (unsigned char)b->data[i + 1] == 0x80 &&
                ((unsigned char)b->data[i + 2] & 0xFE) == 0xA8));
    }
}

static json_t *parse(const rc_buf *b) {
    json_error_t err;
    json_t *j = json_loadb(b->data, b->len,
                           JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    if (j == NULL) {
        fprintf(stderr, "fuzz_json_writer: jansson rejected the output: %s\n", err.text);
        abort();
    }
    return j;
}

static void check_decoded(const json_t *j, const unsigned char *want, size_t wl) {
    CHECK(json_is_string(j));
    CHECK(json_string_length(j) == wl);
    CHECK(wl == 0 || memcmp(json_string_value(j), want, wl) == 0);
}

static int b64_value(char c) {
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(alpha, c) : NULL;
    return p ? (int)(p - alpha) : -1;
}

static void check_base64(const uint8_t *data, size_t size, rc_buf *b) {
    size_t out = 0, pad = 0;
    uint32_t acc = 0;
    int bits = 0;

    rc_buf_reset(b);
    rc_jw_base64(b, data, size);
    CHECK(b->len == 2 + (size + 2) / 3 * 4);
    CHECK(b->data[0] == '"' && b->data[b->len - 1] == '"');
    for (size_t i = 1; i + 1 < b->len; i++) {
        int v = b64_value(b->data[i]);
        if (b->data[i] == '=') {
            pad++;
            continue;
        }
        CHECK(v >= 0 && pad == 0);
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            CHECK(out < size && (uint8_t)(acc >> bits) == data[out]);
            out++;
        }
    }
    CHECK(out == size);
    CHECK(pad == (3 - size % 3) % 3);
}

static void check_input(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    unsigned char *want;
    size_t wl;
    rc_buf b;
    json_t *j, *k;

    want = malloc(3 * size + 1);
    CHECK(want != NULL);
    wl = ref_sanitise(data, size, want);

    /* The string alone. */
    rc_buf_init(&b);
    rc_jw_string(&b, s, size);
    check_script_safe(&b);
    j = parse(&b);
    check_decoded(j, want, wl);
    json_decref(j);

    /* As a value and as an object key, inside a document. jansson refuses
     * NUL in keys (a limit of jansson, not of JSON): keys only without NUL. */
    bool key_ok = memchr(want, 0, wl) == NULL;
    rc_buf_reset(&b);
    rc_jw_raw(&b, "{\"k\":[");
    rc_jw_string(&b, s, size);
    if (key_ok) {
        rc_jw_raw(&b, ",{");
        rc_jw_string(&b, s, size);
        rc_jw_raw(&b, ":0}");
    }
    rc_jw_raw(&b, "]}");
    check_script_safe(&b);
    j = parse(&b);
    k = json_object_get(j, "k");
    CHECK(json_is_array(k) && json_array_size(k) == (key_ok ? 2u : 1u));
    check_decoded(json_array_get(k, 0), want, wl);
    if (key_ok) {
        json_t *obj = json_array_get(k, 1);
        const char *key;
        json_t *val;
        CHECK(json_is_object(obj) && json_object_size(obj) == 1);
        json_object_foreach(obj, key, val) {
            CHECK(strlen(key) == wl && memcmp(key, want, wl) == 0);
            CHECK(json_integer_value(val) == 0);
        }
    }
    json_decref(j);

    check_base64(data, size, &b);

    rc_buf_free(&b);
    free(want);
}

/* Fragments that random bytes rarely spell: each input byte also selects
 * one, so that the fuzzer reaches U+2028, "</", boundary code points and
 * every kind of ill-formed sequence quickly, in any combination. P() keeps
 * the length with sizeof, so that "\0" counts one byte. */
#define P(lit) \
    { lit, sizeof(lit) - 1 }
static const struct {
    const char *s;
    size_t n;
} pieces[] = {
    P("a"),
    P(" "),
    P("\""),
    P("\\"),
    P("/"),
    P("<"),
    P("</"),
    P("\n"),
    P("\x01"),
    P("\x1f"),
    P("\x7f"),
    P("\0"),
    /* well-formed, at the edges of each length and around U+2028 */
    P("\xC2\x80"),
    P("\xDF\xBF"),
    P("\xC3\xA9"),
    P("\xE0\xA0\x80"),
    P("\xE2\x82\xAC"),
    P("\xE2\x80\xA7"),
    P("\xE2\x80\xA8"),
    P("\xE2\x80\xA9"),
    P("\xE2\x80\xAA"),
    P("\xED\x9F\xBF"),
    P("\xEE\x80\x80"),
    P("\xEF\xBF\xBD"),
    P("\xEF\xBF\xBF"),
    P("\xF0\x90\x80\x80"),
    P("\xF0\x9F\x98\x80"),
    P("\xF4\x8F\xBF\xBF"),
    /* ill-formed, or prefixes that the next piece may or may not complete */
    P("\x80"),
    P("\xBF"),
    P("\xC0"),
    P("\xC1"),
    P("\xC2"),
    P("\xDF"),
    P("\xE0"),
    P("\xE0\x9F"),
    P("\xE0\xA0"),
    P("\xE2\x80"),
    P("\xED"),
    P("\xED\xA0"),
    P("\xED\xBF\xBF"),
    P("\xEF"),
    P("\xF0"),
    P("\xF0\x8F"),
    P("\xF0\x90"),
    P("\xF0\x90\x80"),
    P("\xF4"),
    P("\xF4\x8F\xBF"),
    P("\xF4\x90"),
    P("\xF5"),
    P("\xFF"),
};
#undef P

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t npieces = sizeof pieces / sizeof pieces[0];
    uint8_t *exp;
    size_t n = 0;

    check_input(data, size);

    exp = malloc(4 * size + 1);
    CHECK(exp != NULL);
    for (size_t i = 0; i < size; i++) {
        size_t k = data[i] % npieces;
        memcpy(exp + n, pieces[k].s, pieces[k].n);
        n += pieces[k].n;
    }
    check_input(exp, n);
    free(exp);
    return 0;
}
