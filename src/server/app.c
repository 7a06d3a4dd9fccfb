/*
 * rc_app_run: one libev loop owned by reactc, libwebsockets on it through
 * its libev plugin with the loop passed in as a foreign loop (so SIGINT and
 * SIGTERM watchers and the flush watchers are ours; lws' own loop ignored
 * SIGTERM). Never the poll() loop: it collapses with many idle sessions.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/endpoints.h"
#include "server/session.h"
#include "server/transfer.h"
#include "util/alloc.h"

/* ---- the lws protocol: HTTP and WebSocket in one callback ---------------- */

static size_t attached_sessions(const rc_server *s) {
    size_t n = 0;
    for (const rc_session *se = s->sessions; se; se = se->next) n += se->wsi != NULL;
    return n;
}

/* A request, its body and its response's writes: uploads and downloads
 * first (transfer.c), then a login POST (login.c), then http.c. */
static int http_event(rc_server *s, struct lws *wsi, enum lws_callback_reasons reason, rc_conn *c,
                      void *in, size_t len) {
    int rc = 0;
    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        const char *uri = in ? (const char *)in : "/";
        rc_linger_begin(c);
        return rc_xfer_request(s, wsi, c, uri, &rc) ? rc : rc_http_request(s, wsi, c, uri);
    }
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (rc_xfer_writable(s, wsi, c, &rc)) return rc;
        return rc_login_writable(s, wsi, c, &rc) ? rc : rc_http_writable(wsi, c);
    case LWS_CALLBACK_HTTP_BODY:
        return rc_xfer_body(s, wsi, c, in, len, &rc) ? rc : rc_login_body(c, in, len);
    default:
        if (rc_linger_body_read(c, &rc)) return rc; /* a refused request's, dropped */
        return rc_xfer_body_done(s, wsi, c, &rc) ? rc : rc_login_body_done(s, wsi, c);
    }
}

/* One protocol, at index 0: a browser that names no subprotocol is bound to
 * protocol 0, so making ours the only one means its messages are never
 * dropped on a default http protocol. */
