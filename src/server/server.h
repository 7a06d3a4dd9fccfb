/*
 * The server layer: libwebsockets on a libev loop that reactc owns.
 *
 *   app.c       rc_app_run: loop, signals, lws context and its callback, shutdown
 *   args.c      rc_app_parse_args: the command line
 *   config.c    the app's settings with defaults resolved (a private copy)
 *   transfer.h  uploads and downloads (before http.c sees a request), and
 *               under --workers their relay to the worker holding the
 *               offer (files listed there, in order)
 *   http.c      the page, the client bundle, static files, 404s, refusals
 *   linger.c    a refused request's body read and dropped before the hang-up
 *   page_render.c  the page's server-rendered first paint (per request);
 *                  page_render_off.c when built without (RC_WITH_SSR=OFF)
 *   edge.c      the network edge: origin.c's rules applied to lws
 *               requests, refusals logged
 *   origin.c    the rules: Host, Origin, trusted proxies (pure; origin.h)
 *   session.h   one session per WebSocket, in six files by concern (listed
 *               there, top down): protocol, resume, lifecycle, render,
 *               tokens, io
 *   outq.c      a connection's output queue (bounded)
 *   endpoints.h the URL paths reactc serves
 *   timers.c    the libev timer host given to layouts
 *   post.c      rc_app_post: work from other threads
 *   background.c  session handles (posts to one session) and app-wide timers
 *   log.c       leveled logging
 *   dev_channel.c  the app's end of the dev runner (reactc-dev);
 *                  dev_channel_off.c when built without it
 *   workers.c   the supervisor of --workers N (forks, restarts, SIGHUP)
 *   keys.c      state token keys: the secret read once, kept off the environment
 *   listen.c    listening sockets of our own (workers, the dev runner)
 *   sendbuf.c   a buffer's unsent tail onto one of the loop's own sockets
 *               (metrics, the supervisor's channels, the uploads relay)
 *   tls.c       --tls-cert/--tls-key: files checked, the vhost's TLS, SIGHUP
 *               reload; redirect.c the plain port's 308s (--redirect-http);
 *               tls_off.c when built without (RC_WITH_TLS=OFF)
 *   metrics.c   counters and their Prometheus text; metrics_http.c serves
 *               them on --metrics' own listener; under --workers the
 *               supervisor serves it and asks each worker
 *               (metrics_workers.c), merging their texts (metrics_merge.c);
 *               metrics_off.c when built without (RC_WITH_METRICS=OFF);
 *               metrics_edge.c the edge's refusal reasons (always built)
 *
 * Everything runs on the loop thread except rc_app_post, rc_app_stop and
 * rc_session_handle_post.
 */
#ifndef RC_SERVER_H
#define RC_SERVER_H

#include <ev.h>
#include <libwebsockets.h>
#include <pthread.h>

#include "reactc_layout.h"
#include "resume/token.h"
#include "server/listen.h"
#include "server/memguard.h"
#include "server/metrics.h"
#include "server/origin.h"
#include "server/outq.h"
#include "server/peers.h"
#include "util/hash.h"
#include "util/ratelimit.h"
#include "wire/json_writer.h"

typedef struct rc_session rc_session;
typedef struct rc_server rc_server;

/* The per-connection data lws allocates for us (HTTP or WebSocket). */
typedef struct rc_conn {
    rc_session *session;       /* WebSocket connections */
    const unsigned char *body; /* HTTP: response being written */
    size_t body_len, body_sent;
    char *body_owned;
    struct rc_peer *peer;       /* peers.c: the address this WebSocket counts against */
    struct rc_login_req *login; /* login.c: a login or logout POST in progress */
    struct rc_xfer *xfer;       /* transfer_http.c: an upload or download in progress */
    bool head;                  /* HTTP: a HEAD request (headers only) */
    bool close;                 /* HTTP: hang up once the response is out (http.c) */
    /* HTTP, a refused request's body read and dropped before the hang-up
     * (http.c, lingering close): */
    bool linger;    /* its body is read before closing */
    bool body_read; /* the request's body is all in */
    bool answered;  /* the refusal is out: close once body_read */
} rc_conn;

/* ---- server ----------------------------------------------------------------- */

/* A posted call: rc_app_post's fn(arg), or a post to a session handle
 * (sfn(layout, arg), handle the session's id; background.c). */
typedef struct rc_post_item {
    struct rc_post_item *next;
    void (*fn)(void *arg);
    rc_session_post_fn sfn;
    uint64_t handle;
    /* The layout handle names now, or NULL: background.c's lookup, given
     * with the item so that the queue (post.c) stays below the handles. */
    rc_layout *(*resolve)(uint64_t handle);
    void *arg;
} rc_post_item;

