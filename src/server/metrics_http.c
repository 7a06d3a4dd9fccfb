/*
 * GET /metrics on a listener of its own (--metrics ADDR:PORT), answered by
 * our own code on the loop rather than by an lws vhost: a scrape is one
 * small request, so accept, read the request head (at most
 * METRICS_HEAD_MAX bytes, within METRICS_DEADLINE seconds), answer, close.
 * Everything is non-blocking: a slow or silent scraper holds one of
 * METRICS_MAX_CONNS slots until its deadline, never the loop. No
 * keep-alive: every answer says Connection: close.
 *
 * The text comes from a collect callback, which may answer later: the
 * supervisor of --workers asks its workers first (metrics_workers.c).
 * Meanwhile the scrape waits, reading nothing, within its deadline.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/metrics.h"
#include "server/session.h"
#include "server/sendbuf.h"
#include "redis/conn.h"
#include "util/alloc.h"

#define METRICS_HEAD_MAX  4096 /* a Prometheus request head is ~200 bytes */
#define METRICS_DEADLINE  5.0  /* seconds, from accept to the last byte out */
#define METRICS_MAX_CONNS RC_METRICS_MAX_CONNS

typedef struct mconn {
    rc_metrics_http *owner;
    ev_io io;
    ev_timer deadline;
    char head[METRICS_HEAD_MAX];
    size_t head_len;
    rc_buf out; /* the answer, written from `sent` on */
    size_t sent;
    unsigned ticket; /* waiting for the text: rc_metrics_http_reply's */
    bool used;
    bool waiting;  /* the head is in; the text is being collected */
    bool draining; /* answered: reading to the peer's close */
} mconn;

struct rc_metrics_http {
    struct ev_loop *loop;
    rc_metrics_collect_fn collect;
    void *user;
    unsigned tickets; /* the last one handed out */
    ev_io accept_io;
    mconn conns[METRICS_MAX_CONNS];
};

static void conn_close(mconn *c) {
    struct ev_loop *loop = c->owner->loop;
    ev_io_stop(loop, &c->io);
    ev_timer_stop(loop, &c->deadline);
    close(c->io.fd);
    rc_buf_free(&c->out);
    c->used = false;
}

static void write_some(mconn *c);

/* Queues the answer (headers, then the body unless HEAD) and starts
 * writing it. */
static void respond(mconn *c, const char *status, const char *allow, const char *body, size_t len) {
    char hdr[256];
    int n =
        snprintf(hdr, sizeof hdr,
                 "HTTP/1.1 %s\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                 "Content-Length: %zu\r\n%sCache-Control: no-store\r\nConnection: close\r\n\r\n",
                 status, len, allow);
    rc_buf_append(&c->out, hdr, (size_t)n);
    if (strncmp(c->head, "HEAD ", 5) != 0) rc_buf_append(&c->out, body, len);
    struct ev_loop *loop = c->owner->loop;
    ev_io_stop(loop, &c->io);
    ev_io_set(&c->io, c->io.fd, EV_WRITE);
    ev_io_start(loop, &c->io);
    write_some(c);
}

/* The head in c->head is complete, or cut at the bound: an error answered
 * at once, or the text asked for. */
static void answer(mconn *c, bool complete) {
    const char *status = NULL, *allow = "";
    bool head = strncmp(c->head, "HEAD ", 5) == 0, get = strncmp(c->head, "GET ", 4) == 0;
    const char *path = head ? c->head + 5 : get ? c->head + 4 : NULL;
    if (!complete) status = "431 Request Header Fields Too Large";
    else if (!path) {
        status = "405 Method Not Allowed";
        allow = "Allow: GET, HEAD\r\n";
    } else if (strncmp(path, "/metrics ", 9) != 0 && strncmp(path, "/metrics?", 9) != 0)
        status = "404 Not Found";
    if (status) {
        char body[64];
        int n = snprintf(body, sizeof body, "%s\n", status + 4);
        respond(c, status, allow, body, (size_t)n);
        return;
    }
    rc_metrics_http *h = c->owner;
    c->waiting = true;
    c->ticket = ++h->tickets;
    ev_io_stop(h->loop, &c->io); /* nothing more to read meanwhile */
    h->collect(h->user, h, c->ticket);
}

void rc_metrics_http_reply(rc_metrics_http *h, unsigned ticket, const char *text, size_t len) {
    for (int k = 0; k < METRICS_MAX_CONNS; k++) {
        mconn *c = &h->conns[k];
        if (!c->used || !c->waiting || c->ticket != ticket) continue;
        c->waiting = false;
        respond(c, "200 OK", "", text ? text : "", len);
        return;
    }
}

/* Writes what the socket takes; closes when all is out or it failed. */
static void write_some(mconn *c) {
    if (rc_send_tail(c->io.fd, &c->out, &c->sent) == RC_SEND_AGAIN) return;
    /* Said all (or the peer is gone): stop sending, then read to the
     * peer's close (bounded by the deadline), so that request bytes left
     * unread (a head over the bound) cannot turn our close into a reset
     * that destroys the answer before the peer reads it. */
    shutdown(c->io.fd, SHUT_WR);
    struct ev_loop *loop = c->owner->loop;
    c->draining = true;
    ev_io_stop(loop, &c->io);
    ev_io_set(&c->io, c->io.fd, EV_READ);
    ev_io_start(loop, &c->io);
}

