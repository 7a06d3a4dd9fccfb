/*
 * Unit tests for exactly-once store writes across replay and for persisted
 * stores (src/store/marks.c, memory.c, persist.c): a replayed event at or
 * below its session's mark skips its store writes (also in a copy of the
 * session resumed into a new id); a persisted store comes back from its
 * file with its marks, so a replay after a restart is recognised; a
 * damaged or foreign file is reported, set aside and ignored; writes are
 * debounced on the timer host; marks expire after the token ttl.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "reactc.h"
#include "reactc_layout.h"
#include "store/marks.h"
#include "store/store.h"

#include "harness.h"
#include "layout_driver.h"

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    rc_store *fan;  /* bool */
    rc_store *list; /* collection */
    int armed, stopped, saved;
    void (*due)(void *);
    void *due_arg;
} G;

static char dir[64];
static char path[128];

static void toggle(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
    rc_store_set_bool(G.fan, !rc_store_get_bool(G.fan));
    if (G.list) {
        char key[32];
        snprintf(key, sizeof key, "k%zu", rc_store_count_items(G.list));
        rc_store_set_item(G.list, key, &(rc_value){.kind = RC_INT, .as.i = 1});
    }
}

static void Fan(rc_ctx *ctx, const void *props) {
    (void)props;
    RC_EL(ctx, "button", .id = "fan", .on = RC_ON("click", toggle, NULL)) {
        rc_text(ctx, rc_store_get_bool(G.fan) ? "on" : "off");
    }
}
static RC_COMPONENT(Fan);

/* A session's layout, as the server makes one (its id names its marks). */
static rc_layout *session(const char *id) {
    rc_layout_opts o = test_opts();
    o.session_id = id;
    rc_layout *l = track(rc_layout_new(&Fan_component, NULL, 0, &o));
    flush_commit(l);
    return l;
}

/* Frees a store the test made (teardown frees what a failed test left). */
static void drop(rc_store **st) {
    rc_store_free(*st);
    *st = NULL;
}

static void make_fan(void) {
    G.fan = rc_store_new("fan", &(rc_value){.kind = RC_BOOL, .as.b = false});
    assert_non_null(G.fan);
}

/* The bug of issue 15: an event committed, its token lost (kill -9 before
 * it reached the client), the client replays it into a session restored
 * from the older token: the toggle must not flip the fan back. */
static void test_replayed_event_skips_its_store_writes(void **state) {
    (void)state;
    make_fan();
    rc_layout *first = session("S1");
    assert_int_equal(fire(first, "fan", "onClick", NULL, 1), 0);
    assert_true(rc_store_get_bool(G.fan));
    free_layout(first);
    /* The resume: a new layout for S1 from a token without seq 1. */
    rc_layout *again = session("S1");
    assert_int_equal(fire(again, "fan", "onClick", NULL, 1), 0);
    assert_true(rc_store_get_bool(G.fan)); /* skipped, not flipped back */
    assert_int_equal(fire(again, "fan", "onClick", NULL, 2), 0);
    assert_false(rc_store_get_bool(G.fan)); /* a new event applies */
    /* Another session's seq 1 is its own. */
    rc_layout *other = session("S2");
    assert_int_equal(fire(other, "fan", "onClick", NULL, 1), 0);
    assert_true(rc_store_get_bool(G.fan));
    expect_no_errors();
    drop(&G.fan);
}

/* A duplicated tab resumes the token into a new session id: the marks
 * follow the token's id, so the events both tabs hold apply once. */
static void test_duplicated_tab_inherits_the_marks(void **state) {
    (void)state;
    make_fan();
    rc_layout *orig = session("S1");
    fire(orig, "fan", "onClick", NULL, 1);
    fire(orig, "fan", "onClick", NULL, 2);
    fire(orig, "fan", "onClick", NULL, 3);
    assert_true(rc_store_get_bool(G.fan));
    rc_store_marks_inherit("S1", "S1copy");
    rc_layout *copy = session("S1copy");
    fire(copy, "fan", "onClick", NULL, 3); /* replayed by the copy */
    assert_true(rc_store_get_bool(G.fan));
    fire(copy, "fan", "onClick", NULL, 4); /* its own next event */
    assert_false(rc_store_get_bool(G.fan));
    drop(&G.fan);
}

/* A write outside an event (a timer, a publish, main) has no seq: never
 * skipped. */
