/*
 * test_json_writer.c — the hand-written JSON writer, checked against
 * jansson: every output must parse (duplicates rejected) and read back as
 * what was written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reactc_layout.h"
#include "wire/json_writer.h"

#include "../common/utf8_ref.h" /* ref_sanitise: the reference UTF-8 sanitiser */

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

#define LOAD_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL)

/* Parses the buffer with jansson; fails the test if jansson rejects it. */
static json_t *parse(const rc_buf *b, size_t flags) {
    json_error_t err;
    json_t *j = json_loadb(b->data, b->len, flags, &err);
    if (j == NULL)
        fail_msg("jansson rejected %.*s: %s (position %d)", (int)b->len, b->data, err.text,
                 err.position);
    return j;
}

/* Writes s with rc_jw_string; checks the exact text (between the quotes)
 * when want_text is not NULL and the decoded string against want. */
static void check_string(const char *s, size_t len, const char *want_text, const char *want,
                         size_t want_len) {
    rc_buf b;
    json_t *j;

    rc_buf_init(&b);
    rc_jw_string(&b, s, len);
    if (want_text != NULL) {
        size_t wl = strlen(want_text);
        assert_int_equal(b.len, wl + 2);
        assert_int_equal(b.data[0], '"');
        assert_int_equal(b.data[b.len - 1], '"');
        assert_memory_equal(b.data + 1, want_text, wl);
    }
    j = parse(&b, LOAD_FLAGS);
    assert_true(json_is_string(j));
    assert_int_equal(json_string_length(j), want_len);
    if (want_len > 0) assert_memory_equal(json_string_value(j), want, want_len);
    json_decref(j);
    rc_buf_free(&b);
}

/* The input must come back unchanged. */
static void check_same(const char *s, size_t len, const char *want_text) {
    check_string(s, len, want_text, s, len);
}

/* The buffer must read exactly `text`. */
static void assert_buf(rc_buf *b, const char *text) {
    assert_string_equal(rc_buf_cstr(b), text);
    assert_int_equal(b->len, strlen(text));
}

/* ------------------------------------------------------------------------ */
/* Buffer                                                                   */
/* ------------------------------------------------------------------------ */

static void test_buf_basics(void **state) {
    rc_buf b;
    size_t cap;
    (void)state;

    rc_buf_init(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    /* cstr on an empty buffer gives "" and does not change len. */
    assert_string_equal(rc_buf_cstr(&b), "");
    assert_int_equal(b.len, 0);

    rc_buf_append(&b, "abc", 3);
    rc_buf_putc(&b, 'd');
    rc_jw_raw(&b, "[]");
    assert_int_equal(b.len, 6);
    assert_string_equal(rc_buf_cstr(&b), "abcd[]");
    assert_int_equal(b.len, 6);

    /* Growth by many small appends keeps every byte. */
    for (int i = 0; i < 100000; i++) rc_buf_putc(&b, (char)('a' + i % 26));
    assert_int_equal(b.len, 100006);
    for (int i = 0; i < 100000; i++) assert_int_equal(b.data[6 + i], 'a' + i % 26);
    assert_true(b.cap >= b.len);

    /* reset keeps the storage. */
    cap = b.cap;
    rc_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, cap);
    assert_non_null(b.data);
    rc_buf_reserve(&b, 10);
    assert_int_equal(b.cap, cap);
    rc_buf_reserve(&b, cap + 1);
    assert_true(b.cap >= cap + 1);

    rc_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.len, 0);
}

/* ------------------------------------------------------------------------ */
/* Strings                                                                  */
/* ------------------------------------------------------------------------ */

static void test_string_plain(void **state) {
    (void)state;
    check_same("", 0, "");
    check_same(NULL, 0, "");
    check_same("hello, world", 12, "hello, world");
    check_same("a\x7f"
               "b",
               3,
               "a\x7f"
               "b"); /* DEL is not a control char for JSON */
    check_same("<div>a < b > c</div", 19, "<div>a < b > c<\\/div");
}

