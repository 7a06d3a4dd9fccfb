/*
 * HTTP on the app's port: the page (for any path, so apps can route on the
 * location), the embedded client bundle, an optional static directory and
 * 404s for everything reactc reserves but does not serve.
 */
#define _DEFAULT_SOURCE /* realpath (glibc hides it under plain POSIX 2008) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server/endpoints.h"
#include "server/server.h"
#include "util/alloc.h"
#include "util/hash.h"

#define CHUNK              16384
#define METHOD_NOT_ALLOWED "405 method not allowed: GET and HEAD only\n"

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

/* The page's default Content-Security-Policy (docs/security.md, "HTTP").
 * Scripts come from this origin only, but for the page's one inline script
 * (page_render.c: the no-flash mark of the first paint), allowed by its
 * hash; components style through style attributes and apps' heads hold
 * <style>, hence 'unsafe-inline' for styles alone. connect-src 'self'
 * covers ws: and wss: of the same origin (CSP 3). The icon is a data: URL. */
#define RC_CSP_SCRIPT "default-src 'self'; script-src 'self'"
#define RC_CSP_REST                                                                  \
    "; style-src 'self' 'unsafe-inline'; "                                           \
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " \
    "form-action 'self'; frame-ancestors 'self'"
#define RC_CSP_DEFAULT RC_CSP_SCRIPT RC_CSP_REST

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
    char hash[96];
    rc_page_head(s, &b, hash, sizeof hash);
    snprintf(s->page_csp, sizeof s->page_csp, "%s%s%s", RC_CSP_SCRIPT, hash, RC_CSP_REST);
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
    rc_jw_raw(&b, ">");
    s->page_mount_at = b.len; /* the first paint goes here (page_render.c) */
    rc_jw_raw(&b, "</div><script src=\"" RC_PATH_CLIENT_JS "?v=");
    rc_jw_raw(&b, s->client_etag);
    rc_jw_raw(&b, "\" defer></script></body></html>\n");
    s->page = b.data;
    s->page_len = b.len;
    return 0;
}

static int add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p,
                      unsigned char *end) {
    return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
                                       (const unsigned char *)value, (int)strlen(value), p, end);
}

/* On every response: ours, static files', errors'. same-origin: the app's
 * own links keep their Referer; a link out tells nobody the device's
 * address or paths. Over TLS (--tls-cert), HSTS for a year: the browser
 * goes to https by itself from then on. Without includeSubDomains: a
 * device's name may share its domain with hosts that have no certificate,
 * which it must not make unreachable (docs/security.md, "TLS"). */
static int common_headers(struct lws *wsi, unsigned char **p, unsigned char *end) {
    if (lws_is_ssl(wsi) &&
        add_header(wsi, "strict-transport-security:", "max-age=31536000", p, end))
        return -1;
    if (add_header(wsi, "x-content-type-options:", "nosniff", p, end)) return -1;
    return add_header(wsi, "referrer-policy:", "same-origin", p, end);
}

/* One response of ours (the body, if any, goes out from rc_http_writable). */
typedef struct reply {
    unsigned status;
    const char *type;
    const void *body;
    size_t len;
    const char *cache, *etag;
    const char *csp;          /* the page only */
    const char *allow;        /* 405 */
    const char *const *extra; /* name, value pairs, NULL-terminated (login.c) */
    bool close;               /* hang up after it: the rest of the request is unread */
} reply;

/* close: "Connection: close" (the connection's, not only this reply's: a
 * refusal that hangs up after setting c->close must say so, or a client
 * that pools connections (fetch) sends its next request on one being
 * closed and fails). */
static int send_headers(struct lws *wsi, const reply *r, bool close) {
    unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    if (lws_add_http_common_headers(wsi, r->status, r->type, (lws_filepos_t)r->len, &p, end))
        return -1;
    if (r->cache && add_header(wsi, "cache-control:", r->cache, &p, end)) return -1;
    if (r->etag && add_header(wsi, "etag:", r->etag, &p, end)) return -1;
    if (r->csp && *r->csp && add_header(wsi, "content-security-policy:", r->csp, &p, end))
        return -1;
    if (r->allow && add_header(wsi, "allow:", r->allow, &p, end)) return -1;
    if (close && add_header(wsi, "connection:", "close", &p, end)) return -1;
    for (const char *const *h = r->extra; h && h[0]; h += 2)
        if (add_header(wsi, h[0], h[1], &p, end)) return -1;
    if (common_headers(wsi, &p, end)) return -1;
    if (lws_finalize_write_http_header(wsi, start, &p, end)) return -1;
    return 0;
}

