/* The code of docs/guide/components-and-hooks.md: components, props, state,
 * effects, memo, refs, context, timers, the connection, errors. A complete
 * app: build/examples/guide/components --port 8000. */
#include <stdio.h>
#include <string.h>

#include <reactc.h>

/* guide:props */
typedef struct badge_props {
    const char *label; /* a string literal: props are copied bytes, so a
                          pointer must outlive the render (a literal does) */
    int64_t value;
} badge_props;

static void badge(rc_ctx *ctx, const void *props) {
    const badge_props *p = props;
    RC_EL(ctx, "span", .class_ = "badge") {
        rc_text(ctx, p->label);
        rc_textf(ctx, ": %lld", (long long)p->value);
    }
}
RC_COMPONENT(badge);
/* end guide:props */

/* guide:state */
static void add_one(rc_event *ev, void *count) {
    (void)ev;
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}

static void set_name(rc_event *ev, void *name) {
    rc_state_set_string(name, rc_event_get_value(ev)); /* what the input holds now */
}

static void clicker(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *count = rc_use_int(ctx, "count", 0);
    rc_state *name = rc_use_string(ctx, "name", "world");
    RC_EL(ctx, "section") {
        RC_EL(ctx, "h2") rc_textf(ctx, "Hello, %s", rc_state_get_string(name));
        RC_EL(ctx, "input", .id = "name", .value = rc_state_get_string(name),
              .on = RC_ON("input", set_name, name)) {}
        RC_EL(ctx, "button", .id = "add", .on = RC_ON("click", add_one, count)) rc_text(ctx, "+1");
        badge_props bp = {.label = "clicks", .value = rc_state_get_int(count)};
        RC_CHILD(ctx, &badge_component, NULL, &bp); /* props: copied, compared next render */
    }
}
RC_COMPONENT(clicker);
/* end guide:state */

/* guide:effect */
typedef struct watch_arg {
    int64_t count;
} watch_arg;

static void say_goodbye(void *data) {
    (void)data;
    fprintf(stderr, "watcher: unmounted, or about to run again\n");
}

static rc_cleanup log_count(rc_effect *e, void *arg) {
    const watch_arg *a = arg; /* the copy taken at render time */
    fprintf(stderr, "watcher: count is %lld%s\n", (long long)a->count,
            rc_effect_is_resume(e) ? " (resumed)" : "");
    return (rc_cleanup){.fn = say_goodbye, .data = NULL};
}

static void watcher(rc_ctx *ctx, const void *props) {
    const badge_props *p = props;
    /* runs after the output was sent, and again only when count changes */
    rc_use_effect(ctx, log_count, &(watch_arg){p->value}, sizeof(watch_arg), RC_DEPS(p->value));
    RC_EL(ctx, "p", .id = "watched") rc_textf(ctx, "watching %lld", (long long)p->value);
}
RC_COMPONENT(watcher);
/* end guide:effect */

/* guide:memo */
static void count_primes(void *out, void *arg) {
    int64_t below = *(const int64_t *)arg, n = 0;
    for (int64_t i = 2; i < below; i++) {
        int64_t d = 2;
        while (d * d <= i && i % d) d++;
        n += d * d > i;
    }
    *(int64_t *)out = n;
}

static void primes(rc_ctx *ctx, const void *props) {
    const badge_props *p = props;
    int64_t below = 1000 * (p->value + 1);
    /* recomputed only when `below` changes, not on every render */
    const int64_t *n = rc_use_memo(ctx, sizeof *n, count_primes, &below, RC_DEPS(below));
    RC_EL(ctx, "p", .id = "primes") {
        rc_textf(ctx, "%lld primes below %lld", (long long)*n, (long long)below);
    }
}
RC_COMPONENT(primes);
/* end guide:memo */

/* guide:ref */
typedef struct seen {
    int64_t commits; /* how many times this instance's output was sent */
} seen;

static rc_cleanup count_commit(rc_effect *e, void *arg) {
    (void)e;
    seen *s = *(seen **)arg;
    s->commits++; /* in an effect: a render may run more than once (first paint) */
    return RC_NO_CLEANUP;
}

