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
#include <malloc.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "resume/snapshot.h"
#include "server/server.h"
#include "util/clock.h"
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

/* Sends text (any buffer): written now when possible, else queued. */
static void queue_text(rc_session *se, const char *text, size_t len) {
    if (!se->wsi) return;        /* detached: a re-attach sends the whole tree */
    unsigned char small[LWS_PRE + 256];
    if (len <= sizeof small - LWS_PRE) {
        memcpy(small + LWS_PRE, text, len);
        if (write_now(se, small + LWS_PRE, len)) return;
    }
    enqueue(se, text, len);
}

/* Messages are built in the server's scratch buffer after LWS_PRE bytes of
 * headroom (msg_begin), so that msg_send can hand them to lws_write with
 * no copy. */
static rc_buf *msg_begin(rc_server *s) {
    rc_buf *b = &s->scratch;
    rc_buf_reset(b);
    rc_buf_reserve(b, LWS_PRE + 512);
    b->len = LWS_PRE;
    return b;
}

static void msg_send(rc_session *se, rc_buf *b) {
    if (!se->wsi) return;        /* detached: a re-attach sends the whole tree */
    size_t len = b->len - LWS_PRE;
    if (!write_now(se, (unsigned char *)b->data + LWS_PRE, len))
        enqueue(se, b->data + LWS_PRE, len);
}

/* Queues {"type":<type>,<key>:<text>} (or the number, when text is NULL):
 * the shape of every small control message. */
static void send_small(rc_session *se, const char *type, const char *key, const char *text,
                       uint64_t number) {
    rc_buf *b = msg_begin(se->server);
    rc_jw_raw(b, "{\"type\":");
    rc_jw_str(b, type);
    rc_buf_putc(b, ',');
    rc_jw_key(b, key);
    if (text) rc_jw_str(b, text);
    else rc_jw_uint(b, number);
    rc_buf_putc(b, '}');
    msg_send(se, b);
}

static void send_error(rc_session *se, const char *message) {
    send_small(se, "error", "message", message, 0);
}

void rc_session_send_dev(rc_session *se) {
    rc_buf *st = &se->server->dev_status;
    if (st->len && !se->base) queue_text(se, st->data, st->len);
}

void rc_session_send_text(rc_session *se, const char *text, size_t len) {
    if (se->started && !se->base) queue_text(se, text, len);
}

void rc_session_send_drain(rc_session *se, uint32_t window_ms) {
    send_small(se, "drain", "window_ms", NULL, window_ms);
}

