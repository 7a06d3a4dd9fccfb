/*
 * Uploads and downloads (docs/guide/uploads.md).
 *
 * An offer is a component's: rc_use_upload / rc_use_download register a
 * random token (16 bytes from libsodium, after two hex naming this worker:
 * under --workers the request may reach another one, which relays it
 * here, transfer_relay.c) with the session's handle and the options, and
 * an effect's cleanup drops it on unmount. The table belongs to the loop
 * thread; an offer whose session is gone (its handle no longer names a
 * layout) is refused and swept.
 *
 * A transfer (rc_xfer_run) is what runs on an offer, the same whether the
 * request came here (transfer_http.c) or through the relay
 * (transfer_owner.c): the limits, on_chunk, on_done and read are here once.
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

#define MAX_ACTIVE  8 /* uploads at once, per process (relayed ones too) */
#define DEFAULT_MAX (64ull << 20)

typedef rc_xfer_kind offer_kind;
#define OFFER_UPLOAD   RC_XFER_UPLOAD
#define OFFER_DOWNLOAD RC_XFER_DOWNLOAD

typedef struct offer {
    char token[RC_XFER_TOKEN_LEN + 1]; /* "" : a free slot */
    offer_kind kind;
    uint64_t handle;
    bool busy; /* an upload is running on it */
    rc_upload_opts up;
    rc_download_opts down;
    char filename[256], type[128];
} offer;

/* A transfer in progress, for a request here or a relayed one. */
struct rc_xfer_run {
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

/* Who this process is: a worker's index names its offers' tokens and its
 * relay socket (transfer_relay.c); sup_pid 0: no workers, nothing relays. */
static int self_index, sup_pid;

void rc_xfer_relay_setup(int index, int supervisor_pid) {
    self_index = index;
    sup_pid = supervisor_pid;
}

int rc_xfer_relay_self(void) { return sup_pid ? self_index : -1; }

bool rc_xfer_relay_remote(const char *token) {
    int w = rc_xfer_token_worker(token);
    return sup_pid && w >= 0 && w != self_index;
}

size_t rc_xfer_relay_name(char *out, size_t cap, int index) {
    /* Abstract: no file to create, clean or collide with another app's; the
     * supervisor's pid keeps two apps (or two runs) apart. */
    int n = snprintf(out, cap, "%creactc.%d.w%d", 0, sup_pid, index);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

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
        unsigned char raw[16];
        randombytes_buf(raw, sizeof raw);
        snprintf(r->token, sizeof r->token, "%02x", (unsigned)self_index & 0xffu);
        sodium_bin2hex(r->token + 2, sizeof r->token - 2, raw, sizeof raw);
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

/* ---- transfers ---------------------------------------------------------------- */

const char *rc_xfer_refusal(unsigned status) {
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

/* The offer token names, live. Unknown, other kind, or its session gone:
 * the same 404 for all, so a token guessed says nothing about which exist. */
static offer *live(const char *token, offer_kind kind) {
    offer *o = find(token);
    if (!o || o->kind != kind || !o->handle || !rc_handle_layout(o->handle)) return NULL;
    return o;
}

bool rc_xfer_known(const char *token, rc_xfer_kind kind) { return live(token, kind) != NULL; }

unsigned rc_xfer_up_open(const char *token, const char *name, uint64_t total, rc_xfer_run **out) {
    *out = NULL;
    offer *o = live(token, OFFER_UPLOAD);
    if (!o) return 404;
    uint64_t max = o->up.max_bytes ? o->up.max_bytes : DEFAULT_MAX;
    if (total > max) return 413;
    if (o->busy) return 409;
    if (active >= MAX_ACTIVE) return 503;
    rc_xfer_run *x = rc_xcalloc(1, sizeof *x);
    x->o = o;
    x->kind = OFFER_UPLOAD;
    x->total = total;
    snprintf(x->name, sizeof x->name, "%s", name ? name : "");
    o->busy = true;
    active++;
    *out = x;
    return 0;
}

/* The upload ends: on_done told, the offer free again. */
static void finish(rc_xfer_run *x, int status) {
    offer *o = x->o;
    if (!o || x->kind != OFFER_UPLOAD) return;
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

int rc_xfer_up_chunk(rc_xfer_run *x, const void *in, size_t len) {
    if (!x->o) return 0; /* ended: the rest is dropped */
    offer *o = x->o;
    rc_layout *layout = rc_handle_layout(o->handle);
    if (len > x->total - x->done || !layout) { /* more than announced, or the page went */
        finish(x, -1);
        return -1;
    }
    rc_upload_chunk ch = {in, len, x->done, x->total, x->name};
    rc_scope_begin();
    int r = o->up.on_chunk ? o->up.on_chunk(layout, &ch, o->up.user) : 0;
    rc_scope_end(layout, 0);
    if (r < 0) {
        finish(x, -1);
        return 1;
    }
    x->done += len;
    return 0;
}

bool rc_xfer_up_complete(const rc_xfer_run *x) { return x->done == x->total; }

unsigned rc_xfer_down_open(const char *token, rc_xfer_run **out, rc_xfer_ans *head) {
    *out = NULL;
    offer *o = live(token, OFFER_DOWNLOAD);
    if (!o) return 404;
    memset(head, 0, sizeof *head);
    head->status = 200;
    head->size = o->down.size;
    snprintf(head->type, sizeof head->type, "%s", o->type);
    snprintf(head->text, sizeof head->text, "%s", o->filename);
    rc_xfer_run *x = rc_xcalloc(1, sizeof *x);
    x->o = o;
    x->kind = OFFER_DOWNLOAD;
    x->total = o->down.size;
    memcpy(x->token, o->token, sizeof x->token); /* its slot may be reused meanwhile */
    *out = x;
    return 0;
}

long rc_xfer_down_read(rc_xfer_run *x, void *buf, size_t want) {
    offer *o = x->o;
    /* The offer went (unmount) or its session did: cut short. */
    if (!o || strcmp(o->token, x->token) != 0 || !rc_handle_layout(o->handle)) return -1;
    uint64_t left = x->total - x->done;
    if (want > left) want = (size_t)left;
    size_t n = want && o->down.read ? o->down.read(buf, want, x->done, o->down.user) : 0;
    if (n == 0 || n > want) return -1; /* short of its Content-Length */
    x->done += n;
    return (long)n;
}

bool rc_xfer_down_complete(const rc_xfer_run *x) { return x->done == x->total; }

void rc_xfer_end(rc_xfer_run *x, int status) {
    if (!x) return;
    finish(x, status);
    free(x);
}
