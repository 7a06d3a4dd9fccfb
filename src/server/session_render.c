/*
 * A session's view: its layout started (fresh or restored), events
 * dispatched and replayed, renders flushed into messages once per loop
 * iteration (the pending list), and the whole tree sent when a connection
 * starts.
 */
#include <stdio.h>
#include <string.h>

#include "core/host.h"
#include "server/session.h"
#include "store/marks.h"
#include "wire/model.h"

static void on_dirty(rc_layout *l, void *user) {
    (void)l;
    rc_session_mark_pending(user);
}

/* A first tree carries a token, which the client takes in place of its
 * own and which holds every event up to last_seq (a resume replays the
 * client's events just before it). While a batch of this session is at
 * Redis or waiting for it, such a token could hold an event whose writes
 * a kill -9 then loses: the tree (and the connection's input) waits until
 * every one is decided (post.c), as an event's render does, with no
 * blocking wait and no second ordering path. */
static bool defer_tree(rc_session *se, const char *how) {
    if (se->base || !rc_store_in_flight(se->id_text)) return false;
    if (!se->tree_how)
        rc_srv_log(se->server, RC_LOG_INFO,
                   "session %s: first tree waits for its store batches at Redis", se->log_id);
    se->tree_how = how;
    rc_session_wait(se);
    if (se->wsi && se->rx_paused != se->wsi) {
        se->rx_paused = se->wsi;
        lws_rx_flow_control(se->wsi, 0);
    }
    return true;
}

/* The form of the models this session's connection reads. */
static rc_wire_flavor wire_flavor(const rc_session *se) {
    return se->base ? RC_WIRE_BASE : se->compact ? RC_WIRE_COMPACT : RC_WIRE_REACTC;
}

static void write_location(rc_buf *b, rc_layout *l) {
    const rc_location *loc = rc_layout_get_location(l);
    rc_jw_raw(b, ",\"location\":{\"pathname\":");
    rc_jw_str(b, loc->pathname);
    rc_jw_raw(b, ",\"search\":");
    rc_jw_str(b, loc->search);
    rc_buf_putc(b, '}');
}

void rc_session_send_whole_tree(rc_session *se, const char *how) {
    if (defer_tree(se, how)) return;
    se->tree_how = NULL;
    rc_buf *b = rc_session_msg_begin(se->server);
    rc_jw_raw(b, "{\"type\":\"layout-update\",\"path\":\"\",\"model\":");
    rc_wire_root_model(b, se->layout, wire_flavor(se));
    if (!se->base) {
        rc_jw_raw(b, ",\"session\":");
        rc_jw_str(b, se->id_text);
        /* Every first tree carries the secret, so the client always holds
         * the one of the session it has now (a resume or a fresh start
         * changes it; a re-attach sends the same again). */
        rc_jw_raw(b, ",\"secret\":");
        rc_jw_str(b, se->secret_text);
        rc_jw_raw(b, ",\"start\":");
        rc_jw_str(b, how);
        rc_jw_raw(b, ",\"ack\":");
        rc_jw_uint(b, se->last_seq);
        /* Where the session is: the client's address bar follows (a
         * navigation it missed, a resume that landed elsewhere), so no
         * navigation is owed any more. */
        write_location(b, se->layout);
        rc_layout_take_navigation(se->layout);
        rc_session_write_token(se, b, true);
        rc_session_write_token_seq(se, b);
    }
    rc_buf_putc(b, '}');
    rc_session_msg_send(se, b);
    se->ack_due = false;
    rc_session_send_dev(se); /* a new version's page learns the error is gone */
}

/* Events are batched (one render per loop pass), but an event made on a
 * page that showed the render of the event before it targets an element
 * that render created: when the target is unknown and renders are pending,
 * render first (sending the patch, when `send`) and try again, so replays
 * and fast bursts apply exactly as they were made. */
void rc_session_dispatch(rc_session *se, const rc_message *ev, bool send) {
    if (rc_layout_dispatch(se->layout, ev->target, &ev->data, ev->seq) == 0) return;
    /* A refused navigation ("@location") is no unknown target. */
    if (!rc_layout_is_dirty(se->layout) || ev->target[0] == '@') return;
    if (send) {
        rc_session_flush(se);
    } else {
        rc_layout_flush(se->layout);
        rc_layout_commit(se->layout);
    }
    rc_layout_dispatch(se->layout, ev->target, &ev->data, ev->seq);
}

/* Each event only if the session has not applied it (its seq is above
 * last_seq). Run before the first tree goes out, so the page never shows
 * the older state. */
