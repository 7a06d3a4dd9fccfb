/*
 * Restorable slots: every state slot not declared server-only is named by
 * its address (address.c). The resume layer snapshots slots by address
 * (rc_layout_foreach_slot) and hands values back through the layout's
 * restore callback when a session is rebuilt elsewhere (rc_slot_restore).
 */
#include <string.h>

#include "core/internal.h"

const rc_value *rc_slot_restore(rc_ctx *ctx, rc_state *s) {
    rc_layout *l = ctx->layout;
    if (!l->opts.restore || !ctx->inst->resume) return NULL;
    char small[256];
    char *buf = small;
    size_t len = rc_slot_address(ctx->inst, &s->h, small, sizeof small);
    if (len >= sizeof small) {
        buf = rc_xmalloc(len + 1);
        rc_slot_address(ctx->inst, &s->h, buf, len + 1);
    }
    const rc_value *v = l->opts.restore(l->opts.restore_user, buf);
    if (v && s->declared != RC_NULL && v->kind != s->declared) {
        /* A new build changed this slot's type: it alone starts fresh. */
        rc_log(l, RC_LOG_INFO, "slot %s: restored value has another type; initial value used", buf);
        v = NULL;
    }
    if (buf != small) free(buf);
    return v;
}

struct walk {
    rc_slot_fn fn;
    void *user;
    char *buf;
    size_t cap;
};

static void walk_instance(struct walk *w, const rc_instance *inst);

static void walk_node(struct walk *w, const rc_node *n) {
    if (n->kind == RC_NODE_ELEMENT) {
        for (uint32_t i = 0; i < n->len; i++) walk_node(w, rc_el_children(n)[i]);
    } else if (n->kind == RC_NODE_COMPONENT && rc_comp(n)->inst) {
        walk_instance(w, rc_comp(n)->inst);
    }
}

static void walk_instance(struct walk *w, const rc_instance *inst) {
    for (uint16_t i = 0; i < inst->nhooks && inst->nstate; i++) {
        const rc_hook *h = inst->hooks[i];
        if (h->kind != HOOK_STATE) continue;
        const rc_state *s = (const rc_state *)h;
        if (s->flags & RC_STATE_SERVER_ONLY) continue;
        size_t len = rc_slot_address(inst, h, w->buf, w->cap);
        if (len >= w->cap) {
            w->cap = len + 64;
            w->buf = rc_xrealloc(w->buf, w->cap);
            rc_slot_address(inst, h, w->buf, w->cap);
        }
        w->fn(w->user, w->buf, &s->value);
    }
    /* No state below: nothing to find in the output (a list of 1,000 rows
     * without state of their own is 10,000 nodes not visited). */
    if (!inst->state_below) return;
    for (uint32_t i = 0; i < inst->nroots; i++) walk_node(w, inst->roots[i]);
}

void rc_layout_foreach_slot(const rc_layout *l, rc_slot_fn fn, void *user) {
    if (!l->root || !l->mounted) return;
    struct walk w = {fn, user, rc_xmalloc(256), 256};
    walk_instance(&w, l->root);
    free(w.buf);
}

/* Struct values restored into an untyped slot (rc_use_value, a reducer)
 * point at types owned by the snapshot, which dies after the resume: give
 * them types owned by the layout instead (one per name/size/version). */
static const rc_struct_type *intern_type(rc_layout *l, const rc_struct_type *t) {
    for (size_t i = 0; i < l->ntypes; i++) {
        const rc_struct_type *o = l->types[i];
        if (o->size == t->size && o->version == t->version && strcmp(o->name, t->name) == 0)
            return o;
    }
    RC_GROW(l->types, l->types_cap, l->ntypes + 1);
    rc_struct_type *c = rc_xmalloc(sizeof *c);
    c->name = rc_xstrdup(t->name);
    c->size = t->size;
    c->version = t->version;
    l->types[l->ntypes++] = c;
    return c;
}

void rc_value_own_types(rc_layout *l, rc_value *v) {
    switch (v->kind) {
    case RC_STRUCT:
        if (v->as.st.type) v->as.st.type = intern_type(l, v->as.st.type);
        break;
    case RC_ARRAY:
        for (size_t i = 0; i < v->as.arr.len; i++) rc_value_own_types(l, &v->as.arr.items[i]);
        break;
    case RC_OBJECT:
        for (size_t i = 0; i < v->as.obj.len; i++) rc_value_own_types(l, &v->as.obj.items[i].value);
        break;
    default: break;
    }
}

void rc_layout_free_types(rc_layout *l) {
    for (size_t i = 0; i < l->ntypes; i++) {
        free((char *)(uintptr_t)l->types[i]->name);
        free(l->types[i]);
    }
    free(l->types);
}
