/*
 * What the Redis backend sends (stores_build.h): a batch's or a mark
 * copy's EVALSHA arguments, built once and kept with it, so a send after a
 * lost reply or an outage is the same command with the same identity.
 */
#include "redis/stores_build.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redis/stores_script.h"
#include "store/marks.h"
#include "util/alloc.h"

void rc_rflight_free(rc_rflight *f) {
    free(f->session);
    rc_buf_free(&f->args);
    free(f->lens);
    free(f);
}

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

/* The hash key index (1-based, after the mark and refused-set keys) of st
 * among the keys written so far; adds it if new. */
static int key_index(rc_rstores *rs, rc_rflight *f, size_t *cap, rc_store **keys, int *nkeys,
                     rc_store *st) {
    for (int i = 0; i < *nkeys; i++)
        if (keys[i] == st) return i + 3;
    keys[(*nkeys)++] = st;
    rc_buf k;
    rc_buf_init(&k);
    rc_buf_append(&k, rs->prefix, strlen(rs->prefix));
    rc_buf_append(&k, "s:", 2);
    rc_buf_append(&k, st->name, strlen(st->name));
    arg(f, cap, k.data, k.len);
    rc_buf_free(&k);
    return *nkeys + 2;
}

/* KEYS first (mark, refused set, stores), then ARGV (seq, ttl, channel,
 * whether refusals are recorded, writes): the keys go into a first pass,
 * the writes into a buffer appended after. */
rc_rflight *rc_rflight_commit(rc_rstores *rs, rc_store_batch *b) {
    rc_rflight *f = rc_xcalloc(1, sizeof *f);
    f->batch = b;
    f->script = &rc_rstore_commit_script;
    f->session = b->session ? rc_xstrdup(b->session) : NULL;
    rc_buf_init(&f->args);
    size_t cap = 0;
    char mark[400], refused[400];
    uint64_t seq = b->seq;
    if (b->session) {
        snprintf(mark, sizeof mark, "%smark:%s", rs->prefix, b->session);
        snprintf(refused, sizeof refused, "%srefused:%s", rs->prefix, b->session);
    } else {
        snprintf(mark, sizeof mark, "%sonce:%s", rs->prefix, rc_rstore_nonce());
        snprintf(refused, sizeof refused, "%sonce:%s:refused", rs->prefix, rc_rstore_nonce());
        seq = rc_rstore_next_batch_number();
    }
    arg_str(f, &cap, mark);
    arg_str(f, &cap, refused);
    rc_store **keys = rc_xmalloc((b->nwrites + 1) * sizeof *keys);
    int nkeys = 0;
    int *index = rc_xmalloc((b->nwrites + 1) * sizeof *index);
    for (size_t i = 0; i < b->nwrites; i++) {
        rc_store_write *w = &b->writes[i];
        index[i] = rc_rstores_shared(w->store) ? key_index(rs, f, &cap, keys, &nkeys, w->store) : 0;
    }
    f->nkeys = nkeys + 2;
    arg_u64(f, &cap, seq);
    arg_u64(f, &cap, b->session ? rc_store_marks_ttl() : 3600);
    arg_str(f, &cap, rs->channel);
    arg_str(f, &cap, b->session ? "1" : "0");
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

rc_rflight *rc_rflight_inherit(rc_rstores *rs, const char *from, const char *to) {
    rc_rflight *f = rc_xcalloc(1, sizeof *f);
    f->script = &rc_rstore_inherit_script;
    f->session = rc_xstrdup(to);
    rc_buf_init(&f->args);
    size_t cap = 0;
    char key[400];
    const char *kinds[4][2] = {{"mark", from}, {"mark", to}, {"refused", from}, {"refused", to}};
    for (int i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "%s%s:%s", rs->prefix, kinds[i][0], kinds[i][1]);
        arg_str(f, &cap, key);
    }
    arg_u64(f, &cap, rc_store_marks_ttl());
    f->nkeys = 4;
    return f;
}
