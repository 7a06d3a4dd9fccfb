/*
 * A hello that names a session: re-attach, resume or start fresh.
 *
 * Whether the client's token may rebuild the session is decided in one
 * place, rc_resume_accept (src/resume/accept.c). Here only the choice:
 *   - the session is held here, detached (same process, grace period), the
 *     hello proves it comes from that session's tab (its secret, and a
 *     token that opens for it while the session issues tokens), and no
 *     authentic token says the tab lived on elsewhere since (a newer
 *     version): re-attach — nothing re-renders;
 *   - the token was accepted: resume — a new layout restored from it (into
 *     a new id while the held session keeps its own);
 *   - otherwise: a fresh session, the client told why (resume-failed).
 */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "resume/accept.h"
#include "resume/newest.h"
#include "core/host.h"
#include "server/session.h"
#include "store/marks.h"
#include "util/base64url.h"

/* The connection of shell `se` (a fresh session that only got a hello)
 * moves to the detached session `old`, which carries on. */
static rc_session *reattach(rc_session *se, rc_session *old, const rc_message *events, size_t n) {
    rc_server *s = se->server;
    rc_session_undetach(old);
    /* The hello's URL is not copied over the session's location: the
     * session may have navigated while the tab was away (a timer, a post),
     * and a client that comes back at another URL (typed, a deep link)
     * says so with an "@location" event among its held events, replayed
     * below in order (docs/guide/routing.md). */
    old->connections++;
    rc_layout_set_connection(old->layout,
                             &(rc_connection){old->connections, old->resumed_here, true});
    /* Apply what the client held that this session has not seen, render
     * what timers or navigations left pending while it is still detached
     * (the output goes nowhere), then attach and send the current tree:
     * what the client missed is unknowable. */
    rc_session_replay(old, events, n);
    if (old->pending) rc_session_flush(old);
    old->wsi = se->wsi;
    old->compact = se->compact; /* the connection's model form, not the session's */
    old->closing = false;
    se->wsi = NULL;
    rc_srv_log(s, RC_LOG_INFO, "session %s: re-attached", old->log_id);
    s->metrics.resumes[RC_RESUME_REATTACHED]++;
    rc_session_send_whole_tree(old, "reattached");
    return old;
}

/* Whether the hello proves possession of `old`: its secret (compared in
 * constant time), and, while the session issues tokens, a token that opens
 * as this session (an expired one still proves it: a session whose state
 * has not changed for a day holds a day-old token). A session too big for
 * a token (tokens_off) proves it with the secret alone. The session id is
 * no proof: it is in URLs of logs, screenshots, support tickets. */
static bool proves_possession(const rc_session *old, const rc_message *m, const rc_resume *r) {
    const char *t = m->resume_secret;
    unsigned char got[RC_SESSION_SECRET_BYTES];
    if (!t || rc_base64url_decode(t, strlen(t), got, sizeof got) != (long)sizeof got) return false;
    bool same = sodium_memcmp(got, old->secret, sizeof got) == 0;
    sodium_memzero(got, sizeof got);
    return same && (old->tokens_off || old->by_ref || r->authentic);
}

/* A token or snapshot sealed for another user than the connection's
 * (login.c's cookie; "" for none on either side) is refused by name, and
 * counts as not authentic: it proves nothing about a session held here. */
static void check_user(const rc_session *se, rc_resume *best, rc_resume *token) {
    if (best->refusal) return;
    const rc_value *v = rc_snapshot_get(&best->snapshot, RC_SNAPSHOT_USER_SLOT);
    const char *owner = v && v->kind == RC_STRING ? v->as.str.ptr : "";
    if (strcmp(owner, se->user) == 0) return;
    best->refusal = RC_REFUSAL_OTHER_USER;
    best->authentic = token->authentic = false;
    snprintf(best->reason, sizeof best->reason, "the token belongs to another user");
}

static void start_fresh(rc_session *se, const char *reason) {
    rc_srv_log(se->server, RC_LOG_WARN, "resume refused: %s; starting a fresh session", reason);
    rc_session_send_small(se, "resume-failed", "reason", reason, 0);
    se->server->metrics.resumes[RC_RESUME_FRESH]++;
    rc_session_index_add(se);
    rc_session_start(se, NULL, "new", NULL, 0);
}

