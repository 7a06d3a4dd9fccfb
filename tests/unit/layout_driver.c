/*
 * Driving a layout the way the client would, and reading its tree
 * (layout_driver.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"
#include "layout_driver.h"

struct handled handled;

rc_layout *new_layout(const rc_component *root, const void *props, size_t size) {
    rc_layout_opts o = test_opts();
    return track(rc_layout_new(root, props, size, &o));
}

/* flush + commit, returning what the patch said. */
step flush_commit(rc_layout *l) {
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

const char *attr_of(const rc_node *n, const char *name) {
    if (rc_node_get_kind(n) != RC_NODE_ELEMENT) return NULL;
    for (size_t i = 0; i < rc_node_count_attrs(n); i++)
        if (strcmp(rc_node_get_attr_name(n, i), name) == 0) return rc_node_get_attr_value(n, i);
    return NULL;
}

static rc_node *find_in(rc_node *n, const char *id) {
    if (!n) return NULL;
    const char *v = attr_of(n, "id");
    if (v && strcmp(v, id) == 0) return n;
    for (size_t i = 0; i < rc_node_count_children(n); i++) {
        rc_node *r = find_in(rc_node_get_child(n, i), id);
        if (r) return r;
    }
    return NULL;
}

/* The element with attribute id, anywhere in the tree (NULL if none). */
rc_node *find(const rc_layout *l, const char *id) {
    for (size_t i = 0; i < rc_layout_count_roots(l); i++) {
        rc_node *r = find_in(rc_layout_get_root(l, i), id);
        if (r) return r;
    }
    return NULL;
}

static void collect_text(const rc_node *n, char *buf, size_t cap) {
    rc_node_kind k = rc_node_get_kind(n);
    if (k == RC_NODE_TEXT) {
        size_t len;
        const char *t = rc_node_get_text(n, &len);
        size_t have = strlen(buf);
        snprintf(buf + have, cap - have, "%.*s", (int)len, t);
        return;
    }
    for (size_t i = 0; i < rc_node_count_children(n); i++)
        collect_text(rc_node_get_child(n, i), buf, cap);
}

/* Text content of the element with attribute id ("<missing>" if none). */
const char *text_of(const rc_layout *l, const char *id) {
    static char buf[512];
    buf[0] = '\0';
    rc_node *n = find(l, id);
    if (!n) return "<missing>";
    collect_text(n, buf, sizeof buf);
    return buf;
}

static size_t count_errors_in(const rc_node *n, char *first, size_t cap) {
    if (rc_node_get_kind(n) == RC_NODE_ERROR) {
        if (first && !first[0]) {
            size_t len;
            const char *t = rc_node_get_text(n, &len);
            snprintf(first, cap, "%.*s", (int)len, t);
        }
        return 1;
    }
    size_t c = 0;
    for (size_t i = 0; i < rc_node_count_children(n); i++)
        c += count_errors_in(rc_node_get_child(n, i), first, cap);
    return c;
}

/* Number of error nodes in the tree; the first one's text into first. */
size_t count_errors(const rc_layout *l, char *first, size_t cap) {
    if (first) first[0] = '\0';
    size_t c = 0;
    for (size_t i = 0; i < rc_layout_count_roots(l); i++)
        c += count_errors_in(rc_layout_get_root(l, i), first, cap);
    return c;
}

/* The id of the handler for event (React style) on the element with id. */
const char *handler_id(const rc_layout *l, const char *id, const char *event) {
    rc_node *n = find(l, id);
    if (!n) return NULL;
    for (size_t i = 0; i < rc_node_count_handlers(n); i++) {
        const rc_handler *h = rc_node_get_handler(n, i);
        if (strcmp(rc_handler_get_event(h), event) == 0) return rc_handler_get_id(h);
    }
    return NULL;
}

int fire(rc_layout *l, const char *id, const char *event, const rc_value *data, uint64_t seq) {
    const char *hid = handler_id(l, id, event);
    if (!hid) fail_msg("no %s handler on #%s", event, id);
    char copy[32];
    snprintf(copy, sizeof copy, "%s", hid);
    return rc_layout_dispatch(l, copy, data, seq);
}

void click(rc_layout *l, const char *id) { assert_int_equal(fire(l, id, "onClick", NULL, 0), 0); }

/* Generic handlers whose user data is an rc_state. */
void h_inc(rc_event *ev, void *user) {
    (void)ev;
    rc_state *s = user;
    rc_state_set_int(s, rc_state_get_int(s) + 1);
}

void h_toggle(rc_event *ev, void *user) {
    (void)ev;
    rc_state *s = user;
    rc_state_set_bool(s, !rc_state_get_bool(s));
}

void h_count(rc_event *ev, void *user) {
    (void)ev;
    handled.calls++;
    handled.user = user;
}
