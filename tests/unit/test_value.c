/*
 * Unit tests for rc_value (src/core/value.c).
 *
 * Leaks and use-after-free are caught by running this program under ASan or
 * valgrind; the assertions here check contents and ownership rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reactc_layout.h"

typedef struct point {
    int32_t x, y;
} point;

static const rc_struct_type point_type = {"point", sizeof(point), 1};
/* Same layout identity as point_type, declared separately (as another
 * translation unit would). */
static const rc_struct_type point_type_twin = {"point", sizeof(point), 1};
static const rc_struct_type point_type_v2 = {"point", sizeof(point), 2};
static const rc_struct_type other_type = {"other", sizeof(point), 1};
static const rc_struct_type point_type_wide = {"point", sizeof(point) + 4, 1};

/* ------------------------------------------------------------------------ */
/* Null, free                                                               */
/* ------------------------------------------------------------------------ */

static void test_zero_is_null(void **state)
{
    (void)state;
    rc_value v = {0};
    assert_int_equal(v.kind, RC_NULL);
    assert_true(rc_value_get_bool(&v, true));
    assert_int_equal(rc_value_get_int(&v, 42), 42);
    assert_true(rc_value_get_float(&v, 1.5) == 1.5);
    assert_string_equal(rc_value_get_string(&v, "fb"), "fb");
    assert_int_equal(rc_array_count(&v), 0);
    assert_int_equal(rc_object_count(&v), 0);
    assert_null(rc_array_get(&v, 0));
    assert_null(rc_object_get(&v, "a"));
    rc_value_free(&v);
    assert_int_equal(v.kind, RC_NULL);
    rc_value_free(NULL);   /* must not crash */
}

static void test_free_resets_to_null(void **state)
{
    (void)state;
    rc_value v = {0};

    rc_value_set_string(&v, "hello");
    rc_value_free(&v);
    assert_int_equal(v.kind, RC_NULL);
    assert_null(v.as.str.ptr);
    assert_int_equal(v.as.str.len, 0);

    /* Recursive: an object holding an array holding strings and a struct. */
    rc_value *arr = rc_object_set(&v, "list");
    rc_value_set_string(rc_array_push(arr), "a");
    rc_value_set_bytes(rc_array_push(arr), "\0b", 2);
    rc_value_set_struct(rc_array_push(arr), &point_type, NULL);
    rc_value_set_object(rc_array_push(arr));
    rc_value_set_int(rc_object_set(rc_array_get(arr, 3), "k"), 1);
    rc_value_free(&v);
    assert_int_equal(v.kind, RC_NULL);
    assert_null(v.as.obj.items);
    assert_int_equal(v.as.obj.len, 0);
    assert_int_equal(v.as.obj.cap, 0);

    /* Freeing twice is harmless: the value is RC_NULL after the first. */
    rc_value_free(&v);
    assert_int_equal(v.kind, RC_NULL);
}

/* ------------------------------------------------------------------------ */
/* Setters                                                                  */
/* ------------------------------------------------------------------------ */

static void test_set_scalars(void **state)
{
    (void)state;
    rc_value v = {0};

    rc_value_set_bool(&v, true);
    assert_int_equal(v.kind, RC_BOOL);
    assert_true(rc_value_get_bool(&v, false));
    rc_value_set_bool(&v, false);
    assert_false(rc_value_get_bool(&v, true));

    rc_value_set_int(&v, -7);
    assert_int_equal(v.kind, RC_INT);
    assert_int_equal(rc_value_get_int(&v, 0), -7);
    rc_value_set_int(&v, INT64_MIN);
    assert_true(rc_value_get_int(&v, 0) == INT64_MIN);

    rc_value_set_float(&v, 2.25);
    assert_int_equal(v.kind, RC_FLOAT);
    assert_true(rc_value_get_float(&v, 0.0) == 2.25);

    /* Replacing owned content frees it (leak checkers verify). */
    rc_value_set_string(&v, "owned");
    rc_value_set_int(&v, 3);
    assert_int_equal(v.kind, RC_INT);
    assert_int_equal(rc_value_get_int(&v, 0), 3);

    rc_value_set_string(&v, "owned again");
    rc_value_set_null(&v);
    assert_int_equal(v.kind, RC_NULL);
    assert_null(v.as.str.ptr);
}

static void test_set_string(void **state)
{
    (void)state;
    rc_value v = {0};

    rc_value_set_string(&v, "hello");
    assert_int_equal(v.kind, RC_STRING);
    assert_int_equal(v.as.str.len, 5);
    assert_string_equal(v.as.str.ptr, "hello");
    assert_string_equal(rc_value_get_string(&v, NULL), "hello");

    /* The value owns a copy, not the caller's buffer. */
    char buf[] = "mutable";
    rc_value_set_string(&v, buf);
    buf[0] = 'X';
    assert_string_equal(rc_value_get_string(&v, NULL), "mutable");
    assert_ptr_not_equal(v.as.str.ptr, buf);

    /* Empty string: len 0 but still a NUL-terminated buffer. */
    rc_value_set_string(&v, "");
    assert_int_equal(v.kind, RC_STRING);
    assert_int_equal(v.as.str.len, 0);
    assert_non_null(v.as.str.ptr);
    assert_string_equal(rc_value_get_string(&v, "fb"), "");

    /* NULL is stored as the empty string. */
    rc_value_set_string(&v, NULL);
    assert_int_equal(v.kind, RC_STRING);
    assert_int_equal(v.as.str.len, 0);
    assert_string_equal(rc_value_get_string(&v, "fb"), "");

    rc_value_free(&v);
}

