/*
 * Unit tests for the byte formats of state tokens and snapshots
 * (src/resume/, docs/resume.md): the formats documented in snapshot.h and
 * token.h, checked against an independent encoder (snapshots,
 * snapshot_encoder.h) and an independent sealer/opener written with
 * libsodium and zstd (tokens, token_sealer.h); and the token size of the
 * counter.
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

#include <zstd.h>

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
/* Formats                                                                  */
/* ------------------------------------------------------------------------ */

/* Both formats against the independent encoder and opener above. */
static void test_formats_match_headers(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    const rc_component *roots[] = {&Rich_component, &counter_component};
    for (size_t r = 0; r < 2; r++) {
        rc_layout *l = mount(roots[r], NULL);
        if (r == 0) change_rich(l);
        rc_snapshot_meta m = meta_for(300); /* a two-byte varint */
        m.ttl = UINT32_MAX;
        m.last_seq = UINT64_MAX;
        rc_buf got;
        rc_buf_init(&got);
        rc_snapshot_write(&got, l, &m);
        enc e;
        enc_init(&e);
        enc_layout(&e, l, &m);
        assert_int_equal(got.len, e.b.len);
        assert_memory_equal(got.data, e.b.data, got.len);

        /* The token: header fields where token.h puts them. */
        rc_token_claims c = claims_for(9, 300);
        c.app_tag = 0xa1b2c3d4u;
        rc_buf token;
        rc_buf_init(&token);
        rc_token_seal(&kr, &c, got.data, got.len, &token);
        rc_token_claims ic;
        uint8_t flags = 0;
        unsigned char *plain = NULL;
        size_t n = indep_open(&kr.keys[0], &token, &ic, &flags, &plain);
        assert_int_equal(ic.app_tag, 0xa1b2c3d4u);
        assert_int_equal(ic.build_tag, BUILD_TAG);
        assert_memory_equal(ic.session, c.session, RC_SESSION_ID_BYTES);
        assert_int_equal(ic.version, 300);
        /* zstd when it helps: the rich snapshot is compressed, the counter's
         * (under 96 bytes) goes in raw; neither without compression. */
        assert_int_equal(flags, r == 0 ? FLAG_IF_COMPRESSED : 0);
        assert_int_equal(n, got.len);
        assert_memory_equal(plain, got.data, n);
        free(plain);
        rc_buf_free(&token);
        enc_free(&e);
        rc_buf_free(&got);
        free_layout(l);
    }

    /* A token made by the independent sealer opens, with every flag value
     * rc_token_open knows. */
    const char body[] = "any plaintext at all";
    for (uint8_t flags = 0; flags < 4; flags++) {
        rc_buf token, plain;
        rc_buf_init(&token);
        rc_buf_init(&plain);
        craft cr = craft_for(&kr.keys[0], flags);
        cr.version[0] = 0xff; /* version 2^63 + ...: ten bytes */
        for (size_t k = 1; k < 9; k++) cr.version[k] = 0xff;
        cr.version[9] = 0x01;
        cr.nversion = 10;
        if (flags & 1) {
            unsigned char z[128];
            size_t zn = ZSTD_compress(z, sizeof z, body, sizeof body, 1);
            assert_false(ZSTD_isError(zn));
            craft_token(&kr.keys[0], &cr, z, zn, &token);
        } else {
            craft_token(&kr.keys[0], &cr, body, sizeof body, &token);
        }
        rc_token_claims c;
#ifdef RC_TEST_WITHOUT_TOKEN_COMPRESSION
        if (flags & 1) { /* authentic, compressed: refused by name */
            expect_refused(&kr, token.data, token.len, R_NOZSTD);
            rc_buf_free(&token);
            rc_buf_free(&plain);
            continue;
        }
#endif
        expect_open(&kr, token.data, token.len, &c, &plain);
        assert_true(c.version == UINT64_MAX);
        assert_int_equal(c.reference, (flags & 2) != 0);
        assert_int_equal(plain.len, sizeof body);
        assert_memory_equal(plain.data, body, sizeof body);
        rc_buf_free(&token);
        rc_buf_free(&plain);
    }
    rc_keyring_wipe(&kr);
}

/* An empty plaintext seals and opens (and is then no snapshot). */
static void test_empty_plaintext(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_buf empty, token, plain;
    rc_buf_init(&empty);
    rc_buf_init(&token);
    rc_buf_init(&plain);
    rc_token_claims c = claims_for(1, 1), got;
    rc_token_seal(&kr, &c, empty.data, empty.len, &token);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(plain.len, 0);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), -1);
    assert_string_equal(err, "snapshot: unknown format");
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Token size                                                               */
/* ------------------------------------------------------------------------ */

static void test_counter_token_size(void **state) {
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_state_set_int(G.count, 3);
    rc_state_set_int(G.count_secret, 123456789);
    flush_commit(l);
    rc_token_claims c = claims_for(1, 4), got;
    rc_snapshot_meta m = meta_for(4);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    seal_layout(&kr, l, &c, &m, &token);
    print_message("  counter token: %zu characters (limit 200)\n", token.len);
    assert_true(token.len <= 200);

    /* The server-only slot is not in it. */
    expect_open(&kr, token.data, token.len, &got, &plain);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(snap.nslots, 1);
    assert_int_equal(rc_value_get_int(rc_snapshot_get(&snap, "/counter@count"), -1), 3);
    assert_null(rc_snapshot_get(&snap, "/counter@secret"));
    for (size_t k = 0; k < plain.len; k++)
        assert_false(k + 6 <= plain.len && memcmp(plain.data + k, "secret", 6) == 0);
    rc_layout *b = mount(&counter_component, &snap);
    rc_snapshot_free(&snap);
    assert_int_equal(rc_state_get_int(G.count), 3);
    assert_int_equal(rc_state_get_int(G.count_secret), 0);

    /* Still under 200 after a long life: big counters, versions and
     * sequence numbers. */
    rc_state_set_int(G.count, INT64_MIN);
    flush_commit(b);
    c.version = m.version = 1000000000;
    m.last_seq = 1000000000;
    rc_buf_reset(&token);
    seal_layout(&kr, b, &c, &m, &token);
    print_message("  counter token, worst case: %zu characters\n", token.len);
    assert_true(token.len <= 200);

    free_layout(b);
    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_formats_match_headers, reset, teardown),
        cmocka_unit_test_setup_teardown(test_empty_plaintext, reset, teardown),
        cmocka_unit_test_setup_teardown(test_counter_token_size, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
