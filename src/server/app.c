/*
 * rc_app_run: one libev loop owned by reactc, libwebsockets on it through
 * its libev plugin with the loop passed in as a foreign loop (so SIGINT and
 * SIGTERM watchers and the flush watchers are ours; lws' own loop ignored
 * SIGTERM). Never the poll() loop: it collapses with many idle sessions.
 */
#define _GNU_SOURCE            /* accept4 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/server.h"
#include "util/alloc.h"

/* ---- command line ---------------------------------------------------------- */

static void usage(const char *prog) {
    printf("usage: %s [--host ADDR] [--port N] [--log-level error|warn|info|debug] [--title T]\n"
           "  --host ADDR      address to listen on (default 127.0.0.1)\n"
           "  --port N         port (default 8000; 0 picks a free one)\n"
           "  --log-level L    error, warn, info (default) or debug\n"
           "  --title T        page title\n"
           "  --secret-file F  master secret(s) for state tokens (else $REACTC_SECRET)\n"
           "  --static DIR     serve the files in DIR under /static/\n"
           "  --grace S        seconds a disconnected session waits for its tab (default 60)\n"
           "  --workers N      N worker processes on the port (auto: one per core; default 1)\n"
           "  --heartbeat S    ping an idle connection after S seconds, drop it after 2*S (default 15)\n"
           "  --token-interval MS  at most one state token per MS per session (default 250; 0: every change)\n"
           "  --idle S         an untouched tab sleeps after S seconds (default 240; 0: never)\n"
           "  --storage KIND   where tabs keep their session: session (default), local or memory\n"
           "  --max-sessions N sessions per process (default 10000)\n"
           "  --max-message N  largest message accepted, bytes (default 1048576)\n"
           "  --max-queued N   output bytes queued per connection before closing it (default 4194304)\n",
           prog);
}

static bool parse_level(const char *s, rc_log_level *out) {
    static const char *names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) { *out = (rc_log_level)i; return true; }
    return false;
}

/* A whole number in [lo, hi]; otherwise says which option was bad and why. */
static bool int_option(const char *prog, const char *opt, const char *val, long long lo,
                       long long hi, const char *expected, long long *out) {
    char *end;
    errno = 0;
    long long n = strtoll(val, &end, 10);
    if (errno || end == val || *end || n < lo || n > hi) {
        fprintf(stderr, "%s: bad value for %s: \"%s\" (%s)\n", prog, opt, val, expected);
        return false;
    }
    *out = n;
    return true;
}

int rc_app_args(rc_app *app, int argc, char **argv) {
    app->log_level = RC_LOG_INFO;
    long long n;
    for (int i = 1; i < argc; i += 2) {     /* every option takes one value */
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(argv[0]);
            return 1;
        }
        if (!val) {
            fprintf(stderr, "%s: %s needs a value (see --help)\n", argv[0], a);
            return -1;
        }
        if (strcmp(a, "--host") == 0) {
            app->host = val;
        } else if (strcmp(a, "--port") == 0) {
            if (!int_option(argv[0], a, val, 0, 65535, "0..65535; 0: any free port", &n)) return -1;
            app->port = n == 0 ? -1 : (int)n;          /* explicit 0: any free port */
        } else if (strcmp(a, "--log-level") == 0) {
            if (!parse_level(val, &app->log_level)) {
                fprintf(stderr, "%s: bad log level \"%s\"\n", argv[0], val);
                return -1;
            }
        } else if (strcmp(a, "--title") == 0) {
            app->title = val;
        } else if (strcmp(a, "--max-sessions") == 0 || strcmp(a, "--max-message") == 0 ||
                   strcmp(a, "--max-queued") == 0) {
            if (!int_option(argv[0], a, val, 1, 1ll << 40, "a positive number", &n)) return -1;
            if (a[6] == 's') app->max_sessions = (size_t)n;
            else if (a[6] == 'm') app->max_message = (size_t)n;
            else app->max_queued = (size_t)n;
        } else if (strcmp(a, "--token-interval") == 0) {
            if (!int_option(argv[0], a, val, 0, 600000, "ms; 0: every change", &n)) return -1;
            app->token_interval_ms = n == 0 ? UINT32_MAX : (uint32_t)n;
        } else if (strcmp(a, "--idle") == 0) {
            if (!int_option(argv[0], a, val, 0, 2000000, "seconds; 0: never", &n)) return -1;
            app->client.idle_s = n == 0 ? UINT32_MAX : (uint32_t)n;
        } else if (strcmp(a, "--storage") == 0) {
            if (strcmp(val, "session") != 0 && strcmp(val, "local") != 0 && strcmp(val, "memory") != 0) {
                fprintf(stderr, "%s: bad storage \"%s\" (session, local or memory)\n", argv[0], val);
                return -1;
            }
            app->client.storage = val;
        } else if (strcmp(a, "--heartbeat") == 0) {
            if (!int_option(argv[0], a, val, 1, 3600, "seconds, 1..3600", &n)) return -1;
            app->heartbeat_s = (uint32_t)n;
        } else if (strcmp(a, "--workers") == 0) {
            if (strcmp(val, "auto") == 0) app->workers = -1;
            else if (int_option(argv[0], a, val, 1, 256, "1..256 or auto", &n)) app->workers = (int)n;
            else return -1;
        } else if (strcmp(a, "--static") == 0) {
            app->static_dir = val;
        } else if (strcmp(a, "--secret-file") == 0) {
            app->secret_file = val;
        } else if (strcmp(a, "--grace") == 0) {
            char *end;
            errno = 0;
            double g = strtod(val, &end);
            if (errno || *end || g < 0 || g > 86400) {
                fprintf(stderr, "%s: bad grace period \"%s\"\n", argv[0], val);
                return -1;
            }
            app->grace_ms = g == 0 ? UINT32_MAX : (uint32_t)(g * 1000);
        } else {
            fprintf(stderr, "%s: unknown option %s (see --help)\n", argv[0], a);
            return -1;
        }
    }
    return 0;
}

