/*
 * The server's counters and their Prometheus text (metrics.c), and the
 * /metrics listener (metrics_http.c). Counters are plain integers bumped on
 * the loop thread (no locks, no atomics: nothing else writes them); gauges
 * that the server already knows (sessions live and detached, queued output)
 * are read from it at scrape time instead of being kept twice.
 */
#ifndef RC_SERVER_METRICS_H
#define RC_SERVER_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resume/refusal.h"
#include "store/stats.h"
#include "util/buf.h"

/* How a hello that named a session ended (reactc_resumes_total{outcome}). */
typedef enum rc_resume_outcome {
    RC_RESUME_FRESH,      /* refused: a fresh session started */
    RC_RESUME_RESUMED,    /* rebuilt from the client's token */
    RC_RESUME_REATTACHED, /* the detached session held here carried on */
    RC_RESUME_NOUTCOMES
} rc_resume_outcome;

/* What became of a snapshot written to Redis (reactc_snapshots_total). */
typedef enum rc_snapshot_outcome {
    RC_SNAPSHOT_WRITTEN, /* stored as the session's newest */
    RC_SNAPSHOT_KEPT,    /* Redis held a newer one, which stays */
    RC_SNAPSHOT_FAILED,  /* Redis down, an error, or the connection dropped */
    RC_SNAPSHOT_NOUTCOMES
} rc_snapshot_outcome;

/* What a resume rebuilt from (reactc_resume_sources_total). */
typedef enum rc_resume_source {
    RC_SOURCE_TOKEN,     /* the client's token (no newer snapshot in Redis) */
    RC_SOURCE_REDIS,     /* the snapshot in Redis, newer than the client's token */
    RC_SOURCE_REFERENCE, /* the snapshot in Redis a reference token named */
    RC_SOURCE_NSOURCES
} rc_resume_source;

/* What a resuming hello's fetch of the snapshot found
 * (reactc_snapshot_fetches_total). */
typedef enum rc_fetch_outcome {
    RC_FETCH_FOUND,       /* a snapshot that opened as the session's */
    RC_FETCH_MISSING,     /* none stored (expired, never written) */
    RC_FETCH_REFUSED,     /* stored but refused: tampered, another session's, expired */
    RC_FETCH_UNAVAILABLE, /* Redis down, or no answer within the deadline */
    RC_FETCH_NOUTCOMES
} rc_fetch_outcome;

/* Why the edge refused a request or a WebSocket (reactc_edge_refusals_total). */
typedef enum rc_edge_reason {
    RC_EDGE_BAD_REQUEST, /* 400: a malformed Host or Origin */
    RC_EDGE_HOST,        /* 421: a Host this server does not serve */
    RC_EDGE_ORIGIN,      /* 403: a WebSocket from a foreign Origin */
    RC_EDGE_PER_ADDRESS, /* 429: too many connections, or too fast, from one address */
    RC_EDGE_FULL,        /* max_sessions reached (close 1013) */
    RC_EDGE_LOGIN,       /* 401: an upgrade without a valid login cookie (login.c) */
    RC_EDGE_MEMORY,      /* near --max-memory (close 4503, admit.c) */
    RC_EDGE_OTHER,       /* any other status */
    RC_EDGE_NREASONS
} rc_edge_reason;

/* The number of rc_refusal codes (RC_REFUSAL_NONE included). */
#define RC_REFUSAL_COUNT ((size_t)RC_REFUSAL_OTHER_USER + 1)

typedef struct rc_metrics {
    double start_time; /* Unix seconds */
    uint64_t events;   /* events applied (handlers dispatched) */
    uint64_t messages_in, messages_out, bytes_out;
    uint64_t resumes[RC_RESUME_NOUTCOMES];
    uint64_t refusals[RC_REFUSAL_COUNT]; /* resume refusals by rc_refusal */
    uint64_t edge[RC_EDGE_NREASONS];
    uint64_t snapshots[RC_SNAPSHOT_NOUTCOMES];
    uint64_t resume_sources[RC_SOURCE_NSOURCES];
    uint64_t fetches[RC_FETCH_NOUTCOMES];
    uint64_t renders_held;     /* renders waiting for a slow tab's socket */
    uint64_t renders_put_off;  /* renders put off by render_interval_ms */
    double redis_up;           /* 1 or 0; filled when --redis is given */
    double redis_ping_seconds; /* the last PING's round trip */
    bool redis_known;          /* rc_metrics_set_redis was called */
} rc_metrics;

/* What a scrape reads from the server at that moment. */
typedef struct rc_metrics_now {
    size_t sessions_live, sessions_detached;
    size_t outq_bytes; /* bytes waiting in every session's output queue */
    const char *build, *app_id;
    /* The store layer's counters (store/stats.h), kept there; NULL: no
     * store metric is written (a caller without a store layer). */
    const rc_store_stats *store;
} rc_metrics_now;

