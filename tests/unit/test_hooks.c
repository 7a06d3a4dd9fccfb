/*
 * Unit tests for hooks, scheduling, effects, context, unmounting, error
 * boundaries, restorable slots and event dispatch (src/core/).
 *
 * Behaviours are checked against React / ReactPy semantics: one render per
 * dirty instance per flush, parent first; equal state and equal props do not
 * render; effects run after commit, children first, cleanups before new
 * effects; context updates reach consumers through skipped components; a
 * failing component is replaced by an error node while the rest keeps
 * working.
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

#include <math.h>

#include "reactc.h"

/* ------------------------------------------------------------------------ */
/* Test infrastructure                                                      */
/* ------------------------------------------------------------------------ */

typedef struct strlog {
    char items[256][96];
    size_t n;
} strlog;

static void RC_PRINTF(2, 3) slog_add(strlog *lg, const char *fmt, ...)
{
    if (lg->n >= sizeof lg->items / sizeof lg->items[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lg->items[lg->n], sizeof lg->items[0], fmt, ap);
    va_end(ap);
    lg->n++;
}

static size_t slog_count(const strlog *lg, const char *s)
{
    size_t c = 0;
    for (size_t i = 0; i < lg->n; i++)
        c += strcmp(lg->items[i], s) == 0;
    return c;
}

static void slog_dump(const strlog *lg)
{
    for (size_t i = 0; i < lg->n; i++)
        print_message("  [%zu] %s\n", i, lg->items[i]);
}

/* Asserts the log holds exactly the given NULL-terminated sequence. */
#define slog_expect(...) slog_expect_at(__FILE__, __LINE__, __VA_ARGS__)
static void slog_expect_at(const char *file, int line, const strlog *lg, ...)
{
    va_list ap;
    va_start(ap, lg);
    size_t i = 0;
    bool ok = true;
    for (const char *w = va_arg(ap, const char *); w; w = va_arg(ap, const char *), i++) {
        if (i >= lg->n || strcmp(lg->items[i], w) != 0) {
            print_message("log mismatch at %zu: want \"%s\", got \"%s\"\n", i, w,
                          i < lg->n ? lg->items[i] : "(end)");
            ok = false;
        }
    }
    va_end(ap);
    if (i != lg->n) {
        print_message("log length: want %zu, got %zu\n", i, lg->n);
        ok = false;
    }
    if (!ok) {
        slog_dump(lg);
        fail_msg("unexpected log sequence (checked at %s:%d)", file, line);
    }
}

typedef struct logcap {
    size_t n[4];
    char last[4][1024];
    char all_errors[4096];
} logcap;

typedef struct pt {
    int32_t x, y;
} pt;

static const rc_struct_type pt_type = {"pt", sizeof(pt), 1};
static const rc_struct_type pt_type_v2 = {"pt", sizeof(pt), 2};

/* All mutable test state, reset before every test. */
static struct {
    logcap log;
    strlog renders;            /* "Name" per render */
    strlog effects;            /* "Name:effect" / "Name:cleanup" */

    /* slots captured during renders (valid while the instance lives) */
    rc_state *st, *st2, *st3;
    rc_state *s_int, *s_float, *s_bool, *s_str, *s_bytes, *s_val, *s_struct, *s_null;
    rc_state *s_red;
    bool set_ret;

    /* refs */
    int *ref_ptr;
    int ref_first_seen;
    size_t ref_ptr_changes;

    /* memo / callback */
    int memo_calls[4];
    int64_t memo_vals[4];
    int cb_tokens[16];
    size_t cb_render;
    void *cb_user_seen;

    /* props_equal */
    char label_bufs[2][16];
    size_t label_render;
    int eq_calls;

    /* effects */
    int64_t arg_seen, arg_via_api;
    uintptr_t arg_ptr, local_addr;
    rc_layout *eff_layout;
    bool eff_is_resume[3];
    int resume_runs[3];
    bool render_resume[8];
    size_t nrender_resume;
    int cleanups;

    /* context */
    int64_t self_before, self_inside;

    /* handlers */
    int handler_calls;
    void *handler_user;
    int tok_a, tok_b;

    /* events */
    char ev_value[64];
    bool ev_checked;
    bool ev_missing_is_null;
    uint64_t ev_seq;
    rc_layout *ev_layout;
    const rc_value *ev_data;

    /* restore */
    strlog restore_addrs;

    /* layouts not yet freed: a failing test's are freed by the teardown */
    rc_layout *live[8];
} G;

static int reset(void **state)
{
    (void)state;
    memset(&G, 0, sizeof G);
    return 0;
}

static rc_layout *track(rc_layout *l)
{
    assert_non_null(l);
    for (size_t i = 0; i < sizeof G.live / sizeof G.live[0]; i++) {
        if (!G.live[i]) {
            G.live[i] = l;
            return l;
        }
    }
    fail_msg("too many live layouts");
    return l;
}

static void free_layout(rc_layout *l)
{
    for (size_t i = 0; i < sizeof G.live / sizeof G.live[0]; i++)
        if (G.live[i] == l)
            G.live[i] = NULL;
    rc_layout_free(l);
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof G.live / sizeof G.live[0]; i++) {
        if (G.live[i])
            rc_layout_free(G.live[i]);
        G.live[i] = NULL;
    }
    return 0;
}

static void log_cb(void *user, rc_log_level level, const char *message)
{
    logcap *lc = user;
    lc->n[level]++;
    snprintf(lc->last[level], sizeof lc->last[level], "%s", message);
    if (level == RC_LOG_ERROR) {
        size_t len = strlen(lc->all_errors);
        snprintf(lc->all_errors + len, sizeof lc->all_errors - len, "%s\n", message);
    }
}

static rc_layout_opts test_opts(void)
{
    rc_layout_opts o = rc_layout_opts_default();
    o.log = log_cb;
    o.log_user = &G.log;
    o.log_level = RC_LOG_DEBUG;
    return o;
}

static rc_layout *new_layout(const rc_component *root, const void *props, size_t size)
{
    rc_layout_opts o = test_opts();
    return track(rc_layout_new(root, props, size, &o));
}

static void expect_no_errors(void)
{
    if (G.log.n[RC_LOG_ERROR] != 0)
        fail_msg("unexpected errors logged:\n%s", G.log.all_errors);
}

typedef struct step {
    uint32_t rendered;
    size_t nops;
    rc_op_kind first_kind;
    char first_value[64];
} step;

/* flush + commit, returning what the patch said. */
static step flush_commit(rc_layout *l)
{
    const rc_patch *p = rc_layout_flush(l);
    step s;
    memset(&s, 0, sizeof s);
    s.rendered = p->rendered;
    s.nops = p->nops;
    if (p->nops) {
        s.first_kind = p->ops[0].kind;
        if (p->ops[0].value)
            snprintf(s.first_value, sizeof s.first_value, "%.*s", (int)p->ops[0].value_len,
                     p->ops[0].value);
    }
    rc_layout_commit(l);
    return s;
}

static const char *attr_of(const rc_node *n, const char *name)
{
    if (rc_node_get_kind(n) != RC_NODE_ELEMENT)
        return NULL;
    for (size_t i = 0; i < rc_node_attr_count(n); i++)
        if (strcmp(rc_node_attr_name(n, i), name) == 0)
            return rc_node_attr_value(n, i);
    return NULL;
}

static rc_node *find_in(rc_node *n, const char *id)
{
    if (!n)
        return NULL;
    const char *v = attr_of(n, "id");
    if (v && strcmp(v, id) == 0)
        return n;
    for (size_t i = 0; i < rc_node_child_count(n); i++) {
        rc_node *r = find_in(rc_node_child(n, i), id);
        if (r)
            return r;
    }
    return NULL;
}

/* The element with attribute id, anywhere in the tree (NULL if none). */
static rc_node *find(const rc_layout *l, const char *id)
{
    for (size_t i = 0; i < rc_layout_root_count(l); i++) {
        rc_node *r = find_in(rc_layout_root(l, i), id);
        if (r)
            return r;
    }
    return NULL;
}

static void collect_text(const rc_node *n, char *buf, size_t cap)
{
    rc_node_kind k = rc_node_get_kind(n);
    if (k == RC_NODE_TEXT) {
        size_t len;
        const char *t = rc_node_text(n, &len);
        size_t have = strlen(buf);
        snprintf(buf + have, cap - have, "%.*s", (int)len, t);
        return;
    }
    for (size_t i = 0; i < rc_node_child_count(n); i++)
        collect_text(rc_node_child(n, i), buf, cap);
}

/* Text content of the element with attribute id ("<missing>" if none). */
static const char *text_of(const rc_layout *l, const char *id)
{
    static char buf[512];
    buf[0] = '\0';
    rc_node *n = find(l, id);
    if (!n)
        return "<missing>";
    collect_text(n, buf, sizeof buf);
    return buf;
}

static size_t count_errors_in(const rc_node *n, char *first, size_t cap)
{
    if (rc_node_get_kind(n) == RC_NODE_ERROR) {
        if (first && !first[0]) {
            size_t len;
            const char *t = rc_node_text(n, &len);
            snprintf(first, cap, "%.*s", (int)len, t);
        }
        return 1;
    }
    size_t c = 0;
    for (size_t i = 0; i < rc_node_child_count(n); i++)
        c += count_errors_in(rc_node_child(n, i), first, cap);
    return c;
}

/* Number of error nodes in the tree; the first one's text into first. */
static size_t count_errors(const rc_layout *l, char *first, size_t cap)
{
    if (first)
        first[0] = '\0';
    size_t c = 0;
    for (size_t i = 0; i < rc_layout_root_count(l); i++)
        c += count_errors_in(rc_layout_root(l, i), first, cap);
    return c;
}

/* The id of the handler for event (React style) on the element with id. */
static const char *handler_id(const rc_layout *l, const char *id, const char *event)
{
    rc_node *n = find(l, id);
    if (!n)
        return NULL;
    for (size_t i = 0; i < rc_node_handler_count(n); i++) {
        const rc_handler *h = rc_node_handler(n, i);
        if (strcmp(rc_handler_event(h), event) == 0)
            return rc_handler_id(h);
    }
    return NULL;
}

static int fire(rc_layout *l, const char *id, const char *event, const rc_value *data,
                uint64_t seq)
{
    const char *hid = handler_id(l, id, event);
    if (!hid)
        fail_msg("no %s handler on #%s", event, id);
    char copy[32];
    snprintf(copy, sizeof copy, "%s", hid);
    return rc_layout_dispatch(l, copy, data, seq);
}

static void click(rc_layout *l, const char *id)
{
    assert_int_equal(fire(l, id, "onClick", NULL, 0), 0);
}

/* Generic handlers whose user data is an rc_state. */
static void h_inc(rc_event *ev, void *user)
{
    (void)ev;
    rc_state *s = user;
    rc_set_int(s, rc_get_int(s) + 1);
}

static void h_toggle(rc_event *ev, void *user)
{
    (void)ev;
    rc_state *s = user;
    rc_set_bool(s, !rc_get_bool(s));
}

static void h_count(rc_event *ev, void *user)
{
    (void)ev;
    G.handler_calls++;
    G.handler_user = user;
}

/* ------------------------------------------------------------------------ */
/* State                                                                    */
/* ------------------------------------------------------------------------ */

static void h_same(rc_event *ev, void *user)
{
    (void)ev;
    rc_state *s = user;
    G.set_ret = rc_set_int(s, rc_get_int(s));
}

static void h_many(rc_event *ev, void *user)
{
    (void)ev;
    rc_state *s = user;
    for (int i = 0; i < 5; i++)
        rc_set_int(s, rc_get_int(s) + 1);
}

static void Counter(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "Counter");
    rc_state *n = rc_use_int(ctx, "count", 5);
    G.st = n;
    RC_EL(ctx, "div", .id = "counter") {
        RC_EL(ctx, "span", .id = "val") { rc_textf(ctx, "%lld", (long long)rc_get_int(n)); }
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", h_inc, n)) {}
        RC_EL(ctx, "button", .id = "same", .on = RC_ON("click", h_same, n)) {}
        RC_EL(ctx, "button", .id = "many", .on = RC_ON("click", h_many, n)) {}
    }
}
static RC_COMPONENT(Counter);

static void test_state_initial_value(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    assert_int_equal(G.renders.n, 0);      /* nothing renders before the first flush */
    const rc_patch *p = rc_layout_flush(l);
    assert_int_equal(p->rendered, 1);
    assert_int_equal(p->nops, 1);
    assert_int_equal(p->ops[0].kind, RC_OP_INSERT);
    assert_string_equal(text_of(l, "val"), "5");
    assert_int_equal(rc_get_int(G.st), 5);
    assert_int_equal(rc_state_version(G.st), 1);
    rc_layout_commit(l);
    assert_false(rc_layout_dirty(l));
    /* Nothing dirty: nothing renders. */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    assert_int_equal(s.nops, 0);
    assert_int_equal(G.renders.n, 1);
    expect_no_errors();
    free_layout(l);
}

static void test_state_set_rerenders_once(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    flush_commit(l);
    click(l, "inc");
    assert_true(rc_layout_dirty(l));
    assert_int_equal(rc_state_version(G.st), 2);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(s.nops, 1);
    assert_int_equal(s.first_kind, RC_OP_SET_TEXT);
    assert_string_equal(s.first_value, "6");
    assert_string_equal(text_of(l, "val"), "6");
    assert_int_equal(slog_count(&G.renders, "Counter"), 2);
    assert_false(rc_layout_dirty(l));
    expect_no_errors();
    free_layout(l);
}

