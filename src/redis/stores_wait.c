/*
 * The one place the Redis backend waits (stores.h): a first tree must
 * carry a token (a resume, a re-attach; server/session_tokens.c), and that
 * token holds every event up to the session's last seq, including ones
 * whose batches are still at Redis (a resume replays the client's events
 * just before its first tree). The client forgets what a token holds, so a
 * kill -9 before Redis answered would lose those writes. A persisted file
 * is written at once there (rc_store_save_now); the Redis backend instead
 * sends every batch in flight again, in order, on a blocking connection
 * and waits for each answer (one round trip each, loopback: well under a
 * millisecond; at most 0.5 s per batch when Redis hangs). Each batch keeps
 * its identity, so whichever copy runs second is "replayed": the async
 * reply still decides the batch, and the first copy's change is applied
 * here at once, so the token's tree shows it.
 *
 * When Redis cannot be reached this way either (an outage), the token is
 * sealed anyway, holding events Redis has not confirmed: the one case a
 * kill -9 right then can lose a write (docs/guide/shared-state.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

#include "redis/stores_impl.h"
#include "redis/stores_script.h"
#include "util/alloc.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

/* IP literals and Unix sockets only (url.c): the connect never blocks on
 * a name lookup; the timeout bounds connect, reads and writes. */
static redisContext *sync_connect(const rc_rstores *rs) {
    struct timeval tv = {0, 500000};
    redisContext *c = rs->url.is_unix ? redisConnectUnixWithTimeout(rs->url.path, tv)
                                      : redisConnectWithTimeout(rs->url.host, rs->url.port, tv);
    if (!c || c->err) {
        if (c) redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, tv);
    bool ok = true;
    if (rs->url.password) {
        redisReply *r = redisCommand(c, "AUTH %s", rs->url.password);
        ok = r && r->type != REDIS_REPLY_ERROR;
        if (r) freeReplyObject(r);
    }
    if (ok && rs->url.db) {
        redisReply *r = redisCommand(c, "SELECT %d", rs->url.db);
        ok = r && r->type != REDIS_REPLY_ERROR;
        if (r) freeReplyObject(r);
    }
    if (!ok) {
        redisFree(c);
        return NULL;
    }
    return c;
}

void rc_rstores_sync_close(rc_rstores *rs) {
    if (rs->sync) redisFree(rs->sync);
    rs->sync = NULL;
}

/* One batch by EVAL (this connection never loaded the script); whether it
 * got an answer. */
static bool confirm(rc_rstores *rs, rc_rflight *f) {
    size_t n = (size_t)f->argc + 3;
    const char **argv = rc_xmalloc(n * sizeof *argv);
    size_t *lens = rc_xmalloc(n * sizeof *lens);
    char nk[16];
    snprintf(nk, sizeof nk, "%d", f->nkeys);
    argv[0] = "EVAL";
    argv[1] = rc_rstore_commit_script.text;
    argv[2] = nk;
    for (size_t i = 0; i < 3; i++) lens[i] = strlen(argv[i]);
    size_t off = 0;
    for (size_t i = 0; i < (size_t)f->argc; i++) {
        argv[i + 3] = f->args.data + off;
        lens[i + 3] = f->lens[i];
        off += f->lens[i];
    }
    redisReply *r = redisCommandArgv(rs->sync, (int)n, argv, lens);
    free(argv);
    free(lens);
    if (!r) return false;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
        r->element[0]->type == REDIS_REPLY_STRING && strcmp(r->element[0]->str, "ok") == 0 &&
        r->element[1]->type == REDIS_REPLY_STRING) {
        rc_rstores_apply_change(rs, r->element[1]->str, r->element[1]->len);
        f->confirmed = true;
    }
    freeReplyObject(r);
    return true;
}

void rc_rstores_confirm_now(void) {
    rc_rstores *rs = rc_rstores_active();
    if (!rs || !rs->head) return;
    /* Down (an outage): it would only wait for its timeout. */
    if (!rs->sync && rs->ready) rs->sync = sync_connect(rs);
    bool ok = rs->sync != NULL;
    size_t n = 0;
    /* All of them, in order (they are idempotent): a later one may depend
     * on an earlier one's write. */
    for (rc_rflight *f = rs->head; ok && f; f = f->next, n++) ok = confirm(rs, f);
    if (ok) {
        rc_log(NULL, RC_LOG_INFO, "stores: %zu batch(es) at Redis confirmed before a token", n);
        return;
    }
    rc_rstores_sync_close(rs);
    rc_log(NULL, RC_LOG_WARN,
           "stores: a first tree's token was sealed before Redis confirmed its events' writes "
           "(Redis not answering)");
}
