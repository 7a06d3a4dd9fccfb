/*
 * Formatted text for the builder (rc_attrf, rc_textf), written straight
 * into the render's arena.
 *
 * Why a formatter of our own for the common formats: a list's rows are
 * rc_textf("Row %d: value %lld", ...) a thousand times per render, and
 * vsnprintf (its FILE machinery, its locale and width handling) was a fifth
 * of a 1,000-item list's re-render. Formats made only of plain text and the
 * conversions %d %i %u %ld %li %lu %lld %lli %llu %zu %s %c and %% -- no
 * flags, width or precision -- are written here, byte for byte what printf
 * writes for them (tests/unit/test_textf.c compares the two); anything else
 * goes to vsnprintf.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* len bytes of s and a NUL into the arena, after prefix bytes (0: packed
 * anywhere, no alignment; else the prefix starts 8-aligned). */
static char *put(rc_arena *a, size_t prefix, const char *s, size_t len) {
    if (!prefix) return rc_arena_strndup(a, s, len);
    char *p = (char *)rc_arena_alloc_align(a, prefix + len + 1, 8) + prefix;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* Magnitude of a signed value, LLONG_MIN included. */
static unsigned long long magnitude(long long x) {
    return x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
}

const char *rc_decimal(char buf[24], bool neg, unsigned long long v, size_t *len) {
    char *p = buf + 24;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg) *--p = '-';
    *len = (size_t)(buf + 24 - p);
    return p;
}

/* "00" .. "99": two digits per division. */
static const char pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Decimal digits of v (negated when neg) at out + o, within cap. With room
 * for any 64-bit value (the common case: a text being formatted into an
 * arena chunk) they are written in place, two at a time; near the end of
 * the room, through rc_decimal's buffer, counting what does not fit. */
static size_t put_decimal(char *out, size_t cap, size_t o, bool neg, unsigned long long v) {
    if (o > cap || cap - o < 21) {
        char buf[24];
        size_t n;
        const char *d = rc_decimal(buf, neg, v, &n);
        for (size_t i = 0; i < n; i++, o++)
            if (o < cap) out[o] = d[i];
        return o;
    }
    if (neg) out[o++] = '-';
    size_t n = 1;
    for (unsigned long long t = v; t >= 10; t /= 10) n++;
    char *p = out + o + n;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        *--p = pairs[d + 1];
        *--p = pairs[d];
    }
    if (v >= 10) {
        *--p = pairs[v * 2 + 1];
        *--p = pairs[v * 2];
    } else *--p = (char)('0' + v);
    return o + n;
}

/* Formats fmt into out (cap bytes; what does not fit is counted, not
 * written) in one pass, and returns the text's length; or SIZE_MAX at the
 * first conversion this file does not write (flags, width, precision, %x,
 * %f...), having read some of ap: the caller then formats from a copy of
 * ap with vsnprintf. */
static size_t format_simple(char *restrict out, size_t cap, const char *restrict fmt, va_list ap) {
    /* A run of plain bytes in an inner loop of its own, with restrict: a
     * char store may alias anything, and the one loop for all bytes
     * reloaded the format after each byte written. */
    size_t o = 0;
    for (const char *p = fmt;; p++) {
        char c;
        while ((c = *p) != '%' && c != '\0') {
            if (o < cap) out[o] = c;
            o++;
            p++;
        }
        if (!c) break;
        char mod = 0;
        p++;
        if (p[0] == 'l' && p[1] == 'l') mod = 'L', p += 2;
        else if (p[0] == 'l' || p[0] == 'z') mod = *p++;
        switch (*p) {
        case '%':
            if (mod) return SIZE_MAX;
            if (o < cap) out[o] = '%';
            o++;
            break;
        case 's': {
            if (mod) return SIZE_MAX;
            const char *str = va_arg(ap, const char *);
            if (!str) str = "(null)"; /* what glibc's printf writes */
            for (; *str; str++, o++)
                if (o < cap) out[o] = *str;
            break;
        }
        case 'c':
            if (mod) return SIZE_MAX;
            if (o < cap) out[o] = (char)va_arg(ap, int);
            o++;
            break;
        case 'u': {
            unsigned long long v = mod == 'L'   ? va_arg(ap, unsigned long long)
                                   : mod == 'l' ? va_arg(ap, unsigned long)
                                   : mod == 'z' ? va_arg(ap, size_t)
                                                : va_arg(ap, unsigned);
            o = put_decimal(out, cap, o, false, v);
            break;
        }
        case 'd':
        case 'i': {
            if (mod == 'z') return SIZE_MAX; /* %zd is ssize_t: rare, left to printf */
            long long v = mod == 'L'   ? va_arg(ap, long long)
                          : mod == 'l' ? va_arg(ap, long)
                                       : va_arg(ap, int);
            o = put_decimal(out, cap, o, v < 0, magnitude(v));
            break;
        }
        default: return SIZE_MAX;
        }
    }
    return o;
}

char *rc_arena_vformat(rc_arena *a, size_t *len_out, const char *fmt, va_list ap) {
    return rc_arena_vformat_after(a, 0, len_out, fmt, ap);
}

char *rc_arena_vformat_after(rc_arena *a, size_t prefix, size_t *len_out, const char *fmt,
                             va_list ap) {
    /* Straight into the arena's free space when it has some (no copy from
     * a buffer: a list's texts are most of its build); else into `small`. */
    char small[256];
    size_t room;
    char *base = rc_arena_peek(a, prefix ? 8 : 1, &room);
    bool direct = base && room > prefix;
    char *dst = direct ? base + prefix : small;
    size_t cap = direct ? room - prefix - 1 : sizeof small - 1; /* one byte for the NUL */
    va_list ap2, ap3; /* unread copies: a second pass, or printf's */
    va_copy(ap2, ap);
    va_copy(ap3, ap);
    char *out;
    size_t n = format_simple(dst, cap, fmt, ap);
    if (n != SIZE_MAX && n <= cap) { /* written whole */
        dst[n] = '\0';
        if (direct) rc_arena_commit(a, base, prefix + n + 1);
        out = direct ? dst : put(a, prefix, small, n);
    } else if (n != SIZE_MAX) { /* measured: again, where it fits */
        out = (char *)rc_arena_alloc_align(a, prefix + n + 1, 8) + prefix;
        format_simple(out, n, fmt, ap2);
        out[n] = '\0';
    } else { /* not a format of ours */
        int r = vsnprintf(small, sizeof small, fmt, ap2);
        n = r < 0 ? 0 : (size_t)r;
        if (n < sizeof small) {
            out = put(a, prefix, small, n);
        } else {
            out = (char *)rc_arena_alloc_align(a, prefix + n + 1, 8) + prefix;
            vsnprintf(out, n + 1, fmt, ap3);
        }
    }
    va_end(ap2);
    va_end(ap3);
    *len_out = n;
    return out;
}
