/*
 * Unit tests for the HTML writer of the server-rendered first paint
 * (src/wire/html.c). Each rule has its expected HTML written out by hand:
 * the oracle is the DOM reactc's client builds from the same tree
 * (client/src/model.ts create, attrs.ts setAttr) and what an HTML parser
 * builds from the markup (the HTML standard's tokenizer and tree
 * construction: merged and dropped texts, implied tbody, the dropped
 * leading newline, raw text).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "reactc_layout.h"
#include "util/buf.h"
#include "wire/html.h"

static void (*body)(rc_ctx *ctx); /* what the test's root renders */

static void Host(rc_ctx *ctx, const void *props) {
    (void)props;
    body(ctx);
}
static RC_COMPONENT(Host);

static void Texts(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_text(ctx, "b");
    rc_text(ctx, "c");
}
static RC_COMPONENT(Texts);

static void Fails(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_ASSERT(ctx, 1 == 2);
    rc_text(ctx, "never");
}
static RC_COMPONENT(Fails);

static void quiet(void *user, rc_log_level level, const char *message) {
    (void)user, (void)level, (void)message;
}

/* Renders body once and checks the HTML is want (freed without commit, as
 * a page request does). */
static void expect_html(void (*fn)(rc_ctx *), const char *want) {
    body = fn;
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = quiet;
    o.hide_errors = true;
    rc_layout *l = rc_layout_new(&Host_component, NULL, 0, &o);
    rc_layout_flush(l);
    rc_buf b;
    rc_buf_init(&b);
    assert_int_equal(rc_wire_html(&b, l, 1 << 20), 0);
    assert_string_equal(rc_buf_cstr(&b), want);
    rc_buf_free(&b);
    rc_layout_free(l);
}

static void escapes(rc_ctx *ctx) {
    RC_EL(ctx, "p") {
        rc_attr(ctx, "title", "a&\"<>'");
        rc_text(ctx, "a<b>&\"c'");
    }
}
static void test_text_and_attribute_escapes(void **state) {
    (void)state;
    /* Text: & < > only; attribute values in double quotes: & and ". */
    expect_html(escapes, "<p title=\"a&amp;&quot;<>'\">a&lt;b&gt;&amp;\"c'</p>");
}

static void carriage_returns(rc_ctx *ctx) {
    RC_EL(ctx, "p") {
        rc_attr(ctx, "title", "x\r\ny");
        rc_text(ctx, "a\r\nb\rc");
    }
}
static void test_carriage_returns_survive_the_parser(void **state) {
    (void)state;
    /* A parser turns CR and CRLF into LF; a character reference stays CR. */
    expect_html(carriage_returns, "<p title=\"x&#13;\ny\">a&#13;\nb&#13;c</p>");
}

static void adjacent(rc_ctx *ctx) {
    RC_EL(ctx, "p") {
        rc_text(ctx, "a");
        RC_CHILD(ctx, &Texts_component, NULL, NULL); /* "b", "c" spliced */
        rc_text(ctx, "");
        rc_text(ctx, "d");
        RC_EL(ctx, "br") {}
        rc_text(ctx, "e");
    }
}
static void test_adjacent_and_empty_texts(void **state) {
    (void)state;
    /* Two texts in a row get a separator, across component boundaries; an
     * empty text a marker (itself a boundary: no separator after it). */
    expect_html(adjacent, "<p>a<!--,-->b<!--,-->c<!---->d<br>e</p>");
}

static void keyed(rc_ctx *ctx) {
    RC_EL(ctx, "ul") {
        RC_EL(ctx, "li", .key = "k\"1") { rc_text(ctx, "x"); }
        RC_EL(ctx, "li") { rc_text(ctx, "y"); }
    }
}
static void test_keys_as_attributes(void **state) {
    (void)state;
    expect_html(keyed, "<ul><li data-reactc-key=\"k&quot;1\">x</li><li>y</li></ul>");
}

static void attrs(rc_ctx *ctx) {
    RC_EL(ctx, "label") {
        rc_attr(ctx, "className", "c");
        rc_attr(ctx, "htmlFor", "f");
        rc_attr(ctx, "onclick", "alert(1)");
        rc_attr(ctx, "bad name", "x");
    }
    RC_EL(ctx, "a", .href = "java\tscript:alert(1)") {}
    RC_EL(ctx, "a", .href = "https://example.org/?a=1&b=2") {}
    RC_EL(ctx, "a", .href = "/rel") {}
    RC_EL(ctx, "input", .type = "checkbox") { rc_attr(ctx, "checked", "false"); }
    RC_EL(ctx, "input", .type = "checkbox") { rc_attr(ctx, "checked", "true"); }
    RC_EL(ctx, "option") { rc_attr(ctx, "selected", "false"); }
    RC_EL(ctx, "div") { rc_attr(ctx, "data-x", "false"); }
}
static void test_attributes_as_the_client_sets_them(void **state) {
    (void)state;
    /* Aliases; on* and refused URLs left out (attrs.ts refused()); a
     * checked or selected "false" left out (the client sets the property
     * to false); any other "false" is a plain value. */
    expect_html(attrs, "<label class=\"c\" for=\"f\"></label><a></a>"
                       "<a href=\"https://example.org/?a=1&amp;b=2\"></a><a href=\"/rel\"></a>"
                       "<input type=\"checkbox\"><input type=\"checkbox\" checked=\"true\">"
                       "<option></option><div data-x=\"false\"></div>");
}

