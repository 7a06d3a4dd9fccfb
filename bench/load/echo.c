/*
 * echo: the baseline of the load benchmark. A raw libwebsockets server on
 * the same stack as reactc (lws 4.1.6 on a foreign libev loop, one protocol
 * at index 0, same receive buffer and options) that answers every text
 * message: with the same bytes, or with a message of --reply-bytes N bytes.
 * It writes the way reactc does: queue the reply, ask for a writable
 * callback, write there.
 *
 * A "hello" message is answered with a dummy layout-update whose buttons
 * (id "increment" and id "bump") carry onClick handlers with 11-character
 * ids, like reactc's, so `load` finds a target and sends events of the same
 * size as to a reactc app.
 *
 * Usage: echo [--host ADDR] [--port N] [--reply-bytes N]
 *   --port 0 picks a free port; the port is printed on stderr as
 *   "echo: listening on http://ADDR:PORT/". SIGINT/SIGTERM stop it.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <libwebsockets.h>

typedef struct out_msg {
    struct out_msg *next;
    size_t len;
    unsigned char data[]; /* LWS_PRE bytes of headroom, then the payload */
} out_msg;

/* Per-connection data (lws allocates and zeroes it). */
typedef struct echo_conn {
    out_msg *head, *tail;
    unsigned char *in; /* a fragmented message being reassembled */
    size_t in_len, in_cap;
} echo_conn;

typedef struct echo_server {
    struct ev_loop *loop;
    struct lws_context *lws;
    ev_signal sigint, sigterm;
    size_t reply_bytes;   /* 0: echo the message */
    unsigned char *reply; /* the fixed reply when reply_bytes > 0 */
    size_t max_message;
} echo_server;

static const char hello_reply[] =
    "{\"type\":\"layout-update\",\"path\":\"\",\"model\":{\"tagName\":\"\",\"children\":["
    "{\"tagName\":\"div\",\"children\":["
    "{\"tagName\":\"button\",\"attributes\":{\"id\":\"increment\"},"
    "\"eventHandlers\":{\"onClick\":{\"target\":\"echoInc0001\",\"preventDefault\":false,"
    "\"stopPropagation\":false}},\"children\":[\"+1\"]},"
    "{\"tagName\":\"button\",\"attributes\":{\"id\":\"bump\"},"
    "\"eventHandlers\":{\"onClick\":{\"target\":\"echoBump001\",\"preventDefault\":false,"
    "\"stopPropagation\":false}},\"children\":[\"bump\"]}"
    "]}]}}";

static void queue(struct lws *wsi, echo_conn *c, const void *data, size_t len) {
    out_msg *m = malloc(sizeof *m + LWS_PRE + len);
    if (!m) {
        fprintf(stderr, "echo: out of memory\n");
        exit(1);
    }
    m->next = NULL;
    m->len = len;
    memcpy(m->data + LWS_PRE, data, len);
    if (c->tail) c->tail->next = m;
    else c->head = m;
    c->tail = m;
    lws_callback_on_writable(wsi);
}

static void answer(echo_server *s, struct lws *wsi, echo_conn *c, const unsigned char *msg,
                   size_t len) {
    static const char hello[] = "{\"type\":\"hello\"";
    if (len >= sizeof hello - 1 && memcmp(msg, hello, sizeof hello - 1) == 0)
        queue(wsi, c, hello_reply, sizeof hello_reply - 1);
    else if (s->reply_bytes) queue(wsi, c, s->reply, s->reply_bytes);
    else queue(wsi, c, msg, len);
}

static void free_conn(echo_conn *c) {
    while (c->head) {
        out_msg *m = c->head;
        c->head = m->next;
        free(m);
    }
    c->tail = NULL;
    free(c->in);
    c->in = NULL;
    c->in_len = c->in_cap = 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len) {
    echo_server *s = lws_context_user(lws_get_context(wsi));
    echo_conn *c = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        /* Plain HTTP: nothing here. */
        lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
        return -1;
    case LWS_CALLBACK_RECEIVE: {
        bool final = lws_is_final_fragment(wsi);
        if (final && c->in_len == 0) {
            answer(s, wsi, c, in, len); /* the common case: no copy */
            return 0;
        }
        if (c->in_len + len > s->max_message) return -1;
        if (c->in_len + len > c->in_cap) {
            size_t cap = c->in_cap ? c->in_cap : 1024;
            while (cap < c->in_len + len) cap *= 2;
            unsigned char *p = realloc(c->in, cap);
            if (!p) return -1;
            c->in = p;
            c->in_cap = cap;
        }
        memcpy(c->in + c->in_len, in, len);
        c->in_len += len;
        if (final) {
            answer(s, wsi, c, c->in, c->in_len);
            c->in_len = 0;
        }
        return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        out_msg *m = c->head;
        if (!m) return 0;
        c->head = m->next;
        if (!c->head) c->tail = NULL;
        int n = lws_write(wsi, m->data + LWS_PRE, m->len, LWS_WRITE_TEXT);
        size_t want = m->len;
        free(m);
        if (n < (int)want) return -1;
        if (c->head) lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_CLOSED: free_conn(c); return 0;
    default: break;
    }
    return 0;
}

