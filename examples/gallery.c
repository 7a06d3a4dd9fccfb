/*
 * gallery: every example in one app (make demo), routed on the location:
 * /counter, /todo, /dashboard. Links are plain anchors (a page load each);
 * the state of each example lives in its own session.
 */
#define RC_NO_MAIN
#include <string.h>

#include "example.h"

extern const rc_component counter_component, todo_component, dashboard_component;

static const struct {
    const char *path, *label;
    const rc_component *component;
} pages[] = {
    {"/counter", "Counter", &counter_component},
    {"/todo", "Todo", &todo_component},
    {"/dashboard", "Dashboard", &dashboard_component},
};

static void gallery(rc_ctx *ctx, const void *props) {
    (void)props;
    const rc_location *loc = rc_use_location(ctx);
    size_t current = 0;
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++)
        if (strcmp(loc->pathname, pages[i].path) == 0) current = i;
    RC_EL(ctx, "nav", .class_ = "gallery") {
        for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
            RC_EL(ctx, "a", .href = pages[i].path, .class_ = i == current ? "current" : "") {
                rc_text(ctx, pages[i].label);
            }
            rc_text(ctx, " ");
        }
    }
    RC_EL(ctx, "main") { rc_child(ctx, pages[current].component, pages[current].path, NULL, 0); }
}
RC_COMPONENT(gallery);

int main(int argc, char **argv) {
    rc_app app = {.title = "reactc gallery", .root = &gallery_component, .head = RC_EXAMPLE_HEAD};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc > 0 ? 0 : 2;
    return rc_app_run(&app);
}
