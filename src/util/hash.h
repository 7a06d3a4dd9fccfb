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
uint64_t rc_hash_u64(uint64_t h, uint64_t v);

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
