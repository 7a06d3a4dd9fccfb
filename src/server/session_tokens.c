/*
 * Token pacing: when a session's state token is sealed and sent.
 *
 * Sealing costs O(session state), so tokens are rate-limited
 * (token_interval_ms): a change inside the interval arms a timer that sends
 * the token on its own when the interval ends. The client keeps every event
 * above the latest token_seq, so a resume from a slightly older token
 * replays exactly what that token does not hold. A token over max_token is
 * not sent: without Redis that session can still re-attach here, not
 * resume elsewhere; with Redis the full token goes there as the session's
 * newest snapshot and the client gets a small reference token once Redis
 * has confirmed it (session_snapshot.c).
 */
#include <string.h>
#include <time.h>

#include "server/session.h"
#include "store/marks.h"
#include "util/clock.h"

static void on_token_timer(struct ev_loop *loop, ev_timer *w, int revents);

/* A reference token holds no slot. */
static void no_slots(const void *src, rc_slot_fn fn, void *user) {
    (void)src;
    (void)fn;
    (void)user;
}

/* The session's slots, after the user it belongs to when signed in
 * (RC_SNAPSHOT_USER_SLOT: a resume by another user is refused) and its
 * location (RC_SNAPSHOT_LOCATION_SLOT). */
static void user_and_slots(const void *src, rc_slot_fn fn, void *user) {
    const rc_session *se = src;
    if (se->user[0]) {
        rc_value v = {.kind = RC_STRING};
        v.as.str.ptr = (char *)(uintptr_t)se->user;
        v.as.str.len = strlen(se->user);
        fn(user, RC_SNAPSHOT_USER_SLOT, &v);
    }
    /* The location is session state: a resume lands on the page the
     * session showed (session_render.c reads it back). */
    rc_snapshot_put_location(se->layout, fn, user);
    rc_layout_foreach_slot(se->layout, fn, user);
}

/* Seals the session's restorable state (or, for a reference, only the
 * snapshot header naming version and last_seq) and appends the token text
 * to b. Returns its length. */
static size_t seal(rc_session *se, rc_buf *b, uint64_t version, uint64_t last_seq, bool reference) {
    rc_server *s = se->server;
    rc_buf snap;
    rc_buf_init(&snap);
    rc_snapshot_meta meta = {(uint32_t)time(NULL), s->cfg.token_ttl, version, last_seq, s->build,
                             strlen(s->build)};
    if (reference) rc_snapshot_write_from(&snap, &meta, no_slots, NULL);
    else rc_snapshot_write_from(&snap, &meta, user_and_slots, se);
    rc_token_claims claims = {s->app_tag, s->build_tag, {0}, version, reference};
    memcpy(claims.session, se->id, RC_SESSION_ID_BYTES);
    size_t start = b->len;
    rc_token_seal(&s->keys, &claims, snap.data, snap.len, b);
    rc_buf_free(&snap);
    return b->len - start;
}

void rc_session_write_reference(rc_session *se, rc_buf *b) {
    rc_jw_raw(b, ",\"token\":\"");
    seal(se, b, se->ref_version, se->ref_seq, true);
    rc_buf_putc(b, '"');
    if (se->ref_seq > se->token_seq) se->token_seq = se->ref_seq;
}

/* Redis holds version v (or newer): a session past max_token can give its
 * client a reference to it, and the events it holds are the client's to
 * forget. A newer full token sent since (the state shrank) needs none. */
