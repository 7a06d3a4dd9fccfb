/*
 * A worker's relay socket (transfer_relay.c says why): requests that the
 * other workers received for this worker's offers, run on transfer.c as a
 * local request would be, so the limits, texts and the app's callbacks are
 * the same (404 unknown, 413 over the limit, 409 busy, 503 over
 * MAX_ACTIVE, which relayed uploads count against; on_chunk, on_done,
 * read).
 *
 * Abstract Unix stream socket "\0reactc.<supervisor pid>.w<index>": no
 * file to clean up after a crash. Anyone on the machine may connect to an
 * abstract name, so a peer of another uid (SO_PEERCRED) is refused; a
 * peer of ours has passed the receiving worker's edge checks (Host,
 * Origin, login, Content-Length), and the token is still checked here.
 *
 * One connection per request; everything on the loop, non-blocking. An
 * upload's bytes go to on_chunk as they are read (no buffer beyond one
 * read of RC_XFER_CHUNK: a slow app leaves them in the socket, which stops
 * the relaying worker, which stops the browser); a download's next piece
 * is read from the app only once the previous one is in the socket. An
 * upload or download that moves nothing for RC_XFER_IDLE_S is cut (the
 * relay sees the close and cuts the browser's request), as a local one is
 * by lws' timeout; a relay that closes mid-upload is a cancel (on_done -1).
 */
#define _GNU_SOURCE /* accept4, struct ucred */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/transfer.h"
#include "server/sendbuf.h"
#include "util/alloc.h"

#define RETRY_S 0.1 /* the name still held by the worker this one replaces */

typedef struct pconn {
    struct pconn *next, *prev;
    int fd;
    ev_io io;
    ev_timer idle;
    unsigned char in[RC_XFER_CHUNK];
    size_t in_len;
    bool have_req, closing, streaming;
    rc_xfer_req req;
    rc_xfer_run *run;
    rc_buf out;
    size_t out_off;
} pconn;

static struct {
    rc_server *s;
    int fd;
    ev_io io;
    ev_timer retry;
    pconn *conns;
} own = {.fd = -1};

static void conn_close(pconn *p, int status) {
    rc_xfer_end(p->run, status); /* an upload not finished: cancelled */
    ev_io_stop(own.s->loop, &p->io);
    ev_timer_stop(own.s->loop, &p->idle);
    close(p->fd);
    rc_buf_free(&p->out);
    if (p->prev) p->prev->next = p->next;
    else own.conns = p->next;
    if (p->next) p->next->prev = p->prev;
    free(p);
}

static void rearm(pconn *p) {
    int ev = p->out.len > p->out_off ? EV_WRITE : 0;
    if (!p->closing && !p->streaming) ev |= EV_READ;
    if (p->streaming) ev |= EV_WRITE; /* the next piece once this one is out */
    if (ev_is_active(&p->io) && p->io.events == ev) return;
    ev_io_stop(own.s->loop, &p->io);
    ev_io_set(&p->io, p->fd, ev);
    if (ev) ev_io_start(own.s->loop, &p->io);
}

/* The answer queued; the connection closes once it is out, unless a
 * download's body follows. */
static void answer(pconn *p, const rc_xfer_ans *a, bool body) {
    unsigned char frame[RC_XFER_FRAME_MAX];
    size_t n = rc_xfer_ans_encode(a, frame, sizeof frame);
    rc_buf_append(&p->out, frame, n);
    p->streaming = body;
    p->closing = !body;
}

static void refuse(pconn *p, unsigned status, const char *text, bool close) {
    rc_xfer_ans a = {.status = status, .close = close};
    snprintf(a.text, sizeof a.text, "%s", text);
    answer(p, &a, false);
}

static void begin(pconn *p) {
    rc_xfer_req *q = &p->req;
    rc_srv_log(own.s, RC_LOG_DEBUG, "relay: %s for worker %d from another worker",
               q->kind == RC_XFER_UPLOAD ? "an upload" : "a download", rc_xfer_relay_self());
    if (q->kind == RC_XFER_UPLOAD) {
        unsigned st = rc_xfer_up_open(q->token, q->name, q->total, &p->run);
        if (st) refuse(p, st, rc_xfer_refusal(st), true);
        return;
    }
    rc_xfer_ans a;
    unsigned st = rc_xfer_down_open(q->token, &p->run, &a);
    if (st) return refuse(p, st, rc_xfer_refusal(st), false);
    bool body = !q->head && a.size;
    if (!body) rc_xfer_end(p->run, 0), p->run = NULL;
    answer(p, &a, body);
}

/* An upload's bytes: on_chunk, then the answer once the last came. false:
 * cut (the connection is closed). */
static bool feed(pconn *p, const unsigned char *in, size_t len) {
    if (!p->run || p->closing) return true; /* answered early: the rest is dropped */
    int r = rc_xfer_up_chunk(p->run, in, len);
    if (r < 0) return false;
    if (r > 0) {
        rc_xfer_end(p->run, -1), p->run = NULL;
        refuse(p, 409, RC_XFER_CANCEL_409, true);
    } else if (rc_xfer_up_complete(p->run)) {
        rc_xfer_end(p->run, 0), p->run = NULL;
        refuse(p, 200, RC_XFER_OK_200, false);
    }
    return true;
}

