/*
 * The server-rendered first paint (docs/guide/first-paint.md): each GET or
 * HEAD of a page renders the app once for the request's location and
 * writes the HTML into the mount element, so the page shows its content
 * before the client has loaded, connected and received the first tree.
 *
 * A request's layout is a throwaway: created, flushed once, written
 * (wire/html.c), freed without rc_layout_commit. So effects never run (an
 * effect is a side effect of a live session: a timer armed, a device
 * polled), nor the cleanups of effects that never ran; no timers are given
 * (none fires), no session id, no events. Render functions must therefore
 * be pure, as React's are: what a render does besides building output
 * (counting visitors, writing a file) would happen once more per page
 * load. Apps that cannot promise that set rc_app.no_ssr (--no-ssr).
 *
 * The no-flash rule: a tab holding a session to resume must not show the
 * server's initial state before the resume has patched it (count 0, then
 * 5). Only the tab knows it holds one (its token is in its storage, not in
 * a cookie: tokens are per tab and up to 64 KiB), so a tiny inline script
 * in the head reads the storage and marks the document, CSS hides the
 * mount while marked, and the client unmarks it once the first tree is in
 * (client/src/hydrate.ts). The script is allowed by its SHA-256 in the
 * page's Content-Security-Policy, computed here at start.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/host.h"
#include "server/server.h"
#include "wire/html.h"

/* Past this, a page is served with an empty mount (and logged once): a
 * page of many MiB is better built by the client than sent twice. */
#define RC_PAGE_MAX ((size_t)4 << 20)

int rc_page_render(const rc_app *cfg, const rc_page_req *req, rc_buf *out) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    if (req->log) {
        o.log = req->log;
        o.log_user = req->log_user;
    }
    o.log_level = req->log_level;
    o.pathname = req->pathname;
    o.search = req->search;
    o.app = req->app;
    o.hide_errors = req->hide_errors;
    rc_layout *l = rc_layout_new(cfg->root, cfg->root_props, cfg->root_props_size, &o);
    if (!l) return -1;
    if (req->user) rc_layout_set_user_name(l, req->user);
    rc_layout_flush(l);
    size_t start = out->len;
    int rc = rc_wire_html(out, l, req->max ? req->max : RC_PAGE_MAX);
    if (rc) out->len = start;
    /* No commit: effects stay unrun, and freeing drops the flush's output. */
    rc_layout_free(l);
    return rc;
}

/* The head's script: until the client has taken the page over
 * (client/src/hydrate.ts), it keeps the clicks and submits made on the
 * server's HTML in document.__rcEarly (a submit is stopped: the page
 * would leave for the form's action), and it marks a tab that holds a
 * session to resume. The storage is the app's (client.storage); the key is
 * client/src/store.ts's for the page's mount ("reactc:" + host +
 * "#reactc-root"); "memory" keeps nothing across a reload. */
#define EARLY                                                                 \
    "var d=document,q=[],k=function(e){q.push(e);if(e.type=='submit'&&"       \
    "d.getElementById('reactc-root').contains(e.target))e.preventDefault()};" \
    "d.__rcEarly={q:q,k:k};d.addEventListener('click',k,true);"               \
    "d.addEventListener('submit',k,true);"
#define MARK(area)                                                           \
    "try{if(/\"session\":\"/.test(" area ".getItem('reactc:'+location.host+" \
    "'#reactc-root')||''))d.documentElement.classList.add('rc-resuming')}catch(e){}"
static const char *head_script(const rc_app *cfg) {
    const char *st = cfg->client.storage;
    if (st && strcmp(st, "memory") == 0) return "(function(){" EARLY "})()";
    if (st && strcmp(st, "local") == 0) return "(function(){" EARLY MARK("localStorage") "})()";
    return "(function(){" EARLY MARK("sessionStorage") "})()";
}

/* The CSS hides the mount while marked, and shows it after 4 s in any
 * case: a bundle that never loads must not leave the page blank. */
