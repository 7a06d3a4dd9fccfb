/*
 * Stores shared through Redis (docs/guide/shared-state.md, "Across
 * processes (Redis)"): the store backend (store/backend.h) the server
 * installs with --redis. Keys, scripts and encodings: stores_script.h.
 *
 *   stores.c       the backend: commit (one Lua script per batch), the
 *                  batches in flight or waiting, their replies, outages
 *   stores_sync.c  the subscriber's changes and the full read that makes
 *                  the process ready after a start or a reconnect
 *   stores_state.h the state both share (calls go stores.c -> stores_sync.c)
 */
#ifndef RC_REDIS_STORES_H
#define RC_REDIS_STORES_H

#include <stdbool.h>

#include "reactc_layout.h"
#include "redis/conn.h"

typedef struct rc_rstores rc_rstores;

/* Called on the loop thread when the stores become ready (the first full
 * read after a start or reconnect is applied) or stop being ready. */
typedef void (*rc_rstores_ready_fn)(void *arg, bool ready);

/* Installs the Redis backend for every store, sending commits on cmd (an
 * up-or-not command connection the caller owns and reports through
 * rc_rstores_cmd_health) and subscribing on a connection of its own to
 * url. prefix: the app's key prefix. NULL with a message in err when this
 * build has no Redis. */
rc_rstores *rc_rstores_start(struct ev_loop *loop, rc_redis *cmd, const rc_redis_url *url,
                             const char *prefix, rc_rstores_ready_fn ready, void *arg, char *err,
                             size_t errlen);
/* fn(arg, layout) when an event's batch meets the bound on batches kept
 * (Redis away too long): the server closes that layout's session with 1013
 * so its client sends the event again later; the batch is dropped. */
void rc_rstores_set_full(rc_rstores *rs, void (*fn)(void *arg, rc_layout *layout), void *arg);
/* The command connection went up or down. */
void rc_rstores_cmd_health(rc_rstores *rs, bool up);
/* Whether every store holds Redis' values (ready) and batches are taken. */
bool rc_rstores_ready(const rc_rstores *rs);
/* How many stores are shared through it (not local). */
size_t rc_rstores_count(const rc_rstores *rs);
/* Restores the in-memory backend; batches in flight are refused (-1). */
void rc_rstores_stop(rc_rstores *rs);

#endif
