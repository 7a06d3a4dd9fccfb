/*
 * Unit tests for error boundaries (src/core/): a failing component, a
 * failing root, duplicate keys, hooks called in another order, and a render
 * that fails before its hooks or after declaring effects.
 *
 * Behaviours are checked against React / ReactPy semantics: a failing
 * component is replaced by an error node while the rest keeps working.
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

    /* slots captured during renders (valid while the instance lives) */
    rc_state *st, *st2;
    rc_state *s_bool;
} G;

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct mode_props {
    int64_t mode;
} mode_props;

static void Ok(rc_ctx *ctx, const void *props) {
    const id_props *p = props;
    RC_EL(ctx, "span", .id = p->id, .on = RC_ON("click", h_count, NULL)) { rc_text(ctx, "ok"); }
}
static RC_COMPONENT(Ok);

static void Bad(rc_ctx *ctx, const void *props) {
    const mode_props *p = props;
    rc_state *n = rc_use_int(ctx, "n", 0);
    RC_EL(ctx, "div", .id = "bad", .on = RC_ON("click", h_inc, n)) {
        RC_EL(ctx, "b") { rc_text(ctx, "partial"); }
        if (p->mode == 1) rc_fail(ctx, "boom %d", 42);
        RC_ASSERT(ctx, p->mode != 2);
        rc_text(ctx, "bad ok");
    }
}
static RC_COMPONENT(Bad);

static void ERoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.st = rc_use_int(ctx, "mode", 1);
    mode_props mp = {rc_state_get_int(G.st)};
    RC_EL(ctx, "div", .id = "eroot") {
        RC_CHILD(ctx, &Ok_component, NULL, (&(id_props){"ok1"}));
        RC_CHILD(ctx, &Bad_component, NULL, &mp);
        RC_CHILD(ctx, &Ok_component, NULL, (&(id_props){"ok2"}));
    }
}
static RC_COMPONENT(ERoot);

static void test_error_in_child_is_contained(void **state) {
    (void)state;
    rc_layout *l = new_layout(&ERoot_component, NULL, 0);
    flush_commit(l); /* mounts with Bad failing */
    rc_node *root = find(l, "eroot");
    assert_non_null(root);
    assert_int_equal(rc_node_count_children(root), 3);
    rc_node *bad = rc_node_get_child(root, 1);
    assert_int_equal(rc_node_get_kind(bad), RC_NODE_COMPONENT);
    assert_int_equal(rc_node_count_children(bad), 1);
    rc_node *err = rc_node_get_child(bad, 0);
    assert_int_equal(rc_node_get_kind(err), RC_NODE_ERROR);
    size_t len;
    assert_non_null(strstr(rc_node_get_text(err, &len), "boom 42"));
    assert_null(find(l, "bad")); /* the partial output is gone */
    assert_string_equal(text_of(l, "ok1"), "ok");
    assert_string_equal(text_of(l, "ok2"), "ok");
    assert_int_equal(test_log.n[RC_LOG_ERROR], 1);
    assert_non_null(strstr(test_log.last[RC_LOG_ERROR], "boom 42"));
    assert_non_null(strstr(test_log.last[RC_LOG_ERROR], "/ERoot/Bad#0"));
    assert_int_equal(rc_layout_count_instances(l), 4);

    /* Siblings keep working. */
    click(l, "ok2");
    assert_int_equal(handled.calls, 1);

    /* Fix the condition: the error goes away. */
    rc_state_set_int(G.st, 0);
    step s = flush_commit(l);
    assert_true(s.nops >= 1);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_string_equal(text_of(l, "bad"), "partialbad ok");
    assert_int_equal(test_log.n[RC_LOG_ERROR], 1);

    /* RC_ASSERT reports the expression; the failed component's old
     * handlers are gone. */
    char bad_id[32];
    snprintf(bad_id, sizeof bad_id, "%s", handler_id(l, "bad", "onClick"));
    rc_state_set_int(G.st, 2);
    flush_commit(l);
    assert_int_equal(rc_layout_dispatch(l, bad_id, NULL, 0), -1);
    char msg[512];
    assert_int_equal(count_errors(l, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "assertion failed"));
    assert_non_null(strstr(msg, "p->mode != 2"));
    assert_int_equal(test_log.n[RC_LOG_ERROR], 2);

    rc_state_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    click(l, "ok1");
    assert_int_equal(handled.calls, 2);
    assert_int_equal(test_log.n[RC_LOG_ERROR], 2);
    free_layout(l);
}

/* The root itself failing: its output is one error node; fixed, it renders. */
static void FailRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.s_bool = rc_use_bool(ctx, "fail", true);
    RC_ASSERT(ctx, !rc_state_get_bool(G.s_bool));
    RC_EL(ctx, "p", .id = "root-ok") { rc_text(ctx, "fine"); }
}
static RC_COMPONENT(FailRoot);

