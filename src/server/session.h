/*
 * Sessions: one mounted layout per WebSocket (server-private).
 *
 * A session's code is split by concern; calls go down this list, never up:
 *
 *   session_protocol.c  each incoming message: hello, layout-event, ping, sleep
 *   session_park.c      with --redis, a resuming hello waits for the session's
 *                       newest snapshot in Redis (bounded), then goes on
 *   session_resume.c    a hello that names a session: re-attach, resume, fresh
 *   session.c           lifecycle: create, free (only here), detach, grace
 *                       period, the session-id index
 *   session_render.c    layout start, event dispatch and replay, the flush of
 *                       renders into messages, the pending list
 *   session_tokens.c    when a state token is sealed and sent (pacing)
 *   session_snapshot.c  with --redis, each token also stored as the session's
 *                       newest snapshot; references confirmed
 *   session_io.c        the connection: frames in, messages out, close
 *   session_base.c      ReactPy's base protocol: its stream URL, its
 *                       layout-update messages (RC_WITH_REACTPY; refused by
 *                       session_base_off.c without it)
 *
 * (Two links go up by data, not by call: a parked hello's fetch record,
 * cut by session.c's free through session.h; and session_snapshot.c's
 * confirmation, a function pointer session_tokens.c hands it.)
 *
 * Nothing is rendered on receipt: the layout says it is dirty (on_dirty) and
 * the session joins the server's pending list, which the loop flushes once
 * per iteration. So a burst of events read in one iteration gives one render
 * and one message.
 */
#ifndef RC_SERVER_SESSION_H
#define RC_SERVER_SESSION_H

#include <stdlib.h>
#include <string.h>

#include "resume/snapshot.h"
#include "server/server.h"
#include "util/alloc.h"
#include "wire/message.h"

/* A session's secret: 32 random bytes, 43 characters of base64url. */
#define RC_SESSION_SECRET_BYTES 32

struct rc_session {
    rc_server *server;
    struct lws *wsi;   /* NULL while detached */
    rc_layout *layout; /* NULL until the session starts */
    unsigned char id[RC_SESSION_ID_BYTES];
    char id_text[32]; /* base64url of id: on the wire only, never logged */
    char log_id[12];  /* what logs name it by: 8 hex digits of a hash of id */
    char user[65];    /* login.c: the connection's signed-in user; "" without a login */
    /* Proof of possession (docs/security.md, Sessions): made with the
     * session, sent in its first tree, required to re-attach. Never
     * logged; wiped when the session is freed. */
    unsigned char secret[RC_SESSION_SECRET_BYTES];
    char secret_text[48];   /* base64url of secret */
    uint64_t token_version; /* of the last token sent */
    uint64_t token_epoch;   /* layout state epoch it captured */
    bool tokens_off;        /* a token grew past max_token: re-attach only */
    /* With --redis (session_snapshot.c): the newest snapshot in Redis. */
    bool by_ref;                     /* past max_token: the client holds a reference token */
    uint64_t ref_version;            /* newest version Redis confirmed holding (0: none known) */
    uint64_t ref_seq;                /* the last event that snapshot holds */
    struct rc_snap_fetch *fetch;     /* session_park.c: a hello waiting for the snapshot */
    bool detached;                   /* socket gone, kept for re-attach */
    bool in_index;                   /* listed in the server's session index */
    bool sleeping;                   /* the client said it goes idle: free at close */
    bool resumed_here;               /* rebuilt from its token in this process */
    uint32_t connections;            /* connections it had here (rc_connection) */
    ev_timer grace;                  /* frees a detached session */
    rc_session *det_prev, *det_next; /* the server's detached sessions, oldest first */
    ev_timer hello_timer;            /* a connection must speak first within hello_timeout_ms */
    ev_timer token_timer;            /* sends a deferred token (token_interval_ms) */
    double token_at;                 /* when the last token was sealed */
    uint64_t token_seq;              /* last event the newest token holds */
    bool token_held;                 /* waits for a persisted store's file */
    /* An event's store batch is at Redis, not decided (store/marks.h,
     * rc_store_in_flight): the render (ack and the event's own writes in
     * one message) and the session's next messages wait for it. */
    bool store_wait;
    /* A first tree waiting for the same (session_render.c): how it
     * started ("resumed", "reattached"...), NULL when none waits. */
    const char *tree_how;
    struct lws *rx_paused; /* the connection whose input waits, or NULL */
    /* In the server's list of sessions waiting for the stores (any of the
     * four above set; session_wait.c). */
    bool waiting;
    rc_session *wait_prev, *wait_next;
    bool base;    /* base protocol (no hello, whole subtrees) */
    bool compact; /* its hello asked for compact models (docs/protocol.md) */
    bool started;
    bool pending; /* in the server's flush list */
    bool closing; /* close once the queue is written */
    int close_code;
    char *close_reason; /* while closing only (owned): most sessions never close first */
    uint64_t last_seq;  /* last event applied */
    uint64_t handle;    /* background.c: its rc_session_handle id, 0 before it starts */
    bool held;          /* a render waits for the socket to drain (slow tab) */
    bool throttled;     /* in the server's throttled list (render_interval_ms) */
    double rendered_at; /* ev_now of its last render not owed to its own event */
    bool ack_due;       /* an event was applied since the last message */
    rc_outq out;
    /* A message being reassembled (frames, or lws's rx buffer's pieces of
     * a longer one): freed once handled, so an idle session holds none. */
    char *in;
    size_t in_len, in_cap;
    ev_timer input_timer;    /* a message begun must end in message_timeout_ms */
    rc_session *prev, *next; /* all sessions */
    rc_session *pending_next;
    rc_session *throttle_next;
    /* The location the layout starts at: "pathname\0search\0", owned,
     * exactly as long as it is (NULL: "/" and ""). Fixed arrays of the
     * longest allowed (768 bytes) were half of an idle counter session's
     * own struct; the layout keeps its own copy (docs/profiling.md). */
    char *location;
};

