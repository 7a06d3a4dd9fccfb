/* The smallest server (bare_server.h). */
#include "bare_server.h"

#include <stdlib.h>

static void noop_async(struct ev_loop *loop, ev_async *w, int revents) {
    (void)loop;
    (void)w;
    (void)revents;
}

static void noop_idle(struct ev_loop *loop, ev_idle *w, int revents) {
    (void)loop;
    (void)w;
    (void)revents;
}

static rc_app empty;

rc_server *bare_server_new(rc_app *app) {
    rc_server *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->app = app ? app : &empty;
    s->loop = ev_loop_new(EVFLAG_AUTO);
    ev_async_init(&s->wake, noop_async);
    ev_async_start(s->loop, &s->wake);
    ev_idle_init(&s->idle, noop_idle);
    rc_post_init(s);
    return s;
}

void bare_server_free(rc_server *s) {
    rc_handles_forget(s);
    rc_post_free(s);
    ev_idle_stop(s->loop, &s->idle);
    ev_async_stop(s->loop, &s->wake);
    ev_loop_destroy(s->loop);
    free(s);
}
