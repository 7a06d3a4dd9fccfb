/*
 * dashboard: what an embedded device shows. Live values pushed from the
 * server (uptime from a timer hook; a temperature from a sensor thread
 * through rc_app_post), a settings form kept in one C struct slot, and a
 * toggle. Every value survives a reconnect; the settings struct is what a
 * device would persist.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "example.h"

/* ---- the simulated sensor: a thread, posting into the loop -------------- */

#define MAX_SUBSCRIBERS 1024

/* A session's subscription: where its readings go, and its settings (for
 * the sample interval). Loop thread only. */
typedef struct subscriber {
    rc_state *temp;
    rc_state *cfg;
    double last; /* when it last took a reading */
} subscriber;

static subscriber subscribers[MAX_SUBSCRIBERS];
static size_t nsubscribers;

static double now_s(void);
static int32_t sample_ms_of(const rc_state *cfg);
static pthread_once_t sensor_once = PTHREAD_ONCE_INIT;
static rc_app *sensor_app;

typedef struct reading {
    double celsius;
} reading;

/* Runs on the loop thread: hand the reading to every subscribed session
 * whose sample interval has passed. */
static void deliver(void *arg) {
    reading *r = arg;
    double now = now_s();
    for (size_t i = 0; i < nsubscribers; i++) {
        subscriber *sub = &subscribers[i];
        if ((now - sub->last) * 1000.0 + 1.0 < sample_ms_of(sub->cfg)) continue;
        sub->last = now;
        rc_state_set_float(sub->temp, r->celsius);
    }
    free(r);
}

static void *sensor_thread(void *arg) {
    (void)arg;
    for (unsigned tick = 0;; tick++) {
        reading *r = malloc(sizeof *r);
        if (!r) break;
        /* A slow wave plus a little deterministic jitter, rounded to 0.1. */
        double t = tick / 10.0;
        r->celsius = round((21.5 + 2.0 * sin(t / 6.0) + 0.3 * sin(t * 1.7)) * 10.0) / 10.0;
        if (rc_app_post(sensor_app, deliver, r) < 0) { /* the app stopped */
            free(r);
            break;
        }
        nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL); /* every 100 ms */
    }
    return NULL;
}

static void start_sensor(void) {
    pthread_t th;
    if (pthread_create(&th, NULL, sensor_thread, NULL) == 0) pthread_detach(th);
}

static void unsubscribe(void *temp) {
    for (size_t i = 0; i < nsubscribers; i++)
        if (subscribers[i].temp == temp) {
            subscribers[i] = subscribers[--nsubscribers];
            break;
        }
}

typedef struct subscribe_arg {
    rc_state *temp, *cfg;
} subscribe_arg;

/* Effect: subscribe this session's temperature slot; cleanup unsubscribes. */
static rc_cleanup subscribe(rc_effect *e, void *arg) {
    const subscribe_arg *a = arg;
    rc_app *app = rc_layout_get_app(rc_effect_get_layout(e));
    if (!app || nsubscribers == MAX_SUBSCRIBERS) return RC_NO_CLEANUP;
    sensor_app = app;
    pthread_once(&sensor_once, start_sensor);
    subscribers[nsubscribers++] = (subscriber){a->temp, a->cfg, 0};
    return (rc_cleanup){unsubscribe, a->temp};
}

/* ---- uptime, from a timer hook ------------------------------------------ */

static double process_start;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tick(void *uptime) {
    if (process_start == 0) process_start = now_s();
    rc_state_set_int(uptime, (int64_t)(now_s() - process_start));
}

/* ---- settings: one struct slot ------------------------------------------- */

typedef struct settings {
    char name[64];
    int32_t sample_ms;
    char unit; /* 'C' or 'F' */
    bool alerts;
    bool fan;
} settings;

static const rc_struct_type settings_type = {"dashboard.settings", sizeof(settings), 1};

static int32_t sample_ms_of(const rc_state *cfg) {
    return ((const settings *)rc_state_get_struct(cfg))->sample_ms;
}

static void set_name(rc_event *ev, void *state) {
    settings s = *(const settings *)rc_state_get_struct(state);
    snprintf(s.name, sizeof s.name, "%s", rc_event_get_value(ev));
    rc_state_set_struct(state, &s);
}

static void set_rate(rc_event *ev, void *state) {
    settings s = *(const settings *)rc_state_get_struct(state);
    long v = strtol(rc_event_get_value(ev), NULL, 10);
    s.sample_ms = (int32_t)(v < 10 ? 10 : v > 60000 ? 60000 : v);
    rc_state_set_struct(state, &s);
}

