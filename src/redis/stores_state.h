/*
 * The Redis store backend's state (stores.h), plain data: what stores.c
 * (the commit path) and stores_sync.c (the subscriber and the full read)
 * share. Calls go one way, stores.c -> stores_sync.c; where the lower file
 * must tell the higher one something (the process became ready) it calls
 * a function pointer stores.c put here.
 */
#ifndef RC_REDIS_STORES_STATE_H
#define RC_REDIS_STORES_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redis/conn.h"
#include "store/backend.h"
#include "util/buf.h"

typedef struct rc_rstores rc_rstores;

/* What the Redis backend keeps and sends, in order, on the command
 * connection: a batch's commit (batch set) or a duplicated tab's mark copy
 * (batch NULL). Its EVALSHA arguments are kept, so one whose reply was
 * lost (the connection dropped: it may or may not have run) is sent again
 * after the reconnect with the same identity, and its mark makes the
 * second run a no-op if the first ran. One not sent yet (sent false) waits
 * for the connection, or, for an event's batch, for the process to be
 * ready (docs/guide/shared-state.md, "Across processes (Redis)"). */
typedef struct rc_rflight {
    struct rc_rflight *next, *prev;
    rc_store_batch *batch; /* NULL: a mark copy */
    rc_redis_script *script;
    char *session; /* whose render and token wait for it, or NULL */
    rc_buf args;   /* argc arguments back to back */
    size_t *lens;
    int argc, nkeys;
    bool sent; /* on the current connection, its reply to come */
    int sends; /* how often sent: a second send follows a lost reply */
} rc_rflight;

/* A message held while a full read is in flight (applied after it). */
typedef struct rc_rheld {
    struct rc_rheld *next;
    size_t len;
    char msg[];
} rc_rheld;

struct rc_rstores {
    rc_store_backend base; /* first: the vtable batch.c calls */
    struct ev_loop *loop;
    rc_redis *cmd, *sub;
    bool cmd_up, sub_up;
    bool ready;        /* Redis' values are here: batches are taken */
    bool reading;      /* a full read (or a refresh) in flight */
    bool refused_said; /* this outage's refusal was logged */
    bool full_said;    /* the bound on waiting batches was logged */
    bool ever_ready;   /* the first full read after the start was applied */
    char prefix[160];  /* reactc:<app_id>: */
    char channel[200]; /* <prefix>changes */
    rc_rflight *head, *tail;
    size_t nflights, flight_bytes;
    rc_rheld *held, *held_tail;
    size_t nshared;
    /* The server's: the stores became ready or stopped being ready. */
    void (*on_ready)(void *arg, bool ready);
    void *ready_arg;
    /* The server's: an event's batch met the bound (closes its session). */
    void (*on_full)(void *arg, rc_layout *layout);
    void *full_arg;
    /* stores.c's: a full read made the process ready (stores_sync.c). */
    void (*became_ready)(rc_rstores *rs);
};

/* Bounds on the batches kept (in flight, or waiting for the process to be
 * ready): past them a batch that is not an event's is refused (-1), and
 * an event's session is closed (1013) for its client to send it again. */
#define RC_RSTORES_MAX_FLIGHTS 10000
#define RC_RSTORES_MAX_BYTES   (16u << 20)

/* Whether st is shared through Redis. */
static inline bool rc_rstores_shared(const rc_store *st) { return !st->local; }

#endif
