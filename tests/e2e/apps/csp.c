/*
 * A test app that sets rc_app.csp from $TEST_CSP (the empty string
 * included: no header at all); unset, the default applies.
 * tests/e2e/http.test.mjs reads the page's headers.
 */
#include <stdlib.h>

#include <reactc.h>

static void hello(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "p", .id = "hello") { rc_text(ctx, "hello"); }
}
static RC_COMPONENT(hello);

int main(int argc, char **argv) {
    rc_app app = {.title = "CSP", .root = &hello_component, .csp = getenv("TEST_CSP")};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    return rc_app_run(&app);
}