void rc_session_close(rc_session *se, int code, const char *reason) {
    if (se->closing || !se->wsi) return;
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

/* ---- tokens ------------------------------------------------------------ */

static void set_id(rc_session *se, const unsigned char *id) {
    memcpy(se->id, id, RC_SESSION_ID_BYTES);
    rc_buf b;
    rc_buf_init(&b);
    rc_base64url_encode(&b, id, RC_SESSION_ID_BYTES);
    snprintf(se->id_text, sizeof se->id_text, "%.*s", (int)b.len, b.data);
    rc_buf_free(&b);
}

static void index_add(rc_session *se) {
    rc_server *s = se->server;
    rc_map_put(&s->index, rc_hash_bytes(RC_HASH_SEED, se->id, RC_SESSION_ID_BYTES), se);
    se->in_index = true;
}

static void index_del(rc_session *se) {
    rc_server *s = se->server;
    uint64_t h = rc_hash_bytes(RC_HASH_SEED, se->id, RC_SESSION_ID_BYTES);
    if (se->in_index && rc_map_get(&s->index, h) == se) rc_map_del(&s->index, h);
    se->in_index = false;
}

static void on_token_timer(struct ev_loop *loop, ev_timer *w, int revents);

/* Appends ,"token":"..." when restorable state moved since the last token
 * (write_token_seq then says which events it holds). Sealing costs
 * O(session state), so tokens are rate-limited
 * (token_interval_ms): a change inside the interval arms a timer that sends
 * the token on its own when the interval ends. The client keeps every event
 * above the latest token_seq, so a resume from a slightly older token
 * replays exactly what that token does not hold. A token over max_token is
 * not sent: that session can still re-attach here, not resume elsewhere. */
static void write_token(rc_session *se, rc_buf *b, bool force) {
    rc_server *s = se->server;
    uint64_t epoch = rc_layout_state_epoch(se->layout);
    if (se->tokens_off || (!force && epoch == se->token_epoch)) return;
    double now = rc_monotonic_s(), wait = s->app->token_interval_ms / 1000.0 - (now - se->token_at);
    if (!force && wait > 0) {
        if (!ev_is_active(&se->token_timer)) {
            ev_timer_init(&se->token_timer, on_token_timer, wait, 0.0);
            se->token_timer.data = se;
            ev_timer_start(s->loop, &se->token_timer);
        }
        return;
    }
    ev_timer_stop(s->loop, &se->token_timer);
    rc_buf snap;
    rc_buf_init(&snap);
    rc_snapshot_meta meta = {(uint32_t)time(NULL), s->app->token_ttl, se->token_version + 1,
                             se->last_seq, s->build, strlen(s->build)};
    rc_snapshot_write(&snap, se->layout, &meta);
    rc_token_claims claims = {s->app_tag, s->build_tag, {0}, meta.version};
    memcpy(claims.session, se->id, RC_SESSION_ID_BYTES);
    size_t at = b->len;
    rc_jw_raw(b, ",\"token\":\"");
    size_t start = b->len;
    rc_token_seal(&s->keys, &claims, snap.data, snap.len, b);
    size_t token_len = b->len - start;
    rc_buf_free(&snap);
    if (token_len > s->app->max_token) {
        b->len = at;
        se->tokens_off = true;
        rc_srv_log(s, RC_LOG_WARN,
                   "session %s: state token of %zu bytes exceeds the %zu-byte limit; "
                   "this session can re-attach but no longer resume elsewhere",
                   se->id_text, token_len, s->app->max_token);
        return;
    }
    rc_buf_putc(b, '"');
    se->token_seq = se->last_seq;
    se->token_version = meta.version;
    se->token_epoch = epoch;
    se->token_at = now;
}

/* ,"token_seq":n — the last event the client's newest token holds: it may
 * forget events up to there. A session without tokens (too big) can only
 * re-attach, so everything acknowledged is safe to forget. */
static void write_token_seq(rc_session *se, rc_buf *b) {
    rc_jw_raw(b, ",\"token_seq\":");
    rc_jw_uint(b, se->tokens_off ? se->last_seq : se->token_seq);
}

/* The interval after the last token ended with state still unsealed: send
 * a token on its own. */
static void on_token_timer(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_session *se = w->data;
    if (!se->wsi || !se->layout || se->closing) return;   /* re-attach sends one */
    if (rc_layout_state_epoch(se->layout) == se->token_epoch) return;
    rc_buf *b = msg_begin(se->server);
    rc_jw_raw(b, "{\"type\":\"token\"");
    size_t before = b->len;
    write_token(se, b, true);
    if (b->len == before) return;                          /* too big: none */
    write_token_seq(se, b);
    rc_buf_putc(b, '}');
    msg_send(se, b);
}

/* The whole tree, as the first message of a connection (fresh, resumed or
 * re-attached): the client builds or reconciles its DOM from it. */
static void send_whole_tree(rc_session *se, const char *how) {
    rc_buf *b = msg_begin(se->server);
    rc_jw_raw(b, "{\"type\":\"layout-update\",\"path\":\"\",\"model\":");
    rc_wire_root_model(b, se->layout, se->base ? RC_WIRE_BASE : RC_WIRE_REACTC);
    if (!se->base) {
        rc_jw_raw(b, ",\"session\":");
        rc_jw_str(b, se->id_text);
        rc_jw_raw(b, ",\"start\":");
        rc_jw_str(b, how);
        rc_jw_raw(b, ",\"ack\":");
        rc_jw_uint(b, se->last_seq);
        write_token(se, b, true);
        write_token_seq(se, b);
    }
    rc_buf_putc(b, '}');
    msg_send(se, b);
    se->ack_due = false;
    rc_session_send_dev(se);       /* a new version's page learns the error is gone */
}

/* Dispatches one event. Events are batched (one render per loop pass), but
 * an event made on a page that showed the render of the event before it
 * targets an element that render created: when the target is unknown and
 * renders are pending, render first (sending the patch, when `send`) and
 * try again, so replays and fast bursts apply exactly as they were made. */
static void flush(rc_session *se);

static void dispatch(rc_session *se, const rc_message *ev, bool send) {
    if (rc_layout_dispatch(se->layout, ev->target, &ev->data, ev->seq) == 0) return;
    if (!rc_layout_dirty(se->layout)) return;
    if (send) {
        flush(se);
    } else {
        rc_layout_flush(se->layout);
        rc_layout_commit(se->layout);
    }
    rc_layout_dispatch(se->layout, ev->target, &ev->data, ev->seq);
}

/* Applies the events a resuming client still held, in order, each only if
 * the session has not applied it (its seq is above last_seq). Run before
 * the first tree goes out, so the page never shows the older state. */
static void replay(rc_session *se, const rc_message *events, size_t n) {
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (events[i].seq <= se->last_seq) continue;
        dispatch(se, &events[i], false);
        se->last_seq = events[i].seq;
        any = true;
    }
    if (any) {
        /* The whole tree follows: these ops need not go anywhere. */
        rc_layout_flush(se->layout);
        rc_layout_commit(se->layout);
    }
}

