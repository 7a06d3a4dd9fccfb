/*
 * Unit tests for the snapshot decoder (src/resume/snapshot.c,
 * docs/resume.md): its own checks (truncation at every length, kinds,
 * lengths, depth, duplicates, NULs, numbers) against the independent
 * encoder of snapshot_encoder.h, and restoring a decoded snapshot into a
 * layout without trusting its shapes.
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
#include "core/value_build.h"
#include "snapshot_encoder.h"
#include "token_fixture.h"
#include "token_sealer.h"

/* ------------------------------------------------------------------------ */
/* The snapshot decoder                                                     */
/* ------------------------------------------------------------------------ */

/* A snapshot with every kind, through the model encoder. */
static void enc_sample(enc *e) {
    enc_header(e, 1700000000u, 86400, 300, 1u << 30, "build-id", 6);
    enc_str(e, "/App@int");
    enc_int(e, -70000);
    enc_str(e, "/App@float");
    enc_float(e, 3.25);
    enc_str(e, "/App/Item[a]@#0");
    enc_bool(e, true);
    enc_str(e, "/App@list");
    enc_kind(e, RC_ARRAY);
    enc_count(e, 4, "array longer than the data");
    enc_kind(e, RC_NULL);
    enc_kind(e, RC_STRING);
    enc_str(e, "text");
    enc_kind(e, RC_BYTES);
    enc_blob(e, "\x00\x01", 2);
    enc_kind(e, RC_STRING);
    enc_str(e, "");
    enc_str(e, "/App@obj");
    enc_kind(e, RC_OBJECT);
    enc_count(e, 2, "object longer than the data");
    enc_str(e, "k");
    enc_bool(e, false);
    enc_str(e, "nested");
    enc_kind(e, RC_ARRAY);
    enc_count(e, 1, "array longer than the data");
    enc_int(e, INT64_MIN);
    enc_str(e, "/App@pair");
    pair p = {-1, 2};
    rc_value v = {0};
    rc_value_set_struct(&v, &pair_type, &p);
    enc_value(e, &v);
    rc_value_free(&v);
}

static void test_snapshot_truncated_every_length(void **state) {
    (void)state;
    enc e;
    enc_init(&e);
    enc_sample(&e);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, e.b.data, e.b.len, err, sizeof err), 0);
    assert_int_equal(snap.nslots, 6);
    assert_int_equal(snap.meta.issued, 1700000000u);
    assert_int_equal(snap.meta.version, 300);
    assert_int_equal(snap.meta.last_seq, 1u << 30);
    assert_int_equal(rc_value_get_int(rc_snapshot_get(&snap, "/App@int"), 0), -70000);
    assert_true(rc_value_get_float(rc_snapshot_get(&snap, "/App@float"), 0) == 3.25);
    assert_true(rc_value_get_bool(rc_snapshot_get(&snap, "/App/Item[a]@#0"), false));
    const rc_value *obj = rc_snapshot_get(&snap, "/App@obj");
    assert_true(rc_value_get_int(rc_array_get(rc_object_get(obj, "nested"), 0), 0) == INT64_MIN);
    const rc_value *pv = rc_snapshot_get(&snap, "/App@pair");
    assert_int_equal(pv->kind, RC_STRUCT);
    assert_string_equal(pv->as.st.type->name, "test.pair");
    assert_int_equal(pv->as.st.type->size, sizeof(pair));
    assert_int_equal(pv->as.st.type->version, 3);
    assert_int_equal(((const pair *)pv->as.st.ptr)->x, -1);
    rc_snapshot_free(&snap);
    rc_snapshot_free(&snap); /* freeing twice is harmless */

    for (size_t p = 0; p < e.b.len; p++) {
        const char *why = enc_cut_reason(&e, p);
        assert_non_null(why);
        expect_snapshot_refused_at(__FILE__, __LINE__, e.b.data, p, why);
    }
    assert_null(enc_cut_reason(&e, e.b.len));
    enc_free(&e);

    /* The same for a real layout's snapshot. */
    rc_layout *l = mount(&Rich_component, NULL);
    change_rich(l);
    rc_snapshot_meta m = meta_for(7);
    enc_init(&e);
    enc_layout(&e, l, &m);
    for (size_t p = 0; p < e.b.len; p++)
        expect_snapshot_refused_at(__FILE__, __LINE__, e.b.data, p, enc_cut_reason(&e, p));
    assert_int_equal(read_copy(&snap, e.b.data, e.b.len, err, sizeof err), 0);
    rc_snapshot_free(&snap);
    enc_free(&e);
    free_layout(l);
}

