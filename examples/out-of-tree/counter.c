/* A reactc app of your own: one component, one main(). Built against an
 * installed reactc by CMakeLists.txt (find_package) or Makefile (pkg-config). */
#include <reactc.h>

static void increment(rc_event *ev, void *count) {
    (void)ev;
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}

static void counter(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *count = rc_use_int(ctx, "count", 0);
    RC_EL(ctx, "div", .class_ = "counter") {
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", increment, count)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(count));
        }
    }
}
RC_COMPONENT(counter);

int main(int argc, char **argv) {
    rc_app app = {.title = "My counter", .root = &counter_component};
    int rc = rc_app_parse_args(&app, argc, argv); /* --port, --help, ... */
    if (rc) return rc > 0 ? 0 : 2;                /* 1: --help was printed */
    return rc_app_run(&app);
}
