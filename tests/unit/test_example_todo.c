/*
 * examples/todo.c through the test kit (include/reactc_test.h): typing,
 * adding by the form (Enter or the Add button), toggling and deleting
 * rows, the count of items left, and the list and the draft surviving a
 * resume.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>

#include <cmocka.h>

#include "reactc_test.h"

extern const rc_component todo_component;

static int add(rc_test *t, const char *text) {
    if (rc_test_input(t, rc_test_find(t, "#new-todo"), text) < 0) return -1;
    return rc_test_click(t, rc_test_find_text(t, "Add")); /* a submit button: the form submits */
}

static void adding_toggling_deleting(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&todo_component, NULL, 0);
    assert_non_null(t);
    assert_int_equal(rc_test_count(t, "#todos li"), 0);
    assert_int_equal(add(t, "milk"), 0);
    assert_int_equal(add(t, "eggs"), 0);
    /* Enter in the field submits the form too. */
    assert_int_equal(rc_test_input(t, rc_test_find(t, "#new-todo"), "bread"), 0);
    assert_int_equal(rc_test_submit(t, rc_test_find(t, "#new-todo"), NULL), 0);
    assert_int_equal(rc_test_count(t, "#todos li"), 3);
    assert_string_equal(rc_test_get_text_of(t, "#todos li span.text"), "milk");
    assert_string_equal(rc_test_get_attr(rc_test_find(t, "#new-todo"), "value"), "");
    assert_string_equal(rc_test_get_text_of(t, "#remaining"), "3");

    /* A blank draft adds nothing. */
    assert_int_equal(add(t, "   "), 0);
    assert_int_equal(rc_test_count(t, "#todos li"), 3);

    assert_int_equal(rc_test_check(t, rc_test_find_nth(t, "#todos li input.toggle", 1), true), 0);
    assert_int_equal(rc_test_count(t, "#todos li.done"), 1);
    assert_string_equal(rc_test_get_text_of(t, "li.done span.text"), "eggs");
    assert_string_equal(rc_test_get_text_of(t, "#remaining"), "2");
    assert_non_null(rc_test_get_attr(rc_test_find(t, "li.done input.toggle"), "checked"));

    assert_int_equal(rc_test_click(t, rc_test_find(t, "#todos li button.delete")), 0);
    assert_int_equal(rc_test_count(t, "#todos li"), 2);
    assert_string_equal(rc_test_get_text_of(t, "#todos li span.text"), "eggs");
    assert_string_equal(rc_test_get_text_of(t, "p.footer"), "1 item left");
    rc_test_free(t);
}

static void the_list_and_the_draft_survive_a_resume(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&todo_component, NULL, 0);
    assert_int_equal(add(t, "milk"), 0);
    assert_int_equal(add(t, "eggs"), 0);
    assert_int_equal(rc_test_check(t, rc_test_find(t, "#todos li input.toggle"), true), 0);
    assert_int_equal(rc_test_input(t, rc_test_find(t, "#new-todo"), "half-typ"), 0);

    assert_int_equal(rc_test_resume(t), 0);
    assert_int_equal(rc_test_count(t, "#todos li"), 2);
    assert_string_equal(rc_test_get_text_of(t, "li.done span.text"), "milk");
    assert_string_equal(rc_test_get_text_of(t, "li.open span.text"), "eggs");
    assert_string_equal(rc_test_get_text_of(t, "#remaining"), "1");
    assert_string_equal(rc_test_get_attr(rc_test_find(t, "#new-todo"), "value"), "half-typ");
    /* Ids go on after the restored ones: a new row is a third row. */
    assert_int_equal(add(t, "bread"), 0);
    assert_int_equal(rc_test_count(t, "#todos li"), 3);
    assert_string_equal(rc_test_get_text_of(t, "#todos"), "milk"
                                                          "\xc3\x97"
                                                          "eggs"
                                                          "\xc3\x97"
                                                          "bread"
                                                          "\xc3\x97");
    rc_test_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(adding_toggling_deleting),
        cmocka_unit_test(the_list_and_the_draft_survive_a_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
