/*
 * Unit tests for render scheduling (src/core/): which components a flush
 * renders, and in what order.
 *
 * Behaviours are checked against React / ReactPy semantics: one render per
 * dirty instance per flush, parent first; equal props do not render (unless
 * the component always renders, or its props_equal callback says otherwise).
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

    /* slots captured during renders (valid while the instance lives) */
    rc_state *st, *st2, *st3;
    rc_state *s_int;

    /* props_equal */
    char label_bufs[2][16];
    size_t label_render;
    int eq_calls;
} G;

/* ------------------------------------------------------------------------ */
/* Scheduling                                                               */
/* ------------------------------------------------------------------------ */

static void SChild(rc_ctx *ctx, const void *props) {
    const val_props *p = props;
    slog_add(&G.renders, "SChild");
    G.st2 = rc_use_int(ctx, "c", 0);
    RC_EL(ctx, "span", .id = "child") {
        rc_textf(ctx, "%lld/%lld", (long long)p->value, (long long)rc_state_get_int(G.st2));
    }
}
static RC_COMPONENT(SChild);

static void SGrand(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "SGrand");
    G.st3 = rc_use_int(ctx, "g", 0);
    RC_EL(ctx, "i", .id = "grand") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.st3)); }
}
static RC_COMPONENT(SGrand);

/* Middle layer with no props: skipped whenever its parent re-renders. */
static void SMiddle(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "SMiddle");
    RC_EL(ctx, "section") { rc_child(ctx, &SGrand_component, NULL, NULL, 0); }
}
static RC_COMPONENT(SMiddle);

static void SParent(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "SParent");
    G.st = rc_use_int(ctx, "p", 0);            /* passed to the child */
    rc_state *other = rc_use_int(ctx, "o", 0); /* not passed */
    G.s_int = other;
    val_props cp = {rc_state_get_int(G.st)};
    RC_EL(ctx, "div") {
        RC_EL(ctx, "b", .id = "other") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(other));
        }
        RC_CHILD(ctx, &SChild_component, NULL, &cp);
        rc_child(ctx, &SMiddle_component, NULL, NULL, 0);
    }
}
static RC_COMPONENT(SParent);

static void test_sched_equal_props_child_skipped(void **state) {
    (void)state;
    rc_layout *l = new_layout(&SParent_component, NULL, 0);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 4);
    G.renders.n = 0;
    assert_true(rc_state_set_int(G.s_int, 1)); /* parent-only state */
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    slog_expect(&G.renders, "SParent", NULL);
    assert_string_equal(text_of(l, "other"), "1");
    expect_no_errors();
    free_layout(l);
}

static void test_sched_changed_props_child_rerenders(void **state) {
    (void)state;
    rc_layout *l = new_layout(&SParent_component, NULL, 0);
    flush_commit(l);
    G.renders.n = 0;
    assert_true(rc_state_set_int(G.st, 3));
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "SParent", "SChild", NULL);
    assert_string_equal(text_of(l, "child"), "3/0");
    expect_no_errors();
    free_layout(l);
}

/* Child dirtied first, parent second: the parent renders first and the
 * child renders once (equal props and changed props alike). */
static void test_sched_parent_first_child_once(void **state) {
    (void)state;
    rc_layout *l = new_layout(&SParent_component, NULL, 0);
    flush_commit(l);

    G.renders.n = 0;
    assert_true(rc_state_set_int(G.st2, 7));   /* child */
    assert_true(rc_state_set_int(G.s_int, 1)); /* parent, child props unchanged */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "SParent", "SChild", NULL);
    assert_string_equal(text_of(l, "child"), "0/7");

    G.renders.n = 0;
    assert_true(rc_state_set_int(G.st2, 8)); /* child */
    assert_true(rc_state_set_int(G.st, 2));  /* parent, child props changed */
    s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "SParent", "SChild", NULL);
    assert_string_equal(text_of(l, "child"), "2/8");

    /* Grandchild below a skipped middle: dirtied before the parent, it
     * still renders after it, once. */
    G.renders.n = 0;
    assert_true(rc_state_set_int(G.st3, 1));
    assert_true(rc_state_set_int(G.s_int, 2));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "SParent", "SGrand", NULL);
    assert_string_equal(text_of(l, "grand"), "1");
    assert_false(rc_layout_is_dirty(l));
    expect_no_errors();
    free_layout(l);
}

static void Always(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "Always");
    RC_EL(ctx, "em") { rc_text(ctx, "always"); }
}
static const rc_component Always_component = {"Always", Always, NULL, RC_COMPONENT_ALWAYS_RENDER};

static void AParent(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "AParent");
    G.st = rc_use_int(ctx, "n", 0);
    val_props same = {1};
    RC_EL(ctx, "div") {
        rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.st));
        rc_child(ctx, &Always_component, NULL, NULL, 0);
        RC_CHILD(ctx, &Always_component, NULL, &same);
        RC_CHILD(ctx, &SChild_component, NULL, &same);
    }
}
static RC_COMPONENT(AParent);

static void test_sched_always_render(void **state) {
    (void)state;
    rc_layout *l = new_layout(&AParent_component, NULL, 0);
    flush_commit(l);
    G.renders.n = 0;
    rc_state_set_int(G.st, 1);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 3);
    slog_expect(&G.renders, "AParent", "Always", "Always", NULL);
    expect_no_errors();
    free_layout(l);
}

typedef struct label_props {
    const char *label; /* compared by content */
    int64_t noise;     /* ignored by label_eq */
} label_props;

static bool label_eq(const void *a, const void *b, size_t size) {
    G.eq_calls++;
    assert_int_equal(size, sizeof(label_props));
    const label_props *x = a, *y = b;
    return strcmp(x->label, y->label) == 0;
}

static void Label(rc_ctx *ctx, const void *props) {
    const label_props *p = props;
    slog_add(&G.renders, "Label");
    RC_EL(ctx, "span", .id = "label") { rc_text(ctx, p->label); }
}
static const rc_component Label_component = {"Label", Label, label_eq, 0};

static void LParent(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "LParent");
    rc_state *which = rc_use_int(ctx, "which", 0);
    rc_state *noise = rc_use_int(ctx, "noise", 0);
    G.st = which;
    G.st2 = noise;
    /* A fresh buffer every render: the pointer changes, the content may
     * not. The previous render's buffer stays untouched. */
    char *buf = G.label_bufs[G.label_render++ % 2];
    snprintf(buf, sizeof G.label_bufs[0], "%s", rc_state_get_int(which) ? "two" : "one");
    label_props lp;
    memset(&lp, 0, sizeof lp);
    lp.label = buf;
    lp.noise = rc_state_get_int(noise);
    RC_EL(ctx, "div") { RC_CHILD(ctx, &Label_component, NULL, &lp); }
}
static RC_COMPONENT(LParent);

static void test_sched_props_equal_callback(void **state) {
    (void)state;
    rc_layout *l = new_layout(&LParent_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "label"), "one");
    G.renders.n = 0;
    rc_state_set_int(G.st2, 1); /* noise only: bytes differ, labels equal */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    slog_expect(&G.renders, "LParent", NULL);
    assert_true(G.eq_calls >= 1);

    G.renders.n = 0;
    rc_state_set_int(G.st, 1);
    s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "LParent", "Label", NULL);
    assert_string_equal(text_of(l, "label"), "two");
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sched_equal_props_child_skipped, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_changed_props_child_rerenders, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_parent_first_child_once, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_always_render, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_props_equal_callback, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
