/*
 * The batch of staged store writes (store.h). Stores belong to the loop
 * thread, so there is one open batch: the writes of the callback running
 * now. The core's write scope (core/track.h) opens around every handler,
 * effect, cleanup, timer and posted callback; when the outermost one ends,
 * the batch goes to the backend as one unit. A write made with no scope
 * open is a batch of its own, committed at once.
 *
 * One write per value or item: a second write to it in the same batch
 * replaces the first (the batch commits the final value), so a handler
 * that sets a value a hundred times sends one write and one render.
 */
#include <string.h>

#include "core/internal.h"
#include "store/backend.h"
#include "store/stats.h"
#include "util/alloc.h"

static rc_store_batch open_batch;
static bool end_hook_set;

/* The backend deciding batches: the in-memory one unless the server
 * installs a shared one (Redis, src/redis/stores.c). */
static rc_store_backend *backend = &rc_store_memory;

rc_store_backend *rc_store_get_backend(void) { return backend; }

void rc_store_set_backend(rc_store_backend *b) {
    backend = b ? b : &rc_store_memory;
    for (rc_store *st = rc_store_first(); st; st = st->next)
        if (backend->attach) backend->attach(backend, st);
}

static void free_write(rc_store_write *w) {
    free(w->key);
    rc_value_free(&w->value);
}

rc_store_write *rc_store_staged(const rc_store *st, const char *key) {
    for (size_t i = open_batch.nwrites; i-- > 0;) {
        rc_store_write *w = &open_batch.writes[i];
        if (w->store != st) continue;
        if (!key ? !w->key : w->key && strcmp(w->key, key) == 0) return w;
    }
    return NULL;
}

static rc_store_batch *take_open_batch(rc_layout *layout, uint64_t seq) {
    for (size_t i = 0; i < open_batch.nwrites; i++) open_batch.writes[i].store->nstaged = 0;
    rc_store_batch *b = rc_xmalloc(sizeof *b);
    *b = open_batch;
    b->layout = layout;
    b->seq = seq;
    /* Copied: a backend deciding later may outlive the layout. */
    b->session = layout && seq && layout->session_id ? rc_xstrdup(layout->session_id) : NULL;
    memset(&open_batch, 0, sizeof open_batch);
    return b;
}

/* Hands the open batch to the backend; whether it had writes. */
static bool commit(rc_layout *layout, uint64_t seq) {
    if (!open_batch.nwrites && !open_batch.ndone) return false;
    bool writes = open_batch.nwrites > 0;
    rc_store_batch *b = take_open_batch(layout, seq);
    rc_store_stats_handed(b);
    backend->commit(backend, b);
    return writes;
}

/* The core's end of the outermost write scope (core/track.h). */
static bool scope_ended(rc_layout *layout, uint64_t seq) { return commit(layout, seq); }

void rc_store_batch_init(void) {
    if (end_hook_set) return;
    rc_scope_set_end(scope_ended);
    end_hook_set = true;
}

/* A later write to a staged value or item (store.h, rc_store_stage). */
static void merge(rc_store_write *w, const rc_value *v, bool remove, rc_write_mode mode,
                  int64_t delta) {
    if (remove) rc_value_free(&w->value);
    else rc_value_copy(&w->value, v); /* an add's v is the sum already */
    w->remove = remove;
    if (mode == RC_WRITE_ADD && w->mode == RC_WRITE_ADD) w->delta += delta;
    else if (w->mode != RC_WRITE_CAS) w->mode = mode == RC_WRITE_ADD ? RC_WRITE_SET : mode;
}

void rc_store_stage(rc_store *st, const char *key, const rc_value *v, bool remove,
                    uint64_t base_version, rc_write_mode mode, int64_t delta) {
    rc_store_write *w = st->nstaged ? rc_store_staged(st, key) : NULL;
    if (w) {
        /* Keeps the first write's base version: the batch read that one. */
        merge(w, v, remove, mode, delta);
    } else {
        rc_store_batch *b = &open_batch;
        if (b->nwrites == b->writes_cap) {
            b->writes_cap = b->writes_cap ? b->writes_cap * 2 : 8;
            b->writes = rc_xrealloc(b->writes, b->writes_cap * sizeof *b->writes);
        }
        w = &b->writes[b->nwrites++];
        memset(w, 0, sizeof *w);
        w->store = st;
        w->key = key ? rc_xstrdup(key) : NULL;
        if (!remove) rc_value_copy(&w->value, v);
        w->remove = remove;
        w->base_version = base_version;
        w->mode = mode;
        w->delta = delta;
        st->nstaged++;
    }
    if (!rc_scope_is_open()) commit(NULL, 0);
}

void rc_store_unstage(rc_store *st) {
    size_t kept = 0;
    for (size_t i = 0; i < open_batch.nwrites; i++) {
        rc_store_write *w = &open_batch.writes[i];
        if (w->store == st) free_write(w);
        else open_batch.writes[kept++] = *w;
    }
    open_batch.nwrites = kept;
    st->nstaged = 0;
}

void rc_store_batch_finish(rc_store_batch *b, int status) {
    rc_store_stats_decided(b, status);
    for (size_t i = 0; i < b->nwrites; i++) free_write(&b->writes[i]);
    free(b->writes);
    free(b->session);
    /* Completions last: they may write again (a new batch). */
    for (size_t i = 0; i < b->ndone; i++) b->done[i].fn(status, b->done[i].user);
    free(b->done);
    free(b);
}

void rc_store_batch_on_done(rc_store_done_fn fn, void *user) {
    if (!fn) return;
    rc_store_batch *b = &open_batch;
    if (b->ndone == b->done_cap) {
        b->done_cap = b->done_cap ? b->done_cap * 2 : 4;
        b->done = rc_xrealloc(b->done, b->done_cap * sizeof *b->done);
    }
    b->done[b->ndone++] = (rc_store_done){fn, user};
    if (!rc_scope_is_open()) commit(NULL, 0);
}
