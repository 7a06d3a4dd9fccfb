/*
 * Unit tests for keyed collections (src/store/items.c): a change to one
 * item re-renders only that item's readers; adding or removing items
 * re-renders readers of the keys; a reader of a missing item re-renders
 * when it appears; a handler reads its own item writes; many item writes in
 * one handler render each reader once.
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
#include "layout_driver.h"
#include "strlog.h"

typedef struct row_props {
    char key[16];
} row_props;

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    strlog renders;
    rc_store *todos;
    const rc_value *seen_in_handler;
    int64_t seen_int;
    bool seen_missing;
} G;

static void set_int_item(const char *key, int64_t v) {
    rc_value x = {.kind = RC_INT, .as.i = v};
    assert_int_equal(rc_store_set_item(G.todos, key, &x), 0);
}

static void Row(rc_ctx *ctx, const void *props) {
    const row_props *p = props;
    slog_add(&G.renders, "Row:%s", p->key);
    const rc_value *v = rc_use_store_item(ctx, G.todos, p->key);
    RC_EL(ctx, "li", .id = p->key) {
        if (v) rc_textf(ctx, "%lld", (long long)rc_value_get_int(v, -1));
        else rc_text(ctx, "none");
    }
}
static RC_COMPONENT(Row);

static void List(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "List");
    RC_EL(ctx, "ul") {
        size_t n = rc_store_count_items(G.todos);
        for (size_t i = 0; i < n; i++) {
            row_props rp = {{0}};
            snprintf(rp.key, sizeof rp.key, "%s", rc_store_get_key(G.todos, i));
            RC_CHILD(ctx, &Row_component, rp.key, &rp);
        }
    }
    row_props z = {"z"}; /* reads an item that may not exist */
    RC_CHILD(ctx, &Row_component, "watch-z", &z);
}
static RC_COMPONENT(List);

static void setup_items(void) {
    G.todos = rc_store_new_collection("todos");
    assert_non_null(G.todos);
    set_int_item("a", 1);
    set_int_item("b", 2);
    set_int_item("c", 3);
}

static void test_one_item_rerenders_only_its_readers(void **state) {
    (void)state;
    setup_items();
    rc_layout *l = new_layout(&List_component, NULL, 0);
    rc_layout *m = new_layout(&List_component, NULL, 0);
    flush_commit(l);
    flush_commit(m);
    assert_string_equal(text_of(l, "b"), "2");
    assert_string_equal(text_of(l, "z"), "none");
    uint64_t vb = rc_store_get_item_version(G.todos, "b");
    uint64_t va = rc_store_get_item_version(G.todos, "a");

    G.renders.n = 0;
    set_int_item("b", 20);
    assert_int_equal(rc_store_get_item_version(G.todos, "b"), vb + 1);
    assert_int_equal(rc_store_get_item_version(G.todos, "a"), va);
    assert_int_equal(flush_commit(l).rendered, 1);
    assert_int_equal(flush_commit(m).rendered, 1);
    slog_expect(&G.renders, "Row:b", "Row:b", NULL);
    assert_string_equal(text_of(m, "b"), "20");

    /* A new item: readers of the keys (the list; the watcher of the
     * missing "z" only when "z" is the one added). */
    G.renders.n = 0;
    set_int_item("d", 4);
    flush_commit(l);
    assert_int_equal(slog_count(&G.renders, "List"), 1);
    assert_int_equal(slog_count(&G.renders, "Row:d"), 1); /* mounted */
    assert_int_equal(slog_count(&G.renders, "Row:b"), 0);
    assert_string_equal(text_of(l, "d"), "4");

    G.renders.n = 0;
    set_int_item("z", 26);
    flush_commit(l);
    assert_int_equal(slog_count(&G.renders, "Row:z"), 2); /* the watcher and the new row */
    assert_int_equal(slog_count(&G.renders, "List"), 1);
    assert_null(find(l, "nothing"));

    /* A removal: the list re-renders, the row goes, no other row renders. */
    G.renders.n = 0;
    assert_int_equal(rc_store_remove_item(G.todos, "a"), 0);
    assert_null(rc_store_get_item(G.todos, "a"));
    assert_int_equal(rc_store_get_item_version(G.todos, "a"), 0);
    flush_commit(l);
    assert_int_equal(slog_count(&G.renders, "List"), 1);
    assert_int_equal(slog_count(&G.renders, "Row:b"), 0);
    assert_int_equal(slog_count(&G.renders, "Row:c"), 0);
    assert_null(find(l, "a"));
    assert_int_equal(rc_store_count_items(G.todos), 4);
    assert_string_equal(rc_store_get_key(G.todos, 0), "b"); /* insertion order kept */
    assert_null(rc_store_get_key(G.todos, 4));
    flush_commit(m);
    expect_no_errors();
    free_layout(l);
    free_layout(m);
    rc_store_free(G.todos);
}

