/* counter: the smallest reactc app. A button and the number of clicks (and,
 * with --auth-file, who is signed in: rc_use_user). */
#include "example.h"

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
        const char *user = rc_use_user(ctx); /* NULL without a login */
        if (user)
            RC_EL(ctx, "span", .id = "user") { rc_text(ctx, user); }
    }
}
RC_COMPONENT(counter);

RC_EXAMPLE_MAIN(counter_component, "Counter")
