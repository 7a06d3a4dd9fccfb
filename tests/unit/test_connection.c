/* rc_use_connection and rc_use_location: layout-provided contexts whose
 * readers re-render when the server changes them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/host.h"
#include "reactc_layout.h"

static int renders;
static rc_connection seen;
static char seen_path[64];

static void reader(rc_ctx *ctx, const void *props) {
    (void)props;
    renders++;
    seen = *rc_use_connection(ctx);
    snprintf(seen_path, sizeof seen_path, "%s%s", rc_use_location(ctx)->pathname,
             rc_use_location(ctx)->search);
    RC_EL(ctx, "p") { rc_textf(ctx, "%u %d %d", seen.connections, seen.resumed, seen.reattached); }
}
RC_COMPONENT(reader);

/* A parent that never re-renders: readers below must still update. */
static void parent(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "div") { rc_child(ctx, &reader_component, NULL, NULL, 0); }
}
RC_COMPONENT(parent);

static void test_connection_changes_rerender_readers(void **state) {
    (void)state;
    renders = 0;
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.pathname = "/a";
    o.search = "?x=1";
    rc_layout *l = rc_layout_new(&parent_component, NULL, 0, &o);
    rc_layout_flush(l);
    rc_layout_commit(l);
    assert_int_equal(renders, 1);
    assert_int_equal(seen.connections, 1);
    assert_false(seen.resumed);
    assert_false(seen.reattached);
    assert_string_equal(seen_path, "/a?x=1");

    rc_layout_set_connection(l, &(rc_connection){2, false, true});
    assert_true(rc_layout_is_dirty(l));
    const rc_patch *p = rc_layout_flush(l);
    assert_int_equal(p->rendered, 1); /* the reader, not the parent */
    assert_int_equal(p->nops, 1);
    assert_string_equal(p->ops[0].value, "2 0 1");
    rc_layout_commit(l);

    rc_layout_set_connection(l, &(rc_connection){2, false, true}); /* same: nothing */
    assert_false(rc_layout_is_dirty(l));

    rc_layout_set_location(l, "/b", "");
    p = rc_layout_flush(l);
    assert_int_equal(p->rendered, 1);
    assert_string_equal(seen_path, "/b");
    rc_layout_commit(l);
    rc_layout_free(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connection_changes_rerender_readers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
