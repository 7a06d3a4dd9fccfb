/*
 * rc_value arrays and objects: growing, reading and removing items. The
 * invariants of value.c hold here too (a container owns its items).
 */
#include "reactc.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

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
/* state and event objects are small.                                       */
/* ------------------------------------------------------------------------ */

static const rc_member *find_member(const rc_value *obj, const char *key, size_t *index) {
    if (obj == NULL || obj->kind != RC_OBJECT || key == NULL) return NULL;
    for (size_t i = 0; i < obj->as.obj.len; i++) {
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

    /* Duplicate the key before growing: it may point into this object. */
    char *k = xstrdup(key);
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
