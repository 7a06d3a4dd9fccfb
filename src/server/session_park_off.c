/*
 * A build without Redis (RC_WITH_REDIS=OFF, docs/size.md): no server has
 * s->redis, so a resuming hello never waits for a snapshot in Redis; it
 * goes on at once with its token (session_resume.c), as without --redis.
 */
#include "server/session.h"

bool rc_session_park_hello(rc_session *se, const rc_message *m, const char *hello, size_t len,
                           rc_snap_status *status) {
    (void)se;
    (void)m;
    (void)hello;
    (void)len;
    *status = RC_SNAP_NOT_ASKED;
    return false;
}
