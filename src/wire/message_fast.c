/*
 * The fast reader for every message, and the value count every message is
 * checked against before either reader runs.
 *
 * Every click and keystroke arrives as a layout-event, and jansson spent
 * ~15,000 instructions on each (a tree of mallocs, a hash table per object);
 * and whatever jansson reads costs 7-25x what this reader does (bench/parse),
 * so a client that could choose jansson (a hello with replayed events, an
 * unknown key, a message refused at its last byte) could make the server's
 * parsing that much slower. This reader decides every message itself: it
 * reads every valid one, and refuses every other with a reason (the
 * protocol's rules in message.c's words; JSON errors as "invalid JSON at
 * line:column: what", mostly in jansson's words). Only a
 * real it cannot round without strtod in a locale whose decimal point is
 * not '.' is left to jansson (returns 0). It accepts exactly what jansson
 * accepts (rc_wire_parse_general, which tests and the fuzz target compare
 * it with), with the same result:
 *   - strings of valid UTF-8 with any escape but \u0000 (jansson refuses
 *     it) and unpaired surrogates (refused too), decoded by
 *     rc_wire_read_string (message_string.c);
 *   - integers in int64_t's range (jansson refuses others), and reals
 *     rounded as strtod does (rc_wire_read_real, message_real.c; strtod
 *     itself for the rare real that needs it, when the locale's decimal
 *     point is '.': jansson's strtod swaps '.' for it); a real out of a
 *     double's range gives up (jansson refuses it);
 *   - true, false, null, arrays, objects of any size (a duplicate key gives
 *     up: jansson rejects it), nested as deep as jansson allows
 *     (RC_WIRE_JSON_DEPTH), data at most RC_WIRE_MAX_DEPTH (deeper gives
 *     up: jansson's reader reports it), and nothing after the message's
 *     object;
 *   - then the message is read from that tree with message.c's rules
 *     (rc_wire_read_message, message_rules.c).
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
#include <stdio.h>
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
    int point; /* the locale's decimal point is '.': 1, not: 0, not asked: -1 */
    /* The first syntax error: where and what (NULL: none); or undecided, a
     * real only strtod can read in a locale it cannot (jansson decides). */
    const char *bad_at, *why;
    bool undecided;
} fast;

/* Records the first syntax error (at, what) and returns false. */
static bool bad(fast *f, const char *at, const char *why) {
    if (!f->why) {
        f->bad_at = at;
        f->why = why;
    }
    return false;
}

/* Records what a missing token was expected to be, at the next byte. */
static bool expected(fast *f, const char *what) {
    return bad(f, f->p, f->p >= f->end ? "premature end of input" : what);
}

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

/* Any string, decoded into the arena (NUL-terminated, no NUL inside). */
static bool fast_str(fast *f, char **s, size_t *len) {
    fast_ws(f);
    if (f->p >= f->end || *f->p != '"') return expected(f, "string or '}' expected");
    const char *start = f->p++, *why = NULL;
    if (rc_wire_read_string(&f->p, f->end, f->arena, s, len, &why)) return true;
    return bad(f, f->p > start && f->p < f->end ? f->p : start, why);
}

/* jansson's lexer reads one byte past a number or a literal and puts it
 * back, and a NUL byte put back is lost: one NUL right after such a token
 * is skipped (tests/unit/test_message.c, "jansson's NUL"). */
static bool skip_lost_nul(fast *f) {
    if (f->p < f->end && *f->p == '\0') f->p++;
    return true;
}

/* A real's text [p, p + n), to the double strtod would give (jansson's
 * reader uses strtod): rc_wire_read_real (message_real.c), or strtod itself
 * for the rare real it cannot round (NUL-terminated in buf, or in the arena
 * when longer: bounded by the input). */
static bool fast_real(fast *f, const char *p, size_t n, double *out) {
    if (!rc_wire_read_real(p, n, out)) {
        /* strtod reads the locale's decimal point; jansson's reader swaps
         * '.' for it. In another locale, leave the real to jansson. */
        if (f->point < 0) {
            const char *point = localeconv()->decimal_point;
            f->point = point[0] == '.' && point[1] == '\0';
        }
        if (!f->point) {
            f->undecided = true;
            return false;
        }
        char buf[64], *text = n < sizeof buf ? buf : rc_arena_alloc(f->arena, n + 1);
        memcpy(text, p, n);
        text[n] = '\0';
        *out = strtod(text, NULL);
    }
    return !isinf(*out) || bad(f, p, "real number overflow"); /* as jansson */
}

/* A number: an integer (RC_INT) or a real (RC_FLOAT), checked against
 * JSON's grammar first (strtod alone would take "0x1", "inf", " 1"). */