static void set_unit(rc_event *ev, void *state) {
    settings s = *(const settings *)rc_state_get_struct(state);
    s.unit = strcmp(rc_event_get_value(ev), "F") == 0 ? 'F' : 'C';
    rc_state_set_struct(state, &s);
}

static void set_alerts(rc_event *ev, void *state) {
    settings s = *(const settings *)rc_state_get_struct(state);
    s.alerts = rc_value_get_bool(rc_event_get_field(ev, "checked"), !s.alerts);
    rc_state_set_struct(state, &s);
}

static void toggle_fan(rc_event *ev, void *state) {
    (void)ev;
    settings s = *(const settings *)rc_state_get_struct(state);
    s.fan = !s.fan;
    rc_state_set_struct(state, &s);
}

static void dashboard(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *uptime = rc_use_int(ctx, "uptime", 0);
    rc_state *temp = rc_use_float(ctx, "temperature", 21.5);
    settings initial;
    memset(&initial, 0, sizeof initial);
    snprintf(initial.name, sizeof initial.name, "greenhouse-1");
    initial.sample_ms = 100;
    initial.unit = 'C';
    rc_state *cfg = rc_use_struct(ctx, "settings", &settings_type, &initial);
    const settings *s = rc_state_get_struct(cfg);

    if (process_start == 0) process_start = now_s();
    rc_use_interval(ctx, 1000, tick, uptime);
    subscribe_arg sub = {temp, cfg};
    rc_use_effect(ctx, subscribe, &sub, sizeof sub, RC_ONCE);

    double c = rc_state_get_float(temp);
    double shown = s->unit == 'F' ? c * 9.0 / 5.0 + 32.0 : c;
    bool hot = c > 23.0;

    RC_EL(ctx, "section", .class_ = "dashboard") {
        RC_EL(ctx, "h1") { rc_textf(ctx, "Device %s", s->name); }
        RC_EL(ctx, "dl", .class_ = "readings") {
            RC_EL(ctx, "dt") { rc_text(ctx, "Uptime (s)"); }
            RC_EL(ctx, "dd", .id = "uptime") {
                rc_textf(ctx, "%lld", (long long)rc_state_get_int(uptime));
            }
            RC_EL(ctx, "dt") { rc_text(ctx, "Temperature"); }
            RC_EL(ctx, "dd", .id = "temperature", .class_ = hot && s->alerts ? "alert" : "") {
                rc_textf(ctx, "%.1f \xc2\xb0%c", shown, s->unit);
            }
            RC_EL(ctx, "dt") { rc_text(ctx, "Fan"); }
            RC_EL(ctx, "dd", .id = "fan-state") { rc_text(ctx, s->fan ? "on" : "off"); }
        }
        RC_EL(ctx, "button", .id = "fan", .on = RC_ON("click", toggle_fan, cfg)) {
            rc_attr(ctx, "aria-pressed", s->fan ? "true" : "false");
            rc_text(ctx, s->fan ? "Turn fan off" : "Turn fan on");
        }
        RC_EL(ctx, "form", .id = "settings", .class_ = "settings") {
            RC_EL(ctx, "label") {
                rc_text(ctx, "Name ");
                RC_EL(ctx, "input", .id = "name", .type = "text", .value = s->name,
                      .on = RC_ON("change", set_name, cfg)) {}
            }
            RC_EL(ctx, "label") {
                rc_text(ctx, "Show a reading every (ms) ");
                RC_EL(ctx, "input", .id = "rate", .type = "number",
                      .on = RC_ON("change", set_rate, cfg)) {
                    rc_attrf(ctx, "value", "%d", (int)s->sample_ms);
                    rc_attr(ctx, "min", "10");
                }
            }
            RC_EL(ctx, "label") {
                rc_text(ctx, "Unit ");
                RC_EL(ctx, "select", .id = "unit", .value = s->unit == 'F' ? "F" : "C",
                      .on = RC_ON("change", set_unit, cfg)) {
                    RC_EL(ctx, "option", .value = "C") { rc_text(ctx, "Celsius"); }
                    RC_EL(ctx, "option", .value = "F") { rc_text(ctx, "Fahrenheit"); }
                }
            }
            RC_EL(ctx, "label") {
                RC_EL(ctx, "input", .id = "alerts", .type = "checkbox",
                      .on = RC_ON("change", set_alerts, cfg)) {
                    rc_attr_bool(ctx, "checked", s->alerts);
                }
                rc_text(ctx, " Alert above 23 \xc2\xb0"
                             "C");
            }
        }
    }
}
RC_COMPONENT(dashboard);

/* A dashboard is watched, not touched (a wall display): it never sleeps. */
RC_EXAMPLE_MAIN(dashboard_component, "Dashboard", .client = {.idle_s = UINT32_MAX})
