/*
 * The Redis store backend's commit path (stores.h).
 *
 * A batch is one EVALSHA of the commit script (stores_script.h): its
 * compare-and-set checks, writes, version bumps, exactly-once mark and
 * PUBLISH in one step. "Committed" means its reply arrived: only then are
 * its writes applied here, with the versions Redis gave them (not local
 * increments), and its completions told 0. So every process, this one
 * included, holds what Redis holds, in Redis' order.
 *
 * Identity: an event's batch is (session id, seq) with the session's mark
 * key; any other batch is (this process's nonce, a batch counter) with a
 * once:<nonce> key. A reply lost to a dropped connection leaves the
 * outcome unknown: the batch is kept and sent again, before anything new,
 * once both connections are back, and the mark turns a second run into a
 * no-op ("replayed").
 *
 * Outage: while not ready (a connection down, or the full read after it
 * not applied yet) an event's batch waits, in order after the batches
 * kept, and is sent when the process is ready again; its mark then
 * decides (replayed: its first run, elsewhere, committed; else applied).
 * Refusing it would be wrong either way: the event may have committed on
 * a process killed before its token, and a refused seq below a later
 * committed one would be skipped as a replay. Its session's token and
 * render wait meanwhile (rc_store_in_flight), as for any batch in flight.
 * Any other batch (a timer's, a post's, a thread's: nothing would send it
 * again) is refused at once (-1, nothing applied, logged once per outage):
 * pages keep their last values and the app can show it
 * (rc_app.on_redis_health). What is kept is bounded (RC_RSTORES_MAX_*):
 * past it an event's session is closed with 1013 (try again later), so its
 * client keeps the event and sends it again, to this process or another.
 *
 * Local stores (rc_store_set_local) stay in this process: a batch of only
 * local writes goes to the in-memory backend at once; a mixed batch
 * applies its local writes when Redis decides it, atomic with the rest.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "redis/stores.h"
#include "redis/stores_build.h"
#include "redis/stores_script.h"
#include "redis/stores_sync.h"
#include "store/marks.h"
#include "store/persist.h"
#include "store/stats.h"
#include "util/alloc.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

/* ---- the flight list ------------------------------------------------------ */

static rc_rstores *active; /* the one installed (marks' hooks have no user) */

static void unlink_flight(rc_rstores *rs, rc_rflight *f) {
    if (f->prev) f->prev->next = f->next;
    else rs->head = f->next;
    if (f->next) f->next->prev = f->prev;
    else rs->tail = f->prev;
    rs->nflights--;
    rs->flight_bytes -= f->args.len;
}

/* Applies the batch's local writes (a decided, not replayed batch). */
static void apply_local(rc_store_batch *b) {
    for (size_t i = 0; i < b->nwrites; i++) {
        rc_store_write *w = &b->writes[i];
        if (!w->store || rc_rstores_shared(w->store)) continue;
        if (!w->key) rc_store_apply_value(w->store, &w->value);
        else rc_store_apply_item(w->store, w->key, w->remove ? NULL : &w->value);
        if (w->store->file) rc_store_file_changed(w->store);
    }
}

/* A batch (or a mark copy) is decided: its completions run, and a session
 * waiting for it (its held token, render or first tree) goes on
 * (rc_store_saved reaches the server). */
static void decide(rc_rstores *rs, rc_rflight *f, int status) {
    unlink_flight(rs, f);
    rc_store_batch *b = f->batch;
    bool session = f->session != NULL;
    rc_rflight_free(f);
    if (!rs->head) rs->full_said = false; /* a next time at the bound is logged */
    if (b) rc_store_batch_finish(b, status);
    if (session) rc_store_saved();
}

static void send_flight(rc_rstores *rs, rc_rflight *f);

/* ---- replies --------------------------------------------------------------- */

static bool reply_is(const redisReply *r, const char *word) {
    return r->type == REDIS_REPLY_ARRAY && r->elements >= 1 &&
           r->element[0]->type == REDIS_REPLY_STRING && strcmp(r->element[0]->str, word) == 0;
}

/* Refused for a moved base: the stores it wrote are read again (the
 * newer value also arrives as a message; the read covers a lost one). */
