/*
 * load: the WebSocket load client of the server benchmark (issue 3).
 *
 * One thread, one epoll set, non-blocking sockets, level-triggered; the
 * WebSocket client is written here (handshake with a checked accept key,
 * masked client frames, server frames with 7/16/64-bit lengths, fragments,
 * ping/close). It speaks the reactc protocol (docs/protocol.md):
 *
 *   1. opens N sessions to ws://HOST:PORT/_reactc/stream (at most
 *      --connect-batch handshakes in flight), sends `hello` on each and waits
 *      for the first layout-update;
 *   2. finds the onClick handler id of the element with id --button in the
 *      model of the first session to answer (jansson; handler ids are
 *      deterministic, so the other sessions are only checked to contain it);
 *   3. events mode (default): every session sends
 *      {"type":"layout-event","target":ID,"data":[{}],"seq":n} and waits for
 *      the patch carrying "ack":n before sending the next one (closed loop,
 *      one outstanding event per session); after --warmup seconds it measures
 *      for --duration seconds: events/s, round trip percentiles, average
 *      size of the acknowledging messages;
 *      --echo: any message counts as the answer (the echo baseline);
 *   4. idle mode (--idle N): opens N sessions, completes the first render on
 *      each, and reads the server's VmRSS (--server-pid) before and after;
 *   5. first-render mode (--first N): opens N sessions one after another and
 *      times each from connect() to its first whole tree (the layout-update
 *      answering hello) received; each session is closed once timed, so the
 *      next one meets the same server (run the server with --grace 0).
 *   6. fan-out mode (--fanout ROUNDS): opens --connections sessions, every
 *      second one on --port2 if given (two processes of one app sharing a
 *      store); then ROUNDS times: session 0 clicks --button once, and every
 *      other session's first message after the click is timed from the
 *      click's send (a store write by one session, shown by every other
 *      one: bench/redis); a round ends when all have one, or after
 *      --round-timeout; the next starts --gap seconds later. Reports the
 *      last arrival of each round and the arrivals of all rounds, per port.
 *
 * --server-pid may be given several times (the workers of a --workers
 * server): their CPU time is summed. --proxy-pid names a reverse proxy whose
 * CPU time is reported on its own.
 *
 * Everything is bounded by --timeout (default 60 s): the program always ends.
 * The last line of output is machine-readable: "RESULT key=value ...".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_MESSAGE      (64u * 1024u * 1024u) /* a server message larger than this is an error */
#define READ_BUF         (256u * 1024u)
#define MAX_ERRORS_SHOWN 8
#define MAX_SERVER_PIDS  16

/* ---- options ------------------------------------------------------------------ */

typedef struct options {
    const char *host;
    int port;
    const char *path;
    const char *button;
    unsigned conns;
    unsigned idle; /* > 0: idle mode with this many sessions */
    double duration, warmup, timeout, settle, stall;
    long server_pids[MAX_SERVER_PIDS];
    unsigned nserver_pids;
    long proxy_pid;
    unsigned first; /* > 0: first-render mode with this many sessions */
    unsigned connect_batch;
    bool echo;
    bool vdom;       /* --model vdom: ask for VDOM JSON models, not compact ones */
    unsigned fanout; /* > 0: fan-out mode with this many rounds */
    int port2;       /* fan-out: odd sessions connect here (0: --port) */
    double gap, round_timeout;
} options;

static options opt = {
    .host = "127.0.0.1",
    .port = 0,
    .path = "/_reactc/stream",
    .button = "increment",
    .conns = 1,
    .idle = 0,
    .duration = 5.0,
    .warmup = 1.0,
    .timeout = 60.0,
    .settle = 0.5,
    .stall = 10.0,
    .nserver_pids = 0,
    .proxy_pid = 0,
    .first = 0,
    .connect_batch = 256,
    .echo = false,
    .fanout = 0,
    .port2 = 0,
    .gap = 0.2,
    .round_timeout = 5.0,
};

static void usage(const char *prog) {
    printf("usage: %s --port N [options]\n"
           "  --host ADDR          server address (default 127.0.0.1)\n"
           "  --port N             server port (required)\n"
           "  --path P             WebSocket path (default /_reactc/stream)\n"
           "  --connections N      sessions sending events (default 1)\n"
           "  --button ID          element id of the button to click (default increment)\n"
           "  --duration S         measured seconds (default 5)\n"
           "  --warmup S           seconds of events before measuring (default 1)\n"
           "  --echo               any reply acknowledges an event (echo baseline)\n"
           "  --idle N             idle mode: open N sessions, measure server RSS\n"
           "  --model M            the model form the hello asks for: compact (default,\n"
           "                       as reactc's client) or vdom (VDOM JSON)\n"
           "  --first N            first-render mode: N sessions one at a time, each timed\n"
           "                       from connect() to its first tree, then closed\n"
           "  --server-pid PID     server process: RSS (idle mode), CPU use (events mode);\n"
           "                       repeat for the workers of one server (CPU is summed)\n"
           "  --proxy-pid PID      a reverse proxy in front: its CPU use, reported apart\n"
           "  --settle S           idle mode: wait before reading RSS (default 0.5)\n"
           "  --connect-batch N    handshakes in flight at once (default 256)\n"
           "  --stall S            give up on sessions that make no progress (default 10)\n"
           "  --timeout S          hard limit on the whole run (default 60)\n"
           "  --fanout ROUNDS      fan-out mode: session 0 clicks once per round, every other\n"
           "                       session's next message is timed from that click\n"
           "  --port2 N            fan-out: every second session connects to this port\n"
           "  --gap S              fan-out: pause between rounds (default 0.2)\n"
           "  --round-timeout S    fan-out: a round gives up on late sessions (default 5)\n",
           prog);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > max || s[0] == '-') return false;
    *out = v;
    return true;
}

static bool parse_secs(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0.0) || v > 86400.0) return false;
    *out = v;
    return true;
}

