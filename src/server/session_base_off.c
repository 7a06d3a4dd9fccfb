/*
 * A build without ReactPy's base protocol (RC_WITH_REACTPY=OFF,
 * docs/size.md): a ReactPy client's WebSocket (anything under
 * RC_PATH_BASE_PREFIX) is refused at its handshake with a 404 saying why
 * (http.c), and logged, while reactc's own client is served as ever. So
 * no session is ever a base one and the other two are never reached.
 */
#include "server/endpoints.h"
#include "server/session.h"

unsigned rc_session_base_upgrade(rc_server *s, struct lws *wsi) {
    char uri[256];
    if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0 ||
        strncmp(uri, RC_PATH_BASE_PREFIX, RC_PATH_LEN(RC_PATH_BASE_PREFIX)) != 0)
        return 0;
    rc_srv_log(s, RC_LOG_WARN,
               "refused a ReactPy client's WebSocket: this build of reactc has no ReactPy "
               "protocol (built without RC_WITH_REACTPY)");
    return 404;
}

bool rc_session_base_open(rc_session *se, const char *uri, const char *query) {
    (void)se;
    (void)uri;
    (void)query;
    return false;
}

void rc_session_base_flush(rc_session *se, const rc_patch *p) {
    (void)se;
    (void)p;
}
