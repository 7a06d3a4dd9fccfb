/*
 * The network edge on lws: reads a request's Host, Origin and X-Forwarded-*
 * headers and its TCP peer, asks origin.c's rules for a verdict, and logs
 * refusals (escaped and rate-limited by log.c). Where it is called (docs/security.md, "The network edge"):
 *
 *   LWS_CALLBACK_HTTP                  every page, bundle and static file
 *                                      (http.c answers 400 or 421)
 *   LWS_CALLBACK_HTTP_CONFIRM_UPGRADE  every upgrade, before lws answers 101:
 *                                      the only place a refused upgrade can
 *                                      still get an HTTP status (400, 421, 403)
 *   LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION  again, as a backstop for an
 *                                      upgrade that reached it another way
 *                                      (it can only hang up)
 */
#include <stdio.h>
#include <string.h>

#include "server/origin.h"
#include "server/server.h"

/* Header values as copied from lws; a value too long for its buffer is
 * kept as "" so it is refused as malformed rather than read as absent. */
typedef struct edge_headers {
    char peer[64], host[320], origin[320], xf_host[320], xf_proto[16], xf_for[320];
} edge_headers;

static char *token(struct lws *wsi, enum lws_token_indexes t, char *buf, size_t cap) {
    if (lws_hdr_total_length(wsi, t) <= 0) return NULL;
    if (lws_hdr_copy(wsi, buf, (int)cap, t) < 0) buf[0] = '\0';
    return buf;
}

static char *custom(struct lws *wsi, const char *name, char *buf, size_t cap) {
    int nlen = (int)strlen(name);
    if (lws_hdr_custom_length(wsi, name, nlen) < 0) return NULL;
    if (lws_hdr_custom_copy(wsi, buf, (int)cap, name, nlen) < 0) buf[0] = '\0';
    return buf;
}

/* The last entry of a comma list, trimmed: the one the nearest proxy added
 * (anything before it came from further away, possibly the client). */
static char *last_item(char *list) {
    if (!list) return NULL;
    char *p = strrchr(list, ',');
    p = p ? p + 1 : list;
    while (*p == ' ' || *p == '\t') p++;
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) p[--n] = '\0';
    return p;
}

/* lws has no call for the request's HTTP version, but writes it into the
 * status lines it makes (here into a scratch buffer, nothing sent). */
static bool is_http10(struct lws *wsi) {
    unsigned char buf[128], *p = buf;
    if (lws_add_http_header_status(wsi, 200 | LWSAHH_FLAG_NO_SERVER_NAME, &p, buf + sizeof buf))
        return false;
    return p - buf >= 8 && memcmp(buf, "HTTP/1.0", 8) == 0;
}

static void read_request(struct lws *wsi, edge_headers *h, rc_edge_request *q) {
    memset(q, 0, sizeof *q);
    h->peer[0] = '\0';
    lws_get_peer_simple(wsi, h->peer, sizeof h->peer);
    q->peer = h->peer;
    q->tls = lws_is_ssl(wsi) != 0;
    q->http10 = is_http10(wsi);
    q->host = token(wsi, WSI_TOKEN_HOST, h->host, sizeof h->host);
    q->origin = token(wsi, WSI_TOKEN_ORIGIN, h->origin, sizeof h->origin);
    /* nginx and HAProxy (deploy/) set these two, replacing what the client
     * sent, so there is one of each; a list still counts by its last entry. */
    q->xf_host = last_item(custom(wsi, "x-forwarded-host:", h->xf_host, sizeof h->xf_host));
    q->xf_proto = last_item(custom(wsi, "x-forwarded-proto:", h->xf_proto, sizeof h->xf_proto));
}

/* The client's address for the log: X-Forwarded-For's last entry when the
 * peer is a trusted proxy, else the peer. */
static const char *client_addr(rc_server *s, struct lws *wsi, edge_headers *h) {
    if (!rc_edge_rules_trust_peer(&s->edge, h->peer)) return h->peer;
    char *xff = token(wsi, WSI_TOKEN_X_FORWARDED_FOR, h->xf_for, sizeof h->xf_for);
    return xff && *xff ? last_item(xff) : h->peer;
}

/* The refusal, in the server's log: log.c escapes what the client sent (a
 * header cannot forge a line) and limits repeats of this line (a flood of
 * refused requests logs a bounded number, then a count). */
static void log_refusal(rc_server *s, struct lws *wsi, edge_headers *h, const rc_edge_request *q,
                        rc_edge_kind kind, unsigned status, const char *why) {
    static const char *const what[] = {"a request", "a WebSocket", "a POST"};
    rc_srv_log(s, RC_LOG_WARN, "refused %s from %.64s: %s (Host \"%.100s\", Origin \"%.100s\"): %u",
               what[kind], client_addr(s, wsi, h), why, q->host ? q->host : "(none)",
               q->origin ? q->origin : "(none)", status);
}

unsigned rc_edge_check(rc_server *s, struct lws *wsi, rc_edge_kind kind) {
    edge_headers h;
    rc_edge_request q;
    read_request(wsi, &h, &q);
    const char *why = "";
    unsigned status = rc_edge_rules_check(&s->edge, &q, kind != RC_EDGE_REQUEST, &why);
    if (status) {
        log_refusal(s, wsi, &h, &q, kind, status, why);
        s->metrics.edge[rc_metrics_edge_reason(status)]++;
    }
    return status;
}

void rc_edge_client(rc_server *s, struct lws *wsi, char *buf, size_t cap) {
    edge_headers h;
    h.peer[0] = '\0';
    lws_get_peer_simple(wsi, h.peer, sizeof h.peer);
    snprintf(buf, cap, "%s", client_addr(s, wsi, &h));
}