static void test_state_set_equal_value_no_render(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    flush_commit(l);
    G.set_ret = true;
    click(l, "same");
    assert_false(G.set_ret);
    assert_false(rc_layout_dirty(l));
    assert_int_equal(rc_state_version(G.st), 1);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    assert_int_equal(s.nops, 0);
    assert_int_equal(G.renders.n, 1);
    expect_no_errors();
    free_layout(l);
}

static void test_state_many_sets_batch(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    flush_commit(l);
    click(l, "many");                      /* five sets in one handler */
    click(l, "inc");                       /* and one more event before the flush */
    assert_int_equal(rc_state_version(G.st), 7);   /* one per change */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(s.nops, 1);
    assert_string_equal(s.first_value, "11");
    assert_string_equal(text_of(l, "val"), "11");
    assert_int_equal(G.renders.n, 2);
    expect_no_errors();
    free_layout(l);
}

/* Set then set back before the flush: at most one render, and no ops. */
static void test_state_set_and_revert(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Counter_component, NULL, 0);
    flush_commit(l);
    assert_true(rc_set_int(G.st, 9));
    assert_true(rc_set_int(G.st, 5));
    step s = flush_commit(l);
    assert_true(s.rendered <= 1);
    assert_int_equal(s.nops, 0);
    assert_string_equal(text_of(l, "val"), "5");
    free_layout(l);
}

/* A set during the component's own render re-renders it on the next flush,
 * never twice in one flush, and settles. */
static void SelfSet(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "SelfSet");
    rc_state *n = rc_use_int(ctx, "n", 0);
    if (rc_get_int(n) < 3)
        rc_set_int(n, rc_get_int(n) + 1);
    RC_EL(ctx, "p", .id = "n") { rc_textf(ctx, "%lld", (long long)rc_get_int(n)); }
}
static RC_COMPONENT(SelfSet);

static void test_state_set_during_render(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&SelfSet_component, NULL, 0);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "n"), "1");
    assert_true(rc_layout_dirty(l));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "n"), "2");
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "n"), "3");
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);      /* renders with 3, no further set */
    assert_false(rc_layout_dirty(l));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    expect_no_errors();
    free_layout(l);
}

/* ---- every value type ---------------------------------------------------- */

static void Types(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "Types");
    G.s_int = rc_use_int(ctx, "i", -3);
    G.s_float = rc_use_float(ctx, "f", 1.5);
    G.s_bool = rc_use_bool(ctx, "b", true);
    char init[8] = "hi";                   /* a stack string: copied on mount */
    G.s_str = rc_use_string(ctx, "s", init);
    G.s_bytes = rc_use_bytes(ctx, "y", "\0\1\2", 3);
    rc_value iv = {0};
    rc_value_set_object(&iv);
    rc_value_set_int(rc_object_set(&iv, "n"), 1);
    G.s_val = rc_use_value(ctx, "v", &iv);
    rc_value_free(&iv);
    pt p0 = {1, 2};
    G.s_struct = rc_use_struct(ctx, "p", &pt_type, &p0);
    G.s_null = rc_use_value(ctx, "z", NULL);
    const pt *p = rc_get_struct(G.s_struct);
    RC_EL(ctx, "p", .id = "types") {
        rc_textf(ctx, "%lld %g %d %s %d,%d", (long long)rc_get_int(G.s_int),
                 rc_get_float(G.s_float), (int)rc_get_bool(G.s_bool), rc_get_string(G.s_str),
                 p ? (int)p->x : -1, p ? (int)p->y : -1);
    }
}
static RC_COMPONENT(Types);

/* A change renders once; the same value again renders nothing. */
static void expect_one_render(rc_layout *l)
{
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
}

static void expect_no_render(rc_layout *l)
{
    assert_false(rc_layout_dirty(l));
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    assert_int_equal(s.nops, 0);
}

static void test_state_value_types(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Types_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "types"), "-3 1.5 1 hi 1,2");
    size_t blen = 99;
    const unsigned char *b = rc_get_bytes(G.s_bytes, &blen);
    assert_int_equal(blen, 3);
    assert_memory_equal(b, "\0\1\2", 3);
    assert_int_equal(rc_get_value(G.s_val)->kind, RC_OBJECT);
    assert_int_equal(rc_value_int(rc_object_get(rc_get_value(G.s_val), "n"), 0), 1);
    assert_int_equal(rc_get_value(G.s_null)->kind, RC_NULL);
    assert_int_equal(rc_get_value(G.s_struct)->kind, RC_STRUCT);

    /* int */
    assert_true(rc_set_int(G.s_int, 4));
    expect_one_render(l);
    assert_false(rc_set_int(G.s_int, 4));
    expect_no_render(l);
    assert_int_equal(rc_get_int(G.s_int), 4);

    /* float, including NaN (equal to itself: no render loop) */
    assert_true(rc_set_float(G.s_float, 2.25));
    expect_one_render(l);
    assert_false(rc_set_float(G.s_float, 2.25));
    expect_no_render(l);
    assert_true(rc_get_float(G.s_float) == 2.25);
    assert_true(rc_set_float(G.s_float, NAN));
    expect_one_render(l);
    assert_false(rc_set_float(G.s_float, NAN));
    expect_no_render(l);
    assert_true(isnan(rc_get_float(G.s_float)));

    /* bool */
    assert_true(rc_set_bool(G.s_bool, false));
    expect_one_render(l);
    assert_false(rc_set_bool(G.s_bool, false));
    expect_no_render(l);
    assert_false(rc_get_bool(G.s_bool));

    /* string: copied from the caller's buffer */
    char buf[16] = "hello";
    assert_true(rc_set_string(G.s_str, buf));
    buf[0] = 'J';
    assert_string_equal(rc_get_string(G.s_str), "hello");
    expect_one_render(l);
    assert_false(rc_set_string(G.s_str, "hello"));
    expect_no_render(l);
    assert_true(rc_set_string(G.s_str, ""));
    expect_one_render(l);
    assert_string_equal(rc_get_string(G.s_str), "");

    /* bytes with embedded NULs: compared by length and content */
    assert_false(rc_set_bytes(G.s_bytes, "\0\1\2", 3));
    expect_no_render(l);
    assert_true(rc_set_bytes(G.s_bytes, "\0\1\3", 3));
    expect_one_render(l);
    assert_true(rc_set_bytes(G.s_bytes, "\0\1\3\0", 4));
    expect_one_render(l);
    b = rc_get_bytes(G.s_bytes, &blen);
    assert_int_equal(blen, 4);
    assert_memory_equal(b, "\0\1\3\0", 4);

    /* structured value: deep equality (object key order does not matter) */
    rc_value v = {0};
    rc_value_set_object(&v);
    rc_value_set_int(rc_object_set(&v, "n"), 1);
    assert_false(rc_set_value(G.s_val, &v));
    expect_no_render(l);
    rc_value_set_string(rc_object_set(&v, "s"), "x");
    assert_true(rc_set_value(G.s_val, &v));
    expect_one_render(l);
    rc_value w = {0};
    rc_value_set_object(&w);
    rc_value_set_string(rc_object_set(&w, "s"), "x");
    rc_value_set_int(rc_object_set(&w, "n"), 1);
    assert_false(rc_set_value(G.s_val, &w));
    expect_no_render(l);
    /* the slot holds a copy */
    rc_value_set_int(rc_object_set(&v, "n"), 77);
    assert_int_equal(rc_value_int(rc_object_get(rc_get_value(G.s_val), "n"), 0), 1);
    rc_value_free(&v);
    rc_value_free(&w);

    /* RC_NULL slot: setting NULL is no change */
    assert_false(rc_set_value(G.s_null, NULL));
    expect_no_render(l);

    /* struct */
    pt same = {1, 2}, other = {3, 4};
    assert_false(rc_set_struct(G.s_struct, &same));
    expect_no_render(l);
    assert_true(rc_set_struct(G.s_struct, &other));
    other.x = 100;                         /* the slot holds a copy */
    expect_one_render(l);
    const pt *got = rc_get_struct(G.s_struct);
    assert_non_null(got);
    assert_int_equal(got->x, 3);
    assert_int_equal(got->y, 4);
    assert_string_equal(text_of(l, "types"), "4 nan 0  3,4");

    expect_no_errors();
    free_layout(l);
}

static void test_state_version_increments(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Types_component, NULL, 0);
    flush_commit(l);
    rc_state *slots[] = {G.s_int, G.s_float, G.s_bool, G.s_str, G.s_bytes, G.s_val, G.s_struct};
    uint64_t v0[7];
    for (size_t i = 0; i < 7; i++)
        v0[i] = rc_state_version(slots[i]);
    assert_true(rc_set_int(G.s_int, 10));
    assert_true(rc_set_int(G.s_int, 11));
    assert_false(rc_set_int(G.s_int, 11));
    assert_int_equal(rc_state_version(G.s_int), v0[0] + 2);
    assert_true(rc_set_float(G.s_float, 9.0));
    assert_int_equal(rc_state_version(G.s_float), v0[1] + 1);
    assert_true(rc_set_bool(G.s_bool, false));
    assert_int_equal(rc_state_version(G.s_bool), v0[2] + 1);
    assert_true(rc_set_string(G.s_str, "q"));
    assert_false(rc_set_string(G.s_str, "q"));
    assert_int_equal(rc_state_version(G.s_str), v0[3] + 1);
    assert_true(rc_set_bytes(G.s_bytes, "z", 1));
    assert_int_equal(rc_state_version(G.s_bytes), v0[4] + 1);
    rc_value n = {0};
    rc_value_set_int(&n, 5);
    assert_true(rc_set_value(G.s_val, &n));
    assert_false(rc_set_value(G.s_val, &n));
    assert_int_equal(rc_state_version(G.s_val), v0[5] + 1);
    pt q = {7, 7};
    assert_true(rc_set_struct(G.s_struct, &q));
    assert_int_equal(rc_state_version(G.s_struct), v0[6] + 1);
    /* All seven changes: still one render. */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    /* A render does not bump versions. */
    assert_int_equal(rc_state_version(G.s_int), v0[0] + 2);
    expect_no_errors();
    free_layout(l);
}

/* ---- functional update -------------------------------------------------- */

static void upd_push(rc_value *v, void *arg)
{
    if (v->kind != RC_ARRAY)
        rc_value_set_array(v);
    rc_value_set_int(rc_array_push(v), *(const int64_t *)arg);
}

static void upd_noop(rc_value *v, void *arg)
{
    (void)v;
    (void)arg;
}

/* Rewrites the value with an equal one: no change. */
static void upd_rewrite(rc_value *v, void *arg)
{
    (void)arg;
    rc_value copy = {0};
    rc_value_copy(&copy, v);
    rc_value_free(v);
    *v = copy;
}

static void ListState(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "ListState");
    G.st = rc_use_value(ctx, "items", NULL);
    RC_EL(ctx, "p", .id = "len") { rc_textf(ctx, "%zu", rc_array_len(rc_get_value(G.st))); }
}
static RC_COMPONENT(ListState);

static void test_state_functional_update(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&ListState_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "len"), "0");
    int64_t x = 4;
    assert_true(rc_update(G.st, upd_push, &x));
    x = 5;
    assert_true(rc_update(G.st, upd_push, &x));   /* sees the first update's result */
    assert_int_equal(rc_state_version(G.st), 3);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "len"), "2");
    const rc_value *v = rc_get_value(G.st);
    assert_int_equal(rc_value_int(rc_array_at(v, 0), 0), 4);
    assert_int_equal(rc_value_int(rc_array_at(v, 1), 0), 5);

    assert_false(rc_update(G.st, upd_noop, NULL));
    assert_false(rc_update(G.st, upd_rewrite, NULL));
    assert_int_equal(rc_state_version(G.st), 3);
    expect_no_render(l);
    expect_no_errors();
    free_layout(l);
}

/* ---- reducer ------------------------------------------------------------ */

enum { ACT_INC, ACT_ADD, ACT_NOP, ACT_SAME };

static int reducer_calls;

static void count_reducer(rc_value *st, int action, const void *payload)
{
    reducer_calls++;
    int64_t cur = rc_value_int(st, 0);
    switch (action) {
    case ACT_INC: rc_value_set_int(st, cur + 1); break;
    case ACT_ADD: rc_value_set_int(st, cur + *(const int64_t *)payload); break;
    case ACT_SAME: rc_value_set_int(st, cur); break;
    default: break;
    }
}

static void double_reducer(rc_value *st, int action, const void *payload)
{
    (void)action;
    (void)payload;
    rc_value_set_int(st, rc_value_int(st, 0) * 2);
}

static void h_dispatch_inc(rc_event *ev, void *user)
{
    (void)ev;
    G.set_ret = rc_dispatch(user, ACT_INC, NULL);
}

static void Reducer(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "Reducer");
    rc_state *mode = rc_use_bool(ctx, "doubling", false);
    rc_value init = {.kind = RC_INT, .as.i = 10};
    rc_state *r = rc_use_reducer(ctx, "total", rc_get_bool(mode) ? double_reducer : count_reducer,
                                 &init);
    G.st = mode;
    G.s_red = r;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "span", .id = "total") { rc_textf(ctx, "%lld", (long long)rc_get_int(r)); }
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", h_dispatch_inc, r)) {}
    }
}
static RC_COMPONENT(Reducer);

