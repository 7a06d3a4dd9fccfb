/*
 * A build without Redis (RC_WITH_REDIS=OFF, docs/size.md): the server's
 * end of the connection is nothing: --redis and REACTC_REDIS are refused at
 * start (redis_config.c, with redis/url_off.c's parser that refuses every
 * URL), so no server ever has s->redis.
 */
#include "server/server.h"

bool rc_srv_redis_holds_accept(const rc_server *s) {
    (void)s;
    return false;
}

/* rc_srv_redis_config refused any URL before the server was made. */
int rc_srv_redis_start(rc_server *s) { return s->cfg.redis ? -1 : 0; }

void rc_srv_redis_stop(rc_server *s) { (void)s; }
