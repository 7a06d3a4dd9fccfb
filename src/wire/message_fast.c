/*
 * The fast path for layout-events, and the value count every message is
 * checked against before either reader runs.
 *
 * Every click and keystroke arrives as a layout-event, and jansson spent
 * ~15,000 instructions on each (a tree of mallocs, a hash table per object),
 * half of the server's work per event. This reader takes a layout-event
 * straight into an rc_message and gives up (returns 0) on anything it does
 * not fully understand, so jansson still reads, validates and reports every
 * other message and every error. It accepts only input jansson accepts,
 * with the same result:
 *   - strings of valid UTF-8 with any escape but \u0000 (jansson refuses
 *     it) and unpaired surrogates (refused too), decoded by
 *     rc_wire_read_string (message_string.c);
 *   - integers of at most 18 digits (no overflow), and reals of at most 63
 *     characters read by strtod when the locale's decimal point is '.'
 *     (jansson's own strtod gives the same double); a real out of a
 *     double's range gives up (jansson refuses it);
 *   - true, false, null, arrays, objects of any size (a duplicate key gives
 *     up: jansson rejects it), nested at most RC_WIRE_MAX_DEPTH deep (deeper
 *     gives up: jansson's reader reports it);
 *   - top-level keys type (= "layout-event"), target, data (an array), seq
 *     (a positive integer), each at most once, and nothing after the object.
 * tests/fuzz/fuzz_message.c checks that both readers agree.
 *
 * Every step is linear in the input, with a small constant: a hostile
 * message must cost at most a few times a flat array of the same length
 * (bench/parse). So the tree is built in the message's arena (no malloc
 * per value, no free per value), and a container's items are gathered on a
 * scratch stack while it is read and copied once, at its exact size, into
 * the arena when it closes (no growing arrays). An object's keys are checked
 * for duplicates once, with a hash (rc_object_has_duplicate), when it
 * closes. */

#include "wire/message_fast.h"

#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/value_build.h"
#include "util/alloc.h"

/* Items gathered on the C stack before the scratch stacks move to the heap:
 * enough for a usual event, which then costs no malloc but the arena's. */
#define SCRATCH_LOCAL 32

