/*
 * Unit tests for stores shared through Redis, without a Redis
 * (src/redis/stores_script.c and the store layer's side of it): a value's
 * record and JSON round-trip with the store's kind and struct type; the
 * change format parses and refuses what is malformed; versions order the
 * changes (an older one ignored, a removal's version keeps an older set
 * from bringing the item back, a full read forces); the add semantics in
 * memory and how writes to one value merge in a batch (set, add, update);
 * a batch's retry identity is stable per process and increasing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/track.h"
#include "redis/stores_script.h"
#include "store/store.h"

typedef struct pos {
    int32_t x, y;
} pos;
static const rc_struct_type pos_type = {"pos", sizeof(pos), 3};

/* Encodes v as a record, parses it back into a store like st. */
static void round_trip(rc_store *st, const rc_value *v) {
    rc_buf b;
    rc_buf_init(&b);
    rc_rstore_record(&b, 42, 7, v);
    uint64_t ver = 0, order = 0;
    const char *json;
    size_t jlen;
    assert_int_equal(rc_rstore_parse_record(b.data, b.len, &ver, &order, &json, &jlen), 0);
    assert_int_equal(ver, 42);
    assert_int_equal(order, 7);
    rc_value out;
    char err[120];
    assert_int_equal(rc_rstore_decode(st, json, jlen, &out, err, sizeof err), 0);
    assert_true(rc_value_equal(&out, v));
    rc_value_free(&out);
    rc_buf_free(&b);
}

static void test_values_round_trip(void **state) {
    (void)state;
    rc_store *any = rc_store_new("rt-any", NULL);
    rc_value v = {0};
    rc_value_set_int(&v, -9007199254740991LL);
    round_trip(any, &v);
    rc_value_set_float(&v, 2.0); /* stays a float: "2.0" */
    round_trip(any, &v);
    rc_value_set_string(&v, "line\nbreak \"quoted\" \xc3\xa9");
    round_trip(any, &v);
    rc_value_set_object(&v);
    rc_value_set_string(rc_object_set(&v, "text"), "milk");
    rc_value_set_bool(rc_object_set(&v, "done"), true);
    round_trip(any, &v);
    rc_value_free(&v);

    pos p = {3, -4};
    rc_store *ps = rc_store_new_struct("rt-pos", &pos_type, &p);
    round_trip(ps, rc_store_get_value(ps));
    rc_value bytes = {0};
    rc_value_set_bytes(&bytes, "\x00\x01\xff", 3);
    rc_store *bs = rc_store_new("rt-bytes", &bytes);
    round_trip(bs, &bytes);
    rc_value_free(&bytes);

    /* Another struct version, another kind, bad JSON: refused, no crash. */
    rc_value out;
    char err[120];
    const char *other = "{\"$struct\":\"pos\",\"v\":2,\"b64\":\"AwAAAPz///8=\"}";
    assert_int_equal(rc_rstore_decode(ps, other, strlen(other), &out, err, sizeof err), -1);
    rc_store *ints = rc_store_new("rt-int", &(rc_value){.kind = RC_INT});
    assert_int_equal(rc_rstore_decode(ints, "\"x\"", 3, &out, err, sizeof err), -1);
    assert_int_equal(rc_rstore_decode(ints, "[1,", 3, &out, err, sizeof err), -1);
    assert_int_equal(rc_rstore_decode(ints, "", 0, &out, err, sizeof err), -1);
    uint64_t a, b2;
    const char *j;
    size_t jl;
    assert_int_equal(rc_rstore_parse_record("12 x 1", 6, &a, &b2, &j, &jl), -1);
    assert_int_equal(rc_rstore_parse_record("99999999999999999999999 1 1", 27, &a, &b2, &j, &jl),
                     -1);
    rc_store_free(any);
    rc_store_free(ps);
    rc_store_free(bs);
    rc_store_free(ints);
}

/* Appends a netstring. */
static void ns(rc_buf *b, const char *s, size_t n) {
    char head[24];
    rc_buf_append(b, head, (size_t)snprintf(head, sizeof head, "%zu:", n));
    rc_buf_append(b, s, n);
}