static const char *const source_words[RC_SOURCE_NSOURCES] = {
    "its token", "the snapshot in redis, newer than its token",
    "the snapshot in redis its reference token names"};

/* A new layout restored from the accepted token (or snapshot), then the
 * events the client held: those the snapshot holds already (seq at or
 * below its last_seq) are skipped by the replay. */
/* A session resumed from its client's token while Redis did not answer
 * goes on from that token, which may be older than what Redis holds (a
 * rollback, a lost token): its versions jump this far ahead, so that once
 * Redis is back the life the user carries on with replaces the snapshot
 * there instead of being kept out by the newer-only rule, and a later
 * resume does not take the older branch. At the default token_interval a
 * session seals at most 4 tokens a second for at most token_ttl (a day
 * by default): about 350,000 versions, under 2^20. */
#define DEGRADED_JUMP ((uint64_t)1 << 20)

static void resume(rc_session *se, rc_resume *r, bool id_taken, const rc_message *m,
                   rc_resume_source source, const rc_resume *redis, bool degraded) {
    rc_server *s = se->server;
    /* A live session with this id (a duplicated tab shares sessionStorage):
     * resume the state into a new session id rather than steal it. */
    if (!id_taken) rc_session_set_id(se, r->session);
    /* The token's session id names the exactly-once marks: a copy resumed
     * into a new id must not apply again what the original committed. */
    else {
        char from[sizeof se->id_text];
        from[rc_base64url_encode(from, r->session, RC_SESSION_ID_BYTES)] = '\0';
        rc_store_marks_inherit(from, se->id_text);
    }
    /* Versions continue from the one restored, so they keep growing per
     * session id across processes (Redis keeps only a newer snapshot). */
    se->token_version = r->claims.version;
    if (degraded && se->token_version < UINT64_MAX - DEGRADED_JUMP)
        se->token_version += DEGRADED_JUMP;
    se->last_seq = r->snapshot.meta.last_seq;
    /* Redis holds this version (or a newer one) under this id: a
     * reference to it is good at once, so a session past max_token gives
     * its client one in the first tree (a copy in a new id has none yet). */
    if (redis && !id_taken && redis->claims.version >= r->claims.version) {
        se->ref_version = redis->claims.version;
        se->ref_seq = redis->snapshot.meta.last_seq;
    }
    if (r->claims.build_tag != s->build_tag)
        rc_srv_log(s, RC_LOG_INFO, "session %s: resuming a token of build %s into %s", se->log_id,
                   r->snapshot.build, s->build);
    se->resumed_here = true;
    s->metrics.resumes[RC_RESUME_RESUMED]++;
    s->metrics.resume_sources[source]++;
    rc_session_index_add(se);
    rc_session_start(se, &r->snapshot, "resumed", m->replay, m->nreplay);
    rc_srv_log(s, RC_LOG_INFO, "session %s: resumed from %s (version %llu)", se->log_id,
               source_words[source], (unsigned long long)r->claims.version);
}

/* Opens the snapshot Redis returned for the claimed session, with the
 * checks of a client's token (it is one) and a larger size cap. Redis is
 * trusted with availability, not with integrity: a snapshot moved there
 * from another session's key or tampered with is refused, logged, and the
 * client's token decides alone. */
static bool open_snapshot(rc_server *s, const rc_message *m, const rc_snap_found *f,
                          rc_resume *out) {
    if (!f || f->status != RC_SNAP_FOUND) return false;
    rc_resume_limits lim =
        rc_resume_limits_default(s->app_tag, RC_SNAPSHOT_MAX_TOKEN, s->cfg.token_ttl);
    rc_resume_accept_snapshot(out, &s->keys, m->resume_session, f->version, f->token,
                              (uint64_t)time(NULL), &lim);
    if (!out->refusal) {
        s->metrics.fetches[RC_FETCH_FOUND]++;
        return true;
    }
    rc_srv_log(s, RC_LOG_WARN, "redis: a session's snapshot refused (%s); using the client's token",
               out->reason);
    s->metrics.fetches[RC_FETCH_REFUSED]++;
    rc_resume_free(out);
    return false;
}

