/* The code of docs/guide/routing.md: links, navigation from handlers,
 * routes with parameters. A complete app:
 * build/examples/guide/routing --port 8000. */
#include <string.h>

#include <reactc.h>

static void nav(rc_ctx *ctx, const void *props) {
    (void)props;
    const rc_location *loc = rc_use_location(ctx);
    bool current = strcmp(loc->pathname, "/todo") == 0;
    RC_EL(ctx, "nav") {
        RC_LINK(ctx, "/", .class_ = strcmp(loc->pathname, "/") == 0 ? "current" : "") {
            rc_text(ctx, "Home");
        }
        /* guide:link */
        RC_LINK(ctx, "/todo", .class_ = current ? "current" : "") { rc_text(ctx, "Todo"); }
        /* end guide:link */
    }
}
RC_COMPONENT(nav);

/* guide:navigate */
static void open_device(rc_event *ev, void *user) {
    (void)user;
    rc_navigate(ev, "/device/7?tab=log"); /* a new history entry */
}
static void close_dialog(rc_event *ev, void *user) {
    (void)user;
    rc_navigate_replace(ev, "/devices"); /* replaces this entry */
}
/* end guide:navigate */

static void home(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "h1") rc_text(ctx, "Home");
    RC_EL(ctx, "button", .id = "open", .on = RC_ON("click", open_device, NULL)) {
        rc_text(ctx, "Open device 7");
    }
}
RC_COMPONENT(home);

static void todo(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "h1") rc_text(ctx, "Todo");
}
RC_COMPONENT(todo);

static void files(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "h1") rc_textf(ctx, "Files: /%s", rc_use_param(ctx, "*"));
}
RC_COMPONENT(files);

static void devices(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "h1") rc_text(ctx, "Devices");
}
RC_COMPONENT(devices);

static void device(rc_ctx *ctx, const void *props);
RC_COMPONENT(device);

/* guide:routes */
static const rc_route routes[] = {
    {"/", &home_component},     /* exactly "/" */
    {"/todo", &todo_component}, /* a literal path */
    {"/devices", &devices_component},
    {"/device/:id", &device_component}, /* one segment, read as "id" */
    {"/files/*", &files_component},     /* the rest of the path, read as "*" */
};

static void app(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_CHILD(ctx, &nav_component, NULL, &(int){0});
    if (rc_routes(ctx, routes, sizeof routes / sizeof routes[0]) < 0)
        RC_EL(ctx, "h1") rc_text(ctx, "Not found");
}

static void device(rc_ctx *ctx, const void *props) {
    (void)props;
    const char *id = rc_use_param(ctx, "id");   /* "7" for /device/7 */
    const char *tab = rc_use_query(ctx, "tab"); /* "log" for ?tab=log, or NULL */
    RC_EL(ctx, "h1") rc_textf(ctx, "Device %s", id);
    RC_EL(ctx, "p", .id = "tab") rc_text(ctx, tab ? tab : "overview");
    RC_EL(ctx, "button", .id = "close", .on = RC_ON("click", close_dialog, NULL))
        rc_text(ctx, "Close");
}
/* end guide:routes */
RC_COMPONENT(app);

int main(int argc, char **argv) {
    rc_app a = {.title = "Routing", .root = &app_component};
    if (rc_app_parse_args(&a, argc, argv) != 0) return 2;
    return rc_app_run(&a);
}
