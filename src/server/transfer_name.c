/*
 * The pure parts of uploads and downloads: a token's form and the
 * Content-Disposition of a download's file name, which comes from the app
 * and may hold anything (quotes, line breaks, non-ASCII). A token's first
 * two hex name the worker holding the offer (transfer_relay.c): --workers
 * is at most 256.
 */
#include <stdio.h>
#include <string.h>

#include "server/transfer.h"

bool rc_xfer_token_ok(const char *t) {
    if (!t) return false;
    size_t i = 0;
    for (; t[i]; i++)
        if (i >= RC_XFER_TOKEN_LEN ||
            !((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
            return false;
    return i == RC_XFER_TOKEN_LEN;
}

int rc_xfer_token_worker(const char *t) {
    if (!rc_xfer_token_ok(t)) return -1;
    int hi = t[0] <= '9' ? t[0] - '0' : t[0] - 'a' + 10;
    int lo = t[1] <= '9' ? t[1] - '0' : t[1] - 'a' + 10;
    return hi * 16 + lo;
}

/* RFC 5987 attr-char: what filename* may carry unencoded. */
static bool attr_char(unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           strchr("!#$&+-.^_`|~", ch) != NULL;
}

size_t rc_xfer_disposition(char *out, size_t cap, const char *name) {
    if (!name || !*name) name = "download";
    size_t n = 0;
#define PUT(ch)                     \
    do {                            \
        if (n + 1 >= cap) return 0; \
        out[n++] = (char)(ch);      \
    } while (0)
    static const char head[] = "attachment; filename=\"";
    for (const char *p = head; *p; p++) PUT(*p);
    /* The plain form for old clients: printable ASCII only, never a quote
     * or backslash (which would end or escape the quoted string). */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        PUT(*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' ? '_' : *p);
    static const char mid[] = "\"; filename*=UTF-8''";
    for (const char *p = mid; *p; p++) PUT(*p);
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (attr_char(*p)) {
            PUT(*p);
            continue;
        }
        PUT('%');
        PUT(hex[*p >> 4]);
        PUT(hex[*p & 15]);
    }
#undef PUT
    out[n] = '\0';
    return n;
}
