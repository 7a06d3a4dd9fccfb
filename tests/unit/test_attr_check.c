/*
 * Unit tests for the attributes the browser client refuses (issue 13,
 * src/core/attr_check.c): the verdict, which mirrors the client's
 * (client/src/attrs.ts, proven in Chromium by tests/e2e/xss.test.mjs), and
 * the server's warning, logged once per process and kind however many
 * renders and layouts repeat the mistake.
 *
 * The warnings are per process: this program's tests run in the order of
 * main(), and only test_reported_once_per_process renders refused
 * attributes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "reactc_layout.h"

#include "core/attr_check.h"
#include "harness.h"
#include "layout_driver.h"

static struct { rc_state *mode; } G;

/* ------------------------------------------------------------------------ */
/* The verdict                                                              */
/* ------------------------------------------------------------------------ */

static rc_attr_verdict verdict(const char *name, const char *value) {
    return rc_attr_classify(name, value, strlen(value), NULL, 0);
}

static void test_on_names(void **state) {
    (void)state;
    const char *names[] = {"onclick",     "onmouseover", "ONMOUSEOVER", "OnClick",
                           "onMouseOver", "on",          "onion"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        assert_int_equal(verdict(names[i], "x()"), RC_ATTR_ON_NAME);
    const char *fine[] = {"o", "", "data-on", "class", "aria-label", "data-onclick", "xon"};
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
        assert_int_equal(verdict(fine[i], "x()"), RC_ATTR_OK);
}

static void test_url_schemes(void **state) {
    (void)state;
    /* As the browser's URL parser reads them: case, leading controls and
     * spaces, tabs and newlines inside the scheme. */
    const char *bad[] = {"javascript:alert(1)",
                         "JaVaScRiPt:alert(1)",
                         " javascript:x",
                         "\x01\x1f javascript:x",
                         "java\tscript:x",
                         "java\nscr\ript:x",
                         "data:text/html,<script>x</script>",
                         "vbscript:msgbox(1)",
                         "file:///etc/passwd",
                         "about:blank",
                         "blob:http://h/x",
                         "httpx:x",
                         "a-very-long-scheme-name-indeed:x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char scheme[16] = "unset";
        assert_int_equal(rc_attr_classify("href", bad[i], strlen(bad[i]), scheme, sizeof scheme),
                         RC_ATTR_BAD_URL);
        assert_true(strlen(scheme) > 0 && strlen(scheme) < sizeof scheme);
    }
    char scheme[16];
    rc_attr_classify("src", "\tJa\nvaScript:1", 14, scheme, sizeof scheme);
    assert_string_equal(scheme, "javascript");
    const char *good[] = {"http://example.com/",
                          "HTTPS://example.com",
                          "mailto:a@example.com",
                          "tel:+15550100",
                          "/path?x=1",
                          "page.html",
                          "//example.com/p",
                          "#frag",
                          "?q=1",
                          "",
                          "./a:b",
                          "1http:x",
                          "javascript&colon;x",
                          "java\x01script:x",
                          " http:x"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_int_equal(verdict("href", good[i]), RC_ATTR_OK);
    /* Every URL attribute, any case; other attributes take any value. */
    const char *urls[] = {"href",       "HREF",       "xlink:href", "src",     "action",
                          "formaction", "formAction", "data",       "poster",  "cite",
                          "background", "codebase",   "manifest",   "longdesc"};
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++)
        assert_int_equal(verdict(urls[i], "javascript:x"), RC_ATTR_BAD_URL);
    const char *others[] = {"title", "data-href", "srcset", "hreflang", "alt", "value"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        assert_int_equal(verdict(others[i], "javascript:x"), RC_ATTR_OK);
    /* The length bounds the value: what follows is not read. */
    assert_int_equal(rc_attr_classify("href", "javascript:x", 4, NULL, 0), RC_ATTR_OK);
}

/* ------------------------------------------------------------------------ */
/* Reported once per process                                                */
/* ------------------------------------------------------------------------ */

/* mode 0: safe attributes; 1: on* names too; 2: refused URLs too. */
static void Links(rc_ctx *ctx, const void *props) {
    (void)props;
    G.mode = rc_use_int(ctx, "mode", 0);
    int64_t mode = rc_state_get_int(G.mode);
    RC_EL(ctx, "a", .id = "safe", .href = "https://example.com/") {
        rc_attr(ctx, "title", "javascript:not a url attribute");
        rc_attr(ctx, "data-onclick", "not an on* name");
        rc_attrf(ctx, "src", "/img/%d.png", 3);
        rc_attr(ctx, "action", "mailto:a@example.com");
        rc_attr(ctx, "cite", "tel:+15550100");
    }
    if (mode >= 1) {
        RC_EL(ctx, "div", .id = "on") {
            /* A name from data: its newline must not forge a log line. */
            rc_attr(ctx, "onmouseover\nreactc error: forged", "alert(1)");
            rc_attr(ctx, "ONCLICK", "alert(2)");
        }
    }
    if (mode >= 2) {
        RC_EL(ctx, "a", .id = "js", .href = " JaVa\tScRiPt:alert(3)") {}
        RC_EL(ctx, "iframe") { rc_attrf(ctx, "src", "data:text/html,%d", 4); }
    }
}
static RC_COMPONENT(Links);

static size_t warnings_with(const char *needle) {
    size_t n = 0;
    for (const char *p = test_log.all; (p = strstr(p, needle)) != NULL; p++) n++;
    return n;
}

static void test_reported_once_per_process(void **state) {
    (void)state;
    rc_layout *a = new_layout(&Links_component, NULL, 0);
    flush_commit(a);
    expect_no_errors_or_warnings(); /* safe values are not reported */

    rc_state_set_int(G.mode, 1);
    flush_commit(a);
    assert_int_equal(test_log.n[RC_LOG_WARN], 1);
    const char *w = test_log.last[RC_LOG_WARN];
    assert_non_null(strstr(w, "Links: attribute \"onmouseover?reactc error: forged\" is never"));
    assert_null(strchr(w, '\n'));
    assert_non_null(strstr(w, "rc_on_event"));

    /* The same mistake again: in another render, in another layout. */
    rc_state_set_int(G.mode, 0);
    flush_commit(a);
    rc_state_set_int(G.mode, 1);
    flush_commit(a);
    rc_layout *b = new_layout(&Links_component, NULL, 0);
    flush_commit(b);
    rc_state_set_int(G.mode, 1);
    flush_commit(b);
    assert_int_equal(test_log.n[RC_LOG_WARN], 1);

    /* A refused URL is another kind: reported once too. */
    rc_state_set_int(G.mode, 2);
    flush_commit(b);
    assert_int_equal(test_log.n[RC_LOG_WARN], 2);
    w = test_log.last[RC_LOG_WARN];
    assert_non_null(strstr(w, "Links: href with the scheme \"javascript:\" is never set"));
    assert_non_null(strstr(w, "http:, https:, mailto:, tel: and relative URLs"));
    assert_null(strstr(w, "alert")); /* the value itself is not logged */
    rc_layout *c = new_layout(&Links_component, NULL, 0);
    flush_commit(c);
    rc_state_set_int(G.mode, 2);
    flush_commit(c);
    rc_state_set_int(G.mode, 1);
    flush_commit(c);
    assert_int_equal(test_log.n[RC_LOG_WARN], 2);
    assert_int_equal(warnings_with("once per process"), 2);
    assert_int_equal(test_log.n[RC_LOG_ERROR], 0);
    free_layout(a);
    free_layout(b);
    free_layout(c);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_on_names, reset, teardown),
        cmocka_unit_test_setup_teardown(test_url_schemes, reset, teardown),
        cmocka_unit_test_setup_teardown(test_reported_once_per_process, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
