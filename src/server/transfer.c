/*
 * Uploads and downloads (docs/guide/uploads.md).
 *
 * An offer is a component's: rc_use_upload / rc_use_download register a
 * random token (16 bytes from libsodium) with the session's handle and the
 * options, and an effect's cleanup drops it on unmount. The table belongs
 * to the loop thread; an offer whose session is gone (its handle no longer
 * names a layout) is refused and swept.
 *
 * Why HTTP and not the socket: a file's bytes on the session's WebSocket
 * would queue every event of that tab behind them (head-of-line), and
 * would need framing and acks of our own; a POST is a second connection
 * the browser streams with its own progress events, and lws hands us its
 * body a read at a time from one small buffer. on_chunk runs inside that
 * read: lws reads no more of the socket until it returns, so TCP itself
 * slows the browser to the handler's pace and memory stays bounded
 * (measured in docs/guide/uploads.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/track.h"
#include "server/endpoints.h"
#include "server/transfer.h"
#include "util/alloc.h"

#define MAX_ACTIVE     8  /* uploads at once, per process */
#define IDLE_S         30 /* an upload that sends nothing for this long is cut */
#define DEFAULT_MAX    (64ull << 20)
#define DOWNLOAD_CHUNK 16384

typedef enum { OFFER_UPLOAD = 1, OFFER_DOWNLOAD = 2 } offer_kind;

typedef struct offer {
    char token[RC_XFER_TOKEN_LEN + 1]; /* "" : a free slot */
    offer_kind kind;
    uint64_t handle;
    bool busy; /* an upload is running on it */
    rc_upload_opts up;
    rc_download_opts down;
    char filename[256], type[128];
} offer;

/* A request in progress on its connection (rc_conn.xfer). */
struct rc_xfer {
    offer *o; /* NULL once finished */
    offer_kind kind;
    uint64_t done, total;
    char name[256];
    char token[RC_XFER_TOKEN_LEN + 1]; /* a download's: its slot may be reused meanwhile */
};

/* Every offer allocated (loop thread): each once, then reused from spare,
 * never moved or freed, so a request's pointer to one stays valid memory
 * and its token says whether it is still the same offer. The index by
 * token is transfer_offers.c. */
static offer **offers, **spare;
static size_t noffers, nspare, offers_cap;
static size_t sweep_at;
static unsigned active; /* uploads running */

static offer *find(const char *token) {
    if (!rc_xfer_token_ok(token)) return NULL;
    return rc_xfer_offers_get(token);
}

/* Unindexed and spare. */
static void release(offer *o) {
    rc_xfer_offers_del(o->token);
    o->token[0] = '\0';
    spare[nspare++] = o;
}

/* A free offer. Offers whose session went without its cleanup (a layout
 * freed while not in this process's table) are swept two a claim, so each
 * is found within noffers / 2 claims at a constant cost per claim, where
 * a scan of them all cost as much as there are. */
static offer *slot(void) {
    for (int k = 0; k < 2 && noffers; k++) {
        offer *o = offers[sweep_at++ % noffers];
        if (o->token[0] && !o->busy && !rc_handle_layout(o->handle)) release(o);
    }
    if (nspare) return memset(spare[--nspare], 0, sizeof **spare);
    if (noffers == offers_cap) {
        offers_cap = offers_cap ? offers_cap * 2 : 64;
        offers = rc_xrealloc(offers, offers_cap * sizeof *offers);
        spare = rc_xrealloc(spare, offers_cap * sizeof *spare);
    }
    return offers[noffers++] = rc_xcalloc(1, sizeof **offers);
}

static rc_cleanup drop(rc_effect *e, void *arg);
static void drop_token(void *data) {
    offer *o = find(data);
    if (o && !o->busy) release(o);
    else if (o) o->handle = 0; /* the running upload finishes; then the slot is swept */
    free(data);
}
static rc_cleanup drop(rc_effect *e, void *arg) {
    (void)e;
    return (rc_cleanup){.fn = drop_token, .data = rc_xstrdup(arg)};
}

typedef struct ref {
    char token[RC_XFER_TOKEN_LEN + 1];
    char url[64];
} ref;

/* The component's offer, registered on its first render (and again when
 * the table lost it: a session resumed into this process). */
