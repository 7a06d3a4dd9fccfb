/*
 * The wire layer's output: virtual DOM models and patch messages as JSON.
 *
 * Three forms of a model. Two flavours of the same VDOM JSON (ReactPy's:
 * tagName, key, attributes, children, eventHandlers, error):
 *  - RC_WIRE_BASE for clients speaking ReactPy's base protocol
 *    (@reactpy/client, React underneath): attribute names React expects
 *    (className, htmlFor) and style as an object of camelCase properties;
 *  - RC_WIRE_REACTC for reactc's own client, which sets attributes with
 *    setAttribute: HTML names and style as the string the component gave.
 * and RC_WIRE_COMPACT, the compact model (model_compact.h) of reactc
 * clients whose hello asks for it: the reactc flavour's attributes in
 * positional arrays.
 * Components are transparent: a component node's output is spliced into its
 * parent's children.
 */
#ifndef RC_WIRE_MODEL_H
#define RC_WIRE_MODEL_H

#include "reactc_layout.h"
#include "wire/json_writer.h"

typedef enum rc_wire_flavor { RC_WIRE_BASE, RC_WIRE_REACTC, RC_WIRE_COMPACT } rc_wire_flavor;

/* The model of one node (an element, text or error; components expand, so a
 * component node with several roots is written as a fragment). */
void rc_wire_model(rc_buf *b, const rc_node *n, rc_wire_flavor f);
/* The whole tree: {"tagName":"","children":[...]} (the mount root);
 * ["",0,...] in the compact form. */
void rc_wire_root_model(rc_buf *b, const rc_layout *l, rc_wire_flavor f);
/* The node at a DOM path (NULL if the path leads nowhere); path_len 0 is the
 * mount root, returned as NULL too: use rc_wire_root_model for it. */
const rc_node *rc_wire_node_at(const rc_layout *l, const uint32_t *path, uint32_t path_len);

/* Base protocol: one layout-update message for a region of a flush:
 * {"type":"layout-update","path":"/children/0/children/2","model":{...}}. */
void rc_wire_layout_update(rc_buf *b, const rc_layout *l, const rc_region *r);

/* reactc protocol: the flush's operations as one message (see
 * docs/protocol.md): {"type":"patch","ops":[[...],...]}; the models of
 * insert and replace ops in form f (RC_WIRE_REACTC or RC_WIRE_COMPACT). */
void rc_wire_patch(rc_buf *b, const rc_patch *p, rc_wire_flavor f);
/* One operation as a JSON array (models in form f, as rc_wire_patch). */
void rc_wire_op(rc_buf *b, const rc_op *op, rc_wire_flavor f);

#endif
