/*
 * Uploads and downloads (docs/guide/uploads.md): the components' offers
 * (rc_use_upload, rc_use_download) and their HTTP endpoints.
 *
 *   transfer_name.c  pure: tokens' form, Content-Disposition's escaping
 *   transfer_offers.c  the offers' index: token -> offer, a hash map
 *   transfer.c       the offers (token -> session, options) and the
 *                    requests: a POST's body to on_chunk, a GET from read;
 *                    transfer_off.c without (RC_WITH_UPLOADS=OFF)
 *
 * Called from app.c's callback before http.c sees the request; calls
 * http.c (replies), edge.c, login.c and background.c (session handles).
 */
#ifndef RC_SERVER_TRANSFER_H
#define RC_SERVER_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>

#include "server/server.h"

#define RC_XFER_TOKEN_LEN 32 /* hex of 16 random bytes */

/* transfer_name.c. Whether t is a token's form (32 lowercase hex). */
bool rc_xfer_token_ok(const char *t);
/* Content-Disposition for name into out: attachment with an ASCII
 * filename="..." (quotes, backslashes, controls and non-ASCII as '_') and
 * RFC 5987's filename*=UTF-8''... percent-encoded. NULL or "" name:
 * "download". The length written, or 0 when cap is too small. */
size_t rc_xfer_disposition(char *out, size_t cap, const char *name);

/* transfer_offers.c (loop thread). The item put under token (32 chars,
 * compared in constant time), or NULL. put: indexes item (not NULL, owned
 * by the caller, who deletes it before freeing it) under token, replacing
 * what was there; grows as needed, no cap but memory. del: unindexes token
 * (none: nothing). count: the tokens indexed. */
void *rc_xfer_offers_get(const char *token);
void rc_xfer_offers_put(const char *token, void *item);
void rc_xfer_offers_del(const char *token);
size_t rc_xfer_offers_count(void);

/* transfer.c. request: a POST to RC_PATH_UPLOAD or a GET/HEAD of
 * RC_PATH_DOWNLOAD, taken (true, *rc the callback's return). body,
 * body_done: a taken POST's body (false: not ours). writable: a download's
 * next piece (true: ours). closed: the connection went (an upload not
 * finished is cancelled). */
bool rc_xfer_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc);
bool rc_xfer_body(rc_server *s, struct lws *wsi, rc_conn *c, const void *in, size_t len, int *rc);
bool rc_xfer_body_done(rc_server *s, struct lws *wsi, rc_conn *c, int *rc);
bool rc_xfer_writable(rc_server *s, struct lws *wsi, rc_conn *c, int *rc);
void rc_xfer_closed(rc_server *s, rc_conn *c);

#endif
