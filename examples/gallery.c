/*
 * gallery: every example in one app (make demo), routed on the location:
 * /counter, /todo, /dashboard, /form and /topics/:name. The nav's links are
 * RC_LINKs: with the client a click navigates without a page load (one
 * session, one connection; a route left is unmounted, as in any router, so
 * its example starts fresh when shown again); without script they are
 * plain links. A topic page navigates from its handlers (rc_navigate,
 * rc_navigate_replace), the topic list reads a query parameter, and a path
 * no route matches shows a not-found page.
 */
#define RC_NO_MAIN
#include <stdio.h>
#include <string.h>

#include "example.h"

extern const rc_component counter_component, todo_component, dashboard_component, form_component;

static const struct {
    const char *path, *label;
} nav[] = {
    {"/counter", "Counter"}, {"/todo", "Todo"},     {"/dashboard", "Dashboard"},
    {"/form", "Form"},       {"/topics", "Topics"},
};

static const struct {
    const char *name, *path, *text;
} topics[] = {
    {"routing", "/topics/routing", "Links navigate without a page load; Back and Forward too."},
    {"resume", "/topics/resume", "A reload, a re-attach or a resume lands on the same page."},
    {"stores", "/topics/stores", "Shared state lives in stores every tab reads."},
};
#define NTOPICS (sizeof topics / sizeof *topics)

static void next_topic(rc_event *ev, void *path) { rc_navigate(ev, path); }

/* Back to the list, replacing this entry: Back then skips the topic. */
static void leave_topic(rc_event *ev, void *name) {
    char url[64];
    snprintf(url, sizeof url, "/topics?from=%s", (const char *)name);
    rc_navigate_replace(ev, url);
}

static void topic(rc_ctx *ctx, const void *props) {
    (void)props;
    const char *name = rc_use_param(ctx, "name");
    size_t i = 0;
    while (i < NTOPICS && strcmp(topics[i].name, name ? name : "") != 0) i++;
    RC_EL(ctx, "section") {
        RC_EL(ctx, "h1", .id = "topic-title") { rc_text(ctx, name ? name : ""); }
        if (i == NTOPICS) {
            RC_EL(ctx, "p", .id = "topic-text") { rc_text(ctx, "No topic of that name."); }
        } else {
            RC_EL(ctx, "p", .id = "topic-text") { rc_text(ctx, topics[i].text); }
            RC_EL(ctx, "button", .id = "next-topic",
                  .on = RC_ON("click", next_topic, (void *)topics[(i + 1) % NTOPICS].path)) {
                rc_text(ctx, "Next topic");
            }
            rc_text(ctx, " ");
            RC_EL(ctx, "button", .id = "leave-topic",
                  .on = RC_ON("click", leave_topic, (void *)topics[i].name)) {
                rc_text(ctx, "Back to the list");
            }
        }
    }
}
RC_COMPONENT(topic);

static void topic_list(rc_ctx *ctx, const void *props) {
    (void)props;
    const char *from = rc_use_query(ctx, "from");
    RC_EL(ctx, "section") {
        RC_EL(ctx, "h1") { rc_text(ctx, "Topics"); }
        if (from)
            RC_EL(ctx, "p", .id = "from") { rc_textf(ctx, "Last read: %s", from); }
        RC_EL(ctx, "ul", .id = "topics") {
            for (size_t i = 0; i < NTOPICS; i++)
                RC_EL(ctx, "li", .key = topics[i].name) {
                    RC_LINK(ctx, topics[i].path) { rc_text(ctx, topics[i].name); }
                }
        }
    }
}
RC_COMPONENT(topic_list);

static const rc_route routes[] = {
    {"/", &counter_component},           {"/counter", &counter_component},
    {"/todo", &todo_component},          {"/dashboard", &dashboard_component},
    {"/form", &form_component},          {"/topics", &topic_list_component},
    {"/topics/:name", &topic_component},
};

/* Counts the pages this session showed (shown at the bottom): a
 * navigation applied twice, or lost, shows in the count. Not on a resume's
 * first render: the page was counted in the session's first life. */
static rc_cleanup count_visit(rc_effect *e, void *arg) {
    (void)e;
    rc_state *visits = *(rc_state **)arg;
    rc_state_set_int(visits, rc_state_get_int(visits) + 1);
    return RC_NO_CLEANUP;
}

static void gallery(rc_ctx *ctx, const void *props) {
    (void)props;
    const rc_location *loc = rc_use_location(ctx);
    rc_state *visits = rc_use_int(ctx, "visits", 0);
    uint64_t where = 0; /* a hash of the location: the effect's dependency */
    for (const char *s = loc->pathname; *s; s++) where = where * 31 + (unsigned char)*s;
    for (const char *s = loc->search; *s; s++) where = where * 31 + (unsigned char)*s;
    rc_use_effect_ex(ctx, count_visit, &visits, sizeof visits, &where, sizeof where,
                     RC_EFFECT_SKIP_ON_RESUME);
    RC_EL(ctx, "nav", .class_ = "gallery") {
        for (size_t i = 0; i < sizeof nav / sizeof *nav; i++) {
            size_t n = strlen(nav[i].path);
            bool current = strncmp(loc->pathname, nav[i].path, n) == 0 &&
                           (loc->pathname[n] == '\0' || loc->pathname[n] == '/');
            RC_LINK(ctx, nav[i].path, .class_ = current ? "current" : "") {
                rc_text(ctx, nav[i].label);
            }
            rc_text(ctx, " ");
        }
    }
    RC_EL(ctx, "main") {
        if (rc_routes(ctx, routes, sizeof routes / sizeof *routes) < 0) {
            RC_EL(ctx, "h1", .id = "not-found") { rc_text(ctx, "Not found"); }
            RC_EL(ctx, "p") {
                rc_textf(ctx, "No page at %s. ", loc->pathname);
                RC_LINK(ctx, "/counter") { rc_text(ctx, "Back to the counter"); }
            }
        }
    }
    RC_EL(ctx, "p", .id = "visits") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(visits)); }
}
RC_COMPONENT(gallery);

/* Its tests (tests/unit/test_example_gallery.c) link the component alone. */
#ifndef RC_GALLERY_NO_MAIN
int main(int argc, char **argv) {
    rc_app app = {.title = "reactc gallery", .root = &gallery_component, .head = RC_EXAMPLE_HEAD};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc > 0 ? 0 : 2;
    return rc_app_run(&app);
}
#endif