static void test_reducer(void **state)
{
    (void)state;
    reducer_calls = 0;
    rc_layout *l = new_layout(&Reducer_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "total"), "10");
    assert_int_equal(reducer_calls, 0);   /* not called on mount */

    click(l, "inc");
    assert_true(G.set_ret);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_string_equal(text_of(l, "total"), "11");

    int64_t five = 5;
    assert_true(rc_dispatch(G.s_red, ACT_ADD, &five));
    assert_true(rc_dispatch(G.s_red, ACT_INC, NULL));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);       /* two dispatches, one render */
    assert_string_equal(text_of(l, "total"), "17");

    /* Dispatches that leave the state equal: no render. */
    uint64_t ver = rc_state_version(G.s_red);
    assert_false(rc_dispatch(G.s_red, ACT_NOP, NULL));
    assert_false(rc_dispatch(G.s_red, ACT_SAME, NULL));
    assert_int_equal(rc_state_version(G.s_red), ver);
    expect_no_render(l);

    /* The latest render's reducer is the one dispatch uses. */
    assert_true(rc_set_bool(G.st, true));
    flush_commit(l);
    int calls = reducer_calls;
    click(l, "inc");
    assert_int_equal(reducer_calls, calls);
    flush_commit(l);
    assert_string_equal(text_of(l, "total"), "34");

    /* dispatch on a plain state slot does nothing */
    assert_false(rc_dispatch(G.st, ACT_INC, NULL));
    assert_true(rc_get_bool(G.st));
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */
/* Scheduling                                                               */
/* ------------------------------------------------------------------------ */

typedef struct val_props {
    int64_t value;
} val_props;

static void SChild(rc_ctx *ctx, const void *props)
{
    const val_props *p = props;
    slog_add(&G.renders, "SChild");
    G.st2 = rc_use_int(ctx, "c", 0);
    RC_EL(ctx, "span", .id = "child") {
        rc_textf(ctx, "%lld/%lld", (long long)p->value, (long long)rc_get_int(G.st2));
    }
}
static RC_COMPONENT(SChild);

static void SGrand(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "SGrand");
    G.st3 = rc_use_int(ctx, "g", 0);
    RC_EL(ctx, "i", .id = "grand") { rc_textf(ctx, "%lld", (long long)rc_get_int(G.st3)); }
}
static RC_COMPONENT(SGrand);

/* Middle layer with no props: skipped whenever its parent re-renders. */
static void SMiddle(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "SMiddle");
    RC_EL(ctx, "section") { rc_child(ctx, &SGrand_component, NULL, NULL, 0); }
}
static RC_COMPONENT(SMiddle);

static void SParent(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "SParent");
    G.st = rc_use_int(ctx, "p", 0);             /* passed to the child */
    rc_state *other = rc_use_int(ctx, "o", 0);  /* not passed */
    G.s_int = other;
    val_props cp = {rc_get_int(G.st)};
    RC_EL(ctx, "div") {
        RC_EL(ctx, "b", .id = "other") { rc_textf(ctx, "%lld", (long long)rc_get_int(other)); }
        RC_CHILD(ctx, &SChild_component, NULL, &cp);
        rc_child(ctx, &SMiddle_component, NULL, NULL, 0);
    }
}
static RC_COMPONENT(SParent);

static void test_sched_equal_props_child_skipped(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&SParent_component, NULL, 0);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 4);
    G.renders.n = 0;
    assert_true(rc_set_int(G.s_int, 1));       /* parent-only state */
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    slog_expect(&G.renders, "SParent", NULL);
    assert_string_equal(text_of(l, "other"), "1");
    expect_no_errors();
    free_layout(l);
}

static void test_sched_changed_props_child_rerenders(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&SParent_component, NULL, 0);
    flush_commit(l);
    G.renders.n = 0;
    assert_true(rc_set_int(G.st, 3));
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "SParent", "SChild", NULL);
    assert_string_equal(text_of(l, "child"), "3/0");
    expect_no_errors();
    free_layout(l);
}

/* Child dirtied first, parent second: the parent renders first and the
 * child renders once (equal props and changed props alike). */
static void test_sched_parent_first_child_once(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&SParent_component, NULL, 0);
    flush_commit(l);

    G.renders.n = 0;
    assert_true(rc_set_int(G.st2, 7));         /* child */
    assert_true(rc_set_int(G.s_int, 1));       /* parent, child props unchanged */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "SParent", "SChild", NULL);
    assert_string_equal(text_of(l, "child"), "0/7");

    G.renders.n = 0;
    assert_true(rc_set_int(G.st2, 8));         /* child */
    assert_true(rc_set_int(G.st, 2));          /* parent, child props changed */
    s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "SParent", "SChild", NULL);
    assert_string_equal(text_of(l, "child"), "2/8");

    /* Grandchild below a skipped middle: dirtied before the parent, it
     * still renders after it, once. */
    G.renders.n = 0;
    assert_true(rc_set_int(G.st3, 1));
    assert_true(rc_set_int(G.s_int, 2));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "SParent", "SGrand", NULL);
    assert_string_equal(text_of(l, "grand"), "1");
    assert_false(rc_layout_dirty(l));
    expect_no_errors();
    free_layout(l);
}

static void Always(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "Always");
    RC_EL(ctx, "em") { rc_text(ctx, "always"); }
}
static const rc_component Always_component = {"Always", Always, NULL,
                                              RC_COMPONENT_ALWAYS_RENDER};

static void AParent(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "AParent");
    G.st = rc_use_int(ctx, "n", 0);
    val_props same = {1};
    RC_EL(ctx, "div") {
        rc_textf(ctx, "%lld", (long long)rc_get_int(G.st));
        rc_child(ctx, &Always_component, NULL, NULL, 0);
        RC_CHILD(ctx, &Always_component, NULL, &same);
        RC_CHILD(ctx, &SChild_component, NULL, &same);
    }
}
static RC_COMPONENT(AParent);

static void test_sched_always_render(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&AParent_component, NULL, 0);
    flush_commit(l);
    G.renders.n = 0;
    rc_set_int(G.st, 1);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 3);
    slog_expect(&G.renders, "AParent", "Always", "Always", NULL);
    expect_no_errors();
    free_layout(l);
}

typedef struct label_props {
    const char *label;          /* compared by content */
    int64_t noise;              /* ignored by label_eq */
} label_props;

static bool label_eq(const void *a, const void *b, size_t size)
{
    G.eq_calls++;
    assert_int_equal(size, sizeof(label_props));
    const label_props *x = a, *y = b;
    return strcmp(x->label, y->label) == 0;
}

static void Label(rc_ctx *ctx, const void *props)
{
    const label_props *p = props;
    slog_add(&G.renders, "Label");
    RC_EL(ctx, "span", .id = "label") { rc_text(ctx, p->label); }
}
static const rc_component Label_component = {"Label", Label, label_eq, 0};

static void LParent(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "LParent");
    rc_state *which = rc_use_int(ctx, "which", 0);
    rc_state *noise = rc_use_int(ctx, "noise", 0);
    G.st = which;
    G.st2 = noise;
    /* A fresh buffer every render: the pointer changes, the content may
     * not. The previous render's buffer stays untouched. */
    char *buf = G.label_bufs[G.label_render++ % 2];
    snprintf(buf, sizeof G.label_bufs[0], "%s", rc_get_int(which) ? "two" : "one");
    label_props lp;
    memset(&lp, 0, sizeof lp);
    lp.label = buf;
    lp.noise = rc_get_int(noise);
    RC_EL(ctx, "div") { RC_CHILD(ctx, &Label_component, NULL, &lp); }
}
static RC_COMPONENT(LParent);

static void test_sched_props_equal_callback(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&LParent_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "label"), "one");
    G.renders.n = 0;
    rc_set_int(G.st2, 1);                      /* noise only: bytes differ, labels equal */
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    slog_expect(&G.renders, "LParent", NULL);
    assert_true(G.eq_calls >= 1);

    G.renders.n = 0;
    rc_set_int(G.st, 1);
    s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "LParent", "Label", NULL);
    assert_string_equal(text_of(l, "label"), "two");
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */
/* Ref                                                                      */
/* ------------------------------------------------------------------------ */

static void h_ref_write(rc_event *ev, void *user)
{
    (void)ev;
    int *r = user;
    *r += 100;
}

static void RefComp(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "RefComp");
    int *renders = rc_use_ref(ctx, sizeof(int) * 4);
    if (G.ref_ptr == NULL)
        G.ref_first_seen = renders[0] + renders[1] + renders[2] + renders[3];
    else if (G.ref_ptr != renders)
        G.ref_ptr_changes++;
    G.ref_ptr = renders;
    renders[0]++;
    G.st = rc_use_int(ctx, "n", 0);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .id = "write", .on = RC_ON("click", h_ref_write, renders)) {}
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", h_inc, G.st)) {}
    }
}
static RC_COMPONENT(RefComp);

static void test_ref_persists_and_never_renders(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&RefComp_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(G.ref_first_seen, 0);     /* zeroed */
    assert_int_equal(G.ref_ptr[0], 1);
    click(l, "write");
    assert_int_equal(G.ref_ptr[0], 101);
    assert_false(rc_layout_dirty(l));
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    assert_int_equal(s.nops, 0);
    click(l, "inc");
    flush_commit(l);
    click(l, "inc");
    flush_commit(l);
    assert_int_equal(G.ref_ptr[0], 103);       /* kept across renders */
    assert_int_equal(G.ref_ptr_changes, 0);
    assert_int_equal(G.renders.n, 3);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */
/* Memo and callback                                                        */
/* ------------------------------------------------------------------------ */

typedef struct memo_arg {
    int which;
    int64_t x;
} memo_arg;

static void memo_fn(void *out, void *arg)
{
    const memo_arg *m = arg;
    G.memo_calls[m->which]++;
    *(int64_t *)out = m->x * 2;
}

typedef struct cb_props {
    rc_handler_fn fn;
    void *user;
} cb_props;

static void CbChild(rc_ctx *ctx, const void *props)
{
    const cb_props *p = props;
    slog_add(&G.renders, "CbChild");
    RC_EL(ctx, "button", .id = "cb", .on = RC_ON("click", p->fn, p->user)) {}
}
static RC_COMPONENT(CbChild);

static void MemoComp(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "MemoComp");
    rc_state *a = rc_use_int(ctx, "a", 1);
    rc_state *b = rc_use_int(ctx, "b", 0);
    rc_state *v = rc_use_value(ctx, "v", NULL);
    G.st = a;
    G.st2 = b;
    G.st3 = v;
    memo_arg m0 = {0, rc_get_int(a)};
    G.memo_vals[0] = *(const int64_t *)rc_use_memo(ctx, sizeof(int64_t), memo_fn, &m0,
                                                   RC_DEPS(rc_get_int(a)));
    memo_arg m1 = {1, rc_get_int(a)};
    G.memo_vals[1] = *(const int64_t *)rc_use_memo(ctx, sizeof(int64_t), memo_fn, &m1, RC_ONCE);
    memo_arg m2 = {2, rc_get_int(a)};
    G.memo_vals[2] = *(const int64_t *)rc_use_memo(ctx, sizeof(int64_t), memo_fn, &m2,
                                                   RC_EVERY_RENDER);
    memo_arg m3 = {3, (int64_t)rc_array_len(rc_get_value(v))};
    G.memo_vals[3] = *(const int64_t *)rc_use_memo(ctx, sizeof(int64_t), memo_fn, &m3,
                                                   RC_DEPS((int64_t)rc_state_version(v)));
    /* A different user pointer every render: the callback keeps the first
     * until its deps change. */
    void *token = &G.cb_tokens[G.cb_render++ % 16];
    rc_on cb = rc_use_callback(ctx, RC_ON("click", h_count, token), RC_DEPS(rc_get_int(a)));
    G.cb_user_seen = cb.user;
    cb_props cp;
    memset(&cp, 0, sizeof cp);
    cp.fn = cb.fn;
    cp.user = cb.user;
    RC_EL(ctx, "div") {
        rc_textf(ctx, "%lld", (long long)rc_get_int(b));
        RC_CHILD(ctx, &CbChild_component, NULL, &cp);
    }
}
static RC_COMPONENT(MemoComp);

