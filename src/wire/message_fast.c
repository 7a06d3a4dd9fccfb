/*
 * The fast path for the common layout-event, and the value count every
 * message is checked against before either reader runs.
 *
 * Every click and keystroke arrives as a layout-event, and jansson spent
 * ~15,000 instructions on each (a tree of mallocs, a hash table per object),
 * half of the server's work per event. This reader takes the common shape
 * straight into an rc_message and gives up (returns 0) on anything it does
 * not fully understand, so jansson still reads, validates and reports every
 * other message, every error and every unusual event. It accepts only input
 * jansson accepts, with the same result:
 *   - strings of printable ASCII without escapes (no UTF-8 to validate, no
 *     escapes to decode);
 *   - integers of at most 18 digits (no overflow; reals go to jansson, which
 *     parses them in the C locale);
 *   - true, false, null, arrays, objects of any size (a duplicate key gives
 *     up: jansson rejects it), nested at most RC_WIRE_MAX_DEPTH deep (deeper
 *     gives up: jansson's reader reports it);
 *   - top-level keys type (= "layout-event"), target, data (an array), seq
 *     (a positive integer), each at most once, and nothing after the object.
 * tests/fuzz/fuzz_message.c checks that both readers agree.
 *
 * Every step is linear in the input: members are appended without a search
 * and an object's keys are checked for duplicates once, with a hash
 * (rc_object_has_duplicate), when it closes. */

#include "wire/message_fast.h"

#include <stdbool.h>
#include <string.h>

#include "core/value_build.h"

typedef struct fast {
    const char *p, *end;
} fast;

static void fast_ws(fast *f) {
    while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r'))
        f->p++;
}

/* Consumes c (after whitespace). */
static bool fast_eat(fast *f, char c) {
    fast_ws(f);
    if (f->p >= f->end || *f->p != c) return false;
    f->p++;
    return true;
}

static bool fast_str(fast *f, const char **s, size_t *len) {
    fast_ws(f);
    if (f->p >= f->end || *f->p != '"') return false;
    const char *q = ++f->p;
    /* Bytes a plain string may hold: printable ASCII but the quote and the
     * backslash. One table lookup per byte finds the first other one, which
     * must be the closing quote. */
#define S16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
    static const bool stop[256] = {
        S16(1), S16(1), /* 0x00-0x1f: controls */
        0,      0,      1,      0,      0,      0,      0,      0,
        0,      0,      0,      0,      0,      0,      0,      0, /* 0x20-0x2f: '"' */
        S16(0), S16(0),                                            /* 0x30-0x4f */
        0,      0,      0,      0,      0,      0,      0,      0,
        0,      0,      0,      0,      1,      0,      0,      0, /* 0x50-0x5f: '\\' */
        S16(0),                                                    /* 0x60-0x6f */
        0,      0,      0,      0,      0,      0,      0,      0,
        0,      0,      0,      0,      0,      0,      0,      1,      /* 0x70-0x7f: DEL */
        S16(1), S16(1), S16(1), S16(1), S16(1), S16(1), S16(1), S16(1), /* not ASCII */
    };
#undef S16
    while (q < f->end && !stop[(unsigned char)*q]) q++;
    if (q >= f->end || *q != '"') return false;
    *s = f->p;
    *len = (size_t)(q - f->p);
    f->p = q + 1;
    return true;
}

static bool fast_int(fast *f, int64_t *out) {
    fast_ws(f);
    const char *q = f->p;
    bool neg = q < f->end && *q == '-';
    if (neg) q++;
    if (q >= f->end || *q < '0' || *q > '9') return false;
    if (*q == '0' && q + 1 < f->end && q[1] >= '0' && q[1] <= '9') return false; /* 01 */
    uint64_t v = 0;
    int digits = 0;
    for (; q < f->end && *q >= '0' && *q <= '9'; q++) {
        if (++digits > 18) return false;
        v = v * 10 + (uint64_t)(*q - '0');
    }
    if (q < f->end && (*q == '.' || *q == 'e' || *q == 'E')) return false; /* a real */
    *out = neg ? -(int64_t)v : (int64_t)v;
    f->p = q;
    return true;
}

static bool fast_literal(fast *f, const char *word, size_t n) {
    if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0) return false;
    f->p += n;
    return true;
}

