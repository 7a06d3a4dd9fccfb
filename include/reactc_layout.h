/*
 * reactc_layout.h — driving a layout yourself.
 *
 * For embedders: programs that mount components without reactc's server
 * (their own transport, a test kit, server-side rendering) and read what a
 * render produced. reactc.h is for component authors and apps; this header
 * adds creating a layout, flushing and committing its renders, dispatching
 * events into it, and reading its patch operations and virtual DOM nodes.
 * The naming rule, the return convention and out-of-memory behaviour are
 * reactc.h's.
 *
 * Lifetimes: a layout belongs to the thread that created it. The patch
 * returned by rc_layout_flush and every node it or rc_layout_get_root
 * reaches are valid until the next rc_layout_commit.
 */
#ifndef REACTC_LAYOUT_H
#define REACTC_LAYOUT_H

#include "reactc.h"

#ifdef __cplusplus
extern "C" {
#endif
/* libreactc is compiled with hidden visibility: what this header declares
 * is what the shared library exports, and nothing else (docs/size.md). */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* ------------------------------------------------------------------------ */
/* Creating a layout.                                                       */
/* ------------------------------------------------------------------------ */

typedef void (*rc_log_fn)(void *user, rc_log_level level, const char *message);

/* Where restored slot values come from when a layout is rebuilt from a
 * snapshot: called once per restorable slot at mount, with the slot's
 * address. Return the value to start from, or NULL to use the initial value.
 * The value is copied; its kind (and struct type name/size/version) must match
 * the slot's, else the initial value is used. */
typedef const rc_value *(*rc_restore_fn)(void *user, const char *address);

typedef struct rc_layout_opts {
    rc_log_fn log; /* NULL: stderr */
    void *log_user;
    rc_log_level log_level; /* messages above this level are dropped */
    rc_restore_fn restore;  /* non-NULL: this layout resumes a session */
    void *restore_user;
    void *user; /* the embedder's pointer (rc_layout_get_user) */
    /* Called when the layout goes from clean to dirty (needs a flush): from
     * a handler, a timer, an effect or a post. The server schedules the
     * flush; tests may leave it NULL and flush when they like. */
    void (*on_dirty)(rc_layout *layout, void *user);
    const struct rc_timer_host *timers; /* NULL: timers never fire */
    const char *pathname;               /* initial location (copied); NULL: "/" */
    const char *search;                 /* NULL: "" */
    struct rc_app *app;                 /* the serving app, for rc_layout_get_app */
    const char *session_id;             /* the session's id (copied), for idempotency keys */
    /* A failed component's error element says only that it failed (RC_ERROR_GENERIC);
     * the details (message, file:line, expression) go to the log alone. Off
     * by default: an embedder or a test sees them in the node. reactc's
     * server turns it on unless the app opts out (rc_app.show_errors) or
     * runs under reactc-dev. */
    bool hide_errors;
} rc_layout_opts;

/* How a layout arms timers: start returns a handle for stop; cb(arg) must be
 * called on the layout's thread. */
typedef struct rc_timer_host {
    void *(*start)(void *host, uint32_t ms, bool repeat, void (*cb)(void *arg), void *arg);
    void (*stop)(void *host, void *timer);
    void *host;
} rc_timer_host;

/* Changes the location from the server side (app code, a timer, a post);
 * readers of rc_use_location re-render and the browser is owed a push of
 * the new URL (rc_layout_take_navigation). pathname must be a same-origin
 * path ("/todo": no "//", backslash, '#', space or control character, at
 * most 255 bytes) and search "" or "?..." (at most 511): anything else is
 * logged and ignored. NULL reads as "/" and "". */
void rc_layout_set_location(rc_layout *layout, const char *pathname, const char *search);
/* Navigates to url (a path with an optional "?query", checked as above):
 * like rc_layout_set_location, with the browser told to push a history
 * entry, or to replace the current one when `replace`. For effects, timers
 * and posts (handlers use rc_navigate). Returns 0, or -1 on a refused url
 * (logged; the location is unchanged). */
int rc_layout_navigate(rc_layout *layout, const char *url, bool replace);
/* The current location; its strings are the layout's, valid until the
 * location next changes. */
const rc_location *rc_layout_get_location(const rc_layout *layout);

/* What the browser is owed since the last call: set by a server-side change
 * of the location, not by the browser's own "@location" events (it is there
 * already). A push wins over a replace in the same flush. */
typedef enum rc_navigation {
    RC_NAVIGATION_NONE = 0,
    RC_NAVIGATION_PUSH,   /* history.pushState(the current location) */
    RC_NAVIGATION_REPLACE /* history.replaceState(the current location) */
} rc_navigation;
/* Returns the navigation owed and clears it: the server calls it at each
 * flush and sends the current location with the patch when not NONE. */
rc_navigation rc_layout_take_navigation(rc_layout *layout);

/* Fills opts with the defaults (stderr logging at RC_LOG_WARN, no restore,
 * no timers); set what you need after. */
void rc_layout_opts_init(rc_layout_opts *opts);

/* Creates a layout mounting `root` with props (copied); opts may be NULL
 * (the defaults). Nothing renders until the first rc_layout_flush. Returns
 * NULL only for a root without a render function; out of memory aborts
 * (reactc.h). Free with rc_layout_free. */
rc_layout *rc_layout_new(const rc_component *root, const void *props, size_t props_size,
                         const rc_layout_opts *opts);
/* Unmounts everything (cleanups run) and frees the layout. */
void rc_layout_free(rc_layout *layout);
/* The embedder's pointer given in rc_layout_opts.user. */
void *rc_layout_get_user(const rc_layout *layout);

/* ------------------------------------------------------------------------ */
/* Driving it: flush, commit, dispatch.                                     */
/* ------------------------------------------------------------------------ */

/* Patch operations (the fine-grained protocol). Paths are child-index paths
 * in the DOM under the mount root (components are transparent). */
typedef enum rc_op_kind {
    RC_OP_SET_ATTR,       /* node at path: attribute name = value          */
    RC_OP_REMOVE_ATTR,    /* node at path: remove attribute name           */
    RC_OP_SET_TEXT,       /* text node at path: new text                   */
    RC_OP_SET_HANDLER,    /* element at path: handler for event name       */
    RC_OP_REMOVE_HANDLER, /* element at path: remove handler for event     */
    RC_OP_INSERT,         /* children of element at path: insert nodes before index */
    RC_OP_REMOVE,         /* children of element at path: remove count at index    */
    RC_OP_MOVE,           /* children of element at path: move count from index before `before` */
    RC_OP_REPLACE         /* children of element at path: count at index replaced by nodes */
} rc_op_kind;

typedef struct rc_node rc_node;
typedef struct rc_handler rc_handler;

typedef struct rc_op {
    rc_op_kind kind;
    const uint32_t *path; /* path of the target node or parent element */
    uint32_t path_len;
    const char *name;  /* attribute or event name (React style: onClick) */
    const char *value; /* attribute value or text */
    size_t value_len;
    const rc_handler *handler; /* RC_OP_SET_HANDLER */
    uint32_t index;            /* INSERT/REMOVE/MOVE: child index (before ops apply) */
    uint32_t count;            /* REMOVE/MOVE: number of DOM nodes */
    uint32_t before; /* MOVE: index of the node to move before (n = end), counted before the move */
    rc_node *const
        *nodes; /* INSERT/REPLACE: the new subtrees (component nodes expand to their output) */
    uint32_t nnodes;
} rc_op;

/* A subtree to send whole to base-protocol clients: the DOM path of an
 * element (or the root when path_len == 0) whose model changed. */
typedef struct rc_region {
    const uint32_t *path;
    uint32_t path_len;
} rc_region;

typedef struct rc_patch {
    const rc_op *ops;
    size_t nops;
    const rc_region *regions; /* prefix-free, in render order */
    size_t nregions;
    uint32_t rendered; /* component renders in this flush */
} rc_patch;

/* Renders every dirty instance (parent first; on the first call, the whole
 * tree) and returns the operations that bring the previous output to the new
 * one. The result and the nodes it references stay valid until
 * rc_layout_commit. Returns a patch with nops == 0 when nothing changed. */
const rc_patch *rc_layout_flush(rc_layout *layout);
/* Ends a flush: frees the previous output and runs effects (cleanups first).
 * Call after the patch has been sent. */
void rc_layout_commit(rc_layout *layout);
/* True when some instance is waiting to re-render. */
bool rc_layout_is_dirty(const rc_layout *layout);

/* Dispatches an event to handler `target` with data (an array of arguments,
 * may be NULL) and the client's sequence number (0 if none). Returns 0 on
 * success, -1 if the id is unknown or its instance is gone (logged and
 * ignored). The target "@location" is the browser's navigation, data
 * [{"pathname": "/x", "search": "?q"}]: the location is set as the browser
 * has it (checked as rc_layout_set_location's; -1 when refused), nothing
 * is owed back. */
int rc_layout_dispatch(rc_layout *layout, const char *target, const rc_value *data, uint64_t seq);

/* The current root nodes (the mount root's children, components expanded by
 * rc_node_* readers). Valid until the next rc_layout_commit. */
size_t rc_layout_count_roots(const rc_layout *layout);
rc_node *rc_layout_get_root(const rc_layout *layout, size_t i);

/* Reading the virtual DOM (used by the wire layer and tests). */
typedef enum rc_node_kind {
    RC_NODE_ELEMENT,
    RC_NODE_TEXT,
    RC_NODE_COMPONENT, /* expands to its instance's output */
    RC_NODE_ERROR      /* an error shown in place of a failed component */
} rc_node_kind;

rc_node_kind rc_node_get_kind(const rc_node *n);
/* Element tag; text content of text and error nodes. */
const char *rc_node_get_tag(const rc_node *n);
const char *rc_node_get_text(const rc_node *n, size_t *len);
const char *rc_node_get_key(const rc_node *n);
size_t rc_node_count_attrs(const rc_node *n);
const char *rc_node_get_attr_name(const rc_node *n, size_t i);
const char *rc_node_get_attr_value(const rc_node *n, size_t i);
size_t rc_node_count_handlers(const rc_node *n);
const rc_handler *rc_node_get_handler(const rc_node *n, size_t i);
/* Children of an element, or the output roots of a component node. */
size_t rc_node_count_children(const rc_node *n);
rc_node *rc_node_get_child(const rc_node *n, size_t i);

const char *rc_handler_get_event(const rc_handler *h); /* React style: onClick */
const char *rc_handler_get_id(const rc_handler *h);    /* deterministic id     */
bool rc_handler_get_prevent_default(const rc_handler *h);
bool rc_handler_get_stop_propagation(const rc_handler *h);

/* Restorable slots: calls fn once per restorable state slot of every mounted
 * instance, with its stable address
 * ("/Type/Type[key]/Type#n@name" or "...@#index") and value. */
typedef void (*rc_slot_fn)(void *user, const char *address, const rc_value *value);
void rc_layout_foreach_slot(const rc_layout *layout, rc_slot_fn fn, void *user);

/* Increments whenever a restorable slot (not RC_STATE_SERVER_ONLY) changes
 * value: the server seals a new state token when it moved. */
uint64_t rc_layout_get_state_epoch(const rc_layout *layout);

/* Number of mounted component instances (tests, diagnostics). */
size_t rc_layout_count_instances(const rc_layout *layout);

/* ------------------------------------------------------------------------ */
/* Stores for embedders with their own loop (reactc's server does this).    */
/* ------------------------------------------------------------------------ */

/* Writes published from other threads (rc_store_publish_*) wait for the
 * loop thread: wake(arg) is called, on the publishing thread, when the
 * first one arrives in an empty queue (and at once if some wait already);
 * the loop then calls rc_store_drain. NULL stops waking. Thread-safe. */
void rc_store_set_wake(void (*wake)(void *arg), void *arg);
/* Persisted stores (rc_store_persist) debounce their writes with a one-shot
 * timer on this host (the loop thread's; reactc's server sets its own).
 * NULL (the default): every change is written at once; setting another
 * host (or NULL) first writes what the previous one had pending. The host
 * must stay valid until replaced. */
void rc_store_set_timers(const rc_timer_host *timers);
/* Applies the published writes waiting, in order, on the loop thread (each
 * committed: readers are marked dirty; flush the layouts after). Returns
 * how many were applied. */
size_t rc_store_drain(void);

/* ------------------------------------------------------------------------ */
/* Deprecated names (docs/api.md, "Renamed"): kept for one release, removed  */
/* in 0.3. Define RC_NO_DEPRECATED to leave them out.                       */
/* ------------------------------------------------------------------------ */

#ifndef RC_NO_DEPRECATED
RC_DEPRECATED("use rc_layout_get_user")
static inline void *rc_layout_user(const rc_layout *layout) { return rc_layout_get_user(layout); }
RC_DEPRECATED("use rc_layout_is_dirty")
static inline bool rc_layout_dirty(const rc_layout *layout) { return rc_layout_is_dirty(layout); }
RC_DEPRECATED("use rc_layout_count_roots")
static inline size_t rc_layout_root_count(const rc_layout *layout) {
    return rc_layout_count_roots(layout);
}
RC_DEPRECATED("use rc_layout_get_root")
static inline rc_node *rc_layout_root(const rc_layout *layout, size_t i) {
    return rc_layout_get_root(layout, i);
}
RC_DEPRECATED("use rc_layout_get_state_epoch")
static inline uint64_t rc_layout_state_epoch(const rc_layout *layout) {
    return rc_layout_get_state_epoch(layout);
}
RC_DEPRECATED("use rc_layout_count_instances")
static inline size_t rc_layout_instance_count(const rc_layout *layout) {
    return rc_layout_count_instances(layout);
}
RC_DEPRECATED("use rc_node_get_tag")
static inline const char *rc_node_tag(const rc_node *n) { return rc_node_get_tag(n); }
RC_DEPRECATED("use rc_node_get_text")
static inline const char *rc_node_text(const rc_node *n, size_t *len) {
    return rc_node_get_text(n, len);
}
RC_DEPRECATED("use rc_node_get_key")
static inline const char *rc_node_key(const rc_node *n) { return rc_node_get_key(n); }
RC_DEPRECATED("use rc_node_count_attrs")
static inline size_t rc_node_attr_count(const rc_node *n) { return rc_node_count_attrs(n); }
RC_DEPRECATED("use rc_node_get_attr_name")
static inline const char *rc_node_attr_name(const rc_node *n, size_t i) {
    return rc_node_get_attr_name(n, i);
}
RC_DEPRECATED("use rc_node_get_attr_value")
static inline const char *rc_node_attr_value(const rc_node *n, size_t i) {
    return rc_node_get_attr_value(n, i);
}
RC_DEPRECATED("use rc_node_count_handlers")
static inline size_t rc_node_handler_count(const rc_node *n) { return rc_node_count_handlers(n); }
RC_DEPRECATED("use rc_node_get_handler")
static inline const rc_handler *rc_node_handler(const rc_node *n, size_t i) {
    return rc_node_get_handler(n, i);
}
RC_DEPRECATED("use rc_node_count_children")
static inline size_t rc_node_child_count(const rc_node *n) { return rc_node_count_children(n); }
RC_DEPRECATED("use rc_node_get_child")
static inline rc_node *rc_node_child(const rc_node *n, size_t i) { return rc_node_get_child(n, i); }
RC_DEPRECATED("use rc_handler_get_event")
static inline const char *rc_handler_event(const rc_handler *h) { return rc_handler_get_event(h); }
RC_DEPRECATED("use rc_handler_get_id")
static inline const char *rc_handler_id(const rc_handler *h) { return rc_handler_get_id(h); }
RC_DEPRECATED("use rc_handler_get_prevent_default")
static inline bool rc_handler_prevent_default(const rc_handler *h) {
    return rc_handler_get_prevent_default(h);
}
RC_DEPRECATED("use rc_handler_get_stop_propagation")
static inline bool rc_handler_stop_propagation(const rc_handler *h) {
    return rc_handler_get_stop_propagation(h);
}
RC_DEPRECATED("use rc_layout_opts_init") static inline rc_layout_opts rc_layout_opts_default(void) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    return o;
}
#endif

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif /* REACTC_LAYOUT_H */
