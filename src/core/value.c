/*
 * value.c — rc_value: the tagged, deeply owned values of state slots and
 * events: freeing, copying, setting and reading a value. Arrays and objects
 * are in value_collections.c, equality in value_equal.c.
 *
 * Invariants kept by every function here and in those two files:
 *  - A zeroed rc_value is RC_NULL; rc_value_free leaves a zeroed value.
 *  - RC_STRING and RC_BYTES own a heap buffer of len + 1 bytes whose last
 *    byte is NUL, so both can be handed to C string functions; len may be 0.
 *  - RC_ARRAY and RC_OBJECT own their items (items is NULL while cap is 0).
 *  - RC_STRUCT owns a heap copy of type->size bytes.
 *
 * Setters and rc_value_copy build the new contents before releasing the old
 * ones, so a source that points into the destination (for example
 * rc_value_set_string(v, rc_value_get_string(v, NULL))) is still valid when it is
 * read.
 */
#include "reactc.h"
#include "util/alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Allocation: util/alloc.h (out of memory is reported and aborts). */
#define xmalloc rc_xmalloc
#define xstrdup rc_xstrdup
#define oom     rc_oom

/* A NUL-terminated heap copy of len bytes at p (p may be NULL when len is
 * 0). */
static char *dup_bytes(const void *p, size_t len) {
    if (len == SIZE_MAX) oom(len);
    char *buf = xmalloc(len + 1);
    if (len) memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}

/* ------------------------------------------------------------------------ */
/* Free, copy.                                                              */
/* ------------------------------------------------------------------------ */

void rc_value_free(rc_value *v) {
    if (v == NULL) return;
    switch (v->kind) {
    case RC_STRING:
    case RC_BYTES: free(v->as.str.ptr); break;
    case RC_ARRAY:
        for (size_t i = 0; i < v->as.arr.len; i++) rc_value_free(&v->as.arr.items[i]);
        free(v->as.arr.items);
        break;
    case RC_OBJECT:
        for (size_t i = 0; i < v->as.obj.len; i++) {
            free(v->as.obj.items[i].key);
            rc_value_free(&v->as.obj.items[i].value);
        }
        free(v->as.obj.items);
        break;
    case RC_STRUCT: free(v->as.st.ptr); break;
    case RC_NULL:
    case RC_BOOL:
    case RC_INT:
    case RC_FLOAT: break;
    }
    memset(v, 0, sizeof(*v));
}

/* A heap copy of type->size bytes from data, or zero bytes if data is
 * NULL. Never returns NULL, even for a zero-sized type, so a struct value
 * always has a pointer to hand out. */
static void *dup_struct(const rc_struct_type *type, const void *data) {
    void *p = xmalloc(type->size);
    if (data != NULL) memcpy(p, data, type->size);
    else memset(p, 0, type->size);
    return p;
}

/* Writes a deep copy of src into *out, whose previous contents are ignored
 * (not freed). A NULL src copies as RC_NULL. */
static void copy_into(rc_value *out, const rc_value *src) {
    memset(out, 0, sizeof(*out));
    if (src == NULL) return;
    switch (src->kind) {
    case RC_NULL: return;
    case RC_BOOL:
    case RC_INT:
    case RC_FLOAT: *out = *src; return;
    case RC_STRING:
    case RC_BYTES:
        out->as.str.ptr = dup_bytes(src->as.str.ptr, src->as.str.len);
        out->as.str.len = src->as.str.len;
        break;
    case RC_ARRAY: {
        size_t n = src->as.arr.len;
        /* Exact fit: copies are usually read, not grown. */
        if (n) {
            out->as.arr.items = xmalloc(n * sizeof(rc_value));
            for (size_t i = 0; i < n; i++) copy_into(&out->as.arr.items[i], &src->as.arr.items[i]);
        }
        out->as.arr.len = out->as.arr.cap = n;
        break;
    }
    case RC_OBJECT: {
        size_t n = src->as.obj.len;
        if (n) {
            out->as.obj.items = xmalloc(n * sizeof(rc_member));
            for (size_t i = 0; i < n; i++) {
                out->as.obj.items[i].key = xstrdup(src->as.obj.items[i].key);
                copy_into(&out->as.obj.items[i].value, &src->as.obj.items[i].value);
            }
        }
        out->as.obj.len = out->as.obj.cap = n;
        break;
    }
    case RC_STRUCT:
        /* A struct value without a type has no layout to copy: make it
         * RC_NULL rather than guess. */
        if (src->as.st.type == NULL) return;
        out->as.st.type = src->as.st.type;
        out->as.st.ptr = dup_struct(src->as.st.type, src->as.st.ptr);
        break;
    default: return; /* not a valid kind: leave RC_NULL */
    }
    out->kind = src->kind;
}

