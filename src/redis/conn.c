/*
 * The Redis command connection (conn.h). hiredis 0.14's async API has no
 * timers, so the connect timeout, the PING deadline and the reconnect
 * backoff are our own ev_timers on the same loop.
 *
 * Ownership: hiredis frees its context itself after a failed connect and
 * after the disconnect callback; we free it (redisAsyncFree) only when we
 * drop it. Either way r->ac is cleared first and ac->data set to NULL, so
 * the callbacks hiredis still runs for a dropped context (pending replies
 * with NULL, the disconnect callback) find no owner and do nothing.
 */
#include "redis/conn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>
#include <hiredis/adapters/libev.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <sodium.h>

#include "util/alloc.h"

typedef enum { RC_REDIS_CONNECTING, RC_REDIS_UP, RC_REDIS_DOWN } rc_redis_state;

struct rc_redis {
    struct ev_loop *loop;
    rc_redis_url url;
    rc_redis_options opt;
    rc_redis_health_fn health;
    void *owner;
    redisAsyncContext *ac; /* NULL between attempts */
    rc_redis_state state;
    ev_timer connect_timer; /* the attempt's deadline, until up */
    ev_timer ping_timer;    /* while up: PING, and its deadline */
    ev_timer retry_timer;   /* the next attempt, after backoff */
    double backoff;         /* the next retry's delay before jitter */
    double ping_sent;       /* ev_time() of the PING in flight, 0: none */
    double latency;
    char *channel;             /* subscriber mode: its channel (opt.subscribe) */
    rc_redis_script **scripts; /* loaded on every connection (rc_redis_add_script) */
    size_t nscripts, scripts_cap;
};

/* One command in flight: whom to tell. script: an EVALSHA's, whose
 * NOSCRIPT answer drops the connection. */
typedef struct rc_redis_req {
    rc_redis_reply_fn fn;
    void *user;
    bool script;
} rc_redis_req;

static void attempt(rc_redis *r);

/* A change of state is reported once: a retry that fails the same way
 * as the one before says nothing. */
static void set_state(rc_redis *r, rc_redis_state st, const char *why) {
    if (r->state == st) return;
    r->state = st;
    if (r->health) r->health(r->owner, st == RC_REDIS_UP, why);
}

/* Lets go of the current context, if any, and schedules the next attempt. */
static void drop(rc_redis *r, const char *why) {
    redisAsyncContext *ac = r->ac;
    r->ac = NULL;
    ev_timer_stop(r->loop, &r->connect_timer);
    ev_timer_stop(r->loop, &r->ping_timer);
    r->ping_sent = 0;
    if (ac) {
        ac->data = NULL;
        redisAsyncFree(ac); /* deferred by hiredis when inside its callback */
    }
    set_state(r, RC_REDIS_DOWN, why);
    /* Jitter (+/- 20 %) spreads the reconnects of many workers. */
    double jitter = 0.8 + (double)randombytes_uniform(401) / 1000.0;
    ev_timer_set(&r->retry_timer, r->backoff * jitter, 0.0);
    ev_timer_start(r->loop, &r->retry_timer);
    r->backoff *= 2;
    if (r->backoff > r->opt.backoff_max_s) r->backoff = r->opt.backoff_max_s;
}

static rc_redis *owner_of(const redisAsyncContext *ac) { return ac ? ac->data : NULL; }

/* A handshake step's or a PING's reply: an error reply drops the
 * connection with the command's name and Redis' message (which never
 * repeats a password). */
static bool reply_ok(rc_redis *r, const redisReply *reply, const char *what) {
    if (!reply) return false; /* the context is going: its disconnect callback reports */
    if (reply->type == REDIS_REPLY_ERROR) {
        char why[200];
        snprintf(why, sizeof why, "%s failed: %.150s", what, reply->str ? reply->str : "");
        drop(r, why);
        return false;
    }
    return true;
}

