/*
 * A session's life: created for a WebSocket, detached when the socket goes
 * (kept for re-attach through a grace period), freed — here and only here.
 * Sessions are listed in the server's index by id, for re-attach.
 */
#include <malloc.h>
#include <sodium.h>
#include <string.h>

#include "server/session.h"
#include "util/alloc.h"
#include "util/base64url.h"

static uint64_t id_hash(const unsigned char *id) {
    return rc_hash_bytes(RC_HASH_SEED, id, RC_SESSION_ID_BYTES);
}

void rc_session_set_id(rc_session *se, const unsigned char *id) {
    memcpy(se->id, id, RC_SESSION_ID_BYTES);
    size_t n = rc_base64url_encode(se->id_text, id, RC_SESSION_ID_BYTES);
    se->id_text[n] = '\0';
    /* The id is what proves nothing but still locates a session: logs (read
     * by more people than the sessions' owners) name it by a short hash. */
    uint64_t h = rc_hash_bytes(RC_HASH_SEED ^ 0x6c6f67u, id, RC_SESSION_ID_BYTES);
    snprintf(se->log_id, sizeof se->log_id, "%08x", (unsigned)(h >> 32));
}

void rc_session_index_add(rc_session *se) {
    rc_map_put(&se->server->index, id_hash(se->id), se);
    se->in_index = true;
}

static void index_del(rc_session *se) {
    rc_server *s = se->server;
    uint64_t h = id_hash(se->id);
    if (se->in_index && rc_map_get(&s->index, h) == se) rc_map_del(&s->index, h);
    se->in_index = false;
}

rc_session *rc_session_find(rc_server *s, const unsigned char *id) {
    rc_session *se = rc_map_get(&s->index, id_hash(id));
    return se && memcmp(se->id, id, RC_SESSION_ID_BYTES) == 0 ? se : NULL;
}

/* ---- detached sessions: a list, oldest first, with a cap of its own -------- */

static void detached_unlink(rc_session *se) {
    rc_server *s = se->server;
    if (!se->detached) return;
    if (se->det_prev) se->det_prev->det_next = se->det_next;
    else s->detached_head = se->det_next;
    if (se->det_next) se->det_next->det_prev = se->det_prev;
    else s->detached_tail = se->det_prev;
    se->det_prev = se->det_next = NULL;
    se->detached = false;
    s->ndetached--;
}

void rc_session_undetach(rc_session *se) {
    ev_timer_stop(se->server->loop, &se->grace);
    detached_unlink(se);
}

/* Frees the oldest detached session: its tab has been gone longest, and
 * its state is in its token (a later return resumes instead of
 * re-attaching). Returns false when there is none. */
static bool evict_oldest_detached(rc_server *s, const char *why) {
    rc_session *old = s->detached_head;
    if (!old) return false;
    rc_srv_log(s, RC_LOG_INFO, "session %s: detached session freed early (%s)", old->log_id, why);
    rc_session_free(old);
    return true;
}

/* ---- creating, freeing --------------------------------------------------------- */

/* A connection that has said nothing within hello_timeout_ms (a hello on
 * our protocol, any message on ReactPy's) is closed: a silent socket must
 * not hold a slot. */
static void on_hello_timeout(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_session *se = w->data;
    char reason[96];
    snprintf(reason, sizeof reason, "nothing received within %u ms of connecting",
             se->server->cfg.hello_timeout_ms);
    rc_session_fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, reason);
}

void rc_session_heard(rc_session *se) { ev_timer_stop(se->server->loop, &se->hello_timer); }