static void test_set_stringn(void **state)
{
    (void)state;
    rc_value v = {0};

    /* A prefix of a longer string is cut and terminated. */
    rc_value_set_stringn(&v, "abcdef", 3);
    assert_int_equal(v.kind, RC_STRING);
    assert_int_equal(v.as.str.len, 3);
    assert_string_equal(rc_value_get_string(&v, NULL), "abc");

    /* Embedded NUL bytes are kept; the length counts them. */
    rc_value_set_stringn(&v, "a\0b", 3);
    assert_int_equal(v.as.str.len, 3);
    assert_memory_equal(v.as.str.ptr, "a\0b", 3);
    assert_int_equal(v.as.str.ptr[3], '\0');

    rc_value_set_stringn(&v, "xyz", 0);
    assert_int_equal(v.as.str.len, 0);
    assert_string_equal(v.as.str.ptr, "");

    rc_value_free(&v);
}

static void test_set_bytes(void **state)
{
    (void)state;
    rc_value v = {0};
    const unsigned char data[] = {0x00, 0xff, 0x10, 0x00, 0x7f};

    rc_value_set_bytes(&v, data, sizeof(data));
    assert_int_equal(v.kind, RC_BYTES);
    assert_int_equal(v.as.str.len, sizeof(data));
    assert_memory_equal(v.as.str.ptr, data, sizeof(data));
    /* Bytes are NUL-terminated too. */
    assert_int_equal(v.as.str.ptr[sizeof(data)], '\0');
    /* rc_value_get_string reads strings only. */
    assert_string_equal(rc_value_get_string(&v, "fb"), "fb");

    rc_value_set_bytes(&v, data, 0);
    assert_int_equal(v.kind, RC_BYTES);
    assert_int_equal(v.as.str.len, 0);
    assert_non_null(v.as.str.ptr);
    assert_int_equal(v.as.str.ptr[0], '\0');

    rc_value_set_bytes(&v, NULL, 0);
    assert_int_equal(v.kind, RC_BYTES);
    assert_int_equal(v.as.str.len, 0);

    rc_value_free(&v);
}

static void test_setter_aliasing(void **state)
{
    (void)state;
    rc_value v = {0};

    /* The new string is the value's own buffer. */
    rc_value_set_string(&v, "self");
    rc_value_set_string(&v, rc_value_get_string(&v, NULL));
    assert_string_equal(rc_value_get_string(&v, NULL), "self");
    assert_int_equal(v.as.str.len, 4);

    /* A slice of the value's own buffer. */
    rc_value_set_string(&v, "0123456789");
    rc_value_set_stringn(&v, v.as.str.ptr + 2, 3);
    assert_string_equal(rc_value_get_string(&v, NULL), "234");

    /* Bytes from the value's own buffer. */
    rc_value_set_bytes(&v, "ab\0cd", 5);
    rc_value_set_bytes(&v, v.as.str.ptr + 1, 3);
    assert_int_equal(v.as.str.len, 3);
    assert_memory_equal(v.as.str.ptr, "b\0c", 3);

    /* A string stored deep inside the value replaces the whole value. */
    rc_value_set_array(&v);
    rc_value_set_string(rc_object_set(rc_array_push(&v), "name"), "deep");
    rc_value_set_string(&v, rc_value_get_string(rc_object_get(rc_array_get(&v, 0), "name"), NULL));
    assert_int_equal(v.kind, RC_STRING);
    assert_string_equal(rc_value_get_string(&v, NULL), "deep");

    /* Struct data taken from the value itself. */
    point p = {3, 4};
    rc_value_set_struct(&v, &point_type, &p);
    rc_value_set_struct(&v, &point_type, v.as.st.ptr);
    assert_int_equal(v.kind, RC_STRUCT);
    assert_memory_equal(v.as.st.ptr, &p, sizeof(p));

    rc_value_free(&v);
}

static void test_set_array_object_reset(void **state)
{
    (void)state;
    rc_value v = {0};

    rc_value_set_int(rc_array_push(&v), 1);
    rc_value_set_int(rc_array_push(&v), 2);
    rc_value_set_array(&v);
    assert_int_equal(v.kind, RC_ARRAY);
    assert_int_equal(rc_array_count(&v), 0);
    assert_null(rc_array_get(&v, 0));

    rc_value_set_int(rc_object_set(&v, "a"), 1);   /* v is an array: refused */
    assert_int_equal(v.kind, RC_ARRAY);

    rc_value_set_object(&v);
    assert_int_equal(v.kind, RC_OBJECT);
    rc_value_set_int(rc_object_set(&v, "a"), 1);
    rc_value_set_object(&v);
    assert_int_equal(v.kind, RC_OBJECT);
    assert_int_equal(rc_object_count(&v), 0);
    assert_null(rc_object_get(&v, "a"));

    rc_value_free(&v);
}

/* ------------------------------------------------------------------------ */
/* Readers                                                                  */
/* ------------------------------------------------------------------------ */

static void test_readers_null_pointer(void **state)
{
    (void)state;
    assert_false(rc_value_get_bool(NULL, false));
    assert_true(rc_value_get_bool(NULL, true));
    assert_int_equal(rc_value_get_int(NULL, -3), -3);
    assert_true(rc_value_get_float(NULL, 0.5) == 0.5);
    assert_null(rc_value_get_string(NULL, NULL));
    assert_string_equal(rc_value_get_string(NULL, "fb"), "fb");
    assert_int_equal(rc_array_count(NULL), 0);
    assert_null(rc_array_get(NULL, 0));
    assert_null(rc_array_push(NULL));
    rc_array_remove(NULL, 0);
    assert_int_equal(rc_object_count(NULL), 0);
    assert_null(rc_object_get(NULL, "a"));
    assert_null(rc_object_set(NULL, "a"));
    assert_false(rc_object_remove(NULL, "a"));

    /* Setters and copy ignore a NULL destination (chaining on a refused
     * rc_object_set/rc_array_push must not crash). */
    rc_value_set_null(NULL);
    rc_value_set_bool(NULL, true);
    rc_value_set_int(NULL, 1);
    rc_value_set_float(NULL, 1.0);
    rc_value_set_string(NULL, "s");
    rc_value_set_stringn(NULL, "s", 1);
    rc_value_set_bytes(NULL, "s", 1);
    rc_value_set_array(NULL);
    rc_value_set_object(NULL);
    rc_value_set_struct(NULL, &point_type, NULL);
    rc_value src = {0};
    rc_value_set_string(&src, "s");
    rc_value_copy(NULL, &src);
    rc_value_free(&src);
}

