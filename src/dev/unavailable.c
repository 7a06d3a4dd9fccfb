/*
 * The runner's own answer while no version of the app serves: a 503 page
 * that shows why and reloads itself into the app once a version serves.
 * Only to a request whose Host names this server (host.c): the page holds
 * compiler output.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dev/runner.h"
#include "util/ratelimit.h"

/* A page being written: raw HTML, or text with the HTML specials escaped. */
typedef struct page_buf {
    char data[16384];
    size_t len;
} page_buf;

static void page_raw(page_buf *b, const char *html) {
    size_t n = strlen(html);
    if (n > sizeof b->data - 1 - b->len) n = sizeof b->data - 1 - b->len;
    memcpy(b->data + b->len, html, n);
    b->len += n;
}

static void page_text(page_buf *b, const char *text) {
    for (const char *p = text; *p; p++) {
        char one[2] = {*p, '\0'};
        page_raw(b, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : one);
    }
}

/* The page: why nothing serves, with the compiler's output. */
static void render_page(page_buf *b, const dev_error *error, bool building) {
    b->len = 0;
    page_raw(b, "<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=1>"
                "<title>reactc-dev: nothing to serve</title><body style=\"font:14px/1.45 "
                "ui-monospace,monospace;background:#1e1e1e;color:#eee;padding:1rem\">"
                "<h2 style=\"color:#ff8080;font-family:system-ui\">reactc-dev: nothing to "
                "serve yet</h2><p id=reactc-dev-error>");
    if (error) {
        if (*error->file) {
            char where[DEV_PATH_MAX + 32];
            snprintf(where, sizeof where, "%s:%d: ", error->file, error->line);
            page_text(b, where);
        }
        page_text(b, error->message);
        page_raw(b, "</p><pre style=\"white-space:pre-wrap;color:#ccc\">");
        if (error->output) page_text(b, error->output);
        page_raw(b, "</pre>");
    } else {
        page_text(b, building ? "Building..." : "Starting...");
        page_raw(b, "</p>");
    }
}

/* Sends the 503 page and closes: the request was read to its end (closing
 * with it unread would reset the connection and lose the answer). */
static void answer(int fd, const dev_error *error, bool building) {
    static page_buf b;
    render_page(&b, error, building);
    char head[256];
    int hn =
        snprintf(head, sizeof head,
                 "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html; charset=utf-8\r\n"
                 "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
                 b.len);
    /* The socket is non-blocking: never stall the runner. A send buffer
     * bigger than the page (16 KiB at most) takes it whole at once; a peer
     * that does not read gets what fits. */
    int size = 64 * 1024;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (send(fd, head, (size_t)hn, MSG_NOSIGNAL) == hn)
        if (send(fd, b.data, b.len, MSG_NOSIGNAL) < 0) {}
    close(fd);
}

/* Refuses a request with status and no details: nothing of the build. */
static void refuse(int fd, unsigned status) {
    const char *reason = status == 421   ? "Misdirected Request"
                         : status == 403 ? "Forbidden"
                         : status == 431 ? "Request Header Fields Too Large"
                                         : "Bad Request";
    char msg[256];
    int n = snprintf(msg, sizeof msg,
                     "HTTP/1.1 %u %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n"
                     "\r\n%s\n",
                     status, reason, strlen(reason) + 1, reason);
    if (send(fd, msg, (size_t)n, MSG_NOSIGNAL) < 0) {}
    close(fd);
}

#define REQUEST_MAX (16 * 1024) /* request heads longer than this: 431 */

/* A connection waiting for its request. */
typedef struct pending {
    int fd;       /* -1: a free slot */
    double since; /* accepted then */
    /* The how-manieth accepted: the oldest goes first (a batch of
     * accepts shares one time). */
    unsigned long n;
    unsigned endings; /* line ends in a row: the second ends the headers */
    size_t bytes;     /* read so far */
    char peer[INET6_ADDRSTRLEN];
    char head[REQUEST_MAX]; /* the request line and headers, kept for the Host check */
    size_t head_len;
} pending;

static pending table[DEV_PENDING_MAX];
static bool table_ready;
static unsigned long accepted;

static void drop(pending *c) {
    close(c->fd);
    c->fd = -1;
}

/* A free slot; when none is free, the oldest connection's, closed. */
static pending *take_slot(void) {
    if (!table_ready) {
        for (size_t i = 0; i < DEV_PENDING_MAX; i++) table[i].fd = -1;
        table_ready = true;
    }
    pending *oldest = &table[0];
    for (size_t i = 0; i < DEV_PENDING_MAX; i++) {
        if (table[i].fd < 0) return &table[i];
        if (table[i].n < oldest->n) oldest = &table[i];
    }
    drop(oldest);
    return oldest;
}

