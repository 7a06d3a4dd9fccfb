/*
 * The relay's frames (transfer_relay.c), pure. Binary, big-endian, one of
 * each per relayed request on its own Unix connection, so no ids and no
 * multiplexing:
 *
 *   request  "R1" kind:1 flags:1 (1: HEAD) token:34 total:8 nlen:2 name
 *            then, for an upload, exactly total bytes of body
 *   answer   "A1" status:2 flags:1 (1: close) size:8 tlen:1 type nlen:2
 *            text, then, for a download's 200 (not HEAD), size bytes
 *
 * Lengths are checked against the fields' limits and no string may hold
 * a NUL: a frame that breaks any rule is malformed and its connection is
 * closed; the peer is another worker of the same user (SO_PEERCRED), so a
 * bad frame means a bug or a version skew, never something to repair.
 */
#include <string.h>

#include "server/transfer.h"

static void put_u(unsigned char *p, uint64_t v, int n) {
    for (int i = n - 1; i >= 0; i--, v >>= 8) p[i] = (unsigned char)(v & 0xff);
}

static uint64_t get_u(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

/* A string field of len bytes with no NUL, into out (NUL-terminated). */
static bool get_s(char *out, const unsigned char *p, size_t len) {
    if (memchr(p, 0, len)) return false;
    memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

#define REQ_FIXED (2 + 1 + 1 + RC_XFER_TOKEN_LEN + 8 + 2)

size_t rc_xfer_req_encode(const rc_xfer_req *r, unsigned char *out, size_t cap) {
    size_t nl = strlen(r->name);
    if ((r->kind != RC_XFER_UPLOAD && r->kind != RC_XFER_DOWNLOAD) || !rc_xfer_token_ok(r->token) ||
        nl > RC_XFER_NAME_MAX || REQ_FIXED + nl > cap)
        return 0;
    unsigned char *p = out;
    *p++ = 'R';
    *p++ = '1';
    *p++ = (unsigned char)r->kind;
    *p++ = r->head ? 1 : 0;
    memcpy(p, r->token, RC_XFER_TOKEN_LEN);
    p += RC_XFER_TOKEN_LEN;
    put_u(p, r->total, 8);
    put_u(p + 8, nl, 2);
    memcpy(p + 10, r->name, nl);
    return REQ_FIXED + nl;
}

long rc_xfer_req_decode(rc_xfer_req *r, const unsigned char *in, size_t len) {
    static const unsigned char magic[2] = {'R', '1'};
    if (memcmp(in, magic, len < 2 ? len : 2) != 0) return -1;
    if (len < REQ_FIXED) return 0;
    const unsigned char *p = in + 2;
    unsigned kind = p[0], flags = p[1];
    p += 2;
    if ((kind != RC_XFER_UPLOAD && kind != RC_XFER_DOWNLOAD) || flags > 1 ||
        (flags && kind != RC_XFER_DOWNLOAD))
        return -1;
    memcpy(r->token, p, RC_XFER_TOKEN_LEN);
    r->token[RC_XFER_TOKEN_LEN] = '\0';
    if (!rc_xfer_token_ok(r->token)) return -1;
    p += RC_XFER_TOKEN_LEN;
    r->kind = (rc_xfer_kind)kind;
    r->head = flags == 1;
    r->total = get_u(p, 8);
    size_t nl = (size_t)get_u(p + 8, 2);
    if (nl > RC_XFER_NAME_MAX || (kind == RC_XFER_DOWNLOAD && r->total)) return -1;
    if (len < REQ_FIXED + nl) return 0;
    if (!get_s(r->name, p + 10, nl)) return -1;
    return (long)(REQ_FIXED + nl);
}

size_t rc_xfer_ans_encode(const rc_xfer_ans *a, unsigned char *out, size_t cap) {
    size_t tl = strlen(a->type), nl = strlen(a->text);
    if (a->status < 100 || a->status > 599 || tl > RC_XFER_TYPE_MAX || nl > RC_XFER_NAME_MAX ||
        16 + tl + nl > cap)
        return 0;
    unsigned char *p = out;
    *p++ = 'A';
    *p++ = '1';
    put_u(p, a->status, 2);
    p[2] = a->close ? 1 : 0;
    put_u(p + 3, a->size, 8);
    p[11] = (unsigned char)tl;
    memcpy(p + 12, a->type, tl);
    put_u(p + 12 + tl, nl, 2);
    memcpy(p + 14 + tl, a->text, nl);
    return 16 + tl + nl;
}

long rc_xfer_ans_decode(rc_xfer_ans *a, const unsigned char *in, size_t len) {
    static const unsigned char magic[2] = {'A', '1'};
    if (memcmp(in, magic, len < 2 ? len : 2) != 0) return -1;
    if (len < 14) return 0;
    unsigned status = (unsigned)get_u(in + 2, 2), flags = in[4];
    size_t tl = in[13];
    if (status < 100 || status > 599 || flags > 1 || tl > RC_XFER_TYPE_MAX) return -1;
    if (len < 16 + tl) return 0;
    size_t nl = (size_t)get_u(in + 14 + tl, 2);
    if (nl > RC_XFER_NAME_MAX) return -1;
    if (len < 16 + tl + nl) return 0;
    if (!get_s(a->type, in + 14, tl) || !get_s(a->text, in + 16 + tl, nl)) return -1;
    a->status = status;
    a->close = flags == 1;
    a->size = get_u(in + 5, 8);
    return (long)(16 + tl + nl);
}