static void test_readers_kind_fallbacks(void **state)
{
    (void)state;
    rc_value v = {0};

    /* bool only from RC_BOOL. */
    rc_value_set_int(&v, 1);
    assert_false(rc_value_get_bool(&v, false));
    rc_value_set_string(&v, "true");
    assert_false(rc_value_get_bool(&v, false));

    /* string only from RC_STRING. */
    rc_value_set_int(&v, 5);
    assert_string_equal(rc_value_get_string(&v, "fb"), "fb");
    assert_null(rc_value_get_string(&v, NULL));

    /* int and float only from numbers. */
    rc_value_set_string(&v, "12");
    assert_int_equal(rc_value_get_int(&v, -1), -1);
    assert_true(rc_value_get_float(&v, -1.0) == -1.0);
    rc_value_set_bool(&v, true);
    assert_int_equal(rc_value_get_int(&v, -1), -1);
    assert_true(rc_value_get_float(&v, -1.0) == -1.0);
    rc_value_set_array(&v);
    assert_int_equal(rc_value_get_int(&v, -1), -1);
    rc_value_set_struct(&v, &point_type, NULL);
    assert_int_equal(rc_value_get_int(&v, -1), -1);
    assert_string_equal(rc_value_get_string(&v, "fb"), "fb");

    rc_value_free(&v);
}

static void test_readers_number_conversion(void **state)
{
    (void)state;
    rc_value v = {0};

    rc_value_set_int(&v, -12);
    assert_true(rc_value_get_float(&v, 0.0) == -12.0);
    rc_value_set_int(&v, INT64_C(1) << 53);
    assert_true(rc_value_get_float(&v, 0.0) == 9007199254740992.0);

    /* Truncation toward zero. */
    rc_value_set_float(&v, 2.9);
    assert_int_equal(rc_value_get_int(&v, 0), 2);
    rc_value_set_float(&v, -2.9);
    assert_int_equal(rc_value_get_int(&v, 0), -2);
    rc_value_set_float(&v, -0.5);
    assert_int_equal(rc_value_get_int(&v, 7), 0);

    /* Saturation at the int64 range. */
    rc_value_set_float(&v, 1e300);
    assert_true(rc_value_get_int(&v, 0) == INT64_MAX);
    rc_value_set_float(&v, -1e300);
    assert_true(rc_value_get_int(&v, 0) == INT64_MIN);
    rc_value_set_float(&v, INFINITY);
    assert_true(rc_value_get_int(&v, 0) == INT64_MAX);
    rc_value_set_float(&v, -INFINITY);
    assert_true(rc_value_get_int(&v, 0) == INT64_MIN);
    rc_value_set_float(&v, 9223372036854775808.0);   /* 2^63: just past max */
    assert_true(rc_value_get_int(&v, 0) == INT64_MAX);
    rc_value_set_float(&v, -9223372036854775808.0);  /* -2^63: exactly min */
    assert_true(rc_value_get_int(&v, 0) == INT64_MIN);
    /* The largest double below 2^63 converts exactly. */
    rc_value_set_float(&v, 9223372036854774784.0);
    assert_true(rc_value_get_int(&v, 0) == INT64_C(9223372036854774784));

    /* NaN has no integer value: fallback. */
    rc_value_set_float(&v, NAN);
    assert_int_equal(rc_value_get_int(&v, 99), 99);
    assert_true(isnan(rc_value_get_float(&v, 0.0)));

    rc_value_free(&v);
}

/* ------------------------------------------------------------------------ */
/* Copy                                                                     */
/* ------------------------------------------------------------------------ */

/* {"name": "n", "tags": ["x", 1, 2.5, true, null, b"\0\1"], "pos": point,
 *  "inner": {"deep": ["z"]}} */
static void build_sample(rc_value *v)
{
    rc_value_set_object(v);
    rc_value_set_string(rc_object_set(v, "name"), "n");
    rc_value *tags = rc_object_set(v, "tags");
    rc_value_set_string(rc_array_push(tags), "x");
    rc_value_set_int(rc_array_push(tags), 1);
    rc_value_set_float(rc_array_push(tags), 2.5);
    rc_value_set_bool(rc_array_push(tags), true);
    rc_array_push(tags);
    rc_value_set_bytes(rc_array_push(tags), "\0\1", 2);
    point p = {10, -20};
    rc_value_set_struct(rc_object_set(v, "pos"), &point_type, &p);
    rc_value *inner = rc_object_set(v, "inner");
    rc_value_set_string(rc_array_push(rc_object_set(inner, "deep")), "z");
}