static void voids(rc_ctx *ctx) {
    RC_EL(ctx, "div") {
        RC_EL(ctx, "br") {}
        RC_EL(ctx, "img") { rc_attr(ctx, "src", "/a.png"); }
        RC_EL(ctx, "input", .value = "v") { rc_text(ctx, "no place for this"); }
    }
}
static void test_void_elements(void **state) {
    (void)state;
    /* No end tag; children of a void element are left to the first tree. */
    expect_html(voids, "<div><br><img src=\"/a.png\"><input value=\"v\"></div>");
}

static void tables(rc_ctx *ctx) {
    RC_EL(ctx, "table") {
        RC_EL(ctx, "caption") { rc_text(ctx, "c"); }
        RC_EL(ctx, "tr") {
            RC_EL(ctx, "td") { rc_text(ctx, "1"); }
        }
        RC_EL(ctx, "tr") {}
        RC_EL(ctx, "tfoot") {}
    }
    RC_EL(ctx, "table") {
        RC_EL(ctx, "tbody") {
            RC_EL(ctx, "tr") {}
        }
    }
}
static void test_rows_straight_in_a_table(void **state) {
    (void)state;
    /* The parser would put the rows in a tbody of its own: ours is marked
     * for hydration to unwrap; an explicit tbody is left as it is. */
    expect_html(tables, "<table><caption>c</caption><tbody data-reactc-tbody><tr><td>1</td></tr>"
                        "<tr></tr></tbody><tfoot></tfoot></table>"
                        "<table><tbody><tr></tr></tbody></table>");
}

static void newlines(rc_ctx *ctx) {
    RC_EL(ctx, "pre") { rc_text(ctx, "\nx"); }
    RC_EL(ctx, "textarea") { rc_text(ctx, "\ny"); }
    RC_EL(ctx, "listing") { rc_text(ctx, "z\n"); }
    RC_EL(ctx, "div") { rc_text(ctx, "\nw"); }
}
static void test_leading_newline(void **state) {
    (void)state;
    /* The parser drops a newline right after <pre>, <textarea>, <listing>. */
    expect_html(newlines,
                "<pre>\n\nx</pre><textarea>\n\ny</textarea><listing>z\n</listing><div>\nw</div>");
}

static void raws(rc_ctx *ctx) {
    RC_EL(ctx, "style") { rc_text(ctx, "a>b{c:'&'}"); }
    RC_EL(ctx, "style") { rc_text(ctx, "a{}</style><script>"); }
    RC_EL(ctx, "style") {
        rc_text(ctx, "a");
        rc_text(ctx, "b");
    }
    RC_EL(ctx, "script") { rc_text(ctx, "alert(1)"); }
    RC_EL(ctx, "title") { rc_text(ctx, "<t>"); }
    RC_EL(ctx, "textarea") {
        rc_text(ctx, "a");
        rc_text(ctx, "b");
    }
}
static void test_raw_text_and_rcdata(void **state) {
    (void)state;
    /* Raw text as it is when the parser reads it back so, else nothing
     * (the first tree fills it); a script's text never; RCDATA escaped,
     * one text only (no comment can separate two there). */
    expect_html(raws, "<style>a>b{c:'&'}</style><style></style><style></style><script></script>"
                      "<title>&lt;t&gt;</title><textarea></textarea>");
}

static void foreign(rc_ctx *ctx) {
    RC_EL(ctx, "svg") {
        rc_attr(ctx, "viewBox", "0 0 1 1");
        RC_EL(ctx, "style") { rc_text(ctx, "a<b"); }
        RC_EL(ctx, "foreignObject") {
            RC_EL(ctx, "table") {
                RC_EL(ctx, "tr") {}
            }
        }
    }
}
static void test_svg_foreign_content(void **state) {
    (void)state;
    /* In SVG, style is an ordinary element (escaped text); foreignObject's
     * children are HTML again (the table rule applies). */
    expect_html(foreign,
                "<svg viewBox=\"0 0 1 1\"><style>a&lt;b</style><foreignObject><table>"
                "<tbody data-reactc-tbody><tr></tr></tbody></table></foreignObject></svg>");
}

