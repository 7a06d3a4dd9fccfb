/*
 * Hooks: state, reducer, ref, memo, callback and effect slots.
 *
 * Each instance keeps an array of hook structs, matched by call order on
 * every render (like React). A slot's kind must not change between renders:
 * that means the component called hooks conditionally, which is reported as
 * an error in place of the component.
 */
#include <string.h>

#include "core/internal.h"

void *rc_hook_get(rc_ctx *ctx, rc_hook_kind kind, size_t size, const char *name,
                  bool *created) {
    rc_instance *inst = ctx->inst;
    uint32_t i = ctx->hook_index++;
    if (i < inst->nhooks) {
        rc_hook *h = inst->hooks[i];
        if (h->kind != kind)
            rc_fail(ctx, "hook #%u changed kind between renders (hooks must be called in the "
                         "same order every render)", i);
        *created = false;
        return h;
    }
    if (i >= UINT16_MAX) rc_fail(ctx, "too many hooks in one component");
    /* After a complete render the hook list is final (like React's "rendered
     * more hooks than during the previous render"). A render that failed
     * (its output is an error node) may have stopped before some hooks. */
    if (inst->rendered &&
        !(inst->nroots == 1 && inst->roots[0]->kind == RC_NODE_ERROR))
        rc_fail(ctx, "called more hooks than on the previous render (%u; hooks must be "
                     "called in the same order every render)", (unsigned)inst->nhooks);
    if (inst->nhooks == inst->hooks_cap) {
        size_t cap = inst->hooks_cap;
        RC_GROW(inst->hooks, cap, (size_t)inst->nhooks + 1);
        inst->hooks_cap = (uint16_t)(cap < UINT16_MAX ? cap : UINT16_MAX);
    }
    rc_hook *h = rc_xcalloc(1, size);
    h->kind = (uint8_t)kind;
    h->index = (uint16_t)i;
    h->name = name ? rc_xstrdup(name) : NULL;
    h->inst = inst;
    inst->hooks[inst->nhooks++] = h;
    if (kind == HOOK_STATE) {
        inst->nstate++;
        for (rc_instance *p = inst->parent; p; p = p->parent) p->state_below++;
    }
    *created = true;
    return h;
}

/* ---- state -------------------------------------------------------------- */

/* typed: the caller is a typed hook (rc_use_int, ...) whose kind must match
 * the slot's declared kind on every render; rc_use_value may be given a
 * different initial value later. */
static rc_state *use_state_flags(rc_ctx *ctx, const char *name, const rc_value *initial,
                                 bool typed, unsigned flags, bool *created) {
    rc_state *s = rc_hook_get(ctx, HOOK_STATE, sizeof *s, name, created);
    if (*created) {
        s->declared = initial ? initial->kind : RC_NULL;
        s->version = 1;
        s->flags = flags;
        /* A server-only slot never comes from a token, even an old one. */
        const rc_value *restored =
            (flags & RC_STATE_SERVER_ONLY) ? NULL : rc_slot_restore(ctx, s);
        rc_value_copy(&s->value, restored ? restored : initial);
        if (restored) {
            rc_value_own_types(ctx->layout, &s->value);
            /* rc_state_flags may still declare it server-only this render. */
            rc_value_copy(&s->initial, initial);
            s->has_initial = true;
        }
    } else if (s->reducer) {
        rc_fail(ctx, "hook #%u was a reducer on the previous render", s->h.index);
    } else if (s->has_initial) {
        rc_value_free(&s->initial);     /* past its first render */
        s->has_initial = false;
    } else if (typed && s->declared != initial->kind) {
        rc_fail(ctx, "hook #%u was a state slot of another type on the previous render (hooks "
                     "must be called in the same order every render)", s->h.index);
    }
    return s;
}

static rc_state *use_state(rc_ctx *ctx, const char *name, const rc_value *initial, bool typed,
                           bool *created) {
    return use_state_flags(ctx, name, initial, typed, 0, created);
}

rc_state *rc_use_value(rc_ctx *ctx, const char *name, const rc_value *initial) {
    bool created;
    rc_value null = {0};
    return use_state(ctx, name, initial ? initial : &null, false, &created);
}

