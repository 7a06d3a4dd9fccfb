/*
 * Store backends: who decides a batch of store writes. The in-memory one
 * (memory.c) applies it at once and says so. The one that shares stores
 * between processes (src/redis/stores.c, installed with --redis through
 * rc_store_set_backend) sends the batch with each write's base version and
 * mode, applies it when confirmed, refuses it when a value it read moved
 * meanwhile, and applies other processes' committed changes as they arrive
 * (rc_store_apply_value_at / _item_at); attach lets it see every store.
 */
#ifndef RC_STORE_BACKEND_H
#define RC_STORE_BACKEND_H

#include "store/store.h"

struct rc_store_backend {
    const char *name;
    /* A store was created / is being freed. */
    void (*attach)(rc_store_backend *b, rc_store *st);
    void (*detach)(rc_store_backend *b, rc_store *st);
    /* Takes the batch (owned from now on) and, now or later on the loop
     * thread, applies it or not and calls rc_store_batch_finish. A
     * backend that decides later must also hold rc_store_free of a store
     * in flight until then (detach). Exactly once (marks.h): a batch with
     * a session (an event's) skips its writes when that session's mark is
     * at or above batch->seq and raises the mark with the writes, as one
     * step: the in-memory backend in one loop step, a Redis backend in the
     * same script as the writes (the mark a key per session id, with the
     * token ttl as its expiry). */
    void (*commit)(rc_store_backend *b, rc_store_batch *batch);
};

/* memory.c: the default backend (and the one for local stores). */
extern rc_store_backend rc_store_memory;

#endif
