/*
 * Uploads and downloads in a build without the worker supervisor
 * (RC_WITH_UPLOADS=ON, RC_WITH_WORKERS=OFF; docs/size.md): one process
 * holds every offer, so nothing is relayed. rc_xfer_relay_setup is never
 * called (no worker is forked), so rc_xfer_relay_remote is always false
 * and a request never asks for a relay; the relay socket is not opened.
 */
#include "server/transfer.h"

void rc_xfer_relay_start(rc_server *s) { (void)s; }
void rc_xfer_relay_unlisten(rc_server *s) { (void)s; }
void rc_xfer_relay_stop(rc_server *s) { (void)s; }

/* NULL: "that worker is not there" (404), were it ever asked. */
rc_relay *rc_xfer_relay_open(rc_server *s, struct lws *wsi, const rc_xfer_req *req) {
    (void)s, (void)wsi, (void)req;
    return NULL;
}

void rc_xfer_relay_body(rc_relay *r, const void *in, size_t len) { (void)r, (void)in, (void)len; }
void rc_xfer_relay_body_done(rc_relay *r) { (void)r; }

const rc_xfer_ans *rc_xfer_relay_answer(rc_relay *r, bool *failed) {
    (void)r;
    *failed = true;
    return NULL;
}

long rc_xfer_relay_read(rc_relay *r, void *buf, size_t cap) {
    (void)r, (void)buf, (void)cap;
    return -1;
}

bool rc_xfer_relay_complete(const rc_relay *r) {
    (void)r;
    return false;
}

void rc_xfer_relay_free(rc_relay *r) { (void)r; }
