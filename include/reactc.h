/*
 * reactc — React, but in C.
 *
 * Components are C functions that build a virtual DOM through an
 * immediate-mode builder; hooks keep per-instance state; a layout re-renders
 * what changed and reports the smallest set of patch operations.
 *
 * Two public headers, one per audience:
 *  - reactc.h (this one): component authors and apps — components, the
 *    builder, hooks, values, events, rc_app and its server;
 *  - reactc_layout.h: embedders who drive a layout themselves (their own
 *    transport, tests, server-side rendering) and read ops and nodes.
 *
 * Naming (docs/api.md): every public symbol starts with rc_ (types,
 * functions) or RC_ (macros, constants). Hooks are rc_use_<thing>; the
 * builder's calls are named after what they add to the render in progress
 * (rc_open, rc_close, rc_attr, rc_text, rc_child, rc_on_event, rc_fail);
 * everything else is rc_<noun>_<verb>[_<what>], the noun being the type of
 * the first argument: rc_state_set_int, rc_layout_get_root,
 * rc_node_count_children. Reading a property is _get_, changing one _set_,
 * a predicate _is_, a number of things _count_.
 *
 * Returns, one convention: an operation that can fail returns int, 0 on
 * success and -1 on failure (the reason logged or printed). The two calls
 * made for main() say how to exit instead: rc_app_run returns the exit
 * status (0, or 1 when the server could not start), rc_app_parse_args 0 to
 * go on, 1 after printing help (exit 0) or -1 after printing an error. A
 * predicate, or a setter that tells whether anything changed, returns bool.
 * A lookup returns NULL when there is nothing. A count returns size_t.
 *
 * Out of memory: reactc does not return it. An allocation that fails prints
 * a message and aborts the process (like Redis): no function returns NULL or
 * -1 for lack of memory, so callers have no such case to handle.
 *
 * Ownership, in one place:
 *  - Strings passed to the builder (tags, attribute names and values, text,
 *    keys) are copied; the caller keeps ownership.
 *  - Props passed to rc_child() are copied by value (memcpy of props_size
 *    bytes) into the parent's render arena. Pointers inside props are copied
 *    as pointers: what they point to must outlive the parent's next render.
 *  - rc_state, rc_ref and context handles returned by hooks live as long as
 *    the component instance that called the hook; they are freed on unmount.
 *    Handlers may keep them as user data: a handler that fires after the
 *    instance is gone is ignored, never called.
 *  - rc_value trees are owned by whoever holds the rc_value; rc_value_free()
 *    releases what a value owns, not the rc_value struct itself.
 *  - An rc_app is the caller's and only read: the server keeps its own copy
 *    of the settings with defaults filled in.
 *  - An rc_store is the app's: it lives from rc_store_new* to rc_store_free
 *    and owns its values (written values are copied in); a value a reader
 *    returns is valid until the next store write on the loop thread.
 *
 * Threading: a layout and everything reachable from it belongs to one thread.
 * rc_app_post and rc_app_stop are the thread-safe ways in. Stores (below)
 * belong to the app's loop thread.
 */
#ifndef REACTC_H
#define REACTC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
/* libreactc is compiled with hidden visibility: what this header declares
 * is what the shared library exports, and nothing else (docs/size.md). */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define RC_VERSION_MAJOR 0
#define RC_VERSION_MINOR 1
#define RC_VERSION_PATCH 0

#if defined(__GNUC__) || defined(__clang__)
#define RC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define RC_PRINTF(fmt, args)
#endif

/* Marks an old name kept for one release: its uses warn with the new one. */
#if defined(__cplusplus)
#define RC_DEPRECATED(msg) [[deprecated(msg)]]
#elif defined(__GNUC__) || defined(__clang__)
#define RC_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define RC_DEPRECATED(msg)
#endif

/* C and C++: this header is C11 and compiles clean with -Wpedantic; from C++
 * it needs C++20 (the macros use designated initializers, which C++ requires
 * in declaration order). See docs/api.md. */
#ifdef __cplusplus
#define RC_NORETURN [[noreturn]]
/* Zero default of an rc_el_opts member RC_EL may leave out (g++ -Wextra
 * warns about members missing from a designated initializer otherwise). */
#define RC_ZERO_    = {}
#else
#define RC_NORETURN _Noreturn
#define RC_ZERO_
#endif

/* ------------------------------------------------------------------------ */
/* Values: the typed data of state slots and of incoming events.            */
/* ------------------------------------------------------------------------ */

typedef enum rc_kind {
    RC_NULL = 0,
    RC_BOOL,
    RC_INT,
    RC_FLOAT,
    RC_STRING,
    RC_BYTES,
    RC_ARRAY,
    RC_OBJECT,
    RC_STRUCT
} rc_kind;

/* A plain C struct stored in a state slot: declared once, statically.
 * name and version identify the layout of the struct across builds: bump
 * version when the meaning of the bytes changes (resume then drops old
 * values of this slot instead of misreading them). */
typedef struct rc_struct_type {
    const char *name;
    size_t size;
    uint32_t version;
} rc_struct_type;

typedef struct rc_value rc_value;
typedef struct rc_member rc_member;

/* A tagged value. Strings and bytes own a heap buffer (strings are always
 * NUL-terminated as well as length-counted); arrays and objects own their
 * items. Zero-initialised (`rc_value v = {0}`) is RC_NULL. */
struct rc_value {
    rc_kind kind;
    union {
        bool b;
        int64_t i;
        double f;
        struct {
            char *ptr;
            size_t len;
        } str; /* RC_STRING and RC_BYTES */
        struct {
            rc_value *items;
            size_t len, cap;
        } arr;
        struct {
            rc_member *items;
            size_t len, cap;
        } obj;
        struct {
            const rc_struct_type *type;
            void *ptr;
        } st;
    } as;
};

/* One key/value pair of an RC_OBJECT (insertion order is kept). */
struct rc_member {
    char *key;
    rc_value value;
};

/* Releases what v owns and resets it to RC_NULL. */
void rc_value_free(rc_value *v);
/* Deep copy of src into dst (dst's old contents are freed first). */
void rc_value_copy(rc_value *dst, const rc_value *src);
/* Deep equality: same kind and same contents (floats compare bitwise-equal
 * or ==, so NaN equals itself and a setter given NaN twice does not loop). */
bool rc_value_equal(const rc_value *a, const rc_value *b);

/* Setters: free the old contents of v, then store the new value (copied). */
void rc_value_set_null(rc_value *v);
void rc_value_set_bool(rc_value *v, bool b);
void rc_value_set_int(rc_value *v, int64_t i);
void rc_value_set_float(rc_value *v, double f);
void rc_value_set_string(rc_value *v, const char *s);
void rc_value_set_stringn(rc_value *v, const char *s, size_t len);
void rc_value_set_bytes(rc_value *v, const void *p, size_t len);
void rc_value_set_array(rc_value *v);  /* empty array  */
void rc_value_set_object(rc_value *v); /* empty object */
void rc_value_set_struct(rc_value *v, const rc_struct_type *type, const void *data);

/* Readers: return the value if v has that kind, else the fallback. A NULL v
 * reads as RC_NULL. Integers and floats convert into each other. */
bool rc_value_get_bool(const rc_value *v, bool fallback);
int64_t rc_value_get_int(const rc_value *v, int64_t fallback);
double rc_value_get_float(const rc_value *v, double fallback);
const char *rc_value_get_string(const rc_value *v, const char *fallback);

/* Arrays. rc_array_push appends an RC_NULL item and returns it for the
 * caller to set; the pointer is valid until the array next changes size. */
size_t rc_array_count(const rc_value *arr);
rc_value *rc_array_get(const rc_value *arr, size_t i);
rc_value *rc_array_push(rc_value *arr);
void rc_array_remove(rc_value *arr, size_t i);

/* Objects. rc_object_set returns the member value for key (created as
 * RC_NULL if missing) for the caller to set. */
size_t rc_object_count(const rc_value *obj);
rc_value *rc_object_get(const rc_value *obj, const char *key);
rc_value *rc_object_set(rc_value *obj, const char *key);
bool rc_object_remove(rc_value *obj, const char *key);

/* ------------------------------------------------------------------------ */
/* Components.                                                              */
/* ------------------------------------------------------------------------ */

typedef struct rc_ctx rc_ctx;       /* one component's render in progress */
typedef struct rc_layout rc_layout; /* one mounted root (one browser tab)  */
typedef struct rc_event rc_event;   /* an event being dispatched           */
typedef struct rc_state rc_state;   /* a state or reducer hook slot        */
typedef struct rc_effect rc_effect; /* an effect being run                 */
typedef struct rc_context_type rc_context_type;

typedef void (*rc_render_fn)(rc_ctx *ctx, const void *props);

enum {
    /* Re-render whenever the parent re-renders, even with equal props. */
    RC_COMPONENT_ALWAYS_RENDER = 1u << 0
};