/* Creates the layout (restored from snap when given), replays what the
 * client held, and sends the tree. */
static void start(rc_session *se, rc_snapshot *snap, const char *how, const rc_message *events,
                  size_t nevents) {
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
    o.session_id = se->id_text;
    if (snap) {
        o.restore = rc_snapshot_restore;
        o.restore_user = snap;
    }
    se->layout = rc_layout_new(app->root, app->root_props, app->root_props_size, &o);
    se->started = true;
    se->connections = 1;
    if (snap) rc_layout_set_connection(se->layout, &(rc_connection){1, true, false});
    if (!se->base) index_add(se);
    rc_layout_flush(se->layout);           /* restores slots as instances mount */
    if (nevents) {
        rc_layout_commit(se->layout);      /* mount effects first, as in the first life */
        replay(se, events, nevents);
        rc_layout_flush(se->layout);       /* what effects and replays left dirty */
    }
    send_whole_tree(se, how);
    rc_layout_commit(se->layout);
    if (rc_layout_dirty(se->layout)) mark_pending(se);
}

static void flush(rc_session *se) {
    if (!se->layout || se->closing) return;
    rc_server *s = se->server;
    const rc_patch *p = rc_layout_flush(se->layout);
    rc_buf *b;
    if (!se->wsi) {
        /* Detached: keep rendering (timers, posts) so a re-attach finds the
         * current state; the output goes nowhere. */
    } else if (se->base) {
        for (size_t i = 0; i < p->nregions; i++) {
            b = msg_begin(s);
            rc_wire_layout_update(b, se->layout, &p->regions[i]);
            msg_send(se, b);
        }
    } else if (p->nops || se->ack_due || rc_layout_state_epoch(se->layout) != se->token_epoch) {
        b = msg_begin(s);
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
        rc_buf_putc(b, ']');
        size_t before = b->len;
        write_token(se, b, false);
        if (se->ack_due || b->len != before) write_token_seq(se, b);
        rc_buf_putc(b, '}');
        msg_send(se, b);
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
    unsigned char id[RC_SESSION_ID_BYTES];
    randombytes_buf(id, sizeof id);
    set_id(se, id);
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
        start(se, NULL, "new", NULL, 0);
    }
    return se;
}

