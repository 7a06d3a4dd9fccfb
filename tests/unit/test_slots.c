/*
 * Unit tests for restorable slots (src/core/): their enumeration and
 * addresses, the walk skipping stateless components, and restoring values
 * into a new layout (kinds that do not match keep their initial values).
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

typedef struct pt {
    int32_t x, y;
} pt;

static const rc_struct_type pt_type = {"pt", sizeof(pt), 1};
static const rc_struct_type pt_type_v2 = {"pt", sizeof(pt), 2};

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    /* slots captured during renders (valid while the instance lives) */
    rc_state *st, *st2, *st3;
    rc_state *s_int, *s_float, *s_str, *s_val, *s_struct, *s_null;

    /* restore */
    strlog restore_addrs;
} G;

/* ------------------------------------------------------------------------ */
/* Restorable slots                                                         */
/* ------------------------------------------------------------------------ */

typedef struct snapshot {
    char addr[32][96];
    rc_value val[32];
    size_t n;
    /* overrides returned instead of the snapshot for some addresses */
    const char *override_addr[4];
    const rc_value *override_val[4];
    size_t noverride;
} snapshot;

static void snap_cb(void *user, const char *address, const rc_value *value) {
    snapshot *s = user;
    assert_true(s->n < 32);
    snprintf(s->addr[s->n], sizeof s->addr[0], "%s", address);
    s->val[s->n] = (rc_value){0};
    rc_value_copy(&s->val[s->n], value);
    s->n++;
}

static void snap_free(snapshot *s) {
    for (size_t i = 0; i < s->n; i++) rc_value_free(&s->val[i]);
    s->n = 0;
}

static const rc_value *snap_get(const snapshot *s, const char *address) {
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->addr[i], address) == 0) return &s->val[i];
    return NULL;
}

static const rc_value *restore_snap(void *user, const char *address) {
    const snapshot *s = user;
    slog_add(&G.restore_addrs, "%s", address);
    for (size_t i = 0; i < s->noverride; i++)
        if (strcmp(s->override_addr[i], address) == 0) return s->override_val[i];
    return snap_get(s, address);
}

typedef struct slot_item_props {
    const char *label;
} slot_item_props;

static void SlotItem(rc_ctx *ctx, const void *props) {
    const slot_item_props *p = props;
    rc_state *name = rc_use_string(ctx, "name", p->label);
    if (strcmp(p->label, "k1") == 0) G.st3 = name;
    RC_EL(ctx, "li") {
        RC_EL(ctx, "button", .on = RC_ON("click", h_count, NULL)) {
            rc_text(ctx, rc_state_get_string(name));
        }
    }
}
static RC_COMPONENT(SlotItem);

static void SlotChild(rc_ctx *ctx, const void *props) {
    const val_props *p = props;
    rc_state *n = rc_use_int(ctx, NULL, 10);
    if (p->value == 0) G.st = n;
    else G.st2 = n;
    RC_EL(ctx, "span", .on = RC_ON("click", h_inc, n)) {
        rc_textf(ctx, "%lld", (long long)rc_state_get_int(n));
    }
}
static RC_COMPONENT(SlotChild);

static void SlotRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.s_int = rc_use_int(ctx, "count", 0);           /* @count */
    G.s_str = rc_use_string(ctx, NULL, "x");         /* @#1 */
    rc_state *secret = rc_use_int(ctx, "secret", 1); /* not enumerated */
    rc_state_set_flags(secret, RC_STATE_SERVER_ONLY);
    G.s_null = secret;
    G.s_float = rc_use_float(ctx, "ratio", 0.5); /* @ratio */
    pt p0 = {1, 2};
    G.s_struct = rc_use_struct(ctx, "pt", &pt_type, &p0); /* @pt */
    (void)rc_use_ref(ctx, 16);                            /* not a slot */
    G.s_val = rc_use_value(ctx, "obj", NULL);             /* @obj */
    RC_EL(ctx, "div", .id = "slots") {
        RC_EL(ctx, "button", .id = "sinc", .on = RC_ON("click", h_inc, G.s_int)) {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.s_int));
        }
        RC_CHILD(ctx, &SlotChild_component, NULL, (&(val_props){0}));
        RC_CHILD(ctx, &SlotChild_component, NULL, (&(val_props){1}));
        RC_EL(ctx, "ul") {
            RC_CHILD(ctx, &SlotItem_component, "k1", (&(slot_item_props){"k1"}));
            RC_CHILD(ctx, &SlotItem_component, "k/2", (&(slot_item_props){"k/2"}));
        }
    }
}
static RC_COMPONENT(SlotRoot);

