/*
 * A test app for the first paint's hydration (tests/e2e/ssr.test.mjs):
 * what an HTML parser does not build as the model says, in one page —
 * keyed elements (reordered by a click), adjacent and empty texts, rows
 * straight in a table, a leading newline in <pre> and <textarea>, SVG,
 * a <style> element.
 */
#include <stdio.h>
#include <reactc.h>

static void reverse(rc_event *ev, void *rev) {
    (void)ev;
    rc_state_set_bool(rev, !rc_state_get_bool(rev));
}

static void markup(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *rev = rc_use_bool(ctx, "rev", false);
    RC_EL(ctx, "main") {
        RC_EL(ctx, "button", .id = "reverse", .on = RC_ON("click", reverse, rev)) {
            rc_text(ctx, "reverse");
        }
        RC_EL(ctx, "ul", .id = "keyed") {
            for (int i = 0; i < 5; i++) {
                int k = rc_state_get_bool(rev) ? 4 - i : i;
                char key[8];
                snprintf(key, sizeof key, "k%d", k);
                RC_EL(ctx, "li", .key = key) { rc_textf(ctx, "item %d", k); }
            }
        }
        RC_EL(ctx, "p", .id = "texts") {
            rc_text(ctx, "a");
            rc_text(ctx, "b");
            rc_text(ctx, "");
            rc_text(ctx, "c < d & e");
        }
        RC_EL(ctx, "table", .id = "rows") {
            for (int i = 0; i < 2; i++)
                RC_EL(ctx, "tr") {
                    RC_EL(ctx, "td") { rc_textf(ctx, "%d", i); }
                }
        }
        RC_EL(ctx, "pre", .id = "pre") { rc_text(ctx, "\nindented"); }
        RC_EL(ctx, "textarea", .id = "area") { rc_text(ctx, "\nnote"); }
        RC_EL(ctx, "svg", .id = "pic") {
            rc_attr(ctx, "viewBox", "0 0 10 10");
            RC_EL(ctx, "circle") {
                rc_attr(ctx, "cx", "5");
                rc_attr(ctx, "cy", "5");
                rc_attr(ctx, "r", "4");
            }
        }
        RC_EL(ctx, "style") { rc_text(ctx, "#pre{color:#333}"); }
    }
}
static RC_COMPONENT(markup);

int main(int argc, char **argv) {
    rc_app app = {.title = "Markup", .root = &markup_component};
    int rc = rc_app_parse_args(&app, argc, argv);
    if (rc) return rc < 0 ? 2 : 0;
    return rc_app_run(&app);
}