static void test_error_in_root(void **state) {
    (void)state;
    rc_layout *l = new_layout(&FailRoot_component, NULL, 0);
    const rc_patch *p = rc_layout_flush(l);
    assert_int_equal(p->nops, 1);
    assert_int_equal(p->ops[0].kind, RC_OP_INSERT);
    assert_int_equal(p->ops[0].nnodes, 1);
    assert_int_equal(rc_node_get_kind(p->ops[0].nodes[0]), RC_NODE_ERROR);
    rc_layout_commit(l);
    assert_int_equal(rc_layout_count_roots(l), 1);
    assert_int_equal(rc_node_get_kind(rc_layout_get_root(l, 0)), RC_NODE_ERROR);
    assert_int_equal(test_log.n[RC_LOG_ERROR], 1);
    assert_non_null(strstr(test_log.last[RC_LOG_ERROR], "/FailRoot"));
    rc_state_set_bool(G.s_bool, false);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(s.nops, 1);
    assert_int_equal(s.first_kind, RC_OP_REPLACE);
    assert_string_equal(text_of(l, "root-ok"), "fine");
    assert_int_equal(count_errors(l, NULL, 0), 0);
    free_layout(l);
}

/* hide_errors (reactc's server outside reactc-dev): the element says only
 * that the component failed; the log keeps the expression and file:line. */
static void test_error_details_hidden(void **state) {
    (void)state;
    rc_layout_opts o = test_opts();
    o.hide_errors = true;
    rc_layout *l = track(rc_layout_new(&FailRoot_component, NULL, 0, &o));
    flush_commit(l);
    char first[256] = "";
    assert_int_equal(count_errors(l, first, sizeof first), 1);
    assert_string_equal(first, RC_ERROR_GENERIC);
    assert_int_equal(test_log.n[RC_LOG_ERROR], 1);
    assert_non_null(strstr(test_log.last[RC_LOG_ERROR], "assertion failed: !rc_state_get_bool"));
    assert_non_null(strstr(test_log.last[RC_LOG_ERROR], "test_errors.c:"));
    free_layout(l);
    /* By default (an embedder, a test) the element holds the details. */
    l = new_layout(&FailRoot_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, first, sizeof first), 1);
    assert_non_null(strstr(first, "assertion failed: !rc_state_get_bool"));
    assert_non_null(strstr(first, "test_errors.c:"));
    free_layout(l);
}

typedef struct dup_props {
    bool dup;
    bool components;
} dup_props;

static void DupList(rc_ctx *ctx, const void *props) {
    const dup_props *p = props;
    RC_EL(ctx, "ul", .id = "list") {
        if (p->components) {
            RC_CHILD(ctx, &Ok_component, "x", (&(id_props){"x1"}));
            RC_CHILD(ctx, &Ok_component, p->dup ? "x" : "y", (&(id_props){"x2"}));
        } else {
            RC_EL(ctx, "li", .key = "a") { rc_text(ctx, "a"); }
            RC_EL(ctx, "li", .key = "b") { rc_text(ctx, "b"); }
            RC_EL(ctx, "li", .key = p->dup ? "a-dup" : "c") { rc_text(ctx, "c"); }
            RC_EL(ctx, "li", .key = p->dup ? "a-dup" : "d") { rc_text(ctx, "d"); }
        }
    }
}
static RC_COMPONENT(DupList);

static void DRoot(rc_ctx *ctx, const void *props) {
    const dup_props *rp = props;
    G.s_bool = rc_use_bool(ctx, "dup", true);
    dup_props dp;
    memset(&dp, 0, sizeof dp);
    dp.dup = rc_state_get_bool(G.s_bool);
    dp.components = rp->components;
    RC_EL(ctx, "div") {
        RC_CHILD(ctx, &DupList_component, NULL, &dp);
        RC_CHILD(ctx, &Ok_component, NULL, (&(id_props){"ok3"}));
    }
}
static RC_COMPONENT(DRoot);

static void run_duplicate_keys(bool components, const char *key) {
    dup_props rp;
    memset(&rp, 0, sizeof rp);
    rp.components = components;
    rc_layout *l = new_layout(&DRoot_component, &rp, sizeof rp);
    flush_commit(l);
    char msg[512];
    assert_int_equal(count_errors(l, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, key));
    assert_non_null(strstr(msg, "duplicate"));
    assert_null(find(l, "list"));
    assert_string_equal(text_of(l, "ok3"), "ok");
    assert_int_equal(test_log.n[RC_LOG_ERROR], 1);
    /* Root, DupList, Ok: the children of the failed render never mounted. */
    assert_int_equal(rc_layout_count_instances(l), 3);

    rc_state_set_bool(G.s_bool, false);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_non_null(find(l, "list"));
    assert_int_equal(rc_layout_count_instances(l), components ? 5 : 3);

    rc_state_set_bool(G.s_bool, true);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 1);
    assert_int_equal(rc_layout_count_instances(l), 3);
    free_layout(l);
}