rc_session *rc_session_new(rc_server *s, struct lws *wsi, const char *uri, const char *query) {
    /* Live connections count against max_sessions; detached sessions held
     * for re-attach give way to them, oldest first. */
    while (s->nsessions >= s->cfg.max_sessions)
        if (!evict_oldest_detached(s, "a live connection needs the room")) return NULL;
    rc_session *se = rc_xcalloc(1, sizeof *se);
    se->server = s;
    se->wsi = wsi;
    unsigned char id[RC_SESSION_ID_BYTES];
    randombytes_buf(id, sizeof id);
    rc_session_set_id(se, id);
    /* Its own secret, whatever it becomes: a session resumed from a token
     * (here or in another process) or into a new id (a duplicated tab) is
     * this new one and keeps this secret; only re-attach keeps an old one. */
    randombytes_buf(se->secret, sizeof se->secret);
    se->secret_text[rc_base64url_encode(se->secret_text, se->secret, sizeof se->secret)] = '\0';
    se->next = s->sessions;
    if (s->sessions) s->sessions->prev = se;
    s->sessions = se;
    s->nsessions++;
    rc_session_base_open(se, uri, query); /* started by the caller (app.c) */
    ev_timer_init(&se->hello_timer, on_hello_timeout, s->cfg.hello_timeout_ms / 1000.0, 0.0);
    se->hello_timer.data = se;
    ev_timer_start(s->loop, &se->hello_timer);
    return se;
}

void rc_session_free(rc_session *se) {
    rc_server *s = se->server;
    rc_handle_release(se);      /* first: posts to it are refused from now on */
    rc_session_park_forget(se); /* a parked hello's answer finds it gone (session.h) */
    index_del(se);
    ev_timer_stop(s->loop, &se->grace);
    ev_timer_stop(s->loop, &se->token_timer);
    ev_timer_stop(s->loop, &se->hello_timer);
    detached_unlink(se);
    rc_session_unwait(se);
    rc_session_input_reset(se);
    if (se->pending) {
        for (rc_session **pp = &s->pending; *pp; pp = &(*pp)->pending_next)
            if (*pp == se) {
                *pp = se->pending_next;
                break;
            }
    }
    if (se->throttled) {
        for (rc_session **pp = &s->throttled; *pp; pp = &(*pp)->throttle_next)
            if (*pp == se) {
                *pp = se->throttle_next;
                break;
            }
    }
    if (se->prev) se->prev->next = se->next;
    else s->sessions = se->next;
    if (se->next) se->next->prev = se->prev;
    s->nsessions--;
    rc_layout_free(se->layout); /* cleanups run, timers stop */
    rc_outq_clear(&se->out);
    free(se->in);
    free(se->location);
    free(se->close_reason);
    sodium_memzero(se->secret, sizeof se->secret);
    sodium_memzero(se->secret_text, sizeof se->secret_text);
    free(se);
#ifdef __GLIBC__
    /* Thousands of sessions come and go: glibc keeps their freed pages
     * (fragmented heap) and RSS ratchets up with every wave. Hand whole
     * free pages back now and then, and whenever the server goes idle. */
    if (++s->frees_since_trim >= 1024 || s->nsessions == 0) {
        s->frees_since_trim = 0;
        malloc_trim(0);
    }
#endif
}

static void on_grace(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_session *se = w->data;
    rc_srv_log(se->server, RC_LOG_DEBUG, "session %s: grace period over, freed", se->log_id);
    rc_session_free(se);
}

void rc_session_disconnected(rc_session *se) {
    rc_server *s = se->server;
    rc_outq_clear(&se->out);
    se->wsi = NULL;
    ev_timer_stop(s->loop, &se->hello_timer);
    rc_session_input_reset(se);
    bool keep = se->started && !se->base && !se->closing && !se->sleeping && !s->shutting_down &&
                s->cfg.grace_ms;
    if (!keep) {
        rc_session_free(se);
        return;
    }
    /* Keep it: the same tab usually comes back within seconds, and then
     * nothing needs to re-render (re-attach). Its state is also in the
     * client's token, so freeing it later loses nothing: past max_detached
     * the oldest goes. */
    if (s->ndetached >= s->cfg.max_detached) evict_oldest_detached(s, "too many detached");
    if (se->held) { /* a render waited for the socket: it renders now (output nowhere) */
        se->held = false;
        rc_session_mark_pending(se);
    }
    se->detached = true;
    se->det_prev = s->detached_tail;
    if (s->detached_tail) s->detached_tail->det_next = se;
    else s->detached_head = se;
    s->detached_tail = se;
    s->ndetached++;
    ev_timer_init(&se->grace, on_grace, s->cfg.grace_ms / 1000.0, 0.0);
    se->grace.data = se;
    ev_timer_start(s->loop, &se->grace);
}
