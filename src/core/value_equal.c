/*
 * rc_value equality: deep, by content. State setters compare with it to
 * tell a change (a version and a re-render) from a no-op.
 */
#include "core/value_build.h"
#include "reactc.h"

#include <math.h>
#include <string.h>

static bool float_equal(double a, double b) {
    if (a == b) return true;
    if (isnan(a) && isnan(b)) return true;
    /* Identical bits: already covered by the two tests above for every
     * double, kept so the documented rule holds whatever the FP mode. */
    return memcmp(&a, &b, sizeof(a)) == 0;
}

static bool struct_type_equal(const rc_struct_type *a, const rc_struct_type *b) {
    if (a == b) return true;
    if (a == NULL || b == NULL) return false;
    /* Types are compared by identity (name, size, version), not address:
     * the same struct may be declared in two translation units. */
    if (a->name == NULL || b->name == NULL) {
        if (a->name != b->name) return false;
    } else if (strcmp(a->name, b->name) != 0) {
        return false;
    }
    return a->size == b->size && a->version == b->version;
}

bool rc_value_equal(const rc_value *a, const rc_value *b) {
    static const rc_value null_value;
    /* A NULL pointer reads as RC_NULL, as in the readers. */
    if (a == NULL) a = &null_value;
    if (b == NULL) b = &null_value;
    if (a == b) return true;
    if (a->kind != b->kind) return false;

    switch (a->kind) {
    case RC_NULL: return true;
    case RC_BOOL: return a->as.b == b->as.b;
    case RC_INT: return a->as.i == b->as.i;
    case RC_FLOAT: return float_equal(a->as.f, b->as.f);
    case RC_STRING:
    case RC_BYTES:
        return a->as.str.len == b->as.str.len &&
               (a->as.str.len == 0 || memcmp(a->as.str.ptr, b->as.str.ptr, a->as.str.len) == 0);
    case RC_ARRAY:
        if (a->as.arr.len != b->as.arr.len) return false;
        for (size_t i = 0; i < a->as.arr.len; i++)
            if (!rc_value_equal(&a->as.arr.items[i], &b->as.arr.items[i])) return false;
        return true;
    case RC_OBJECT:
        /* Key order does not matter. Equal lengths plus "every key of a is
         * in b with an equal value" is enough since keys are unique. */
        if (a->as.obj.len != b->as.obj.len) return false;
        for (size_t i = 0; i < a->as.obj.len; i++) {
            const rc_member *ma = &a->as.obj.items[i];
            /* The same key at the same place (the usual case: a copy, or
             * the same client data again) costs one comparison; only keys
             * out of place are looked up, linearly. */
            const rc_member *mb = &b->as.obj.items[i];
            rc_object_key_compares++;
            const rc_value *vb =
                strcmp(ma->key, mb->key) == 0 ? &mb->value : rc_object_get(b, ma->key);
            if (vb == NULL || !rc_value_equal(&ma->value, vb)) return false;
        }
        return true;
    case RC_STRUCT:
        if (!struct_type_equal(a->as.st.type, b->as.st.type)) return false;
        if (a->as.st.type == NULL || a->as.st.type->size == 0) return true;
        return memcmp(a->as.st.ptr, b->as.st.ptr, a->as.st.type->size) == 0;
    }
    return false; /* invalid kinds are never equal */
}