static void test_memo_and_callback(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&MemoComp_component, NULL, 0);
    flush_commit(l);
    for (int i = 0; i < 4; i++)
        assert_int_equal(G.memo_calls[i], 1);
    assert_int_equal(G.memo_vals[0], 2);
    assert_int_equal(G.memo_vals[3], 0);
    assert_ptr_equal(G.cb_user_seen, &G.cb_tokens[0]);

    /* Unrelated state: only RC_EVERY_RENDER recomputes; the callback keeps
     * its identity so the child that receives it is skipped. */
    G.renders.n = 0;
    rc_set_int(G.st2, 1);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    slog_expect(&G.renders, "MemoComp", NULL);
    assert_int_equal(G.memo_calls[0], 1);
    assert_int_equal(G.memo_calls[1], 1);
    assert_int_equal(G.memo_calls[2], 2);
    assert_int_equal(G.memo_calls[3], 1);
    assert_ptr_equal(G.cb_user_seen, &G.cb_tokens[0]);
    click(l, "cb");
    assert_int_equal(G.handler_calls, 1);
    assert_ptr_equal(G.handler_user, &G.cb_tokens[0]);

    /* The dependency changes: deps memo and callback update. */
    G.renders.n = 0;
    rc_set_int(G.st, 5);
    s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    slog_expect(&G.renders, "MemoComp", "CbChild", NULL);
    assert_int_equal(G.memo_calls[0], 2);
    assert_int_equal(G.memo_vals[0], 10);
    assert_int_equal(G.memo_calls[1], 1);      /* RC_ONCE: never again */
    assert_int_equal(G.memo_vals[1], 2);
    assert_int_equal(G.memo_calls[2], 3);
    assert_int_equal(G.memo_calls[3], 1);
    assert_ptr_equal(G.cb_user_seen, &G.cb_tokens[2]);
    click(l, "cb");
    assert_ptr_equal(G.handler_user, &G.cb_tokens[2]);

    /* rc_state_version as a dependency of a structured value. */
    int64_t x = 1;
    rc_update(G.st3, upd_push, &x);
    rc_update(G.st3, upd_push, &x);
    flush_commit(l);
    assert_int_equal(G.memo_calls[3], 2);
    assert_int_equal(G.memo_vals[3], 4);
    assert_int_equal(G.memo_calls[0], 2);
    rc_set_int(G.st2, 2);
    flush_commit(l);
    assert_int_equal(G.memo_calls[3], 2);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */
/* Effects                                                                  */
/* ------------------------------------------------------------------------ */

static void cleanup_log(void *data)
{
    slog_add(&G.effects, "%s:cleanup", (const char *)data);
    G.cleanups++;
}

/* arg: a const char * naming the effect (copied as a pointer). */
static rc_cleanup eff_log(rc_effect *e, void *arg)
{
    (void)e;
    const char *name = *(const char *const *)arg;
    slog_add(&G.effects, "%s:effect", name);
    return (rc_cleanup){cleanup_log, (void *)(uintptr_t)name};
}

static void use_logged_effect(rc_ctx *ctx, const char *name, const void *deps, size_t deps_size)
{
    rc_use_effect(ctx, eff_log, &name, sizeof name, deps, deps_size);
}

static void EChild(rc_ctx *ctx, const void *props)
{
    const val_props *p = props;
    slog_add(&G.renders, "EChild");
    use_logged_effect(ctx, "C", RC_EVERY_RENDER);
    RC_EL(ctx, "span", .id = "echild") { rc_textf(ctx, "%lld", (long long)p->value); }
}
static RC_COMPONENT(EChild);

static void EParent(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "EParent");
    G.st = rc_use_int(ctx, "p", 0);
    G.s_bool = rc_use_bool(ctx, "show", true);
    use_logged_effect(ctx, "P", RC_EVERY_RENDER);
    val_props cp = {rc_get_int(G.st)};
    RC_EL(ctx, "div") {
        if (rc_get_bool(G.s_bool))
            RC_CHILD(ctx, &EChild_component, NULL, &cp);
    }
}
static RC_COMPONENT(EParent);

static void test_effects_after_commit_children_first(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&EParent_component, NULL, 0);
    rc_layout_flush(l);
    assert_int_equal(G.effects.n, 0);          /* not during the flush */
    rc_layout_commit(l);
    slog_expect(&G.effects, "C:effect", "P:effect", NULL);

    /* Both re-render: every cleanup of the commit before any new effect,
     * children before parents in each phase. */
    G.effects.n = 0;
    rc_set_int(G.st, 1);
    rc_layout_flush(l);
    assert_int_equal(G.effects.n, 0);
    rc_layout_commit(l);
    slog_expect(&G.effects, "C:cleanup", "P:cleanup", "C:effect", "P:effect", NULL);

    /* A commit with nothing rendered runs nothing. */
    G.effects.n = 0;
    flush_commit(l);
    assert_int_equal(G.effects.n, 0);
    expect_no_errors();
    free_layout(l);
    /* Freeing the layout runs the remaining cleanups, children first. */
    slog_expect(&G.effects, "C:cleanup", "P:cleanup", NULL);
}

static void test_effects_cleanup_on_unmount(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&EParent_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(rc_layout_instance_count(l), 2);
    G.effects.n = 0;
    rc_set_bool(G.s_bool, false);
    rc_layout_flush(l);
    assert_int_equal(rc_layout_instance_count(l), 1);
    rc_layout_commit(l);
    slog_expect(&G.effects, "C:cleanup", "P:cleanup", "P:effect", NULL);
    expect_no_errors();
    free_layout(l);
}

static void EDeps(rc_ctx *ctx, const void *props)
{
    (void)props;
    rc_state *a = rc_use_int(ctx, "a", 0);
    rc_state *b = rc_use_int(ctx, "b", 0);
    G.st = a;
    G.st2 = b;
    use_logged_effect(ctx, "every", RC_EVERY_RENDER);
    use_logged_effect(ctx, "once", RC_ONCE);
    use_logged_effect(ctx, "deps", RC_DEPS(rc_get_int(a)));
    RC_EL(ctx, "p") { rc_textf(ctx, "%lld %lld", (long long)rc_get_int(a), (long long)rc_get_int(b)); }
}
static RC_COMPONENT(EDeps);

static void test_effects_dependencies(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&EDeps_component, NULL, 0);
    flush_commit(l);
    slog_expect(&G.effects, "every:effect", "once:effect", "deps:effect", NULL);

    G.effects.n = 0;
    rc_set_int(G.st2, 1);
    flush_commit(l);
    slog_expect(&G.effects, "every:cleanup", "every:effect", NULL);

    G.effects.n = 0;
    rc_set_int(G.st, 1);
    flush_commit(l);
    slog_expect(&G.effects, "every:cleanup", "deps:cleanup", "every:effect", "deps:effect", NULL);

    /* deps back to an older value still differ from the last recorded */
    G.effects.n = 0;
    rc_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(slog_count(&G.effects, "deps:effect"), 1);
    assert_int_equal(slog_count(&G.effects, "once:effect"), 0);

    G.effects.n = 0;
    free_layout(l);
    assert_int_equal(slog_count(&G.effects, "every:cleanup"), 1);
    assert_int_equal(slog_count(&G.effects, "once:cleanup"), 1);
    assert_int_equal(slog_count(&G.effects, "deps:cleanup"), 1);
    assert_int_equal(G.effects.n, 3);
}

static rc_cleanup eff_arg(rc_effect *e, void *arg)
{
    G.arg_seen = *(const int64_t *)arg;
    G.arg_via_api = *(const int64_t *)rc_effect_arg(e);
    G.arg_ptr = (uintptr_t)arg;
    G.eff_layout = rc_effect_layout(e);
    return RC_NO_CLEANUP;
}

static void EArg(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.st = rc_use_int(ctx, "n", 1);
    int64_t local = rc_get_int(G.st) * 10 + 7;
    G.local_addr = (uintptr_t)&local;
    rc_use_effect(ctx, eff_arg, &local, sizeof local, RC_EVERY_RENDER);
    local = -1;                 /* the effect must see the value at the call */
    RC_EL(ctx, "p") { rc_textf(ctx, "%lld", (long long)local); }
}
static RC_COMPONENT(EArg);

static void test_effects_arg_is_a_copy(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&EArg_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(G.arg_seen, 17);
    assert_int_equal(G.arg_via_api, 17);
    assert_true(G.arg_ptr != G.local_addr);
    assert_ptr_equal(G.eff_layout, l);
    rc_set_int(G.st, 2);
    flush_commit(l);
    assert_int_equal(G.arg_seen, 27);
    assert_int_equal(G.arg_via_api, 27);
    expect_no_errors();
    free_layout(l);
}

static rc_cleanup eff_set(rc_effect *e, void *arg)
{
    (void)e;
    rc_state *s = *(rc_state *const *)arg;
    rc_set_int(s, 42);
    slog_add(&G.effects, "set:effect");
    return RC_NO_CLEANUP;
}

static void ESet(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "ESet");
    rc_state *s = rc_use_int(ctx, "n", 0);
    rc_use_effect(ctx, eff_set, &s, sizeof s, RC_ONCE);
    use_logged_effect(ctx, "watch", RC_DEPS(rc_get_int(s)));
    RC_EL(ctx, "p", .id = "n") { rc_textf(ctx, "%lld", (long long)rc_get_int(s)); }
}
static RC_COMPONENT(ESet);

static void test_effects_set_state_schedules_render(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&ESet_component, NULL, 0);
    rc_layout_flush(l);
    assert_string_equal(text_of(l, "n"), "0");
    assert_false(rc_layout_dirty(l));
    rc_layout_commit(l);
    assert_true(rc_layout_dirty(l));           /* the effect's set */
    slog_expect(&G.effects, "set:effect", "watch:effect", NULL);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(s.nops, 1);
    assert_string_equal(text_of(l, "n"), "42");
    slog_expect(&G.effects, "set:effect", "watch:effect", "watch:cleanup", "watch:effect", NULL);
    assert_false(rc_layout_dirty(l));
    expect_no_errors();
    free_layout(l);
}

/* ---- resume flags ------------------------------------------------------- */

static rc_cleanup eff_resume(rc_effect *e, void *arg)
{
    int which = *(const int *)arg;
    G.resume_runs[which]++;
    G.eff_is_resume[which] = rc_effect_is_resume(e);
    return RC_NO_CLEANUP;
}

static void ResumeLate(rc_ctx *ctx, const void *props)
{
    (void)props;
    int w = 0;
    /* Mounted after the first flush: not part of the resume. */
    if (G.nrender_resume < 8)
        G.render_resume[G.nrender_resume++] = rc_is_resume(ctx);
    w = 1;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_ONCE, RC_EFFECT_SKIP_ON_RESUME);
    w = 2;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_ONCE, RC_EFFECT_ONLY_ON_RESUME);
    RC_EL(ctx, "i") {}
}
static RC_COMPONENT(ResumeLate);

static void Resume(rc_ctx *ctx, const void *props)
{
    (void)props;
    if (G.nrender_resume < 8)
        G.render_resume[G.nrender_resume++] = rc_is_resume(ctx);
    G.st = rc_use_int(ctx, "n", 0);
    G.s_bool = rc_use_bool(ctx, "late", false);
    int w = 0;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_ONCE, 0);
    w = 1;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_DEPS(rc_get_int(G.st)),
                     RC_EFFECT_SKIP_ON_RESUME);
    w = 2;
    rc_use_effect_ex(ctx, eff_resume, &w, sizeof w, RC_ONCE, RC_EFFECT_ONLY_ON_RESUME);
    RC_EL(ctx, "div") {
        if (rc_get_bool(G.s_bool))
            rc_child(ctx, &ResumeLate_component, NULL, NULL, 0);
    }
}
static RC_COMPONENT(Resume);

static const rc_value *restore_none(void *user, const char *address)
{
    (void)user;
    slog_add(&G.restore_addrs, "%s", address);
    return NULL;
}

static void test_effects_fresh_session_flags(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Resume_component, NULL, 0);
    flush_commit(l);
    assert_false(G.render_resume[0]);
    assert_int_equal(G.resume_runs[0], 1);
    assert_int_equal(G.resume_runs[1], 1);
    assert_int_equal(G.resume_runs[2], 0);
    assert_false(G.eff_is_resume[0]);
    assert_false(G.eff_is_resume[1]);
    rc_set_int(G.st, 1);
    flush_commit(l);
    assert_int_equal(G.resume_runs[0], 1);
    assert_int_equal(G.resume_runs[1], 2);
    assert_int_equal(G.resume_runs[2], 0);
    expect_no_errors();
    free_layout(l);
}

static void test_effects_resumed_session_flags(void **state)
{
    (void)state;
    rc_layout_opts o = test_opts();
    o.restore = restore_none;
    rc_layout *l = track(rc_layout_new(&Resume_component, NULL, 0, &o));
    assert_non_null(l);
    flush_commit(l);
    assert_true(G.restore_addrs.n >= 2);       /* asked for each slot */
    assert_true(G.render_resume[0]);
    assert_int_equal(G.resume_runs[0], 1);     /* plain effect: runs */
    assert_true(G.eff_is_resume[0]);
    assert_int_equal(G.resume_runs[1], 0);     /* skipped on resume */
    assert_int_equal(G.resume_runs[2], 1);     /* only on resume */
    assert_true(G.eff_is_resume[2]);

    /* Later renders are not a resume: the skipped effect runs when its deps
     * change, the resume-only one never again. */
    rc_set_int(G.st, 1);
    flush_commit(l);
    assert_false(G.render_resume[1]);
    assert_int_equal(G.resume_runs[0], 1);
    assert_int_equal(G.resume_runs[1], 1);
    assert_false(G.eff_is_resume[1]);
    assert_int_equal(G.resume_runs[2], 1);

    /* A component mounted after the first flush is not resumed. */
    rc_set_bool(G.s_bool, true);
    flush_commit(l);
    assert_int_equal(G.nrender_resume, 4);     /* Resume, then ResumeLate */
    assert_false(G.render_resume[2]);
    assert_false(G.render_resume[3]);
    assert_int_equal(G.resume_runs[1], 2);     /* ResumeLate's skip-on-resume ran */
    assert_false(G.eff_is_resume[1]);
    assert_int_equal(G.resume_runs[2], 1);     /* ResumeLate's only-on-resume did not */
    expect_no_errors();
    free_layout(l);
}

