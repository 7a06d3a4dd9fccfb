/*
 * rc_value arrays and objects: growing, reading and removing items. The
 * invariants of value.c hold here too (a container owns its items).
 */
#include "core/value_build.h"
#include "reactc.h"
#include "util/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Allocation: util/alloc.h (out of memory is reported and aborts). */
#define xrealloc rc_xrealloc
#define xstrdup  rc_xstrdup
#define oom      rc_oom

/* Next capacity for a growing vector of elem-sized items: doubles, starting
 * at 4, and aborts rather than let the byte count overflow. */
static size_t grow_cap(size_t cap, size_t elem) {
    size_t next = cap ? cap * 2 : 4;
    if (next < cap || next > SIZE_MAX / elem) oom(SIZE_MAX);
    return next;
}

/* ------------------------------------------------------------------------ */
/* Arrays.                                                                  */
/* ------------------------------------------------------------------------ */

size_t rc_array_count(const rc_value *arr) {
    return arr != NULL && arr->kind == RC_ARRAY ? arr->as.arr.len : 0;
}

rc_value *rc_array_get(const rc_value *arr, size_t i) {
    if (arr == NULL || arr->kind != RC_ARRAY || i >= arr->as.arr.len) return NULL;
    return &arr->as.arr.items[i];
}

rc_value *rc_array_push(rc_value *arr) {
    if (arr == NULL) return NULL;
    if (arr->kind == RC_NULL) rc_value_set_array(arr); /* so `rc_value v = {0}` can be pushed to */
    else if (arr->kind != RC_ARRAY) return NULL;

    if (arr->as.arr.len == arr->as.arr.cap) {
        size_t cap = grow_cap(arr->as.arr.cap, sizeof(rc_value));
        arr->as.arr.items = xrealloc(arr->as.arr.items, cap * sizeof(rc_value));
        arr->as.arr.cap = cap;
    }
    rc_value *item = &arr->as.arr.items[arr->as.arr.len++];
    memset(item, 0, sizeof(*item));
    return item;
}

void rc_array_remove(rc_value *arr, size_t i) {
    if (arr == NULL || arr->kind != RC_ARRAY || i >= arr->as.arr.len) return;
    rc_value *items = arr->as.arr.items;
    rc_value_free(&items[i]);
    /* Shift the tail down to keep order; capacity is kept for reuse. */
    memmove(&items[i], &items[i + 1], (arr->as.arr.len - i - 1) * sizeof(rc_value));
    arr->as.arr.len--;
}

/* ------------------------------------------------------------------------ */
/* Objects. Members are kept in insertion order and looked up linearly:     */
/* state and event objects are small, and a handler reads a few keys. What  */
/* must not be linear per member is building one: readers of untrusted      */
/* input append (rc_object_append) and check uniqueness once with a hash.   */
/* ------------------------------------------------------------------------ */

_Thread_local size_t rc_object_key_compares;

static const rc_member *find_member(const rc_value *obj, const char *key, size_t *index) {
    if (obj == NULL || obj->kind != RC_OBJECT || key == NULL) return NULL;
    for (size_t i = 0; i < obj->as.obj.len; i++) {
        rc_object_key_compares++;
        if (strcmp(obj->as.obj.items[i].key, key) == 0) {
            if (index) *index = i;
            return &obj->as.obj.items[i];
        }
    }
    return NULL;
}

size_t rc_object_count(const rc_value *obj) {
    return obj != NULL && obj->kind == RC_OBJECT ? obj->as.obj.len : 0;
}

rc_value *rc_object_get(const rc_value *obj, const char *key) {
    size_t i;
    if (find_member(obj, key, &i) == NULL) return NULL;
    return &obj->as.obj.items[i].value;
}