static void commits(rc_ctx *ctx, const void *props) {
    (void)props;
    seen *s = rc_use_ref(ctx, sizeof *s); /* zeroed once, kept, not in the token */
    rc_use_effect(ctx, count_commit, &s, sizeof s, RC_EVERY_RENDER);
    RC_EL(ctx, "p", .id = "commits")
        rc_textf(ctx, "%lld commits before this one", (long long)s->commits);
}
RC_COMPONENT(commits);
/* end guide:ref */

/* guide:context */
typedef struct theme {
    const char *color;
} theme;

static const rc_context_type theme_context = {"theme", sizeof(theme), &(theme){"black"}};

static void title(rc_ctx *ctx, const void *props) {
    (void)props;
    const theme *t = rc_use_context(ctx, &theme_context); /* the nearest provider's */
    RC_EL(ctx, "h1", .style = strcmp(t->color, "red") == 0 ? "color: red" : "color: black") {
        rc_text(ctx, "Components and hooks");
    }
}
RC_COMPONENT(title);
/* end guide:context */

/* guide:timer */
static void tick(void *seconds) {
    rc_state_set_int(seconds, rc_state_get_int(seconds) + 1); /* on the session's thread */
}

static void uptime(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *seconds = rc_use_int(ctx, "seconds", 0);
    rc_state *running = rc_use_bool(ctx, "running", true);
    rc_use_interval(ctx, rc_state_get_bool(running) ? 1000 : 0, tick, seconds); /* 0: stopped */
    RC_EL(ctx, "p", .id = "uptime")
        rc_textf(ctx, "open for %llds", (long long)rc_state_get_int(seconds));
}
RC_COMPONENT(uptime);
/* end guide:timer */

/* guide:connection */
static void status(rc_ctx *ctx, const void *props) {
    (void)props;
    const rc_connection *c = rc_use_connection(ctx);
    const char *user = rc_use_user(ctx); /* NULL without a login */
    RC_EL(ctx, "p", .id = "status") {
        if (c->resumed) rc_text(ctx, "restored after a server restart");
        else if (c->connections > 1) rc_text(ctx, "reconnected");
        else rc_text(ctx, "connected");
        if (user) rc_textf(ctx, " as %s", user);
    }
}
RC_COMPONENT(status);
/* end guide:connection */

/* guide:fail */
typedef struct ratio_props {
    int64_t num, den;
} ratio_props;

static void ratio(rc_ctx *ctx, const void *props) {
    const ratio_props *p = props;
    if (p->den == 0) rc_fail(ctx, "ratio of %lld to nothing", (long long)p->num); /* no return */
    RC_ASSERT(ctx, p->num >= 0);
    RC_EL(ctx, "p", .class_ = "ratio") rc_textf(ctx, "%.2f", (double)p->num / (double)p->den);
}
RC_COMPONENT(ratio);
/* end guide:fail */

/* guide:app */
static void flip(rc_event *ev, void *flag) {
    (void)ev;
    rc_state_set_bool(flag, !rc_state_get_bool(flag));
}

static void app(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *red = rc_use_bool(ctx, "red", false);
    RC_EL(ctx, "button", .id = "theme", .on = RC_ON("click", flip, red)) rc_text(ctx, "Theme");
    RC_PROVIDE(ctx, &theme_context, &(theme){rc_state_get_bool(red) ? "red" : "black"}) {
        RC_CHILD(ctx, &title_component, NULL, &(int){0});
    }
    RC_CHILD(ctx, &clicker_component, "clicker", &(int){0});
    badge_props watched = {"watched", 0}, below = {"primes", 1};
    RC_CHILD(ctx, &watcher_component, NULL, &watched);
    RC_CHILD(ctx, &primes_component, NULL, &below);
    RC_CHILD(ctx, &commits_component, NULL, &(int){0});
    RC_CHILD(ctx, &uptime_component, NULL, &(int){0});
    RC_CHILD(ctx, &status_component, NULL, &(int){0});
    ratio_props third = {1, 3}, broken = {1, 0};
    RC_CHILD(ctx, &ratio_component, "third", &third);
    RC_CHILD(ctx, &ratio_component, "broken", &broken); /* an error in place of it */
}
RC_COMPONENT(app);

int main(int argc, char **argv) {
    rc_app a = {.title = "Components and hooks", .root = &app_component};
    if (rc_app_parse_args(&a, argc, argv) != 0) return 2;
    return rc_app_run(&a);
}
/* end guide:app */
