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

/* ---- the midpoint comparison ----------------------------------------------
 *
 * A decimal D = d * 10^q against the midpoint M = c * 2^g between two
 * adjacent doubles, exactly: d * 5^q * 2^(q - g) against c (q >= 0), or
 * d * 2^(q - g) against c * 5^-q (q < 0), a power of two moved to whichever
 * side it keeps whole. M has at most 767 significant digits, so d is read
 * to MID_DIGITS digits and any nonzero digit after them only breaks a tie
 * (upward). Every number involved stays under 64 limbs (4096 bits). */

#define BIG_LIMBS  64
#define MID_DIGITS 800

typedef struct big {
    uint64_t w[BIG_LIMBS]; /* least significant first */
    size_t n;              /* limbs in use */
} big;

static bool big_mul_add(big *b, uint64_t m, uint64_t add) {
    uint64_t carry = add;
    for (size_t i = 0; i < b->n; i++) {
        unsigned __int128 p = (unsigned __int128)b->w[i] * m + carry;
        b->w[i] = (uint64_t)p;
        carry = (uint64_t)(p >> 64);
    }
    if (carry) {
        if (b->n == BIG_LIMBS) return false;
        b->w[b->n++] = carry;
    }
    return true;
}

static bool big_mul_pow5(big *b, int64_t e) {
    static const uint64_t pow5_27 = 7450580596923828125u; /* 5^27, the largest in 64 bits */
    for (; e >= 27; e -= 27)
        if (!big_mul_add(b, pow5_27, 0)) return false;
    uint64_t rest = 1;
    while (e-- > 0) rest *= 5;
    return big_mul_add(b, rest, 0);
}

static bool big_shl(big *b, int64_t s) {
    size_t limbs = (size_t)(s / 64), bits_ = (size_t)(s % 64);
    if (b->n == 0) return true;
    if (b->n + limbs + 1 > BIG_LIMBS) return false;
    b->w[b->n] = 0;
    for (size_t i = b->n + 1; i-- > 0;) {
        uint64_t hi = b->w[i] << bits_, lo = bits_ && i ? b->w[i - 1] >> (64 - bits_) : 0;
        b->w[i + limbs] = hi | lo;
    }
    memset(b->w, 0, limbs * sizeof b->w[0]);
    b->n += limbs + 1;
    while (b->n && !b->w[b->n - 1]) b->n--;
    return true;
}

static int big_cmp(const big *a, const big *b) {
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (size_t i = a->n; i-- > 0;)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* The real's digits [p, end) (no sign, no exponent) into d, at most
 * MID_DIGITS of them, and the power of ten they are scaled by; *sticky: a
 * nonzero digit was left out. */
static bool read_digits(const char *p, const char *end, big *d, int64_t *q, bool *sticky) {
    int kept = 0, chunk_len = 0;
    uint64_t chunk = 0;
    bool frac = false;
    d->n = 0;
    for (; p < end; p++) {
        if (*p == '.') {
            frac = true;
            continue;
        }
        unsigned digit = (unsigned)(*p - '0');
        if (!kept && !digit) {
            *q -= frac; /* a leading zero */
        } else if (kept < MID_DIGITS) {
            chunk = chunk * 10 + digit;
            kept++;
            *q -= frac;
            if (++chunk_len == 19) {
                if (!big_mul_add(d, 10000000000000000000u, chunk)) return false;
                chunk = 0;
                chunk_len = 0;
            }
        } else {
            *sticky |= digit != 0;
            *q += !frac;
        }
    }
    uint64_t scale = 1;
    for (int i = 0; i < chunk_len; i++) scale *= 10;
    return big_mul_add(d, scale, chunk);
}

/* Where the decimal [p, end) times 10^exp lies against the midpoint above
 * the double lo: -1 below, 0 on it, 1 above; 2 if it cannot tell. */
static int at_midpoint(const char *p, const char *end, int64_t exp, bits lo) {
    big d, m;
    int64_t q = exp;
    bool sticky = false;
    if (!read_digits(p, end, &d, &q, &sticky)) return 2;
    /* lo = mant * 2^e, the midpoint (2 mant + 1) * 2^(e - 1). */
    uint64_t mant = lo.power2 ? lo.mantissa | UINT64_C(1) << 52 : lo.mantissa;
    int64_t g = (lo.power2 ? lo.power2 : 1) - 1075 - 1;
    m.w[0] = 2 * mant + 1;
    m.n = 1;
    bool ok = q >= 0 ? big_mul_pow5(&d, q) : big_mul_pow5(&m, -q);
    ok = ok && (q - g >= 0 ? big_shl(&d, q - g) : big_shl(&m, g - q));
    if (!ok) return 2;
    int c = big_cmp(&d, &m);
    return c == 0 && sticky ? 1 : c;
}

/* Exponents are clamped there: anything beyond is 0 or infinite anyway
 * (and strtod, for a long real, sees the text itself). */
#define EXP_CLAMP 100000

bool rc_wire_read_real(const char *p, size_t n, double *out) {
    const char *end = p + n;
    bool neg = *p == '-';
    if (neg) p++;
    const char *text = p; /* the digits, for at_midpoint */
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
    const char *digits_end = p;
    int64_t e = 0;
    if (p < end) {
        p++;
        bool eneg = *p == '-';
        if (*p == '-' || *p == '+') p++;
        for (; p < end; p++)
            if (e < EXP_CLAMP) e = e * 10 + (*p - '0');
        e = eneg ? -e : e;
        q += e;
    }
    if (w == 0) {
        *out = neg ? -0.0 : 0.0;
        return true;
    }
    bits b = compute_float(q, w);
    if (truncated) {
        /* The digits left out lie between w and w + 1 (w < 10^19: no
         * overflow): when both round alike, so does the real; else it is
         * b or the double after it, up, and the midpoint decides (ties to
         * even). */
        bits up = compute_float(q, w + 1);
        if (up.mantissa != b.mantissa || up.power2 != b.power2) {
            int c = at_midpoint(text, digits_end, e, b);
            if (c == 2) return false;
            if (c > 0 || (c == 0 && (b.mantissa & 1))) b = up;
        }
    }
    *out = to_double(b, neg);
    return true;
}
