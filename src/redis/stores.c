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
 * not applied yet) a new batch is refused at once (-1, nothing applied,
 * logged once per outage): pages keep their last values and the app can
 * show it (rc_app.on_redis_health). Batches already in flight when the
 * connection dropped are kept, bounded (RC_RSTORES_MAX_*).
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

#include "redis/stores_impl.h"
#include "redis/stores_script.h"
#include "store/marks.h"
#include "store/persist.h"
#include "util/alloc.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

bool rc_rstores_shared(const rc_store *st) { return !st->local; }

/* ---- the flight list ------------------------------------------------------ */

static rc_rstores *active; /* the one installed (marks' hooks have no user) */

rc_rstores *rc_rstores_active(void) { return active; }

static void unlink_flight(rc_rstores *rs, rc_rflight *f) {
    if (f->prev) f->prev->next = f->next;
    else rs->head = f->next;
    if (f->next) f->next->prev = f->prev;
    else rs->tail = f->prev;
    rs->nflights--;
    rs->flight_bytes -= f->args.len;
}

static void free_flight(rc_rflight *f) {
    rc_buf_free(&f->args);
    free(f->lens);
    free(f);
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

/* A batch is decided: its completions run, and a session's held token
 * and render go out (rc_store_saved reaches the server). */
static void decide(rc_rstores *rs, rc_rflight *f, int status) {
    unlink_flight(rs, f);
    rc_store_batch *b = f->batch;
    bool session = b->session != NULL;
    free_flight(f);
    rc_store_batch_finish(b, status);
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

static void on_commit(void *user, const redisReply *reply) {
    rc_rflight *f = user;
    rc_rstores *rs = active;
    if (!rs) return; /* stopped: rc_rstores_stop decided it */
    if (!reply) {    /* outcome unknown: kept, sent again after the reconnect */
        f->sent = false;
        return;
    }
    rc_store_batch *b = f->batch;
    if (reply_is(reply, "ok") && reply->elements == 2 &&
        reply->element[1]->type == REDIS_REPLY_STRING) {
        rc_rstores_apply_change(rs, reply->element[1]->str, reply->element[1]->len);
        apply_local(b);
        decide(rs, f, 0);
    } else if (reply_is(reply, "replayed") && f->confirmed) {
        /* Committed by its copy sent on the blocking connection (stores_wait.c),
         * whose change is applied already. */
        apply_local(b);
        decide(rs, f, 0);
    } else if (reply_is(reply, "replayed")) {
        /* Worded as the in-memory backend's (an event's replay), or a batch
         * of ours sent again after a lost reply. */
        if (b->session)
            rc_log(NULL, RC_LOG_INFO,
                   "store writes of a replayed event skipped (seq %" PRIu64 ", already committed)",
                   b->seq);
        else rc_log(NULL, RC_LOG_INFO, "store writes of a batch sent again skipped (committed)");
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
    f->sent = rc_redis_eval(rs->cmd, &rc_rstore_commit_script, on_commit, f, f->nkeys, f->argc,
                            argv, f->lens) == 0;
    free(argv);
}

/* ---- building a batch's arguments ---------------------------------------- */

static void arg(rc_rflight *f, size_t *cap, const void *p, size_t n) {
    if ((size_t)f->argc == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        f->lens = rc_xrealloc(f->lens, *cap * sizeof *f->lens);
    }
    rc_buf_append(&f->args, p, n);
    f->lens[f->argc++] = n;
}

static void arg_str(rc_rflight *f, size_t *cap, const char *s) { arg(f, cap, s, strlen(s)); }

static void arg_u64(rc_rflight *f, size_t *cap, uint64_t v) {
    char num[24];
    arg(f, cap, num, (size_t)snprintf(num, sizeof num, "%" PRIu64, v));
}

/* The hash key index (1-based, after the mark key) of st among the keys
 * written so far; adds it if new. */
static int key_index(rc_rstores *rs, rc_rflight *f, size_t *cap, rc_store **keys, int *nkeys,
                     rc_store *st) {
    for (int i = 0; i < *nkeys; i++)
        if (keys[i] == st) return i + 2;
    keys[(*nkeys)++] = st;
    rc_buf k;
    rc_buf_init(&k);
    rc_buf_append(&k, rs->prefix, strlen(rs->prefix));
    rc_buf_append(&k, "s:", 2);
    rc_buf_append(&k, st->name, strlen(st->name));
    arg(f, cap, k.data, k.len);
    rc_buf_free(&k);
    return *nkeys + 1;
}

/* KEYS first (mark, stores), then ARGV (seq, ttl, channel, writes): the
 * keys go into a first pass, the writes into a buffer appended after. */
static rc_rflight *build(rc_rstores *rs, rc_store_batch *b) {
    rc_rflight *f = rc_xcalloc(1, sizeof *f);
    f->batch = b;
    rc_buf_init(&f->args);
    size_t cap = 0;
    char mark[400];
    uint64_t seq = b->seq;
    if (b->session) {
        snprintf(mark, sizeof mark, "%smark:%s", rs->prefix, b->session);
    } else {
        snprintf(mark, sizeof mark, "%sonce:%s", rs->prefix, rc_rstore_nonce());
        seq = rc_rstore_next_batch_number();
    }
    arg_str(f, &cap, mark);
    rc_store **keys = rc_xmalloc((b->nwrites + 1) * sizeof *keys);
    int nkeys = 0;
    int *index = rc_xmalloc((b->nwrites + 1) * sizeof *index);
    for (size_t i = 0; i < b->nwrites; i++) {
        rc_store_write *w = &b->writes[i];
        index[i] = rc_rstores_shared(w->store) ? key_index(rs, f, &cap, keys, &nkeys, w->store) : 0;
    }
    f->nkeys = nkeys + 1;
    arg_u64(f, &cap, seq);
    arg_u64(f, &cap, b->session ? rc_store_marks_ttl() : 3600);
    arg_str(f, &cap, rs->channel);
    rc_buf tmp;
    rc_buf_init(&tmp);
    for (size_t i = 0; i < b->nwrites; i++) {
        rc_store_write *w = &b->writes[i];
        if (!index[i]) continue;
        arg_u64(f, &cap, (uint64_t)index[i]);
        const char *mode = w->remove                 ? "r"
                           : w->mode == RC_WRITE_CAS ? "c"
                           : w->mode == RC_WRITE_ADD ? "a"
                                                     : "s";
        arg_str(f, &cap, mode);
        rc_buf_reset(&tmp);
        rc_rstore_field(&tmp, w->key);
        arg(f, &cap, tmp.data, tmp.len);
        arg_u64(f, &cap, w->base_version);
        rc_buf_reset(&tmp);
        if (w->mode == RC_WRITE_ADD && !w->remove) {
            char num[24];
            rc_buf_append(&tmp, num, (size_t)snprintf(num, sizeof num, "%" PRId64, w->delta));
        } else if (!w->remove) {
            rc_rstore_encode(&tmp, &w->value);
        }
        arg(f, &cap, tmp.data, tmp.len);
    }
    rc_buf_free(&tmp);
    free(keys);
    free(index);
    return f;
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

static void rstores_commit(rc_store_backend *base, rc_store_batch *b) {
    rc_rstores *rs = (rc_rstores *)(void *)base;
    if (!has_shared(b)) {
        rc_store_memory.commit(&rc_store_memory, b);
        return;
    }
    if (!rs->ready) {
        refuse(rs, b,
               rs->ever_ready ? "Redis is not reachable"
                              : "the stores are not read from Redis yet");
        return;
    }
    rc_rflight *f = build(rs, b);
    if (rs->nflights >= RC_RSTORES_MAX_FLIGHTS ||
        rs->flight_bytes + f->args.len > RC_RSTORES_MAX_BYTES) {
        free_flight(f);
        refuse(rs, b, "too many store batches waiting for Redis");
        return;
    }
    f->prev = rs->tail;
    if (rs->tail) rs->tail->next = f;
    else rs->head = f;
    rs->tail = f;
    rs->nflights++;
    rs->flight_bytes += f->args.len;
    send_flight(rs, f);
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
        for (size_t i = 0; i < f->batch->nwrites; i++)
            if (f->batch->writes[i].store == st) f->batch->writes[i].store = NULL;
    rc_store_file_close(st);
}

/* ---- marks' hooks (store/marks.h) ------------------------------------------ */

static bool in_flight(const char *session) {
    for (rc_rflight *f = active ? active->head : NULL; f; f = f->next)
        if (f->batch->session && strcmp(f->batch->session, session) == 0) return true;
    return false;
}

static rc_redis_script inherit_script = {
    "local m = redis.call('GET', KEYS[1])\n"
    "if not m then return 0 end\n"
    "local t = redis.call('GET', KEYS[2])\n"
    "if not t or tonumber(t) < tonumber(m) then redis.call('SET', KEYS[2], m, 'EX', ARGV[1]) end\n"
    "return 1\n",
    ""};

static void on_inherited(void *user, const redisReply *reply) {
    (void)user;
    if (reply && reply->type == REDIS_REPLY_ERROR)
        rc_log(NULL, RC_LOG_ERROR, "store marks: inherit failed: %.200s", reply->str);
}

/* Sent before the events the new tab replays (same connection, so Redis
 * runs it first). Not up: the duplicated tab's replays are not covered. */
static void inherit(const char *from, const char *to) {
    if (!active) return;
    char k1[400], k2[400], ttl[24];
    snprintf(k1, sizeof k1, "%smark:%s", active->prefix, from);
    snprintf(k2, sizeof k2, "%smark:%s", active->prefix, to);
    snprintf(ttl, sizeof ttl, "%" PRIu32, rc_store_marks_ttl());
    const char *argv[3] = {k1, k2, ttl};
    if (rc_redis_eval(active->cmd, &inherit_script, on_inherited, NULL, 2, 3, argv, NULL) < 0)
        rc_log(NULL, RC_LOG_WARN, "store marks: Redis down, a duplicated tab's marks not copied");
}

/* ---- connections ----------------------------------------------------------- */

/* Batches sent stay "sent" until their reply: a NULL one (the command
 * connection dropped) marks them for sending again; the subscriber
 * dropping alone leaves them to their replies. */
void rc_rstores_unready(rc_rstores *rs, const char *why) {
    (void)why;
    bool was = rs->ready;
    rs->ready = false;
    rs->reading = false;
    if (was && rs->on_ready) rs->on_ready(rs->ready_arg, false);
}

void rc_rstores_resync(rc_rstores *rs) {
    if (!rs->cmd_up || !rs->sub_up || rs->reading) return;
    for (rc_rflight *f = rs->head; f; f = f->next)
        if (!f->sent) send_flight(rs, f);
    rc_rstores_read(rs, NULL, 0);
}

void rc_rstores_cmd_health(rc_rstores *rs, bool up) {
    if (!rs) return;
    rs->cmd_up = up;
    if (up) rc_rstores_resync(rs);
    else rc_rstores_unready(rs, "command connection down");
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
    rc_redis_add_script(cmd, &inherit_script);
    /* Reconnect attempts at most 0.3 s apart: the processes converge
     * within a second of Redis returning (docs/guide/shared-state.md). */
    rc_redis_options o = {0};
    o.backoff_max_s = 0.25; /* +/- 20 % */
    o.subscribe = rs->channel;
    o.on_message = rc_rstores_on_message;
    rs->sub = rc_redis_start(loop, url, &o, rc_rstores_sub_health, rs, err, errlen);
    if (!rs->sub) {
        free(rs);
        return NULL;
    }
    active = rs;
    rc_store_set_shared_marks(in_flight, inherit, rc_rstores_confirm_now);
    rs->url = *url;
    rs->url.password = url->password ? rc_xstrdup(url->password) : NULL;
    rc_store_set_backend(&rs->base);
    rs->cmd_up = rc_redis_is_up(cmd);
    return rs;
}

bool rc_rstores_ready(const rc_rstores *rs) { return rs && rs->ready; }

size_t rc_rstores_count(const rc_rstores *rs) { return rs ? rs->nshared : 0; }

void rc_rstores_stop(rc_rstores *rs) {
    if (!rs) return;
    rc_store_set_shared_marks(NULL, NULL, NULL);
    rc_rstores_sync_close(rs);
    rc_redis_url_free(&rs->url);
    rc_store_set_backend(NULL);
    active = NULL;
    rc_redis_stop(rs->sub);
    while (rs->head) {
        rc_rflight *f = rs->head;
        unlink_flight(rs, f);
        rc_store_batch *b = f->batch;
        free_flight(f);
        rc_store_batch_finish(b, -1);
    }
    while (rs->held) {
        rc_rheld *h = rs->held;
        rs->held = h->next;
        free(h);
    }
    free(rs);
}