static void test_string_all_control_chars(void **state) {
    (void)state;
    for (int c = 0; c < 0x20; c++) {
        char in[3] = {'a', (char)c, 'b'};
        char want[16];
        switch (c) {
        case '\b': strcpy(want, "a\\bb"); break;
        case '\t': strcpy(want, "a\\tb"); break;
        case '\n': strcpy(want, "a\\nb"); break;
        case '\f': strcpy(want, "a\\fb"); break;
        case '\r': strcpy(want, "a\\rb"); break;
        default: snprintf(want, sizeof want, "a\\u%04xb", (unsigned)c); break;
        }
        check_same(in, 3, want);
        /* The control character alone, and at both ends. */
        check_same(in + 1, 1, NULL);
        check_same(in, 2, NULL);
        check_same(in + 1, 2, NULL);
    }
    /* All 32 in one string. */
    char all[32];
    for (int c = 0; c < 32; c++) all[c] = (char)c;
    check_same(all, 32, NULL);
}

static void test_string_quotes_backslash(void **state) {
    (void)state;
    check_same("\"", 1, "\\\"");
    check_same("\\", 1, "\\\\");
    check_same("say \"hi\" \\o/", 12, "say \\\"hi\\\" \\\\o/");
    check_same("\\\"\\\"", 4, "\\\\\\\"\\\\\\\"");
    check_same("/", 1, "/"); /* a lone slash is left alone */
}

static void test_string_script_close(void **state) {
    (void)state;
    check_same("</script>", 9, "<\\/script>");
    check_same("<script>alert(1)</script>", 25, "<script>alert(1)<\\/script>");
    check_same("<", 1, "<");
    check_same("a<", 2, "a<");
    check_same("<<//", 4, "<<\\//");
    check_same("</</", 4, "<\\/<\\/");
    check_same("<\"/", 3, "<\\\"/");
}

static void test_string_utf8_valid(void **state) {
    static const char *const samples[] = {
        "\xC3\xA9",         /* é, 2 bytes */
        "\xE2\x82\xAC",     /* €, 3 bytes */
        "\xF0\x9F\x98\x80", /* 😀, 4 bytes */
        "\xC2\x80",         /* U+0080, smallest 2-byte */
        "\xDF\xBF",         /* U+07FF */
        "\xE0\xA0\x80",     /* U+0800, smallest 3-byte */
        "\xED\x9F\xBF",     /* U+D7FF, below the surrogates */
        "\xEE\x80\x80",     /* U+E000, above the surrogates */
        "\xEF\xBF\xBF",     /* U+FFFF */
        "\xEF\xBF\xBD",     /* U+FFFD itself */
        "\xF0\x90\x80\x80", /* U+10000, smallest 4-byte */
        "\xF4\x8F\xBF\xBF", /* U+10FFFF, the last code point */
        "\xE2\x80\xA7",     /* U+2027, next to U+2028 */
        "\xE2\x80\xAA",     /* U+202A */
        "na\xC3\xAFve caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\x89!",
    };
    (void)state;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        check_same(samples[i], strlen(samples[i]), samples[i]);
}

static void test_string_line_separators(void **state) {
    (void)state;
    check_same("\xE2\x80\xA8", 3, "\\u2028");
    check_same("\xE2\x80\xA9", 3, "\\u2029");
    check_same("a\xE2\x80\xA8"
               "b\xE2\x80\xA9"
               "c",
               9, "a\\u2028b\\u2029c");
}

/* Each case: input bytes, expected output (between the quotes). U+FFFD is
 * EF BF BD; every maximal subpart of an ill-formed sequence becomes one. */