static void conflict(rc_rstores *rs, rc_rflight *f) {
    rc_store_batch *b = f->batch;
    /* Logged without the layout: it may be gone by the time Redis answers. */
    rc_log(NULL, RC_LOG_INFO,
           "store batch refused: a value it read (rc_store_update) was changed by another "
           "writer meanwhile; the local copy is refreshed");
    rc_store **only = rc_xmalloc((b->nwrites + 1) * sizeof *only);
    size_t n = 0;
    for (size_t i = 0; i < b->nwrites; i++)
        if (b->writes[i].store && rc_rstores_shared(b->writes[i].store))
            only[n++] = b->writes[i].store;
    if (n && !rs->reading) rc_rstores_read(rs, only, n);
    free(only);
    decide(rs, f, -1);
}

/* A mark copy's reply (rc_store_marks_inherit). */
static void on_inherited(rc_rstores *rs, rc_rflight *f, const redisReply *reply) {
    if (reply->type == REDIS_REPLY_ERROR)
        rc_log(NULL, RC_LOG_ERROR, "store marks: inherit failed: %.200s", reply->str);
    decide(rs, f, 0);
}

static void on_commit(void *user, const redisReply *reply) {
    rc_rflight *f = user;
    rc_rstores *rs = active;
    if (!rs) return; /* stopped: rc_rstores_stop decided it */
    if (!reply) {    /* outcome unknown: kept, sent again after the reconnect */
        f->sent = false;
        return;
    }
    rc_store_batch *b = f->batch;
    if (!b) {
        on_inherited(rs, f, reply);
    } else if (reply_is(reply, "ok") && reply->elements == 2 &&
               reply->element[1]->type == REDIS_REPLY_STRING) {
        rc_rstores_apply_change(rs, reply->element[1]->str, reply->element[1]->len);
        apply_local(b);
        decide(rs, f, 0);
    } else if (reply_is(reply, "replayed") && f->sends > 1) {
        /* Committed by its first send, whose reply was lost: its shared
         * writes arrive (arrived) as a message, or with the full read; its
         * local ones apply now. */
        rc_log(NULL, RC_LOG_INFO,
               "store batch sent again after a lost reply: its first send had committed "
               "(seq %" PRIu64 ")",
               b->seq);
        apply_local(b);
        decide(rs, f, 0);
    } else if (reply_is(reply, "replayed")) {
        /* Worded as the in-memory backend's: an event whose first run (on
         * this process or one killed since) committed. */
        rc_log(NULL, RC_LOG_INFO,
               "store writes of a replayed event skipped (seq %" PRIu64 ", already committed)",
               b->seq);
        if (b->session) rc_store_count_replayed(b->nwrites);
        decide(rs, f, 0);
    } else if (reply_is(reply, "conflict")) {
        conflict(rs, f);
    } else {
        rc_log(NULL, RC_LOG_ERROR, "store batch refused by Redis: %.200s",
               reply->type == REDIS_REPLY_ERROR && reply->str ? reply->str : "an unexpected reply");
        decide(rs, f, -1);
    }
}

static void send_flight(rc_rstores *rs, rc_rflight *f) {
    const char **argv = rc_xmalloc((size_t)f->argc * sizeof *argv);
    size_t off = 0;
    for (int i = 0; i < f->argc; i++) {
        argv[i] = f->args.data + off;
        off += f->lens[i];
    }
    f->sent =
        rc_redis_eval(rs->cmd, f->script, on_commit, f, f->nkeys, f->argc, argv, f->lens) == 0;
    if (f->sent) f->sends++;
    free(argv);
}

/* Sends every one kept and not sent, in order: the connection is back,
 * or the process became ready. */
static void send_kept(rc_rstores *rs) {
    for (rc_rflight *f = rs->head; f; f = f->next)
        if (!f->sent) send_flight(rs, f);
}

/* ---- the backend ----------------------------------------------------------- */

static bool has_shared(const rc_store_batch *b) {
    for (size_t i = 0; i < b->nwrites; i++)
        if (rc_rstores_shared(b->writes[i].store)) return true;
    return false;
}

