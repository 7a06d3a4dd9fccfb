/*
 * Unit tests for restoring sessions from state tokens (src/resume/,
 * docs/resume.md).
 *
 *  - Round trip: a real layout's restorable slots -> rc_snapshot_write ->
 *    rc_token_seal -> rc_token_open -> rc_snapshot_read -> a new layout
 *    restored from it shows the same values and the same handler ids.
 *  - A "new build" resuming what still fits: changed slots alone take their
 *    initial values.
 *
 * What a token must match beyond authenticity (the claimed session, the
 * clock, the version) is rc_resume_accept's (src/resume/accept.c): the
 * round trip goes through it here, and test_resume_accept.c tests each of
 * its refusals.
 *
 * The last two tests are regressions for core defects found here: struct
 * values restored into untyped slots, and slots declared server-only after
 * a restore.
 *
 * Leaks, over-reads and use-after-free are caught by running this program
 * under ASan/UBSan (make test-asan) or valgrind: inputs cut short are copied
 * into heap blocks of exactly their length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>

#include "reactc_layout.h"
#include "resume/accept.h"
#include "resume/snapshot.h"
#include "resume/token.h"
#include "util/base64url.h"

#include "harness.h"
#include "layout_driver.h"
#include "snapshot_encoder.h"
#include "token_fixture.h"
#include "token_sealer.h"

/* ------------------------------------------------------------------------ */
/* Round trip                                                               */
/* ------------------------------------------------------------------------ */

