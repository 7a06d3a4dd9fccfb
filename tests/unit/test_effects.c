/*
 * Unit tests for effects (src/core/): when they run, their dependencies and
 * arguments, their cleanups, and the resume flags.
 *
 * Behaviours are checked against React / ReactPy semantics: effects run
 * after commit, children first, cleanups before new effects.
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
    rc_state *st, *st2;
    rc_state *s_bool;

    /* effects */
    int64_t arg_seen, arg_via_api;
    uintptr_t arg_ptr, local_addr;
    rc_layout *eff_layout;
    bool eff_is_resume[3];
    int resume_runs[3];
    bool render_resume[8];
    size_t nrender_resume;

    /* restore */
    strlog restore_addrs;
} G;

/* ------------------------------------------------------------------------ */
/* Effects                                                                  */
/* ------------------------------------------------------------------------ */

static void EChild(rc_ctx *ctx, const void *props) {
    const val_props *p = props;
    slog_add(&G.renders, "EChild");
    use_logged_effect(ctx, "C", RC_EVERY_RENDER);
    RC_EL(ctx, "span", .id = "echild") { rc_textf(ctx, "%lld", (long long)p->value); }
}
static RC_COMPONENT(EChild);

static void EParent(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "EParent");
    G.st = rc_use_int(ctx, "p", 0);
    G.s_bool = rc_use_bool(ctx, "show", true);
    use_logged_effect(ctx, "P", RC_EVERY_RENDER);
    val_props cp = {rc_state_get_int(G.st)};
    RC_EL(ctx, "div") {
        if (rc_state_get_bool(G.s_bool)) RC_CHILD(ctx, &EChild_component, NULL, &cp);
    }
}
static RC_COMPONENT(EParent);

static void test_effects_after_commit_children_first(void **state) {
    (void)state;
    rc_layout *l = new_layout(&EParent_component, NULL, 0);
    rc_layout_flush(l);
    assert_int_equal(logged.effects.n, 0); /* not during the flush */
    rc_layout_commit(l);
    slog_expect(&logged.effects, "C:effect", "P:effect", NULL);

    /* Both re-render: every cleanup of the commit before any new effect,
     * children before parents in each phase. */
    logged.effects.n = 0;
    rc_state_set_int(G.st, 1);
    rc_layout_flush(l);
    assert_int_equal(logged.effects.n, 0);
    rc_layout_commit(l);
    slog_expect(&logged.effects, "C:cleanup", "P:cleanup", "C:effect", "P:effect", NULL);

    /* A commit with nothing rendered runs nothing. */
    logged.effects.n = 0;
    flush_commit(l);
    assert_int_equal(logged.effects.n, 0);
    expect_no_errors();
    free_layout(l);
    /* Freeing the layout runs the remaining cleanups, children first. */
    slog_expect(&logged.effects, "C:cleanup", "P:cleanup", NULL);
}

