/*
 * A counter whose token size limit comes from the environment:
 * TEST_MAX_TOKEN (bytes; 1: no token ever fits, so every session is
 * re-attach only). tests/e2e/session_secret.test.mjs uses it for the
 * sessions too big for a token.
 */
#include <stdlib.h>

#include <reactc.h>

static void increment(rc_event *ev, void *user) {
    (void)ev;
    rc_state_set_int(user, rc_state_get_int(user) + 1);
}

static void counter(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *count = rc_use_int(ctx, "count", 0);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", increment, count)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(count));
        }
    }
}
static RC_COMPONENT(counter);

static uint32_t env_u32(const char *name) {
    const char *v = getenv(name);
    return v ? (uint32_t)strtoul(v, NULL, 10) : 0;
}

int main(int argc, char **argv) {
    rc_app app = {.title = "tokens", .root = &counter_component};
    app.max_token = env_u32("TEST_MAX_TOKEN");
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    return rc_app_run(&app);
}