#define R "\xEF\xBF\xBD"
static const struct {
    const char *in;
    size_t len;
    const char *out;
} invalid_cases[] = {
    /* Lone continuation bytes. */
    {"\x80", 1, R},
    {"\xBF", 1, R},
    {"a\x80\x80z", 4, "a" R R "z"},
    /* Bytes that never start a sequence. */
    {"\xC0", 1, R},
    {"\xC1", 1, R},
    {"\xF5", 1, R},
    {"\xF8", 1, R},
    {"\xFC", 1, R},
    {"\xFE", 1, R},
    {"\xFF", 1, R},
    /* Overlong encodings. */
    {"\xC0\x80", 2, R R}, /* NUL in 2 bytes */
    {"\xC1\xBF", 2, R R},
    {"\xC0\xAF", 2, R R}, /* '/' in 2 bytes */
    {"\xE0\x80\x80", 3, R R R},
    {"\xE0\x9F\xBF", 3, R R R}, /* U+07FF in 3 bytes */
    {"\xF0\x80\x80\x80", 4, R R R R},
    {"\xF0\x8F\xBF\xBF", 4, R R R R}, /* U+FFFF in 4 bytes */
    /* UTF-16 surrogates encoded in UTF-8 (CESU-8). */
    {"\xED\xA0\x80", 3, R R R}, /* U+D800 */
    {"\xED\xBF\xBF", 3, R R R}, /* U+DFFF */
    {"\xED\xA0\xBD\xED\xB8\x80", 6, R R R R R R},
    /* Above U+10FFFF. */
    {"\xF4\x90\x80\x80", 4, R R R R},
    {"\xF7\xBF\xBF\xBF", 4, R R R R},
    /* Truncated sequences: the valid prefix is one replacement. */
    {"\xC3", 1, R},
    {"\xE2\x82", 2, R},
    {"\xF0\x9F\x98", 3, R},
    {"\xF0\x9F", 2, R},
    {"\xE2\x82"
     "A",
     3, R "A"},
    {"\xF0\x9F\x98"
     "x",
     4, R "x"},
    {"\xC3\xC3\xA9", 3, R "\xC3\xA9"},
    {"\xE2\xE2\x82\xAC", 4, R "\xE2\x82\xAC"},
    {"\xF0\x9F\x98\xF0\x9F\x98\x80", 7, R "\xF0\x9F\x98\x80"},
    {"\xE2\x82\"", 3, R "\\\""},
    {"\xE2\x80</", 4, R "<\\/"},
    {"\xE2\x80\n", 3, R "\\n"},
    {"\xF4\x8F\xBF", 3, R},
    /* Mixed in text. */
    {"ok\xFFok\xC3\xA9\xED\xA0\x80!", 11, "ok" R "ok\xC3\xA9" R R R "!"},
};

/* The decoded form of an expected output: its few JSON escapes undone. */
static size_t case_decoded(const char *out, char *want) {
    size_t wl = 0;

    for (const char *p = out; *p; p++) {
        if (*p == '\\') {
            p++;
            want[wl++] = *p == 'n' ? '\n' : *p;
        } else {
            want[wl++] = *p;
        }
    }
    return wl;
}

static void test_string_utf8_invalid(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++) {
        const char *out = invalid_cases[i].out;
        rc_buf b;
        json_t *j;
        char want[64];
        size_t wl = case_decoded(out, want);

        check_string(invalid_cases[i].in, invalid_cases[i].len, out, want, wl);

        /* And inside an object, as a key and as a value. */
        rc_buf_init(&b);
        rc_jw_raw(&b, "{");
        rc_jw_string(&b, invalid_cases[i].in, invalid_cases[i].len);
        rc_jw_raw(&b, ":");
        rc_jw_string(&b, invalid_cases[i].in, invalid_cases[i].len);
        rc_jw_raw(&b, "}");
        j = parse(&b, LOAD_FLAGS);
        assert_int_equal(json_object_size(j), 1);
        json_decref(j);
        rc_buf_free(&b);
    }
}
#undef R

static void test_string_nul(void **state) {
    rc_buf b;
    json_t *j;
    (void)state;

    check_same("a\0b", 3, "a\\u0000b");
    /* Without JSON_ALLOW_NUL jansson refuses \u0000: the writer must not
     * let a raw NUL through either (it would end the text early). */
    rc_buf_init(&b);
    rc_jw_string(&b, "\0", 1);
    assert_null(memchr(b.data, 0, b.len));
    j = json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL);
    assert_null(j);
    rc_buf_free(&b);
}

