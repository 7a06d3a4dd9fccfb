/*
 * Attributes the browser client refuses to set (client/src/attrs.ts): a
 * name starting with "on", in any case (handlers come only from
 * rc_on_event), and a URL attribute whose value has a scheme other than
 * http, https, mailto or tel. The client is what enforces this; the server
 * only tells the developer, once per process and kind, that a component
 * renders something the page will never show.
 */
#ifndef RC_CORE_ATTR_CHECK_H
#define RC_CORE_ATTR_CHECK_H

#include <stddef.h>

#include "reactc_layout.h"

typedef enum rc_attr_verdict {
    RC_ATTR_OK,      /* set as given */
    RC_ATTR_ON_NAME, /* an on* name: never set */
    RC_ATTR_BAD_URL  /* a URL attribute with a refused scheme: never set */
} rc_attr_verdict;

/* What the client does with attribute name = value (len bytes). When the
 * verdict is RC_ATTR_BAD_URL and scheme is not NULL, the scheme as the
 * browser reads it (lower case, at most cap - 1 bytes) goes into scheme. */
rc_attr_verdict rc_attr_classify(const char *name, const char *value, size_t len, char *scheme,
                                 size_t cap);

/* Logs a warning (naming the component) the first time in this process an
 * attribute of each refused kind is rendered; later ones cost one atomic
 * load. */
void rc_attr_check(rc_layout *l, const char *component, const char *name, const char *value,
                   size_t len);

#endif