/* The end of a response: the connection takes its next request, or is
 * closed when the request was not read to its end (c->close): at once, or
 * once its body is in (linger.c). */
static int finish(struct lws *wsi, rc_conn *c) {
    bool close = c->close;
    rc_http_done(c);
    if (close) return rc_linger_answered(c) ? 0 : -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Starts a response; its body is written by rc_http_writable. A HEAD
 * request gets the same headers (Content-Length included) and no body. */
static int respond(struct lws *wsi, rc_conn *c, const reply *r) {
    c->close = c->close || r->close;
    if (c->close) rc_linger_plan(wsi, c);
    if (send_headers(wsi, r, c->close)) return -1;
    c->body = r->body;
    c->body_len = r->len;
    c->body_sent = 0;
    if (!r->len || c->head) return finish(wsi, c);
    lws_callback_on_writable(wsi);
    return 0;
}

static int plain(struct lws *wsi, rc_conn *c, unsigned status, const char *msg) {
    reply r = {.status = status,
               .type = "text/plain; charset=utf-8",
               .body = msg,
               .len = strlen(msg),
               .cache = "no-store"};
    return respond(wsi, c, &r);
}

static int not_found(struct lws *wsi, rc_conn *c) { return plain(wsi, c, 404, "404 not found\n"); }

/* The body of a refusal by the network edge (edge.c). */
static const char *refusal_text(unsigned status) {
    switch (status) {
    case 400: return "400 bad request: no or bad Host header\n";
    case 401: return "401 unauthorized: sign in first (the login cookie is missing or expired)\n";
    case 404:
        return "404 not found: this server has no ReactPy protocol (built without "
               "RC_WITH_REACTPY); use reactc's client\n";
    case 429: return "429 too many requests: too many connections from this address\n";
    case 501: return "501 not implemented: only WebSocket upgrades are served\n";
    case 421:
        return "421 misdirected request: this server does not serve that Host "
               "(see --allow-host)\n";
    default: return "403 forbidden: WebSocket from a foreign Origin (see --allow-origin)\n";
    }
}

int rc_http_refuse(struct lws *wsi, rc_conn *c, unsigned status) {
    return plain(wsi, c, status, refusal_text(status));
}

/* At LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: the whole answer written now (it
 * is small), after which the caller hangs up. Not the callback's ">0: I
 * answered" path, which goes on to lws_http_transaction_completed: that is
 * where lws' CVE-2025-11677 (a use after free) lies, and a refused
 * handshake has nothing more to say on its connection anyway. */
/* A CONNECT request: lws hands it to us as a raw socket (its fallback
 * role, bound to our protocol, with no timeout), so it is answered here in
 * bytes, the headers of every response included, and the caller hangs up.
 * Without this the socket stayed open for as long as the client liked. */
int rc_http_refuse_raw(struct lws *wsi) {
    unsigned char buf[LWS_PRE + 512];
    char *out = (char *)buf + LWS_PRE;
    int n = snprintf(out, sizeof buf - LWS_PRE,
                     "HTTP/1.1 405 Method Not Allowed\r\n"
                     "content-type: text/plain; charset=utf-8\r\n"
                     "content-length: %zu\r\n"
                     "allow: GET, HEAD\r\n"
                     "connection: close\r\n"
                     "x-content-type-options: nosniff\r\n"
                     "referrer-policy: same-origin\r\n\r\n%s",
                     strlen(METHOD_NOT_ALLOWED), METHOD_NOT_ALLOWED);
    if (n < 0 || (size_t)n >= sizeof buf - LWS_PRE) return -1;
    return lws_write(wsi, buf + LWS_PRE, (size_t)n, LWS_WRITE_RAW) == n ? 0 : -1;
}

int rc_http_refuse_upgrade(struct lws *wsi, unsigned status) {
    const char *msg = refusal_text(status);
    size_t n = strlen(msg);
    reply r = {.status = status,
               .type = "text/plain; charset=utf-8",
               .len = n,
               .cache = "no-store",
               .close = true};
    if (send_headers(wsi, &r, true)) return -1;
    unsigned char buf[LWS_PRE + 256];
    memcpy(buf + LWS_PRE, msg, n);
    return lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP_FINAL) == (int)n ? 0 : -1;
}

