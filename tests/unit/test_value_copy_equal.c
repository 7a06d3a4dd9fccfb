/*
 * Unit tests for rc_value (src/core/value.c): deep copies (aliasing
 * included), equality of every kind, and struct values (type identity,
 * copies). The null value, setters and readers are in test_value_basics.c,
 * arrays and objects in test_value_containers.c.
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
/* Copy                                                                     */
/* ------------------------------------------------------------------------ */

/* {"name": "n", "tags": ["x", 1, 2.5, true, null, b"\0\1"], "pos": point,
 *  "inner": {"deep": ["z"]}} */
static void build_sample(rc_value *v) {
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

static void test_copy_deep(void **state) {
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
    assert_ptr_not_equal(rc_object_get(&a, "pos")->as.st.ptr, rc_object_get(&b, "pos")->as.st.ptr);

    /* Changing the copy leaves the original alone, at every depth. */
    rc_value_set_string(rc_object_get(&b, "name"), "changed");
    rc_value_set_int(rc_array_get(rc_object_get(&b, "tags"), 1), 100);
    ((point *)rc_object_get(&b, "pos")->as.st.ptr)->x = 99;
    rc_value_set_string(rc_array_get(rc_object_get(rc_object_get(&b, "inner"), "deep"), 0), "w");
    assert_false(rc_value_equal(&a, &b));

    assert_string_equal(rc_value_get_string(rc_object_get(&a, "name"), NULL), "n");
    assert_int_equal(rc_value_get_int(rc_array_get(rc_object_get(&a, "tags"), 1), 0), 1);
    assert_int_equal(((const point *)rc_object_get(&a, "pos")->as.st.ptr)->x, 10);
    assert_string_equal(
        rc_value_get_string(rc_array_get(rc_object_get(rc_object_get(&a, "inner"), "deep"), 0),
                            NULL),
        "z");

    /* And the other way round. */
    rc_value_copy(&b, &a);
    rc_object_remove(&a, "tags");
    assert_int_equal(rc_array_count(rc_object_get(&b, "tags")), 6);

    rc_value_free(&a);
    rc_value_free(&b);
}

static void test_copy_scalars_and_overwrite(void **state) {
    (void)state;
    rc_value src = {0}, dst = {0};

    build_sample(&dst); /* owned contents to be freed by the copy */
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
    rc_value_set_int(rc_array_push(&dst), 1); /* and can grow */
    assert_int_equal(rc_array_count(&src), 0);

    rc_value_free(&src);
    rc_value_free(&dst);
}

static void test_copy_aliasing(void **state) {
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

static void test_equal_scalars(void **state) {
    (void)state;
    rc_value a = {0}, b = {0};

    assert_true(rc_value_equal(&a, &b));
    assert_true(rc_value_equal(&a, NULL)); /* NULL reads as RC_NULL */
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
    rc_value_set_stringn(&b, "abc\0", 4); /* differs only past the NUL */
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

static void test_equal_floats(void **state) {
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

static void test_equal_arrays(void **state) {
    (void)state;
    rc_value a = {0}, b = {0};

    rc_value_set_array(&a);
    rc_value_set_array(&b);
    assert_true(rc_value_equal(&a, &b));

    rc_value_set_int(rc_array_push(&a), 1);
    rc_value_set_int(rc_array_push(&a), 2);
    assert_false(rc_value_equal(&a, &b)); /* length differs */
    rc_value_set_int(rc_array_push(&b), 2);
    rc_value_set_int(rc_array_push(&b), 1);
    assert_false(rc_value_equal(&a, &b)); /* order matters */
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

static void test_equal_objects(void **state) {
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

static void test_struct_values(void **state) {
    (void)state;
    rc_value a = {0}, b = {0};
    point p = {1, 2};

    rc_value_set_struct(&a, &point_type, &p);
    assert_int_equal(a.kind, RC_STRUCT);
    assert_ptr_equal(a.as.st.type, &point_type);
    assert_non_null(a.as.st.ptr);
    assert_ptr_not_equal(a.as.st.ptr, &p); /* a heap copy */
    assert_memory_equal(a.as.st.ptr, &p, sizeof(p));
    p.x = 50; /* caller's struct is not shared */
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_deep),     cmocka_unit_test(test_copy_scalars_and_overwrite),
        cmocka_unit_test(test_copy_aliasing), cmocka_unit_test(test_equal_scalars),
        cmocka_unit_test(test_equal_floats),  cmocka_unit_test(test_equal_arrays),
        cmocka_unit_test(test_equal_objects), cmocka_unit_test(test_struct_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
