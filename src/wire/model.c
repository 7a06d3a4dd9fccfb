/*
 * Writing models and patches. Everything goes through the hand-written
 * JSON writer: no intermediate tree, one pass over the vdom.
 */
#include "wire/model.h"

#include <string.h>

#include "wire/model_base.h"
#include "wire/model_compact.h"

static void write_children(rc_buf *b, const rc_node *n, rc_wire_flavor f, bool *first);

static void write_attributes(rc_buf *b, const rc_node *n, rc_wire_flavor f) {
    size_t na = rc_node_count_attrs(n);
    if (!na) return;
    rc_jw_raw(b, ",\"attributes\":{");
    for (size_t i = 0; i < na; i++) {
        const char *name = rc_node_get_attr_name(n, i), *value = rc_node_get_attr_value(n, i);
        if (i) rc_buf_putc(b, ',');
        if (f == RC_WIRE_BASE) {
            rc_wire_base_attribute(b, name, value); /* model_base.c */
        } else {
            rc_jw_key(b, name);
            rc_jw_str(b, value);
        }
    }
    rc_buf_putc(b, '}');
}

static void write_handlers(rc_buf *b, const rc_node *n) {
    size_t nh = rc_node_count_handlers(n);
    if (!nh) return;
    rc_jw_raw(b, ",\"eventHandlers\":{");
    for (size_t i = 0; i < nh; i++) {
        const rc_handler *h = rc_node_get_handler(n, i);
        if (i) rc_buf_putc(b, ',');
        rc_jw_key(b, rc_handler_get_event(h));
        rc_jw_raw(b, "{\"target\":");
        rc_jw_str(b, rc_handler_get_id(h));
        rc_jw_raw(b, ",\"preventDefault\":");
        rc_jw_bool(b, rc_handler_get_prevent_default(h));
        rc_jw_raw(b, ",\"stopPropagation\":");
        rc_jw_bool(b, rc_handler_get_stop_propagation(h));
        rc_buf_putc(b, '}');
    }
    rc_buf_putc(b, '}');
}

/* Writes n as an item of a children array: text as a string, an element as
 * an object, a component as its roots (spliced, so possibly none). */
static void write_item(rc_buf *b, const rc_node *n, rc_wire_flavor f, bool *first) {
    if (f == RC_WIRE_COMPACT) {
        rc_wire_compact_items(b, n, first);
        return;
    }
    switch (rc_node_get_kind(n)) {
    case RC_NODE_COMPONENT: write_children(b, n, f, first); return;
    case RC_NODE_TEXT: {
        size_t len;
        const char *t = rc_node_get_text(n, &len);
        if (!*first) rc_buf_putc(b, ',');
        *first = false;
        rc_jw_string(b, t, len);
        return;
    }
    default:
        if (!*first) rc_buf_putc(b, ',');
        *first = false;
        rc_wire_model(b, n, f);
        return;
    }
}

static void write_children(rc_buf *b, const rc_node *n, rc_wire_flavor f, bool *first) {
    size_t nc = rc_node_count_children(n);
    for (size_t i = 0; i < nc; i++) write_item(b, rc_node_get_child(n, i), f, first);
}

void rc_wire_model(rc_buf *b, const rc_node *n, rc_wire_flavor f) {
    if (f == RC_WIRE_COMPACT) {
        /* A component with several roots (or none) is a fragment. */
        bool fragment = rc_node_get_kind(n) == RC_NODE_COMPONENT, first = !fragment;
        if (fragment) rc_jw_raw(b, "[\"\",0");
        rc_wire_compact_items(b, n, &first);
        if (fragment) rc_buf_putc(b, ']');
        return;
    }
    switch (rc_node_get_kind(n)) {
    case RC_NODE_TEXT: {
        /* A bare text as a model: wrap it in a fragment. */
        size_t len;
        const char *t = rc_node_get_text(n, &len);
        rc_jw_raw(b, "{\"tagName\":\"\",\"children\":[");
        rc_jw_string(b, t, len);
        rc_jw_raw(b, "]}");
        return;
    }
    case RC_NODE_ERROR: {
        size_t len;
        const char *t = rc_node_get_text(n, &len);
        rc_jw_raw(b, "{\"tagName\":\"\",\"error\":");
        rc_jw_string(b, t, len);
        rc_buf_putc(b, '}');
        return;
    }
    case RC_NODE_COMPONENT: {
        bool first = true;
        rc_jw_raw(b, "{\"tagName\":\"\",\"children\":[");
        write_children(b, n, f, &first);
        rc_jw_raw(b, "]}");
        return;
    }
    case RC_NODE_ELEMENT: break;
    }
    rc_jw_raw(b, "{\"tagName\":");
    rc_jw_str(b, rc_node_get_tag(n));
    if (rc_node_get_key(n)) {
        rc_jw_raw(b, ",\"key\":");
        rc_jw_str(b, rc_node_get_key(n));
    }
    write_attributes(b, n, f);
    write_handlers(b, n);
    if (rc_node_count_children(n)) {
        bool first = true;
        rc_jw_raw(b, ",\"children\":[");
        write_children(b, n, f, &first);
        rc_buf_putc(b, ']');
    }
    rc_buf_putc(b, '}');
}

void rc_wire_root_model(rc_buf *b, const rc_layout *l, rc_wire_flavor f) {
    if (f == RC_WIRE_COMPACT) {
        rc_wire_compact_root(b, l);
        return;
    }
    bool first = true;
    rc_jw_raw(b, "{\"tagName\":\"\",\"children\":[");
    for (size_t i = 0; i < rc_layout_count_roots(l); i++)
        write_item(b, rc_layout_get_root(l, i), f, &first);
    rc_jw_raw(b, "]}");
}

