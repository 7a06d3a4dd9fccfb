/*
 * Unit tests for the /metrics text (src/server/metrics.c): the exact lines
 * of a filled set of counters in the Prometheus text format 0.0.4, label
 * values escaped as the format asks (backslash, double quote, newline), the
 * Redis gauges only once something reported on Redis, the store metrics
 * when the build has stores (a histogram's buckets cumulative), edge statuses as
 * reasons, and --metrics' address forms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "server/metrics.h"

static const char expected[] =
    "# HELP reactc_build_info Always 1: the build and the app id as labels.\n"
    "# TYPE reactc_build_info gauge\n"
    "reactc_build_info{build=\"b\\\\1\",app_id=\"say \\\"hi\\\"\\nbye\"} 1\n"
    "# HELP reactc_start_time_seconds When the process started, Unix seconds.\n"
    "# TYPE reactc_start_time_seconds gauge\n"
    "reactc_start_time_seconds 1700000000\n"
    "# HELP reactc_sessions_live Sessions with a connection.\n"
    "# TYPE reactc_sessions_live gauge\n"
    "reactc_sessions_live 3\n"
    "# HELP reactc_sessions_detached Sessions held for re-attach, no connection.\n"
    "# TYPE reactc_sessions_detached gauge\n"
    "reactc_sessions_detached 2\n"
    "# HELP reactc_events_total Events applied; events per second is rate() of this.\n"
    "# TYPE reactc_events_total counter\n"
    "reactc_events_total 42\n"
    "# HELP reactc_messages_in_total WebSocket messages received.\n"
    "# TYPE reactc_messages_in_total counter\n"
    "reactc_messages_in_total 50\n"
    "# HELP reactc_messages_out_total WebSocket messages sent or queued.\n"
    "# TYPE reactc_messages_out_total counter\n"
    "reactc_messages_out_total 60\n"
    "# HELP reactc_bytes_out_total Bytes of WebSocket messages sent or queued.\n"
    "# TYPE reactc_bytes_out_total counter\n"
    "reactc_bytes_out_total 70000\n"
    "# HELP reactc_output_queue_bytes Bytes waiting in the sessions' output queues.\n"
    "# TYPE reactc_output_queue_bytes gauge\n"
    "reactc_output_queue_bytes 1234\n"
    "# HELP reactc_renders_held_total Renders held until a slow tab's socket drained.\n"
    "# TYPE reactc_renders_held_total counter\n"
    "reactc_renders_held_total 4\n"
    "# HELP reactc_renders_put_off_total Renders put off by the render interval.\n"
    "# TYPE reactc_renders_put_off_total counter\n"
    "reactc_renders_put_off_total 5\n"
    "# HELP reactc_resumes_total Hellos naming a session, by outcome (fresh: refused, a new "
    "session started).\n"
    "# TYPE reactc_resumes_total counter\n"
    "reactc_resumes_total{outcome=\"fresh\"} 1\n"
    "reactc_resumes_total{outcome=\"resumed\"} 2\n"
    "reactc_resumes_total{outcome=\"reattached\"} 3\n"
    "# HELP reactc_resume_sources_total Resumes by what they rebuilt from: the client's token, "
    "the newer snapshot in Redis, or the snapshot a reference token names.\n"
    "# TYPE reactc_resume_sources_total counter\n"
    "reactc_resume_sources_total{source=\"token\"} 15\n"
    "reactc_resume_sources_total{source=\"redis\"} 16\n"
    "reactc_resume_sources_total{source=\"reference\"} 17\n"
    "# HELP reactc_resume_refusals_total State tokens refused, by reason (docs/resume.md).\n"
    "# TYPE reactc_resume_refusals_total counter\n"
    "reactc_resume_refusals_total{reason=\"session_malformed\"} 0\n"
    "reactc_resume_refusals_total{reason=\"no_token\"} 0\n"
    "reactc_resume_refusals_total{reason=\"too_large\"} 0\n"
    "reactc_resume_refusals_total{reason=\"malformed\"} 7\n"
    "reactc_resume_refusals_total{reason=\"format\"} 0\n"
    "reactc_resume_refusals_total{reason=\"unknown_key\"} 0\n"
    "reactc_resume_refusals_total{reason=\"other_app\"} 0\n"
    "reactc_resume_refusals_total{reason=\"tampered\"} 0\n"
    "reactc_resume_refusals_total{reason=\"corrupt\"} 0\n"
    "reactc_resume_refusals_total{reason=\"other_session\"} 0\n"
    "reactc_resume_refusals_total{reason=\"expired\"} 8\n"
    "reactc_resume_refusals_total{reason=\"future\"} 0\n"
    "reactc_resume_refusals_total{reason=\"version_mismatch\"} 0\n"
    "reactc_resume_refusals_total{reason=\"too_old\"} 0\n"
    "reactc_resume_refusals_total{reason=\"format_too_old\"} 9\n"
    "reactc_resume_refusals_total{reason=\"no_snapshot\"} 10\n"
    "reactc_resume_refusals_total{reason=\"other_user\"} 0\n"
    "# HELP reactc_edge_refusals_total Requests and WebSockets refused at the network edge, by "
    "reason.\n"
    "# TYPE reactc_edge_refusals_total counter\n"
    "reactc_edge_refusals_total{reason=\"bad_request\"} 0\n"
    "reactc_edge_refusals_total{reason=\"host\"} 11\n"
    "reactc_edge_refusals_total{reason=\"origin\"} 12\n"
    "reactc_edge_refusals_total{reason=\"per_address\"} 13\n"
    "reactc_edge_refusals_total{reason=\"sessions_full\"} 14\n"
    "reactc_edge_refusals_total{reason=\"login\"} 0\n"
    "reactc_edge_refusals_total{reason=\"memory\"} 30\n"
    "reactc_edge_refusals_total{reason=\"other\"} 0\n";

static const char redis[] = "# HELP reactc_redis_up 1 when the Redis connection answers.\n"
                            "# TYPE reactc_redis_up gauge\n"
                            "reactc_redis_up 1\n"
                            "# HELP reactc_redis_ping_seconds The last Redis PING's round trip.\n"
                            "# TYPE reactc_redis_ping_seconds gauge\n"
                            "reactc_redis_ping_seconds 0.00025\n"
                            "# HELP reactc_snapshots_total Session snapshots written to Redis, by "
                            "outcome (kept_newer: Redis held a newer one).\n"
                            "# TYPE reactc_snapshots_total counter\n"
                            "reactc_snapshots_total{outcome=\"written\"} 18\n"
                            "reactc_snapshots_total{outcome=\"kept_newer\"} 19\n"
                            "reactc_snapshots_total{outcome=\"failed\"} 20\n"
                            "# HELP reactc_snapshot_fetches_total Snapshots asked of Redis by "
                            "resuming hellos, by outcome.\n"
                            "# TYPE reactc_snapshot_fetches_total counter\n"
                            "reactc_snapshot_fetches_total{outcome=\"found\"} 21\n"
                            "reactc_snapshot_fetches_total{outcome=\"missing\"} 22\n"
                            "reactc_snapshot_fetches_total{outcome=\"refused\"} 23\n"
                            "reactc_snapshot_fetches_total{outcome=\"unavailable\"} 24\n";

static void fill(rc_metrics *m, rc_metrics_now *now) {
    memset(m, 0, sizeof *m);
    m->start_time = 1700000000;
    m->events = 42;
    m->messages_in = 50;
    m->messages_out = 60;
    m->bytes_out = 70000;
    m->renders_held = 4;
    m->renders_put_off = 5;
    m->resumes[RC_RESUME_FRESH] = 1;
    m->resumes[RC_RESUME_RESUMED] = 2;
    m->resumes[RC_RESUME_REATTACHED] = 3;
    m->refusals[RC_REFUSAL_MALFORMED] = 7;
    m->refusals[RC_REFUSAL_EXPIRED] = 8;
    m->refusals[RC_REFUSAL_FORMAT_OLD] = 9;
    m->refusals[RC_REFUSAL_NO_SNAPSHOT] = 10;
    for (size_t i = 0; i < RC_SOURCE_NSOURCES; i++) m->resume_sources[i] = 15 + i;
    for (size_t i = 0; i < RC_SNAPSHOT_NOUTCOMES; i++) m->snapshots[i] = 18 + i;
    for (size_t i = 0; i < RC_FETCH_NOUTCOMES; i++) m->fetches[i] = 21 + i;
    m->edge[RC_EDGE_HOST] = 11;
    m->edge[RC_EDGE_ORIGIN] = 12;
    m->edge[RC_EDGE_PER_ADDRESS] = 13;
    m->edge[RC_EDGE_FULL] = 14;
    m->edge[RC_EDGE_MEMORY] = 30;
    *now = (rc_metrics_now){3, 2, 1234, "b\\1", "say \"hi\"\nbye", NULL};
}

static void test_render_exact(void **state) {
    (void)state;
    rc_metrics m;
    rc_metrics_now now;
    fill(&m, &now);
    rc_buf b;
    rc_buf_init(&b);
    rc_metrics_render(&m, &now, &b);
    assert_string_equal(rc_buf_cstr(&b), expected);
    /* Redis: absent until reported (no --redis), then both gauges. */
    rc_metrics_set_redis(&m, true, 0.00025);
    rc_buf_reset(&b);
    rc_metrics_render(&m, &now, &b);
    assert_int_equal(b.len, strlen(expected) + strlen(redis));
    assert_memory_equal(b.data, expected, strlen(expected));
    assert_string_equal(rc_buf_cstr(&b) + strlen(expected), redis);
    rc_buf_free(&b);
}