/* A component type, declared once, statically. name is the type name used in
 * state addresses and handler ids: keep it stable across builds (the
 * RC_COMPONENT macro uses the function's name). props_equal, if set, replaces
 * the default memcmp comparison of props (use it when props have padding or
 * pointers to compare by content). */
typedef struct rc_component {
    const char *name;
    rc_render_fn render;
    bool (*props_equal)(const void *a, const void *b, size_t size);
    unsigned flags;
} rc_component;

/* Declares `const rc_component <fn>_component` for render function fn. */
#define RC_COMPONENT(fn) const rc_component fn##_component = {#fn, fn, NULL, 0}

/* ------------------------------------------------------------------------ */
/* Builder: elements, attributes, text, child components, handlers.         */
/* ------------------------------------------------------------------------ */

/* An event handler: called with the event and its user data. */
typedef void (*rc_handler_fn)(rc_event *ev, void *user);

typedef struct rc_on {
    const char *event; /* "click" or "onClick" (both accepted) */
    rc_handler_fn fn;
    void *user;
    bool prevent_default;
    bool stop_propagation;
    /* A value bound to the handler (rc_on_bind_int / rc_on_bind_key): part
     * of its deterministic id, so one function serves every row of a list,
     * each row's handler with its own id, the same in a resumed session
     * (docs/guide/forms-and-validation.md). The handler reads it with
     * rc_event_get_bound_int / rc_event_get_bound_key. */
    bool has_bound_int;
    int64_t bound_int;
    const char *bound_key; /* copied when the handler is added; NULL: none */
} rc_on;

/* Options of an element opened with RC_EL. Every field is optional. */
typedef struct rc_el_opts {
    /* keeps `{ .x = ... }` free of override warnings. A double, so that a
     * string given without a designator (`RC_EL(ctx, "div", "x")`) lands here
     * and is a compile error in C and C++ (no pointer converts to a double),
     * whatever the warning flags. */
    double rc_reserved_ RC_ZERO_;
    const char *key RC_ZERO_; /* reconciliation key among siblings */
    /* An integer key instead (RC_KEY_INT): the same key as its decimal
     * string, with no formatting by the caller. */
    bool has_key_int RC_ZERO_;
    int64_t key_int RC_ZERO_;
    const char *id RC_ZERO_;     /* attribute id */
    const char *class_ RC_ZERO_; /* attribute class */
    const char *style RC_ZERO_;  /* attribute style */
    const char *type RC_ZERO_;   /* attribute type */
    const char *value RC_ZERO_;  /* attribute value (controlled inputs) */
    const char *href RC_ZERO_;   /* attribute href */
    rc_on on RC_ZERO_;           /* one handler; add more with rc_on_event() */
} rc_el_opts;

/* Opens an element; attributes, handlers, text and children added until the
 * matching rc_close() belong to it. Prefer the RC_EL block macro. */
void rc_open(rc_ctx *ctx, const char *tag, const rc_el_opts *opts);
/* Closes the element opened last. */
void rc_close(rc_ctx *ctx);

/* `RC_EL(ctx, "div", .id = "x") { children }` opens, runs the block, closes.
 * Do not `return`, `break` or `goto` out of the block: the element would stay
 * open (reactc closes it at the end of the render and reports the mistake).
 * `RC_EL(ctx, "h1")` without options is fine; options must be designated
 * (`.class_ = "x"`): a bare string after the tag does not compile. The tag is
 * part of the variadic list, so `...` is never empty (-Wpedantic clean). */
#ifndef __cplusplus
/* C: the options end with `.rc_reserved_ = 0`, so the list is never empty
 * and a first option without a designator initializes rc_reserved_. */
#define RC_EL(ctx, ...) RC_EL_(RC_UNIQUE_(rc_once_), ctx, __VA_ARGS__, .rc_reserved_ = 0)
#define RC_EL_(once, ctx, tag, ...)                                                          \
    for (int once = (rc_open((ctx), (tag), &(const rc_el_opts){__VA_ARGS__}), 0); once == 0; \
         once = 1, rc_close(ctx))
#else
/* C++20: a temporary rc_el_opts (empty `...` is standard in C++20), designated
 * members in declaration order; rc_ptr_ takes its address for the call. */
#define RC_EL(ctx, ...) RC_EL_(RC_UNIQUE_(rc_once_), ctx, __VA_ARGS__)
#define RC_EL_(once, ctx, tag, ...)                                                          \
    for (int once = (rc_open((ctx), (tag), rc_ptr_(rc_el_opts{__VA_ARGS__})), 0); once == 0; \
         once = 1, rc_close(ctx))
#endif

/* A fresh identifier per macro use, so nested blocks do not shadow. */
#define RC_CAT2_(a, b) a##b
#define RC_CAT_(a, b)  RC_CAT2_(a, b)
#ifdef __COUNTER__
#define RC_UNIQUE_(name) RC_CAT_(name, __COUNTER__)
#else
#define RC_UNIQUE_(name) RC_CAT_(name, __LINE__)
#endif

/* `.on = RC_ON("click", fn, user)` */
#ifndef __cplusplus
#define RC_ON(event_, fn_, user_) ((rc_on){.event = (event_), .fn = (fn_), .user = (user_)})
#else
#define RC_ON(event_, fn_, user_)     \
    (rc_on{.event = (event_),         \
           .fn = (fn_),               \
           .user = (user_),           \
           .prevent_default = false,  \
           .stop_propagation = false, \
           .has_bound_int = false,    \
           .bound_int = 0,            \
           .bound_key = NULL})
#endif

/* Handler options, for rc_on_set_flags and RC_ON_OPTS: the browser calls
 * preventDefault() / stopPropagation() on the DOM event before sending it. */
enum { RC_PREVENT_DEFAULT = 1u << 0, RC_STOP_PROPAGATION = 1u << 1 };

/* Returns `on` with prevent_default / stop_propagation set from flags
 * (RC_PREVENT_DEFAULT | RC_STOP_PROPAGATION; a flag not given is cleared). */
static inline rc_on rc_on_set_flags(rc_on on, unsigned flags) {
    on.prevent_default = (flags & RC_PREVENT_DEFAULT) != 0;
    on.stop_propagation = (flags & RC_STOP_PROPAGATION) != 0;
    return on;
}
/* Returns `on` with the integer v bound (rc_event_get_bound_int reads it); v
 * is part of the handler's id, so handlers of one element and event that
 * differ by v have different ids. Replaces a bound key. */
static inline rc_on rc_on_bind_int(rc_on on, int64_t v) {
    on.has_bound_int = true;
    on.bound_int = v;
    on.bound_key = NULL;
    return on;
}
/* Returns `on` with the string key bound (rc_event_get_bound_key reads it):
 * at most RC_BOUND_KEY_MAX bytes (a longer key is an error: the handler is
 * not added), copied when the handler is added, part of the handler's id.
 * Replaces a bound integer. With rc_use_callback, bind after it
 * (`rc_on_bind_key(rc_use_callback(...), key)`): the memoized rc_on keeps
 * the pointer it was given. */
static inline rc_on rc_on_bind_key(rc_on on, const char *key) {
    on.has_bound_int = false;
    on.bound_int = 0;
    on.bound_key = key;
    return on;
}
#define RC_BOUND_KEY_MAX 128

/* `.on = RC_ON_OPTS("click", fn, user, RC_STOP_PROPAGATION)` */
#define RC_ON_OPTS(event_, fn_, user_, flags_) rc_on_set_flags(RC_ON(event_, fn_, user_), (flags_))
/* `.on = RC_ON_SUBMIT(fn, user)`: a form's submit, the browser's own submit
 * (a page load) prevented; the event carries the form's fields
 * (rc_event_get_form_field). */
#define RC_ON_SUBMIT(fn_, user_)               RC_ON_OPTS("submit", fn_, user_, RC_PREVENT_DEFAULT)
/* `.on = RC_ON_INT("click", fn, user, row_id)`: one function for every row,
 * each row's handler with its own value (and id). */
#define RC_ON_INT(event_, fn_, user_, v_)      rc_on_bind_int(RC_ON(event_, fn_, user_), (v_))
/* `.on = RC_ON_KEY("click", fn, user, item_key)`: like RC_ON_INT with a
 * short string (the row's key). */
#define RC_ON_KEY(event_, fn_, user_, key_)    rc_on_bind_key(RC_ON(event_, fn_, user_), (key_))

/* Sets an attribute of the open element (a later value for the same name
 * replaces the earlier one). The browser client never sets a name starting
 * with "on" (use rc_on_event) and sets URL attributes (href, src, action...)
 * only to http:, https:, mailto:, tel: or relative URLs; the server warns
 * once per process when a component renders one (docs/protocol.md). An
 * element keeps at most 255 attributes; more are refused with an error in
 * the log. */
