/*
 * Sessions: one mounted layout per WebSocket.
 *
 * Incoming messages are reassembled from frames (bounded by max_message),
 * parsed by the wire layer and applied: hello starts a reactc session,
 * layout-event dispatches to a handler. Nothing is rendered on receipt: the
 * layout tells us it is dirty (on_dirty) and the session joins the server's
 * pending list, which the loop flushes once per iteration. So a burst of
 * events read in one iteration gives one render and one message.
 */
#include <string.h>

#include "server/server.h"
#include "util/alloc.h"
#include "wire/message.h"
#include "wire/model.h"

static void mark_pending(rc_session *se) {
    if (se->pending) return;
    rc_server *s = se->server;
    se->pending = true;
    se->pending_next = s->pending;
    s->pending = se;
    /* Keep the loop from blocking before the prepare watcher flushes. */
    ev_idle_start(s->loop, &s->idle);
}

static void on_dirty(rc_layout *l, void *user) {
    (void)l;
    mark_pending(user);
}

static void queue_text(rc_session *se, const char *text, size_t len) {
    rc_server *s = se->server;
    rc_outq_push(&se->out, text, len);
    if (se->out.bytes > s->app->max_queued && !se->closing) {
        rc_srv_log(s, RC_LOG_WARN, "session %p: %zu bytes queued, client not reading: closing",
                   (void *)se, se->out.bytes);
        rc_outq_clear(&se->out);
        rc_session_close(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, "output queue full");
        /* A client that does not read will not read our close either. */
        lws_set_timeout(se->wsi, PENDING_TIMEOUT_CLOSE_SEND, 2);
        return;
    }
    lws_callback_on_writable(se->wsi);
}

static void send_error(rc_session *se, const char *message) {
    rc_buf *b = &se->server->scratch;
    rc_buf_reset(b);
    rc_jw_raw(b, "{\"type\":\"error\",\"message\":");
    rc_jw_str(b, message);
    rc_buf_putc(b, '}');
    queue_text(se, b->data, b->len);
}

void rc_session_close(rc_session *se, int code, const char *reason) {
    if (se->closing) return;
    se->closing = true;
    se->close_code = code;
    snprintf(se->close_reason, sizeof se->close_reason, "%s", reason);
    lws_callback_on_writable(se->wsi);
}

static void fail(rc_session *se, int code, const char *reason) {
    rc_srv_log(se->server, RC_LOG_WARN, "session %p: %s (closing)", (void *)se, reason);
    send_error(se, reason);
    rc_session_close(se, code, reason);
}

/* Creates the layout and sends the whole tree. */
static void start(rc_session *se) {
    rc_server *s = se->server;
    rc_app *app = s->app;
    rc_layout_opts o = rc_layout_opts_default();
    o.log = rc_srv_log_layout;
    o.log_user = s;
    o.log_level = app->log_level;
    o.user = se;
    o.on_dirty = on_dirty;
    o.timers = &s->timer_host;
    o.pathname = se->pathname;
    o.search = se->search;
    o.app = app;
    se->layout = rc_layout_new(app->root, app->root_props, app->root_props_size, &o);
    se->started = true;
    rc_layout_flush(se->layout);
    rc_buf *b = &s->scratch;
    rc_buf_reset(b);
    rc_jw_raw(b, "{\"type\":\"layout-update\",\"path\":\"\",\"model\":");
    rc_wire_root_model(b, se->layout, se->base ? RC_WIRE_BASE : RC_WIRE_REACTC);
    rc_buf_putc(b, '}');
    queue_text(se, b->data, b->len);
    rc_layout_commit(se->layout);
    if (rc_layout_dirty(se->layout)) mark_pending(se);
}

static void flush(rc_session *se) {
    if (!se->layout || se->closing) return;
    rc_server *s = se->server;
    const rc_patch *p = rc_layout_flush(se->layout);
    rc_buf *b = &s->scratch;
    if (se->base) {
        for (size_t i = 0; i < p->nregions; i++) {
            rc_buf_reset(b);
            rc_wire_layout_update(b, se->layout, &p->regions[i]);
            queue_text(se, b->data, b->len);
        }
    } else if (p->nops || se->ack_due) {
        rc_buf_reset(b);
        rc_jw_raw(b, "{\"type\":\"patch\"");
        if (se->ack_due) {
            rc_jw_raw(b, ",\"ack\":");
            rc_jw_uint(b, se->last_seq);
        }
        rc_jw_raw(b, ",\"ops\":[");
        for (size_t i = 0; i < p->nops; i++) {
            if (i) rc_buf_putc(b, ',');
            rc_wire_op(b, &p->ops[i]);
        }
        rc_jw_raw(b, "]}");
        queue_text(se, b->data, b->len);
    }
    se->ack_due = false;
    rc_layout_commit(se->layout);       /* effects run after the send is queued */
}