static offer *use_offer(rc_ctx *ctx, offer_kind kind, const char **url) {
    *url = NULL;
    uint64_t handle = rc_layout_get_session_handle(rc_ctx_get_layout(ctx)).id;
    ref *r = rc_use_ref(ctx, sizeof *r);
    if (!r->token[0]) {
        unsigned char raw[RC_XFER_TOKEN_LEN / 2];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(r->token, sizeof r->token, raw, sizeof raw);
        snprintf(r->url, sizeof r->url, "%s?t=%s",
                 kind == OFFER_UPLOAD ? RC_PATH_UPLOAD : RC_PATH_DOWNLOAD, r->token);
    }
    rc_use_effect(ctx, drop, r->token, sizeof r->token, r->token, sizeof r->token);
    if (!handle) return NULL;
    offer *o = find(r->token);
    if (!o) {
        o = slot();
        memcpy(o->token, r->token, sizeof o->token);
        rc_xfer_offers_put(o->token, o);
    }
    o->kind = kind;
    o->handle = handle;
    *url = r->url;
    return o;
}

const char *rc_use_upload(rc_ctx *ctx, const rc_upload_opts *opts) {
    const char *url;
    offer *o = use_offer(ctx, OFFER_UPLOAD, &url);
    if (o) o->up = *opts;
    return url;
}

const char *rc_use_download(rc_ctx *ctx, const rc_download_opts *opts) {
    const char *url;
    offer *o = use_offer(ctx, OFFER_DOWNLOAD, &url);
    if (!o) return url;
    o->down = *opts;
    snprintf(o->filename, sizeof o->filename, "%s", opts->filename ? opts->filename : "");
    snprintf(o->type, sizeof o->type, "%s", opts->type ? opts->type : "application/octet-stream");
    return url;
}

/* ---- requests ---------------------------------------------------------------- */

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

/* The offer the request names, live: 0, or the status refusing it. */
static unsigned check(rc_server *s, struct lws *wsi, offer_kind kind, rc_edge_kind edge,
                      offer **out) {
    unsigned refused = rc_edge_check(s, wsi, edge); /* Host; Origin for a POST (CSRF) */
    if (refused) return refused;
    char user[65];
    if (s->login && !rc_login_user_of(s, wsi, user)) return 401;
    char token[64];
    arg(wsi, "t", token, sizeof token);
    offer *o = find(token);
    /* Unknown, other kind, or its session gone: the same 404, so a token
     * guessed says nothing about which exist. */
    if (!o || o->kind != kind || !o->handle || !rc_handle_layout(o->handle)) return 404;
    *out = o;
    return 0;
}

static const char *refusal(unsigned status) {
    switch (status) {
    case 401: return "401 unauthorized: sign in first\n";
    case 404: return "404 not found: no such upload or download (expired, or its page closed)\n";
    case 409: return "409 conflict: an upload is already running on this input\n";
    case 411: return "411 length required: send the file with a Content-Length\n";
    case 413: return "413 content too large: over this input's limit\n";
    case 503: return "503 busy: too many uploads at once, retry\n";
    default: return "403 forbidden: a foreign Origin (see --allow-origin)\n";
    }
}

static int begin_upload(rc_server *s, struct lws *wsi, rc_conn *c) {
    offer *o = NULL;
    unsigned st = check(s, wsi, OFFER_UPLOAD, RC_EDGE_POST, &o);
    char cl[32];
    /* lws 4.1 ends a body by its Content-Length only (a chunked one never
     * completes): required, and the limit applies before a byte is read. */
    if (!st && lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) st = 411;
    uint64_t total = st ? 0 : strtoull(cl, NULL, 10);
    uint64_t max = o && o->up.max_bytes ? o->up.max_bytes : DEFAULT_MAX;
    if (!st && total > max) st = 413;
    if (!st && o->busy) st = 409;
    if (!st && active >= MAX_ACTIVE) st = 503;
    if (st) return text(wsi, c, st, refusal(st), true); /* the body is never read */
    struct rc_xfer *x = rc_xcalloc(1, sizeof *x);
    x->o = o;
    x->kind = OFFER_UPLOAD;
    x->total = total;
    arg(wsi, "name", x->name, sizeof x->name);
    o->busy = true;
    active++;
    c->xfer = x;
    lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, IDLE_S);
    int rc = 0;
    if (!total) rc_xfer_body_done(s, wsi, c, &rc); /* no body to wait for */
    return rc;
}

/* The upload ends: on_done told, the offer free again. */
static void finish(struct rc_xfer *x, int status) {
    offer *o = x->o;
    if (!o) return;
    x->o = NULL;
    o->busy = false;
    active--;
    rc_layout *layout = rc_handle_layout(o->handle);
    if (o->up.on_done && layout) {
        rc_scope_begin();
        o->up.on_done(layout, status, x->done, o->up.user);
        rc_scope_end(layout, 0);
    }
    if (!o->handle) release(o); /* unmounted meanwhile */
}

