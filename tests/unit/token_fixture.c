/*
 * What the token tests share (token_fixture.h).
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

#include "harness.h"
#include "layout_driver.h"
#include "token_fixture.h"
#include "util/base64url.h"

struct token_slots G;

/* ------------------------------------------------------------------------ */
/* Test infrastructure                                                      */
/* ------------------------------------------------------------------------ */

const rc_struct_type rgb_type = {"test.rgb", sizeof(rgb), 1};

/* A layout, restored from snap when snap is not NULL, flushed once. */
rc_layout *mount(const rc_component *root, rc_snapshot *snap) {
    rc_layout_opts o = test_opts();
    if (snap) {
        o.restore = rc_snapshot_restore;
        o.restore_user = snap;
    }
    rc_layout *l = track(rc_layout_new(root, NULL, 0, &o));
    rc_layout_flush(l);
    rc_layout_commit(l);
    return l;
}

static void collect_ids_in(const rc_node *n, idlist *out) {
    for (size_t i = 0; i < rc_node_count_handlers(n); i++) {
        assert_true(out->n < 32);
        snprintf(out->id[out->n++], sizeof out->id[0], "%s",
                 rc_handler_get_id(rc_node_get_handler(n, i)));
    }
    for (size_t i = 0; i < rc_node_count_children(n); i++)
        collect_ids_in(rc_node_get_child(n, i), out);
}

void collect_ids(const rc_layout *l, idlist *out) {
    out->n = 0;
    for (size_t i = 0; i < rc_layout_count_roots(l); i++)
        collect_ids_in(rc_layout_get_root(l, i), out);
}

static void slots_cb(void *user, const char *address, const rc_value *value) {
    slots *s = user;
    assert_true(s->n < 64);
    snprintf(s->addr[s->n], sizeof s->addr[0], "%s", address);
    s->val[s->n] = (rc_value){0};
    rc_value_copy(&s->val[s->n], value);
    s->n++;
}

slots *slots_of(const rc_layout *l) {
    slots *s = calloc(1, sizeof *s);
    assert_non_null(s);
    rc_layout_foreach_slot(l, slots_cb, s);
    return s;
}

void slots_free(slots *s) {
    for (size_t i = 0; i < s->n; i++) rc_value_free(&s->val[i]);
    free(s);
}

void keyring(rc_keyring *kr, const char *secrets) {
    char err[128] = "";
    if (rc_keyring_init(kr, secrets, APP_ID, err, sizeof err) != 0)
        fail_msg("rc_keyring_init(\"%s\"): %s", secrets, err);
    assert_false(kr->ephemeral);
}

rc_token_claims claims_for(uint8_t session_byte, uint64_t version) {
    rc_token_claims c;
    memset(&c, 0, sizeof c);
    c.app_tag = APP_TAG;
    c.build_tag = BUILD_TAG;
    for (size_t i = 0; i < RC_SESSION_ID_BYTES; i++)
        c.session[i] = (unsigned char)(session_byte + i);
    c.version = version;
    return c;
}

rc_snapshot_meta meta_for(uint64_t version) {
    rc_snapshot_meta m = {(uint32_t)time(NULL), TTL, version, 41, "5f3a8-6565f0e1", 14};
    return m;
}

/* rc_snapshot_write + rc_token_seal, as write_token() in session.c does. */
void seal_layout(const rc_keyring *kr, const rc_layout *l, const rc_token_claims *c,
                 const rc_snapshot_meta *m, rc_buf *token) {
    rc_buf snap;
    rc_buf_init(&snap);
    rc_snapshot_write(&snap, l, m);
    rc_token_seal(kr, c, snap.data, snap.len, token);
    rc_buf_free(&snap);
}

/* Opens text (copied into a heap block of exactly len bytes, so any read
 * past the end is caught) with the default limits. */
int open_text(const rc_keyring *kr, const char *text, size_t len, uint32_t app_tag,
              size_t max_token, size_t max_plain, rc_token_claims *claims, rc_buf *plain, char *err,
              size_t errlen) {
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len) memcpy(copy, text, len);
    snprintf(err, errlen, "(no reason set)");
    int rc =
        rc_token_open(kr, copy, len, app_tag, max_token, max_plain, claims, plain, err, errlen);
    free(copy);
    return rc;
}

