/*
 * Walks of the rendered tree as the browser's DOM has it: component nodes
 * are transparent (their output stands in their place), error nodes read
 * as their text. Descendant selectors match right to left against the
 * chain of element ancestors, which the walk keeps: with only the
 * descendant combinator, taking the nearest matching ancestor for each
 * compound never misses a match.
 */
#include <string.h>

#include "testkit/testkit.h"

typedef struct walk {
    const rc_sel *sel;
    bool (*fn)(rc_node *n, void *user);
    void *user;
    rc_node *chain[RC_QUERY_MAX_DEPTH]; /* element ancestors of the node visited */
    size_t depth;
    rc_node *stop;
} walk;

static bool chain_matches(const walk *w, rc_node *n) {
    const rc_sel *s = w->sel;
    if (!rc_sel_part_matches(&s->parts[s->nparts - 1], n)) return false;
    size_t part = s->nparts - 1, at = w->depth;
    while (part > 0) {
        while (at > 0 && !rc_sel_part_matches(&s->parts[part - 1], w->chain[at - 1])) at--;
        if (at == 0) return false;
        at--;
        part--;
    }
    return true;
}

static void visit(walk *w, rc_node *n) {
    if (w->stop) return;
    rc_node_kind kind = rc_node_get_kind(n);
    bool element = kind == RC_NODE_ELEMENT;
    if (element && chain_matches(w, n) && w->fn(n, w->user)) {
        w->stop = n;
        return;
    }
    if (kind != RC_NODE_ELEMENT && kind != RC_NODE_COMPONENT) return;
    if (element) {
        if (w->depth == RC_QUERY_MAX_DEPTH) return; /* deeper than any test page */
        w->chain[w->depth++] = n;
    }
    for (size_t i = 0; i < rc_node_count_children(n) && !w->stop; i++)
        visit(w, rc_node_get_child(n, i));
    if (element) w->depth--;
}

rc_node *rc_query_each(const rc_layout *l, const rc_sel *sel, bool (*fn)(rc_node *n, void *user),
                       void *user) {
    walk w = {.sel = sel, .fn = fn, .user = user};
    for (size_t i = 0; i < rc_layout_count_roots(l) && !w.stop; i++)
        visit(&w, rc_layout_get_root(l, i));
    return w.stop;
}

static size_t chain_to(rc_node *at, const rc_node *n, rc_node **chain, size_t depth, size_t cap) {
    rc_node_kind kind = rc_node_get_kind(at);
    if (kind == RC_NODE_ELEMENT) {
        if (depth == cap) return 0;
        chain[depth++] = at;
        if (at == n) return depth;
    } else if (kind != RC_NODE_COMPONENT) {
        return 0;
    }
    for (size_t i = 0; i < rc_node_count_children(at); i++) {
        size_t found = chain_to(rc_node_get_child(at, i), n, chain, depth, cap);
        if (found) return found;
    }
    return 0;
}

size_t rc_query_ancestors(const rc_layout *l, const rc_node *n, rc_node **chain, size_t cap) {
    for (size_t i = 0; i < rc_layout_count_roots(l); i++) {
        size_t found = chain_to(rc_layout_get_root(l, i), n, chain, 0, cap);
        if (found) return found;
    }
    return 0;
}

void rc_query_text(const rc_node *n, rc_buf *out) {
    switch (rc_node_get_kind(n)) {
    case RC_NODE_TEXT:
    case RC_NODE_ERROR: {
        size_t len = 0;
        const char *s = rc_node_get_text(n, &len);
        if (s) rc_buf_append(out, s, len);
        return;
    }
    case RC_NODE_ELEMENT:
    case RC_NODE_COMPONENT:
        for (size_t i = 0; i < rc_node_count_children(n); i++)
            rc_query_text(rc_node_get_child(n, i), out);
        return;
    }
}

/* Post-order: a child that matches is returned before its parent, whose
 * text content then matches too. */
static rc_node *by_text(rc_node *n, const char *text, rc_buf *scratch) {
    rc_node_kind kind = rc_node_get_kind(n);
    if (kind != RC_NODE_ELEMENT && kind != RC_NODE_COMPONENT) return NULL;
    for (size_t i = 0; i < rc_node_count_children(n); i++) {
        rc_node *found = by_text(rc_node_get_child(n, i), text, scratch);
        if (found) return found;
    }
    if (kind != RC_NODE_ELEMENT) return NULL;
    rc_buf_reset(scratch);
    rc_query_text(n, scratch);
    return strcmp(rc_buf_cstr(scratch), text) == 0 ? n : NULL;
}

rc_node *rc_query_by_text(const rc_layout *l, const char *text) {
    rc_buf scratch;
    rc_buf_init(&scratch);
    rc_node *found = NULL;
    for (size_t i = 0; i < rc_layout_count_roots(l) && !found; i++)
        found = by_text(rc_layout_get_root(l, i), text, &scratch);
    rc_buf_free(&scratch);
    return found;
}
