/*
 * The login form's body: application/x-www-form-urlencoded, at most
 * RC_AUTH_BODY_MAX bytes (login.c refuses more before it is read). Fields
 * are looked up by name, the first occurrence wins; '+' is a space.
 */
#include <string.h>

#include "server/auth.h"

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into out; false on a bad escape, a NUL or no room. */
static bool decode(const char *s, size_t n, char *out, size_t cap) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') c = ' ';
        else if (c == '%') {
            if (i + 2 >= n) return false;
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0' || o + 1 >= cap) return false;
        out[o++] = c;
    }
    out[o] = '\0';
    return true;
}

bool rc_auth_form_get(const char *body, size_t len, const char *name, char *out, size_t cap) {
    size_t nl = strlen(name);
    if (!cap) return false;
    for (size_t i = 0; i < len;) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        const char *eq = memchr(body + i, '=', end - i);
        if (eq && (size_t)(eq - (body + i)) == nl && memcmp(body + i, name, nl) == 0) {
            size_t v = (size_t)(eq - body) + 1;
            return decode(body + v, end - v, out, cap);
        }
        i = end + 1;
    }
    return false;
}