/* ---- the lws protocol: HTTP and WebSocket in one callback ---------------- */

static size_t attached_sessions(const rc_server *s) {
    size_t n = 0;
    for (const rc_session *se = s->sessions; se; se = se->next) n += se->wsi != NULL;
    return n;
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
        return rc_http_request(s, wsi, c, in ? (const char *)in : "/");
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return rc_http_writable(wsi, c);
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
        /* lws_serve_http_file (static files) sent the whole file. Without
         * this the connection never takes its next keep-alive request: a
         * second file on it got its headers and no body. */
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        if (c) rc_http_done(c);
        return 0;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
        char uri[256];
        if (s->shutting_down) return 1;
        if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0) return 1;
        if (strcmp(uri, "/_reactc/stream") == 0 || strncmp(uri, "/_reactpy/stream", 16) == 0)
            return 0;
        return 1;                             /* no WebSocket anywhere else */
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
        c->session = rc_session_new(s, wsi, uri, query);
        if (!c->session) {
            static const char full[] = "server full";
            rc_srv_log(s, RC_LOG_WARN, "session limit (%zu) reached: refusing a connection",
                       s->app->max_sessions);
            lws_close_reason(wsi, (enum lws_close_status)1013 /* try again later */, (unsigned char *)full,
                             sizeof full - 1);
            return -1;
        }
        return 0;
    }
    case LWS_CALLBACK_RECEIVE:
        if (!c->session) return -1;
        return rc_session_receive(c->session, in, len, lws_is_final_fragment(wsi));
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (!c->session) return -1;
        return rc_session_writable(c->session);
    case LWS_CALLBACK_CLOSED:
        if (c->session) {
            rc_session_disconnected(c->session);
            c->session = NULL;
            if (s->shutting_down && !attached_sessions(s)) ev_break(s->loop, EVBREAK_ALL);
        }
        return 0;
    default:
        break;
    }
    return 0;
}

static struct lws_protocols protocols[] = {
    {"reactc", callback, sizeof(rc_conn), 65536, 0, NULL, 0},
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
        ev_break(s->loop, EVBREAK_ALL);        /* a second signal: now */
        return;
    }
    s->shutting_down = true;
    if (ev_is_active(&s->accept_io)) ev_io_stop(s->loop, &s->accept_io);   /* new work goes elsewhere */
    rc_srv_log(s, RC_LOG_INFO, "shutting down: closing %zu session(s)", attached_sessions(s));
    /* Tell reactc clients to come back spread over a window rather than all
     * at once (a fleet restart must not arrive as one thundering herd). */
    for (rc_session *se = s->sessions; se; se = se->next) {
        if (se->wsi && !se->base && se->started) rc_session_send_drain(se, s->app->drain_ms);
        rc_session_close(se, LWS_CLOSE_STATUS_GOINGAWAY, "server shutting down");
    }
    if (!attached_sessions(s)) {
        ev_break(s->loop, EVBREAK_ALL);
        return;
    }
    ev_timer_start(s->loop, &s->shutdown_timer);  /* clients that never answer */
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

