/*
 * Mounting: a new subtree goes into the DOM whole (one INSERT or REPLACE op
 * carries it, or the first flush's), so nothing in it is diffed and no op is
 * emitted for it. Its elements' handlers are registered, and each component
 * placeholder gets an instance that renders, its output mounted in turn.
 */
#include "core/internal.h"

void rc_mount_instance(rc_instance *inst) {
    rc_output old;
    rc_render_output(inst, &old);
    for (uint32_t i = 0; i < inst->nroots; i++) rc_mount_subtree(inst->layout, inst->roots[i]);
    rc_render_done(inst, &old);
}

void rc_mount_subtree(rc_layout *l, rc_node *n) {
    switch (n->kind) {
    case RC_NODE_ELEMENT:
        rc_handlers_register(l, n);
        for (uint32_t i = 0; i < n->len; i++) rc_mount_subtree(l, rc_el_children(n)[i]);
        break;
    case RC_NODE_COMPONENT: {
        rc_instance *inst = rc_instance_new(l, rc_node_owner(n), n);
        rc_comp(n)->inst = inst;
        rc_mount_instance(inst);
        break;
    }
    default: break;
    }
}