void expect_refused_at(const char *file, int line, const rc_keyring *kr, const char *text,
                       size_t len, uint32_t app_tag, size_t max_token, size_t max_plain,
                       const char *reason) {
    rc_token_claims c;
    rc_buf plain;
    rc_buf_init(&plain);
    char err[160];
    int rc = open_text(kr, text, len, app_tag, max_token, max_plain, &c, &plain, err, sizeof err);
    size_t got = plain.len;
    rc_buf_free(&plain);
    if (rc == RC_REFUSAL_NONE)
        fail_msg("%s:%d: token opened, want refusal \"%s\"", file, line, reason);
    if (got != 0) fail_msg("%s:%d: a refused token appended %zu bytes", file, line, got);
    if (strcmp(err, reason) != 0)
        fail_msg("%s:%d: reason \"%s\", want \"%s\"", file, line, err, reason);
}

/* Opens text that must open; returns the plaintext in plain. */
void expect_open(const rc_keyring *kr, const char *text, size_t len, rc_token_claims *c,
                 rc_buf *plain) {
    char err[160];
    int rc = open_text(kr, text, len, APP_TAG, MAX_TOKEN, MAX_PLAIN, c, plain, err, sizeof err);
    if (rc != 0) fail_msg("token refused: %s", err);
}

/* Appends the base64url text of raw bytes to out. */
void b64_append(rc_buf *out, const void *raw, size_t len) {
    rc_buf_reserve(out, RC_BASE64URL_LEN(len));
    out->len += rc_base64url_encode(out->data + out->len, raw, len);
}

/* Base64url text of raw bytes. */
void encode(rc_buf *out, const unsigned char *raw, size_t len) {
    rc_buf_reset(out);
    b64_append(out, raw, len);
}

/* Decoded bytes of a token (fails the test if it is not base64url). */
size_t decode(const rc_buf *text, unsigned char **raw) {
    size_t cap = text->len / 4 * 3 + 3;
    *raw = malloc(cap);
    assert_non_null(*raw);
    long n = rc_base64url_decode(text->data, text->len, *raw, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* rc_resume_accept of a token for the session whose id bytes are `session`,
 * at unix time `now`, with the server's default limits. r is freed by the
 * caller (rc_resume_free). */
rc_refusal accept_token(const rc_keyring *kr, const rc_buf *token, const unsigned char *session,
                        uint64_t now, rc_resume *r) {
    char id[32];
    id[rc_base64url_encode(id, session, RC_SESSION_ID_BYTES)] = '\0';
    char *text = calloc(1, token->len + 1);
    assert_non_null(text);
    if (token->len) memcpy(text, token->data, token->len);
    rc_resume_limits lim = rc_resume_limits_default(APP_TAG, MAX_TOKEN, UINT32_MAX);
    rc_resume_accept(r, kr, id, text, now, &lim);
    free(text);
    return r->refusal;
}

/* ------------------------------------------------------------------------ */
/* Components                                                               */
/* ------------------------------------------------------------------------ */

static void reduce(rc_value *state, int action, const void *payload) {
    (void)payload;
    rc_value_set_int(state, rc_value_get_int(state, 0) * 10 + action);
}

static void h_reduce(rc_event *ev, void *user) {
    (void)ev;
    rc_state_dispatch(user, 3, NULL);
}

static void RichItem(rc_ctx *ctx, const void *props) {
    const item_props *p = props;
    G.item_label[p->n] = rc_use_string(ctx, "label", p->label);
    G.item_on[p->n] = rc_use_bool(ctx, NULL, false);
    RC_EL(ctx, "li", .on = RC_ON("click", h_toggle, G.item_on[p->n])) {
        rc_textf(ctx, "%s:%d", rc_state_get_string(G.item_label[p->n]),
                 rc_state_get_bool(G.item_on[p->n]));
    }
}

static RC_COMPONENT(RichItem);

/* Every kind of restorable slot, by name and by index, a server-only slot,
 * a reducer, keyed and unkeyed children, and handlers. */
void Rich(rc_ctx *ctx, const void *props) {
    (void)props;
    G.i = rc_use_int(ctx, "i", 0);
    G.f = rc_use_float(ctx, "f", 0.5);
    G.b = rc_use_bool(ctx, "b", false);
    G.s = rc_use_string(ctx, "s", "");
    G.by = rc_use_bytes(ctx, "by", NULL, 0);
    G.v = rc_use_value(ctx, "v", NULL);
    G.st = rc_use_struct(ctx, "st", &rgb_type, NULL);
    G.idx = rc_use_int(ctx, NULL, 7);
    G.secret = rc_use_string(ctx, "secret", "initial secret");
    rc_state_set_flags(G.secret, RC_STATE_SERVER_ONLY);
    rc_value zero = {.kind = RC_INT};
    G.red = rc_use_reducer(ctx, "red", reduce, &zero);
    (void)rc_use_ref(ctx, 32); /* never in a snapshot */
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", h_inc, G.i)) {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.i));
        }
        RC_EL(ctx, "button", .id = "red", .on = RC_ON("click", h_reduce, G.red)) {
            rc_textf(ctx, "%lld", (long long)rc_value_get_int(rc_state_get_value(G.red), -1));
        }
        RC_EL(ctx, "span") {
            rc_textf(ctx, "%g %d %s", rc_state_get_float(G.f), rc_state_get_bool(G.b),
                     rc_state_get_string(G.s));
        }
        RC_EL(ctx, "ul") {
            RC_CHILD(ctx, &RichItem_component, "a", (&(item_props){0, "first"}));
            RC_CHILD(ctx, &RichItem_component, "b/c", (&(item_props){1, "second"}));
            RC_CHILD(ctx, &RichItem_component, NULL, (&(item_props){2, "third"}));
        }
    }
}

