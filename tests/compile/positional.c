/* Negative test: a bare string after the tag of RC_EL must not compile (it
 * would silently become the key). tests/compile/expect-error.sh compiles this
 * file twice: with -DRC_EXPECT_OK (the same call, designated) it must compile;
 * without, it must fail on the positional string (no pointer converts to the
 * double rc_el_opts.rc_reserved_ it lands in). No warning flags are needed. */
#include "reactc.h"

void positional(rc_ctx *ctx);
void positional(rc_ctx *ctx) {
#ifdef RC_EXPECT_OK
    RC_EL(ctx, "div", .key = "x") {}
#else
    RC_EL(ctx, "div", "x") {}
#endif
}
