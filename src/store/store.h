/*
 * Stores: app-level shared values (reactc.h, "Stores"), in their own layer
 * above the core: a store's values and items are read-tracked sources
 * (core/track.h), so a committed change marks exactly their readers dirty
 * in whatever layouts they live, and the server's pending list flushes
 * them. The store layer knows nothing of sessions or sockets (it does not
 * include src/server); the server calls into it (publish.c's drain) and
 * the core calls it when a write scope ends (batch.c).
 *
 * From the ground up (a file calls only files listed before it; batch.c
 * reaches the backend and stores reach their backend through its vtable):
 *
 *   batch.c    the batch of staged writes: own-write reads, handing it to
 *              the backend, completions, the end of a write scope
 *   queue.c    writes published by other threads, waiting for the loop
 *   store.c    the registry, value stores: create, free, read, stage, apply
 *   items.c    keyed collections: the index, items, reads, stage, apply
 *   marks.c    exactly-once marks: per session id, the last event seq
 *              whose batch committed, per domain (memory, each file)
 *   persist.c  persisted stores: restore, debounced atomic writes
 *   memory.c   the in-memory backend: applies a batch at once, skipping
 *              a replayed event's writes and raising its marks
 *   publish.c  rc_store_publish_* (any thread) and rc_store_drain (loop)
 *
 * stats.c (counters for /metrics, stats.h) is called from batch.c,
 * publish.c and the backends, and calls nothing above util.
 *
 * A backend decides batches (backend.h): the in-memory one applies them at
 * once; one shared across processes (Redis) would send them, apply them
 * when confirmed (or refuse them) and apply other processes' changes as
 * they arrive, through the same rc_store_apply_* calls.
 */
#ifndef RC_STORE_STORE_H
#define RC_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/track.h"
#include "reactc_layout.h"
#include "util/hash.h"

typedef struct rc_store_item {
    char *key;
    uint64_t hash;
    rc_value value;
    uint64_t version;                /* increments on every committed change */
    uint64_t order;                  /* a shared backend's insertion order (0: local) */
    rc_source src;                   /* its readers */
    struct rc_store_item *hash_next; /* items whose keys hash alike */
} rc_store_item;

struct rc_store {
    char *name;
    bool collection;
    rc_kind kind;               /* value store: fixed kind, RC_NULL = any */
    const rc_struct_type *type; /* RC_STRUCT value stores */
    rc_value value;             /* value store */
    uint64_t version;           /* value store: value's; collection: keys' */
    rc_source src;              /* value readers, or readers of the keys */
    rc_store_item **items;      /* collection, insertion order */
    size_t nitems, items_cap;
    rc_map index;          /* key hash -> first item with it */
    uint32_t nstaged;      /* writes to it in the open batch */
    bool local;            /* rc_store_set_local: a per-process copy, on purpose */
    rc_store *prev, *next; /* the registry */
    /* Persisted (persist.c): its file and that file's exactly-once marks;
     * NULL: held in memory only, marks in rc_store_memory_marks. */
    struct rc_store_file *file;
    /* A shared backend's removals (key hash -> version + 1): a set older
     * than the removal, arriving after it, does not bring the item back. */
    rc_map tombs;
    bool tombs_ready;
};

/* One staged write: a value store's (key NULL) or an item's. base_version:
 * the version it was staged against, so a backend that shares stores can
 * refuse a batch whose values moved meanwhile (compare-and-set). */
/* How a write meets a shared backend's current value: a set (or removal)
 * wins whatever it holds now (last writer wins); a compare-and-set (an
 * update: the write read the value) applies only if the version is still
 * base_version, else the whole batch is refused; an add (rc_store_add_int)
 * adds delta to whatever the value is then, and never conflicts. */
typedef enum { RC_WRITE_SET, RC_WRITE_CAS, RC_WRITE_ADD } rc_write_mode;

typedef struct rc_store_write {
    rc_store *store;
    char *key;
    rc_value value; /* an add's: the sum as this process reads it */
    bool remove;
    uint64_t base_version;
    rc_write_mode mode;
    int64_t delta; /* an add's */
} rc_store_write;

typedef struct rc_store_done {
    rc_store_done_fn fn;
    void *user;
} rc_store_done;

/* The writes of one callback, and who to tell. layout and seq: whose
 * callback it was (NULL, 0: none in particular). session: a copy of that
 * layout's session id when it was an event's (seq > 0): the backend skips
 * the writes of an event at or below the session's mark and raises the
 * mark with the writes, as one step (marks.h; a shared backend in the same
 * transaction). */
