/*
 * Virtual DOM nodes, as built by one component render into its arena.
 *
 * A node is an element, a text, an error (shown in place of a component that
 * failed) or a component placeholder: the spot in the parent's output where a
 * child component's own output goes. Components are transparent in the DOM:
 * a placeholder stands for as many DOM nodes as its instance renders roots
 * (zero, one or several), which is why DOM indices are computed from
 * dom counts rather than stored.
 *
 * Why one struct per kind, and arrays and texts inline (issue 20, docs/profiling.md):
 * a session keeps its whole tree between events, so the bytes of a node are
 * the bytes of a session. One union of every kind's fields cost 120 bytes
 * per node (the placeholder's seven fields sized the text's), plus a
 * separate, 16-byte-aligned array for each element's children, attributes
 * and handlers. Now a text is 8 bytes and its text, an element 24 with its children,
 * attributes and handlers right behind it in one allocation, and the
 * retained tree holds only what the next diff and a re-render's DOM path
 * need: what building needs (an element's identity for handler ids) lives
 * in the builder's frames and is gone with them.
 */
#ifndef RC_VDOM_NODE_H
#define RC_VDOM_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"

struct rc_instance;
struct rc_provider;

/* An attribute. Its value ends at its first NUL (values are strings). */
typedef struct rc_attr_kv {
    const char *name;
    const char *value;
} rc_attr_kv;

typedef enum rc_bound { RC_BOUND_NONE, RC_BOUND_INT, RC_BOUND_KEY } rc_bound;

struct rc_handler {
    const char *event; /* React-style name: onClick */
    rc_handler_fn fn;
    void *user;
    uint64_t id; /* deterministic, see core/handlers.c */
    union {
        int64_t i;       /* RC_BOUND_INT */
        const char *key; /* RC_BOUND_KEY: in the render arena */
    } bound;
    char id_str[12]; /* id as 11 base64url characters */
    bool prevent_default;
    bool stop_propagation;
    uint8_t bound_kind; /* rc_bound */
};

/* A key, hashed once when built: matching compares hashes first. */
typedef struct rc_key {
    uint64_t hash; /* rc_hash_bytes(RC_HASH_SEED, s, len) */
    uint32_t len;
    char s[]; /* len bytes and a NUL */
} rc_key;

/* rc_node.flags */
enum {
    /* Elements and placeholders: at the top of their owner's output, so
     * `up` is the owner instance rather than a parent element. */
    RC_NODE_TOP = 1,
    RC_NODE_KEYED = 2, /* elements: a key pointer follows the handlers */
    /* Elements: an rc_up follows (after the key): the element holds a
     * placeholder somewhere below, so a re-render of that component walks
     * up through it to find its DOM path (layout.c). Elements with none
     * below, most of a page, never need it and do not carry it. */
    RC_NODE_UP = 4
};

/* Whether two keys are the same key. Equal hashes nearly always mean
 * equal keys, and keys are short (row ids): a loop the compiler inlines,
 * where memcmp's call was a tenth of a 1,000-row re-render. */
static inline bool rc_key_equal(const rc_key *a, const rc_key *b) {
    if (a == b) return true; /* small integer keys are shared (core/keys.c) */
    if (a->hash != b->hash || a->len != b->len) return false;
    for (uint32_t i = 0; i < a->len; i++)
        if (a->s[i] != b->s[i]) return false;
    return true;
}

/* The header every kind starts with. */
struct rc_node {
    uint8_t kind;      /* rc_node_kind */
    uint8_t flags;     /* RC_NODE_TOP, RC_NODE_KEYED */
    uint8_t nhandlers; /* elements: at most RC_EL_MAX_HANDLERS */
    uint8_t nattrs;    /* elements: at most RC_EL_MAX_ATTRS */
    uint32_t len;      /* elements: children; texts and errors: bytes */
};

/* An element's attributes and handlers are counted in a byte each, which
 * keeps an element's header at 16 bytes (most pages are elements). Names
 * are distinct (a later value or handler of the same name replaces the
 * earlier one), so only a generated page could reach these; the builder
 * refuses more with an error in the log (core/builder.c). */
#define RC_EL_MAX_ATTRS    255
#define RC_EL_MAX_HANDLERS 255

/* Where an element or a placeholder sits: what finding its DOM path walks
 * up (layout.c), and what finds the instance that owns it. */
