/*
 * Unit tests for rc_value (src/core/value.c): arrays (push, growth,
 * remove), objects (set, get, remove, key aliasing), both refused on other
 * kinds, and values nested in each other. The null value, setters and
 * readers are in test_value_basics.c, copy and equality in
 * test_value_copy_equal.c.
 *
 * Leaks and use-after-free are caught by running this program under ASan or
 * valgrind; the assertions here check contents and ownership rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "reactc_layout.h"

/* ------------------------------------------------------------------------ */
/* Arrays                                                                   */
/* ------------------------------------------------------------------------ */

static void test_array_push_at(void **state) {
    (void)state;
    rc_value v = {0};

    /* Pushing onto RC_NULL makes it an array. */
    rc_value *item = rc_array_push(&v);
    assert_non_null(item);
    assert_int_equal(v.kind, RC_ARRAY);
    assert_int_equal(item->kind, RC_NULL); /* new items are RC_NULL */
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

static void test_array_on_other_kinds(void **state) {
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

static void test_array_remove(void **state) {
    (void)state;
    rc_value v = {0};
    const char *names[] = {"a", "b", "c", "d", "e"};
    for (size_t i = 0; i < 5; i++) rc_value_set_string(rc_array_push(&v), names[i]);

    rc_array_remove(&v, 2); /* middle: a b d e */
    assert_int_equal(rc_array_count(&v), 4);
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 0), NULL), "a");
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 1), NULL), "b");
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 2), NULL), "d");
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 3), NULL), "e");
    assert_null(rc_array_get(&v, 4));

    rc_array_remove(&v, 0); /* first: b d e */
    assert_int_equal(rc_array_count(&v), 3);
    assert_string_equal(rc_value_get_string(rc_array_get(&v, 0), NULL), "b");

    rc_array_remove(&v, 2); /* last: b d */
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
    assert_int_equal(v.kind, RC_ARRAY); /* still an (empty) array */
    rc_array_remove(&v, 0);
    assert_int_equal(rc_array_count(&v), 0);

    rc_value_free(&v);
}

/* ------------------------------------------------------------------------ */
/* Objects                                                                  */
/* ------------------------------------------------------------------------ */

static void test_object_set_get(void **state) {
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

static void test_object_on_other_kinds(void **state) {
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

static void test_object_remove(void **state) {
    (void)state;
    rc_value v = {0};

    rc_value_set_string(rc_object_set(&v, "a"), "A");
    rc_value_set_string(rc_object_set(&v, "b"), "B");
    rc_value_set_string(rc_object_set(&v, "c"), "C");
    rc_value_set_string(rc_object_set(&v, "d"), "D");

    assert_true(rc_object_remove(&v, "b"));
    assert_int_equal(rc_object_count(&v), 3);
    assert_null(rc_object_get(&v, "b"));
    assert_false(rc_object_remove(&v, "b")); /* already gone */
    assert_false(rc_object_remove(&v, "zz"));
    assert_false(rc_object_remove(&v, NULL));
    assert_int_equal(rc_object_count(&v), 3);

    /* The rest keep their values and order. */
    assert_string_equal(v.as.obj.items[0].key, "a");
    assert_string_equal(v.as.obj.items[1].key, "c");
    assert_string_equal(v.as.obj.items[2].key, "d");
    assert_string_equal(rc_value_get_string(rc_object_get(&v, "c"), NULL), "C");
    assert_string_equal(rc_value_get_string(rc_object_get(&v, "d"), NULL), "D");

    assert_true(rc_object_remove(&v, "d")); /* last */
    assert_true(rc_object_remove(&v, "a")); /* first */
    assert_int_equal(rc_object_count(&v), 1);
    assert_string_equal(rc_value_get_string(rc_object_get(&v, "c"), NULL), "C");

    /* A removed key can be set again, as a fresh RC_NULL member at the end. */
    rc_value *a = rc_object_set(&v, "a");
    assert_int_equal(a->kind, RC_NULL);
    assert_string_equal(v.as.obj.items[1].key, "a");

    assert_true(rc_object_remove(&v, "c"));
    assert_true(rc_object_remove(&v, "a"));
    assert_int_equal(rc_object_count(&v), 0);
    assert_int_equal(v.kind, RC_OBJECT); /* still an (empty) object */

    rc_value_free(&v);
}

static void test_object_key_aliasing(void **state) {
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

static void test_nested(void **state) {
    (void)state;
    rc_value todos = {0};

    for (int i = 0; i < 3; i++) {
        rc_value *todo = rc_array_push(&todos);
        char title[16];
        snprintf(title, sizeof(title), "todo %d", i);
        rc_value_set_string(rc_object_set(todo, "title"), title);
        rc_value_set_bool(rc_object_set(todo, "done"), i == 1);
        rc_value *tags = rc_object_set(todo, "tags");
        for (int j = 0; j <= i; j++) rc_value_set_int(rc_array_push(tags), j);
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
    assert_string_equal(
        rc_value_get_string(rc_object_get(rc_array_get(&todos, 9), "title"), "none"), "none");
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_array_push_at),         cmocka_unit_test(test_array_on_other_kinds),
        cmocka_unit_test(test_array_remove),          cmocka_unit_test(test_object_set_get),
        cmocka_unit_test(test_object_on_other_kinds), cmocka_unit_test(test_object_remove),
        cmocka_unit_test(test_object_key_aliasing),   cmocka_unit_test(test_nested),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
