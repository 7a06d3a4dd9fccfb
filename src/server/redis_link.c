/*
 * The server's end of the Redis connection (src/redis/, docs/deploy.md
 * "Redis"). Nothing here runs without --redis / REACTC_REDIS: the
 * single-process default never touches Redis.
 */

#include "redis/conn.h"
#include "redis/stores.h"
#include "store/store.h"
#include "server/server.h"
#include "server/session.h"

/* Each change between up and down, once: logged, then told to the app. */
static void on_health(void *owner, bool up, const char *why) {
    rc_server *s = owner;
    if (up)
        rc_srv_log(s, RC_LOG_INFO, "redis: up (%s, PING %.2f ms)", s->redis_desc,
                   rc_redis_latency(s->redis) * 1000);
    else rc_srv_log(s, RC_LOG_WARN, "redis: down (%s); retrying with backoff", why);
    rc_rstores_cmd_health(s->stores, up);
    if (s->app->on_redis_health) s->app->on_redis_health(s->app, up, up ? "" : why);
}

bool rc_srv_redis_holds_accept(const rc_server *s) {
    return s->stores && rc_rstores_count(s->stores) > 0 && !rc_rstores_ready(s->stores);
}

/* The stores' first full read after the start: connections are accepted
 * from now on (the listener's backlog held them until then). */
static void on_stores_ready(void *arg, bool ready) {
    rc_server *s = arg;
    if (!ready || ev_is_active(&s->accept_io) || !s->accept_io.cb) return;
    if (s->accept_io.fd < 0) return;
    rc_srv_log(s, RC_LOG_INFO, "stores: read from Redis; accepting connections");
    ev_io_start(s->loop, &s->accept_io);
}

/* An event's store batch met the bound on batches waiting for Redis: its
 * session closes with 1013 (try again later), not kept for a re-attach,
 * so its client resends the event to a new session (src/redis/stores.c). */
static void on_stores_full(void *arg, rc_layout *layout) {
    (void)arg;
    rc_session *se = rc_layout_get_user(layout);
    if (se) rc_session_close(se, 1013, "store writes wait for Redis: try again later");
}

int rc_srv_redis_start(rc_server *s) {
    if (!s->cfg.redis) return 0;
    rc_redis_url url;
    char err[300];
    if (rc_redis_url_parse(s->cfg.redis, &url, err, sizeof err)) {
        rc_srv_log(s, RC_LOG_ERROR, "--redis: %s", err);
        return -1;
    }
    if (rc_redis_key_prefix(s->cfg.app_id, s->redis_prefix, sizeof s->redis_prefix)) {
        rc_srv_log(s, RC_LOG_ERROR, "--redis: the app id is too long for a key prefix");
        rc_redis_url_free(&url);
        return -1;
    }
    rc_redis_url_describe(&url, s->redis_desc, sizeof s->redis_desc);
    rc_srv_log(s, RC_LOG_INFO, "redis: connecting to %s (keys %s*)", s->redis_desc,
               s->redis_prefix);
    /* With stores shared through it, reconnect attempts at most 0.3 s
     * apart while Redis is away: every process converges within a second
     * of its return (docs/guide/shared-state.md). */
    rc_redis_options o = {0};
    if (rc_store_first()) o.backoff_max_s = 0.25; /* +/- 20 % */
    s->redis = rc_redis_start(s->loop, &url, &o, on_health, s, err, sizeof err);
    if (s->redis) {
        err[0] = '\0'; /* a build without stores returns NULL with no error */
        s->stores = rc_rstores_start(s->loop, s->redis, &url, s->redis_prefix, on_stores_ready, s,
                                     err, sizeof err);
    }
    rc_redis_url_free(&url);
    rc_rstores_set_full(s->stores, on_stores_full, s);
    if (!s->redis || (!s->stores && err[0])) {
        rc_srv_log(s, RC_LOG_ERROR, "--redis: %s", err);
        rc_redis_stop(s->redis);
        s->redis = NULL;
        return -1;
    }
    if (rc_srv_redis_holds_accept(s))
        rc_srv_log(s, RC_LOG_INFO,
                   "stores: %zu shared through Redis; connections wait for their first read",
                   rc_rstores_count(s->stores));
    return 0;
}

void rc_srv_redis_stop(rc_server *s) {
    rc_rstores_stop(s->stores);
    s->stores = NULL;
    rc_redis_stop(s->redis);
    s->redis = NULL;
}