static void reference_confirmed(rc_session *se, uint64_t version, uint64_t last_seq) {
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

/* The token just sealed (token_len bytes at b->data + body) is over
 * max_token. Without Redis (or past what Redis takes) tokens stop for the
 * session; with Redis the token goes there and the client gets a reference
 * once Redis confirms, not now: the client forgets the events a token
 * holds, so it must never hold a reference to a snapshot Redis may not
 * have. A first tree (force) carries the reference to the newest
 * confirmed snapshot, since the client takes a first tree's token in
 * place of its own. */
static void too_big(rc_session *se, rc_buf *b, size_t at, size_t token_len, bool force) {
    rc_server *s = se->server;
    if (!s->redis || token_len > RC_SNAPSHOT_MAX_TOKEN) {
        b->len = at;
        se->tokens_off = true;
        se->by_ref = false;
        rc_srv_log(s, RC_LOG_WARN,
                   "session %s: state token of %zu bytes exceeds the %zu-byte limit; "
                   "this session can re-attach but no longer resume elsewhere",
                   se->log_id, token_len, s->cfg.max_token);
        return;
    }
    if (!se->by_ref)
        rc_srv_log(s, RC_LOG_INFO,
                   "session %s: state token of %zu bytes exceeds the %zu-byte limit; "
                   "its state goes to Redis, the client holds a reference",
                   se->log_id, token_len, s->cfg.max_token);
    se->by_ref = true;
    rc_session_snapshot_store(se, b->data + b->len - token_len, token_len, se->token_version + 1,
                              se->last_seq, reference_confirmed);
    b->len = at;
    if (force && se->ref_version) rc_session_write_reference(se, b);
}

void rc_session_write_token(rc_session *se, rc_buf *b, bool force) {
    rc_server *s = se->server;
    uint64_t epoch = rc_layout_get_state_epoch(se->layout);
    if (se->tokens_off || (!force && epoch == se->token_epoch)) return;
    /* A token holds every event up to last_seq, and the client forgets the
     * events a token holds. An event whose write to a persisted store is
     * not in its file yet must stay with the client (a kill -9 now loses
     * the write, and the replay applies it once): the token waits for the
     * file (docs/guide/shared-state.md, "Exactly once"). A first tree
     * (force) must carry a token, which the client takes in place of its
     * own: the files are written now instead (a re-attach or a resume
     * costs one early write). A batch at Redis cannot be hurried that
     * way: a first tree waits until its session has none undecided
     * (session_render.c), so a forced token never holds one. */
    if (rc_store_marks_unsaved(se->id_text)) {
        if (!force) {
            se->token_held = true;
            rc_session_wait(se);
            return;
        }
        rc_store_save_now();
    }
    double now = rc_monotonic_s(), wait = s->cfg.token_interval_ms / 1000.0 - (now - se->token_at);
    if (!force && wait > 0) {
        if (!ev_is_active(&se->token_timer)) {
            ev_timer_init(&se->token_timer, on_token_timer, wait, 0.0);
            se->token_timer.data = se;
            ev_timer_start(s->loop, &se->token_timer);
        }
        return;
    }
    ev_timer_stop(s->loop, &se->token_timer);
    size_t at = b->len;
    rc_jw_raw(b, ",\"token\":\"");
    size_t token_len = seal(se, b, se->token_version + 1, se->last_seq, false);
    if (token_len > s->cfg.max_token) {
        too_big(se, b, at, token_len, force);
        if (se->tokens_off) return;
        se->token_version++;
        se->token_epoch = epoch;
        se->token_at = now;
        return;
    }
    /* Fire and forget: the client holds this token already, and a resume
     * takes the newer of the two, so a write that fails or comes late
     * costs nothing but the rollback protection of this one version. */
    rc_session_snapshot_store(se, b->data + b->len - token_len, token_len, se->token_version + 1,
                              se->last_seq, NULL);
    se->by_ref = false;
    rc_buf_putc(b, '"');
    se->token_seq = se->last_seq;
    se->token_version++;
    se->token_epoch = epoch;
    se->token_at = now;
}

/* A session without tokens (too big) can only re-attach, so everything
 * acknowledged is safe to forget. */
void rc_session_write_token_seq(rc_session *se, rc_buf *b) {
    rc_jw_raw(b, ",\"token_seq\":");
    rc_jw_uint(b, se->tokens_off ? se->last_seq : se->token_seq);
}

/* The interval after the last token ended with state still unsealed: send
 * a token on its own. */
static void on_token_timer(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_session *se = w->data;
    if (!se->wsi || !se->layout || se->closing) return; /* re-attach sends one */
    if (rc_layout_get_state_epoch(se->layout) == se->token_epoch) return;
    if (rc_store_marks_unsaved(se->id_text)) { /* sent once the file is written */
        se->token_held = true;
        rc_session_wait(se);
        return;
    }
    rc_buf *b = rc_session_msg_begin(se->server);
    rc_jw_raw(b, "{\"type\":\"token\"");
    size_t before = b->len;
    rc_session_write_token(se, b, true);
    if (b->len == before) return; /* too big: none */
    rc_session_write_token_seq(se, b);
    rc_buf_putc(b, '}');
    rc_session_msg_send(se, b);
}
