/* Read access to the virtual DOM for the wire layer and tests. */
#include "core/internal.h"

rc_node_kind rc_node_get_kind(const rc_node *n) { return (rc_node_kind)n->kind; }

const char *rc_node_tag(const rc_node *n) { return n->kind == RC_NODE_ELEMENT ? n->tag : ""; }

const char *rc_node_text(const rc_node *n, size_t *len) {
    bool has_text = n->kind == RC_NODE_TEXT || n->kind == RC_NODE_ERROR;
    if (len) *len = has_text ? n->text_len : 0;
    return has_text ? n->tag : "";
}

const char *rc_node_key(const rc_node *n) { return n->key; }

size_t rc_node_attr_count(const rc_node *n) { return n->kind == RC_NODE_ELEMENT ? n->nattrs : 0; }
const char *rc_node_attr_name(const rc_node *n, size_t i) { return n->u.el.attrs[i].name; }
const char *rc_node_attr_value(const rc_node *n, size_t i) { return n->u.el.attrs[i].value; }

size_t rc_node_handler_count(const rc_node *n) {
    return n->kind == RC_NODE_ELEMENT ? n->nhandlers : 0;
}
const rc_handler *rc_node_handler(const rc_node *n, size_t i) { return &n->u.el.handlers[i]; }

size_t rc_node_child_count(const rc_node *n) {
    if (n->kind == RC_NODE_ELEMENT) return n->nchildren;
    if (n->kind == RC_NODE_COMPONENT && n->u.comp.inst) return n->u.comp.inst->nroots;
    return 0;
}

rc_node *rc_node_child(const rc_node *n, size_t i) {
    if (n->kind == RC_NODE_ELEMENT) return i < n->nchildren ? n->u.el.children[i] : NULL;
    if (n->kind == RC_NODE_COMPONENT && n->u.comp.inst)
        return i < n->u.comp.inst->nroots ? n->u.comp.inst->roots[i] : NULL;
    return NULL;
}
