/*
 * json_writer.c — append-only JSON writer (see json_writer.h).
 *
 * Everything appends to an rc_buf. Strings are the hot path: the scanner
 * walks the input once, leaves runs of bytes that need no change in place
 * and copies each run with one memcpy when an escape interrupts it (or at
 * the end). Valid multi-byte UTF-8 is part of a run too, so non-ASCII text
 * costs a validation step per character but no extra copies.
 */
#include "wire/json_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* A size that does not fit size_t (or a double printf cannot format):
 * nothing sensible can be sent any more, so stop here rather than make
 * every caller check. Out of memory stops in rc_buf_grow (util/buf.c). */
static _Noreturn void jw_die(const char *what) {
    fprintf(stderr, "reactc: json writer: %s\n", what);
    abort();
}

/* ------------------------------------------------------------------------ */
/* Strings                                                                  */
/* ------------------------------------------------------------------------ */

/* What the string scanner does with each byte value. */
enum {
    JW_PLAIN = 0, /* copied as is */
    JW_ESC = 1,   /* control character, '"' or '\\': escaped */
    JW_LT = 2,    /* '<': "</" becomes "<\/" */
    JW_HIGH = 3   /* 0x80..0xFF: start of a UTF-8 sequence, validated */
};

static const unsigned char jw_class[256] = {
    /* 0x00 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x10 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x20 */ 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x30 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
    /* 0x40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    /* 0x60 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x70 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x80 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 0x90 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 0xA0 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 0xB0 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 0xC0 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 0xD0 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 0xE0 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 0xF0 */ 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

static const char jw_hex[] = "0123456789abcdef";

/* SWAR test of 8 bytes at once: true if any of them is not JW_PLAIN, that
 * is >= 0x80, < 0x20, '"', '\\' or '<'. With L = 0x01 in every byte and
 * H = 0x80 in every byte, (x - L*n) & ~x & H is non-zero iff some byte of
 * x is below n (n <= 0x80), and a byte equal to c is a zero byte of
 * x ^ (L*c). Byte order does not matter for a yes/no answer. */
static inline bool jw_special8(const unsigned char *p) {
    const uint64_t L = 0x0101010101010101u, H = 0x8080808080808080u;
    uint64_t x, q, b, t;

    memcpy(&x, p, 8);
    q = x ^ (L * '"');
    b = x ^ (L * '\\');
    t = x ^ (L * '<');
    return ((x | ((x - L * 0x20) & ~x) | ((q - L) & ~q) | ((b - L) & ~b) | ((t - L) & ~t)) & H) !=
           0;
}

/* Checks the UTF-8 sequence starting at p (p[0] >= 0x80, avail >= 1 bytes).
 * Returns true for a well-formed sequence (Unicode table 3-7: no overlongs,
 * no surrogates, nothing above U+10FFFF), with its length in *n. Otherwise
 * returns false with the length of the maximal subpart to replace by one
 * U+FFFD in *n: the bytes that could still have begun a valid sequence,
 * at least one. */
static inline bool jw_utf8(const unsigned char *p, size_t avail, size_t *n) {
    unsigned c = p[0];
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    size_t need, k;

    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0) lo = 0xA0;      /* overlong below U+0800 */
        else if (c == 0xED) hi = 0x9F; /* U+D800..U+DFFF surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0) lo = 0x90;      /* overlong below U+10000 */
        else if (c == 0xF4) hi = 0x8F; /* above U+10FFFF */
    } else {
        *n = 1; /* 80..C1, F5..FF never start a character */
        return false;
    }
    if (avail < 2 || p[1] < lo || p[1] > hi) {
        *n = 1;
        return false;
    }
    for (k = 2; k < need; k++) {
        if (k >= avail || (p[k] & 0xC0) != 0x80) {
            *n = k;
            return false;
        }
    }
    *n = need;
    return true;
}

/* Short escapes for the control characters that have one; 0: \u00XX. */
static const char jw_short[0x20] = {
    0, 0, 0, 0, 0, 0, 0, 0, 'b', 't', 'n', 0, 'f', 'r', 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0,   0,   0,   0, 0,   0,   0, 0,
};