struct rc_server {
    rc_app *app; /* the caller's: handed to layouts and callbacks, never
                                     * written (post.c finds the server from it) */
    rc_app cfg;  /* a private copy with every default resolved (config.c) */
    struct ev_loop *loop;
    struct lws_context *lws;
    /* The heartbeat policy of lws' vhost (app.c): lws keeps a pointer to
     * it, not a copy, so it lives as long as the context. */
    lws_retry_bo_t heartbeat;
    ev_signal sigint, sigterm;
    ev_prepare prepare; /* flushes pending sessions each iteration */
    ev_idle idle;       /* keeps the loop from blocking while work remains */
    ev_timer shutdown_timer;
    ev_async wake;           /* posts and stop requests from other threads */
    ev_io accept_io;         /* worker mode: our SO_REUSEPORT listener */
    rc_server *running_next; /* post.c: the process's running servers */
    pthread_mutex_t post_lock;
    rc_post_item *posts, *posts_tail;
    bool stop_requested; /* under post_lock */
    bool shutting_down;
    rc_session *sessions;
    size_t nsessions; /* every session: live and detached */
    size_t ndetached; /* session.c: detached ones, listed oldest first */
    rc_session *detached_head, *detached_tail;
    size_t partial_bytes;      /* session_io.c: bytes of unfinished messages held (max_partial) */
    unsigned frees_since_trim; /* session.c: malloc_trim pacing */
    rc_memguard mem;           /* admit.c: --max-memory */
    rc_session *pending;       /* sessions to flush */
    rc_session *throttled;     /* session_render.c: renders put off (render_interval_ms) */
    rc_session *waiting;       /* session_wait.c: sessions waiting for the stores */
    ev_timer throttle_timer;   /* puts them back on the flush list */
    rc_timer_host timer_host;
    rc_keyring keys;
    uint32_t app_tag, build_tag;
    char build[64];
    rc_map index; /* session id hash -> session (reattach) */
    char *page;   /* the HTML page */
    size_t page_len;
    size_t page_mount_at;  /* where the mount element's content goes (page_render.c) */
    char page_csp[512];    /* the default policy with the no-flash script's hash */
    bool page_over_logged; /* page_render.c: a page over its limit was logged */
    char client_etag[24];
    int port;
    rc_buf scratch;   /* message building */
    rc_rate log_rate; /* log.c: repeats of a call site limited */
    int dev_fd;       /* dev_channel.c: the runner's channel, or -1 */
    ev_io dev_io;
    rc_buf dev_in;      /* a line from the runner being read */
    rc_buf dev_status;  /* {"type":"dev",...} for every page; empty: not in dev */
    rc_edge_rules edge; /* origin.c: allowed origins and hosts, trusted proxies */
    rc_peers peers;     /* peers.c: connections per client address, and their rate */
    rc_metrics metrics; /* metrics.c: counters, bumped on the loop thread */
    struct rc_metrics_http *metrics_http; /* metrics_http.c: --metrics, or NULL */
    struct rc_metrics_chan *metrics_chan; /* metrics_workers.c: a worker's, or NULL */
    /* redis_link.c: the Redis connection (NULL without --redis). */
    struct rc_redis *redis;
    /* The stores shared through it (src/redis/stores.h); NULL without. */
    struct rc_rstores *stores;
    char redis_prefix[160]; /* "reactc:<app_id>:", for the store backend */
    char redis_desc[200];   /* the URL for logs, password masked */
    ev_signal sighup;       /* tls.c: a single process re-reads its certificate */
    ev_io redirect_io;      /* redirect.c: --redirect-http's listener (fd -1: none) */
    struct lws_vhost *redirect_vhost;
    struct rc_login *login; /* login.c: --auth-file or check_login; NULL: no login */
};

/* redis_link.c: --redis / REACTC_REDIS (docs/deploy.md "Redis"). config:
 * before any fork, takes REACTC_REDIS from the environment when cfg->redis
 * is unset and checks the URL (-1: printed). start: connects on s->loop
 * (-1: logged). Both do nothing without a URL. */
int rc_srv_redis_config(rc_app *cfg);
int rc_srv_redis_start(rc_server *s);
void rc_srv_redis_stop(rc_server *s);

/* adopt.c: accepts what waits on listen_fd (at most 64 per call) and
 * hands each socket to vhost; closed instead while shutting down. what:
 * the listener's name for the log. */
void rc_srv_adopt_pending(rc_server *s, int listen_fd, struct lws_vhost *vhost, const char *what);
/* Whether accepting connections waits for the stores' first full read (a
 * process serves no store value before it); the read starts accepting. */
bool rc_srv_redis_holds_accept(const rc_server *s);