static void collect_ids_in(const rc_node *n, strlog *out) {
    for (size_t i = 0; i < rc_node_count_handlers(n); i++)
        slog_add(out, "%s", rc_handler_get_id(rc_node_get_handler(n, i)));
    for (size_t i = 0; i < rc_node_count_children(n); i++)
        collect_ids_in(rc_node_get_child(n, i), out);
}

static void collect_ids(const rc_layout *l, strlog *out) {
    out->n = 0;
    for (size_t i = 0; i < rc_layout_count_roots(l); i++)
        collect_ids_in(rc_layout_get_root(l, i), out);
}

static void test_slots_enumeration(void **state) {
    (void)state;
    rc_layout *l = new_layout(&SlotRoot_component, NULL, 0);
    snapshot *s = calloc(1, sizeof *s);
    assert_non_null(s);
    rc_layout_foreach_slot(l, snap_cb, s); /* before mount: nothing */
    assert_int_equal(s->n, 0);
    flush_commit(l);
    rc_layout_foreach_slot(l, snap_cb, s);
    static const char *const want[] = {
        "/SlotRoot@count",
        "/SlotRoot@#1",
        "/SlotRoot@ratio",
        "/SlotRoot@pt",
        "/SlotRoot@obj",
        "/SlotRoot/SlotChild#0@#0",
        "/SlotRoot/SlotChild#1@#0",
        "/SlotRoot/SlotItem[k1]@name",
        "/SlotRoot/SlotItem[k%2F2]@name",
    };
    for (size_t i = 0; i < s->n; i++) print_message("  slot %s\n", s->addr[i]);
    assert_int_equal(s->n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < s->n; i++) assert_string_equal(s->addr[i], want[i]);
    for (size_t i = 0; i < s->n; i++) assert_null(strstr(s->addr[i], "secret"));
    assert_int_equal(rc_value_get_int(snap_get(s, "/SlotRoot@count"), -1), 0);
    assert_string_equal(rc_value_get_string(snap_get(s, "/SlotRoot@#1"), "?"), "x");
    assert_true(rc_value_get_float(snap_get(s, "/SlotRoot@ratio"), 0) == 0.5);
    assert_int_equal(snap_get(s, "/SlotRoot@pt")->kind, RC_STRUCT);
    assert_int_equal(snap_get(s, "/SlotRoot@obj")->kind, RC_NULL);
    assert_int_equal(rc_value_get_int(snap_get(s, "/SlotRoot/SlotChild#1@#0"), -1), 10);
    assert_string_equal(rc_value_get_string(snap_get(s, "/SlotRoot/SlotItem[k%2F2]@name"), "?"),
                        "k/2");

    /* Values follow state changes. */
    snap_free(s);
    click(l, "sinc");
    rc_state_set_int(G.st2, 11);
    flush_commit(l);
    rc_layout_foreach_slot(l, snap_cb, s);
    assert_int_equal(rc_value_get_int(snap_get(s, "/SlotRoot@count"), -1), 1);
    assert_int_equal(rc_value_get_int(snap_get(s, "/SlotRoot/SlotChild#1@#0"), -1), 11);
    snap_free(s);
    free(s);
    expect_no_errors();
    free_layout(l);
}

/* The slot walk skips subtrees without state (slots.c): state below a
 * stateless component must still be found, and the counts behind the
 * skipping must follow mounts and unmounts. */