void rc_value_copy(rc_value *dst, const rc_value *src) {
    if (dst == NULL || dst == src) return;
    /* Copy first: src may be dst itself or live inside dst. */
    rc_value tmp;
    copy_into(&tmp, src);
    rc_value_free(dst);
    *dst = tmp;
}

/* ------------------------------------------------------------------------ */
/* Setters. A NULL v is ignored, so a setter can take the result of         */
/* rc_array_push or rc_object_set directly even when those refuse.          */
/* ------------------------------------------------------------------------ */

void rc_value_set_null(rc_value *v) { rc_value_free(v); }

void rc_value_set_bool(rc_value *v, bool b) {
    if (v == NULL) return;
    rc_value_free(v);
    v->kind = RC_BOOL;
    v->as.b = b;
}

void rc_value_set_int(rc_value *v, int64_t i) {
    if (v == NULL) return;
    rc_value_free(v);
    v->kind = RC_INT;
    v->as.i = i;
}

void rc_value_set_float(rc_value *v, double f) {
    if (v == NULL) return;
    rc_value_free(v);
    v->kind = RC_FLOAT;
    v->as.f = f;
}

/* Shared by the string and bytes setters: s may point into v. */
static void set_buffer(rc_value *v, rc_kind kind, const void *p, size_t len) {
    if (v == NULL) return;
    if (p == NULL) len = 0; /* NULL reads as empty, never as "len bytes at NULL" */
    char *buf = dup_bytes(p, len);
    rc_value_free(v);
    v->kind = kind;
    v->as.str.ptr = buf;
    v->as.str.len = len;
}

void rc_value_set_string(rc_value *v, const char *s) {
    set_buffer(v, RC_STRING, s, s ? strlen(s) : 0);
}

void rc_value_set_stringn(rc_value *v, const char *s, size_t len) {
    set_buffer(v, RC_STRING, s, len);
}

void rc_value_set_bytes(rc_value *v, const void *p, size_t len) { set_buffer(v, RC_BYTES, p, len); }

void rc_value_set_array(rc_value *v) {
    if (v == NULL) return;
    rc_value_free(v);
    v->kind = RC_ARRAY;
}

void rc_value_set_object(rc_value *v) {
    if (v == NULL) return;
    rc_value_free(v);
    v->kind = RC_OBJECT;
}

void rc_value_set_struct(rc_value *v, const rc_struct_type *type, const void *data) {
    if (v == NULL) return;
    if (type == NULL) {
        /* No layout, nothing to store. */
        rc_value_free(v);
        return;
    }
    void *p = dup_struct(type, data); /* data may point into v */
    rc_value_free(v);
    v->kind = RC_STRUCT;
    v->as.st.type = type;
    v->as.st.ptr = p;
}

/* ------------------------------------------------------------------------ */
/* Readers.                                                                 */
/* ------------------------------------------------------------------------ */

bool rc_value_get_bool(const rc_value *v, bool fallback) {
    return v != NULL && v->kind == RC_BOOL ? v->as.b : fallback;
}

int64_t rc_value_get_int(const rc_value *v, int64_t fallback) {
    if (v == NULL) return fallback;
    if (v->kind == RC_INT) return v->as.i;
    if (v->kind == RC_FLOAT) {
        double f = v->as.f;
        /* Converting an out-of-range double is undefined behaviour in C:
         * saturate instead. 2^63 is exact as a double; INT64_MAX is not. */
        if (isnan(f)) return fallback;
        if (f >= 9223372036854775808.0) return INT64_MAX;
        if (f <= -9223372036854775808.0) return INT64_MIN;
        return (int64_t)f; /* truncates toward zero */
    }
    return fallback;
}

double rc_value_get_float(const rc_value *v, double fallback) {
    if (v == NULL) return fallback;
    if (v->kind == RC_FLOAT) return v->as.f;
    if (v->kind == RC_INT) return (double)v->as.i;
    return fallback;
}

const char *rc_value_get_string(const rc_value *v, const char *fallback) {
    if (v == NULL || v->kind != RC_STRING) return fallback;
    /* A hand-built string with no buffer still reads as a string. */
    return v->as.str.ptr ? v->as.str.ptr : "";
}
