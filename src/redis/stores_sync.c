/*
 * The Redis store backend's view of other processes' writes (stores.h):
 * the subscriber's changes and the full read.
 *
 * Order of a (re)start: subscribe first, then read every shared store in
 * full, so no change can fall between the read and the subscription.
 * Messages arriving while the read is in flight are held and applied
 * after it (by version: those the read already holds are no-ops), since
 * they may be newer than what the read returns and would otherwise be
 * overwritten by it. The read is the truth: it replaces the local copy
 * (items missing from Redis removed, versions taken as Redis has them,
 * readers marked dirty only where a value changed); only then is the
 * process ready. A store Redis does not have (a first start, or a Redis
 * that came back empty) is seeded in the same script with this process's
 * current value, only if still absent: the first process seeds, the
 * others read its seed, and versions continue from the seed's.
 *
 * A change applies per value or item only if its version is newer than
 * the local one: this process's own changes arrive twice (the commit's
 * reply, then the message) and the second is a no-op; a removal is
 * remembered (store.h, tombs) so an older set arriving after it on the
 * other connection does not bring the item back.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "redis/stores_sync.h"

#include "redis/stores_script.h"
#include "util/alloc.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

rc_store *rc_rstores_find(const rc_rstores *rs, const char *hash, size_t len) {
    size_t plen = strlen(rs->prefix);
    if (len < plen + 2 || memcmp(hash, rs->prefix, plen) != 0 || memcmp(hash + plen, "s:", 2) != 0)
        return NULL;
    const char *name = hash + plen + 2;
    size_t nlen = len - plen - 2;
    for (rc_store *st = rc_store_first(); st; st = st->next)
        if (rc_rstores_shared(st) && strlen(st->name) == nlen && memcmp(st->name, name, nlen) == 0)
            return st;
    return NULL;
}

/* One field's value: "v" or "i:<key>" at version (json NULL: removed). */
static void apply_field(rc_store *st, const char *field, size_t flen, uint64_t version,
                        uint64_t order, const char *json, size_t jlen, bool force) {
    rc_value v = {0};
    char err[120];
    if (json && rc_rstore_decode(st, json, jlen, &v, err, sizeof err) < 0) {
        rc_log(NULL, RC_LOG_ERROR, "store \"%s\": a value from Redis was ignored: %s", st->name,
               err);
        return;
    }
    if (flen == 1 && field[0] == 'v' && !st->collection) {
        if (json) rc_store_apply_value_at(st, &v, version, force);
    } else if (flen >= 2 && memcmp(field, "i:", 2) == 0 && st->collection) {
        char *key = rc_xstrndup(field + 2, flen - 2);
        rc_store_apply_item_at(st, key, json ? &v : NULL, version, order, force);
        free(key);
    }
    rc_value_free(&v);
}

void rc_rstores_apply_change(rc_rstores *rs, const char *msg, size_t len) {
    const char *p = msg, *end = msg + len;
    rc_rstore_change c;
    int rc;
    while ((rc = rc_rstore_next_change(&p, end, &c)) == 1) {
        rc_store *st = rc_rstores_find(rs, c.hash, c.hash_len);
        if (st)
            apply_field(st, c.field, c.field_len, c.version, c.order, c.removed ? NULL : c.json,
                        c.json_len, false);
    }
    if (rc < 0) rc_log(NULL, RC_LOG_ERROR, "stores: a malformed change from Redis was ignored");
}

void rc_rstores_on_message(void *owner, const char *msg, size_t len) {
    rc_rstores *rs = owner;
    if (!rs->reading) {
        rc_rstores_apply_change(rs, msg, len);
        return;
    }
    rc_rheld *h = rc_xmalloc(sizeof *h + len);
    h->next = NULL;
    h->len = len;
    memcpy(h->msg, msg, len);
    if (rs->held_tail) rs->held_tail->next = h;
    else rs->held = h;
    rs->held_tail = h;
}

void rc_rstores_drop_held(rc_rstores *rs, bool apply) {
    while (rs->held) {
        rc_rheld *h = rs->held;
        rs->held = h->next;
        if (apply) rc_rstores_apply_change(rs, h->msg, h->len);
        free(h);
    }
    rs->held_tail = NULL;
}

/* ---- the full read ----------------------------------------------------------- */

/* An item of a read: its key, record, order, for sorting. */
typedef struct read_item {
    const redisReply *field, *rec;
    uint64_t order;
} read_item;

