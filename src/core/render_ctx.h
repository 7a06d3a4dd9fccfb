/*
 * The render context (rc_ctx: one render in progress) and the builder's
 * frames: what builder.c, hooks.c and render.c share while a component's
 * render function runs. Included by internal.h, after rc_instance.
 */
#ifndef RC_CORE_RENDER_CTX_H
#define RC_CORE_RENDER_CTX_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "vdom/arena.h"
#include "vdom/node.h"

/* How the keys of one sibling list were given (builder.c): while every
 * key is an integer above the one before (RC_CHILD_INT in a loop), the
 * list can hold no duplicate and is not checked for one. */
enum { RC_KEYS_NONE, RC_KEYS_ASCENDING, RC_KEYS_CHECK };
typedef struct rc_key_order {
    int64_t last;
    uint8_t state; /* RC_KEYS_* */
} rc_key_order;

/* An element open in the builder. The element itself is made when it
 * closes, its children, attributes and handlers known (vdom/node.h): until
 * then its place on the kids stack holds NULL, and what building needs of
 * it is here. */
typedef struct rc_frame {
    const char *tag; /* in the render's arena */
    const rc_key *key;
    /* The element's identity, which its handlers' ids chain: computed when
     * the first handler of the element or of one inside it wants it
     * (builder.c), not for every element. */
    uint64_t ident;
    bool has_ident;
    /* A child with an rc_up (a placeholder, or an element with a component
     * below): the element then gets one too. Noted as children are made,
     * so closing an element does not look at each child again. */
    bool kid_up;
    uint32_t index; /* its position among its siblings when opened */
    uint32_t slot;  /* its place on the layout's kids stack */
    uint32_t child_base, attr_base, handler_base;
    uint32_t serial;       /* n-th element of this render, from 1 */
    rc_key_order kid_keys; /* of its children */
} rc_frame;

typedef struct rc_keyslot { /* duplicate-key detection scratch */
    uint64_t hash;
    uint32_t gen, index;
} rc_keyslot;

struct rc_ctx {
    rc_layout *layout;
    rc_instance *inst;
    rc_arena *arena; /* the new output's arena */
    uint32_t hook_index;
    rc_hook *hook_next;  /* the instance's hook for the next rc_hook_get */
    rc_hook *hook_last;  /* the one it returned last (new hooks follow it) */
    uint32_t frame_base; /* frames below this belong to outer renders */
    uint32_t kid_base;   /* top-level children start here */
    uint32_t attr_base, handler_base;
    uint32_t top_count;    /* elements at the output's top so far */
    rc_key_order top_keys; /* of the output's top-level nodes */
    rc_provider *chain;    /* providers open at this point */
    uint32_t nproviders_open;
    rc_keyslot *seen; /* child identities of this render (builder.c) */
    size_t nseen, seen_cap;
    uint32_t seen_gen;
    /* rc_child's hashes of the last child type, reused while a render adds
     * children of one type (a list): a type name hash and two chain steps
     * less per child. Valid for this render's instance only. */
    const rc_component *child_type;
    uint64_t child_type_hash;
    uint64_t child_keyed;   /* path hash chained with the type, IDENT_KEY */
    uint64_t child_unkeyed; /* ... with the type, IDENT_INDEX */
    /* Keyed child components of this render, in order: their ordinals are
     * settled when the build ends (builder.c, settle_keyed_ordinals). */
    rc_node **keyed;
    uint32_t nkeyed, keyed_cap;
    uint32_t keyed_list; /* the frame serial holding the first (0: the top) */
    uint32_t nopened;    /* elements opened so far (frame serials) */
    bool keyed_lists;    /* keyed children in more than one sibling list */
    jmp_buf jmp;
    char *error;  /* set by rc_fail */
    rc_arena out; /* the arena being built (ctx->arena points here) */
};

#endif
