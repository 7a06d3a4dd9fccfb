/*
 * Unit tests for publishing into stores from other threads
 * (src/store/publish.c, queue.c): plain sets merge (last value wins, one
 * render), updates and compare-and-sets never merge, one writer's writes
 * apply in order, the loop is woken once per empty-to-waiting, and a store
 * freed with writes waiting drops them. The threaded cases are what
 * `make test-tsan` runs under ThreadSanitizer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "reactc_layout.h"

#include "harness.h"
#include "layout_driver.h"
#include "strlog.h"

enum { THREADS = 4, PER_THREAD = 2000 };

static atomic_int wakes;

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    strlog renders;
    rc_store *level, *total, *items;
    int cas_status[4];
    int ncas;
} G;

static void count_wake(void *arg) {
    (void)arg;
    atomic_fetch_add(&wakes, 1);
}

static void add(rc_value *v, void *arg) {
    rc_value_set_int(v, rc_value_get_int(v, 0) + *(const int64_t *)arg);
}

static void on_cas(int status, void *user) {
    (void)user;
    G.cas_status[G.ncas++] = status;
}

static void Gauge(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "Gauge");
    RC_EL(ctx, "span", .id = "level") {
        rc_textf(ctx, "%lld", (long long)rc_store_get_int(G.level));
    }
}
static RC_COMPONENT(Gauge);

static void make_stores(void) {
    G.level = rc_store_new("level", &(rc_value){.kind = RC_INT});
    G.total = rc_store_new("total", &(rc_value){.kind = RC_INT});
    G.items = rc_store_new_collection("items");
    atomic_store(&wakes, 0);
    rc_store_set_wake(count_wake, NULL);
}

static void free_stores(void) {
    rc_store_set_wake(NULL, NULL);
    rc_store_free(G.level);
    rc_store_free(G.total);
    rc_store_free(G.items);
}

static void test_sets_merge_last_value_wins(void **state) {
    (void)state;
    make_stores();
    rc_layout *l = new_layout(&Gauge_component, NULL, 0);
    flush_commit(l);
    uint64_t v = rc_store_get_version(G.level);
    for (int i = 1; i <= 1000; i++) assert_int_equal(rc_store_publish_int(G.level, i), 0);
    assert_int_equal(atomic_load(&wakes), 1);       /* once, when the queue filled */
    assert_int_equal(rc_store_get_int(G.level), 0); /* nothing applied yet */
    assert_int_equal(rc_store_drain(), 1);          /* one write */
    assert_int_equal(rc_store_get_int(G.level), 1000);
    assert_int_equal(rc_store_get_version(G.level), v + 1);
    G.renders.n = 0;
    assert_int_equal(flush_commit(l).rendered, 1);
    assert_string_equal(text_of(l, "level"), "1000");
    assert_int_equal(rc_store_drain(), 0);
    free_layout(l);
    free_stores();
}

/* Updates and compare-and-sets never merge; a set after them waits its
 * turn: one writer's writes to a value apply in order. */
