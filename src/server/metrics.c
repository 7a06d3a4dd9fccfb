/*
 * The server's counters in the Prometheus text format 0.0.4: a `# HELP`
 * and a `# TYPE` line per metric, then `name{label="value"} value` lines.
 * Counters end in _total; a rate (events per second) is Prometheus' to
 * compute: rate(reactc_events_total[1m]).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/metrics.h"

void rc_metrics_set_redis(rc_metrics *m, bool up, double ping_seconds) {
    m->redis_known = true;
    m->redis_up = up ? 1 : 0;
    m->redis_ping_seconds = ping_seconds;
}

void rc_metrics_escape(rc_buf *out, const char *s) {
    for (; *s; s++) {
        if (*s == '\\') rc_buf_append(out, "\\\\", 2);
        else if (*s == '"') rc_buf_append(out, "\\\"", 2);
        else if (*s == '\n') rc_buf_append(out, "\\n", 2);
        else rc_buf_putc(out, *s);
    }
}

static void put(rc_buf *out, const char *s) { rc_buf_append(out, s, strlen(s)); }

static void header(rc_buf *out, const char *name, const char *type, const char *help) {
    put(out, "# HELP ");
    put(out, name);
    rc_buf_putc(out, ' ');
    put(out, help);
    put(out, "\n# TYPE ");
    put(out, name);
    rc_buf_putc(out, ' ');
    put(out, type);
    rc_buf_putc(out, '\n');
}

/* name{label="value"} (no braces when label is NULL), then the number:
 * integers exactly, other values in the fewest digits that read back as
 * the same double (0.00025, not 0.00025000000000000001). */
static void sample(rc_buf *out, const char *name, const char *label, const char *value, double v) {
    put(out, name);
    if (label) {
        rc_buf_putc(out, '{');
        put(out, label);
        put(out, "=\"");
        rc_metrics_escape(out, value);
        put(out, "\"}");
    }
    char num[40];
    if (v == (double)(uint64_t)v && v < 1e18)
        snprintf(num, sizeof num, " %llu\n", (unsigned long long)v);
    else
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(num, sizeof num, " %.*g\n", prec, v);
            if (strtod(num, NULL) == v) break;
        }
    put(out, num);
}

static void one(rc_buf *out, const char *name, const char *type, const char *help, double v) {
    header(out, name, type, help);
    sample(out, name, NULL, NULL, v);
}

/* rc_refusal_name's words joined by underscores: "other app" -> other_app.
 * The names are the refusal codes' own, so they stay as stable as those. */
static void refusal_label(char *buf, size_t cap, rc_refusal r) {
    snprintf(buf, cap, "%s", rc_refusal_name(r));
    for (char *p = buf; *p; p++)
        if (*p == ' ') *p = '_';
}

static void resumes(rc_buf *out, const rc_metrics *m) {
    static const char *const outcomes[RC_RESUME_NOUTCOMES] = {"fresh", "resumed", "reattached"};
    header(out, "reactc_resumes_total", "counter",
           "Hellos naming a session, by outcome (fresh: refused, a new session started).");
    for (size_t i = 0; i < RC_RESUME_NOUTCOMES; i++)
        sample(out, "reactc_resumes_total", "outcome", outcomes[i], (double)m->resumes[i]);
    static const char *const sources[RC_SOURCE_NSOURCES] = {"token", "redis", "reference"};
    header(out, "reactc_resume_sources_total", "counter",
           "Resumes by what they rebuilt from: the client's token, the newer snapshot in Redis, "
           "or the snapshot a reference token names.");
    for (size_t i = 0; i < RC_SOURCE_NSOURCES; i++)
        sample(out, "reactc_resume_sources_total", "source", sources[i],
               (double)m->resume_sources[i]);
    header(out, "reactc_resume_refusals_total", "counter",
           "State tokens refused, by reason (docs/resume.md).");
    for (size_t i = 1; i < RC_REFUSAL_COUNT; i++) {
        char label[40];
        refusal_label(label, sizeof label, (rc_refusal)i);
        sample(out, "reactc_resume_refusals_total", "reason", label, (double)m->refusals[i]);
    }
}

static void edge(rc_buf *out, const rc_metrics *m) {
    static const char *const reasons[RC_EDGE_NREASONS] = {"bad_request", "host",          "origin",
                                                          "per_address", "sessions_full", "login",
                                                          "memory",      "other"};
    header(out, "reactc_edge_refusals_total", "counter",
           "Requests and WebSockets refused at the network edge, by reason.");
    for (size_t i = 0; i < RC_EDGE_NREASONS; i++)
        sample(out, "reactc_edge_refusals_total", "reason", reasons[i], (double)m->edge[i]);
}

/* The sessions' newest snapshots in Redis (docs/resume.md, "With Redis"). */
static void snapshots(rc_buf *out, const rc_metrics *m) {
    static const char *const written[RC_SNAPSHOT_NOUTCOMES] = {"written", "kept_newer", "failed"};
    static const char *const fetched[RC_FETCH_NOUTCOMES] = {"found", "missing", "refused",
                                                            "unavailable"};
    header(out, "reactc_snapshots_total", "counter",
           "Session snapshots written to Redis, by outcome (kept_newer: Redis held a newer one).");
    for (size_t i = 0; i < RC_SNAPSHOT_NOUTCOMES; i++)
        sample(out, "reactc_snapshots_total", "outcome", written[i], (double)m->snapshots[i]);
    header(out, "reactc_snapshot_fetches_total", "counter",
           "Snapshots asked of Redis by resuming hellos, by outcome.");
    for (size_t i = 0; i < RC_FETCH_NOUTCOMES; i++)
        sample(out, "reactc_snapshot_fetches_total", "outcome", fetched[i], (double)m->fetches[i]);
}

