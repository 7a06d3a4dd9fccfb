/*
 * Password checks off the event loop: ONE thread, a queue of at most
 * max_pending checks. Argon2id is meant to be slow and to take memory, so
 * one check at a time bounds both (16 MiB for reactc-passwd's hashes, 64
 * MiB at most for any hash accepted: auth.h); a burst of logins waits in
 * the queue or is told 503, and the loop never waits for any of it. The
 * thread wakes the loop (wake: ev_async_send) after each check.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "server/auth.h"
#include "util/alloc.h"

struct rc_auth_worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    rc_auth_job *todo, *todo_tail; /* under lock */
    rc_auth_job *done, *done_tail; /* under lock */
    size_t pending;                /* todo plus the one being checked */
    size_t max_pending;
    bool stop;
    rc_auth_check_fn check;
    void *check_arg;
    void (*wake)(void *);
    void *wake_arg;
};

/* A hash of a random password with the parameters of new hashes: checked
 * for an unknown user, so its answer takes as long as a wrong password's. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void) {
    unsigned char pw[16];
    randombytes_buf(pw, sizeof pw);
    if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof pw, RC_AUTH_NEW_OPS,
                          RC_AUTH_NEW_MEM) != 0)
        dummy_hash[0] = '\0';
}

int rc_auth_check_hash(void *arg, const rc_auth_job *job) {
    (void)arg;
    const char *hash = job->hash;
    if (!*hash) {
        pthread_once(&dummy_once, make_dummy);
        /* Its answer is wrong whatever it says: only its time matters. */
        int same = *dummy_hash
                       ? crypto_pwhash_str_verify(dummy_hash, job->password, strlen(job->password))
                       : -1;
        (void)same;
        return 0;
    }
    /* The file's parser checked the parameters against the caps already. */
    return crypto_pwhash_str_verify(hash, job->password, strlen(job->password)) == 0;
}

static void *run(void *arg) {
    rc_auth_worker *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->todo && !w->stop) pthread_cond_wait(&w->cond, &w->lock);
        if (w->stop) break;
        rc_auth_job *job = w->todo;
        w->todo = job->next;
        if (!w->todo) w->todo_tail = NULL;
        job->next = NULL;
        pthread_mutex_unlock(&w->lock);
        job->ok = w->check(w->check_arg, job) == 1;
        sodium_memzero(job->password, sizeof job->password);
        pthread_mutex_lock(&w->lock);
        if (w->done_tail) w->done_tail->next = job;
        else w->done = job;
        w->done_tail = job;
        w->pending--;
        pthread_mutex_unlock(&w->lock);
        w->wake(w->wake_arg);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

rc_auth_worker *rc_auth_worker_new(size_t max_pending, rc_auth_check_fn check, void *check_arg,
                                   void (*wake)(void *), void *wake_arg) {
    rc_auth_worker *w = rc_xcalloc(1, sizeof *w);
    w->max_pending = max_pending;
    w->check = check;
    w->check_arg = check_arg;
    w->wake = wake;
    w->wake_arg = wake_arg;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        free(w);
        return NULL;
    }
    return w;
}

bool rc_auth_worker_submit(rc_auth_worker *w, rc_auth_job *job) {
    pthread_mutex_lock(&w->lock);
    bool room = w->pending < w->max_pending;
    if (room) {
        job->next = NULL;
        if (w->todo_tail) w->todo_tail->next = job;
        else w->todo = job;
        w->todo_tail = job;
        w->pending++;
        pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return room;
}

rc_auth_job *rc_auth_worker_take_done(rc_auth_worker *w) {
    pthread_mutex_lock(&w->lock);
    rc_auth_job *list = w->done;
    w->done = w->done_tail = NULL;
    pthread_mutex_unlock(&w->lock);
    return list;
}

void rc_auth_job_free(rc_auth_job *job) {
    if (!job) return;
    sodium_memzero(job, sizeof *job);
    free(job);
}

static void free_list(rc_auth_job *j) {
    while (j) {
        rc_auth_job *next = j->next;
        rc_auth_job_free(j);
        j = next;
    }
}

void rc_auth_worker_free(rc_auth_worker *w) {
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    free_list(w->todo);
    free_list(w->done);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}