static void test_copy_deep(void **state)
{
    (void)state;
    rc_value a = {0}, b = {0};
    build_sample(&a);

    rc_value_copy(&b, &a);
    assert_true(rc_value_equal(&a, &b));
    assert_int_equal(rc_object_count(&b), 4);

    /* Nothing is shared. */
    assert_ptr_not_equal(a.as.obj.items, b.as.obj.items);
    assert_ptr_not_equal(a.as.obj.items[0].key, b.as.obj.items[0].key);
    assert_ptr_not_equal(rc_object_get(&a, "name")->as.str.ptr,
                         rc_object_get(&b, "name")->as.str.ptr);
    assert_ptr_not_equal(rc_object_get(&a, "pos")->as.st.ptr,
                         rc_object_get(&b, "pos")->as.st.ptr);

    /* Changing the copy leaves the original alone, at every depth. */
    rc_value_set_string(rc_object_get(&b, "name"), "changed");
    rc_value_set_int(rc_array_get(rc_object_get(&b, "tags"), 1), 100);
    ((point *)rc_object_get(&b, "pos")->as.st.ptr)->x = 99;
    rc_value_set_string(rc_array_get(rc_object_get(rc_object_get(&b, "inner"), "deep"), 0), "w");
    assert_false(rc_value_equal(&a, &b));

    assert_string_equal(rc_value_get_string(rc_object_get(&a, "name"), NULL), "n");
    assert_int_equal(rc_value_get_int(rc_array_get(rc_object_get(&a, "tags"), 1), 0), 1);
    assert_int_equal(((const point *)rc_object_get(&a, "pos")->as.st.ptr)->x, 10);
    assert_string_equal(rc_value_get_string(rc_array_get(rc_object_get(rc_object_get(&a, "inner"),
                                                                  "deep"), 0), NULL), "z");

    /* And the other way round. */
    rc_value_copy(&b, &a);
    rc_object_remove(&a, "tags");
    assert_int_equal(rc_array_count(rc_object_get(&b, "tags")), 6);

    rc_value_free(&a);
    rc_value_free(&b);
}

static void test_copy_scalars_and_overwrite(void **state)
{
    (void)state;
    rc_value src = {0}, dst = {0};

    build_sample(&dst);           /* owned contents to be freed by the copy */
    rc_value_set_float(&src, -1.25);
    rc_value_copy(&dst, &src);
    assert_int_equal(dst.kind, RC_FLOAT);
    assert_true(rc_value_get_float(&dst, 0.0) == -1.25);

    rc_value_set_bytes(&src, "", 0);
    rc_value_copy(&dst, &src);
    assert_int_equal(dst.kind, RC_BYTES);
    assert_int_equal(dst.as.str.len, 0);
    assert_non_null(dst.as.str.ptr);
    assert_ptr_not_equal(dst.as.str.ptr, src.as.str.ptr);

    /* Copying RC_NULL, or a NULL pointer, gives RC_NULL. */
    rc_value_set_string(&dst, "x");
    rc_value_set_null(&src);
    rc_value_copy(&dst, &src);
    assert_int_equal(dst.kind, RC_NULL);
    rc_value_set_string(&dst, "x");
    rc_value_copy(&dst, NULL);
    assert_int_equal(dst.kind, RC_NULL);

    /* An empty array copies as an empty array. */
    rc_value_set_array(&src);
    rc_value_copy(&dst, &src);
    assert_int_equal(dst.kind, RC_ARRAY);
    assert_int_equal(rc_array_count(&dst), 0);
    rc_value_set_int(rc_array_push(&dst), 1);   /* and can grow */
    assert_int_equal(rc_array_count(&src), 0);

    rc_value_free(&src);
    rc_value_free(&dst);
}

static void test_copy_aliasing(void **state)
{
    (void)state;
    rc_value v = {0}, expect = {0};

    /* Self copy is a no-op. */
    build_sample(&v);
    rc_value_copy(&expect, &v);
    rc_value_copy(&v, &v);
    assert_true(rc_value_equal(&v, &expect));

    /* Source inside the destination: v becomes its own child. */
    rc_value_copy(&v, rc_object_get(&v, "tags"));
    assert_int_equal(v.kind, RC_ARRAY);
    assert_true(rc_value_equal(&v, rc_object_get(&expect, "tags")));

    /* Destination inside the source: a child becomes a copy of its parent. */
    rc_value_free(&v);
    rc_value_set_int(rc_array_push(&v), 1);
    rc_value_set_int(rc_array_push(&v), 2);
    rc_value_copy(rc_array_get(&v, 0), &v);
    assert_int_equal(rc_array_count(&v), 2);
    rc_value *first = rc_array_get(&v, 0);
    assert_int_equal(first->kind, RC_ARRAY);
    assert_int_equal(rc_array_count(first), 2);
    assert_int_equal(rc_value_get_int(rc_array_get(first, 0), 0), 1);
    assert_int_equal(rc_value_get_int(rc_array_get(first, 1), 0), 2);
    assert_int_equal(rc_value_get_int(rc_array_get(&v, 1), 0), 2);

    rc_value_free(&v);
    rc_value_free(&expect);
}

/* ------------------------------------------------------------------------ */
/* Equality                                                                 */
/* ------------------------------------------------------------------------ */

static void test_equal_scalars(void **state)
{
    (void)state;
    rc_value a = {0}, b = {0};

    assert_true(rc_value_equal(&a, &b));
    assert_true(rc_value_equal(&a, NULL));      /* NULL reads as RC_NULL */
    assert_true(rc_value_equal(NULL, NULL));

    rc_value_set_bool(&a, true);
    assert_false(rc_value_equal(&a, &b));
    assert_false(rc_value_equal(&a, NULL));
    rc_value_set_bool(&b, true);
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_bool(&b, false);
    assert_false(rc_value_equal(&a, &b));

    rc_value_set_int(&a, 5);
    rc_value_set_int(&b, 5);
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_int(&b, 6);
    assert_false(rc_value_equal(&a, &b));

    /* Same number, different kinds: not equal. */
    rc_value_set_int(&a, 1);
    rc_value_set_float(&b, 1.0);
    assert_false(rc_value_equal(&a, &b));
    assert_false(rc_value_equal(&b, &a));

    rc_value_set_string(&a, "abc");
    rc_value_set_string(&b, "abc");
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_string(&b, "abd");
    assert_false(rc_value_equal(&a, &b));
    rc_value_set_string(&b, "ab");
    assert_false(rc_value_equal(&a, &b));
    rc_value_set_stringn(&b, "abc\0", 4);      /* differs only past the NUL */
    assert_false(rc_value_equal(&a, &b));
    rc_value_set_string(&a, "");
    rc_value_set_stringn(&b, "zzz", 0);
    assert_true(rc_value_equal(&a, &b));

    /* Embedded NULs: compared by length, not by strcmp. */
    rc_value_set_stringn(&a, "a\0b", 3);
    rc_value_set_stringn(&b, "a\0c", 3);
    assert_false(rc_value_equal(&a, &b));

    /* String and bytes with the same content differ by kind. */
    rc_value_set_string(&a, "abc");
    rc_value_set_bytes(&b, "abc", 3);
    assert_false(rc_value_equal(&a, &b));
    rc_value_set_bytes(&a, "abc", 3);
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_bytes(&a, "abC", 3);
    assert_false(rc_value_equal(&a, &b));

    rc_value_free(&a);
    rc_value_free(&b);
}

