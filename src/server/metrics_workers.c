/*
 * --metrics under --workers N: one endpoint for the machine, served by the
 * supervisor (docs/deploy.md "Metrics").
 *
 * Why not let each worker serve the port: a port shared through
 * SO_REUSEPORT hands each scrape to a random worker, so one series would
 * jump between unrelated processes; a port per worker makes the user
 * configure N targets that change with --workers auto. So the supervisor
 * listens, and at each scrape asks every worker for its text over a
 * socketpair made before that worker's fork:
 *
 *   supervisor -> worker   "<round>\n"
 *   worker -> supervisor   "<round> <length>\n" then length bytes of
 *                          rc_metrics_render's text
 *
 * A round waits RC_METRICS_WORKER_WAIT seconds at most, on the
 * supervisor's loop (workers.c), never blocking it: a worker that has not
 * answered by then (stopped, stuck in a long handler, just forked) is
 * reported reactc_worker_up 0 and its series are left out; its late answer
 * carries an old round and is dropped. Scrapes that arrive during a round
 * share it. The round number keeps answers and rounds paired on a stream
 * that a timed-out round leaves answers in.
 *
 * The worker's end (below) answers on the worker's loop, non-blocking: a
 * supervisor that does not read holds an answer in a bounded buffer, not
 * the worker.
 */
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server.h"
#include "server/sendbuf.h"
#include "util/alloc.h"

#define ANSWER_MAX (1u << 20) /* a worker's text is ~5 KiB; anything near this is broken */
#define LINE_MAX_  32         /* "<round> <length>\n" */

/* ---- the supervisor's end ------------------------------------------------ */

typedef struct chan {
    rc_metrics_sup *owner;
    int fd;       /* the supervisor's end, or -1 */
    int child_fd; /* the worker's end, between prefork and forked */
    ev_io io;
    rc_buf in;   /* read, not yet taken */
    rc_buf text; /* this round's answer */
    bool asked, answered;
} chan;

struct rc_metrics_sup {
    struct ev_loop *loop;
    rc_metrics_http *http;
    int n;
    chan *ch;
    unsigned round;
    bool collecting;
    ev_timer wait;
    /* The scrapes this round answers: at most one per connection slot,
     * doubled for a slot that a deadline freed and a new scrape took
     * within the round (a ticket beyond is never answered: that scrape
     * ends at its deadline). */
    unsigned tickets[2 * RC_METRICS_MAX_CONNS];
    size_t ntickets;
};

static void chan_drop(chan *c) {
    if (c->fd >= 0) {
        ev_io_stop(c->owner->loop, &c->io);
        close(c->fd);
    }
    c->fd = -1;
    c->asked = c->answered = false;
    rc_buf_reset(&c->in);
    rc_buf_reset(&c->text);
}

/* The round ends: every asked worker answered, or the wait is over. */
static void finish(rc_metrics_sup *m) {
    rc_metrics_part *parts = rc_xcalloc((size_t)m->n, sizeof *parts);
    for (int i = 0; i < m->n; i++) {
        chan *c = &m->ch[i];
        parts[i] = (rc_metrics_part){i, c->fd >= 0 && c->answered, c->text.data, c->text.len};
    }
    rc_buf body;
    rc_buf_init(&body);
    rc_metrics_merge(parts, (size_t)m->n, &body);
    free(parts);
    for (size_t k = 0; k < m->ntickets; k++)
        rc_metrics_http_reply(m->http, m->tickets[k], body.data, body.len);
    rc_buf_free(&body);
    m->ntickets = 0;
    m->collecting = false;
    ev_timer_stop(m->loop, &m->wait);
    for (int i = 0; i < m->n; i++) m->ch[i].asked = m->ch[i].answered = false;
}

static void check_done(rc_metrics_sup *m) {
    if (!m->collecting) return;
    for (int i = 0; i < m->n; i++)
        if (m->ch[i].fd >= 0 && m->ch[i].asked && !m->ch[i].answered) return;
    finish(m);
}

static void ask(rc_metrics_sup *m, chan *c) {
    char req[LINE_MAX_];
    int l = snprintf(req, sizeof req, "%u\n", m->round);
    /* A few bytes into a socket that holds at most a few old requests: a
     * worker whose buffer is full is not reading, and is not waited for. */
    c->asked = send(c->fd, req, (size_t)l, MSG_NOSIGNAL | MSG_DONTWAIT) == l;
}