/* After the answer: discards what the peer still sends until it closes. */
static void drain(mconn *c) {
    char sink[4096];
    for (;;) {
        ssize_t r = recv(c->io.fd, sink, sizeof sink, 0);
        if (r > 0) continue;
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        conn_close(c);
        return;
    }
}

static void on_conn(struct ev_loop *loop, ev_io *w, int revents) {
    (void)revents;
    (void)loop;
    mconn *c = w->data;
    if (c->draining) {
        drain(c);
        return;
    }
    if (c->out.len) { /* writing */
        write_some(c);
        return;
    }
    for (;;) {
        ssize_t r = recv(w->fd, c->head + c->head_len, sizeof c->head - 1 - c->head_len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (r <= 0) { /* gone before the head ended */
            conn_close(c);
            return;
        }
        c->head_len += (size_t)r;
        c->head[c->head_len] = '\0';
        bool complete = strstr(c->head, "\r\n\r\n") || strstr(c->head, "\n\n");
        bool full = c->head_len >= sizeof c->head - 1;
        if (complete || full) {
            answer(c, complete);
            return;
        }
    }
}

static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    conn_close(w->data);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents) {
    (void)revents;
    rc_metrics_http *m = w->data;
    for (int i = 0; i < METRICS_MAX_CONNS; i++) {
        int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        mconn *c = NULL;
        for (int k = 0; k < METRICS_MAX_CONNS && !c; k++)
            if (!m->conns[k].used) c = &m->conns[k];
        if (!c) { /* every slot busy: this scrape fails, the loop does not wait */
            close(fd);
            continue;
        }
        memset(c, 0, sizeof *c);
        c->used = true;
        c->owner = m;
        rc_buf_init(&c->out);
        ev_io_init(&c->io, on_conn, fd, EV_READ);
        c->io.data = c;
        ev_io_start(loop, &c->io);
        ev_timer_init(&c->deadline, on_deadline, METRICS_DEADLINE, 0.0);
        c->deadline.data = c;
        ev_timer_start(loop, &c->deadline);
    }
}

rc_metrics_http *rc_metrics_http_open(struct ev_loop *loop, const char *spec,
                                      rc_metrics_collect_fn collect, void *user, char *msg,
                                      size_t cap) {
    char host[256];
    int port = 0, bound = 0;
    if (rc_metrics_parse_addr(spec, host, sizeof host, &port, msg, cap) < 0) return NULL;
    int fd = rc_listen_socket(host, port, false, true, &bound);
    if (fd < 0) {
        snprintf(msg, cap, "cannot listen for metrics on %s:%d: %s", host, port, strerror(errno));
        return NULL;
    }
    rc_metrics_http *m = rc_xcalloc(1, sizeof *m);
    m->loop = loop;
    m->collect = collect;
    m->user = user;
    ev_io_init(&m->accept_io, on_accept, fd, EV_READ);
    m->accept_io.data = m;
    ev_io_start(loop, &m->accept_io);
    bool v6 = strchr(host, ':') != NULL;
    snprintf(msg, cap, "http://%s%s%s:%d/metrics", v6 ? "[" : "", host, v6 ? "]" : "", bound);
    return m;
}

void rc_metrics_http_close(rc_metrics_http *m) {
    if (!m) return;
    for (int k = 0; k < METRICS_MAX_CONNS; k++)
        if (m->conns[k].used) conn_close(&m->conns[k]);
    ev_io_stop(m->loop, &m->accept_io);
    close(m->accept_io.fd);
    free(m);
}

void rc_metrics_http_close_fds(rc_metrics_http *m) {
    if (!m) return;
    for (int k = 0; k < METRICS_MAX_CONNS; k++)
        if (m->conns[k].used) close(m->conns[k].io.fd);
    close(m->accept_io.fd);
}

/* ---- the one-process server ---------------------------------------------- */

void rc_metrics_text(rc_server *s, rc_buf *out) {
    size_t outq = 0;
    for (const rc_session *se = s->sessions; se; se = se->next) outq += se->out.bytes;
    /* Read at the scrape, as the gauges are: up now, the last PING's time. */
    if (s->redis)
        rc_metrics_set_redis(&s->metrics, rc_redis_is_up(s->redis), rc_redis_latency(s->redis));
    rc_metrics_now now = {s->nsessions - s->ndetached, s->ndetached, outq, s->build, s->cfg.app_id,
                          rc_store_stats_get()};
    rc_metrics_render(&s->metrics, &now, out);
}

static void collect_own(void *user, rc_metrics_http *h, unsigned ticket) {
    rc_buf body;
    rc_buf_init(&body);
    rc_metrics_text(user, &body);
    rc_metrics_http_reply(h, ticket, body.data, body.len);
    rc_buf_free(&body);
}

int rc_metrics_http_start(rc_server *s, const char *spec) {
    char msg[300];
    s->metrics_http = rc_metrics_http_open(s->loop, spec, collect_own, s, msg, sizeof msg);
    if (!s->metrics_http) {
        rc_srv_log(s, RC_LOG_ERROR, "%s", msg);
        return -1;
    }
    rc_srv_log(s, RC_LOG_INFO, "metrics on %s", msg);
    return 0;
}

void rc_metrics_http_stop(rc_server *s) {
    rc_metrics_http_close(s->metrics_http);
    s->metrics_http = NULL;
}
