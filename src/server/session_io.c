/*
 * A session's connection: frames in (reassembled, bounded by max_message),
 * messages out (written at once when the socket takes them, else queued,
 * bounded by max_queued), and the close.
 */
#include <string.h>

#include "server/session.h"
#include "util/alloc.h"

/* The server flushes pending sessions once per loop iteration
 * (session_render.c). Kept here, below the renders, because both ends mark
 * a session: a dirty layout from above, a drained socket from below. */
void rc_session_mark_pending(rc_session *se) {
    if (se->pending) return;
    rc_server *s = se->server;
    se->pending = true;
    se->pending_next = s->pending;
    s->pending = se;
    /* Keep the loop from blocking before the prepare watcher flushes. */
    ev_idle_start(s->loop, &s->idle);
}

/* Writes a whole message now when nothing waits before it. The socket is
 * nearly always writable: written from here (the receive callback or the
 * flush), a message skips the writable callback's extra loop iteration and
 * its two epoll_ctl calls (POLLOUT on, then off), about a quarter of the
 * server's syscalls per event. payload has LWS_PRE bytes of headroom before
 * it. A partial write is not an error: lws keeps the rest and sends it when
 * the socket drains (lws_partial_buffered), and later messages wait in our
 * queue behind it, as before. */
static bool write_now(rc_session *se, unsigned char *payload, size_t len) {
    if (se->out.head || se->closing || lws_partial_buffered(se->wsi)) return false;
    if (lws_write(se->wsi, payload, len, LWS_WRITE_TEXT) < (int)len) {
        /* The socket failed: lws closes it (we are not in its writable
         * callback, where returning -1 would). */
        lws_set_timeout(se->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
    }
    return true;
}

/* Queues a message for the writable callback (bounded by max_queued). */
static void enqueue(rc_session *se, const char *text, size_t len) {
    rc_server *s = se->server;
    rc_outq_push(&se->out, text, len);
    if (se->out.bytes > s->cfg.max_queued && !se->closing) {
        rc_srv_log(s, RC_LOG_WARN, "session %s: %zu bytes queued, client not reading: closing",
                   se->log_id, se->out.bytes);
        rc_outq_clear(&se->out);
        rc_session_close(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, "output queue full");
        /* A client that does not read will not read our close either. */
        lws_set_timeout(se->wsi, PENDING_TIMEOUT_CLOSE_SEND, 2);
        return;
    }
    lws_callback_on_writable(se->wsi);
}

void rc_session_queue_text(rc_session *se, const char *text, size_t len) {
    if (!se->wsi) return; /* detached: a re-attach sends the whole tree */
    se->server->metrics.messages_out++;
    se->server->metrics.bytes_out += len;
    unsigned char small[LWS_PRE + 256];
    if (len <= sizeof small - LWS_PRE) {
        memcpy(small + LWS_PRE, text, len);
        if (write_now(se, small + LWS_PRE, len)) return;
    }
    enqueue(se, text, len);
}

rc_buf *rc_session_msg_begin(rc_server *s) {
    rc_buf *b = &s->scratch;
    rc_buf_reset(b);
    rc_buf_reserve(b, LWS_PRE + 512);
    b->len = LWS_PRE;
    return b;
}

void rc_session_msg_send(rc_session *se, rc_buf *b) {
    if (!se->wsi) return; /* detached: a re-attach sends the whole tree */
    size_t len = b->len - LWS_PRE;
    se->server->metrics.messages_out++;
    se->server->metrics.bytes_out += len;
    if (!write_now(se, (unsigned char *)b->data + LWS_PRE, len))
        enqueue(se, b->data + LWS_PRE, len);
}

/* The shape of every small control message. */
void rc_session_send_small(rc_session *se, const char *type, const char *key, const char *text,
                           uint64_t number) {
    rc_buf *b = rc_session_msg_begin(se->server);
    rc_jw_raw(b, "{\"type\":");
    rc_jw_str(b, type);
    rc_buf_putc(b, ',');
    rc_jw_key(b, key);
    if (text) rc_jw_str(b, text);
    else rc_jw_uint(b, number);
    rc_buf_putc(b, '}');
    rc_session_msg_send(se, b);
}

void rc_session_send_dev(rc_session *se) {
    rc_buf *st = &se->server->dev_status;
    if (st->len && !se->base) rc_session_queue_text(se, st->data, st->len);
}

void rc_session_send_text(rc_session *se, const char *text, size_t len) {
    if (se->started && !se->base) rc_session_queue_text(se, text, len);
}

void rc_session_send_drain(rc_session *se, uint32_t window_ms) {
    rc_session_send_small(se, "drain", "window_ms", NULL, window_ms);
}

void rc_session_close(rc_session *se, int code, const char *reason) {
    if (se->closing || !se->wsi) return;
    se->closing = true;
    se->close_code = code;
    /* At most 95 bytes, as before: a close frame's reason has room for 123. */
    se->close_reason = rc_xstrndup(reason, strnlen(reason, 95));
    lws_callback_on_writable(se->wsi);
}

void rc_session_fail(rc_session *se, int code, const char *reason) {
    rc_srv_log(se->server, RC_LOG_WARN, "session %s: %s (closing)", se->log_id, reason);
    rc_session_send_small(se, "error", "message", reason, 0);
    rc_session_close(se, code, reason);
}

/* A message begun and never finished. */
static void on_input_timeout(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_session *se = w->data;
    char reason[96];
    snprintf(reason, sizeof reason, "message not finished within %u ms",
             se->server->cfg.message_timeout_ms);
    rc_session_input_reset(se);
    rc_session_fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, reason);
}