void rc_attr(rc_ctx *ctx, const char *name, const char *value);
void rc_attrf(rc_ctx *ctx, const char *name, const char *fmt, ...) RC_PRINTF(3, 4);
/* Boolean attribute: present (value "") when on, absent when off. */
void rc_attr_bool(rc_ctx *ctx, const char *name, bool on);
/* Adds an event handler to the open element (a later one for the same
 * event replaces it; at most 255 per element, more are refused with an
 * error in the log). */
void rc_on_event(rc_ctx *ctx, rc_on on);

/* Appends a text node. */
void rc_text(rc_ctx *ctx, const char *text);
void rc_textn(rc_ctx *ctx, const char *text, size_t len);
void rc_textf(rc_ctx *ctx, const char *fmt, ...) RC_PRINTF(2, 3);

/* Appends a child component. props (props_size bytes, may be NULL/0) are
 * copied. key, if not NULL, identifies the child among its siblings;
 * duplicate keys among siblings are an error shown in place of the parent. */
void rc_child(rc_ctx *ctx, const rc_component *type, const char *key, const void *props,
              size_t props_size);
/* `RC_CHILD(ctx, &row_component, key, &(row_props){...})` */
#define RC_CHILD(ctx, type, key, props) rc_child((ctx), (type), (key), (props), sizeof(*(props)))
/* rc_child with an integer key: the same key as its decimal string (key 12
 * and "12" name the same child, "Row[12]" in slot addresses, so switching
 * keeps a session's tokens), without formatting it: a list of 1,000 rows
 * spent half its re-render in the caller's snprintf of the keys. */
void rc_child_int(rc_ctx *ctx, const rc_component *type, int64_t key, const void *props,
                  size_t props_size);
/* `RC_CHILD_INT(ctx, &row_component, i, &(row_props){...})` */
#define RC_CHILD_INT(ctx, type, key, props) \
    rc_child_int((ctx), (type), (key), (props), sizeof(*(props)))
/* An element's integer key, for RC_EL's options:
 * `RC_EL(ctx, "li", RC_KEY_INT(i), .class_ = "row")` (first, before other
 * options, for C++'s designated initializers). */
#define RC_KEY_INT(v) .has_key_int = true, .key_int = (v)

/* What a failed component's error element says where details are hidden
 * (rc_app.show_errors). */
#define RC_ERROR_GENERIC "This part of the page failed to render."

/* Fails the current render with a message: the component's output becomes an
 * error element in place, the rest of the page keeps working. Does not
 * return. */
