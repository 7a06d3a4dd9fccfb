#ifndef RC_REDIS_CONN_H
#define RC_REDIS_CONN_H
/*
 * One Redis command connection on the server's libev loop (hiredis' async
 * API through hiredis/adapters/libev.h: no thread, no second loop). It
 * connects, sends AUTH and SELECT, then PINGs every ping_s seconds; a PING
 * unanswered by the next one (or a connect that takes longer than
 * connect_timeout_s) drops the connection, as does the socket closing. A
 * dropped connection is retried with exponential backoff and jitter. The
 * owner hears of each change between up and down once (not of each retry).
 * The subscriber connection pub/sub needs comes with the store backend.
 */
#include <stdbool.h>

#include "redis/url.h"

struct ev_loop;
typedef struct rc_redis rc_redis;

/* up: the connection answers; else why names the cause (no password). */
typedef void (*rc_redis_health_fn)(void *owner, bool up, const char *why);

typedef struct rc_redis_options {
    double connect_timeout_s; /* default 3 */
    double ping_s;            /* PING interval, and its deadline (default 2) */
    double backoff_min_s;     /* first retry delay (default 0.1), doubled per failure */
    double backoff_max_s;     /* up to this (default 5); each delay +/- 20 % */
} rc_redis_options;

/* Starts connecting to url (copied) on loop; health is called on the loop
 * thread. Returns NULL with a message in err when this build has no Redis. */
rc_redis *rc_redis_start(struct ev_loop *loop, const rc_redis_url *url,
                         const rc_redis_options *opts, rc_redis_health_fn health, void *owner,
                         char *err, size_t errlen);

/* Closes the connection and stops every watcher; health is not called. */
void rc_redis_stop(rc_redis *r);

/* Whether the connection is up (authenticated, database selected). */
bool rc_redis_is_up(const rc_redis *r);

/* The last PING's round trip in seconds (-1 before the first). */
double rc_redis_latency(const rc_redis *r);

#endif
