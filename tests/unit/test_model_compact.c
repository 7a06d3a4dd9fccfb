/*
 * The compact model (src/wire/model_compact.c, docs/protocol.md "The
 * compact model") against the VDOM JSON writer of the same trees: random
 * description trees (tree_gen.h) are mounted and changed for a few steps,
 * and the whole tree and every operation of every flush are written in
 * both forms. The compact text is read back with a decoder written from
 * the protocol's text (here, not the server's or the client's code), which
 * also holds it to the format's rules (props 0 when empty, no empty "a" or
 * "h", flags only when set), and must give the VDOM JSON text's tree.
 * Hand-written trees cover what random trees lack: errors, fragments at the
 * root, strings that need escapes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reactc_layout.h"
#include "wire/model.h"

#include "desc_tree.h"
#include "diff_harness.h"
#include "harness.h"
#include "tree_gen.h"

static char g_ctx[128];

static json_t *parse(const rc_buf *b) {
    json_error_t err;
    json_t *j = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &err);
    if (!j)
        fail_msg("%s: not JSON (%s): %.*s", g_ctx, err.text, (int)(b->len < 300 ? b->len : 300),
                 b->data);
    return j;
}

#define BAD(...)                                  \
    do {                                          \
        char why_[200];                           \
        snprintf(why_, sizeof why_, __VA_ARGS__); \
        fail_msg("%s: %s", g_ctx, why_);          \
    } while (0)

/* One compact model -> the VDOM JSON the reactc flavour writes: tagName,
 * key, attributes, eventHandlers (both flags written), children. */
static json_t *decode(json_t *m) {
    if (json_is_string(m)) return json_incref(m);
    if (!json_is_array(m) || json_array_size(m) < 2 || !json_is_string(json_array_get(m, 0)))
        BAD("not [tag, props, ...]");
    json_t *props = json_array_get(m, 1), *out = json_object();
    json_object_set(out, "tagName", json_array_get(m, 0));
    if (json_is_integer(props) && json_integer_value(props) == 0) {
        props = NULL;
    } else if (!json_is_object(props) || json_object_size(props) == 0) {
        BAD("props neither 0 nor a non-empty object");
    }
    const char *name;
    json_t *v;
    json_object_foreach(props, name, v) {
        if (strcmp(name, "k") && strcmp(name, "a") && strcmp(name, "h") && strcmp(name, "e"))
            BAD("unknown prop %s", name);
    }
    json_t *e = json_object_get(props, "e");
    if (e) {
        if (!json_is_string(e) || json_object_size(props) != 1 || json_array_size(m) != 2 ||
            strcmp(json_string_value(json_array_get(m, 0)), "") != 0)
            BAD("an error is [\"\", {\"e\": message}]");
        json_object_set(out, "error", e);
        return out;
    }
    json_t *k = json_object_get(props, "k"), *a = json_object_get(props, "a");
    json_t *h = json_object_get(props, "h");
    if (k) {
        if (!json_is_string(k)) BAD("k not a string");
        json_object_set(out, "key", k);
    }
    if (a) {
        if (!json_is_object(a) || !json_object_size(a)) BAD("a empty or not an object");
        json_object_foreach(a, name, v) if (!json_is_string(v))
            BAD("attribute %s not a string", name);
        json_object_set(out, "attributes", a);
    }
    if (h) {
        if (!json_is_object(h) || !json_object_size(h)) BAD("h empty or not an object");
        json_t *hs = json_object();
        json_object_foreach(h, name, v) {
            json_t *id = v;
            json_int_t flags = 0;
            if (json_is_array(v)) {
                id = json_array_get(v, 0);
                flags = json_integer_value(json_array_get(v, 1));
                if (json_array_size(v) != 2 || flags < 1 || flags > 3)
                    BAD("handler %s: [id, flags] with flags 1-3", name);
            }
            if (!json_is_string(id)) BAD("handler %s: no id", name);
            json_object_set_new(hs, name,
                                json_pack("{sOsbsb}", "target", id, "preventDefault",
                                          (int)(flags & 1), "stopPropagation",
                                          (int)((flags & 2) >> 1)));
        }
        json_object_set_new(out, "eventHandlers", hs);
    }
    if (json_array_size(m) > 2) {
        json_t *kids = json_array();
        for (size_t i = 2; i < json_array_size(m); i++)
            json_array_append_new(kids, decode(json_array_get(m, i)));
        json_object_set_new(out, "children", kids);
    }
    return out;
}

