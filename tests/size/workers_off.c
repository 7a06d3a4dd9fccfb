/*
 * Run by scripts/size.sh against the core build (build-size/, every
 * RC_WITH_* option off): --workers N > 1 must be refused at start, not run
 * as one process. rc_app_run with 2 workers must fail before it listens
 * (the port below is one nothing listens on: a start would serve it);
 * size.sh checks that stderr names RC_WITH_WORKERS.
 */
#include <stdio.h>

#include "reactc.h"

static void root(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_text(ctx, "never served");
}
static RC_COMPONENT(root);

int main(void) {
    rc_app app = {.root = &root_component, .port = -1, .workers = 2};
    if (rc_app_run(&app) == 0) {
        fprintf(stderr, "workers_off: rc_app_run served with 2 workers\n");
        return 1;
    }
    return 0;
}