static void on_auth(redisAsyncContext *ac, void *reply, void *priv) {
    (void)priv;
    rc_redis *r = owner_of(ac);
    if (r) reply_ok(r, reply, "auth");
}

static void on_select(redisAsyncContext *ac, void *reply, void *priv) {
    (void)priv;
    rc_redis *r = owner_of(ac);
    if (r) reply_ok(r, reply, "SELECT");
}

/* A PING's answer (a subscriber's: its SUBSCRIBE's confirmation). */
static void pong(rc_redis *r) {
    if (r->ping_sent > 0) r->latency = ev_time() - r->ping_sent;
    r->ping_sent = 0;
    if (r->state != RC_REDIS_UP) {
        /* The first PONG after AUTH and SELECT: up. */
        ev_timer_stop(r->loop, &r->connect_timer);
        r->backoff = r->opt.backoff_min_s;
        ev_timer_set(&r->ping_timer, r->opt.ping_s, r->opt.ping_s);
        ev_timer_start(r->loop, &r->ping_timer);
        set_state(r, RC_REDIS_UP, "");
    }
}

static void on_pong(redisAsyncContext *ac, void *reply, void *priv) {
    (void)priv;
    rc_redis *r = owner_of(ac);
    if (r && reply_ok(r, reply, "PING")) pong(r);
}

/* Every reply on a subscriber: ["subscribe", channel, n] confirms (and
 * answers our PING), ["message", channel, payload] is a change. */
static void on_subscribed(redisAsyncContext *ac, void *reply, void *priv) {
    (void)priv;
    rc_redis *r = owner_of(ac);
    const redisReply *rep = reply;
    if (!r || !reply_ok(r, rep, "SUBSCRIBE")) return;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 3 ||
        rep->element[0]->type != REDIS_REPLY_STRING)
        return;
    const char *kind = rep->element[0]->str;
    if (strcmp(kind, "subscribe") == 0) pong(r);
    else if (strcmp(kind, "message") == 0 && rep->element[2]->type == REDIS_REPLY_STRING &&
             r->state == RC_REDIS_UP && r->opt.on_message)
        r->opt.on_message(r->owner, rep->element[2]->str, rep->element[2]->len);
}

static void on_script_loaded(redisAsyncContext *ac, void *reply, void *priv) {
    rc_redis *r = owner_of(ac);
    rc_redis_script *sc = priv;
    if (!r || !reply_ok(r, reply, "SCRIPT LOAD")) return;
    const redisReply *rep = reply;
    if (rep->type == REDIS_REPLY_STRING && rep->len == 40) memcpy(sc->sha, rep->str, 41);
}

static void load_script(rc_redis *r, rc_redis_script *sc) {
    const char *argv[3] = {"SCRIPT", "LOAD", sc->text};
    redisAsyncCommandArgv(r->ac, on_script_loaded, sc, 3, argv, NULL);
}

static void send_ping(rc_redis *r) {
    r->ping_sent = ev_time();
    if (r->channel) redisAsyncCommand(r->ac, on_subscribed, NULL, "SUBSCRIBE %s", r->channel);
    else redisAsyncCommand(r->ac, on_pong, NULL, "PING");
}

static void on_connect(const redisAsyncContext *ac, int status) {
    rc_redis *r = owner_of(ac);
    if (!r) return;
    if (status != REDIS_OK) {
        /* hiredis frees ac after this callback. */
        char why[160];
        snprintf(why, sizeof why, "connect: %.120s", ac->errstr);
        r->ac = NULL;
        drop(r, why);
        return;
    }
    /* Pipelined: the replies come in order, the first error drops. */
    if (r->url.password) redisAsyncCommand(r->ac, on_auth, NULL, "AUTH %s", r->url.password);
    if (r->url.db) redisAsyncCommand(r->ac, on_select, NULL, "SELECT %d", r->url.db);
    /* Before the PING whose answer reports up: a restarted Redis has lost
     * its script cache, and nothing is sent before up. */
    for (size_t i = 0; i < r->nscripts; i++) load_script(r, r->scripts[i]);
    send_ping(r);
}