static void test_equal_floats(void **state)
{
    (void)state;
    rc_value a = {0}, b = {0};

    rc_value_set_float(&a, 0.1);
    rc_value_set_float(&b, 0.1);
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_float(&b, 0.2);
    assert_false(rc_value_equal(&a, &b));

    /* NaN equals NaN (a setter given NaN twice must see "no change"). */
    rc_value_set_float(&a, NAN);
    rc_value_set_float(&b, NAN);
    assert_true(rc_value_equal(&a, &b));
    assert_true(rc_value_equal(&a, &a));
    rc_value_set_float(&b, 0.0);
    assert_false(rc_value_equal(&a, &b));
    assert_false(rc_value_equal(&b, &a));

    /* NaN with different bits (sign) is still NaN. */
    rc_value_set_float(&b, -NAN);
    assert_true(rc_value_equal(&a, &b));

    /* == semantics for zeros and infinities. */
    rc_value_set_float(&a, 0.0);
    rc_value_set_float(&b, -0.0);
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_float(&a, INFINITY);
    rc_value_set_float(&b, INFINITY);
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_float(&b, -INFINITY);
    assert_false(rc_value_equal(&a, &b));

    /* Inside containers too. */
    rc_value_set_array(&a);
    rc_value_set_float(rc_array_push(&a), NAN);
    rc_value_copy(&b, &a);
    assert_true(rc_value_equal(&a, &b));

    rc_value_free(&a);
    rc_value_free(&b);
}

static void test_equal_arrays(void **state)
{
    (void)state;
    rc_value a = {0}, b = {0};

    rc_value_set_array(&a);
    rc_value_set_array(&b);
    assert_true(rc_value_equal(&a, &b));

    rc_value_set_int(rc_array_push(&a), 1);
    rc_value_set_int(rc_array_push(&a), 2);
    assert_false(rc_value_equal(&a, &b));       /* length differs */
    rc_value_set_int(rc_array_push(&b), 2);
    rc_value_set_int(rc_array_push(&b), 1);
    assert_false(rc_value_equal(&a, &b));       /* order matters */
    rc_array_remove(&b, 0);
    rc_value_set_int(rc_array_push(&b), 2);
    assert_true(rc_value_equal(&a, &b));

    /* Nested difference. */
    rc_value_set_string(rc_array_push(rc_array_push(&a)), "x");
    rc_value_set_string(rc_array_push(rc_array_push(&b)), "y");
    assert_false(rc_value_equal(&a, &b));
    rc_value_set_string(rc_array_get(rc_array_get(&b, 2), 0), "x");
    assert_true(rc_value_equal(&a, &b));

    /* Empty array vs empty object vs null: different kinds. */
    rc_value_set_array(&a);
    rc_value_set_object(&b);
    assert_false(rc_value_equal(&a, &b));
    assert_false(rc_value_equal(&a, NULL));

    rc_value_free(&a);
    rc_value_free(&b);
}

static void test_equal_objects(void **state)
{
    (void)state;
    rc_value a = {0}, b = {0};

    rc_value_set_object(&a);
    rc_value_set_object(&b);
    assert_true(rc_value_equal(&a, &b));

    /* Key order does not matter. */
    rc_value_set_int(rc_object_set(&a, "x"), 1);
    rc_value_set_string(rc_object_set(&a, "y"), "two");
    rc_value_set_string(rc_object_set(&b, "y"), "two");
    assert_false(rc_value_equal(&a, &b));
    rc_value_set_int(rc_object_set(&b, "x"), 1);
    assert_true(rc_value_equal(&a, &b));
    assert_true(rc_value_equal(&b, &a));

    /* Same length, different keys. */
    rc_object_remove(&b, "x");
    rc_value_set_int(rc_object_set(&b, "z"), 1);
    assert_false(rc_value_equal(&a, &b));
    assert_false(rc_value_equal(&b, &a));

    /* Same keys, different value. */
    rc_object_remove(&b, "z");
    rc_value_set_int(rc_object_set(&b, "x"), 2);
    assert_false(rc_value_equal(&a, &b));

    /* a's keys are a subset of b's. */
    rc_value_set_int(rc_object_get(&b, "x"), 1);
    assert_true(rc_value_equal(&a, &b));
    rc_object_set(&b, "extra");
    assert_false(rc_value_equal(&a, &b));
    assert_false(rc_value_equal(&b, &a));

    /* Nested objects in different orders. */
    rc_value_free(&a);
    rc_value_free(&b);
    rc_value *ia = rc_object_set(&a, "inner");
    rc_value_set_bool(rc_object_set(ia, "p"), true);
    rc_value_set_bool(rc_object_set(ia, "q"), false);
    rc_value_set_int(rc_object_set(&a, "n"), 3);
    rc_value_set_int(rc_object_set(&b, "n"), 3);
    rc_value *ib = rc_object_set(&b, "inner");
    rc_value_set_bool(rc_object_set(ib, "q"), false);
    rc_value_set_bool(rc_object_set(ib, "p"), true);
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_bool(rc_object_get(ib, "q"), true);
    assert_false(rc_value_equal(&a, &b));

    rc_value_free(&a);
    rc_value_free(&b);
}