rc_state *rc_use_state_ex(rc_ctx *ctx, const char *name, const rc_value *initial,
                          unsigned flags) {
    bool created;
    rc_value null = {0};
    return use_state_flags(ctx, name, initial ? initial : &null, false, flags, &created);
}

rc_state *rc_use_int(rc_ctx *ctx, const char *name, int64_t initial) {
    rc_value v = {.kind = RC_INT, .as.i = initial};
    bool created;
    return use_state(ctx, name, &v, true, &created);
}

rc_state *rc_use_float(rc_ctx *ctx, const char *name, double initial) {
    rc_value v = {.kind = RC_FLOAT, .as.f = initial};
    bool created;
    return use_state(ctx, name, &v, true, &created);
}

rc_state *rc_use_bool(rc_ctx *ctx, const char *name, bool initial) {
    rc_value v = {.kind = RC_BOOL, .as.b = initial};
    bool created;
    return use_state(ctx, name, &v, true, &created);
}

rc_state *rc_use_string(rc_ctx *ctx, const char *name, const char *initial) {
    if (!initial) initial = "";
    /* Borrow the caller's string: use_state copies it only on mount. */
    rc_value v = {.kind = RC_STRING};
    v.as.str.ptr = (char *)(uintptr_t)initial;
    v.as.str.len = strlen(initial);
    bool created;
    return use_state(ctx, name, &v, true, &created);
}

rc_state *rc_use_bytes(rc_ctx *ctx, const char *name, const void *initial, size_t len) {
    rc_value v = {.kind = RC_BYTES};
    v.as.str.ptr = (char *)(uintptr_t)(initial ? initial : "");
    v.as.str.len = initial ? len : 0;
    bool created;
    rc_state *s = use_state(ctx, name, &v, true, &created);
    return s;
}

rc_state *rc_use_struct(rc_ctx *ctx, const char *name, const rc_struct_type *type,
                        const void *initial) {
    bool created;
    rc_state *s = rc_hook_get(ctx, HOOK_STATE, sizeof *s, name, &created);
    if (created) {
        s->declared = RC_STRUCT;
        s->version = 1;
        const rc_value *restored = rc_slot_restore(ctx, s);
        if (restored && restored->kind == RC_STRUCT && restored->as.st.type &&
            strcmp(restored->as.st.type->name, type->name) == 0 &&
            restored->as.st.type->size == type->size &&
            restored->as.st.type->version == type->version)
            rc_value_set_struct(&s->value, type, restored->as.st.ptr);
        else
            rc_value_set_struct(&s->value, type, initial);
    } else if (s->value.kind != RC_STRUCT || s->value.as.st.type != type) {
        rc_fail(ctx, "hook #%u changed struct type between renders", s->h.index);
    }
    return s;
}

void rc_state_flags(rc_state *s, unsigned flags) {
    /* Declared server-only in the render that restored it: a server-only
     * slot never takes a value from a token, so undo the restore. */
    if ((flags & RC_STATE_SERVER_ONLY) && !(s->flags & RC_STATE_SERVER_ONLY) && s->has_initial) {
        rc_value_copy(&s->value, &s->initial);
        rc_value_free(&s->initial);
        s->has_initial = false;
    }
    s->flags = flags;
}

int64_t rc_get_int(const rc_state *s) { return rc_value_int(&s->value, 0); }
double rc_get_float(const rc_state *s) { return rc_value_float(&s->value, 0.0); }
bool rc_get_bool(const rc_state *s) { return rc_value_bool(&s->value, false); }
const char *rc_get_string(const rc_state *s) { return rc_value_string(&s->value, ""); }
const rc_value *rc_get_value(const rc_state *s) { return &s->value; }
uint64_t rc_state_version(const rc_state *s) { return s->version; }

const void *rc_get_bytes(const rc_state *s, size_t *len) {
    if (s->value.kind != RC_BYTES && s->value.kind != RC_STRING) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = s->value.as.str.len;
    return s->value.as.str.ptr;
}

const void *rc_get_struct(const rc_state *s) {
    return s->value.kind == RC_STRUCT ? s->value.as.st.ptr : NULL;
}