void rc_session_free(rc_session *se) {
    rc_server *s = se->server;
    index_del(se);
    ev_timer_stop(s->loop, &se->grace);
    ev_timer_stop(s->loop, &se->token_timer);
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

/* ---- reconnecting ----------------------------------------------------------- */

static void on_grace(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_session *se = w->data;
    rc_srv_log(se->server, RC_LOG_DEBUG, "session %s: grace period over, freed", se->id_text);
    rc_session_free(se);
}

void rc_session_disconnected(rc_session *se) {
    rc_server *s = se->server;
    rc_outq_clear(&se->out);
    se->wsi = NULL;
    se->in_len = 0;
    bool keep = se->started && !se->base && !se->closing && !se->sleeping && !s->shutting_down &&
                s->app->grace_ms;
    if (!keep) {
        rc_session_free(se);
        return;
    }
    /* Keep it: the same tab usually comes back within seconds, and then
     * nothing needs to re-render (re-attach). Its state is also in the
     * client's token, so freeing it later loses nothing. */
    se->detached = true;
    ev_timer_init(&se->grace, on_grace, s->app->grace_ms / 1000.0, 0.0);
    se->grace.data = se;
    ev_timer_start(s->loop, &se->grace);
}

/* The connection of shell `se` (a fresh session that only got a hello)
 * moves to the detached session `old`, which carries on. */
static void reattach(rc_session *se, rc_session *old, const rc_message *events, size_t n) {
    rc_server *s = se->server;
    ev_timer_stop(s->loop, &old->grace);
    /* The tab may come back at another URL (a link followed in the same
     * tab): the location is session state like any other, so the session
     * carries on there. */
    if (strcmp(old->pathname, se->pathname) != 0 || strcmp(old->search, se->search) != 0) {
        memcpy(old->pathname, se->pathname, sizeof old->pathname);
        memcpy(old->search, se->search, sizeof old->search);
        rc_layout_set_location(old->layout, old->pathname, old->search);
    }
    old->connections++;
    rc_layout_set_connection(old->layout,
                             &(rc_connection){old->connections, old->resumed_here, true});
    /* Apply what the client held that this session has not seen, render
     * what timers or the location left pending while it is still detached
     * (the output goes nowhere), then attach and send the current tree:
     * what the client missed is unknowable. */
    replay(old, events, n);
    if (old->pending) flush(old);
    old->wsi = se->wsi;
    old->detached = false;
    old->closing = false;
    rc_conn *c = lws_wsi_user(se->wsi);
    if (c) c->session = old;
    se->wsi = NULL;
    se->replaced = true;
    rc_srv_log(s, RC_LOG_INFO, "session %s: re-attached", old->id_text);
    send_whole_tree(old, "reattached");
}

static void resume_failed(rc_session *se, const char *reason) {
    rc_server *s = se->server;
    rc_srv_log(s, RC_LOG_WARN, "resume refused: %s; starting a fresh session", reason);
    send_small(se, "resume-failed", "reason", reason, 0);
}

/* hello with resume: re-attach, resume from the token, or start fresh. */
static void hello_resume(rc_session *se, const rc_message *m) {
    rc_server *s = se->server;
    unsigned char id[RC_SESSION_ID_BYTES];
    long n = rc_base64url_decode(m->resume_session, strlen(m->resume_session), id, sizeof id);
    if (n != RC_SESSION_ID_BYTES) {
        resume_failed(se, "malformed session id");
        start(se, NULL, "new", NULL, 0);
        return;
    }
    /* The token is opened once: both the re-attach decision and a resume
     * need it. */
    bool has_token = m->resume_token && *m->resume_token;
    char err[160] = "session unknown here and no token";
    rc_token_claims claims;
    rc_buf plain;
    rc_buf_init(&plain);
    bool ok = has_token &&
              rc_token_open(&s->keys, m->resume_token, strlen(m->resume_token), s->app_tag,
                            s->app->max_token, 4u << 20, &claims, &plain, err, sizeof err) == 0;
    if (ok && memcmp(claims.session, id, sizeof id) != 0) {
        snprintf(err, sizeof err, "token belongs to another session");
        ok = false;
    }
    rc_session *old = rc_map_get(&s->index, rc_hash_bytes(RC_HASH_SEED, id, sizeof id));
    if (old && old->detached && memcmp(old->id, id, sizeof id) == 0) {
        /* The copy held here may be stale: the tab may have lived on in
         * another process since (its token then has a newer version). */
        if (!ok || claims.version <= old->token_version) {
            rc_buf_free(&plain);
            reattach(se, old, m->replay, m->nreplay);
            return;
        }
        rc_srv_log(s, RC_LOG_INFO,
                   "session %s: the copy held here is older than the client's token; resuming",
                   old->id_text);
        rc_session_free(old);
        old = NULL;
    }
    rc_snapshot snap;
    if (ok && rc_snapshot_read(&snap, plain.data, plain.len, err, sizeof err) < 0) ok = false;
    rc_buf_free(&plain);
    if (ok) {
        uint64_t now = (uint64_t)time(NULL);
        if (now > (uint64_t)snap.meta.issued + snap.meta.ttl) {
            snprintf(err, sizeof err, "token expired");
            ok = false;
        } else if ((uint64_t)snap.meta.issued > now + 300) {
            snprintf(err, sizeof err, "token issued in the future");
            ok = false;
        } else if (snap.meta.version != claims.version) {
            snprintf(err, sizeof err, "token version mismatch");
            ok = false;
        }
        if (!ok) rc_snapshot_free(&snap);
    }
    if (!ok) {
        resume_failed(se, err);
        start(se, NULL, "new", NULL, 0);
        return;
    }
    /* A live session with this id (a duplicated tab shares sessionStorage):
     * resume the state into a new session id rather than steal it. */
    if (!old) set_id(se, id);
    se->token_version = claims.version;
    se->last_seq = snap.meta.last_seq;
    if (claims.build_tag != s->build_tag)
        rc_srv_log(s, RC_LOG_INFO, "session %s: resuming a token of build %s into %s",
                   se->id_text, snap.build, s->build);
    se->resumed_here = true;
    start(se, &snap, "resumed", m->replay, m->nreplay);
    rc_snapshot_free(&snap);
    rc_srv_log(s, RC_LOG_INFO, "session %s: resumed from its token (version %llu)", se->id_text,
               (unsigned long long)claims.version);
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
        if (m.resume_session) hello_resume(se, &m);
        else start(se, NULL, "new", NULL, 0);
        break;
    case RC_MSG_PING:
        /* The browser cannot send WebSocket PINGs: an application ping lets
         * the client notice a dead connection (no FIN) as fast as we do. */
        queue_text(se, "{\"type\":\"pong\"}", 15);
        break;
    case RC_MSG_SLEEP:
        /* An idle tab disconnects to cost the server nothing: its state is in
         * its token, so the session is freed at close instead of waiting out
         * the grace period. Without a token (too big) it stays for re-attach. */
        if (se->started && !se->tokens_off) se->sleeping = true;
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
        dispatch(se, &m, true);
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
    if (final && se->in_len == 0) {                  /* no copy */
        handle_message(se, in, len);
        if (se->replaced) rc_session_free(se);        /* its connection moved on */
        return 0;
    }
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
    if (se->replaced) {
        rc_session_free(se);
        return rc;
    }
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