static void test_change_format(void **state) {
    (void)state;
    rc_buf b;
    rc_buf_init(&b);
    const char *set[] = {"reactc:a:s:x", "s", "v", "17", "0", "5"};
    const char *rem[] = {"reactc:a:s:x", "r", "i:k\n0", "18", "0", ""};
    for (size_t i = 0; i < 6; i++) ns(&b, set[i], strlen(set[i]));
    size_t first_end = b.len; /* a cut here is one whole change */
    for (size_t i = 0; i < 6; i++) ns(&b, rem[i], strlen(rem[i]));
    const char *p = b.data, *end = b.data + b.len;
    rc_rstore_change c;
    assert_int_equal(rc_rstore_next_change(&p, end, &c), 1);
    assert_int_equal(c.hash_len, 12);
    assert_false(c.removed);
    assert_int_equal(c.version, 17);
    assert_int_equal(c.order, 0);
    assert_int_equal(c.json_len, 1);
    assert_memory_equal(c.json, "5", 1);
    assert_int_equal(rc_rstore_next_change(&p, end, &c), 1);
    assert_true(c.removed);
    assert_int_equal(c.field_len, 5);
    assert_memory_equal(c.field, "i:k\n0", 5);
    assert_int_equal(c.version, 18);
    assert_int_equal(rc_rstore_next_change(&p, end, &c), 0);
    /* Every truncation of it is refused, never read past its end. */
    for (size_t cut = 1; cut < b.len; cut++) {
        char *copy = malloc(cut);
        memcpy(copy, b.data, cut);
        p = copy;
        int rc;
        while ((rc = rc_rstore_next_change(&p, copy + cut, &c)) == 1) {}
        assert_true(rc == -1 || cut == first_end);
        free(copy);
    }
    /* A length past the end, a bad mode, a bad or empty number. */
    const char *bad[] = {"99:x", "1:a1:q1:v2:111:01:5", "1:a1:s1:v1:x1:01:5", "1:a1:s1:v0:1:01:5"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        p = bad[i];
        assert_int_equal(rc_rstore_next_change(&p, bad[i] + strlen(bad[i]), &c), -1);
    }
    rc_buf_free(&b);
}

static void test_versions_order_changes(void **state) {
    (void)state;
    rc_store *st = rc_store_new("ver", &(rc_value){.kind = RC_INT, .as.i = 1});
    rc_store_apply_value_at(st, &(rc_value){.kind = RC_INT, .as.i = 5}, 10, false);
    assert_int_equal(rc_store_get_int(st), 5);
    assert_int_equal(rc_store_get_version(st), 10);
    /* Older (or the same version again: our own change's message). */
    rc_store_apply_value_at(st, &(rc_value){.kind = RC_INT, .as.i = 4}, 9, false);
    rc_store_apply_value_at(st, &(rc_value){.kind = RC_INT, .as.i = 6}, 10, false);
    assert_int_equal(rc_store_get_int(st), 5);
    /* A full read is the truth, even at a lower version (Redis came back
     * empty and another process seeded it). */
    rc_store_apply_value_at(st, &(rc_value){.kind = RC_INT, .as.i = 3}, 2, true);
    assert_int_equal(rc_store_get_int(st), 3);
    assert_int_equal(rc_store_get_version(st), 2);

    rc_store *col = rc_store_new_collection("ver-items");
    rc_value one = {.kind = RC_INT, .as.i = 1}, two = {.kind = RC_INT, .as.i = 2};
    rc_store_apply_item_at(col, "b", &one, 5, 5, false);
    rc_store_apply_item_at(col, "a", &one, 4, 4, false); /* added earlier elsewhere */
    assert_int_equal(rc_store_count_items(col), 2);
    assert_string_equal(rc_store_get_key(col, 0), "a"); /* the shared order */
    rc_store_apply_item_at(col, "b", &two, 3, 5, false);
    assert_int_equal(rc_value_get_int(rc_store_get_item(col, "b"), 0), 1); /* older: ignored */
    /* A removal at 7, then a set at 6 arriving late: the item stays gone. */
    rc_store_apply_item_at(col, "b", NULL, 7, 0, false);
    assert_null(rc_store_get_item(col, "b"));
    rc_store_apply_item_at(col, "b", &two, 6, 5, false);
    assert_null(rc_store_get_item(col, "b"));
    rc_store_apply_item_at(col, "b", &two, 8, 8, false); /* a newer add */
    assert_int_equal(rc_value_get_int(rc_store_get_item(col, "b"), 0), 2);
    assert_int_equal(rc_store_get_item_version(col, "b"), 8);
    rc_store_free(st);
    rc_store_free(col);
}