static void test_effects_cleanup_on_unmount(void **state) {
    (void)state;
    rc_layout *l = new_layout(&EParent_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(rc_layout_count_instances(l), 2);
    logged.effects.n = 0;
    rc_state_set_bool(G.s_bool, false);
    rc_layout_flush(l);
    assert_int_equal(rc_layout_count_instances(l), 1);
    rc_layout_commit(l);
    slog_expect(&logged.effects, "C:cleanup", "P:cleanup", "P:effect", NULL);
    expect_no_errors();
    free_layout(l);
}

static void EDeps(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *a = rc_use_int(ctx, "a", 0);
    rc_state *b = rc_use_int(ctx, "b", 0);
    G.st = a;
    G.st2 = b;
    use_logged_effect(ctx, "every", RC_EVERY_RENDER);
    use_logged_effect(ctx, "once", RC_ONCE);
    use_logged_effect(ctx, "deps", RC_DEPS(rc_state_get_int(a)));
    RC_EL(ctx, "p") {
        rc_textf(ctx, "%lld %lld", (long long)rc_state_get_int(a), (long long)rc_state_get_int(b));
    }
}
static RC_COMPONENT(EDeps);

static void test_effects_dependencies(void **state) {
    (void)state;
    rc_layout *l = new_layout(&EDeps_component, NULL, 0);
    flush_commit(l);
    slog_expect(&logged.effects, "every:effect", "once:effect", "deps:effect", NULL);

    logged.effects.n = 0;
    rc_state_set_int(G.st2, 1);
    flush_commit(l);
    slog_expect(&logged.effects, "every:cleanup", "every:effect", NULL);

    logged.effects.n = 0;
    rc_state_set_int(G.st, 1);
    flush_commit(l);
    slog_expect(&logged.effects, "every:cleanup", "deps:cleanup", "every:effect", "deps:effect",
                NULL);

    /* deps back to an older value still differ from the last recorded */
    logged.effects.n = 0;
    rc_state_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(slog_count(&logged.effects, "deps:effect"), 1);
    assert_int_equal(slog_count(&logged.effects, "once:effect"), 0);

    logged.effects.n = 0;
    free_layout(l);
    assert_int_equal(slog_count(&logged.effects, "every:cleanup"), 1);
    assert_int_equal(slog_count(&logged.effects, "once:cleanup"), 1);
    assert_int_equal(slog_count(&logged.effects, "deps:cleanup"), 1);
    assert_int_equal(logged.effects.n, 3);
}

static rc_cleanup eff_arg(rc_effect *e, void *arg) {
    G.arg_seen = *(const int64_t *)arg;
    G.arg_via_api = *(const int64_t *)rc_effect_get_arg(e);
    G.arg_ptr = (uintptr_t)arg;
    G.eff_layout = rc_effect_get_layout(e);
    return RC_NO_CLEANUP;
}

static void EArg(rc_ctx *ctx, const void *props) {
    (void)props;
    G.st = rc_use_int(ctx, "n", 1);
    int64_t local = rc_state_get_int(G.st) * 10 + 7;
    G.local_addr = (uintptr_t)&local;
    rc_use_effect(ctx, eff_arg, &local, sizeof local, RC_EVERY_RENDER);
    local = -1; /* the effect must see the value at the call */
    RC_EL(ctx, "p") { rc_textf(ctx, "%lld", (long long)local); }
}
static RC_COMPONENT(EArg);

static void test_effects_arg_is_a_copy(void **state) {
    (void)state;
    rc_layout *l = new_layout(&EArg_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(G.arg_seen, 17);
    assert_int_equal(G.arg_via_api, 17);
    assert_true(G.arg_ptr != G.local_addr);
    assert_ptr_equal(G.eff_layout, l);
    rc_state_set_int(G.st, 2);
    flush_commit(l);
    assert_int_equal(G.arg_seen, 27);
    assert_int_equal(G.arg_via_api, 27);
    expect_no_errors();
    free_layout(l);
}

static rc_cleanup eff_set(rc_effect *e, void *arg) {
    (void)e;
    rc_state *s = *(rc_state *const *)arg;
    rc_state_set_int(s, 42);
    slog_add(&logged.effects, "set:effect");
    return RC_NO_CLEANUP;
}

static void ESet(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "ESet");
    rc_state *s = rc_use_int(ctx, "n", 0);
    rc_use_effect(ctx, eff_set, &s, sizeof s, RC_ONCE);
    use_logged_effect(ctx, "watch", RC_DEPS(rc_state_get_int(s)));
    RC_EL(ctx, "p", .id = "n") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(s)); }
}
static RC_COMPONENT(ESet);

static void test_effects_set_state_schedules_render(void **state) {
    (void)state;
    rc_layout *l = new_layout(&ESet_component, NULL, 0);
    rc_layout_flush(l);
    assert_string_equal(text_of(l, "n"), "0");
    assert_false(rc_layout_is_dirty(l));
    rc_layout_commit(l);
    assert_true(rc_layout_is_dirty(l)); /* the effect's set */
    slog_expect(&logged.effects, "set:effect", "watch:effect", NULL);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(s.nops, 1);
    assert_string_equal(text_of(l, "n"), "42");
    slog_expect(&logged.effects, "set:effect", "watch:effect", "watch:cleanup", "watch:effect",
                NULL);
    assert_false(rc_layout_is_dirty(l));
    expect_no_errors();
    free_layout(l);
}

/* ---- resume flags ------------------------------------------------------- */

static rc_cleanup eff_resume(rc_effect *e, void *arg) {
    int which = *(const int *)arg;
    G.resume_runs[which]++;
    G.eff_is_resume[which] = rc_effect_is_resume(e);
    return RC_NO_CLEANUP;
}

static void ResumeLate(rc_ctx *ctx, const void *props) {
    (void)props;
    int w = 0;
    /* Mounted after the first flush: not part of the resume. */
    if (G.nrender_resume < 8) G.render_resume[G.nrender_resume++] = rc_ctx_is_resume(ctx);
    w = 1;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_ONCE, RC_EFFECT_SKIP_ON_RESUME);
    w = 2;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_ONCE, RC_EFFECT_ONLY_ON_RESUME);
    RC_EL(ctx, "i") {}
}
static RC_COMPONENT(ResumeLate);

static void Resume(rc_ctx *ctx, const void *props) {
    (void)props;
    if (G.nrender_resume < 8) G.render_resume[G.nrender_resume++] = rc_ctx_is_resume(ctx);
    G.st = rc_use_int(ctx, "n", 0);
    G.s_bool = rc_use_bool(ctx, "late", false);
    int w = 0;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_ONCE, 0);
    w = 1;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_DEPS(rc_state_get_int(G.st)),
                     RC_EFFECT_SKIP_ON_RESUME);
    w = 2;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_ONCE, RC_EFFECT_ONLY_ON_RESUME);
    RC_EL(ctx, "div") {
        if (rc_state_get_bool(G.s_bool)) rc_child(ctx, &ResumeLate_component, NULL, NULL, 0);
    }
}
static RC_COMPONENT(Resume);