/* Copies the pending run s[run..i) and the escape of s[i] (a JW_ESC byte)
 * with one reservation: escapes are the common interruption. */
static void jw_escape(rc_buf *buf, const unsigned char *s, size_t run, size_t i) {
    unsigned char c = s[i];
    char *d;

    rc_buf_reserve(buf, i - run + 6);
    d = buf->data + buf->len;
    memcpy(d, s + run, i - run);
    d += i - run;
    *d++ = '\\';
    if (c == '"' || c == '\\') {
        *d++ = (char)c;
    } else if (jw_short[c]) {
        *d++ = jw_short[c];
    } else {
        *d++ = 'u';
        *d++ = '0';
        *d++ = '0';
        *d++ = jw_hex[c >> 4];
        *d++ = jw_hex[c & 15];
    }
    buf->len = (size_t)(d - buf->data);
}

void rc_jw_string(rc_buf *buf, const char *str, size_t len) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0; /* s[run..i) is checked but not yet copied */
    size_t n;

    if (s == NULL) {
        s = (const unsigned char *)""; /* no arithmetic on a NULL pointer */
        len = 0;
    }
    /* One reservation covers the whole output when nothing is escaped;
     * escapes reserve again as they go. */
    if (len > SIZE_MAX - 2) jw_die("size overflow");
    rc_buf_reserve(buf, len + 2);
    /* Short and plain, the common string of a tree (a tag, an attribute's
     * name, a handler id, a cell's text): copied with the test, quotes
     * around, no run bookkeeping and no memcpy call (the general loop was
     * most of writing a 10,000-node first tree). Anything to escape: the
     * general loop below, from the start (nothing was committed). */
    if (len <= 24) {
        char *d = buf->data + buf->len;
        size_t k = 0;
        while (k < len && jw_class[s[k]] == JW_PLAIN) {
            d[k + 1] = (char)s[k];
            k++;
        }
        if (k == len) {
            d[0] = '"';
            d[len + 1] = '"';
            buf->len += len + 2;
            return;
        }
    }
    buf->data[buf->len++] = '"';

    for (;;) {
        unsigned char c;

        /* Skip plain bytes: 8 at a time while possible, then one by one up
         * to the next byte that needs attention. */
        while (i + 8 <= len && !jw_special8(s + i)) i += 8;
        while (i < len && jw_class[s[i]] == JW_PLAIN) i++;
        if (i >= len) break;

        c = s[i];
        switch (jw_class[c]) {
        case JW_ESC:
            jw_escape(buf, s, run, i);
            run = ++i;
            break;
        case JW_LT:
            /* "</script>" would end an enclosing <script> element. */
            if (i + 1 < len && s[i + 1] == '/') {
                rc_buf_append(buf, s + run, i + 1 - run);
                rc_buf_append(buf, "\\/", 2);
                i += 2;
                run = i;
            } else {
                i++;
            }
            break;
        default: /* JW_HIGH */
            /* Non-ASCII text usually comes in runs (words of a script
             * other than Latin): stay here while the bytes are >= 0x80. */
            do {
                if (!jw_utf8(s + i, len - i, &n)) {
                    rc_buf_append(buf, s + run, i - run);
                    rc_buf_append(buf, "\xEF\xBF\xBD", 3);
                    run = i + n;
                } else if (s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] & 0xFE) == 0xA8) {
                    /* U+2028/U+2029 (E2 80 A8/A9) end a line in older
                     * JavaScript: escaped, the text stays safe inside a
                     * script. Every other valid character is kept. */
                    rc_buf_append(buf, s + run, i - run);
                    rc_buf_append(buf, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
                    run = i + 3;
                }
                i += n;
            } while (i < len && s[i] >= 0x80);
            break;
        }
    }
    rc_buf_append(buf, s + run, i - run);
    rc_buf_putc(buf, '"');
}

