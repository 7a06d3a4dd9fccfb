/*
 * origin.c: the network edge's rules (docs/security.md, "The network edge"),
 * as pure functions of header text, so they are unit-tested without lws
 * (tests/unit/test_origin.c). edge.c reads the headers and applies them.
 */
#ifndef RC_SERVER_ORIGIN_H
#define RC_SERVER_ORIGIN_H

#include <stdbool.h>
#include <stddef.h>

#include <netinet/in.h>

#include "reactc.h"

/* An origin as a browser compares it: scheme, host, port. */
typedef struct rc_origin {
    char scheme[8]; /* "http" or "https", lower case */
    char host[256]; /* lower case; an IPv6 literal without its brackets */
    unsigned port;  /* explicit, or the scheme's default (80, 443) */
} rc_origin;

/* Parses an Origin header or an --allow-origin value: scheme://host[:port]
 * with an optional "/" after it; http and https only. "null", userinfo,
 * paths, queries and bad ports are refused. Returns 0 or -1. */
int rc_origin_parse(rc_origin *o, const char *text);

/* The origin a page fetched with this Host header ("host[:port]") over
 * scheme ("http" or "https") has. Returns 0 or -1 (bad Host). */
int rc_origin_init_host(rc_origin *o, const char *scheme, const char *host);

/* Same scheme, host and port. */
bool rc_origin_equal(const rc_origin *a, const rc_origin *b);

/* Splits a Host header into its name (lower case, IPv6 without brackets,
 * one trailing dot dropped) and port (0: none). Returns 0 or -1 when it is
 * not a host: empty, bad characters, a bad port, an unbracketed IPv6. */
int rc_host_parse(const char *host, char *name, size_t cap, unsigned *port);

/* The server's rules, parsed once from rc_app (allow_origins, allow_hosts,
 * trusted_proxies). */
typedef struct rc_edge_rules {
    rc_origin *origins;
    size_t norigins;
    char **hosts; /* names as rc_host_parse gives them */
    size_t nhosts;
    struct in6_addr *proxies; /* IPv4 as v4-mapped */
    size_t nproxies;
} rc_edge_rules;

/* Parses the lists of cfg; on a bad entry returns -1 with a message naming
 * it in err (and nothing allocated). */
int rc_edge_rules_init(rc_edge_rules *r, const rc_app *cfg, char *err, size_t errlen);
void rc_edge_rules_free(rc_edge_rules *r);

/* True when a Host name (rc_host_parse's) may be served: an IP literal,
 * "localhost", or listed. */
bool rc_edge_rules_allow_host(const rc_edge_rules *r, const char *name);

/* True when the TCP peer (an address as text) is a trusted proxy. */
bool rc_edge_rules_trust_peer(const rc_edge_rules *r, const char *peer);

/* One request as the edge sees it (NULL: header absent). */
typedef struct rc_edge_request {
    const char *peer;     /* the TCP peer's address */
    bool tls;             /* arrived over TLS */
    bool http10;          /* an HTTP/1.0 request (Host optional) */
    const char *host;     /* Host */
    const char *origin;   /* Origin (upgrades) */
    const char *xf_host;  /* X-Forwarded-Host, last value */
    const char *xf_proto; /* X-Forwarded-Proto, last value */
} rc_edge_request;

/* The verdict on a request: 0 (serve it) or the HTTP status to refuse it
 * with: 400 (no Host on HTTP/1.1 or an upgrade, a bad Host), 421 (a Host not ours: DNS rebinding), 403 (an
 * upgrade from a foreign Origin). *why says which, for the log. */
unsigned rc_edge_rules_check(const rc_edge_rules *r, const rc_edge_request *q, bool upgrade,
                             const char **why);

#endif