static const rc_value *restore_none(void *user, const char *address) {
    (void)user;
    slog_add(&G.restore_addrs, "%s", address);
    return NULL;
}

static void test_effects_fresh_session_flags(void **state) {
    (void)state;
    rc_layout *l = new_layout(&Resume_component, NULL, 0);
    flush_commit(l);
    assert_false(G.render_resume[0]);
    assert_int_equal(G.resume_runs[0], 1);
    assert_int_equal(G.resume_runs[1], 1);
    assert_int_equal(G.resume_runs[2], 0);
    assert_false(G.eff_is_resume[0]);
    assert_false(G.eff_is_resume[1]);
    rc_state_set_int(G.st, 1);
    flush_commit(l);
    assert_int_equal(G.resume_runs[0], 1);
    assert_int_equal(G.resume_runs[1], 2);
    assert_int_equal(G.resume_runs[2], 0);
    expect_no_errors();
    free_layout(l);
}

static void test_effects_resumed_session_flags(void **state) {
    (void)state;
    rc_layout_opts o = test_opts();
    o.restore = restore_none;
    rc_layout *l = track(rc_layout_new(&Resume_component, NULL, 0, &o));
    assert_non_null(l);
    flush_commit(l);
    assert_true(G.restore_addrs.n >= 2); /* asked for each slot */
    assert_true(G.render_resume[0]);
    assert_int_equal(G.resume_runs[0], 1); /* plain effect: runs */
    assert_true(G.eff_is_resume[0]);
    assert_int_equal(G.resume_runs[1], 0); /* skipped on resume */
    assert_int_equal(G.resume_runs[2], 1); /* only on resume */
    assert_true(G.eff_is_resume[2]);

    /* Later renders are not a resume: the skipped effect runs when its deps
     * change, the resume-only one never again. */
    rc_state_set_int(G.st, 1);
    flush_commit(l);
    assert_false(G.render_resume[1]);
    assert_int_equal(G.resume_runs[0], 1);
    assert_int_equal(G.resume_runs[1], 1);
    assert_false(G.eff_is_resume[1]);
    assert_int_equal(G.resume_runs[2], 1);

    /* A component mounted after the first flush is not resumed. */
    rc_state_set_bool(G.s_bool, true);
    flush_commit(l);
    assert_int_equal(G.nrender_resume, 4); /* Resume, then ResumeLate */
    assert_false(G.render_resume[2]);
    assert_false(G.render_resume[3]);
    assert_int_equal(G.resume_runs[1], 2); /* ResumeLate's skip-on-resume ran */
    assert_false(G.eff_is_resume[1]);
    assert_int_equal(G.resume_runs[2], 1); /* ResumeLate's only-on-resume did not */
    expect_no_errors();
    free_layout(l);
}

/* Effects of a child that renders in a later pass than its parent (a
 * context consumer below a skipped component) still run before the
 * parent's. */
typedef struct theme {
    int64_t color;
} theme;
static const theme theme_default = {7};
static const rc_context_type theme_ctx = {"theme", sizeof(theme), &theme_default};

static void ECtxConsumer(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "ECtxConsumer");
    const theme *t = rc_use_context(ctx, &theme_ctx);
    use_logged_effect(ctx, "C", RC_EVERY_RENDER);
    RC_EL(ctx, "span", .id = "ectx") { rc_textf(ctx, "%lld", (long long)t->color); }
}
static RC_COMPONENT(ECtxConsumer);

static void ECtxMiddle(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "ECtxMiddle");
    RC_EL(ctx, "section") { rc_child(ctx, &ECtxConsumer_component, NULL, NULL, 0); }
}
static RC_COMPONENT(ECtxMiddle);

static void ECtxParent(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "ECtxParent");
    G.st = rc_use_int(ctx, "color", 1);
    use_logged_effect(ctx, "P", RC_EVERY_RENDER);
    theme t = {rc_state_get_int(G.st)};
    RC_EL(ctx, "div") {
        RC_PROVIDE(ctx, &theme_ctx, &t) { rc_child(ctx, &ECtxMiddle_component, NULL, NULL, 0); }
    }
}
static RC_COMPONENT(ECtxParent);

static void test_effects_children_first_across_passes(void **state) {
    (void)state;
    rc_layout *l = new_layout(&ECtxParent_component, NULL, 0);
    flush_commit(l);
    slog_expect(&logged.effects, "C:effect", "P:effect", NULL);
    logged.effects.n = 0;
    G.renders.n = 0;
    rc_state_set_int(G.st, 2);
    flush_commit(l);
    slog_expect(&G.renders, "ECtxParent", "ECtxConsumer", NULL);
    assert_string_equal(text_of(l, "ectx"), "2");
    slog_expect(&logged.effects, "C:cleanup", "P:cleanup", "C:effect", "P:effect", NULL);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    harness_clears(&logged, sizeof logged);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_effects_after_commit_children_first, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_cleanup_on_unmount, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_dependencies, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_arg_is_a_copy, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_set_state_schedules_render, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_fresh_session_flags, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_resumed_session_flags, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_children_first_across_passes, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
