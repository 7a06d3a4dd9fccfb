/*
 * Formatted text for the builder (rc_attrf, rc_textf), written straight
 * into the render's arena.
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

/* Decimal digits of v (negated when neg) into the arena. */
static char *arena_decimal(rc_arena *a, size_t prefix, size_t *len_out, bool neg,
                           unsigned long long v) {
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg) buf[--i] = '-';
    *len_out = sizeof buf - i;
    return put(a, prefix, buf + i, sizeof buf - i);
}

/* Magnitude of a signed value, LLONG_MIN included. */
static unsigned long long magnitude(long long x) {
    return x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
}

/* Formats into the arena: one vsnprintf when the text fits the stack buffer.
 * A format that is one number or one string alone (a counter's "%lld")
 * skips vsnprintf, ~700 instructions of a small render. */
char *rc_arena_vformat(rc_arena *a, size_t *len_out, const char *fmt, va_list ap) {
    return rc_arena_vformat_after(a, 0, len_out, fmt, ap);
}

char *rc_arena_vformat_after(rc_arena *a, size_t prefix, size_t *len_out, const char *fmt,
                             va_list ap) {
    if (fmt[0] == '%') {
        const char *f = fmt + 1;
        if (strcmp(f, "d") == 0) {
            int x = va_arg(ap, int);
            return arena_decimal(a, prefix, len_out, x < 0, magnitude(x));
        }
        if (strcmp(f, "ld") == 0) {
            long x = va_arg(ap, long);
            return arena_decimal(a, prefix, len_out, x < 0, magnitude(x));
        }
        if (strcmp(f, "lld") == 0) {
            long long x = va_arg(ap, long long);
            return arena_decimal(a, prefix, len_out, x < 0, magnitude(x));
        }
        if (strcmp(f, "u") == 0)
            return arena_decimal(a, prefix, len_out, false, va_arg(ap, unsigned));
        if (strcmp(f, "lu") == 0)
            return arena_decimal(a, prefix, len_out, false, va_arg(ap, unsigned long));
        if (strcmp(f, "llu") == 0)
            return arena_decimal(a, prefix, len_out, false, va_arg(ap, unsigned long long));
        if (strcmp(f, "zu") == 0)
            return arena_decimal(a, prefix, len_out, false, va_arg(ap, size_t));
        if (strcmp(f, "s") == 0) {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)"; /* what glibc's printf writes */
            *len_out = strlen(s);
            return put(a, prefix, s, *len_out);
        }
    }
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) n = 0;
    char *out;
    if ((size_t)n < sizeof small) {
        out = put(a, prefix, small, (size_t)n);
    } else {
        out = (char *)rc_arena_alloc_align(a, prefix + (size_t)n + 1, 8) + prefix;
        vsnprintf(out, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    *len_out = (size_t)n;
    return out;
}
