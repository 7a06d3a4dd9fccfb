/*
 * Keys as the builder makes them (keys.c): integer keys' digits and shared
 * keys, hashing, and the note each key leaves in its sibling list for the
 * duplicate check. Only the builder and keys.c include this.
 */
#ifndef RC_CORE_KEYS_H
#define RC_CORE_KEYS_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"

/* The key of len bytes at key (hashed here), written at k; the same, in
 * the arena. */
const rc_key *rc_key_fill(rc_key *k, const char *key, size_t len);
const rc_key *rc_key_new(rc_arena *a, const char *key, size_t len);
/* The digits' key of an integer outside the shared range, in the arena
 * (rc_key_of_int below). */
const rc_key *rc_key_int_new(rc_arena *a, int64_t v);
/* Fails the render if two of the kids from base on share a key (skipped
 * when order says none can). */
void rc_keys_check(rc_ctx *ctx, uint32_t base, rc_key_order order);

/* Shared integer keys (keys.c): blocks of RC_INT_KEY_BLOCK keys of
 * RC_INT_KEY_SIZE bytes each, made on first use, never freed. */
#define RC_INT_KEYS      16384
#define RC_INT_KEY_BLOCK 64
#define RC_INT_KEY_SIZE  24 /* an rc_key with up to 5 digits ("16383") and its NUL */
extern _Atomic(unsigned char *) rc_int_key_blocks[RC_INT_KEYS / RC_INT_KEY_BLOCK];
/* The block of keys b made now (or by another thread first). */
unsigned char *rc_int_key_block_make(size_t b);

/* The process-wide key of integer v (its digits' key, shared by every node
 * keyed v, never freed), or NULL when v is outside the shared range.
 * Inline: a 1,000-row list asks for a thousand per render. */
static inline const rc_key *rc_key_int(int64_t v) {
    if (v < 0 || v >= RC_INT_KEYS) return NULL;
    size_t b = (size_t)v / RC_INT_KEY_BLOCK;
    unsigned char *blk = atomic_load_explicit(&rc_int_key_blocks[b], memory_order_acquire);
    if (!blk) blk = rc_int_key_block_make(b);
    return (const rc_key *)(void *)(blk + (size_t)v % RC_INT_KEY_BLOCK * RC_INT_KEY_SIZE);
}

/* The key of integer v: the shared one, or its digits' key made in the
 * arena for a value outside the shared range. */
static inline const rc_key *rc_key_of_int(rc_arena *a, int64_t v) {
    const rc_key *k = rc_key_int(v);
    return k ? k : rc_key_int_new(a, v);
}

/* A key joins the list being built (the open element's children, or the
 * output's top): is_int and v say whether it is an integer key and which.
 * Ascending integer keys need no duplicate check (rc_keys_check). */
static inline void rc_key_note(rc_ctx *ctx, bool is_int, int64_t v) {
    rc_frame *f = rc_ctx_top_frame(ctx);
    rc_key_order *o = f ? &f->kid_keys : &ctx->top_keys;
    if (is_int && (o->state == RC_KEYS_NONE || (o->state == RC_KEYS_ASCENDING && v > o->last))) {
        o->state = RC_KEYS_ASCENDING;
        o->last = v;
    } else {
        o->state = RC_KEYS_CHECK;
    }
}
#endif