static void upd_add_ten(rc_value *v, void *arg) {
    (void)arg;
    rc_value_set_int(v, rc_value_get_int(v, 0) + 10);
}

static void edit_many(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    for (int i = 0; i < 5; i++) rc_store_update_item(G.todos, "b", upd_add_ten, NULL);
    set_int_item("c", 30);
    set_int_item("new", 1);
    G.seen_in_handler = rc_store_get_item(G.todos, "new");
    G.seen_int = rc_value_get_int(rc_store_get_item(G.todos, "b"), 0);
    rc_store_remove_item(G.todos, "new");
    G.seen_missing = rc_store_get_item(G.todos, "new") == NULL;
}

static void Editor(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "button", .id = "edit", .on = RC_ON("click", edit_many, NULL)) rc_text(ctx, "e");
    rc_child(ctx, &List_component, NULL, NULL, 0);
}
static RC_COMPONENT(Editor);

static void test_handler_item_writes_are_one_batch(void **state) {
    (void)state;
    setup_items();
    rc_layout *l = new_layout(&Editor_component, NULL, 0);
    flush_commit(l);
    uint64_t keys = rc_store_get_version(G.todos);
    G.renders.n = 0;
    click(l, "edit");
    assert_non_null(G.seen_in_handler); /* its own writes, items too */
    assert_int_equal(G.seen_int, 52);
    assert_true(G.seen_missing);
    /* "new" was added and removed within the batch: the keys never moved. */
    assert_int_equal(rc_store_get_version(G.todos), keys);
    assert_int_equal(rc_store_get_item_version(G.todos, "b"), 2);
    flush_commit(l);
    assert_int_equal(slog_count(&G.renders, "Row:b"), 1);
    assert_int_equal(slog_count(&G.renders, "Row:c"), 1);
    assert_int_equal(slog_count(&G.renders, "Row:a"), 0);
    assert_int_equal(slog_count(&G.renders, "List"), 0);
    assert_string_equal(text_of(l, "b"), "52");
    assert_string_equal(text_of(l, "c"), "30");
    expect_no_errors();
    free_layout(l);
    rc_store_free(G.todos);
}

static void test_collection_misuse_is_refused(void **state) {
    (void)state;
    setup_items();
    assert_int_equal(rc_store_set_int(G.todos, 1), -1);
    assert_int_equal(rc_store_set_item(G.todos, NULL, NULL), -1);
    assert_null(rc_store_get_item(G.todos, NULL));
    rc_store *one = rc_store_new("one", NULL);
    assert_int_equal(rc_store_set_item(one, "k", NULL), -1);
    assert_null(rc_store_get_item(one, "k"));
    assert_int_equal(rc_value_get_int(rc_store_get_value(G.todos), 7), 7); /* RC_NULL */
    /* An item set to NULL holds RC_NULL; it exists. */
    assert_int_equal(rc_store_set_item(G.todos, "n", NULL), 0);
    assert_non_null(rc_store_get_item(G.todos, "n"));
    rc_store_free(one);
    rc_store_free(G.todos);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_item_rerenders_only_its_readers, reset, teardown),
        cmocka_unit_test_setup_teardown(test_handler_item_writes_are_one_batch, reset, teardown),
        cmocka_unit_test_setup_teardown(test_collection_misuse_is_refused, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
