/*
 * Exactly-once marks (marks.h): a hash index by session id and a list in
 * the order of the last raise, so expiry drops from the oldest end in O(1)
 * per mark and a lookup is one hash probe.
 */
#include "store/marks.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"

rc_marks rc_store_memory_marks;
static bool memory_ready;
static rc_marks *domains;
/* The token ttl's default (rc_app.token_ttl): a mark must outlive every
 * token that does not hold its seq yet. */
static uint32_t ttl = 24 * 3600;

void rc_store_marks_set_ttl(uint32_t seconds) { ttl = seconds; }
uint32_t rc_store_marks_ttl(void) { return ttl; }

void rc_marks_init(rc_marks *m) {
    memset(m, 0, sizeof *m);
    rc_map_init(&m->index);
    m->next_domain = domains;
    domains = m;
}

static void ensure_memory(void) {
    if (memory_ready) return;
    rc_marks_init(&rc_store_memory_marks);
    memory_ready = true;
}

static rc_mark *find(const rc_marks *m, const char *session, uint64_t h) {
    for (rc_mark *k = rc_map_get(&m->index, h); k; k = k->hash_next)
        if (strcmp(k->session, session) == 0) return k;
    return NULL;
}

static void unlink_order(rc_marks *m, rc_mark *k) {
    if (k->older) k->older->newer = k->newer;
    else m->oldest = k->newer;
    if (k->newer) k->newer->older = k->older;
    else m->newest = k->older;
    k->older = k->newer = NULL;
}

/* Into the order list by `at`: nearly always at the newest end (a raise is
 * now; a file is written oldest first). */
static void link_order(rc_marks *m, rc_mark *k) {
    rc_mark *after = m->newest;
    while (after && after->at > k->at) after = after->older;
    k->older = after;
    k->newer = after ? after->newer : m->oldest;
    if (k->newer) k->newer->older = k;
    else m->newest = k;
    if (after) after->newer = k;
    else m->oldest = k;
}

static void drop(rc_marks *m, rc_mark *k) {
    unlink_order(m, k);
    rc_mark *first = rc_map_get(&m->index, k->hash);
    if (first == k) {
        if (k->hash_next) rc_map_put(&m->index, k->hash, k->hash_next);
        else rc_map_del(&m->index, k->hash);
    } else {
        while (first->hash_next != k) first = first->hash_next;
        first->hash_next = k->hash_next;
    }
    m->count--;
    free(k->session);
    free(k);
}

void rc_marks_expire(rc_marks *m, int64_t now) {
    while (m->oldest && m->oldest->at + (int64_t)ttl < now) drop(m, m->oldest);
}

uint64_t rc_marks_get(const rc_marks *m, const char *session) {
    if (m == &rc_store_memory_marks) ensure_memory();
    const rc_mark *k = find(m, session, rc_hash_str(RC_HASH_SEED, session));
    return k ? k->seq : 0;
}

bool rc_marks_raise(rc_marks *m, const char *session, uint64_t seq, int64_t at) {
    if (m == &rc_store_memory_marks) ensure_memory();
    rc_marks_expire(m, at);
    uint64_t h = rc_hash_str(RC_HASH_SEED, session);
    rc_mark *k = find(m, session, h);
    if (k && k->seq >= seq) return false;
    if (k) {
        unlink_order(m, k);
    } else {
        k = rc_xcalloc(1, sizeof *k);
        k->session = rc_xstrdup(session);
        k->hash = h;
        k->hash_next = rc_map_get(&m->index, h);
        rc_map_put(&m->index, h, k);
        m->count++;
    }
    k->seq = seq;
    k->at = at;
    k->unsaved = m->persisted;
    link_order(m, k);
    return true;
}

static bool (*shared_in_flight)(const char *session);
static void (*shared_inherit)(const char *from, const char *to);

void rc_store_set_shared_marks(bool (*in_flight)(const char *session),
                               void (*inherit)(const char *from, const char *to)) {
    shared_in_flight = in_flight;
    shared_inherit = inherit;
}

bool rc_store_in_flight(const char *session) {
    return session && shared_in_flight && shared_in_flight(session);
}

bool rc_store_marks_unsaved(const char *session) {
    if (!session) return false;
    if (shared_in_flight && shared_in_flight(session)) return true;
    uint64_t h = rc_hash_str(RC_HASH_SEED, session);
    for (const rc_marks *m = domains; m; m = m->next_domain) {
        const rc_mark *k = m->persisted ? find(m, session, h) : NULL;
        if (k && k->unsaved) return true;
    }
    return false;
}

void rc_marks_saved(rc_marks *m) {
    for (rc_mark *k = m->oldest; k; k = k->newer) k->unsaved = false;
}

static void (*saved_fn)(void *arg);
static void *saved_arg;

void rc_store_set_saved(void (*fn)(void *arg), void *arg) {
    saved_fn = fn;
    saved_arg = arg;
}

void rc_store_saved(void) {
    if (saved_fn) saved_fn(saved_arg);
}

void rc_marks_foreach(const rc_marks *m, void (*fn)(void *user, const rc_mark *mark), void *user) {
    for (const rc_mark *k = m->oldest; k; k = k->newer) fn(user, k);
}

void rc_marks_free(rc_marks *m) {
    while (m->oldest) drop(m, m->oldest);
    rc_map_free(&m->index);
    for (rc_marks **pp = &domains; *pp; pp = &(*pp)->next_domain)
        if (*pp == m) {
            *pp = m->next_domain;
            break;
        }
    if (m == &rc_store_memory_marks) memory_ready = false;
}

void rc_store_marks_inherit(const char *from, const char *to) {
    if (!from || !to || strcmp(from, to) == 0) return;
    if (shared_inherit) shared_inherit(from, to);
    ensure_memory();
    int64_t now = (int64_t)time(NULL);
    for (rc_marks *m = domains; m; m = m->next_domain) {
        uint64_t seq = rc_marks_get(m, from);
        if (seq && rc_marks_raise(m, to, seq, now) && m->on_inherit) m->on_inherit(m);
    }
}
