/*
 * Uploads and downloads under --workers N: a request for another worker's
 * offer, relayed to it (docs/guide/uploads.md, "Workers").
 *
 * Every worker has its own SO_REUSEPORT listener (workers.c), so the
 * browser's POST or GET, a new connection, reaches any worker, while only
 * the one holding the session knows the token. Why a relay of the request
 * and not of the connection (its fd passed with SCM_RIGHTS before lws
 * reads it): with TLS the request line cannot be peeked at, and a proxy
 * (HAProxy, nginx) sends requests of different clients and sessions over
 * one keep-alive connection, so only a request, once parsed, says where it
 * goes. Tokens name their worker (their first two hex, transfer.c).
 *
 * This worker keeps the browser's side: the edge's checks are done here
 * (transfer_http.c); the request is written to the owner's Unix socket as
 * a frame (transfer_frame.c), then an upload's body as lws hands it; the
 * owner's answer comes back, then a download's body. One Unix connection
 * per request: no multiplexing, and a close says everything (a browser
 * that goes away closes it and the owner cancels the upload, an owner that
 * dies closes it and the browser's request is cut).
 *
 * Flow control both ways, on the loop, non-blocking: an upload's bytes
 * wait in a buffer of at most HIGH bytes past which lws stops reading the
 * browser (lws_rx_flow_control) until the socket took them; a download's
 * wait in one of IN_CAP bytes, not refilled from the socket before lws
 * wrote them to the browser (only when it says writable). So a transfer
 * costs about 64 + 64 KiB here and the owner's usual buffers there, and a
 * slow side slows the other through TCP and the socket's own buffer.
 */
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "server/transfer.h"
#include "server/sendbuf.h"
#include "util/alloc.h"

#define HIGH   (64u << 10) /* upload bytes held before lws stops reading */
#define LOW    (16u << 10) /* ... and starts again */
#define IN_CAP (64u << 10) /* a download's bytes read ahead of the browser */

struct rc_relay {
    rc_server *s;
    struct lws *wsi;
    int fd;
    ev_io io;
    rc_xfer_kind kind;
    bool head;
    rc_buf out; /* to the owner: the request, then body bytes */
    size_t out_off;
    bool out_dead; /* the owner stopped reading: the rest is dropped */
    bool rx_stopped;
    unsigned char *in; /* from the owner: the answer, then body bytes */
    size_t in_off, in_len;
    rc_xfer_ans ans;
    bool answered, failed, eof;
    uint64_t body;       /* a download's body bytes to come (0: HEAD, refused) */
    uint64_t got, given; /* ... from the owner, to lws */
};

/* Watch what is needed: writing while bytes wait, reading while the
 * answer has not come or a download's bytes have room. */
static void rearm(rc_relay *r) {
    int ev = 0;
    if (r->out.len > r->out_off && !r->out_dead) ev |= EV_WRITE;
    if (!r->eof && !r->failed &&
        (!r->answered || (r->kind == RC_XFER_DOWNLOAD && r->in_len < IN_CAP)))
        ev |= EV_READ;
    if (ev_is_active(&r->io) && r->io.events == ev) return;
    ev_io_stop(r->s->loop, &r->io);
    ev_io_set(&r->io, r->fd, ev);
    if (ev) ev_io_start(r->s->loop, &r->io);
}

/* The owner failed (closed early, a bad frame): the browser's request is
 * cut, as a local failure would cut it. */
static void fail(rc_relay *r) {
    if (r->failed) return;
    r->failed = true;
    lws_set_timeout(r->wsi, PENDING_TIMEOUT_HTTP_CONTENT, LWS_TO_KILL_ASYNC);
}

static void flush(rc_relay *r) {
    /* The owner closed: its answer may still be read. */
    if (!r->out_dead && rc_send_tail(r->fd, &r->out, &r->out_off) == RC_SEND_GONE)
        r->out_dead = true;
    if (r->out_off == r->out.len || r->out_dead) {
        rc_buf_reset(&r->out);
        r->out_off = 0;
    }
    if (r->rx_stopped && r->out.len - r->out_off <= LOW) {
        r->rx_stopped = false;
        lws_rx_flow_control(r->wsi, 1);
    }
}

