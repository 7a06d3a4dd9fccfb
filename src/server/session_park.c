/*
 * A parked hello: with --redis, a hello that resumes waits for Redis to say
 * what it holds of the session (its newest snapshot, session_snapshot.c)
 * before re-attach, resume or fresh is decided (session_resume.c).
 *
 * The wait is bounded twice: by a deadline (RC_SNAPSHOT_FETCH_S; past it
 * the hello is decided as if Redis were down) and by the connection, whose
 * close frees the session. Redis answers every command exactly once, even
 * after the deadline or the close, so the record of the fetch is owned by
 * that answer: the session only points at it, and cuts that link when it
 * goes (rc_session_park_forget) or the deadline decides without it.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "redis/conn.h"
#include "server/session.h"
#include "util/alloc.h"
#include "util/base64url.h"

struct rc_snap_fetch {
    rc_server *server;
    rc_session *se; /* NULL once decided without the answer, or the session went */
    ev_timer deadline;
    size_t len;
    char hello[]; /* the hello's JSON, handled again once the answer is in */
};

/* The link between the session and its fetch is cut: whatever happens
 * next to one cannot reach the other. */
static void unlink_fetch(struct rc_snap_fetch *f) {
    ev_timer_stop(f->server->loop, &f->deadline);
    if (f->se) f->se->fetch = NULL;
    f->se = NULL;
}

void rc_session_park_forget(rc_session *se) {
    if (se->fetch) unlink_fetch(se->fetch);
}

/* Handles the parked hello with what Redis said. The hello parsed when it
 * came, so it parses again; the session then carries on as any hello
 * leaves it (a re-attach moves the connection to the held session, and
 * the shell goes). */
static void decide(rc_session *se, const char *hello, size_t len, const rc_snap_found *found) {
    /* Its close frees it; at shutdown (the Redis connection stops first,
     * answering NULL) nothing new starts. */
    if (se->closing || !se->wsi || se->server->shutting_down) return;
    rc_message m;
    char err[160];
    if (rc_wire_parse(hello, len, &m, err, sizeof err) < 0) {
        rc_session_fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, err);
        return;
    }
    rc_session *now = rc_session_hello_resume(se, &m, found);
    rc_message_free(&m);
    if (now != se) {
        rc_conn *c = lws_wsi_user(now->wsi);
        if (c) c->session = now;
        rc_session_free(se);
    }
}

static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    struct rc_snap_fetch *f = w->data;
    rc_session *se = f->se;
    unlink_fetch(f); /* the answer, when it comes, frees f and decides nothing */
    se->server->metrics.fetches[RC_FETCH_UNAVAILABLE]++;
    rc_srv_log(se->server, RC_LOG_WARN,
               "redis: no snapshot answer within %.1f s; deciding the resume without it",
               RC_SNAPSHOT_FETCH_S);
    decide(se, f->hello, f->len, &(rc_snap_found){RC_SNAP_UNAVAILABLE, NULL, NULL});
}

static bool is_string(const redisReply *r) { return r && r->type == REDIS_REPLY_STRING; }

static void on_reply(void *user, const redisReply *reply) {
    struct rc_snap_fetch *f = user;
    rc_session *se = f->se;
    if (se) {
        unlink_fetch(f);
        rc_snap_found found = {RC_SNAP_UNAVAILABLE, NULL, NULL};
        /* An error is Redis's answer, but most say "not now" (LOADING after
         * a restart, BUSY): a reference token then waits rather than lose
         * its session. A key of another type holds no snapshot. */
        if (reply && reply->type == REDIS_REPLY_ERROR && !strncmp(reply->str, "WRONGTYPE", 9))
            found.status = RC_SNAP_NONE;
        if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2) {
            found.status = RC_SNAP_NONE;
            if (is_string(reply->element[0]) && is_string(reply->element[1]))
                found =
                    (rc_snap_found){RC_SNAP_FOUND, reply->element[0]->str, reply->element[1]->str};
        }
        if (found.status == RC_SNAP_NONE) se->server->metrics.fetches[RC_FETCH_MISSING]++;
        if (found.status == RC_SNAP_UNAVAILABLE)
            se->server->metrics.fetches[RC_FETCH_UNAVAILABLE]++;
        decide(se, f->hello, f->len, &found);
    }
    free(f);
}

bool rc_session_park_hello(rc_session *se, const rc_message *m, const char *hello, size_t len,
                           rc_snap_status *status) {
    rc_server *s = se->server;
    *status = RC_SNAP_NOT_ASKED;
    unsigned char id[RC_SESSION_ID_BYTES];
    const char *claimed = m->resume_session;
    if (!s->redis || rc_base64url_decode(claimed, strlen(claimed), id, sizeof id) != sizeof id)
        return false;
    /* The key from the decoded id: a claimed id spelt another way (spare
     * bits in its last character) names the same key. */
    char id_text[32], key[256];
    id_text[rc_base64url_encode(id_text, id, sizeof id)] = '\0';
    rc_session_snapshot_key(s, id_text, key, sizeof key);
    const char *argv[] = {"HMGET", key, "v", "t"};
    struct rc_snap_fetch *f = rc_xmalloc(sizeof *f + len);
    f->server = s;
    f->len = len;
    memcpy(f->hello, hello, len);
    if (rc_redis_command(s->redis, on_reply, f, 4, argv, NULL) < 0) {
        free(f);
        s->metrics.fetches[RC_FETCH_UNAVAILABLE]++;
        *status = RC_SNAP_UNAVAILABLE;
        return false;
    }
    f->se = se;
    se->fetch = f;
    ev_timer_init(&f->deadline, on_deadline, RC_SNAPSHOT_FETCH_S, 0.0);
    f->deadline.data = f;
    ev_timer_start(s->loop, &f->deadline);
    return true;
}