typedef struct fast {
    const char *p, *end;
    rc_arena *arena; /* the message's: every value's memory */
    /* Scratch stacks: items of the arrays and members of the objects being
     * read, innermost last. */
    rc_value *vals;
    size_t nvals, capvals;
    rc_member *mems;
    size_t nmems, capmems;
    rc_value vals0[SCRATCH_LOCAL];
    rc_member mems0[SCRATCH_LOCAL];
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

/* A string of plain printable ASCII (no escape), left in the input: the
 * top-level keys, type and target. Anything else gives up. */
static bool fast_plain(fast *f, const char **s, size_t *len) {
    fast_ws(f);
    if (f->p >= f->end || *f->p != '"') return false;
    const char *q = ++f->p;
    while (q < f->end && *q >= 0x20 && *q < 0x7f && *q != '"' && *q != '\\') q++;
    if (q >= f->end || *q != '"') return false;
    *s = f->p;
    *len = (size_t)(q - f->p);
    f->p = q + 1;
    return true;
}

/* Any string, decoded into the arena (NUL-terminated, no NUL inside). */
static bool fast_str(fast *f, char **s, size_t *len) {
    fast_ws(f);
    if (f->p >= f->end || *f->p != '"') return false;
    f->p++;
    return rc_wire_read_string(&f->p, f->end, f->arena, s, len);
}

/* A number: an integer (RC_INT) or a real (RC_FLOAT), checked against
 * JSON's grammar first (strtod alone would take "0x1", "inf", " 1"). */
static bool fast_number(fast *f, rc_value *out) {
    const char *q = f->p, *end = f->end;
    bool neg = q < end && *q == '-';
    if (neg) q++;
    const char *digits = q;
    if (q >= end || *q < '0' || *q > '9') return false;
    if (*q == '0' && q + 1 < end && q[1] >= '0' && q[1] <= '9') return false; /* 01 */
    uint64_t v = 0;
    for (; q < end && *q >= '0' && *q <= '9'; q++) v = v * 10 + (uint64_t)(*q - '0');
    size_t ndigits = (size_t)(q - digits);
    bool real = false;
    if (q < end && *q == '.') {
        real = true;
        if (++q >= end || *q < '0' || *q > '9') return false;
        while (q < end && *q >= '0' && *q <= '9') q++;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        real = true;
        if (++q < end && (*q == '+' || *q == '-')) q++;
        if (q >= end || *q < '0' || *q > '9') return false;
        while (q < end && *q >= '0' && *q <= '9') q++;
    }
    if (!real) {
        if (ndigits > 18) return false; /* may overflow: jansson decides */
        out->kind = RC_INT;
        out->as.i = neg ? -(int64_t)v : (int64_t)v;
        f->p = q;
        return true;
    }
    /* strtod reads the locale's decimal point; jansson's reader swaps '.'
     * for it. Another locale, or a long real, is left to jansson. */
    char buf[64];
    size_t n = (size_t)(q - f->p);
    const char *point = localeconv()->decimal_point;
    if (n >= sizeof buf || point[0] != '.' || point[1] != '\0') return false;
    memcpy(buf, f->p, n);
    buf[n] = '\0';
    double d = strtod(buf, NULL);
    if (isinf(d)) return false; /* overflow: jansson refuses it */
    out->kind = RC_FLOAT;
    out->as.f = d;
    f->p = q;
    return true;
}

static bool fast_literal(fast *f, const char *word, size_t n) {
    if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0) return false;
    f->p += n;
    return true;
}

/* Pushes onto a scratch stack that starts in `local` and doubles on the
 * heap when full. */
static void *scratch_push(void **items, size_t *len, size_t *cap, void *local, size_t elem) {
    if (*len == *cap) {
        size_t ncap = *cap * 2;
        if (ncap < *cap || ncap > SIZE_MAX / elem) rc_oom(SIZE_MAX);
        void *grown = *items == local ? rc_xmalloc(ncap * elem) : rc_xrealloc(*items, ncap * elem);
        if (*items == local) memcpy(grown, local, *len * elem);
        *items = grown;
        *cap = ncap;
    }
    return (char *)*items + (*len)++ * elem;
}

static bool fast_value(fast *f, rc_value *out, int depth);

/* After '[': the items, then one exact-size block in the arena. */
static bool fast_array(fast *f, rc_value *out, int depth) {
    size_t base = f->nvals;
    out->kind = RC_ARRAY;
    if (!fast_eat(f, ']')) {
        do {
            rc_value item = {0};
            if (!fast_value(f, &item, depth + 1)) return false;
            *(rc_value *)scratch_push((void **)&f->vals, &f->nvals, &f->capvals, f->vals0,
                                      sizeof item) = item;
        } while (fast_eat(f, ','));
        if (!fast_eat(f, ']')) return false;
    }
    size_t n = f->nvals - base;
    if (n) {
        out->as.arr.items = rc_arena_alloc(f->arena, n * sizeof(rc_value));
        memcpy(out->as.arr.items, f->vals + base, n * sizeof(rc_value));
    }
    out->as.arr.len = out->as.arr.cap = n;
    f->nvals = base;
    return true;
}

/* After '{': the members, then one exact-size block, then the duplicate
 * check. */