static bool fast_value(fast *f, rc_value *out, int depth) {
    if (depth > RC_WIRE_MAX_DEPTH) return false;
    fast_ws(f);
    if (f->p >= f->end) return false;
    const char *s;
    size_t n;
    switch (*f->p) {
    case '"':
        if (!fast_str(f, &s, &n)) return false;
        rc_value_set_stringn(out, s, n);
        return true;
    case 't': rc_value_set_bool(out, true); return fast_literal(f, "true", 4);
    case 'f': rc_value_set_bool(out, false); return fast_literal(f, "false", 5);
    case 'n': rc_value_set_null(out); return fast_literal(f, "null", 4);
    case '[':
        f->p++;
        rc_value_set_array(out);
        if (fast_eat(f, ']')) return true;
        do {
            if (!fast_value(f, rc_array_push(out), depth + 1)) return false;
        } while (fast_eat(f, ','));
        return fast_eat(f, ']');
    case '{': {
        f->p++;
        rc_value_set_object(out);
        if (fast_eat(f, '}')) return true;
        do {
            /* A plain string holds no NUL: it can be a key as it is. */
            if (!fast_str(f, &s, &n) || !fast_eat(f, ':')) return false;
            if (!fast_value(f, rc_object_append(out, s, n), depth + 1)) return false;
        } while (fast_eat(f, ','));
        return fast_eat(f, '}') && !rc_object_has_duplicate(out);
    }
    default: {
        int64_t i;
        if (!fast_int(f, &i)) return false;
        rc_value_set_int(out, i);
        return true;
    }
    }
}

static bool key_is(const char *s, size_t n, const char *word) {
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

int rc_wire_parse_fast(const char *json, size_t len, rc_message *m) {
    fast f = {json, json + len};
    bool type = false, target = false, data = false, seq = false;
    if (!fast_eat(&f, '{')) return 0;
    do {
        const char *k, *s;
        size_t kn, n;
        if (!fast_str(&f, &k, &kn) || !fast_eat(&f, ':')) return 0;
        if (key_is(k, kn, "type") && !type) {
            if (!fast_str(&f, &s, &n) || !key_is(s, n, "layout-event")) return 0;
            type = true;
        } else if (key_is(k, kn, "target") && !target) {
            if (!fast_str(&f, &s, &n) || n == 0 || n >= sizeof m->target) return 0;
            memcpy(m->target, s, n);
            m->target[n] = '\0';
            target = true;
        } else if (key_is(k, kn, "data") && !data) {
            fast_ws(&f);
            if (f.p >= f.end || *f.p != '[' || !fast_value(&f, &m->data, 1)) return 0;
            data = true;
        } else if (key_is(k, kn, "seq") && !seq) {
            int64_t v;
            if (!fast_int(&f, &v) || v < 1) return 0;
            m->seq = (uint64_t)v;
            seq = true;
        } else {
            return 0; /* another key, or one seen twice: jansson decides */
        }
    } while (fast_eat(&f, ','));
    if (!fast_eat(&f, '}')) return 0;
    fast_ws(&f);
    if (f.p != f.end || !type || !target) return 0;
    if (!data) rc_value_set_array(&m->data);
    m->type = RC_MSG_EVENT;
    return 1;
}

/* ---- the value count -------------------------------------------------------
 *
 * One pass over the bytes: strings are skipped, and a value is counted at
 * the root, after each ':' (a member's value), at each ',' inside an array
 * and at each '[' not followed by ']' (an array's first item); a stack of
 * one bit per level tells arrays from objects. For valid JSON that is the
 * exact number of values; for anything else a number the readers then
 * refuse for its syntax (both readers see the same count, so they still
 * agree). Levels deeper than the stack are not told apart: jansson refuses
 * them (its own limit is 2048). */

#define SCAN_DEPTH 4096

size_t rc_wire_count_values(const char *json, size_t len, size_t limit) {
    unsigned char is_array[SCAN_DEPTH / 8] = {0};
    size_t depth = 0, n = 1;
    const char *p = json, *end = json + len;
    while (p < end && n <= limit) {
        switch (*p++) {
        case '"':
            while (p < end && *p != '"') p += *p == '\\' && end - p > 1 ? 2 : 1;
            if (p < end) p++;
            break;
        case '[': {
            if (depth < SCAN_DEPTH) is_array[depth / 8] |= (unsigned char)(1u << (depth % 8));
            depth++;
            const char *q = p;
            while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
            if (q < end && *q != ']') n++;
            break;
        }
        case '{':
            if (depth < SCAN_DEPTH) is_array[depth / 8] &= (unsigned char)~(1u << (depth % 8));
            depth++;
            break;
        case ']':
        case '}':
            if (depth) depth--;
            break;
        case ':': n++; break;
        case ',':
            if (depth && depth <= SCAN_DEPTH &&
                (is_array[(depth - 1) / 8] >> ((depth - 1) % 8) & 1))
                n++;
            break;
        default: break;
        }
    }
    return n;
}
