/*
 * Route matching: patterns of literal segments, ":name" parameters and a
 * final "*" rest, matched against the location's pathname; rc_routes
 * renders the first match's component under a context naming its pattern,
 * from which rc_use_param re-reads the parameters; rc_use_query reads the
 * search.
 *
 * Parameters are not kept anywhere: rc_use_param matches the pattern
 * against the current pathname again, into the render's arena. So the
 * context's value is the pattern's address alone, which changes only when
 * another route matches, and a changed parameter re-renders its readers
 * through their read of the location, not every component of the route.
 */
#include <string.h>

#include "core/internal.h"

static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes src (n bytes) into dst (cap bytes with the NUL); '+' is
 * a space when `plus` (queries, as forms write them). Returns the length,
 * or -1 on a bad escape, an encoded NUL or no room. */
static long decode(const char *src, size_t n, char *dst, size_t cap, bool plus) {
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)src[i];
        if (c == '%') {
            int hi, lo;
            if (i + 2 >= n) return -1;
            hi = hex(src[i + 1]);
            lo = hex(src[i + 2]);
            if (hi < 0 || lo < 0 || (hi | lo) == 0) return -1;
            c = hi * 16 + lo;
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        if (o + 1 >= cap) return -1;
        dst[o++] = (char)c;
    }
    if (cap == 0) return -1;
    dst[o] = '\0';
    return (long)o;
}

/* One trailing slash is not part of a path ("/todo/" is "/todo"), except
 * for the root. */
static size_t trimmed(const char *s) {
    size_t n = strlen(s);
    return n > 1 && s[n - 1] == '/' ? n - 1 : n;
}

/* Whether path matches pattern; *v and *vn: the raw value of parameter
 * name (NULL when the pattern has none of that name or name is NULL). */
static bool match(const char *pat, const char *path, const char *name, const char **v, size_t *vn) {
    size_t pn = trimmed(pat), qn = trimmed(path), i = 0, j = 0;
    *v = NULL;
    *vn = 0;
    if (!pn || !qn || pat[0] != '/' || path[0] != '/') return false;
    for (;;) {
        if (i == pn) return j == qn;
        if (pn - i == 2 && pat[i + 1] == '*') { /* the rest, after its slash */
            if (name && strcmp(name, "*") == 0) {
                *v = j < qn ? path + j + 1 : path + qn;
                *vn = j < qn ? qn - j - 1 : 0;
            }
            return true;
        }
        if (j == qn) return false;
        size_t ps = i + 1, pe = ps, qs = j + 1, qe = qs;
        while (pe < pn && pat[pe] != '/') pe++;
        while (qe < qn && path[qe] != '/') qe++;
        if (ps < pn && pat[ps] == ':') {
            if (qe == qs) return false;
            if (name && strlen(name) == pe - ps - 1 &&
                memcmp(name, pat + ps + 1, pe - ps - 1) == 0) {
                *v = path + qs;
                *vn = qe - qs;
            }
        } else if (pe - ps != qe - qs || memcmp(pat + ps, path + qs, pe - ps) != 0) {
            return false;
        }
        i = pe;
        j = qe;
    }
}

int rc_match_route(const char *pattern, const char *path, const char *name, char *value,
                   size_t cap) {
    const char *v;
    size_t vn;
    if (!pattern || !path || !match(pattern, path, name, &v, &vn)) return -1;
    if (!name) return 0;
    return decode(v ? v : "", vn, value, cap, false) < 0 ? -1 : 0;
}

/* The matched route's pattern (its address: the routes table is static). */
static const rc_context_type route_type = {"route", sizeof(const char *), NULL};

int rc_routes(rc_ctx *ctx, const rc_route *routes, size_t n) {
    const rc_location *loc = rc_use_location(ctx);
    const char *v;
    size_t vn;
    int found = -1;
    for (size_t i = 0; i < n && found < 0; i++)
        if (routes[i].pattern && match(routes[i].pattern, loc->pathname, NULL, &v, &vn))
            found = (int)i;
    const char *pattern = found >= 0 ? routes[found].pattern : NULL;
    /* Provided in every render, matched or not: a provider is a hook. */
    rc_provider_begin(ctx, &route_type, &pattern);
    if (found >= 0) rc_child(ctx, routes[found].component, pattern, NULL, 0);
    rc_provider_end(ctx);
    return found;
}

const char *rc_use_param(rc_ctx *ctx, const char *name) {
    const char *const *pattern = rc_use_context(ctx, &route_type);
    const rc_location *loc = rc_use_location(ctx);
    const char *v;
    size_t vn;
    if (!name || !pattern || !*pattern || !match(*pattern, loc->pathname, name, &v, &vn) || !v)
        return NULL;
    char *out = rc_arena_alloc(ctx->arena, vn + 1);
    return decode(v, vn, out, vn + 1, false) < 0 ? NULL : out;
}

const char *rc_use_query(rc_ctx *ctx, const char *name) {
    const rc_location *loc = rc_use_location(ctx);
    const char *s = loc->search[0] == '?' ? loc->search + 1 : loc->search;
    if (!name) return NULL;
    while (*s) {
        size_t n = strcspn(s, "&"), k = strcspn(s, "=&");
        char *key = rc_arena_alloc(ctx->arena, k + 1);
        if (decode(s, k, key, k + 1, true) >= 0 && strcmp(key, name) == 0) {
            size_t vn = k < n ? n - k - 1 : 0;
            char *out = rc_arena_alloc(ctx->arena, vn + 1);
            if (decode(s + (k < n ? k + 1 : k), vn, out, vn + 1, true) >= 0) return out;
        }
        s += n;
        if (*s == '&') s++;
    }
    return NULL;
}