/* The stores' batches (store/stats.h), with or without Redis: the batch
 * time a histogram with fixed buckets, so the workers' series (--workers)
 * sum into one, which a summary's quantiles would not. */
static void stores(rc_buf *out, const rc_store_stats *st) {
    header(out, "reactc_store_batches_total", "counter",
           "Store batches decided, by outcome (refused: none of its writes applied).");
    sample(out, "reactc_store_batches_total", "outcome", "committed", (double)st->committed);
    sample(out, "reactc_store_batches_total", "outcome", "refused", (double)st->refused);
    one(out, "reactc_store_batches_in_flight", "gauge",
        "Store batches handed to the backend and not decided yet.", (double)st->in_flight);
    one(out, "reactc_store_writes_total", "counter", "Store writes handed to the backend.",
        (double)st->writes);
    one(out, "reactc_store_writes_replayed_total", "counter",
        "Store writes of replayed events skipped (committed before: exactly once).",
        (double)st->replayed);
    header(out, "reactc_store_batch_seconds", "histogram",
           "Store batches' time from hand-over to the backend until decided.");
    static const double bounds[RC_STORE_NBOUNDS] = RC_STORE_BOUNDS;
    uint64_t n = 0;
    for (size_t i = 0; i <= RC_STORE_NBOUNDS; i++) {
        char le[24];
        if (i < RC_STORE_NBOUNDS) snprintf(le, sizeof le, "%g", bounds[i]);
        else snprintf(le, sizeof le, "+Inf");
        n += st->buckets[i];
        sample(out, "reactc_store_batch_seconds_bucket", "le", le, (double)n);
    }
    sample(out, "reactc_store_batch_seconds_sum", NULL, NULL, st->seconds);
    sample(out, "reactc_store_batch_seconds_count", NULL, NULL, (double)n);
}

void rc_metrics_render(const rc_metrics *m, const rc_metrics_now *now, rc_buf *out) {
    header(out, "reactc_build_info", "gauge", "Always 1: the build and the app id as labels.");
    put(out, "reactc_build_info{build=\"");
    rc_metrics_escape(out, now->build ? now->build : "");
    put(out, "\",app_id=\"");
    rc_metrics_escape(out, now->app_id ? now->app_id : "");
    put(out, "\"} 1\n");
    one(out, "reactc_start_time_seconds", "gauge", "When the process started, Unix seconds.",
        m->start_time);
    one(out, "reactc_sessions_live", "gauge", "Sessions with a connection.",
        (double)now->sessions_live);
    one(out, "reactc_sessions_detached", "gauge", "Sessions held for re-attach, no connection.",
        (double)now->sessions_detached);
    one(out, "reactc_events_total", "counter",
        "Events applied; events per second is rate() of this.", (double)m->events);
    one(out, "reactc_messages_in_total", "counter", "WebSocket messages received.",
        (double)m->messages_in);
    one(out, "reactc_messages_out_total", "counter", "WebSocket messages sent or queued.",
        (double)m->messages_out);
    one(out, "reactc_bytes_out_total", "counter", "Bytes of WebSocket messages sent or queued.",
        (double)m->bytes_out);
    one(out, "reactc_output_queue_bytes", "gauge", "Bytes waiting in the sessions' output queues.",
        (double)now->outq_bytes);
    one(out, "reactc_renders_held_total", "counter",
        "Renders held until a slow tab's socket drained.", (double)m->renders_held);
    one(out, "reactc_renders_put_off_total", "counter", "Renders put off by the render interval.",
        (double)m->renders_put_off);
    resumes(out, m);
    edge(out, m);
    if (now->store) stores(out, now->store);
    if (m->redis_known) {
        one(out, "reactc_redis_up", "gauge", "1 when the Redis connection answers.", m->redis_up);
        one(out, "reactc_redis_ping_seconds", "gauge", "The last Redis PING's round trip.",
            m->redis_ping_seconds);
        snapshots(out, m);
    }
}

int rc_metrics_parse_addr(const char *spec, char *host, size_t cap, int *port, char *err,
                          size_t errlen) {
    const char *colon = strrchr(spec, ':'), *h = spec, *p = colon ? colon + 1 : spec;
    size_t hl = colon ? (size_t)(colon - spec) : 0;
    if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    char *end;
    long n = strtol(p, &end, 10);
    if (!*p || *end || n < 0 || n > 65535 || (colon && hl == 0) || hl >= cap ||
        (colon && memchr(h, ':', hl) && spec[0] != '[')) {
        snprintf(err, errlen, "bad metrics address \"%.100s\" (PORT, ADDR:PORT or [V6]:PORT)",
                 spec);
        return -1;
    }
    if (colon) {
        memcpy(host, h, hl);
        host[hl] = '\0';
    } else snprintf(host, cap, "127.0.0.1"); /* loopback unless told otherwise */
    *port = (int)n;
    return 0;
}
