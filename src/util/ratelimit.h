/*
 * Repeats rate-limited: a log line that a client can cause (a stale handler
 * id per event, a refused resume per connection) must not let one client
 * flood the log. Lines are keyed by their call site (the format string's
 * address); each key may print `burst` lines per `window` seconds, the rest
 * are counted and the next line printed says how many were left out.
 */
#ifndef RC_UTIL_RATELIMIT_H
#define RC_UTIL_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

#define RC_RATE_KEYS 64 /* call sites tracked (the idlest is evicted past that) */

typedef struct rc_rate_slot {
    const void *key;
    double window_start;
    unsigned printed;    /* in this window */
    unsigned suppressed; /* since the last line printed */
} rc_rate_slot;

typedef struct rc_rate {
    unsigned burst;
    double window; /* seconds */
    rc_rate_slot slots[RC_RATE_KEYS];
} rc_rate;

/* A limiter letting `burst` lines per key through per `window` seconds. */
void rc_rate_init(rc_rate *r, unsigned burst, double window);
/* Whether a line for key may be printed at time now (seconds, monotonic).
 * When it may, *suppressed is the number left out since the last one
 * printed for that key (0 usually). */
bool rc_rate_allow(rc_rate *r, const void *key, double now, unsigned *suppressed);

#endif