static void PruneLeaf(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *v = rc_use_int(ctx, "v", 7);
    RC_EL(ctx, "i") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(v)); }
}
static RC_COMPONENT(PruneLeaf);

static void PruneWrap(rc_ctx *ctx, const void *props) {
    const int *with_leaf = props;
    (void)rc_use_ref(ctx, 8); /* a hook, but not a slot */
    RC_EL(ctx, "div") {
        if (*with_leaf) rc_child(ctx, &PruneLeaf_component, "leaf", NULL, 0);
    }
}
static RC_COMPONENT(PruneWrap);

static void PruneRow(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "li") {
        RC_EL(ctx, "span") { rc_text(ctx, "row"); }
    }
}
static RC_COMPONENT(PruneRow);

static void PruneRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    G.st = rc_use_int(ctx, "leaf", 1);
    G.st2 = rc_use_int(ctx, "wraps", 1);
    int with_leaf = (int)rc_state_get_int(G.st);
    RC_EL(ctx, "ul") {
        for (int i = 0; i < 20; i++) {
            char key[16];
            snprintf(key, sizeof key, "%d", i);
            rc_child(ctx, &PruneRow_component, key, NULL, 0);
        }
        for (int i = 0; i < rc_state_get_int(G.st2); i++) {
            char key[16];
            snprintf(key, sizeof key, "w%d", i);
            RC_CHILD(ctx, &PruneWrap_component, key, &with_leaf);
        }
    }
}
static RC_COMPONENT(PruneRoot);

static size_t count_slots(rc_layout *l, snapshot *s) {
    snap_free(s);
    rc_layout_foreach_slot(l, snap_cb, s);
    return s->n;
}

static void test_slots_walk_skips_stateless(void **state) {
    (void)state;
    rc_layout *l = new_layout(&PruneRoot_component, NULL, 0);
    snapshot *s = calloc(1, sizeof *s);
    assert_non_null(s);
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 3);
    assert_string_equal(s->addr[2], "/PruneRoot/PruneWrap[w0]/PruneLeaf[leaf]@v");
    rc_state_set_int(G.st2, 3); /* two more wrappers, with leaves */
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 5);
    assert_string_equal(s->addr[4], "/PruneRoot/PruneWrap[w2]/PruneLeaf[leaf]@v");
    rc_state_set_int(G.st, 0); /* the leaves unmount */
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 2);
    rc_state_set_int(G.st, 1); /* and mount again */
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 5);
    rc_state_set_int(G.st2, 1); /* wrappers with leaves unmount */
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 3);
    snap_free(s);
    free(s);
    expect_no_errors();
    free_layout(l);
}

/* Changes every slot of a SlotRoot layout away from its initial value. */
static void change_all_slots(rc_layout *l) {
    rc_state_set_int(G.s_int, 3);
    rc_state_set_string(G.s_str, "changed");
    rc_state_set_int(G.s_null, 99); /* the server-only secret */
    rc_state_set_float(G.s_float, 0.25);
    pt p = {5, 6};
    rc_state_set_struct(G.s_struct, &p);
    rc_value v = {0};
    rc_value_set_object(&v);
    rc_value_set_string(rc_object_set(&v, "k"), "v");
    rc_state_set_value(G.s_val, &v);
    rc_value_free(&v);
    rc_state_set_int(G.st, 12);
    rc_state_set_int(G.st2, 13);
    rc_state_set_string(G.st3, "renamed");
    flush_commit(l);
}