static void test_string_helpers(void **state) {
    rc_buf b;
    (void)state;

    rc_buf_init(&b);
    rc_jw_raw(&b, "{");
    rc_jw_key(&b, "k\"ey");
    rc_jw_str(&b, "v");
    rc_jw_raw(&b, ",");
    rc_jw_key(&b, NULL);
    rc_jw_str(&b, NULL);
    rc_jw_raw(&b, "}");
    assert_buf(&b, "{\"k\\\"ey\":\"v\",\"\":null}");
    json_t *j = parse(&b, LOAD_FLAGS);
    assert_string_equal(json_string_value(json_object_get(j, "k\"ey")), "v");
    assert_true(json_is_null(json_object_get(j, "")));
    json_decref(j);
    rc_buf_free(&b);
}

/* The scanner checks 8 bytes at a time: put each byte that needs
 * attention at every offset of a longer plain string, so that every lane
 * of the 8-byte test (and the tail after the last full word) sees it. */
static void test_string_every_position(void **state) {
    static const char *const specials[] = {
        "\"", "\\", "</", "\xC3\xA9", "\xE2\x80\xA8", "\xF0\x9F\x98\x80", "\x80", "\xFF", "\x7f",
    };
    char s[40];
    (void)state;

    for (size_t pos = 0; pos < 24; pos++) {
        for (int c = 0; c < 0x20; c++) {
            memset(s, 'x', 27);
            s[pos] = (char)c;
            check_same(s, 27, NULL);
        }
        for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
            size_t n = strlen(specials[k]);
            memset(s, 'x', 27);
            memcpy(s + pos, specials[k], n);
            if (specials[k][0] == '\x80' || specials[k][0] == '\xFF') {
                char want[40];
                memset(want, 'x', 29);
                memcpy(want + pos, "\xEF\xBF\xBD", 3);
                check_string(s, 27, NULL, want, 29);
            } else {
                check_same(s, 27, NULL);
            }
        }
    }
}

/* A long string with an escape every so often: the run copying must keep
 * every byte in place across buffer growth. */
static void test_string_long(void **state) {
    size_t n = 1 << 20;
    char *s = malloc(n);
    (void)state;

    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        switch (i % 97) {
        case 0: s[i] = '\n'; break;
        case 13: s[i] = '"'; break;
        case 50: s[i] = (char)0xC3; break;
        case 51: s[i] = (char)0xA9; break;
        default: s[i] = (char)('a' + i % 26); break;
        }
    }
    check_same(s, n, NULL);
    free(s);
}

/* ------------------------------------------------------------------------ */
/* Numbers and literals                                                     */
/* ------------------------------------------------------------------------ */

static void check_int(int64_t v) {
    rc_buf b;
    char want[32];
    json_t *j;

    rc_buf_init(&b);
    rc_jw_int(&b, v);
    snprintf(want, sizeof want, "%" PRId64, v);
    assert_buf(&b, want);
    j = parse(&b, LOAD_FLAGS);
    assert_true(json_is_integer(j));
    assert_true(json_integer_value(j) == v);
    json_decref(j);
    rc_buf_free(&b);
}

static void check_uint(uint64_t v) {
    rc_buf b;
    char want[32];

    rc_buf_init(&b);
    rc_jw_uint(&b, v);
    snprintf(want, sizeof want, "%" PRIu64, v);
    assert_buf(&b, want);
    assert_true(strtoull(b.data, NULL, 10) == v);
    rc_buf_free(&b);
}

/* xorshift64*: a fixed-seed generator, the same numbers on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Du;
}

static void test_integers(void **state) {
    rc_buf b;
    json_t *j;
    (void)state;

    check_int(0);
    check_int(1);
    check_int(-1);
    check_int(9);
    check_int(10);
    check_int(-10);
    check_int(99);
    check_int(100);
    check_int(-101);
    check_int(123456789);
    check_int(INT64_MAX);
    check_int(INT64_MIN);
    check_int(INT64_MIN + 1);
    check_uint(0);
    check_uint(7);
    check_uint(UINT64_MAX);
    check_uint((uint64_t)INT64_MAX + 1);
    /* Every power of ten and its neighbours (digit-count edges). */
    for (uint64_t p = 1; p <= UINT64_MAX / 10; p *= 10) {
        check_uint(p - 1);
        check_uint(p);
        check_uint(p + 1);
        check_int((int64_t)p);
        check_int(-(int64_t)p);
        check_int(-(int64_t)p + 1);
    }
    for (int i = 0; i < 5000; i++) {
        uint64_t r = rng() >> (rng() % 64);
        check_uint(r);
        check_int((int64_t)r);
        check_int(-(int64_t)(r >> 1));
    }

    /* UINT64_MAX does not fit jansson's integers; it still reads as a number. */
    rc_buf_init(&b);
    rc_jw_uint(&b, UINT64_MAX);
    j = parse(&b, LOAD_FLAGS | JSON_DECODE_INT_AS_REAL);
    assert_true(json_is_real(j));
    assert_true(json_real_value(j) == 18446744073709551615.0);
    json_decref(j);
    rc_buf_free(&b);
}

