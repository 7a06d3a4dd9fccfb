/*
 * Effect hooks. A render stages what it decides (run or not, with which
 * argument); the stage is committed only if the render completes, and the
 * layout's commit runs pending cleanups, then pending effects (layout.c).
 */
#include <string.h>

#include "core/internal.h"

/* ---- effects ------------------------------------------------------------ */

void rc_use_effect_ex(rc_ctx *ctx, rc_effect_fn fn, const void *arg, size_t arg_size,
                      const void *deps, size_t deps_size, unsigned flags) {
    bool created;
    rc_effect *e = rc_hook_get(ctx, HOOK_EFFECT, sizeof *e, NULL, &created);
    /* Compared with the deps of the last render that succeeded; what this
     * render decides is staged and takes effect only if it completes (a
     * render that fails commits no effect, like React). */
    bool differ = !deps || created || e->every_render || e->deps_size != deps_size ||
                  (deps_size && memcmp(e->deps, deps, deps_size) != 0);
    bool resume = ctx->inst->resume;
    e->flags = flags;
    if (flags & RC_EFFECT_ONLY_ON_RESUME) differ = resume && created;
    else if ((flags & RC_EFFECT_SKIP_ON_RESUME) && resume) differ = false;
    free(e->staged_deps);
    e->staged_deps = deps && deps_size ? rc_xmemdup(deps, deps_size) : NULL;
    e->staged_deps_size = deps ? deps_size : 0;
    e->staged_every_render = !deps;
    e->staged_deps_set = true;
    free(e->staged_arg);
    e->staged_arg = NULL;
    e->staged = differ;
    if (!differ) return;
    e->staged_fn = fn;
    e->staged_arg = arg_size ? rc_xmemdup(arg, arg_size) : NULL;
    e->staged_arg_size = arg_size;
    e->staged_resume = resume;
}

void rc_effects_render_done(rc_instance *inst, bool ok) {
    for (rc_hook *h = inst->hooks; h; h = h->next) {
        if (h->kind != HOOK_EFFECT) continue;
        rc_effect *e = (rc_effect *)h;
        if (ok && e->staged_deps_set) {
            free(e->deps);
            e->deps = e->staged_deps;
            e->deps_size = e->staged_deps_size;
            e->every_render = e->staged_every_render;
            e->staged_deps = NULL;
        }
        if (ok && e->staged) {
            e->fn = e->staged_fn;
            free(e->pending_arg);
            e->pending_arg = e->staged_arg;
            e->pending_arg_size = e->staged_arg_size;
            e->staged_arg = NULL;
            e->pending = true;
            e->resume = e->staged_resume;
        }
        free(e->staged_deps);
        free(e->staged_arg);
        e->staged_deps = e->staged_arg = NULL;
        e->staged = e->staged_deps_set = false;
    }
}

void rc_use_effect(rc_ctx *ctx, rc_effect_fn fn, const void *arg, size_t arg_size, const void *deps,
                   size_t deps_size) {
    rc_use_effect_ex(ctx, fn, arg, arg_size, deps, deps_size, 0);
}

void *rc_effect_get_arg(rc_effect *e) { return e->arg; }
rc_layout *rc_effect_get_layout(rc_effect *e) { return e->h.inst->layout; }
bool rc_effect_is_resume(rc_effect *e) { return e->resume; }
bool rc_ctx_is_resume(rc_ctx *ctx) { return ctx->inst->resume; }

/* Effects and cleanups run in a write scope (track.h): their store writes
 * are one batch each. */
static void run_cleanup(rc_effect *e) {
    rc_cleanup c = e->cleanup;
    e->cleanup = RC_NO_CLEANUP;
    if (!c.fn) return;
    rc_scope_begin();
    c.fn(c.data);
    rc_scope_end(e->h.inst->layout, 0);
}

bool rc_effects_pending(const rc_instance *inst) {
    for (const rc_hook *h = inst->hooks; h; h = h->next) {
        if (h->kind == HOOK_EFFECT && ((const rc_effect *)h)->pending) return true;
    }
    return false;
}

void rc_effects_run_cleanups(rc_instance *inst) {
    for (rc_hook *h = inst->hooks; h; h = h->next) {
        if (h->kind == HOOK_EFFECT && ((rc_effect *)h)->pending) run_cleanup((rc_effect *)h);
    }
}

void rc_effects_run(rc_instance *inst) {
    for (rc_hook *h = inst->hooks; h; h = h->next) {
        if (h->kind != HOOK_EFFECT) continue;
        rc_effect *e = (rc_effect *)h;
        if (!e->pending) continue;
        e->pending = false;
        free(e->arg);
        e->arg = e->pending_arg;
        e->arg_size = e->pending_arg_size;
        e->pending_arg = NULL;
        e->pending_arg_size = 0;
        rc_scope_begin();
        e->cleanup = e->fn(e, e->arg);
        rc_scope_end(inst->layout, 0);
    }
}

void rc_effects_cleanup_all(rc_instance *inst) {
    for (rc_hook *h = inst->hooks; h; h = h->next) {
        if (h->kind == HOOK_EFFECT) run_cleanup((rc_effect *)h);
    }
}
