/*
 * A build without Redis (RC_WITH_REDIS=OFF, docs/size.md): no server has
 * s->redis, so no token is ever stored as a session's newest snapshot;
 * tokens are confirmed by the client holding them, as without --redis.
 */
#include <stdio.h>

#include "server/session.h"

void rc_session_snapshot_key(const rc_server *s, const char *id_text, char *key, size_t cap) {
    snprintf(key, cap, "%ssnap:%s", s->redis_prefix, id_text);
}

void rc_session_snapshot_store(rc_session *se, const char *token, size_t len, uint64_t version,
                               uint64_t last_seq, rc_snapshot_confirm_fn confirm) {
    (void)se;
    (void)token;
    (void)len;
    (void)version;
    (void)last_seq;
    (void)confirm;
}