/* Keys for state tokens: --secret-file, else $REACTC_SECRET, else a random
 * key with a loud warning. The app tag makes another app's tokens fail with
 * a clear reason; the build tag only reports where a token came from. */
static int init_keys(rc_server *s) {
    rc_app *app = s->app;
    char err[160];
    const char *env = getenv("REACTC_SECRET");
    int rc = app->secret_file ? rc_keyring_load_file(&s->keys, app->secret_file, err, sizeof err)
                              : rc_keyring_init(&s->keys, env, err, sizeof err);
    if (rc < 0) {
        rc_srv_log(s, RC_LOG_ERROR, "state token keys: %s", err);
        return -1;
    }
    if (s->keys.ephemeral)
        rc_srv_log(s, RC_LOG_WARN,
                   "no secret configured (REACTC_SECRET or --secret-file): using a random key for "
                   "this process only. Sessions survive reconnects to this process, but NOT a "
                   "restart or another worker. Set a secret for production.");
    const char *app_id = app->app_id ? app->app_id : app->title;
    s->app_tag = (uint32_t)rc_hash_str(RC_HASH_SEED, app_id);
    if (app->build_id) {
        snprintf(s->build, sizeof s->build, "%s", app->build_id);
    } else {
        struct stat st;
        if (stat("/proc/self/exe", &st) == 0)
            snprintf(s->build, sizeof s->build, "%llx-%llx", (unsigned long long)st.st_size,
                     (unsigned long long)st.st_mtime);
        else
            snprintf(s->build, sizeof s->build, "unknown");
    }
    s->build_tag = (uint32_t)rc_hash_str(RC_HASH_SEED, s->build);
    return 0;
}

size_t rc_app_session_count(const rc_app *app) {
    return app->server ? app->server->nsessions : 0;
}

/* Accepts on our own SO_REUSEPORT listener (worker mode) and hands each
 * socket to lws. */
static void on_accept(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    (void)revents;
    rc_server *s = w->data;
    for (int i = 0; i < 64; i++) {
        int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                rc_srv_log(s, RC_LOG_WARN, "accept: %s", strerror(errno));
            return;
        }
        if (s->shutting_down || !lws_adopt_socket_vhost(lws_get_vhost_by_name(s->lws, "default"), fd))
            close(fd);
    }
}

static int run_server(rc_app *app, int listen_fd);

int rc_run_worker(rc_app *app, int index) {
    int port = 0;
    int fd = rc_listen_socket(app->host, app->port, true, true, &port);
    if (fd < 0) {
        fprintf(stderr, "reactc worker %d: cannot listen on %s:%d: %s\n", index, app->host,
                app->port, strerror(errno));
        return 1;
    }
    int rc = run_server(app, fd);
    close(fd);
    return rc;
}

int rc_app_run(rc_app *app) {
    if (!app->root) {
        fprintf(stderr, "reactc: rc_app has no root component\n");
        return 1;
    }
    if (!app->title) app->title = "reactc";
    if (!app->host) app->host = "127.0.0.1";
    if (app->port == 0) app->port = 8000;
    /* Under the dev runner: one process on the runner's socket. */
    int dev_listen = rc_dev_listen_fd();
    if (dev_listen >= 0) return run_server(app, dev_listen);
    int workers = app->workers < 0 ? (int)sysconf(_SC_NPROCESSORS_ONLN) : app->workers;
    if (workers > 1) return rc_run_supervisor(app, workers);
    if (app->port < 0) app->port = 0;
    /* Our own listener, as in worker mode: lws given iface "127.0.0.1"
     * bound [::] (every interface) on this system; bind() does as told. */
    int port = 0;
    int fd = rc_listen_socket(app->host, app->port, false, true, &port);
    if (fd < 0) {
        fprintf(stderr, "reactc: cannot listen on %s:%d: %s\n", app->host, app->port,
                strerror(errno));
        return 1;
    }
    int rc = run_server(app, fd);
    close(fd);
    return rc;
}

/* One server process: lws on our libev loop, accepting on listen_fd (ours:
 * a plain listener, a worker's SO_REUSEPORT one, or the dev runner's) and
 * handing each connection to lws; lws itself never listens. */