static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len) {
    rc_server *s = lws_context_user(lws_get_context(wsi));
    rc_conn *c = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
    case LWS_CALLBACK_HTTP_WRITEABLE:
    case LWS_CALLBACK_HTTP_BODY:
    case LWS_CALLBACK_HTTP_BODY_COMPLETION: return http_event(s, wsi, reason, c, in, len);
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
        /* lws_serve_http_file (static files) sent the whole file. Without
         * this the connection never takes its next keep-alive request: a
         * second file on it got its headers and no body. */
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        if (c) rc_http_done(c), rc_login_closed(c), rc_xfer_closed(s, c);
        return 0;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
        /* WebSocket only: lws would also switch a cleartext connection to
         * HTTP/2 (h2c, never sent by browsers), whose later streams carry
         * no Host header for the edge to check. */
        if (!in || strcmp((const char *)in, "websocket") != 0) {
            rc_http_refuse_upgrade(wsi, 501);
            return -1;
        }
        /* Host and Origin (edge.c) while an HTTP status can still be sent. */
        unsigned refused = rc_edge_check(s, wsi, RC_EDGE_UPGRADE);
        if (!refused) refused = rc_login_upgrade(s, wsi);        /* 401 without a login */
        if (!refused) refused = rc_session_base_upgrade(s, wsi); /* 404: no ReactPy here */
        if (!refused) {
            /* Then the client's address: its connections and their rate. */
            char addr[64];
            const char *why = "";
            rc_edge_client(s, wsi, addr, sizeof addr);
            refused = rc_peers_admit(&s->peers, addr, ev_now(s->loop), &why);
            if (!refused) return 0;
            rc_srv_log(s, RC_LOG_WARN, "refused a WebSocket from %.64s: %s: %u", addr, why,
                       refused);
            s->metrics.edge[rc_metrics_edge_reason(refused)]++;
        }
        rc_http_refuse_upgrade(wsi, refused);
        return -1; /* hang up: the refusal is written */
    }
    case LWS_CALLBACK_RAW_ADOPT:
        /* Only a CONNECT request gets here (we adopt sockets as HTTP):
         * lws turns it into a raw socket on protocol 0 with no timeout. */
        rc_http_refuse_raw(wsi);
        return -1;
    case LWS_CALLBACK_RAW_RX: return -1;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
        char uri[256];
        if (s->shutting_down) return 1;
        /* Checked at CONFIRM_UPGRADE already; again here in case an upgrade
         * ever gets here without it (this can only hang up). */
        if (rc_edge_check(s, wsi, RC_EDGE_UPGRADE)) return 1;
        if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0) return 1;
        if (strcmp(uri, RC_PATH_STREAM) == 0 ||
            strncmp(uri, RC_PATH_BASE_STREAM, RC_PATH_LEN(RC_PATH_BASE_STREAM)) == 0)
            return 0;
        return 1; /* no WebSocket anywhere else */
    }
    case LWS_CALLBACK_ESTABLISHED: {
        char uri[256] = "", query[512] = "", frag[256];
        lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
        size_t ql = 0;
        for (int i = 0; i < 32; i++) {
            int n = lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
            if (n <= 0) break;
            int w = snprintf(query + ql, sizeof query - ql, "%s%s", ql ? "&" : "", frag);
            if (w < 0 || (size_t)w >= sizeof query - ql) break;
            ql += (size_t)w;
        }
        char addr[64];
        rc_edge_client(s, wsi, addr, sizeof addr);
        c->peer = rc_peers_attach(&s->peers, addr, ev_now(s->loop));
        c->session = rc_admit_connection(s, wsi, uri, query); /* the limits (admit.c) */
        if (c->session) rc_login_user_of(s, wsi, c->session->user);
        if (!c->session) {
            rc_peers_release(&s->peers, c->peer);
            c->peer = NULL;
            return -1; /* the close reason is set */
        }
        /* Base protocol: no hello, the first tree goes out at once. */
        if (c->session->base) rc_session_start(c->session, NULL, "new", NULL, 0);
        return 0;
    }
    case LWS_CALLBACK_RECEIVE:
        if (!c->session) return -1;
        /* A hello may re-attach this connection to a detached session. */
        c->session = rc_session_receive(c->session, in, len, lws_is_final_fragment(wsi) != 0);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (!c->session) return -1;
        return rc_session_writable(c->session);
    case LWS_CALLBACK_CLOSED:
        rc_peers_release(&s->peers, c->peer);
        c->peer = NULL;
        if (c->session) {
            rc_session_disconnected(c->session);
            c->session = NULL;
            if (s->shutting_down && !attached_sessions(s)) ev_break(s->loop, EVBREAK_ALL);
        }
        return 0;
    default: break;
    }
    return 0;
}

/* lws mallocs rx_buffer_size per WebSocket for its lifetime: at 64 KiB the
 * pages around what was ever written to it stayed resident, ~3 KiB of RSS
 * per idle session (docs/profiling.md). An event (~200 bytes) fits; longer
 * messages come in 1 KiB pieces that session_io.c reassembles. Left at 0,
 * tx_packet_size would cut every send() to rx_buffer_size: kept at 64 KiB. */
#define RC_WS_RX_BUFFER 1024
#define RC_WS_TX_PACKET 65536

static struct lws_protocols protocols[] = {
    {"reactc", callback, sizeof(rc_conn), RC_WS_RX_BUFFER, 0, NULL, RC_WS_TX_PACKET},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- loop watchers ----------------------------------------------------------- */

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents) {
    (void)loop;
    (void)revents;
    rc_server *s = w->data;
    if (s->pending) rc_session_flush_pending(s);
}

static void on_idle(struct ev_loop *loop, ev_idle *w, int revents) {
    (void)revents;
    rc_server *s = w->data;
    if (!s->pending) ev_idle_stop(loop, w);
}

static void begin_shutdown(rc_server *s) {
    if (s->shutting_down) {
        ev_break(s->loop, EVBREAK_ALL); /* a second signal: now */
        return;
    }
    s->shutting_down = true;
    if (ev_is_active(&s->accept_io))
        ev_io_stop(s->loop, &s->accept_io); /* new work goes elsewhere */
    rc_xfer_relay_unlisten(s);              /* the name free for our replacement */
    rc_srv_log(s, RC_LOG_INFO, "shutting down: closing %zu session(s)", attached_sessions(s));
    /* Tell reactc clients to come back spread over a window rather than all
     * at once (a fleet restart must not arrive as one thundering herd). */
    for (rc_session *se = s->sessions; se; se = se->next) {
        if (se->wsi && !se->base && se->started) rc_session_send_drain(se, s->cfg.drain_ms);
        rc_session_close(se, LWS_CLOSE_STATUS_GOINGAWAY, "server shutting down");
    }
    if (!attached_sessions(s)) {
        ev_break(s->loop, EVBREAK_ALL);
        return;
    }
    ev_timer_start(s->loop, &s->shutdown_timer); /* clients that never answer */
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents) {
    (void)loop;
    (void)revents;
    begin_shutdown(w->data);
}

