/*
 * The network edge's rules (docs/security.md, "The network edge"): which
 * Host a request may name (DNS rebinding), which Origin may open a
 * WebSocket (cross-site WebSocket hijacking), and whose X-Forwarded-*
 * headers count. Pure functions of text: edge.c feeds them lws' headers.
 *
 * Everything is parsed strictly and compared in one normal form (lower
 * case, default ports filled in, IPv6 without brackets): a value that does
 * not parse is refused, never guessed at.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/origin.h"
#include "util/alloc.h"

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* A DNS name or IPv4 literal's characters (no percent-escapes, no spaces,
 * nothing a browser would have normalised away). */
static bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

/* 1..65535 in decimal digits only (no sign, no spaces). */
static int parse_port(const char *p, size_t n, unsigned *port) {
    if (n == 0 || n > 5) return -1;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    if (v == 0 || v > 65535) return -1;
    *port = v;
    return 0;
}

/* The host part of an authority of n characters. */
static int host_parse_n(const char *host, size_t n, char *name, size_t cap, unsigned *port) {
    *port = 0;
    const char *colon = NULL;
    size_t nl;
    if (n && host[0] == '[') {
        /* [IPv6] or [IPv6]:port; a zone id (%) does not parse as an address. */
        const char *close = memchr(host, ']', n);
        if (!close) return -1;
        nl = (size_t)(close - host - 1);
        if (nl == 0 || nl >= cap || nl >= INET6_ADDRSTRLEN) return -1;
        for (size_t i = 0; i < nl; i++) name[i] = lower(host[1 + i]);
        name[nl] = '\0';
        struct in6_addr a;
        if (inet_pton(AF_INET6, name, &a) != 1) return -1;
        size_t rest = n - (size_t)(close + 1 - host);
        if (rest == 0) return 0;
        if (close[1] != ':') return -1;
        return parse_port(close + 2, rest - 1, port);
    }
    colon = memchr(host, ':', n);
    nl = colon ? (size_t)(colon - host) : n;
    if (colon && memchr(colon + 1, ':', n - nl - 1)) return -1; /* IPv6 without brackets */
    if (colon && parse_port(colon + 1, n - nl - 1, port)) return -1;
    if (nl && host[nl - 1] == '.') nl--; /* "example.com." is example.com */
    if (nl == 0 || nl >= cap || nl > 253) return -1;
    for (size_t i = 0; i < nl; i++) {
        name[i] = lower(host[i]);
        if (!name_char(name[i])) return -1;
    }
    name[nl] = '\0';
    return 0;
}

int rc_host_parse(const char *host, char *name, size_t cap, unsigned *port) {
    return host_parse_n(host, strlen(host), name, cap, port);
}

static unsigned default_port(const char *scheme) { return strcmp(scheme, "https") == 0 ? 443 : 80; }

/* "http"/"https" in any case, lower-cased into o->scheme. */
static int set_scheme(rc_origin *o, const char *s, size_t n) {
    if (n != 4 && n != 5) return -1;
    char buf[8];
    for (size_t i = 0; i < n; i++) buf[i] = lower(s[i]);
    buf[n] = '\0';
    if (strcmp(buf, "http") != 0 && strcmp(buf, "https") != 0) return -1;
    memcpy(o->scheme, buf, n + 1);
    return 0;
}

int rc_origin_parse(rc_origin *o, const char *text) {
    memset(o, 0, sizeof *o);
    const char *sep = strstr(text, "://"); /* "null" (opaque origins) has none */
    if (!sep || set_scheme(o, text, (size_t)(sep - text))) return -1;
    const char *auth = sep + 3;
    size_t n = strlen(auth);
    if (n && auth[n - 1] == '/') n--; /* as typed in --allow-origin */
    if (strcspn(auth, "/?#@\\ ") < n) return -1;
    if (host_parse_n(auth, n, o->host, sizeof o->host, &o->port)) return -1;
    if (!o->port) o->port = default_port(o->scheme);
    return 0;
}

int rc_origin_init_host(rc_origin *o, const char *scheme, const char *host) {
    memset(o, 0, sizeof *o);
    if (set_scheme(o, scheme, strlen(scheme))) return -1;
    if (rc_host_parse(host, o->host, sizeof o->host, &o->port)) return -1;
    if (!o->port) o->port = default_port(o->scheme);
    return 0;
}

bool rc_origin_equal(const rc_origin *a, const rc_origin *b) {
    return a->port == b->port && strcmp(a->scheme, b->scheme) == 0 && strcmp(a->host, b->host) == 0;
}

/* An address as text (IPv4, IPv6, v4-mapped, [IPv6]) as IPv6 (v4-mapped),
 * so that "127.0.0.1" and "::ffff:127.0.0.1" (a dual-stack socket's view
 * of the same peer) are one. */
static int parse_addr(const char *text, struct in6_addr *a) {
    char buf[INET6_ADDRSTRLEN + 2];
    size_t n = strlen(text);
    if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
        text++;
        n -= 2;
    }
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, text, n);
    buf[n] = '\0';
    struct in_addr v4;
    if (inet_pton(AF_INET, buf, &v4) == 1) {
        memset(a, 0, sizeof *a);
        a->s6_addr[10] = a->s6_addr[11] = 0xff;
        memcpy(&a->s6_addr[12], &v4, 4);
        return 0;
    }
    return inet_pton(AF_INET6, buf, a) == 1 ? 0 : -1;
}

