/*
 * Unit tests for rc_value (src/core/value.c): the null value and freeing,
 * the setters (ownership of the copied content, aliasing) and the readers
 * (kind fallbacks, number conversion). Copy and equality are in
 * test_value_copy_equal.c, arrays and objects in test_value_containers.c.
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

#include "reactc_layout.h"

typedef struct point {
    int32_t x, y;
} point;

static const rc_struct_type point_type = {"point", sizeof(point), 1};

/* ------------------------------------------------------------------------ */
/* Null, free                                                               */
/* ------------------------------------------------------------------------ */

static void test_zero_is_null(void **state) {
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
    rc_value_free(NULL); /* must not crash */
}

static void test_free_resets_to_null(void **state) {
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

static void test_set_scalars(void **state) {
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

static void test_set_string(void **state) {
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

static void test_set_stringn(void **state) {
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

static void test_set_bytes(void **state) {
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

static void test_setter_aliasing(void **state) {
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

static void test_set_array_object_reset(void **state) {
    (void)state;
    rc_value v = {0};

    rc_value_set_int(rc_array_push(&v), 1);
    rc_value_set_int(rc_array_push(&v), 2);
    rc_value_set_array(&v);
    assert_int_equal(v.kind, RC_ARRAY);
    assert_int_equal(rc_array_count(&v), 0);
    assert_null(rc_array_get(&v, 0));

    rc_value_set_int(rc_object_set(&v, "a"), 1); /* v is an array: refused */
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

static void test_readers_null_pointer(void **state) {
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

static void test_readers_kind_fallbacks(void **state) {
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

static void test_readers_number_conversion(void **state) {
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
    rc_value_set_float(&v, 9223372036854775808.0); /* 2^63: just past max */
    assert_true(rc_value_get_int(&v, 0) == INT64_MAX);
    rc_value_set_float(&v, -9223372036854775808.0); /* -2^63: exactly min */
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

int main(void) {
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