RC_NORETURN void rc_fail(rc_ctx *ctx, const char *fmt, ...) RC_PRINTF(2, 3);
/* An assertion for component code: on failure, rc_fail with the expression. */
#define RC_ASSERT(ctx, cond)                                                                    \
    do {                                                                                        \
        if (!(cond)) rc_fail((ctx), "assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
    } while (0)

/* The layout this render belongs to. */
rc_layout *rc_ctx_get_layout(rc_ctx *ctx);

/* ------------------------------------------------------------------------ */
/* Hooks. Call them in the same order on every render of a component.       */
/* name: an explicit, stable slot name (survives code edits), or NULL to    */
/* address the slot by its hook index.                                      */
/* ------------------------------------------------------------------------ */

enum {
    /* Never leaves the server: not enumerated for snapshots; takes its
     * initial value when a session is rebuilt elsewhere. */
    RC_STATE_SERVER_ONLY = 1u << 0
};

/* State slots of each value type. The initial value is used on mount (and
 * when a restored value does not fit the slot). */
rc_state *rc_use_int(rc_ctx *ctx, const char *name, int64_t initial);
rc_state *rc_use_float(rc_ctx *ctx, const char *name, double initial);
rc_state *rc_use_bool(rc_ctx *ctx, const char *name, bool initial);
rc_state *rc_use_string(rc_ctx *ctx, const char *name, const char *initial);
rc_state *rc_use_bytes(rc_ctx *ctx, const char *name, const void *initial, size_t len);
/* initial may be NULL (RC_NULL). */
rc_state *rc_use_value(rc_ctx *ctx, const char *name, const rc_value *initial);
/* A C struct slot; initial may be NULL (all zero bytes). */
rc_state *rc_use_struct(rc_ctx *ctx, const char *name, const rc_struct_type *type,
                        const void *initial);
/* A value slot created with RC_STATE_* flags: with RC_STATE_SERVER_ONLY it
 * is never in a token and never restored from one (even an old token that
 * still holds it): it takes `initial` whenever a session is rebuilt. */
rc_state *rc_use_state_ex(rc_ctx *ctx, const char *name, const rc_value *initial, unsigned flags);
/* Changes a slot's RC_STATE_* flags later (e.g. after a typed hook). A slot
 * created without RC_STATE_SERVER_ONLY may already have been restored from a
 * token on mount: use rc_use_state_ex to rule that out. */
void rc_state_set_flags(rc_state *s, unsigned flags);

/* Readers. */
int64_t rc_state_get_int(const rc_state *s);
double rc_state_get_float(const rc_state *s);
bool rc_state_get_bool(const rc_state *s);
const char *rc_state_get_string(const rc_state *s);
const void *rc_state_get_bytes(const rc_state *s, size_t *len);
const rc_value *rc_state_get_value(const rc_state *s);
const void *rc_state_get_struct(const rc_state *s);
/* Increments on every change of the value: a cheap dependency for memo and
 * effect dependency lists. */
uint64_t rc_state_get_version(const rc_state *s);

/* Setters. A value equal to the current one changes nothing; a different one
 * stores it and schedules a re-render of the owning instance. Returns true if
 * the value changed. */
bool rc_state_set_int(rc_state *s, int64_t v);
bool rc_state_set_float(rc_state *s, double v);
bool rc_state_set_bool(rc_state *s, bool v);
bool rc_state_set_string(rc_state *s, const char *v);
bool rc_state_set_bytes(rc_state *s, const void *p, size_t len);
bool rc_state_set_value(rc_state *s, const rc_value *v);
bool rc_state_set_struct(rc_state *s, const void *v);

/* Functional update: fn edits the current value in place; if the result
 * differs from the value before, a re-render is scheduled. */
typedef void (*rc_update_fn)(rc_value *value, void *arg);
bool rc_state_update(rc_state *s, rc_update_fn fn, void *arg);

/* Reducer: dispatch calls reducer(value, action, payload) to compute the next
 * state in place; a changed value schedules a re-render. */
typedef void (*rc_reducer_fn)(rc_value *state, int action, const void *payload);
rc_state *rc_use_reducer(rc_ctx *ctx, const char *name, rc_reducer_fn reducer,
                         const rc_value *initial);
bool rc_state_dispatch(rc_state *s, int action, const void *payload);

/* Ref: `size` zeroed bytes that persist across renders and never trigger a
 * re-render; freed on unmount. Not part of snapshots. */
void *rc_use_ref(rc_ctx *ctx, size_t size);

/* Dependencies for memo, callback and effect hooks: a byte blob compared by
 * memcmp with the previous render's. deps == NULL: changes every render.
 * deps_size == 0 (deps != NULL): never changes (RC_ONCE). */
#define RC_ONCE ((const void *)""), 0
/* `RC_DEPS(a, b)`: integer-valued dependencies (use rc_state_get_version(s) for
 * state). Pass a struct's address and size for other kinds. */
#ifndef __cplusplus
#define RC_DEPS(...) ((const int64_t[]){__VA_ARGS__}), sizeof((const int64_t[]){__VA_ARGS__})
#else
/* C++: a temporary array of int64_t (each value converted as in C). */
#define RC_DEPS(...) rc_deps_(__VA_ARGS__).v, sizeof(rc_deps_(__VA_ARGS__).v)
#endif
#define RC_EVERY_RENDER NULL, 0

/* Memo: returns `size` bytes computed by fn(out, arg) on the first render and
 * whenever deps change; the bytes persist across renders. */
typedef void (*rc_memo_fn)(void *out, void *arg);
const void *rc_use_memo(rc_ctx *ctx, size_t size, rc_memo_fn fn, void *arg, const void *deps,
                        size_t deps_size);

/* Callback: returns a handler whose identity (fn, user) is kept until deps
 * change, so children receiving it in props are not re-rendered. */
rc_on rc_use_callback(rc_ctx *ctx, rc_on handler, const void *deps, size_t deps_size);

/* Effects run after the render's output has been sent (rc_layout_commit),
 * children before parents. An effect may return a cleanup, run before the
 * effect runs again and on unmount. */
typedef struct rc_cleanup {
    void (*fn)(void *data);
    void *data;
} rc_cleanup;
#ifndef __cplusplus
#define RC_NO_CLEANUP ((rc_cleanup){0})
#else
#define RC_NO_CLEANUP (rc_cleanup{})
#endif
typedef rc_cleanup (*rc_effect_fn)(rc_effect *e, void *arg);

enum {
    /* Do not run this effect on the first render of a resumed session. */
    RC_EFFECT_SKIP_ON_RESUME = 1u << 0,
    /* Run only on the first render of a resumed session. */
    RC_EFFECT_ONLY_ON_RESUME = 1u << 1
};

/* Schedules fn(e, arg copy) after commit when deps changed. arg (arg_size
 * bytes, may be NULL/0) is copied, so a stack value from the render is fine;
 * the copy lives until the next run of this effect. */
void rc_use_effect(rc_ctx *ctx, rc_effect_fn fn, const void *arg, size_t arg_size, const void *deps,
                   size_t deps_size);
/* rc_use_effect with RC_EFFECT_* flags. */
void rc_use_effect_ex(rc_ctx *ctx, rc_effect_fn fn, const void *arg, size_t arg_size,
                      const void *deps, size_t deps_size, unsigned flags);
/* Inside an effect: its argument copy, the layout, whether this is a resume. */
void *rc_effect_get_arg(rc_effect *e);
rc_layout *rc_effect_get_layout(rc_effect *e);
bool rc_effect_is_resume(rc_effect *e);

/* True while rendering the first render of a session rebuilt from a
 * snapshot (resume) in this instance. */
bool rc_ctx_is_resume(rc_ctx *ctx);

/* Context: a value provided to every descendant component. */
struct rc_context_type {
    const char *name;
    size_t size;
    const void *default_value; /* size bytes, or NULL for zeroes */
};

/* Provides `value` (copied, type->size bytes) to the components created
 * inside the block. Consumers re-render when the value changes, even if a
 * component between them was skipped. Like a hook: same order every render. */
void rc_provider_begin(rc_ctx *ctx, const rc_context_type *type, const void *value);
void rc_provider_end(rc_ctx *ctx);
#define RC_PROVIDE(ctx, type, value) RC_PROVIDE_(RC_UNIQUE_(rc_prov_), ctx, type, value)
#define RC_PROVIDE_(once, ctx, type, value)                                    \
    for (int once = (rc_provider_begin((ctx), (type), (value)), 0); once == 0; \
         once = 1, rc_provider_end(ctx))
/* Returns the nearest provided value of type (or its default). */
const void *rc_use_context(rc_ctx *ctx, const rc_context_type *type);

/* Timers. fn(user) runs on the layout's thread every `ms` milliseconds
 * (interval) or once, `ms` after mount (timeout); a changed `ms` re-arms the
 * timer, 0 stops it; unmount cancels it. fn and user are taken from the
 * latest render. Needs a timer host (the server provides one). */
typedef void (*rc_timer_fn)(void *user);
void rc_use_interval(rc_ctx *ctx, uint32_t ms, rc_timer_fn fn, void *user);
void rc_use_timeout(rc_ctx *ctx, uint32_t ms, rc_timer_fn fn, void *user);

/* The page's location (path and query, e.g. "/todo" and "?filter=open"), so
 * an app can route. Components that read it re-render when it changes. */
typedef struct rc_location {
    const char *pathname;
    const char *search;
} rc_location;
const rc_location *rc_use_location(rc_ctx *ctx);

/* ------------------------------------------------------------------------ */
/* Routing (docs/guide/routing.md).                                         */
/* ------------------------------------------------------------------------ */

/* `RC_LINK(ctx, "/todo", .class_ = "nav") { rc_text(ctx, "Todo"); }`: an
 * <a href data-reactc-link> (options as RC_EL's). Without script it is a
 * plain link; with the client, a left click navigates without a page load
 * (history.pushState and a "@location" event). Add
 * `rc_attr(ctx, "data-reactc-link", "replace")` inside the block to replace
 * the current history entry instead. rc_open_link is the opening call. */
void rc_open_link(rc_ctx *ctx, const char *href, const rc_el_opts *opts);
#ifndef __cplusplus
#define RC_LINK(ctx, ...) RC_LINK_(RC_UNIQUE_(rc_once_), ctx, __VA_ARGS__, .rc_reserved_ = 0)
#define RC_LINK_(once, ctx, href, ...)                                                             \
    for (int once = (rc_open_link((ctx), (href), &(const rc_el_opts){__VA_ARGS__}), 0); once == 0; \
         once = 1, rc_close(ctx))
#else
#define RC_LINK(ctx, ...) RC_LINK_(RC_UNIQUE_(rc_once_), ctx, __VA_ARGS__)
#define RC_LINK_(once, ctx, href, ...)                                                             \
    for (int once = (rc_open_link((ctx), (href), rc_ptr_(rc_el_opts{__VA_ARGS__})), 0); once == 0; \
         once = 1, rc_close(ctx))
#endif

/* From a handler: navigates to url, a same-origin path with an optional
 * "?query" ("/device/7?tab=log"; no "//", backslash, '#', space or control
 * character; at most 255 bytes of path and 511 of query). Readers of the
 * location re-render and the browser's address bar follows: rc_navigate
 * pushes a history entry, rc_navigate_replace replaces the current one.
 * Returns 0, or -1 on a refused url (logged; nothing changes). */
int rc_navigate(rc_event *ev, const char *url);
int rc_navigate_replace(rc_event *ev, const char *url);

/* Matches a path against a pattern: segments compared exactly, ":name" takes
 * one non-empty segment, a final "*" takes the rest (possibly empty). One
 * trailing slash is ignored on both ("/todo/" matches "/todo"). Returns 0
 * when path matches and, if name is not NULL, the parameter's value
 * (percent-decoded; "*" names the rest; "" for a name the pattern lacks)
 * fits in value (cap bytes with the NUL); -1 otherwise (no match, a bad
 * escape or an encoded NUL, too long). */
int rc_match_route(const char *pattern, const char *path, const char *name, char *value,
                   size_t cap);

/* A route of rc_routes: its pattern (as rc_match_route's) and component
 * (rendered without props). Keep the table static: the pattern's address
 * identifies the route. */
typedef struct rc_route {
    const char *pattern;
    const rc_component *component;
} rc_route;

/* Renders the component of the first route whose pattern matches the
 * location's pathname, keyed by its pattern: another route remounts, a
 * changed parameter re-renders the same instance. Returns the route's
 * index, or -1 when none matched (nothing rendered: render a not-found
 * page). Reads the location (the caller re-renders when it changes); like
 * a hook, call it in every render. */
int rc_routes(rc_ctx *ctx, const rc_route *routes, size_t n);
/* The named parameter of the nearest enclosing route matched by rc_routes
 * (percent-decoded; "*" for the rest), or NULL when there is none. */
const char *rc_use_param(rc_ctx *ctx, const char *name);
/* The first value of query parameter name in the location's search
 * (decoded: "+" is a space, %XX a byte; a name without '=' reads ""), or
 * NULL when absent. Readers re-render when the location changes. The
 * strings of both are valid for the current render (its arena). */
const char *rc_use_query(rc_ctx *ctx, const char *name);

/* How this session's page is connected, for components that want to say so
 * ("reconnected", "restored after a server restart"). Readers re-render
 * when it changes: on every new connection, including a re-attach (which
 * otherwise re-renders nothing). */
typedef struct rc_connection {
    uint32_t connections; /* connections this session had in this process (1 = first) */
    bool resumed;         /* this process rebuilt the session from its token */
    bool reattached;      /* the current connection re-attached to a kept session */
} rc_connection;
const rc_connection *rc_use_connection(rc_ctx *ctx);

/* The signed-in user's name when the app has a login (rc_app's auth_file
 * or check_login; docs/security.md, "Login"), else NULL. Fixed for the
 * session's life: a session is never resumed or re-attached by another
 * user. */
const char *rc_use_user(rc_ctx *ctx);

/* ------------------------------------------------------------------------ */
/* Events.                                                                  */
/* ------------------------------------------------------------------------ */

/* The event's data: the array of arguments the client sent (the serialised
 * DOM event is element 0). Owned by the dispatcher. */
const rc_value *rc_event_get_data(const rc_event *ev);
/* Shortcut for field `name` of the first argument (e.g. "value", "checked",
 * "key"); NULL if missing. */
const rc_value *rc_event_get_field(const rc_event *ev, const char *name);
/* The `value` field as a string ("" if missing). */
const char *rc_event_get_value(const rc_event *ev);
/* The value bound to the handler being called (rc_on_bind_int): 0 if it has
 * none. */
int64_t rc_event_get_bound_int(const rc_event *ev);
/* The key bound to the handler being called (rc_on_bind_key), valid while
 * the handler runs: NULL if it has none. */
const char *rc_event_get_bound_key(const rc_event *ev);
/* For a form's submit event: the form's field named `name` (the browser
 * sends them all, docs/protocol.md): a string (text, textarea, select, radio
 * group's checked value), a bool (a lone checkbox), an array of strings (a
 * select with multiple, checkboxes sharing a name: the checked values), or
 * RC_NULL (a radio group with none checked). NULL if the event has no such
 * field. Owned by the event, valid while the handler runs. */
const rc_value *rc_event_get_form_field(const rc_event *ev, const char *name);
/* Sequence number the client gave the event (0 if none) and a key unique to
 * this event in this session, for idempotent effects outside the UI. */
uint64_t rc_event_get_seq(const rc_event *ev);
/* Writes "<session id>:<seq>" into buf (cap bytes, NUL-terminated) and
 * returns its length: the same event gets the same key in every process
 * that applies it, so external writes keyed on it happen once. */
size_t rc_event_get_idempotency_key(const rc_event *ev, char *buf, size_t cap);
rc_layout *rc_event_get_layout(const rc_event *ev);

/* ------------------------------------------------------------------------ */
/* Stores: app-level shared state every session sees (docs/guide/shared-     */
/* state.md).                                                               */
/* ------------------------------------------------------------------------ */

/* A store is a named value that belongs to the app, not to a session: a
 * device's fan, a maintenance flag, a shared list. Two shapes:
 *  - a value store holds one rc_value (any kind, a versioned C struct too);
 *  - a collection holds rc_values by string key, in insertion order, each
 *    with its own version.
 *
 * Reading subscribes: a component that reads a store (or one item of a
 * collection) during its render re-renders when it changes, in every
 * session, in the next flush, once however many changes were made (one
 * message per session). A change to one item re-renders only the readers
 * of that item; readers of a collection's keys or count re-render when
 * items are added or removed.
 *
 * Writing batches: writes made in a handler, an effect or cleanup, a timer
 * or an rc_app_post callback are staged and committed together when that
 * callback returns; until then the callback reads its own writes (values
 * and items; counts and keys show what is committed). A write anywhere
 * else (main() before rc_app_run, a test) commits at once. Writes to one
 * value or item in one batch keep only the last.
 *
 * Resume: store values are never sealed into a session's state token nor
 * restored from one: after any resume or re-attach a page shows the
 * store's current value.
 *
 * Threading and lifetime: stores are created, read, written and freed on
 * the app's loop thread (before rc_app_run: the thread that will run it).
 * A store lives until rc_store_free; its name, kind and struct type are
 * fixed at creation. Values returned by readers are owned by the store and
 * valid until the next write is committed or staged on this thread. */
typedef struct rc_store rc_store;

/* Creates the value store `name` (unique among live stores) holding a copy
 * of initial (NULL: RC_NULL). A store created with a kind other than
 * RC_NULL keeps it: a set of another kind is refused. NULL if the name is
 * taken or empty. Free with rc_store_free. */
rc_store *rc_store_new(const char *name, const rc_value *initial);
/* A value store holding a C struct of type (initial: type->size bytes, or
 * NULL for zeroes); sets must give the same type. */
rc_store *rc_store_new_struct(const char *name, const rc_struct_type *type, const void *initial);
/* Creates the empty collection `name`. NULL if the name is taken or empty. */
rc_store *rc_store_new_collection(const char *name);
/* Frees the store and its values. Its readers stop following it (nothing
 * dangles); writes to it still staged are dropped. NULL is ignored. */
void rc_store_free(rc_store *store);
/* The store's name (owned by the store). */
const char *rc_store_get_name(const rc_store *store);

/* Value store readers (a collection reads as RC_NULL). The version
 * increments on every committed change. */
const rc_value *rc_store_get_value(const rc_store *store);
int64_t rc_store_get_int(const rc_store *store);
double rc_store_get_float(const rc_store *store);
bool rc_store_get_bool(const rc_store *store);
const char *rc_store_get_string(const rc_store *store); /* "" if not a string */
const void *rc_store_get_struct(const rc_store *store); /* NULL if not a struct */
uint64_t rc_store_get_version(const rc_store *store);

/* Value store writers: stage v (copied) in the current batch (see above).
 * 0, or -1 (logged) if the store is a collection or v's kind (or struct
 * type) is not the store's. A value equal to the committed one changes
 * nothing when the batch commits. */
int rc_store_set_value(rc_store *store, const rc_value *v);
int rc_store_set_int(rc_store *store, int64_t v);
int rc_store_set_float(rc_store *store, double v);
int rc_store_set_bool(rc_store *store, bool v);
int rc_store_set_string(rc_store *store, const char *v);
int rc_store_set_struct(rc_store *store, const void *v); /* the store's type->size bytes */
/* Stages fn's edit of the value (the batch's own write if any, else the
 * committed value). Returns as rc_store_set_value. */
int rc_store_update(rc_store *store, rc_update_fn fn, void *arg);
/* Atomic add: stages "add delta to whatever the value is when the batch
 * commits". In memory that is a plain add; shared through Redis it is done
 * there, so concurrent adds from many processes never conflict (an update
 * read-modify-write can: docs/guide/shared-state.md). Reads in the same
 * batch see the sum; a set then an add in one batch commit a set of the
 * sum, an add then a set commit the set. A value that is not an int counts
 * as 0 (Redis: exact up to 2^53). 0, or -1 (logged) if the store holds
 * another kind or is a collection. */
int rc_store_add_int(rc_store *store, int64_t delta);

/* Collection readers. rc_store_get_item: the item's value, or NULL if there
 * is none (a reader is then subscribed to the keys, so it re-renders when
 * the item appears). rc_store_count_items and rc_store_get_key (the i-th
 * key in insertion order, NULL past the end; owned by the store, valid
 * until the item is removed) subscribe a reader to the keys. An item's
 * version is 0 when it does not exist. */
const rc_value *rc_store_get_item(const rc_store *store, const char *key);
uint64_t rc_store_get_item_version(const rc_store *store, const char *key);
size_t rc_store_count_items(const rc_store *store);
const char *rc_store_get_key(const rc_store *store, size_t i);
/* Collection writers, staged like the value store's: set (create or
 * replace, v copied; NULL: RC_NULL), remove, and fn's edit of the item (an
 * RC_NULL value if it does not exist yet). 0, or -1 (logged) if the store
 * is not a collection or key is NULL. */
int rc_store_set_item(rc_store *store, const char *key, const rc_value *v);
int rc_store_remove_item(rc_store *store, const char *key);
int rc_store_update_item(rc_store *store, const char *key, rc_update_fn fn, void *arg);
/* rc_store_add_int for an item (created as delta if it does not exist). */
int rc_store_add_item_int(rc_store *store, const char *key, int64_t delta);

/* The outcome of a batch: 0 committed, -1 refused (none of its writes
 * applied, which the in-memory stores never do; stores shared through
 * Redis do while Redis is unreachable, or when an update's value moved:
 * docs/guide/shared-state.md, "Across processes (Redis)"). */
typedef void (*rc_store_done_fn)(int status, void *user);
/* Calls fn(status, user) on the loop thread once the batch being staged
 * (this callback's) is decided: in memory, when the callback returns, after
 * its writes are committed and before any render sees them; through
 * Redis, when Redis has answered (the objects user points to must live
 * until then). Outside a callback it is decided at once in memory (fn is
 * called before this returns). Call it as often as needed; each fn runs
 * once. */
void rc_store_batch_on_done(rc_store_done_fn fn, void *user);

/* Publishing from any thread (a sensor reader, a worker): thread-safe,
 * unlike everything above. The write waits for the loop thread, which
 * applies it soon (the server wakes for it; an embedder calls
 * rc_store_drain, reactc_layout.h). A plain set (value, int, float, bool,
 * item) is merged with the set queued last for the same value or item when
 * nothing was queued after it: the last value wins, so 1,000 readings a
 * second between two loop turns cost one render per reader. An update
 * (fn edits the value on the loop thread, given a copy of the arg_size
 * bytes at arg; key NULL: the value store) and a compare-and-set (v is
 * written only if the value's or item's version is still `version`, 0 for
 * an item that does not exist; done, if not NULL, gets 0 or -1 on the loop
 * thread) are never merged: one thread's writes to a value or item apply
 * in the order made. 0, or -1 if the write cannot apply to the store (kind,
 * shape; logged). The store must outlive its publishers' calls. */
int rc_store_publish_value(rc_store *store, const rc_value *v);
int rc_store_publish_int(rc_store *store, int64_t v);
int rc_store_publish_float(rc_store *store, double v);
int rc_store_publish_bool(rc_store *store, bool v);
int rc_store_publish_item(rc_store *store, const char *key, const rc_value *v);
int rc_store_publish_update(rc_store *store, const char *key, rc_update_fn fn, const void *arg,
                            size_t arg_size);
int rc_store_publish_cas(rc_store *store, const char *key, uint64_t version, const rc_value *v,
                         rc_store_done_fn done, void *user);

/* Persistence (device settings that survive a reboot, no database): keeps
 * the store in the file at path (copied) from now until rc_store_free. If
 * the file exists it is restored now (value or items, and the exactly-once
 * marks of the sessions that wrote the store); a file that is damaged or
 * of another store is reported, renamed to PATH.corrupt and ignored (the
 * store keeps its value). After committed changes the whole store is
 * written to PATH.tmp, fsynced and renamed over path (then the directory
 * is fsynced), at most once a second: changes within a second share one
 * write, and rc_app_run's end and rc_store_free write what is pending.
 * 0, or -1 (logged) if the store is persisted already or another store
 * uses path. A write that fails is logged and retried a second later
 * (with no timer host: at the next change); until it succeeds, tokens
 * holding events that wrote the store wait. Call it before rc_app_run, on
 * the thread that owns the store. With --redis a store that is not local
 * is kept by Redis instead: its file is restored, written once more at the
 * start and then not used (logged). */
int rc_store_persist(rc_store *store, const char *path);
/* Writes every persisted store with changes not written yet, now (before
 * a planned power-off, say). 0, or -1 if a write failed (logged). */
int rc_store_sync(void);
/* Declares the store process-local (a per-process cache): with --workers
 * N > 1 or --redis each process then keeps its own copy, on purpose.
 * Without --redis, rc_app_run refuses to start N > 1 workers while any
 * store is not declared so, since tabs on different workers would
 * silently diverge; with --redis the other stores are shared through Redis
 * (docs/guide/shared-state.md). Loop thread (or main() before rc_app_run). */
void rc_store_set_local(rc_store *store, bool local);

/* Hook forms of the readers, for a component that wants to say so: the
 * store's value, and an item (NULL if none). Any read during a render
 * subscribes; these add nothing else and need no fixed call order. */
const rc_value *rc_use_store(rc_ctx *ctx, const rc_store *store);
const rc_value *rc_use_store_item(rc_ctx *ctx, const rc_store *store, const char *key);

/* ------------------------------------------------------------------------ */
/* Logging.                                                                 */
/* ------------------------------------------------------------------------ */

typedef enum rc_log_level { RC_LOG_ERROR = 0, RC_LOG_WARN, RC_LOG_INFO, RC_LOG_DEBUG } rc_log_level;

/* ------------------------------------------------------------------------ */
/* The app server: HTTP + WebSocket on one port (libwebsockets on libev).   */
/* ------------------------------------------------------------------------ */

/* What the page tells the browser client (as data-reactc-* attributes of
 * its mount element; docs/protocol.md, "Client options"). Zero fields keep
 * the client's defaults. */
typedef struct rc_client_options {
    /* A tab untouched (no pointer, key, wheel, scroll or focus) this long
     * sleeps: it disconnects and the server frees its session; the first
     * activity resumes it. Default 240 s; UINT32_MAX: never (a wall
     * display that must keep showing live data). */
    uint32_t idle_s;
    /* Where a tab keeps its session and token: "session" (default: a
     * reload of the tab resumes), "local" (also a restarted browser) or
     * "memory" (nothing survives a reload). */
    const char *storage;
    uint32_t backoff_initial_ms; /* the first reconnect wait is at most this (default 250) */
    uint32_t backoff_max_ms;     /* the longest reconnect wait (default 10,000) */
    uint32_t connect_timeout_s; /* a socket that opens and answers slower is retried (default 10) */
} rc_client_options;

/* An app: the root component and how to serve it. Zero-initialise, set what
 * you need; every other field has a default. The struct must outlive
 * rc_app_run. */
typedef struct rc_app {
    const char *title;        /* page title (default "reactc") */
    const rc_component *root; /* required */
    const void *root_props;   /* copied per session */
    size_t root_props_size;
    const char *host; /* default "127.0.0.1" */
    /* 0: the default, 8000; -1: any free port (logged in the "serving"
     * line and given to on_listen). On the command line 0 means any free
     * port, as in most servers: rc_app_parse_args stores --port 0 as -1. */
    int port;
    /* Extra HTML appended to <head>: <style>, <link>, <meta>. An inline
     * <script> there is blocked by the page's default policy (see csp). */
    const char *head;
    const char *static_dir; /* served under /static/ if set */
    rc_log_level log_level; /* default RC_LOG_INFO (set by rc_app_parse_args) */
    /* A component that fails shows an error element in place. Its details
     * (the message, file:line, the failed expression) are always logged;
     * the browser sees them only under reactc-dev or with show_errors (a
     * page open to the public should not), else a generic message. */
    bool show_errors;
    size_t max_message;  /* bytes, default 1 MiB (close 1009) */
    size_t max_sessions; /* default 10,000 (close 1013) */
    size_t max_queued;   /* output bytes per connection, default 4 MiB */
    /* Unfinished messages (frames of a message still to come) held by the
     * whole process, bytes: default 8 MiB or twice max_message if more; the
     * connection that would pass it is closed (1009). */
    size_t max_partial;
    /* A message begun must be finished within this, ms (default 10,000);
     * else the connection is closed (1008). */
    uint32_t message_timeout_ms;
    /* A new connection must speak first within this, ms (default 10,000): a
     * hello on reactc's protocol, any message on ReactPy's; else it is
     * closed (1008), so silent sockets hold no slot. */
    uint32_t hello_timeout_ms;
    /* Disconnected sessions kept for re-attach (grace_ms), default
     * max_sessions / 4; past it, and when live connections need room
     * within max_sessions, the oldest is freed (its state is in its token). */
    size_t max_detached;
    /* The app's memory budget, bytes (0, the default: none). Near it, new
     * sessions are refused with close 4503 (the client retries later)
     * instead of the device running out of memory; open sessions go on.
     * A fresh session needs the budget less a headroom (a sixteenth, at
     * least 256 KiB); a resume of a session (a tab whose connection
     * dropped) only the budget. Measured as the process's resident memory;
     * with workers > 1 the budget is the whole app's (docs/embedded.md,
     * "Memory"). */
    size_t max_memory;
    /* Per client address (the peer's, or a trusted proxy's forwarded one):
     * live WebSocket connections (default 64) and new ones per second
     * (default 10, twice that at once); past either, the upgrade gets 429.
     * Loopback is exempt unless limit_loopback. */
    uint32_t max_per_address;
    double new_per_address_per_s;
    bool limit_loopback;
    /* Resume (docs/resume.md). The secret comes from secret_file (mode 0600
     * or 0400) or the environment (REACTC_SECRET, removed once read). It is
     * typed: b64:<32 random bytes in base64> (reactc-secret prints one),
     * hex:<the same as 64 hex digits> or pass:<passphrase> (stretched with
     * Argon2id, with a warning); anything else stops the start. Several,
     * separated by commas or lines, are all accepted, the first seals (key
     * rotation). None: a random one for this process, with a warning
     * (resume works only in-process). */
    const char *secret_file;
    /* Bound into the token keys: a token of another app id is refused even
     * under the same secret and title (default: the program's name). */
    const char *app_id;
    const char *build_id; /* reported in tokens (default: the executable's size+mtime) */
    uint32_t token_ttl;   /* seconds, default 86,400 */
    size_t max_token;     /* bytes, default 64 KiB: bigger tokens are not sent
                             (with redis: kept there, the client holds a reference) */
    uint32_t grace_ms; /* a disconnected session is kept this long for re-attach (default 60,000) */
    uint32_t drain_ms; /* on shutdown, clients reconnect spread over this window (default 2,000) */
    /* At most one state token per this interval per session (default 250
     * ms; UINT32_MAX: a token with every change). Sealing costs O(state);
     * clients keep the events a token does not hold yet (token_seq) and hand
     * them over in the resume hello, replayed before the first tree. */
    uint32_t token_interval_ms;
    /* A session renders for changes that are not its own events (a store,
     * a timer, a post) at most once per this interval, from the latest
     * state (default 16 ms, a screen's frame; UINT32_MAX: every change).
     * Its own events' renders are never delayed. */
    uint32_t render_interval_ms;
    uint32_t heartbeat_s; /* PING an idle connection after this, drop it after twice (default 15) */
    /* 0 or 1: one process. N > 1: a supervisor and N worker processes on
     * the port (SO_REUSEPORT); a dead worker is restarted, SIGHUP restarts
     * them one by one. -1: one worker per core. */
    int workers;
    /* The browser client's timings and storage. Its heartbeat follows
     * heartbeat_s (the client pings after as long without a message). */
    rc_client_options client;
    /* The network edge (docs/security.md). Each is a NULL-terminated list,
     * or NULL for none. allow_origins: origins ("https://panel.example",
     * scheme://host[:port]) besides the page's own whose pages may open a
     * WebSocket. allow_hosts: DNS names the Host header may carry (IP
     * literals and "localhost" always may; others get 421, against DNS
     * rebinding). trusted_proxies: IP addresses of reverse proxies whose
     * X-Forwarded-Host/-Proto/-For are believed (nobody's by default). */
    const char *const *allow_origins;
    const char *const *allow_hosts;
    const char *const *trusted_proxies;
    /* The page's whole Content-Security-Policy header, replacing reactc's
     * default (docs/security.md, "HTTP": scripts from this origin only,
     * inline styles allowed, no framing by other sites). Set it to allow
     * images from a CDN, or framing by a named origin; "" sends none.
     * reactc's default allows the page's one inline script (the no-flash
     * mark of the first paint) by its hash; a policy of yours without that
     * hash still works, but a reload may show the initial state for a
     * moment before the resumed one (docs/guide/first-paint.md). */
    const char *csp;
    /* The first paint (docs/guide/first-paint.md): every page request
     * renders the app once for its location and sends the HTML in the
     * page, which the client then takes over (no effects run for it). Set
     * no_ssr for an app whose render functions are not pure (they write,
     * count or read what a request must not) or whose pages are huge: the
     * page then comes with an empty mount, filled by the first tree. */
    bool no_ssr;
    /* Serves GET /metrics in the Prometheus text format on a listener of
     * its own: "PORT" (on 127.0.0.1), "ADDR:PORT" or "[V6]:PORT" (port 0:
     * any free one). NULL (default): off. With workers > 1 the supervisor
     * serves it, every worker's series labelled worker="<index>"
     * (docs/deploy.md, "Metrics"; docs/security.md). */
    const char *metrics;
    void *user; /* yours */
    /* Called on the loop thread once the server listens (port known). */
    void (*on_listen)(struct rc_app *app, int port);
    /* Redis (docs/deploy.md, "Redis"): redis://[:password@]IP:port[/db] or
     * unix:///path[?db=N][&password=P]; NULL: REACTC_REDIS from the
     * environment (removed once read), else none (one process, no Redis).
     * With it, every store not declared local is shared through Redis
     * (docs/guide/shared-state.md, "Across processes (Redis)").
     * on_redis_health is called on the loop thread at each change between
     * up and down (not at each retry); why names the cause when down (store
     * writes are refused then: an app can show "offline"). */
    const char *redis;
    void (*on_redis_health)(struct rc_app *app, bool up, const char *why);
    /* TLS in process (docs/security.md, "TLS"): PEM files of the
     * certificate (chain) and its private key (mode 0600 or 0400); both or
     * neither. With them the port serves HTTPS and WSS only (ALPN
     * http/1.1), every response carries HSTS, and SIGHUP re-reads both
     * files (new handshakes get the new certificate, open sessions go on).
     * A bad, unreadable or mismatched file, or a key open to others, stops
     * the start. NULL (default): plain HTTP. */
    const char *tls_cert;
    const char *tls_key;
    /* With TLS: a plain HTTP port on the same host answering every request
     * with 308 to https://<Host's name>:<the TLS port><path> (no WebSocket
     * there). 0 (default): none. */
    int redirect_http;
    /* A login (docs/security.md, "Login"): "user:hash" lines, hash an
     * Argon2id crypto_pwhash_str string (reactc-passwd prints such a
     * line), mode 0600 or 0400, re-read on SIGHUP. With it (or
     * check_login) every page without a valid login cookie is a login
     * form and a WebSocket upgrade without one gets 401. NULL (default):
     * no login. */
    const char *auth_file;
    /* The login cookie's life, seconds (default 43,200: 12 hours). */
    uint32_t login_ttl;
    /* The app's own password check instead of (or with no) auth_file: 1
     * when password is right for user, else 0. Called on reactc's password
     * thread, NEVER on the loop: it may block (ask a PAM module, a
     * directory), one call at a time; it must not call into reactc
     * except rc_app_post. user is 1-64 of A-Z a-z 0-9 . _ - @. */
    int (*check_login)(struct rc_app *app, const char *user, const char *password);
} rc_app;

/* Parses --host, --port (0: any free port, stored as -1), --log-level
 * (error|warn|info|debug), --title, --secret-file, --app-id, --grace (seconds), --workers (N or auto), --heartbeat,
 * --token-interval, --idle (seconds; 0: never), --storage, --static DIR, --show-errors yes|no,
 * --max-sessions, --max-detached, --max-partial, --message-timeout and
 * --hello-timeout (seconds), --max-per-address, --new-per-address,
 * --limit-loopback yes|no, --max-message, --max-queued, --metrics ADDR:PORT, --redis URL,
 * --tls-cert FILE, --tls-key FILE, --redirect-http PORT, --auth-file FILE,
 * --login-ttl (seconds), the repeatable
 * --allow-origin, --allow-host and --trusted-proxy (appended to the app's
 * lists, kept in storage of this function: parse once per process) and
 * --help into app. Unknown options are an error. Returns 0, 1 after printing
 * help (exit 0), or -1 after printing an error (exit 2). */
int rc_app_parse_args(rc_app *app, int argc, char **argv);

/* Serves the app until SIGINT or SIGTERM, then closes every session with a
 * close frame and returns 0 within about a second; returns 1 if the server
 * could not start (the reason is logged). */
int rc_app_run(rc_app *app);

/* Asks a running app to stop, as SIGTERM would. Thread-safe. */
void rc_app_stop(rc_app *app);

/* Runs fn(arg) on the app's loop thread soon. Thread-safe: this is how other
 * threads (a sensor reader, a worker) push into sessions: fn sets state of
 * instances it knows (subscribed through an effect); the affected sessions
 * re-render and send. Returns 0, or -1 if the app is not running (fn is not
 * called then). */
int rc_app_post(rc_app *app, void (*fn)(void *arg), void *arg);

/* The app serving a layout, from a handler, effect or render
 * (NULL for a layout made with rc_layout_new directly). */
rc_app *rc_layout_get_app(const rc_layout *layout);

/* Number of live sessions (loop thread). */
size_t rc_app_count_sessions(const rc_app *app);

/* Background work (docs/guide/shared-state.md, "Background work and
 * session handles"). A session handle names one session for work that
 * outlives the handler that started it (a thread, a timer): a small value,
 * copied freely and usable from any thread, that never dangles. Once the
 * session is gone (its tab closed, or slept after idle, its state then
 * living only in the client) a post to it is a no-op that says so. Results
 * meant to outlive the session belong in a store, keyed by an id the
 * session keeps in its state. A zero handle names no session. */
typedef struct rc_session_handle {
    uint64_t id;
} rc_session_handle;

/* The handle of the session serving layout (loop thread: a handler, effect
 * or render); a zero handle for a layout not served by rc_app_run. */
rc_session_handle rc_layout_get_session_handle(const rc_layout *layout);

/* What a post to a session runs, on the loop thread: layout is the
 * session's, or NULL when the session went away after the post was queued
 * (free what arg holds and stop). */
typedef void (*rc_session_post_fn)(rc_layout *layout, void *arg);

/* Runs fn(layout, arg) on the app's loop thread soon, inside a write scope
 * as an rc_app_post callback is: its store writes are one batch, and slots
 * it sets re-render that session. Thread-safe. Returns 0 when queued (fn is
 * then called exactly once, maybe with layout NULL, see above), or -1 when
 * the session is gone or h is zero: fn is not called and arg stays yours. */
int rc_session_handle_post(rc_session_handle h, rc_session_post_fn fn, void *arg);

/* Uploads and downloads (docs/guide/uploads.md). A component offers an
 * upload with rc_use_upload: a URL, bound to this session and this
 * component, that the browser POSTs a file's bytes to (Content-Length
 * required; Host, Origin and the login checked as for the socket). The
 * bytes reach on_chunk on the loop thread as they arrive, a few KiB at a
 * time: the browser sends no faster than the handler takes them, so the
 * server holds no whole file. */
typedef struct rc_upload_chunk {
    const void *data;
    size_t len;
    uint64_t offset;  /* bytes of the upload before this chunk */
    uint64_t total;   /* the upload's whole size (its Content-Length) */
    const char *name; /* the URL's name= (the file's name, untrusted), or "" */
} rc_upload_chunk;
/* A chunk, inside a write scope (slots set re-render the session). Return
 * 0 to go on, -1 to cancel the upload (the browser gets 409). */
typedef int (*rc_upload_chunk_fn)(rc_layout *layout, const rc_upload_chunk *chunk, void *user);
/* Once per accepted upload: status 0 when every byte arrived, -1 when it
 * was cancelled (by on_chunk, or the browser aborted or the connection
 * went). bytes: how many on_chunk took. Not called when the component
 * unmounted or its session ended meanwhile (user may be gone then). */
typedef void (*rc_upload_done_fn)(rc_layout *layout, int status, uint64_t bytes, void *user);
typedef struct rc_upload_opts {
    uint64_t max_bytes; /* larger uploads are refused (413) unread; 0: 64 MiB */
    rc_upload_chunk_fn on_chunk;
    rc_upload_done_fn on_done; /* may be NULL */
    void *user;                /* must live while the component is mounted */
} rc_upload_opts;
/* This component's upload URL ("/_reactc/upload?t=<token>"): the same
 * string on every render, valid until the component unmounts or the
 * session ends; the options of the latest render apply. NULL when the
 * layout is not served by rc_app_run (tests), or in a build without
 * uploads (RC_WITH_UPLOADS=OFF). */
const char *rc_use_upload(rc_ctx *ctx, const rc_upload_opts *opts); /* opts required */

/* A download: read fills buf (cap bytes at most) with the bytes from
 * offset on and returns how many; it is called as the connection drains,
 * so content of any size streams through a small buffer. */
typedef size_t (*rc_download_read_fn)(void *buf, size_t cap, uint64_t offset, void *user);
typedef struct rc_download_opts {
    const char *filename; /* Content-Disposition's (escaped here); NULL: "download" */
    const char *type;     /* Content-Type; NULL: application/octet-stream */
    uint64_t size;        /* exactly the bytes read gives (Content-Length) */
    rc_download_read_fn read;
    void *user; /* must live while the component is mounted */
} rc_download_opts;
/* This component's download URL ("/_reactc/download?t=<token>"), GET
 * answered as an attachment; lifetime and NULL as rc_use_upload's. */
const char *rc_use_download(rc_ctx *ctx, const rc_download_opts *opts);

/* An app-wide timer: runs on the app's loop thread, independent of any
 * session, like rc_app_post callbacks inside a write scope (its store
 * writes are one batch). */
typedef struct rc_timer rc_timer;

/* Calls fn(user) every interval_ms (repeat) or once after interval_ms, for
 * as long as the app runs (with --workers N, in every worker: each has its
 * own). Call it on the loop thread or before rc_app_run (in main()): a
 * timer started before runs from when the server starts. An interval of 0
 * is taken as 1 ms; NULL if app or fn is NULL. The timer is yours: free it
 * with rc_timer_stop, also after rc_app_run has returned. */
rc_timer *rc_app_start_timer(rc_app *app, uint32_t interval_ms, bool repeat, rc_timer_fn fn,
                             void *user);

/* Stops the timer and frees it (loop thread, or after rc_app_run
 * returned). NULL is ignored. */
void rc_timer_stop(rc_timer *timer);

/* ------------------------------------------------------------------------ */
/* Deprecated names (docs/api.md, "Renamed"): kept for one release, removed  */
/* in 0.3. Define RC_NO_DEPRECATED to leave them out.                       */
/* ------------------------------------------------------------------------ */

#ifndef RC_NO_DEPRECATED
RC_DEPRECATED("use rc_state_get_int")
static inline int64_t rc_get_int(const rc_state *s) { return rc_state_get_int(s); }
RC_DEPRECATED("use rc_state_get_float")
static inline double rc_get_float(const rc_state *s) { return rc_state_get_float(s); }
RC_DEPRECATED("use rc_state_get_bool")
static inline bool rc_get_bool(const rc_state *s) { return rc_state_get_bool(s); }
RC_DEPRECATED("use rc_state_get_string")
static inline const char *rc_get_string(const rc_state *s) { return rc_state_get_string(s); }
RC_DEPRECATED("use rc_state_get_bytes")
static inline const void *rc_get_bytes(const rc_state *s, size_t *len) {
    return rc_state_get_bytes(s, len);
}
RC_DEPRECATED("use rc_state_get_value")
static inline const rc_value *rc_get_value(const rc_state *s) { return rc_state_get_value(s); }
RC_DEPRECATED("use rc_state_get_struct")
static inline const void *rc_get_struct(const rc_state *s) { return rc_state_get_struct(s); }
RC_DEPRECATED("use rc_state_set_int")
static inline bool rc_set_int(rc_state *s, int64_t v) { return rc_state_set_int(s, v); }
RC_DEPRECATED("use rc_state_set_float")
static inline bool rc_set_float(rc_state *s, double v) { return rc_state_set_float(s, v); }
RC_DEPRECATED("use rc_state_set_bool")
static inline bool rc_set_bool(rc_state *s, bool v) { return rc_state_set_bool(s, v); }
RC_DEPRECATED("use rc_state_set_string")
static inline bool rc_set_string(rc_state *s, const char *v) { return rc_state_set_string(s, v); }
RC_DEPRECATED("use rc_state_set_bytes")
static inline bool rc_set_bytes(rc_state *s, const void *p, size_t len) {
    return rc_state_set_bytes(s, p, len);
}
RC_DEPRECATED("use rc_state_set_value")
static inline bool rc_set_value(rc_state *s, const rc_value *v) { return rc_state_set_value(s, v); }
RC_DEPRECATED("use rc_state_set_struct")
static inline bool rc_set_struct(rc_state *s, const void *v) { return rc_state_set_struct(s, v); }
RC_DEPRECATED("use rc_state_update")
static inline bool rc_update(rc_state *s, rc_update_fn fn, void *arg) {
    return rc_state_update(s, fn, arg);
}
RC_DEPRECATED("use rc_state_dispatch")
static inline bool rc_dispatch(rc_state *s, int action, const void *payload) {
    return rc_state_dispatch(s, action, payload);
}
RC_DEPRECATED("use rc_state_set_flags")
static inline void rc_state_flags(rc_state *s, unsigned flags) { rc_state_set_flags(s, flags); }
RC_DEPRECATED("use rc_state_get_version")
static inline uint64_t rc_state_version(const rc_state *s) { return rc_state_get_version(s); }
RC_DEPRECATED("use rc_value_get_bool")
static inline bool rc_value_bool(const rc_value *v, bool fallback) {
    return rc_value_get_bool(v, fallback);
}
RC_DEPRECATED("use rc_value_get_int")
static inline int64_t rc_value_int(const rc_value *v, int64_t fallback) {
    return rc_value_get_int(v, fallback);
}
RC_DEPRECATED("use rc_value_get_float")
static inline double rc_value_float(const rc_value *v, double fallback) {
    return rc_value_get_float(v, fallback);
}
RC_DEPRECATED("use rc_value_get_string")
static inline const char *rc_value_string(const rc_value *v, const char *fallback) {
    return rc_value_get_string(v, fallback);
}
RC_DEPRECATED("use rc_array_count")
static inline size_t rc_array_len(const rc_value *arr) { return rc_array_count(arr); }
RC_DEPRECATED("use rc_array_get")
static inline rc_value *rc_array_at(const rc_value *arr, size_t i) { return rc_array_get(arr, i); }
RC_DEPRECATED("use rc_object_count")
static inline size_t rc_object_len(const rc_value *obj) { return rc_object_count(obj); }
RC_DEPRECATED("use rc_ctx_get_layout")
static inline rc_layout *rc_ctx_layout(rc_ctx *ctx) { return rc_ctx_get_layout(ctx); }
RC_DEPRECATED("use rc_ctx_is_resume")
static inline bool rc_is_resume(rc_ctx *ctx) { return rc_ctx_is_resume(ctx); }
RC_DEPRECATED("use rc_effect_get_arg")
static inline void *rc_effect_arg(rc_effect *e) { return rc_effect_get_arg(e); }
RC_DEPRECATED("use rc_effect_get_layout")
static inline rc_layout *rc_effect_layout(rc_effect *e) { return rc_effect_get_layout(e); }
RC_DEPRECATED("use rc_event_get_data")
static inline const rc_value *rc_event_data(const rc_event *ev) { return rc_event_get_data(ev); }
RC_DEPRECATED("use rc_event_get_field")
static inline const rc_value *rc_event_get(const rc_event *ev, const char *name) {
    return rc_event_get_field(ev, name);
}
RC_DEPRECATED("use rc_event_get_value")
static inline const char *rc_event_value(const rc_event *ev) { return rc_event_get_value(ev); }
RC_DEPRECATED("use rc_event_get_seq")
static inline uint64_t rc_event_seq(const rc_event *ev) { return rc_event_get_seq(ev); }
RC_DEPRECATED("use rc_event_get_idempotency_key")
static inline size_t rc_event_idempotency_key(const rc_event *ev, char *buf, size_t cap) {
    return rc_event_get_idempotency_key(ev, buf, cap);
}
RC_DEPRECATED("use rc_event_get_layout")
static inline rc_layout *rc_event_layout(const rc_event *ev) { return rc_event_get_layout(ev); }
RC_DEPRECATED("use rc_layout_get_app")
static inline rc_app *rc_layout_app(const rc_layout *layout) { return rc_layout_get_app(layout); }
RC_DEPRECATED("use rc_app_parse_args")
static inline int rc_app_args(rc_app *app, int argc, char **argv) {
    return rc_app_parse_args(app, argc, argv);
}
RC_DEPRECATED("use rc_app_count_sessions")
static inline size_t rc_app_session_count(const rc_app *app) { return rc_app_count_sessions(app); }
#endif

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}

/* C++ helpers of the macros above (C has compound literals instead). */
/* The address of a temporary, valid until the end of the full expression
 * (the call it is passed to). */
template <class T> inline const T *rc_ptr_(const T &v) { return &v; }
/* RC_DEPS: the values as an array of int64_t. */
template <size_t N> struct rc_deps_array_ { int64_t v[N]; };
template <class... A> inline rc_deps_array_<sizeof...(A)> rc_deps_(A... a) {
    return rc_deps_array_<sizeof...(A)>{{static_cast<int64_t>(a)...}};
}
#endif
#endif /* REACTC_H */
