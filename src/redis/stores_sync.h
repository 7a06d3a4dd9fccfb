/*
 * The Redis backend's view of other processes' writes (stores_sync.c):
 * the subscriber's changes and the full read. Called by stores.c only.
 */
#ifndef RC_REDIS_STORES_SYNC_H
#define RC_REDIS_STORES_SYNC_H

#include "redis/stores_state.h"

/* The subscriber's message (rc_redis_message_fn). */
void rc_rstores_on_message(void *owner, const char *msg, size_t len);
/* The messages held during a read: applied (apply) or dropped. */
void rc_rstores_drop_held(rc_rstores *rs, bool apply);
/* Applies a change (a commit's reply or a message) by version. */
void rc_rstores_apply_change(rc_rstores *rs, const char *msg, size_t len);
/* Reads the shared stores (only: n of them; NULL: all, seeding what is
 * missing) and applies them as the truth; a full read makes the process
 * ready (rs->became_ready, then rs->on_ready). */
void rc_rstores_read(rc_rstores *rs, rc_store *const *only, size_t n);
/* The live shared store whose hash key is hash, or NULL. */
rc_store *rc_rstores_find(const rc_rstores *rs, const char *hash, size_t len);

#endif