static const char stores[] =
    "# HELP reactc_store_batches_total Store batches decided, by outcome (refused: none of its "
    "writes applied).\n"
    "# TYPE reactc_store_batches_total counter\n"
    "reactc_store_batches_total{outcome=\"committed\"} 30\n"
    "reactc_store_batches_total{outcome=\"refused\"} 31\n"
    "# HELP reactc_store_batches_in_flight Store batches handed to the backend and not decided "
    "yet.\n"
    "# TYPE reactc_store_batches_in_flight gauge\n"
    "reactc_store_batches_in_flight 2\n"
    "# HELP reactc_store_writes_total Store writes handed to the backend.\n"
    "# TYPE reactc_store_writes_total counter\n"
    "reactc_store_writes_total 90\n"
    "# HELP reactc_store_writes_replayed_total Store writes of replayed events skipped "
    "(committed before: exactly once).\n"
    "# TYPE reactc_store_writes_replayed_total counter\n"
    "reactc_store_writes_replayed_total 6\n"
    "# HELP reactc_store_batch_seconds Store batches' time from hand-over to the backend until "
    "decided.\n"
    "# TYPE reactc_store_batch_seconds histogram\n"
    "reactc_store_batch_seconds_bucket{le=\"0.0001\"} 20\n"
    "reactc_store_batch_seconds_bucket{le=\"0.001\"} 40\n"
    "reactc_store_batch_seconds_bucket{le=\"0.005\"} 41\n"
    "reactc_store_batch_seconds_bucket{le=\"0.01\"} 41\n"
    "reactc_store_batch_seconds_bucket{le=\"0.05\"} 51\n"
    "reactc_store_batch_seconds_bucket{le=\"0.1\"} 51\n"
    "reactc_store_batch_seconds_bucket{le=\"0.5\"} 51\n"
    "reactc_store_batch_seconds_bucket{le=\"1\"} 51\n"
    "reactc_store_batch_seconds_bucket{le=\"+Inf\"} 61\n"
    "reactc_store_batch_seconds_sum 0.375\n"
    "reactc_store_batch_seconds_count 61\n";