rc_value *rc_object_set(rc_value *obj, const char *key) {
    if (obj == NULL || key == NULL) return NULL;
    if (obj->kind == RC_NULL) rc_value_set_object(obj);
    else if (obj->kind != RC_OBJECT) return NULL;

    rc_value *existing = rc_object_get(obj, key);
    if (existing != NULL) return existing;
    return rc_object_append(obj, key, strlen(key));
}

rc_value *rc_object_append(rc_value *obj, const char *key, size_t len) {
    if (obj == NULL || key == NULL) return NULL;
    if (obj->kind == RC_NULL) rc_value_set_object(obj);
    else if (obj->kind != RC_OBJECT) return NULL;
    /* Copy the key before growing: it may point into this object. */
    char *k = rc_xstrndup(key, len);
    if (obj->as.obj.len == obj->as.obj.cap) {
        size_t cap = grow_cap(obj->as.obj.cap, sizeof(rc_member));
        obj->as.obj.items = xrealloc(obj->as.obj.items, cap * sizeof(rc_member));
        obj->as.obj.cap = cap;
    }
    rc_member *m = &obj->as.obj.items[obj->as.obj.len++];
    m->key = k;
    memset(&m->value, 0, sizeof(m->value));
    return &m->value;
}

bool rc_object_remove(rc_value *obj, const char *key) {
    size_t i;
    if (find_member(obj, key, &i) == NULL) return false;
    rc_member *items = obj->as.obj.items;
    free(items[i].key);
    rc_value_free(&items[i].value);
    memmove(&items[i], &items[i + 1], (obj->as.obj.len - i - 1) * sizeof(rc_member));
    obj->as.obj.len--;
    return true;
}

/* Seeded FNV-1a over the key's bytes. */
static uint64_t key_hash(const char *key, uint64_t seed) {
    uint64_t h = 14695981039346656037u ^ seed;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h ^ (h >> 29);
}

bool rc_object_has_duplicate(const rc_value *obj) {
    size_t n = rc_object_count(obj);
    const rc_member *items = n ? obj->as.obj.items : NULL;
    if (n <= 8) { /* at most 28 comparisons: cheaper than hashing */
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++) {
                rc_object_key_compares++;
                if (strcmp(items[i].key, items[j].key) == 0) return true;
            }
        return false;
    }
    /* The seed changes per call (the clock and where the items live): a
     * client cannot aim its keys at one slot of a table it cannot predict. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t seed = ((uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15u) ^ (uint64_t)(uintptr_t)items;
    size_t size = 16;
    while (size < 2 * n) size *= 2;
    /* Open addressing: slot[i] holds a member index + 1 (0: empty), hashes[]
     * the full hash of that member, compared before the key itself. Objects
     * of up to SMALL_MEMBERS members (most) use tables on the stack: a
     * message of many small objects must not cost two mallocs per object
     * (bench/parse). */
    enum { SMALL_MEMBERS = 32 };
    size_t slot_local[2 * SMALL_MEMBERS];
    uint64_t hashes_local[SMALL_MEMBERS];
    bool small = n <= SMALL_MEMBERS;
    size_t *slot = small ? slot_local : calloc(size, sizeof *slot);
    uint64_t *hashes = small ? hashes_local : rc_xmalloc(n * sizeof *hashes);
    if (slot == NULL) oom(size * sizeof *slot);
    if (small) memset(slot, 0, size * sizeof *slot);
    bool dup = false;
    for (size_t i = 0; i < n && !dup; i++) {
        uint64_t h = hashes[i] = key_hash(items[i].key, seed);
        size_t at = (size_t)h & (size - 1);
        for (; slot[at]; at = (at + 1) & (size - 1)) {
            size_t j = slot[at] - 1;
            if (hashes[j] != h) continue;
            rc_object_key_compares++;
            if (strcmp(items[i].key, items[j].key) == 0) {
                dup = true;
                break;
            }
        }
        slot[at] = i + 1;
    }
    if (!small) {
        free(slot);
        free(hashes);
    }
    return dup;
}
