/*
 * A lingering close. A refused request (c->close: 413, 403, 405...) is
 * answered before its body is read. Closing a socket with unread bytes in
 * it, or getting more of the body after the close, makes the kernel send a
 * RST, and a client still sending its body (fetch, curl) may then lose the
 * answer: a test saw "fetch failed" instead of our 413. So a refused body
 * up to LINGER_MAX is read and dropped (lws reads it by its Content-Length;
 * no handler keeps it) and the connection closes once both the answer is
 * out and the body is in. A client that stops sending is cut by lws's own
 * timeout for a request's content (the context's timeout_secs, 20 s: ~28 s
 * measured), as any connection stalled mid-request is; a lws_set_timeout
 * of ours after the answer was overridden by it (measured), and a timer
 * of our own would cost every connection, WebSockets included, its bytes.
 *
 * A bigger body is not read: reading what we refused would let any client
 * make the server take in as much as it likes, so such a client may see a
 * reset, as one may that sends a chunked body (lws 4.1 has no length to
 * read it by: login.c and transfer.c answer it 411).
 */
#include <stdlib.h>

#include "server/server.h"

#define LINGER_MAX ((uint64_t)64 * 1024)

void rc_linger_begin(rc_conn *c) { c->linger = c->body_read = c->answered = false; }

void rc_linger_plan(struct lws *wsi, rc_conn *c) {
    char cl[32];
    if (c->linger || c->body_read ||
        lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
        return;
    uint64_t n = strtoull(cl, NULL, 10);
    c->linger = n > 0 && n <= LINGER_MAX;
}

bool rc_linger_answered(rc_conn *c) {
    if (!c->linger || c->body_read) return false;
    c->answered = true;
    return true;
}

bool rc_linger_body_read(rc_conn *c, int *rc) {
    c->body_read = true;
    if (!c->linger) return false;
    *rc = c->answered ? -1 : 0; /* not yet: rc_linger_answered's caller hangs up */
    return true;
}