static int parse_args(int argc, char **argv) {
    int i = 1;
    while (i < argc) {
        const char *a = argv[i++];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(argv[0]);
            return 1;
        }
        if (strcmp(a, "--echo") == 0) {
            opt.echo = true;
            continue;
        }
        const char *v = i < argc ? argv[i++] : NULL;
        if (!v) {
            fprintf(stderr, "%s: %s needs a value (see --help)\n", argv[0], a);
            return -1;
        }
        unsigned long u = 0;
        bool ok = true;
        if (strcmp(a, "--host") == 0) opt.host = v;
        else if (strcmp(a, "--path") == 0) opt.path = v;
        else if (strcmp(a, "--button") == 0) opt.button = v;
        else if (strcmp(a, "--model") == 0) {
            ok = strcmp(v, "vdom") == 0 || strcmp(v, "compact") == 0;
            opt.vdom = strcmp(v, "vdom") == 0;
        } else if (strcmp(a, "--port") == 0) {
            ok = parse_uint(v, 65535, &u) && u > 0;
            opt.port = (int)u;
        } else if (strcmp(a, "--connections") == 0 || strcmp(a, "-c") == 0) {
            ok = parse_uint(v, 1000000, &u) && u > 0;
            opt.conns = (unsigned)u;
        } else if (strcmp(a, "--idle") == 0) {
            ok = parse_uint(v, 1000000, &u) && u > 0;
            opt.idle = (unsigned)u;
        } else if (strcmp(a, "--fanout") == 0) {
            ok = parse_uint(v, 1000000, &u) && u > 0;
            opt.fanout = (unsigned)u;
        } else if (strcmp(a, "--port2") == 0) {
            ok = parse_uint(v, 65535, &u) && u > 0;
            opt.port2 = (int)u;
        } else if (strcmp(a, "--gap") == 0) {
            ok = parse_secs(v, &opt.gap);
        } else if (strcmp(a, "--round-timeout") == 0) {
            ok = parse_secs(v, &opt.round_timeout) && opt.round_timeout > 0;
        } else if (strcmp(a, "--first") == 0) {
            ok = parse_uint(v, 1000000, &u) && u > 0;
            opt.first = (unsigned)u;
        } else if (strcmp(a, "--server-pid") == 0) {
            ok = parse_uint(v, 1u << 30, &u) && u > 0 && opt.nserver_pids < MAX_SERVER_PIDS;
            if (ok) opt.server_pids[opt.nserver_pids++] = (long)u;
        } else if (strcmp(a, "--proxy-pid") == 0) {
            ok = parse_uint(v, 1u << 30, &u) && u > 0;
            opt.proxy_pid = (long)u;
        } else if (strcmp(a, "--connect-batch") == 0) {
            ok = parse_uint(v, 1000000, &u) && u > 0;
            opt.connect_batch = (unsigned)u;
        } else if (strcmp(a, "--duration") == 0)
            ok = parse_secs(v, &opt.duration) && opt.duration > 0;
        else if (strcmp(a, "--warmup") == 0) ok = parse_secs(v, &opt.warmup);
        else if (strcmp(a, "--timeout") == 0) ok = parse_secs(v, &opt.timeout) && opt.timeout > 0;
        else if (strcmp(a, "--settle") == 0) ok = parse_secs(v, &opt.settle);
        else if (strcmp(a, "--stall") == 0) ok = parse_secs(v, &opt.stall) && opt.stall > 0;
        else {
            fprintf(stderr, "%s: unknown option %s (see --help)\n", argv[0], a);
            return -1;
        }
        if (!ok) {
            fprintf(stderr, "%s: bad value for %s: \"%s\"\n", argv[0], a, v);
            return -1;
        }
    }
    if (!opt.port) {
        fprintf(stderr, "%s: --port is required (see --help)\n", argv[0]);
        return -1;
    }
    if (opt.idle && !opt.nserver_pids) {
        fprintf(stderr, "%s: --idle needs --server-pid\n", argv[0]);
        return -1;
    }
    if (opt.idle && opt.first) {
        fprintf(stderr, "%s: --idle and --first exclude each other\n", argv[0]);
        return -1;
    }
    if (opt.fanout && (opt.idle || opt.first || opt.echo || opt.conns < 2)) {
        fprintf(stderr, "%s: --fanout needs --connections >= 2 and no --idle, --first, --echo\n",
                argv[0]);
        return -1;
    }
    if (opt.idle) opt.conns = opt.idle;
    if (opt.first) {
        opt.conns = opt.first;
        /* One session at a time: a session's time is its own, not time
         * spent queued behind the others' first renders. */
        opt.connect_batch = 1;
    }
    return 0;
}

/* ---- time, randomness ------------------------------------------------------- */

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t secs_ns(double s) { return (uint64_t)(s * 1e9); }

static uint64_t rng_state;

/* xorshift64*: masks and handshake keys need not be secret on loopback. */
static uint64_t rng_next(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/* ---- SHA-1 and base64, for the handshake (RFC 3174, RFC 4648) ------------- */

static uint32_t rol32(uint32_t x, unsigned k) { return (x << k) | (x >> (32 - k)); }

static void sha1_block(uint32_t h[5], const uint8_t *p) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999u;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1u;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDCu;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6u;
        }
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

static void sha1(const uint8_t *msg, size_t len, uint8_t out[20]) {
    uint32_t h[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u, 0xC3D2E1F0u};
    size_t full = len / 64 * 64;
    for (size_t i = 0; i < full; i += 64) sha1_block(h, msg + i);
    uint8_t tail[128];
    size_t rest = len - full;
    memset(tail, 0, sizeof tail);
    memcpy(tail, msg + full, rest);
    tail[rest] = 0x80;
    size_t tlen = rest + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) tail[tlen - 1 - i] = (uint8_t)(bits >> (8 * i));
    for (size_t i = 0; i < tlen; i += 64) sha1_block(h, tail + i);
    for (int i = 0; i < 5; i++) {
        out[4 * i] = (uint8_t)(h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(h[i] >> 8);
        out[4 * i + 3] = (uint8_t)h[i];
    }
}

/* Writes the base64 of in (with padding) and a NUL; out needs 4*ceil(n/3)+1. */
static void base64(const uint8_t *in, size_t n, char *out) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = '\0';
}

/* ---- connections ------------------------------------------------------------ */

enum conn_state {
    ST_UNUSED,     /* not opened yet */
    ST_CONNECTING, /* TCP connect in progress */
    ST_HANDSHAKE,  /* upgrade request sent, waiting for 101 */
    ST_FIRST,      /* hello sent, waiting for the first layout-update */
    ST_READY,      /* first render received; no event outstanding */
    ST_WAIT,       /* an event is outstanding */
    ST_DEAD
};

typedef struct conn {
    int fd;
    uint8_t state;
    bool want_out; /* EPOLLOUT is in the interest set */
    bool in_frag;  /* inside a fragmented message */
    uint32_t id;
    uint64_t seq;         /* last event sent */
    uint64_t sent_ns;     /* when it was sent */
    uint64_t progress_ns; /* last state change (setup phase) */
    uint64_t open_ns;     /* when connect() was called */
    uint32_t round;       /* fan-out: the last round this session was timed in */
    uint8_t *pend;        /* received bytes not yet processed */
    size_t plen, pcap;
    uint8_t *msg; /* fragmented message being reassembled */
    size_t mlen, mcap;
    uint8_t *out; /* bytes not yet written */
    size_t olen, ooff, ocap;
    char key[32]; /* Sec-WebSocket-Key sent */
} conn;

enum phase { PH_CONNECT, PH_WARMUP, PH_MEASURE, PH_SETTLE, PH_DONE };

static struct {
    int ep;
    struct sockaddr_in addr, addr2;
    conn *conns;
    unsigned next_open;    /* connections opened so far */
    unsigned inflight;     /* in setup (CONNECTING..FIRST) */
    unsigned ready;        /* reached the first render */
    unsigned failed_setup; /* died before the first render */
    unsigned lost;         /* died after it */
    unsigned errors_shown;
    enum phase phase;
    uint64_t last_progress;
    char target[128];        /* handler id of the button */
    char target_quoted[160]; /* "ID", to check other sessions' models */
    uint64_t first_bytes;    /* sum of first message sizes */
    unsigned first_count;
    size_t token_chars; /* longest state token seen in a message */
    /* measured window */
    uint64_t events, bytes, warm_events;
    uint64_t *samples; /* round trips in ns */
    size_t nsamples, capsamples;
    uint64_t measure_start, measure_end;
    double cpu_self0, cpu_self1, cpu_srv0, cpu_srv1; /* CPU seconds at both ends */
    double cpu_proxy0, cpu_proxy1;
    uint8_t *rbuf;
    /* fan-out: the round running (1...), when its click was sent, how many
     * sessions are still to answer, and per port the arrivals of all rounds
     * (samples2: --port2's; samples: --port's) and each round's last one */
    uint32_t round;
    uint64_t round_sent, round_deadline;
    unsigned round_left, rounds_done, late;
    uint64_t round_last[2];
    bool round_on;
    uint64_t *samples2;
    size_t nsamples2, capsamples2;
    uint64_t *lasts[2]; /* per round: its last arrival on each port */
} G;