static void test_writes_outside_events_are_never_skipped(void **state) {
    (void)state;
    make_fan();
    rc_layout *l = session("S1");
    fire(l, "fan", "onClick", NULL, 5);
    assert_int_equal(rc_store_set_bool(G.fan, false), 0);
    assert_false(rc_store_get_bool(G.fan));
    assert_int_equal(fire(l, "fan", "onClick", NULL, 0), 0); /* a base-protocol event */
    assert_true(rc_store_get_bool(G.fan));
    drop(&G.fan);
}

static void test_marks_expire_after_the_ttl(void **state) {
    (void)state;
    rc_marks m;
    rc_marks_init(&m);
    rc_store_marks_set_ttl(100);
    assert_true(rc_marks_raise(&m, "a", 3, 1000));
    assert_false(rc_marks_raise(&m, "a", 2, 1001)); /* never lowered */
    assert_true(rc_marks_raise(&m, "b", 1, 1050));
    assert_int_equal(rc_marks_get(&m, "a"), 3);
    assert_true(rc_marks_raise(&m, "c", 1, 1101)); /* a's last raise is 101 s old */
    assert_int_equal(rc_marks_get(&m, "a"), 0);
    assert_int_equal(rc_marks_get(&m, "b"), 1);
    assert_int_equal(m.count, 2);
    assert_true(rc_marks_raise(&m, "b", 2, 1140)); /* a raise renews b */
    rc_marks_expire(&m, 1220);
    assert_int_equal(rc_marks_get(&m, "b"), 2);
    assert_int_equal(rc_marks_get(&m, "c"), 0);
    rc_marks_free(&m);
    rc_store_marks_set_ttl(24 * 3600);
}

/* ---- persisted stores --------------------------------------------------- */

static void make_dir(void) {
    snprintf(dir, sizeof dir, "/tmp/rc-store-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/fan.store", dir);
}