typedef union rc_up {
    rc_node *parent;           /* !top: the enclosing element */
    struct rc_instance *owner; /* top: the instance whose output it heads */
} rc_up;

/* RC_NODE_TEXT and RC_NODE_ERROR: the header, the text right behind it. */
typedef struct rc_text_node {
    rc_node n;
    char text[]; /* n.len bytes and a NUL */
} rc_text_node;

/* RC_NODE_ELEMENT: 16 bytes, then its n.len children, its n.nattrs
 * attributes, its n.nhandlers handlers, its key's pointer when
 * RC_NODE_KEYED and its rc_up when RC_NODE_UP, in that order, in the same
 * allocation (rc_el_children, rc_el_attrs, rc_el_handlers, rc_node_keyof,
 * rc_node_up): most elements have no key and no component below, and do
 * not pay for either pointer. */
typedef struct rc_el_node {
    rc_node n;
    const char *tag;
} rc_el_node;

/* RC_NODE_COMPONENT: 64 bytes, then its n.len bytes of props (so a
 * placeholder is allocated with max_align_t's alignment, and the size is
 * a multiple of it: the props behind it are aligned for any type). */
typedef struct rc_comp_node {
    rc_node n;        /* len: the props' size */
    uint32_t ordinal; /* n-th unkeyed child of its type, or the key's repeat */
    /* DOM nodes its instance's output stands for. Here, not in the
     * instance: finding a row's DOM index sums the counts of the siblings
     * before it, and reading them from the placeholders, in order in the
     * parent's arena, was a cache miss per sibling's instance otherwise. */
    uint32_t dom_count;
    rc_up up;
    const rc_key *key; /* NULL when unkeyed */
    const rc_component *type;
    struct rc_instance *inst;      /* set by reconciliation */
    struct rc_provider *ctx_chain; /* providers in effect here */
    uint64_t path_hash;            /* see rc_child */
} rc_comp_node;

_Static_assert(sizeof(rc_comp_node) % _Alignof(max_align_t) == 0,
               "a placeholder's props start aligned for any type");

/* The kind's view of a node (the kind is the caller's to check). */
static inline rc_el_node *rc_el(const rc_node *n) { return (rc_el_node *)(uintptr_t)n; }
static inline rc_comp_node *rc_comp(const rc_node *n) { return (rc_comp_node *)(uintptr_t)n; }
static inline rc_text_node *rc_textnode(const rc_node *n) { return (rc_text_node *)(uintptr_t)n; }

static inline rc_node **rc_el_children(const rc_node *n) {
    return (rc_node **)(uintptr_t)(rc_el(n) + 1);
}
static inline rc_attr_kv *rc_el_attrs(const rc_node *n) {
    return (rc_attr_kv *)(rc_el_children(n) + n->len);
}
static inline rc_handler *rc_el_handlers(const rc_node *n) {
    return (rc_handler *)(rc_el_attrs(n) + n->nattrs);
}
/* A placeholder's props (NULL when it has none). */
static inline void *rc_comp_props(const rc_node *n) {
    return n->len ? (void *)(uintptr_t)(rc_comp(n) + 1) : NULL;
}

/* The key of an element or a placeholder; NULL for any other node. */
static inline const rc_key *rc_node_keyof(const rc_node *n) {
    if (n->kind == RC_NODE_COMPONENT) return rc_comp(n)->key;
    if (n->flags & RC_NODE_KEYED)
        return *(const rc_key *const *)(const void *)(rc_el_handlers(n) + n->nhandlers);
    return NULL;
}
/* Where a placeholder, or an element with RC_NODE_UP, sits (see rc_up). */
static inline rc_up *rc_node_up(const rc_node *n) {
    if (n->kind == RC_NODE_COMPONENT) return &rc_comp(n)->up;
    char *tail = (char *)(uintptr_t)(rc_el_handlers(n) + n->nhandlers);
    return (rc_up *)(void *)(tail + ((n->flags & RC_NODE_KEYED) ? sizeof(rc_key *) : 0));
}
/* Whether n is a placeholder or an element that carries an rc_up. */
static inline bool rc_node_has_up(const rc_node *n) {
    return n->kind == RC_NODE_COMPONENT || (n->kind == RC_NODE_ELEMENT && (n->flags & RC_NODE_UP));
}

#endif
