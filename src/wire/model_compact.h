/*
 * The compact model (docs/protocol.md "The compact model"): the same tree
 * as the VDOM JSON of model.c, as positional arrays, for reactc clients
 * whose hello asks for it. An element is [tag, props, child...], props 0 or
 * {"k": key, "a": {attributes}, "h": {event: id or [id, flags]}}, a text a
 * string, an error ["", {"e": message}]. Attributes as the reactc protocol
 * has them (HTML names, style as the component's string).
 */
#ifndef RC_WIRE_MODEL_COMPACT_H
#define RC_WIRE_MODEL_COMPACT_H

#include <stdbool.h>

#include "reactc_layout.h"
#include "wire/json_writer.h"

/* n as items of a children array: a text as a string, an element or error
 * as an array, a component as its roots (spliced, so possibly none).
 * *first is true before the array's first item and false after it. */
void rc_wire_compact_items(rc_buf *b, const rc_node *n, bool *first);
/* The whole tree: ["",0,child...] (the mount root as a fragment). */
void rc_wire_compact_root(rc_buf *b, const rc_layout *l);

#endif
