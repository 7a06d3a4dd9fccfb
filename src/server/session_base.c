/*
 * ReactPy's base protocol (docs/protocol.md): a client of @reactpy/client
 * opens RC_PATH_BASE_STREAM (the route after it is the page's location),
 * sends no hello and gets the whole tree at once, then one layout-update
 * per changed region. Left out with RC_WITH_REACTPY=OFF, where
 * session_base_off.c refuses such a stream at its handshake.
 */
#include <stdio.h>

#include "server/endpoints.h"
#include "server/session.h"
#include "wire/model.h"

unsigned rc_session_base_upgrade(rc_server *s, struct lws *wsi) {
    (void)s;
    (void)wsi;
    return 0;
}

bool rc_session_base_open(rc_session *se, const char *uri, const char *query) {
    if (strncmp(uri, RC_PATH_BASE_STREAM, RC_PATH_LEN(RC_PATH_BASE_STREAM)) != 0) return false;
    const char *route = uri + RC_PATH_LEN(RC_PATH_BASE_STREAM);
    char search[512];
    snprintf(search, sizeof search, "%s%s", query && *query ? "?" : "", query ? query : "");
    rc_session_set_location(se, *route ? route : "/", search);
    se->base = true;
    return true;
}

void rc_session_base_flush(rc_session *se, const rc_patch *p) {
    for (size_t i = 0; i < p->nregions; i++) {
        rc_buf *b = rc_session_msg_begin(se->server);
        rc_wire_layout_update(b, se->layout, &p->regions[i]);
        rc_session_msg_send(se, b);
    }
}
