/*
 * Timer hooks. The core knows no event loop: a layout is given a timer host
 * (the server's, on libev) and arms timers through it. A timer hook starts
 * its timer when the instance first renders, re-arms it when `ms` changes
 * and stops it on unmount, so a fired timer always finds its instance alive.
 */
#include "core/internal.h"

typedef struct rc_timer_hook {
    rc_hook h;
    uint32_t ms;
    bool repeat;
    rc_timer_fn fn;
    void *user;
    void *handle; /* the host's timer, NULL when stopped */
    bool fired;   /* a timeout fires once per arming */
} rc_timer_hook;

static void timer_fired(void *arg) {
    rc_timer_hook *t = arg;
    if (!t->repeat) {
        t->fired = true;
        /* The host does not re-arm one-shot timers; forget the handle. */
        t->handle = NULL;
    }
    rc_layout *l = t->h.inst->layout;
    rc_scope_begin(); /* its store writes are one batch (track.h) */
    t->fn(t->user);
    rc_scope_end(l, 0);
}

static void timer_stop(rc_layout *l, rc_timer_hook *t) {
    if (t->handle && l->opts.timers) l->opts.timers->stop(l->opts.timers->host, t->handle);
    t->handle = NULL;
}

static void use_timer(rc_ctx *ctx, uint32_t ms, bool repeat, rc_timer_fn fn, void *user) {
    bool created;
    rc_timer_hook *t = rc_hook_get(ctx, HOOK_TIMER, sizeof *t, NULL, &created);
    rc_layout *l = ctx->layout;
    t->fn = fn;
    t->user = user;
    if (!created && t->ms == ms && t->repeat == repeat) return;
    timer_stop(l, t);
    t->ms = ms;
    t->repeat = repeat;
    t->fired = false;
    if (ms && fn && l->opts.timers)
        t->handle = l->opts.timers->start(l->opts.timers->host, ms, repeat, timer_fired, t);
}

void rc_use_interval(rc_ctx *ctx, uint32_t ms, rc_timer_fn fn, void *user) {
    use_timer(ctx, ms, true, fn, user);
}

void rc_use_timeout(rc_ctx *ctx, uint32_t ms, rc_timer_fn fn, void *user) {
    use_timer(ctx, ms, false, fn, user);
}

void rc_timer_release(rc_hook *h) { timer_stop(h->inst->layout, (rc_timer_hook *)h); }
