/*
 * examples/dashboard.c through the test kit (include/reactc_test.h). The
 * device's fan and settings are stores: the process's, shared by every
 * session (two kits here see each other's writes) and kept by a resume
 * as the process keeps them. The details panel and its note are the tab's
 * own slots: they come back from the token. The sensor thread publishes
 * the temperature, which only rc_store_drain applies: no test drains, so
 * the readings stay put.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "reactc_test.h"

extern const rc_component dashboard_component;

static void the_fan_is_the_device_s(void **state) {
    (void)state;
    rc_test *a = rc_test_new(&dashboard_component, NULL, 0);
    rc_test *b = rc_test_new(&dashboard_component, NULL, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(rc_test_get_text_of(a, "#fan-state"), "off");
    assert_string_equal(rc_test_get_text_of(a, "#fan"), "Turn fan on");
    assert_int_equal(rc_test_click(a, rc_test_find(a, "#fan")), 0);
    assert_string_equal(rc_test_get_text_of(a, "#fan-state"), "on");
    assert_string_equal(rc_test_get_attr(rc_test_find(a, "#fan"), "aria-pressed"), "true");
    assert_string_equal(rc_test_get_text_of(a, "#fan-toggles"), "1");
    /* The other tab sees it once it renders (the server flushes it). */
    rc_test_flush(b);
    assert_string_equal(rc_test_get_text_of(b, "#fan-state"), "on");
    assert_int_equal(rc_test_click(b, rc_test_find(b, "#fan")), 0);
    rc_test_flush(a);
    assert_string_equal(rc_test_get_text_of(a, "#fan-state"), "off");
    assert_string_equal(rc_test_get_text_of(a, "#fan-toggles"), "2");
    rc_test_free(a);
    rc_test_free(b);
}

static void settings_change_what_is_shown(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&dashboard_component, NULL, 0);
    assert_int_equal(rc_test_input(t, rc_test_find(t, "#name"), "shed-2"), 0);
    assert_string_equal(rc_test_get_text_of(t, "h1"), "Device shed-2");
    const char *c = rc_test_get_text_of(t, "#temperature");
    assert_non_null(strstr(c, "\xc2\xb0"
                              "C"));
    assert_int_equal(rc_test_input(t, rc_test_find(t, "#unit"), "F"), 0);
    assert_non_null(strstr(rc_test_get_text_of(t, "#temperature"), "\xc2\xb0"
                                                                   "F"));
    assert_string_equal(rc_test_get_attr(rc_test_find(t, "#unit"), "value"), "F");
    assert_int_equal(rc_test_check(t, rc_test_find(t, "#alerts"), true), 0);
    assert_non_null(rc_test_get_attr(rc_test_find(t, "#alerts"), "checked"));
    assert_int_equal(rc_test_input(t, rc_test_find(t, "#unit"), "C"), 0);
    rc_test_free(t);
}

static void the_tab_s_panel_survives_a_resume(void **state) {
    (void)state;
    rc_test *t = rc_test_new(&dashboard_component, NULL, 0);
    assert_int_equal(rc_test_count(t, "#details-panel"), 0);
    assert_int_equal(rc_test_click(t, rc_test_find_text(t, "Show details")), 0);
    assert_string_equal(rc_test_get_attr(rc_test_find(t, "#details"), "aria-expanded"), "true");
    assert_int_equal(rc_test_input(t, rc_test_find(t, "#details-panel #note"), "check the vent"),
                     0);
    assert_int_equal(rc_test_click(t, rc_test_find(t, "#fan")), 0);
    const char *fan_before = rc_test_get_text_of(t, "#fan-state");
    char fan[8];
    strcpy(fan, fan_before);

    assert_int_equal(rc_test_resume(t), 0);
    assert_int_equal(rc_test_count(t, "#details-panel"), 1);
    assert_string_equal(rc_test_get_attr(rc_test_find(t, "#note"), "value"), "check the vent");
    assert_string_equal(rc_test_get_text_of(t, "#details"), "Hide details");
    assert_string_equal(rc_test_get_text_of(t, "#fan-state"), fan); /* the store, kept */
    rc_test_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_fan_is_the_device_s),
        cmocka_unit_test(settings_change_what_is_shown),
        cmocka_unit_test(the_tab_s_panel_survives_a_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
