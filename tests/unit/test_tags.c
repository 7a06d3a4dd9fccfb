/*
 * Unit tests for the static tag table (src/core/tags.c): every entry sits
 * under its own length (a lookup compares only that many bytes), no entry
 * repeats, a common tag is found as the table's pointer, and prefixes,
 * extensions and case variants of common tags are not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/internal.h"

static void test_tags_table_is_consistent(void **state) {
    (void)state;
    size_t total = 0;
    for (size_t len = 0; len < 64; len++) {
        const char *const *t = rc_tags_of_length(len);
        for (; t && *t; t++) {
            assert_int_equal(strlen(*t), len);
            assert_ptr_equal(rc_tag_intern(*t, len), *t);
            char copy[64];
            memcpy(copy, *t, len + 1);
            assert_ptr_equal(rc_tag_intern(copy, len), *t); /* by content */
            for (size_t l2 = 0; l2 < 64; l2++)              /* no repeats */
                for (const char *const *u = rc_tags_of_length(l2); u && *u; u++)
                    if (u != t) assert_true(strcmp(*u, *t) != 0);
            total++;
        }
    }
    assert_true(total > 100);
}

static void test_tags_only_exact_names(void **state) {
    (void)state;
    assert_non_null(rc_tag_intern("span", 4));
    assert_non_null(rc_tag_intern("clipPath", 8));
    assert_null(rc_tag_intern("spa", 3));
    assert_null(rc_tag_intern("spans", 5));
    assert_null(rc_tag_intern("SPAN", 4));
    assert_null(rc_tag_intern("my-element", 10));
    assert_null(rc_tag_intern("", 0));
    /* Only len bytes are read: "tdx" as a 2-byte tag is "td". */
    assert_string_equal(rc_tag_intern("tdx", 2), "td");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tags_table_is_consistent),
        cmocka_unit_test(test_tags_only_exact_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
