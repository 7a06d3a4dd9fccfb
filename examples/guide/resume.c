/* The code of docs/guide/resume-and-deploy.md: restorable and server-only
 * state, effects on resume, a struct slot with a version, the deploy
 * options in main(). A complete app: build/examples/guide/resume --port 8000
 * (add --secret-file to resume across restarts). */
#include <stdio.h>
#include <string.h>

#include <reactc.h>

/* guide:slots */
typedef struct prefs {
    int32_t page_size;
    bool dark;
    uint8_t pad_[3]; /* zeroed: struct slots compare with memcmp */
} prefs;

/* A struct slot is restored only if its type name, size and version match:
 * bump the version when the meaning of the bytes changes. */
static const rc_struct_type prefs_type = {"prefs", sizeof(prefs), 1};

static void on_type(rc_event *ev, void *draft) {
    rc_state_set_string(draft, rc_event_get_value(ev));
}

static void on_dark(rc_event *ev, void *p) {
    (void)ev;
    prefs next = *(const prefs *)rc_state_get_struct(p);
    next.dark = !next.dark;
    rc_state_set_struct(p, &next);
}

static void on_warm(rc_event *ev, void *cache) {
    (void)ev;
    rc_value v = {.kind = RC_INT, .as.i = 42}; /* say, a row count from a database */
    rc_state_set_value(cache, &v);
}

static void page(rc_ctx *ctx, const void *props) {
    (void)props;
    /* restorable: in the sealed token, back after a restart or on another worker */
    rc_state *draft = rc_use_string(ctx, "draft", "");
    rc_state *p = rc_use_struct(ctx, "prefs", &prefs_type, &(prefs){.page_size = 20});
    /* server-only: never leaves this process, even sealed; a resume
     * elsewhere starts it from its initial value */
    rc_state *cache =
        rc_use_state_ex(ctx, "cache", &(rc_value){.kind = RC_NULL}, RC_STATE_SERVER_ONLY);
    const prefs *pr = rc_state_get_struct(p);
    RC_EL(ctx, "input", .id = "draft-input", .value = rc_state_get_string(draft),
          .on = RC_ON("change", on_type, draft)) {}
    RC_EL(ctx, "button", .id = "dark", .on = RC_ON("click", on_dark, p)) rc_text(ctx, "Dark");
    RC_EL(ctx, "button", .id = "warm", .on = RC_ON("click", on_warm, cache)) rc_text(ctx, "Warm");
    RC_EL(ctx, "p", .id = "draft") rc_textf(ctx, "draft: %s", rc_state_get_string(draft));
    RC_EL(ctx, "p", .id = "prefs")
        rc_textf(ctx, "%d rows%s", pr->page_size, pr->dark ? ", dark" : "");
    RC_EL(ctx, "p", .id = "cache") {
        rc_text(ctx, rc_state_get_value(cache)->kind == RC_NULL ? "cache cold" : "cache warm");
    }
}
RC_COMPONENT(page);
/* end guide:slots */

/* guide:effects */
static rc_cleanup greet(rc_effect *e, void *arg) {
    (void)e;
    (void)arg;
    fprintf(stderr, "a new visitor\n"); /* once per session, not once per resume */
    return RC_NO_CLEANUP;
}

static rc_cleanup reopen(rc_effect *e, void *arg) {
    (void)e;
    (void)arg;
    fprintf(stderr, "a session came back from its token\n");
    return RC_NO_CLEANUP;
}

static void greeter(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_use_effect_ex(ctx, greet, NULL, 0, RC_ONCE, RC_EFFECT_SKIP_ON_RESUME);
    rc_use_effect_ex(ctx, reopen, NULL, 0, RC_ONCE, RC_EFFECT_ONLY_ON_RESUME);
    RC_EL(ctx, "p", .id = "resumed") rc_text(ctx, rc_ctx_is_resume(ctx) ? "resumed" : "fresh");
}
RC_COMPONENT(greeter);
/* end guide:effects */

static void app(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_CHILD(ctx, &page_component, NULL, &(int){0});
    RC_CHILD(ctx, &greeter_component, NULL, &(int){0});
}
RC_COMPONENT(app);

/* guide:main */
int main(int argc, char **argv) {
    rc_app a = {
        .title = "Resume",
        .root = &app_component,
        .app_id = "resume-guide", /* tokens of other apps are refused, same secret or not */
        .max_token = 16 * 1024,   /* --max-token: bigger tokens are not sent (or go to Redis) */
        .token_ttl = 8 * 3600,    /* --token-ttl: a token opens for 8 hours */
    };
    /* the command line wins: --secret-file, --workers, --redis, --tls-cert ... */
    if (rc_app_parse_args(&a, argc, argv) != 0) return 2;
    return rc_app_run(&a);
}
/* end guide:main */
