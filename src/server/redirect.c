/*
 * --redirect-http PORT: a plain HTTP listener beside the TLS port that
 * answers every request with 308 to the same path on https://<the Host
 * header's name>:<the TLS port>, then hangs up. 308, not 301: a POST stays
 * a POST. No page, no WebSocket (an upgrade gets the 308 too, which a
 * browser treats as a failed handshake): nothing is served in clear.
 *
 * Its own lws vhost (no certificate: plain) on the same context and loop,
 * its sockets accepted by us as on the main port. SO_REUSEPORT, so that
 * workers and the dev runner's overlapping versions can each listen on it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server.h"

/* The Host header's name, without its port, into out ("[v6]" kept
 * bracketed); false when absent or not a plain name or address (nothing
 * else goes into Location). */
static bool host_name(struct lws *wsi, char *out, size_t cap) {
    char host[256];
    if (lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0) return false;
    size_t n = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":");
    if (n > strlen(host) || n == 0 || n >= cap) return false;
    for (size_t i = 0; i < n; i++) {
        char ch = host[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '[' || ch == ']' ||
                  ch == ':';
        if (!ok) return false;
    }
    memcpy(out, host, n);
    out[n] = '\0';
    return true;
}

/* Appends s to out (at *len), percent-encoding what may not stand in a
 * URL as it is (lws hands the path and arguments over decoded). */
static void append_encoded(char *out, size_t cap, size_t *len, const char *s, bool query) {
    static const char hex[] = "0123456789ABCDEF";
    for (; *s && *len + 4 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            strchr(query ? "-._~/=:@!$'()*,;" : "-._~/:@!$&'()*+,;=", ch)) {
            out[(*len)++] = (char)ch;
        } else {
            out[(*len)++] = '%';
            out[(*len)++] = hex[ch >> 4];
            out[(*len)++] = hex[ch & 15];
        }
    }
    out[*len] = '\0';
}

/* The https URL of this request into out. */
static bool location(rc_server *s, struct lws *wsi, const char *path, char *out, size_t cap) {
    char name[200], frag[256];
    if (!host_name(wsi, name, sizeof name)) return false;
    int n = s->port == 443 ? snprintf(out, cap, "https://%s", name)
                           : snprintf(out, cap, "https://%s:%d", name, s->port);
    if (n < 0 || (size_t)n >= cap) return false;
    size_t len = (size_t)n;
    append_encoded(out, cap, &len, path[0] == '/' ? path : "/", false);
    for (int i = 0; i < 32; i++) {
        if (lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i) <= 0) break;
        if (len + 2 >= cap) break;
        out[len++] = i ? '&' : '?';
        append_encoded(out, cap, &len, frag, true);
    }
    return true;
}

/* The whole answer, after which the caller hangs up: 308 with Location,
 * or 400 when the request names no usable host. */
static void answer(rc_server *s, struct lws *wsi, const char *path) {
    char loc[1200];
    bool ok = location(s, wsi, path, loc, sizeof loc);
    unsigned char buf[LWS_PRE + 1600], *start = buf + LWS_PRE, *p = start,
                                       *end = buf + sizeof buf - 1;
    if (lws_add_http_header_status(wsi, ok ? 308 : 400, &p, end) ||
        (ok &&
         lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_LOCATION, (const unsigned char *)loc,
                                      (int)strlen(loc), &p, end)) ||
        lws_add_http_header_content_length(wsi, 0, &p, end) ||
        lws_add_http_header_by_name(
            wsi, (const unsigned char *)"connection:", (const unsigned char *)"close", 5, &p, end))
        return;
    if (lws_finalize_write_http_header(wsi, start, &p, end))
        return; /* the caller hangs up either way */
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len) {
    (void)user;
    (void)len;
    rc_server *s = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_HTTP: answer(s, wsi, in ? (const char *)in : "/"); return -1;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
        char uri[512] = "/";
        lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
        answer(s, wsi, uri);
        return -1;
    }
    /* A CONNECT request (a raw socket to lws), or an upgrade that got
     * here some other way: hang up. */
    case LWS_CALLBACK_RAW_ADOPT:
    case LWS_CALLBACK_RAW_RX:
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: return -1;
    default: return 0;
    }
}

static struct lws_protocols protocols[] = {
    {"reactc-redirect", callback, 0, 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void on_accept(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    (void)revents;
    rc_server *s = w->data;
    rc_srv_adopt_pending(s, w->fd, s->redirect_vhost, "redirect");
}

int rc_redirect_start(rc_server *s) {
    ev_io_init(&s->redirect_io, on_accept, -1, EV_READ);
    s->redirect_io.data = s;
    if (!s->cfg.redirect_http) return 0;
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    /* Not CONTEXT_PORT_NO_LISTEN_SERVER like the main vhost: lws moves a
     * request to the vhost its Host header names, among the vhosts of the
     * same listen_port, falling back to the first. Sharing the main
     * vhost's (-2) would have served the app in clear here. */
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.vhost_name = "redirect";
    info.protocols = protocols;
    info.timeout_secs = 10;
    info.max_http_header_data = 4096;
    s->redirect_vhost = lws_create_vhost(s->lws, &info);
    if (!s->redirect_vhost) {
        rc_srv_log(s, RC_LOG_ERROR, "--redirect-http: cannot create its vhost");
        return -1;
    }
    int fd = rc_listen_socket(s->cfg.host, s->cfg.redirect_http, true, true, NULL);
    if (fd < 0) {
        rc_srv_log(s, RC_LOG_ERROR, "--redirect-http: cannot listen on %s:%d: %s", s->cfg.host,
                   s->cfg.redirect_http, strerror(errno));
        return -1;
    }
    ev_io_set(&s->redirect_io, fd, EV_READ);
    ev_io_start(s->loop, &s->redirect_io);
    rc_srv_log(s, RC_LOG_INFO, "redirecting http on port %d to https on port %d",
               s->cfg.redirect_http, s->port);
    return 0;
}

void rc_redirect_stop(rc_server *s) {
    if (!ev_is_active(&s->redirect_io)) return; /* never started */
    ev_io_stop(s->loop, &s->redirect_io);
    close(s->redirect_io.fd);
    ev_io_set(&s->redirect_io, -1, EV_READ);
}
