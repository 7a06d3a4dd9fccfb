/*
 * Stores shared through Redis left out (RC_WITH_STORES=OFF or
 * RC_WITH_REDIS=OFF, CMakeLists.txt): without stores there is nothing to
 * share, so --redis keeps only its connection; without Redis there is no
 * --redis. stores.h's calls do nothing either way.
 */
#include "redis/stores.h"

rc_rstores *rc_rstores_start(struct ev_loop *loop, rc_redis *cmd, const rc_redis_url *url,
                             const char *prefix, rc_rstores_ready_fn ready, void *arg, char *err,
                             size_t errlen) {
    (void)loop;
    (void)cmd;
    (void)url;
    (void)prefix;
    (void)ready;
    (void)arg;
    if (errlen) err[0] = '\0'; /* not an error: nothing to share */
    return NULL;
}

void rc_rstores_set_full(rc_rstores *rs, void (*fn)(void *arg, rc_layout *layout), void *arg) {
    (void)rs;
    (void)fn;
    (void)arg;
}

void rc_rstores_cmd_health(rc_rstores *rs, bool up) {
    (void)rs;
    (void)up;
}

bool rc_rstores_ready(const rc_rstores *rs) {
    (void)rs;
    return false;
}

size_t rc_rstores_count(const rc_rstores *rs) {
    (void)rs;
    return 0;
}

void rc_rstores_stop(rc_rstores *rs) { (void)rs; }
