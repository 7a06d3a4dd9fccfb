/*
 * Hooks that keep data across renders without causing one: ref, memo and
 * callback.
 */
#include <string.h>

#include "core/internal.h"

/* ---- ref ---------------------------------------------------------------- */

void *rc_use_ref(rc_ctx *ctx, size_t size) {
    bool created;
    /* The data right behind the hook, in its allocation (zeroed with it):
     * one malloc less per row of a list whose rows keep a ref. At an
     * offset aligned for any type, as calloc's data would be. */
    size_t at = (sizeof(rc_ref_hook) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
    rc_ref_hook *r = rc_hook_get(ctx, HOOK_REF, at + size, NULL, &created);
    return (char *)r + at;
}

/* ---- memo and callback -------------------------------------------------- */

/* Records deps; returns true if they differ from the recorded ones. */
static bool deps_changed(rc_memo_hook *m, bool created, const void *deps, size_t deps_size) {
    if (!deps) {
        m->every_render = true;
        return true;
    }
    bool differ = created || m->every_render || m->deps_size != deps_size ||
                  (deps_size && memcmp(m->deps, deps, deps_size) != 0);
    if (differ) {
        free(m->deps);
        m->deps = rc_xmemdup(deps, deps_size);
        m->deps_size = deps_size;
        m->every_render = false;
    }
    return differ;
}

const void *rc_use_memo(rc_ctx *ctx, size_t size, rc_memo_fn fn, void *arg, const void *deps,
                        size_t deps_size) {
    bool created;
    rc_memo_hook *m = rc_hook_get(ctx, HOOK_MEMO, sizeof *m, NULL, &created);
    if (deps_changed(m, created, deps, deps_size) || m->size != size) {
        if (m->size != size) {
            free(m->data);
            m->data = rc_xcalloc(1, size ? size : 1);
            m->size = size;
        }
        fn(m->data, arg);
    }
    return m->data;
}

rc_on rc_use_callback(rc_ctx *ctx, rc_on handler, const void *deps, size_t deps_size) {
    bool created;
    rc_memo_hook *m = rc_hook_get(ctx, HOOK_CALLBACK, sizeof *m, NULL, &created);
    if (deps_changed(m, created, deps, deps_size)) m->cb = handler;
    return m->cb;
}
