/*
 * State hooks: state slots (rc_use_int, rc_use_value, ...) and reducers.
 * A slot is restored from a snapshot on the first render after a resume
 * (slots.c); a change marks the instance dirty and, unless the slot is
 * server-only, moves the layout's state epoch (the server seals a new
 * token when it moved).
 */
#include <string.h>

#include "core/internal.h"

/* ---- state -------------------------------------------------------------- */

/* typed: the caller is a typed hook (rc_use_int, ...) whose kind must match
 * the slot's declared kind on every render; rc_use_value may be given a
 * different initial value later. */
static rc_state *use_state_flags(rc_ctx *ctx, const char *name, const rc_value *initial, bool typed,
                                 unsigned flags, bool *created) {
    rc_state *s = rc_hook_get(ctx, HOOK_STATE, sizeof *s, name, created);
    if (*created) {
        s->declared = initial ? initial->kind : RC_NULL;
        s->version = 1;
        s->flags = flags;
        /* A server-only slot never comes from a token, even an old one. */
        const rc_value *restored = (flags & RC_STATE_SERVER_ONLY) ? NULL : rc_slot_restore(ctx, s);
        rc_value_copy(&s->value, restored ? restored : initial);
        if (restored) {
            rc_value_own_types(ctx->layout, &s->value);
            /* rc_state_set_flags may still declare it server-only this render. */
            s->initial = rc_xcalloc(1, sizeof *s->initial);
            rc_value_copy(s->initial, initial);
        }
    } else if (s->reducer) {
        rc_fail(ctx, "hook #%u was a reducer on the previous render", s->h.index);
    } else if (s->initial) {
        rc_value_free(s->initial); /* past its first render */
        free(s->initial);
        s->initial = NULL;
    } else if (typed && s->declared != initial->kind) {
        rc_fail(ctx,
                "hook #%u was a state slot of another type on the previous render (hooks "
                "must be called in the same order every render)",
                s->h.index);
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

rc_state *rc_use_state_ex(rc_ctx *ctx, const char *name, const rc_value *initial, unsigned flags) {
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
        else rc_value_set_struct(&s->value, type, initial);
    } else if (s->value.kind != RC_STRUCT || s->value.as.st.type != type) {
        rc_fail(ctx, "hook #%u changed struct type between renders", s->h.index);
    }
    return s;
}

void rc_state_set_flags(rc_state *s, unsigned flags) {
    /* Declared server-only in the render that restored it: a server-only
     * slot never takes a value from a token, so undo the restore. */
    if ((flags & RC_STATE_SERVER_ONLY) && !(s->flags & RC_STATE_SERVER_ONLY) && s->initial) {
        rc_value_copy(&s->value, s->initial);
        rc_value_free(s->initial);
        free(s->initial);
        s->initial = NULL;
    }
    s->flags = flags;
}

/* Every reader records the read (track.c): a component that reads another
 * instance's slot during its render re-renders when it changes. Reading is
 * logically const; the reader list is bookkeeping beside the value. */
static const rc_state *read(const rc_state *s) {
    rc_track_read((rc_source *)(uintptr_t)&s->src, s->h.inst);
    return s;
}

int64_t rc_state_get_int(const rc_state *s) { return rc_value_get_int(&read(s)->value, 0); }
double rc_state_get_float(const rc_state *s) { return rc_value_get_float(&read(s)->value, 0.0); }
bool rc_state_get_bool(const rc_state *s) { return rc_value_get_bool(&read(s)->value, false); }
const char *rc_state_get_string(const rc_state *s) {
    return rc_value_get_string(&read(s)->value, "");
}
const rc_value *rc_state_get_value(const rc_state *s) { return &read(s)->value; }
uint64_t rc_state_get_version(const rc_state *s) { return read(s)->version; }

const void *rc_state_get_bytes(const rc_state *s, size_t *len) {
    read(s);
    if (s->value.kind != RC_BYTES && s->value.kind != RC_STRING) {
        if (len) *len = 0;
        return "";
    }
    if (len) *len = s->value.as.str.len;
    return s->value.as.str.ptr;
}

const void *rc_state_get_struct(const rc_state *s) {
    read(s);
    return s->value.kind == RC_STRUCT ? s->value.as.st.ptr : NULL;
}

static void changed(rc_state *s) {
    s->version++;
    if (!(s->flags & RC_STATE_SERVER_ONLY)) s->h.inst->layout->state_epoch++;
    rc_instance_mark_dirty(s->h.inst);
    rc_source_notify(&s->src);
}

bool rc_state_set_value(rc_state *s, const rc_value *v) {
    rc_value null = {0};
    if (!v) v = &null;
    if (rc_value_equal(&s->value, v)) return false;
    rc_value_copy(&s->value, v);
    changed(s);
    return true;
}

bool rc_state_set_int(rc_state *s, int64_t v) {
    if (s->value.kind == RC_INT && s->value.as.i == v) return false;
    rc_value_set_int(&s->value, v);
    changed(s);
    return true;
}

bool rc_state_set_float(rc_state *s, double v) {
    rc_value nv = {.kind = RC_FLOAT, .as.f = v};
    return rc_state_set_value(s, &nv);
}

bool rc_state_set_bool(rc_state *s, bool v) {
    if (s->value.kind == RC_BOOL && s->value.as.b == v) return false;
    rc_value_set_bool(&s->value, v);
    changed(s);
    return true;
}

bool rc_state_set_string(rc_state *s, const char *v) {
    if (!v) v = "";
    size_t len = strlen(v);
    if (s->value.kind == RC_STRING && s->value.as.str.len == len &&
        memcmp(s->value.as.str.ptr, v, len) == 0)
        return false;
    rc_value_set_stringn(&s->value, v, len);
    changed(s);
    return true;
}

bool rc_state_set_bytes(rc_state *s, const void *p, size_t len) {
    if (s->value.kind == RC_BYTES && s->value.as.str.len == len &&
        (len == 0 || memcmp(s->value.as.str.ptr, p, len) == 0))
        return false;
    rc_value_set_bytes(&s->value, p, len);
    changed(s);
    return true;
}

bool rc_state_set_struct(rc_state *s, const void *v) {
    if (s->value.kind != RC_STRUCT) return false;
    const rc_struct_type *t = s->value.as.st.type;
    if (memcmp(s->value.as.st.ptr, v, t->size) == 0) return false;
    memmove(s->value.as.st.ptr, v, t->size);
    changed(s);
    return true;
}

bool rc_state_update(rc_state *s, rc_update_fn fn, void *arg) {
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
    s->reducer = reducer; /* the latest render's reducer is used */
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

bool rc_state_dispatch(rc_state *s, int action, const void *payload) {
    if (!s->reducer) return false;
    struct dispatch_arg d = {s->reducer, action, payload};
    return rc_state_update(s, run_reducer, &d);
}
