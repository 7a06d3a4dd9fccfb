#include "util/hash.h"

#include <string.h>

#include "util/alloc.h"

/* Bytes are assembled little-endian explicitly (compilers turn it into one
 * load on x86/ARM), so every architecture computes the same ids. */
static uint64_t load32(const unsigned char *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

/* The n (1..8) bytes at p as one little-endian word, without a loop over
 * them: keys are short (a row id's digits) and hashed on every render, and
 * the byte loop was most of their hash. Two loads that overlap for 4 to 7
 * bytes, three single bytes for 1 to 3: the same word as the loop's
 * (tests/unit/test_hash.c checks against it). */
static uint64_t load64(const unsigned char *p, size_t n) {
    if (n >= 4) return load32(p) | load32(p + n - 4) << (8 * (n - 4));
    return (uint64_t)p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) |
           (uint64_t)p[n - 1] << (8 * (n - 1));
}

uint64_t rc_hash_bytes(uint64_t h, const void *p, size_t len) {
    const unsigned char *s = p;
    /* Length first, so "ab"+"c" and "a"+"bc" chain differently. */
    h = rc_hash_mix(h ^ ((uint64_t)len * 0x9e3779b97f4a7c15ull));
    while (len >= 8) {
        h = (h ^ rc_hash_mix(load64(s, 8))) * 0xff51afd7ed558ccdull;
        s += 8;
        len -= 8;
    }
    if (len) h = (h ^ rc_hash_mix(load64(s, len) ^ 0xc4ceb9fe1a85ec53ull)) * 0xff51afd7ed558ccdull;
    return rc_hash_mix(h);
}

uint64_t rc_hash_str(uint64_t h, const char *s) { return rc_hash_bytes(h, s, strlen(s)); }

void rc_map_init(rc_map *m) {
    m->slots = NULL;
    m->cap = 0;
    m->len = 0;
}

void rc_map_free(rc_map *m) {
    free(m->slots);
    rc_map_init(m);
}

static uint64_t fix_key(uint64_t key) { return key ? key : 1; }

static size_t slot_of(const rc_map *m, uint64_t key) {
    return (size_t)(rc_hash_mix(key) & (m->cap - 1));
}

void *rc_map_get(const rc_map *m, uint64_t key) {
    if (!m->cap) return NULL;
    key = fix_key(key);
    for (size_t i = slot_of(m, key);; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].key == key) return m->slots[i].value;
        if (m->slots[i].key == 0) return NULL;
    }
}

static void grow(rc_map *m) {
    rc_map_entry *old = m->slots;
    size_t oldcap = m->cap;
    m->cap = oldcap ? oldcap * 2 : 8;
    m->slots = rc_xcalloc(m->cap, sizeof *m->slots);
    m->len = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key) rc_map_put(m, old[i].key, old[i].value);
    free(old);
}

void *rc_map_put(rc_map *m, uint64_t key, void *value) {
    if ((m->len + 1) * 4 > m->cap * 3) grow(m); /* load factor <= 3/4 */
    key = fix_key(key);
    for (size_t i = slot_of(m, key);; i = (i + 1) & (m->cap - 1)) {
        if (m->slots[i].key == key) {
            void *prev = m->slots[i].value;
            m->slots[i].value = value;
            return prev;
        }
        if (m->slots[i].key == 0) {
            m->slots[i].key = key;
            m->slots[i].value = value;
            m->len++;
            return NULL;
        }
    }
}

void *rc_map_del(rc_map *m, uint64_t key) {
    if (!m->cap) return NULL;
    key = fix_key(key);
    size_t mask = m->cap - 1, i = slot_of(m, key);
    while (m->slots[i].key != key) {
        if (m->slots[i].key == 0) return NULL;
        i = (i + 1) & mask;
    }
    void *value = m->slots[i].value;
    /* Backward-shift: pull later entries of the probe run into the hole. */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
        size_t home = slot_of(m, m->slots[j].key);
        /* Move j into the hole if its home is not in (hole, j] cyclically. */
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole].key = 0;
    m->slots[hole].value = NULL;
    m->len--;
    return value;
}