static void remove_dir(void) {
    char p[160];
    const char *suffixes[] = {"", ".tmp", ".corrupt"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
    rmdir(dir);
}

static bool exists(const char *suffix) {
    char p[160];
    snprintf(p, sizeof p, "%s%s", path, suffix);
    struct stat sb;
    return stat(p, &sb) == 0;
}

/* Kill -9 after a committed toggle of a persisted store and a restart: the
 * value comes back from the file, and so does the mark, so the client's
 * replay of that toggle is skipped. */
static void test_persisted_store_survives_a_restart_with_its_marks(void **state) {
    (void)state;
    make_dir();
    make_fan();
    assert_int_equal(rc_store_persist(G.fan, path), 0);
    assert_false(exists("")); /* nothing written before a change */
    rc_layout *l = session("S1");
    fire(l, "fan", "onClick", NULL, 1);
    assert_true(exists("")); /* no timer host: written at once */
    free_layout(l);
    drop(&G.fan);
    rc_marks_free(&rc_store_memory_marks); /* the process died */

    make_fan();
    assert_int_equal(rc_store_persist(G.fan, path), 0);
    assert_true(rc_store_get_bool(G.fan));
    l = session("S1");
    fire(l, "fan", "onClick", NULL, 1); /* the replay */
    assert_true(rc_store_get_bool(G.fan));
    fire(l, "fan", "onClick", NULL, 2);
    assert_false(rc_store_get_bool(G.fan));
    expect_no_errors();
    /* Several workers would each write the file, local or not: the
     * supervisor refuses them while a persisted store exists. */
    rc_store_set_local(G.fan, true);
    assert_string_equal(rc_store_find_shared(), "fan");
    /* Misuse is refused. */
    assert_int_equal(rc_store_persist(G.fan, path), -1);
    rc_store *other = rc_store_new("other", NULL);
    assert_int_equal(rc_store_persist(other, path), -1);
    rc_store_free(other);
    drop(&G.fan);
    assert_false(exists(".corrupt"));
    remove_dir();
}

static void test_collection_persists_its_items_in_order(void **state) {
    (void)state;
    make_dir();
    make_fan();
    G.list = rc_store_new_collection("list");
    assert_int_equal(rc_store_persist(G.list, path), 0);
    rc_layout *l = session("S1");
    for (uint64_t seq = 1; seq <= 3; seq++) fire(l, "fan", "onClick", NULL, seq);
    rc_store_set_item(G.list, "k1", &(rc_value){.kind = RC_INT, .as.i = 42});
    free_layout(l);
    drop(&G.list);
    G.list = rc_store_new_collection("list");
    assert_int_equal(rc_store_persist(G.list, path), 0);
    assert_int_equal(rc_store_count_items(G.list), 3);
    assert_string_equal(rc_store_get_key(G.list, 0), "k0");
    assert_string_equal(rc_store_get_key(G.list, 2), "k2");
    assert_int_equal(rc_value_get_int(rc_store_get_item(G.list, "k1"), 0), 42);
    /* The fan (in memory) kept its marks in this process; the list's came
     * back from its file: seq 3 replayed adds no item. */
    l = session("S1");
    fire(l, "fan", "onClick", NULL, 3);
    assert_int_equal(rc_store_count_items(G.list), 3);
    drop(&G.list);
    drop(&G.fan);
    remove_dir();
}

typedef struct setting {
    int32_t level;
    int32_t mode;
} setting;
static const rc_struct_type setting_type = {"setting", sizeof(setting), 1};
static const rc_struct_type setting_type_v2 = {"setting", sizeof(setting), 2};

static void test_struct_store_persists_and_a_new_version_is_ignored(void **state) {
    (void)state;
    make_dir();
    setting s = {7, 2};
    rc_store *st = rc_store_new_struct("fan", &setting_type, &(setting){0, 0});
    assert_int_equal(rc_store_persist(st, path), 0);
    rc_store_set_struct(st, &s);
    rc_store_free(st);
    st = rc_store_new_struct("fan", &setting_type, &(setting){0, 0});
    assert_int_equal(rc_store_persist(st, path), 0);
    const setting *got = rc_store_get_struct(st);
    assert_int_equal(got->level, 7);
    assert_int_equal(got->mode, 2);
    rc_store_free(st);
    /* A bumped struct version: the file is set aside, the initial value
     * kept (reported on stderr). */
    st = rc_store_new_struct("fan", &setting_type_v2, &(setting){1, 1});
    assert_int_equal(rc_store_persist(st, path), 0);
    assert_int_equal(((const setting *)rc_store_get_struct(st))->level, 1);
    assert_true(exists(".corrupt"));
    rc_store_free(st);
    remove_dir();
}

static void write_bytes(const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static size_t read_bytes(unsigned char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* A damaged file (garbage, a flipped byte, torn, another store's) is
 * reported, kept aside as PATH.corrupt and ignored: the store keeps its
 * initial value and the next change writes a good file. */
static void test_a_damaged_file_is_set_aside_and_ignored(void **state) {
    (void)state;
    make_dir();
    make_fan();
    rc_store_persist(G.fan, path);
    rc_store_set_bool(G.fan, true);
    drop(&G.fan);
    unsigned char good[4096];
    size_t n = read_bytes(good, sizeof good);
    assert_true(n > 41);

    unsigned char bad[4096];
    for (int i = 0; i < 5; i++) {
        memcpy(bad, good, n);
        size_t len = n;
        if (i == 0) memcpy(bad, "garbage!", 8);
        if (i == 1) bad[n - 2] ^= 0x10; /* a flipped bit in the body */
        if (i == 2) len = n - 3;        /* torn */
        if (i == 3) bad[8] = 9;         /* a future format */
        if (i == 4) len = 0;            /* empty */
        write_bytes(bad, len);
        make_fan();
        assert_int_equal(rc_store_persist(G.fan, path), 0);
        assert_false(rc_store_get_bool(G.fan));
        assert_true(exists(".corrupt"));
        assert_false(exists(""));
        drop(&G.fan);
    }
    /* Another store's good file. */
    write_bytes(good, n);
    rc_store *other = rc_store_new("other", &(rc_value){.kind = RC_BOOL, .as.b = false});
    rc_store_persist(other, path);
    assert_false(rc_store_get_bool(other));
    rc_store_set_bool(other, true); /* writes a good file of its own */
    rc_store_free(other);
    other = rc_store_new("other", NULL);
    rc_store_persist(other, path);
    assert_true(rc_store_get_bool(other));
    rc_store_free(other);
    remove_dir();
}

/* A write that fails (here: no directory) is logged and leaves the event
 * unsaved (its token keeps waiting); the next change tries again. */
static void test_a_failed_write_keeps_the_event_unsaved(void **state) {
    (void)state;
    make_dir();
    char missing[160];
    snprintf(missing, sizeof missing, "%s/sub", dir);
    snprintf(path, sizeof path, "%s/sub/fan.store", dir);
    make_fan();
    assert_int_equal(rc_store_persist(G.fan, path), 0);
    rc_layout *l = session("S1");
    fire(l, "fan", "onClick", NULL, 1);
    assert_true(rc_store_marks_unsaved("S1"));
    assert_int_equal(rc_store_sync(), -1);
    assert_int_equal(mkdir(missing, 0700), 0);
    fire(l, "fan", "onClick", NULL, 2); /* the next change writes both */
    assert_false(rc_store_marks_unsaved("S1"));
    assert_true(exists(""));
    assert_int_equal(rc_store_sync(), 0);
    drop(&G.fan);
    unlink(path);
    rmdir(missing);
    snprintf(path, sizeof path, "%s/fan.store", dir);
    remove_dir();
}

/* ---- debounce ------------------------------------------------------------ */

static void *fake_start(void *host, uint32_t ms, bool repeat, void (*cb)(void *), void *arg) {
    (void)host;
    assert_int_equal(ms, 1000);
    assert_false(repeat);
    G.armed++;
    G.due = cb;
    G.due_arg = arg;
    return &G;
}

static void fake_stop(void *host, void *timer) {
    (void)host;
    (void)timer;
    G.stopped++;
}

static void on_saved(void *arg) {
    (void)arg;
    G.saved++;
}

static void test_writes_are_debounced(void **state) {
    (void)state;
    make_dir();
    static const rc_timer_host host = {fake_start, fake_stop, NULL};
    rc_store_set_timers(&host);
    make_fan();
    rc_store_persist(G.fan, path);
    for (int i = 0; i < 5; i++) rc_store_set_bool(G.fan, i % 2 == 0);
    assert_int_equal(G.armed, 1); /* five changes, one write due */
    assert_false(exists(""));
    G.due(G.due_arg); /* the timer fires */
    assert_true(exists(""));
    rc_store_set_bool(G.fan, false);
    assert_int_equal(G.armed, 2);
    assert_int_equal(rc_store_sync(), 0); /* written now, the timer stopped */
    assert_int_equal(G.stopped, 1);
    /* An event's write is not durable before the file is: no token may
     * hold it until then (the server waits for rc_store_set_saved). */
    rc_store_set_saved(on_saved, NULL);
    rc_layout *l = session("S1");
    fire(l, "fan", "onClick", NULL, 1);
    assert_true(rc_store_marks_unsaved("S1"));
    assert_false(rc_store_marks_unsaved("S2"));
    assert_int_equal(G.saved, 0);
    G.due(G.due_arg);
    assert_false(rc_store_marks_unsaved("S1"));
    assert_int_equal(G.saved, 1);
    rc_store_set_saved(NULL, NULL);
    rc_store_set_bool(G.fan, true);
    rc_store_set_timers(NULL); /* the loop ends: what is due is written */
    assert_int_equal(G.stopped, 2);
    drop(&G.fan);
    make_fan();
    rc_store_persist(G.fan, path);
    assert_true(rc_store_get_bool(G.fan));
    drop(&G.fan);
    remove_dir();
}

/* Every test starts in a fresh process as far as marks go. */
static int fresh(void **state) {
    rc_marks_free(&rc_store_memory_marks);
    return reset(state);
}

static int cleanup(void **state) {
    drop(&G.fan);
    drop(&G.list);
    rc_store_set_timers(NULL);
    return teardown(state);
}

int main(void) {
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replayed_event_skips_its_store_writes, fresh, cleanup),
        cmocka_unit_test_setup_teardown(test_duplicated_tab_inherits_the_marks, fresh, cleanup),
        cmocka_unit_test_setup_teardown(test_writes_outside_events_are_never_skipped, fresh,
                                        cleanup),
        cmocka_unit_test_setup_teardown(test_marks_expire_after_the_ttl, fresh, cleanup),
        cmocka_unit_test_setup_teardown(test_persisted_store_survives_a_restart_with_its_marks,
                                        fresh, cleanup),
        cmocka_unit_test_setup_teardown(test_collection_persists_its_items_in_order, fresh,
                                        cleanup),
        cmocka_unit_test_setup_teardown(test_struct_store_persists_and_a_new_version_is_ignored,
                                        fresh, cleanup),
        cmocka_unit_test_setup_teardown(test_a_damaged_file_is_set_aside_and_ignored, fresh,
                                        cleanup),
        cmocka_unit_test_setup_teardown(test_a_failed_write_keeps_the_event_unsaved, fresh,
                                        cleanup),
        cmocka_unit_test_setup_teardown(test_writes_are_debounced, fresh, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