/* tls.c (tls_off.c without RC_WITH_TLS): --tls-cert, --tls-key and
 * --redirect-http (docs/security.md, "TLS"). config: before any fork,
 * checks the options and files (-1: printed, the start refused). info: the
 * context's TLS settings (nothing without a certificate). start: after the
 * context, the redirect port and, when own_sighup (one process on its own
 * listener), SIGHUP re-reading the files (-1: logged). stop: undoes start. */
int rc_tls_config(const rc_app *cfg);
void rc_tls_context_info(const rc_server *s, struct lws_context_creation_info *info);
int rc_tls_start(rc_server *s, bool own_sighup);
void rc_tls_stop(rc_server *s);
/* redirect.c: --redirect-http's listener and vhost on s->lws (-1: logged). */
int rc_redirect_start(rc_server *s);
void rc_redirect_stop(rc_server *s);

/* login.c (auth_off.c without RC_WITH_AUTH): the login (docs/security.md,
 * "Login"; src/server/auth.h). config: before any fork, checks
 * --auth-file (-1: printed). start/stop: the user file, the password
 * thread, SIGHUP re-reading the file (nothing without a login). post: a
 * login or logout POST, taken (true, *rc the callback's return) before
 * http.c would 405 it. gate: after the method, version and Host checks,
 * the form for any GET or HEAD but the client bundle without a valid
 * cookie (true, *rc as above). body,
 * body_done: the POST's body (LWS_CALLBACK_HTTP_BODY[_COMPLETION]).
 * writable: the answer of a checked password (true: handled). closed: the
 * connection went (a check still running is disowned). upgrade: 401 for a
 * WebSocket without a valid cookie, else 0. user_of: the cookie's user into
 * user (true), or "" (false). */
int rc_login_config(const rc_app *cfg);
int rc_login_start(rc_server *s, bool own_sighup);
void rc_login_stop(rc_server *s);
bool rc_login_post(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc);
bool rc_login_gate(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc);
int rc_login_body(rc_conn *c, const void *in, size_t len);
int rc_login_body_done(rc_server *s, struct lws *wsi, rc_conn *c);
bool rc_login_writable(rc_server *s, struct lws *wsi, rc_conn *c, int *rc);
void rc_login_closed(rc_conn *c);
unsigned rc_login_upgrade(rc_server *s, struct lws *wsi);
bool rc_login_user_of(rc_server *s, struct lws *wsi, char user[65]);

/* dev_channel.c: the app's end of reactc-dev's channel (docs/dev.md). */
int rc_dev_listen_fd(void);      /* REACTC_LISTEN_FD, or -1 */
void rc_dev_init(rc_server *s);  /* after the loop exists */
void rc_dev_ready(rc_server *s); /* accepting: tell the runner */
void rc_dev_free(rc_server *s);

/* edge.c: what the edge is asked about. A WebSocket handshake and a form
 * POST (login.c) have their Origin checked too; the log names which. */
typedef enum rc_edge_kind { RC_EDGE_REQUEST, RC_EDGE_UPGRADE, RC_EDGE_POST } rc_edge_kind;
/* The verdict of origin.c's rules on the request on wsi: 0 (go on), or the
 * HTTP status to refuse it with (logged here). */
unsigned rc_edge_check(rc_server *s, struct lws *wsi, rc_edge_kind kind);
/* The client's address into buf: the TCP peer's, or the one a trusted
 * proxy forwards (X-Forwarded-For's last entry). */
void rc_edge_client(rc_server *s, struct lws *wsi, char *buf, size_t cap);

/* http.c */
int rc_http_refuse(struct lws *wsi, rc_conn *c, unsigned status);
int rc_http_refuse_upgrade(struct lws *wsi, unsigned status);
int rc_http_refuse_raw(struct lws *wsi);
/* A response of status with body (taken over, may be empty) and extra
 * headers (NULL-terminated name, value pairs, or NULL); close: hang up
 * after it. Returns the callback's return. */
int rc_http_reply(struct lws *wsi, rc_conn *c, unsigned status, const char *type, rc_buf *body,
                  const char *const *headers, bool close);
int rc_http_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri);
int rc_http_writable(struct lws *wsi, rc_conn *c);
void rc_http_done(rc_conn *c);
int rc_http_build_page(rc_server *s);

/* linger.c: a refused request's body read and dropped before the hang-up. */
/* A request begins on c (a keep-alive connection's next): state cleared. */
void rc_linger_begin(rc_conn *c);
/* A refusal that hangs up (c->close) is starting: lingers when the body
 * is one to read first. */
void rc_linger_plan(struct lws *wsi, rc_conn *c);
/* The refusal is out: true when the connection waits for the body (the
 * caller does not hang up), false to hang up now. */
bool rc_linger_answered(rc_conn *c);
/* The request's body is all in (BODY_COMPLETION). True when the request
 * lingered for it: *rc is then the callback's answer (-1: hang up now, the
 * refusal being out) and nothing else handles the body. */
