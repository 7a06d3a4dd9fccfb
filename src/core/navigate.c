/*
 * Changing the location: the checks every new location passes, the
 * navigation the server owes the browser (push or replace), the browser's
 * own "@location" event, and RC_LINK's element.
 *
 * Only same-origin paths are accepted, in the form a browser's
 * location.pathname and location.search take (percent-encoded, printable
 * ASCII): a location is echoed to the browser's history (pushState) and
 * written into links, so "//evil.com" or "/\evil.com" (which browsers read
 * as another host) and "http://x" never get in, and neither does a control
 * character or a fragment. A location longer than the session keeps is
 * refused with a log line rather than truncated: a truncated path is
 * another page.
 */
#include <string.h>

#include "core/host.h"
#include "core/internal.h"

/* Printable ASCII other than the backslash (browsers read it as a slash)
 * and '#' (a fragment never reaches the server). */
static bool clean(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '#') return false;
    }
    return true;
}

bool rc_location_check(const char *pathname, size_t plen, const char *search, size_t slen) {
    if (plen == 0 || plen > RC_LOCATION_MAX_PATHNAME || pathname[0] != '/') return false;
    if (plen > 1 && pathname[1] == '/') return false;
    if (!clean(pathname, plen) || memchr(pathname, '?', plen)) return false;
    if (slen && (slen > RC_LOCATION_MAX_SEARCH || search[0] != '?')) return false;
    return clean(search, slen);
}

int rc_url_split(const char *url, char *pathname, char *search) {
    if (!url) return -1;
    const char *q = strchr(url, '?');
    size_t plen = q ? (size_t)(q - url) : strlen(url), slen = q ? strlen(q) : 0;
    if (slen == 1) slen = 0; /* "/a?" is "/a", as location.search says */
    if (!rc_location_check(url, plen, q, slen)) return -1;
    memcpy(pathname, url, plen);
    pathname[plen] = '\0';
    if (slen) memcpy(search, q, slen);
    search[slen] = '\0';
    return 0;
}

/* The server sends what it owes at its next flush: a layout nobody reads
 * the location of is not dirty, so it is woken as a dirty one would be. */
static void owe(rc_layout *l, bool replace) {
    if (!replace) l->navigation = RC_NAVIGATION_PUSH;
    else if (l->navigation == RC_NAVIGATION_NONE) l->navigation = RC_NAVIGATION_REPLACE;
    if (l->ndirty == 0 && l->opts.on_dirty && !l->freeing) l->opts.on_dirty(l, l->opts.user);
}

void rc_layout_set_location(rc_layout *l, const char *pathname, const char *search) {
    if (!pathname) pathname = "/";
    if (!search) search = "";
    if (!rc_location_check(pathname, strlen(pathname), search, strlen(search))) {
        rc_log(l, RC_LOG_WARN, "location \"%.60s%.40s\" refused: not a same-origin path", pathname,
               search);
        return;
    }
    if (rc_location_change(l, pathname, search)) owe(l, false);
}

int rc_layout_navigate(rc_layout *l, const char *url, bool replace) {
    char pathname[RC_LOCATION_MAX_PATHNAME + 1], search[RC_LOCATION_MAX_SEARCH + 1];
    if (rc_url_split(url, pathname, search) != 0) {
        rc_log(l, RC_LOG_WARN, "navigation to \"%.60s\" refused: not a same-origin path",
               url ? url : "(null)");
        return -1;
    }
    if (rc_location_change(l, pathname, search)) owe(l, replace);
    return 0;
}

rc_navigation rc_layout_take_navigation(rc_layout *l) {
    rc_navigation n = (rc_navigation)l->navigation;
    l->navigation = RC_NAVIGATION_NONE;
    return n;
}

int rc_location_event(rc_layout *l, const rc_value *data) {
    const rc_value *o = data && data->kind == RC_ARRAY ? rc_array_get(data, 0) : data;
    const rc_value *p = o && o->kind == RC_OBJECT ? rc_object_get(o, "pathname") : NULL;
    const rc_value *q = o && o->kind == RC_OBJECT ? rc_object_get(o, "search") : NULL;
    /* Lengths as sent: a NUL inside is a control character, refused. */
    if (!p || p->kind != RC_STRING || (q && q->kind != RC_STRING) ||
        !rc_location_check(p->as.str.ptr, p->as.str.len, q ? q->as.str.ptr : "",
                           q ? q->as.str.len : 0)) {
        rc_log(l, RC_LOG_WARN, "browser navigation refused: not a same-origin path");
        return -1;
    }
    /* The browser is there already: nothing is owed, and what was owed
     * before is overtaken. */
    rc_location_change(l, p->as.str.ptr, q ? q->as.str.ptr : "");
    l->navigation = RC_NAVIGATION_NONE;
    return 0;
}

void rc_open_link(rc_ctx *ctx, const char *href, const rc_el_opts *opts) {
    rc_open(ctx, "a", opts);
    rc_attr(ctx, "href", href);
    /* The client's router takes clicks on these (client/src/router.ts);
     * without script it is a plain link. */
    rc_attr(ctx, "data-reactc-link", "");
}
