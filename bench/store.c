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
 * `store publish [seconds]` measures the other side instead: a thread
 * publishing into a store 10,000 times a second (rc_store_publish_float,
 * paced on an absolute clock) while 1,000 sessions read it. The main
 * thread plays the server's loop: woken by the store queue's wake-up
 * (rc_store_set_wake), it applies what was published (rc_store_drain,
 * plain sets merged: last value wins), then flushes every dirty session
 * and writes its patch message, as rc_session_flush_pending does: twice,
 * flushing at every loop turn (the server before its render cap), then at
 * most once per 16 ms (render_interval_ms, the server's default). Reported
 * for each: the loop thread's CPU (its own CPU time over the wall time),
 * loop turns, and messages per session per second. Not pinned to one core:
 * the publisher is the other thread.
 *
 * Usage: store [runs] | store publish [seconds]. "RESULT key=value" lines
 * carry the figures for bench/run.sh.
 */
#include <pthread.h>
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

/* Renders a dirty session and writes its patch message into msg, as the
 * server does; the message's bytes. */
static size_t flush_one(rc_layout *l, rc_buf *msg) {
    const rc_patch *p = rc_layout_flush(l);
    rc_buf_reset(msg);
    put(msg, "{\"type\":\"patch\",\"ops\":[");
    for (size_t k = 0; k < p->nops; k++) {
        if (k) rc_buf_putc(msg, ',');
        rc_wire_op(msg, &p->ops[k], RC_WIRE_COMPACT);
    }
    put(msg, "]}");
    rc_layout_commit(l);
    return msg->len;
}

/* One change: commit, then every dirty session flushed and its patch
 * written. Returns the microseconds to the last patch written. */
static double fan_out(rc_layout **ls, size_t n, int round, rc_buf *msg, size_t *bytes) {
    double t0 = bench_now_us();
    rc_store_set_float(temp, 20.0 + round * 0.1); /* no scope open: committed now */
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rc_layout_is_dirty(ls[i])) continue;
        total += flush_one(ls[i], msg);
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

/* ---- a publishing thread at 10,000 updates a second ---------------------- */

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;
static bool woken, publishing; /* under wake_lock */

static void wake(void *arg) {
    (void)arg;
    pthread_mutex_lock(&wake_lock);
    woken = true;
    pthread_cond_signal(&wake_cond);
    pthread_mutex_unlock(&wake_lock);
}

typedef struct publisher {
    double seconds;
    long published;
} publisher;

/* 10,000 publishes a second for `seconds`, each due at start + k * 100 us
 * (a late one is not made up for by a burst). */
static void *publish(void *arg) {
    publisher *p = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    long total = (long)(p->seconds * 10000.0);
    for (long k = 0; k < total; k++) {
        next.tv_nsec += 100000;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        rc_store_publish_float(temp, 20.0 + (double)(k % 1000) * 0.01);
        p->published++;
    }
    pthread_mutex_lock(&wake_lock);
    publishing = false;
    pthread_cond_signal(&wake_cond);
    pthread_mutex_unlock(&wake_lock);
    return NULL;
}

/* Flushes every dirty session, its patch written into msg; the messages. */
static size_t flush_dirty(rc_layout **ls, size_t n, rc_buf *msg) {
    size_t messages = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rc_layout_is_dirty(ls[i])) continue;
        flush_one(ls[i], msg);
        messages++;
    }
    return messages;
}

/* The publisher against n reading sessions, the loop flushing them at most
 * once per interval_ms (the server's render_interval_ms; 0: at every turn,
 * as the server did before the cap). Every session reads the same store,
 * so one time of last flush stands for all of them. */
static void publish_load(size_t n, double seconds, unsigned interval_ms) {
    rc_layout **ls = open_sessions(n);
    rc_buf msg;
    rc_buf_init(&msg);
    rc_store_set_wake(wake, NULL);
    publisher p = {seconds, 0};
    publishing = true;
    pthread_t t;
    double w0 = bench_now_us(), c0 = bench_cpu_us(), flushed_at = -1e18;
    double interval_us = interval_ms * 1000.0;
    if (pthread_create(&t, NULL, publish, &p) != 0) abort();
    size_t turns = 0, messages = 0, applied = 0;
    for (;;) {
        pthread_mutex_lock(&wake_lock);
        while (!woken && publishing) pthread_cond_wait(&wake_cond, &wake_lock);
        bool more = publishing || woken;
        woken = false;
        pthread_mutex_unlock(&wake_lock);
        if (!more) break;
        applied += rc_store_drain();
        /* Put off, as the server's throttle timer does: the turn after the
         * interval flushes the latest state. */
        double wait_us = interval_us - (bench_now_us() - flushed_at);
        if (wait_us > 0) {
            long ns = (long)(wait_us * 1e3);
            nanosleep(&(struct timespec){ns / 1000000000L, ns % 1000000000L}, NULL);
        }
        flushed_at = bench_now_us(); /* as rendered_at: when the render starts */
        messages += flush_dirty(ls, n, &msg);
        turns++;
    }
    pthread_join(t, NULL);
    applied += rc_store_drain();
    messages += flush_dirty(ls, n, &msg);
    double wall_s = (bench_now_us() - w0) / 1e6, cpu_s = (bench_cpu_us() - c0) / 1e6;
    rc_store_set_wake(NULL, NULL);
    double per_session = (double)messages / (double)n / wall_s;
    const char *tag = interval_ms ? "" : "_uncapped";
    printf("publisher at 10,000 updates/s for %.1f s, %zu sessions, renders at most every %u ms: "
           "%ld published, %zu applied (the rest merged), %zu loop turns; loop thread CPU "
           "%.1f%%; %.0f messages per session per second\n",
           wall_s, n, interval_ms, p.published, applied, turns, 100.0 * cpu_s / wall_s,
           per_session);
    printf("RESULT store_pub%s_rate=%.0f store_pub%s_cpu_pct=%.1f "
           "store_pub%s_msgs_per_session_s=%.0f store_pub%s_turns=%zu store_pub%s_applied=%zu\n",
           tag, (double)p.published / wall_s, tag, 100.0 * cpu_s / wall_s, tag, per_session, tag,
           turns, tag, applied);
    rc_buf_free(&msg);
    close_sessions(ls, n);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "publish") == 0) {
        double seconds = argc > 2 ? atof(argv[2]) : 3.0;
        if (seconds <= 0) seconds = 3.0;
        fan = rc_store_new("fan", &(rc_value){.kind = RC_BOOL, .as.b = true});
        temp = rc_store_new("temp", &(rc_value){.kind = RC_FLOAT, .as.f = 20.0});
        publish_load(1000, seconds, 0);  /* every turn: what the cap saves */
        publish_load(1000, seconds, 16); /* the server's default render_interval_ms */
        rc_store_free(fan);
        rc_store_free(temp);
        return 0;
    }
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
