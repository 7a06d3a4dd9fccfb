/*
 * dashboard: what an embedded device shows, as a device would: the fan,
 * the settings and the temperature belong to the device, so they are
 * stores every tab sees (a change in one tab shows in all of them); the
 * fan and the settings are persisted to files (they survive a reboot); a
 * sensor thread publishes the temperature. What belongs to one tab stays a
 * state slot of that tab's session: the uptime it shows and its details
 * panel (open or not, a half-typed note), which resume from its token.
 *
 *   dashboard [--state DIR] [reactc options]
 *
 * DIR (default: the working directory) holds dashboard-fan.store and
 * dashboard-settings.store. The gallery (RC_NO_MAIN) keeps them in memory.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "example.h"

/* ---- the device: its stores ---------------------------------------------- */

typedef struct settings {
    char name[64];
    int32_t sample_ms; /* the sensor's period */
    char unit;         /* 'C' or 'F' */
    bool alerts;
} settings;

/* Version 2: the fan moved out into a store of its own. A file of another
 * version is reported and ignored (the defaults apply). */
static const rc_struct_type settings_type = {"dashboard.settings", sizeof(settings), 2};

static rc_store *fan, *config, *temperature;
/* This process's own (local even with --redis): whether its link to Redis
 * is up (rc_app.on_redis_health) and whether its last fan change was
 * refused, so a tab can say "offline" while pages keep their last values
 * (docs/guide/shared-state.md, "Across processes (Redis)"). */
static rc_store *link_up, *refused;
/* The sensor thread's period, copied from the settings on the loop thread
 * (the thread must not read a store). */
static _Atomic int32_t sensor_ms = 100;
static pthread_once_t sensor_once = PTHREAD_ONCE_INIT;

static void *sensor_thread(void *arg) {
    (void)arg;
    for (unsigned tick = 0;; tick++) {
        /* A slow wave plus a little deterministic jitter, rounded to 0.1. */
        double t = tick / 10.0;
        double c = round((21.5 + 2.0 * sin(t / 6.0) + 0.3 * sin(t * 1.7)) * 10.0) / 10.0;
        /* Merged with a reading not applied yet: one render per loop turn. */
        rc_store_publish_float(temperature, c);
        int32_t ms = atomic_load(&sensor_ms);
        nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000L}, NULL);
    }
    return NULL;
}

static void start_sensor(void) {
    pthread_t th;
    if (pthread_create(&th, NULL, sensor_thread, NULL) == 0) pthread_detach(th);
}

/* Creates the stores once (main, or the first render in the gallery),
 * persisted under dir when it is not NULL, and starts the sensor. They
 * live as long as the process: the sensor thread publishes until exit. */
static void device_open(const char *dir) {
    if (fan) return;
    settings initial;
    memset(&initial, 0, sizeof initial);
    snprintf(initial.name, sizeof initial.name, "greenhouse-1");
    initial.sample_ms = 100;
    initial.unit = 'C';
    fan = rc_store_new("fan", &(rc_value){.kind = RC_BOOL, .as.b = false});
    config = rc_store_new_struct("settings", &settings_type, &initial);
    temperature = rc_store_new("temperature", &(rc_value){.kind = RC_FLOAT, .as.f = 21.5});
    link_up = rc_store_new("link-up", &(rc_value){.kind = RC_BOOL, .as.b = true});
    refused = rc_store_new("fan-refused", &(rc_value){.kind = RC_BOOL, .as.b = false});
    rc_store_set_local(link_up, true);
    rc_store_set_local(refused, true);
    if (dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/dashboard-fan.store", dir);
        rc_store_persist(fan, path);
        snprintf(path, sizeof path, "%s/dashboard-settings.store", dir);
        rc_store_persist(config, path);
    }
    atomic_store(&sensor_ms, ((const settings *)rc_store_get_struct(config))->sample_ms);
    pthread_once(&sensor_once, start_sensor);
}

/* ---- handlers: device writes go to the stores ---------------------------- */

static settings current_settings(void) { return *(const settings *)rc_store_get_struct(config); }

static void set_name(rc_event *ev, void *user) {
    (void)user;
    settings s = current_settings();
    snprintf(s.name, sizeof s.name, "%s", rc_event_get_value(ev));
    rc_store_set_struct(config, &s);
}

static void set_rate(rc_event *ev, void *user) {
    (void)user;
    settings s = current_settings();
    long v = strtol(rc_event_get_value(ev), NULL, 10);
    s.sample_ms = (int32_t)(v < 10 ? 10 : v > 60000 ? 60000 : v);
    rc_store_set_struct(config, &s);
    atomic_store(&sensor_ms, s.sample_ms);
}

static void set_unit(rc_event *ev, void *user) {
    (void)user;
    settings s = current_settings();
    s.unit = strcmp(rc_event_get_value(ev), "F") == 0 ? 'F' : 'C';
    rc_store_set_struct(config, &s);
}

static void set_alerts(rc_event *ev, void *user) {
    (void)user;
    settings s = current_settings();
    s.alerts = rc_value_get_bool(rc_event_get_field(ev, "checked"), !s.alerts);
    rc_store_set_struct(config, &s);
}

/* A toggle, not a set: applied twice it would undo itself, which is what
 * the exactly-once marks prevent across a replay. */
static void fan_decided(int status, void *user) {
    (void)user;
    rc_store_set_bool(refused, status != 0);
}

static void toggle_fan(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    rc_store_set_bool(fan, !rc_store_get_bool(fan));
    rc_store_batch_on_done(fan_decided, NULL);
}