/* VDOM JSON writes "children":[] for an element whose children render
 * nothing (a component with no roots); compact has no children there. */
static void drop_empty_children(json_t *m) {
    if (!json_is_object(m)) return;
    json_t *kids = json_object_get(m, "children");
    if (json_is_array(kids) && json_array_size(kids) == 0 &&
        strcmp(json_string_value(json_object_get(m, "tagName")), "") != 0) {
        json_object_del(m, "children");
        return;
    }
    size_t i;
    json_t *c;
    json_array_foreach(kids, i, c) drop_empty_children(c);
}

static void expect_same(json_t *vdom, json_t *decoded) {
    drop_empty_children(vdom);
    if (!json_equal(vdom, decoded)) {
        char *a = json_dumps(vdom, JSON_COMPACT), *b = json_dumps(decoded, JSON_COMPACT);
        fail_msg("%s:\n VDOM    %.600s\n compact %.600s", g_ctx, a, b);
    }
}

static size_t g_models, g_ops, g_bytes_vdom, g_bytes_compact;

/* The whole tree, both ways. */
static void check_root(const rc_layout *l) {
    rc_buf v, c;
    rc_buf_init(&v);
    rc_buf_init(&c);
    rc_wire_root_model(&v, l, RC_WIRE_REACTC);
    rc_wire_root_model(&c, l, RC_WIRE_COMPACT);
    g_bytes_vdom += v.len;
    g_bytes_compact += c.len;
    json_t *jv = parse(&v), *jc = parse(&c);
    json_t *d = decode(jc);
    /* The root fragment always has its children array in VDOM JSON. */
    if (!json_object_get(d, "children")) json_object_set_new(d, "children", json_array());
    expect_same(jv, d);
    json_decref(jv);
    json_decref(jc);
    json_decref(d);
    rc_buf_free(&v);
    rc_buf_free(&c);
    g_models++;
}

/* Each op both ways: the same but for the models of insert and replace. */
static void check_patch(const rc_patch *p) {
    for (size_t i = 0; i < p->nops; i++) {
        rc_buf v, c;
        rc_buf_init(&v);
        rc_buf_init(&c);
        rc_wire_op(&v, &p->ops[i], RC_WIRE_REACTC);
        rc_wire_op(&c, &p->ops[i], RC_WIRE_COMPACT);
        json_t *jv = parse(&v), *jc = parse(&c);
        size_t at = p->ops[i].kind == RC_OP_INSERT ? 3 : p->ops[i].kind == RC_OP_REPLACE ? 4 : 0;
        if (at) {
            json_t *nodes = json_array_get(jc, at), *dec = json_array();
            size_t k;
            json_t *n;
            json_array_foreach(nodes, k, n) json_array_append_new(dec, decode(n));
            json_array_set_new(jc, at, dec);
            json_t *vn = json_array_get(jv, at);
            json_array_foreach(vn, k, n) drop_empty_children(n);
        }
        if (!json_equal(jv, jc))
            fail_msg("%s: op %zu: %.*s vs %.*s", g_ctx, i, (int)v.len, v.data, (int)c.len, c.data);
        json_decref(jv);
        json_decref(jc);
        rc_buf_free(&v);
        rc_buf_free(&c);
        g_ops++;
    }
}

