/*
 * The server's end of the Redis connection (src/redis/, docs/deploy.md
 * "Redis"). Nothing here runs without --redis / REACTC_REDIS: the
 * single-process default never touches Redis.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis/conn.h"
#include "server/server.h"
#include "util/env.h"

/* Owns REACTC_REDIS once taken from the environment (it may carry a
 * password, so it leaves the environment like REACTC_SECRET); lives as long
 * as the process, since worker processes inherit cfg->redis pointing at it. */
static char *env_url;

int rc_srv_redis_config(rc_app *cfg) {
    if (!cfg->redis || !*cfg->redis) {
        free(env_url);
        env_url = rc_env_take("REACTC_REDIS");
        cfg->redis = env_url && *env_url ? env_url : NULL;
    }
    if (!cfg->redis) return 0;
    /* Checked before any fork: a bad URL stops the start. */
    rc_redis_url url;
    char err[300];
    if (rc_redis_url_parse(cfg->redis, &url, err, sizeof err)) {
        fprintf(stderr, "reactc: --redis: %s\n", err);
        return -1;
    }
    rc_redis_url_free(&url);
    return 0;
}

/* Each change between up and down, once: logged, then told to the app. */
static void on_health(void *owner, bool up, const char *why) {
    rc_server *s = owner;
    if (up)
        rc_srv_log(s, RC_LOG_INFO, "redis: up (%s, PING %.2f ms)", s->redis_desc,
                   rc_redis_latency(s->redis) * 1000);
    else rc_srv_log(s, RC_LOG_WARN, "redis: down (%s); retrying with backoff", why);
    if (s->app->on_redis_health) s->app->on_redis_health(s->app, up, up ? "" : why);
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
    s->redis = rc_redis_start(s->loop, &url, NULL, on_health, s, err, sizeof err);
    rc_redis_url_free(&url);
    if (!s->redis) {
        rc_srv_log(s, RC_LOG_ERROR, "--redis: %s", err);
        return -1;
    }
    return 0;
}

void rc_srv_redis_stop(rc_server *s) {
    rc_redis_stop(s->redis);
    s->redis = NULL;
}
