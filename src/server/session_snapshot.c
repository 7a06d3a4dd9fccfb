/*
 * With --redis, each session's newest snapshot (docs/resume.md, "With
 * Redis: the newest snapshot").
 *
 * Whenever a token is sealed (paced by token_interval_ms already) it is
 * also stored in Redis, at <prefix>snap:<session id>, as a hash {v: version,
 * t: token} expiring with the token ttl. Redis holds only the sealed token:
 * encrypted and authenticated as the client's copy is, so a snapshot read
 * back is opened and checked like any token (session_resume.c). A resume
 * takes the newer of the client's token and this snapshot, so a client
 * cannot roll its session back with an older token, and a token lost in
 * transit during a kill -9 does not strand it.
 *
 * A session too big for a token (by_ref) keeps its state only here: the
 * client then holds a reference token, sent once Redis confirmed the
 * snapshot it names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "redis/conn.h"
#include "server/session.h"
#include "util/alloc.h"

/* Replaces the stored snapshot only with a newer version, so two processes
 * racing (a stale copy sealing late, a tab resumed twice) never move it
 * backwards. Versions continue across resumes (a resumed session seals
 * from the version it was restored at), so they are monotonic per session
 * id across processes. Returns 1 when stored, 0 when a newer or equal one
 * was kept. */
static rc_redis_script store_script = {"local v = tonumber(redis.call('HGET', KEYS[1], 'v'))\n"
                                       "if v and v >= tonumber(ARGV[1]) then return 0 end\n"
                                       "redis.call('HSET', KEYS[1], 'v', ARGV[1], 't', ARGV[2])\n"
                                       "redis.call('EXPIRE', KEYS[1], ARGV[3])\n"
                                       "return 1\n",
                                       ""};

/* One write in flight. The session is named by id, never pointed at: it
 * may be gone when Redis answers. */
typedef struct store_req {
    rc_server *server;
    unsigned char id[RC_SESSION_ID_BYTES];
    uint64_t version, last_seq;
    bool confirm;
} store_req;

/* Redis holds version v (or newer): a session past max_token can give its
 * client a reference to it, and the events it holds are the client's to
 * forget. A newer full token sent since (the state shrank) needs none. */
static void confirmed(rc_session *se, uint64_t version, uint64_t last_seq) {
    if (version <= se->ref_version) return;
    se->ref_version = version;
    se->ref_seq = last_seq;
    if (!se->by_ref || !se->wsi || se->closing || !se->started || se->base) return;
    rc_buf *b = rc_session_msg_begin(se->server);
    rc_jw_raw(b, "{\"type\":\"token\"");
    rc_session_write_reference(se, b);
    rc_session_write_token_seq(se, b);
    rc_buf_putc(b, '}');
    rc_session_msg_send(se, b);
}

static void on_stored(void *user, const redisReply *reply) {
    store_req *q = user;
    rc_server *s = q->server;
    bool ok = reply && reply->type == REDIS_REPLY_INTEGER;
    if (!ok) {
        s->metrics.snapshots[RC_SNAPSHOT_FAILED]++;
        rc_srv_log(s, RC_LOG_DEBUG, "redis: snapshot write failed (%s)",
                   !reply                             ? "connection lost"
                   : reply->type == REDIS_REPLY_ERROR ? reply->str
                                                      : "unexpected reply");
    } else {
        s->metrics.snapshots[reply->integer == 1 ? RC_SNAPSHOT_WRITTEN : RC_SNAPSHOT_KEPT]++;
        rc_session *se = q->confirm ? rc_session_find(s, q->id) : NULL;
        if (se) confirmed(se, q->version, q->last_seq);
    }
    free(q);
}

void rc_session_snapshot_key(const rc_server *s, const char *id_text, char *key, size_t cap) {
    snprintf(key, cap, "%ssnap:%s", s->redis_prefix, id_text);
}

void rc_session_snapshot_store(rc_session *se, const char *token, size_t len, uint64_t version,
                               uint64_t last_seq, bool confirm) {
    rc_server *s = se->server;
    if (!s->redis || se->base) return;
    rc_redis_add_script(s->redis, &store_script); /* once; later calls find it */
    char key[256], ver[24], ttl[16];
    rc_session_snapshot_key(s, se->id_text, key, sizeof key);
    snprintf(ver, sizeof ver, "%llu", (unsigned long long)version);
    snprintf(ttl, sizeof ttl, "%u", s->cfg.token_ttl);
    const char *argv[] = {key, ver, token, ttl};
    size_t lens[] = {strlen(key), strlen(ver), len, strlen(ttl)};
    store_req *q = rc_xmalloc(sizeof *q);
    *q = (store_req){s, {0}, version, last_seq, confirm};
    memcpy(q->id, se->id, RC_SESSION_ID_BYTES);
    if (rc_redis_eval(s->redis, &store_script, on_stored, q, 1, 4, argv, lens) < 0) {
        s->metrics.snapshots[RC_SNAPSHOT_FAILED]++;
        rc_srv_log(s, RC_LOG_DEBUG, "session %s: snapshot not stored: redis is down", se->log_id);
        free(q);
    }
}