#ifndef RC_NO_MAIN
/* Loop thread: a local store's write commits at once. */
static void redis_health(rc_app *app, bool up, const char *why) {
    (void)app;
    (void)why;
    rc_store_set_bool(link_up, up);
}
#endif

/* ---- this tab's own: uptime, the details panel --------------------------- */

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

static void toggle_details(rc_event *ev, void *open) {
    (void)ev;
    rc_state_set_bool(open, !rc_state_get_bool(open));
}

static void set_note(rc_event *ev, void *note) {
    rc_state_set_string(note, rc_event_get_value(ev));
}

static void details(rc_ctx *ctx) {
    rc_state *open = rc_use_bool(ctx, "details", false);
    rc_state *note = rc_use_string(ctx, "note", "");
    bool shown = rc_state_get_bool(open);
    RC_EL(ctx, "button", .id = "details", .on = RC_ON("click", toggle_details, open)) {
        rc_attr(ctx, "aria-expanded", shown ? "true" : "false");
        rc_text(ctx, shown ? "Hide details" : "Show details");
    }
    if (!shown) return;
    RC_EL(ctx, "div", .id = "details-panel") {
        RC_EL(ctx, "p") { rc_text(ctx, "This panel and its note belong to this tab."); }
        RC_EL(ctx, "label") {
            rc_text(ctx, "Note (this tab only) ");
            RC_EL(ctx, "input", .id = "note", .type = "text", .value = rc_state_get_string(note),
                  .on = RC_ON("change", set_note, note)) {}
        }
    }
}

static void settings_form(rc_ctx *ctx, const settings *s) {
    RC_EL(ctx, "form", .id = "settings", .class_ = "settings") {
        RC_EL(ctx, "label") {
            rc_text(ctx, "Name ");
            RC_EL(ctx, "input", .id = "name", .type = "text", .value = s->name,
                  .on = RC_ON("change", set_name, NULL)) {}
        }
        RC_EL(ctx, "label") {
            rc_text(ctx, "Sample every (ms) ");
            RC_EL(ctx, "input", .id = "rate", .type = "number",
                  .on = RC_ON("change", set_rate, NULL)) {
                rc_attrf(ctx, "value", "%d", (int)s->sample_ms);
                rc_attr(ctx, "min", "10");
            }
        }
        RC_EL(ctx, "label") {
            rc_text(ctx, "Unit ");
            RC_EL(ctx, "select", .id = "unit", .value = s->unit == 'F' ? "F" : "C",
                  .on = RC_ON("change", set_unit, NULL)) {
                RC_EL(ctx, "option", .value = "C") { rc_text(ctx, "Celsius"); }
                RC_EL(ctx, "option", .value = "F") { rc_text(ctx, "Fahrenheit"); }
            }
        }
        RC_EL(ctx, "label") {
            RC_EL(ctx, "input", .id = "alerts", .type = "checkbox",
                  .on = RC_ON("change", set_alerts, NULL)) {
                rc_attr_bool(ctx, "checked", s->alerts);
            }
            rc_text(ctx, " Alert above 23 \xc2\xb0"
                         "C");
        }
    }
}

static void dashboard(rc_ctx *ctx, const void *props) {
    (void)props;
    device_open(NULL); /* the gallery: in memory */
    rc_state *uptime = rc_use_int(ctx, "uptime", 0);
    if (process_start == 0) process_start = now_s();
    rc_use_interval(ctx, 1000, tick, uptime);
    /* Reading the stores subscribes this component to them. */
    const settings *s = rc_store_get_struct(config);
    bool on = rc_store_get_bool(fan);
    double c = rc_store_get_float(temperature);
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
            RC_EL(ctx, "dd", .id = "fan-state") { rc_text(ctx, on ? "on" : "off"); }
        }
        RC_EL(ctx, "button", .id = "fan", .on = RC_ON("click", toggle_fan, NULL)) {
            rc_attr(ctx, "aria-pressed", on ? "true" : "false");
            rc_text(ctx, on ? "Turn fan off" : "Turn fan on");
        }
        if (!rc_store_get_bool(link_up)) {
            RC_EL(ctx, "span", .id = "offline", .class_ = "badge") { rc_text(ctx, "offline"); }
        }
        if (rc_store_get_bool(refused)) {
            RC_EL(ctx, "p", .id = "fan-refused", .class_ = "alert") {
                rc_text(ctx, "The last fan change was not saved (offline).");
            }
        }
        settings_form(ctx, s);
        details(ctx);
    }
}
RC_COMPONENT(dashboard);

#ifndef RC_NO_MAIN
/* --state DIR is the dashboard's own: taken out before reactc's options
 * are parsed. */
int main(int argc, char **argv) {
    const char *dir = ".";
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
            dir = argv[++i];
            continue;
        }
        argv[n++] = argv[i];
    }
    argv[n] = NULL;
    /* A dashboard is watched, not touched (a wall display): it never sleeps. */
    rc_app app = {.root = &dashboard_component,
                  .head = RC_EXAMPLE_HEAD,
                  .title = "Dashboard",
                  .client = {.idle_s = UINT32_MAX},
                  .on_redis_health = redis_health};
    int rc = rc_app_parse_args(&app, n, argv);
    for (int i = 1; rc > 0 && i < n; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            printf("  --state DIR      the directory of the fan's and the settings' files "
                   "(default: the working directory)\n");
    if (rc) return rc > 0 ? 0 : 2;
    device_open(dir);
    return rc_app_run(&app);
}
#endif
