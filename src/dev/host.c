/*
 * The Host rule for the runner's own answers (docs/security.md, "Dev
 * runner"): its 503 page shows compiler output (file paths, source lines),
 * so a page on another site that rebinds its DNS name to this machine must
 * not read it. The rule is the app's (src/server/origin.c, linked as is: it
 * has no lws in it); this file only reads the request head the runner
 * received into the form those rules take.
 *
 * Anything unusual is refused rather than guessed at: two Host lines, a
 * value too long to keep, a NUL, a folded line. Browsers send none of these.
 */
#include <stdio.h>
#include <string.h>

#include "dev/runner.h"

/* One header value as kept: absent (NULL), or copied whole. */
typedef struct field {
    char buf[320]; /* longer than any Host rc_host_parse accepts (253 + port) */
    const char *value;
    unsigned count;
    bool too_long;
} field;

static bool same_name(const char *line, size_t n, const char *name) {
    size_t k = strlen(name);
    if (n != k) return false;
    for (size_t i = 0; i < k; i++) {
        char c = line[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != name[i]) return false;
    }
    return true;
}

/* Keeps value (n bytes, trimmed) in f; a later line replaces an earlier
 * one, as the last X-Forwarded-* entry is the nearest proxy's. */
static void keep(field *f, const char *v, size_t n) {
    f->count++;
    while (n && (*v == ' ' || *v == '\t')) v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
    f->too_long = n >= sizeof f->buf;
    if (f->too_long) n = 0;
    memcpy(f->buf, v, n);
    f->buf[n] = '\0';
    f->value = f->buf;
}

/* The last entry of a comma list, trimmed (edge.c's rule). */
static const char *last_item(field *f) {
    if (!f->value) return NULL;
    char *p = strrchr(f->buf, ',');
    p = p ? p + 1 : f->buf;
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

/* Whether a token list (Upgrade: websocket, h2c) names websocket. */
static bool has_websocket(const char *v, size_t n) {
    for (size_t i = 0; i + 9 <= n; i++)
        if (same_name(v + i, 9, "websocket")) return true;
    return false;
}

typedef struct head_fields {
    field host, origin, xf_host, xf_proto;
    bool upgrade, http10;
} head_fields;

/* Reads the lines after the request line; false when one is malformed. */
static bool read_fields(const char *p, const char *end, head_fields *h) {
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        size_t n = (size_t)(stop - p);
        if (n && p[n - 1] == '\r') n--;
        if (n == 0) break;                         /* the empty line: the head's end */
        if (*p == ' ' || *p == '\t') return false; /* obsolete line folding */
        const char *colon = memchr(p, ':', n);
        if (!colon) return false;
        size_t nn = (size_t)(colon - p);
        const char *v = colon + 1;
        size_t vn = n - nn - 1;
        if (same_name(p, nn, "host")) keep(&h->host, v, vn);
        else if (same_name(p, nn, "origin")) keep(&h->origin, v, vn);
        else if (same_name(p, nn, "x-forwarded-host")) keep(&h->xf_host, v, vn);
        else if (same_name(p, nn, "x-forwarded-proto")) keep(&h->xf_proto, v, vn);
        else if (same_name(p, nn, "upgrade")) h->upgrade = h->upgrade || has_websocket(v, vn);
        p = stop + 1;
    }
    return true;
}

unsigned dev_request_check(const rc_edge_rules *rules, const char *head, size_t len,
                           const char *peer, const char **why) {
    head_fields h = {0};
    if (memchr(head, '\0', len)) return *why = "NUL in the request", 400;
    const char *end = head + len;
    const char *nl = memchr(head, '\n', len);
    if (!nl) return *why = "no request line", 400;
    size_t rl = (size_t)(nl - head);
    if (rl && head[rl - 1] == '\r') rl--;
    h.http10 = rl >= 9 && memcmp(head + rl - 9, " HTTP/1.0", 9) == 0;
    if (!read_fields(nl + 1, end, &h)) return *why = "malformed header line", 400;
    if (h.host.count > 1) return *why = "more than one Host header", 400;
    if (h.host.too_long || h.origin.too_long || h.xf_host.too_long || h.xf_proto.too_long)
        return *why = "header value too long", 400;
    rc_edge_request q = {
        .peer = peer,
        .http10 = h.http10,
        .host = h.host.value,
        .origin = h.origin.value,
        .xf_host = last_item(&h.xf_host),
        .xf_proto = last_item(&h.xf_proto),
    };
    return rc_edge_rules_check(rules, &q, h.upgrade, why);
}