static void run_random(uint64_t seed, int steps) {
    rng_seed(seed);
    g_share_pct = 15;
    genp g = {.budget = 60, .maxdepth = 5, .maxlen = 6, .maxroots = 3};
    snprintf(g_ctx, sizeof g_ctx, "seed %llu, mount", (unsigned long long)seed);
    g_root = gen_root(&g);
    dnode *root = g_root;
    rc_layout *l = new_diff_layout();
    check_patch(rc_layout_flush(l));
    check_root(l);
    rc_layout_commit(l);
    for (int step = 0; step < steps; step++) {
        snprintf(g_ctx, sizeof g_ctx, "seed %llu, step %d", (unsigned long long)seed, step);
        g.budget = 60;
        dnode *nr = mutate_root_vars(&g, root);
        g_root = nr; /* the root component renders g_root's description */
        rc_state_set_int(root->gen, step + 1);
        root = nr;
        check_patch(rc_layout_flush(l));
        check_root(l);
        rc_layout_commit(l);
    }
    free_layout(l);
    pool_free();
}

static void test_random_trees(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 300; seed++) run_random(seed, 4);
    /* The random trees hold keys, attributes, handlers with flags, texts,
     * components of 0-3 roots: the property ran over real work, and the
     * compact form is smaller on them too. */
    assert_true(g_models >= 1500 && g_ops >= 1500);
    assert_true(g_bytes_compact < g_bytes_vdom * 3 / 4);
}

/* ---- hand-written trees ---------------------------------------------------- */

static void Failing(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_fail(ctx, "boom \"<b>\"\n");
}
static RC_COMPONENT(Failing);

static void Two(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_text(ctx, "a");
    rc_text(ctx, ""); /* adjacent texts stay two items, even empty ones */
    RC_EL(ctx, "p", .id = "x\"y") { rc_text(ctx, "\xc3\xa9\t\\"); }
}
static RC_COMPONENT(Two);

static void noop(rc_event *ev, void *user) {
    (void)ev;
    (void)user;
}

static void Hand(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_use_int(ctx, "gen", 0);
    RC_EL(ctx, "ul", .key = "k\"1") {
        rc_child(ctx, &Failing_component, "f", NULL, 0);
        rc_child(ctx, &Two_component, "t", NULL, 0);
        RC_EL(ctx, "a", .on = RC_ON("click", noop, NULL)) { rc_text(ctx, "x"); }
    }
    rc_text(ctx, "tail");
}
static RC_COMPONENT(Hand);

static void test_hand_tree(void **state) {
    (void)state;
    snprintf(g_ctx, sizeof g_ctx, "hand tree");
    rc_layout_opts o = test_opts(); /* the failure it logs is meant */
    rc_layout *l = track(rc_layout_new(&Hand_component, NULL, 0, &o));
    check_patch(rc_layout_flush(l));
    check_root(l);
    rc_buf c;
    rc_buf_init(&c);
    rc_wire_root_model(&c, l, RC_WIRE_COMPACT);
    rc_buf_putc(&c, '\0');
    /* The format pinned as docs/protocol.md shows it: a root fragment,
     * props 0 or {k,a,h}, an error item, two adjacent texts, a bare id
     * for a handler without flags. */
    const char *s = c.data;
    if (strncmp(s, "[\"\",0,[\"ul\",{\"k\":\"k\\\"1\"},[\"\",{\"e\":", 34) != 0) fail_msg("%s", s);
    assert_non_null(strstr(s, ",\"a\",\"\",[\"p\",{\"a\":{\"id\":\"x\\\"y\"}},"));
    assert_non_null(strstr(s, "[\"a\",{\"h\":{\"onClick\":\""));
    assert_true(strlen(s) > 9 && strcmp(s + strlen(s) - 9, "],\"tail\"]") == 0);
    rc_buf_free(&c);
    free_layout(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_random_trees, reset, teardown),
        cmocka_unit_test_setup_teardown(test_hand_tree, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
