/*
 * The upload and download endpoints on lws (docs/guide/uploads.md).
 *
 * A request passes the edge here, in the worker that received it: Host and,
 * for a POST, Origin (CSRF), the login cookie, the Content-Length. Then its
 * token says which worker holds the offer: this one runs it on transfer.c
 * directly, another one gets it through the relay (transfer_relay.c) and
 * runs the same transfer.c code; the answers and their texts are the same
 * either way, so a browser cannot tell which worker it reached.
 *
 * A body's piece goes to on_chunk inside lws' read (locally), or into the
 * relay's bounded buffer (lws reading stopped while it is full): either way
 * TCP slows the browser to the app's pace and memory stays bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/endpoints.h"
#include "server/transfer.h"
#include "util/alloc.h"

/* A request in progress on its connection (rc_conn.xfer): run here, or
 * relayed to the worker holding the offer. */
struct rc_xfer {
    rc_xfer_kind kind;
    rc_xfer_run *run; /* ours; NULL once ended */
    rc_relay *relay;  /* another worker's */
    bool replied;     /* a relayed request's answer is out */
    bool head;        /* a relayed HEAD: headers only */
};

static int text(struct lws *wsi, rc_conn *c, unsigned status, const char *msg, bool close) {
    rc_buf b;
    rc_buf_init(&b);
    rc_buf_append(&b, msg, strlen(msg));
    return rc_http_reply(wsi, c, status, "text/plain; charset=utf-8", &b, NULL, close);
}

static bool arg(struct lws *wsi, const char *key, char *out, size_t cap) {
    char frag[300];
    size_t kl = strlen(key);
    for (int i = 0; i < 16; i++) {
        int n = lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n <= 0) break;
        if (strncmp(frag, key, kl) == 0 && frag[kl] == '=') {
            snprintf(out, cap, "%s", frag + kl + 1);
            return true;
        }
    }
    out[0] = '\0';
    return false;
}

/* The edge's checks, then the token: 0, or the status refusing it; req
 * filled (kind, token, name, total) and *remote when another worker holds
 * the offer. */
static unsigned check(rc_server *s, struct lws *wsi, rc_xfer_req *req, bool *remote) {
    unsigned refused =
        rc_edge_check(s, wsi, req->kind == RC_XFER_UPLOAD ? RC_EDGE_POST : RC_EDGE_REQUEST);
    if (refused) return refused;
    char user[65];
    if (s->login && !rc_login_user_of(s, wsi, user)) return 401;
    char token[64];
    arg(wsi, "t", token, sizeof token);
    *remote = rc_xfer_relay_remote(token);
    if (!*remote && !rc_xfer_known(token, req->kind)) return 404;
    memcpy(req->token, token, RC_XFER_TOKEN_LEN); /* a token's form: checked above */
    req->token[RC_XFER_TOKEN_LEN] = '\0';
    if (req->kind == RC_XFER_DOWNLOAD) return 0;
    char cl[32];
    /* lws 4.1 ends a body by its Content-Length only (a chunked one never
     * completes): required, and the limit applies before a byte is read. */
    if (lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) return 411;
    req->total = strtoull(cl, NULL, 10);
    arg(wsi, "name", req->name, sizeof req->name);
    return 0;
}

static struct rc_xfer *attach(rc_conn *c, rc_xfer_kind kind) {
    struct rc_xfer *x = rc_xcalloc(1, sizeof *x);
    x->kind = kind;
    c->xfer = x;
    return x;
}

static void detach(rc_conn *c) {
    struct rc_xfer *x = c->xfer;
    if (!x) return;
    rc_xfer_end(x->run, -1); /* an upload not finished: the app hears the cancel */
    rc_xfer_relay_free(x->relay);
    free(x);
    c->xfer = NULL;
}