static void on_wait(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    finish(w->data);
}

static void on_collect(void *user, rc_metrics_http *h, unsigned ticket) {
    (void)h;
    rc_metrics_sup *m = user;
    if (m->ntickets < sizeof m->tickets / sizeof *m->tickets) m->tickets[m->ntickets++] = ticket;
    if (m->collecting) return; /* joins the round in flight */
    m->collecting = true;
    m->round++;
    for (int i = 0; i < m->n; i++)
        if (m->ch[i].fd >= 0) ask(m, &m->ch[i]);
    ev_timer_set(&m->wait, RC_METRICS_WORKER_WAIT, 0.0);
    ev_timer_start(m->loop, &m->wait);
    check_done(m);
}

/* Takes every whole answer out of c->in; false on a broken stream. */
static bool take_answers(chan *c) {
    rc_metrics_sup *m = c->owner;
    for (;;) {
        size_t look = c->in.len < LINE_MAX_ ? c->in.len : LINE_MAX_;
        char *nl = look ? memchr(c->in.data, '\n', look) : NULL;
        if (!nl) return c->in.len < LINE_MAX_;
        char *end;
        unsigned long round = strtoul(c->in.data, &end, 10);
        unsigned long len = strtoul(end, &end, 10);
        if (end != nl || len > ANSWER_MAX) return false;
        size_t head = (size_t)(nl - c->in.data) + 1;
        if (c->in.len - head < len) return true; /* the rest is on its way */
        if (m->collecting && c->asked && !c->answered && round == m->round) {
            rc_buf_reset(&c->text);
            rc_buf_append(&c->text, c->in.data + head, len);
            c->answered = true;
        } /* else: the answer to a round that ended without it */
        memmove(c->in.data, c->in.data + head + len, c->in.len - head - len);
        c->in.len -= head + len;
    }
}

static void on_chan(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    (void)revents;
    chan *c = w->data;
    for (;;) {
        rc_buf_reserve(&c->in, 16384);
        ssize_t r = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len, 0);
        if (r > 0) {
            c->in.len += (size_t)r;
            if (!take_answers(c)) break;
            continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            check_done(c->owner);
            return;
        }
        break; /* closed: the worker is gone (its restart makes a new channel) */
    }
    chan_drop(c);
    check_done(c->owner);
}

rc_metrics_sup *rc_metrics_sup_open(struct ev_loop *loop, const char *spec, int nworkers, char *msg,
                                    size_t cap) {
    rc_metrics_sup *m = rc_xcalloc(1, sizeof *m);
    m->http = rc_metrics_http_open(loop, spec, on_collect, m, msg, cap);
    if (!m->http) {
        free(m);
        return NULL;
    }
    m->loop = loop;
    m->n = nworkers;
    m->ch = rc_xcalloc((size_t)nworkers, sizeof *m->ch);
    for (int i = 0; i < nworkers; i++) {
        m->ch[i] = (chan){.owner = m, .fd = -1, .child_fd = -1};
        rc_buf_init(&m->ch[i].in);
        rc_buf_init(&m->ch[i].text);
    }
    ev_timer_init(&m->wait, on_wait, RC_METRICS_WORKER_WAIT, 0.0);
    m->wait.data = m;
    return m;
}

void rc_metrics_sup_prefork(rc_metrics_sup *m, int index) {
    chan *c = &m->ch[index];
    chan_drop(c);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        return; /* this worker runs without a channel: reported down */
    c->fd = sv[0];
    c->child_fd = sv[1];
}

/* Set in a worker (after its fork) from its channel; -1 elsewhere. */
static int inherited_fd = -1;

void rc_metrics_sup_child(rc_metrics_sup *m, int index) {
    for (int i = 0; i < m->n; i++)
        if (m->ch[i].fd >= 0) close(m->ch[i].fd);
    rc_metrics_http_close_fds(m->http);
    inherited_fd = m->ch[index].child_fd;
}

void rc_metrics_sup_forked(rc_metrics_sup *m, int index) {
    chan *c = &m->ch[index];
    if (c->child_fd >= 0) close(c->child_fd);
    c->child_fd = -1;
    if (c->fd < 0) return;
    ev_io_init(&c->io, on_chan, c->fd, EV_READ);
    c->io.data = c;
    ev_io_start(m->loop, &c->io);
    if (m->collecting) ask(m, c); /* a round in flight waits for it too */
}

