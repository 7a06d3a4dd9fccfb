/*
 * JSON strings for the fast reader (message_fast.c): found, checked and
 * decoded into the message's arena, with exactly jansson's rules, so that
 * whatever this accepts jansson accepts with the same bytes, and whatever
 * jansson refuses this gives up on (jansson then gives the reason):
 *   - raw bytes: no control character (< 0x20), valid UTF-8 (no overlong
 *     form, no surrogate, nothing above U+10FFFF);
 *   - escapes: \" \\ \/ \b \f \n \r \t and \uXXXX, where a high surrogate
 *     must be followed by a low one, a low one alone is refused, and
 *     \u0000 is refused (jansson allows NUL only with JSON_ALLOW_NUL).
 * Two passes over the string's bytes, each linear: one finds its end (and
 * whether it needs decoding at all: most strings do not), one decodes into
 * a buffer of the raw length (an escape never decodes longer than itself).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wire/message_fast.h"

/* Bytes the first pass stops at: the quote, the backslash, controls and
 * everything not ASCII. */
#define S16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const bool stop[256] = {
    S16(1), S16(1), /* 0x00-0x1f: controls */
    0,      0,      1,      0,      0,      0,      0,      0,
    0,      0,      0,      0,      0,      0,      0,      0, /* 0x20-0x2f: '"' */
    S16(0), S16(0),                                            /* 0x30-0x4f */
    0,      0,      0,      0,      0,      0,      0,      0,
    0,      0,      0,      0,      1,      0,      0,      0, /* 0x50-0x5f: '\\' */
    S16(0), S16(0),                                            /* 0x60-0x7f (DEL is valid JSON) */
    S16(1), S16(1), S16(1), S16(1), S16(1), S16(1), S16(1), S16(1), /* not ASCII */
};
#undef S16

/* The length of the valid UTF-8 sequence at s (before end), or 0. */
static size_t utf8_valid(const unsigned char *s, const unsigned char *end) {
    unsigned c = s[0];
    size_t n;
    uint32_t v;
    if (c >= 0xC2 && c <= 0xDF) n = 2, v = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, v = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, v = c & 0x07;
    else return 0;
    if ((size_t)(end - s) < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 3 && v < 0x800) ||
        (n == 4 && v < 0x10000))
        return 0;
    return n;
}

/* Four hex digits at s (before end). */
static bool hex4(const unsigned char *s, const unsigned char *end, uint32_t *out) {
    if (end - s < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

static size_t utf8_put(unsigned char *o, uint32_t cp) {
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* \uXXXX at s (after the "\u"), with its low surrogate if it is a high
 * one; advances *s past it. 0 for what jansson refuses. */
static uint32_t unicode_escape(const unsigned char **s, const unsigned char *end) {
    uint32_t cp, lo;
    if (!hex4(*s, end, &cp)) return 0;
    *s += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return 0; /* a low surrogate alone */
    if (cp < 0xD800 || cp > 0xDBFF) return cp;  /* \u0000 returns 0: refused */
    if (end - *s < 6 || (*s)[0] != '\\' || (*s)[1] != 'u' || !hex4(*s + 2, end, &lo) ||
        lo < 0xDC00 || lo > 0xDFFF)
        return 0;
    *s += 6;
    return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
}

/* Decodes the raw bytes [s, end) (escapes whole: the first pass checked
 * that none is cut by end) into o; returns the decoded length, or
 * SIZE_MAX for what jansson refuses (*why says what). */
static size_t decode(const unsigned char *s, const unsigned char *end, unsigned char *o,
                     const char **why) {
    size_t n = 0;
    while (s < end) {
        unsigned c = *s;
        if (c < 0x80 && c != '\\') {
            o[n++] = (unsigned char)c;
            s++;
        } else if (c >= 0x80) {
            size_t k = utf8_valid(s, end);
            if (!k) {
                *why = "invalid UTF-8 in a string";
                return SIZE_MAX;
            }
            memcpy(o + n, s, k);
            n += k;
            s += k;
        } else {
            unsigned e = s[1];
            s += 2;
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *at = e ? strchr(from, (int)e) : NULL;
            if (at) {
                o[n++] = (unsigned char)to[at - from];
            } else if (e == 'u') {
                uint32_t cp = unicode_escape(&s, end);
                if (!cp) {
                    *why = "invalid \\u escape (\\u0000 is not allowed, nor a lone surrogate)";
                    return SIZE_MAX;
                }
                n += utf8_put(o + n, cp);
            } else {
                *why = "invalid escape in a string";
                return SIZE_MAX;
            }
        }
    }
    return n;
}

bool rc_wire_read_string(const char **pos, const char *end, rc_arena *arena, char **out,
                         size_t *len, const char **why) {
    const unsigned char *s = (const unsigned char *)*pos, *e = (const unsigned char *)end;
    const unsigned char *q = s;
    bool plain = true;
    for (;;) {
        while (q < e && !stop[*q]) q++;
        if (q >= e || (*q == '\\' && e - q < 2)) {
            *why = "premature end of input in a string";
            return false;
        }
        if (*q < 0x20) {
            *why = "control character in a string";
            *pos = (const char *)q;
            return false;
        }
        if (*q == '"') break;
        plain = false;
        q += *q == '\\' ? 2 : 1;
    }
    size_t raw = (size_t)(q - s);
    if (plain) {
        *out = rc_arena_strndup(arena, (const char *)s, raw);
        *len = raw;
    } else {
        unsigned char *buf = rc_arena_alloc(arena, raw + 1);
        size_t n = decode(s, q, buf, why);
        if (n == SIZE_MAX) return false;
        buf[n] = '\0';
        *out = (char *)buf;
        *len = n;
    }
    *pos = (const char *)q + 1;
    return true;
}
