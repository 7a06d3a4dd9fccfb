/*
 * examples/gallery.c through the test kit (include/reactc_test.h): the
 * nav's links, a topic's handlers navigating (push and replace), the
 * query the list reads, a path no route matches, the visit count, and a
 * resume landing on the page the session showed with its count (a
 * resume's first render is no new visit: RC_EFFECT_SKIP_ON_RESUME).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>

#include <cmocka.h>

#include "reactc_test.h"

extern const rc_component gallery_component;

static void links_and_routes(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&gallery_component, NULL, 0);
    assert_non_null(t);
    assert_string_equal(rc_test_get_text_of(t, "#count"), "0"); /* "/" is the counter */
    assert_string_equal(rc_test_get_text_of(t, "#visits"), "1");

    assert_int_equal(rc_test_click(t, rc_test_find_text(t, "Todo")), 0);
    assert_string_equal(rc_test_get_location(t), "/todo");
    assert_int_equal(rc_test_count(t, "section.todo"), 1);
    assert_string_equal(rc_test_get_text_of(t, "nav a.current"), "Todo");
    assert_string_equal(rc_test_get_text_of(t, "#visits"), "2");

    assert_int_equal(rc_test_click(t, rc_test_find_text(t, "Topics")), 0);
    assert_int_equal(rc_test_count(t, "#topics li"), 3);
    assert_int_equal(rc_test_click(t, rc_test_find(t, "#topics a")), 0);
    assert_string_equal(rc_test_get_location(t), "/topics/routing");
    assert_string_equal(rc_test_get_text_of(t, "#topic-title"), "routing");
    assert_int_equal(rc_test_click(t, rc_test_find(t, "#next-topic")), 0);
    assert_string_equal(rc_test_get_location(t), "/topics/resume");
    assert_int_equal(rc_test_click(t, rc_test_find(t, "#leave-topic")), 0);
    assert_string_equal(rc_test_get_location(t), "/topics?from=resume");
    assert_string_equal(rc_test_get_text_of(t, "#from"), "Last read: resume");

    assert_int_equal(rc_test_navigate(t, "/nowhere"), 0);
    assert_int_equal(rc_test_count(t, "#not-found"), 1);
    assert_string_equal(rc_test_get_text_of(t, "#visits"), "7");
    rc_test_free(t);
}

static void a_resume_lands_on_the_same_page(void **state) {
    (void)state;
    rc_test *t = rc_test_new_at(&gallery_component, NULL, 0, "/counter");
    assert_non_null(t);
    assert_int_equal(rc_test_click(t, rc_test_find(t, "#increment")), 0);
    assert_int_equal(rc_test_click(t, rc_test_find_text(t, "Topics")), 0);
    assert_int_equal(rc_test_click(t, rc_test_find_text(t, "stores")), 0);
    assert_string_equal(rc_test_get_text_of(t, "#visits"), "3");

    assert_int_equal(rc_test_resume(t), 0);
    assert_string_equal(rc_test_get_location(t), "/topics/stores");
    assert_string_equal(rc_test_get_text_of(t, "#topic-title"), "stores");
    assert_string_equal(rc_test_get_text_of(t, "#visits"), "3");
    /* The counter was left (unmounted): it starts fresh when shown again. */
    assert_int_equal(rc_test_click(t, rc_test_find_text(t, "Counter")), 0);
    assert_string_equal(rc_test_get_text_of(t, "#count"), "0");
    assert_string_equal(rc_test_get_text_of(t, "#visits"), "4");
    rc_test_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(links_and_routes),
        cmocka_unit_test(a_resume_lands_on_the_same_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
