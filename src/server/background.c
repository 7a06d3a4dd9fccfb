/*
 * Background work: session handles (posts to one session from any thread)
 * and app-wide timers (reactc.h, "Background work").
 *
 * Handles: one process-wide table of slots under one mutex, each slot a
 * generation and a session. A handle is (generation << 32 | slot + 1), a
 * plain value: nothing to free, nothing to dangle. Freeing a session
 * empties its slot and moves the generation on, so every handle ever given
 * for it stops matching; the slot is then reused. A post checks the handle
 * under the table lock, which the loop thread also takes to free a slot,
 * so the session (and its server's post queue) cannot go while the post is
 * being queued. Lock order: the table, then the server's post_lock. The
 * session is looked up again when the post runs (post.c): one freed in
 * between gives the post a NULL layout, so the poster's arg is always
 * handed back exactly once. (A generation is 32 bits: a handle kept while
 * one slot is reused 4 billion times could match again; no tab lives that
 * long.)
 *
 * A session that is detached (its socket gone, kept for re-attach during
 * the grace period) still exists: a post to it renders, and the re-attach
 * shows the result. Gone means freed: closed past its grace, or asleep.
 *
 * Timers: a process-wide list owned by the loop thread. A timer started
 * before rc_app_run waits for its app's server; its start arms the app's
 * timers and its stop disarms them (app.c), so a worker process (forked
 * with the list) runs its own.
 */
#include "core/host.h"
#include "core/track.h"
#include "server/session.h"
#include "util/alloc.h"

/* ---- session handles ------------------------------------------------------ */

typedef struct slot {
    uint32_t gen;       /* the generation handles to this slot must carry */
    uint32_t next_free; /* free list (index + 1; 0: end) */
    rc_session *se;     /* NULL: free */
} slot;

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static slot *slots; /* under table_lock, as the three below */
static uint32_t nslots, slots_cap, free_head;

/* The live session id names; table_lock held. */
static rc_session *lookup(uint64_t id) {
    uint32_t i = (uint32_t)(id & 0xffffffffu);
    if (i == 0 || i > nslots) return NULL;
    const slot *sl = &slots[i - 1];
    return sl->se && sl->gen == (uint32_t)(id >> 32) ? sl->se : NULL;
}

/* Empties slot i (its handles stop matching); table_lock held. */
static void vacate(uint32_t i) {
    slot *sl = &slots[i];
    sl->se->handle = 0;
    sl->se = NULL;
    if (++sl->gen == 0) sl->gen = 1; /* 0 would make a zero handle match */
    sl->next_free = free_head;
    free_head = i + 1;
}

void rc_handle_acquire(rc_session *se) {
    if (se->handle) { /* started once; kept as is if ever started again */
        rc_layout_set_session_handle(se->layout, se->handle);
        return;
    }
    pthread_mutex_lock(&table_lock);
    uint32_t i;
    if (free_head) {
        i = free_head - 1;
        free_head = slots[i].next_free;
    } else {
        if (nslots == slots_cap) {
            slots_cap = slots_cap ? slots_cap * 2 : 64;
            slots = rc_xrealloc(slots, slots_cap * sizeof *slots);
        }
        i = nslots++;
        slots[i].gen = 1;
    }
    slots[i].se = se;
    slots[i].next_free = 0;
    se->handle = ((uint64_t)slots[i].gen << 32) | (uint64_t)(i + 1);
    pthread_mutex_unlock(&table_lock);
    rc_layout_set_session_handle(se->layout, se->handle);
}

void rc_handle_release(rc_session *se) {
    if (!se->handle) return;
    pthread_mutex_lock(&table_lock);
    if (lookup(se->handle) == se) vacate((uint32_t)(se->handle & 0xffffffffu) - 1);
    pthread_mutex_unlock(&table_lock);
    if (se->layout) rc_layout_set_session_handle(se->layout, 0);
}

void rc_handles_forget(rc_server *s) {
    pthread_mutex_lock(&table_lock);
    for (uint32_t i = 0; i < nslots; i++)
        if (slots[i].se && slots[i].se->server == s) {
            rc_session *se = slots[i].se;
            vacate(i);
            if (se->layout) rc_layout_set_session_handle(se->layout, 0);
        }
    pthread_mutex_unlock(&table_lock);
}

rc_layout *rc_handle_layout(uint64_t id) {
    pthread_mutex_lock(&table_lock);
    rc_session *se = lookup(id);
    rc_layout *layout = se ? se->layout : NULL;
    pthread_mutex_unlock(&table_lock);
    return layout;
}

int rc_session_handle_post(rc_session_handle h, rc_session_post_fn fn, void *arg) {
    if (!fn) return -1;
    pthread_mutex_lock(&table_lock);
    rc_session *se = lookup(h.id);
    if (!se) {
        pthread_mutex_unlock(&table_lock);
        return -1;
    }
    rc_post_item *it = rc_xcalloc(1, sizeof *it);
    it->sfn = fn;
    it->arg = arg;
    it->handle = h.id;
    it->resolve = rc_handle_layout;
    rc_post_enqueue(se->server, it);
    pthread_mutex_unlock(&table_lock);
    return 0;
}

/* ---- app-wide timers ------------------------------------------------------- */

struct rc_timer {
    ev_timer w;
    rc_app *app;
    rc_server *server; /* armed on this server's loop, or NULL */
    double interval;
    bool repeat, fired; /* fired: a one-shot that ran (never armed again) */
    rc_timer_fn fn;
    void *arg;
    rc_timer *prev, *next;
};

static rc_timer *timers; /* loop thread */

static void on_app_timer(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)revents;
    rc_timer *t = (rc_timer *)w;
    if (!t->repeat) {
        /* Settled before fn runs: fn may stop (free) its own timer. */
        ev_timer_stop(loop, w);
        t->server = NULL;
        t->fired = true;
    }
    /* Its store writes are one batch, as a post's. */
    rc_scope_begin();
    t->fn(t->arg);
    rc_scope_end(NULL, 0);
}

static void arm(rc_timer *t, rc_server *s) {
    if (t->fired || t->server) return;
    t->server = s;
    ev_timer_init(&t->w, on_app_timer, t->interval, t->repeat ? t->interval : 0.0);
    ev_timer_start(s->loop, &t->w);
}

void rc_app_timers_arm(rc_server *s) {
    for (rc_timer *t = timers; t; t = t->next)
        if (t->app == s->app) arm(t, s);
}

void rc_app_timers_disarm(rc_server *s) {
    for (rc_timer *t = timers; t; t = t->next)
        if (t->server == s) {
            ev_timer_stop(s->loop, &t->w);
            t->server = NULL;
        }
}

rc_timer *rc_app_start_timer(rc_app *app, uint32_t interval_ms, bool repeat, rc_timer_fn fn,
                             void *arg) {
    if (!app || !fn) return NULL;
    rc_timer *t = rc_xcalloc(1, sizeof *t);
    t->app = app;
    t->interval = (interval_ms ? interval_ms : 1) / 1000.0;
    t->repeat = repeat;
    t->fn = fn;
    t->arg = arg;
    t->next = timers;
    if (timers) timers->prev = t;
    timers = t;
    rc_server *s = rc_post_find(app);
    if (s) arm(t, s);
    return t;
}

void rc_timer_stop(rc_timer *t) {
    if (!t) return;
    if (t->server) ev_timer_stop(t->server->loop, &t->w);
    if (t->prev) t->prev->next = t->next;
    else timers = t->next;
    if (t->next) t->next->prev = t->prev;
    free(t);
}
