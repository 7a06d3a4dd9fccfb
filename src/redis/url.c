/*
 * The --redis URL parser. Strict: anything it does not understand is an
 * error naming the part at fault, so a typo stops the start instead of
 * connecting somewhere unexpected. The password is copied out and never
 * printed (errors name its position, not its text).
 */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "redis/url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* A decimal number lo..hi spanning exactly [s, s+n). */
static bool parse_num(const char *s, size_t n, long lo, long hi, int *out) {
    if (n == 0 || n > 9) return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v < lo || v > hi) return false;
    *out = (int)v;
    return true;
}

static int fail(char *err, size_t errlen, const char *msg) {
    snprintf(err, errlen, "bad Redis URL: %s", msg);
    return -1;
}

/* host[:port][/db] of a redis:// URL (after any userinfo). */
static int parse_tcp(const char *p, rc_redis_url *u, char *err, size_t errlen) {
    const char *host = p, *host_end;
    if (*p == '[') {
        host = p + 1;
        host_end = strchr(host, ']');
        if (!host_end) return fail(err, errlen, "'[' without ']' around an IPv6 address");
        p = host_end + 1;
    } else {
        host_end = host + strcspn(host, ":/");
        p = host_end;
    }
    size_t hl = (size_t)(host_end - host);
    if (hl == 0) return fail(err, errlen, "no host (redis://IP:port)");
    if (hl >= sizeof u->host) return fail(err, errlen, "host too long");
    memcpy(u->host, host, hl);
    u->host[hl] = '\0';
    unsigned char addr[16];
    if (inet_pton(AF_INET, u->host, addr) != 1 && inet_pton(AF_INET6, u->host, addr) != 1)
        return fail(err, errlen,
                    "the host must be an IP address (127.0.0.1, [::1]): hiredis 0.14 would "
                    "resolve a name with a blocking lookup on the event loop");
    if (*p == ':') {
        p++;
        size_t n = strcspn(p, "/");
        if (!parse_num(p, n, 1, 65535, &u->port)) return fail(err, errlen, "port not 1..65535");
        p += n;
    }
    if (*p == '/' && p[1]) {
        if (!parse_num(p + 1, strlen(p + 1), 0, 1000000, &u->db))
            return fail(err, errlen, "database not a number (redis://IP:port/2)");
    } else if (*p && strcmp(p, "/") != 0) {
        return fail(err, errlen, "unexpected text after the host");
    }
    return 0;
}

/* path[?db=N][&password=P] of a unix:// URL. */
static int parse_unix(const char *p, rc_redis_url *u, char *err, size_t errlen) {
    if (*p != '/')
        return fail(err, errlen, "the socket path must be absolute (unix:///run/x.sock)");
    size_t n = strcspn(p, "?");
    if (n >= sizeof u->path) return fail(err, errlen, "socket path too long");
    memcpy(u->path, p, n);
    u->path[n] = '\0';
    p += n;
    if (*p) p++; /* '?' */
    while (*p) {
        size_t len = strcspn(p, "&");
        if (len > 3 && strncmp(p, "db=", 3) == 0) {
            if (!parse_num(p + 3, len - 3, 0, 1000000, &u->db))
                return fail(err, errlen, "db= not a number");
        } else if (len > 9 && strncmp(p, "password=", 9) == 0) {
            if (u->password) return fail(err, errlen, "password given twice");
            u->password = rc_xstrndup(p + 9, len - 9);
        } else {
            return fail(err, errlen, "unknown query parameter (db=N and password=P are known)");
        }
        p += len;
        if (*p) p++;
    }
    return 0;
}

int rc_redis_url_parse(const char *text, rc_redis_url *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->port = 6379;
    int rc;
    if (strncmp(text, "unix://", 7) == 0) {
        out->is_unix = true;
        rc = parse_unix(text + 7, out, err, errlen);
    } else if (strncmp(text, "redis://", 8) == 0) {
        const char *p = text + 8;
        const char *at = strchr(p, '@');
        if (at) {
            /* userinfo: ":password" (Redis 6 ACL user names are not used). */
            if (*p != ':' || at == p + 1) {
                rc_redis_url_free(out);
                return fail(err, errlen, "userinfo must be :password (redis://:pw@IP:port)");
            }
            out->password = rc_xstrndup(p + 1, (size_t)(at - p - 1));
            p = at + 1;
        }
        rc = parse_tcp(p, out, err, errlen);
    } else if (strncmp(text, "rediss://", 9) == 0) {
        rc = fail(err, errlen, "rediss:// (TLS) is not supported by hiredis 0.14");
    } else {
        rc = fail(err, errlen, "must start with redis:// or unix://");
    }
    if (rc) rc_redis_url_free(out);
    return rc;
}

void rc_redis_url_free(rc_redis_url *u) {
    if (u->password) {
        explicit_bzero(u->password, strlen(u->password));
        free(u->password);
        u->password = NULL;
    }
}

void rc_redis_url_describe(const rc_redis_url *u, char *buf, size_t cap) {
    const char *pw = u->password ? ":***@" : "";
    if (u->is_unix)
        snprintf(buf, cap, "unix://%s?db=%d%s", u->path, u->db, u->password ? "&password=***" : "");
    else if (strchr(u->host, ':'))
        snprintf(buf, cap, "redis://%s[%s]:%d/%d", pw, u->host, u->port, u->db);
    else snprintf(buf, cap, "redis://%s%s:%d/%d", pw, u->host, u->port, u->db);
}

int rc_redis_key_prefix(const char *app_id, char *buf, size_t cap) {
    int n = snprintf(buf, cap, "reactc:%s:", app_id);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}