/* Bytes from the owner: the answer first, then a download's body. */
static void take(rc_relay *r) {
    if (!r->answered) {
        long n = rc_xfer_ans_decode(&r->ans, r->in + r->in_off, r->in_len - r->in_off);
        if (n < 0) return fail(r);
        if (n == 0) return;
        r->in_off += (size_t)n;
        r->answered = true;
        if (r->kind == RC_XFER_DOWNLOAD && r->ans.status == 200 && !r->head) r->body = r->ans.size;
        /* An upload answered before its body ended: lws must call us again
         * (a body piece or writable) to say it, so reading resumes. */
        if (r->rx_stopped) lws_rx_flow_control(r->wsi, 1), r->rx_stopped = false;
    }
    r->got = r->given + (r->in_len - r->in_off);
    if (r->got > r->body) return fail(r); /* more than its Content-Length */
    lws_callback_on_writable(r->wsi);
}

static void on_io(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    rc_relay *r = w->data;
    if (revents & EV_WRITE) flush(r);
    if (revents & EV_READ) {
        if (r->in_off == r->in_len) r->in_off = r->in_len = 0;
        if (r->in_off && r->in_len == IN_CAP) { /* room at the end again */
            memmove(r->in, r->in + r->in_off, r->in_len - r->in_off);
            r->in_len -= r->in_off;
            r->in_off = 0;
        }
        ssize_t n = recv(r->fd, r->in + r->in_len, IN_CAP - r->in_len, 0);
        if (n > 0) {
            r->in_len += (size_t)n;
            take(r);
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            r->eof = true;
            /* The owner's close ends a whole answer; anything short of it
             * is a failure (it died, or cut the request). */
            if (!r->answered || r->got < r->body) fail(r);
        }
    }
    if (!r->failed) rearm(r);
    else ev_io_stop(r->s->loop, &r->io);
}

rc_relay *rc_xfer_relay_open(rc_server *s, struct lws *wsi, const rc_xfer_req *req) {
    int owner = rc_xfer_token_worker(req->token);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t nl = rc_xfer_relay_name(sa.sun_path, sizeof sa.sun_path, owner);
    unsigned char frame[RC_XFER_FRAME_MAX];
    size_t fl = rc_xfer_req_encode(req, frame, sizeof frame);
    if (!nl || !fl) return NULL;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return NULL;
    /* A local connect completes at once, or fails at once: nobody there
     * (ECONNREFUSED: that worker is gone, restarting) or a full backlog. */
    if (connect(fd, (struct sockaddr *)&sa,
                (socklen_t)(offsetof(struct sockaddr_un, sun_path) + nl))) {
        rc_srv_log(s, RC_LOG_DEBUG, "relay to worker %d: %s", owner, strerror(errno));
        close(fd);
        return NULL;
    }
    rc_relay *r = rc_xcalloc(1, sizeof *r);
    r->s = s;
    r->wsi = wsi;
    r->fd = fd;
    r->kind = req->kind;
    r->head = req->head;
    r->in = rc_xmalloc(IN_CAP);
    rc_buf_init(&r->out);
    rc_buf_append(&r->out, frame, fl);
    ev_io_init(&r->io, on_io, fd, 0);
    r->io.data = r;
    flush(r);
    rearm(r);
    rc_srv_log(s, RC_LOG_DEBUG, "relayed %s to worker %d",
               req->kind == RC_XFER_UPLOAD ? "an upload" : "a download", owner);
    return r;
}

void rc_xfer_relay_body(rc_relay *r, const void *in, size_t len) {
    if (r->out_dead || r->answered || r->failed) return;
    rc_buf_append(&r->out, in, len);
    flush(r);
    if (!r->rx_stopped && r->out.len - r->out_off > HIGH) {
        r->rx_stopped = true;
        lws_rx_flow_control(r->wsi, 0);
    }
    rearm(r);
}

void rc_xfer_relay_body_done(rc_relay *r) { (void)r; /* the owner counts the bytes */ }

const rc_xfer_ans *rc_xfer_relay_answer(rc_relay *r, bool *failed) {
    *failed = r->failed;
    return r->answered && !r->failed ? &r->ans : NULL;
}

long rc_xfer_relay_read(rc_relay *r, void *buf, size_t cap) {
    size_t avail = r->in_len - r->in_off;
    if (!avail) return r->failed ? -1 : 0;
    size_t n = avail < cap ? avail : cap;
    memcpy(buf, r->in + r->in_off, n);
    r->in_off += n;
    r->given += n;
    if (r->in_off == r->in_len) r->in_off = r->in_len = 0;
    rearm(r); /* room again */
    return (long)n;
}

bool rc_xfer_relay_complete(const rc_relay *r) { return r->answered && r->given == r->body; }

void rc_xfer_relay_free(rc_relay *r) {
    if (!r) return;
    ev_io_stop(r->s->loop, &r->io);
    close(r->fd); /* an upload not finished: the owner cancels it */
    rc_buf_free(&r->out);
    free(r->in);
    free(r);
}
