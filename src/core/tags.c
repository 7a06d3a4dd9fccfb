/*
 * Tag names the builder need not copy: the HTML and SVG elements pages are
 * made of, as static strings.
 *
 * Why: rc_open copied every element's tag into the render's arena (5 bytes
 * for a "span" with its NUL and padding, kept as long as the output), and
 * the diff compared two renders' tags with strcmp. A tag found here is this
 * table's pointer in every render, so most comparisons are a pointer's and
 * most elements carry no copy. Any other tag is copied as before.
 */
#include <string.h>

#include "core/internal.h"

/* By length, so a lookup compares a handful of candidates at most. */
static const char *const len1[] = {"a", "b", "i", "p", "q", "s", "u", "g", NULL};
static const char *const len2[] = {"li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4",
                                   "h5", "h6", "em", "br", "hr", "dl", "dt", "dd", NULL};
static const char *const len3[] = {"div", "img", "nav", "pre", "sup", "sub", "svg", "col",
                                   "del", "ins", "kbd", "var", "wbr", "use", NULL};
static const char *const len4[] = {"span", "form", "main", "code", "path", "rect", "line", "text",
                                   "abbr", "cite", "mark", "time", "area", "link", "meta", "body",
                                   "head", "html", "menu", "samp", "data", "defs", NULL};
static const char *const len5[] = {"table", "tbody", "thead", "tfoot", "input", "label",
                                   "small", "video", "audio", "aside", "style", "title",
                                   "image", "tspan", "meter", "track", NULL};
static const char *const len6[] = {"button", "select", "option", "strong", "header",
                                   "footer", "figure", "canvas", "circle", "legend",
                                   "output", "dialog", "source", "script", "iframe",
                                   "object", "symbol", "marker", "filter", NULL};
static const char *const len7[] = {"section", "article", "summary", "details", "caption", "address",
                                   "ellipse", "polygon", "picture", "pattern", NULL};
static const char *const len8[] = {"textarea", "fieldset", "progress", "template",
                                   "polyline", "datalist", "optgroup", "colgroup",
                                   "noscript", "clipPath", NULL};
static const char *const len10[] = {"blockquote", "figcaption", NULL};
static const char *const *const by_len[] = {NULL, len1, len2, len3, len4, len5,
                                            len6, len7, len8, NULL, len10};

/* Checked by tests/unit/test_tags.c: every entry sits under its length. */
const char *const *rc_tags_of_length(size_t len) {
    return len < sizeof by_len / sizeof *by_len ? by_len[len] : NULL;
}

const char *rc_tag_intern(const char *tag, size_t len) {
    if (len >= sizeof by_len / sizeof *by_len || !by_len[len]) return NULL;
    /* A loop, not memcmp: tags are a few bytes, and the call cost more
     * than the compare (a 1,000-row table opens 6,000 elements). */
    for (const char *const *t = by_len[len]; *t; t++) {
        const char *c = *t;
        size_t i = 0;
        while (i < len && c[i] == tag[i]) i++;
        if (i == len) return c;
    }
    return NULL;
}
