/*
 * A layout's roots as HTML: the server-rendered first paint (html.h).
 *
 * The rule throughout is "the DOM the client would have created", which an
 * HTML parser does not always build from the obvious markup:
 *  - it merges adjacent texts and drops empty ones: a separator comment
 *    (<!--,-->) goes between two texts, a marker comment (<!---->) stands
 *    for an empty one; hydration removes the first and turns the second
 *    into an empty text node;
 *  - it inserts <tbody> between <table> and <tr>: rows written straight
 *    into a table get an explicit <tbody data-reactc-tbody> that hydration
 *    unwraps (an explicit one stops the parser from adding its own);
 *  - it drops the newline right after <pre>, <textarea> and <listing>: a
 *    text that starts with one gets a second;
 *  - it normalises CR and CRLF to LF: a CR is written as &#13;;
 *  - raw-text elements (<style>, <script>...) take no escapes and no
 *    comments, and RCDATA ones (<textarea>, <title>) no comments: their
 *    content is written only when it is one text the parser reads back
 *    as it is, else left to the first tree (hydration fills it);
 *  - some tags are never built where they stand (<body>, <template>'s
 *    children, <image> that becomes <img>, <plaintext> that would swallow
 *    the rest of the page): such an element is not written at all, and the
 *    first tree creates it.
 * What the writer cannot foresee (a <div> inside a <p>, which the parser
 * closes; a <pre> inside <svg>, which leaves foreign content) only costs
 * node identity: the first tree's reconcile repairs the DOM (the page is
 * right, with mutations).
 *
 * Attributes follow client/src/attrs.ts: className and htmlFor become class
 * and for; on* names and URL attributes the client refuses are not written
 * (the same verdict, rc_attr_classify); checked and selected "false" are
 * left out (the client sets the property, and a present attribute would
 * check the box); names setAttribute would refuse are left out. A
 * select's value, which no parser reads, marks the option that has it
 * selected instead.
 */
#include "wire/html.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/attr_check.h"

typedef enum ns_kind { NS_HTML, NS_SVG, NS_MATH } ns_kind;

typedef struct writer {
    rc_buf *b;
    size_t limit;    /* b->len past which writing stops */
    bool over;       /* the limit was passed */
    bool after_text; /* the last sibling written is a non-empty text */
    /* Inside a <select> with a value: that value, and whether an option
     * has been marked selected for it (the first that has it, as
     * select.value = v picks). */
    const char *select_value;
    bool select_hit;
} writer;

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static bool same(const char *a, const char *lit) {
    while (*lit && lower(*a) == *lit) a++, lit++;
    return !*a && !*lit;
}

static bool one_of(const char *tag, const char *const *list) {
    for (; *list; list++)
        if (same(tag, *list)) return true;
    return false;
}

static const char *const VOIDS[] = {"area",  "base",  "br",     "col",  "embed", "hr",
                                    "img",   "input", "link",   "meta", "param", "source",
                                    "track", "wbr",   "keygen", NULL};
/* Raw text: no escapes, ends at the first "</". noscript is raw text when
 * scripting is on, as it is for every page that hydrates. */
static const char *const RAWS[] = {"script",  "style",    "xmp",      "iframe",
                                   "noembed", "noframes", "noscript", NULL};
static const char *const RCDATAS[] = {"textarea", "title", NULL};
static const char *const NEWLINE_EATERS[] = {"pre", "textarea", "listing", NULL};
/* Not built where they stand by a parser reading a body (see above). */
static const char *const UNWRITABLE[] = {"html",     "head",  "body",      "frameset", "frame",
                                         "template", "image", "plaintext", NULL};

static void raw(writer *w, const char *s) { rc_buf_append(w->b, s, strlen(s)); }

/* Text (attr false) or an attribute value in double quotes (attr true). */
static void escaped(writer *w, const char *s, size_t n, bool attr) {
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = attr ? NULL : "&lt;"; break;
        case '>': rep = attr ? NULL : "&gt;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        case '\r': rep = "&#13;"; break; /* else read back as LF */
        case '\0': rep = ""; break;      /* no markup makes a NUL: the first tree sets it */
        default: rep = NULL;
        }
        if (!rep) continue;
        rc_buf_append(w->b, s + from, i - from);
        raw(w, rep);
        from = i + 1;
    }
    rc_buf_append(w->b, s + from, n - from);
}

/* A tag createElement takes and a parser reads back as one name. */
static bool valid_tag(const char *t) {
    if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z'))) return false;
    for (; *t; t++) {
        char c = *t;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok) return false;
    }
    return true;
}

/* An attribute name setAttribute takes and a parser reads back as one. */
static bool valid_attr(const char *a) {
    if (!*a) return false;
    for (; *a; a++) {
        unsigned char c = (unsigned char)*a;
        if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '>' || c == '/' || c == '=' ||
            c == '<')
            return false;
    }
    return true;
}

/* The first DOM node of a list of children (components expanded). */
static const rc_node *first_dom(const rc_node *n) {
    for (size_t i = 0; i < rc_node_count_children(n); i++) {
        const rc_node *c = rc_node_get_child(n, i);
        if (rc_node_get_kind(c) != RC_NODE_COMPONENT) return c;
        const rc_node *r = first_dom(c);
        if (r) return r;
    }
    return NULL;
}

