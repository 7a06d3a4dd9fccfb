/*
 * The core's data structures: component instances, hook slots, the layout
 * (one mounted root) and the render context. Shared by the files of
 * src/core/, each of which implements one concept. From the ground up (a
 * file calls only files listed before it):
 *
 *   value.c             rc_value: free, copy, set, read
 *   value_collections.c rc_value arrays and objects
 *   value_equal.c       rc_value equality
 *   grow.c              growing arrays (RC_GROW)
 *   hints.c             arena size hints per component type, process-wide
 *   tags.c              common tag names, not copied per element
 *   diag.c              the layout's log (rc_log) and rc_fail
 *   attr_check.c        attributes the client refuses, reported once (attr_check.h)
 *   nodes.c             read access to the virtual DOM
 *   address.c           instance and slot addresses ("/App/Item[17]@done")
 *   slots.c             restoring slots, enumerating them for snapshots
 *   handlers.c          deterministic handler ids, the handler table
 *   format.c            printf into a render's arena
 *   keys.c              keys: hashed forms, integer digits, duplicate check
 *   builder.c           rc_open/rc_close/rc_attr/rc_text/rc_child: building output
 *   hooks.c             the hook list, matched by call order
 *   effects.c           effect hooks, run at commit
 *   memo.c              ref, memo and callback hooks
 *   timers.c            timer hooks
 *   schedule.c          the dirty queue and the effect queue
 *   track.c             read tracking: who read a slot or store (track.h)
 *   scope.c             the write scope around app callbacks (track.h)
 *   state.c             state and reducer hooks
 *   context.c           providers and consumers
 *   location.c          the layout's own contexts: location and connection
 *   navigate.c          changing the location: checks, the pending navigation,
 *                       RC_LINK's element
 *   route.c             route matching, rc_routes, params and query
 *   instance.c          creating and tearing down component instances
 *   render.c            rendering one instance (error boundary, hook order check)
 *   patch.c             the patch being built: path stack, ops, regions
 *   mount.c             mounting a new subtree (no diff, no ops)
 *   reorder.c           a list diff's moves and inserts (fewest moves: LIS)
 *   reconcile.c         diffing old and new output into patch operations
 *   layout.c            the layout: create, free, flush, commit
 *   dispatch.c          an event to its handler, or "@location" to navigate.c
 */
#ifndef RC_CORE_INTERNAL_H
#define RC_CORE_INTERNAL_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "core/track.h"
#include "reactc_layout.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/hash.h"
#include "vdom/arena.h"
#include "vdom/node.h"

typedef struct rc_provider rc_provider;

/* ---- hooks ---------------------------------------------------------- */

typedef enum rc_hook_kind {
    HOOK_STATE = 1,
    HOOK_REF,
    HOOK_MEMO,
    HOOK_CALLBACK,
    HOOK_EFFECT,
    HOOK_PROVIDER,
    HOOK_CONSUMER,
    HOOK_TIMER
} rc_hook_kind;

/* Every hook struct starts with this header. */
typedef struct rc_hook {
    uint8_t kind;
    uint16_t index; /* position in the instance's hook list */
    char *name;     /* explicit slot name or NULL */
    rc_instance *inst;
    struct rc_hook *next; /* the instance's next hook (in call order) */
} rc_hook;

struct rc_state {
    rc_hook h;
    rc_value value;
    /* The initial value, kept only while a freshly restored slot may still
     * be declared server-only in its first render; NULL otherwise (a
     * pointer, not a second rc_value: 32 bytes in every slot of a list). */
    rc_value *initial;
    uint64_t version;
    unsigned flags;        /* RC_STATE_* */
    rc_reducer_fn reducer; /* reducer slots only */
    rc_kind declared;      /* the kind the slot was declared with */
    rc_source src;         /* other instances that read it (track.c) */
};

/* A ref: the hook, then its data at the next offset aligned for any type
 * (memo.c). No pointer to it: 8 bytes that made a row's ref a 80-byte
 * malloc chunk where 64 hold it. */
typedef struct rc_ref_hook {
    rc_hook h;
} rc_ref_hook;