/* ------------------------------------------------------------------------ */
/* Structs                                                                  */
/* ------------------------------------------------------------------------ */

static void test_struct_values(void **state)
{
    (void)state;
    rc_value a = {0}, b = {0};
    point p = {1, 2};

    rc_value_set_struct(&a, &point_type, &p);
    assert_int_equal(a.kind, RC_STRUCT);
    assert_ptr_equal(a.as.st.type, &point_type);
    assert_non_null(a.as.st.ptr);
    assert_ptr_not_equal(a.as.st.ptr, &p);      /* a heap copy */
    assert_memory_equal(a.as.st.ptr, &p, sizeof(p));
    p.x = 50;                                   /* caller's struct is not shared */
    assert_int_equal(((const point *)a.as.st.ptr)->x, 1);

    /* NULL data: all zero bytes. */
    rc_value_set_struct(&b, &point_type, NULL);
    assert_int_equal(b.kind, RC_STRUCT);
    const point zero = {0, 0};
    assert_memory_equal(b.as.st.ptr, &zero, sizeof(zero));
    assert_false(rc_value_equal(&a, &b));

    /* Equal by bytes. */
    p.x = 1;
    rc_value_set_struct(&b, &point_type, &p);
    assert_true(rc_value_equal(&a, &b));
    p.y = 3;
    rc_value_set_struct(&b, &point_type, &p);
    assert_false(rc_value_equal(&a, &b));

    /* Type identity is name + size + version, not the descriptor address. */
    p.y = 2;
    rc_value_set_struct(&b, &point_type_twin, &p);
    assert_true(rc_value_equal(&a, &b));
    rc_value_set_struct(&b, &point_type_v2, &p);
    assert_false(rc_value_equal(&a, &b));
    rc_value_set_struct(&b, &other_type, &p);
    assert_false(rc_value_equal(&a, &b));
    unsigned char wide[sizeof(point) + 4] = {0};
    memcpy(wide, &p, sizeof(p));
    rc_value_set_struct(&b, &point_type_wide, wide);
    assert_false(rc_value_equal(&a, &b));
    assert_false(rc_value_equal(&b, &a));

    /* Copies are deep and keep the type. */
    rc_value_copy(&b, &a);
    assert_ptr_equal(b.as.st.type, &point_type);
    assert_ptr_not_equal(b.as.st.ptr, a.as.st.ptr);
    assert_true(rc_value_equal(&a, &b));
    ((point *)b.as.st.ptr)->y = -1;
    assert_false(rc_value_equal(&a, &b));
    assert_int_equal(((const point *)a.as.st.ptr)->y, 2);

    /* A struct is not an int or a string. */
    assert_false(rc_value_get_bool(&a, false));
    assert_int_equal(rc_value_get_int(&a, 8), 8);

    rc_value_free(&a);
    rc_value_free(&b);
    assert_int_equal(a.kind, RC_NULL);
    assert_null(a.as.st.ptr);
}

/* ------------------------------------------------------------------------ */
/* Arrays                                                                   */
/* ------------------------------------------------------------------------ */

static void test_array_push_at(void **state)
{
    (void)state;
    rc_value v = {0};

    /* Pushing onto RC_NULL makes it an array. */
    rc_value *item = rc_array_push(&v);
    assert_non_null(item);
    assert_int_equal(v.kind, RC_ARRAY);
    assert_int_equal(item->kind, RC_NULL);      /* new items are RC_NULL */
    assert_int_equal(rc_array_count(&v), 1);
    assert_ptr_equal(rc_array_get(&v, 0), item);
    rc_value_set_int(item, 0);

    size_t prev_cap = v.as.arr.cap;
    size_t growths = 0;
    for (int64_t i = 1; i < 1000; i++) {
        item = rc_array_push(&v);
        assert_non_null(item);
        assert_int_equal(item->kind, RC_NULL);
        rc_value_set_int(item, i * 3);
        assert_true(v.as.arr.cap >= v.as.arr.len);
        if (v.as.arr.cap != prev_cap) {
            /* Geometric growth: at least x1.5 each time. */
            assert_true(v.as.arr.cap >= prev_cap + prev_cap / 2);
            prev_cap = v.as.arr.cap;
            growths++;
        }
    }
    assert_int_equal(rc_array_count(&v), 1000);
    assert_true(growths <= 20);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(rc_value_get_int(rc_array_get(&v, i), -1), (int64_t)i * 3);

    /* Out of range. */
    assert_null(rc_array_get(&v, 1000));
    assert_null(rc_array_get(&v, SIZE_MAX));

    rc_value_free(&v);
}

static void test_array_on_other_kinds(void **state)
{
    (void)state;
    rc_value v = {0};

    /* Pushing onto a non-array, non-null value is refused. */
    rc_value_set_int(&v, 5);
    assert_null(rc_array_push(&v));
    assert_int_equal(v.kind, RC_INT);
    assert_int_equal(rc_value_get_int(&v, 0), 5);
    assert_int_equal(rc_array_count(&v), 0);
    assert_null(rc_array_get(&v, 0));

    rc_value_set_string(&v, "s");
    assert_null(rc_array_push(&v));
    rc_array_remove(&v, 0);
    assert_string_equal(rc_value_get_string(&v, NULL), "s");

    /* An object is not an array even though it has items. */
    rc_value_set_object(&v);
    rc_value_set_int(rc_object_set(&v, "a"), 1);
    assert_null(rc_array_push(&v));
    assert_int_equal(rc_array_count(&v), 0);
    assert_null(rc_array_get(&v, 0));
    rc_array_remove(&v, 0);
    assert_int_equal(rc_object_count(&v), 1);

    rc_value_free(&v);
}