static void plus_one(rc_value *v, void *arg) {
    (void)arg;
    rc_value_set_int(v, rc_value_get_int(v, 0) + 1);
}

static void test_add_in_memory(void **state) {
    (void)state;
    rc_store *n = rc_store_new("adds", &(rc_value){.kind = RC_INT, .as.i = 10});
    assert_int_equal(rc_store_add_int(n, 5), 0);
    assert_int_equal(rc_store_get_int(n), 15);
    /* One batch: reads see the sum; set then add = a set of the sum; add
     * then set = the set; add then add = one add of both. */
    rc_scope_begin();
    rc_store_add_int(n, 2);
    assert_int_equal(rc_store_get_int(n), 17);
    rc_store_add_int(n, 3);
    const rc_store_write *w = rc_store_staged(n, NULL);
    assert_int_equal(w->mode, RC_WRITE_ADD);
    assert_int_equal(w->delta, 5);
    rc_store_set_int(n, 100);
    assert_int_equal(w->mode, RC_WRITE_SET);
    rc_store_add_int(n, 1);
    assert_int_equal(w->mode, RC_WRITE_SET);
    assert_int_equal(rc_store_get_int(n), 101);
    rc_scope_end(NULL, 0);
    assert_int_equal(rc_store_get_int(n), 101);

    /* An update reads the value: the batch checks its base version. */
    rc_scope_begin();
    rc_store_update(n, plus_one, NULL);
    w = rc_store_staged(n, NULL);
    assert_int_equal(w->mode, RC_WRITE_CAS);
    rc_store_set_int(n, 7);
    assert_int_equal(w->mode, RC_WRITE_CAS); /* it read the value first */
    rc_scope_end(NULL, 0);
    assert_int_equal(rc_store_get_int(n), 7);

    rc_store *col = rc_store_new_collection("add-items");
    assert_int_equal(rc_store_add_item_int(col, "k", 4), 0); /* created as delta */
    assert_int_equal(rc_store_add_item_int(col, "k", -6), 0);
    assert_int_equal(rc_value_get_int(rc_store_get_item(col, "k"), 0), -2);
    rc_store *s = rc_store_new("add-string", &(rc_value){.kind = RC_STRING});
    assert_int_equal(rc_store_add_int(s, 1), -1); /* another kind: refused */
    assert_int_equal(rc_store_add_int(col, 1), -1);
    rc_store_free(n);
    rc_store_free(col);
    rc_store_free(s);
}

static void test_retry_identity(void **state) {
    (void)state;
    const char *a = rc_rstore_nonce();
    assert_int_equal(strlen(a), 32);
    assert_ptr_equal(a, rc_rstore_nonce());
    uint64_t first = rc_rstore_next_batch_number();
    assert_true(first >= 1);
    assert_int_equal(rc_rstore_next_batch_number(), first + 1);
    rc_buf f;
    rc_buf_init(&f);
    rc_rstore_field(&f, NULL);
    rc_rstore_field(&f, "key");
    assert_int_equal(f.len, 6);
    assert_memory_equal(f.data, "vi:key", 6);
    rc_buf_free(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_round_trip),      cmocka_unit_test(test_change_format),
        cmocka_unit_test(test_versions_order_changes), cmocka_unit_test(test_add_in_memory),
        cmocka_unit_test(test_retry_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