/* Memo and callback: a cached result and the dependencies it came from. */
typedef struct rc_memo_hook {
    rc_hook h;
    void *deps;
    size_t deps_size;
    bool every_render;
    void *data;
    size_t size;
    rc_on cb;
} rc_memo_hook;

struct rc_effect {
    rc_hook h;
    rc_effect_fn fn;
    void *arg; /* argument copy of the last run */
    size_t arg_size;
    void *pending_arg; /* argument copy for the next run */
    size_t pending_arg_size;
    /* what the render in progress decided (committed if it succeeds) */
    bool staged, staged_deps_set, staged_every_render, staged_resume;
    rc_effect_fn staged_fn;
    void *staged_deps, *staged_arg;
    size_t staged_deps_size, staged_arg_size;
    void *deps;
    size_t deps_size;
    bool every_render;
    bool pending;       /* run at the next commit */
    bool resume;        /* the pending run is a resume's */
    unsigned flags;     /* RC_EFFECT_* */
    rc_cleanup cleanup; /* from the last run */
};

typedef struct rc_consumer rc_consumer;

struct rc_provider {
    rc_hook h;
    const rc_context_type *type;
    void *value;
    uint64_t version;
    rc_provider *outer;     /* the chain this provider was opened in */
    rc_consumer *consumers; /* doubly linked */
};

struct rc_consumer {
    rc_hook h;
    rc_provider *provider; /* NULL: reading the default */
    rc_consumer *prev, *next;
    void *zero; /* zero bytes for a type with no default */
};

/* ---- instances ---------------------------------------------------------- */

struct rc_instance {
    /* What a parent's re-render reads of each child it compares (reconcile.c)
     * comes first, in one or two cache lines: a list of 1,000 rows cold in
     * the cache (100 sessions) pays a miss per line per row. */
    /* Our spot in the parent's output, or the layout's root_ph: our type,
     * props, path hash (the segments' from the root) and the providers in
     * effect here are the placeholder's (rc_inst_type...), not copies. */
    rc_node *placeholder;
    uint64_t render_gen; /* flush generation of the last render */
    bool dirty : 1;      /* waits in the layout's dirty queue */
    bool in_effects : 1; /* waits in the layout's effect queue */
    bool resume : 1;     /* next render is the first after a restore */
    bool rendered : 1;   /* has rendered at least once */
    uint16_t nhooks;
    /* The number of its renders, which marks the reads of the current one
     * (track.c). 32 bits: after a wrap, a read kept from exactly 2^32
     * renders ago (only a failed render keeps old ones) would look current
     * and cost at most one needless re-render. */
    uint32_t read_gen;
    /* (the small fields fill one word and the arena's counts are 32-bit:
     * the struct is 104 bytes, a 112-byte malloc chunk, where 120 took 128
     * and 128 took 144: 16 bytes per row of a list each time) */

    rc_layout *layout;
    rc_instance *parent;
    rc_node **roots;
    /* Hooks in call order, linked (rc_hook.next): an array was a malloc of
     * its own per instance, 32 bytes for a row's one hook. */
    rc_hook *hooks;
    /* What its last render read of other instances' slots and of stores
     * (track.c). */
    rc_sub *reads;
    rc_arena arena; /* holds roots and everything below them */
    uint32_t depth;
    uint32_t nroots;
    /* State slots here and in the instances below: a snapshot's slot walk
     * (slots.c) skips subtrees that hold none, so a token for a list whose
     * rows keep no state does not visit every node of every row. */
    uint32_t nstate;      /* state hooks of this instance */
    uint32_t state_below; /* state hooks of all its descendants */
};
_Static_assert(sizeof(void *) != 8 || sizeof(struct rc_instance) == 104,
               "an instance is a 112-byte malloc chunk on 64-bit targets (see above)");

#include "core/render_ctx.h"

/* ---- layout ------------------------------------------------------------- */

typedef struct rc_op_internal { /* rc_op with its path as a pool offset */
    rc_op op;
    uint32_t path_off;
} rc_op_internal;

typedef struct rc_region_internal {
    uint32_t path_off, path_len;
} rc_region_internal;

struct rc_layout {
    rc_layout_opts opts;
    rc_instance *root;
    rc_comp_node *root_ph; /* the root's placeholder: type, props, providers */
    bool mounted;
    bool in_flush;
    bool freeing;
    uint64_t flush_gen;