/* Effects of a child that renders in a later pass than its parent (a
 * context consumer below a skipped component) still run before the
 * parent's. */
typedef struct theme {
    int64_t color;
} theme;
static const theme theme_default = {7};
static const rc_context_type theme_ctx = {"theme", sizeof(theme), &theme_default};
static const rc_context_type nodef_ctx = {"nodef", sizeof(int64_t), NULL};

static void ECtxConsumer(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "ECtxConsumer");
    const theme *t = rc_use_context(ctx, &theme_ctx);
    use_logged_effect(ctx, "C", RC_EVERY_RENDER);
    RC_EL(ctx, "span", .id = "ectx") { rc_textf(ctx, "%lld", (long long)t->color); }
}
static RC_COMPONENT(ECtxConsumer);

static void ECtxMiddle(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "ECtxMiddle");
    RC_EL(ctx, "section") { rc_child(ctx, &ECtxConsumer_component, NULL, NULL, 0); }
}
static RC_COMPONENT(ECtxMiddle);

static void ECtxParent(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "ECtxParent");
    G.st = rc_use_int(ctx, "color", 1);
    use_logged_effect(ctx, "P", RC_EVERY_RENDER);
    theme t = {rc_get_int(G.st)};
    RC_EL(ctx, "div") {
        RC_PROVIDE(ctx, &theme_ctx, &t) { rc_child(ctx, &ECtxMiddle_component, NULL, NULL, 0); }
    }
}
static RC_COMPONENT(ECtxParent);

static void test_effects_children_first_across_passes(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&ECtxParent_component, NULL, 0);
    flush_commit(l);
    slog_expect(&G.effects, "C:effect", "P:effect", NULL);
    G.effects.n = 0;
    G.renders.n = 0;
    rc_set_int(G.st, 2);
    flush_commit(l);
    slog_expect(&G.renders, "ECtxParent", "ECtxConsumer", NULL);
    assert_string_equal(text_of(l, "ectx"), "2");
    slog_expect(&G.effects, "C:cleanup", "P:cleanup", "C:effect", "P:effect", NULL);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */
/* Context                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct id_props {
    const char *id;             /* a string literal */
} id_props;

static void Consumer(rc_ctx *ctx, const void *props)
{
    const id_props *p = props;
    slog_add(&G.renders, "Consumer:%s", p->id);
    const theme *t = rc_use_context(ctx, &theme_ctx);
    const int64_t *z = rc_use_context(ctx, &nodef_ctx);
    RC_EL(ctx, "span", .id = p->id) {
        rc_textf(ctx, "%lld/%lld", (long long)t->color, (long long)*z);
    }
}
static RC_COMPONENT(Consumer);

static void CMiddle(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "CMiddle");
    id_props ip = {"deep"};
    RC_EL(ctx, "section") { RC_CHILD(ctx, &Consumer_component, NULL, &ip); }
}
static RC_COMPONENT(CMiddle);

/* Provides 55 to its children; its own rc_use_context must not see it. */
static void SelfProvider(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "SelfProvider");
    G.self_before = ((const theme *)rc_use_context(ctx, &theme_ctx))->color;
    theme mine = {55};
    RC_PROVIDE(ctx, &theme_ctx, &mine) {
        G.self_inside = ((const theme *)rc_use_context(ctx, &theme_ctx))->color;
        id_props ip = {"self-child"};
        RC_CHILD(ctx, &Consumer_component, NULL, &ip);
    }
}
static RC_COMPONENT(SelfProvider);

static void CtxRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "CtxRoot");
    G.st = rc_use_int(ctx, "v", 1);
    G.st2 = rc_use_int(ctx, "other", 0);
    int64_t v = rc_get_int(G.st);
    theme outer = {v}, inner = {100 + v};
    int64_t nd = 3;
    RC_EL(ctx, "div") {
        rc_textf(ctx, "%lld", (long long)rc_get_int(G.st2));
        RC_CHILD(ctx, &Consumer_component, NULL, (&(id_props){"none"}));
        RC_PROVIDE(ctx, &theme_ctx, &outer) {
            rc_child(ctx, &CMiddle_component, NULL, NULL, 0);
            RC_CHILD(ctx, &Consumer_component, NULL, (&(id_props){"outer"}));
            RC_PROVIDE(ctx, &theme_ctx, &inner) {
                RC_PROVIDE(ctx, &nodef_ctx, &nd) {
                    RC_CHILD(ctx, &Consumer_component, NULL, (&(id_props){"inner"}));
                }
            }
            rc_child(ctx, &SelfProvider_component, NULL, NULL, 0);
        }
    }
}
static RC_COMPONENT(CtxRoot);

static void test_context_defaults_and_nearest(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&CtxRoot_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "none"), "7/0");     /* defaults (zeroes without one) */
    assert_string_equal(text_of(l, "outer"), "1/0");
    assert_string_equal(text_of(l, "deep"), "1/0");
    assert_string_equal(text_of(l, "inner"), "101/3");  /* nearest provider wins */
    assert_string_equal(text_of(l, "self-child"), "55/0");
    /* a component's own provider does not apply to itself */
    assert_int_equal(G.self_before, 1);
    assert_int_equal(G.self_inside, 1);
    expect_no_errors();
    free_layout(l);
}

static void test_context_change_reaches_consumers(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&CtxRoot_component, NULL, 0);
    flush_commit(l);
    G.renders.n = 0;
    rc_set_int(G.st, 2);
    step s = flush_commit(l);
    /* CtxRoot, its direct consumers whose context changed ("outer",
     * "inner"), "deep" below the skipped CMiddle and SelfProvider (it
     * consumes the outer value). "none" (no provider) and "self-child"
     * (SelfProvider's value did not change) do not render. */
    assert_int_equal(slog_count(&G.renders, "CMiddle"), 0);
    assert_int_equal(slog_count(&G.renders, "Consumer:none"), 0);
    assert_int_equal(slog_count(&G.renders, "SelfProvider"), 1);
    assert_int_equal(slog_count(&G.renders, "Consumer:self-child"), 0);
    assert_int_equal(slog_count(&G.renders, "Consumer:deep"), 1);
    assert_int_equal(slog_count(&G.renders, "Consumer:outer"), 1);
    assert_int_equal(slog_count(&G.renders, "Consumer:inner"), 1);
    assert_int_equal(slog_count(&G.renders, "CtxRoot"), 1);
    assert_int_equal(s.rendered, 5);
    assert_string_equal(text_of(l, "deep"), "2/0");
    assert_string_equal(text_of(l, "outer"), "2/0");
    assert_string_equal(text_of(l, "inner"), "102/3");
    assert_string_equal(text_of(l, "self-child"), "55/0");
    assert_int_equal(G.self_before, 2);
    assert_int_equal(G.self_inside, 2);

    /* Provider value unchanged: no consumer renders. */
    G.renders.n = 0;
    rc_set_int(G.st2, 1);
    s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    slog_expect(&G.renders, "CtxRoot", NULL);
    assert_false(rc_layout_dirty(l));
    expect_no_errors();
    free_layout(l);
}

static void CtxMove(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.s_bool = rc_use_bool(ctx, "inside", true);
    bool inside = rc_get_bool(G.s_bool);
    theme t = {40};
    id_props ip = {"moved"};
    RC_EL(ctx, "div") {
        RC_PROVIDE(ctx, &theme_ctx, &t) {
            if (inside)
                RC_CHILD(ctx, &Consumer_component, NULL, &ip);
        }
        if (!inside)
            RC_CHILD(ctx, &Consumer_component, NULL, &ip);
    }
}
static RC_COMPONENT(CtxMove);

/* Same instance, now outside the provider: it re-renders and reads the
 * default; back inside, the provided value; and a later provider change
 * still reaches it only while inside. */
static void test_context_consumer_moves_out_of_provider(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&CtxMove_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "moved"), "40/0");
    rc_set_bool(G.s_bool, false);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 2);
    assert_string_equal(text_of(l, "moved"), "7/0");
    assert_int_equal(rc_layout_instance_count(l), 2);
    rc_set_bool(G.s_bool, true);
    flush_commit(l);
    assert_string_equal(text_of(l, "moved"), "40/0");
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */
/* Unmounting                                                               */
/* ------------------------------------------------------------------------ */

static rc_cleanup eff_count_cleanup(rc_effect *e, void *arg)
{
    (void)e;
    (void)arg;
    return (rc_cleanup){cleanup_log, (void *)(uintptr_t)"u"};
}

static void UGrand(rc_ctx *ctx, const void *props)
{
    (void)props;
    rc_use_effect(ctx, eff_count_cleanup, NULL, 0, RC_ONCE);
    (void)rc_use_ref(ctx, 64);
    rc_use_string(ctx, "s", "some text that lives on the heap");
    RC_EL(ctx, "button", .id = "ugrand-btn", .on = RC_ON("click", h_count, NULL)) {}
}
static RC_COMPONENT(UGrand);

static void UChild(rc_ctx *ctx, const void *props)
{
    (void)props;
    slog_add(&G.renders, "UChild");
    rc_state *n = rc_use_int(ctx, "n", 0);
    G.st2 = n;
    rc_use_effect(ctx, eff_count_cleanup, NULL, 0, RC_ONCE);
    RC_EL(ctx, "div") {
        /* user data is this instance's state: calling it after unmount
         * would be a use-after-free */
        RC_EL(ctx, "button", .id = "uchild-btn", .on = RC_ON("click", h_inc, n)) {}
        rc_child(ctx, &UGrand_component, NULL, NULL, 0);
    }
}
static RC_COMPONENT(UChild);

static void URoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.s_bool = rc_use_bool(ctx, "show", true);
    rc_use_effect(ctx, eff_count_cleanup, NULL, 0, RC_ONCE);
    RC_EL(ctx, "main") {
        RC_EL(ctx, "button", .id = "toggle", .on = RC_ON("click", h_toggle, G.s_bool)) {}
        if (rc_get_bool(G.s_bool))
            rc_child(ctx, &UChild_component, "k", NULL, 0);
    }
}
static RC_COMPONENT(URoot);

static void test_unmount_frees_and_ignores_handlers(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&URoot_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(rc_layout_instance_count(l), 3);
    char child_id[32], grand_id[32];
    snprintf(child_id, sizeof child_id, "%s", handler_id(l, "uchild-btn", "onClick"));
    snprintf(grand_id, sizeof grand_id, "%s", handler_id(l, "ugrand-btn", "onClick"));
    assert_int_equal(rc_layout_dispatch(l, grand_id, NULL, 0), 0);
    assert_int_equal(G.handler_calls, 1);
    assert_int_equal(rc_layout_dispatch(l, child_id, NULL, 0), 0);
    flush_commit(l);

    click(l, "toggle");
    flush_commit(l);
    assert_int_equal(rc_layout_instance_count(l), 1);
    assert_null(find(l, "uchild-btn"));
    assert_int_equal(G.cleanups, 2);           /* child and grandchild */

    G.handler_calls = 0;
    assert_int_equal(rc_layout_dispatch(l, grand_id, NULL, 0), -1);
    assert_int_equal(rc_layout_dispatch(l, child_id, NULL, 0), -1);
    assert_int_equal(G.handler_calls, 0);
    assert_false(rc_layout_dirty(l));

    /* Remount: fresh instances, same deterministic handler ids. */
    click(l, "toggle");
    flush_commit(l);
    assert_int_equal(rc_layout_instance_count(l), 3);
    assert_string_equal(handler_id(l, "uchild-btn", "onClick"), child_id);
    assert_int_equal(rc_layout_dispatch(l, grand_id, NULL, 0), 0);
    assert_int_equal(G.handler_calls, 1);
    expect_no_errors();
    free_layout(l);
    assert_int_equal(G.cleanups, 2 + 3);
}

/* A dirty child removed by its parent in the same flush never renders. */
static void test_unmount_dirty_child_removed_by_parent(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&URoot_component, NULL, 0);
    flush_commit(l);
    G.renders.n = 0;
    assert_true(rc_set_int(G.st2, 5));
    click(l, "toggle");
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(slog_count(&G.renders, "UChild"), 0);
    assert_int_equal(rc_layout_instance_count(l), 1);
    assert_false(rc_layout_dirty(l));
    s = flush_commit(l);
    assert_int_equal(s.rendered, 0);
    expect_no_errors();
    free_layout(l);
}

static void test_unmount_layout_free_runs_cleanups(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&URoot_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(G.cleanups, 0);
    free_layout(l);
    assert_int_equal(G.cleanups, 3);

    /* Never flushed; flushed but never committed (effects never ran). */
    G.cleanups = 0;
    l = new_layout(&URoot_component, NULL, 0);
    free_layout(l);
    l = new_layout(&URoot_component, NULL, 0);
    rc_layout_flush(l);
    free_layout(l);
    assert_int_equal(G.cleanups, 0);
    rc_layout_free(NULL);
}

/* Changing a child's key unmounts it and mounts a fresh instance. */
static void KChild(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.st2 = rc_use_int(ctx, "n", 0);
    use_logged_effect(ctx, "K", RC_ONCE);
    RC_EL(ctx, "p", .id = "k") { rc_textf(ctx, "%lld", (long long)rc_get_int(G.st2)); }
}
static RC_COMPONENT(KChild);

static void KRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.st = rc_use_int(ctx, "key", 0);
    char key[16];
    snprintf(key, sizeof key, "key-%lld", (long long)rc_get_int(G.st));
    RC_EL(ctx, "div") { rc_child(ctx, &KChild_component, key, NULL, 0); }
}
static RC_COMPONENT(KRoot);