void rc_jw_str(rc_buf *buf, const char *s) {
    if (s == NULL) rc_jw_null(buf);
    else rc_jw_string(buf, s, strlen(s));
}

void rc_jw_key(rc_buf *buf, const char *key) {
    if (key == NULL) key = "";
    rc_jw_string(buf, key, strlen(key));
    rc_buf_putc(buf, ':');
}

/* ------------------------------------------------------------------------ */
/* Numbers and literals                                                     */
/* ------------------------------------------------------------------------ */

/* "00" .. "99": two digits per division halves the divisions. */
static const char jw_digits2[201] = "00010203040506070809"
                                    "10111213141516171819"
                                    "20212223242526272829"
                                    "30313233343536373839"
                                    "40414243444546474849"
                                    "50515253545556575859"
                                    "60616263646566676869"
                                    "70717273747576777879"
                                    "80818283848586878889"
                                    "90919293949596979899";

/* Writes the decimal digits of v at the end of tmp[0..20) and returns the
 * index of the first digit. */
static size_t jw_format_u64(char tmp[20], uint64_t v) {
    size_t p = 20;

    while (v >= 100) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        tmp[--p] = jw_digits2[d + 1];
        tmp[--p] = jw_digits2[d];
    }
    if (v >= 10) {
        unsigned d = (unsigned)v * 2;
        tmp[--p] = jw_digits2[d + 1];
        tmp[--p] = jw_digits2[d];
    } else {
        tmp[--p] = (char)('0' + v);
    }
    return p;
}

void rc_jw_uint(rc_buf *buf, uint64_t v) {
    char tmp[20];
    size_t p = jw_format_u64(tmp, v);

    rc_buf_append(buf, tmp + p, 20 - p);
}

void rc_jw_int(rc_buf *buf, int64_t v) {
    char tmp[21];
    size_t p;

    if (v >= 0) {
        rc_jw_uint(buf, (uint64_t)v);
        return;
    }
    /* Negate in unsigned arithmetic: -INT64_MIN does not fit int64_t. */
    p = jw_format_u64(tmp + 1, 0 - (uint64_t)v) + 1;
    tmp[--p] = '-';
    rc_buf_append(buf, tmp + p, 21 - p);
}

void rc_jw_double(rc_buf *buf, double v) {
    char tmp[40];
    int len = 0, prec;
    bool has_point = false;

    if (!isfinite(v)) {
        rc_jw_null(buf);
        return;
    }
    if (v == 0) {
        rc_jw_raw(buf, signbit(v) ? "-0.0" : "0.0");
        return;
    }
    /* Whole numbers below 1e15 print exactly as integers: skip printf. */
    if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v) {
        rc_jw_int(buf, (int64_t)v);
        rc_buf_append(buf, ".0", 2);
        return;
    }
    /* 17 significant digits always read back as the same double; fewer
     * often do, and are shorter and friendlier (0.1, not 0.10000000000000001). */
    for (prec = 15; prec <= 17; prec++) {
        len = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (prec == 17 || strtod(tmp, NULL) == v) break;
    }
    if (len <= 0 || (size_t)len >= sizeof tmp) jw_die("cannot format a double");
    /* printf follows LC_NUMERIC: whatever the locale's decimal separator
     * is, JSON wants '.'. A number without '.' or exponent gets ".0" so
     * that readers keep it a float. */
    for (int i = 0; i < len; i++) {
        char c = tmp[i];
        if (c == 'e') {
            has_point = true;
        } else if (!(c >= '0' && c <= '9') && c != '-' && c != '+') {
            tmp[i] = '.';
            has_point = true;
        }
    }
    rc_buf_append(buf, tmp, (size_t)len);
    if (!has_point) rc_buf_append(buf, ".0", 2);
}

void rc_jw_bool(rc_buf *buf, bool v) {
    if (v) rc_buf_append(buf, "true", 4);
    else rc_buf_append(buf, "false", 5);
}

void rc_jw_null(rc_buf *buf) { rc_buf_append(buf, "null", 4); }