static size_t list_len(const char *const *list) {
    size_t n = 0;
    while (list && list[n]) n++;
    return n;
}

int rc_edge_rules_init(rc_edge_rules *r, const rc_app *cfg, char *err, size_t errlen) {
    memset(r, 0, sizeof *r);
    size_t no = list_len(cfg->allow_origins), nh = list_len(cfg->allow_hosts),
           np = list_len(cfg->trusted_proxies);
    r->origins = rc_xcalloc(no + 1, sizeof *r->origins);
    r->hosts = rc_xcalloc(nh + 1, sizeof *r->hosts);
    r->proxies = rc_xcalloc(np + 1, sizeof *r->proxies);
    for (; r->norigins < no; r->norigins++) {
        const char *v = cfg->allow_origins[r->norigins];
        if (rc_origin_parse(&r->origins[r->norigins], v) == 0) continue;
        snprintf(err, errlen, "bad allowed origin \"%.200s\" (expected scheme://host[:port])", v);
        goto fail;
    }
    for (; r->nhosts < nh; r->nhosts++) {
        const char *v = cfg->allow_hosts[r->nhosts];
        char name[256];
        unsigned port;
        if (rc_host_parse(v, name, sizeof name, &port) == 0) {
            r->hosts[r->nhosts] = rc_xstrdup(name);
            continue;
        }
        snprintf(err, errlen, "bad allowed host \"%.200s\" (expected a DNS name)", v);
        goto fail;
    }
    for (; r->nproxies < np; r->nproxies++) {
        const char *v = cfg->trusted_proxies[r->nproxies];
        if (parse_addr(v, &r->proxies[r->nproxies]) == 0) continue;
        snprintf(err, errlen, "bad trusted proxy \"%.200s\" (expected an IP address)", v);
        goto fail;
    }
    return 0;
fail:
    rc_edge_rules_free(r);
    return -1;
}

void rc_edge_rules_free(rc_edge_rules *r) {
    for (size_t i = 0; i < r->nhosts; i++) free(r->hosts[i]);
    free(r->hosts);
    free(r->origins);
    free(r->proxies);
    memset(r, 0, sizeof *r);
}

bool rc_edge_rules_allow_host(const rc_edge_rules *r, const char *name) {
    struct in6_addr a;
    if (parse_addr(name, &a) == 0) return true; /* an IP literal cannot be rebound */
    /* Only the bare name: browsers resolve it to loopback themselves, while
     * "*.localhost" may go to DNS in some of them. */
    if (strcmp(name, "localhost") == 0) return true;
    for (size_t i = 0; i < r->nhosts; i++)
        if (strcmp(r->hosts[i], name) == 0) return true;
    return false;
}

bool rc_edge_rules_trust_peer(const rc_edge_rules *r, const char *peer) {
    struct in6_addr a;
    if (!peer || !r->nproxies || parse_addr(peer, &a)) return false;
    for (size_t i = 0; i < r->nproxies; i++)
        if (memcmp(&r->proxies[i], &a, sizeof a) == 0) return true;
    return false;
}

unsigned rc_edge_rules_check(const rc_edge_rules *r, const rc_edge_request *q, bool upgrade,
                             const char **why) {
    const char *host = q->host, *scheme = q->tls ? "https" : "http";
    /* Only a trusted proxy says what the browser asked for; anyone else's
     * X-Forwarded-* is ignored (it would let a client pick its origin). */
    if (rc_edge_rules_trust_peer(r, q->peer)) {
        if (q->xf_host && *q->xf_host) host = q->xf_host;
        if (q->xf_proto && (strcmp(q->xf_proto, "http") == 0 || strcmp(q->xf_proto, "https") == 0))
            scheme = q->xf_proto;
    }
    /* HTTP/1.1 requires Host. An HTTP/1.0 request may lack one (HAProxy's
     * default health check does): no browser sends that, so no page can
     * be rebound through it, and it is served. */
    if (!host && q->http10 && !upgrade) return *why = "ok", 0;
    if (!host || !*host) return *why = "no Host header", 400;
    rc_origin page;
    if (rc_origin_init_host(&page, scheme, host)) return *why = "bad Host header", 400;
    if (!rc_edge_rules_allow_host(r, page.host)) return *why = "Host not allowed", 421;
    /* No Origin: not a browser (browsers send it on every WebSocket), so
     * not a page another site could make the browser open. */
    if (!upgrade || !q->origin) return *why = "ok", 0;
    rc_origin from;
    if (rc_origin_parse(&from, q->origin)) return *why = "bad Origin", 403;
    if (rc_origin_equal(&from, &page)) return *why = "ok", 0;
    for (size_t i = 0; i < r->norigins; i++)
        if (rc_origin_equal(&from, &r->origins[i])) return *why = "ok", 0;
    return *why = "foreign Origin", 403;
}