static void conn_error(conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_out_interest(conn *c, bool want) {
    if (c->want_out == want) return;
    struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0u), .data.ptr = c};
    if (epoll_ctl(G.ep, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->want_out = want;
}

/* Closes the socket and frees the buffers; counts nothing. */
static void conn_release(conn *c) {
    if (c->fd >= 0) {
        epoll_ctl(G.ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
    c->state = ST_DEAD;
    free(c->pend);
    free(c->msg);
    free(c->out);
    c->pend = c->msg = c->out = NULL;
    c->plen = c->pcap = c->mlen = c->mcap = c->olen = c->ooff = c->ocap = 0;
}

/* A session that died: counted as failed (before its first render) or lost. */
static void conn_kill(conn *c) {
    if (c->state == ST_DEAD) return;
    if (c->state >= ST_CONNECTING && c->state <= ST_FIRST) {
        G.inflight--;
        G.failed_setup++;
        G.last_progress = now_ns();
    } else if (c->state == ST_READY || c->state == ST_WAIT) {
        G.lost++;
    }
    conn_release(c);
}

static void conn_error(conn *c, const char *fmt, ...) {
    if (c->state == ST_DEAD) return;
    if (G.errors_shown < MAX_ERRORS_SHOWN) {
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        fprintf(stderr, "load: session %u: %s\n", c->id, buf);
        if (++G.errors_shown == MAX_ERRORS_SHOWN)
            fprintf(stderr, "load: (further session errors not shown)\n");
    }
    conn_kill(c);
}

static bool grow(uint8_t **buf, size_t *cap, size_t need) {
    if (need <= *cap) return true;
    size_t n = *cap ? *cap : 1024;
    while (n < need) n *= 2;
    uint8_t *p = realloc(*buf, n);
    if (!p) return false;
    *buf = p;
    *cap = n;
    return true;
}

/* Writes what is queued; keeps EPOLLOUT while something is left. */
static void flush_out(conn *c) {
    while (c->ooff < c->olen) {
        ssize_t n = send(c->fd, c->out + c->ooff, c->olen - c->ooff, MSG_NOSIGNAL);
        if (n > 0) {
            c->ooff += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_out_interest(c, true);
            return;
        }
        conn_error(c, "send: %s", n < 0 ? strerror(errno) : "wrote nothing");
        return;
    }
    c->olen = c->ooff = 0;
    set_out_interest(c, false);
}

/* Sends raw bytes (queued behind anything not yet written). */
static void send_raw(conn *c, const void *data, size_t len) {
    if (c->olen == c->ooff) {
        ssize_t n;
        do n = send(c->fd, data, len, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n == (ssize_t)len) return;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            conn_error(c, "send: %s", strerror(errno));
            return;
        }
        size_t done = n > 0 ? (size_t)n : 0;
        data = (const uint8_t *)data + done;
        len -= done;
        c->olen = c->ooff = 0;
    }
    if (!grow(&c->out, &c->ocap, c->olen + len)) {
        conn_error(c, "out of memory");
        return;
    }
    memcpy(c->out + c->olen, data, len);
    c->olen += len;
    flush_out(c);
}

/* Sends one masked client frame (payloads here are small: < 64 KiB). */
static void send_frame(conn *c, unsigned opcode, const void *payload, size_t len) {
    uint8_t frame[14 + 4096];
    if (len > 4096) {
        conn_error(c, "internal: frame too large");
        return;
    }
    size_t h = 0;
    frame[h++] = (uint8_t)(0x80u | opcode);
    if (len < 126) {
        frame[h++] = (uint8_t)(0x80u | len);
    } else {
        frame[h++] = 0x80u | 126u;
        frame[h++] = (uint8_t)(len >> 8);
        frame[h++] = (uint8_t)len;
    }
    uint32_t key = (uint32_t)rng_next();
    uint8_t mask[4] = {(uint8_t)(key >> 24), (uint8_t)(key >> 16), (uint8_t)(key >> 8),
                       (uint8_t)key};
    memcpy(frame + h, mask, 4);
    h += 4;
    const uint8_t *p = payload;
    for (size_t i = 0; i < len; i++) frame[h + i] = p[i] ^ mask[i & 3];
    send_raw(c, frame, h + len);
}

/* Ends a session that did its part (first-render mode): a close frame
 * (1000), then the socket; counted neither as failed nor as lost. */
static void conn_close(conn *c) {
    static const uint8_t normal[2] = {0x03, 0xE8};
    if (c->state == ST_DEAD) return;
    c->ooff = c->olen = 0;
    send_frame(c, 0x8, normal, 2);
    conn_release(c);
}

/* ---- the reactc protocol ------------------------------------------------------ */

/* Notes the length of the message's state token ("token":"..."), if any:
 * what the client keeps and sends back on resume. The writers put it near
 * the end of a message, so the whole message is searched. */
static void note_token(const uint8_t *m, size_t n) {
    static const char key[] = "\"token\":\"";
    const uint8_t *t = memmem(m, n, key, sizeof key - 1);
    if (!t) return;
    t += sizeof key - 1;
    const uint8_t *e = memchr(t, '"', n - (size_t)(t - m));
    if (e && (size_t)(e - t) > G.token_chars) G.token_chars = (size_t)(e - t);
}

static void send_event(conn *c) {
    char json[256];
    int n =
        snprintf(json, sizeof json,
                 "{\"type\":\"layout-event\",\"target\":\"%s\",\"data\":[{}],\"seq\":%" PRIu64 "}",
                 G.target, c->seq + 1);
    if (n < 0 || (size_t)n >= sizeof json) {
        conn_error(c, "internal: event too long");
        return;
    }
    c->seq++;
    c->state = ST_WAIT;
    c->sent_ns = now_ns();
    send_frame(c, 0x1, json, (size_t)n);
}

static void start_events(void) {
    for (unsigned i = 0; i < G.next_open; i++)
        if (G.conns[i].state == ST_READY) send_event(&G.conns[i]);
}

/* True if the message's "type" is `type` (the writers put it first). */
static bool msg_type_is(const uint8_t *m, size_t n, const char *type) {
    char prefix[64];
    int k = snprintf(prefix, sizeof prefix, "{\"type\":\"%s\"", type);
    if (k < 0 || (size_t)k >= sizeof prefix) return false;
    if (n >= (size_t)k && memcmp(m, prefix, (size_t)k) == 0) return true;
    /* Not first, or spaced: look for it anywhere in the head. */
    k = snprintf(prefix, sizeof prefix, "\"type\":\"%s\"", type);
    size_t head = n < 256 ? n : 256;
    return memmem(m, head, prefix, (size_t)k) != NULL;
}

static const char *handler_target(json_t *handlers) {
    json_t *h = json_object_get(handlers, "onClick");
    if (!json_is_object(h)) {
        const char *name;
        json_t *v;
        h = NULL;
        json_object_foreach(handlers, name, v) {
            (void)name;
            if (json_is_object(v)) {
                h = v;
                break;
            }
        }
    }
    return h ? json_string_value(json_object_get(h, "target")) : NULL;
}

/* Depth-first: the handler of the element with attribute id == want (or, if
 * want is NULL, of the first element with a handler). */
static const char *find_target(json_t *node, const char *want, int depth) {
    if (!json_is_object(node) || depth > 200) return NULL;
    json_t *handlers = json_object_get(node, "eventHandlers");
    if (json_is_object(handlers)) {
        const char *id =
            json_string_value(json_object_get(json_object_get(node, "attributes"), "id"));
        if (!want || (id && strcmp(id, want) == 0)) {
            const char *t = handler_target(handlers);
            if (t) return t;
        }
    }
    json_t *children = json_object_get(node, "children");
    size_t i;
    json_t *child;
    json_array_foreach(children, i, child) {
        const char *t = find_target(child, want, depth + 1);
        if (t) return t;
    }
    return NULL;
}

/* find_target for a compact model: [tag, props, child...], props 0 or
 * {"k", "a": {attributes}, "h": {event: id or [id, flags]}}. */
static const char *find_target_compact(json_t *node, const char *want, int depth) {
    if (!json_is_array(node) || depth > 200) return NULL;
    json_t *props = json_array_get(node, 1), *handlers = json_object_get(props, "h");
    if (json_is_object(handlers)) {
        const char *id = json_string_value(json_object_get(json_object_get(props, "a"), "id"));
        if (!want || (id && strcmp(id, want) == 0)) {
            json_t *h = json_object_get(handlers, "onClick");
            if (!h) h = json_object_iter_value(json_object_iter(handlers));
            const char *t = json_string_value(json_is_array(h) ? json_array_get(h, 0) : h);
            if (t) return t;
        }
    }
    for (size_t i = 2; i < json_array_size(node); i++) {
        const char *t = find_target_compact(json_array_get(node, i), want, depth + 1);
        if (t) return t;
    }
    return NULL;
}

/* Reads the button's handler id from the first session's model. */
static bool discover(const uint8_t *m, size_t n) {
    json_error_t err;
    json_t *root = json_loadb((const char *)m, n, 0, &err);
    if (!root) {
        fprintf(stderr, "load: first message is not JSON: %s (line %d)\n", err.text, err.line);
        return false;
    }
    json_t *model = json_object_get(root, "model");
    const char *(*find)(json_t *, const char *, int) =
        json_is_array(model) ? find_target_compact : find_target;
    const char *t = find(model, opt.button, 0);
    if (!t && opt.echo) t = find(model, NULL, 0);
    bool ok = t && strlen(t) < 100;
    if (ok) {
        snprintf(G.target, sizeof G.target, "%s", t);
        snprintf(G.target_quoted, sizeof G.target_quoted, "\"%s\"", t);
    } else {
        fprintf(stderr, "load: no element with id \"%s\" and an event handler in the model\n",
                opt.button);
    }
    json_decref(root);
    return ok;
}

static void record_in(uint64_t **samples, size_t *n, size_t *capn, uint64_t v) {
    if (*n == *capn) {
        size_t cap = *capn ? *capn * 2 : 1u << 16;
        if (cap > (size_t)1 << 28) return; /* 2 GiB of samples: enough */
        uint64_t *p = realloc(*samples, cap * sizeof *p);
        if (!p) return;
        *samples = p;
        *capn = cap;
    }
    (*samples)[(*n)++] = v;
}

static void record(uint64_t rtt) { record_in(&G.samples, &G.nsamples, &G.capsamples, rtt); }

/* Fan-out: a message on a watching session (not session 0) after the
 * round's click: the first one in this round is its arrival. */
static void fanout_arrival(conn *c) {
    if (c->id == 0 || !G.round || c->round == G.round || !G.round_left) return;
    uint64_t dt = now_ns() - G.round_sent;
    c->round = G.round;
    int port = opt.port2 && (c->id & 1u) ? 1 : 0;
    if (port) record_in(&G.samples2, &G.nsamples2, &G.capsamples2, dt);
    else record(dt);
    if (dt > G.round_last[port]) G.round_last[port] = dt;
    G.round_left--;
}

static void on_first(conn *c, const uint8_t *m, size_t n) {
    if (msg_type_is(m, n, "error")) {
        conn_error(c, "server error: %.*s", (int)(n < 200 ? n : 200), (const char *)m);
        return;
    }
    if (!msg_type_is(m, n, "layout-update")) {
        conn_error(c, "first message is not a layout-update: %.*s", (int)(n < 120 ? n : 120),
                   (const char *)m);
        return;
    }
    if (opt.idle || opt.first) {
        /* Idle and timed sessions click nothing: no handler id needed. */
    } else if (!G.target[0]) {
        if (!discover(m, n)) {
            fprintf(stderr, "load: cannot find the button; giving up\n");
            exit(1);
        }
        printf("load: button \"%s\" has handler id %s; first message %zu bytes\n", opt.button,
               G.target, n);
        fflush(stdout);
    } else if (!opt.echo && !memmem(m, n, G.target_quoted, strlen(G.target_quoted))) {
        conn_error(c, "its model lacks handler id %s (ids should be deterministic)", G.target);
        return;
    }
    uint64_t t = now_ns();
    G.first_bytes += n;
    G.first_count++;
    G.inflight--;
    G.ready++;
    G.last_progress = t;
    c->state = ST_READY;
    note_token(m, n);
    if (opt.first) {
        record(t - c->open_ns);
        conn_close(c);
        return;
    }
    if ((G.phase == PH_WARMUP || G.phase == PH_MEASURE) && !opt.fanout) send_event(c);
}

static void on_reply(conn *c, const uint8_t *m, size_t n) {
    if (!opt.echo) {
        static const char patch[] = "{\"type\":\"patch\"";
        if (n < sizeof patch - 1 || memcmp(m, patch, sizeof patch - 1) != 0) {
            if (msg_type_is(m, n, "error"))
                conn_error(c, "server error: %.*s", (int)(n < 200 ? n : 200), (const char *)m);
            return; /* some other message: not the answer */
        }
        /* {"type":"patch","ack":N,...}: a patch without ack, or with an older
         * one, is not the answer (a timer or an effect changed something). */
        static const char key[] = "\"ack\":";
        size_t head = n < 64 ? n : 64;
        const uint8_t *a = memmem(m, head, key, sizeof key - 1);
        if (!a) return;
        uint64_t ack = 0;
        for (const uint8_t *p = a + sizeof key - 1; p < m + n && *p >= '0' && *p <= '9'; p++)
            ack = ack * 10 + (uint64_t)(*p - '0');
        if (ack < c->seq) return;
    }
    if (opt.fanout) { /* the clicking session's own answer: not timed */
        c->state = ST_READY;
        return;
    }
    uint64_t t = now_ns();
    if (G.phase == PH_MEASURE) {
        record(t - c->sent_ns);
        G.events++;
        G.bytes += n;
        if (!opt.echo) note_token(m, n);
    } else if (G.phase == PH_WARMUP) {
        G.warm_events++;
    }
    c->state = ST_READY;
    if (G.phase == PH_WARMUP || G.phase == PH_MEASURE) send_event(c);
}

static void on_message(conn *c, const uint8_t *m, size_t n) {
    switch (c->state) {
    case ST_FIRST: on_first(c, m, n); break;
    case ST_WAIT: on_reply(c, m, n); break;
    case ST_READY:
        if (opt.fanout) fanout_arrival(c);
        break; /* otherwise an unsolicited update, ignored */
    default: break;
    }
}

/* ---- frames ------------------------------------------------------------------ */

static void on_frame(conn *c, uint8_t b0, const uint8_t *p, size_t n) {
    unsigned op = b0 & 0x0fu;
    bool fin = (b0 & 0x80u) != 0;
    switch (op) {
    case 0x8: { /* close: answer with the same code, then drop */
        unsigned code = n >= 2 ? (unsigned)p[0] << 8 | p[1] : 1005;
        send_frame(c, 0x8, p, n >= 2 ? 2 : 0);
        conn_error(c, "closed by the server (code %u%s%.*s)", code, n > 2 ? ": " : "",
                   (int)(n > 2 ? n - 2 : 0), (const char *)p + 2);
        return;
    }
    case 0x9:
        if (n <= 125) send_frame(c, 0xA, p, n);
        return;
    case 0xA: return;
    case 0x1:
    case 0x2:
        if (c->in_frag) {
            conn_error(c, "protocol: new message inside a fragmented one");
            return;
        }
        if (fin) {
            on_message(c, p, n);
            return;
        }
        c->in_frag = true;
        c->mlen = 0;
        __attribute__((fallthrough)); /* keep the first fragment */
    case 0x0:
        if (!c->in_frag) {
            conn_error(c, "protocol: continuation without a message");
            return;
        }
        if (c->mlen + n > MAX_MESSAGE || !grow(&c->msg, &c->mcap, c->mlen + n)) {
            conn_error(c, "message too large");
            return;
        }
        memcpy(c->msg + c->mlen, p, n);
        c->mlen += n;
        if (fin) {
            c->in_frag = false;
            on_message(c, c->msg, c->mlen);
            if (c->state != ST_DEAD && c->mcap > 64 * 1024) {
                free(c->msg);
                c->msg = NULL;
                c->mcap = 0;
            }
            if (c->state != ST_DEAD) c->mlen = 0;
        }
        return;
    default: conn_error(c, "protocol: opcode %u", op); return;
    }
}

/* Handles the complete frames in p[0..n); returns the bytes consumed. */
static size_t on_frames(conn *c, const uint8_t *p, size_t n) {
    size_t off = 0;
    while (n - off >= 2 && c->state != ST_DEAD) {
        uint8_t b0 = p[off], b1 = p[off + 1];
        size_t h = 2;
        uint64_t len = b1 & 0x7fu;
        if (b1 & 0x80u) {
            conn_error(c, "protocol: masked server frame");
            break;
        }
        if (len == 126) {
            if (n - off < 4) break;
            len = (uint64_t)p[off + 2] << 8 | p[off + 3];
            h = 4;
        } else if (len == 127) {
            if (n - off < 10) break;
            len = 0;
            for (int i = 0; i < 8; i++) len = len << 8 | p[off + 2 + (size_t)i];
            h = 10;
        }
        if (len > MAX_MESSAGE) {
            conn_error(c, "frame of %" PRIu64 " bytes: too large", len);
            break;
        }
        if (n - off - h < len) break;
        const uint8_t *payload = p + off + h;
        off += h + (size_t)len;
        on_frame(c, b0, payload, (size_t)len);
    }
    return off;
}

/* ---- handshake ------------------------------------------------------------------ */

static void send_handshake(conn *c) {
    uint8_t raw[16];
    for (int i = 0; i < 16; i += 8) {
        uint64_t r = rng_next();
        memcpy(raw + i, &r, 8);
    }
    base64(raw, 16, c->key);
    char req[1024];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\n"
                     "Host: %s:%d\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\n"
                     "Sec-WebSocket-Version: 13\r\n"
                     "\r\n",
                     opt.path, opt.host, opt.port, c->key);
    if (n < 0 || (size_t)n >= sizeof req) {
        conn_error(c, "request too long");
        return;
    }
    c->state = ST_HANDSHAKE;
    c->progress_ns = now_ns();
    send_raw(c, req, (size_t)n);
}

/* The value of header `name` in the response head (NUL-terminated). */
static bool header_value(const char *head, const char *name, char *out, size_t outsz) {
    size_t nl = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line; line = strstr(line, "\r\n")) {
        line += 2;
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ' || *v == '\t') v++;
            const char *e = strstr(v, "\r\n");
            size_t len = e ? (size_t)(e - v) : strlen(v);
            while (len && (v[len - 1] == ' ' || v[len - 1] == '\t')) len--;
            if (len >= outsz) return false;
            memcpy(out, v, len);
            out[len] = '\0';
            return true;
        }
    }
    return false;
}