/* ---- session_protocol.c ---------------------------------------------------- */

/* A frame of input from the session's connection. Returns the session that
 * carries this connection from now on: se itself, or the detached session a
 * hello re-attached to, in which case se has been freed and the caller points
 * its connection at the returned one. */
rc_session *rc_session_receive(rc_session *se, const void *in, size_t len, bool final);

/* ---- session_park.c --------------------------------------------------------- */

/* What Redis said of a resuming session's newest snapshot. */
typedef enum rc_snap_status {
    RC_SNAP_NOT_ASKED,   /* no --redis */
    RC_SNAP_UNAVAILABLE, /* Redis down, or no answer within the deadline */
    RC_SNAP_NONE,        /* Redis holds no snapshot of the session */
    RC_SNAP_FOUND        /* version and token below (untrusted until opened) */
} rc_snap_status;

typedef struct rc_snap_found {
    rc_snap_status status;
    const char *version; /* decimal text, as stored */
    const char *token;
} rc_snap_found;

/* With --redis, a hello that resumes asks Redis for the session's newest
 * snapshot and waits (parked) for the answer, at most
 * RC_SNAPSHOT_FETCH_S: hello (len bytes of JSON, copied) is handled again
 * then. Returns true when parked; false when there is nothing to ask (no
 * Redis, a malformed id) or Redis is down (*status says which). */
bool rc_session_park_hello(rc_session *se, const rc_message *m, const char *hello, size_t len,
                           rc_snap_status *status);
/* A parked hello's fetch. Redis answers every command exactly once, even
 * after the deadline or the close, so the record is owned by that answer;
 * the session only points at it (se->fetch). Here, not in session_park.c,
 * so that the registry (session.c) cuts the link when a session goes
 * without calling up into the layer that parks. */
struct rc_snap_fetch {
    rc_server *server;
    rc_session *se; /* NULL once decided without the answer, or the session went */
    ev_timer deadline;
    size_t len;
    char hello[]; /* the hello's JSON, handled again once the answer is in */
};

/* Cuts the link between a fetch and its session: whatever happens next to
 * one cannot reach the other. */
static inline void rc_snap_fetch_unlink(struct rc_snap_fetch *f) {
    ev_timer_stop(f->server->loop, &f->deadline);
    if (f->se) f->se->fetch = NULL;
    f->se = NULL;
}

/* The session goes: a parked hello's answer will find nothing. */
static inline void rc_session_park_forget(rc_session *se) {
    if (se->fetch) rc_snap_fetch_unlink(se->fetch);
}

#define RC_SNAPSHOT_FETCH_S 1.0

/* ---- session_resume.c ------------------------------------------------------ */

/* A hello naming a session (m->resume_session): re-attaches to the detached
 * session held here, resumes from the newer of the client's token and the
 * snapshot in Redis (f; NULL: not asked), or starts fresh with the reason
 * sent as resume-failed. Returns the session that now carries the
 * connection (se, or the re-attached one; se is then an empty shell that
 * the caller frees). */