/* Counts n's DOM children (components expanded) into *count, the last
 * text seen into *text. */
static void count_dom(const rc_node *n, size_t *count, const rc_node **text) {
    for (size_t i = 0; i < rc_node_count_children(n) && *count < 2; i++) {
        const rc_node *c = rc_node_get_child(n, i);
        if (rc_node_get_kind(c) == RC_NODE_COMPONENT) {
            count_dom(c, count, text);
            continue;
        }
        ++*count;
        if (rc_node_get_kind(c) == RC_NODE_TEXT) *text = c;
        else *text = NULL;
    }
}

/* The element's sole text child, or NULL (none, or more than a text). */
static const rc_node *sole_text(const rc_node *n) {
    size_t count = 0;
    const rc_node *text = NULL;
    count_dom(n, &count, &text);
    return count == 1 ? text : NULL;
}

static bool starts_with_newline(const rc_node *text) {
    size_t len;
    const char *t = text ? rc_node_get_text(text, &len) : NULL;
    return t && len && t[0] == '\n';
}

static const char *attr_of(const rc_node *n, const char *name) {
    for (size_t i = 0; i < rc_node_count_attrs(n); i++)
        if (strcmp(rc_node_get_attr_name(n, i), name) == 0) return rc_node_get_attr_value(n, i);
    return NULL;
}

static void append_texts(rc_buf *b, const rc_node *n) {
    for (size_t i = 0; i < rc_node_count_children(n); i++) {
        const rc_node *c = rc_node_get_child(n, i);
        if (rc_node_get_kind(c) == RC_NODE_TEXT) {
            size_t len;
            const char *t = rc_node_get_text(c, &len);
            rc_buf_append(b, t, len);
        } else if (rc_node_get_kind(c) != RC_NODE_ERROR) append_texts(b, c);
    }
}

static bool ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Whether an option's value (its value attribute, else its text with
 * white space stripped and collapsed, as HTMLOptionElement.value) is v. */
static bool option_is(const rc_node *n, const char *v) {
    const char *own = attr_of(n, "value");
    if (own) return strcmp(own, v) == 0;
    rc_buf t;
    rc_buf_init(&t);
    append_texts(&t, n);
    size_t o = 0; /* stripped and collapsed in place: o never passes i */
    bool space = false;
    for (size_t i = 0; i < t.len; i++) {
        if (ascii_space(t.data[i])) {
            space = o > 0;
            continue;
        }
        if (space) t.data[o++] = ' ';
        space = false;
        t.data[o++] = t.data[i];
    }
    bool same_value = o == strlen(v) && memcmp(t.data ? t.data : "", v, o) == 0;
    rc_buf_free(&t);
    return same_value;
}

/* An option in a select with a value: selected is what the select's value
 * says, not the option's own attribute (the client sets the select's value
 * after building its options, which decides). */
static void write_selected(writer *w, const rc_node *n) {
    if (w->select_hit || !option_is(n, w->select_value)) return;
    w->select_hit = true;
    raw(w, " selected");
}

static void write_attrs(writer *w, const rc_node *n, ns_kind own) {
    const char *tag = rc_node_get_tag(n), *key = rc_node_get_key(n);
    if (key) {
        raw(w, " data-reactc-key=\"");
        escaped(w, key, strlen(key), true);
        rc_buf_putc(w->b, '"');
    }
    for (size_t i = 0; i < rc_node_count_attrs(n); i++) {
        const char *name = rc_node_get_attr_name(n, i), *value = rc_node_get_attr_value(n, i);
        if (strcmp(name, "className") == 0) name = "class";
        else if (strcmp(name, "htmlFor") == 0) name = "for";
        if (!valid_attr(name)) continue;
        size_t len = strlen(value);
        if (rc_attr_classify(name, value, len, NULL, 0) != RC_ATTR_OK) continue;
        if (own == NS_HTML && w->select_value && same(name, "selected") && same(tag, "option"))
            continue;
        if (own == NS_HTML && strcmp(value, "false") == 0 &&
            ((same(name, "checked") && same(tag, "input")) ||
             (same(name, "selected") && same(tag, "option"))))
            continue;
        rc_buf_putc(w->b, ' ');
        raw(w, name);
        raw(w, "=\"");
        escaped(w, value, len, true);
        rc_buf_putc(w->b, '"');
    }
    if (own == NS_HTML && w->select_value && same(tag, "option")) write_selected(w, n);
}

static void write_item(writer *w, const rc_node *n, ns_kind ns, bool *tbody);

/* The children of n as siblings among themselves; tbody is non-NULL when n
 * is an HTML table. */
static void write_children(writer *w, const rc_node *n, ns_kind ns, bool *tbody) {
    for (size_t i = 0; i < rc_node_count_children(n) && !w->over; i++)
        write_item(w, rc_node_get_child(n, i), ns, tbody);
}

/* The content of a raw-text or RCDATA element: one text the parser reads
 * back as it is, or nothing. */
