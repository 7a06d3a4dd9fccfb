/*
 * Reals for the fast reader (message_fast.c): the decimal text of a JSON
 * number to the nearest double, exactly as strtod rounds it (jansson reads
 * reals with strtod, and both readers must agree to the bit).
 *
 * strtod costs 150-300 ns for a short real with a far exponent (1.2345e-300:
 * ~15 ns per byte, 5x the cost of reading a flat array), so a message of
 * such reals was the costliest a client could send. This is fast_float's
 * algorithm (Eisel-Lemire; Lemire, "Number parsing at a gigabyte per
 * second", 2021): the first 19 significant digits w and the decimal
 * exponent q give w * 5^q as a 128-bit product with a table of powers of
 * five (pow5_table.h), from which the double's bits follow. For w < 2^64
 * the 128-bit product always suffices (Mushtak and Lemire, "Fast number
 * parsing without fallback", 2023), so a real of at most 19 significant
 * digits never needs strtod; a longer one is rounded both ways (w and
 * w + 1) and needs strtod only when the two differ: a real written within
 * 10^-19 of the midpoint between two doubles.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/message_fast.h"
#include "wire/pow5_table.h"

typedef struct bits {
    uint64_t mantissa; /* 52 bits, the implicit one removed */
    int32_t power2;    /* the biased exponent: 0 subnormal, 0x7FF infinite */
} bits;

static uint64_t mul_hi(uint64_t a, uint64_t b, uint64_t *lo) {
    unsigned __int128 p = (unsigned __int128)a * b;
    *lo = (uint64_t)p;
    return (uint64_t)(p >> 64);
}

static int leading_zeros(uint64_t w) { return __builtin_clzll(w); }

/* w * 10^q to the nearest double's bits (ties to even); w != 0. */
static bits compute_float(int64_t q, uint64_t w) {
    bits b = {0, 0};
    if (q < RC_POW5_MIN_Q) return b; /* below half the smallest subnormal */
    if (q > RC_POW5_MAX_Q) {
        b.power2 = 0x7FF;
        return b;
    }
    int lz = leading_zeros(w);
    w <<= lz;
    /* The product's high 64 bits need 55 exact bits (52 + 3): widen with
     * the power's low half only when the lower bits are all ones. */
    size_t index = 2 * (size_t)(q - RC_POW5_MIN_Q);
    uint64_t lo, hi = mul_hi(w, rc_pow5_128[index], &lo);
    const uint64_t mask = UINT64_MAX >> 55;
    if ((hi & mask) == mask) {
        uint64_t lo2, hi2 = mul_hi(w, rc_pow5_128[index + 1], &lo2);
        (void)lo2;
        lo += hi2;
        if (hi2 > lo) hi++;
    }
    int upperbit = (int)(hi >> 63);
    int shift = upperbit + 64 - 52 - 3;
    b.mantissa = hi >> shift;
    /* floor(q * log2(10)) + 63, then the bias (1023). */
    b.power2 = (int32_t)(((152170 + 65536) * q) >> 16) + 63 + upperbit - lz + 1023;
    if (b.power2 <= 0) { /* subnormal */
        if (-b.power2 + 1 >= 64) {
            b.mantissa = 0;
            b.power2 = 0;
            return b;
        }
        b.mantissa >>= -b.power2 + 1;
        b.mantissa += b.mantissa & 1; /* round up */
        b.mantissa >>= 1;
        /* Rounding up may reach the smallest normal. */
        b.power2 = b.mantissa < (UINT64_C(1) << 52) ? 0 : 1;
        b.mantissa &= ~(UINT64_C(1) << 52);
        return b;
    }
    /* Exactly between two doubles (only possible for q in [-4, 23]): round
     * to even, down. */
    if (lo <= 1 && q >= -4 && q <= 23 && (b.mantissa & 3) == 1 && (b.mantissa << shift) == hi)
        b.mantissa &= ~UINT64_C(1);
    b.mantissa += b.mantissa & 1;
    b.mantissa >>= 1;
    if (b.mantissa >= (UINT64_C(2) << 52)) {
        b.mantissa = UINT64_C(1) << 52;
        b.power2++;
    }
    b.mantissa &= ~(UINT64_C(1) << 52);
    if (b.power2 >= 0x7FF) {
        b.power2 = 0x7FF;
        b.mantissa = 0;
    }
    return b;
}

static double to_double(bits b, bool neg) {
    uint64_t u = b.mantissa | (uint64_t)b.power2 << 52 | (uint64_t)neg << 63;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Exponents are clamped there: anything beyond is 0 or infinite anyway
 * (and strtod, for a long real, sees the text itself). */
#define EXP_CLAMP 100000

bool rc_wire_read_real(const char *p, size_t n, double *out) {
    const char *end = p + n;
    bool neg = *p == '-';
    if (neg) p++;
    uint64_t w = 0;
    int digits = 0;         /* significant digits in w */
    int64_t q = 0;          /* w * 10^q */
    bool truncated = false; /* a nonzero digit did not fit in w */
    bool frac = false;
    for (; p < end && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            frac = true;
            continue;
        }
        unsigned d = (unsigned)(*p - '0');
        if (digits < 19 && (w || d)) {
            w = w * 10 + d;
            digits++;
            q -= frac;
        } else if (w || d) {
            truncated |= d != 0;
            q += !frac; /* an integer digit left out */
        } else {
            q -= frac; /* a leading zero after the point */
        }
    }
    if (p < end) {
        p++;
        bool eneg = *p == '-';
        if (*p == '-' || *p == '+') p++;
        int64_t e = 0;
        for (; p < end; p++)
            if (e < EXP_CLAMP) e = e * 10 + (*p - '0');
        q += eneg ? -e : e;
    }
    if (w == 0) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    bits b = compute_float(q, w);
    if (truncated) {
        /* The digits left out lie between w and w + 1 (w < 10^19: no
         * overflow): when both round alike, so does the real. */
        bits up = compute_float(q, w + 1);
        if (up.mantissa != b.mantissa || up.power2 != b.power2) return false;
    }
    *out = to_double(b, neg);
    return true;
}