static void test_round_trip(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *a = mount(&Rich_component, NULL);
    change_rich(a);
    slots *sa = slots_of(a);
    assert_int_equal(sa->n, 15); /* 9 root slots (not the secret) + 3 items x 2 */
    for (size_t k = 0; k < sa->n; k++) assert_null(strstr(sa->addr[k], "secret"));
    idlist *ids_a = calloc(1, sizeof *ids_a), *ids_b = calloc(1, sizeof *ids_b);
    assert_non_null(ids_a);
    assert_non_null(ids_b);
    collect_ids(a, ids_a);
    assert_int_equal(ids_a->n, 5);

    rc_token_claims c = claims_for(1, 42);
    rc_snapshot_meta m = meta_for(42);
    rc_buf token;
    rc_buf_init(&token);
    seal_layout(&kr, a, &c, &m, &token);
    print_message("  rich token: %zu characters\n", token.len);
    for (size_t k = 0; k < token.len; k++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                               token.data[k]));

    rc_token_claims got;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(got.app_tag, APP_TAG);
    assert_int_equal(got.build_tag, BUILD_TAG);
    assert_memory_equal(got.session, c.session, RC_SESSION_ID_BYTES);
    assert_int_equal(got.version, 42);

    /* The plaintext is the snapshot, byte for byte. */
    rc_buf want;
    rc_buf_init(&want);
    rc_snapshot_write(&want, a, &m);
    assert_int_equal(plain.len, want.len);
    assert_memory_equal(plain.data, want.data, want.len);

    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(snap.meta.issued, m.issued);
    assert_int_equal(snap.meta.ttl, TTL);
    assert_int_equal(snap.meta.version, 42);
    assert_int_equal(snap.meta.last_seq, 41);
    assert_int_equal(snap.meta.build_len, m.build_len);
    assert_string_equal(snap.build, m.build);
    assert_int_equal(snap.nslots, sa->n);
    assert_null(rc_snapshot_get(&snap, "/Rich@secret"));
    assert_null(rc_snapshot_get(&snap, "/Rich@nothing"));
    rc_resume r;
    assert_int_equal(accept_token(&kr, &token, c.session, (uint64_t)time(NULL), &r),
                     RC_REFUSAL_NONE);
    assert_true(r.authentic);
    assert_int_equal(r.snapshot.nslots, sa->n);
    rc_resume_free(&r);

    rc_layout *b = mount(&Rich_component, &snap);
    rc_snapshot_free(&snap); /* the layout owns copies */

    assert_int_equal(rc_state_get_int(G.i), -1234567890123);
    assert_true(rc_state_get_float(G.f) == -0.1);
    assert_true(rc_state_get_bool(G.b));
    assert_int_equal(rc_state_get_value(G.s)->as.str.len, sizeof RICH_STR - 1);
    assert_memory_equal(rc_state_get_value(G.s)->as.str.ptr, RICH_STR, sizeof RICH_STR - 1);
    size_t blen = 0;
    const unsigned char *bytes = rc_state_get_bytes(G.by, &blen);
    assert_int_equal(blen, 256);
    for (size_t k = 0; k < 256; k++) assert_int_equal(bytes[k], k);
    const rc_value *list = rc_object_get(rc_state_get_value(G.v), "list");
    assert_int_equal(rc_array_count(list), 9);
    assert_true(rc_value_get_int(rc_array_get(list, 0), 0) == INT64_MIN);
    assert_true(rc_value_get_int(rc_array_get(list, 1), 0) == INT64_MAX);
    assert_string_equal(rc_value_get_string(rc_object_get(rc_state_get_value(G.v), ""), "?"),
                        "empty key");
    const rgb *col = rc_state_get_struct(G.st);
    assert_int_equal(col->b, 3);
    assert_int_equal(col->n, -5);
    assert_string_equal(col->label, "hello");
    assert_ptr_equal(rc_state_get_value(G.st)->as.st.type, &rgb_type); /* the slot's own type */
    assert_int_equal(rc_state_get_int(G.idx), 99);
    assert_string_equal(rc_state_get_string(G.secret), "initial secret"); /* server-only */
    assert_int_equal(rc_value_get_int(rc_state_get_value(G.red), -1), 4);
    assert_string_equal(rc_state_get_string(G.item_label[0]), "first");
    assert_string_equal(rc_state_get_string(G.item_label[1]), "renamed");
    assert_true(rc_state_get_bool(G.item_on[2]));

    /* The same slots with the same values, and the same snapshot bytes. */
    slots *sb = slots_of(b);
    assert_int_equal(sb->n, sa->n);
    for (size_t k = 0; k < sa->n; k++) {
        assert_string_equal(sb->addr[k], sa->addr[k]);
        if (!rc_value_equal(&sb->val[k], &sa->val[k]))
            fail_msg("slot %s differs after the round trip", sa->addr[k]);
    }
    rc_buf again;
    rc_buf_init(&again);
    rc_snapshot_write(&again, b, &m);
    assert_int_equal(again.len, want.len);
    assert_memory_equal(again.data, want.data, want.len);

    /* The same handler ids: events addressed to the old process work. */
    collect_ids(b, ids_b);
    assert_int_equal(ids_b->n, ids_a->n);
    for (size_t k = 0; k < ids_a->n; k++) assert_string_equal(ids_b->id[k], ids_a->id[k]);
    assert_int_equal(rc_layout_dispatch(b, ids_a->id[0], NULL, 1), 0); /* inc */
    assert_int_equal(rc_layout_dispatch(b, ids_a->id[1], NULL, 2), 0); /* reducer */
    flush_commit(b);
    assert_int_equal(rc_state_get_int(G.i), -1234567890122);
    assert_int_equal(rc_value_get_int(rc_state_get_value(G.red), -1), 43);
    expect_no_errors_or_warnings();

    free_layout(b);
    free_layout(a);
    slots_free(sa);
    slots_free(sb);
    free(ids_a);
    free(ids_b);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_buf_free(&want);
    rc_buf_free(&again);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* A new build resumes what still fits                                      */
/* ------------------------------------------------------------------------ */

typedef struct cfg {
    int32_t a, b;
} cfg;

static const rc_struct_type cfg_v1 = {"test.cfg", sizeof(cfg), 1};
static const rc_struct_type cfg_v2 = {"test.cfg", sizeof(cfg), 2};

typedef struct cfg_big {
    int32_t a, b, c;
} cfg_big;

/* Same name and version, another size. */
static const rc_struct_type cfg_big_v1 = {"test.cfg", sizeof(cfg_big), 1};

static void h_inc_widget(rc_event *ev, void *user) { h_inc(ev, user); }