static int begin_download(rc_server *s, struct lws *wsi, rc_conn *c, bool head) {
    offer *o = NULL;
    unsigned st = check(s, wsi, OFFER_DOWNLOAD, RC_EDGE_REQUEST, &o);
    if (st) return text(wsi, c, st, refusal(st), false);
    char disp[800];
    if (!rc_xfer_disposition(disp, sizeof disp, o->filename)) return -1;
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
    if (lws_add_http_common_headers(wsi, 200, o->type, (lws_filepos_t)o->down.size, &p, end))
        return -1;
    for (const char *const *x = h; *x; x += 2)
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)x[0],
                                        (const unsigned char *)x[1], (int)strlen(x[1]), &p, end))
            return -1;
    if (lws_finalize_write_http_header(wsi, buf + LWS_PRE, &p, end)) return -1;
    if (head || !o->down.size) return lws_http_transaction_completed(wsi) ? -1 : 0;
    struct rc_xfer *x = rc_xcalloc(1, sizeof *x);
    x->o = o;
    x->kind = OFFER_DOWNLOAD;
    x->total = o->down.size;
    memcpy(x->token, o->token, sizeof x->token);
    c->xfer = x;
    lws_callback_on_writable(wsi);
    return 0;
}

bool rc_xfer_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri, int *rc) {
    rc_xfer_closed(s, c); /* a keep-alive connection's last one, finished */
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

bool rc_xfer_body(rc_server *s, struct lws *wsi, rc_conn *c, const void *in, size_t len, int *rc) {
    (void)s;
    struct rc_xfer *x = c->xfer;
    *rc = 0;
    if (!x || x->kind != OFFER_UPLOAD) return false;
    if (!x->o) return true; /* ended: the rest is dropped */
    lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, IDLE_S);
    offer *o = x->o;
    rc_layout *layout = rc_handle_layout(o->handle);
    if (len > x->total - x->done || !layout) { /* more than announced, or the page went */
        finish(x, -1);
        *rc = -1;
        return true;
    }
    rc_upload_chunk ch = {in, len, x->done, x->total, x->name};
    rc_scope_begin();
    int r = o->up.on_chunk ? o->up.on_chunk(layout, &ch, o->up.user) : 0;
    rc_scope_end(layout, 0);
    if (r < 0) {
        /* Freed now: the rest of the body finds no upload on c (login.c's
         * body handlers ignore it) and the 409 closes the connection. */
        finish(x, -1);
        free(x);
        c->xfer = NULL;
        *rc = text(wsi, c, 409, "409 conflict: the upload was cancelled by the app\n", true);
        return true;
    }
    x->done += len;
    return true;
}

bool rc_xfer_body_done(rc_server *s, struct lws *wsi, rc_conn *c, int *rc) {
    (void)s;
    struct rc_xfer *x = c->xfer;
    *rc = 0;
    if (!x || x->kind != OFFER_UPLOAD) return false;
    finish(x, 0);
    /* Freed with its answer: a keep-alive connection may sit idle, and
     * lws does not always tell CLOSED_HTTP for one at shutdown. */
    free(x);
    c->xfer = NULL;
    *rc = text(wsi, c, 200, "200 ok: uploaded\n", false);
    return true;
}

bool rc_xfer_writable(rc_server *s, struct lws *wsi, rc_conn *c, int *rc) {
    (void)s;
    struct rc_xfer *x = c->xfer;
    if (!x || x->kind != OFFER_DOWNLOAD) return false;
    offer *o = x->o;
    /* The offer went (unmount) or its session did: cut short. */
    if (!o || strcmp(o->token, x->token) != 0 || !rc_handle_layout(o->handle))
        return *rc = -1, true;
    unsigned char buf[LWS_PRE + DOWNLOAD_CHUNK];
    uint64_t left = x->total - x->done;
    size_t want = left > DOWNLOAD_CHUNK ? DOWNLOAD_CHUNK : (size_t)left;
    size_t n = o->down.read ? o->down.read(buf + LWS_PRE, want, x->done, o->down.user) : 0;
    if (n == 0 || n > want) return *rc = -1, true; /* short of its Content-Length */
    x->done += n;
    bool last = x->done == x->total;
    if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
        return *rc = -1, true;
    if (!last) {
        lws_callback_on_writable(wsi);
        return *rc = 0, true;
    }
    free(x);
    c->xfer = NULL;
    *rc = lws_http_transaction_completed(wsi) ? -1 : 0;
    return true;
}

void rc_xfer_closed(rc_server *s, rc_conn *c) {
    (void)s;
    struct rc_xfer *x = c->xfer;
    if (!x) return;
    if (x->kind == OFFER_UPLOAD) finish(x, -1); /* aborted: the app hears it */
    free(x);
    c->xfer = NULL;
}