int rc_http_reply(struct lws *wsi, rc_conn *c, unsigned status, const char *type, rc_buf *body,
                  const char *const *headers, bool close) {
    rc_http_done(c);
    c->body_owned = body->data; /* freed by rc_http_done */
    reply r = {.status = status,
               .type = type,
               .body = body->data,
               .len = body->len,
               .cache = "no-store",
               .csp = RC_CSP_DEFAULT,
               .extra = headers,
               .close = close};
    body->data = NULL;
    return respond(wsi, c, &r);
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

/* realpath of the static file named by rel, if it lies inside the static
 * directory (also resolved): symlinks are followed, but one that leads out
 * of the directory is refused like a missing file. Malloc'd, or NULL. */
static char *static_file(const rc_server *s, const char *rel) {
    /* No way out of the directory by name: no "..", no absolute or empty
     * names (realpath below catches the rest). */
    if (!*rel || strstr(rel, "..") || strchr(rel, '\\') || rel[0] == '/') return NULL;
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/%s", s->cfg.static_dir, rel);
    if (n < 0 || (size_t)n >= sizeof path) return NULL;
    /* Resolved per request, not once at start: the directory may be
     * created or replaced while the server runs. */
    char *root = realpath(s->cfg.static_dir, NULL), *real = realpath(path, NULL);
    size_t rl = root ? strlen(root) : 0;
    bool inside = root && real && strncmp(real, root, rl) == 0 &&
                  (real[rl] == '/' || (rl == 1 && real[1])); /* a root of "/" */
    free(root);
    struct stat st;
    if (!inside || stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(real);
        return NULL;
    }
    return real;
}

static int serve_static(rc_server *s, struct lws *wsi, rc_conn *c, const char *rel) {
    char *real = static_file(s, rel);
    if (!real) return not_found(wsi, c);
    /* rel, not real, names the type: the URL is what the browser sees. */
    const char *type = mime_of(rel);
    if (c->head) {
        /* lws_serve_http_file answers HEAD without a body too, but leaves
         * a keep-alive connection unable to parse its next request (lws
         * answers that one 403): the headers are ours here. */
        struct stat st;
        reply r = {.status = 200, .type = type, .cache = "no-store"};
        r.len = stat(real, &st) == 0 ? (size_t)st.st_size : 0;
        free(real);
        return respond(wsi, c, &r);
    }
    /* The headers every response has, in lws' encoding for this
     * connection, handed to lws_serve_http_file as extra headers. */
    unsigned char extra[256], *p = extra;
    int rc = common_headers(wsi, &p, extra + sizeof extra - 1);
    if (!rc) rc = lws_serve_http_file(wsi, real, type, (const char *)extra, (int)(p - extra));
    free(real);
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

/* 0 for HTTP/1.0 and HTTP/1.1, else 505. lws answers any other version
 * as HTTP/1.0, even a missing one ("GET / FOO"). */
static unsigned check_version(struct lws *wsi) {
    /* A stream of an HTTP/2 connection (lws accepts an h2c upgrade) has no
     * version token; its connection is its network wsi. */
    if (lws_get_network_wsi(wsi) != wsi) return 0;
    char v[16];
    if (lws_hdr_copy(wsi, v, sizeof v, WSI_TOKEN_HTTP) <= 0) return 505;
    return strcmp(v, "HTTP/1.1") == 0 || strcmp(v, "HTTP/1.0") == 0 ? 0 : 505;
}

/* Requests we do not serve, answered and the connection closed (c->close):
 * the rest of such a request (a POST's body) is only dropped (finish), so
 * the connection could not take another. 0 when the request goes on. */
static int unserved(struct lws *wsi, rc_conn *c, bool *answered) {
    *answered = true;
    if (check_version(wsi)) {
        c->close = true;
        return plain(wsi, c, 505, "505 HTTP version not supported: HTTP/1.0 and 1.1 only\n");
    }
    c->head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
    if (!c->head && lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
        /* POST, PUT, PATCH, DELETE, OPTIONS: nothing here takes them. */
        reply r = {.status = 405,
                   .type = "text/plain; charset=utf-8",
                   .body = METHOD_NOT_ALLOWED,
                   .len = strlen(METHOD_NOT_ALLOWED),
                   .cache = "no-store",
                   .allow = "GET, HEAD",
                   .close = true};
        return respond(wsi, c, &r);
    }
    *answered = false;
    return 0;
}

static int serve_bundle(rc_server *s, struct lws *wsi, rc_conn *c) {
    char etag[32];
    snprintf(etag, sizeof etag, "\"%s\"", s->client_etag);
    char inm[64];
    reply r = {.type = "application/javascript; charset=utf-8", .etag = etag};
    if (lws_hdr_copy(wsi, inm, sizeof inm, WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0 &&
        strcmp(inm, etag) == 0) {
        r.status = HTTP_STATUS_NOT_MODIFIED;
        return respond(wsi, c, &r);
    }
    r.status = HTTP_STATUS_OK;
    r.body = rc_client_js;
    r.len = rc_client_js_len;
    /* The page links the bundle with ?v=<hash>: that URL never changes
     * content, so it may be cached forever; without it, revalidate. */
    r.cache =
        query_has_version(wsi, s->client_etag) ? "public, max-age=31536000, immutable" : "no-cache";
    return respond(wsi, c, &r);
}

int rc_http_request(rc_server *s, struct lws *wsi, rc_conn *c, const char *uri) {
    c->head = c->close = false; /* a keep-alive connection's last request */
    bool answered;
    int rc = 0;
    if (rc_login_post(s, wsi, c, uri, &rc)) return rc; /* login.c: before the 405 */
    rc = unserved(wsi, c, &answered);
    if (answered) return rc;
    /* Host for every path: a page fetched through a rebound DNS name would
     * run on the attacker's origin with our content. */
    unsigned refused = rc_edge_check(s, wsi, RC_EDGE_REQUEST);
    if (refused) return rc_http_refuse(wsi, c, refused);
    if (rc_login_gate(s, wsi, c, uri, &rc)) return rc; /* login.c: no valid cookie */
    if (strcmp(uri, RC_PATH_CLIENT_JS) == 0) return serve_bundle(s, wsi, c);
    if (strncmp(uri, RC_PATH_PREFIX, RC_PATH_LEN(RC_PATH_PREFIX)) == 0 ||
        strncmp(uri, RC_PATH_BASE_PREFIX, RC_PATH_LEN(RC_PATH_BASE_PREFIX)) == 0 ||
        strcmp(uri, "/favicon.ico") == 0)
        return not_found(wsi, c);
    if (strncmp(uri, RC_PATH_STATIC, RC_PATH_LEN(RC_PATH_STATIC)) == 0) {
        if (!s->cfg.static_dir) return not_found(wsi, c);
        return serve_static(s, wsi, c, uri + RC_PATH_LEN(RC_PATH_STATIC));
    }
    reply page = {.status = HTTP_STATUS_OK,
                  .type = "text/html; charset=utf-8",
                  .body = s->page,
                  .len = s->page_len,
                  .cache = "no-cache",
                  .csp = s->cfg.csp ? s->cfg.csp : s->page_csp};
    /* The first paint: this request's own page, never stored (it shows
     * one user's view at one moment). */
    rc_buf own;
    rc_buf_init(&own);
    if (rc_page_for_request(s, wsi, uri, &own) == 0) {
        rc_http_done(c);
        c->body_owned = own.data; /* freed by rc_http_done */
        page.body = own.data;
        page.len = own.len;
        page.cache = "no-store";
    }
    return respond(wsi, c, &page);
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
    return finish(wsi, c);
}

void rc_http_done(rc_conn *c) {
    free(c->body_owned);
    c->body_owned = NULL;
    c->body = NULL;
    c->body_len = c->body_sent = 0;
}
