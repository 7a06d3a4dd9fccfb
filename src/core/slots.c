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

/* The walk builds each instance's address as it descends ("/App" then
 * "/App/Row[3]"...): a prefix is written once per instance, not once per
 * slot, and a slot's address is the prefix and its suffix. */
struct walk {
    rc_slot_fn fn;
    void *user;
    rc_buf buf;
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
    if (!inst->nstate && !inst->state_below) return;
    size_t prefix = w->buf.len;
    rc_buf_putc(&w->buf, '/');
    rc_segment_append(&w->buf, inst);
    size_t here = w->buf.len;
    for (const rc_hook *h = inst->nstate ? inst->hooks : NULL; h; h = h->next) {
        if (h->kind != HOOK_STATE) continue;
        const rc_state *s = (const rc_state *)h;
        if (s->flags & RC_STATE_SERVER_ONLY) continue;
        rc_slot_suffix_append(&w->buf, h);
        w->fn(w->user, rc_buf_cstr(&w->buf), &s->value);
        w->buf.len = here;
    }
    /* No state below: nothing to find in the output (a list of 1,000 rows
     * without state of their own is 10,000 nodes not visited). */
    if (inst->state_below)
        for (uint32_t i = 0; i < inst->nroots; i++) walk_node(w, inst->roots[i]);
    w->buf.len = prefix;
}

void rc_layout_foreach_slot(const rc_layout *l, rc_slot_fn fn, void *user) {
    if (!l->root || !l->mounted) return;
    struct walk w = {fn, user, {0}};
    rc_buf_init(&w.buf);
    walk_instance(&w, l->root);
    rc_buf_free(&w.buf);
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
