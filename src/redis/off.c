/*
 * A build without Redis (RC_WITH_REDIS=OFF, docs/size.md): the URL parser
 * stays (url.c, so --redis is still checked), the connection is refused at
 * start with a clear message.
 */
#include <stdio.h>

#include "redis/conn.h"

rc_redis *rc_redis_start(struct ev_loop *loop, const rc_redis_url *url,
                         const rc_redis_options *opts, rc_redis_health_fn health, void *owner,
                         char *err, size_t errlen) {
    (void)loop;
    (void)url;
    (void)opts;
    (void)health;
    (void)owner;
    snprintf(err, errlen, "this build of reactc has no Redis support (RC_WITH_REDIS=OFF)");
    return NULL;
}

void rc_redis_stop(rc_redis *r) { (void)r; }

bool rc_redis_is_up(const rc_redis *r) {
    (void)r;
    return false;
}

double rc_redis_latency(const rc_redis *r) {
    (void)r;
    return -1;
}
