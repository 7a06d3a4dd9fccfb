/* The code of docs/guide/shared-state.md: stores read in renders, batches,
 * publishes from a thread, session handles for background work, an app
 * timer, persistence. A complete app: build/examples/guide/shared --port 8000
 * (SHARED_SETTINGS=FILE keeps the settings store in FILE). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <reactc.h>

static rc_store *fan_speed, *temperature, *counter, *config, *results, *settings;

/* guide:read */
static rc_store *fan; /* rc_store_new("fan", ...) in main() */

static void fan_view(rc_ctx *ctx, const void *props) {
    (void)props;
    bool on = rc_store_get_bool(fan); /* subscribed: re-renders when it changes */
    RC_EL(ctx, "span", .id = "fan") rc_text(ctx, on ? "on" : "off");
}
/* end guide:read */
RC_COMPONENT(fan_view);

static void saved(int status, void *user) {
    (void)user;
    if (status != 0) fprintf(stderr, "fan: the write was refused\n");
}

/* guide:batch */
static void toggle(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    rc_store_set_bool(fan, !rc_store_get_bool(fan)); /* staged */
    rc_store_set_int(fan_speed, 1200);               /* same batch */
    rc_store_batch_on_done(saved, NULL);             /* told when decided */
} /* committed here */
/* end guide:batch */

static void add(rc_value *v, void *n) {
    rc_value_set_int(v, rc_value_get_int(v, 0) + *(int64_t *)n);
}

static void cas_done(int status, void *user) {
    (void)user;
    fprintf(stderr, "config: %s\n", status == 0 ? "written" : "changed by someone else first");
}

static void *publisher(void *arg) {
    double reading = 21.5;
    int64_t n = 1;
    uint64_t version = *(uint64_t *)arg; /* read by main() on the loop's side */
    rc_value v = {0};
    rc_value_set_string(&v, "from the thread");
    /* guide:publish */
    rc_store_publish_float(temperature, reading);                    /* merged: last wins */
    rc_store_publish_update(counter, NULL, add, &n, sizeof n);       /* never merged */
    rc_store_publish_cas(config, NULL, version, &v, cas_done, NULL); /* compare-and-set */
    /* end guide:publish */
    rc_value_free(&v);
    return NULL;
}

/* guide:job */
typedef struct job {
    rc_session_handle session;
    rc_state *result;
    int64_t id;
} job;

static void job_done(rc_layout *layout, void *arg) { /* loop thread */
    job *j = arg;
    if (layout) rc_state_set_string(j->result, "done"); /* the session is there */
    free(j);                                            /* either way: arg is back */
}

static void *work(void *arg) { /* any thread */
    job *j = arg;
    struct timespec long_part = {1, 0};
    nanosleep(&long_part, NULL);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)j->id);
    rc_value result = {0};
    rc_value_set_string(&result, "42");
    rc_store_publish_item(results, key, &result); /* outlives the tab */
    rc_value_free(&result);
    if (rc_session_handle_post(j->session, job_done, j) < 0) free(j); /* gone */
    return NULL;
}

static void on_start(rc_event *ev, void *result) {
    job *j = malloc(sizeof *j);
    if (!j) return;
    j->session = rc_layout_get_session_handle(rc_event_get_layout(ev));
    j->result = result; /* a slot of the root component: lives as the session does */
    j->id = (int64_t)rc_event_get_seq(ev);
    pthread_t t;
    if (pthread_create(&t, NULL, work, j) != 0) free(j);
    else pthread_detach(t);
}
/* end guide:job */

static double read_sensor(void) { return 20.0 + (double)(time(NULL) % 10) / 10.0; }

/* guide:timer */
static void sample(void *arg) {
    (void)arg;
    rc_store_set_float(temperature, read_sensor());
}
/* end guide:timer */

typedef struct settings_t {
    int32_t brightness;
    int32_t pad_;
} settings_t;

static const rc_struct_type settings_type = {"settings", sizeof(settings_t), 1};

/* guide:persist */
static rc_store *open_settings(const char *path) { /* "/var/lib/mydevice/settings.store" */
    static const settings_t defaults = {.brightness = 80};
    rc_store *s = rc_store_new_struct("settings", &settings_type, &defaults);
    if (path && rc_store_persist(s, path) < 0) fprintf(stderr, "settings: not persisted\n");
    return s; /* called before rc_app_run */
}
/* end guide:persist */

static void app(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *result = rc_use_string(ctx, "result", "");
    RC_CHILD(ctx, &fan_view_component, NULL, &(int){0});
    RC_EL(ctx, "button", .id = "toggle", .on = RC_ON("click", toggle, NULL)) rc_text(ctx, "Toggle");
    RC_EL(ctx, "p", .id = "temperature") rc_textf(ctx, "%.1f °C", rc_store_get_float(temperature));
    RC_EL(ctx, "p", .id = "counter") rc_textf(ctx, "%lld", (long long)rc_store_get_int(counter));
    RC_EL(ctx, "p", .id = "config") rc_text(ctx, rc_store_get_string(config));
    const settings_t *s = rc_store_get_struct(settings);
    RC_EL(ctx, "p", .id = "brightness") rc_textf(ctx, "brightness %d", s ? s->brightness : 0);
    RC_EL(ctx, "button", .id = "start", .on = RC_ON("click", on_start, result))
        rc_text(ctx, "Start");
    RC_EL(ctx, "p", .id = "result") rc_text(ctx, rc_state_get_string(result));
}
RC_COMPONENT(app);

int main(int argc, char **argv) {
    rc_app a = {.title = "Shared state", .root = &app_component};
    if (rc_app_parse_args(&a, argc, argv) != 0) return 2;
    fan = rc_store_new("fan", &(rc_value){.kind = RC_BOOL});
    fan_speed = rc_store_new("fan_speed", &(rc_value){.kind = RC_INT});
    temperature = rc_store_new("temperature", &(rc_value){.kind = RC_FLOAT});
    counter = rc_store_new("counter", &(rc_value){.kind = RC_INT});
    rc_value text = {0};
    rc_value_set_string(&text, "initial");
    config = rc_store_new("config", &text);
    rc_value_free(&text);
    results = rc_store_new_collection("results");
    settings = open_settings(getenv("SHARED_SETTINGS"));
    uint64_t config_version = rc_store_get_version(config);
    pthread_t pub;
    pthread_create(&pub, NULL, publisher, &config_version);
    /* guide:timer-main */
    rc_timer *t = rc_app_start_timer(&a, 1000, true, sample, NULL);
    int rc = rc_app_run(&a);
    rc_timer_stop(t);
    /* end guide:timer-main */
    pthread_join(pub, NULL);
    rc_store *all[] = {fan, fan_speed, temperature, counter, config, results, settings};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) rc_store_free(all[i]);
    return rc;
}