RC_COMPONENT(Rich);

const char RICH_STR[sizeof RICH_STR_INIT] = RICH_STR_INIT;

/* Moves every restorable slot of Rich away from its initial value. */
void change_rich(rc_layout *l) {
    rc_state_set_int(G.i, -1234567890123);
    rc_state_set_float(G.f, -0.1);
    rc_state_set_bool(G.b, true);
    rc_value s = {0};
    rc_value_set_stringn(&s, RICH_STR, sizeof RICH_STR - 1);
    assert_true(rc_state_set_value(G.s, &s));
    rc_value_free(&s);
    unsigned char bytes[256];
    for (size_t k = 0; k < sizeof bytes; k++) bytes[k] = (unsigned char)k;
    rc_state_set_bytes(G.by, bytes, sizeof bytes);

    rc_value v = {0};
    rc_value_set_object(&v);
    rc_value *list = rc_object_set(&v, "list");
    rc_value_set_array(list);
    rc_value_set_int(rc_array_push(list), INT64_MIN);
    rc_value_set_int(rc_array_push(list), INT64_MAX);
    rc_value_set_int(rc_array_push(list), 0);
    rc_value_set_float(rc_array_push(list), 2.5);
    rc_value_set_string(rc_array_push(list), "x");
    rc_value_set_bool(rc_array_push(list), true);
    rc_value_set_null(rc_array_push(list));
    rc_value *deep = rc_array_push(list);
    rc_value_set_array(deep);
    deep = rc_array_push(deep);
    rc_value_set_array(deep);
    rc_value_set_array(rc_array_push(deep));
    rc_value *o = rc_array_push(list);
    rc_value_set_object(o);
    rc_value_set_bytes(rc_object_set(o, "k"), "\x00\x01\xff", 3);
    rc_value *a = rc_object_set(&v, "nested");
    rc_value_set_object(a);
    a = rc_object_set(a, "a");
    rc_value_set_object(a);
    rc_value_set_int(rc_object_set(a, "c"), -1);
    rc_value_set_string(rc_object_set(&v, ""), "empty key");
    rc_value_set_string(rc_object_set(&v, "\xc3\xbcni"), "");
    rc_value_set_array(rc_object_set(&v, "empty"));
    assert_true(rc_state_set_value(G.v, &v));
    rc_value_free(&v);

    rgb c = {1, 2, 3, 4, -5, "hello"};
    rc_state_set_struct(G.st, &c);
    rc_state_set_int(G.idx, 99);
    rc_state_set_string(G.secret, "changed secret");
    rc_state_dispatch(G.red, 4, NULL);
    rc_state_set_string(G.item_label[1], "renamed");
    rc_state_set_bool(G.item_on[2], true);
    flush_commit(l);
}

/* The counter of examples/counter.c: one int slot, root type "counter". A
 * server-only slot beside it never reaches the token. */
static void on_increment(rc_event *ev, void *count) {
    (void)ev;
    rc_state_set_int(count, rc_state_get_int(count) + 1);
}

void counter(rc_ctx *ctx, const void *props) {
    (void)props;
    G.count = rc_use_int(ctx, "count", 0);
    G.count_secret = rc_use_int(ctx, "secret", 0);
    rc_state_set_flags(G.count_secret, RC_STATE_SERVER_ONLY);
    RC_EL(ctx, "div", .class_ = "counter") {
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", on_increment, G.count)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "span", .id = "count") {
            rc_textf(ctx, "%lld", (long long)rc_state_get_int(G.count));
        }
    }
}

RC_COMPONENT(counter);

const rc_struct_type pair_type = {"test.pair", sizeof(pair), 3};