static int run_server(rc_app *app, int listen_fd) {
    if (!app->max_message) app->max_message = 1024 * 1024;
    if (!app->max_sessions) app->max_sessions = 10000;
    if (!app->max_queued) app->max_queued = 4 * 1024 * 1024;
    if (!app->token_ttl) app->token_ttl = 24 * 3600;
    if (!app->max_token) app->max_token = 64 * 1024;
    if (!app->grace_ms) app->grace_ms = 60 * 1000;
    if (!app->drain_ms) app->drain_ms = 2000;
    if (!app->heartbeat_s) app->heartbeat_s = 15;
    if (!app->token_interval_ms) app->token_interval_ms = 250;
    if (app->token_interval_ms == UINT32_MAX) app->token_interval_ms = 0;   /* --token-interval 0 */
    if (app->heartbeat_s > 3600) app->heartbeat_s = 3600;
    if (app->grace_ms == UINT32_MAX) app->grace_ms = 0;     /* --grace 0: none */

    /* A peer that vanishes mid-write must not kill the process. */
    signal(SIGPIPE, SIG_IGN);

    rc_server *s = rc_xcalloc(1, sizeof *s);
    s->app = app;
    s->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
    if (!s->loop) {
        fprintf(stderr, "reactc: cannot create the event loop\n");
        free(s);
        return 1;
    }
    rc_buf_init(&s->scratch);
    rc_timers_init(s);
    rc_http_build_page(s);
    rc_map_init(&s->index);
    if (init_keys(s) < 0) {
        ev_loop_destroy(s->loop);
        free(s->page);
        rc_buf_free(&s->scratch);
        free(s);
        return 1;
    }

    lws_log_server = s;
    lws_set_log_level(LLL_ERR | (app->log_level >= RC_LOG_DEBUG ? LLL_WARN : 0), lws_log);

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
     * closed lid). The browser answers PINGs by itself. */
    lws_retry_bo_t heartbeat = {
        .secs_since_valid_ping = (uint16_t)app->heartbeat_s,
        .secs_since_valid_hangup = (uint16_t)(2 * app->heartbeat_s)};
    info.retry_and_idle_policy = &heartbeat;
    info.max_http_header_data = 8192;
    s->lws = lws_create_context(&info);
    if (!s->lws) {
        rc_srv_log(s, RC_LOG_ERROR, "cannot create the libwebsockets context");
        ev_loop_destroy(s->loop);
        free(s->page);
        rc_buf_free(&s->scratch);
        free(s);
        return 1;
    }
    rc_dev_init(s);
    s->port = app->port;
    struct sockaddr_storage ss;          /* the socket's real port (port 0, inherited) */
    socklen_t sl = sizeof ss;
    if (getsockname(listen_fd, (struct sockaddr *)&ss, &sl) == 0 &&
        (ss.ss_family == AF_INET || ss.ss_family == AF_INET6))
        s->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)&ss)->sin_port);
    ev_io_init(&s->accept_io, on_accept, listen_fd, EV_READ);
    s->accept_io.data = s;
    ev_io_start(s->loop, &s->accept_io);

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

    bool v6 = strchr(app->host, ':') != NULL;     /* http://[::1]:8000/ */
    rc_srv_log(s, RC_LOG_INFO, "serving \"%s\" on http://%s%s%s:%d/", app->title, v6 ? "[" : "",
               app->host, v6 ? "]" : "", s->port);
    if (app->on_listen) app->on_listen(app, s->port);
    rc_dev_ready(s);

    ev_run(s->loop, 0);

    rc_post_free(s);
    ev_signal_stop(s->loop, &s->sigint);
    ev_signal_stop(s->loop, &s->sigterm);
    ev_prepare_stop(s->loop, &s->prepare);
    ev_idle_stop(s->loop, &s->idle);
    ev_timer_stop(s->loop, &s->shutdown_timer);
    ev_async_stop(s->loop, &s->wake);
    ev_io_stop(s->loop, &s->accept_io);
    /* Sessions still open are freed by lws' close callbacks here. */
    s->shutting_down = true;
    lws_context_destroy(s->lws);
    ev_run(s->loop, EVRUN_NOWAIT);
    while (s->sessions) rc_session_free(s->sessions);      /* detached ones */
    rc_dev_free(s);
    rc_map_free(&s->index);
    rc_keyring_wipe(&s->keys);
    ev_loop_destroy(s->loop);
    rc_srv_log(s, RC_LOG_INFO, "stopped");
    free(s->page);
    rc_buf_free(&s->scratch);
    free(s);
    return 0;
}
