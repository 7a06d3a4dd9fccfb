/*
 * Unit tests for the merge of workers' /metrics texts
 * (src/server/metrics_merge.c): each family's HELP and TYPE once, then the
 * samples of every worker that answered with worker="<index>" first among
 * their labels; a worker that did not answer is up 0 and has no series; a
 * family only one worker has still comes out whole; a cut last line and
 * stray lines are not read as samples.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "server/metrics.h"

static const char w0[] = "# HELP a_total A.\n"
                         "# TYPE a_total counter\n"
                         "a_total 3\n"
                         "# HELP b By reason.\n"
                         "# TYPE b counter\n"
                         "b{reason=\"x\"} 1\n"
                         "b{reason=\"y\"} 2\n";
static const char w1[] = "# HELP a_total A.\n"
                         "# TYPE a_total counter\n"
                         "a_total 4\n"
                         "# HELP b By reason.\n"
                         "# TYPE b counter\n"
                         "b{reason=\"x\"} 5\n"
                         "b{reason=\"y\"} 6\n"
                         "# HELP only_here Redis, say.\n"
                         "# TYPE only_here gauge\n"
                         "only_here 1\n"
                         "not a sample\n"
                         "cut_line 7";

static const char up_head[] =
    "# HELP reactc_worker_up 1 when the worker answered this scrape in time, else 0 (its "
    "series are left out).\n# TYPE reactc_worker_up gauge\n";

static char *merged(const rc_metrics_part *parts, size_t n, rc_buf *out) {
    rc_buf_init(out);
    rc_metrics_merge(parts, n, out);
    return rc_buf_cstr(out);
}

static void test_merge_groups_by_family(void **state) {
    (void)state;
    rc_metrics_part parts[] = {{0, true, w0, sizeof w0 - 1}, {1, true, w1, sizeof w1 - 1}};
    rc_buf out;
    char *got = merged(parts, 2, &out);
    char want[2048];
    snprintf(want, sizeof want,
             "%sreactc_worker_up{worker=\"0\"} 1\nreactc_worker_up{worker=\"1\"} 1\n"
             "# HELP a_total A.\n# TYPE a_total counter\n"
             "a_total{worker=\"0\"} 3\na_total{worker=\"1\"} 4\n"
             "# HELP b By reason.\n# TYPE b counter\n"
             "b{worker=\"0\",reason=\"x\"} 1\nb{worker=\"0\",reason=\"y\"} 2\n"
             "b{worker=\"1\",reason=\"x\"} 5\nb{worker=\"1\",reason=\"y\"} 6\n"
             "# HELP only_here Redis, say.\n# TYPE only_here gauge\n"
             "only_here{worker=\"1\"} 1\n",
             up_head);
    assert_string_equal(got, want);
    rc_buf_free(&out);
}

static void test_merge_worker_down(void **state) {
    (void)state;
    rc_metrics_part parts[] = {{0, false, NULL, 0}, {1, true, w0, sizeof w0 - 1}};
    rc_buf out;
    char *got = merged(parts, 2, &out);
    assert_non_null(strstr(got, "reactc_worker_up{worker=\"0\"} 0\n"));
    assert_non_null(strstr(got, "reactc_worker_up{worker=\"1\"} 1\n"));
    assert_null(strstr(got, "worker=\"0\",")); /* no series of the worker that is down */
    assert_null(strstr(got, "a_total{worker=\"0\"}"));
    assert_non_null(strstr(got, "a_total{worker=\"1\"} 3\n"));
    rc_buf_free(&out);
}

/* The real renderer's text goes through whole: every one of its sample
 * lines comes out once per worker, labelled. */
static void test_merge_real_text(void **state) {
    (void)state;
    rc_metrics m = {.start_time = 1700000000, .events = 9};
    rc_store_stats st = {.committed = 4, .seconds = 0.5};
    st.buckets[RC_STORE_NBOUNDS] = 1;
    rc_metrics_now now = {1, 0, 0, "b", "app", &st};
    rc_buf text;
    rc_buf_init(&text);
    rc_metrics_render(&m, &now, &text);
    rc_metrics_part parts[] = {{0, true, text.data, text.len}, {1, true, text.data, text.len}};
    rc_buf out;
    char *got = merged(parts, 2, &out);
    assert_non_null(strstr(got, "# TYPE reactc_events_total counter\n"
                                "reactc_events_total{worker=\"0\"} 9\n"
                                "reactc_events_total{worker=\"1\"} 9\n"));
    assert_non_null(strstr(got, "reactc_build_info{worker=\"1\",build=\"b\",app_id=\"app\"} 1\n"));
    /* A histogram's _bucket, _sum and _count lines stay under its TYPE. */
    assert_non_null(strstr(got, "reactc_store_batch_seconds_bucket{worker=\"1\",le=\"+Inf\"} 1\n"
                                "reactc_store_batch_seconds_sum{worker=\"1\"} 0.5\n"
                                "reactc_store_batch_seconds_count{worker=\"1\"} 1\n"));
    assert_null(strstr(got, "# TYPE reactc_store_batch_seconds_bucket"));
    size_t helps = 0, samples = 0, in_samples = 0;
    for (const char *p = got; (p = strstr(p, "# HELP ")); p++) helps++;
    for (const char *p = rc_buf_cstr(&text); *p; p = strchr(p, '\n') + 1)
        if (*p != '#') in_samples++;
    for (const char *p = got; *p; p = strchr(p, '\n') + 1)
        if (*p != '#') samples++;
    size_t in_helps = 0;
    for (const char *p = rc_buf_cstr(&text); (p = strstr(p, "# HELP ")); p++) in_helps++;
    assert_int_equal(helps, in_helps + 1);         /* + reactc_worker_up */
    assert_int_equal(samples, 2 * in_samples + 2); /* + one up per worker */
    rc_buf_free(&out);
    rc_buf_free(&text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_groups_by_family),
        cmocka_unit_test(test_merge_worker_down),
        cmocka_unit_test(test_merge_real_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