void rc_page_head(rc_server *s, rc_buf *b, char *hash, size_t cap) {
    hash[0] = '\0';
    if (s->cfg.no_ssr) return;
    const char *js = head_script(&s->cfg);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)js, strlen(js));
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
    snprintf(hash, cap, " 'sha256-%s'", b64);
    rc_jw_raw(b, "<style>html.rc-resuming #reactc-root{visibility:hidden;"
                 "animation:rc-show 0s 4s forwards}@keyframes rc-show{to{visibility:visible}}"
                 "</style><script>");
    rc_jw_raw(b, js);
    rc_jw_raw(b, "</script>");
}

/* Appends `in` to out[*len..cap) percent-encoding what a browser's
 * location would show encoded. lws hands the path and the query's
 * arguments percent-decoded, while the client's hello says
 * location.pathname and location.search as the browser keeps them
 * (encoded): "/topics/a%2Fb" must not render as "/topics/a/b" (another
 * route) nor "/a%20b" as a path with a space, which the session's checks
 * refuse (src/core/navigate.c). Re-encoding gives a location that decodes
 * to the same values (route parameters and rc_use_query decode), not
 * always the same bytes (a needless escape such as "%41" comes back as
 * "A"). `keep` are the separators left as they are. Returns false when
 * it does not fit. */
static bool encode(char *out, size_t *len, size_t cap, const char *in, const char *keep) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || strchr("-._~!$'()*,;:@", *p) || strchr(keep, *p);
        if (*len + (plain ? 1 : 3) >= cap) return false;
        if (plain) {
            out[(*len)++] = (char)*p;
        } else {
            out[(*len)++] = '%';
            out[(*len)++] = hex[*p >> 4];
            out[(*len)++] = hex[*p & 15];
        }
    }
    out[*len] = '\0';
    return true;
}

/* The request's location as the client will say it in its hello: the
 * path, and the query as "?" + its arguments joined by "&" (lws hands
 * them decoded and split), each re-encoded. A query that does not fit is
 * cut at the last whole argument. */
static void request_location(struct lws *wsi, const char *uri, char *path, size_t path_cap,
                             char *query, size_t cap) {
    size_t pl = 0, ql = 0;
    if (!encode(path, &pl, path_cap, uri, "/")) snprintf(path, path_cap, "/");
    char frag[256];
    query[0] = '\0';
    for (int i = 0; i < 32; i++) {
        int n = lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n <= 0) break;
        size_t at = ql;
        /* The first "=" separates the name from the value; the rest are data. */
        char *eq = strchr(frag, '=');
        if (eq) *eq = '\0';
        bool ok =
            encode(query, &ql, cap, at ? "&" : "?", "&?") && encode(query, &ql, cap, frag, "/?") &&
            (!eq || (encode(query, &ql, cap, "=", "=") && encode(query, &ql, cap, eq + 1, "/?")));
        if (!ok) {
            query[at] = '\0';
            break;
        }
    }
}

int rc_page_for_request(rc_server *s, struct lws *wsi, const char *uri, rc_buf *out) {
    if (s->cfg.no_ssr) return -1;
    char path[256], search[512], user[65] = "";
    request_location(wsi, uri, path, sizeof path, search, sizeof search);
    rc_login_user_of(s, wsi, user); /* rc_use_user, as the session will have it */
    rc_page_req req = {.pathname = path,
                       .search = search,
                       .user = user,
                       .hide_errors = !s->cfg.show_errors && s->dev_fd < 0,
                       .log = rc_srv_log_layout,
                       .log_user = s,
                       .log_level = s->cfg.log_level,
                       .app = s->app};
    rc_buf_append(out, s->page, s->page_mount_at);
    if (rc_page_render(&s->cfg, &req, out)) {
        if (!s->page_over_logged) {
            s->page_over_logged = true;
            rc_srv_log(s, RC_LOG_WARN,
                       "the page for %.64s is over %zu bytes: served with an empty mount "
                       "(logged once; set no_ssr / --no-ssr for such apps)",
                       uri, (size_t)RC_PAGE_MAX);
        }
    }
    rc_buf_append(out, s->page + s->page_mount_at, s->page_len - s->page_mount_at);
    return 0;
}
