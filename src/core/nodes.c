/* Read access to the virtual DOM for the wire layer and tests. */
#include "core/internal.h"

rc_node_kind rc_node_get_kind(const rc_node *n) { return (rc_node_kind)n->kind; }

const char *rc_node_get_tag(const rc_node *n) { return n->kind == RC_NODE_ELEMENT ? n->tag : ""; }

const char *rc_node_get_text(const rc_node *n, size_t *len) {
    bool has_text = n->kind == RC_NODE_TEXT || n->kind == RC_NODE_ERROR;
    if (len) *len = has_text ? n->text_len : 0;
    return has_text ? n->tag : "";
}

const char *rc_node_get_key(const rc_node *n) { return n->key; }

size_t rc_node_count_attrs(const rc_node *n) { return n->kind == RC_NODE_ELEMENT ? n->nattrs : 0; }
const char *rc_node_get_attr_name(const rc_node *n, size_t i) { return n->u.el.attrs[i].name; }
const char *rc_node_get_attr_value(const rc_node *n, size_t i) { return n->u.el.attrs[i].value; }

size_t rc_node_count_handlers(const rc_node *n) {
    return n->kind == RC_NODE_ELEMENT ? n->nhandlers : 0;
}
const rc_handler *rc_node_get_handler(const rc_node *n, size_t i) { return &n->u.el.handlers[i]; }

size_t rc_node_count_children(const rc_node *n) {
    if (n->kind == RC_NODE_ELEMENT) return n->nchildren;
    if (n->kind == RC_NODE_COMPONENT && n->u.comp.inst) return n->u.comp.inst->nroots;
    return 0;
}

rc_node *rc_node_get_child(const rc_node *n, size_t i) {
    if (n->kind == RC_NODE_ELEMENT) return i < n->nchildren ? n->u.el.children[i] : NULL;
    if (n->kind == RC_NODE_COMPONENT && n->u.comp.inst)
        return i < n->u.comp.inst->nroots ? n->u.comp.inst->roots[i] : NULL;
    return NULL;
}
