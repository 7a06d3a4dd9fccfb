/*
 * The offers' index: token -> offer, for transfer.c (loop thread).
 *
 * A hash map with linear probing that doubles when half full, so it has no
 * cap but memory and a lookup costs one hash and a probe or two, where a
 * scan of every offer cost ten thousand comparisons with as many sessions
 * showing an upload input. The hash is SipHash (crypto_shorthash) under a
 * key drawn at random once per process: a token is chosen by the browser
 * in a lookup, and a keyed hash keeps a guessed one from aiming at a chain
 * of its choosing (an unkeyed one would let a crafted set of tokens pile
 * up in one chain). The token itself is compared with sodium_memcmp, in
 * constant time, as the scan did: a lookup's time says nothing of how much
 * of a guess matched an offer's token.
 *
 * Removal shifts the following entries of the run back (no tombstones), so
 * a table that sees offers come and go for days stays as short as what it
 * holds. The map only points at the offers; they are transfer.c's.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "server/transfer.h"
#include "util/alloc.h"

#define MIN_CAP 64 /* a power of two */

typedef struct entry {
    char token[RC_XFER_TOKEN_LEN]; /* not NUL-terminated */
    uint64_t hash;
    void *item; /* NULL: an empty entry */
} entry;

static entry *table;
static size_t cap, count; /* cap: 0 or a power of two */
static unsigned char key[crypto_shorthash_KEYBYTES];

static uint64_t hash_of(const char *token) {
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, (const unsigned char *)token, RC_XFER_TOKEN_LEN, key);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    return h;
}

/* The entry holding token, or the empty one ending its run. */
static entry *probe(const char *token, uint64_t h) {
    size_t mask = cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        entry *e = &table[i];
        if (!e->item) return e;
        if (e->hash == h && sodium_memcmp(e->token, token, RC_XFER_TOKEN_LEN) == 0) return e;
    }
}

static void grow(void) {
    entry *old = table;
    size_t old_cap = cap;
    if (!cap) {
        /* Idempotent; a server has done it (app.c), a unit test may not. */
        if (sodium_init() < 0) abort();
        randombytes_buf(key, sizeof key);
    }
    cap = cap ? cap * 2 : MIN_CAP;
    table = rc_xcalloc(cap, sizeof *table);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].item) *probe(old[i].token, old[i].hash) = old[i];
    free(old);
}

void *rc_xfer_offers_get(const char *token) {
    if (!count || strlen(token) != RC_XFER_TOKEN_LEN) return NULL;
    return probe(token, hash_of(token))->item;
}

void rc_xfer_offers_put(const char *token, void *item) {
    if ((count + 1) * 2 > cap) grow();
    uint64_t h = hash_of(token);
    entry *e = probe(token, h);
    if (!e->item) count++;
    memcpy(e->token, token, RC_XFER_TOKEN_LEN);
    e->hash = h;
    e->item = item;
}

void rc_xfer_offers_del(const char *token) {
    if (!count || strlen(token) != RC_XFER_TOKEN_LEN) return;
    entry *hole = probe(token, hash_of(token));
    if (!hole->item) return;
    count--;
    /* Backward shift: an entry after the hole moves into it unless its
     * home lies cyclically after the hole (it would then be found before
     * reaching it), until the run ends. */
    size_t mask = cap - 1, i = (size_t)(hole - table);
    for (size_t j = (i + 1) & mask; table[j].item; j = (j + 1) & mask) {
        size_t home = (size_t)table[j].hash & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            table[i] = table[j];
            i = j;
        }
    }
    table[i].item = NULL;
}

size_t rc_xfer_offers_count(void) { return count; }