static void changed(rc_state *s) {
    s->version++;
    if (!(s->flags & RC_STATE_SERVER_ONLY)) s->h.inst->layout->state_epoch++;
    rc_instance_mark_dirty(s->h.inst);
}

bool rc_set_value(rc_state *s, const rc_value *v) {
    rc_value null = {0};
    if (!v) v = &null;
    if (rc_value_equal(&s->value, v)) return false;
    rc_value_copy(&s->value, v);
    changed(s);
    return true;
}

bool rc_set_int(rc_state *s, int64_t v) {
    if (s->value.kind == RC_INT && s->value.as.i == v) return false;
    rc_value_set_int(&s->value, v);
    changed(s);
    return true;
}

bool rc_set_float(rc_state *s, double v) {
    rc_value nv = {.kind = RC_FLOAT, .as.f = v};
    return rc_set_value(s, &nv);
}

bool rc_set_bool(rc_state *s, bool v) {
    if (s->value.kind == RC_BOOL && s->value.as.b == v) return false;
    rc_value_set_bool(&s->value, v);
    changed(s);
    return true;
}

bool rc_set_string(rc_state *s, const char *v) {
    if (!v) v = "";
    size_t len = strlen(v);
    if (s->value.kind == RC_STRING && s->value.as.str.len == len &&
        memcmp(s->value.as.str.ptr, v, len) == 0)
        return false;
    rc_value_set_stringn(&s->value, v, len);
    changed(s);
    return true;
}

bool rc_set_bytes(rc_state *s, const void *p, size_t len) {
    if (s->value.kind == RC_BYTES && s->value.as.str.len == len &&
        (len == 0 || memcmp(s->value.as.str.ptr, p, len) == 0))
        return false;
    rc_value_set_bytes(&s->value, p, len);
    changed(s);
    return true;
}

bool rc_set_struct(rc_state *s, const void *v) {
    if (s->value.kind != RC_STRUCT) return false;
    const rc_struct_type *t = s->value.as.st.type;
    if (memcmp(s->value.as.st.ptr, v, t->size) == 0) return false;
    memmove(s->value.as.st.ptr, v, t->size);
    changed(s);
    return true;
}

bool rc_update(rc_state *s, rc_update_fn fn, void *arg) {
    rc_value before = {0};
    rc_value_copy(&before, &s->value);
    fn(&s->value, arg);
    bool differs = !rc_value_equal(&before, &s->value);
    rc_value_free(&before);
    if (differs) changed(s);
    return differs;
}

/* ---- reducer ------------------------------------------------------------ */

rc_state *rc_use_reducer(rc_ctx *ctx, const char *name, rc_reducer_fn reducer,
                         const rc_value *initial) {
    bool created;
    rc_value null = {0};
    rc_state *s = rc_hook_get(ctx, HOOK_STATE, sizeof(rc_state), name, &created);
    if (created) {
        s->declared = initial ? initial->kind : RC_NULL;
        s->version = 1;
        const rc_value *restored = rc_slot_restore(ctx, s);
        rc_value_copy(&s->value, restored ? restored : initial ? initial : &null);
        if (restored) rc_value_own_types(ctx->layout, &s->value);
    } else if (!s->reducer) {
        rc_fail(ctx, "hook #%u was a state slot on the previous render", s->h.index);
    }
    s->reducer = reducer;       /* the latest render's reducer is used */
    return s;
}

struct dispatch_arg {
    rc_reducer_fn reducer;
    int action;
    const void *payload;
};

static void run_reducer(rc_value *v, void *arg) {
    struct dispatch_arg *d = arg;
    d->reducer(v, d->action, d->payload);
}

bool rc_dispatch(rc_state *s, int action, const void *payload) {
    if (!s->reducer) return false;
    struct dispatch_arg d = {s->reducer, action, payload};
    return rc_update(s, run_reducer, &d);
}

/* ---- ref ---------------------------------------------------------------- */

