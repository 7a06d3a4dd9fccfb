/*
 * Unit tests for integer keys (RC_CHILD_INT, RC_KEY_INT): an integer key is
 * the key of its decimal string. The oracle is the string-keyed form of the
 * same page, rendered by the same code with snprintf'd keys: the slot
 * addresses, handler ids and node keys must be the same, switching from one
 * form to the other must change nothing in the DOM, and 12 repeated as
 * "12" is a duplicate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>

#include "core/keys.h"
#include "reactc_layout.h"

#include "harness.h"
#include "layout_driver.h"
#include "strlog.h"

/* Keys around the edges of the formatting: sign, zero, digit counts, the
 * extremes of int64_t; and of the shared keys (core/keys.c): a block's last
 * and the next's first (63, 64), the last shared key and the first made
 * per node (16383, 16384). */
static const int64_t keys[] = {
    0, 7, -7, 10, 99, 100, 63, 64, 16383, 16384, 123456789, -1000000000000, INT64_MAX, INT64_MIN};
#define NKEYS (sizeof keys / sizeof *keys)

static struct {
    rc_state *as_int; /* the list's form: 1 integer keys, 0 strings */
    rc_state *dup;    /* 1: one more child keyed "7" beside the integer 7 */
} G;

static void noop(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
}

typedef struct item_props {
    int32_t i;
} item_props;

static void Item(rc_ctx *ctx, const void *props) {
    const item_props *p = props;
    (void)rc_use_int(ctx, "n", p->i);
    RC_EL(ctx, "span", .on = RC_ON("click", noop, NULL)) { rc_textf(ctx, "%d", (int)p->i); }
}
static RC_COMPONENT(Item);

static void List(rc_ctx *ctx, const void *props) {
    (void)props;
    G.as_int = rc_use_int(ctx, "int", 1);
    G.dup = rc_use_int(ctx, "dup", 0);
    bool as_int = rc_state_get_int(G.as_int) != 0;
    RC_EL(ctx, "ul", .id = "children") {
        for (size_t i = 0; i < NKEYS; i++) {
            item_props p = {(int32_t)i};
            if (as_int) {
                RC_CHILD_INT(ctx, &Item_component, keys[i], &p);
            } else {
                char key[24];
                snprintf(key, sizeof key, "%lld", (long long)keys[i]);
                RC_CHILD(ctx, &Item_component, key, &p);
            }
        }
        if (rc_state_get_int(G.dup)) RC_CHILD(ctx, &Item_component, "7", (&(item_props){99}));
    }
    RC_EL(ctx, "ol", .id = "elements") {
        for (size_t i = 0; i < NKEYS; i++) {
            char key[24];
            snprintf(key, sizeof key, "%lld", (long long)keys[i]);
            rc_el_opts o = {.key = key, .on = RC_ON("click", noop, NULL)};
            if (as_int) o = (rc_el_opts){RC_KEY_INT(keys[i]), .on = RC_ON("click", noop, NULL)};
            rc_open(ctx, "li", &o);
            rc_textf(ctx, "%zu", i);
            rc_close(ctx);
        }
    }
}
static RC_COMPONENT(List);

static void collect_slots(void *user, const char *address, const rc_value *value) {
    (void)value;
    slog_add(user, "%s", address);
}

/* Every key and handler id under n, one a line, depth first. */
static void collect_ids(strlog *out, const rc_node *n) {
    if (rc_node_get_kind(n) == RC_NODE_ELEMENT) {
        const char *key = rc_node_get_key(n);
        if (key) slog_add(out, "key %s", key);
        for (size_t i = 0; i < rc_node_count_handlers(n); i++)
            slog_add(out, "handler %s", rc_handler_get_id(rc_node_get_handler(n, i)));
    }
    for (size_t i = 0; i < rc_node_count_children(n); i++)
        collect_ids(out, rc_node_get_child(n, i));
}

static void assert_same_log(const strlog *a, const strlog *b) {
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) assert_string_equal(a->items[i], b->items[i]);
}

static void describe(rc_layout *l, strlog *slots, strlog *ids) {
    rc_layout_foreach_slot(l, collect_slots, slots);
    for (size_t i = 0; i < rc_layout_count_roots(l); i++)
        collect_ids(ids, rc_layout_get_root(l, i));
}

