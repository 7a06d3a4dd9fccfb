/*
 * The server layer: libwebsockets on a libev loop that reactc owns.
 *
 *   app.c       rc_app_args, rc_app_run: loop, signals, lws context, shutdown
 *   http.c      the page, the client bundle, static files, 404s
 *   session.c   one session per WebSocket: messages in, flushes out
 *   outq.c      a connection's output queue (bounded)
 *   timers.c    the libev timer host given to layouts
 *   post.c      rc_app_post: work from other threads
 *   log.c       leveled logging
 *   dev_channel.c  the app's end of the dev runner (reactc-dev)
 *   listen.c    listening sockets of our own (workers, the dev runner)
 *
 * Everything runs on the loop thread except rc_app_post and rc_app_stop.
 */
#ifndef RC_SERVER_H
#define RC_SERVER_H

#include <ev.h>
#include <libwebsockets.h>
#include <pthread.h>

#include "reactc.h"
#include "resume/token.h"
#include "server/listen.h"
#include "util/hash.h"
#include "wire/json_writer.h"

typedef struct rc_session rc_session;
typedef struct rc_server rc_server;

/* ---- output queue -------------------------------------------------------- */

typedef struct rc_outmsg {
    struct rc_outmsg *next;
    size_t len;
    unsigned char data[];          /* LWS_PRE bytes of headroom, then the text */
} rc_outmsg;

typedef struct rc_outq {
    rc_outmsg *head, *tail;
    size_t bytes;
} rc_outq;

void rc_outq_push(rc_outq *q, const char *text, size_t len);
rc_outmsg *rc_outq_pop(rc_outq *q);
void rc_outq_clear(rc_outq *q);

/* ---- sessions --------------------------------------------------------------- */

struct rc_session {
    rc_server *server;
    struct lws *wsi;                /* NULL while detached */
    rc_layout *layout;              /* NULL until the session starts */
    unsigned char id[RC_SESSION_ID_BYTES];
    char id_text[32];               /* base64url of id */
    uint64_t token_version;         /* of the last token sent */
    uint64_t token_epoch;           /* layout state epoch it captured */
    bool tokens_off;                /* a token grew past max_token: re-attach only */
    bool detached;                  /* socket gone, kept for re-attach */
    bool in_index;                  /* listed in the server's session index */
    bool replaced;                  /* a shell whose connection moved to another session */
    bool sleeping;                  /* the client said it goes idle: free at close */
    bool resumed_here;              /* rebuilt from its token in this process */
    uint32_t connections;           /* connections it had here (rc_connection) */
    ev_timer grace;                 /* frees a detached session */
    ev_timer token_timer;           /* sends a deferred token (token_interval_ms) */
    double token_at;                /* when the last token was sealed */
    uint64_t token_seq;             /* last event the newest token holds */
    bool base;                      /* base protocol (no hello, whole subtrees) */
    bool started;
    bool pending;                   /* in the server's flush list */
    bool closing;                   /* close once the queue is written */
    int close_code;
    char close_reason[96];
    uint64_t last_seq;              /* last event applied */
    bool ack_due;                   /* an event was applied since the last message */
    rc_outq out;
    char *in;                       /* a message being reassembled */
    size_t in_len, in_cap;
    rc_session *prev, *next;        /* all sessions */
    rc_session *pending_next;
    char pathname[256];
    char search[512];
};

/* The per-connection data lws allocates for us (HTTP or WebSocket). */
typedef struct rc_conn {
    rc_session *session;            /* WebSocket connections */
    const unsigned char *body;      /* HTTP: response being written */
    size_t body_len, body_sent;
    char *body_owned;
} rc_conn;

/* ---- server ----------------------------------------------------------------- */

typedef struct rc_post_item {
    struct rc_post_item *next;
    void (*fn)(void *arg);
    void *arg;
} rc_post_item;

struct rc_server {
    rc_app *app;
    struct ev_loop *loop;
    struct lws_context *lws;
    ev_signal sigint, sigterm;
    ev_prepare prepare;             /* flushes pending sessions each iteration */
    ev_idle idle;                   /* keeps the loop from blocking while work remains */
    ev_timer shutdown_timer;
    ev_async wake;                  /* posts and stop requests from other threads */
    ev_io accept_io;                /* worker mode: our SO_REUSEPORT listener */
    pthread_mutex_t post_lock;
    rc_post_item *posts, *posts_tail;
    bool stop_requested;            /* under post_lock */
    bool shutting_down;
    rc_session *sessions;
    size_t nsessions;
    unsigned frees_since_trim;      /* session.c: malloc_trim pacing */
    rc_session *pending;            /* sessions to flush */
    rc_timer_host timer_host;
    rc_keyring keys;
    uint32_t app_tag, build_tag;
    char build[64];
    rc_map index;                   /* session id hash -> session (reattach) */
    char *page;                     /* the HTML page */
    size_t page_len;
    char client_etag[24];
    int port;
    rc_buf scratch;                 /* message building */
    int dev_fd;                     /* dev_channel.c: the runner's channel, or -1 */
    ev_io dev_io;
    rc_buf dev_in;                  /* a line from the runner being read */
    rc_buf dev_status;              /* {"type":"dev",...} for every page; empty: not in dev */
};

/* session.c */
rc_session *rc_session_new(rc_server *s, struct lws *wsi, const char *uri, const char *query);
void rc_session_free(rc_session *se);
int rc_session_receive(rc_session *se, const void *in, size_t len, bool final);
int rc_session_writable(rc_session *se);
void rc_session_flush_pending(rc_server *s);
void rc_session_close(rc_session *se, int code, const char *reason);
/* Asks the client to reconnect after a random delay within window_ms. */
void rc_session_send_drain(rc_session *se, uint32_t window_ms);
/* The socket closed: keep the session for re-attach, or free it. */
void rc_session_disconnected(rc_session *se);

/* Sends the dev runner's status (dev_channel.c) to the page, when under it. */
void rc_session_send_dev(rc_session *se);
/* Sends a ready-made reactc message (JSON text) to a started reactc page. */
void rc_session_send_text(rc_session *se, const char *text, size_t len);

/* dev_channel.c: the app's end of reactc-dev's channel (docs/dev.md). */
int rc_dev_listen_fd(void);        /* REACTC_LISTEN_FD, or -1 */
void rc_dev_init(rc_server *s);    /* after the loop exists */
void rc_dev_ready(rc_server *s);   /* accepting: tell the runner */
void rc_dev_free(rc_server *s);

/* http.c */
int rc_http_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri);
int rc_http_writable(struct lws *wsi, rc_conn *c);
void rc_http_done(rc_conn *c);
int rc_http_build_page(rc_server *s);

/* workers.c */
int rc_run_supervisor(rc_app *app, int nworkers);
int rc_run_worker(rc_app *app, int index);       /* app.c */

/* timers.c */
void rc_timers_init(rc_server *s);

/* post.c */
void rc_post_init(rc_server *s);
void rc_post_drain(rc_server *s);
void rc_post_free(rc_server *s);

/* log.c */
void rc_srv_log(rc_server *s, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);
void rc_srv_log_layout(void *user, rc_log_level level, const char *message);

/* The embedded client bundle (src/server/client_bundle.c, generated). */
extern const unsigned char rc_client_js[];
extern const unsigned int rc_client_js_len;

#endif
