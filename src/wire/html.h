/*
 * The server-rendered first paint: a layout's roots as HTML
 * (docs/guide/first-paint.md, docs/protocol.md "Hydration markers").
 *
 * The HTML is written so that a browser's parser builds the DOM reactc's
 * client would have built from the same tree, node for node, with the
 * client's hydration (client/src/hydrate.ts) undoing what a parser cannot
 * be told: keys become data-reactc-key attributes, adjacent texts get a
 * separator comment, an empty text a marker comment, and rows written
 * straight into a table an explicit tbody marked data-reactc-tbody.
 *
 * The tree is read only through reactc_layout.h's readers, so the node
 * layout behind that header may change without this file noticing.
 */
#ifndef RC_WIRE_HTML_H
#define RC_WIRE_HTML_H

#include "reactc_layout.h"
#include "util/buf.h"

/* Appends the HTML of every root of l to b. Stops once b has grown by more
 * than max bytes and returns -1 (b then holds a cut, unusable tail: the
 * caller drops it); 0 when all was written. */
int rc_wire_html(rc_buf *b, const rc_layout *l, size_t max);

/* The same for one node (an element, text, error or component), as a child
 * of an HTML element (tests). */
int rc_wire_html_node(rc_buf *b, const rc_node *n, size_t max);

#endif
