/*
 * Keys: their form in the tree (rc_key: hashed once), integer keys' digits,
 * and the duplicate check of a sibling list, skipped for a list whose keys
 * are ascending integers.
 */
#include <stdatomic.h>
#include <string.h>

#include "core/internal.h"

/* The decimal digits of v, at the end of buf; their start. An integer
 * key is its decimal string's key (rc_child_int). */
const char *rc_key_digits(char buf[24], int64_t v, size_t *len) {
    return rc_decimal(buf, v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, len);
}

/* A key joins the list being built (the open element's children, or the
 * output's top): is_int and v say whether it is an integer key and which. */
void rc_key_note(rc_ctx *ctx, bool is_int, int64_t v) {
    rc_frame *f = rc_ctx_top_frame(ctx);
    rc_key_order *o = f ? &f->kid_keys : &ctx->top_keys;
    if (is_int && (o->state == RC_KEYS_NONE || (o->state == RC_KEYS_ASCENDING && v > o->last))) {
        o->state = RC_KEYS_ASCENDING;
        o->last = v;
    } else {
        o->state = RC_KEYS_CHECK;
    }
}

/* The hashes of small integer keys' digits, computed once per process: a
 * list keyed 0..n-1 re-hashed the same digits on every render. Filled
 * lazily with relaxed atomics (layouts may run on several threads); 0
 * means not yet, and a hash that is 0 is simply not kept. */
#define INT_HASHES 4096 /* 32 KiB of bss; touched only as far as keys go */
static _Atomic uint64_t int_hashes[INT_HASHES];

uint64_t rc_key_hash(const char *key, size_t len, bool is_int, int64_t v) {
    if (!is_int || v < 0 || v >= INT_HASHES) return rc_hash_bytes(RC_HASH_SEED, key, len);
    uint64_t h = atomic_load_explicit(&int_hashes[v], memory_order_relaxed);
    if (!h) {
        h = rc_hash_bytes(RC_HASH_SEED, key, len);
        atomic_store_explicit(&int_hashes[v], h, memory_order_relaxed);
    }
    return h;
}

const rc_key *rc_key_fill_hashed(rc_key *k, const char *key, size_t len, uint64_t hash) {
    k->hash = hash;
    k->len = (uint32_t)len;
    memcpy(k->s, key, len); /* key may be digits in a buffer, not a C string */
    k->s[len] = '\0';
    return k;
}

const rc_key *rc_key_new(rc_arena *a, const char *key, size_t len, uint64_t hash) {
    rc_key *k = rc_arena_alloc_align(a, sizeof(rc_key) + len + 1, _Alignof(rc_key));
    return rc_key_fill_hashed(k, key, len, hash);
}

/* Duplicate keys among siblings are a developer error: reconciliation
 * could not tell the children apart. Small lists compare pairwise; big ones
 * use the layout's scratch hash set: O(n), no allocation once warm. Its
 * slots are 8 bytes (the hash's high half, the index + 1) and it is cleared
 * on every use: a memset of 16 KiB for 1,000 keys costs less than the cache
 * misses of probing a table left cold since the session's previous render
 * (100 sessions' tables do not stay in the cache). */
static const char *find_duplicate_key(rc_layout *l, rc_node **kids, uint32_t n) {
    uint32_t keyed = 0;
    for (uint32_t i = 0; i < n; i++) keyed += rc_node_keyof(kids[i]) != NULL;
    if (keyed < 2) return NULL;
    if (keyed <= 12) {
        for (uint32_t i = 0; i < n; i++) {
            const rc_key *a = rc_node_keyof(kids[i]);
            if (!a) continue;
            for (uint32_t j = i + 1; j < n; j++) {
                const rc_key *b = rc_node_keyof(kids[j]);
                if (b && rc_key_equal(a, b)) return a->s;
            }
        }
        return NULL;
    }
    size_t cap = 16;
    while (cap < (size_t)keyed * 2) cap *= 2;
    if (cap > l->keyset_cap) {
        free(l->keyset);
        l->keyset = rc_xmalloc(cap * sizeof *l->keyset);
        l->keyset_cap = cap;
    }
    memset(l->keyset, 0, cap * sizeof *l->keyset);
    size_t mask = cap - 1;
    for (uint32_t i = 0; i < n; i++) {
        const rc_key *k = rc_node_keyof(kids[i]);
        if (!k) continue;
        uint64_t h = k->hash;
        uint64_t tag = h & 0xffffffff00000000ull;
        for (size_t s = (size_t)h & mask;; s = (s + 1) & mask) {
            uint64_t e = l->keyset[s];
            if (!e) {
                l->keyset[s] = tag | ((uint64_t)i + 1);
                break;
            }
            const rc_key *other = rc_node_keyof(kids[(uint32_t)e - 1]);
            if ((e & 0xffffffff00000000ull) == tag && rc_key_equal(other, k)) return k->s;
        }
    }
    return NULL;
}

/* Fails the render if two of the kids from base on share a key; the list's
 * key order says whether it can. */
void rc_keys_check(rc_ctx *ctx, uint32_t base, rc_key_order order) {
    if (order.state != RC_KEYS_CHECK) return;
    rc_layout *l = ctx->layout;
    const char *dup = find_duplicate_key(l, &l->kids[base], l->nkids - base);
    if (dup) rc_fail(ctx, "duplicate key \"%s\" among siblings", dup);
}
