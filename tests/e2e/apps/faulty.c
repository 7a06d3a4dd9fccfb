/*
 * A test app with a component that fails on demand: a button sets "broken",
 * and the child asserts it is not. The rest of the page (a counter) keeps
 * working. tests/e2e/errors.test.mjs reads what the page is told. On
 * /broken the part fails from its first render (tests/e2e/ssr.test.mjs:
 * the server-rendered page shows its error element).
 */
#include <reactc.h>
#include <string.h>

static void toggle(rc_event *ev, void *broken) {
    (void)ev;
    rc_state_set_bool(broken, !rc_state_get_bool(broken));
}

static void increment(rc_event *ev, void *count) {
    (void)ev;
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}

typedef struct part_props {
    bool broken;
} part_props;

static void part(rc_ctx *ctx, const void *props) {
    const part_props *p = props;
    RC_ASSERT(ctx, !p->broken);
    RC_EL(ctx, "p", .id = "part") { rc_text(ctx, "working"); }
}
static RC_COMPONENT(part);

static void faulty(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *broken = rc_use_bool(ctx, "broken", false);
    rc_state *count = rc_use_int(ctx, "count", 0);
    bool broken_here = strcmp(rc_use_location(ctx)->pathname, "/broken") == 0;
    RC_EL(ctx, "main") {
        RC_EL(ctx, "button", .id = "break", .on = RC_ON("click", toggle, broken)) {
            rc_text(ctx, "break");
        }
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", increment, count)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(count));
        }
        RC_CHILD(ctx, &part_component, "part",
                 &(part_props){rc_state_get_bool(broken) || broken_here});
    }
}
static RC_COMPONENT(faulty);

int main(int argc, char **argv) {
    rc_app app = {.title = "Faulty", .root = &faulty_component};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    return rc_app_run(&app);
}