/* The Redis connection's health, for reactc_redis_up and
 * reactc_redis_ping_seconds (metrics_http.c sets it at each scrape from
 * the connection; without --redis nobody does, and neither gauge is
 * written). */
void rc_metrics_set_redis(rc_metrics *m, bool up, double ping_seconds);

/* The edge status a refusal was answered with, as a reason. */
rc_edge_reason rc_metrics_edge_reason(unsigned status);

/* Appends every metric in the Prometheus text format 0.0.4 to out. */
void rc_metrics_render(const rc_metrics *m, const rc_metrics_now *now, rc_buf *out);

/* Appends s as the inside of a label value: backslash, double quote and
 * newline escaped (\\, \", \n), as the text format asks. */
void rc_metrics_escape(rc_buf *out, const char *s);

/* Reads --metrics' value: "PORT" (on 127.0.0.1), "ADDR:PORT" or
 * "[V6]:PORT", port 0..65535 (0: any free one). 0, or -1 with err. */
int rc_metrics_parse_addr(const char *spec, char *host, size_t cap, int *port, char *err,
                          size_t errlen);

/* Scrapes served at once (metrics_http.c), so scrapes waiting for their
 * text at once (metrics_workers.c). */
#define RC_METRICS_MAX_CONNS 16

/* metrics_merge.c: one worker's answer to a scrape (its rc_metrics_render
 * text), and the merge of every worker's into one text: each family's
 * HELP and TYPE once, then its samples of every worker that answered,
 * labelled worker="<index>", after reactc_worker_up{worker} (1/0) for all. */
typedef struct rc_metrics_part {
    int worker; /* its index: the worker label */
    bool up;    /* answered in time; text is its metrics */
    const char *text;
    size_t len;
} rc_metrics_part;
void rc_metrics_merge(const rc_metrics_part *parts, size_t n, rc_buf *out);

/* metrics_http.c: the /metrics listener on a libev loop: the server's
 * (one process), or the supervisor's (--workers, metrics_workers.c). */
struct ev_loop;
typedef struct rc_metrics_http rc_metrics_http;
/* A scrape wants the text: answer with rc_metrics_http_reply(h, ticket,
 * ...), at once or later (a reply after the scrape's deadline is dropped). */
typedef void (*rc_metrics_collect_fn)(void *user, rc_metrics_http *h, unsigned ticket);
/* Listens on spec (rc_metrics_parse_addr), serving GET and HEAD /metrics.
 * The listener, or NULL with why in msg; on success msg is the URL. */
rc_metrics_http *rc_metrics_http_open(struct ev_loop *loop, const char *spec,
                                      rc_metrics_collect_fn collect, void *user, char *msg,
                                      size_t cap);
void rc_metrics_http_reply(rc_metrics_http *h, unsigned ticket, const char *text, size_t len);
/* Closes the listener and any scrape in progress. */
void rc_metrics_http_close(rc_metrics_http *h);
/* In a child just forked: closes the descriptors only (the loop and the
 * memory are the parent's business; the child never uses them). */
void rc_metrics_http_close_fds(rc_metrics_http *h);

/* The one-process server's: its own counters, answered at once. 0, or -1
 * (logged). */
struct rc_server;
int rc_metrics_http_start(struct rc_server *s, const char *spec);
void rc_metrics_http_stop(struct rc_server *s);
/* s's counters and the gauges read now, as rc_metrics_render's text. */
void rc_metrics_text(struct rc_server *s, rc_buf *out);

/* metrics_workers.c: --metrics under --workers. The supervisor serves
 * the port and, at each scrape, asks every worker over a socketpair made
 * before its fork, for at most RC_METRICS_WORKER_WAIT seconds. */
#define RC_METRICS_WORKER_WAIT 1.0
typedef struct rc_metrics_sup rc_metrics_sup;
/* The supervisor's listener on its loop; NULL with why in msg (on success
 * msg is the URL). */
rc_metrics_sup *rc_metrics_sup_open(struct ev_loop *loop, const char *spec, int nworkers, char *msg,
                                    size_t cap);
/* Around the fork of worker index: a new channel before (the previous
 * worker's of that index is closed: it is dead, or draining), then in the
 * child every supervisor descriptor closed and the child's end kept for
 * rc_metrics_worker_start, in the parent the child's end closed. */
void rc_metrics_sup_prefork(rc_metrics_sup *m, int index);
void rc_metrics_sup_child(rc_metrics_sup *m, int index);
void rc_metrics_sup_forked(rc_metrics_sup *m, int index);
void rc_metrics_sup_close(rc_metrics_sup *m);
/* In a worker: answers the supervisor's requests on s's loop. Returns
 * true when this process is such a worker (then it opens no listener). */
bool rc_metrics_worker_start(struct rc_server *s);
void rc_metrics_worker_stop(struct rc_server *s);

#endif
