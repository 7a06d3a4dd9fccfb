/*
 * A build without Redis (RC_WITH_REDIS=OFF, docs/size.md): the server's
 * end of the connection is only the refusal of --redis and REACTC_REDIS
 * at start (redis/url_off.c says why), so no server ever has s->redis.
 */
#include <stdio.h>
#include <stdlib.h>

#include "redis/url.h"
#include "server/server.h"
#include "util/env.h"

/* As redis_link.c: REACTC_REDIS leaves the environment once taken (it may
 * carry a password), and is refused like --redis. */
static char *env_url;

int rc_srv_redis_config(rc_app *cfg) {
    if (!cfg->redis || !*cfg->redis) {
        free(env_url);
        env_url = rc_env_take("REACTC_REDIS");
        cfg->redis = env_url && *env_url ? env_url : NULL;
    }
    if (!cfg->redis) return 0;
    rc_redis_url url;
    char err[300];
    rc_redis_url_parse(cfg->redis, &url, err, sizeof err);
    fprintf(stderr, "reactc: --redis: %s\n", err);
    return -1;
}

bool rc_srv_redis_holds_accept(const rc_server *s) {
    (void)s;
    return false;
}

/* rc_srv_redis_config refused any URL before the server was made. */
int rc_srv_redis_start(rc_server *s) { return s->cfg.redis ? -1 : 0; }

void rc_srv_redis_stop(rc_server *s) { (void)s; }
