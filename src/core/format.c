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

/* The conversion at f (just past a '%'): its length modifier (0, 'l' for
 * l, 'L' for ll, 'z') and its letter, and the characters it spans; 0 when
 * it is not one this file formats. */
static size_t conversion(const char *f, char *mod, char *conv) {
    size_t n = 0;
    *mod = 0;
    if (f[0] == 'l' && f[1] == 'l') *mod = 'L', n = 2;
    else if (f[0] == 'l' || f[0] == 'z') *mod = f[0], n = 1;
    char c = f[n];
    bool ok = c == 'd' || c == 'i' || c == 'u' || ((c == 's' || c == 'c' || c == '%') && !*mod);
    if (*mod == 'z' && c != 'u') ok = false; /* %zd is ssize_t: rare, left to printf */
    *conv = c;
    return ok ? n + 1 : 0;
}

static bool simple(const char *fmt) {
    for (const char *p = fmt; (p = strchr(p, '%')) != NULL;) {
        char mod, conv;
        size_t n = conversion(p + 1, &mod, &conv);
        if (!n) return false;
        p += 1 + n;
    }
    return true;
}

/* Appends to out (cap bytes, o used); returns the new length, which may
 * pass cap (nothing is written past it): the caller measures. */
static size_t append(char *out, size_t cap, size_t o, const char *s, size_t n) {
    if (o < cap) memcpy(out + o, s, o + n <= cap ? n : cap - o);
    return o + n;
}

static size_t append_decimal(char *out, size_t cap, size_t o, bool neg, unsigned long long v) {
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg) buf[--i] = '-';
    return append(out, cap, o, buf + i, sizeof buf - i);
}

/* A simple() format into out; the length of the whole text. */
static size_t format_simple(char *out, size_t cap, const char *fmt, va_list ap) {
    size_t o = 0;
    for (const char *p = fmt; *p;) {
        const char *pc = strchr(p, '%');
        if (!pc) return append(out, cap, o, p, strlen(p));
        o = append(out, cap, o, p, (size_t)(pc - p));
        char mod, conv;
        p = pc + 1 + conversion(pc + 1, &mod, &conv);
        if (conv == '%') {
            o = append(out, cap, o, "%", 1);
        } else if (conv == 's') {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)"; /* what glibc's printf writes */
            o = append(out, cap, o, s, strlen(s));
        } else if (conv == 'c') {
            char ch = (char)va_arg(ap, int);
            o = append(out, cap, o, &ch, 1);
        } else if (conv == 'u') {
            unsigned long long v = mod == 'L'   ? va_arg(ap, unsigned long long)
                                   : mod == 'l' ? va_arg(ap, unsigned long)
                                   : mod == 'z' ? va_arg(ap, size_t)
                                                : va_arg(ap, unsigned);
            o = append_decimal(out, cap, o, false, v);
        } else { /* d, i */
            long long v = mod == 'L'   ? va_arg(ap, long long)
                          : mod == 'l' ? va_arg(ap, long)
                                       : va_arg(ap, int);
            o = append_decimal(out, cap, o, v < 0, magnitude(v));
        }
    }
    return o;
}

char *rc_arena_vformat(rc_arena *a, size_t *len_out, const char *fmt, va_list ap) {
    return rc_arena_vformat_after(a, 0, len_out, fmt, ap);
}

char *rc_arena_vformat_after(rc_arena *a, size_t prefix, size_t *len_out, const char *fmt,
                             va_list ap) {
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    size_t n;
    if (simple(fmt)) {
        n = format_simple(small, sizeof small, fmt, ap);
        if (n >= sizeof small) { /* measured: format again where it fits */
            char *out = (char *)rc_arena_alloc_align(a, prefix + n + 1, 8) + prefix;
            format_simple(out, n + 1, fmt, ap2);
            out[n] = '\0';
            va_end(ap2);
            *len_out = n;
            return out;
        }
    } else {
        int r = vsnprintf(small, sizeof small, fmt, ap);
        n = r < 0 ? 0 : (size_t)r;
        if (n >= sizeof small) {
            char *out = (char *)rc_arena_alloc_align(a, prefix + n + 1, 8) + prefix;
            vsnprintf(out, n + 1, fmt, ap2);
            va_end(ap2);
            *len_out = n;
            return out;
        }
    }
    va_end(ap2);
    *len_out = n;
    return put(a, prefix, small, n);
}
