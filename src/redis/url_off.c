/*
 * A build without Redis (RC_WITH_REDIS=OFF, docs/size.md): every --redis
 * URL (or REACTC_REDIS) is refused where it is first read, before anything
 * starts, since nothing could connect to it; checking its form first would
 * only say more about a value that cannot be used.
 */
#include <stdio.h>
#include <string.h>

#include "redis/url.h"

int rc_redis_url_parse(const char *text, rc_redis_url *out, char *err, size_t errlen) {
    (void)text;
    memset(out, 0, sizeof *out);
    snprintf(err, errlen,
             "this build of reactc has no Redis support (built without RC_WITH_REDIS)");
    return -1;
}

void rc_redis_url_free(rc_redis_url *u) { (void)u; }

void rc_redis_url_describe(const rc_redis_url *u, char *buf, size_t cap) {
    (void)u;
    snprintf(buf, cap, "(no redis)");
}

int rc_redis_key_prefix(const char *app_id, char *buf, size_t cap) {
    (void)app_id;
    (void)buf;
    (void)cap;
    return -1;
}