static struct lws_protocols protocols[] = {
    {"echo", callback, sizeof(echo_conn), 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents) {
    (void)w;
    (void)revents;
    ev_break(loop, EVBREAK_ALL);
}

static void usage(const char *prog) {
    printf("usage: %s [--host ADDR] [--port N] [--reply-bytes N]\n"
           "  --host ADDR       address to listen on (default 127.0.0.1)\n"
           "  --port N          port (default 8000; 0 picks a free one)\n"
           "  --reply-bytes N   answer each message with N bytes (default 0: echo it)\n",
           prog);
}

static bool parse_num(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    long port = 8000, reply_bytes = 0;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(argv[0]);
            return 0;
        }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            fprintf(stderr, "%s: %s needs a value (see --help)\n", argv[0], a);
            return 2;
        }
        bool ok = true;
        if (strcmp(a, "--host") == 0) host = v;
        else if (strcmp(a, "--port") == 0) ok = parse_num(v, 0, 65535, &port);
        else if (strcmp(a, "--reply-bytes") == 0) ok = parse_num(v, 0, 1 << 20, &reply_bytes);
        else {
            fprintf(stderr, "%s: unknown option %s (see --help)\n", argv[0], a);
            return 2;
        }
        if (!ok) {
            fprintf(stderr, "%s: bad value for %s: \"%s\"\n", argv[0], a, v);
            return 2;
        }
    }

    signal(SIGPIPE, SIG_IGN);
    echo_server s;
    memset(&s, 0, sizeof s);
    s.max_message = 1024 * 1024;
    s.reply_bytes = (size_t)reply_bytes;
    if (s.reply_bytes) {
        /* {"pad":"xxx..."} of exactly reply_bytes bytes (just x's if tiny). */
        s.reply = malloc(s.reply_bytes);
        if (!s.reply) return 1;
        memset(s.reply, 'x', s.reply_bytes);
        static const char head[] = "{\"pad\":\"";
        if (s.reply_bytes >= sizeof head - 1 + 2) {
            memcpy(s.reply, head, sizeof head - 1);
            memcpy(s.reply + s.reply_bytes - 2, "\"}", 2);
        }
    }

    s.loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
    if (!s.loop) {
        fprintf(stderr, "echo: cannot create the event loop\n");
        return 1;
    }
    lws_set_log_level(LLL_ERR, NULL);

    void *foreign[1] = {s.loop};
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = (int)port;
    info.iface = host;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_LIBEV | LWS_SERVER_OPTION_VALIDATE_UTF8;
    info.foreign_loops = foreign;
    info.user = &s;
    info.timeout_secs = 20;
    info.max_http_header_data = 8192;
    s.lws = lws_create_context(&info);
    if (!s.lws) {
        fprintf(stderr, "echo: cannot listen on %s:%ld\n", host, port);
        ev_loop_destroy(s.loop);
        free(s.reply);
        return 1;
    }
    int bound = lws_get_vhost_listen_port(lws_get_vhost_by_name(s.lws, "default"));

    ev_signal_init(&s.sigint, on_signal, SIGINT);
    ev_signal_init(&s.sigterm, on_signal, SIGTERM);
    ev_signal_start(s.loop, &s.sigint);
    ev_signal_start(s.loop, &s.sigterm);

    if (s.reply_bytes)
        fprintf(stderr, "echo: listening on http://%s:%d/ (reply: %zu bytes)\n", host, bound,
                s.reply_bytes);
    else fprintf(stderr, "echo: listening on http://%s:%d/ (reply: the same bytes)\n", host, bound);
    fflush(stderr);

    ev_run(s.loop, 0);

    ev_signal_stop(s.loop, &s.sigint);
    ev_signal_stop(s.loop, &s.sigterm);
    lws_context_destroy(s.lws); /* closes every connection */
    ev_run(s.loop, EVRUN_NOWAIT);
    ev_loop_destroy(s.loop);
    free(s.reply);
    fprintf(stderr, "echo: stopped\n");
    return 0;
}
