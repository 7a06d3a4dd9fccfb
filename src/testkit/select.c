/*
 * Selectors: a small documented subset, not a CSS engine. A test names
 * what it means (an id, a tag with a class, an attribute); anything the
 * subset cannot say is refused loudly rather than matched loosely.
 */
#include <stdio.h>
#include <string.h>

#include "testkit/testkit.h"

const char *rc_sel_attr(const rc_node *n, const char *name) {
    if (rc_node_get_kind(n) != RC_NODE_ELEMENT) return NULL;
    for (size_t i = 0; i < rc_node_count_attrs(n); i++)
        if (strcmp(rc_node_get_attr_name(n, i), name) == 0) return rc_node_get_attr_value(n, i);
    return NULL;
}

/* Whether the space-separated list `list` holds word. */
static bool has_word(const char *list, const char *word) {
    size_t len = strlen(word);
    for (const char *p = list; p && *p;) {
        while (*p == ' ') p++;
        const char *end = p;
        while (*end && *end != ' ') end++;
        if ((size_t)(end - p) == len && strncmp(p, word, len) == 0) return true;
        p = end;
    }
    return false;
}

bool rc_sel_part_matches(const rc_sel_part *p, const rc_node *n) {
    if (rc_node_get_kind(n) != RC_NODE_ELEMENT) return false;
    if (p->tag && strcmp(p->tag, rc_node_get_tag(n)) != 0) return false;
    if (p->id) {
        const char *id = rc_sel_attr(n, "id");
        if (!id || strcmp(id, p->id) != 0) return false;
    }
    const char *cls = rc_sel_attr(n, "class");
    for (size_t i = 0; i < p->nclasses; i++)
        if (!has_word(cls, p->classes[i])) return false;
    for (size_t i = 0; i < p->nattrs; i++) {
        const char *v = rc_sel_attr(n, p->attr_names[i]);
        if (!v || (p->attr_values[i] && strcmp(v, p->attr_values[i]) != 0)) return false;
    }
    return true;
}

static bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || (unsigned char)c >= 0x80;
}

/* Cuts a name at *pp (moving past it); NULL if there is none. The
 * character after it is saved in *next, as the cut overwrites it. */
static char *take_name(char **pp, char *next) {
    char *s = *pp, *e = s;
    while (name_char(*e)) e++;
    if (e == s) return NULL;
    *next = *e;
    *e = '\0';
    *pp = e;
    return s;
}

/* [name] or [name=value] or [name="value"], *pp just past '['. */
static int take_attr(rc_sel_part *p, char **pp, char *c) {
    if (p->nattrs == RC_SEL_MAX_ATTRS) return -1;
    char *name = take_name(pp, c);
    if (!name) return -1;
    const char *value = NULL;
    if (*c == '=') {
        char *v = *pp + 1;
        char quote = (*v == '"' || *v == '\'') ? *v++ : 0;
        char *e = v;
        while (*e && (quote ? *e != quote : *e != ']')) e++;
        if (!*e) return -1;
        if (quote) *e++ = '\0';
        if (*e != ']') return -1;
        *e = '\0';
        value = v;
        *pp = e;
        *c = ']';
    }
    if (*c != ']') return -1;
    p->attr_names[p->nattrs] = name;
    p->attr_values[p->nattrs++] = value;
    *pp += 1;
    *c = **pp;
    return 0;
}

/* One compound starting at *pp; stops at a space or the end. */
static int take_part(rc_sel_part *p, char **pp) {
    memset(p, 0, sizeof *p);
    char c = **pp;
    if (name_char(c) && !(p->tag = take_name(pp, &c))) return -1;
    while (c && c != ' ') {
        *pp += 1; /* past the '#', '.', '[' (or the restored character) */
        if (c == '#') {
            if (p->id || !(p->id = take_name(pp, &c))) return -1;
        } else if (c == '.') {
            if (p->nclasses == RC_SEL_MAX_CLASSES) return -1;
            if (!(p->classes[p->nclasses++] = take_name(pp, &c))) return -1;
        } else if (c == '[') {
            if (take_attr(p, pp, &c) < 0) return -1;
        } else {
            return -1;
        }
    }
    if (c == ' ') *pp += 1;
    return (p->tag || p->id || p->nclasses || p->nattrs) ? 0 : -1;
}

int rc_sel_parse(rc_sel *sel, const char *selector, char *err, size_t errlen) {
    memset(sel, 0, sizeof *sel);
    size_t len = selector ? strlen(selector) : 0;
    if (!len || len >= sizeof sel->text) {
        snprintf(err, errlen, "selector \"%.60s\": empty or too long", selector ? selector : "");
        return -1;
    }
    memcpy(sel->text, selector, len + 1);
    char *p = sel->text;
    while (*p == ' ') p++;
    while (*p) {
        if (sel->nparts == RC_SEL_MAX_PARTS || take_part(&sel->parts[sel->nparts++], &p) < 0) {
            snprintf(err, errlen,
                     "selector \"%s\" not understood (tag, #id, .class, [attr], [attr=value], "
                     "descendants separated by spaces)",
                     selector);
            return -1;
        }
        while (*p == ' ') p++;
    }
    return 0;
}
