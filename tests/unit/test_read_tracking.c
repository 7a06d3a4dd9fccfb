/*
 * Unit tests for read tracking (src/core/track.c): a component that reads
 * an rc_state during its render re-renders when that state changes, whoever
 * owns it: a parent that passed the handle down in props (byte-equal props
 * would otherwise skip the child), a grandparent, a context's provider, a
 * component of another layout. Reads inside a memo function count; a
 * render that no longer reads a state drops the subscription; an owner that
 * unmounts before its reader leaves nothing dangling (run under ASan or
 * valgrind).
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

typedef struct state_props {
    rc_state *s; /* the owner's slot, passed down */
    const char *id;
} state_props;

static const rc_context_type state_ctx = {"state", sizeof(rc_state *), NULL};

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    strlog renders;
    rc_state *count; /* the owner's slot */
    rc_state *other; /* another slot of the owner */
    rc_state *show;  /* whether the owner shows its readers */
    bool reader_reads;
    rc_state *foreign; /* a slot of another layout, read by ForeignReader */
    rc_state *bump;    /* ForeignReader's own slot */
} G;

/* Reads the handle in its props (unless G.reader_reads was cleared). */
static void Reader(rc_ctx *ctx, const void *props) {
    const state_props *p = props;
    slog_add(&G.renders, "Reader:%s", p->id);
    RC_EL(ctx, "span", .id = p->id) {
        if (!G.reader_reads) rc_text(ctx, "-");
        else rc_textf(ctx, "%lld", (long long)rc_state_get_int(p->s));
    }
}
static RC_COMPONENT(Reader);

/* Passes the handle on without reading it. */
static void Middle(rc_ctx *ctx, const void *props) {
    const state_props *p = props;
    slog_add(&G.renders, "Middle");
    state_props leaf = {p->s, "leaf"};
    RC_EL(ctx, "div") { RC_CHILD(ctx, &Reader_component, NULL, &leaf); }
}
static RC_COMPONENT(Middle);

static void memo_read(void *out, void *arg) { *(int64_t *)out = rc_state_get_int(arg) * 10; }

/* Reads the handle only inside its memo function. */
static void MemoReader(rc_ctx *ctx, const void *props) {
    const state_props *p = props;
    slog_add(&G.renders, "MemoReader");
    const int64_t *x = rc_use_memo(ctx, sizeof(int64_t), memo_read, p->s, RC_EVERY_RENDER);
    RC_EL(ctx, "span", .id = "memo") { rc_textf(ctx, "%lld", (long long)*x); }
}
static RC_COMPONENT(MemoReader);

/* Reads the state provided as a context value (the handle, byte-equal
 * whatever the value). */
static void CtxReader(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "CtxReader");
    rc_state *const *s = rc_use_context(ctx, &state_ctx);
    RC_EL(ctx, "span", .id = "ctx") {
        rc_textf(ctx, "%lld", *s ? (long long)rc_state_get_int(*s) : -1LL);
    }
}
static RC_COMPONENT(CtxReader);

static void Owner(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "Owner");
    G.count = rc_use_int(ctx, "count", 0);
    G.other = rc_use_int(ctx, "other", 0);
    G.show = rc_use_bool(ctx, "show", true);
    rc_state *s = G.count;
    RC_EL(ctx, "main") {
        rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.other));
        if (rc_state_get_bool(G.show)) {
            RC_CHILD(ctx, &Reader_component, NULL, (&(state_props){s, "child"}));
            RC_CHILD(ctx, &Middle_component, NULL, (&(state_props){s, "mid"}));
            RC_CHILD(ctx, &MemoReader_component, NULL, (&(state_props){s, "memo"}));
            RC_PROVIDE(ctx, &state_ctx, &s) { rc_child(ctx, &CtxReader_component, NULL, NULL, 0); }
        }
    }
}
static RC_COMPONENT(Owner);