void *rc_use_ref(rc_ctx *ctx, size_t size) {
    bool created;
    rc_ref_hook *r = rc_hook_get(ctx, HOOK_REF, sizeof *r, NULL, &created);
    if (created) r->data = rc_xcalloc(1, size ? size : 1);
    return r->data;
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

const void *rc_use_memo(rc_ctx *ctx, size_t size, rc_memo_fn fn, void *arg,
                        const void *deps, size_t deps_size) {
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
    for (uint16_t i = 0; i < inst->nhooks; i++) {
        rc_hook *h = inst->hooks[i];
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

void rc_use_effect(rc_ctx *ctx, rc_effect_fn fn, const void *arg, size_t arg_size,
                   const void *deps, size_t deps_size) {
    rc_use_effect_ex(ctx, fn, arg, arg_size, deps, deps_size, 0);
}

void *rc_effect_arg(rc_effect *e) { return e->arg; }
rc_layout *rc_effect_layout(rc_effect *e) { return e->h.inst->layout; }
bool rc_effect_is_resume(rc_effect *e) { return e->resume; }
bool rc_is_resume(rc_ctx *ctx) { return ctx->inst->resume; }

static void run_cleanup(rc_effect *e) {
    rc_cleanup c = e->cleanup;
    e->cleanup = RC_NO_CLEANUP;
    if (c.fn) c.fn(c.data);
}

bool rc_effects_pending(const rc_instance *inst) {
    for (uint16_t i = 0; i < inst->nhooks; i++) {
        const rc_hook *h = inst->hooks[i];
        if (h->kind == HOOK_EFFECT && ((const rc_effect *)h)->pending) return true;
    }
    return false;
}

void rc_effects_run_cleanups(rc_instance *inst) {
    for (uint16_t i = 0; i < inst->nhooks; i++) {
        rc_hook *h = inst->hooks[i];
        if (h->kind == HOOK_EFFECT && ((rc_effect *)h)->pending) run_cleanup((rc_effect *)h);
    }
}

void rc_effects_run(rc_instance *inst) {
    for (uint16_t i = 0; i < inst->nhooks; i++) {
        rc_hook *h = inst->hooks[i];
        if (h->kind != HOOK_EFFECT) continue;
        rc_effect *e = (rc_effect *)h;
        if (!e->pending) continue;
        e->pending = false;
        free(e->arg);
        e->arg = e->pending_arg;
        e->arg_size = e->pending_arg_size;
        e->pending_arg = NULL;
        e->pending_arg_size = 0;
        e->cleanup = e->fn(e, e->arg);
    }
}

void rc_effects_cleanup_all(rc_instance *inst) {
    for (uint16_t i = 0; i < inst->nhooks; i++) {
        rc_hook *h = inst->hooks[i];
        if (h->kind == HOOK_EFFECT) run_cleanup((rc_effect *)h);
    }
}

void rc_hooks_free(rc_instance *inst) {
    for (uint16_t i = 0; i < inst->nhooks; i++) {
        rc_hook *h = inst->hooks[i];
        switch ((rc_hook_kind)h->kind) {
        case HOOK_STATE:
            rc_value_free(&((rc_state *)h)->value);
            rc_value_free(&((rc_state *)h)->initial);
            break;
        case HOOK_REF:
            free(((rc_ref_hook *)h)->data);
            break;
        case HOOK_MEMO:
        case HOOK_CALLBACK:
            free(((rc_memo_hook *)h)->deps);
            free(((rc_memo_hook *)h)->data);
            break;
        case HOOK_EFFECT: {
            rc_effect *e = (rc_effect *)h;
            free(e->deps);
            free(e->arg);
            free(e->pending_arg);
            free(e->staged_deps);
            free(e->staged_arg);
            break;
        }
        case HOOK_PROVIDER:
            rc_provider_release((rc_provider *)h);
            break;
        case HOOK_CONSUMER:
            rc_consumer_unlink((rc_consumer *)h);
            free(((rc_consumer *)h)->zero);
            break;
        case HOOK_TIMER:
            rc_timer_release(h);
            break;
        }
        free(h->name);
        free(h);
    }
    free(inst->hooks);
    inst->hooks = NULL;
    inst->nhooks = inst->hooks_cap = 0;
}
