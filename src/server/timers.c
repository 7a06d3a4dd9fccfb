/* The timer host given to layouts: one libev timer per armed hook. */
#include "server/server.h"
#include "util/alloc.h"

typedef struct rc_srv_timer {
    ev_timer w;
    rc_server *server;
    bool repeat;
    void (*cb)(void *arg);
    void *arg;
} rc_srv_timer;

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)revents;
    rc_srv_timer *t = (rc_srv_timer *)w;
    if (!t->repeat) {
        /* The core forgets a one-shot handle before calling the hook, so
         * this timer is ours to free once it has fired. */
        ev_timer_stop(loop, w);
        t->cb(t->arg);
        free(t);
        return;
    }
    t->cb(t->arg);
}

static void *timer_start(void *host, uint32_t ms, bool repeat, void (*cb)(void *), void *arg) {
    rc_server *s = host;
    rc_srv_timer *t = rc_xcalloc(1, sizeof *t);
    t->server = s;
    t->repeat = repeat;
    t->cb = cb;
    t->arg = arg;
    double sec = ms / 1000.0;
    ev_timer_init(&t->w, on_timer, sec, repeat ? sec : 0.0);
    ev_timer_start(s->loop, &t->w);
    return t;
}

static void timer_stop(void *host, void *timer) {
    rc_server *s = host;
    rc_srv_timer *t = timer;
    ev_timer_stop(s->loop, &t->w);
    free(t);
}

void rc_timers_init(rc_server *s) {
    s->timer_host.start = timer_start;
    s->timer_host.stop = timer_stop;
    s->timer_host.host = s;
}