rc_session *rc_session_hello_resume(rc_session *se, const rc_message *m, const rc_snap_found *f);

/* ---- admit.c --------------------------------------------------------------- */

/* Opens the memory guard of this process (after any fork) and logs its
 * limits. */
void rc_admit_start(rc_server *s);
/* A session for a new WebSocket at uri, or NULL when the session limit or
 * the memory guard refuses it (logged, counted, the close reason set: the
 * caller hangs up). */
rc_session *rc_admit_connection(rc_server *s, struct lws *wsi, const char *uri, const char *query);
/* Whether the hello may start (resume: it names a session) under the
 * memory guard; false: refused, the session closing with 4503. */
bool rc_admit_hello(rc_session *se, bool resume);

/* ---- session.c ------------------------------------------------------------- */

/* A session for a new WebSocket at uri (NULL when max_sessions is reached).
 * A base-protocol stream starts at once; a reactc one waits for its hello. */
rc_session *rc_session_new(rc_server *s, struct lws *wsi, const char *uri, const char *query);
/* Frees the session: its layout (cleanups run), timers, queue. The only
 * function that frees one. */
void rc_session_free(rc_session *se);
/* The socket closed: keep the session for re-attach, or free it. */
void rc_session_disconnected(rc_session *se);
/* Gives the session this id (16 bytes) and lists it in the server's index
 * (re-attach looks sessions up there). */
void rc_session_set_id(rc_session *se, const unsigned char *id);
void rc_session_index_add(rc_session *se);
/* The session of this id held here, or NULL. */
rc_session *rc_session_find(rc_server *s, const unsigned char *id);
/* A detached session takes a connection again (re-attach): out of the
 * detached list, its grace period stopped. */
void rc_session_undetach(rc_session *se);
/* The connection said its first message: its first-message timer stops. */
void rc_session_heard(rc_session *se);

/* Sets the location the session's layout starts at (se->location; copied,
 * search "" when NULL). Only before rc_session_start: the layout keeps its
 * own from then on. Here, inline, because the registry (a base-protocol
 * stream's URL), the hello and a resume's snapshot all set it. */
static inline void rc_session_set_location(rc_session *se, const char *pathname,
                                           const char *search) {
    if (!search) search = "";
    size_t pl = strlen(pathname), sl = strlen(search);
    char *loc = rc_xmalloc(pl + sl + 2);
    memcpy(loc, pathname, pl + 1);
    memcpy(loc + pl + 1, search, sl + 1);
    free(se->location);
    se->location = loc;
}

/* ---- session_render.c ------------------------------------------------------ */

/* Creates the layout (restored from snap when given), replays what the
 * client held, sends the whole tree with start `how` ("new", "resumed"). */
void rc_session_start(rc_session *se, rc_snapshot *snap, const char *how, const rc_message *events,
                      size_t nevents);
/* Dispatches one event; `send`: a render it forces first goes out. */
void rc_session_dispatch(rc_session *se, const rc_message *ev, bool send);
/* Applies held events above last_seq, in order, before a whole tree. */
void rc_session_replay(rc_session *se, const rc_message *events, size_t n);
/* Renders what is dirty and sends the patch (or the base protocol's
 * subtrees), then runs effects. */
void rc_session_flush(rc_session *se);
/* The whole tree, as the first message of a connection; deferred (with
 * the connection's input) while the session has a store batch undecided
 * at Redis, since it carries a token (how: a string literal). */
void rc_session_send_whole_tree(rc_session *se, const char *how);
/* Flushes every pending session (the loop's prepare watcher). */
void rc_session_flush_pending(rc_server *s);

/* ---- session_wait.c -------------------------------------------------------- */

/* Lists se among the sessions waiting for the stores: call it with
 * token_held, store_wait, tree_how or rx_paused set. Listed once, however often. */
void rc_session_wait(rc_session *se);
/* Takes se off that list (freed, or waiting for nothing). */
void rc_session_unwait(rc_session *se);
/* Takes se off that list once none of the four is set. */
void rc_session_unwait_if_done(rc_session *se);
/* The stores wrote a file or decided a batch: the listed sessions' held
 * tokens go out, and the renders and input waiting for a decided batch. */
void rc_session_stores_saved(rc_server *s);

/* ---- session_tokens.c ------------------------------------------------------ */

/* Appends ,"token":"..." when restorable state moved since the last token
 * (or always, when force), within the pacing of token_interval_ms. */