/* Build 1: A(int), B(string), C(struct cfg v1), E(struct cfg v1). */
static void widget_v1(rc_ctx *ctx, const void *props) {
    (void)props;
    G.wa = rc_use_int(ctx, "A", 0);
    G.wb = rc_use_string(ctx, "B", "b-initial");
    cfg c0 = {1, 1};
    G.wc = rc_use_struct(ctx, "C", &cfg_v1, &c0);
    G.we = rc_use_struct(ctx, "E", &cfg_v1, &c0);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .on = RC_ON("click", h_inc_widget, G.wa)) {
            rc_textf(ctx, "%lld %s", (long long)rc_state_get_int(G.wa), rc_state_get_string(G.wb));
        }
        rc_child(ctx, &counter_component, "gone", NULL, 0); /* not in build 2 */
    }
}

/* Build 2, same type name: A(int) unchanged, B now an int, C at struct
 * version 2, E's struct grew, and a new D. */
static void widget_v2(rc_ctx *ctx, const void *props) {
    (void)props;
    G.wa = rc_use_int(ctx, "A", 0);
    G.wb = rc_use_int(ctx, "B", 5);
    cfg c0 = {2, 2};
    G.wc = rc_use_struct(ctx, "C", &cfg_v2, &c0);
    cfg_big e0 = {3, 3, 3};
    G.we = rc_use_struct(ctx, "E", &cfg_big_v1, &e0);
    G.wd = rc_use_float(ctx, "D", 1.5);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .on = RC_ON("click", h_inc_widget, G.wa)) {
            rc_textf(ctx, "%lld %lld %g", (long long)rc_state_get_int(G.wa),
                     (long long)rc_state_get_int(G.wb), rc_state_get_float(G.wd));
        }
    }
}

static const rc_component widget_build1 = {"Widget", widget_v1, NULL, 0};
static const rc_component widget_build2 = {"Widget", widget_v2, NULL, 0};

