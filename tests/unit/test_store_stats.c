/*
 * Unit tests for the store layer's counters (src/store/stats.c, read by
 * /metrics): with the in-memory backend, a committed batch counts as
 * committed with its writes and its time in the histogram, a replayed
 * event's writes count as replayed (and its batch, whose writes were all
 * skipped, still as decided), a compare-and-set whose version moved counts
 * as refused, and nothing stays in flight once decided.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "reactc.h"
#include "reactc_layout.h"
#include "store/marks.h"
#include "store/stats.h"
#include "store/store.h"

#include "harness.h"
#include "layout_driver.h"

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    rc_store *count;
    int status;
    int ndone;
} G;

static void inc(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    rc_store_set_int(G.count, rc_store_get_int(G.count) + 1);
}

static void Counter(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", inc, NULL)) {
        rc_textf(ctx, "%lld", (long long)rc_store_get_int(G.count));
    }
}
static RC_COMPONENT(Counter);

static void on_done(int status, void *user) {
    (void)user;
    G.status = status;
    G.ndone++;
}

/* The counters are the process's: each test reads how far they moved. */
static rc_store_stats before;

static uint64_t histogram_count(const rc_store_stats *s) {
    uint64_t n = 0;
    for (size_t i = 0; i <= RC_STORE_NBOUNDS; i++) n += s->buckets[i];
    return n;
}

static void make_count(void) {
    G.count = rc_store_new("count", &(rc_value){.kind = RC_INT});
    assert_non_null(G.count);
    before = *rc_store_stats_get();
}

static void test_committed_batch(void **state) {
    (void)state;
    make_count();
    rc_layout_opts o = test_opts();
    o.session_id = "S1";
    rc_layout *l = track(rc_layout_new(&Counter_component, NULL, 0, &o));
    flush_commit(l);
    assert_int_equal(fire(l, "inc", "onClick", NULL, 1), 0);
    const rc_store_stats *now = rc_store_stats_get();
    assert_int_equal(now->committed, before.committed + 1);
    assert_int_equal(now->refused, before.refused);
    assert_int_equal(now->writes, before.writes + 1);
    assert_int_equal(now->in_flight, 0);
    assert_int_equal(histogram_count(now), histogram_count(&before) + 1);
    assert_true(now->seconds >= before.seconds);
    /* A write outside any callback is a batch of its own. */
    rc_store_set_int(G.count, 10);
    assert_int_equal(rc_store_stats_get()->committed, before.committed + 2);
    assert_int_equal(rc_store_stats_get()->writes, before.writes + 2);
    expect_no_errors();
}

/* The exactly-once skip (memory.c) is counted per write skipped. */
static void test_replayed_writes(void **state) {
    (void)state;
    make_count();
    rc_layout_opts o = test_opts();
    o.session_id = "S1";
    rc_layout *first = track(rc_layout_new(&Counter_component, NULL, 0, &o));
    flush_commit(first);
    fire(first, "inc", "onClick", NULL, 1);
    free_layout(first);
    assert_int_equal(rc_store_stats_get()->replayed, before.replayed);
    rc_layout *again = track(rc_layout_new(&Counter_component, NULL, 0, &o));
    flush_commit(again);
    fire(again, "inc", "onClick", NULL, 1); /* the replay */
    assert_int_equal(rc_store_get_int(G.count), 1);
    const rc_store_stats *now = rc_store_stats_get();
    assert_int_equal(now->replayed, before.replayed + 1);
    assert_int_equal(now->committed, before.committed + 2); /* decided, nothing to apply */
    assert_int_equal(now->in_flight, 0);
}

/* A compare-and-set published with a version that moved is refused, and
 * its writer hears -1: counted as refused, not committed. */
static void test_refused_compare_and_set(void **state) {
    (void)state;
    make_count();
    uint64_t v = rc_store_get_version(G.count);
    rc_store_set_int(G.count, 5); /* moves the version */
    before = *rc_store_stats_get();
    assert_int_equal(rc_store_publish_cas(G.count, NULL, v, &(rc_value){.kind = RC_INT, .as.i = 7},
                                          on_done, NULL),
                     0);
    assert_int_equal(rc_store_drain(), 1);
    assert_int_equal(G.ndone, 1);
    assert_int_equal(G.status, -1);
    assert_int_equal(rc_store_get_int(G.count), 5);
    const rc_store_stats *now = rc_store_stats_get();
    assert_int_equal(now->refused, before.refused + 1);
    assert_int_equal(now->committed, before.committed);
    /* The right version commits. */
    rc_store_publish_cas(G.count, NULL, rc_store_get_version(G.count),
                         &(rc_value){.kind = RC_INT, .as.i = 7}, on_done, NULL);
    rc_store_drain();
    assert_int_equal(G.status, 0);
    assert_int_equal(rc_store_stats_get()->committed, before.committed + 1);
    assert_int_equal(rc_store_stats_get()->refused, before.refused + 1);
}

static int fresh(void **state) {
    rc_marks_free(&rc_store_memory_marks);
    return reset(state);
}

static int cleanup(void **state) {
    rc_store_free(G.count);
    G.count = NULL;
    return teardown(state);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_committed_batch, fresh, cleanup),
        cmocka_unit_test_setup_teardown(test_replayed_writes, fresh, cleanup),
        cmocka_unit_test_setup_teardown(test_refused_compare_and_set, fresh, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
