/*
 * examples/counter.c through the test kit (include/reactc_test.h): what a
 * user does, what the page shows, and the count surviving a resume.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>

#include <cmocka.h>

#include "reactc_test.h"

extern const rc_component counter_component;

static void clicks_count(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&counter_component, NULL, 0);
    assert_non_null(t);
    assert_string_equal(rc_test_get_text_of(t, "#count"), "0");
    assert_string_equal(rc_test_get_text_of(t, "button#increment"), "+1");
    assert_int_equal(rc_test_click(t, rc_test_find_text(t, "+1")), 0);
    assert_int_equal(rc_test_click(t, rc_test_find(t, "#increment")), 0);
    assert_string_equal(rc_test_get_text_of(t, "#count"), "2");
    assert_int_equal(rc_test_count(t, "#user"), 0); /* no login */
    rc_test_free(t);
}

static void the_count_survives_a_resume(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&counter_component, NULL, 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(rc_test_click(t, rc_test_find(t, "#increment")), 0);
    assert_int_equal(rc_test_resume(t), 0);
    assert_string_equal(rc_test_get_text_of(t, "#count"), "3");
    /* And goes on from there. */
    assert_int_equal(rc_test_click(t, rc_test_find(t, "#increment")), 0);
    assert_string_equal(rc_test_get_text_of(t, "#count"), "4");
    rc_test_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clicks_count),
        cmocka_unit_test(the_count_survives_a_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
