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
 * Commands (rc_redis_command, rc_redis_eval) are pipelined on the one
 * connection: Redis runs them in the order sent. A connection started with
 * rc_redis_options.subscribe is a subscriber instead (the store backend's
 * second connection): it takes no commands.
 */
#include <stdbool.h>

#include "redis/url.h"

struct ev_loop;
typedef struct rc_redis rc_redis;

/* A message published on a subscriber's channel (msg: len bytes, valid
 * during the call). */
typedef void (*rc_redis_message_fn)(void *owner, const char *msg, size_t len);

/* up: the connection answers; else why names the cause (no password). */
typedef void (*rc_redis_health_fn)(void *owner, bool up, const char *why);

typedef struct rc_redis_options {
    double connect_timeout_s; /* default 3 */
    double ping_s;            /* PING interval, and its deadline (default 2) */
    double backoff_min_s;     /* first retry delay (default 0.1), doubled per failure */
    double backoff_max_s;     /* up to this (default 5); each delay +/- 20 % */
    /* Subscriber mode (NULL: a command connection): SUBSCRIBE to this
     * channel (copied) on every connection; the subscription's confirmation
     * reports up, and each message goes to on_message(owner, ...). Its PING
     * is that SUBSCRIBE again: hiredis 0.14 routes a PING's reply on a
     * subscribed connection to whichever callback is queued, and a message
     * arriving meanwhile would be taken for it; a repeated SUBSCRIBE is
     * answered through the subscription itself. */
    const char *subscribe;
    rc_redis_message_fn on_message;
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

struct redisReply;
/* A command's outcome, on the loop thread, exactly once per command sent:
 * hiredis' reply (freed after fn returns; an error reply is
 * REDIS_REPLY_ERROR), or NULL when the connection dropped (or
 * rc_redis_stop ran) before the reply came, in which case the command may
 * or may not have run. */
typedef void (*rc_redis_reply_fn)(void *user, const struct redisReply *reply);

/* Sends one command, argv[i] being argvlen[i] bytes (binary-safe; argvlen
 * NULL: NUL-terminated strings), when the connection is up. 0: sent, fn
 * runs later (never before this returns). -1: not up, nothing sent, fn is
 * not called. */
int rc_redis_command(rc_redis *r, rc_redis_reply_fn fn, void *user, int argc,
                     const char *const *argv, const size_t *argvlen);

/* A Lua script, run by its SHA1 (EVALSHA) so its text crosses the socket
 * once per connection. Static storage: the connection keeps a pointer. */
typedef struct rc_redis_script {
    const char *text;
    char sha[41]; /* filled by SCRIPT LOAD; "" until then */
} rc_redis_script;

/* Makes r load s on every connection, before it reports up (and now, if up
 * already). Idempotent. */
void rc_redis_add_script(rc_redis *r, rc_redis_script *s);

/* Runs script s (added first) with nkeys keys then the rest of argv:
 * EVALSHA once its SHA1 is known, EVAL with the text before. A NOSCRIPT
 * answer (an operator ran SCRIPT FLUSH) drops the connection: retrying
 * that one command as EVAL would run it after commands sent later, and
 * the reconnect loads every script again. Returns as rc_redis_command. */
int rc_redis_eval(rc_redis *r, rc_redis_script *s, rc_redis_reply_fn fn, void *user, int nkeys,
                  int argc, const char *const *argv, const size_t *argvlen);

#endif