    /* scheduling */
    rc_instance **dirty;
    size_t ndirty, dirty_cap;
    rc_instance **batch; /* the dirty batch being rendered */
    size_t nbatch;
    rc_instance **effects; /* instances with pending effects, post-order */
    size_t neffects, effects_cap;

    /* handler table: id -> rc_handler (in a current arena) */
    rc_map handlers;

    /* output of the current flush */
    rc_op_internal *ops;
    size_t nops, ops_cap;
    rc_op *ops_out; /* ops with path pointers fixed up */
    size_t ops_out_cap;
    rc_region_internal *regions;
    size_t nregions, regions_cap;
    rc_region *regions_out;
    size_t regions_out_cap;
    uint32_t *paths; /* path pool */
    size_t npaths, paths_cap;
    rc_patch patch;
    uint32_t rendered;

    /* the path of the element being diffed (a stack) */
    uint32_t *path;
    size_t path_len, path_cap;

    /* arenas of replaced outputs, freed at commit */
    rc_arena *garbage;
    size_t ngarbage, garbage_cap;

    /* builder scratch stacks (shared by renders: a child renders only after
     * its parent's build is complete) */
    rc_frame *frames;
    uint32_t nframes, frames_cap;
    rc_node **kids;
    uint32_t nkids, kids_cap;
    rc_attr_kv *attrs;
    uint32_t nattrs, attrs_cap;
    rc_handler *hs;
    uint32_t nhs, hs_cap;

    /* render contexts, one per nesting level of renders: a render context
     * must not live on the C stack because rc_fail longjmps out of it */
    rc_ctx **ctxs;
    size_t nctx, ctxs_cap;

    uint64_t *keyset; /* duplicate-key check scratch (builder.c) */
    size_t keyset_cap;

    rc_provider location; /* the layout's own provider: rc_use_location */
    rc_location location_value;
    rc_provider connection; /* and rc_use_connection (outer to location) */
    rc_connection connection_value;
    uint8_t navigation; /* rc_navigation the server has not taken yet */

    size_t ninstances;
    uint64_t state_epoch; /* restorable slot changes (tokens) */
    char *session_id;
    char *user_name;         /* user.c: the signed-in user (rc_use_user), or NULL */
    uint64_t session_handle; /* the server's handle of its session (host.h), 0: none */
    rc_struct_type **types;  /* struct types of restored untyped values */
    size_t ntypes, types_cap;
    bool resuming; /* the first flush rebuilds from restore */
};

/* ---- functions shared between core files ------------------------------- */

/* A hint that p will be read soon (no effect on results; p may be NULL). */
#if defined(__GNUC__) || defined(__clang__)
#define RC_PREFETCH(p) __builtin_prefetch(p)
#else
#define RC_PREFETCH(p) ((void)(p))
#endif

/* grow.c: grows *arr (of elem-sized items, capacity *cap) to hold at least
 * need. The macros test the capacity inline: the builder asks on every
 * node, and the call was most of what asking cost. */
void rc_grow(void **arr, size_t elem, size_t *cap, size_t need);
#define RC_GROW(arr, cap, need)                                              \
    do {                                                                     \
        if ((size_t)(need) > (size_t)(cap))                                  \
            rc_grow((void **)&(arr), sizeof *(arr), &(cap), (size_t)(need)); \
    } while (0)
void rc_grow32(void **arr, size_t elem, uint32_t *cap, size_t need);
#define RC_GROW32(arr, cap, need)                                              \
    do {                                                                       \
        if ((size_t)(need) > (size_t)(cap))                                    \
            rc_grow32((void **)&(arr), sizeof *(arr), &(cap), (size_t)(need)); \
    } while (0)

/* tags.c: the static copy of a common tag (len bytes at tag), or NULL;
 * the table's entries of one length (NULL-terminated), for its test. */
const char *rc_tag_intern(const char *tag, size_t len);
const char *const *rc_tags_of_length(size_t len);

/* hints.c: the arena bytes of t's last first render (0: none known). */
size_t rc_size_hint_get(const rc_component *t);
void rc_size_hint_put(const rc_component *t, size_t bytes);