void rc_session_replay(rc_session *se, const rc_message *events, size_t n) {
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (events[i].seq <= se->last_seq) continue;
        rc_session_dispatch(se, &events[i], false);
        se->last_seq = events[i].seq;
        any = true;
    }
    if (any) {
        /* The whole tree follows: these ops need not go anywhere. */
        rc_layout_flush(se->layout);
        rc_layout_commit(se->layout);
    }
}

static rc_layout_opts layout_opts(rc_session *se, rc_snapshot *snap) {
    rc_server *s = se->server;
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = rc_srv_log_layout;
    o.log_user = s;
    o.log_level = s->cfg.log_level;
    o.user = se;
    o.on_dirty = on_dirty;
    o.timers = &s->timer_host;
    o.pathname = se->location ? se->location : "/";
    o.search = se->location ? se->location + strlen(se->location) + 1 : "";
    o.app = s->app;
    o.session_id = se->id_text;
    /* Details of a failed component (file:line, the expression) are for
     * the developer: in the page under reactc-dev or when the app asks,
     * else only in the log. */
    o.hide_errors = !s->cfg.show_errors && s->dev_fd < 0;
    if (snap) {
        o.restore = rc_snapshot_restore;
        o.restore_user = snap;
    }
    return o;
}

/* A resume lands where the session was (its snapshot's location slot);
 * a snapshot without one, or with one this server refuses, keeps the
 * hello's location. */
static void restore_location(rc_session *se, const rc_snapshot *snap) {
    char pathname[RC_LOCATION_MAX_PATHNAME + 1], search[RC_LOCATION_MAX_SEARCH + 1];
    if (!rc_snapshot_get_location(snap, pathname, search)) return;
    rc_session_set_location(se, pathname, search);
}

void rc_session_start(rc_session *se, rc_snapshot *snap, const char *how, const rc_message *events,
                      size_t nevents) {
    const rc_app *cfg = &se->server->cfg;
    if (snap) restore_location(se, snap);
    rc_layout_opts o = layout_opts(se, snap);
    se->layout = rc_layout_new(cfg->root, cfg->root_props, cfg->root_props_size, &o);
    rc_layout_set_user_name(se->layout, se->user); /* rc_use_user (login.c) */
    rc_handle_acquire(se);
    se->started = true;
    se->connections = 1;
    if (snap) rc_layout_set_connection(se->layout, &(rc_connection){1, true, false});
    rc_layout_flush(se->layout); /* restores slots as instances mount */
    if (nevents) {
        rc_layout_commit(se->layout); /* mount effects first, as in the first life */
        rc_session_replay(se, events, nevents);
        rc_layout_flush(se->layout); /* what effects and replays left dirty */
    }
    rc_session_send_whole_tree(se, how);
    rc_layout_commit(se->layout);
    if (rc_layout_is_dirty(se->layout)) rc_session_mark_pending(se);
}

/* The reactc protocol's patch message: ops, the ack when events were
 * applied, a token when state moved (paced). */
static void send_patch(rc_session *se, const rc_patch *p, rc_navigation nav) {
    rc_buf *b = rc_session_msg_begin(se->server);
    rc_jw_raw(b, "{\"type\":\"patch\"");
    if (nav != RC_NAVIGATION_NONE) {
        /* The server moved the location: the browser's history follows,
         * with the ops that show the new page. */
        const rc_location *loc = rc_layout_get_location(se->layout);
        rc_jw_raw(b, ",\"navigate\":{\"pathname\":");
        rc_jw_str(b, loc->pathname);
        rc_jw_raw(b, ",\"search\":");
        rc_jw_str(b, loc->search);
        rc_jw_raw(b, nav == RC_NAVIGATION_REPLACE ? ",\"replace\":true}" : ",\"replace\":false}");
    }
    if (se->ack_due) {
        rc_jw_raw(b, ",\"ack\":");
        rc_jw_uint(b, se->last_seq);
    }
    rc_jw_raw(b, ",\"ops\":[");
    for (size_t i = 0; i < p->nops; i++) {
        if (i) rc_buf_putc(b, ',');
        rc_wire_op(b, &p->ops[i], wire_flavor(se));
    }
    rc_buf_putc(b, ']');
    size_t before = b->len;
    rc_session_write_token(se, b, false);
    if (se->ack_due || b->len != before) rc_session_write_token_seq(se, b);
    rc_buf_putc(b, '}');
    rc_session_msg_send(se, b);
}

