/* The code of docs/guide/svg-and-charts.md: SVG elements and attributes,
 * and a live sparkline of a sensor store. A complete app:
 * build/examples/guide/svg --port 8000. */
#include <math.h>
#include <stdio.h>

#include <reactc.h>

/* guide:icon */
static void status_icon(rc_ctx *ctx, const void *props) {
    bool ok = *(const bool *)props;
    /* <svg> puts itself and its children in the SVG namespace (the client
     * does it, as an HTML parser would); attributes keep their case */
    RC_EL(ctx, "svg", .id = "icon", .class_ = "icon") {
        rc_attr(ctx, "width", "24");
        rc_attr(ctx, "height", "24");
        rc_attr(ctx, "viewBox", "0 0 24 24");
        RC_EL(ctx, "circle") {
            rc_attr(ctx, "cx", "12");
            rc_attr(ctx, "cy", "12");
            rc_attr(ctx, "r", "10");
            rc_attr(ctx, "fill", ok ? "#2e9d5b" : "#c0392b");
        }
        RC_EL(ctx, "title") rc_text(ctx, ok ? "in range" : "out of range");
    }
}
RC_COMPONENT(status_icon);
/* end guide:icon */

/* guide:store */
#define SAMPLES 40

static rc_store *readings; /* an array of the last SAMPLES floats */

static void push_reading(rc_value *arr, void *reading) {
    if (rc_array_count(arr) == SAMPLES) rc_array_remove(arr, 0);
    rc_value_set_float(rc_array_push(arr), *(double *)reading);
}

/* An app timer (loop thread): a made-up sensor, a slow wave. */
static void sample(void *user) {
    (void)user;
    static unsigned t;
    double reading = 20.0 + 5.0 * sin(t++ / 4.0);
    rc_store_update(readings, push_reading, &reading); /* every chart re-renders */
}
/* end guide:store */

/* guide:sparkline */
static void sparkline(rc_ctx *ctx, const void *props) {
    (void)props;
    const rc_value *arr = rc_use_store(ctx, readings); /* subscribes this component */
    size_t n = rc_array_count(arr);
    double lo = 15, hi = 25; /* a fixed scale: the line moves, not the axis */
    RC_EL(ctx, "svg", .id = "chart") {
        rc_attr(ctx, "width", "320");
        rc_attr(ctx, "height", "80");
        rc_attr(ctx, "viewBox", "0 0 320 80");
        RC_EL(ctx, "rect") {
            rc_attr(ctx, "width", "320");
            rc_attr(ctx, "height", "80");
            rc_attr(ctx, "fill", "#f5f6f8");
        }
        char points[SAMPLES * 24] = "", *at = points;
        for (size_t i = 0; i < n; i++) {
            double v = rc_value_get_float(rc_array_get(arr, i), lo);
            double x = 320.0 * (double)i / (SAMPLES - 1), y = 80.0 * (hi - v) / (hi - lo);
            at += snprintf(at, sizeof points - (size_t)(at - points), "%.1f,%.1f ", x, y);
        }
        RC_EL(ctx, "polyline", .id = "line") {
            rc_attr(ctx, "points", points);
            rc_attr(ctx, "fill", "none");
            rc_attr(ctx, "stroke", "#3757c5");
            rc_attr(ctx, "stroke-width", "2");
        }
    }
    double last = n ? rc_value_get_float(rc_array_get(arr, n - 1), 0) : 0;
    bool ok = last < 24.0;
    RC_CHILD(ctx, &status_icon_component, NULL, &ok);
    RC_EL(ctx, "span", .id = "last") rc_textf(ctx, "%.1f °C", last);
}
RC_COMPONENT(sparkline);
/* end guide:sparkline */

/* guide:main */
int main(int argc, char **argv) {
    rc_app a = {.title = "SVG and charts", .root = &sparkline_component};
    if (rc_app_parse_args(&a, argc, argv) != 0) return 2;
    rc_value empty = {.kind = RC_ARRAY};
    readings = rc_store_new("readings", &empty);
    rc_timer *t = rc_app_start_timer(&a, 500, true, sample, NULL);
    int status = rc_app_run(&a);
    rc_timer_stop(t);
    rc_store_free(readings);
    return status;
}
/* end guide:main */