static void test_partial_restore_new_build(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *a = mount(&widget_build1, NULL);
    rc_state_set_int(G.wa, 42);
    rc_state_set_string(G.wb, "typed by the user");
    cfg c = {7, 8};
    rc_state_set_struct(G.wc, &c);
    rc_state_set_struct(G.we, &c);
    rc_state_set_int(G.count, 5); /* the child that build 2 drops */
    flush_commit(a);
    rc_token_claims claims = claims_for(1, 3), got;
    rc_snapshot_meta m = meta_for(3);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    seal_layout(&kr, a, &claims, &m, &token);
    free_layout(a);

    claims.build_tag = BUILD_TAG + 1; /* the server runs build 2 */
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(got.build_tag, BUILD_TAG); /* reported, not refused */
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(snap.nslots, 5);
    assert_non_null(rc_snapshot_get(&snap, "/Widget/counter[gone]@count"));

    test_log = (logcap){0};
    rc_layout *b = mount(&widget_build2, &snap);
    rc_snapshot_free(&snap);
    assert_int_equal(rc_state_get_int(G.wa), 42); /* still fits */
    assert_int_equal(rc_state_get_int(G.wb), 5);  /* type changed: initial */
    assert_int_equal(rc_state_get_value(G.wb)->kind, RC_INT);
    const cfg *cv = rc_state_get_struct(G.wc); /* version changed: initial */
    assert_int_equal(cv->a, 2);
    assert_int_equal(cv->b, 2);
    assert_ptr_equal(rc_state_get_value(G.wc)->as.st.type, &cfg_v2);
    const cfg_big *ev = rc_state_get_struct(G.we); /* size changed: initial */
    assert_int_equal(ev->a, 3);
    assert_int_equal(ev->c, 3);
    assert_true(rc_state_get_float(G.wd) == 1.5); /* new: initial */
    assert_int_equal(test_log.n[RC_LOG_ERROR], 0);
    assert_non_null(strstr(test_log.all, "slot /Widget@B: restored value has another type"));

    /* It works on: events, renders, and the next token holds build 2's
     * values. */
    idlist *ids = calloc(1, sizeof *ids);
    assert_non_null(ids);
    collect_ids(b, ids);
    assert_int_equal(ids->n, 1);
    assert_int_equal(rc_layout_dispatch(b, ids->id[0], NULL, 1), 0);
    flush_commit(b);
    assert_int_equal(rc_state_get_int(G.wa), 43);
    rc_buf_reset(&token);
    rc_buf_reset(&plain);
    seal_layout(&kr, b, &claims, &m, &token);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(snap.nslots, 5);
    assert_int_equal(rc_value_get_int(rc_snapshot_get(&snap, "/Widget@A"), 0), 43);
    assert_int_equal(rc_value_get_int(rc_snapshot_get(&snap, "/Widget@B"), 0), 5);
    assert_null(rc_snapshot_get(&snap, "/Widget/counter[gone]@count"));
    rc_snapshot_free(&snap);

    free(ids);
    free_layout(b);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Regressions: struct values in untyped slots, server-only slots           */
/* ------------------------------------------------------------------------ */

static void Holder(rc_ctx *ctx, const void *props) {
    (void)props;
    G.v = rc_use_value(ctx, "v", NULL);
    G.secret = rc_use_int(ctx, "secret", 1);
    rc_state_set_flags(G.secret, RC_STATE_SERVER_ONLY);
    RC_EL(ctx, "p") { rc_text(ctx, "holder"); }
}
static RC_COMPONENT(Holder);

/* A struct inside a value slot (rc_use_value / rc_use_reducer) is restored
 * by rc_value_copy, which keeps the type pointer: it points at the
 * rc_struct_type the snapshot owns. session.c frees the snapshot right
 * after start(); the next write_token() then reads the freed type
 * (rc_snapshot_write -> put_value: t->name, t->size). Typed struct slots
 * are fine (they copy into their own type). Fix belongs in core (hooks.c /
 * slots.c: refuse or re-type struct values for untyped slots) or in
 * session.c (keep the snapshot as long as the layout). */
static void test_struct_in_value_slot(void **state) {
    (void)state;
    rc_layout *a = mount(&Holder_component, NULL);
    rc_value v = {0};
    rc_value_set_object(&v);
    pair p = {3, 4};
    rc_value_set_struct(rc_object_set(&v, "p"), &pair_type, &p);
    rc_state_set_value(G.v, &v);
    rc_value_free(&v);
    flush_commit(a);
    rc_snapshot_meta m = meta_for(1);
    rc_buf b1, b2;
    rc_buf_init(&b1);
    rc_buf_init(&b2);
    rc_snapshot_write(&b1, a, &m);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, b1.data, b1.len, err, sizeof err), 0);
    rc_layout *b = mount(&Holder_component, &snap);
    rc_snapshot_free(&snap);       /* as hello_resume() does */
    rc_snapshot_write(&b2, b, &m); /* use after free */
    assert_int_equal(b2.len, b1.len);
    assert_memory_equal(b2.data, b1.data, b1.len);
    free_layout(b);
    free_layout(a);
    rc_buf_free(&b1);
    rc_buf_free(&b2);
}

/* RC_STATE_SERVER_ONLY is set after the hook has restored the slot
 * (rc_state_set_flags comes after rc_use_*), so a server-only slot is restored
 * from a snapshot that has its address: a token made by a build in which
 * the slot was restorable, or any snapshot naming it. reactc.h says such a
 * slot "takes its initial value when a session is rebuilt elsewhere". Fix
 * belongs in core (e.g. defer the restore to the first read, or pass the
 * flags to the hook). */
static void test_server_only_not_restored(void **state) {
    (void)state;
    enc e;
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 1);
    enc_str(&e, "/Holder@secret");
    enc_int(&e, 42);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, e.b.data, e.b.len, err, sizeof err), 0);
    rc_layout *l = mount(&Holder_component, &snap);
    rc_snapshot_free(&snap);
    assert_int_equal(rc_state_get_int(G.secret), 1); /* is 42 */
    free_layout(l);
    enc_free(&e);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, reset, teardown),
        cmocka_unit_test_setup_teardown(test_partial_restore_new_build, reset, teardown),
        cmocka_unit_test_setup_teardown(test_struct_in_value_slot, reset, teardown),
        cmocka_unit_test_setup_teardown(test_server_only_not_restored, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