/* diag.c: the layout's log; rc_fail (reactc.h) ends a render with an error. */
void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

/* The element open innermost in this render, or NULL at the output's top. */
static inline rc_frame *rc_ctx_top_frame(rc_ctx *ctx) {
    rc_layout *l = ctx->layout;
    return l->nframes > ctx->frame_base ? &l->frames[l->nframes - 1] : NULL;
}

/* DOM nodes n stands for: 1, or a placeholder's instance's count. Inline:
 * finding a node's DOM index sums it over the siblings before it. */
static inline uint32_t rc_node_dom_count(const rc_node *n) {
    if (n->kind == RC_NODE_COMPONENT) return rc_comp(n)->inst ? rc_comp(n)->dom_count : 0;
    return 1;
}

/* What an instance's placeholder says of it (its DOM count lives there:
 * vdom/node.h). */
static inline uint32_t *rc_inst_dom_count(const rc_instance *inst) {
    return &rc_comp(inst->placeholder)->dom_count;
}
static inline const rc_component *rc_inst_type(const rc_instance *inst) {
    return rc_comp(inst->placeholder)->type;
}
static inline uint64_t rc_inst_path_hash(const rc_instance *inst) {
    return rc_comp(inst->placeholder)->path_hash;
}
static inline rc_provider *rc_inst_chain(const rc_instance *inst) {
    return rc_comp(inst->placeholder)->ctx_chain;
}

/* The instance whose render built n, an element or a placeholder: up the
 * parents to the top of its output. */
static inline rc_instance *rc_node_owner(const rc_node *n) {
    while (!(n->flags & RC_NODE_TOP)) n = rc_node_up(n)->parent;
    return rc_node_up(n)->owner;
}

/* address.c: appends the instance's readable path segment: "Type[key]",
 * "Type#n", or the root's type name. */
void rc_segment_append(rc_buf *b, const rc_instance *inst);
/* Appends a slot's address suffix: "@name" or "@#index". */
void rc_slot_suffix_append(rc_buf *b, const rc_hook *h);
/* Writes the instance's address ("/Type/Type[key]") into buf as snprintf
 * would; returns its length. */
size_t rc_instance_address(const rc_instance *inst, char *buf, size_t cap);
/* Writes the slot's full address; returns its length (may exceed cap). */
size_t rc_slot_address(const rc_instance *inst, const rc_hook *h, char *buf, size_t cap);

/* slots.c */
const rc_value *rc_slot_restore(rc_ctx *ctx, rc_state *s);
void rc_value_own_types(rc_layout *l, rc_value *v);
void rc_layout_free_types(rc_layout *l);

/* handlers.c */
void rc_handlers_register(rc_layout *l, rc_node *el);
void rc_handlers_unregister(rc_layout *l, rc_node *el);
void rc_handler_set_id(rc_handler *h, uint64_t element_ident);
const char *rc_canonical_event(const char *event);

/* keys.c: core/keys.h (the builder and keys.c only). */

/* format.c: printf into the arena; *len_out is the text's length. */
char *rc_arena_vformat(rc_arena *a, size_t *len_out, const char *fmt, va_list ap);
/* The decimal digits of v (after a '-' when neg) at the end of buf; their
 * start, *len their count. */
const char *rc_decimal(char buf[24], bool neg, unsigned long long v, size_t *len);
/* The same, the text right after `prefix` bytes of room that start 8-aligned
 * (a text node's header: vdom/node.h). */
char *rc_arena_vformat_after(rc_arena *a, size_t prefix, size_t *len_out, const char *fmt,
                             va_list ap);

/* builder.c */
void rc_ctx_begin(rc_ctx *ctx, rc_instance *inst, rc_arena *arena);
/* Closes what the render left open and returns the output's roots. */
void rc_ctx_finish(rc_ctx *ctx, rc_node ***roots, uint32_t *nroots);
void rc_ctx_abandon(rc_ctx *ctx);
rc_node *rc_make_error_node(rc_arena *a, const char *msg);

/* hooks.c */
void *rc_hook_get(rc_ctx *ctx, rc_hook_kind kind, size_t size, const char *name, bool *created);

