/*
 * What only ReactPy's base protocol writes (RC_WIRE_BASE, model.h): its
 * attributes in the names and forms React expects. In model_base.c,
 * together with rc_wire_layout_update (model.h); a build without
 * RC_WITH_REACTPY has model_base_off.c instead (docs/size.md).
 */
#ifndef RC_WIRE_MODEL_BASE_H
#define RC_WIRE_MODEL_BASE_H

#include "util/buf.h"

/* One attribute of an element's "attributes" object, as "name":value in
 * the base flavour: className, htmlFor, style as an object. */
void rc_wire_base_attribute(rc_buf *b, const char *name, const char *value);

#endif