static void test_int_keys_name_what_strings_name(void **state) {
    (void)state;
    strlog slots_int = {0}, ids_int = {0}, slots_str = {0}, ids_str = {0};
    rc_layout *a = new_layout(&List_component, NULL, 0);
    flush_commit(a);
    describe(a, &slots_int, &ids_int);
    rc_layout *b = new_layout(&List_component, NULL, 0);
    flush_commit(b);
    rc_state_set_int(G.as_int, 0);
    flush_commit(b);
    describe(b, &slots_str, &ids_str);
    assert_int_equal(count_errors(a, NULL, 0) + count_errors(b, NULL, 0), 0);
    /* The same addresses ("/List/Item[-7]@n") and the same ids. */
    assert_int_equal(slog_count(&slots_int, "/List/Item[-9223372036854775808]@n"), 1);
    assert_int_equal(slog_count(&slots_int, "/List/Item[9223372036854775807]@n"), 1);
    assert_int_equal(slog_count(&slots_int, "/List/Item[0]@n"), 1);
    assert_same_log(&slots_int, &slots_str);
    assert_int_equal(slog_count(&ids_int, "key -1000000000000"), 1);
    assert_int_equal(ids_int.n, NKEYS * 3); /* a handler per span; per li a key and a handler */
    assert_same_log(&ids_int, &ids_str);
}

static void test_switching_forms_changes_nothing(void **state) {
    (void)state;
    rc_layout *l = new_layout(&List_component, NULL, 0);
    flush_commit(l);
    rc_state_set_int(G.as_int, 0);
    step s = flush_commit(l);
    /* The root's own slot changed; its children are the same children. */
    assert_int_equal(s.nops, 0);
    assert_int_equal(s.rendered, 1);
    rc_state_set_int(G.as_int, 1);
    s = flush_commit(l);
    assert_int_equal(s.nops, 0);
    assert_int_equal(count_errors(l, NULL, 0), 0);
}

static void test_int_and_string_duplicate(void **state) {
    (void)state;
    rc_layout *l = new_layout(&List_component, NULL, 0);
    flush_commit(l);
    rc_state_set_int(G.dup, 1);
    flush_commit(l);
    char msg[512];
    assert_int_equal(count_errors(l, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "duplicate key \"7\""));
}

/* Ascending integer keys skip the duplicate check (builder.c): a repeat of
 * the last key, or any key not above the one before, must still be found,
 * for components and for elements. */
static void Ascending(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_state *mode = rc_use_int(ctx, "mode", 0);
    int64_t m = rc_state_get_int(mode);
    G.dup = mode;
    RC_EL(ctx, "ul", .id = "asc") {
        for (int32_t i = 0; i < 1000; i++)
            RC_CHILD_INT(ctx, &Item_component, i, (&(item_props){i}));
        if (m == 1) RC_CHILD_INT(ctx, &Item_component, 999, (&(item_props){0}));
        if (m == 2) RC_CHILD_INT(ctx, &Item_component, 17, (&(item_props){0}));
    }
    RC_EL(ctx, "ol") {
        for (int i = 0; i < 300; i++)
            RC_EL(ctx, "li", RC_KEY_INT(i * 2)) {}
        if (m == 3)
            RC_EL(ctx, "li", RC_KEY_INT(598)) {}
        if (m == 4)
            RC_EL(ctx, "li", .key = "4") {}
    }
}
static RC_COMPONENT(Ascending);

static void test_ascending_keys_still_checked(void **state) {
    (void)state;
    static const char *const want[] = {NULL, "\"999\"", "\"17\"", "\"598\"", "\"4\""};
    for (int m = 0; m < 5; m++) {
        rc_layout *l = new_layout(&Ascending_component, NULL, 0);
        flush_commit(l);
        assert_int_equal(count_errors(l, NULL, 0), 0);
        rc_state_set_int(G.dup, m);
        flush_commit(l);
        char msg[512];
        assert_int_equal(count_errors(l, msg, sizeof msg), m ? 1 : 0);
        if (m) assert_non_null(strstr(msg, want[m]));
        free_layout(l);
    }
}

