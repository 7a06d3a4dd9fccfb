/*
 * The fast reader for every message, and the value count every message is
 * checked against before either reader runs.
 *
 * Every click and keystroke arrives as a layout-event, and jansson spent
 * ~15,000 instructions on each (a tree of mallocs, a hash table per object);
 * and whatever jansson reads costs 7-25x what this reader does (bench/parse),
 * so a client that could choose jansson (a hello with replayed events, an
 * unknown key) could make the server's parsing that much slower. This
 * reader reads every valid message itself, and gives up (returns 0) on
 * anything it does not fully understand or that is refused, so jansson
 * still words every error (rc_wire_parse_general). It accepts only input
 * jansson accepts, with the same result:
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
 *     (read_message below): any problem gives up.
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
    int point; /* the locale's decimal point is '.': 1, not: 0, not asked: -1 */
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

/* Any string, decoded into the arena (NUL-terminated, no NUL inside). */
static bool fast_str(fast *f, char **s, size_t *len) {
    fast_ws(f);
    if (f->p >= f->end || *f->p != '"') return false;
    f->p++;
    return rc_wire_read_string(&f->p, f->end, f->arena, s, len);
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
        if (!f->point) return false;
        char buf[64], *text = n < sizeof buf ? buf : rc_arena_alloc(f->arena, n + 1);
        memcpy(text, p, n);
        text[n] = '\0';
        *out = strtod(text, NULL);
    }
    return !isinf(*out); /* overflow: jansson refuses it */
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
    if (real) {
        out->kind = RC_FLOAT;
        if (!fast_real(f, f->p, (size_t)(q - f->p), &out->as.f)) return false;
    } else {
        /* int64_t's range, as jansson's strtoll: 19 digits fit in v. */
        uint64_t max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        if (ndigits > 19 || v > max) return false; /* jansson refuses it */
        out->kind = RC_INT;
        out->as.i = neg ? (int64_t)(0 - v) : (int64_t)v;
    }
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

/* Reads one value into *out (zeroed by the caller); the message's object
 * is at depth 0. Containers nest as deep as jansson lets them
 * (RC_WIRE_JSON_DEPTH levels, the message's object included): jansson takes
 * them in parts of a message nobody reads (an unknown key, a hello's
 * extensions), and a message the fast reader left to it would cost 7-25x
 * (the recursion is as deep as jansson's own). Data is held to
 * RC_WIRE_MAX_DEPTH afterwards (within_depth). */
static bool fast_value(fast *f, rc_value *out, int depth) {
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
    case '[':
        if (depth + 1 > RC_WIRE_JSON_DEPTH) return false;
        f->p++;
        return fast_array(f, out, depth);
    case '{':
        if (depth + 1 > RC_WIRE_JSON_DEPTH) return false;
        f->p++;
        return fast_object(f, out, depth);
    default: return fast_number(f, out);
    }
}

/* ---- the message, read from its tree --------------------------------------
 *
 * message.c's rules (parse_event, parse_hello and theirs) on the rc_value
 * tree instead of jansson's: the same checks, and any failure gives up, so
 * that jansson finds it again and gives its reason. */

/* The member named key, or NULL (no count in rc_object_key_compares: these
 * lookups are not the ones the tests bound). */
static const rc_value *member(const rc_value *obj, const char *key) {
    if (obj->kind != RC_OBJECT) return NULL;
    for (size_t i = 0; i < obj->as.obj.len; i++)
        if (strcmp(obj->as.obj.items[i].key, key) == 0) return &obj->as.obj.items[i].value;
    return NULL;
}

static bool is(const rc_value *v, rc_kind kind) { return v && v->kind == kind; }

static bool string_is(const rc_value *v, const char *word) {
    return is(v, RC_STRING) && v->as.str.len == strlen(word) && strcmp(v->as.str.ptr, word) == 0;
}

/* Whether v nests at most RC_WIRE_MAX_DEPTH levels, v itself at depth. */
static bool within_depth(const rc_value *v, int depth) {
    if (depth > RC_WIRE_MAX_DEPTH) return false;
    if (v->kind == RC_ARRAY) {
        for (size_t i = 0; i < v->as.arr.len; i++)
            if (!within_depth(&v->as.arr.items[i], depth + 1)) return false;
    } else if (v->kind == RC_OBJECT) {
        for (size_t i = 0; i < v->as.obj.len; i++)
            if (!within_depth(&v->as.obj.items[i].value, depth + 1)) return false;
    }
    return true;
}

