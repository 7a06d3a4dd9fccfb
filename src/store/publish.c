/*
 * Thread-safe publishing into stores (reactc.h, rc_store_publish_*): other
 * threads queue writes under a mutex and wake the loop; the loop thread
 * applies them in rc_store_drain (the server calls it from its wake-up
 * watcher), each committed at once, so a compare-and-set sees the
 * previous one's result. Renders still batch: committing only marks
 * readers dirty, and the loop flushes each session once afterwards.
 * What is queued and how plain sets merge: queue.c.
 */
#include <string.h>

#include "store/stats.h"
#include "store/store.h"
#include "util/alloc.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

static rc_store_pub *new_pub(rc_pub_kind kind, rc_store *st, const char *key) {
    rc_store_pub *p = rc_xcalloc(1, sizeof *p);
    p->kind = kind;
    p->store = st;
    p->key = key ? rc_xstrdup(key) : NULL;
    return p;
}

/* Kind and shape checks read only what is fixed at creation, so they are
 * safe on the publishing thread. */
static bool target_ok(const rc_store *st, const char *key, const rc_value *v) {
    if (!st) return false;
    if (key) {
        if (st->collection) return true;
        rc_log(NULL, RC_LOG_ERROR, "rc_store_publish: store \"%s\" is not a collection", st->name);
        return false;
    }
    return v ? rc_store_accepts(st, v) : !st->collection;
}

int rc_store_publish_value(rc_store *st, const rc_value *v) {
    static const rc_value null_value;
    if (!v) v = &null_value;
    if (!target_ok(st, NULL, v)) return -1;
    rc_store_pub *p = new_pub(RC_PUB_SET, st, NULL);
    rc_value_copy(&p->value, v);
    rc_store_pub_enqueue(p);
    return 0;
}

int rc_store_publish_int(rc_store *st, int64_t v) {
    return rc_store_publish_value(st, &(rc_value){.kind = RC_INT, .as.i = v});
}

int rc_store_publish_float(rc_store *st, double v) {
    return rc_store_publish_value(st, &(rc_value){.kind = RC_FLOAT, .as.f = v});
}

int rc_store_publish_bool(rc_store *st, bool v) {
    return rc_store_publish_value(st, &(rc_value){.kind = RC_BOOL, .as.b = v});
}

int rc_store_publish_item(rc_store *st, const char *key, const rc_value *v) {
    static const rc_value null_value;
    if (!key || !target_ok(st, key, NULL)) return -1;
    rc_store_pub *p = new_pub(RC_PUB_SET, st, key);
    rc_value_copy(&p->value, v ? v : &null_value);
    rc_store_pub_enqueue(p);
    return 0;
}

int rc_store_publish_update(rc_store *st, const char *key, rc_update_fn fn, const void *arg,
                            size_t arg_size) {
    if (!fn || (key ? !target_ok(st, key, NULL) : !target_ok(st, NULL, NULL))) return -1;
    rc_store_pub *p = new_pub(RC_PUB_UPDATE, st, key);
    p->fn = fn;
    p->arg = arg_size ? rc_xmemdup(arg, arg_size) : NULL;
    rc_store_pub_enqueue(p);
    return 0;
}

int rc_store_publish_cas(rc_store *st, const char *key, uint64_t version, const rc_value *v,
                         rc_store_done_fn done, void *user) {
    static const rc_value null_value;
    if (!v) v = &null_value;
    if (key ? !target_ok(st, key, NULL) : !target_ok(st, NULL, v)) return -1;
    rc_store_pub *p = new_pub(RC_PUB_CAS, st, key);
    rc_value_copy(&p->value, v);
    p->expect = version;
    p->done = done;
    p->user = user;
    rc_store_pub_enqueue(p);
    return 0;
}

/* ---- the loop thread ---------------------------------------------------- */

/* An update read the value it edits: shared through Redis it is a
 * compare-and-set, refused when another process changed the value
 * meanwhile. It is then run again on the value as it is now (the refusal
 * refreshes it), up to RC_PUB_UPDATE_TRIES times; in memory it never is. */
#define RC_PUB_UPDATE_TRIES 8

static bool alive(const rc_store *st) {
    for (const rc_store *s = rc_store_first(); s; s = s->next)
        if (s == st) return true;
    return false;
}

static void run_update(rc_store_pub *p);

static void update_decided(int status, void *user) {
    rc_store_pub *p = user;
    if (status == 0 || !alive(p->store)) {
        rc_store_pub_free(p);
        return;
    }
    if (++p->tries >= RC_PUB_UPDATE_TRIES) {
        rc_log(NULL, RC_LOG_WARN,
               "rc_store_publish_update: store \"%s\": refused %d times (other writers kept "
               "changing the value); given up",
               p->store->name, p->tries);
        rc_store_pub_free(p);
        return;
    }
    run_update(p);
}

/* Owns p from now on. */
static void run_update(rc_store_pub *p) {
    rc_scope_begin();
    int rc = p->key ? rc_store_update_item(p->store, p->key, p->fn, p->arg)
                    : rc_store_update(p->store, p->fn, p->arg);
    if (rc == 0) rc_store_batch_on_done(update_decided, p);
    rc_scope_end(NULL, 0);
    if (rc != 0) rc_store_pub_free(p);
}

/* A compare-and-set checks the version here, and again where the store
 * is shared (Redis), whose answer is the one its completion gets. */
static void run_cas(rc_store_pub *p) {
    rc_store *st = p->store;
    rc_store_item *it = p->key ? rc_store_find_item(st, p->key) : NULL;
    uint64_t now = p->key ? (it ? it->version : 0) : st->version;
    if (now != p->expect || (!p->key && !rc_store_accepts(st, &p->value))) {
        rc_store_stats_refused();
        if (p->done) p->done(-1, p->user);
        return;
    }
    rc_scope_begin();
    rc_store_stage(st, p->key, &p->value, false, p->expect, RC_WRITE_CAS, 0);
    if (p->done) rc_store_batch_on_done(p->done, p->user);
    rc_scope_end(NULL, 0);
}

/* Whether p was kept (an update waiting for its verdict). */
static bool apply(rc_store_pub *p) {
    rc_store *st = p->store;
    switch (p->kind) {
    case RC_PUB_SET:
        if (p->key) rc_store_set_item(st, p->key, &p->value);
        else rc_store_set_value(st, &p->value);
        break;
    case RC_PUB_UPDATE: run_update(p); return true;
    case RC_PUB_CAS: run_cas(p); break;
    }
    return false;
}

size_t rc_store_drain(void) {
    rc_store_pub *list = rc_store_pub_take();
    size_t n = 0;
    /* Each write commits on its own (a compare-and-set reads
     * the previous one's result); readers render once, at the flush. */
    while (list) {
        rc_store_pub *next = list->next;
        if (!apply(list)) rc_store_pub_free(list);
        list = next;
        n++;
    }
    return n;
}