/* Checks the 101 response in p[0..end); false after killing c. */
static bool check_upgrade(conn *c, const uint8_t *p, size_t end) {
    char head[8192];
    if (end >= sizeof head) {
        conn_error(c, "response head too large");
        return false;
    }
    memcpy(head, p, end);
    head[end] = '\0';
    if (strncmp(head, "HTTP/1.1 101", 12) != 0) {
        const char *e = strstr(head, "\r\n");
        conn_error(c, "upgrade refused: %.*s", (int)(e ? e - head : 80), head);
        return false;
    }
    char concat[128], want[32], got[64];
    uint8_t digest[20];
    snprintf(concat, sizeof concat, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", c->key);
    sha1((const uint8_t *)concat, strlen(concat), digest);
    base64(digest, 20, want);
    if (!header_value(head, "Sec-WebSocket-Accept", got, sizeof got) || strcmp(got, want) != 0) {
        conn_error(c, "bad Sec-WebSocket-Accept");
        return false;
    }
    return true;
}

static void send_hello(conn *c) {
    static const char vdom[] =
        "{\"type\":\"hello\",\"version\":1,\"extensions\":[\"patch\",\"seq\"],"
        "\"location\":{\"pathname\":\"/\",\"search\":\"\"}}";
    static const char compact[] =
        "{\"type\":\"hello\",\"version\":1,\"extensions\":[\"patch\",\"seq\",\"compact\"],"
        "\"location\":{\"pathname\":\"/\",\"search\":\"\"}}";
    c->state = ST_FIRST;
    c->progress_ns = now_ns();
    if (opt.vdom) send_frame(c, 0x1, vdom, sizeof vdom - 1);
    else send_frame(c, 0x1, compact, sizeof compact - 1);
}

/* ---- reading ----------------------------------------------------------------------- */

/* Processes newly received bytes (after what is pending). */
static void feed(conn *c, const uint8_t *data, size_t n) {
    const uint8_t *p = data;
    size_t len = n;
    if (c->plen) {
        if (c->plen + n > MAX_MESSAGE + 16 || !grow(&c->pend, &c->pcap, c->plen + n)) {
            conn_error(c, "message too large");
            return;
        }
        memcpy(c->pend + c->plen, data, n);
        c->plen += n;
        p = c->pend;
        len = c->plen;
    }
    size_t used = 0;
    bool hello_due = false;
    if (c->state == ST_HANDSHAKE) {
        const uint8_t *e = memmem(p, len, "\r\n\r\n", 4);
        if (!e) {
            if (len > 8192) {
                conn_error(c, "response head too large");
                return;
            }
        } else {
            used = (size_t)(e - p) + 4;
            if (!check_upgrade(c, p, used)) return;
            c->state = ST_FIRST;
            hello_due = true;
        }
    }
    /* Frames that came with the 101 first (a close frame, say), then hello. */
    if (c->state != ST_HANDSHAKE) used += on_frames(c, p + used, len - used);
    if (c->state == ST_DEAD) return;
    if (hello_due && c->state == ST_FIRST) {
        send_hello(c);
        if (c->state == ST_DEAD) return;
    }
    size_t left = len - used;
    if (p == c->pend) {
        memmove(c->pend, c->pend + used, left);
        c->plen = left;
    } else if (left) {
        if (!grow(&c->pend, &c->pcap, left)) {
            conn_error(c, "out of memory");
            return;
        }
        memcpy(c->pend, p + used, left);
        c->plen = left;
    }
    if (c->plen == 0 && c->pcap > 64 * 1024) { /* don't keep the big first message */
        free(c->pend);
        c->pend = NULL;
        c->pcap = 0;
    }
}

static void on_readable(conn *c) {
    for (;;) {
        ssize_t n = recv(c->fd, G.rbuf, READ_BUF, 0);
        if (n > 0) {
            feed(c, G.rbuf, (size_t)n);
            if (c->state == ST_DEAD || (size_t)n < READ_BUF) return;
            continue;
        }
        if (n == 0) {
            conn_error(c, "connection closed by the server");
            return;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) conn_error(c, "recv: %s", strerror(errno));
        return;
    }
}

static void on_io(conn *c, uint32_t events) {
    if (c->state == ST_CONNECTING) {
        int err = 0;
        socklen_t l = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0) err = errno;
        if (err) {
            conn_error(c, "connect: %s", strerror(err));
            return;
        }
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
        c->want_out = true; /* registered with EPOLLOUT */
        set_out_interest(c, false);
        send_handshake(c);
        return;
    }
    if (events & EPOLLOUT) {
        flush_out(c);
        if (c->state == ST_DEAD) return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
}

static void open_conn(conn *c) {
    c->open_ns = now_ns();
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    c->state = ST_CONNECTING;
    c->progress_ns = c->open_ns;
    G.inflight++;
    if (c->fd < 0) {
        conn_error(c, "socket: %s", strerror(errno));
        return;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const struct sockaddr_in *to = opt.port2 && (c->id & 1u) ? &G.addr2 : &G.addr;
    if (connect(c->fd, (const struct sockaddr *)to, sizeof *to) < 0 && errno != EINPROGRESS) {
        conn_error(c, "connect: %s", strerror(errno));
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    if (epoll_ctl(G.ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        conn_error(c, "epoll_ctl: %s", strerror(errno));
        return;
    }
}

/* ---- results ------------------------------------------------------------------------ */

static long read_rss_kib(long pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kib;
}

/* CPU seconds (user + system) of process pid, or of this process if 0. */
static double cpu_secs(long pid) {
    if (pid == 0) {
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) < 0) return -1.0;
        return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    }
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1.0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Fields after the command name (which may hold spaces): state is
     * field 3, utime and stime are fields 14 and 15. */
    const char *p = strrchr(buf, ')');
    if (!p) return -1.0;
    unsigned long long ut = 0, st = 0;
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1.0;
    long hz = sysconf(_SC_CLK_TCK);
    return (double)(ut + st) / (double)(hz > 0 ? hz : 100);
}

/* CPU seconds of all the --server-pid processes together, -1 if none can be
 * read (a worker that exits meanwhile takes its CPU time with it). */
static double server_cpu_secs(void) {
    double sum = -1.0;
    for (unsigned i = 0; i < opt.nserver_pids; i++) {
        double v = cpu_secs(opt.server_pids[i]);
        if (v >= 0) sum = (sum < 0 ? 0.0 : sum) + v;
    }
    return sum;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values, in µs. */
static double pct_of(const uint64_t *v, size_t n, double q) {
    if (!n) return 0.0;
    size_t rank = (size_t)(q * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return (double)v[rank - 1] / 1000.0;
}

/* Nearest-rank percentile of the sorted samples, in µs. */
static double pct_us(double q) { return pct_of(G.samples, G.nsamples, q); }

/* ---- fan-out rounds ------------------------------------------------------------------ */

/* Ends the running round (every session answered, or its time is up). */
static void fanout_end_round(void) {
    G.late += G.round_left;
    for (int p = 0; p < 2; p++) G.lasts[p][G.rounds_done] = G.round_last[p];
    G.rounds_done++;
    G.round_left = 0;
    G.round_on = false;
}

/* Starts a round if session 0 can click (its last click answered): true if
 * it did. */
static bool fanout_start_round(void) {
    conn *w = &G.conns[0];
    if (w->state != ST_READY) return false;
    unsigned watchers = 0;
    for (unsigned i = 1; i < G.next_open; i++)
        if (G.conns[i].state == ST_READY) watchers++;
    G.round++;
    G.round_left = watchers;
    G.round_last[0] = G.round_last[1] = 0;
    G.round_on = true;
    send_event(w);
    G.round_sent = w->sent_ns;
    G.round_deadline = G.round_sent + secs_ns(opt.round_timeout);
    return true;
}

/* The fan-out report: arrivals per port, and each round's last one. */
static void fanout_report(unsigned conns, double setup_s, int timed_out) {
    size_t r = G.rounds_done;
    uint64_t *worst = calloc(r ? r : 1, sizeof *worst);
    if (!worst) return;
    for (size_t i = 0; i < r; i++)
        worst[i] = G.lasts[0][i] > G.lasts[1][i] ? G.lasts[0][i] : G.lasts[1][i];
    qsort(worst, r, sizeof *worst, cmp_u64);
    for (int p = 0; p < 2; p++) qsort(G.lasts[p], r, sizeof *G.lasts[p], cmp_u64);
    qsort(G.samples, G.nsamples, sizeof *G.samples, cmp_u64);
    qsort(G.samples2, G.nsamples2, sizeof *G.samples2, cmp_u64);
    double last50 = pct_of(worst, r, 0.5) / 1000.0, lastmax = pct_of(worst, r, 1.0) / 1000.0;
    printf("load: fan-out, %u sessions, %zu rounds: the last session's message %.2f ms after "
           "the click (median of rounds; worst %.2f ms); %u late\n",
           conns, r, last50, lastmax, G.late);
    printf("load: --port sessions: %zu arrivals, p50 %.1f us, p99 %.1f us; --port2 sessions: %zu "
           "arrivals, p50 %.1f us, p99 %.1f us\n",
           G.nsamples, pct_us(0.5), pct_us(0.99), G.nsamples2, pct_of(G.samples2, G.nsamples2, 0.5),
           pct_of(G.samples2, G.nsamples2, 0.99));
    printf("RESULT mode=fanout sessions=%u ready=%u failed=%u lost=%u rounds=%zu late=%u "
           "last_p50_ms=%.3f last_max_ms=%.3f a_last_p50_ms=%.3f b_last_p50_ms=%.3f "
           "a_n=%zu a_p50_us=%.1f a_p99_us=%.1f b_n=%zu b_p50_us=%.1f b_p99_us=%.1f "
           "b_max_us=%.1f setup_s=%.2f timeout=%d\n",
           conns, G.ready, G.failed_setup, G.lost, r, G.late, last50, lastmax,
           pct_of(G.lasts[0], r, 0.5) / 1000.0, pct_of(G.lasts[1], r, 0.5) / 1000.0, G.nsamples,
           pct_us(0.5), pct_us(0.99), G.nsamples2, pct_of(G.samples2, G.nsamples2, 0.5),
           pct_of(G.samples2, G.nsamples2, 0.99), pct_of(G.samples2, G.nsamples2, 1.0), setup_s,
           timed_out);
    free(worst);
}

/* ---- main ------------------------------------------------------------------------------ */

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "load: hard timeout (alarm): exiting\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(3);
}

static void raise_nofile(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)opt.conns + 16)
        fprintf(stderr, "load: warning: open file limit %llu < %u sessions\n",
                (unsigned long long)rl.rlim_cur, opt.conns);
}

int main(int argc, char **argv) {
    int rc = parse_args(argc, argv);
    if (rc) return rc > 0 ? 0 : 2;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm((unsigned)opt.timeout + 5); /* backstop, should the loop stall */
    raise_nofile();
    if (getrandom(&rng_state, sizeof rng_state, 0) != sizeof rng_state || !rng_state)
        rng_state = now_ns() | 1;

    memset(&G.addr, 0, sizeof G.addr);
    G.addr.sin_family = AF_INET;
    G.addr.sin_port = htons((uint16_t)opt.port);
    if (inet_pton(AF_INET, opt.host, &G.addr.sin_addr) != 1) {
        fprintf(stderr, "load: --host must be an IPv4 address (got \"%s\")\n", opt.host);
        return 2;
    }
    G.addr2 = G.addr;
    G.addr2.sin_port = htons((uint16_t)(opt.port2 ? opt.port2 : opt.port));
    G.conns = calloc(opt.conns, sizeof *G.conns);
    if (opt.fanout) {
        G.lasts[0] = calloc(opt.fanout, sizeof *G.lasts[0]);
        G.lasts[1] = calloc(opt.fanout, sizeof *G.lasts[1]);
        if (!G.lasts[0] || !G.lasts[1]) {
            fprintf(stderr, "load: cannot allocate\n");
            return 1;
        }
    }
    G.rbuf = malloc(READ_BUF);
    G.ep = epoll_create1(EPOLL_CLOEXEC);
    if (!G.conns || !G.rbuf || G.ep < 0) {
        fprintf(stderr, "load: cannot allocate\n");
        return 1;
    }
    for (unsigned i = 0; i < opt.conns; i++) {
        G.conns[i].fd = -1;
        G.conns[i].id = i;
    }

    long rss_before = opt.nserver_pids ? read_rss_kib(opt.server_pids[0]) : -1;
    if (opt.idle && rss_before < 0) {
        fprintf(stderr, "load: cannot read /proc/%ld/status\n", opt.server_pids[0]);
        return 1;
    }

    uint64_t t0 = now_ns();
    uint64_t hard = t0 + secs_ns(opt.timeout);
    uint64_t phase_end = 0;
    uint64_t setup_done = 0;
    bool timed_out = false;
    G.phase = PH_CONNECT;
    G.last_progress = t0;
    struct epoll_event evs[512];

    while (G.phase != PH_DONE) {
        uint64_t t = now_ns();
        if (t >= hard) {
            timed_out = true;
            break;
        }
        if (G.phase == PH_CONNECT) {
            while (G.next_open < opt.conns && G.inflight < opt.connect_batch)
                open_conn(&G.conns[G.next_open++]);
            bool all = G.next_open == opt.conns && G.inflight == 0;
            bool stalled = t - G.last_progress > secs_ns(opt.stall);
            if (all || stalled) {
                if (stalled && !all) {
                    fprintf(stderr,
                            "load: %u session(s) made no progress for %.0f s; going on "
                            "with %u ready\n",
                            G.inflight, opt.stall, G.ready);
                    for (unsigned i = 0; i < G.next_open; i++)
                        if (G.conns[i].state >= ST_CONNECTING && G.conns[i].state <= ST_FIRST)
                            conn_error(&G.conns[i], "setup stalled");
                }
                setup_done = t;
                if (G.ready == 0) {
                    fprintf(stderr, "load: no session reached the first render\n");
                    break;
                }
                if (opt.first) {
                    G.phase = PH_DONE; /* every session timed and closed */
                    break;
                } else if (opt.fanout) {
                    G.phase = PH_MEASURE;
                    G.measure_start = t;
                    phase_end = t + secs_ns(opt.gap);
                } else if (opt.idle) {
                    G.phase = PH_SETTLE;
                    phase_end = t + secs_ns(opt.settle);
                } else {
                    G.phase = PH_WARMUP;
                    phase_end = t + secs_ns(opt.warmup);
                    start_events();
                }
            }
        }
        if (opt.fanout && G.phase == PH_MEASURE) {
            if (G.round_on && (G.round_left == 0 || t >= G.round_deadline)) {
                fanout_end_round();
                phase_end = t + secs_ns(opt.gap);
            }
            if (!G.round_on && t >= phase_end) {
                if (G.rounds_done == opt.fanout || G.conns[0].state == ST_DEAD) {
                    G.measure_end = t;
                    G.phase = PH_DONE;
                    break;
                }
                if (fanout_start_round()) phase_end = G.round_deadline;
                else phase_end = t + 1000000u; /* its last click not answered yet */
            }
        } else if (G.phase == PH_WARMUP && t >= phase_end) {
            G.phase = PH_MEASURE;
            G.cpu_self0 = cpu_secs(0);
            G.cpu_srv0 = server_cpu_secs();
            G.cpu_proxy0 = opt.proxy_pid ? cpu_secs(opt.proxy_pid) : -1.0;
            G.measure_start = t;
            phase_end = t + secs_ns(opt.duration);
        } else if (G.phase == PH_MEASURE && t >= phase_end) {
            G.cpu_self1 = cpu_secs(0);
            G.cpu_srv1 = server_cpu_secs();
            G.cpu_proxy1 = opt.proxy_pid ? cpu_secs(opt.proxy_pid) : -1.0;
            G.measure_end = t;
            G.phase = PH_DONE;
            break;
        } else if (G.phase == PH_SETTLE && t >= phase_end) {
            G.phase = PH_DONE;
            break;
        }
        uint64_t next = G.phase == PH_CONNECT ? t + 100000000u : phase_end;
        if (next > hard) next = hard;
        uint64_t wait_ms = next > t ? (next - t + 999999) / 1000000 : 0;
        int tmo = wait_ms > 100 ? 100 : (int)wait_ms;
        int n = epoll_wait(G.ep, evs, (int)(sizeof evs / sizeof evs[0]), tmo);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("load: epoll_wait");
            break;
        }
        for (int i = 0; i < n; i++) on_io(evs[i].data.ptr, evs[i].events);
    }
    alarm(0);

    /* Sessions with an event outstanding for more than a second. */
    uint64_t tend = now_ns();
    unsigned stalled = 0;
    for (unsigned i = 0; i < G.next_open; i++)
        if (G.conns[i].state == ST_WAIT && tend - G.conns[i].sent_ns > 1000000000u) stalled++;

    const char *mode = opt.idle     ? "idle"
                       : opt.first  ? "first"
                       : opt.fanout ? "fanout"
                       : opt.echo   ? "echo"
                                    : "events";
    printf("load: %s:%d%s, mode %s, %u session(s): %u ready, %u failed during setup, "
           "%u lost later%s\n",
           opt.host, opt.port, opt.path, mode, opt.conns, G.ready, G.failed_setup, G.lost,
           timed_out ? " (HARD TIMEOUT)" : "");
    double setup_s = setup_done ? (double)(setup_done - t0) / 1e9 : (double)(tend - t0) / 1e9;
    double first_avg = G.first_count ? (double)G.first_bytes / G.first_count : 0.0;
    printf("load: setup %.2f s, first message %.0f bytes on average\n", setup_s, first_avg);

    int exit_code = timed_out ? 3 : G.ready ? 0 : 1;
    if (opt.fanout) {
        fanout_report(opt.conns, setup_s, timed_out ? 1 : 0);
        if (!timed_out && G.rounds_done == 0) exit_code = 1;
    } else if (opt.idle) {
        long rss_after = read_rss_kib(opt.server_pids[0]);
        double per = G.ready && rss_after >= 0 ? (double)(rss_after - rss_before) / G.ready : 0.0;
        printf("load: server RSS %ld KiB before, %ld KiB with %u idle sessions: %.2f KiB per "
               "session\n",
               rss_before, rss_after, G.ready, per);
        printf("RESULT mode=idle sessions=%u ready=%u failed=%u rss_before_kib=%ld "
               "rss_after_kib=%ld kib_per_session=%.2f first_bytes=%.0f setup_s=%.2f timeout=%d\n",
               opt.conns, G.ready, G.failed_setup, rss_before, rss_after, per, first_avg, setup_s,
               timed_out ? 1 : 0);
    } else if (opt.first) {
        qsort(G.samples, G.nsamples, sizeof *G.samples, cmp_u64);
        double p50 = pct_us(0.50), p90 = pct_us(0.90), p99 = pct_us(0.99), mx = pct_us(1.0);
        printf("load: connect to first tree (us), %zu sessions one at a time: p50 %.1f  p90 %.1f  "
               "p99 %.1f  max %.1f\n",
               G.nsamples, p50, p90, p99, mx);
        printf("RESULT mode=first sessions=%u ready=%u failed=%u p50_us=%.1f p90_us=%.1f "
               "p99_us=%.1f max_us=%.1f first_bytes=%.0f token_chars=%zu setup_s=%.2f timeout=%d\n",
               opt.conns, G.ready, G.failed_setup, p50, p90, p99, mx, first_avg, G.token_chars,
               setup_s, timed_out ? 1 : 0);
    } else {
        double secs =
            G.measure_end > G.measure_start ? (double)(G.measure_end - G.measure_start) / 1e9 : 0.0;
        double rate = secs > 0 ? (double)G.events / secs : 0.0;
        qsort(G.samples, G.nsamples, sizeof *G.samples, cmp_u64);
        double bpu = G.events ? (double)G.bytes / (double)G.events : 0.0;
        double p50 = pct_us(0.50), p90 = pct_us(0.90), p99 = pct_us(0.99), mx = pct_us(1.0);
        printf("load: %" PRIu64 " events in %.2f s: %.0f events/s (warm-up: %" PRIu64 ")\n",
               G.events, secs, rate, G.warm_events);
        printf("load: round trip (us): p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", p50, p90, p99,
               mx);
        printf("load: bytes per update: %.1f (payload of the acknowledging messages)\n", bpu);
        double self_pct = secs > 0 ? 100.0 * (G.cpu_self1 - G.cpu_self0) / secs : 0.0;
        double srv_pct = secs > 0 && G.cpu_srv0 >= 0 && G.cpu_srv1 >= 0
                             ? 100.0 * (G.cpu_srv1 - G.cpu_srv0) / secs
                             : -1.0;
        double srv_us =
            srv_pct >= 0 && G.events ? (G.cpu_srv1 - G.cpu_srv0) * 1e6 / (double)G.events : -1.0;
        double px_pct = secs > 0 && G.cpu_proxy0 >= 0 && G.cpu_proxy1 >= 0
                            ? 100.0 * (G.cpu_proxy1 - G.cpu_proxy0) / secs
                            : -1.0;
        double px_us =
            px_pct >= 0 && G.events ? (G.cpu_proxy1 - G.cpu_proxy0) * 1e6 / (double)G.events : -1.0;
        printf("load: CPU while measuring: load client %.0f%%", self_pct);
        if (srv_pct >= 0) printf(", server %.0f%% (%.1f us per event)", srv_pct, srv_us);
        if (px_pct >= 0) printf(", proxy %.0f%% (%.1f us per event)", px_pct, px_us);
        printf(" of one core\n");
        if (stalled)
            printf("load: %u session(s) waited more than 1 s for an answer at the end\n", stalled);
        printf("RESULT mode=%s conns=%u ready=%u failed=%u lost=%u events=%" PRIu64
               " seconds=%.3f events_per_s=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f "
               "max_us=%.1f bytes_per_update=%.1f first_bytes=%.0f load_cpu_pct=%.0f "
               "server_cpu_pct=%.0f server_us_per_event=%.2f proxy_cpu_pct=%.0f "
               "proxy_us_per_event=%.2f token_chars=%zu stalled=%u timeout=%d\n",
               mode, opt.conns, G.ready, G.failed_setup, G.lost, G.events, secs, rate, p50, p90,
               p99, mx, bpu, first_avg, self_pct, srv_pct, srv_us, px_pct, px_us, G.token_chars,
               stalled, timed_out ? 1 : 0);
        if (!timed_out && G.ready && G.events == 0) exit_code = 1;
    }
    fflush(stdout);

    /* Close politely (best effort, no waiting): close frame, then the socket. */
    for (unsigned i = 0; i < G.next_open; i++) {
        conn *c = &G.conns[i];
        if (c->state >= ST_FIRST && c->state != ST_DEAD) conn_close(c);
        else conn_release(c);
    }
    free(G.conns);
    free(G.samples);
    free(G.samples2);
    free(G.lasts[0]);
    free(G.lasts[1]);
    free(G.rbuf);
    close(G.ep);
    return exit_code;
}