static void test_array_remove(void **state)
{
    (void)state;
    rc_value v = {0};
    const char *names[] = {"a", "b", "c", "d", "e"};
    for (size_t i = 0; i < 5; i++)
        rc_value_set_string(rc_array_push(&v), names[i]);

    rc_array_remove(&v, 2);                     /* middle: a b d e */
    assert_int_equal(rc_array_count(&v), 4);
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 0), NULL), "a");
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 1), NULL), "b");
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 2), NULL), "d");
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 3), NULL), "e");
    assert_null(rc_array_get(&v, 4));

    rc_array_remove(&v, 0);                     /* first: b d e */
    assert_int_equal(rc_array_count(&v), 3);
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 0), NULL), "b");

    rc_array_remove(&v, 2);                     /* last: b d */
    assert_int_equal(rc_array_count(&v), 2);
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 1), NULL), "d");

    /* Out of range: nothing happens. */
    rc_array_remove(&v, 2);
    rc_array_remove(&v, SIZE_MAX);
    assert_int_equal(rc_array_count(&v), 2);
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 0), NULL), "b");
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 1), NULL), "d");

    /* Removing a nested container frees it; pushing reuses the slot. */
    rc_value_set_string(rc_object_set(rc_array_push(&v), "k"), "nested");
    rc_array_remove(&v, 2);
    rc_value *fresh = rc_array_push(&v);
    assert_int_equal(fresh->kind, RC_NULL);

    rc_array_remove(&v, 0);
    rc_array_remove(&v, 0);
    rc_array_remove(&v, 0);
    assert_int_equal(rc_array_count(&v), 0);
    assert_int_equal(v.kind, RC_ARRAY);         /* still an (empty) array */
    rc_array_remove(&v, 0);
    assert_int_equal(rc_array_count(&v), 0);

    rc_value_free(&v);
}

/* ------------------------------------------------------------------------ */
/* Objects                                                                  */
/* ------------------------------------------------------------------------ */

static void test_object_set_get(void **state)
{
    (void)state;
    rc_value v = {0};

    /* Setting on RC_NULL makes it an object. */
    rc_value *a = rc_object_set(&v, "a");
    assert_non_null(a);
    assert_int_equal(v.kind, RC_OBJECT);
    assert_int_equal(a->kind, RC_NULL);
    rc_value_set_int(a, 1);
    assert_int_equal(rc_object_count(&v), 1);

    /* The key is copied. */
    char key[] = "bb";
    rc_value_set_int(rc_object_set(&v, key), 2);
    key[0] = 'X';
    assert_null(rc_object_get(&v, "Xb"));
    assert_int_equal(rc_value_get_int(rc_object_get(&v, "bb"), 0), 2);

    /* Existing key: same member, value unchanged. */
    rc_value *again = rc_object_set(&v, "a");
    assert_ptr_equal(again, rc_object_get(&v, "a"));
    assert_int_equal(again->kind, RC_INT);
    assert_int_equal(rc_value_get_int(again, 0), 1);
    assert_int_equal(rc_object_count(&v), 2);

    /* Missing key, prefix of a key, empty key. */
    assert_null(rc_object_get(&v, "c"));
    assert_null(rc_object_get(&v, "b"));
    assert_null(rc_object_get(&v, ""));
    rc_value_set_bool(rc_object_set(&v, ""), true);
    assert_true(rc_value_get_bool(rc_object_get(&v, ""), false));
    assert_null(rc_object_get(&v, NULL));
    assert_null(rc_object_set(&v, NULL));

    /* Insertion order is kept. */
    assert_int_equal(rc_object_count(&v), 3);
    assert_string_equal(v.as.obj.items[0].key, "a");
    assert_string_equal(v.as.obj.items[1].key, "bb");
    assert_string_equal(v.as.obj.items[2].key, "");

    /* Many members: all found after the member array has grown. */
    char name[16];
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        rc_value_set_int(rc_object_set(&v, name), i);
    }
    assert_int_equal(rc_object_count(&v), 203);
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof(name), "k%d", i);
        assert_int_equal(rc_value_get_int(rc_object_get(&v, name), -1), i);
    }
    assert_int_equal(rc_value_get_int(rc_object_get(&v, "a"), 0), 1);

    rc_value_free(&v);
}

static void test_object_on_other_kinds(void **state)
{
    (void)state;
    rc_value v = {0};

    rc_value_set_float(&v, 1.5);
    assert_null(rc_object_set(&v, "a"));
    assert_int_equal(v.kind, RC_FLOAT);
    assert_true(rc_value_get_float(&v, 0.0) == 1.5);
    assert_null(rc_object_get(&v, "a"));
    assert_false(rc_object_remove(&v, "a"));
    assert_int_equal(rc_object_count(&v), 0);

    /* An array is not an object. */
    rc_value_set_array(&v);
    rc_value_set_int(rc_array_push(&v), 1);
    assert_null(rc_object_set(&v, "a"));
    assert_null(rc_object_get(&v, "a"));
    assert_int_equal(rc_object_count(&v), 0);
    assert_int_equal(rc_array_count(&v), 1);

    rc_value_free(&v);
}

static void test_object_remove(void **state)
{
    (void)state;
    rc_value v = {0};

    rc_value_set_string(rc_object_set(&v, "a"), "A");
    rc_value_set_string(rc_object_set(&v, "b"), "B");
    rc_value_set_string(rc_object_set(&v, "c"), "C");
    rc_value_set_string(rc_object_set(&v, "d"), "D");

    assert_true(rc_object_remove(&v, "b"));
    assert_int_equal(rc_object_count(&v), 3);
    assert_null(rc_object_get(&v, "b"));
    assert_false(rc_object_remove(&v, "b"));    /* already gone */
    assert_false(rc_object_remove(&v, "zz"));
    assert_false(rc_object_remove(&v, NULL));
    assert_int_equal(rc_object_count(&v), 3);

    /* The rest keep their values and order. */
    assert_string_equal(v.as.obj.items[0].key, "a");
    assert_string_equal(v.as.obj.items[1].key, "c");
    assert_string_equal(v.as.obj.items[2].key, "d");
    assert_string_equal(rc_value_get_string(rc_object_get(&v, "c"), NULL), "C");
    assert_string_equal(rc_value_get_string(rc_object_get(&v, "d"), NULL), "D");

    assert_true(rc_object_remove(&v, "d"));     /* last */
    assert_true(rc_object_remove(&v, "a"));     /* first */
    assert_int_equal(rc_object_count(&v), 1);
    assert_string_equal(rc_value_get_string(rc_object_get(&v, "c"), NULL), "C");

    /* A removed key can be set again, as a fresh RC_NULL member at the end. */
    rc_value *a = rc_object_set(&v, "a");
    assert_int_equal(a->kind, RC_NULL);
    assert_string_equal(v.as.obj.items[1].key, "a");

    assert_true(rc_object_remove(&v, "c"));
    assert_true(rc_object_remove(&v, "a"));
    assert_int_equal(rc_object_count(&v), 0);
    assert_int_equal(v.kind, RC_OBJECT);        /* still an (empty) object */

    rc_value_free(&v);
}

