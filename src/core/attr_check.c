/*
 * The server's half of the client's attribute safety rule (attr_check.h):
 * the same verdict, reported once per process and kind.
 *
 * Why the server only reports: the client is the one place every attribute
 * passes through before it reaches the DOM (whatever server or protocol
 * sent it), so the rule is enforced there; a server that dropped the
 * attributes too would send a different tree from the one the component
 * built, and the diff, resume and the tests all rely on that tree. The
 * report is what a developer needs: a link from data that is not shown.
 *
 * Why once per process: the same component renders the same mistake on
 * every render of every session, and a log line per render would bury the
 * rest of the log (and let any visitor who controls the data flood it).
 */
#include <stdatomic.h>
#include <string.h>

#include "core/attr_check.h"
#include "core/internal.h"

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* name equals lit (lower case, same length) but for the case of letters. */
static int same(const char *name, const char *lit) {
    while (*lit && lower(*name) == *lit) name++, lit++;
    return !*lit;
}

/* Attributes whose value is a URL the browser navigates to, loads or
 * submits to: the HTML spec's index of attributes (href, src, action,
 * formaction, data of object, poster, cite, background, codebase,
 * manifest, longdesc) and SVG's xlink:href; the client's URL_ATTR. Called
 * for every attribute of every render, so by length first: most names (id,
 * class, style, value, type) are turned away with at most one comparison. */
static int is_url_attr(const char *name) {
    size_t len = 0;
    while (len < 11 && name[len]) len++;
    switch (len) {
    case 3: return same(name, "src");
    case 4: return same(name, "href") || same(name, "data") || same(name, "cite");
    case 6: return same(name, "action") || same(name, "poster");
    case 8: return same(name, "codebase") || same(name, "manifest") || same(name, "longdesc");
    case 10:
        return same(name, "xlink:href") || same(name, "formaction") || same(name, "background");
    default: return 0;
    }
}

/* The scheme as the WHATWG URL parser finds it: leading C0 controls and
 * spaces dropped, tabs and newlines ignored anywhere, an ASCII letter then
 * letters, digits, "+", "-" or "." up to a ":". No scheme (a relative URL)
 * gives 0; otherwise the scheme's length (its first cap - 1 bytes, lower
 * case, in out). */
static size_t url_scheme(const char *v, size_t len, char *out, size_t cap) {
    size_t i = 0, n = 0;
    while (i < len && (unsigned char)v[i] <= 0x20) i++;
    for (; i < len; i++) {
        char c = v[i];
        if (c == '\t' || c == '\n' || c == '\r') continue;
        if (c == ':') break;
        int ok =
            is_alpha(c) || (n > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
        if (!ok) return 0;
        if (n + 1 < cap) out[n] = lower(c);
        n++;
    }
    if (i == len) return 0; /* no ":": relative */
    out[n + 1 < cap ? n : cap - 1] = '\0';
    return n;
}

rc_attr_verdict rc_attr_classify(const char *name, const char *value, size_t len, char *scheme,
                                 size_t cap) {
    if (lower(name[0]) == 'o' && lower(name[1]) == 'n') return RC_ATTR_ON_NAME;
    if (!is_url_attr(name)) return RC_ATTR_OK;
    char buf[16];
    size_t n = url_scheme(value, len, buf, sizeof buf);
    if (n == 0) return RC_ATTR_OK;
    if (n < sizeof buf && (!strcmp(buf, "http") || !strcmp(buf, "https") ||
                           !strcmp(buf, "mailto") || !strcmp(buf, "tel")))
        return RC_ATTR_OK;
    if (scheme && cap) {
        size_t k = strlen(buf) < cap - 1 ? strlen(buf) : cap - 1;
        memcpy(scheme, buf, k);
        scheme[k] = '\0';
    }
    return RC_ATTR_BAD_URL;
}

/* Bit 1 << verdict: that kind was reported. Atomic: threads may render
 * layouts of their own. */
static atomic_uint reported;

/* name for the log: printable ASCII only, at most 40 bytes (it may come
 * from data: no newline may forge a log line). */
static void printable(char *out, size_t cap, const char *s) {
    size_t k = 0;
    for (; *s && k + 1 < cap; s++) out[k++] = *s >= 0x20 && *s < 0x7f ? *s : (char)'?';
    out[k] = '\0';
}

void rc_attr_check(rc_layout *l, const char *component, const char *name, const char *value,
                   size_t len) {
    const unsigned all = 1u << RC_ATTR_ON_NAME | 1u << RC_ATTR_BAD_URL;
    if ((atomic_load_explicit(&reported, memory_order_relaxed) & all) == all) return;
    char scheme[16];
    rc_attr_verdict v = rc_attr_classify(name, value, len, scheme, sizeof scheme);
    if (v == RC_ATTR_OK) return;
    unsigned bit = 1u << v;
    if (atomic_fetch_or_explicit(&reported, bit, memory_order_relaxed) & bit) return;
    char shown[41];
    printable(shown, sizeof shown, name);
    if (v == RC_ATTR_ON_NAME)
        rc_log(l, RC_LOG_WARN,
               "%s: attribute \"%s\" is never set by the browser client: event handlers come "
               "only from rc_on_event (reported once per process)",
               component, shown);
    else
        rc_log(l, RC_LOG_WARN,
               "%s: %s with the scheme \"%s:\" is never set by the browser client: URL "
               "attributes take only http:, https:, mailto:, tel: and relative URLs (reported "
               "once per process)",
               component, shown, scheme);
}