static void refuse(rc_rstores *rs, rc_store_batch *b, const char *why) {
    if (!rs->refused_said)
        rc_log(b->layout, RC_LOG_WARN,
               "store writes refused: %s (until Redis is back; the pages keep their values)", why);
    rs->refused_said = true;
    rc_store_batch_finish(b, -1);
}

/* An event's batch past the bound: not refused (it may be a replay of a
 * committed event, and a refused seq must not sit below a later committed
 * one) but dropped with its session, closed by the server (1013): the
 * client keeps the event and sends it again to a new session, where the
 * mark decides it. Its completions hear -1 from the session going away. */
static void too_many(rc_rstores *rs, rc_store_batch *b) {
    if (!rs->full_said)
        rc_log(b->layout, RC_LOG_WARN,
               "stores: %zu batches (%zu bytes) wait for Redis, the bound: sessions with a new "
               "event are closed (1013) and their clients send it again later",
               rs->nflights, rs->flight_bytes);
    rs->full_said = true;
    if (rs->on_full && b->layout) rs->on_full(rs->full_arg, b->layout);
    rc_store_batch_finish(b, -1);
}

static void keep(rc_rstores *rs, rc_rflight *f) {
    f->prev = rs->tail;
    if (rs->tail) rs->tail->next = f;
    else rs->head = f;
    rs->tail = f;
    rs->nflights++;
    rs->flight_bytes += f->args.len;
}

static void rstores_commit(rc_store_backend *base, rc_store_batch *b) {
    rc_rstores *rs = (rc_rstores *)(void *)base;
    if (!has_shared(b)) {
        rc_store_memory.commit(&rc_store_memory, b);
        return;
    }
    if (!rs->ready && !b->session) {
        refuse(rs, b,
               rs->ever_ready ? "Redis is not reachable"
                              : "the stores are not read from Redis yet");
        return;
    }
    rc_rflight *f = rc_rflight_commit(rs, b);
    if (rs->nflights >= RC_RSTORES_MAX_FLIGHTS ||
        rs->flight_bytes + f->args.len > RC_RSTORES_MAX_BYTES) {
        rc_rflight_free(f);
        if (b->session) too_many(rs, b);
        else refuse(rs, b, "too many store batches waiting for Redis");
        return;
    }
    keep(rs, f);
    /* Not ready: it waits for the full read (became_ready), after those
     * kept before it. */
    if (rs->ready) send_flight(rs, f);
}

/* A persisted shared store: Redis keeps it (its own persistence), the
 * file is written one last time and not used again. */
static void rstores_attach(rc_store_backend *base, rc_store *st) {
    rc_rstores *rs = (rc_rstores *)(void *)base;
    if (!rc_rstores_shared(st)) return;
    rs->nshared++;
    if (st->file) {
        rc_log(NULL, RC_LOG_INFO,
               "store \"%s\": shared through Redis, which persists it; its file %s is not used",
               st->name, st->file->path);
        rc_store_file_close(st);
    }
}

/* A store freed with batches in flight: their writes to it are forgotten
 * (a reply naming it finds no store). */
static void rstores_detach(rc_store_backend *base, rc_store *st) {
    rc_rstores *rs = (rc_rstores *)(void *)base;
    if (rc_rstores_shared(st) && rs->nshared) rs->nshared--;
    for (rc_rflight *f = rs->head; f; f = f->next)
        for (size_t i = 0; f->batch && i < f->batch->nwrites; i++)
            if (f->batch->writes[i].store == st) f->batch->writes[i].store = NULL;
    rc_store_file_close(st);
}

/* ---- marks' hooks (store/marks.h) ------------------------------------------ */

static bool in_flight(const char *session) {
    for (rc_rflight *f = active ? active->head : NULL; f; f = f->next)
        if (f->session && strcmp(f->session, session) == 0) return true;
    return false;
}

/* A duplicated tab's mark copy: kept in the same list as the batches, so
 * it goes on the same connection before the events the new tab replays
 * (Redis runs them in order), also when it has to wait for Redis. The new
 * tab's first tree waits for it, as for its batches. */