/* Writes v; checks the text if want is not NULL; a finite v must read back
 * as a jansson real with exactly the same bits. */
static void check_double(double v, const char *want) {
    rc_buf b;
    json_t *j;

    rc_buf_init(&b);
    rc_jw_double(&b, v);
    if (want != NULL) assert_buf(&b, want);
    j = parse(&b, LOAD_FLAGS);
    if (isfinite(v)) {
        double back;
        if (!json_is_real(j)) fail_msg("%.17g written as %.*s: not a real", v, (int)b.len, b.data);
        back = json_real_value(j);
        if (memcmp(&back, &v, sizeof v) != 0)
            fail_msg("%.17g written as %.*s read back as %.17g", v, (int)b.len, b.data, back);
    } else {
        assert_true(json_is_null(j));
    }
    json_decref(j);
    rc_buf_free(&b);
}

static void test_doubles(void **state) {
    (void)state;
    check_double(0.1, "0.1");
    check_double(-0.1, "-0.1");
    check_double(1e300, "1e+300");
    check_double(-1e300, "-1e+300");
    check_double(0.0, "0.0");
    check_double(-0.0, "-0.0");
    check_double(5e-324, NULL); /* smallest subnormal */
    check_double(2.2250738585072014e-308, NULL);
    check_double(1.7976931348623157e308, "1.7976931348623157e+308");
    check_double(1.0, "1.0");
    check_double(-3.0, "-3.0");
    check_double(1.5, "1.5");
    check_double(0.1 + 0.2, "0.30000000000000004");
    check_double(1.0 / 3.0, "0.3333333333333333");
    check_double(123456789012345.0, "123456789012345.0");
    check_double(1e15, "1e+15");
    check_double(1e16, "1e+16");
    check_double(9007199254740993.0, NULL);
    check_double(NAN, "null");
    check_double(-NAN, "null");
    check_double(INFINITY, "null");
    check_double(-INFINITY, "null");
    /* Random bit patterns: every finite double survives the trip. */
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = rng();
        double v;
        memcpy(&v, &bits, sizeof v);
        check_double(v, NULL);
    }
    /* Random "ordinary" values, the kind applications store. */
    for (int i = 0; i < 5000; i++) {
        double v = (double)(int64_t)(rng() % 2000001) / 1000.0 - 1000.0;
        check_double(v, NULL);
    }
}