/* Props are the app's struct, copied behind the placeholder: aligned for
 * any type whatever the key (shared integer keys put none behind it, a
 * string key a copy) or its absence. */
typedef struct wide_props {
    long double x;
    int32_t i;
} wide_props;
static int wide_misaligned, wide_wrong;

static void Wide(rc_ctx *ctx, const void *props) {
    const wide_props *p = props;
    if ((uintptr_t)props % _Alignof(max_align_t)) wide_misaligned++;
    else if (p->x != (long double)p->i / 3) wide_wrong++;
    rc_textf(ctx, "%d", (int)p->i);
}
static RC_COMPONENT(Wide);

static void WideList(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "ul") {
        for (int32_t i = 0; i < 40; i++) {
            wide_props p = {(long double)i / 3, i};
            if (i % 3 == 0) RC_CHILD_INT(ctx, &Wide_component, i, &p);
            else if (i % 3 == 1) {
                char key[16];
                snprintf(key, sizeof key, "k%d", (int)i);
                RC_CHILD(ctx, &Wide_component, key, &p);
            } else RC_CHILD(ctx, &Wide_component, NULL, &p);
        }
    }
}
static RC_COMPONENT(WideList);

static void test_props_aligned_for_any_type(void **state) {
    (void)state;
    wide_misaligned = wide_wrong = 0;
    rc_layout *l = new_layout(&WideList_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_int_equal(wide_misaligned, 0);
    assert_int_equal(wide_wrong, 0);
    free_layout(l);
}

/* Shared keys made by several threads at once (layouts may render on
 * several): every thread must get the same key for a value, with the
 * digits and hash a key made from the string has. Values from the top
 * blocks, which no other test of this process asks for. */
#define RACE_THREADS 4
#define RACE_FIRST   (RC_INT_KEYS - 4 * RC_INT_KEY_BLOCK)
static const rc_key *race_got[RACE_THREADS][RC_INT_KEYS - RACE_FIRST];
static pthread_barrier_t race_start;

static void *race(void *arg) {
    size_t t = (size_t)(uintptr_t)arg;
    pthread_barrier_wait(&race_start);
    for (int64_t v = RACE_FIRST; v < RC_INT_KEYS; v++) race_got[t][v - RACE_FIRST] = rc_key_int(v);
    return NULL;
}

static void test_shared_keys_across_threads(void **state) {
    (void)state;
    pthread_t th[RACE_THREADS];
    pthread_barrier_init(&race_start, NULL, RACE_THREADS);
    for (size_t t = 0; t < RACE_THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, race, (void *)(uintptr_t)t), 0);
    for (size_t t = 0; t < RACE_THREADS; t++) pthread_join(th[t], NULL);
    pthread_barrier_destroy(&race_start);
    for (int64_t v = RACE_FIRST; v < RC_INT_KEYS; v++) {
        const rc_key *k = race_got[0][v - RACE_FIRST];
        assert_non_null(k);
        for (size_t t = 1; t < RACE_THREADS; t++) assert_ptr_equal(race_got[t][v - RACE_FIRST], k);
        char want[24];
        snprintf(want, sizeof want, "%lld", (long long)v);
        assert_string_equal(k->s, want);
        assert_int_equal(k->len, strlen(want));
        assert_true(k->hash == rc_hash_bytes(RC_HASH_SEED, want, strlen(want)));
        assert_ptr_equal(rc_key_int(v), k); /* made once */
    }
    assert_null(rc_key_int(-1));
    assert_null(rc_key_int(RC_INT_KEYS));
    assert_null(rc_key_int(INT64_MIN));
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_int_keys_name_what_strings_name, reset, teardown),
        cmocka_unit_test_setup_teardown(test_switching_forms_changes_nothing, reset, teardown),
        cmocka_unit_test_setup_teardown(test_int_and_string_duplicate, reset, teardown),
        cmocka_unit_test_setup_teardown(test_ascending_keys_still_checked, reset, teardown),
        cmocka_unit_test_setup_teardown(test_props_aligned_for_any_type, reset, teardown),
        cmocka_unit_test(test_shared_keys_across_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
