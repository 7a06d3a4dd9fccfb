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

int rc_redis_command(rc_redis *r, rc_redis_reply_fn fn, void *user, int argc,
                     const char *const *argv, const size_t *argvlen) {
    (void)r;
    (void)fn;
    (void)user;
    (void)argc;
    (void)argv;
    (void)argvlen;
    return -1;
}

void rc_redis_add_script(rc_redis *r, rc_redis_script *s) {
    (void)r;
    (void)s;
}

int rc_redis_eval(rc_redis *r, rc_redis_script *s, rc_redis_reply_fn fn, void *user, int nkeys,
                  int argc, const char *const *argv, const size_t *argvlen) {
    (void)r;
    (void)s;
    (void)fn;
    (void)user;
    (void)nkeys;
    (void)argc;
    (void)argv;
    (void)argvlen;
    return -1;
}