static void test_slots_restore(void **state) {
    (void)state;
    rc_layout *a = new_layout(&SlotRoot_component, NULL, 0);
    flush_commit(a);
    change_all_slots(a);
    snapshot *snap = calloc(1, sizeof *snap);
    assert_non_null(snap);
    rc_layout_foreach_slot(a, snap_cb, snap);
    assert_int_equal(snap->n, 9);
    strlog *ids_a = calloc(1, sizeof *ids_a), *ids_b = calloc(1, sizeof *ids_b);
    assert_non_null(ids_a);
    assert_non_null(ids_b);
    collect_ids(a, ids_a);
    assert_int_equal(ids_a->n, 5);

    rc_layout_opts o = test_opts();
    o.restore = restore_snap;
    o.restore_user = snap;
    rc_layout *b = track(rc_layout_new(&SlotRoot_component, NULL, 0, &o));
    assert_non_null(b);
    flush_commit(b);
    /* Every restorable slot was asked for by its address. */
    for (size_t i = 0; i < snap->n; i++)
        assert_int_equal(slog_count(&G.restore_addrs, snap->addr[i]), 1);

    assert_int_equal(rc_state_get_int(G.s_int), 3);
    assert_string_equal(rc_state_get_string(G.s_str), "changed");
    assert_int_equal(rc_state_get_int(G.s_null), 1); /* server-only: initial */
    assert_true(rc_state_get_float(G.s_float) == 0.25);
    const pt *p = rc_state_get_struct(G.s_struct);
    assert_int_equal(p->x, 5);
    assert_int_equal(p->y, 6);
    assert_string_equal(rc_value_get_string(rc_object_get(rc_state_get_value(G.s_val), "k"), "?"),
                        "v");
    assert_int_equal(rc_state_get_int(G.st), 12);
    assert_int_equal(rc_state_get_int(G.st2), 13);
    assert_string_equal(rc_state_get_string(G.st3), "renamed");
    assert_string_equal(text_of(b, "sinc"), "3");

    /* The restored layout enumerates the same slots and values. */
    snapshot *snap_b = calloc(1, sizeof *snap_b);
    assert_non_null(snap_b);
    rc_layout_foreach_slot(b, snap_cb, snap_b);
    assert_int_equal(snap_b->n, snap->n);
    for (size_t i = 0; i < snap->n; i++) {
        assert_string_equal(snap_b->addr[i], snap->addr[i]);
        assert_true(rc_value_equal(&snap_b->val[i], &snap->val[i]));
    }

    /* Same handler ids: events addressed to the old session work. */
    collect_ids(b, ids_b);
    assert_int_equal(ids_b->n, ids_a->n);
    for (size_t i = 0; i < ids_a->n; i++) assert_string_equal(ids_b->items[i], ids_a->items[i]);
    assert_int_equal(rc_layout_dispatch(b, ids_a->items[0], NULL, 0), 0);
    flush_commit(b);
    assert_string_equal(text_of(b, "sinc"), "4");

    expect_no_errors();
    free_layout(b);
    free_layout(a);
    snap_free(snap_b);
    snap_free(snap);
    free(snap_b);
    free(snap);
    free(ids_a);
    free(ids_b);
}

static void test_slots_restore_kind_mismatch(void **state) {
    (void)state;
    rc_layout *a = new_layout(&SlotRoot_component, NULL, 0);
    flush_commit(a);
    change_all_slots(a);
    snapshot *snap = calloc(1, sizeof *snap);
    assert_non_null(snap);
    rc_layout_foreach_slot(a, snap_cb, snap);

    rc_value str = {0}, flt = {0}, st2 = {0}, i = {0};
    rc_value_set_string(&str, "not an int");
    rc_value_set_float(&flt, 3.0); /* a float for an int slot */
    pt other = {9, 9};
    rc_value_set_struct(&st2, &pt_type_v2, &other); /* struct version changed */
    rc_value_set_int(&i, 4);                        /* an int for a string slot */
    snap->override_addr[0] = "/SlotRoot@count";
    snap->override_val[0] = &str;
    snap->override_addr[1] = "/SlotRoot/SlotChild#0@#0";
    snap->override_val[1] = &flt;
    snap->override_addr[2] = "/SlotRoot@pt";
    snap->override_val[2] = &st2;
    snap->override_addr[3] = "/SlotRoot/SlotItem[k1]@name";
    snap->override_val[3] = &i;
    snap->noverride = 4;

    rc_layout_opts o = test_opts();
    o.restore = restore_snap;
    o.restore_user = snap;
    rc_layout *b = track(rc_layout_new(&SlotRoot_component, NULL, 0, &o));
    flush_commit(b);
    assert_int_equal(rc_state_get_int(G.s_int), 0); /* initial */
    assert_int_equal(rc_state_get_value(G.s_int)->kind, RC_INT);
    assert_int_equal(rc_state_get_int(G.st), 10); /* initial */
    assert_int_equal(rc_state_get_value(G.st)->kind, RC_INT);
    const pt *p = rc_state_get_struct(G.s_struct);
    assert_int_equal(p->x, 1); /* initial */
    assert_int_equal(p->y, 2);
    assert_ptr_equal(rc_state_get_value(G.s_struct)->as.st.type, &pt_type);
    assert_string_equal(rc_state_get_string(G.st3), "k1"); /* initial */
    /* The other slots still restored. */
    assert_string_equal(rc_state_get_string(G.s_str), "changed");
    assert_int_equal(rc_state_get_int(G.st2), 13);
    assert_true(rc_state_get_float(G.s_float) == 0.25);
    expect_no_errors();

    free_layout(b);
    free_layout(a);
    rc_value_free(&str);
    rc_value_free(&flt);
    rc_value_free(&st2);
    rc_value_free(&i);
    snap_free(snap);
    free(snap);
}

