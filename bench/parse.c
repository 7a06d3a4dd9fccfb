/*
 * bench/parse: rc_wire_parse on hostile messages against a flat array of
 * the same length (docs/architecture.md, Targets: "a maximal hostile
 * message costs <= 3x the parse of a flat array of equal length").
 *
 * Every message is about the same byte length; all but "hello" are
 * layout-events whose data is one of:
 *   flat     a flat array of small items (4-digit integers: the baseline)
 *   keys     one object of 40,000 keys (the review's 419 KiB message)
 *   objects  objects of 64 members whose keys share a 56-byte prefix
 *            (the duplicate check at its worst)
 *   deep     arrays nested to the depth limit (with a number at each level), repeated
 *   deepobj  objects nested to the depth limit, repeated
 *   escapes  one long string made of escapes (\n, \", \u00e9, surrogate pairs)
 *   strings  many short strings
 *   utf8     one long string of 2-, 3- and 4-byte UTF-8 characters
 *   reals    many reals with exponents
 *   midreals many reals of 20 digits within 10^-19 of a midpoint between
 *            two doubles (strtod's costliest case, ~400 ns each)
 *   bigints  many 19-digit integers
 *   ignored  the deepobj data under a key nobody reads (jansson takes it)
 * and "hello" is a hello replaying RC_WIRE_MAX_REPLAY events, each with
 * small objects in its data, and "refused" the deepobj message with a byte
 * after it (refused at its end). The last six used to be left to jansson,
 * which builds a tree of its own first (7-25x the flat array).
 * A message over the value cap (RC_WIRE_MAX_VALUES) is refused, and its
 * cost is the cost of refusing it: both count, the loop must not stall.
 *
 * Each shape is parsed (and freed) runs times back to back, as a client
 * repeating one message would have it, and each time is the thread's CPU
 * time (its user and system time, page faults included): in wall time, on
 * a busy host, each shape caught a different burst of other load (the
 * same binary gave deepobj 4.5x and 8.0x in two runs, flat itself 1.4 ms
 * and 4.9 ms).
 * Prints the median time per shape and its ratio to flat, then
 * "RESULT key=value" lines for bench/run.sh. Usage: parse [runs]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "wire/message.h"
#include "timing.h"

#define KEYS 40000

static void put(rc_buf *b, const char *s) { rc_buf_append(b, s, strlen(s)); }

static void head(rc_buf *b) {
    put(b, "{\"type\":\"layout-event\",\"target\":\"AAAAAAAAAAA\",\"data\":[");
}
static void tail(rc_buf *b) { put(b, "],\"seq\":1}"); }

/* The 40,000-key object: its length is every other shape's target. */
static void make_keys(rc_buf *b, size_t target) {
    (void)target;
    char k[32];
    put(b, "{");
    for (int i = 0; i < KEYS; i++) {
        snprintf(k, sizeof k, "%s\"k%05d\":0", i ? "," : "", i);
        put(b, k);
    }
    put(b, "}");
}

/* Repeats unit (separated by commas) until the data reaches target bytes. */
static void repeat(rc_buf *b, size_t target, const char *unit) {
    size_t start = b->len;
    for (int i = 0; b->len - start + strlen(unit) < target; i++) {
        if (i) put(b, ",");
        put(b, unit);
    }
}

static void make_flat(rc_buf *b, size_t target) { repeat(b, target, "1234"); }
static void make_strings(rc_buf *b, size_t target) { repeat(b, target, "\"ab\""); }

static void make_objects(rc_buf *b, size_t target) {
    rc_buf o;
    rc_buf_init(&o);
    char k[96];
    put(&o, "{");
    for (int i = 0; i < 64; i++) {
        snprintf(k, sizeof k, "%s\"%s%02d\":0", i ? "," : "",
                 "pppppppppppppppppppppppppppppppppppppppppppppppppppppppp", i);
        put(&o, k);
    }
    put(&o, "}");
    repeat(b, target, rc_buf_cstr(&o));
    rc_buf_free(&o);
}

/* Nesting to the depth limit: data is at depth 1, so an item may open
 * RC_WIRE_MAX_DEPTH - 2 more levels around its innermost scalar. Each
 * array level also holds an 8-digit number, so that the message stays
 * under RC_WIRE_MAX_VALUES (bare "[[[...]]]" at this length is over it,
 * and refused at once by the count). */
static void make_nested(rc_buf *b, size_t target, const char *open, const char *close) {
    rc_buf u;
    rc_buf_init(&u);
    for (int d = 0; d < RC_WIRE_MAX_DEPTH - 2; d++) put(&u, open);
    put(&u, "0");
    for (int d = 0; d < RC_WIRE_MAX_DEPTH - 2; d++) put(&u, close);
    repeat(b, target, rc_buf_cstr(&u));
    rc_buf_free(&u);
}
static void make_deep(rc_buf *b, size_t target) { make_nested(b, target, "[12345678,", "]"); }
static void make_deepobj(rc_buf *b, size_t target) { make_nested(b, target, "{\"a\":", "}"); }

static void make_escapes(rc_buf *b, size_t target) {
    static const char unit[] = "\\n\\\"\\u00e9\\ud83d\\ude00\\\\\\t";
    size_t start = b->len;
    put(b, "\"");
    while (b->len - start + sizeof unit < target) put(b, unit);
    put(b, "\"");
}

/* A string of characters of every UTF-8 length (no escapes). */
static void make_utf8(rc_buf *b, size_t target) {
    static const char unit[] = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                               "a";
    size_t start = b->len;
    put(b, "\"");
    while (b->len - start + sizeof unit < target) put(b, unit);
    put(b, "\"");
}

