/*
 * A running app, found from its rc_app: rc_app_post and rc_app_stop (the
 * only entry points other threads may use) and rc_app_count_sessions.
 *
 * The process's running servers are listed here, under a process-wide lock,
 * rather than in a field of the caller's rc_app (which holds settings only):
 * a post racing with shutdown either lands or reports -1. Posted items go on
 * a mutex-protected list and an ev_async wakes the loop, which runs them in
 * order.
 */
#include "core/track.h"
#include "reactc_layout.h"
#include "server/session.h"
#include "store/marks.h"
#include "util/alloc.h"

static pthread_mutex_t apps_lock = PTHREAD_MUTEX_INITIALIZER;
static rc_server *running; /* under apps_lock */

/* The server running app, or NULL; apps_lock held. */
static rc_server *find(const rc_app *app) {
    rc_server *s = running;
    while (s && s->app != app) s = s->running_next;
    return s;
}

/* A persisted store's file was written, or a batch at Redis decided: the
 * sessions waiting for that go on (session_wait.c). */
static void on_store_saved(void *arg) { rc_session_stores_saved(arg); }

/* Stores' publishes from other threads wake the loop as posts do
 * (ev_async_send is thread-safe); rc_post_drain applies them. */
static void wake_for_stores(void *arg) {
    rc_server *s = arg;
    ev_async_send(s->loop, &s->wake);
}

void rc_post_init(rc_server *s) {
    pthread_mutex_init(&s->post_lock, NULL);
    pthread_mutex_lock(&apps_lock);
    s->running_next = running;
    running = s;
    pthread_mutex_unlock(&apps_lock);
    rc_store_set_wake(wake_for_stores, s);
    /* Persisted stores debounce on this loop; exactly-once marks live as
     * long as this server's tokens (store/marks.h). */
    rc_store_set_timers(&s->timer_host);
    rc_store_set_saved(on_store_saved, s);
    rc_store_marks_set_ttl(s->cfg.token_ttl);
}

void rc_post_enqueue(rc_server *s, rc_post_item *it) {
    it->next = NULL;
    pthread_mutex_lock(&s->post_lock);
    if (s->posts_tail) s->posts_tail->next = it;
    else s->posts = it;
    s->posts_tail = it;
    pthread_mutex_unlock(&s->post_lock);
    ev_async_send(s->loop, &s->wake);
}

rc_server *rc_post_find(const rc_app *app) {
    pthread_mutex_lock(&apps_lock);
    rc_server *s = find(app);
    pthread_mutex_unlock(&apps_lock);
    return s;
}

void rc_post_drain(rc_server *s) {
    pthread_mutex_lock(&s->post_lock);
    rc_post_item *items = s->posts;
    s->posts = s->posts_tail = NULL;
    pthread_mutex_unlock(&s->post_lock);
    while (items) {
        rc_post_item *next = items->next;
        /* Its store writes are one batch, committed when it returns. A
         * session's post looks its session up only now, on the loop thread
         * that frees sessions: gone since it was queued, fn hears NULL. */
        rc_layout *layout = items->sfn ? items->resolve(items->handle) : NULL;
        rc_scope_begin();
        if (items->sfn) items->sfn(layout, items->arg);
        else items->fn(items->arg);
        rc_scope_end(layout, 0);
        free(items);
        items = next;
    }
    rc_store_drain(); /* writes published into stores by other threads */
}

void rc_post_free(rc_server *s) {
    pthread_mutex_lock(&apps_lock);
    for (rc_server **pp = &running; *pp; pp = &(*pp)->running_next)
        if (*pp == s) {
            *pp = s->running_next;
            break;
        }
    pthread_mutex_unlock(&apps_lock);
    rc_store_set_wake(NULL, NULL);
    /* Run what was posted before the app went away, so posters' args are
     * freed by their own functions. */
    rc_post_drain(s);
    rc_store_set_timers(NULL); /* writes what persisted stores have pending */
    rc_store_set_saved(NULL, NULL);
    pthread_mutex_destroy(&s->post_lock);
}

int rc_app_post(rc_app *app, void (*fn)(void *arg), void *arg) {
    if (!fn) return -1;
    pthread_mutex_lock(&apps_lock);
    rc_server *s = find(app);
    if (!s) {
        pthread_mutex_unlock(&apps_lock);
        return -1;
    }
    rc_post_item *it = rc_xcalloc(1, sizeof *it);
    it->fn = fn;
    it->arg = arg;
    rc_post_enqueue(s, it);
    pthread_mutex_unlock(&apps_lock);
    return 0;
}

void rc_app_stop(rc_app *app) {
    pthread_mutex_lock(&apps_lock);
    rc_server *s = find(app);
    if (s) {
        pthread_mutex_lock(&s->post_lock);
        s->stop_requested = true;
        pthread_mutex_unlock(&s->post_lock);
        ev_async_send(s->loop, &s->wake);
    }
    pthread_mutex_unlock(&apps_lock);
}

size_t rc_app_count_sessions(const rc_app *app) {
    pthread_mutex_lock(&apps_lock);
    rc_server *s = find(app);
    size_t n = s ? s->nsessions : 0;
    pthread_mutex_unlock(&apps_lock);
    return n;
}
