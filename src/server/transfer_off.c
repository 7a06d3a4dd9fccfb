/*
 * Built without uploads and downloads (RC_WITH_UPLOADS=OFF): components get
 * no URL, and the endpoints fall through to http.c's 404.
 */
#include "server/transfer.h"

const char *rc_use_upload(rc_ctx *ctx, const rc_upload_opts *opts) {
    (void)ctx;
    (void)opts;
    return NULL;
}

const char *rc_use_download(rc_ctx *ctx, const rc_download_opts *opts) {
    (void)ctx;
    (void)opts;
    return NULL;
}

bool rc_xfer_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc) {
    (void)s, (void)wsi, (void)c, (void)uri, (void)rc;
    return false;
}

bool rc_xfer_body(rc_server *s, struct lws *wsi, rc_conn *c, const void *in, size_t len, int *rc) {
    (void)s, (void)wsi, (void)c, (void)in, (void)len, (void)rc;
    return false;
}

bool rc_xfer_body_done(rc_server *s, struct lws *wsi, rc_conn *c, int *rc) {
    (void)s, (void)wsi, (void)c, (void)rc;
    return false;
}

bool rc_xfer_writable(rc_server *s, struct lws *wsi, rc_conn *c, int *rc) {
    (void)s, (void)wsi, (void)c, (void)rc;
    return false;
}

void rc_xfer_closed(rc_server *s, rc_conn *c) {
    (void)s;
    (void)c;
}

void rc_xfer_relay_setup(int index, int supervisor_pid) {
    (void)index;
    (void)supervisor_pid;
}

void rc_xfer_relay_start(rc_server *s) { (void)s; }

void rc_xfer_relay_unlisten(rc_server *s) { (void)s; }

void rc_xfer_relay_stop(rc_server *s) { (void)s; }