/* effects.c */
bool rc_effects_pending(const rc_instance *inst);
/* Ends a render for the instance's effects: ok commits what it staged. */
void rc_effects_render_done(rc_instance *inst, bool ok);
void rc_effects_run_cleanups(rc_instance *inst); /* of pending effects */
void rc_effects_run(rc_instance *inst);
void rc_effects_cleanup_all(rc_instance *inst); /* unmount */

/* timers.c */
void rc_timer_release(rc_hook *h);

/* schedule.c */
void rc_instance_mark_dirty(rc_instance *inst);
void rc_queue_effects(rc_instance *inst);

/* track.c: the reader of the render on this thread. rc_track_begin makes
 * reader (may be NULL) current and returns the one before, for
 * rc_track_restore; rc_track_end drops the reads reader's render did not
 * repeat (ok: it succeeded; else all are kept); rc_track_forget drops all
 * (unmount). */
rc_instance *rc_track_begin(rc_instance *reader);
void rc_track_restore(rc_instance *outer);
rc_instance *rc_track_reader(void);
void rc_track_end(rc_instance *reader, bool ok);
void rc_track_forget(rc_instance *reader);

/* context.c */
void rc_consumer_unlink(rc_consumer *c);
void rc_provider_release(rc_provider *p);
void rc_provider_mark_consumers(rc_provider *p);

/* location.c */
void rc_location_init(rc_layout *l, const char *pathname, const char *search);
void rc_location_free(rc_layout *l);
/* Sets the location (readers re-render, the state epoch moves) and returns
 * true when it changed; the caller decides whether the browser is told. */
bool rc_location_change(rc_layout *l, const char *pathname, const char *search);

/* navigate.c */
/* The browser's "@location" event (data [{"pathname","search"}]): checked
 * like rc_layout_navigate, then set without telling the browser back.
 * Returns 0, or -1 when refused (logged). */
int rc_location_event(rc_layout *l, const rc_value *data);
void rc_connection_init(rc_layout *l);
void rc_connection_free(rc_layout *l);

/* instance.c */
rc_instance *rc_instance_new(rc_layout *l, rc_instance *parent, rc_node *placeholder);
void rc_instance_unmount(rc_instance *inst);
void rc_unmount_subtree(rc_layout *l, rc_node *n);

/* render.c: runs inst's render function into a new arena (inside an error
 * boundary: a failed render's output is an error node) and makes the result
 * inst's output. The output it replaced is left in *old for the caller to
 * diff against; rc_render_done then frees it at commit, counts inst's DOM
 * nodes and queues its effects. */
typedef struct rc_output {
    rc_arena arena;
    rc_node **roots;
    uint32_t nroots;
} rc_output;
void rc_render_output(rc_instance *inst, rc_output *old);
void rc_render_done(rc_instance *inst, rc_output *old);

/* patch.c: the path stack, ops emitted at its path, regions */
void rc_path_push(rc_layout *l, uint32_t index);
void rc_path_pop(rc_layout *l);
rc_op *rc_emit_op(rc_layout *l, rc_op_kind kind);
void rc_patch_region(rc_layout *l); /* the path stack's path was re-rendered */
const rc_patch *rc_patch_finish(rc_layout *l);

/* mount.c: renders inst and mounts its output silently (its subtree is
 * being inserted whole); rc_mount_subtree does so for every instance in n. */
void rc_mount_instance(rc_instance *inst);
void rc_mount_subtree(rc_layout *l, rc_node *n);

/* reorder.c: the last step of a list diff: brings the survivors (matched
 * pairs, new_of_old / old_of_new, UINT32_MAX where none) into the new order
 * with the fewest moves and inserts the new nodes, emitting the ops. */
void rc_reorder_list(rc_layout *l, rc_node **nw, uint32_t nnew, const uint32_t *old_of_new,
                     const uint32_t *new_of_old, uint32_t nold, uint32_t base);

/* reconcile.c: renders inst again and diffs the new output against the old
 * one, emitting ops (the layout's path stack holds the container element's
 * path, base the DOM index of inst's first root inside it). */
void rc_reconcile_instance(rc_instance *inst, uint32_t base);

#endif