/* Finds the DOM node number *idx among a list's expanded nodes. */
static const rc_node *nth_dom(const rc_node *n, uint32_t *idx) {
    if (rc_node_get_kind(n) != RC_NODE_COMPONENT) {
        if (*idx == 0) return n;
        (*idx)--;
        return NULL;
    }
    for (size_t i = 0; i < rc_node_count_children(n); i++) {
        const rc_node *r = nth_dom(rc_node_get_child(n, i), idx);
        if (r) return r;
    }
    return NULL;
}

const rc_node *rc_wire_node_at(const rc_layout *l, const uint32_t *path, uint32_t path_len) {
    const rc_node *cur = NULL;
    for (uint32_t d = 0; d < path_len; d++) {
        uint32_t idx = path[d];
        const rc_node *found = NULL;
        if (!cur) {
            for (size_t i = 0; i < rc_layout_count_roots(l) && !found; i++)
                found = nth_dom(rc_layout_get_root(l, i), &idx);
        } else {
            if (rc_node_get_kind(cur) != RC_NODE_ELEMENT) return NULL;
            for (size_t i = 0; i < rc_node_count_children(cur) && !found; i++)
                found = nth_dom(rc_node_get_child(cur, i), &idx);
        }
        if (!found) return NULL;
        cur = found;
    }
    return cur;
}

static void write_path(rc_buf *b, const rc_op *op) {
    rc_buf_putc(b, '[');
    for (uint32_t i = 0; i < op->path_len; i++) {
        if (i) rc_buf_putc(b, ',');
        rc_jw_uint(b, op->path[i]);
    }
    rc_buf_putc(b, ']');
}

static void write_nodes(rc_buf *b, const rc_op *op, rc_wire_flavor f) {
    bool first = true;
    rc_buf_putc(b, '[');
    for (uint32_t i = 0; i < op->nnodes; i++) write_item(b, op->nodes[i], f, &first);
    rc_buf_putc(b, ']');
}

void rc_wire_op(rc_buf *b, const rc_op *op, rc_wire_flavor f) {
    static const char *codes[] = {
        [RC_OP_SET_ATTR] = "[\"a\",",       [RC_OP_REMOVE_ATTR] = "[\"r\",",
        [RC_OP_SET_TEXT] = "[\"t\",",       [RC_OP_SET_HANDLER] = "[\"h\",",
        [RC_OP_REMOVE_HANDLER] = "[\"x\",", [RC_OP_INSERT] = "[\"i\",",
        [RC_OP_REMOVE] = "[\"d\",",         [RC_OP_MOVE] = "[\"m\",",
        [RC_OP_REPLACE] = "[\"p\",",
    };
    rc_jw_raw(b, codes[op->kind]);
    write_path(b, op);
    switch (op->kind) {
    case RC_OP_SET_ATTR:
        rc_buf_putc(b, ',');
        rc_jw_str(b, op->name);
        rc_buf_putc(b, ',');
        rc_jw_string(b, op->value, op->value_len);
        break;
    case RC_OP_REMOVE_ATTR:
    case RC_OP_REMOVE_HANDLER:
        rc_buf_putc(b, ',');
        rc_jw_str(b, op->name);
        break;
    case RC_OP_SET_TEXT:
        rc_buf_putc(b, ',');
        rc_jw_string(b, op->value, op->value_len);
        break;
    case RC_OP_SET_HANDLER:
        rc_buf_putc(b, ',');
        rc_jw_str(b, op->name);
        rc_buf_putc(b, ',');
        rc_jw_str(b, rc_handler_get_id(op->handler));
        rc_buf_putc(b, ',');
        rc_jw_uint(b, (uint64_t)(rc_handler_get_prevent_default(op->handler) ? 1 : 0) |
                          (rc_handler_get_stop_propagation(op->handler) ? 2u : 0u));
        break;
    case RC_OP_INSERT:
        rc_buf_putc(b, ',');
        rc_jw_uint(b, op->index);
        rc_buf_putc(b, ',');
        write_nodes(b, op, f == RC_WIRE_COMPACT ? f : RC_WIRE_REACTC);
        break;
    case RC_OP_REMOVE:
        rc_buf_putc(b, ',');
        rc_jw_uint(b, op->index);
        rc_buf_putc(b, ',');
        rc_jw_uint(b, op->count);
        break;
    case RC_OP_MOVE:
        rc_buf_putc(b, ',');
        rc_jw_uint(b, op->index);
        rc_buf_putc(b, ',');
        rc_jw_uint(b, op->count);
        rc_buf_putc(b, ',');
        rc_jw_uint(b, op->before);
        break;
    case RC_OP_REPLACE:
        rc_buf_putc(b, ',');
        rc_jw_uint(b, op->index);
        rc_buf_putc(b, ',');
        rc_jw_uint(b, op->count);
        rc_buf_putc(b, ',');
        write_nodes(b, op, f == RC_WIRE_COMPACT ? f : RC_WIRE_REACTC);
        break;
    }
    rc_buf_putc(b, ']');
}

void rc_wire_patch(rc_buf *b, const rc_patch *p, rc_wire_flavor f) {
    rc_jw_raw(b, "{\"type\":\"patch\",\"ops\":[");
    for (size_t i = 0; i < p->nops; i++) {
        if (i) rc_buf_putc(b, ',');
        rc_wire_op(b, &p->ops[i], f);
    }
    rc_jw_raw(b, "]}");
}