/* What was read: the request's frame first, then body bytes. false: closed. */
static bool got(pconn *p) {
    if (!p->have_req) {
        long n = rc_xfer_req_decode(&p->req, p->in, p->in_len);
        if (n < 0) rc_srv_log(own.s, RC_LOG_WARN, "relay: a malformed request, closed");
        if (n < 0) return conn_close(p, -1), false;
        if (n == 0) return true;
        p->have_req = true;
        memmove(p->in, p->in + n, p->in_len - (size_t)n);
        p->in_len -= (size_t)n;
        begin(p);
        if (p->run && p->req.kind == RC_XFER_UPLOAD && !p->req.total) { /* no body to wait for */
            rc_xfer_end(p->run, 0), p->run = NULL;
            refuse(p, 200, RC_XFER_OK_200, false);
        }
    }
    if (p->req.kind == RC_XFER_UPLOAD && p->in_len) {
        bool ok = feed(p, p->in, p->in_len);
        p->in_len = 0;
        if (!ok) return conn_close(p, -1), false;
    } else if (p->in_len) {
        return conn_close(p, -1), false; /* a download's request has no body */
    }
    return true;
}

/* A download's next piece, once the previous one is in the socket. */
static bool next_piece(pconn *p) {
    unsigned char buf[RC_XFER_CHUNK];
    long n = rc_xfer_down_read(p->run, buf, sizeof buf);
    if (n < 0) return false;
    rc_buf_append(&p->out, buf, (size_t)n);
    if (rc_xfer_down_complete(p->run)) {
        rc_xfer_end(p->run, 0), p->run = NULL;
        p->streaming = false;
        p->closing = true;
    }
    return true;
}

static void on_conn(struct ev_loop *loop, ev_io *w, int revents) {
    pconn *p = w->data;
    if (revents & EV_READ) {
        ssize_t n = recv(p->fd, p->in + p->in_len, sizeof p->in - p->in_len, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return conn_close(p, -1); /* the relay went: a running upload is cancelled */
        if (n > 0) {
            p->in_len += (size_t)n;
            ev_timer_again(loop, &p->idle);
            if (!got(p)) return;
        }
    }
    size_t sent_before = p->out_off;
    if (rc_send_tail(p->fd, &p->out, &p->out_off) == RC_SEND_GONE) return conn_close(p, -1);
    if (p->out_off != sent_before) ev_timer_again(loop, &p->idle);
    if (p->out_off == p->out.len) {
        rc_buf_reset(&p->out);
        p->out_off = 0;
        if (p->closing) return conn_close(p, 0);
        if (p->streaming && !next_piece(p)) return conn_close(p, -1); /* cut short */
    }
    rearm(p);
}

static void on_idle(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    pconn *p = w->data;
    rc_srv_log(own.s, RC_LOG_INFO, "relay: a transfer idle for %d s, cut", RC_XFER_IDLE_S);
    conn_close(p, -1);
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents) {
    (void)revents;
    for (int i = 0; i < 64; i++) {
        int fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        struct ucred cr;
        socklen_t cl = sizeof cr;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) != 0 || cr.uid != geteuid()) {
            rc_srv_log(own.s, RC_LOG_WARN, "relay: refused a connection of another user");
            close(fd);
            continue;
        }
        pconn *p = rc_xcalloc(1, sizeof *p);
        p->fd = fd;
        rc_buf_init(&p->out);
        ev_io_init(&p->io, on_conn, fd, EV_READ);
        p->io.data = p;
        ev_io_start(loop, &p->io);
        ev_init(&p->idle, on_idle);
        p->idle.repeat = RC_XFER_IDLE_S;
        p->idle.data = p;
        ev_timer_again(loop, &p->idle);
        if ((p->next = own.conns)) own.conns->prev = p;
        own.conns = p;
    }
}

/* Binds the name; while the worker this one replaces (a rolling restart)
 * still holds it, tried again every RETRY_S. */
static void try_listen(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)revents;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t nl = rc_xfer_relay_name(sa.sun_path, sizeof sa.sun_path, rc_xfer_relay_self());
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 ||
        bind(fd, (struct sockaddr *)&sa,
             (socklen_t)(offsetof(struct sockaddr_un, sun_path) + nl)) ||
        listen(fd, 64)) {
        if (errno != EADDRINUSE)
            rc_srv_log(own.s, RC_LOG_WARN, "relay socket: %s", strerror(errno));
        if (fd >= 0) close(fd);
        ev_timer_set(w, RETRY_S, 0.0);
        ev_timer_start(loop, w);
        return;
    }
    own.fd = fd;
    ev_io_init(&own.io, on_accept, fd, EV_READ);
    ev_io_start(loop, &own.io);
}

void rc_xfer_relay_start(rc_server *s) {
    if (rc_xfer_relay_self() < 0) return; /* one process: nothing relays */
    own.s = s;
    ev_init(&own.retry, try_listen);
    try_listen(s->loop, &own.retry, 0);
}

void rc_xfer_relay_unlisten(rc_server *s) {
    if (own.s != s) return;
    ev_timer_stop(s->loop, &own.retry);
    if (own.fd >= 0) {
        ev_io_stop(s->loop, &own.io);
        close(own.fd);
        own.fd = -1;
    }
}

void rc_xfer_relay_stop(rc_server *s) {
    if (own.s != s) return;
    rc_xfer_relay_unlisten(s);
    while (own.conns) conn_close(own.conns, -1);
    own.s = NULL;
}
