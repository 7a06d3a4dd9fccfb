/*
 * The messages a reactc client sends (docs/protocol.md), each applied to
 * its session: hello starts it (fresh, resumed or re-attached), layout-event
 * dispatches to a handler and is acknowledged by seq, ping is answered,
 * sleep marks a tab going idle.
 */
#include <string.h>

#include "core/host.h"
#include "server/session.h"
#include "store/marks.h"

/* hello: the page's location, then a fresh session or a resume (with
 * --redis, once Redis said what it holds of the session: session_park.c).
 * Returns the session that carries the connection from now on. */
static rc_session *on_hello(rc_session *se, const rc_message *m, const char *text, size_t len) {
    if (se->started || se->fetch) {
        rc_session_fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, "hello after the session started");
        return se;
    }
    /* Near --max-memory a fresh session waits; a resume may still come
     * back (admit.c, memguard.h). */
    if (!rc_admit_hello(se, m->resume_session != NULL)) return se;
    /* The hello's location passes the checks of every other one
     * (navigate.c): a session's location is echoed into the browser's
     * history, so one it refuses (a "//host" path, one longer than a
     * session keeps) starts at "/" rather than truncated or as is. */
    const char *path = m->pathname ? m->pathname : "/", *search = m->search ? m->search : "";
    if (!rc_location_check(path, strlen(path), search, strlen(search))) {
        rc_srv_log(se->server, RC_LOG_INFO, "hello: location refused, starting at /");
        path = "/";
        search = "";
    }
    se->compact = m->compact;
    rc_session_set_location(se, path, search);
    if (m->resume_session) {
        rc_snap_status st;
        if (rc_session_park_hello(se, m, text, len, &st)) return se;
        return rc_session_hello_resume(se, m, &(rc_snap_found){st, NULL, NULL});
    }
    rc_session_index_add(se);
    rc_session_start(se, NULL, "new", NULL, 0);
    return se;
}

static void on_event(rc_session *se, const rc_message *m) {
    if (!se->started) {
        rc_session_fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, "layout-event before hello");
        return;
    }
    if (m->seq && m->seq <= se->last_seq) {
        /* Already applied (a client resending after a reconnect):
         * acknowledge again, apply nothing. */
        se->ack_due = true;
        rc_session_mark_pending(se);
        return;
    }
    /* The event's store batch is committed when dispatch returns (the
     * in-memory backend decides at once), so the ack below follows the
     * commit. What lets the client forget the event is a token holding it
     * (token_seq), not the ack: for a write to a persisted store that token
     * also waits for the file (session_tokens.c). A backend deciding later
     * must move last_seq from its completion instead. */
    rc_session_dispatch(se, m, true);
    se->server->metrics.events++;
    /* A shared backend decides later: this session's next message waits
     * (its handler must read this one's writes), lws holding the input. */
    if (se->wsi && rc_store_in_flight(se->id_text)) {
        se->rx_paused = se->wsi;
        rc_session_wait(se);
        lws_rx_flow_control(se->wsi, 0);
    }
    if (m->seq) {
        se->last_seq = m->seq;
        se->ack_due = true;
        rc_session_mark_pending(se);
    }
}

static rc_session *handle_message(rc_session *se, const char *text, size_t len) {
    rc_message m;
    char err[160];
    se->server->metrics.messages_in++;
    if (rc_wire_parse(text, len, &m, err, sizeof err) < 0) {
        rc_session_fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, err);
        return se;
    }
    /* The first-message timer: a hello on our protocol, anything on the
     * base protocol (its client sends events only). */
    if (m.type == RC_MSG_HELLO || se->base) rc_session_heard(se);
    rc_session *now = se;
    switch (m.type) {
    case RC_MSG_HELLO: now = on_hello(se, &m, text, len); break;
    case RC_MSG_PING:
        /* The browser cannot send WebSocket PINGs: an application ping lets
         * the client notice a dead connection (no FIN) as fast as we do. */
        rc_session_queue_text(se, "{\"type\":\"pong\"}", 15);
        break;
    case RC_MSG_SLEEP:
        /* An idle tab disconnects to cost the server nothing: its state is in
         * its token, so the session is freed at close instead of waiting out
         * the grace period. Without a token (too big) it stays for re-attach. */
        if (se->started && !se->tokens_off) se->sleeping = true;
        break;
    case RC_MSG_EVENT: on_event(se, &m); break;
    }
    rc_message_free(&m);
    return now;
}

rc_session *rc_session_receive(rc_session *se, const void *in, size_t len, bool final) {
    if (se->closing) return se; /* draining: ignore input */
    size_t n;
    const char *msg = rc_session_reassemble(se, in, len, final, &n);
    if (!msg) return se;
    rc_session *now = handle_message(se, msg, n);
    if (now != se) {
        rc_session_free(se); /* a shell whose connection moved on */
        return now;
    }
    rc_session_input_done(se);
    return se;
}