/* A snapshot holding one slot, value bytes given raw. */
static void one_slot(rc_buf *b, const char *address, const void *value, size_t len) {
    enc e;
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 1);
    enc_str(&e, address);
    rc_buf_reset(b);
    rc_buf_append(b, e.b.data, e.b.len);
    rc_buf_append(b, value, len);
    enc_free(&e);
}

/* An object of many members decodes in linear time: it is built without a
 * lookup per key and its keys are checked once (the state of a session can
 * hold an object a client sent). Counted in key comparisons, not timed; a
 * lookup per key made 800 million for 40,000 keys. And a duplicate among
 * them is still refused. */
static void test_snapshot_big_object_linear(void **state) {
    (void)state;
    enum { N = 40000 };
    for (int dup = 0; dup < 2; dup++) {
        enc e;
        enc_init(&e);
        enc_kind(&e, RC_OBJECT);
        enc_count(&e, N, "");
        for (int i = 0; i < N; i++) {
            char key[16];
            snprintf(key, sizeof key, "k%d", dup && i == N - 1 ? 0 : i);
            enc_str(&e, key);
            enc_int(&e, i); /* kind and value */
        }
        rc_buf b;
        rc_buf_init(&b);
        one_slot(&b, "/Big@obj", e.b.data, e.b.len);
        rc_snapshot snap;
        char err[160];
        rc_object_key_compares = 0;
        int rc = read_copy(&snap, b.data, b.len, err, sizeof err);
        size_t compares = rc_object_key_compares;
        if (compares > 2 * (size_t)N) fail_msg("%zu key comparisons for %d keys", compares, N);
        if (dup) {
            assert_int_equal(rc, -1);
            assert_string_equal(err, "snapshot: duplicate object key");
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal(rc_object_count(rc_snapshot_get(&snap, "/Big@obj")), N);
            rc_snapshot_free(&snap);
        }
        rc_buf_free(&b);
        enc_free(&e);
    }
}