static void test_updates_and_cas_keep_order(void **state) {
    (void)state;
    make_stores();
    int64_t one = 1, ten = 10;
    rc_store_publish_int(G.total, 5);
    rc_store_publish_update(G.total, NULL, add, &one, sizeof one);
    rc_store_publish_update(G.total, NULL, add, &one, sizeof one);
    rc_store_publish_int(G.total, 100); /* after the updates: not merged into 5 */
    rc_store_publish_update(G.total, NULL, add, &ten, sizeof ten);
    assert_int_equal(rc_store_drain(), 5);
    assert_int_equal(rc_store_get_int(G.total), 110);

    /* Compare-and-set against the version, twice with the same one: the
     * first wins, the second sees the value moved. */
    uint64_t v = rc_store_get_version(G.total);
    rc_store_publish_cas(G.total, NULL, v, &(rc_value){.kind = RC_INT, .as.i = 1}, on_cas, NULL);
    rc_store_publish_cas(G.total, NULL, v, &(rc_value){.kind = RC_INT, .as.i = 2}, on_cas, NULL);
    /* An item that does not exist has version 0. */
    rc_store_publish_cas(G.items, "k", 0, &(rc_value){.kind = RC_INT, .as.i = 3}, on_cas, NULL);
    rc_store_publish_cas(G.items, "k", 0, &(rc_value){.kind = RC_INT, .as.i = 4}, on_cas, NULL);
    assert_int_equal(rc_store_drain(), 4);
    assert_int_equal(G.ncas, 4);
    assert_int_equal(G.cas_status[0], 0);
    assert_int_equal(G.cas_status[1], -1);
    assert_int_equal(G.cas_status[2], 0);
    assert_int_equal(G.cas_status[3], -1);
    assert_int_equal(rc_store_get_int(G.total), 1);
    assert_int_equal(rc_value_get_int(rc_store_get_item(G.items, "k"), 0), 3);

    /* Wrong kinds are refused on the publishing thread. */
    assert_int_equal(rc_store_publish_bool(G.total, true), -1);
    assert_int_equal(rc_store_publish_item(G.total, "k", NULL), -1);
    assert_int_equal(rc_store_publish_int(G.items, 1), -1);
    assert_int_equal(rc_store_drain(), 0);
    free_stores();
}

static void *publisher(void *arg) {
    int id = (int)(intptr_t)arg;
    char key[16];
    snprintf(key, sizeof key, "t%d", id);
    int64_t one = 1;
    for (int i = 1; i <= PER_THREAD; i++) {
        rc_store_publish_int(G.level, (int64_t)id * 100000 + i);
        rc_store_publish_update(G.total, NULL, add, &one, sizeof one);
        rc_store_publish_item(G.items, key, &(rc_value){.kind = RC_INT, .as.i = i});
    }
    return NULL;
}

/* Several threads publish while the loop thread drains: every update is
 * applied exactly once, each thread's item ends at its last value, and
 * ThreadSanitizer sees no race. */
static void test_threads_publish_while_the_loop_drains(void **state) {
    (void)state;
    make_stores();
    rc_layout *l = new_layout(&Gauge_component, NULL, 0);
    flush_commit(l);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, publisher, (void *)(intptr_t)(i + 1)), 0);
    size_t applied = 0;
    for (int i = 0; i < 50; i++) {
        applied += rc_store_drain();
        flush_commit(l);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    applied += rc_store_drain();
    flush_commit(l);
    assert_int_equal(rc_store_get_int(G.total), THREADS * PER_THREAD);
    assert_true(applied >= THREADS * PER_THREAD);    /* the updates, never merged */
    assert_true(applied < 3 * THREADS * PER_THREAD); /* some sets merged */
    for (int i = 1; i <= THREADS; i++) {
        char key[16];
        snprintf(key, sizeof key, "t%d", i);
        assert_int_equal(rc_value_get_int(rc_store_get_item(G.items, key), 0), PER_THREAD);
    }
    int64_t last = rc_store_get_int(G.level);
    assert_int_equal(last % 100000, PER_THREAD); /* some thread's last reading */
    assert_true(atomic_load(&wakes) >= 1);
    free_layout(l);
    free_stores();
}

/* Freed with writes waiting: they are dropped (no leak, no late apply). */
static void test_store_freed_with_writes_waiting(void **state) {
    (void)state;
    make_stores();
    int64_t one = 1;
    rc_store_publish_int(G.level, 3);
    rc_store_publish_update(G.level, NULL, add, &one, sizeof one);
    rc_store_publish_int(G.total, 4);
    rc_store_free(G.level);
    G.level = NULL;
    assert_int_equal(rc_store_drain(), 1);
    assert_int_equal(rc_store_get_int(G.total), 4);
    free_stores();
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sets_merge_last_value_wins, reset, teardown),
        cmocka_unit_test_setup_teardown(test_updates_and_cas_keep_order, reset, teardown),
        cmocka_unit_test_setup_teardown(test_threads_publish_while_the_loop_drains, reset,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store_freed_with_writes_waiting, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