static void test_literals(void **state) {
    rc_buf b;
    (void)state;

    rc_buf_init(&b);
    rc_jw_raw(&b, "[");
    rc_jw_bool(&b, true);
    rc_jw_raw(&b, ",");
    rc_jw_bool(&b, false);
    rc_jw_raw(&b, ",");
    rc_jw_null(&b);
    rc_jw_raw(&b, "]");
    assert_buf(&b, "[true,false,null]");
    json_t *j = parse(&b, LOAD_FLAGS);
    assert_true(json_is_true(json_array_get(j, 0)));
    assert_true(json_is_false(json_array_get(j, 1)));
    assert_true(json_is_null(json_array_get(j, 2)));
    json_decref(j);
    rc_buf_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Base64 and values                                                        */
/* ------------------------------------------------------------------------ */

static void test_base64(void **state) {
    /* RFC 4648 section 10 test vectors, lengths 0..5 (and 6). */
    static const char *const want[] = {
        "\"\"", "\"Zg==\"", "\"Zm8=\"", "\"Zm9v\"", "\"Zm9vYg==\"", "\"Zm9vYmE=\"", "\"Zm9vYmFy\"",
    };
    rc_buf b;
    rc_value v = {0};
    (void)state;

    rc_buf_init(&b);
    for (size_t n = 0; n <= 6; n++) {
        rc_buf_reset(&b);
        rc_jw_base64(&b, "foobar", n);
        assert_buf(&b, want[n]);

        /* The same through an RC_BYTES value. */
        rc_buf_reset(&b);
        rc_value_set_bytes(&v, "foobar", n);
        rc_jw_value(&b, &v);
        assert_buf(&b, want[n]);
        json_decref(parse(&b, LOAD_FLAGS));
    }
    /* The two non-alphanumeric characters of the standard alphabet. */
    rc_buf_reset(&b);
    rc_jw_base64(&b, "\xFB\xFF\xBF", 3);
    assert_buf(&b, "\"+/+/\"");
    rc_buf_reset(&b);
    rc_jw_base64(&b, "\x00\x00\x00\xFF", 4);
    assert_buf(&b, "\"AAAA/w==\"");
    rc_buf_reset(&b);
    rc_jw_base64(&b, NULL, 0);
    assert_buf(&b, "\"\"");
    /* Every byte value once: decode by hand and compare. */
    unsigned char all[256], back[256];
    for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
    rc_buf_reset(&b);
    rc_jw_base64(&b, all, 256);
    {
        static const char alpha[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t out = 0;
        uint32_t acc = 0;
        int bits = 0;
        assert_int_equal(b.len, 2 + (256 + 2) / 3 * 4);
        for (size_t i = 1; i + 1 < b.len && b.data[i] != '='; i++) {
            const char *p = strchr(alpha, b.data[i]);
            assert_non_null(p);
            acc = acc << 6 | (uint32_t)(p - alpha);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                back[out++] = (unsigned char)(acc >> bits);
            }
        }
        assert_int_equal(out, 256);
        assert_memory_equal(back, all, 256);
    }
    rc_value_free(&v);
    rc_buf_free(&b);
}

typedef struct point {
    int32_t x, y;
} point;

static void test_struct_value(void **state) {
    static const rc_struct_type point_type = {"point", sizeof(point), 3};
    static const rc_struct_type odd_type = {"a\"b</c", 5, 0};
    point p = {1, -2};
    rc_value v = {0};
    rc_buf b;
    json_t *j;
    (void)state;

    rc_buf_init(&b);
    rc_value_set_struct(&v, &point_type, &p);
    rc_jw_value(&b, &v);
    /* Key order is part of the format: $struct, v, b64. */
    assert_buf(&b, "{\"$struct\":\"point\",\"v\":3,\"b64\":\"AQAAAP7///8=\"}");
    j = parse(&b, LOAD_FLAGS);
    assert_string_equal(json_string_value(json_object_get(j, "$struct")), "point");
    assert_int_equal(json_integer_value(json_object_get(j, "v")), 3);
    json_decref(j);

    /* A name that needs escaping; NULL data reads as zero bytes. */
    rc_buf_reset(&b);
    rc_value_set_struct(&v, &odd_type, "\xFF\xFF\xFF\xFF\xFF");
    rc_jw_value(&b, &v);
    assert_buf(&b, "{\"$struct\":\"a\\\"b<\\/c\",\"v\":0,\"b64\":\"//////8=\"}");
    json_decref(parse(&b, LOAD_FLAGS));
    rc_value_free(&v);

    {
        rc_value raw = {0};
        raw.kind = RC_STRUCT;
        raw.as.st.type = &point_type;
        raw.as.st.ptr = NULL;
        rc_buf_reset(&b);
        rc_jw_value(&b, &raw);
        assert_buf(&b, "{\"$struct\":\"point\",\"v\":3,\"b64\":\"AAAAAAAAAAA=\"}");
        /* No type: nothing to describe, null. */
        raw.as.st.type = NULL;
        rc_buf_reset(&b);
        rc_jw_value(&b, &raw);
        assert_buf(&b, "null");
    }
    rc_buf_free(&b);
}

static void test_nested_values(void **state) {
    rc_value v = {0}, *arr, *inner;
    rc_buf b;
    json_t *j;
    (void)state;

    rc_value_set_object(&v);
    rc_value_set_int(rc_object_set(&v, "z"), -5);
    rc_value_set_float(rc_object_set(&v, "a"), 2.5);
    arr = rc_object_set(&v, "list");
    rc_value_set_array(arr);
    rc_value_set_bool(rc_array_push(arr), true);
    rc_array_push(arr); /* RC_NULL */
    rc_value_set_string(rc_array_push(arr), "x\"</y>\n");
    rc_value_set_bytes(rc_array_push(arr), "hi", 2);
    inner = rc_array_push(arr);
    rc_value_set_object(inner);
    rc_value_set_array(rc_object_set(inner, "empty"));
    rc_value_set_object(rc_object_set(inner, "none"));
    rc_value_set_float(rc_object_set(&v, "nan"), NAN);
    rc_value_set_stringn(rc_object_set(&v, "\xC3\xA9\xFF"), "a\0b", 3);
    rc_value_set_float(rc_object_set(&v, "one"), 1.0);

    rc_buf_init(&b);
    rc_jw_value(&b, &v);
    /* Members in insertion order, not sorted. */
    assert_buf(&b, "{\"z\":-5,\"a\":2.5,\"list\":[true,null,\"x\\\"<\\/y>\\n\",\"aGk=\","
                   "{\"empty\":[],\"none\":{}}],\"nan\":null,"
                   "\"\xC3\xA9\xEF\xBF\xBD\":\"a\\u0000b\",\"one\":1.0}");
    j = parse(&b, LOAD_FLAGS);
    assert_int_equal(json_object_size(j), 6);
    assert_int_equal(json_integer_value(json_object_get(j, "z")), -5);
    assert_true(json_real_value(json_object_get(j, "a")) == 2.5);
    assert_true(json_is_real(json_object_get(j, "one")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "list"), 2)),
                        "x\"</y>\n");
    assert_int_equal(json_string_length(json_object_get(j, "\xC3\xA9\xEF\xBF\xBD")), 3);
    json_decref(j);

    /* NULL, and a value of an unknown kind, are null. */
    rc_buf_reset(&b);
    rc_jw_value(&b, NULL);
    assert_buf(&b, "null");
    {
        rc_value bad = {0};
        bad.kind = (rc_kind)99;
        rc_buf_reset(&b);
        rc_jw_value(&b, &bad);
        assert_buf(&b, "null");
    }
    rc_value_free(&v);

    /* Deep nesting: [[[...{"d":[...]}...]]] 500 levels. */
    rc_value_set_array(&v);
    inner = &v;
    for (int d = 0; d < 500; d++) {
        inner = rc_array_push(inner);
        if (d % 2) {
            rc_value_set_array(inner);
        } else {
            rc_value_set_object(inner);
            inner = rc_object_set(inner, "d");
            rc_value_set_array(inner);
        }
    }
    rc_value_set_int(rc_array_push(inner), 42);
    rc_buf_reset(&b);
    rc_jw_value(&b, &v);
    j = parse(&b, LOAD_FLAGS);
    json_decref(j);
    rc_value_free(&v);
    rc_buf_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Randomised strings                                                       */