static void write_text_only(writer *w, const rc_node *n, bool rcdata) {
    const rc_node *t = sole_text(n);
    if (!t) return;
    size_t len;
    const char *s = rc_node_get_text(t, &len);
    if (rcdata) {
        if (same(rc_node_get_tag(n), "textarea") && starts_with_newline(t)) rc_buf_putc(w->b, '\n');
        escaped(w, s, len, false);
        return;
    }
    /* A script's text would run here before the client decides it should
     * (the client's own element runs it): never written. */
    if (same(rc_node_get_tag(n), "script") || memchr(s, '\r', len) || memchr(s, '\0', len)) return;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '<' && s[i + 1] == '/') return;
    rc_buf_append(w->b, s, len);
}

static void write_element(writer *w, const rc_node *n, ns_kind ns) {
    const char *tag = rc_node_get_tag(n);
    if (!valid_tag(tag) || (ns == NS_HTML && one_of(tag, UNWRITABLE))) return;
    ns_kind own = strcmp(tag, "svg") == 0 ? NS_SVG : strcmp(tag, "math") == 0 ? NS_MATH : ns;
    rc_buf_putc(w->b, '<');
    raw(w, tag);
    write_attrs(w, n, own);
    rc_buf_putc(w->b, '>');
    if (own == NS_HTML && one_of(tag, VOIDS)) return; /* children: left to the first tree */
    if (own == NS_HTML && (one_of(tag, RAWS) || one_of(tag, RCDATAS))) {
        write_text_only(w, n, one_of(tag, RCDATAS));
    } else {
        ns_kind inner = own == NS_SVG && strcmp(tag, "foreignObject") != 0 ? NS_SVG
                        : own == NS_MATH                                   ? NS_MATH
                                                                           : NS_HTML;
        const rc_node *first = first_dom(n);
        if (own == NS_HTML && one_of(tag, NEWLINE_EATERS) && first &&
            rc_node_get_kind(first) == RC_NODE_TEXT && starts_with_newline(first))
            rc_buf_putc(w->b, '\n');
        bool table = own == NS_HTML && same(tag, "table"), tbody = false;
        /* A select's value is no attribute a parser reads: the option it
         * picks is marked selected instead. None: the first tree sets it. */
        const char *outer_value = w->select_value;
        bool outer_hit = w->select_hit, select = own == NS_HTML && same(tag, "select");
        if (select) {
            w->select_value = attr_of(n, "value");
            w->select_hit = false;
        }
        w->after_text = false;
        write_children(w, n, inner, table ? &tbody : NULL);
        if (select) {
            w->select_value = outer_value;
            w->select_hit = outer_hit;
        }
        if (tbody) raw(w, "</tbody>");
    }
    raw(w, "</");
    raw(w, tag);
    rc_buf_putc(w->b, '>');
}

static void write_item(writer *w, const rc_node *n, ns_kind ns, bool *tbody) {
    if (w->over) return;
    size_t len;
    const char *t;
    switch (rc_node_get_kind(n)) {
    case RC_NODE_COMPONENT: write_children(w, n, ns, tbody); return;
    case RC_NODE_TEXT:
        t = rc_node_get_text(n, &len);
        if (!len) {
            raw(w, "<!---->"); /* an empty text: hydration makes it one */
            w->after_text = false;
            return;
        }
        if (w->after_text) raw(w, "<!--,-->"); /* two texts stay two */
        escaped(w, t, len, false);
        w->after_text = true;
        return;
    case RC_NODE_ERROR:
        /* As the client shows a failed component (model.ts errorNode). */
        t = rc_node_get_text(n, &len);
        raw(w, "<pre class=\"rc-error\">");
        if (len && t[0] == '\n') rc_buf_putc(w->b, '\n');
        escaped(w, t, len, false);
        raw(w, "</pre>");
        break;
    case RC_NODE_ELEMENT: {
        /* Rows straight in a table: in a tbody of ours, as the parser
         * would put them in one of its own. */
        bool row = same(rc_node_get_tag(n), "tr");
        if (tbody && row && !*tbody) raw(w, "<tbody data-reactc-tbody>");
        if (tbody && !row && *tbody) raw(w, "</tbody>");
        if (tbody) *tbody = row;
        write_element(w, n, ns);
        break;
    }
    }
    w->after_text = false;
    if (w->b->len > w->limit) w->over = true;
}

static size_t limit_of(const rc_buf *b, size_t max) {
    return max > SIZE_MAX - b->len ? SIZE_MAX : b->len + max;
}

int rc_wire_html(rc_buf *b, const rc_layout *l, size_t max) {
    writer w = {.b = b, .limit = limit_of(b, max)};
    for (size_t i = 0; i < rc_layout_count_roots(l) && !w.over; i++)
        write_item(&w, rc_layout_get_root(l, i), NS_HTML, NULL);
    return w.over ? -1 : 0;
}

int rc_wire_html_node(rc_buf *b, const rc_node *n, size_t max) {
    writer w = {.b = b, .limit = limit_of(b, max)};
    write_item(&w, n, NS_HTML, NULL);
    return w.over ? -1 : 0;
}