void rc_session_input_reset(rc_session *se) {
    rc_server *s = se->server;
    s->partial_bytes -= se->in_len;
    se->in_len = 0;
    ev_timer_stop(s->loop, &se->input_timer);
}

/* Frames of unfinished messages are held against two bounds: the message's
 * own (max_message) and the process's (max_partial), so that many
 * connections each holding a message that never ends cannot add up to
 * memory the server does not have; and a begun message must end in time
 * (message_timeout_ms), or a socket could hold its share forever. */
const char *rc_session_reassemble(rc_session *se, const void *in, size_t len, bool final,
                                  size_t *msg_len) {
    rc_server *s = se->server;
    size_t max = s->cfg.max_message;
    if (se->in_len + len > max) {
        char reason[96];
        snprintf(reason, sizeof reason, "message too large (limit %zu bytes)", max);
        rc_session_input_reset(se);
        rc_session_fail(se, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, reason);
        return NULL;
    }
    if (final && se->in_len == 0) { /* one frame: no copy */
        *msg_len = len;
        return in;
    }
    if (s->partial_bytes + len > s->cfg.max_partial) {
        char reason[96];
        snprintf(reason, sizeof reason, "server busy: unfinished messages over %zu bytes",
                 s->cfg.max_partial);
        rc_session_input_reset(se);
        rc_session_fail(se, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, reason);
        return NULL;
    }
    if (se->in_len == 0) {
        ev_timer_init(&se->input_timer, on_input_timeout, s->cfg.message_timeout_ms / 1000.0, 0.0);
        se->input_timer.data = se;
        ev_timer_start(s->loop, &se->input_timer);
    }
    if (se->in_len + len > se->in_cap) {
        size_t cap = se->in_cap ? se->in_cap : 1024;
        while (cap < se->in_len + len) cap *= 2;
        se->in = rc_xrealloc(se->in, cap);
        se->in_cap = cap;
    }
    memcpy(se->in + se->in_len, in, len);
    se->in_len += len;
    s->partial_bytes += len;
    if (!final) return NULL;
    *msg_len = se->in_len;
    rc_session_input_reset(se);
    return se->in;
}

/* The buffer goes with the message: only messages longer than lws's rx
 * buffer (app.c) or sent in several frames come through it, seldom, and
 * a buffer kept for the next one would sit in every idle session that
 * ever had one (a resuming hello with its token, a long text input). */
void rc_session_input_done(rc_session *se) {
    free(se->in);
    se->in = NULL;
    se->in_cap = 0;
}

/* The socket took everything: a render held for it (session_render.c,
 * backpressure) goes now, from the latest state. lws calls us back only
 * once its own buffered remainder is out, but check: a held render must
 * not pass a half-written message. */
static void release_held(rc_session *se) {
    if (!se->held || se->out.head || se->closing) return;
    if (lws_partial_buffered(se->wsi)) {
        lws_callback_on_writable(se->wsi);
        return;
    }
    se->held = false;
    rc_session_mark_pending(se);
}

int rc_session_writable(rc_session *se) {
    rc_outmsg *m = rc_outq_pop(&se->out);
    if (m) {
        int n = lws_write(se->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
        size_t len = m->len;
        free(m);
        if (n < (int)len) return -1;
        if (se->out.head || se->closing || se->held) lws_callback_on_writable(se->wsi);
        return 0;
    }
    release_held(se);
    if (se->closing) {
        lws_close_reason(se->wsi, (enum lws_close_status)se->close_code,
                         (unsigned char *)se->close_reason, strlen(se->close_reason));
        return -1;
    }
    return 0;
}