/* The stores' metrics come after the edge's, before Redis's. */
static void test_render_stores(void **state) {
    (void)state;
    rc_metrics m;
    rc_metrics_now now;
    fill(&m, &now);
    rc_store_stats st = {.committed = 30,
                         .refused = 31,
                         .writes = 90,
                         .replayed = 6,
                         .in_flight = 2,
                         .seconds = 0.375};
    st.buckets[0] = 20;
    st.buckets[1] = 20;
    st.buckets[2] = 1;
    st.buckets[4] = 10;
    st.buckets[RC_STORE_NBOUNDS] = 10;
    now.store = &st;
    rc_buf b;
    rc_buf_init(&b);
    rc_metrics_render(&m, &now, &b);
    assert_int_equal(b.len, strlen(expected) + strlen(stores));
    assert_memory_equal(b.data, expected, strlen(expected));
    assert_string_equal(rc_buf_cstr(&b) + strlen(expected), stores);
    rc_buf_free(&b);
}

static void test_escape(void **state) {
    (void)state;
    rc_buf b;
    rc_buf_init(&b);
    rc_metrics_escape(&b, "a\\b\"c\nd\te");
    assert_string_equal(rc_buf_cstr(&b), "a\\\\b\\\"c\\nd\te"); /* a tab stays as it is */
    rc_buf_free(&b);
}

static void test_edge_reason(void **state) {
    (void)state;
    assert_int_equal(rc_metrics_edge_reason(400), RC_EDGE_BAD_REQUEST);
    assert_int_equal(rc_metrics_edge_reason(421), RC_EDGE_HOST);
    assert_int_equal(rc_metrics_edge_reason(403), RC_EDGE_ORIGIN);
    assert_int_equal(rc_metrics_edge_reason(429), RC_EDGE_PER_ADDRESS);
    assert_int_equal(rc_metrics_edge_reason(401), RC_EDGE_LOGIN);
    assert_int_equal(rc_metrics_edge_reason(501), RC_EDGE_OTHER);
}

static void test_parse_addr(void **state) {
    (void)state;
    char host[64], err[200];
    int port = -1;
    assert_int_equal(rc_metrics_parse_addr("9100", host, sizeof host, &port, err, sizeof err), 0);
    assert_string_equal(host, "127.0.0.1"); /* loopback unless told otherwise */
    assert_int_equal(port, 9100);
    assert_int_equal(rc_metrics_parse_addr("0.0.0.0:0", host, sizeof host, &port, err, sizeof err),
                     0);
    assert_string_equal(host, "0.0.0.0");
    assert_int_equal(port, 0);
    assert_int_equal(rc_metrics_parse_addr("[::1]:9", host, sizeof host, &port, err, sizeof err),
                     0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 9);
    static const char *const bad[] = {"",      ":9100",      "x",   "1.2.3.4:", "1.2.3.4:70000",
                                      "::1:9", "1.2.3.4:9x", "[]:9"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        assert_int_equal(rc_metrics_parse_addr(bad[i], host, sizeof host, &port, err, sizeof err),
                         -1);
        assert_non_null(strstr(err, "bad metrics address"));
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_exact), cmocka_unit_test(test_render_stores),
        cmocka_unit_test(test_escape),       cmocka_unit_test(test_edge_reason),
        cmocka_unit_test(test_parse_addr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
