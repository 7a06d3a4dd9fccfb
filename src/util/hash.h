/*
 * 64-bit hashing and a u64 -> pointer hash map (open addressing, linear
 * probing, backward-shift deletion: no tombstones, so lookups stay short in
 * maps that churn, like the handler table of a page that re-renders).
 */
#ifndef RC_UTIL_HASH_H
#define RC_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define RC_HASH_SEED 0x9e3779b97f4a7c15ull

/* Hash of bytes, chained from h (start with RC_HASH_SEED). Deterministic
 * across processes and machines: handler ids and addresses depend on it. */
uint64_t rc_hash_bytes(uint64_t h, const void *p, size_t len);
uint64_t rc_hash_str(uint64_t h, const char *s);

/* The final avalanche (the splitmix64 mixer constants): spreads FNV's weak
 * low bits so that masking by a power-of-two capacity works well. */
static inline uint64_t rc_hash_mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}
/* v chained into h. Inline: the builder chains one per child per render. */
static inline uint64_t rc_hash_u64(uint64_t h, uint64_t v) {
    return rc_hash_mix(h ^ rc_hash_mix(v + 0x9e3779b97f4a7c15ull));
}

typedef struct rc_map_entry {
    uint64_t key; /* 0 = empty slot; key 0 is remapped */
    void *value;
} rc_map_entry;

typedef struct rc_map {
    rc_map_entry *slots;
    size_t cap; /* power of two, or 0 */
    size_t len;
} rc_map;

void rc_map_init(rc_map *m);
void rc_map_free(rc_map *m);
void *rc_map_get(const rc_map *m, uint64_t key);
/* Inserts or replaces; returns the previous value (or NULL). */
void *rc_map_put(rc_map *m, uint64_t key, void *value);
/* Removes key; returns its value (or NULL). */
void *rc_map_del(rc_map *m, uint64_t key);

#endif