static void test_child_grandchild_context_and_memo_readers_rerender(void **state) {
    (void)state;
    G.reader_reads = true;
    rc_layout *l = new_layout(&Owner_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "child"), "0");
    assert_string_equal(text_of(l, "leaf"), "0");
    assert_string_equal(text_of(l, "memo"), "0");
    assert_string_equal(text_of(l, "ctx"), "0");

    G.renders.n = 0;
    rc_state_set_int(G.count, 4);
    step s = flush_commit(l);
    assert_string_equal(text_of(l, "child"), "4");
    assert_string_equal(text_of(l, "leaf"), "4");
    assert_string_equal(text_of(l, "memo"), "40");
    assert_string_equal(text_of(l, "ctx"), "4");
    /* Exactly the readers, once each: Middle only passes the handle on. */
    assert_int_equal(slog_count(&G.renders, "Owner"), 1);
    assert_int_equal(slog_count(&G.renders, "Reader:child"), 1);
    assert_int_equal(slog_count(&G.renders, "Reader:leaf"), 1);
    assert_int_equal(slog_count(&G.renders, "MemoReader"), 1);
    assert_int_equal(slog_count(&G.renders, "CtxReader"), 1);
    assert_int_equal(slog_count(&G.renders, "Middle"), 0);
    assert_int_equal(s.rendered, 5);

    /* A state nobody else reads re-renders its owner only. */
    G.renders.n = 0;
    rc_state_set_int(G.other, 1);
    s = flush_commit(l);
    slog_expect(&G.renders, "Owner", NULL);
    assert_int_equal(s.rendered, 1);
    expect_no_errors();
    free_layout(l);
}

/* A render that no longer reads a state is no longer subscribed to it. */
static void test_reader_that_stops_reading_unsubscribes(void **state) {
    (void)state;
    G.reader_reads = true;
    rc_layout *l = new_layout(&Owner_component, NULL, 0);
    flush_commit(l);
    G.reader_reads = false;
    rc_state_set_int(G.count, 1); /* the readers render once more, not reading */
    flush_commit(l);
    assert_string_equal(text_of(l, "child"), "-");
    G.renders.n = 0;
    rc_state_set_int(G.count, 2);
    flush_commit(l);
    assert_int_equal(slog_count(&G.renders, "Reader:child"), 0);
    assert_int_equal(slog_count(&G.renders, "Reader:leaf"), 0);
    assert_int_equal(slog_count(&G.renders, "MemoReader"), 1); /* still reads in its memo */
    expect_no_errors();
    free_layout(l);
}

/* The readers unmount (the owner hides them), then a change: nothing to
 * mark, nothing dangling. */
static void test_readers_unmount_before_owner(void **state) {
    (void)state;
    G.reader_reads = true;
    rc_layout *l = new_layout(&Owner_component, NULL, 0);
    flush_commit(l);
    rc_state_set_bool(G.show, false);
    flush_commit(l);
    G.renders.n = 0;
    rc_state_set_int(G.count, 9);
    step s = flush_commit(l);
    slog_expect(&G.renders, "Owner", NULL);
    assert_int_equal(s.rendered, 1);
    free_layout(l);
}

/* A slot of one layout read by a component of another: the reader follows
 * it, and the owner's layout freed first leaves the reader safe (its
 * subscription is dropped, not dangling). */
static void ForeignOwner(rc_ctx *ctx, const void *props) {
    (void)props;
    G.foreign = rc_use_int(ctx, "x", 1);
}
static RC_COMPONENT(ForeignOwner);

static void ForeignReader(rc_ctx *ctx, const void *props) {
    (void)props;
    slog_add(&G.renders, "ForeignReader");
    G.bump = rc_use_int(ctx, "bump", 0);
    RC_EL(ctx, "span", .id = "foreign") {
        if (G.foreign) rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.foreign));
        else rc_text(ctx, "gone");
    }
}
static RC_COMPONENT(ForeignReader);

static void test_owner_unmounts_before_reader(void **state) {
    (void)state;
    rc_layout *owner = new_layout(&ForeignOwner_component, NULL, 0);
    flush_commit(owner);
    rc_layout *reader = new_layout(&ForeignReader_component, NULL, 0);
    flush_commit(reader);
    assert_string_equal(text_of(reader, "foreign"), "1");
    rc_state_set_int(G.foreign, 2);
    assert_true(rc_layout_is_dirty(reader));
    flush_commit(reader);
    assert_string_equal(text_of(reader, "foreign"), "2");

    free_layout(owner); /* the slot is gone before its reader */
    G.foreign = NULL;
    assert_false(rc_layout_is_dirty(reader));
    /* The reader lives on, renders again (dropping what it read), and is
     * freed later: ASan and valgrind see no access to the freed slot. */
    rc_state_set_int(G.bump, 1);
    flush_commit(reader);
    assert_string_equal(text_of(reader, "foreign"), "gone");
    free_layout(reader);
    expect_no_errors();
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_child_grandchild_context_and_memo_readers_rerender,
                                        reset, teardown),
        cmocka_unit_test_setup_teardown(test_reader_that_stops_reading_unsubscribes, reset,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_readers_unmount_before_owner, reset, teardown),
        cmocka_unit_test_setup_teardown(test_owner_unmounts_before_reader, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