/* Nothing serves (the first build failed with no earlier binary, or the
 * version that died is not back yet): rather than leave connections
 * waiting in the backlog, answer each with a 503 page that shows why and
 * reloads itself every second; a page's WebSocket gets the same 503 and
 * retries with its backoff. */
void dev_unavailable_accept(int listen_fd, double now) {
    /* A bounded batch: the loop turns between batches of a flood. */
    for (int i = 0; i < 4 * DEV_PENDING_MAX; i++) {
        struct sockaddr_storage sa;
        socklen_t sl = sizeof sa;
        int fd = accept4(listen_fd, (struct sockaddr *)&sa, &sl, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) return;
        pending *c = take_slot();
        c->fd = fd;
        c->since = now;
        c->n = ++accepted;
        c->endings = 0;
        c->bytes = c->head_len = 0;
        /* The peer, for --trusted-proxy (its X-Forwarded-Host) and the log. */
        const void *addr = sa.ss_family == AF_INET6
                               ? (const void *)&((struct sockaddr_in6 *)&sa)->sin6_addr
                               : (const void *)&((struct sockaddr_in *)&sa)->sin_addr;
        if (!inet_ntop(sa.ss_family, addr, c->peer, sizeof c->peer)) c->peer[0] = '\0';
    }
}

size_t dev_unavailable_poll_fds(struct pollfd *fds) {
    size_t n = 0;
    for (size_t i = 0; table_ready && i < DEV_PENDING_MAX; i++)
        if (table[i].fd >= 0) fds[n++] = (struct pollfd){.fd = table[i].fd, .events = POLLIN};
    return n;
}

/* Reads what c sent, up to what is there now: true once its headers are
 * in (an empty line ends them) or too long to wait for, or the peer has
 * stopped sending; false when more is to come, or c was closed (an error). */
static bool request_in(pending *c) {
    char buf[4096];
    while (c->bytes < 2 * REQUEST_MAX) {
        ssize_t n = read(c->fd, buf, sizeof buf);
        if (n == 0) return true; /* it will send nothing more: answer what there is */
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return c->endings >= 2 || c->bytes > REQUEST_MAX;
            drop(c);
            return false;
        }
        c->bytes += (size_t)n;
        for (ssize_t i = 0; i < n && c->endings < 2; i++) {
            if (c->head_len < sizeof c->head) c->head[c->head_len++] = buf[i];
            if (buf[i] == '\n') c->endings++;
            else if (buf[i] != '\r') c->endings = 0;
        }
    }
    return true; /* a flood: answered with the rest unread */
}

/* The verdict on c's request once in: 0 (the page) or the status to refuse
 * it with. A head not kept whole (too long, or the peer stopped before its
 * end) is refused, not checked: a Host line cut short could read as
 * allowed ("127.0.0.1" from "127.0.0.1.evil.example"). */
static unsigned verdict(const pending *c, const rc_edge_rules *rules, const char **why) {
    if (c->head_len >= sizeof c->head) return *why = "request head too long", 431;
    if (c->endings < 2) return *why = "request ended before its headers", 400;
    return dev_request_check(rules, c->head, c->head_len, c->peer, why);
}

/* A refusal's log line: a page that keeps trying (it reloads every second)
 * or a flood must not fill the log; at most 10 a 10 s. */
static void log_refusal(const pending *c, unsigned status, const char *why) {
    static rc_rate rate;
    if (!rate.burst) rc_rate_init(&rate, 10, 10.0);
    unsigned suppressed;
    if (!rc_rate_allow(&rate, &rate, dev_now_ms() / 1e3, &suppressed)) return;
    if (suppressed) dev_log("(%u more refusals not shown)", suppressed);
    dev_log("refused a request from %s: %s: %u", *c->peer ? c->peer : "?", why, status);
}

void dev_unavailable_serve(const struct pollfd *fds, size_t n, const rc_edge_rules *rules,
                           const dev_error *error, bool building) {
    for (size_t i = 0; i < n; i++) {
        if (!fds[i].revents) continue;
        for (size_t k = 0; k < DEV_PENDING_MAX; k++) {
            pending *c = &table[k];
            if (c->fd != fds[i].fd) continue;
            if (request_in(c)) {
                const char *why = "ok";
                unsigned status = verdict(c, rules, &why);
                if (status) {
                    log_refusal(c, status, why);
                    refuse(c->fd, status);
                } else {
                    answer(c->fd, error, building);
                }
                c->fd = -1;
            }
            break;
        }
    }
}

double dev_unavailable_expire(double now) {
    double next = 0;
    for (size_t i = 0; table_ready && i < DEV_PENDING_MAX; i++) {
        pending *c = &table[i];
        if (c->fd < 0) continue;
        if (now - c->since >= DEV_PENDING_SILENT_MS) drop(c);
        else if (next <= 0 || c->since + DEV_PENDING_SILENT_MS < next)
            next = c->since + DEV_PENDING_SILENT_MS;
    }
    return next;
}
