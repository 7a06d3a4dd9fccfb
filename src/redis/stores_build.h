/*
 * The commands the Redis backend keeps and sends (stores_build.c).
 */
#ifndef RC_REDIS_STORES_BUILD_H
#define RC_REDIS_STORES_BUILD_H

#include "redis/stores_state.h"

/* A batch's commit (stores_script.h, rc_rstore_commit_script): an event's
 * under its session's mark and refused set, any other under this process's
 * nonce and the next batch number. */
rc_rflight *rc_rflight_commit(rc_rstores *rs, rc_store_batch *b);
/* A duplicated tab's mark copy, from -> to (rc_rstore_inherit_script). */
rc_rflight *rc_rflight_inherit(rc_rstores *rs, const char *from, const char *to);
/* Frees one (not its batch). */
void rc_rflight_free(rc_rflight *f);

#endif