/* A layout-event (or a replayed one): target, data, seq. The data is the
 * tree's own (in the arena): no copy. */
static bool read_event(const rc_value *ev, rc_message *m) {
    const rc_value *target = member(ev, "target"), *data = member(ev, "data");
    const rc_value *seq = member(ev, "seq");
    if (!is(target, RC_STRING) || target->as.str.len == 0 || target->as.str.len >= sizeof m->target)
        return false;
    memcpy(m->target, target->as.str.ptr, target->as.str.len + 1);
    if (data && (data->kind != RC_ARRAY || !within_depth(data, 1))) return false;
    if (data) m->data = *data;
    else m->data.kind = RC_ARRAY;
    if (seq) {
        if (!is(seq, RC_INT) || seq->as.i < 1) return false;
        m->seq = (uint64_t)seq->as.i;
    }
    m->type = RC_MSG_EVENT;
    return true;
}

/* hello.resume: {session, token, events}. */
static bool read_resume(const rc_value *resume, rc_message *m) {
    const rc_value *session = member(resume, "session"), *token = member(resume, "token");
    const rc_value *events = member(resume, "events");
    if (!is(resume, RC_OBJECT) || !is(session, RC_STRING) || session->as.str.len > 64 ||
        (token && !is(token, RC_STRING)))
        return false;
    m->resume_session = rc_xstrdup(session->as.str.ptr);
    if (token) m->resume_token = rc_xstrdup(token->as.str.ptr);
    if (!events) return true;
    if (!is(events, RC_ARRAY) || events->as.arr.len > RC_WIRE_MAX_REPLAY) return false;
    size_t n = events->as.arr.len;
    m->replay = rc_xcalloc(n ? n : 1, sizeof *m->replay);
    for (size_t k = 0; k < n; k++) {
        const rc_value *ev = &events->as.arr.items[k];
        m->nreplay = k + 1; /* rc_message_free frees what is read so far */
        if (!is(ev, RC_OBJECT) || !read_event(ev, &m->replay[k]) || !m->replay[k].seq) return false;
    }
    return true;
}

/* hello: version, extensions, location, resume. */
static bool read_hello(const rc_value *root, rc_message *m) {
    const rc_value *version = member(root, "version"), *exts = member(root, "extensions");
    const rc_value *loc = member(root, "location"), *resume = member(root, "resume");
    if (!is(version, RC_INT) || version->as.i < 1 || version->as.i > 1000) return false;
    if (exts && !is(exts, RC_ARRAY)) return false;
    if (loc) {
        const rc_value *path = member(loc, "pathname"), *search = member(loc, "search");
        if (!is(loc, RC_OBJECT) || (path && !is(path, RC_STRING)) ||
            (search && !is(search, RC_STRING)))
            return false;
        if (path) m->pathname = rc_xstrdup(path->as.str.ptr);
        if (search) m->search = rc_xstrdup(search->as.str.ptr);
    }
    if (resume && !read_resume(resume, m)) return false;
    m->type = RC_MSG_HELLO;
    return true;
}

static bool read_message(const rc_value *root, rc_message *m) {
    const rc_value *type = member(root, "type");
    if (string_is(type, "layout-event")) return read_event(root, m);
    if (string_is(type, "hello")) return read_hello(root, m);
    if (string_is(type, "sleep")) m->type = RC_MSG_SLEEP;
    else if (string_is(type, "ping")) m->type = RC_MSG_PING;
    else return false;
    return true;
}

int rc_wire_parse_fast(const char *json, size_t len, rc_message *m) {
    fast f = {.p = json, .end = json + len, .arena = &m->arena, .point = -1};
    f.vals = f.vals0;
    f.mems = f.mems0;
    f.capvals = f.capmems = SCRATCH_LOCAL;
    rc_value root = {0};
    fast_ws(&f);
    bool ok = f.p < f.end && *f.p == '{' && fast_value(&f, &root, 0);
    fast_ws(&f);
    ok = ok && f.p == f.end && read_message(&root, m);
    if (f.vals != f.vals0) free(f.vals);
    if (f.mems != f.mems0) free(f.mems);
    return ok;
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
