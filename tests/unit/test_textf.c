/*
 * Unit tests for rc_textf and rc_attrf (src/core/builder.c): a lone number
 * or string is written without vsnprintf, exactly as printf writes it.
 *
 * Leaks and use-after-free are caught by running this program under ASan or
 * valgrind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "reactc_layout.h"

#include "harness.h"
#include "hook_helpers.h"
#include "layout_driver.h"
#include "strlog.h"

/* rc_textf and rc_attrf write a lone number or string without vsnprintf
 * (builder.c): the text must be exactly what printf writes. */
static void Fmt(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "i", .id = "d1") { rc_textf(ctx, "%d", INT_MIN); }
        RC_EL(ctx, "i", .id = "d2") { rc_textf(ctx, "%d", 0); }
        RC_EL(ctx, "i", .id = "d3") { rc_textf(ctx, "%d", INT_MAX); }
        RC_EL(ctx, "i", .id = "ld") { rc_textf(ctx, "%ld", LONG_MIN); }
        RC_EL(ctx, "i", .id = "lld1") { rc_textf(ctx, "%lld", LLONG_MIN); }
        RC_EL(ctx, "i", .id = "lld2") { rc_textf(ctx, "%lld", -7LL); }
        RC_EL(ctx, "i", .id = "u") { rc_textf(ctx, "%u", UINT_MAX); }
        RC_EL(ctx, "i", .id = "lu") { rc_textf(ctx, "%lu", ULONG_MAX); }
        RC_EL(ctx, "i", .id = "llu") { rc_textf(ctx, "%llu", ULLONG_MAX); }
        RC_EL(ctx, "i", .id = "zu") { rc_textf(ctx, "%zu", (size_t)12345); }
        RC_EL(ctx, "i", .id = "s") { rc_textf(ctx, "%s", "plain"); }
        RC_EL(ctx, "i", .id = "mixed") { rc_textf(ctx, "%d%%", 5); }
        RC_EL(ctx, "i", .id = "attr") { rc_attrf(ctx, "data-n", "%lld", 42LL); }
    }
}
static RC_COMPONENT(Fmt);

static void test_textf_formats(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Fmt_component, NULL, 0);
    flush_commit(l);
    char want[64];
    snprintf(want, sizeof want, "%d", INT_MIN);
    assert_string_equal(text_of(l, "d1"), want);
    assert_string_equal(text_of(l, "d2"), "0");
    snprintf(want, sizeof want, "%d", INT_MAX);
    assert_string_equal(text_of(l, "d3"), want);
    snprintf(want, sizeof want, "%ld", LONG_MIN);
    assert_string_equal(text_of(l, "ld"), want);
    assert_string_equal(text_of(l, "lld1"), "-9223372036854775808");
    assert_string_equal(text_of(l, "lld2"), "-7");
    snprintf(want, sizeof want, "%u", UINT_MAX);
    assert_string_equal(text_of(l, "u"), want);
    snprintf(want, sizeof want, "%lu", ULONG_MAX);
    assert_string_equal(text_of(l, "lu"), want);
    assert_string_equal(text_of(l, "llu"), "18446744073709551615");
    assert_string_equal(text_of(l, "zu"), "12345");
    assert_string_equal(text_of(l, "s"), "plain");
    assert_string_equal(text_of(l, "mixed"), "5%");
    const rc_node *attr = find(l, "attr");
    assert_non_null(attr);
    bool found = false;
    for (size_t i = 0; i < rc_node_count_attrs(attr); i++) {
        if (strcmp(rc_node_get_attr_name(attr, i), "data-n") == 0) {
            assert_string_equal(rc_node_get_attr_value(attr, i), "42");
            found = true;
        }
    }
    assert_true(found);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_textf_formats, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
