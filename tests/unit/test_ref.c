/*
 * Unit tests for rc_use_ref (src/core/): a ref keeps its storage across
 * renders and writing it never renders.
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

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    strlog renders; /* "Name" per render */
    rc_state *st;   /* captured during renders */

    /* refs */
    int *ref_ptr;
    int ref_first_seen;
    size_t ref_ptr_changes;
} G;

/* ------------------------------------------------------------------------ */
/* Ref                                                                      */
/* ------------------------------------------------------------------------ */

static void h_ref_write(rc_event *ev, void *user) {
    (void)ev;
    int *r = user;
    *r += 100;
}

static void RefComp(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "RefComp");
    int *renders = rc_use_ref(ctx, sizeof(int) * 4);
    if (G.ref_ptr == NULL) G.ref_first_seen = renders[0] + renders[1] + renders[2] + renders[3];
    else if (G.ref_ptr != renders) G.ref_ptr_changes++;
    G.ref_ptr = renders;
    renders[0]++;
    G.st = rc_use_int(ctx, "n", 0);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .id = "write", .on = RC_ON("click", h_ref_write, renders)) {}
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", h_inc, G.st)) {}
    }
}
static RC_COMPONENT(RefComp);

static void test_ref_persists_and_never_renders(void **state) {
    (void)state;
    rc_layout *l = new_layout(&RefComp_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(G.ref_first_seen, 0); /* zeroed */
    assert_int_equal(G.ref_ptr[0], 1);
    click(l, "write");
    assert_int_equal(G.ref_ptr[0], 101);
    assert_false(rc_layout_is_dirty(l));
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    assert_int_equal(s.nops, 0);
    click(l, "inc");
    flush_commit(l);
    click(l, "inc");
    flush_commit(l);
    assert_int_equal(G.ref_ptr[0], 103); /* kept across renders */
    assert_int_equal(G.ref_ptr_changes, 0);
    assert_int_equal(G.renders.n, 3);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ref_persists_and_never_renders, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