bool rc_linger_body_read(rc_conn *c, int *rc);

/* page_render.c (page_render_off.c without RC_WITH_SSR): the
 * server-rendered first paint (docs/guide/first-paint.md). render: one
 * throwaway layout for a location, flushed once, its HTML appended to out,
 * freed without commit (no effect runs); -1 (out unchanged) when it failed
 * or the HTML passed max (0: 4 MiB). head: the no-flash script and CSS
 * appended to the page's head, the script's CSP source (" 'sha256-...'")
 * into hash ("" when none). for_request: the whole page for a GET or HEAD
 * of uri into out (0), or -1 when the static page serves (no_ssr, or a
 * build without). */
typedef struct rc_page_req {
    const char *pathname, *search;
    const char *user; /* rc_use_user's name, or NULL */
    bool hide_errors;
    rc_log_fn log; /* NULL: stderr */
    void *log_user;
    rc_log_level log_level;
    struct rc_app *app; /* rc_layout_get_app */
    size_t max;
} rc_page_req;
int rc_page_render(const rc_app *cfg, const rc_page_req *req, rc_buf *out);
void rc_page_head(rc_server *s, rc_buf *b, char *hash, size_t cap);
int rc_page_for_request(rc_server *s, struct lws *wsi, const char *uri, rc_buf *out);

/* config.c: cfg = app with every default filled in (the caller's rc_app is
 * never written). */
void rc_config_resolve(rc_app *cfg, const rc_app *app);

/* workers.c: runs `nworkers` processes on cfg's host and port, each calling
 * worker(arg, index) after its fork, restarts them when they die, and stops
 * them on SIGTERM. cfg is the caller's resolved copy: a port of "any" (-1)
 * is replaced by the one reserved for all workers before the first fork.
 * Returns the exit status. */
/* keys.c: the keyring of cfg's secret (file, REACTC_SECRET or the dev
 * runner's REACTC_SECRET_FD; both variables are removed from the
 * environment). 0, or -1 with err. */
int rc_keys_load(const rc_app *cfg, rc_keyring *kr, char *err, size_t errlen);
/* The supervisor's keyring, kept for the workers it forks. */
void rc_keys_inherit(const rc_keyring *kr);
/* Copies the inherited keyring into kr; false if there is none. */
bool rc_keys_inherited(rc_keyring *kr);
/* A server's keys (inherited from the supervisor, or loaded here: a random
 * key with a loud warning when none is configured), its app tag and its
 * build id and tag. 0, or -1 (logged). */
int rc_keys_init_server(rc_server *s);
/* The warning for a pass: secret, said once where it was stretched. */
#define RC_KEYS_PASS_WARNING                                                                    \
    "the secret is a passphrase (pass:), stretched with Argon2id: tokens are as safe as it is " \
    "hard to guess; prefer b64: (reactc-secret prints one)"

/* The store layer's (store.c; off.c: NULL): the name of a store not
 * declared local, or persisted, that many workers would each hold a
 * diverging copy (or write one file) of. */
const char *rc_store_find_shared(void);

typedef int (*rc_worker_fn)(void *arg, int index);
int rc_run_supervisor(rc_app *cfg, int nworkers, rc_worker_fn worker, void *arg);

/* timers.c */
void rc_timers_init(rc_server *s);

/* post.c: lists the server as running (rc_app_post finds it) and takes
 * posts; rc_post_free unlists it and runs what was still posted. */
void rc_post_init(rc_server *s);
void rc_post_drain(rc_server *s);
void rc_post_free(rc_server *s);
/* Queues it on s (post_lock) and wakes the loop. Thread-safe. */
void rc_post_enqueue(rc_server *s, rc_post_item *it);
/* The server running app in this process, or NULL. */
rc_server *rc_post_find(const rc_app *app);

/* background.c: session handles and app-wide timers. A session takes its
 * handle when its layout starts and gives it back when freed; a server
 * that stops first forgets every handle of its sessions (posts to them are
 * then refused), then runs what was queued (posts to a forgotten handle see
 * a NULL layout). App timers of an app arm when its server starts and
 * disarm when it stops (app.c, around rc_post_init and rc_post_free). */
void rc_handle_acquire(rc_session *se);
void rc_handle_release(rc_session *se);
void rc_handles_forget(rc_server *s);
/* The live session's layout the handle names, or NULL (loop thread). */
rc_layout *rc_handle_layout(uint64_t id);
void rc_app_timers_arm(rc_server *s);
void rc_app_timers_disarm(rc_server *s);

/* log.c */
void rc_srv_log(rc_server *s, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);
void rc_srv_log_layout(void *user, rc_log_level level, const char *message);

/* The embedded client bundle (src/server/client_bundle.c, generated). */
extern const unsigned char rc_client_js[];
extern const unsigned int rc_client_js_len;

#endif