static void on_shutdown_timer(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)revents;
    (void)w;
    ev_break(loop, EVBREAK_ALL);
}

static void on_wake(struct ev_loop *loop, ev_async *w, int revents) {
    (void)loop;
    (void)revents;
    rc_server *s = w->data;
    rc_post_drain(s);
    pthread_mutex_lock(&s->post_lock);
    bool stop = s->stop_requested;
    s->stop_requested = false;
    pthread_mutex_unlock(&s->post_lock);
    if (stop) begin_shutdown(s);
}

static rc_server *lws_log_server;

static void lws_log(int level, const char *line) {
    char buf[512];
    size_t n = strlen(line);
    if (n >= sizeof buf) n = sizeof buf - 1;
    memcpy(buf, line, n);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
    buf[n] = '\0';
    rc_srv_log(lws_log_server, level == LLL_ERR ? RC_LOG_ERROR : RC_LOG_WARN, "lws: %s", buf);
}

/* ---- run --------------------------------------------------------------------- */

/* Accepts on our own listener and hands each socket to lws. */
static void on_accept(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    (void)revents;
    rc_server *s = w->data;
    rc_srv_adopt_pending(s, w->fd, lws_get_vhost_by_name(s->lws, "default"), "main port");
}

/* The lws context on our loop; lws itself never listens. */
static struct lws_context *create_lws(rc_server *s) {
    lws_log_server = s;
    lws_set_log_level(LLL_ERR | (s->cfg.log_level >= RC_LOG_DEBUG ? LLL_WARN : 0), lws_log);
    void *foreign[1] = {s->loop};
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
    info.protocols = protocols;
    /* Not LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE:
     * its CSP forbids inline style attributes, which components use. */
    info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_VALIDATE_UTF8;
    info.foreign_loops = foreign;
    info.user = s;
    info.timeout_secs = 20;
    /* Heartbeat: a WebSocket PING after heartbeat_s without traffic, hang up
     * after twice that without an answer (a peer gone without a FIN, a
     * closed lid). The browser answers PINGs by itself. lws keeps the
     * pointer (vh->retry_policy), not a copy: the policy is the server's.
     * It was on this function's stack, and once the stack was reused lws
     * read garbage limits and hung up on healthy sockets seconds after
     * they opened, silently (seen as e2e.robustness' heartbeat and drain
     * failing one run in three). */
    s->heartbeat = (lws_retry_bo_t){.secs_since_valid_ping = (uint16_t)s->cfg.heartbeat_s,
                                    .secs_since_valid_hangup = (uint16_t)(2 * s->cfg.heartbeat_s)};
    info.retry_and_idle_policy = &s->heartbeat;
    info.max_http_header_data = 8192;
    rc_tls_context_info(s, &info); /* --tls-cert: HTTPS and WSS (tls.c) */
    return lws_create_context(&info);
}

static void server_free(rc_server *s) {
    rc_map_free(&s->index);
    rc_edge_rules_free(&s->edge);
    rc_peers_free(&s->peers);
    rc_keyring_wipe(&s->keys);
    rc_memguard_close(&s->mem);
    if (s->loop) ev_loop_destroy(s->loop);
    free(s->page);
    rc_buf_free(&s->scratch);
    free(s);
}

/* A server for app, with its loop, page, keys and lws context; NULL (the
 * reason logged) when any of them cannot be had. */