static void on_disconnect(const redisAsyncContext *ac, int status) {
    (void)status;
    rc_redis *r = owner_of(ac);
    if (!r) return;
    char why[160];
    snprintf(why, sizeof why, "connection lost%s%.120s", ac->err ? ": " : "",
             ac->err ? ac->errstr : "");
    r->ac = NULL; /* hiredis frees it after this callback */
    drop(r, why);
}

static void on_connect_timeout(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_redis *r = w->data;
    char why[64];
    snprintf(why, sizeof why, "no answer within %.1f s of connecting", r->opt.connect_timeout_s);
    drop(r, why);
}

/* Every ping_s while up: a PING still unanswered from the last tick means
 * a dead peer (a host gone without a FIN); else send the next one. */
static void on_ping_timer(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    rc_redis *r = w->data;
    if (r->ping_sent > 0) {
        char why[64];
        snprintf(why, sizeof why, "no PING reply within %.1f s", r->opt.ping_s);
        drop(r, why);
        return;
    }
    send_ping(r);
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)revents;
    attempt(w->data);
}

/* One connection attempt. A Unix socket path or an IP literal: hiredis'
 * connect never blocks on a name lookup (url.c refuses names). */
static void attempt(rc_redis *r) {
    redisAsyncContext *ac = r->url.is_unix ? redisAsyncConnectUnix(r->url.path)
                                           : redisAsyncConnect(r->url.host, r->url.port);
    if (!ac) abort(); /* hiredis returns NULL only when out of memory */
    if (ac->err) {
        char why[160];
        snprintf(why, sizeof why, "connect: %.120s", ac->errstr);
        redisAsyncFree(ac);
        drop(r, why);
        return;
    }
    ac->data = r;
    r->ac = ac;
    redisLibevAttach(r->loop, ac);
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    ev_timer_set(&r->connect_timer, r->opt.connect_timeout_s, 0.0);
    ev_timer_start(r->loop, &r->connect_timer);
}

rc_redis *rc_redis_start(struct ev_loop *loop, const rc_redis_url *url,
                         const rc_redis_options *opts, rc_redis_health_fn health, void *owner,
                         char *err, size_t errlen) {
    (void)err;
    (void)errlen;
    rc_redis *r = rc_xcalloc(1, sizeof *r);
    r->loop = loop;
    r->url = *url;
    r->url.password = url->password ? rc_xstrdup(url->password) : NULL;
    rc_redis_options o = {3.0, 2.0, 0.1, 5.0, NULL, NULL};
    if (opts) {
        if (opts->connect_timeout_s > 0) o.connect_timeout_s = opts->connect_timeout_s;
        if (opts->ping_s > 0) o.ping_s = opts->ping_s;
        if (opts->backoff_min_s > 0) o.backoff_min_s = opts->backoff_min_s;
        if (opts->backoff_max_s > 0) o.backoff_max_s = opts->backoff_max_s;
    }
    if (opts && opts->subscribe) {
        r->channel = rc_xstrdup(opts->subscribe);
        o.subscribe = r->channel;
        o.on_message = opts->on_message;
    }
    r->opt = o;
    r->health = health;
    r->owner = owner;
    r->state = RC_REDIS_CONNECTING;
    r->backoff = o.backoff_min_s;
    r->latency = -1;
    ev_init(&r->connect_timer, on_connect_timeout);
    ev_init(&r->ping_timer, on_ping_timer);
    ev_init(&r->retry_timer, on_retry);
    r->connect_timer.data = r->ping_timer.data = r->retry_timer.data = r;
    attempt(r);
    return r;
}