static int by_order(const void *a, const void *b) {
    const read_item *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* One store's HGETALL, as the truth. */
static void apply_read(rc_store *st, const redisReply *all) {
    size_t n = all->type == REDIS_REPLY_ARRAY ? all->elements / 2 : 0;
    read_item *items = rc_xcalloc(n + 1, sizeof *items);
    size_t nitems = 0;
    for (size_t i = 0; i < n; i++) {
        const redisReply *f = all->element[2 * i], *r = all->element[2 * i + 1];
        if (f->type != REDIS_REPLY_STRING || r->type != REDIS_REPLY_STRING) continue;
        uint64_t ver, order;
        const char *json;
        size_t jlen;
        if (f->len == 1 && f->str[0] == '#') continue;
        if (rc_rstore_parse_record(r->str, r->len, &ver, &order, &json, &jlen) < 0) continue;
        if (!st->collection) apply_field(st, f->str, f->len, ver, order, json, jlen, true);
        else if (f->len >= 2 && memcmp(f->str, "i:", 2) == 0)
            items[nitems++] = (read_item){f, r, order};
    }
    if (st->collection) {
        rc_store_clear_tombs(st);
        /* Local items Redis does not hold go first (their readers
         * re-render); those it holds are found by key, O(1) each. */
        rc_map seen;
        rc_map_init(&seen);
        for (size_t j = 0; j < nitems; j++) {
            char *key = rc_xstrndup(items[j].field->str + 2, items[j].field->len - 2);
            rc_store_item *it = rc_store_find_item(st, key);
            if (it) rc_map_put(&seen, (uint64_t)(uintptr_t)it, it);
            free(key);
        }
        for (size_t i = st->nitems; i-- > 0;) {
            rc_store_item *it = st->items[i];
            if (!rc_map_get(&seen, (uint64_t)(uintptr_t)it))
                rc_store_apply_item_at(st, it->key, NULL, it->version + 1, 0, true);
        }
        rc_map_free(&seen);
        rc_store_clear_tombs(st);
        qsort(items, nitems, sizeof *items, by_order);
        for (size_t j = 0; j < nitems; j++) {
            uint64_t ver, order;
            const char *json;
            size_t jlen;
            rc_rstore_parse_record(items[j].rec->str, items[j].rec->len, &ver, &order, &json,
                                   &jlen);
            apply_field(st, items[j].field->str, items[j].field->len, ver, order, json, jlen, true);
        }
        rc_store_sort_items(st);
    }
    free(items);
}

typedef struct read_req {
    rc_rstores *rs;
    uint64_t gen;
    bool full;
    size_t n;
    char **names; /* the stores read, by name (one may be freed meanwhile) */
} read_req;

static uint64_t read_gen;

static void free_req(read_req *q) {
    for (size_t i = 0; i < q->n; i++) free(q->names[i]);
    free(q->names);
    free(q);
}

static void on_read(void *user, const redisReply *reply) {
    read_req *q = user;
    rc_rstores *rs = q->rs;
    if (q->gen != read_gen || !rs->reading || !reply) { /* superseded, or the connection dropped */
        free_req(q);
        return;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != q->n) {
        rc_log(NULL, RC_LOG_ERROR, "stores: the full read failed: %.200s",
               reply->type == REDIS_REPLY_ERROR && reply->str ? reply->str : "unexpected reply");
        rs->reading = false;
        rc_rstores_drop_held(rs, true);
        free_req(q);
        return;
    }
    for (size_t i = 0; i < q->n; i++)
        for (rc_store *st = rc_store_first(); st; st = st->next)
            if (rc_rstores_shared(st) && strcmp(st->name, q->names[i]) == 0)
                apply_read(st, reply->element[i]);
    rs->reading = false;
    rc_rstores_drop_held(rs, true);
    if (q->full && !rs->ready) {
        rs->ready = true;
        rs->ever_ready = true;
        rs->refused_said = false;
        rc_log(NULL, RC_LOG_INFO, "stores: %zu shared through Redis, read in full: ready", q->n);
        /* The batches that waited for it go first (stores.c), so they
         * are at Redis before any batch taken from now on. */
        if (rs->became_ready) rs->became_ready(rs);
        if (rs->on_ready) rs->on_ready(rs->ready_arg, true);
    }
    free_req(q);
}

/* The seed of a store Redis lacks: its counter and (field, record) pairs,
 * versions continuing from this process's. */
static void seed_args(rc_store *st, rc_buf *args, size_t **lens, size_t *argc, size_t *cap);

static void push(rc_buf *args, size_t **lens, size_t *argc, size_t *cap, const void *p, size_t n) {
    if (*argc == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *lens = rc_xrealloc(*lens, *cap * sizeof **lens);
    }
    rc_buf_append(args, p, n);
    (*lens)[(*argc)++] = n;
}

static void push_u64(rc_buf *args, size_t **lens, size_t *argc, size_t *cap, uint64_t v) {
    char num[24];
    push(args, lens, argc, cap, num, (size_t)snprintf(num, sizeof num, "%" PRIu64, v));
}

static void seed_args(rc_store *st, rc_buf *args, size_t **lens, size_t *argc, size_t *cap) {
    uint64_t counter = st->version > st->nitems ? st->version : st->nitems;
    for (size_t i = 0; i < st->nitems; i++)
        if (st->items[i]->version > counter) counter = st->items[i]->version;
    push_u64(args, lens, argc, cap, counter);
    push_u64(args, lens, argc, cap, st->collection ? st->nitems : 1);
    rc_buf tmp;
    rc_buf_init(&tmp);
    for (size_t i = 0; i < (st->collection ? st->nitems : 1); i++) {
        const rc_store_item *it = st->collection ? st->items[i] : NULL;
        rc_buf_reset(&tmp);
        rc_rstore_field(&tmp, it ? it->key : NULL);
        push(args, lens, argc, cap, tmp.data, tmp.len);
        rc_buf_reset(&tmp);
        rc_rstore_record(&tmp, it ? it->version : st->version, it ? i + 1 : 0,
                         it ? &it->value : &st->value);
        push(args, lens, argc, cap, tmp.data, tmp.len);
    }
    rc_buf_free(&tmp);
}

void rc_rstores_read(rc_rstores *rs, rc_store *const *only, size_t n) {
    read_req *q = rc_xcalloc(1, sizeof *q);
    q->rs = rs;
    q->gen = ++read_gen;
    q->full = only == NULL;
    size_t count = 0;
    for (rc_store *st = rc_store_first(); st; st = st->next)
        if (rc_rstores_shared(st)) count++;
    q->names = rc_xcalloc(count + n + 1, sizeof *q->names);
    rc_buf keys, args;
    rc_buf_init(&keys);
    rc_buf_init(&args);
    size_t *klens = NULL, *alens = NULL, nk = 0, na = 0, kcap = 0, acap = 0;
    for (rc_store *st = only ? NULL : rc_store_first(); st; st = st->next)
        if (rc_rstores_shared(st)) q->names[q->n++] = rc_xstrdup(st->name);
    for (size_t i = 0; only && i < n; i++) q->names[q->n++] = rc_xstrdup(only[i]->name);
    for (size_t i = 0; i < q->n; i++) {
        rc_store *st = only ? only[i] : NULL;
        for (rc_store *s2 = rc_store_first(); !st && s2; s2 = s2->next)
            if (strcmp(s2->name, q->names[i]) == 0) st = s2;
        rc_buf k;
        rc_buf_init(&k);
        rc_buf_append(&k, rs->prefix, strlen(rs->prefix));
        rc_buf_append(&k, "s:", 2);
        rc_buf_append(&k, st->name, strlen(st->name));
        push(&keys, &klens, &nk, &kcap, k.data, k.len);
        rc_buf_free(&k);
        if (only) { /* a refresh: never seeds */
            push(&args, &alens, &na, &acap, "", 0);
            push(&args, &alens, &na, &acap, "0", 1);
        } else {
            seed_args(st, &args, &alens, &na, &acap);
        }
    }
    /* KEYS then ARGV, as one argv. */
    size_t total = nk + na;
    const char **argv = rc_xmalloc((total + 1) * sizeof *argv);
    size_t *lens = rc_xmalloc((total + 1) * sizeof *lens);
    size_t off = 0;
    for (size_t i = 0; i < nk; i++, off += klens[i - 1]) {
        argv[i] = keys.data + off;
        lens[i] = klens[i];
    }
    off = 0;
    for (size_t i = 0; i < na; i++, off += alens[i - 1]) {
        argv[nk + i] = args.data + off;
        lens[nk + i] = alens[i];
    }
    rs->reading = true;
    if (rc_redis_eval(rs->cmd, &rc_rstore_read_script, on_read, q, (int)nk, (int)total, argv,
                      lens) < 0) {
        rs->reading = false; /* down: the reconnect reads again */
        free_req(q);
    }
    free(argv);
    free(lens);
    free(klens);
    free(alens);
    rc_buf_free(&keys);
    rc_buf_free(&args);
}
