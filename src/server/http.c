/*
 * HTTP on the app's port: the page (for any path, so apps can route on the
 * location), the embedded client bundle, an optional static directory and
 * 404s for everything reactc reserves but does not serve.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "server/endpoints.h"
#include "server/server.h"
#include "util/alloc.h"
#include "util/hash.h"

#define CHUNK 16384

static void attr_uint(rc_buf *b, const char *name, uint32_t v) {
    char text[64];
    snprintf(text, sizeof text, " data-reactc-%s=\"%u\"", name, (unsigned)v);
    rc_jw_raw(b, text);
}

/* rc_client_options as the mount element's data-reactc-* attributes (the
 * client reads them at boot; docs/protocol.md). Only what was set. */
static void client_options(rc_buf *b, const rc_app *app) {
    const rc_client_options *o = &app->client;
    if (o->idle_s) attr_uint(b, "idle", o->idle_s == UINT32_MAX ? 0 : o->idle_s);
    const char *st = o->storage;
    if (st &&
        (strcmp(st, "session") == 0 || strcmp(st, "local") == 0 || strcmp(st, "memory") == 0)) {
        rc_jw_raw(b, " data-reactc-storage=\"");
        rc_jw_raw(b, st);
        rc_buf_putc(b, '"');
    }
    if (o->backoff_initial_ms || o->backoff_max_ms) {
        char text[96];
        uint32_t first = o->backoff_initial_ms ? o->backoff_initial_ms : 250;
        uint32_t cap = o->backoff_max_ms ? o->backoff_max_ms : 10000;
        snprintf(text, sizeof text, " data-reactc-backoff=\"%u,2,%u\"", (unsigned)first,
                 (unsigned)cap);
        rc_jw_raw(b, text);
    }
    if (o->connect_timeout_s) attr_uint(b, "connect-timeout", o->connect_timeout_s);
    /* The client's silence limit follows the server's ping interval. */
    attr_uint(b, "heartbeat", app->heartbeat_s);
}

int rc_http_build_page(rc_server *s) {
    const rc_app *app = &s->cfg; /* title defaulted */
    uint64_t h = rc_hash_bytes(RC_HASH_SEED, rc_client_js, rc_client_js_len);
    snprintf(s->client_etag, sizeof s->client_etag, "%016llx", (unsigned long long)h);
    rc_buf b;
    rc_buf_init(&b);
    rc_jw_raw(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  /* No favicon request (it would 404 on every page load). */
                  "<link rel=\"icon\" href=\"data:,\">"
                  "<title>");
    /* The title is text: escape the HTML specials. */
    for (const char *p = app->title; *p; p++) {
        switch (*p) {
        case '<': rc_jw_raw(&b, "&lt;"); break;
        case '>': rc_jw_raw(&b, "&gt;"); break;
        case '&': rc_jw_raw(&b, "&amp;"); break;
        case '"': rc_jw_raw(&b, "&quot;"); break;
        default: rc_buf_putc(&b, *p);
        }
    }
    rc_jw_raw(&b, "</title>");
    /* The app's head between markers, with its hash: under the dev runner
     * a new version's head replaces it in open pages (client/src/dev.ts). */
    if (app->head) {
        char meta[96];
        snprintf(meta, sizeof meta, "<meta name=\"reactc-head\" content=\"%016llx\">",
                 (unsigned long long)rc_hash_str(RC_HASH_SEED, app->head));
        rc_jw_raw(&b, meta);
        rc_jw_raw(&b, "<!--reactc-head-->");
        rc_jw_raw(&b, app->head);
        rc_jw_raw(&b, "<!--/reactc-head-->");
    }
    rc_jw_raw(&b, "</head>\n<body><div id=\"reactc-root\" data-reactc-mount");
    client_options(&b, app);
    rc_jw_raw(&b, "></div><script src=\"" RC_PATH_CLIENT_JS "?v=");
    rc_jw_raw(&b, s->client_etag);
    rc_jw_raw(&b, "\" defer></script></body></html>\n");
    s->page = b.data;
    s->page_len = b.len;
    return 0;
}

static int send_headers(struct lws *wsi, unsigned status, const char *type, size_t len,
                        const char *cache, const char *etag) {
    unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    if (lws_add_http_common_headers(wsi, status, type, (lws_filepos_t)len, &p, end)) return -1;
    if (cache && lws_add_http_header_by_name(
                     wsi, (const unsigned char *)"cache-control:", (const unsigned char *)cache,
                     (int)strlen(cache), &p, end))
        return -1;
    if (etag && lws_add_http_header_by_name(
                    wsi, (const unsigned char *)"etag:", (const unsigned char *)etag,
                    (int)strlen(etag), &p, end))
        return -1;
    static const char nosniff[] = "nosniff";
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
                                    (const unsigned char *)nosniff, (int)strlen(nosniff), &p, end))
        return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end)) return -1;
    return 0;
}

/* Starts a response whose body is written by rc_http_writable. */
static int respond(struct lws *wsi, rc_conn *c, unsigned status, const char *type, const void *body,
                   size_t len, const char *cache, const char *etag) {
    if (send_headers(wsi, status, type, len, cache, etag)) return -1;
    c->body = body;
    c->body_len = len;
    c->body_sent = 0;
    if (!len) return lws_http_transaction_completed(wsi) ? -1 : 0;
    lws_callback_on_writable(wsi);
    return 0;
}