static void test_error_duplicate_keys(void **state) {
    (void)state;
    run_duplicate_keys(false, "\"a-dup\"");
    memset(&test_log, 0, sizeof test_log);
    run_duplicate_keys(true, "\"x\"");
}

/* A long list (past the pairwise check: the hash set in builder.c) with
 * one repeated key, which only the last item repeats. */
static void DupBig(rc_ctx *ctx, const void *props) {
    (void)props;
    G.s_bool = rc_use_bool(ctx, "dup", true);
    G.st = rc_use_int(ctx, "n", 300);
    int n = (int)rc_state_get_int(G.st);
    RC_EL(ctx, "ul", .id = "big") {
        for (int i = 0; i < n; i++) {
            char key[24];
            snprintf(key, sizeof key, "k%d", i == n - 1 && rc_state_get_bool(G.s_bool) ? 17 : i);
            RC_EL(ctx, "li", .key = key) { rc_text(ctx, "x"); }
        }
    }
}
static RC_COMPONENT(DupBig);

static void test_error_duplicate_keys_long_list(void **state) {
    (void)state;
    rc_layout *l = new_layout(&DupBig_component, NULL, 0);
    flush_commit(l);
    char msg[512];
    assert_int_equal(count_errors(l, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "duplicate key \"k17\""));
    rc_state_set_bool(G.s_bool, false);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_non_null(find(l, "big"));
    rc_state_set_int(G.st, 5000); /* a bigger table */
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    rc_state_set_bool(G.s_bool, true);
    flush_commit(l);
    assert_int_equal(count_errors(l, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "duplicate key \"k17\""));
    free_layout(l);
}

/* An element keeps at most RC_EL_MAX_ATTRS attributes and as many handlers
 * (a byte each in its header): more are refused with an error in the log,
 * the element keeps the first ones, and repeating a name it has still
 * replaces the value (no new attribute). */
static void ManyAttrs(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "div", .id = "many") {
        for (int i = 0; i < 300; i++) {
            char name[16], event[16];
            snprintf(name, sizeof name, "data-a%d", i);
            rc_attrf(ctx, name, "%d", i);
            snprintf(event, sizeof event, "onX%d", i);
            rc_on_event(ctx, (rc_on){.event = event, .fn = h_count});
        }
        rc_attr(ctx, "data-a3", "again"); /* a name it has: replaced */
    }
}
static RC_COMPONENT(ManyAttrs);

static void test_error_too_many_attributes(void **state) {
    (void)state;
    rc_layout *l = new_layout(&ManyAttrs_component, NULL, 0);
    flush_commit(l);
    const rc_node *el = find(l, "many");
    assert_non_null(el);
    assert_int_equal(rc_node_count_attrs(el), 255); /* id and data-a0..253 */
    assert_int_equal(rc_node_count_handlers(el), 255);
    assert_string_equal(attr_of(el, "data-a253"), "253");
    assert_null(attr_of(el, "data-a254"));
    assert_string_equal(attr_of(el, "data-a3"), "again");
    /* errors in the log for what was refused (the log bounds their number) */
    assert_true(test_log.n[RC_LOG_ERROR] >= 2);
    assert_non_null(strstr(test_log.all_errors, "<div> has more than 255 attributes: data-a254"));
    assert_non_null(strstr(test_log.all_errors, "<div> has more than 255 handlers: onX255"));
    free_layout(l);
}

/* Hooks in a different order: mode 0 is the normal order. */
static void HookOrder(rc_ctx *ctx, const void *props) {
    const mode_props *p = props;
    switch (p->mode) {
    case 1: /* kinds swapped */
        (void)rc_use_ref(ctx, 8);
        G.st2 = rc_use_int(ctx, "n", 0);
        break;
    case 2: /* a hook left out */ G.st2 = rc_use_int(ctx, "n", 0); break;
    case 3: /* a string slot where the int slot was */
        (void)rc_use_string(ctx, "s", "");
        (void)rc_use_ref(ctx, 8);
        break;
    case 4: /* a reducer where a state slot was */
        (void)rc_use_reducer(ctx, "n", count_reducer, NULL);
        (void)rc_use_ref(ctx, 8);
        break;
    case 5: /* an extra hook (React: "Rendered more hooks than
                                * during the previous render") */
        G.st2 = rc_use_int(ctx, "n", 0);
        (void)rc_use_ref(ctx, 8);
        (void)rc_use_bool(ctx, "extra", false);
        break;
    default:
        G.st2 = rc_use_int(ctx, "n", 0);
        (void)rc_use_ref(ctx, 8);
        break;
    }
    RC_EL(ctx, "p", .id = "hooks") { rc_text(ctx, "fine"); }
}
static RC_COMPONENT(HookOrder);