static bool fast_number(fast *f, rc_value *out) {
    const char *q = f->p, *end = f->end;
    bool neg = q < end && *q == '-';
    if (neg) q++;
    const char *digits = q;
    if (q >= end || *q < '0' || *q > '9') return expected(f, "unexpected character");
    if (*q == '0' && q + 1 < end && q[1] >= '0' && q[1] <= '9')
        return bad(f, f->p, "invalid number (a leading zero)");
    uint64_t v = 0;
    for (; q < end && *q >= '0' && *q <= '9'; q++) v = v * 10 + (uint64_t)(*q - '0');
    size_t ndigits = (size_t)(q - digits);
    bool real = false;
    if (q < end && *q == '.') {
        real = true;
        if (++q >= end || *q < '0' || *q > '9') return bad(f, f->p, "invalid number");
        while (q < end && *q >= '0' && *q <= '9') q++;
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        real = true;
        if (++q < end && (*q == '+' || *q == '-')) q++;
        if (q >= end || *q < '0' || *q > '9') return bad(f, f->p, "invalid number");
        while (q < end && *q >= '0' && *q <= '9') q++;
    }
    if (real) {
        out->kind = RC_FLOAT;
        if (!fast_real(f, f->p, (size_t)(q - f->p), &out->as.f)) return false;
    } else {
        /* int64_t's range, as jansson's strtoll: 19 digits fit in v. */
        uint64_t max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        if (ndigits > 19 || v > max) return bad(f, f->p, "too big integer"); /* as jansson */
        out->kind = RC_INT;
        out->as.i = neg ? (int64_t)(0 - v) : (int64_t)v;
    }
    f->p = q;
    return skip_lost_nul(f);
}

static bool fast_literal(fast *f, const char *word, size_t n) {
    if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0)
        return bad(f, f->p, "invalid token");
    f->p += n;
    return skip_lost_nul(f);
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
        if (!fast_eat(f, ']')) return expected(f, "',' or ']' expected");
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
            if (!fast_str(f, &m.key, &klen)) return false;
            if (!fast_eat(f, ':')) return expected(f, "':' expected");
            if (!fast_value(f, &m.value, depth + 1)) return false;
            *(rc_member *)scratch_push((void **)&f->mems, &f->nmems, &f->capmems, f->mems0,
                                       sizeof m) = m;
        } while (fast_eat(f, ','));
        if (!fast_eat(f, '}')) return expected(f, "',' or '}' expected");
    }
    size_t n = f->nmems - base;
    if (n) {
        out->as.obj.items = rc_arena_alloc(f->arena, n * sizeof(rc_member));
        memcpy(out->as.obj.items, f->mems + base, n * sizeof(rc_member));
    }
    out->as.obj.len = out->as.obj.cap = n;
    f->nmems = base;
    return !rc_object_has_duplicate(out) || bad(f, f->p - 1, "duplicate object key");
}

/* Reads one value into *out (zeroed by the caller); the message's object
 * is at depth 0. Containers nest as deep as jansson lets them
 * (RC_WIRE_JSON_DEPTH levels, the message's object included): jansson takes
 * them in parts of a message nobody reads (an unknown key, a hello's
 * extensions), and a message the fast reader left to it would cost 7-25x
 * (the recursion is as deep as jansson's own). Data is held to
 * RC_WIRE_MAX_DEPTH afterwards (within_depth). */
static bool fast_value(fast *f, rc_value *out, int depth) {
    fast_ws(f);
    if (f->p >= f->end) return expected(f, "");
    switch (*f->p) {
    case '"': out->kind = RC_STRING; return fast_str(f, &out->as.str.ptr, &out->as.str.len);
    case 't':
        out->kind = RC_BOOL;
        out->as.b = true;
        return fast_literal(f, "true", 4);
    case 'f': out->kind = RC_BOOL; return fast_literal(f, "false", 5);
    case 'n': return fast_literal(f, "null", 4);
    case '[':
        if (depth + 1 > RC_WIRE_JSON_DEPTH) return bad(f, f->p, "maximum parsing depth reached");
        f->p++;
        return fast_array(f, out, depth);
    case '{':
        if (depth + 1 > RC_WIRE_JSON_DEPTH) return bad(f, f->p, "maximum parsing depth reached");
        f->p++;
        return fast_object(f, out, depth);
    default: return fast_number(f, out);
    }
}

/* "invalid JSON at line:column: what", as message.c words jansson's errors
 * (the column counts bytes from 1; jansson's wording differs after it). */
static void syntax_error(const char *json, const fast *f, char *err, size_t errlen) {
    size_t line = 1;
    const char *line_start = json;
    for (const char *p = json; p < f->bad_at; p++)
        if (*p == '\n') {
            line++;
            line_start = p + 1;
        }
    snprintf(err, errlen, "invalid JSON at %zu:%zu: %s", line, (size_t)(f->bad_at - line_start) + 1,
             f->why[0] ? f->why : "premature end of input");
}

int rc_wire_parse_fast(const char *json, size_t len, rc_message *m, char *err, size_t errlen) {
    fast f = {.p = json, .end = json + len, .arena = &m->arena, .point = -1};
    f.vals = f.vals0;
    f.mems = f.mems0;
    f.capvals = f.capmems = SCRATCH_LOCAL;
    rc_value root = {0};
    bool read = false, valid = false;
    fast_ws(&f);
    if (f.p >= f.end || (*f.p != '{' && *f.p != '[')) {
        expected(&f, "'[' or '{' expected");
    } else if (fast_value(&f, &root, 0)) {
        fast_ws(&f);
        if (f.p != f.end) bad(&f, f.p, "end of file expected");
        else valid = true, read = rc_wire_read_message(&root, m, err, errlen);
    }
    if (f.vals != f.vals0) free(f.vals);
    if (f.mems != f.mems0) free(f.mems);
    if (read) return 1;
    if (valid) return -1;                /* a rule of the protocol: read_message said which */
    if (f.undecided || !f.why) return 0; /* jansson decides */
    syntax_error(json, &f, err, errlen);
    return -1;
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