/* ------------------------------------------------------------------------ */

/* Random input: raw bytes, or pieces chosen to hit every path. */
static size_t random_input(unsigned char *s, size_t max) {
    static const char *const pieces[] = {
        "a",
        "Z",
        " ",
        "\"",
        "\\",
        "/",
        "<",
        "</",
        "<\\/",
        "\n",
        "\t",
        "\x01",
        "\x1f",
        "\x7f",
        "\x00",
        "\xC3\xA9",
        "\xE2\x82\xAC",
        "\xF0\x9F\x98\x80",
        "\xE2\x80\xA8",
        "\xE2\x80\xA9",
        "\xEF\xBF\xBD",
        "\xF4\x8F\xBF\xBF",
        "\xED\x9F\xBF",
        "\xEE\x80\x80",
        "\xC2\x80",
        "\xDF\xBF",
        "\x80",
        "\xC0\xAF",
        "\xED\xA0\x80",
        "\xF4\x90",
        "\xE2\x82",
        "\xFF",
        "\xF0\x9F",
        "\xC3",
    };
    static const size_t piece_len[] = {
        1, 1, 1, 1, 1, 1, 1, 2, 3, 1, 1, 1, 1, 1, 1, 2, 3,
        4, 3, 3, 3, 4, 3, 3, 2, 2, 1, 2, 3, 2, 2, 1, 2, 1,
    };
    size_t npieces = sizeof pieces / sizeof pieces[0];
    size_t target = rng() % (max / 4 + 1), len = 0;
    int mode = (int)(rng() % 3);

    _Static_assert(sizeof pieces / sizeof pieces[0] == sizeof piece_len / sizeof piece_len[0],
                   "pieces");
    while (len < target) {
        if (mode == 0) {
            s[len++] = (unsigned char)rng();
        } else {
            /* mode 1: any piece; mode 2: only the valid ones (index < 26). */
            size_t k = rng() % (mode == 2 ? 26 : npieces);
            if (len + piece_len[k] > max) break;
            memcpy(s + len, pieces[k], piece_len[k]);
            len += piece_len[k];
        }
    }
    return len;
}