/* ------------------------------------------------------------------------ */
/* Base64 and values                                                        */
/* ------------------------------------------------------------------------ */

static const char jw_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The quoted base64 of n bytes at p; p == NULL stands for n zero bytes (a
 * struct value whose storage was never allocated). */
static void jw_base64(rc_buf *buf, const unsigned char *p, size_t n) {
    static const unsigned char zeros[3];
    size_t out, i;
    char *d;

    if (n > (SIZE_MAX - 6) / 4 * 3) jw_die("size overflow");
    out = (n + 2) / 3 * 4;
    rc_buf_reserve(buf, out + 2);
    d = buf->data + buf->len;
    *d++ = '"';
    for (i = 0; i + 3 <= n; i += 3) {
        const unsigned char *t = p ? p + i : zeros;
        uint32_t w = (uint32_t)t[0] << 16 | (uint32_t)t[1] << 8 | t[2];
        *d++ = jw_b64[w >> 18];
        *d++ = jw_b64[(w >> 12) & 63];
        *d++ = jw_b64[(w >> 6) & 63];
        *d++ = jw_b64[w & 63];
    }
    if (i < n) {
        /* One or two bytes left: two or three characters, then '='. */
        uint32_t w = (uint32_t)(p ? p[i] : 0) << 16;
        if (i + 1 < n) w |= (uint32_t)(p ? p[i + 1] : 0) << 8;
        *d++ = jw_b64[w >> 18];
        *d++ = jw_b64[(w >> 12) & 63];
        *d++ = i + 1 < n ? jw_b64[(w >> 6) & 63] : '=';
        *d++ = '=';
    }
    *d++ = '"';
    buf->len = (size_t)(d - buf->data);
}

void rc_jw_base64(rc_buf *buf, const void *p, size_t n) {
    static const unsigned char none[1];

    /* NULL with n == 0 is the empty string; never read zeros for NULL here. */
    jw_base64(buf, p ? p : none, p ? n : 0);
}

void rc_jw_value(rc_buf *buf, const rc_value *v) {
    size_t i;

    if (v == NULL) {
        rc_jw_null(buf);
        return;
    }
    switch (v->kind) {
    case RC_NULL: rc_jw_null(buf); break;
    case RC_BOOL: rc_jw_bool(buf, v->as.b); break;
    case RC_INT: rc_jw_int(buf, v->as.i); break;
    case RC_FLOAT: rc_jw_double(buf, v->as.f); break;
    case RC_STRING: rc_jw_string(buf, v->as.str.ptr, v->as.str.ptr ? v->as.str.len : 0); break;
    case RC_BYTES: rc_jw_base64(buf, v->as.str.ptr, v->as.str.len); break;
    case RC_ARRAY:
        rc_buf_putc(buf, '[');
        for (i = 0; i < v->as.arr.len; i++) {
            if (i > 0) rc_buf_putc(buf, ',');
            rc_jw_value(buf, &v->as.arr.items[i]);
        }
        rc_buf_putc(buf, ']');
        break;
    case RC_OBJECT:
        rc_buf_putc(buf, '{');
        for (i = 0; i < v->as.obj.len; i++) {
            if (i > 0) rc_buf_putc(buf, ',');
            rc_jw_key(buf, v->as.obj.items[i].key);
            rc_jw_value(buf, &v->as.obj.items[i].value);
        }
        rc_buf_putc(buf, '}');
        break;
    case RC_STRUCT: {
        const rc_struct_type *t = v->as.st.type;
        if (t == NULL) {
            rc_jw_null(buf);
            break;
        }
        rc_jw_raw(buf, "{\"$struct\":");
        rc_jw_str(buf, t->name ? t->name : "");
        rc_jw_raw(buf, ",\"v\":");
        rc_jw_uint(buf, t->version);
        rc_jw_raw(buf, ",\"b64\":");
        jw_base64(buf, v->as.st.ptr, t->size);
        rc_buf_putc(buf, '}');
        break;
    }
    default: rc_jw_null(buf); break;
    }
}