static int begin_upload(rc_server *s, struct lws *wsi, rc_conn *c) {
    rc_xfer_req req = {.kind = RC_XFER_UPLOAD};
    bool remote = false;
    unsigned st = check(s, wsi, &req, &remote);
    rc_xfer_run *run = NULL;
    rc_relay *relay = NULL;
    if (!st && remote && !(relay = rc_xfer_relay_open(s, wsi, &req))) st = 404; /* owner gone */
    if (!st && !remote) st = rc_xfer_up_open(req.token, req.name, req.total, &run);
    if (st) return text(wsi, c, st, rc_xfer_refusal(st), true); /* the body is never read */
    struct rc_xfer *x = attach(c, RC_XFER_UPLOAD);
    x->run = run;
    x->relay = relay;
    lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, RC_XFER_IDLE_S);
    int rc = 0;
    if (!req.total) rc_xfer_body_done(s, wsi, c, &rc); /* no body to wait for */
    return rc;
}

/* A download's headers: 200 with the offer's type, size and file name. */
static int download_head(struct lws *wsi, const rc_xfer_ans *a) {
    char disp[800];
    if (!rc_xfer_disposition(disp, sizeof disp, a->text)) return -1;
    unsigned char buf[LWS_PRE + 2048], *p = buf + LWS_PRE, *end = buf + sizeof buf - 1;
    const char *const h[] = {"content-disposition:",
                             disp,
                             "cache-control:",
                             "no-store",
                             "x-content-type-options:",
                             "nosniff",
                             "referrer-policy:",
                             "same-origin",
                             NULL};
    if (lws_add_http_common_headers(wsi, 200, a->type, (lws_filepos_t)a->size, &p, end)) return -1;
    for (const char *const *x = h; *x; x += 2)
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)x[0],
                                        (const unsigned char *)x[1], (int)strlen(x[1]), &p, end))
            return -1;
    return lws_finalize_write_http_header(wsi, buf + LWS_PRE, &p, end) ? -1 : 0;
}

static int begin_download(rc_server *s, struct lws *wsi, rc_conn *c, bool head) {
    rc_xfer_req req = {.kind = RC_XFER_DOWNLOAD, .head = head};
    bool remote = false;
    unsigned st = check(s, wsi, &req, &remote);
    rc_relay *relay = NULL;
    if (!st && remote && !(relay = rc_xfer_relay_open(s, wsi, &req))) st = 404;
    if (st) return text(wsi, c, st, rc_xfer_refusal(st), false);
    struct rc_xfer *x = attach(c, RC_XFER_DOWNLOAD);
    if (relay) { /* its answer comes on the relay: writable then */
        x->relay = relay;
        x->head = head;
        return 0;
    }
    rc_xfer_ans a;
    rc_xfer_run *run = NULL;
    if (rc_xfer_down_open(req.token, &run, &a)) return -1; /* known a moment ago */
    x->run = run;
    if (download_head(wsi, &a) < 0) return -1;
    if (head || !a.size) {
        detach(c);
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    lws_callback_on_writable(wsi);
    return 0;
}

bool rc_xfer_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc) {
    detach(c); /* a keep-alive connection's last one, finished */
    bool post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
    if (post && strcmp(uri, RC_PATH_UPLOAD) == 0) {
        c->head = c->close = false;
        *rc = begin_upload(s, wsi, c);
        return true;
    }
    bool head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
    if ((head || lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0) &&
        strcmp(uri, RC_PATH_DOWNLOAD) == 0) {
        c->head = c->close = false;
        *rc = begin_download(s, wsi, c, head);
        return true;
    }
    return false;
}

/* A relayed request's answer, once the owner gave it: the upload's status,
 * or a download's refusal or headers. true: handled (*rc set). */
