/*
 * Formatted text for the builder (rc_attrf, rc_textf), written straight
 * into the render's arena.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

/* Decimal digits of v (negated when neg) into the arena. */
static char *arena_decimal(rc_arena *a, size_t *len_out, bool neg, unsigned long long v) {
    char buf[24];
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (neg) buf[--i] = '-';
    *len_out = sizeof buf - i;
    return rc_arena_strndup(a, buf + i, sizeof buf - i);
}

/* Magnitude of a signed value, LLONG_MIN included. */
static unsigned long long magnitude(long long x) {
    return x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
}

/* Formats into the arena: one vsnprintf when the text fits the stack buffer.
 * A format that is one number or one string alone (a counter's "%lld")
 * skips vsnprintf, ~700 instructions of a small render. */
char *rc_arena_vformat(rc_arena *a, size_t *len_out, const char *fmt, va_list ap) {
    if (fmt[0] == '%') {
        const char *f = fmt + 1;
        if (strcmp(f, "d") == 0) {
            int x = va_arg(ap, int);
            return arena_decimal(a, len_out, x < 0, magnitude(x));
        }
        if (strcmp(f, "ld") == 0) {
            long x = va_arg(ap, long);
            return arena_decimal(a, len_out, x < 0, magnitude(x));
        }
        if (strcmp(f, "lld") == 0) {
            long long x = va_arg(ap, long long);
            return arena_decimal(a, len_out, x < 0, magnitude(x));
        }
        if (strcmp(f, "u") == 0) return arena_decimal(a, len_out, false, va_arg(ap, unsigned));
        if (strcmp(f, "lu") == 0)
            return arena_decimal(a, len_out, false, va_arg(ap, unsigned long));
        if (strcmp(f, "llu") == 0)
            return arena_decimal(a, len_out, false, va_arg(ap, unsigned long long));
        if (strcmp(f, "zu") == 0) return arena_decimal(a, len_out, false, va_arg(ap, size_t));
        if (strcmp(f, "s") == 0) {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)"; /* what glibc's printf writes */
            *len_out = strlen(s);
            return rc_arena_strndup(a, s, *len_out);
        }
    }
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) n = 0;
    char *out;
    if ((size_t)n < sizeof small) {
        out = rc_arena_strndup(a, small, (size_t)n);
    } else {
        out = rc_arena_alloc(a, (size_t)n + 1);
        vsnprintf(out, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    *len_out = (size_t)n;
    return out;
}
