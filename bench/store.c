/*
 * bench/store: one store change fanned out to many subscribed sessions
 * (docs/architecture.md, Targets: 10,000 sessions within 50 ms), and the
 * memory of a subscription.
 *
 * In process, as the server's loop does it after a handler's batch: the
 * store write is committed (every reader marked dirty), then each session
 * is flushed (its reader renders, the diff gives one set-text op) and its
 * patch message is written into a buffer ("time to last patch written"),
 * then committed. The socket writes themselves are not included: the
 * server hands each message to lws at once when the socket takes it, which
 * bench/load measures.
 *
 * Each session is a small dashboard page: a header, a settings list and a
 * component showing the fan and the temperature from two stores.
 *
 * Usage: store [runs]. "RESULT key=value" lines carry the figures for
 * bench/run.sh.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reactc_layout.h"
#include "util/buf.h"
#include "wire/model.h"
#include "timing.h"

static void put(rc_buf *b, const char *s) { rc_buf_append(b, s, strlen(s)); }

static rc_store *fan, *temp;
static bool read_stores = true;

static void fan_view(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "section", .class_ = "fan") {
        if (read_stores) {
            RC_EL(ctx, "span", .id = "fan") rc_text(ctx, rc_store_get_bool(fan) ? "on" : "off");
            RC_EL(ctx, "span", .id = "temp") rc_textf(ctx, "%.1f", rc_store_get_float(temp));
        } else {
            RC_EL(ctx, "span", .id = "fan") rc_text(ctx, "off");
            RC_EL(ctx, "span", .id = "temp") rc_text(ctx, "0.0");
        }
    }
}
static RC_COMPONENT(fan_view);

static void dashboard(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *tab = rc_use_int(ctx, "tab", 0);
    RC_EL(ctx, "main") {
        RC_EL(ctx, "h1") rc_text(ctx, "Device");
        RC_EL(ctx, "ul") {
            for (int i = 0; i < 5; i++) {
                RC_EL(ctx, "li", .class_ = rc_state_get_int(tab) == i ? "on" : NULL) {
                    rc_textf(ctx, "setting %d", i);
                }
            }
        }
        rc_child(ctx, &fan_view_component, NULL, NULL, 0);
    }
}
static RC_COMPONENT(dashboard);

static rc_layout **open_sessions(size_t n) {
    rc_layout **ls = malloc(n * sizeof *ls);
    for (size_t i = 0; i < n; i++) {
        rc_layout_opts o;
        rc_layout_opts_init(&o);
        o.log_level = RC_LOG_ERROR;
        ls[i] = rc_layout_new(&dashboard_component, NULL, 0, &o);
        rc_layout_flush(ls[i]);
        rc_layout_commit(ls[i]);
    }
    return ls;
}

static void close_sessions(rc_layout **ls, size_t n) {
    for (size_t i = 0; i < n; i++) rc_layout_free(ls[i]);
    free(ls);
}

/* One change: commit, then every dirty session flushed and its patch
 * written. Returns the microseconds to the last patch written. */
static double fan_out(rc_layout **ls, size_t n, int round, rc_buf *msg, size_t *bytes) {
    double t0 = bench_now_us();
    rc_store_set_float(temp, 20.0 + round * 0.1); /* no scope open: committed now */
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rc_layout_is_dirty(ls[i])) continue;
        const rc_patch *p = rc_layout_flush(ls[i]);
        rc_buf_reset(msg);
        put(msg, "{\"type\":\"patch\",\"ops\":[");
        for (size_t k = 0; k < p->nops; k++) {
            if (k) rc_buf_putc(msg, ',');
            rc_wire_op(msg, &p->ops[k]);
        }
        put(msg, "]}");
        total += msg->len;
        rc_layout_commit(ls[i]);
    }
    double t1 = bench_now_us();
    *bytes = total;
    return t1 - t0;
}

static void measure(size_t n, int runs) {
    rc_layout **ls = open_sessions(n);
    rc_buf msg;
    rc_buf_init(&msg);
    double *t = malloc((size_t)runs * sizeof *t);
    size_t bytes = 0;
    for (int r = 0; r < runs; r++) t[r] = fan_out(ls, n, r, &msg, &bytes);
    double med = bench_median(t, runs);
    printf("%zu sessions: one store change to the last patch written: %.2f ms median "
           "(%.2f us per session, %zu bytes of patches)\n",
           n, med / 1e3, med / (double)n, bytes);
    printf("RESULT store_fanout_%zu_ms=%.2f store_fanout_%zu_us_per_session=%.2f\n", n, med / 1e3,
           n, med / (double)n);
    free(t);
    rc_buf_free(&msg);
    close_sessions(ls, n);
}

/* Memory of a subscription: the same pages with and without the reads
 * (two stores read by one component per session). */
static void subscription_memory(size_t n) {
    read_stores = false;
    struct mallinfo2 m0 = mallinfo2();
    rc_layout **a = open_sessions(n);
    struct mallinfo2 m1 = mallinfo2();
    read_stores = true;
    rc_layout **b = open_sessions(n);
    struct mallinfo2 m2 = mallinfo2();
    double without = (double)(m1.uordblks - m0.uordblks);
    double with = (double)(m2.uordblks - m1.uordblks);
    double per_sub = (with - without) / (double)(2 * n);
    printf("memory per subscription (malloc'd, with the allocator's overhead): %.1f bytes\n",
           per_sub);
    printf("RESULT store_sub_bytes=%.1f\n", per_sub);
    close_sessions(a, n);
    close_sessions(b, n);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    if (runs < 1) runs = 1;
    fan = rc_store_new("fan", &(rc_value){.kind = RC_BOOL, .as.b = true});
    temp = rc_store_new("temp", &(rc_value){.kind = RC_FLOAT, .as.f = 20.0});
    measure(1000, runs);
    measure(10000, runs);
    subscription_memory(10000);
    rc_store_free(fan);
    rc_store_free(temp);
    return 0;
}
