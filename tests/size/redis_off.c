/*
 * Run by scripts/size.sh against the core build (build-size/, every
 * RC_WITH_* option off): a server given a Redis URL must refuse to start,
 * not run alone as if its stores and snapshots were shared. Both ways in:
 * rc_app.redis and REACTC_REDIS. size.sh checks that stderr names
 * RC_WITH_REDIS.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "reactc.h"

static void root(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_text(ctx, "never served");
}
static RC_COMPONENT(root);

int main(void) {
    rc_app app = {.root = &root_component, .port = -1, .redis = "redis://127.0.0.1:6379"};
    if (rc_app_run(&app) == 0) {
        fprintf(stderr, "redis_off: rc_app_run served with .redis\n");
        return 1;
    }
    setenv("REACTC_REDIS", "redis://127.0.0.1:6379", 1);
    rc_app env = {.root = &root_component, .port = -1};
    if (rc_app_run(&env) == 0) {
        fprintf(stderr, "redis_off: rc_app_run served with REACTC_REDIS\n");
        return 1;
    }
    return 0;
}
