/*
 * Keys: their form in the tree (rc_key: hashed once), integer keys' digits,
 * and the duplicate check of a sibling list, skipped for a list whose keys
 * are ascending integers.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/keys.h"

/* The decimal digits of v, at the end of buf; their start. An integer
 * key is its decimal string's key (rc_child_int). */
static const char *key_digits(char buf[24], int64_t v, size_t *len) {
    return rc_decimal(buf, v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, len);
}

/* Small integer keys are shared: one rc_key per value, made once per
 * process and never freed, which every list keyed by 0..n-1 (RC_KEY_INT,
 * RC_CHILD_INT) points at instead of formatting, hashing and copying the
 * digits into each render's arena. A list's re-render then makes no key
 * at all (a fifth of a 1,000-item list's build was its keys), a keyed node
 * is a pointer smaller, and the diff compares two keys by address.
 * Made in blocks of 64 on first use (a block: 1.5 KiB), published with one
 * compare-and-swap, so layouts on several threads need no lock; the table
 * of block pointers is 2 KiB of bss, touched only as far as keys go.
 * Values from RC_INT_KEYS on are made per node as before (rc_key_int_new). */
_Static_assert(offsetof(rc_key, s) + 6 <= RC_INT_KEY_SIZE, "an integer key fits its slot");
_Atomic(unsigned char *) rc_int_key_blocks[RC_INT_KEYS / RC_INT_KEY_BLOCK];

unsigned char *rc_int_key_block_make(size_t b) {
    unsigned char *blk = rc_xmalloc(RC_INT_KEY_BLOCK * RC_INT_KEY_SIZE);
    for (size_t i = 0; i < RC_INT_KEY_BLOCK; i++) {
        char digits[24];
        size_t len;
        const char *s = key_digits(digits, (int64_t)(b * RC_INT_KEY_BLOCK + i), &len);
        rc_key_fill((rc_key *)(void *)(blk + i * RC_INT_KEY_SIZE), s, len);
    }
    unsigned char *expected = NULL;
    if (atomic_compare_exchange_strong_explicit(&rc_int_key_blocks[b], &expected, blk,
                                                memory_order_acq_rel, memory_order_acquire))
        return blk;
    free(blk); /* another thread made it first: same contents */
    return expected;
}

const rc_key *rc_key_fill(rc_key *k, const char *key, size_t len) {
    k->hash = rc_hash_bytes(RC_HASH_SEED, key, len);
    k->len = (uint32_t)len;
    memcpy(k->s, key, len); /* key may be digits in a buffer, not a C string */
    k->s[len] = '\0';
    return k;
}

const rc_key *rc_key_new(rc_arena *a, const char *key, size_t len) {
    rc_key *k = rc_arena_alloc_align(a, sizeof(rc_key) + len + 1, _Alignof(rc_key));
    return rc_key_fill(k, key, len);
}

const rc_key *rc_key_int_new(rc_arena *a, int64_t v) {
    char digits[24];
    size_t len;
    const char *d = key_digits(digits, v, &len);
    return rc_key_new(a, d, len);
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
