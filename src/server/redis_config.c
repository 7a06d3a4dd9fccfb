/*
 * --redis and REACTC_REDIS, read and checked at start, before any fork,
 * in every build: with RC_WITH_REDIS=OFF the URL parser is
 * redis/url_off.c's, which refuses every URL, so the same code is the
 * refusal (one copy of the environment's handling, which may carry a
 * password).
 */
#include <stdio.h>
#include <stdlib.h>

#include "redis/url.h"
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
    /* Checked before any fork: a bad URL (any URL without Redis) stops the
     * start. */
    rc_redis_url url;
    char err[300];
    if (rc_redis_url_parse(cfg->redis, &url, err, sizeof err)) {
        fprintf(stderr, "reactc: --redis: %s\n", err);
        return -1;
    }
    rc_redis_url_free(&url);
    return 0;
}