static rc_server *server_new(rc_app *app, const rc_app *cfg) {
    rc_server *s = rc_xcalloc(1, sizeof *s);
    s->mem.fd = -1; /* opened by rc_admit_start */
    s->app = app;
    s->cfg = *cfg;
    s->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
    if (!s->loop) {
        fprintf(stderr, "reactc: cannot create the event loop\n");
        server_free(s);
        return NULL;
    }
    rc_buf_init(&s->scratch);
    rc_timers_init(s);
    rc_http_build_page(s);
    rc_map_init(&s->index);
    rc_peers_init(&s->peers, cfg->max_per_address, cfg->new_per_address_per_s, cfg->limit_loopback);
    char err[300];
    if (rc_edge_rules_init(&s->edge, cfg, err, sizeof err)) {
        rc_srv_log(s, RC_LOG_ERROR, "%s", err);
        server_free(s);
        return NULL;
    }
    if (rc_keys_init_server(s) < 0) {
        server_free(s);
        return NULL;
    }
    s->lws = create_lws(s);
    if (!s->lws) {
        rc_srv_log(s, RC_LOG_ERROR, "cannot create the libwebsockets context");
        server_free(s);
        return NULL;
    }
    return s;
}

/* Every watcher of the loop: the listener, signals, flushes, posts. */
static void start_watchers(rc_server *s, int listen_fd) {
    ev_io_init(&s->accept_io, on_accept, listen_fd, EV_READ);
    s->accept_io.data = s;
    if (!rc_srv_redis_holds_accept(s)) ev_io_start(s->loop, &s->accept_io);
    ev_signal_init(&s->sigint, on_signal, SIGINT);
    ev_signal_init(&s->sigterm, on_signal, SIGTERM);
    s->sigint.data = s->sigterm.data = s;
    ev_signal_start(s->loop, &s->sigint);
    ev_signal_start(s->loop, &s->sigterm);
    ev_prepare_init(&s->prepare, on_prepare);
    s->prepare.data = s;
    ev_prepare_start(s->loop, &s->prepare);
    ev_idle_init(&s->idle, on_idle);
    s->idle.data = s;
    ev_timer_init(&s->shutdown_timer, on_shutdown_timer, 0.5, 0.0);
    ev_async_init(&s->wake, on_wake);
    s->wake.data = s;
    ev_async_start(s->loop, &s->wake);
    rc_post_init(s);
    rc_app_timers_arm(s);
}

static void stop_watchers(rc_server *s) {
    rc_srv_redis_stop(s);
    rc_app_timers_disarm(s);
    /* Sessions outlive this (lws frees them after): their handles refuse
     * posts from here on, before rc_post_free runs what was queued and
     * post_lock goes away. */
    rc_handles_forget(s);
    rc_post_free(s);
    ev_signal_stop(s->loop, &s->sigint);
    ev_signal_stop(s->loop, &s->sigterm);
    ev_prepare_stop(s->loop, &s->prepare);
    ev_idle_stop(s->loop, &s->idle);
    ev_timer_stop(s->loop, &s->shutdown_timer);
    ev_timer_stop(s->loop, &s->throttle_timer);
    ev_async_stop(s->loop, &s->wake);
    ev_io_stop(s->loop, &s->accept_io);
}

/* One server process: lws on our libev loop, accepting on listen_fd (ours:
 * a plain listener, a worker's SO_REUSEPORT one, or the dev runner's) and
 * handing each connection to lws; lws itself never listens. */
