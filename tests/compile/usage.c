/* Every documented macro form of reactc.h, and an embedder's use of
 * reactc_layout.h, compiled (not run) as C11 by gcc and clang and as C++20
 * by g++ and clang++ with -Wall -Wextra -Wpedantic -Werror
 * (tests/compile/CMakeLists.txt). Valid in both languages: options
 * designated in declaration order, props in named variables, casts from
 * const void *. And an app's test through reactc_test.h. */
#include "reactc.h"
#include "reactc_layout.h"
#include "reactc_test.h"

typedef struct row_props {
    int n;
    const char *label;
} row_props;

static const rc_context_type theme_type = {"theme", sizeof(int), NULL};

static void on_click(rc_event *ev, void *user) {
    (void)user;
    if (rc_event_get_bound_int(ev) == 1 && rc_event_get_bound_key(ev))
        (void)rc_event_get_form_field(ev, "name");
}

static void twice(void *out, void *arg) { *(int *)out = 2 * *(const int *)arg; }

static rc_cleanup effect(rc_effect *e, void *arg) {
    (void)e;
    (void)arg;
    return RC_NO_CLEANUP;
}

static void row(rc_ctx *ctx, const void *props) {
    const row_props *p = (const row_props *)props;
    RC_ASSERT(ctx, p->n >= 0);
    RC_EL(ctx, "li") rc_textf(ctx, "%d %s", p->n, p->label);
}
static RC_COMPONENT(row);

static void root(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *count = rc_use_int(ctx, "count", 0);
    int arg = 21;
    const int *memo =
        (const int *)rc_use_memo(ctx, sizeof(int), twice, &arg,
                                 RC_DEPS(rc_state_get_int(count), rc_state_get_version(count)));
    (void)rc_use_memo(ctx, sizeof(int), twice, &arg, RC_ONCE);
    (void)rc_use_memo(ctx, sizeof(int), twice, &arg, RC_EVERY_RENDER);
    rc_on cb =
        rc_use_callback(ctx, RC_ON("click", on_click, count), RC_DEPS(rc_state_get_int(count)));
    rc_use_effect(ctx, effect, &arg, sizeof arg, RC_DEPS(*memo));
    int theme = 1;

    RC_EL(ctx, "main") {
        RC_EL(ctx, "h1") rc_text(ctx, "title");
        RC_EL(ctx, "div", .class_ = "box") rc_text(ctx, "boxed");
        RC_EL(ctx, "div", .key = "k", .id = "i", .class_ = "c", .style = "s") {}
        RC_EL(ctx, "input", .type = "text", .value = "v") {}
        RC_EL(ctx, "a", .href = "/", .on = RC_ON("click", on_click, NULL)) {}
        RC_LINK(ctx, "/todo") rc_text(ctx, "todo");
        RC_LINK(ctx, "/x", .class_ = "nav", .on = RC_ON("click", on_click, NULL)) {}
        const char *param = rc_use_param(ctx, "id");
        const char *query = rc_use_query(ctx, "q");
        if (param && query) rc_text(ctx, param);
        static const rc_route routes[] = {{"/row/:id", &row_component}};
        if (rc_routes(ctx, routes, 1) < 0) rc_text(ctx, "not found");
        RC_EL(ctx, "button", .on = cb) {
            rc_on_event(ctx, RC_ON("dblclick", on_click, NULL));
            rc_text(ctx, "+");
        }
        /* Handlers with options and bound values (docs/guide/forms-and-validation.md). */
        RC_EL(ctx, "form", .on = RC_ON_SUBMIT(on_click, NULL)) {
            RC_EL(ctx, "a", .on = RC_ON_OPTS("click", on_click, NULL, RC_STOP_PROPAGATION)) {}
            RC_EL(ctx, "button", .on = RC_ON_INT("click", on_click, NULL, 42)) {}
            RC_EL(ctx, "button", .on = RC_ON_KEY("click", on_click, NULL, "row-1")) {}
            rc_on_event(ctx, rc_on_set_flags(RC_ON_INT("keydown", on_click, NULL, -1),
                                             RC_PREVENT_DEFAULT | RC_STOP_PROPAGATION));
            rc_on_event(ctx, rc_on_bind_key(cb, "k"));
        }
        RC_PROVIDE(ctx, &theme_type, &theme) {
            row_props p = {1, "one"};
            RC_CHILD(ctx, &row_component, "one", &p);
            RC_CHILD_INT(ctx, &row_component, 2, &p);
            RC_EL(ctx, "ul")
                RC_EL(ctx, "li", .key = "nested") {}
            /* Integer keys (RC_KEY_INT first, for C++'s designated order). */
            RC_EL(ctx, "ol") {
                for (int i = 0; i < 3; i++)
                    RC_EL(ctx, "li", RC_KEY_INT(i), .class_ = "row") {}
            }
        }
    }
}
RC_COMPONENT(root);

