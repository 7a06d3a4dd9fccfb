#include "util/logtext.h"

#include <stdint.h>

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 if the bytes
 * there are not one (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
static size_t utf8_len(const unsigned char *s) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    uint32_t cp, min;
    if (c >= 0xc2 && c <= 0xdf) n = 2, cp = c & 0x1fu, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) n = 3, cp = c & 0x0fu, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, cp = c & 0x07u, min = 0x10000;
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0; /* also stops at the NUL */
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

size_t rc_log_escape(char *out, size_t cap, const char *in) {
    static const char hex[] = "0123456789abcdef";
    if (!cap) return 0;
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    while (*s) {
        char esc[4];
        size_t n = utf8_len(s), elen = 0;
        if (n == 1 && (*s < 0x20 || *s == 0x7f || *s == '\\')) {
            esc[0] = '\\';
            if (*s == '\n') esc[1] = 'n', elen = 2;
            else if (*s == '\r') esc[1] = 'r', elen = 2;
            else if (*s == '\t') esc[1] = 't', elen = 2;
            else if (*s == '\\') esc[1] = '\\', elen = 2;
        } else if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) {
            n = 1; /* C1 control: escape its bytes */
        } else if (n) {
            if (o + n >= cap) break;
            for (size_t i = 0; i < n; i++) out[o++] = (char)s[i];
            s += n;
            continue;
        } else {
            n = 1; /* not UTF-8: this byte alone */
        }
        if (!elen) {
            esc[0] = '\\', esc[1] = 'x', esc[2] = hex[*s >> 4], esc[3] = hex[*s & 15];
            elen = 4;
        }
        if (o + elen >= cap) break;
        for (size_t i = 0; i < elen; i++) out[o++] = esc[i];
        s += n;
    }
    out[o] = '\0';
    return o;
}