/* Keyed children keep their state and effects when reordered. */
static void KItem(rc_ctx *ctx, const void *props)
{
    const id_props *p = props;
    slog_add(&G.renders, "KItem:%s", p->id);
    rc_state *n = rc_use_int(ctx, "n", 0);
    use_logged_effect(ctx, p->id, RC_ONCE);
    RC_EL(ctx, "li", .id = p->id, .on = RC_ON("click", h_inc, n)) {
        rc_textf(ctx, "%lld", (long long)rc_get_int(n));
    }
}
static RC_COMPONENT(KItem);

static void KList(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.s_bool = rc_use_bool(ctx, "reversed", false);
    static const char *const ids[] = {"ka", "kb", "kc"};
    bool rev = rc_get_bool(G.s_bool);
    RC_EL(ctx, "ul", .id = "klist") {
        for (int i = 0; i < 3; i++) {
            const char *id = ids[rev ? 2 - i : i];
            id_props ip = {id};
            RC_CHILD(ctx, &KItem_component, id, &ip);
        }
    }
}
static RC_COMPONENT(KList);

static void test_keyed_reorder_keeps_state(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&KList_component, NULL, 0);
    flush_commit(l);
    click(l, "ka");
    click(l, "kc");
    click(l, "kc");
    flush_commit(l);
    G.renders.n = 0;
    G.effects.n = 0;
    rc_set_bool(G.s_bool, true);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);          /* the items are only moved */
    assert_true(s.nops >= 1);
    assert_int_equal(G.effects.n, 0);          /* no remount */
    assert_string_equal(text_of(l, "klist"), "201");
    assert_string_equal(text_of(l, "ka"), "1");
    assert_string_equal(text_of(l, "kc"), "2");
    assert_int_equal(rc_layout_instance_count(l), 4);
    expect_no_errors();
    free_layout(l);
}

static void test_unmount_key_change_resets_state(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&KRoot_component, NULL, 0);
    flush_commit(l);
    rc_set_int(G.st2, 9);
    flush_commit(l);
    assert_string_equal(text_of(l, "k"), "9");
    G.effects.n = 0;
    rc_set_int(G.st, 1);
    flush_commit(l);
    assert_string_equal(text_of(l, "k"), "0");
    slog_expect(&G.effects, "K:cleanup", "K:effect", NULL);
    assert_int_equal(rc_layout_instance_count(l), 2);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct mode_props {
    int64_t mode;
} mode_props;

static void Ok(rc_ctx *ctx, const void *props)
{
    const id_props *p = props;
    RC_EL(ctx, "span", .id = p->id, .on = RC_ON("click", h_count, NULL)) { rc_text(ctx, "ok"); }
}
static RC_COMPONENT(Ok);

static void Bad(rc_ctx *ctx, const void *props)
{
    const mode_props *p = props;
    rc_state *n = rc_use_int(ctx, "n", 0);
    RC_EL(ctx, "div", .id = "bad", .on = RC_ON("click", h_inc, n)) {
        RC_EL(ctx, "b") { rc_text(ctx, "partial"); }
        if (p->mode == 1)
            rc_fail(ctx, "boom %d", 42);
        RC_ASSERT(ctx, p->mode != 2);
        rc_text(ctx, "bad ok");
    }
}
static RC_COMPONENT(Bad);

static void ERoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.st = rc_use_int(ctx, "mode", 1);
    mode_props mp = {rc_get_int(G.st)};
    RC_EL(ctx, "div", .id = "eroot") {
        RC_CHILD(ctx, &Ok_component, NULL, (&(id_props){"ok1"}));
        RC_CHILD(ctx, &Bad_component, NULL, &mp);
        RC_CHILD(ctx, &Ok_component, NULL, (&(id_props){"ok2"}));
    }
}
static RC_COMPONENT(ERoot);

static void test_error_in_child_is_contained(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&ERoot_component, NULL, 0);
    flush_commit(l);                          /* mounts with Bad failing */
    rc_node *root = find(l, "eroot");
    assert_non_null(root);
    assert_int_equal(rc_node_child_count(root), 3);
    rc_node *bad = rc_node_child(root, 1);
    assert_int_equal(rc_node_get_kind(bad), RC_NODE_COMPONENT);
    assert_int_equal(rc_node_child_count(bad), 1);
    rc_node *err = rc_node_child(bad, 0);
    assert_int_equal(rc_node_get_kind(err), RC_NODE_ERROR);
    size_t len;
    assert_non_null(strstr(rc_node_text(err, &len), "boom 42"));
    assert_null(find(l, "bad"));               /* the partial output is gone */
    assert_string_equal(text_of(l, "ok1"), "ok");
    assert_string_equal(text_of(l, "ok2"), "ok");
    assert_int_equal(G.log.n[RC_LOG_ERROR], 1);
    assert_non_null(strstr(G.log.last[RC_LOG_ERROR], "boom 42"));
    assert_non_null(strstr(G.log.last[RC_LOG_ERROR], "/ERoot/Bad#0"));
    assert_int_equal(rc_layout_instance_count(l), 4);

    /* Siblings keep working. */
    click(l, "ok2");
    assert_int_equal(G.handler_calls, 1);

    /* Fix the condition: the error goes away. */
    rc_set_int(G.st, 0);
    step s = flush_commit(l);
    assert_true(s.nops >= 1);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_string_equal(text_of(l, "bad"), "partialbad ok");
    assert_int_equal(G.log.n[RC_LOG_ERROR], 1);

    /* RC_ASSERT reports the expression; the failed component's old
     * handlers are gone. */
    char bad_id[32];
    snprintf(bad_id, sizeof bad_id, "%s", handler_id(l, "bad", "onClick"));
    rc_set_int(G.st, 2);
    flush_commit(l);
    assert_int_equal(rc_layout_dispatch(l, bad_id, NULL, 0), -1);
    char msg[512];
    assert_int_equal(count_errors(l, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "assertion failed"));
    assert_non_null(strstr(msg, "p->mode != 2"));
    assert_int_equal(G.log.n[RC_LOG_ERROR], 2);

    rc_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    click(l, "ok1");
    assert_int_equal(G.handler_calls, 2);
    assert_int_equal(G.log.n[RC_LOG_ERROR], 2);
    free_layout(l);
}

/* The root itself failing: its output is one error node; fixed, it renders. */
static void FailRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.s_bool = rc_use_bool(ctx, "fail", true);
    RC_ASSERT(ctx, !rc_get_bool(G.s_bool));
    RC_EL(ctx, "p", .id = "root-ok") { rc_text(ctx, "fine"); }
}
static RC_COMPONENT(FailRoot);

static void test_error_in_root(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&FailRoot_component, NULL, 0);
    const rc_patch *p = rc_layout_flush(l);
    assert_int_equal(p->nops, 1);
    assert_int_equal(p->ops[0].kind, RC_OP_INSERT);
    assert_int_equal(p->ops[0].nnodes, 1);
    assert_int_equal(rc_node_get_kind(p->ops[0].nodes[0]), RC_NODE_ERROR);
    rc_layout_commit(l);
    assert_int_equal(rc_layout_root_count(l), 1);
    assert_int_equal(rc_node_get_kind(rc_layout_root(l, 0)), RC_NODE_ERROR);
    assert_int_equal(G.log.n[RC_LOG_ERROR], 1);
    assert_non_null(strstr(G.log.last[RC_LOG_ERROR], "/FailRoot"));
    rc_set_bool(G.s_bool, false);
    step s = flush_commit(l);
    assert_int_equal(s.rendered, 1);
    assert_int_equal(s.nops, 1);
    assert_int_equal(s.first_kind, RC_OP_REPLACE);
    assert_string_equal(text_of(l, "root-ok"), "fine");
    assert_int_equal(count_errors(l, NULL, 0), 0);
    free_layout(l);
}

typedef struct dup_props {
    bool dup;
    bool components;
} dup_props;

static void DupList(rc_ctx *ctx, const void *props)
{
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

static void DRoot(rc_ctx *ctx, const void *props)
{
    const dup_props *rp = props;
    G.s_bool = rc_use_bool(ctx, "dup", true);
    dup_props dp;
    memset(&dp, 0, sizeof dp);
    dp.dup = rc_get_bool(G.s_bool);
    dp.components = rp->components;
    RC_EL(ctx, "div") {
        RC_CHILD(ctx, &DupList_component, NULL, &dp);
        RC_CHILD(ctx, &Ok_component, NULL, (&(id_props){"ok3"}));
    }
}
static RC_COMPONENT(DRoot);

static void run_duplicate_keys(bool components, const char *key)
{
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
    assert_int_equal(G.log.n[RC_LOG_ERROR], 1);
    /* Root, DupList, Ok: the children of the failed render never mounted. */
    assert_int_equal(rc_layout_instance_count(l), 3);

    rc_set_bool(G.s_bool, false);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_non_null(find(l, "list"));
    assert_int_equal(rc_layout_instance_count(l), components ? 5 : 3);

    rc_set_bool(G.s_bool, true);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 1);
    assert_int_equal(rc_layout_instance_count(l), 3);
    free_layout(l);
}

static void test_error_duplicate_keys(void **state)
{
    (void)state;
    run_duplicate_keys(false, "\"a-dup\"");
    memset(&G.log, 0, sizeof G.log);
    run_duplicate_keys(true, "\"x\"");
}

/* A long list (past the pairwise check: the hash set in builder.c) with
 * one repeated key, which only the last item repeats. */
static void DupBig(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.s_bool = rc_use_bool(ctx, "dup", true);
    G.st = rc_use_int(ctx, "n", 300);
    int n = (int)rc_get_int(G.st);
    RC_EL(ctx, "ul", .id = "big") {
        for (int i = 0; i < n; i++) {
            char key[24];
            snprintf(key, sizeof key, "k%d", i == n - 1 && rc_get_bool(G.s_bool) ? 17 : i);
            RC_EL(ctx, "li", .key = key) { rc_text(ctx, "x"); }
        }
    }
}
static RC_COMPONENT(DupBig);

static void test_error_duplicate_keys_long_list(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&DupBig_component, NULL, 0);
    flush_commit(l);
    char msg[512];
    assert_int_equal(count_errors(l, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "duplicate key \"k17\""));
    rc_set_bool(G.s_bool, false);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_non_null(find(l, "big"));
    rc_set_int(G.st, 5000);                     /* a bigger table */
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    rc_set_bool(G.s_bool, true);
    flush_commit(l);
    assert_int_equal(count_errors(l, msg, sizeof msg), 1);
    assert_non_null(strstr(msg, "duplicate key \"k17\""));
    free_layout(l);
}

/* rc_textf and rc_attrf write a lone number or string without vsnprintf
 * (builder.c): the text must be exactly what printf writes. */
static void Fmt(rc_ctx *ctx, const void *props)
{
    (void)props;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "i", .id = "d1") { rc_textf(ctx, "%d", INT_MIN); }
        RC_EL(ctx, "i", .id = "d2") { rc_textf(ctx, "%d", 0); }
        RC_EL(ctx, "i", .id = "d3") { rc_textf(ctx, "%d", INT_MAX); }
        RC_EL(ctx, "i", .id = "ld") { rc_textf(ctx, "%ld", LONG_MIN); }
        RC_EL(ctx, "i", .id = "lld1") { rc_textf(ctx, "%lld", LLONG_MIN); }
        RC_EL(ctx, "i", .id = "lld2") { rc_textf(ctx, "%lld", -7LL); }
        RC_EL(ctx, "i", .id = "u") { rc_textf(ctx, "%u", UINT_MAX); }
        RC_EL(ctx, "i", .id = "lu") { rc_textf(ctx, "%lu", ULONG_MAX); }
        RC_EL(ctx, "i", .id = "llu") { rc_textf(ctx, "%llu", ULLONG_MAX); }
        RC_EL(ctx, "i", .id = "zu") { rc_textf(ctx, "%zu", (size_t)12345); }
        RC_EL(ctx, "i", .id = "s") { rc_textf(ctx, "%s", "plain"); }
        RC_EL(ctx, "i", .id = "mixed") { rc_textf(ctx, "%d%%", 5); }
        RC_EL(ctx, "i", .id = "attr") { rc_attrf(ctx, "data-n", "%lld", 42LL); }
    }
}
static RC_COMPONENT(Fmt);

static void test_textf_formats(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&Fmt_component, NULL, 0);
    flush_commit(l);
    char want[64];
    snprintf(want, sizeof want, "%d", INT_MIN);
    assert_string_equal(text_of(l, "d1"), want);
    assert_string_equal(text_of(l, "d2"), "0");
    snprintf(want, sizeof want, "%d", INT_MAX);
    assert_string_equal(text_of(l, "d3"), want);
    snprintf(want, sizeof want, "%ld", LONG_MIN);
    assert_string_equal(text_of(l, "ld"), want);
    assert_string_equal(text_of(l, "lld1"), "-9223372036854775808");
    assert_string_equal(text_of(l, "lld2"), "-7");
    snprintf(want, sizeof want, "%u", UINT_MAX);
    assert_string_equal(text_of(l, "u"), want);
    snprintf(want, sizeof want, "%lu", ULONG_MAX);
    assert_string_equal(text_of(l, "lu"), want);
    assert_string_equal(text_of(l, "llu"), "18446744073709551615");
    assert_string_equal(text_of(l, "zu"), "12345");
    assert_string_equal(text_of(l, "s"), "plain");
    assert_string_equal(text_of(l, "mixed"), "5%");
    const rc_node *attr = find(l, "attr");
    assert_non_null(attr);
    bool found = false;
    for (size_t i = 0; i < rc_node_attr_count(attr); i++) {
        if (strcmp(rc_node_attr_name(attr, i), "data-n") == 0) {
            assert_string_equal(rc_node_attr_value(attr, i), "42");
            found = true;
        }
    }
    assert_true(found);
    expect_no_errors();
    free_layout(l);
}

