/* Read access to the virtual DOM for the wire layer and tests. */
#include "core/internal.h"

rc_node_kind rc_node_get_kind(const rc_node *n) { return (rc_node_kind)n->kind; }

const char *rc_node_get_tag(const rc_node *n) {
    return n->kind == RC_NODE_ELEMENT ? rc_el(n)->tag : "";
}

const char *rc_node_get_text(const rc_node *n, size_t *len) {
    bool has_text = n->kind == RC_NODE_TEXT || n->kind == RC_NODE_ERROR;
    if (len) *len = has_text ? n->len : 0;
    return has_text ? rc_textnode(n)->text : "";
}

const char *rc_node_get_key(const rc_node *n) {
    const rc_key *k = rc_node_keyof(n);
    return k ? k->s : NULL;
}

size_t rc_node_count_attrs(const rc_node *n) { return n->kind == RC_NODE_ELEMENT ? n->nattrs : 0; }
const char *rc_node_get_attr_name(const rc_node *n, size_t i) { return rc_el_attrs(n)[i].name; }
const char *rc_node_get_attr_value(const rc_node *n, size_t i) { return rc_el_attrs(n)[i].value; }

size_t rc_node_count_handlers(const rc_node *n) {
    return n->kind == RC_NODE_ELEMENT ? n->nhandlers : 0;
}
const rc_handler *rc_node_get_handler(const rc_node *n, size_t i) { return &rc_el_handlers(n)[i]; }

size_t rc_node_count_children(const rc_node *n) {
    if (n->kind == RC_NODE_ELEMENT) return n->len;
    if (n->kind == RC_NODE_COMPONENT && rc_comp(n)->inst) return rc_comp(n)->inst->nroots;
    return 0;
}

rc_node *rc_node_get_child(const rc_node *n, size_t i) {
    if (n->kind == RC_NODE_ELEMENT) return i < n->len ? rc_el_children(n)[i] : NULL;
    const rc_instance *inst = n->kind == RC_NODE_COMPONENT ? rc_comp(n)->inst : NULL;
    if (inst) return i < inst->nroots ? inst->roots[i] : NULL;
    return NULL;
}