/* A reference token's state is in Redis, which did not answer: the client
 * is asked to come back (close 1013, "try again later"; it reconnects with
 * backoff, keeping its token and events) rather than given a fresh
 * session that would lose its state for an outage. */
static void retry_later(rc_session *se) {
    rc_srv_log(se->server, RC_LOG_WARN,
               "resume waits: a reference token and redis unavailable; the client retries");
    rc_session_close(se, 1013, "state in redis, which is unavailable; try again later");
}

/* Turns an accepted reference token (r, the best there is) into the
 * refusal it gets when its snapshot is not there. */
static void refuse_reference(rc_server *s, rc_resume *r) {
    rc_snapshot_free(&r->snapshot);
    r->refusal = RC_REFUSAL_NO_SNAPSHOT;
    snprintf(r->reason, sizeof r->reason, "%s",
             s->redis ? "reference token, and redis holds no snapshot of its version"
                      : "reference token, and this server has no redis");
}

rc_session *rc_session_hello_resume(rc_session *se, const rc_message *m, const rc_snap_found *f) {
    rc_server *s = se->server;
    rc_resume r, snap;
    rc_resume_limits lim = rc_resume_limits_default(s->app_tag, s->cfg.max_token, s->cfg.token_ttl);
    rc_resume_accept(&r, &s->keys, m->resume_session, m->resume_token, (uint64_t)time(NULL), &lim);
    /* Redis's snapshot only for a client that holds an authentic token of
     * the session: a session id alone proves nothing. */
    bool have = r.authentic && open_snapshot(s, m, f, &snap);
    rc_resume_pick pick = rc_resume_newest(&r, have ? &snap : NULL);
    rc_resume *best = pick == RC_PICK_SNAPSHOT ? &snap : &r;
    if (pick != RC_PICK_NO_SNAPSHOT) check_user(se, best, &r);
    rc_session *old = r.id_valid ? rc_session_find(s, r.session) : NULL;
    if (old && old->detached && best->authentic && best->claims.version > old->token_version) {
        /* The copy held here is stale: the tab lived on in another process
         * since (its token is newer, and only a server seals tokens). That
         * life gave it another secret, so none is asked for here: the
         * stale copy goes and the token resumes under the same id. */
        rc_srv_log(s, RC_LOG_INFO,
                   "session %s: the copy held here is older than the client's token; resuming",
                   old->log_id);
        rc_session_free(old);
        old = NULL;
    } else if (old && old->detached) {
        if (strcmp(old->user, se->user) == 0 && proves_possession(old, m, &r)) {
            rc_resume_free(&r);
            if (have) rc_resume_free(&snap);
            return reattach(se, old, m->replay, m->nreplay);
        }
        /* Not its tab (or a tab from before secrets): the held session
         * stays for its own; a valid token still resumes, into a new id.
         * The reason sent is the one a session not held here would get, so
         * a session id alone cannot probe what this process holds. */
        rc_srv_log(s, RC_LOG_WARN, "session %s: re-attach refused: no proof of possession",
                   old->log_id);
    }
    if (pick == RC_PICK_NO_SNAPSHOT) {
        if (f && f->status == RC_SNAP_UNAVAILABLE) {
            rc_resume_free(&r);
            if (have) rc_resume_free(&snap);
            retry_later(se);
            return se;
        }
        refuse_reference(s, &r);
    }
    if ((size_t)best->refusal < RC_REFUSAL_COUNT) s->metrics.refusals[best->refusal]++;
    if (best->refusal == RC_REFUSAL_NO_TOKEN)
        start_fresh(se, "no session held here for this id and secret, and no token");
    else if (best->refusal) start_fresh(se, best->reason);
    else
        resume(se, best, old != NULL, m,
               best == &r           ? RC_SOURCE_TOKEN
               : r.claims.reference ? RC_SOURCE_REFERENCE
                                    : RC_SOURCE_REDIS,
               have ? &snap : NULL, f && f->status == RC_SNAP_UNAVAILABLE);
    rc_resume_free(&r);
    if (have) rc_resume_free(&snap);
    return se;
}