static bool fast_object(fast *f, rc_value *out, int depth) {
    size_t base = f->nmems;
    out->kind = RC_OBJECT;
    if (!fast_eat(f, '}')) {
        do {
            rc_member m = {0};
            size_t klen;
            /* A decoded key holds no NUL (\u0000 gives up): a C string. */
            if (!fast_str(f, &m.key, &klen) || !fast_eat(f, ':')) return false;
            if (!fast_value(f, &m.value, depth + 1)) return false;
            *(rc_member *)scratch_push((void **)&f->mems, &f->nmems, &f->capmems, f->mems0,
                                       sizeof m) = m;
        } while (fast_eat(f, ','));
        if (!fast_eat(f, '}')) return false;
    }
    size_t n = f->nmems - base;
    if (n) {
        out->as.obj.items = rc_arena_alloc(f->arena, n * sizeof(rc_member));
        memcpy(out->as.obj.items, f->mems + base, n * sizeof(rc_member));
    }
    out->as.obj.len = out->as.obj.cap = n;
    f->nmems = base;
    return !rc_object_has_duplicate(out);
}

/* Reads one value into *out (zeroed by the caller). */
static bool fast_value(fast *f, rc_value *out, int depth) {
    if (depth > RC_WIRE_MAX_DEPTH) return false;
    fast_ws(f);
    if (f->p >= f->end) return false;
    switch (*f->p) {
    case '"': out->kind = RC_STRING; return fast_str(f, &out->as.str.ptr, &out->as.str.len);
    case 't':
        out->kind = RC_BOOL;
        out->as.b = true;
        return fast_literal(f, "true", 4);
    case 'f': out->kind = RC_BOOL; return fast_literal(f, "false", 5);
    case 'n': return fast_literal(f, "null", 4);
    case '[': f->p++; return fast_array(f, out, depth);
    case '{': f->p++; return fast_object(f, out, depth);
    default: return fast_number(f, out);
    }
}

static bool key_is(const char *s, size_t n, const char *word) {
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

static bool fast_seq(fast *f, uint64_t *seq) {
    rc_value v = {0};
    fast_ws(f);
    if (!fast_number(f, &v) || v.kind != RC_INT || v.as.i < 1) return false;
    *seq = (uint64_t)v.as.i;
    return true;
}

/* The top-level object; m->data is built in m->arena. */
static int parse_top(fast *f, rc_message *m) {
    bool type = false, target = false, data = false, seq = false;
    if (!fast_eat(f, '{')) return 0;
    do {
        const char *k, *s;
        size_t kn, n;
        if (!fast_plain(f, &k, &kn) || !fast_eat(f, ':')) return 0;
        if (key_is(k, kn, "type") && !type) {
            if (!fast_plain(f, &s, &n) || !key_is(s, n, "layout-event")) return 0;
            type = true;
        } else if (key_is(k, kn, "target") && !target) {
            if (!fast_plain(f, &s, &n) || n == 0 || n >= sizeof m->target) return 0;
            memcpy(m->target, s, n);
            m->target[n] = '\0';
            target = true;
        } else if (key_is(k, kn, "data") && !data) {
            fast_ws(f);
            if (f->p >= f->end || *f->p != '[' || !fast_value(f, &m->data, 1)) return 0;
            data = true;
        } else if (key_is(k, kn, "seq") && !seq) {
            if (!fast_seq(f, &m->seq)) return 0;
            seq = true;
        } else {
            return 0; /* another key, or one seen twice: jansson decides */
        }
    } while (fast_eat(f, ','));
    if (!fast_eat(f, '}')) return 0;
    fast_ws(f);
    if (f->p != f->end || !type || !target) return 0;
    if (!data) m->data.kind = RC_ARRAY;
    m->type = RC_MSG_EVENT;
    return 1;
}

int rc_wire_parse_fast(const char *json, size_t len, rc_message *m) {
    fast f = {.p = json, .end = json + len, .arena = &m->arena};
    f.vals = f.vals0;
    f.mems = f.mems0;
    f.capvals = f.capmems = SCRATCH_LOCAL;
    int rc = parse_top(&f, m);
    if (f.vals != f.vals0) free(f.vals);
    if (f.mems != f.mems0) free(f.mems);
    return rc;
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