void rc_session_flush_pending(rc_server *s) {
    /* Flushing may make sessions pending again (effects setting state):
     * those wait for the next iteration, which the idle watcher ensures. */
    rc_session *list = s->pending;
    s->pending = NULL;
    while (list) {
        rc_session *se = list;
        list = se->pending_next;
        se->pending = false;
        se->pending_next = NULL;
        flush(se);
    }
    if (!s->pending) ev_idle_stop(s->loop, &s->idle);
}

rc_session *rc_session_new(rc_server *s, struct lws *wsi, const char *uri, const char *query) {
    if (s->nsessions >= s->app->max_sessions) return NULL;
    rc_session *se = rc_xcalloc(1, sizeof *se);
    se->server = s;
    se->wsi = wsi;
    se->next = s->sessions;
    if (s->sessions) s->sessions->prev = se;
    s->sessions = se;
    s->nsessions++;
    static const char base_prefix[] = "/_reactpy/stream";
    if (strncmp(uri, base_prefix, sizeof base_prefix - 1) == 0) {
        /* Base protocol: the route after the stream path is the location. */
        const char *route = uri + sizeof base_prefix - 1;
        snprintf(se->pathname, sizeof se->pathname, "%s", *route ? route : "/");
        snprintf(se->search, sizeof se->search, "%s%s", query && *query ? "?" : "",
                 query ? query : "");
        se->base = true;
        start(se);
    }
    return se;
}

void rc_session_free(rc_session *se) {
    rc_server *s = se->server;
    if (se->pending) {
        for (rc_session **pp = &s->pending; *pp; pp = &(*pp)->pending_next)
            if (*pp == se) { *pp = se->pending_next; break; }
    }
    if (se->prev) se->prev->next = se->next; else s->sessions = se->next;
    if (se->next) se->next->prev = se->prev;
    s->nsessions--;
    rc_layout_free(se->layout);        /* cleanups run, timers stop */
    rc_outq_clear(&se->out);
    free(se->in);
    free(se);
}

static int handle_message(rc_session *se, const char *text, size_t len) {
    rc_message m;
    char err[160];
    if (rc_wire_parse(text, len, &m, err, sizeof err) < 0) {
        fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, err);
        return 0;
    }
    switch (m.type) {
    case RC_MSG_HELLO:
        if (se->started) {
            fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, "hello after the session started");
            break;
        }
        if (m.pathname) snprintf(se->pathname, sizeof se->pathname, "%s", m.pathname);
        else snprintf(se->pathname, sizeof se->pathname, "/");
        if (m.search) snprintf(se->search, sizeof se->search, "%s", m.search);
        start(se);
        break;
    case RC_MSG_EVENT:
        if (!se->started) {
            fail(se, LWS_CLOSE_STATUS_POLICY_VIOLATION, "layout-event before hello");
            break;
        }
        if (m.seq && m.seq <= se->last_seq) {
            /* Already applied (a client resending after a reconnect):
             * acknowledge again, apply nothing. */
            se->ack_due = true;
            mark_pending(se);
            break;
        }
        rc_layout_dispatch(se->layout, m.target, &m.data, m.seq);
        if (m.seq) {
            se->last_seq = m.seq;
            se->ack_due = true;
            mark_pending(se);
        }
        break;
    }
    rc_message_free(&m);
    return 0;
}

int rc_session_receive(rc_session *se, const void *in, size_t len, bool final) {
    rc_server *s = se->server;
    if (se->closing) return 0;                 /* draining: ignore input */
    if (se->in_len + len > s->app->max_message) {
        char reason[96];
        snprintf(reason, sizeof reason, "message too large (limit %zu bytes)", s->app->max_message);
        se->in_len = 0;
        fail(se, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, reason);
        return 0;
    }
    if (final && se->in_len == 0) return handle_message(se, in, len);   /* no copy */
    if (se->in_len + len > se->in_cap) {
        size_t cap = se->in_cap ? se->in_cap : 1024;
        while (cap < se->in_len + len) cap *= 2;
        se->in = rc_xrealloc(se->in, cap);
        se->in_cap = cap;
    }
    memcpy(se->in + se->in_len, in, len);
    se->in_len += len;
    if (!final) return 0;
    size_t n = se->in_len;
    se->in_len = 0;
    int rc = handle_message(se, se->in, n);
    if (se->in_cap > 64 * 1024) {              /* don't keep a big buffer idle */
        free(se->in);
        se->in = NULL;
        se->in_cap = 0;
    }
    return rc;
}

int rc_session_writable(rc_session *se) {
    rc_outmsg *m = rc_outq_pop(&se->out);
    if (m) {
        int n = lws_write(se->wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
        size_t len = m->len;
        free(m);
        if (n < (int)len) return -1;
        if (se->out.head || se->closing) lws_callback_on_writable(se->wsi);
        return 0;
    }
    if (se->closing) {
        lws_close_reason(se->wsi, (enum lws_close_status)se->close_code,
                         (unsigned char *)se->close_reason, strlen(se->close_reason));
        return -1;
    }
    return 0;
}