static int not_found(struct lws *wsi, rc_conn *c) {
    static const char msg[] = "404 not found\n";
    return respond(wsi, c, HTTP_STATUS_NOT_FOUND, "text/plain; charset=utf-8", msg, sizeof msg - 1,
                   "no-store", NULL);
}

/* The body of a refusal by the network edge (edge.c). */
static const char *refusal_text(unsigned status) {
    switch (status) {
    case 400: return "400 bad request: no or bad Host header\n";
    case 429: return "429 too many requests: too many connections from this address\n";
    case 421:
        return "421 misdirected request: this server does not serve that Host "
               "(see --allow-host)\n";
    default: return "403 forbidden: WebSocket from a foreign Origin (see --allow-origin)\n";
    }
}

int rc_http_refuse(struct lws *wsi, rc_conn *c, unsigned status) {
    const char *msg = refusal_text(status);
    return respond(wsi, c, status, "text/plain; charset=utf-8", msg, strlen(msg), "no-store", NULL);
}

/* At LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: the whole answer written now (it
 * is small), after which the caller hangs up. Not the callback's ">0: I
 * answered" path, which goes on to lws_http_transaction_completed: that is
 * where lws' CVE-2025-11677 (a use after free) lies, and a refused
 * handshake has nothing more to say on its connection anyway. */
int rc_http_refuse_upgrade(struct lws *wsi, unsigned status) {
    const char *msg = refusal_text(status);
    size_t n = strlen(msg);
    if (send_headers(wsi, status, "text/plain; charset=utf-8", n, "no-store", NULL)) return -1;
    unsigned char buf[LWS_PRE + 256];
    memcpy(buf + LWS_PRE, msg, n);
    return lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP_FINAL) == (int)n ? 0 : -1;
}

static const char *mime_of(const char *path) {
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "application/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".wasm", "application/wasm"},
    };
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

static int serve_static(rc_server *s, struct lws *wsi, rc_conn *c, const char *rel) {
    /* No way out of the directory: no "..", no absolute or empty names. */
    if (!*rel || strstr(rel, "..") || strchr(rel, '\\') || rel[0] == '/') return not_found(wsi, c);
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/%s", s->cfg.static_dir, rel);
    struct stat st;
    if (n < 0 || (size_t)n >= sizeof path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return not_found(wsi, c);
    int rc = lws_serve_http_file(wsi, path, mime_of(path), NULL, 0);
    if (rc < 0) return -1;
    if (rc > 0 && lws_http_transaction_completed(wsi)) return -1;
    return 0;
}

static bool query_has_version(struct lws *wsi, const char *etag) {
    char frag[64];
    for (int i = 0; i < 8; i++) {
        int n = lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n <= 0) break;
        if (strncmp(frag, "v=", 2) == 0 && strcmp(frag + 2, etag) == 0) return true;
    }
    return false;
}

int rc_http_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri) {
    /* Host first, for every path: a page fetched through a rebound DNS name
     * would run on the attacker's origin with our content. */
    unsigned refused = rc_edge_check(s, wsi, false);
    if (refused) return rc_http_refuse(wsi, c, refused);
    if (strcmp(uri, RC_PATH_CLIENT_JS) == 0) {
        char etag[32];
        snprintf(etag, sizeof etag, "\"%s\"", s->client_etag);
        char inm[64];
        if (lws_hdr_copy(wsi, inm, sizeof inm, WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0 &&
            strcmp(inm, etag) == 0)
            return respond(wsi, c, HTTP_STATUS_NOT_MODIFIED, "application/javascript", NULL, 0,
                           NULL, etag);
        /* The page links the bundle with ?v=<hash>: that URL never changes
         * content, so it may be cached forever; without it, revalidate. */
        const char *cache = query_has_version(wsi, s->client_etag)
                                ? "public, max-age=31536000, immutable"
                                : "no-cache";
        return respond(wsi, c, HTTP_STATUS_OK, "application/javascript; charset=utf-8",
                       rc_client_js, rc_client_js_len, cache, etag);
    }
    if (strncmp(uri, RC_PATH_PREFIX, RC_PATH_LEN(RC_PATH_PREFIX)) == 0 ||
        strncmp(uri, RC_PATH_BASE_PREFIX, RC_PATH_LEN(RC_PATH_BASE_PREFIX)) == 0 ||
        strcmp(uri, "/favicon.ico") == 0)
        return not_found(wsi, c);
    if (strncmp(uri, RC_PATH_STATIC, RC_PATH_LEN(RC_PATH_STATIC)) == 0) {
        if (!s->cfg.static_dir) return not_found(wsi, c);
        return serve_static(s, wsi, c, uri + RC_PATH_LEN(RC_PATH_STATIC));
    }
    return respond(wsi, c, HTTP_STATUS_OK, "text/html; charset=utf-8", s->page, s->page_len,
                   "no-cache", NULL);
}

int rc_http_writable(struct lws *wsi, rc_conn *c) {
    if (!c->body) return 0;
    unsigned char buf[LWS_PRE + CHUNK];
    size_t left = c->body_len - c->body_sent;
    size_t n = left > CHUNK ? CHUNK : left;
    memcpy(buf + LWS_PRE, c->body + c->body_sent, n);
    bool last = n == left;
    if (lws_write(wsi, buf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
        return -1;
    c->body_sent += n;
    if (!last) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    rc_http_done(c);
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

void rc_http_done(rc_conn *c) {
    free(c->body_owned);
    c->body_owned = NULL;
    c->body = NULL;
    c->body_len = c->body_sent = 0;
}
