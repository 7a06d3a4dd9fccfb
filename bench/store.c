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
 * Exactly once and persistence (docs/guide/shared-state.md): the memory of
 * a session's mark, and the time a persisted store's write takes (temp
 * file, fsync, rename, directory fsync; in the directory of $TMPDIR or
 * /tmp, so on that file system) and its restore, with no marks and with
 * 10,000 sessions' marks in the file.
 *
 * Usage: store [runs]. "RESULT key=value" lines carry the figures for
 * bench/run.sh.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>
#include <unistd.h>

#include "reactc.h"
#include "reactc_layout.h"
#include "store/persist.h"
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

/* Memory of one exactly-once mark (malloc'd, with the allocator's
 * overhead): n sessions' marks in a domain of their own. */
static void mark_memory(size_t n) {
    struct mallinfo2 m0 = mallinfo2();
    rc_marks m;
    rc_marks_init(&m);
    char id[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%022zu", i); /* a session id's 22 characters */
        rc_marks_raise(&m, id, 5, (int64_t)time(NULL));
    }
    struct mallinfo2 m1 = mallinfo2();
    double per = (double)(m1.uordblks - m0.uordblks) / (double)n;
    printf("memory per exactly-once mark: %.1f bytes\n", per);
    printf("RESULT store_mark_bytes=%.1f\n", per);
    rc_marks_free(&m);
}

/* A persisted int store written `runs` times (no timer host: each change is
 * one write), with `marks` sessions' marks in its file; then restored. */
static void persist_cost(size_t marks, int runs) {
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/reactc-bench-%ld.store", tmp && *tmp ? tmp : "/tmp",
             (long)getpid());
    unlink(path);
    rc_store *st = rc_store_new("bench", &(rc_value){.kind = RC_INT, .as.i = 0});
    rc_store_persist(st, path);
    char id[32];
    for (size_t i = 0; i < marks; i++) {
        snprintf(id, sizeof id, "%022zu", i);
        rc_marks_raise(rc_store_marks_of(st), id, 7, (int64_t)time(NULL));
    }
    double *t = malloc((size_t)runs * sizeof *t);
    for (int r = 0; r < runs; r++) {
        double t0 = bench_now_us();
        rc_store_set_int(st, r + 1);
        t[r] = bench_now_us() - t0;
    }
    double write = bench_median(t, runs);
    rc_store_free(st);
    double t0 = bench_now_us();
    st = rc_store_new("bench", NULL);
    rc_store_persist(st, path);
    double restore = bench_now_us() - t0;
    FILE *f = fopen(path, "rb");
    long size = 0;
    if (f && fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    if (f) fclose(f);
    printf("persisted store, %zu marks (%ld-byte file): write %.2f ms median, restore %.2f ms\n",
           marks, size, write / 1e3, restore / 1e3);
    printf("RESULT store_persist_%zu_write_ms=%.2f store_persist_%zu_restore_ms=%.2f\n", marks,
           write / 1e3, marks, restore / 1e3);
    rc_store_free(st);
    unlink(path);
    free(t);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 21;
    if (runs < 1) runs = 1;
    fan = rc_store_new("fan", &(rc_value){.kind = RC_BOOL, .as.b = true});
    temp = rc_store_new("temp", &(rc_value){.kind = RC_FLOAT, .as.f = 20.0});
    measure(1000, runs);
    measure(10000, runs);
    subscription_memory(10000);
    mark_memory(100000);
    persist_cost(0, runs);
    persist_cost(10000, runs);
    rc_store_free(fan);
    rc_store_free(temp);
    return 0;
}
