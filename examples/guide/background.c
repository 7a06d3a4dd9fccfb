/* The code of docs/guide/background-work.md: session timers, a thread that
 * publishes to a store, rc_app_post, effects with cleanups, and what a
 * resume keeps. A complete app: build/examples/guide/background --port 8000. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include <reactc.h>

/* guide:timers */
static void tick(void *seconds) { rc_state_set_int(seconds, rc_state_get_int(seconds) + 1); }

static void hide(void *shown) { rc_state_set_bool(shown, false); }

static void timers(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *seconds = rc_use_int(ctx, "seconds", 0);
    rc_state *shown = rc_use_bool(ctx, "welcome", true);
    rc_use_interval(ctx, 1000, tick, seconds); /* every second */
    rc_use_timeout(ctx, rc_state_get_bool(shown) ? 5000 : 0, hide,
                   shown); /* once, 5 s after mount */
    if (rc_state_get_bool(shown))
        RC_EL(ctx, "p", .id = "welcome") rc_text(ctx, "Welcome!");
    RC_EL(ctx, "p", .id = "seconds")
        rc_textf(ctx, "%lld s on this page", (long long)rc_state_get_int(seconds));
}
RC_COMPONENT(timers);
/* end guide:timers */

/* guide:thread */
static rc_store *temperature; /* a float, published by the sensor thread */
static atomic_bool stopping;

static void *sensor_thread(void *arg) {
    (void)arg;
    struct timespec step = {0, 250 * 1000 * 1000};
    for (unsigned t = 0; !atomic_load(&stopping); t++) {
        double reading = 20.0 + (double)(t % 40) / 10.0; /* a made-up sensor */
        /* from any thread: queued for the loop, merged if the loop is
         * behind (the last reading wins), then every reader re-renders */
        rc_store_publish_float(temperature, reading);
        nanosleep(&step, NULL);
    }
    return NULL;
}

static void reading(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "p", .id = "temperature") rc_textf(ctx, "%.1f °C", rc_store_get_float(temperature));
}
RC_COMPONENT(reading);
/* end guide:thread */

/* guide:post */
static rc_store *alarms; /* an int: how many alarms the loop has seen */

static void count_alarm(void *arg) {
    (void)arg;
    rc_store_add_int(alarms, 1); /* on the loop thread, in a write scope */
}

static void *alarm_thread(void *app) {
    struct timespec step = {3, 0};
    while (!atomic_load(&stopping)) {
        nanosleep(&step, NULL);
        if (rc_app_post(app, count_alarm, NULL) < 0) break; /* the app stopped */
    }
    return NULL;
}
/* end guide:post */

/* guide:effect */
typedef struct subscription {
    int64_t started; /* alarms when this instance subscribed */
} subscription;

static void unsubscribe(void *data) {
    fprintf(stderr, "alarms: unsubscribed (started at %lld)\n", (long long)*(int64_t *)data);
}

static rc_cleanup subscribe(rc_effect *e, void *arg) {
    subscription *s = arg; /* this run's copy: lives until the cleanup has run */
    fprintf(stderr, "alarms: subscribed%s\n",
            rc_effect_is_resume(e) ? " again, after a resume" : "");
    return (rc_cleanup){.fn = unsubscribe, .data = &s->started};
}

static void alarm_panel(rc_ctx *ctx, const void *props) {
    (void)props;
    int64_t n = rc_store_get_int(alarms);
    subscription s = {n};
    rc_use_effect(ctx, subscribe, &s, sizeof s, RC_ONCE); /* mount; cleanup on unmount */
    RC_EL(ctx, "p", .id = "alarms") rc_textf(ctx, "%lld alarms", (long long)n);
}
RC_COMPONENT(alarm_panel);
/* end guide:effect */

/* guide:app */
static void app(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_CHILD(ctx, &timers_component, NULL, &(int){0});
    RC_CHILD(ctx, &reading_component, NULL, &(int){0});
    RC_CHILD(ctx, &alarm_panel_component, NULL, &(int){0});
}
RC_COMPONENT(app);

int main(int argc, char **argv) {
    rc_app a = {.title = "Background work", .root = &app_component};
    if (rc_app_parse_args(&a, argc, argv) != 0) return 2;
    temperature = rc_store_new("temperature", &(rc_value){.kind = RC_FLOAT});
    alarms = rc_store_new("alarms", &(rc_value){.kind = RC_INT});
    pthread_t sensor, alarm;
    pthread_create(&sensor, NULL, sensor_thread, NULL);
    pthread_create(&alarm, NULL, alarm_thread, &a);
    int status = rc_app_run(&a);
    atomic_store(&stopping, true);
    pthread_join(sensor, NULL);
    pthread_join(alarm, NULL);
    rc_store_free(alarms);
    rc_store_free(temperature);
    return status;
}
/* end guide:app */