static void test_snapshot_rejections(void **state) {
    (void)state;
    rc_buf b;
    rc_buf_init(&b);
    enc e;

    /* Unknown format byte, and nothing at all. */
    const unsigned char fmt0[] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_snapshot_refused(fmt0, sizeof fmt0, "unknown format");
    const unsigned char fmt2[] = {2, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_snapshot_refused(fmt2, sizeof fmt2, "unknown format");
    expect_snapshot_refused("", 0, "unknown format");
    rc_snapshot snap;
    char err[160];
    /* An empty rc_buf's data is NULL (an empty plaintext, as hello_resume()
     * passes it on). */
    assert_int_equal(rc_snapshot_read(&snap, NULL, 0, err, sizeof err), -1);
    assert_string_equal(err, "snapshot: unknown format");

    /* Unknown kinds, at the top and nested. */
    for (unsigned k = RC_STRUCT + 1; k < 256; k++) {
        unsigned char v[3] = {(unsigned char)k, 0, 0};
        one_slot(&b, "/A@x", v, 1);
        expect_snapshot_refused(b.data, b.len, "unknown value kind");
        unsigned char nested[4] = {RC_ARRAY, 1, (unsigned char)k, 0};
        one_slot(&b, "/A@x", nested, sizeof nested);
        expect_snapshot_refused(b.data, b.len, "unknown value kind");
    }

    /* Lengths past the end: of a string, of bytes, of an address, of a key,
     * of a struct name or body, of the build id; and counts past it. */
    const unsigned char str_long[] = {RC_STRING, 10, 'a', 'b', 'c'};
    one_slot(&b, "/A@x", str_long, sizeof str_long);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char bytes_huge[] = {RC_BYTES, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff,     0xff, 0xff, 0xff, 0x01};
    one_slot(&b, "/A@x", bytes_huge, sizeof bytes_huge);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char key_long[] = {RC_OBJECT, 1, 50, 'k', RC_NULL};
    one_slot(&b, "/A@x", key_long, sizeof key_long);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char st_name[] = {RC_STRUCT, 9, 'p', 0, 0};
    one_slot(&b, "/A@x", st_name, sizeof st_name);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char st_body[] = {RC_STRUCT, 1, 'p', 1, 8, 1, 2, 3};
    one_slot(&b, "/A@x", st_body, sizeof st_body);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char arr_long[] = {RC_ARRAY, 5, RC_NULL, RC_NULL};
    one_slot(&b, "/A@x", arr_long, sizeof arr_long);
    expect_snapshot_refused(b.data, b.len, "array longer than the data");
    const unsigned char obj_long[] = {RC_OBJECT, 4, 1, 'k', RC_NULL};
    one_slot(&b, "/A@x", obj_long, sizeof obj_long);
    expect_snapshot_refused(b.data, b.len, "object longer than the data");
    const unsigned char float_short[] = {RC_FLOAT, 1, 2, 3, 4, 5, 6, 7};
    one_slot(&b, "/A@x", float_short, sizeof float_short);
    expect_snapshot_refused(b.data, b.len, "truncated float");
    const unsigned char addr_long[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 40, '/', 'A', RC_NULL};
    expect_snapshot_refused(addr_long, sizeof addr_long, "length past the end");
    const unsigned char build_long[] = {1, 0, 0, 0, 0, 0, 0, 0, 30, 'b', 0};
    expect_snapshot_refused(build_long, sizeof build_long, "length past the end");
    const unsigned char slots_many[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 100, 1, 'x', RC_NULL};
    expect_snapshot_refused(slots_many, sizeof slots_many, "more slots than data");

    /* Numbers: ten-byte varints, overflow, ttl over 32 bits, struct
     * versions over 32 bits. */
    const unsigned char int_max[] = {RC_INT, 0xfe, 0xff, 0xff, 0xff, 0xff,
                                     0xff,   0xff, 0xff, 0xff, 0x01};
    one_slot(&b, "/A@x", int_max, sizeof int_max);
    assert_int_equal(read_copy(&snap, b.data, b.len, err, sizeof err), 0);
    assert_true(rc_value_get_int(rc_snapshot_get(&snap, "/A@x"), 0) == INT64_MAX);
    rc_snapshot_free(&snap);
    const unsigned char int_over[] = {RC_INT, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff,   0xff, 0xff, 0xff, 0x02};
    one_slot(&b, "/A@x", int_over, sizeof int_over);
    expect_snapshot_refused(b.data, b.len, "number overflows 64 bits");
    const unsigned char int_long[] = {RC_INT, 0x80, 0x80, 0x80, 0x80, 0x80,
                                      0x80,   0x80, 0x80, 0x80, 0x80, 0};
    one_slot(&b, "/A@x", int_long, sizeof int_long);
    expect_snapshot_refused(b.data, b.len, "number overflows 64 bits");
    const unsigned char ttl_big[] = {1, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 0, 0};
    expect_snapshot_refused(ttl_big, sizeof ttl_big, "ttl out of range");
    const unsigned char ttl_max[] = {1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0};
    assert_int_equal(read_copy(&snap, ttl_max, sizeof ttl_max, err, sizeof err), 0);
    assert_int_equal(snap.meta.ttl, UINT32_MAX);
    rc_snapshot_free(&snap);
    const unsigned char st_ver[] = {RC_STRUCT, 1, 'p', 0x80, 0x80, 0x80, 0x80, 0x10, 0};
    one_slot(&b, "/A@x", st_ver, sizeof st_ver);
    expect_snapshot_refused(b.data, b.len, "bad struct header");
    const unsigned char st_nul[] = {RC_STRUCT, 2, 'p', 0, 1, 0};
    one_slot(&b, "/A@x", st_nul, sizeof st_nul);
    expect_snapshot_refused(b.data, b.len, "bad struct header");
    const unsigned char bool2[] = {RC_BOOL, 2};
    one_slot(&b, "/A@x", bool2, sizeof bool2);
    expect_snapshot_refused(b.data, b.len, "bad boolean");

    /* Depth: RC_SNAPSHOT_MAX_DEPTH + 1 nested containers decode, one more does not.
     * Arrays and objects alternate; the innermost one is empty. */
    for (size_t depth = RC_SNAPSHOT_MAX_DEPTH + 1; depth <= RC_SNAPSHOT_MAX_DEPTH + 2; depth++) {
        unsigned char deep[256];
        size_t n = 0;
        for (size_t k = 0; k < depth; k++) {
            bool inner = k + 1 == depth;
            deep[n++] = k % 2 ? RC_OBJECT : RC_ARRAY;
            deep[n++] = inner ? 0 : 1;
            if (k % 2 && !inner) { /* the key of the one member */
                deep[n++] = 1;
                deep[n++] = 'k';
            }
        }
        one_slot(&b, "/A@deep", deep, n);
        if (depth == RC_SNAPSHOT_MAX_DEPTH + 1) {
            assert_int_equal(read_copy(&snap, b.data, b.len, err, sizeof err), 0);
            rc_snapshot_free(&snap);
        } else {
            expect_snapshot_refused(b.data, b.len, "nesting too deep");
        }
    }
    /* Far deeper than that: refused without exhausting the stack. */
    size_t big = 100000;
    unsigned char *deeper = malloc(big * 2);
    assert_non_null(deeper);
    for (size_t k = 0; k < big; k++) {
        deeper[2 * k] = RC_ARRAY;
        deeper[2 * k + 1] = 1;
    }
    one_slot(&b, "/A@deep", deeper, big * 2);
    free(deeper);
    expect_snapshot_refused(b.data, b.len, "nesting too deep");

    /* Duplicates and NULs. */
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 2);
    enc_str(&e, "/A@x");
    enc_int(&e, 1);
    enc_str(&e, "/A@x");
    enc_int(&e, 2);
    expect_snapshot_refused(e.b.data, e.b.len, "duplicate address");
    enc_free(&e);
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 2);
    enc_str(&e, "/A@x");
    enc_int(&e, 1);
    enc_blob(&e, "/A@x\0y", 6); /* equal up to the NUL */
    enc_int(&e, 2);
    expect_snapshot_refused(e.b.data, e.b.len, "NUL in an address");
    enc_free(&e);
    const unsigned char dup_key[] = {RC_OBJECT, 2, 1, 'k', RC_NULL, 1, 'k', RC_INT, 2};
    one_slot(&b, "/A@x", dup_key, sizeof dup_key);
    expect_snapshot_refused(b.data, b.len, "duplicate object key");
    const unsigned char nul_key[] = {RC_OBJECT, 1, 3, 'k', 0, 'j', RC_NULL};
    one_slot(&b, "/A@x", nul_key, sizeof nul_key);
    expect_snapshot_refused(b.data, b.len, "NUL in an object key");
    const unsigned char nul_key2[] = {RC_OBJECT, 2, 1, 'k', RC_NULL, 2, 'k', 0, RC_NULL};
    one_slot(&b, "/A@x", nul_key2, sizeof nul_key2);
    expect_snapshot_refused(b.data, b.len, "NUL in an object key");

    /* Trailing bytes. */
    const unsigned char one_int[] = {RC_INT, 2, 0};
    one_slot(&b, "/A@x", one_int, sizeof one_int);
    expect_snapshot_refused(b.data, b.len, "trailing bytes");
    one_slot(&b, "/A@x", one_int, 2);
    assert_int_equal(read_copy(&snap, b.data, b.len, err, sizeof err), 0);
    assert_int_equal(rc_value_get_int(rc_snapshot_get(&snap, "/A@x"), 0), 1);
    rc_snapshot_free(&snap);

    rc_buf_free(&b);
}