static void test_random_strings(void **state) {
    enum { MAX = 256 };
    unsigned char in[MAX], want[3 * MAX];
    rc_buf b;
    size_t valid = 0, invalid = 0;
    (void)state;

    /* The reference agrees with the hand-written cases above. */
    for (size_t i = 0; i < sizeof invalid_cases / sizeof invalid_cases[0]; i++) {
        char expect[64];
        size_t el = case_decoded(invalid_cases[i].out, expect);
        size_t n =
            ref_sanitise((const unsigned char *)invalid_cases[i].in, invalid_cases[i].len, want);
        assert_int_equal(n, el);
        assert_memory_equal(want, expect, n);
    }

    rng_state = 12345;
    rc_buf_init(&b);
    for (int t = 0; t < 10000; t++) {
        size_t len = random_input(in, MAX);
        size_t wl = ref_sanitise(in, len, want);
        bool is_valid = wl == len && memcmp(want, in, len) == 0;
        json_t *j;

        /* Written on its own, into a reused buffer. */
        rc_buf_reset(&b);
        rc_jw_string(&b, (const char *)in, len);
        j = parse(&b, LOAD_FLAGS);
        assert_true(json_is_string(j));
        if (json_string_length(j) != wl || memcmp(json_string_value(j), want, wl) != 0)
            fail_msg("case %d (%s UTF-8, %zu bytes): decoded string differs", t,
                     is_valid ? "valid" : "invalid", len);
        json_decref(j);
        /* Nothing that could end a script element or break a line. */
        for (size_t i = 0; i + 1 < b.len; i++)
            assert_false(b.data[i] == '<' && b.data[i + 1] == '/');
        for (size_t i = 0; i < b.len; i++) assert_true((unsigned char)b.data[i] >= 0x20);
        for (size_t i = 0; i + 2 < b.len; i++)
            assert_false(memcmp(b.data + i, "\xE2\x80\xA8", 3) == 0 ||
                         memcmp(b.data + i, "\xE2\x80\xA9", 3) == 0);
        valid += is_valid;
        invalid += !is_valid;
    }
    /* Both kinds were exercised in numbers. */
    assert_true(valid > 2000);
    assert_true(invalid > 2000);
    rc_buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_basics),
        cmocka_unit_test(test_string_plain),
        cmocka_unit_test(test_string_all_control_chars),
        cmocka_unit_test(test_string_quotes_backslash),
        cmocka_unit_test(test_string_script_close),
        cmocka_unit_test(test_string_utf8_valid),
        cmocka_unit_test(test_string_line_separators),
        cmocka_unit_test(test_string_utf8_invalid),
        cmocka_unit_test(test_string_nul),
        cmocka_unit_test(test_string_helpers),
        cmocka_unit_test(test_string_every_position),
        cmocka_unit_test(test_string_long),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_doubles),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_struct_value),
        cmocka_unit_test(test_nested_values),
        cmocka_unit_test(test_random_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
