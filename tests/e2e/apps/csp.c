/*
 * A test app that sets rc_app.csp from $TEST_CSP (the empty string
 * included: no header at all); unset, the default applies.
 * tests/e2e/http.test.mjs reads the page's headers; tests/e2e/ssr.test.mjs
 * reloads its counter under a policy without the no-flash script's hash.
 */
#include <stdlib.h>

#include <reactc.h>

static void increment(rc_event *ev, void *count) {
    (void)ev;
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}

static void hello(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *count = rc_use_int(ctx, "count", 0);
    RC_EL(ctx, "p", .id = "hello") { rc_text(ctx, "hello"); }
    RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", increment, count)) {
        rc_text(ctx, "+1");
    }
    RC_EL(ctx, "span", .id = "count") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(count)); }
}
static RC_COMPONENT(hello);

int main(int argc, char **argv) {
    rc_app app = {.title = "CSP", .root = &hello_component, .csp = getenv("TEST_CSP")};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    return rc_app_run(&app);
}