void rc_metrics_sup_close(rc_metrics_sup *m) {
    if (!m) return;
    ev_timer_stop(m->loop, &m->wait);
    for (int i = 0; i < m->n; i++) {
        chan_drop(&m->ch[i]);
        rc_buf_free(&m->ch[i].in);
        rc_buf_free(&m->ch[i].text);
    }
    rc_metrics_http_close(m->http);
    free(m->ch);
    free(m);
}

/* ---- the worker's end ---------------------------------------------------- */

struct rc_metrics_chan {
    rc_server *server;
    ev_io rio, wio;
    rc_buf in, out;
    size_t sent;
};

static void chan_stop(struct rc_metrics_chan *c) {
    struct ev_loop *loop = c->server->loop;
    ev_io_stop(loop, &c->rio);
    ev_io_stop(loop, &c->wio);
    close(c->rio.fd);
    rc_buf_free(&c->in);
    rc_buf_free(&c->out);
    c->server->metrics_chan = NULL;
    free(c);
}

/* Writes what the socket takes; waits for writability for the rest. */
static void flush_out(struct rc_metrics_chan *c) {
    rc_send_result r = rc_send_tail(c->rio.fd, &c->out, &c->sent);
    if (r == RC_SEND_AGAIN) {
        ev_io_start(c->server->loop, &c->wio);
        return;
    }
    if (r == RC_SEND_GONE) return; /* the supervisor is gone: its close ends this */
    ev_io_stop(c->server->loop, &c->wio);
    rc_buf_reset(&c->out);
    c->sent = 0;
}

static void on_writable(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    (void)revents;
    flush_out(w->data);
}

/* Answers the last whole request in c->in (older ones are already late). */
static void answer_requests(struct rc_metrics_chan *c) {
    char *last = NULL;
    for (char *p = c->in.data, *end = p + c->in.len; p < end; p++)
        if (*p == '\n') last = p;
    if (!last) {
        if (c->in.len >= LINE_MAX_) rc_buf_reset(&c->in); /* not ours: dropped */
        return;
    }
    char *start = last;
    while (start > c->in.data && start[-1] != '\n') start--;
    unsigned long round = strtoul(start, NULL, 10);
    size_t used = (size_t)(last + 1 - c->in.data);
    memmove(c->in.data, last + 1, c->in.len - used);
    c->in.len -= used;
    if (c->out.len > ANSWER_MAX) return; /* the supervisor reads nothing: skip */
    rc_buf text;
    rc_buf_init(&text);
    rc_metrics_text(c->server, &text);
    char head[LINE_MAX_ + 16];
    int l = snprintf(head, sizeof head, "%lu %zu\n", round, text.len);
    rc_buf_append(&c->out, head, (size_t)l);
    rc_buf_append(&c->out, text.data ? text.data : "", text.len);
    rc_buf_free(&text);
    flush_out(c);
}

static void on_request(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    (void)revents;
    struct rc_metrics_chan *c = w->data;
    for (;;) {
        char buf[256];
        ssize_t r = recv(w->fd, buf, sizeof buf, 0);
        if (r > 0) {
            rc_buf_append(&c->in, buf, (size_t)r);
            continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        chan_stop(c); /* the supervisor closed it: a newer worker took the index */
        return;
    }
    answer_requests(c);
}

bool rc_metrics_worker_start(rc_server *s) {
    if (inherited_fd < 0) return false;
    struct rc_metrics_chan *c = rc_xcalloc(1, sizeof *c);
    c->server = s;
    rc_buf_init(&c->in);
    rc_buf_init(&c->out);
    ev_io_init(&c->rio, on_request, inherited_fd, EV_READ);
    ev_io_init(&c->wio, on_writable, inherited_fd, EV_WRITE);
    c->rio.data = c->wio.data = c;
    ev_io_start(s->loop, &c->rio);
    s->metrics_chan = c;
    inherited_fd = -1;
    return true;
}

void rc_metrics_worker_stop(rc_server *s) {
    if (s->metrics_chan) chan_stop(s->metrics_chan);
}