static void HRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.st = rc_use_int(ctx, "mode", 0);
    mode_props mp = {rc_state_get_int(G.st)};
    RC_EL(ctx, "div") {
        RC_CHILD(ctx, &HookOrder_component, NULL, &mp);
        RC_CHILD(ctx, &Ok_component, NULL, (&(id_props){"ok4"}));
    }
}
static RC_COMPONENT(HRoot);

static void test_error_hook_order(void **state) {
    (void)state;
    rc_layout *l = new_layout(&HRoot_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "hooks"), "fine");
    static const int64_t modes[] = {1, 2, 3, 4, 5};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        print_message("hook order mode %lld\n", (long long)modes[i]);
        size_t errors = test_log.n[RC_LOG_ERROR];
        rc_state_set_int(G.st, modes[i]);
        flush_commit(l);
        char msg[512];
        assert_int_equal(count_errors(l, msg, sizeof msg), 1);
        assert_non_null(strstr(msg, "hook"));
        assert_null(find(l, "hooks"));
        assert_string_equal(text_of(l, "ok4"), "ok");
        assert_int_equal(test_log.n[RC_LOG_ERROR], errors + 1);

        rc_state_set_int(G.st, 0);
        flush_commit(l);
        assert_int_equal(count_errors(l, NULL, 0), 0);
        assert_string_equal(text_of(l, "hooks"), "fine");
    }
    click(l, "ok4");
    assert_int_equal(handled.calls, 1);
    free_layout(l);
}

/* The first render fails before any hook is called: once fixed, the
 * component creates its hooks normally (no hook-order error). */
static void LateHooks(rc_ctx *ctx, const void *props) {
    const mode_props *p = props;
    RC_ASSERT(ctx, p->mode == 0);
    rc_state *n = rc_use_int(ctx, "n", 4);
    (void)rc_use_ref(ctx, 8);
    RC_EL(ctx, "p", .id = "late") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(n)); }
}
static RC_COMPONENT(LateHooks);

static void LRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.st = rc_use_int(ctx, "mode", 1);
    mode_props mp = {rc_state_get_int(G.st)};
    RC_EL(ctx, "div") { RC_CHILD(ctx, &LateHooks_component, NULL, &mp); }
}
static RC_COMPONENT(LRoot);

static void test_error_first_render_fails_before_hooks(void **state) {
    (void)state;
    rc_layout *l = new_layout(&LRoot_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 1);
    rc_state_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_string_equal(text_of(l, "late"), "4");
    rc_state_set_int(G.st, 1);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 1);
    rc_state_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_int_equal(test_log.n[RC_LOG_ERROR], 2);
    free_layout(l);
}

/* A render that fails is discarded: the effects it scheduled do not run
 * (React never commits effects of a render that threw). */
static void FailAfterEffect(rc_ctx *ctx, const void *props) {
    const mode_props *p = props;
    use_logged_effect(ctx, "F", RC_EVERY_RENDER);
    use_logged_effect(ctx, "Fdeps", RC_DEPS(p->mode));
    if (p->mode == 1) rc_fail(ctx, "failed after scheduling effects");
    RC_EL(ctx, "p", .id = "fae") { rc_text(ctx, "ok"); }
}
static RC_COMPONENT(FailAfterEffect);

static void FRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.st = rc_use_int(ctx, "mode", 0);
    mode_props mp = {rc_state_get_int(G.st)};
    RC_EL(ctx, "div") { RC_CHILD(ctx, &FailAfterEffect_component, NULL, &mp); }
}
static RC_COMPONENT(FRoot);

static void test_error_failed_render_runs_no_effects(void **state) {
    (void)state;
    rc_layout *l = new_layout(&FRoot_component, NULL, 0);
    flush_commit(l);
    slog_expect(&logged.effects, "F:effect", "Fdeps:effect", NULL);
    logged.effects.n = 0;
    rc_state_set_int(G.st, 1);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 1);
    slog_expect(&logged.effects, NULL);
    logged.effects.n = 0;
    rc_state_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    /* Fdeps' recorded deps are still those of the last good render (0):
     * only the every-render effect runs. */
    slog_expect(&logged.effects, "F:cleanup", "F:effect", NULL);
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    harness_clears(&handled, sizeof handled);
    harness_clears(&logged, sizeof logged);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_error_in_child_is_contained, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_in_root, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_details_hidden, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_duplicate_keys, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_duplicate_keys_long_list, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_too_many_attributes, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_hook_order, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_first_render_fails_before_hooks, reset,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_error_failed_render_runs_no_effects, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