static void test_object_key_aliasing(void **state)
{
    (void)state;
    rc_value v = {0};

    /* A key taken from a string stored in the same object, while the member
     * array has to grow (4 members fill the first allocation). */
    rc_value_set_string(rc_object_set(&v, "k0"), "from-value");
    rc_value_set_int(rc_object_set(&v, "k1"), 1);
    rc_value_set_int(rc_object_set(&v, "k2"), 2);
    rc_value_set_int(rc_object_set(&v, "k3"), 3);
    rc_value *m = rc_object_set(&v, rc_value_get_string(rc_object_get(&v, "k0"), NULL));
    assert_non_null(m);
    rc_value_set_int(m, 4);
    assert_int_equal(rc_object_count(&v), 5);
    assert_int_equal(rc_value_get_int(rc_object_get(&v, "from-value"), 0), 4);

    /* A key taken from the object's own member key. */
    assert_ptr_equal(rc_object_set(&v, v.as.obj.items[1].key), rc_object_get(&v, "k1"));
    assert_int_equal(rc_object_count(&v), 5);
    assert_true(rc_object_remove(&v, v.as.obj.items[1].key));
    assert_null(rc_object_get(&v, "k1"));

    rc_value_free(&v);
}

/* ------------------------------------------------------------------------ */
/* Nesting                                                                  */
/* ------------------------------------------------------------------------ */

static void test_nested(void **state)
{
    (void)state;
    rc_value todos = {0};

    for (int i = 0; i < 3; i++) {
        rc_value *todo = rc_array_push(&todos);
        char title[16];
        snprintf(title, sizeof(title), "todo %d", i);
        rc_value_set_string(rc_object_set(todo, "title"), title);
        rc_value_set_bool(rc_object_set(todo, "done"), i == 1);
        rc_value *tags = rc_object_set(todo, "tags");
        for (int j = 0; j <= i; j++)
            rc_value_set_int(rc_array_push(tags), j);
    }

    assert_int_equal(rc_array_count(&todos), 3);
    const rc_value *t1 = rc_array_get(&todos, 1);
    assert_string_equal(rc_value_get_string(rc_object_get(t1, "title"), NULL), "todo 1");
    assert_true(rc_value_get_bool(rc_object_get(t1, "done"), false));
    assert_int_equal(rc_array_count(rc_object_get(t1, "tags")), 2);
    const rc_value *t2 = rc_array_get(&todos, 2);
    assert_false(rc_value_get_bool(rc_object_get(t2, "done"), true));
    assert_int_equal(rc_value_get_int(rc_array_get(rc_object_get(t2, "tags"), 2), -1), 2);

    /* Lookups through missing links return NULL/fallback, never crash. */
    assert_null(rc_object_get(rc_array_get(&todos, 9), "title"));
    assert_string_equal(rc_value_get_string(rc_object_get(rc_array_get(&todos, 9), "title"), "none"),
                        "none");
    assert_null(rc_array_get(rc_object_get(t1, "missing"), 0));

    /* Remove the middle todo: the others shift, contents intact. */
    rc_array_remove(&todos, 1);
    assert_int_equal(rc_array_count(&todos), 2);
    assert_string_equal(rc_value_get_string(rc_object_get(rc_array_get(&todos, 1), "title"), NULL),
                        "todo 2");
    assert_int_equal(rc_array_count(rc_object_get(rc_array_get(&todos, 1), "tags")), 3);

    rc_value_free(&todos);
    assert_int_equal(todos.kind, RC_NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_is_null),
        cmocka_unit_test(test_free_resets_to_null),
        cmocka_unit_test(test_set_scalars),
        cmocka_unit_test(test_set_string),
        cmocka_unit_test(test_set_stringn),
        cmocka_unit_test(test_set_bytes),
        cmocka_unit_test(test_setter_aliasing),
        cmocka_unit_test(test_set_array_object_reset),
        cmocka_unit_test(test_readers_null_pointer),
        cmocka_unit_test(test_readers_kind_fallbacks),
        cmocka_unit_test(test_readers_number_conversion),
        cmocka_unit_test(test_copy_deep),
        cmocka_unit_test(test_copy_scalars_and_overwrite),
        cmocka_unit_test(test_copy_aliasing),
        cmocka_unit_test(test_equal_scalars),
        cmocka_unit_test(test_equal_floats),
        cmocka_unit_test(test_equal_arrays),
        cmocka_unit_test(test_equal_objects),
        cmocka_unit_test(test_struct_values),
        cmocka_unit_test(test_array_push_at),
        cmocka_unit_test(test_array_on_other_kinds),
        cmocka_unit_test(test_array_remove),
        cmocka_unit_test(test_object_set_get),
        cmocka_unit_test(test_object_on_other_kinds),
        cmocka_unit_test(test_object_remove),
        cmocka_unit_test(test_object_key_aliasing),
        cmocka_unit_test(test_nested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