/* Uses root_component (a const has internal linkage in C++). */
const rc_component *usage_root(void);
const rc_component *usage_root(void) { return &root_component; }

/* An embedder: mount, flush, read the ops and the nodes, dispatch, commit. */
size_t usage_embed(void);
size_t usage_embed(void) {
    rc_layout_opts opts;
    rc_layout_opts_init(&opts);
    opts.log_level = RC_LOG_ERROR;
    rc_layout *l = rc_layout_new(&root_component, NULL, 0, &opts);
    const rc_patch *p = rc_layout_flush(l);
    size_t n = p->nops;
    for (size_t i = 0; i < rc_layout_count_roots(l); i++) {
        const rc_node *node = rc_layout_get_root(l, i);
        if (rc_node_get_kind(node) == RC_NODE_ELEMENT && rc_node_count_handlers(node))
            n += rc_layout_dispatch(l, rc_handler_get_id(rc_node_get_handler(node, 0)), NULL, 1) ==
                 0;
        n += rc_node_count_children(node);
    }
    rc_layout_commit(l);
    n += rc_layout_navigate(l, "/todo?x=1", true) == 0;
    n += rc_layout_take_navigation(l) == RC_NAVIGATION_REPLACE;
    n += rc_layout_get_location(l)->pathname[0] == '/';
    char id[16];
    n += rc_match_route("/device/:id", "/device/7", "id", id, sizeof id) == 0;
    rc_layout_free(l);
    return n;
}

/* An app's test: mount, query, fire, the clock, the session's life. */
size_t usage_test(void);
size_t usage_test(void) {
    rc_test *t = rc_test_new(&root_component, NULL, 0);
    size_t n = rc_test_count(t, "#list li.done span[data-x=y]");
    rc_node *b = rc_test_find(t, "button");
    n += rc_test_click(t, b) == 0;
    n += rc_test_input(t, rc_test_find_nth(t, "input", 0), "x") == 0;
    n += rc_test_check(t, rc_test_find_text(t, "Agree"), true) == 0;
    n += rc_test_submit(t, b, "name", "value", (const char *)NULL) == 0;
    n += rc_test_fire(t, b, "onKeyDown", NULL) == 0;
    n += rc_test_navigate(t, "/x?y=1") == 0;
    rc_test_advance(t, 1000);
    rc_test_flush(t);
    n += rc_test_get_time(t) == 1000;
    rc_test_disconnect(t);
    rc_test_reattach(t);
    n += rc_test_resume(t) == 0;
    n += rc_test_get_token_size(t) > 0;
    const char *s = rc_test_get_text_of(t, "#count");
    n += s && rc_test_get_text(t, b)[0] && rc_test_get_attr(b, "id") && rc_test_get_location(t) &&
         rc_test_get_error(t) && rc_test_get_layout(t);
    rc_test_free(t);
    return n;
}