void rc_redis_stop(rc_redis *r) {
    if (!r) return;
    r->health = NULL;
    ev_timer_stop(r->loop, &r->connect_timer);
    ev_timer_stop(r->loop, &r->ping_timer);
    ev_timer_stop(r->loop, &r->retry_timer);
    if (r->ac) {
        redisAsyncContext *ac = r->ac;
        r->ac = NULL;
        ac->data = NULL;
        redisAsyncFree(ac);
    }
    rc_redis_url_free(&r->url);
    free(r->channel);
    free(r->scripts);
    free(r);
}

bool rc_redis_is_up(const rc_redis *r) { return r && r->state == RC_REDIS_UP; }

double rc_redis_latency(const rc_redis *r) { return r ? r->latency : -1; }

/* Every command's callback: the owner hears of each command exactly once,
 * also when the context is going (reply NULL), which is why this does not
 * depend on ac->data. */
static void on_reply(redisAsyncContext *ac, void *reply, void *priv) {
    rc_redis_req *req = priv;
    const redisReply *rep = reply;
    rc_redis *r = owner_of(ac);
    bool noscript = req->script && rep && rep->type == REDIS_REPLY_ERROR && rep->str &&
                    strncmp(rep->str, "NOSCRIPT", 8) == 0;
    req->fn(req->user, noscript ? NULL : rep);
    free(req);
    if (noscript && r) drop(r, "a script was flushed from Redis (NOSCRIPT): reloading");
}

static int send_argv(rc_redis *r, rc_redis_reply_fn fn, void *user, bool script, int argc,
                     const char **argv, const size_t *argvlen) {
    if (!rc_redis_is_up(r) || !r->ac || r->channel) return -1;
    rc_redis_req *req = rc_xmalloc(sizeof *req);
    *req = (rc_redis_req){fn, user, script};
    if (redisAsyncCommandArgv(r->ac, on_reply, req, argc, argv, argvlen) != REDIS_OK) {
        free(req); /* the context is disconnecting: as if not up */
        return -1;
    }
    return 0;
}

int rc_redis_command(rc_redis *r, rc_redis_reply_fn fn, void *user, int argc,
                     const char *const *argv, const size_t *argvlen) {
    return send_argv(r, fn, user, false, argc, (const char **)argv, argvlen);
}

void rc_redis_add_script(rc_redis *r, rc_redis_script *s) {
    for (size_t i = 0; i < r->nscripts; i++)
        if (r->scripts[i] == s) return;
    if (r->nscripts == r->scripts_cap) {
        r->scripts_cap = r->scripts_cap ? r->scripts_cap * 2 : 4;
        r->scripts = rc_xrealloc(r->scripts, r->scripts_cap * sizeof *r->scripts);
    }
    r->scripts[r->nscripts++] = s;
    if (r->ac && r->state == RC_REDIS_UP) load_script(r, s);
}

int rc_redis_eval(rc_redis *r, rc_redis_script *s, rc_redis_reply_fn fn, void *user, int nkeys,
                  int argc, const char *const *argv, const size_t *argvlen) {
    if (argc < 0 || nkeys < 0 || nkeys > argc) return -1;
    size_t n = (size_t)argc + 3;
    const char **av = rc_xmalloc(n * sizeof *av);
    size_t *al = rc_xmalloc(n * sizeof *al);
    char nk[16];
    snprintf(nk, sizeof nk, "%d", nkeys);
    bool by_sha = s->sha[0] != 0;
    av[0] = by_sha ? "EVALSHA" : "EVAL";
    av[1] = by_sha ? s->sha : s->text;
    av[2] = nk;
    for (size_t i = 0; i < 3; i++) al[i] = strlen(av[i]);
    for (size_t i = 0; i < (size_t)argc; i++) {
        av[i + 3] = argv[i];
        al[i + 3] = argvlen ? argvlen[i] : strlen(argv[i]);
    }
    /* hiredis formats the command into its buffer before returning. */
    int rc = send_argv(r, fn, user, by_sha, (int)n, av, al);
    free(av);
    free(al);
    return rc;
}