static void inherit(const char *from, const char *to) {
    rc_rstores *rs = active;
    if (!rs) return;
    rc_rflight *f = rc_rflight_inherit(rs, from, to);
    keep(rs, f);
    if (rs->ready) send_flight(rs, f);
}

/* ---- connections ----------------------------------------------------------- */

/* Not ready any more (a connection dropped). Batches sent stay "sent" until their reply: a NULL one (the command
 * connection dropped) marks them for sending again; the subscriber
 * dropping alone leaves them to their replies. */
static void unready(rc_rstores *rs) {
    bool was = rs->ready;
    rs->ready = false;
    rs->reading = false;
    if (was && rs->on_ready) rs->on_ready(rs->ready_arg, false);
}

/* Both connections are up: what was kept is sent again, in order, then
 * the full read. */
static void resync(rc_rstores *rs) {
    if (!rs->cmd_up || !rs->sub_up || rs->reading) return;
    send_kept(rs);
    rc_rstores_read(rs, NULL, 0);
}

void rc_rstores_cmd_health(rc_rstores *rs, bool up) {
    if (!rs) return;
    rs->cmd_up = up;
    if (up) resync(rs);
    else unready(rs);
}

/* The subscriber went up or down (rc_redis_health_fn). */
static void sub_health(void *owner, bool up, const char *why) {
    (void)why;
    rc_rstores *rs = owner;
    rs->sub_up = up;
    if (up) resync(rs);
    else {
        unready(rs);
        rc_rstores_drop_held(rs, false);
    }
}

rc_rstores *rc_rstores_start(struct ev_loop *loop, rc_redis *cmd, const rc_redis_url *url,
                             const char *prefix, rc_rstores_ready_fn ready, void *arg, char *err,
                             size_t errlen) {
    rc_rstores *rs = rc_xcalloc(1, sizeof *rs);
    rs->base = (rc_store_backend){"redis", rstores_attach, rstores_detach, rstores_commit};
    rs->loop = loop;
    rs->cmd = cmd;
    rs->on_ready = ready;
    rs->ready_arg = arg;
    snprintf(rs->prefix, sizeof rs->prefix, "%s", prefix);
    snprintf(rs->channel, sizeof rs->channel, "%schanges", prefix);
    rc_redis_add_script(cmd, &rc_rstore_commit_script);
    rc_redis_add_script(cmd, &rc_rstore_read_script);
    rc_redis_add_script(cmd, &rc_rstore_inherit_script);
    /* Reconnect attempts at most 0.3 s apart: the processes converge
     * within a second of Redis returning (docs/guide/shared-state.md). */
    rc_redis_options o = {0};
    o.backoff_max_s = 0.25; /* +/- 20 % */
    o.subscribe = rs->channel;
    o.on_message = rc_rstores_on_message;
    rs->sub = rc_redis_start(loop, url, &o, sub_health, rs, err, errlen);
    if (!rs->sub) {
        free(rs);
        return NULL;
    }
    active = rs;
    rs->became_ready = send_kept;
    rc_store_set_shared_marks(in_flight, inherit);
    rc_store_set_backend(&rs->base);
    rs->cmd_up = rc_redis_is_up(cmd);
    return rs;
}

void rc_rstores_set_full(rc_rstores *rs, void (*fn)(void *arg, rc_layout *layout), void *arg) {
    if (!rs) return;
    rs->on_full = fn;
    rs->full_arg = arg;
}

bool rc_rstores_ready(const rc_rstores *rs) { return rs && rs->ready; }

size_t rc_rstores_count(const rc_rstores *rs) { return rs ? rs->nshared : 0; }

void rc_rstores_stop(rc_rstores *rs) {
    if (!rs) return;
    rc_store_set_shared_marks(NULL, NULL);
    rc_store_set_backend(NULL);
    active = NULL;
    rc_redis_stop(rs->sub);
    while (rs->head) {
        rc_rflight *f = rs->head;
        unlink_flight(rs, f);
        rc_store_batch *b = f->batch;
        rc_rflight_free(f);
        if (b) rc_store_batch_finish(b, -1);
    }
    while (rs->held) {
        rc_rheld *h = rs->held;
        rs->held = h->next;
        free(h);
    }
    free(rs);
}