void rc_session_flush(rc_session *se) {
    if (!se->layout || se->closing) return;
    const rc_patch *p = rc_layout_flush(se->layout);
    /* Taken detached too: a re-attach's first tree carries the location. */
    rc_navigation nav = rc_layout_take_navigation(se->layout);
    if (!se->wsi) {
        /* Detached: keep rendering (timers, posts) so a re-attach finds the
         * current state; the output goes nowhere. */
    } else if (se->base) {
        rc_session_base_flush(se, p);
    } else if (p->nops || se->ack_due || nav != RC_NAVIGATION_NONE ||
               rc_layout_get_state_epoch(se->layout) != se->token_epoch) {
        send_patch(se, p, nav);
    }
    se->ack_due = false;
    rc_layout_commit(se->layout); /* effects run after the send is queued */
}

/* Backpressure (a slow tab): while a session's socket has not taken its
 * last message (some of it still buffered in lws, or whole messages in our
 * queue), a new render is held instead of queued behind it. The layout
 * stays dirty, collecting every change; when the socket drains
 * (rc_session_writable) the session renders once, from the latest state.
 * So a store changing 1,000 times a second costs a slow tab one patch per
 * drained write, not 1,000 queued ones and the output-queue cap's close.
 * What is held is only the render: control messages (pongs, errors, the
 * drain notice) are still queued in order, and the held patch carries the
 * ack and token_seq when it goes. An event that must render first to find
 * its target (rc_session_dispatch) still renders at once. */
static bool hold(rc_session *se) {
    if (!se->wsi || se->closing || !se->layout) return false;
    if (!se->out.head && !lws_partial_buffered(se->wsi)) return false;
    se->held = true;
    se->server->metrics.renders_held++;
    lws_callback_on_writable(se->wsi);
    return true;
}

/* Render rate (render_interval_ms, default 16 ms): a session renders for
 * changes that are not its own events (a store, a timer, a post) at most
 * once per interval. Stores merge what a thread publishes only while the
 * loop is busy, so a sensor read 1,000 times a second on an idle server
 * would otherwise cost every reading tab 1,000 renders and patches a
 * second, more than a screen shows. A put-off session stays dirty,
 * collecting every change, and renders once from the latest state when
 * the interval is over. A render with an event's ack due goes at once (a
 * click is never delayed), and does not count: an effect's render right
 * after it is not put off either. One timer for the server: it puts every
 * put-off session back on the flush list one interval after the first,
 * and a session put off later than that is put off again, so a change
 * waits less than two intervals. */
static void on_throttle(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_server *s = w->data;
    rc_session *list = s->throttled;
    s->throttled = NULL;
    while (list) {
        rc_session *se = list;
        list = se->throttle_next;
        se->throttle_next = NULL;
        se->throttled = false;
        rc_session_mark_pending(se);
    }
}

static bool throttle(rc_session *se) {
    rc_server *s = se->server;
    double interval = s->cfg.render_interval_ms / 1000.0, now = ev_now(s->loop);
    if (interval <= 0 || se->ack_due) return false;
    if (now - se->rendered_at >= interval) {
        se->rendered_at = now;
        return false;
    }
    s->metrics.renders_put_off++;
    if (!se->throttled) {
        se->throttled = true;
        se->throttle_next = s->throttled;
        s->throttled = se;
    }
    if (!ev_is_active(&s->throttle_timer)) {
        ev_timer_init(&s->throttle_timer, on_throttle, interval, 0.0);
        s->throttle_timer.data = s;
        ev_timer_start(s->loop, &s->throttle_timer);
    }
    return true;
}

/* A session whose event's store batch is at Redis (a shared backend)
 * renders when it is decided (post.c on_store_saved), so the ack comes
 * with the event's own writes, as with the in-memory stores. */
static bool wait_for_store(rc_session *se) {
    if (se->tree_how) {
        /* Its first tree waits (defer_tree); renders follow it. */
        if (rc_store_in_flight(se->id_text)) return true;
        const char *how = se->tree_how;
        se->tree_how = NULL;
        rc_session_unwait_if_done(se);
        /* Detached: a re-attach sends one. */
        if (se->wsi && !se->closing && se->layout) rc_session_send_whole_tree(se, how);
    }
    if (!se->ack_due || !rc_store_in_flight(se->id_text)) return false;
    se->store_wait = true;
    rc_session_wait(se);
    return true;
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
        if (!wait_for_store(se) && !hold(se) && !throttle(se)) rc_session_flush(se);
    }
    if (!s->pending) ev_idle_stop(s->loop, &s->idle);
}