static bool relay_answer(struct lws *wsi, rc_conn *c, struct rc_xfer *x, int *rc) {
    bool failed = false;
    const rc_xfer_ans *a = rc_xfer_relay_answer(x->relay, &failed);
    if (failed) return *rc = -1, true; /* the owner went: cut, as a local failure */
    if (!a) return *rc = 0, true;      /* not yet: the relay asks for writable */
    x->replied = true;
    if (x->kind == RC_XFER_UPLOAD || a->status != 200) {
        rc_buf b;
        rc_buf_init(&b);
        rc_buf_append(&b, a->text, strlen(a->text));
        unsigned status = a->status;
        bool close = a->close;
        detach(c); /* over: nothing more to relay (a is freed with it) */
        *rc = rc_http_reply(wsi, c, status, "text/plain; charset=utf-8", &b, NULL, close);
        return true;
    }
    if (download_head(wsi, a) < 0) return *rc = -1, true;
    if (x->head || !a->size) {
        detach(c);
        *rc = lws_http_transaction_completed(wsi) ? -1 : 0;
        return true;
    }
    lws_callback_on_writable(wsi);
    return *rc = 0, true;
}

bool rc_xfer_body(rc_server *s, struct lws *wsi, rc_conn *c, const void *in, size_t len, int *rc) {
    (void)s;
    struct rc_xfer *x = c->xfer;
    *rc = 0;
    if (!x || x->kind != RC_XFER_UPLOAD) return false;
    lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, RC_XFER_IDLE_S);
    if (x->relay) {
        bool failed = false;
        /* Answered early (a refusal, the app's 409): said now, the rest is
         * never read, as for a local refusal. */
        if (!x->replied && (rc_xfer_relay_answer(x->relay, &failed) || failed))
            return relay_answer(wsi, c, x, rc);
        if (!x->replied) rc_xfer_relay_body(x->relay, in, len);
        return true;
    }
    if (!x->run) return true; /* ended: the rest is dropped */
    int r = rc_xfer_up_chunk(x->run, in, len);
    if (r < 0) *rc = -1;
    if (r > 0) {
        /* Freed now: the rest of the body finds no upload on c (login.c's
         * body handlers ignore it) and the 409 closes the connection. */
        detach(c);
        *rc = text(wsi, c, 409, RC_XFER_CANCEL_409, true);
    }
    return true;
}

bool rc_xfer_body_done(rc_server *s, struct lws *wsi, rc_conn *c, int *rc) {
    (void)s;
    struct rc_xfer *x = c->xfer;
    *rc = 0;
    if (!x || x->kind != RC_XFER_UPLOAD) return false;
    if (x->relay) { /* the owner answers once it has taken the last byte */
        if (!x->replied) rc_xfer_relay_body_done(x->relay);
        return true;
    }
    rc_xfer_end(x->run, 0);
    x->run = NULL;
    /* Freed with its answer: a keep-alive connection may sit idle, and
     * lws does not always tell CLOSED_HTTP for one at shutdown. */
    detach(c);
    *rc = text(wsi, c, 200, RC_XFER_OK_200, false);
    return true;
}

bool rc_xfer_writable(rc_server *s, struct lws *wsi, rc_conn *c, int *rc) {
    (void)s;
    struct rc_xfer *x = c->xfer;
    if (!x) return false;
    if (x->relay && !x->replied) return relay_answer(wsi, c, x, rc);
    if (x->kind != RC_XFER_DOWNLOAD) return false; /* an answer being written (http.c) */
    unsigned char buf[LWS_PRE + RC_XFER_CHUNK];
    long n = x->relay ? rc_xfer_relay_read(x->relay, buf + LWS_PRE, RC_XFER_CHUNK)
                      : rc_xfer_down_read(x->run, buf + LWS_PRE, RC_XFER_CHUNK);
    if (n < 0) return *rc = -1, true;
    if (n == 0) return *rc = 0, true; /* relayed: the relay asks for writable when bytes come */
    bool last = x->relay ? rc_xfer_relay_complete(x->relay) : rc_xfer_down_complete(x->run);
    if (lws_write(wsi, buf + LWS_PRE, (size_t)n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
        (int)n)
        return *rc = -1, true;
    if (!last) {
        lws_callback_on_writable(wsi);
        return *rc = 0, true;
    }
    detach(c);
    *rc = lws_http_transaction_completed(wsi) ? -1 : 0;
    return true;
}

void rc_xfer_closed(rc_server *s, rc_conn *c) {
    (void)s;
    detach(c);
}