/* Keys need only be unique among siblings: two children with the same type
 * and key under different elements of one component are two instances, and
 * their slots need two addresses, or a snapshot cannot tell them apart. */
static void AddrItem(rc_ctx *ctx, const void *props) {
    const val_props *p = props;
    rc_state *n = rc_use_int(ctx, "n", 0);
    if (p->value == 0) G.st = n;
    else G.st2 = n;
    RC_EL(ctx, "li") { rc_textf(ctx, "%lld", (long long)rc_state_get_int(n)); }
}
static RC_COMPONENT(AddrItem);

static void AddrRoot(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "ul") { RC_CHILD(ctx, &AddrItem_component, "k", (&(val_props){0})); }
        RC_EL(ctx, "ul") { RC_CHILD(ctx, &AddrItem_component, "k", (&(val_props){1})); }
    }
}
static RC_COMPONENT(AddrRoot);

static void test_slots_same_key_in_different_elements(void **state) {
    (void)state;
    rc_layout *a = new_layout(&AddrRoot_component, NULL, 0);
    flush_commit(a);
    assert_int_equal(count_errors(a, NULL, 0), 0); /* legal: not siblings */
    assert_int_equal(rc_layout_count_instances(a), 3);
    rc_state_set_int(G.st, 1);
    rc_state_set_int(G.st2, 2);
    flush_commit(a);
    snapshot *snap = calloc(1, sizeof *snap);
    assert_non_null(snap);
    rc_layout_foreach_slot(a, snap_cb, snap);
    assert_int_equal(snap->n, 2);
    print_message("  addresses: %s %s\n", snap->addr[0], snap->addr[1]);
    bool distinct = strcmp(snap->addr[0], snap->addr[1]) != 0;
    /* The second is the key's first repeat in this render: ordinal 1. */
    bool exact = strcmp(snap->addr[0], "/AddrRoot/AddrItem[k]@n") == 0 &&
                 strcmp(snap->addr[1], "/AddrRoot/AddrItem[k]#1@n") == 0;

    rc_layout_opts o = test_opts();
    o.restore = restore_snap;
    o.restore_user = snap;
    rc_layout *b = track(rc_layout_new(&AddrRoot_component, NULL, 0, &o));
    flush_commit(b);
    int64_t first = rc_state_get_int(G.st), second = rc_state_get_int(G.st2);
    free_layout(b);
    free_layout(a);
    snap_free(snap);
    free(snap);
    assert_true(distinct);
    assert_true(exact);
    assert_int_equal(first, 1);
    assert_int_equal(second, 2);
}

/* ------------------------------------------------------------------------ */

int main(void) {
    harness_clears(&G, sizeof G);
    harness_clears(&handled, sizeof handled);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slots_enumeration, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_restore, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_restore_kind_mismatch, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_same_key_in_different_elements, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_walk_skips_stateless, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
