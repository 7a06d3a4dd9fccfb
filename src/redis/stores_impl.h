/*
 * What stores.c and stores_sync.c share (stores.h): the backend's state.
 */
#ifndef RC_REDIS_STORES_IMPL_H
#define RC_REDIS_STORES_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "redis/stores.h"
#include "store/backend.h"
#include "util/buf.h"

/* A batch sent (or to be sent again) to Redis: its EVALSHA arguments are
 * kept, so a batch whose reply was lost (the connection dropped: it may or
 * may not have run) is sent again after the reconnect with the same
 * identity, and its mark makes the second run a no-op if the first ran. */
typedef struct rc_rflight {
    struct rc_rflight *next, *prev;
    rc_store_batch *batch;
    rc_buf args; /* argc arguments back to back */
    size_t *lens;
    int argc, nkeys;
    bool sent;      /* on the current connection, its reply to come */
    bool confirmed; /* committed through rc_rstores_confirm_now */
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
    bool ever_ready;   /* the first full read after the start was applied */
    char prefix[160];  /* reactc:<app_id>: */
    char channel[200]; /* <prefix>changes */
    rc_rflight *head, *tail;
    size_t nflights, flight_bytes;
    rc_rheld *held, *held_tail;
    size_t nshared;
    rc_rstores_ready_fn on_ready;
    void *ready_arg;
    rc_redis_url url;          /* for the blocking connection (stores_wait.c) */
    struct redisContext *sync; /* that connection, opened when first needed */
};

/* Bounds on the batches kept across an outage; past them a batch is
 * refused (-1). */
#define RC_RSTORES_MAX_FLIGHTS 10000
#define RC_RSTORES_MAX_BYTES   (16u << 20)

/* stores_sync.c */
/* The subscriber's message (rc_redis_message_fn). */
void rc_rstores_on_message(void *owner, const char *msg, size_t len);
/* The subscriber went up or down (rc_redis_health_fn). */
void rc_rstores_sub_health(void *owner, bool up, const char *why);
/* Applies a change (a commit's reply or a message) by version. */
void rc_rstores_apply_change(rc_rstores *rs, const char *msg, size_t len);
/* Reads the shared stores (only: n of them; NULL: all, seeding what is
 * missing) and applies them as the truth; ready once it is done. */
void rc_rstores_read(rc_rstores *rs, rc_store *const *only, size_t n);
/* The live shared store whose hash key is hash, or NULL. */
rc_store *rc_rstores_find(const rc_rstores *rs, const char *hash, size_t len);
/* Whether st is shared through Redis. */
bool rc_rstores_shared(const rc_store *st);

/* stores_wait.c */
/* A first tree must carry a token now, and batches are in flight: each is
 * committed (or found committed) on a blocking connection first. */
void rc_rstores_confirm_now(void);
/* Closes the blocking connection. */
void rc_rstores_sync_close(rc_rstores *rs);

/* stores.c */
/* The installed backend (marks' hooks and the token's force path have no
 * user pointer). */
rc_rstores *rc_rstores_active(void);
/* Both connections are up: the batches kept are sent again, in order,
 * then the full read. */
void rc_rstores_resync(rc_rstores *rs);
/* Not ready any more (a connection dropped). */
void rc_rstores_unready(rc_rstores *rs, const char *why);

#endif