static void failing(rc_ctx *ctx) {
    RC_EL(ctx, "main") {
        rc_text(ctx, "before");
        RC_CHILD(ctx, &Fails_component, NULL, NULL);
    }
}
static void test_error_element(void **state) {
    (void)state;
    /* As model.ts errorNode: <pre class="rc-error"> with the message. */
    expect_html(failing, "<main>before<pre class=\"rc-error\">" RC_ERROR_GENERIC "</pre></main>");
}

static void unwritable(rc_ctx *ctx) {
    RC_EL(ctx, "div") {
        RC_EL(ctx, "body") { rc_text(ctx, "b"); }
        RC_EL(ctx, "plaintext") { rc_text(ctx, "p"); }
        RC_EL(ctx, "x y") {}
        RC_EL(ctx, "my-el") { rc_text(ctx, "ok"); }
    }
}
static void test_tags_a_parser_would_not_build(void **state) {
    (void)state;
    /* Not written: the first tree creates them. */
    expect_html(unwritable, "<div><my-el>ok</my-el></div>");
}

static void Plain(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_text(ctx, "b");
    rc_text(ctx, "\n c ");
}
static RC_COMPONENT(Plain);

static void selects(rc_ctx *ctx) {
    RC_EL(ctx, "select", .value = "x") {
        RC_EL(ctx, "option", .value = "w") { rc_attr(ctx, "selected", "true"); }
        RC_EL(ctx, "optgroup") {
            RC_EL(ctx, "option", .value = "x") {}
        }
        RC_EL(ctx, "option", .value = "x") {}
    }
    RC_EL(ctx, "select", .value = "a b c") {
        RC_EL(ctx, "option") { rc_text(ctx, "a"); }
        RC_EL(ctx, "option") {
            rc_text(ctx, " a\t");
            RC_CHILD(ctx, &Plain_component, NULL, NULL);
        }
    }
    RC_EL(ctx, "select", .value = "none") {
        RC_EL(ctx, "option") { rc_text(ctx, "none "); }
    }
    RC_EL(ctx, "select") {
        RC_EL(ctx, "option") { rc_attr(ctx, "selected", "true"); }
    }
}
static void test_select_value(void **state) {
    (void)state;
    /* A parser ignores a select's value: the first option that has it (its
     * value attribute, else its text stripped and collapsed, as
     * HTMLOptionElement.value) is marked selected, as select.value = v
     * picks, and the options' own selected give way (the client sets the
     * select's value after its options). */
    expect_html(selects, "<select value=\"x\"><option value=\"w\"></option>"
                         "<optgroup><option value=\"x\" selected></option></optgroup>"
                         "<option value=\"x\"></option></select>"
                         "<select value=\"a b c\"><option>a</option>"
                         "<option selected> a\t<!--,-->b<!--,-->\n c </option></select>"
                         "<select value=\"none\"><option selected>none </option></select>"
                         "<select><option selected=\"true\"></option></select>");
}

static void many(rc_ctx *ctx) {
    for (int i = 0; i < 1000; i++)
        RC_EL(ctx, "p") { rc_text(ctx, "0123456789"); }
}
static void test_limit(void **state) {
    (void)state;
    body = many;
    rc_layout *l = rc_layout_new(&Host_component, NULL, 0, NULL);
    rc_layout_flush(l);
    rc_buf b;
    rc_buf_init(&b);
    assert_int_equal(rc_wire_html(&b, l, 1000), -1);
    assert_true(b.len < 1100); /* stopped soon after the limit */
    rc_buf_reset(&b);
    assert_int_equal(rc_wire_html(&b, l, 17000), 0);
    assert_int_equal(b.len, 17000);
    rc_buf_free(&b);
    rc_layout_free(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_and_attribute_escapes),
        cmocka_unit_test(test_carriage_returns_survive_the_parser),
        cmocka_unit_test(test_adjacent_and_empty_texts),
        cmocka_unit_test(test_keys_as_attributes),
        cmocka_unit_test(test_attributes_as_the_client_sets_them),
        cmocka_unit_test(test_void_elements),
        cmocka_unit_test(test_rows_straight_in_a_table),
        cmocka_unit_test(test_leading_newline),
        cmocka_unit_test(test_raw_text_and_rcdata),
        cmocka_unit_test(test_svg_foreign_content),
        cmocka_unit_test(test_error_element),
        cmocka_unit_test(test_tags_a_parser_would_not_build),
        cmocka_unit_test(test_select_value),
        cmocka_unit_test(test_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