typedef struct rc_store_batch {
    rc_store_write *writes;
    size_t nwrites, writes_cap;
    rc_store_done *done;
    size_t ndone, done_cap;
    rc_layout *layout;
    uint64_t seq;
    char *session;
    double handed_at; /* monotonic seconds: given to the backend (stats.h) */
} rc_store_batch;

/* ---- batch.c ---------------------------------------------------------- */

/* The open batch's write to (st, key) (key NULL: the value), or NULL. */
rc_store_write *rc_store_staged(const rc_store *st, const char *key);
/* Stages a write (v copied; remove: an item's removal; mode and delta:
 * rc_write_mode) and commits at once when no write scope is open. A second
 * write to the same value or item merges into the first: a set or removal
 * replaces it (an add after a set is a set of the sum), an add after an
 * add adds both, and a compare-and-set anywhere keeps the batch's first
 * base version and checks it. */
void rc_store_stage(rc_store *st, const char *key, const rc_value *v, bool remove,
                    uint64_t base_version, rc_write_mode mode, int64_t delta);
/* Drops the open batch's writes to st (st is being freed). */
void rc_store_unstage(rc_store *st);
/* Makes the core's write scopes commit the open batch (once per process,
 * when the first store is created). */
void rc_store_batch_init(void);
typedef struct rc_store_backend rc_store_backend;
rc_store_backend *rc_store_get_backend(void);
/* Makes b decide every batch from now on (NULL: the in-memory one) and
 * attaches every live store to it. */
void rc_store_set_backend(rc_store_backend *b);
/* A backend's verdict on a batch it was given: runs its completions and
 * frees it. */
void rc_store_batch_finish(rc_store_batch *b, int status);

/* ---- queue.c ---------------------------------------------------------- */

typedef enum { RC_PUB_SET, RC_PUB_UPDATE, RC_PUB_CAS } rc_pub_kind;

/* A write published from another thread: a set (value), an update (fn and
 * a copy of its arg bytes) or a compare-and-set (value, the version
 * expected, a completion). */
typedef struct rc_store_pub {
    struct rc_store_pub *next;
    rc_pub_kind kind;
    rc_store *store;
    char *key; /* NULL: the value */
    rc_value value;
    rc_update_fn fn;
    void *arg;
    uint64_t expect;
    rc_store_done_fn done;
    void *user;
    int tries; /* an update's runs refused by a conflict so far */
} rc_store_pub;

/* Queues p (owned by the queue from now on; a set may merge into the set
 * queued last for its value or item) and wakes the loop when the queue was
 * empty. Thread-safe. */
void rc_store_pub_enqueue(rc_store_pub *p);
/* Takes every queued write, oldest first (the loop thread). */
rc_store_pub *rc_store_pub_take(void);
void rc_store_pub_free(rc_store_pub *p);
/* Drops the queued writes to st (st is being freed). */
void rc_store_pub_forget(rc_store *st);

/* ---- store.c ---------------------------------------------------------- */

/* A value store: whether v may be set (logged if not). */
bool rc_store_accepts(const rc_store *st, const rc_value *v);
/* Applies a committed write to a value store: a different value is copied
 * in, the version moves and the readers are marked dirty. */
void rc_store_apply_value(rc_store *st, const rc_value *v);

/* The name of a live store not declared local, or persisted, or NULL: the
 * server refuses --workers N > 1 while there is one (workers.c). */
const char *rc_store_find_shared(void);
/* The live stores, newest first (rc_store.next links them). */
rc_store *rc_store_first(void);
/* A shared backend's value at version (from its server): applied only if
 * newer than the local one, unless force (a full read, which is the
 * truth). Readers are marked dirty only when the value differs. */
void rc_store_apply_value_at(rc_store *st, const rc_value *v, uint64_t version, bool force);

/* ---- items.c ---------------------------------------------------------- */

rc_store_item *rc_store_find_item(const rc_store *st, const char *key);
/* Applies a committed set (v) or removal (v NULL) of an item. */
void rc_store_apply_item(rc_store *st, const char *key, const rc_value *v);
/* A shared backend's item change at version (v NULL: removed), with the
 * item's insertion order: applied only if newer than the local item (or
 * than its removal), unless force (a full read). */
void rc_store_apply_item_at(rc_store *st, const char *key, const rc_value *v, uint64_t version,
                            uint64_t order, bool force);
/* Puts the items in their shared insertion order (a full read), marking
 * the keys' readers dirty if anything moved. */
void rc_store_sort_items(rc_store *st);
/* Forgets the removals remembered for out-of-order sets (a full read). */
void rc_store_clear_tombs(rc_store *st);
/* Frees every item (the store goes away). */
void rc_store_free_items(rc_store *st);

#endif
