/*
 * A build without the server-rendered first paint (RC_WITH_SSR=OFF,
 * docs/size.md): every page is the static one with an empty mount, which
 * the client fills from the first tree; no inline script, no hash in the
 * Content-Security-Policy.
 */
#include "server/server.h"

void rc_page_head(rc_server *s, rc_buf *b, char *hash, size_t cap) {
    (void)s;
    (void)b;
    if (cap) hash[0] = '\0';
}

int rc_page_for_request(rc_server *s, struct lws *wsi, const char *uri, rc_buf *out) {
    (void)s;
    (void)wsi;
    (void)uri;
    (void)out;
    return -1;
}