/* Hooks in a different order: mode 0 is the normal order. */
static void HookOrder(rc_ctx *ctx, const void *props)
{
    const mode_props *p = props;
    switch (p->mode) {
    case 1:                    /* kinds swapped */
        (void)rc_use_ref(ctx, 8);
        G.st2 = rc_use_int(ctx, "n", 0);
        break;
    case 2:                    /* a hook left out */
        G.st2 = rc_use_int(ctx, "n", 0);
        break;
    case 3:                    /* a string slot where the int slot was */
        (void)rc_use_string(ctx, "s", "");
        (void)rc_use_ref(ctx, 8);
        break;
    case 4:                    /* a reducer where a state slot was */
        (void)rc_use_reducer(ctx, "n", count_reducer, NULL);
        (void)rc_use_ref(ctx, 8);
        break;
    case 5:                    /* an extra hook (React: "Rendered more hooks than
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

static void HRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.st = rc_use_int(ctx, "mode", 0);
    mode_props mp = {rc_get_int(G.st)};
    RC_EL(ctx, "div") {
        RC_CHILD(ctx, &HookOrder_component, NULL, &mp);
        RC_CHILD(ctx, &Ok_component, NULL, (&(id_props){"ok4"}));
    }
}
static RC_COMPONENT(HRoot);

static void test_error_hook_order(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&HRoot_component, NULL, 0);
    flush_commit(l);
    assert_string_equal(text_of(l, "hooks"), "fine");
    static const int64_t modes[] = {1, 2, 3, 4, 5};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        print_message("hook order mode %lld\n", (long long)modes[i]);
        size_t errors = G.log.n[RC_LOG_ERROR];
        rc_set_int(G.st, modes[i]);
        flush_commit(l);
        char msg[512];
        assert_int_equal(count_errors(l, msg, sizeof msg), 1);
        assert_non_null(strstr(msg, "hook"));
        assert_null(find(l, "hooks"));
        assert_string_equal(text_of(l, "ok4"), "ok");
        assert_int_equal(G.log.n[RC_LOG_ERROR], errors + 1);

        rc_set_int(G.st, 0);
        flush_commit(l);
        assert_int_equal(count_errors(l, NULL, 0), 0);
        assert_string_equal(text_of(l, "hooks"), "fine");
    }
    click(l, "ok4");
    assert_int_equal(G.handler_calls, 1);
    free_layout(l);
}

/* The first render fails before any hook is called: once fixed, the
 * component creates its hooks normally (no hook-order error). */
static void LateHooks(rc_ctx *ctx, const void *props)
{
    const mode_props *p = props;
    RC_ASSERT(ctx, p->mode == 0);
    rc_state *n = rc_use_int(ctx, "n", 4);
    (void)rc_use_ref(ctx, 8);
    RC_EL(ctx, "p", .id = "late") { rc_textf(ctx, "%lld", (long long)rc_get_int(n)); }
}
static RC_COMPONENT(LateHooks);

static void LRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.st = rc_use_int(ctx, "mode", 1);
    mode_props mp = {rc_get_int(G.st)};
    RC_EL(ctx, "div") { RC_CHILD(ctx, &LateHooks_component, NULL, &mp); }
}
static RC_COMPONENT(LRoot);

static void test_error_first_render_fails_before_hooks(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&LRoot_component, NULL, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 1);
    rc_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_string_equal(text_of(l, "late"), "4");
    rc_set_int(G.st, 1);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 1);
    rc_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    assert_int_equal(G.log.n[RC_LOG_ERROR], 2);
    free_layout(l);
}

/* A render that fails is discarded: the effects it scheduled do not run
 * (React never commits effects of a render that threw). */
static void FailAfterEffect(rc_ctx *ctx, const void *props)
{
    const mode_props *p = props;
    use_logged_effect(ctx, "F", RC_EVERY_RENDER);
    use_logged_effect(ctx, "Fdeps", RC_DEPS(p->mode));
    if (p->mode == 1)
        rc_fail(ctx, "failed after scheduling effects");
    RC_EL(ctx, "p", .id = "fae") { rc_text(ctx, "ok"); }
}
static RC_COMPONENT(FailAfterEffect);

static void FRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.st = rc_use_int(ctx, "mode", 0);
    mode_props mp = {rc_get_int(G.st)};
    RC_EL(ctx, "div") { RC_CHILD(ctx, &FailAfterEffect_component, NULL, &mp); }
}
static RC_COMPONENT(FRoot);

static void test_error_failed_render_runs_no_effects(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&FRoot_component, NULL, 0);
    flush_commit(l);
    slog_expect(&G.effects, "F:effect", "Fdeps:effect", NULL);
    G.effects.n = 0;
    rc_set_int(G.st, 1);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 1);
    slog_expect(&G.effects, NULL);
    G.effects.n = 0;
    rc_set_int(G.st, 0);
    flush_commit(l);
    assert_int_equal(count_errors(l, NULL, 0), 0);
    /* Fdeps' recorded deps are still those of the last good render (0):
     * only the every-render effect runs. */
    slog_expect(&G.effects, "F:cleanup", "F:effect", NULL);
    free_layout(l);
}

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

static void snap_cb(void *user, const char *address, const rc_value *value)
{
    snapshot *s = user;
    assert_true(s->n < 32);
    snprintf(s->addr[s->n], sizeof s->addr[0], "%s", address);
    s->val[s->n] = (rc_value){0};
    rc_value_copy(&s->val[s->n], value);
    s->n++;
}

static void snap_free(snapshot *s)
{
    for (size_t i = 0; i < s->n; i++)
        rc_value_free(&s->val[i]);
    s->n = 0;
}

static const rc_value *snap_get(const snapshot *s, const char *address)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->addr[i], address) == 0)
            return &s->val[i];
    return NULL;
}

static const rc_value *restore_snap(void *user, const char *address)
{
    const snapshot *s = user;
    slog_add(&G.restore_addrs, "%s", address);
    for (size_t i = 0; i < s->noverride; i++)
        if (strcmp(s->override_addr[i], address) == 0)
            return s->override_val[i];
    return snap_get(s, address);
}

typedef struct slot_item_props {
    const char *label;
} slot_item_props;

static void SlotItem(rc_ctx *ctx, const void *props)
{
    const slot_item_props *p = props;
    rc_state *name = rc_use_string(ctx, "name", p->label);
    if (strcmp(p->label, "k1") == 0)
        G.st3 = name;
    RC_EL(ctx, "li") {
        RC_EL(ctx, "button", .on = RC_ON("click", h_count, NULL)) { rc_text(ctx, rc_get_string(name)); }
    }
}
static RC_COMPONENT(SlotItem);

static void SlotChild(rc_ctx *ctx, const void *props)
{
    const val_props *p = props;
    rc_state *n = rc_use_int(ctx, NULL, 10);
    if (p->value == 0)
        G.st = n;
    else
        G.st2 = n;
    RC_EL(ctx, "span", .on = RC_ON("click", h_inc, n)) { rc_textf(ctx, "%lld", (long long)rc_get_int(n)); }
}
static RC_COMPONENT(SlotChild);

static void SlotRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.s_int = rc_use_int(ctx, "count", 0);                  /* @count */
    G.s_str = rc_use_string(ctx, NULL, "x");                /* @#1 */
    rc_state *secret = rc_use_int(ctx, "secret", 1);        /* not enumerated */
    rc_state_flags(secret, RC_STATE_SERVER_ONLY);
    G.s_null = secret;
    G.s_float = rc_use_float(ctx, "ratio", 0.5);            /* @ratio */
    pt p0 = {1, 2};
    G.s_struct = rc_use_struct(ctx, "pt", &pt_type, &p0);   /* @pt */
    (void)rc_use_ref(ctx, 16);                              /* not a slot */
    G.s_val = rc_use_value(ctx, "obj", NULL);               /* @obj */
    RC_EL(ctx, "div", .id = "slots") {
        RC_EL(ctx, "button", .id = "sinc", .on = RC_ON("click", h_inc, G.s_int)) {
            rc_textf(ctx, "%lld", (long long)rc_get_int(G.s_int));
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

static void collect_ids_in(const rc_node *n, strlog *out)
{
    for (size_t i = 0; i < rc_node_handler_count(n); i++)
        slog_add(out, "%s", rc_handler_id(rc_node_handler(n, i)));
    for (size_t i = 0; i < rc_node_child_count(n); i++)
        collect_ids_in(rc_node_child(n, i), out);
}

static void collect_ids(const rc_layout *l, strlog *out)
{
    out->n = 0;
    for (size_t i = 0; i < rc_layout_root_count(l); i++)
        collect_ids_in(rc_layout_root(l, i), out);
}

static void test_slots_enumeration(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&SlotRoot_component, NULL, 0);
    snapshot *s = calloc(1, sizeof *s);
    assert_non_null(s);
    rc_layout_foreach_slot(l, snap_cb, s);     /* before mount: nothing */
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
    for (size_t i = 0; i < s->n; i++)
        print_message("  slot %s\n", s->addr[i]);
    assert_int_equal(s->n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < s->n; i++)
        assert_string_equal(s->addr[i], want[i]);
    for (size_t i = 0; i < s->n; i++)
        assert_null(strstr(s->addr[i], "secret"));
    assert_int_equal(rc_value_int(snap_get(s, "/SlotRoot@count"), -1), 0);
    assert_string_equal(rc_value_string(snap_get(s, "/SlotRoot@#1"), "?"), "x");
    assert_true(rc_value_float(snap_get(s, "/SlotRoot@ratio"), 0) == 0.5);
    assert_int_equal(snap_get(s, "/SlotRoot@pt")->kind, RC_STRUCT);
    assert_int_equal(snap_get(s, "/SlotRoot@obj")->kind, RC_NULL);
    assert_int_equal(rc_value_int(snap_get(s, "/SlotRoot/SlotChild#1@#0"), -1), 10);
    assert_string_equal(rc_value_string(snap_get(s, "/SlotRoot/SlotItem[k%2F2]@name"), "?"), "k/2");

    /* Values follow state changes. */
    snap_free(s);
    click(l, "sinc");
    rc_set_int(G.st2, 11);
    flush_commit(l);
    rc_layout_foreach_slot(l, snap_cb, s);
    assert_int_equal(rc_value_int(snap_get(s, "/SlotRoot@count"), -1), 1);
    assert_int_equal(rc_value_int(snap_get(s, "/SlotRoot/SlotChild#1@#0"), -1), 11);
    snap_free(s);
    free(s);
    expect_no_errors();
    free_layout(l);
}

/* The slot walk skips subtrees without state (slots.c): state below a
 * stateless component must still be found, and the counts behind the
 * skipping must follow mounts and unmounts. */
static void PruneLeaf(rc_ctx *ctx, const void *props)
{
    (void)props;
    rc_state *v = rc_use_int(ctx, "v", 7);
    RC_EL(ctx, "i") { rc_textf(ctx, "%lld", (long long)rc_get_int(v)); }
}
static RC_COMPONENT(PruneLeaf);

static void PruneWrap(rc_ctx *ctx, const void *props)
{
    const int *with_leaf = props;
    (void)rc_use_ref(ctx, 8);                       /* a hook, but not a slot */
    RC_EL(ctx, "div") {
        if (*with_leaf) rc_child(ctx, &PruneLeaf_component, "leaf", NULL, 0);
    }
}
static RC_COMPONENT(PruneWrap);

static void PruneRow(rc_ctx *ctx, const void *props)
{
    (void)props;
    RC_EL(ctx, "li") { RC_EL(ctx, "span") { rc_text(ctx, "row"); } }
}
static RC_COMPONENT(PruneRow);

static void PruneRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.st = rc_use_int(ctx, "leaf", 1);
    G.st2 = rc_use_int(ctx, "wraps", 1);
    int with_leaf = (int)rc_get_int(G.st);
    RC_EL(ctx, "ul") {
        for (int i = 0; i < 20; i++) {
            char key[16];
            snprintf(key, sizeof key, "%d", i);
            rc_child(ctx, &PruneRow_component, key, NULL, 0);
        }
        for (int i = 0; i < rc_get_int(G.st2); i++) {
            char key[16];
            snprintf(key, sizeof key, "w%d", i);
            RC_CHILD(ctx, &PruneWrap_component, key, &with_leaf);
        }
    }
}
static RC_COMPONENT(PruneRoot);

static size_t count_slots(rc_layout *l, snapshot *s)
{
    snap_free(s);
    rc_layout_foreach_slot(l, snap_cb, s);
    return s->n;
}