/* A decoded snapshot restores into a layout without trusting its shapes:
 * values whose kind or struct type does not fit a slot take its initial
 * value (this is what happens when the bytes are fine but the build is
 * not). */
static void test_snapshot_restore_mismatched_kinds(void **state) {
    (void)state;
    enc e;
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 12);
    const char *addrs[] = {"/Rich@i",
                           "/Rich@f",
                           "/Rich@b",
                           "/Rich@s",
                           "/Rich@by",
                           "/Rich@st",
                           "/Rich@#7",
                           "/Rich@red",
                           "/Rich@secret",
                           "/Rich/RichItem[a]@label",
                           "/Rich/RichItem[b%2Fc]@#1",
                           "/Rich/RichItem#0@label"};
    for (size_t k = 0; k < 12; k++) {
        enc_str(&e, addrs[k]);
        if (k == 5) {
            pair p = {1, 2}; /* another struct type */
            rc_value v = {0};
            rc_value_set_struct(&v, &pair_type, &p);
            enc_value(&e, &v);
            rc_value_free(&v);
        } else if (k == 7 || k == 8 || k == 11) {
            enc_kind(&e, RC_STRING); /* reducer declared int; server-only; a string slot */
            enc_str(&e, "restored");
        } else {
            enc_kind(&e, RC_ARRAY);
            enc_count(&e, 0, "");
        }
    }
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, e.b.data, e.b.len, err, sizeof err), 0);
    rc_layout *l = mount(&Rich_component, &snap);
    rc_snapshot_free(&snap);
    assert_int_equal(rc_state_get_int(G.i), 0);
    assert_true(rc_state_get_float(G.f) == 0.5);
    assert_false(rc_state_get_bool(G.b));
    assert_string_equal(rc_state_get_string(G.s), "");
    assert_ptr_equal(rc_state_get_value(G.st)->as.st.type, &rgb_type);
    assert_int_equal(rc_state_get_int(G.idx), 7);
    assert_int_equal(rc_value_get_int(rc_state_get_value(G.red), -1), 0);
    assert_string_equal(rc_state_get_string(G.item_label[0]), "first");
    assert_false(rc_state_get_bool(G.item_on[1]));
    assert_string_equal(rc_state_get_string(G.item_label[2]), "restored"); /* fits */
    flush_commit(l);
    assert_int_equal(test_log.n[RC_LOG_ERROR], 0);
    free_layout(l);
    enc_free(&e);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_snapshot_truncated_every_length, reset, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_rejections, reset, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_big_object_linear, reset, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_restore_mismatched_kinds, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
