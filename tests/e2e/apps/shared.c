/*
 * A test app with shared state: a store "fan" every tab shows and any tab
 * turns on or off, beside a per-tab counter kept in a state slot (in the
 * tab's token). tests/e2e/store.test.mjs opens several tabs on it.
 */
#include <reactc.h>

static rc_store *fan;

static void toggle_fan(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    rc_store_set_bool(fan, !rc_store_get_bool(fan));
}

static void increment(rc_event *ev, void *count) {
    (void)ev;
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}

/* Shows the fan; re-renders when it changes (it reads the store). */
static void fan_view(rc_ctx *ctx, const void *props) {
    (void)props;
    bool on = rc_value_get_bool(rc_use_store(ctx, fan), false);
    RC_EL(ctx, "p") {
        RC_EL(ctx, "span", .id = "fan") rc_text(ctx, on ? "on" : "off");
        RC_EL(ctx, "button", .id = "toggle", .on = RC_ON("click", toggle_fan, NULL)) {
            rc_text(ctx, on ? "Turn fan off" : "Turn fan on");
        }
    }
}
static RC_COMPONENT(fan_view);

static void shared(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *count = rc_use_int(ctx, "count", 0);
    RC_EL(ctx, "main") {
        rc_child(ctx, &fan_view_component, NULL, NULL, 0);
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", increment, count)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(count));
        }
    }
}
static RC_COMPONENT(shared);

int main(int argc, char **argv) {
    rc_app app = {.title = "Shared", .root = &shared_component};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    fan = rc_store_new("fan", &(rc_value){.kind = RC_BOOL, .as.b = false});
    rc = rc_app_run(&app);
    rc_store_free(fan);
    return rc;
}