void rc_session_write_token(rc_session *se, rc_buf *b, bool force);
/* Appends ,"token_seq":n: the last event the client's newest token holds. */
void rc_session_write_token_seq(rc_session *se, rc_buf *b);
/* Appends ,"token":"..." with a reference token to the newest snapshot
 * Redis confirmed (ref_version, ref_seq), and moves token_seq up to it. */
void rc_session_write_reference(rc_session *se, rc_buf *b);

/* ---- session_snapshot.c ------------------------------------------------------ */

/* Past this, a token is not kept in Redis either (tokens stop: re-attach
 * only). Redis takes 512 MiB strings; sealing costs time in proportion. */
#define RC_SNAPSHOT_MAX_TOKEN ((size_t)4 << 20)

/* With --redis: stores token (len bytes, sealed at version, holding events
 * up to last_seq) as the session's newest snapshot, unless Redis holds a
 * newer one. confirm: when Redis has it, the client gets a reference token
 * (by_ref sessions). Without --redis nothing happens. */
/* The Redis key of the snapshot of session id_text. */
void rc_session_snapshot_key(const rc_server *s, const char *id_text, char *key, size_t cap);
/* Told that Redis holds the snapshot of `version` (or newer), holding the
 * events up to last_seq; se is looked up by id when Redis answers. A
 * function pointer (session_tokens.c's) so that this file, below the
 * pacing, never calls up into it. */
typedef void (*rc_snapshot_confirm_fn)(rc_session *se, uint64_t version, uint64_t last_seq);
void rc_session_snapshot_store(rc_session *se, const char *token, size_t len, uint64_t version,
                               uint64_t last_seq, rc_snapshot_confirm_fn confirm);

/* ---- session_io.c ---------------------------------------------------------- */

/* Joins the server's flush list (flushed once per loop iteration by
 * rc_session_flush_pending). */
void rc_session_mark_pending(rc_session *se);
/* Adds a frame to the message being received. Returns the whole message
 * (its length in *msg_len; valid until the next call) when this frame ends
 * it, NULL while more are due or when the message grew over max_message
 * (the session then fails and closes). */
const char *rc_session_reassemble(rc_session *se, const void *in, size_t len, bool final,
                                  size_t *msg_len);
/* Drops a message being reassembled (its bytes leave the process budget,
 * its timer stops). */
void rc_session_input_reset(rc_session *se);
/* After a message is handled: its reassembly buffer goes (none kept idle). */
void rc_session_input_done(rc_session *se);
/* Messages are built in the server's scratch buffer after LWS_PRE bytes of
 * headroom (msg_begin), so that msg_send hands them to lws with no copy. */
rc_buf *rc_session_msg_begin(rc_server *s);
void rc_session_msg_send(rc_session *se, rc_buf *b);
/* Sends ready-made text: written now when possible, else queued. */
void rc_session_queue_text(rc_session *se, const char *text, size_t len);
/* Sends {"type":<type>,<key>:<text>} (or the number, when text is NULL). */
void rc_session_send_small(rc_session *se, const char *type, const char *key, const char *text,
                           uint64_t number);
/* Sends an error message and closes with code (logged). */
void rc_session_fail(rc_session *se, int code, const char *reason);
/* Closes once the queue is written. */
void rc_session_close(rc_session *se, int code, const char *reason);
/* lws says the socket is writable: the next queued message, or the close. */
int rc_session_writable(rc_session *se);
/* Asks the client to reconnect after a random delay within window_ms. */
void rc_session_send_drain(rc_session *se, uint32_t window_ms);
/* Sends the dev runner's status (dev_channel.c) to the page, when under it. */
void rc_session_send_dev(rc_session *se);
/* Sends a ready-made reactc message (JSON text) to a started reactc page. */
void rc_session_send_text(rc_session *se, const char *text, size_t len);

/* ---- session_base.c (session_base_off.c without RC_WITH_REACTPY) -------------- */

/* At the WebSocket handshake (LWS_CALLBACK_HTTP_CONFIRM_UPGRADE): 0, or
 * the HTTP status refusing it (a base-protocol stream in a build without
 * it: 404, logged). */
unsigned rc_session_base_upgrade(rc_server *s, struct lws *wsi);
/* A new session's stream URL: the base protocol's (the route after it is
 * the location; se->base set, true), or reactc's (false). */
bool rc_session_base_open(rc_session *se, const char *uri, const char *query);
/* A base-protocol session's flush: one layout-update per region of p. */
void rc_session_base_flush(rc_session *se, const rc_patch *p);

#endif