static void test_slots_walk_skips_stateless(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&PruneRoot_component, NULL, 0);
    snapshot *s = calloc(1, sizeof *s);
    assert_non_null(s);
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 3);
    assert_string_equal(s->addr[2], "/PruneRoot/PruneWrap[w0]/PruneLeaf[leaf]@v");
    rc_set_int(G.st2, 3);                           /* two more wrappers, with leaves */
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 5);
    assert_string_equal(s->addr[4], "/PruneRoot/PruneWrap[w2]/PruneLeaf[leaf]@v");
    rc_set_int(G.st, 0);                            /* the leaves unmount */
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 2);
    rc_set_int(G.st, 1);                            /* and mount again */
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 5);
    rc_set_int(G.st2, 1);                           /* wrappers with leaves unmount */
    flush_commit(l);
    assert_int_equal(count_slots(l, s), 3);
    snap_free(s);
    free(s);
    expect_no_errors();
    free_layout(l);
}

/* Changes every slot of a SlotRoot layout away from its initial value. */
static void change_all_slots(rc_layout *l)
{
    rc_set_int(G.s_int, 3);
    rc_set_string(G.s_str, "changed");
    rc_set_int(G.s_null, 99);                   /* the server-only secret */
    rc_set_float(G.s_float, 0.25);
    pt p = {5, 6};
    rc_set_struct(G.s_struct, &p);
    rc_value v = {0};
    rc_value_set_object(&v);
    rc_value_set_string(rc_object_set(&v, "k"), "v");
    rc_set_value(G.s_val, &v);
    rc_value_free(&v);
    rc_set_int(G.st, 12);
    rc_set_int(G.st2, 13);
    rc_set_string(G.st3, "renamed");
    flush_commit(l);
}

static void test_slots_restore(void **state)
{
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

    assert_int_equal(rc_get_int(G.s_int), 3);
    assert_string_equal(rc_get_string(G.s_str), "changed");
    assert_int_equal(rc_get_int(G.s_null), 1);   /* server-only: initial */
    assert_true(rc_get_float(G.s_float) == 0.25);
    const pt *p = rc_get_struct(G.s_struct);
    assert_int_equal(p->x, 5);
    assert_int_equal(p->y, 6);
    assert_string_equal(rc_value_string(rc_object_get(rc_get_value(G.s_val), "k"), "?"), "v");
    assert_int_equal(rc_get_int(G.st), 12);
    assert_int_equal(rc_get_int(G.st2), 13);
    assert_string_equal(rc_get_string(G.st3), "renamed");
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
    for (size_t i = 0; i < ids_a->n; i++)
        assert_string_equal(ids_b->items[i], ids_a->items[i]);
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

static void test_slots_restore_kind_mismatch(void **state)
{
    (void)state;
    rc_layout *a = new_layout(&SlotRoot_component, NULL, 0);
    flush_commit(a);
    change_all_slots(a);
    snapshot *snap = calloc(1, sizeof *snap);
    assert_non_null(snap);
    rc_layout_foreach_slot(a, snap_cb, snap);

    rc_value str = {0}, flt = {0}, st2 = {0}, i = {0};
    rc_value_set_string(&str, "not an int");
    rc_value_set_float(&flt, 3.0);               /* a float for an int slot */
    pt other = {9, 9};
    rc_value_set_struct(&st2, &pt_type_v2, &other);   /* struct version changed */
    rc_value_set_int(&i, 4);                     /* an int for a string slot */
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
    assert_int_equal(rc_get_int(G.s_int), 0);               /* initial */
    assert_int_equal(rc_get_value(G.s_int)->kind, RC_INT);
    assert_int_equal(rc_get_int(G.st), 10);                 /* initial */
    assert_int_equal(rc_get_value(G.st)->kind, RC_INT);
    const pt *p = rc_get_struct(G.s_struct);
    assert_int_equal(p->x, 1);                              /* initial */
    assert_int_equal(p->y, 2);
    assert_ptr_equal(rc_get_value(G.s_struct)->as.st.type, &pt_type);
    assert_string_equal(rc_get_string(G.st3), "k1");        /* initial */
    /* The other slots still restored. */
    assert_string_equal(rc_get_string(G.s_str), "changed");
    assert_int_equal(rc_get_int(G.st2), 13);
    assert_true(rc_get_float(G.s_float) == 0.25);
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
static void AddrItem(rc_ctx *ctx, const void *props)
{
    const val_props *p = props;
    rc_state *n = rc_use_int(ctx, "n", 0);
    if (p->value == 0)
        G.st = n;
    else
        G.st2 = n;
    RC_EL(ctx, "li") { rc_textf(ctx, "%lld", (long long)rc_get_int(n)); }
}
static RC_COMPONENT(AddrItem);

static void AddrRoot(rc_ctx *ctx, const void *props)
{
    (void)props;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "ul") { RC_CHILD(ctx, &AddrItem_component, "k", (&(val_props){0})); }
        RC_EL(ctx, "ul") { RC_CHILD(ctx, &AddrItem_component, "k", (&(val_props){1})); }
    }
}
static RC_COMPONENT(AddrRoot);

static void test_slots_same_key_in_different_elements(void **state)
{
    (void)state;
    rc_layout *a = new_layout(&AddrRoot_component, NULL, 0);
    flush_commit(a);
    assert_int_equal(count_errors(a, NULL, 0), 0);   /* legal: not siblings */
    assert_int_equal(rc_layout_instance_count(a), 3);
    rc_set_int(G.st, 1);
    rc_set_int(G.st2, 2);
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
    int64_t first = rc_get_int(G.st), second = rc_get_int(G.st2);
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
/* Events                                                                   */
/* ------------------------------------------------------------------------ */

static void h_change(rc_event *ev, void *user)
{
    G.handler_calls++;
    G.handler_user = user;
    snprintf(G.ev_value, sizeof G.ev_value, "%s", rc_event_value(ev));
    G.ev_checked = rc_value_bool(rc_event_get(ev, "checked"), false);
    G.ev_missing_is_null = rc_event_get(ev, "nope") == NULL;
    G.ev_seq = rc_event_seq(ev);
    G.ev_layout = rc_event_layout(ev);
    G.ev_data = rc_event_data(ev);
}

static void EvComp(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.s_bool = rc_use_bool(ctx, "b", false);
    void *user = rc_get_bool(G.s_bool) ? (void *)&G.tok_b : (void *)&G.tok_a;
    RC_EL(ctx, "div") {
        RC_EL(ctx, "input", .id = "in", .on = RC_ON("change", h_change, user)) {
            rc_on_event(ctx, (rc_on){.event = "onKeyDown", .fn = h_change, .user = user,
                                     .prevent_default = true});
        }
        RC_EL(ctx, "button", .id = "flip", .on = RC_ON("onClick", h_toggle, G.s_bool)) {}
    }
}
static RC_COMPONENT(EvComp);

static void test_events_data(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&EvComp_component, NULL, 0);
    flush_commit(l);
    rc_node *in = find(l, "in");
    assert_int_equal(rc_node_handler_count(in), 2);
    assert_string_equal(rc_handler_event(rc_node_handler(in, 0)), "onChange");
    assert_string_equal(rc_handler_event(rc_node_handler(in, 1)), "onKeyDown");
    assert_true(rc_handler_prevent_default(rc_node_handler(in, 1)));
    assert_false(rc_handler_prevent_default(rc_node_handler(in, 0)));
    assert_string_not_equal(rc_handler_id(rc_node_handler(in, 0)),
                            rc_handler_id(rc_node_handler(in, 1)));
    assert_int_equal(strlen(rc_handler_id(rc_node_handler(in, 0))), 11);

    rc_value data = {0};
    rc_value_set_array(&data);
    rc_value *ev = rc_array_push(&data);
    rc_value_set_object(ev);
    rc_value_set_string(rc_object_set(ev, "value"), "hello");
    rc_value_set_bool(rc_object_set(ev, "checked"), true);
    assert_int_equal(fire(l, "in", "onChange", &data, 42), 0);
    assert_int_equal(G.handler_calls, 1);
    assert_string_equal(G.ev_value, "hello");
    assert_true(G.ev_checked);
    assert_true(G.ev_missing_is_null);
    assert_int_equal(G.ev_seq, 42);
    assert_ptr_equal(G.ev_layout, l);
    assert_ptr_equal(G.ev_data, &data);
    assert_ptr_equal(G.handler_user, &G.tok_a);
    rc_value_free(&data);

    /* No data: empty value, missing fields. */
    assert_int_equal(fire(l, "in", "onKeyDown", NULL, 0), 0);
    assert_int_equal(G.handler_calls, 2);
    assert_string_equal(G.ev_value, "");
    assert_false(G.ev_checked);
    assert_true(G.ev_missing_is_null);
    assert_int_equal(G.ev_seq, 0);
    assert_null(G.ev_data);

    /* A re-render that changes the handler's user data keeps its id and
     * dispatches to the new one. */
    char id_before[32];
    snprintf(id_before, sizeof id_before, "%s", handler_id(l, "in", "onChange"));
    click(l, "flip");
    flush_commit(l);
    assert_string_equal(handler_id(l, "in", "onChange"), id_before);
    assert_int_equal(rc_layout_dispatch(l, id_before, NULL, 7), 0);
    assert_ptr_equal(G.handler_user, &G.tok_b);
    assert_int_equal(G.ev_seq, 7);
    expect_no_errors();
    free_layout(l);
}

static void test_events_bad_ids(void **state)
{
    (void)state;
    rc_layout *l = new_layout(&EvComp_component, NULL, 0);
    flush_commit(l);
    char good[32];
    snprintf(good, sizeof good, "%s", handler_id(l, "in", "onChange"));

    static const char *const malformed[] = {
        "", "A", "AAAAAAAAAA", "AAAAAAAAAAAA", "AAAAAAAAAA!", "AAAAAAAAAA=",
        "QAAAAAAAAAA",                         /* first digit above 15 */
        "AAAAAAAAAA\xc3", " AAAAAAAAAA",
    };
    size_t warns = G.log.n[RC_LOG_WARN];
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        assert_int_equal(rc_layout_dispatch(l, malformed[i], NULL, 0), -1);
    assert_int_equal(rc_layout_dispatch(l, NULL, NULL, 0), -1);
    assert_int_equal(G.log.n[RC_LOG_WARN], warns + sizeof malformed / sizeof malformed[0] + 1);

    /* Well-formed but unknown: change the last digit. */
    char unknown[32];
    snprintf(unknown, sizeof unknown, "%s", good);
    unknown[10] = unknown[10] == 'A' ? 'B' : 'A';
    assert_int_equal(rc_layout_dispatch(l, unknown, NULL, 0), -1);
    /* A longer string starting with a good id is not that id. */
    char longer[40];
    snprintf(longer, sizeof longer, "%sA", good);
    assert_int_equal(rc_layout_dispatch(l, longer, NULL, 0), -1);
    assert_int_equal(G.handler_calls, 0);

    assert_int_equal(rc_layout_dispatch(l, good, NULL, 0), 0);
    assert_int_equal(G.handler_calls, 1);
    expect_no_errors();
    free_layout(l);
}

/* ------------------------------------------------------------------------ */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_state_initial_value, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_set_rerenders_once, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_set_equal_value_no_render, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_many_sets_batch, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_set_and_revert, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_set_during_render, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_value_types, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_version_increments, reset, teardown),
        cmocka_unit_test_setup_teardown(test_state_functional_update, reset, teardown),
        cmocka_unit_test_setup_teardown(test_reducer, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_equal_props_child_skipped, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_changed_props_child_rerenders, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_parent_first_child_once, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_always_render, reset, teardown),
        cmocka_unit_test_setup_teardown(test_sched_props_equal_callback, reset, teardown),
        cmocka_unit_test_setup_teardown(test_ref_persists_and_never_renders, reset, teardown),
        cmocka_unit_test_setup_teardown(test_memo_and_callback, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_after_commit_children_first, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_cleanup_on_unmount, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_dependencies, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_arg_is_a_copy, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_set_state_schedules_render, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_fresh_session_flags, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_resumed_session_flags, reset, teardown),
        cmocka_unit_test_setup_teardown(test_effects_children_first_across_passes, reset, teardown),
        cmocka_unit_test_setup_teardown(test_context_defaults_and_nearest, reset, teardown),
        cmocka_unit_test_setup_teardown(test_context_change_reaches_consumers, reset, teardown),
        cmocka_unit_test_setup_teardown(test_context_consumer_moves_out_of_provider, reset, teardown),
        cmocka_unit_test_setup_teardown(test_unmount_frees_and_ignores_handlers, reset, teardown),
        cmocka_unit_test_setup_teardown(test_unmount_dirty_child_removed_by_parent, reset, teardown),
        cmocka_unit_test_setup_teardown(test_unmount_layout_free_runs_cleanups, reset, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_reorder_keeps_state, reset, teardown),
        cmocka_unit_test_setup_teardown(test_unmount_key_change_resets_state, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_in_child_is_contained, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_in_root, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_duplicate_keys, reset, teardown),
        cmocka_unit_test_setup_teardown(test_textf_formats, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_duplicate_keys_long_list, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_hook_order, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_first_render_fails_before_hooks, reset, teardown),
        cmocka_unit_test_setup_teardown(test_error_failed_render_runs_no_effects, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_enumeration, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_restore, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_restore_kind_mismatch, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_same_key_in_different_elements, reset, teardown),
        cmocka_unit_test_setup_teardown(test_slots_walk_skips_stateless, reset, teardown),
        cmocka_unit_test_setup_teardown(test_events_data, reset, teardown),
        cmocka_unit_test_setup_teardown(test_events_bad_ids, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
