/*
 * The queue of writes published from other threads (publish.c): a mutex,
 * a FIFO, merging of plain sets, and the loop's wake-up. Below the stores
 * so that a store being freed can drop its queued writes.
 *
 * Coalescing: a plain set replaces the value of the set queued last for
 * the same value or item if nothing was queued after it for that value or
 * item, so a sensor publishing 1,000 readings a second between two loop
 * turns costs one write, one render per reader. An update or a
 * compare-and-set is never merged, and a set after one is queued behind
 * it: one writer's writes to a value or item apply in the order made.
 * Between different values a merged set keeps the place of the set it
 * replaced.
 */
#include <pthread.h>
#include <string.h>

#include "store/store.h"
#include "util/alloc.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static rc_store_pub *head, *tail;
static void (*wake_fn)(void *arg);
static void *wake_arg;

void rc_store_set_wake(void (*wake)(void *arg), void *arg) {
    pthread_mutex_lock(&lock);
    wake_fn = wake;
    wake_arg = arg;
    bool waiting = head != NULL;
    pthread_mutex_unlock(&lock);
    if (waiting && wake) wake(arg); /* published before the loop ran */
}

static bool same_target(const rc_store_pub *p, const rc_store *st, const char *key) {
    return p->store == st && (!key ? !p->key : p->key && strcmp(p->key, key) == 0);
}

/* The last queued write to (st, key), or NULL. Linear: the queue holds
 * what one loop turn has not taken yet, and merged sets keep it short. */
static rc_store_pub *last_for(const rc_store *st, const char *key) {
    rc_store_pub *last = NULL;
    for (rc_store_pub *p = head; p; p = p->next)
        if (same_target(p, st, key)) last = p;
    return last;
}

void rc_store_pub_free(rc_store_pub *p) {
    free(p->key);
    free(p->arg);
    rc_value_free(&p->value);
    free(p);
}

void rc_store_pub_enqueue(rc_store_pub *p) {
    pthread_mutex_lock(&lock);
    if (p->kind == RC_PUB_SET) {
        rc_store_pub *last = last_for(p->store, p->key);
        if (last && last->kind == RC_PUB_SET) {
            rc_value old = last->value;
            last->value = p->value; /* last value wins, in its place */
            pthread_mutex_unlock(&lock);
            rc_value_free(&old);
            p->value = (rc_value){0};
            rc_store_pub_free(p);
            return;
        }
    }
    bool was_empty = head == NULL;
    if (tail) tail->next = p;
    else head = p;
    tail = p;
    void (*wake)(void *) = wake_fn;
    void *arg = wake_arg;
    pthread_mutex_unlock(&lock);
    if (was_empty && wake) wake(arg);
}

rc_store_pub *rc_store_pub_take(void) {
    pthread_mutex_lock(&lock);
    rc_store_pub *list = head;
    head = tail = NULL;
    pthread_mutex_unlock(&lock);
    return list;
}

void rc_store_pub_forget(rc_store *st) {
    pthread_mutex_lock(&lock);
    rc_store_pub **link = &head, *last = NULL;
    while (*link) {
        rc_store_pub *p = *link;
        if (p->store == st) {
            *link = p->next;
            rc_store_pub_free(p);
            continue;
        }
        last = p;
        link = &p->next;
    }
    tail = last;
    pthread_mutex_unlock(&lock);
}