static int run_server(rc_app *app, const rc_app *cfg, int listen_fd, bool own_sighup) {
    /* A peer that vanishes mid-write must not kill the process. */
    signal(SIGPIPE, SIG_IGN);
    rc_server *s = server_new(app, cfg);
    if (!s) return 1;
    s->metrics.start_time = (double)time(NULL);
    /* A worker answers its supervisor, which serves --metrics' port. */
    bool worker_metrics = rc_metrics_worker_start(s);
    s->port = rc_listen_port(listen_fd, cfg->port);
    if ((cfg->metrics && !worker_metrics && rc_metrics_http_start(s, cfg->metrics) < 0) ||
        rc_tls_start(s, own_sighup) < 0 ||   /* --redirect-http's port, SIGHUP */
        rc_login_start(s, own_sighup) < 0 || /* --auth-file, the password thread */
        rc_srv_redis_start(s) < 0) {         /* redis: only with --redis (redis_link.c) */
        rc_tls_stop(s);
        rc_login_stop(s);
        rc_metrics_worker_stop(s);
        rc_metrics_http_stop(s);
        lws_context_destroy(s->lws); /* the reason is logged */
        server_free(s);
        return 1;
    }
    rc_dev_init(s);
    rc_admit_start(s); /* --max-memory */
    start_watchers(s, listen_fd);
    rc_xfer_relay_start(s); /* under --workers: requests for our offers */

    bool v6 = strchr(cfg->host, ':') != NULL; /* http://[::1]:8000/ */
    rc_srv_log(s, RC_LOG_INFO, "serving \"%s\" on %s://%s%s%s:%d/", cfg->title,
               cfg->tls_cert ? "https" : "http", v6 ? "[" : "", cfg->host, v6 ? "]" : "", s->port);
    if (app->on_listen) app->on_listen(app, s->port);
    rc_dev_ready(s);

    ev_run(s->loop, 0);

    stop_watchers(s);
    /* After the handles are forgotten: a relayed upload cut here is told
     * to no app, as a local one closed by lws_context_destroy is not. */
    rc_xfer_relay_stop(s);
    rc_tls_stop(s);
    rc_metrics_http_stop(s);
    rc_metrics_worker_stop(s);
    /* Sessions still open are freed by lws' close callbacks here. */
    s->shutting_down = true;
    lws_context_destroy(s->lws);
    rc_login_stop(s); /* after the connections (their checks are disowned) */
    ev_run(s->loop, EVRUN_NOWAIT);
    while (s->sessions) rc_session_free(s->sessions); /* detached ones */
    rc_dev_free(s);
    rc_srv_log(s, RC_LOG_INFO, "stopped");
    server_free(s);
    return 0;
}

/* What a worker process needs from rc_app_run (the supervisor only passes
 * it through). */
typedef struct worker_arg {
    rc_app *app;       /* the caller's */
    const rc_app *cfg; /* resolved; port set by the supervisor */
} worker_arg;

/* A worker's entry, after its fork: its own SO_REUSEPORT listener. */
static int run_worker(void *arg, int index) {
    const worker_arg *w = arg;
    rc_xfer_relay_setup(index, (int)getppid()); /* names the relay sockets (transfer.c) */
    int port = 0;
    int fd = rc_listen_socket(w->cfg->host, w->cfg->port, true, true, &port);
    if (fd < 0) {
        fprintf(stderr, "reactc worker %d: cannot listen on %s:%d: %s\n", index, w->cfg->host,
                w->cfg->port, strerror(errno));
        return 1;
    }
    int rc = run_server(w->app, w->cfg, fd, false);
    close(fd);
    return rc;
}

int rc_app_run(rc_app *app) {
    if (!app->root) {
        fprintf(stderr, "reactc: rc_app has no root component\n");
        return 1;
    }
    rc_app cfg;
    rc_config_resolve(&cfg, app);
    rc_edge_rules rules; /* checked before any fork: a bad entry stops the start */
    char err[300];
    if (rc_edge_rules_init(&rules, &cfg, err, sizeof err)) {
        fprintf(stderr, "reactc: %s\n", err);
        return 1;
    }
    rc_edge_rules_free(&rules);
    if (rc_srv_redis_config(&cfg) < 0 || rc_tls_config(&cfg) < 0 || rc_login_config(&cfg) < 0)
        return 1;
    /* Under the dev runner: one process on the runner's socket. */
    int dev_listen = rc_dev_listen_fd();
    if (dev_listen >= 0) return run_server(app, &cfg, dev_listen, false);
    int workers = cfg.workers < 0 ? (int)sysconf(_SC_NPROCESSORS_ONLN) : cfg.workers;
    cfg.workers = workers; /* the memory guard's share (admit.c) */
    if (workers > 1) return rc_run_supervisor(&cfg, workers, run_worker, &(worker_arg){app, &cfg});
    if (cfg.port < 0) cfg.port = 0;
    /* Our own listener, as in worker mode: lws given iface "127.0.0.1"
     * bound [::] (every interface) on this system; bind() does as told. */
    int port = 0;
    int fd = rc_listen_socket(cfg.host, cfg.port, false, true, &port);
    if (fd < 0) {
        fprintf(stderr, "reactc: cannot listen on %s:%d: %s\n", cfg.host, cfg.port,
                strerror(errno));
        return 1;
    }
    int rc = run_server(app, &cfg, fd, true);
    close(fd);
    return rc;
}