static void make_reals(rc_buf *b, size_t target) { repeat(b, target, "-1.2345e-300"); }
/* 20 digits (one more than the fast conversion takes whole) on the midpoint
 * between 0 and the smallest subnormal: the costliest real found. */
static void make_midreals(rc_buf *b, size_t target) {
    repeat(b, target, "2.4703282292062327209e-324");
}
static void make_bigints(rc_buf *b, size_t target) { repeat(b, target, "-1234567890123456789"); }

/* The deepobj data under an unknown key, with an empty data array. */
static void make_ignored(rc_buf *b, size_t target) {
    put(b, "],\"ignored\":[");
    make_deepobj(b, target - 14);
}

/* The deepobj data, then a byte after the message: refused at its end. */
static void make_refused(rc_buf *b, size_t target) { make_deepobj(b, target - 2); }

/* A whole hello (not a layout-event): RC_WIRE_MAX_REPLAY replayed events
 * sharing the length, each with as many small objects as fit and a string
 * making up the rest. */
static void make_hello(rc_buf *b, size_t target) {
    b->len = 0;
    put(b, "{\"type\":\"hello\",\"version\":1,\"extensions\":[\"patch\",\"seq\"],"
           "\"location\":{\"pathname\":\"/\",\"search\":\"\"},"
           "\"resume\":{\"session\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"token\":\"t\",\"events\":[");
    size_t per = (target - b->len) / RC_WIRE_MAX_REPLAY;
    char ev[96];
    for (int i = 0; i < RC_WIRE_MAX_REPLAY; i++) {
        size_t start = b->len;
        snprintf(ev, sizeof ev,
                 "%s{\"type\":\"layout-event\",\"target\":\"AAAAAAAAAAA\",\"seq\":%d,\"data\":[",
                 i ? "," : "", i + 1);
        put(b, ev);
        while (b->len - start + 11 + 6 < per) put(b, "{\"v\":\"ab\"},");
        put(b, "\"");
        while (b->len - start + 3 < per) put(b, "x");
        put(b, "\"]}");
    }
    put(b, "]}}");
}

typedef struct shape {
    const char *name;
    void (*make)(rc_buf *, size_t);
} shape;

static const shape shapes[] = {
    {"flat", make_flat},         {"keys", make_keys},       {"objects", make_objects},
    {"deep", make_deep},         {"deepobj", make_deepobj}, {"escapes", make_escapes},
    {"strings", make_strings},   {"utf8", make_utf8},       {"reals", make_reals},
    {"midreals", make_midreals}, {"bigints", make_bigints}, {"ignored", make_ignored},
    {"hello", make_hello},       {"refused", make_refused},
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    if (runs < 1) runs = 1;
    rc_buf msg[NSHAPES];
    size_t target = 0;
    /* The 40,000-key object first: the others are made as long. */
    for (size_t s = 0; s < NSHAPES; s++) {
        size_t i = s == 0 ? 1 : (s == 1 ? 0 : s);
        rc_buf_init(&msg[i]);
        head(&msg[i]);
        size_t before = msg[i].len;
        shapes[i].make(&msg[i], target);
        if (i == 1) target = msg[i].len - before;
        if (shapes[i].make != make_hello) tail(&msg[i]); /* a hello is made whole */
        if (shapes[i].make == make_refused) put(&msg[i], " x");
    }
    double *t = malloc(NSHAPES * (size_t)runs * sizeof *t); /* t[s * runs + r] */
    double med[NSHAPES];
    int ok[NSHAPES];
    char err[NSHAPES][160];
    /* Each shape's runs back to back: a hostile client sends the same
     * message again and again, and what the allocator is left with after
     * many of them is part of the cost (interleaving the shapes hid it:
     * the old reader's nested objects cost 13x a flat array back to back,
     * 4x interleaved). */
    for (size_t s = 0; s < NSHAPES; s++) {
        for (int r = 0; r < runs; r++) {
            rc_message m;
            err[s][0] = '\0';
            double t0 = bench_cpu_us();
            ok[s] = rc_wire_parse(msg[s].data, msg[s].len, &m, err[s], sizeof err[s]) == 0;
            if (ok[s]) rc_message_free(&m);
            t[s * (size_t)runs + (size_t)r] = bench_cpu_us() - t0;
        }
    }
    printf("rc_wire_parse, median of %d runs (thread CPU time), messages of about "
           "%zu bytes\n",
           runs, msg[1].len);
    printf("%-8s %10s %10s %8s %s\n", "shape", "bytes", "us", "x flat", "result");
    for (size_t s = 0; s < NSHAPES; s++) med[s] = bench_median(t + s * (size_t)runs, runs);
    for (size_t s = 0; s < NSHAPES; s++)
        printf("%-8s %10zu %10.1f %8.2f %s%s\n", shapes[s].name, msg[s].len, med[s],
               med[s] / med[0], ok[s] ? "parsed" : "refused: ", ok[s] ? "" : err[s]);
    double worst = 0;
    const char *worst_name = "";
    printf("RESULT runs=%d bytes=%zu", runs, msg[1].len);
    for (size_t s = 0; s < NSHAPES; s++) {
        double ratio = med[s] / med[0];
        printf(" %s_us=%.1f %s_ratio=%.2f %s_parsed=%d", shapes[s].name, med[s], shapes[s].name,
               ratio, shapes[s].name, ok[s]);
        if (s && ratio > worst) {
            worst = ratio;
            worst_name = shapes[s].name;
        }
    }
    printf(" worst_ratio=%.2f worst_shape=%s\n", worst, worst_name);
    printf("worst: %s, %.2fx flat: %s (target <= 3x)\n", worst_name, worst,
           worst <= 3 ? "met" : "missed");
    for (size_t s = 0; s < NSHAPES; s++) rc_buf_free(&msg[s]);
    free(t);
    return 0;
}
