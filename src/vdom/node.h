/*
 * Virtual DOM nodes, as built by one component render into its arena.
 *
 * A node is an element, a text, an error (shown in place of a component that
 * failed) or a component placeholder: the spot in the parent's output where a
 * child component's own output goes. Components are transparent in the DOM:
 * a placeholder stands for as many DOM nodes as its instance renders roots
 * (zero, one or several), which is why DOM indices are computed from
 * dom counts rather than stored.
 */
#ifndef RC_VDOM_NODE_H
#define RC_VDOM_NODE_H

#include <stdint.h>

#include "reactc_layout.h"

struct rc_instance;
struct rc_provider;

typedef struct rc_attr_kv {
    const char *name;
    const char *value;
    uint32_t value_len;
} rc_attr_kv;

struct rc_handler {
    const char *event; /* React-style name: onClick */
    rc_handler_fn fn;
    void *user;
    struct rc_instance *inst; /* owner: handlers die with it */
    uint64_t id;              /* deterministic, see core/handlers.c */
    char id_str[12];          /* id as 11 base64url characters */
    bool prevent_default;
    bool stop_propagation;
    bool has_bound_int;
    int64_t bound_int;
    const char *bound_key; /* in the render arena, or NULL */
};

struct rc_node {
    uint8_t kind;  /* rc_node_kind */
    uint8_t fresh; /* set while a new subtree awaits mounting */
    uint16_t nhandlers;
    uint32_t nattrs;
    uint32_t nchildren;
    uint32_t text_len;         /* text and error nodes */
    const char *tag;           /* element tag, or the text/error message */
    const char *key;           /* NULL when unkeyed */
    uint64_t key_hash;         /* rc_hash_str(RC_HASH_SEED, key) when keyed */
    rc_node *parent;           /* enclosing element, NULL at an output's top */
    struct rc_instance *owner; /* the instance whose render built this node */
    uint64_t ident;            /* element identity: owner path + key/index chain */
    union {
        struct { /* RC_NODE_ELEMENT */
            rc_attr_kv *attrs;
            rc_handler *handlers;
            rc_node **children;
        } el;
        struct { /* RC_NODE_COMPONENT */
            const rc_component *type;
            void *props;
            size_t props_size;
            struct rc_instance *inst;      /* set by reconciliation */
            struct rc_provider *ctx_chain; /* providers in effect here */
            uint32_t ordinal;              /* n-th unkeyed child of its type */
            uint64_t path_hash;            /* see rc_child */
        } comp;
    } u;
};

#endif
