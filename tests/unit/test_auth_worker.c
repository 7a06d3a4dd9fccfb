/*
 * Unit test of the login's password thread (src/server/auth_worker.c),
 * run under ThreadSanitizer by `make test-tsan`: the queue's bound (the
 * 17th check waiting is refused, never queued), every queued check done
 * once and handed back in order, a wake per check, and a stop with checks
 * still queued that frees them. The check is the test's: it blocks until
 * the test opens a gate, so the queue's state is known without sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "server/auth.h"

typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool open;
    unsigned checked, wakes;
} gate;

static int check(void *arg, const rc_auth_job *job) {
    gate *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->open) pthread_cond_wait(&g->cond, &g->lock);
    g->checked++;
    pthread_mutex_unlock(&g->lock);
    return strcmp(job->password, "right") == 0;
}

static void wake(void *arg) {
    gate *g = arg;
    pthread_mutex_lock(&g->lock);
    g->wakes++;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

static rc_auth_job *job(unsigned i) {
    rc_auth_job *j = calloc(1, sizeof *j);
    snprintf(j->user, sizeof j->user, "u%u", i);
    strcpy(j->password, i % 2 ? "right" : "wrong");
    return j;
}

static void test_queue_bound_and_order(void **state) {
    (void)state;
    gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0, 0};
    rc_auth_worker *w = rc_auth_worker_new(RC_AUTH_QUEUE, check, &g, wake, &g);
    assert_non_null(w);
    for (unsigned i = 0; i < RC_AUTH_QUEUE; i++) assert_true(rc_auth_worker_submit(w, job(i)));
    /* Full: one being checked (held at the gate) and the rest waiting. */
    rc_auth_job *extra = job(99);
    assert_false(rc_auth_worker_submit(w, extra));
    rc_auth_job_free(extra);
    pthread_mutex_lock(&g.lock);
    g.open = true;
    pthread_cond_broadcast(&g.cond);
    while (g.wakes < RC_AUTH_QUEUE) pthread_cond_wait(&g.cond, &g.lock);
    pthread_mutex_unlock(&g.lock);
    rc_auth_job *done = rc_auth_worker_take_done(w);
    unsigned n = 0;
    while (done) {
        char name[16];
        snprintf(name, sizeof name, "u%u", n);
        assert_string_equal(done->user, name);
        assert_int_equal(done->ok, n % 2 == 1);
        assert_int_equal(done->password[0], '\0'); /* wiped once checked */
        rc_auth_job *next = done->next;
        rc_auth_job_free(done);
        done = next;
        n++;
    }
    assert_int_equal(n, RC_AUTH_QUEUE);
    assert_int_equal(g.checked, RC_AUTH_QUEUE);
    assert_null(rc_auth_worker_take_done(w));
    /* Room again. */
    assert_true(rc_auth_worker_submit(w, job(1)));
    rc_auth_worker_free(w); /* done or not, freed */
}

/* A stop with checks queued and one running: joins, frees them all. */
static void test_stop_with_queue(void **state) {
    (void)state;
    gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0, 0};
    rc_auth_worker *w = rc_auth_worker_new(4, check, &g, wake, &g);
    for (unsigned i = 0; i < 4; i++) assert_true(rc_auth_worker_submit(w, job(i)));
    pthread_mutex_lock(&g.lock);
    g.open = true; /* let the running one finish, so the join ends */
    pthread_cond_broadcast(&g.cond);
    pthread_mutex_unlock(&g.lock);
    rc_auth_worker_free(w);
    assert_true(g.checked <= 4); /* the queued ones may never have run */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_bound_and_order),
        cmocka_unit_test(test_stop_with_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
