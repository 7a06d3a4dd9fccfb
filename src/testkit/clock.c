/*
 * The fake timer host: the layout arms its timers (rc_use_timeout,
 * rc_use_interval) here instead of on the server's loop, and nothing fires
 * until the test moves the clock. A stopped timer is only marked: the
 * layout may stop a timer from inside its own callback, and the fire loop
 * still holds it.
 */
#include <stdlib.h>

#include "testkit/testkit.h"
#include "util/alloc.h"

struct rc_fake_timer {
    uint64_t due, period, order;
    bool repeat, stopped;
    void (*cb)(void *arg);
    void *arg;
};

static void *start(void *host, uint32_t ms, bool repeat, void (*cb)(void *arg), void *arg) {
    rc_clock *c = host;
    if (c->ntimers == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->timers = rc_xrealloc(c->timers, c->cap * sizeof *c->timers);
    }
    rc_fake_timer *tm = rc_xcalloc(1, sizeof *tm);
    /* A 0 ms interval would fire forever within one advance: the server's
     * loop gives it at least a turn, the kit at least a millisecond. */
    tm->period = repeat && ms == 0 ? 1 : ms;
    tm->due = c->now + ms;
    tm->order = c->armed++;
    tm->repeat = repeat;
    tm->cb = cb;
    tm->arg = arg;
    c->timers[c->ntimers++] = tm;
    return tm;
}

static void stop(void *host, void *timer) {
    (void)host;
    ((rc_fake_timer *)timer)->stopped = true;
}

void rc_clock_init(rc_clock *c) {
    *c = (rc_clock){.host = {start, stop, c}};
    c->host.host = c;
}

/* Frees the stopped timers. */
static void sweep(rc_clock *c) {
    size_t kept = 0;
    for (size_t i = 0; i < c->ntimers; i++) {
        if (c->timers[i]->stopped) free(c->timers[i]);
        else c->timers[kept++] = c->timers[i];
    }
    c->ntimers = kept;
}

void rc_clock_free(rc_clock *c) {
    for (size_t i = 0; i < c->ntimers; i++) free(c->timers[i]);
    free(c->timers);
    c->timers = NULL;
    c->ntimers = c->cap = 0;
}

bool rc_clock_fire_next(rc_clock *c, uint64_t until) {
    sweep(c);
    rc_fake_timer *next = NULL;
    for (size_t i = 0; i < c->ntimers; i++) {
        rc_fake_timer *tm = c->timers[i];
        if (tm->due > until) continue;
        if (!next || tm->due < next->due || (tm->due == next->due && tm->order < next->order))
            next = tm;
    }
    if (!next) return false;
    if (next->due > c->now) c->now = next->due;
    if (next->repeat) {
        next->due += next->period;
        next->order = c->armed++; /* re-armed: after timers already due at that time */
    } else {
        next->stopped = true; /* a one-shot is done: the layout forgets its handle as it fires */
    }
    next->cb(next->arg);
    return true;
}
