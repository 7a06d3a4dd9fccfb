/*
 * Writing the compact model. Positional arrays rather than VDOM JSON's
 * objects: the 1,000-row table's first tree is half the bytes (413 KB ->
 * 201 KB), so half the writing, sending and parsing (docs/profiling.md
 * "The compact model"). Everything else about the tree is the same: texts
 * stay separate items, components are spliced, errors and keys kept.
 */
#include "wire/model_compact.h"

static void write_element(rc_buf *b, const rc_node *n);

/* props: 0 when the element has no key, attribute or handler (most
 * elements of a list have one of them, few have all). */
static void write_props(rc_buf *b, const rc_node *n) {
    const char *key = rc_node_get_key(n);
    size_t na = rc_node_count_attrs(n), nh = rc_node_count_handlers(n);
    if (!key && !na && !nh) {
        rc_jw_raw(b, ",0");
        return;
    }
    char sep = '{';
    if (key) {
        rc_jw_raw(b, ",{\"k\":");
        rc_jw_str(b, key);
        sep = ',';
    } else {
        rc_buf_putc(b, ',');
    }
    if (na) {
        rc_buf_putc(b, sep);
        rc_jw_raw(b, "\"a\":{");
        for (size_t i = 0; i < na; i++) {
            if (i) rc_buf_putc(b, ',');
            rc_jw_key(b, rc_node_get_attr_name(n, i));
            rc_jw_str(b, rc_node_get_attr_value(n, i));
        }
        rc_buf_putc(b, '}');
        sep = ',';
    }
    if (nh) {
        rc_buf_putc(b, sep);
        rc_jw_raw(b, "\"h\":{");
        for (size_t i = 0; i < nh; i++) {
            const rc_handler *h = rc_node_get_handler(n, i);
            unsigned flags = (rc_handler_get_prevent_default(h) ? 1u : 0u) |
                             (rc_handler_get_stop_propagation(h) ? 2u : 0u);
            if (i) rc_buf_putc(b, ',');
            rc_jw_key(b, rc_handler_get_event(h));
            /* Flags are rare: the id alone, as a string, when none is set. */
            if (flags) rc_buf_putc(b, '[');
            rc_jw_str(b, rc_handler_get_id(h));
            if (flags) {
                rc_buf_putc(b, ',');
                rc_jw_uint(b, flags);
                rc_buf_putc(b, ']');
            }
        }
        rc_buf_putc(b, '}');
    }
    rc_buf_putc(b, '}');
}

void rc_wire_compact_items(rc_buf *b, const rc_node *n, bool *first) {
    rc_node_kind kind = rc_node_get_kind(n);
    if (kind == RC_NODE_COMPONENT) {
        for (size_t i = 0; i < rc_node_count_children(n); i++)
            rc_wire_compact_items(b, rc_node_get_child(n, i), first);
        return;
    }
    if (!*first) rc_buf_putc(b, ',');
    *first = false;
    size_t len;
    switch (kind) {
    case RC_NODE_TEXT: {
        const char *t = rc_node_get_text(n, &len);
        rc_jw_string(b, t, len);
        return;
    }
    case RC_NODE_ERROR: {
        const char *t = rc_node_get_text(n, &len);
        rc_jw_raw(b, "[\"\",{\"e\":");
        rc_jw_string(b, t, len);
        rc_jw_raw(b, "}]");
        return;
    }
    default: write_element(b, n); return;
    }
}

static void write_element(rc_buf *b, const rc_node *n) {
    rc_buf_putc(b, '[');
    rc_jw_str(b, rc_node_get_tag(n));
    write_props(b, n);
    /* Children follow the props in the same array: the comma before the
     * first one is the one after the props. */
    bool first = false;
    for (size_t i = 0; i < rc_node_count_children(n); i++)
        rc_wire_compact_items(b, rc_node_get_child(n, i), &first);
    rc_buf_putc(b, ']');
}

void rc_wire_compact_root(rc_buf *b, const rc_layout *l) {
    bool first = false;
    rc_jw_raw(b, "[\"\",0");
    for (size_t i = 0; i < rc_layout_count_roots(l); i++)
        rc_wire_compact_items(b, rc_layout_get_root(l, i), &first);
    rc_buf_putc(b, ']');
}
