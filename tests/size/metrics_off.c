/*
 * Run by scripts/size.sh against the core build (build-size/, every
 * RC_WITH_* option off): --metrics must be refused, not ignored, both on
 * the command line (rc_app_parse_args) and when rc_app.metrics is set in
 * code (rc_app_run, one process and under --workers). Exits 0 when every
 * way is refused; size.sh checks that stderr names RC_WITH_METRICS.
 */
#include <stdio.h>

#include "reactc.h"

static void root(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_text(ctx, "never served");
}
static RC_COMPONENT(root);

int main(int argc, char **argv) {
    (void)argc;
    char *args[] = {argv[0], "--metrics", "127.0.0.1:9100", NULL};
    rc_app parsed = {.root = &root_component};
    if (rc_app_parse_args(&parsed, 3, args) != -1 || parsed.metrics) {
        fprintf(stderr, "metrics_off: --metrics was accepted on the command line\n");
        return 1;
    }
    for (int workers = 1; workers <= 2; workers++) {
        rc_app app = {.root = &root_component, .port = -1, .metrics = "0", .workers = workers};
        if (rc_app_run(&app) == 0) {
            fprintf(stderr, "metrics_off: rc_app_run served with .metrics (workers %d)\n", workers);
            return 1;
        }
    }
    return 0;
}
