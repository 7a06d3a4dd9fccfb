/*
 * Restorable slots: every state slot has a stable address made of the
 * component key path (type names and keys, or per-type ordinals where no key
 * is given) and the slot's explicit name or hook index:
 *
 *     /App/TodoList#0/Item[17]@done     /Counter@#0
 *
 * Not file names or line numbers: those change with every edit and differ
 * between machines. The resume layer snapshots slots by address and hands
 * values back through the layout's restore callback when a session is
 * rebuilt elsewhere.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

size_t rc_instance_address(const rc_instance *inst, char *buf, size_t cap) {
    size_t len = inst->parent ? rc_instance_address(inst->parent, buf, cap) : 0;
    int n = snprintf(len < cap ? buf + len : NULL, len < cap ? cap - len : 0, "/%s",
                     inst->segment ? inst->segment : "?");
    return len + (n > 0 ? (size_t)n : 0);
}

/* Writes the slot's full address; returns its length (may exceed cap). */
static size_t slot_address(const rc_instance *inst, const rc_hook *h, char *buf, size_t cap) {
    size_t len = rc_instance_address(inst, buf, cap);
    int n;
    if (h->name)
        n = snprintf(len < cap ? buf + len : NULL, len < cap ? cap - len : 0, "@%s", h->name);
    else
        n = snprintf(len < cap ? buf + len : NULL, len < cap ? cap - len : 0, "@#%u", h->index);
    return len + (n > 0 ? (size_t)n : 0);
}

const rc_value *rc_slot_restore(rc_ctx *ctx, rc_state *s) {
    rc_layout *l = ctx->layout;
    if (!l->opts.restore || !ctx->inst->resume) return NULL;
    char small[256];
    char *buf = small;
    size_t len = slot_address(ctx->inst, &s->h, small, sizeof small);
    if (len >= sizeof small) {
        buf = rc_xmalloc(len + 1);
        slot_address(ctx->inst, &s->h, buf, len + 1);
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
        for (uint32_t i = 0; i < n->nchildren; i++) walk_node(w, n->u.el.children[i]);
    } else if (n->kind == RC_NODE_COMPONENT && n->u.comp.inst) {
        walk_instance(w, n->u.comp.inst);
    }
}

static void walk_instance(struct walk *w, const rc_instance *inst) {
    for (uint16_t i = 0; i < inst->nhooks; i++) {
        const rc_hook *h = inst->hooks[i];
        if (h->kind != HOOK_STATE) continue;
        const rc_state *s = (const rc_state *)h;
        if (s->flags & RC_STATE_SERVER_ONLY) continue;
        size_t len = slot_address(inst, h, w->buf, w->cap);
        if (len >= w->cap) {
            w->cap = len + 64;
            w->buf = rc_xrealloc(w->buf, w->cap);
            slot_address(inst, h, w->buf, w->cap);
        }
        w->fn(w->user, w->buf, &s->value);
    }
    for (uint32_t i = 0; i < inst->nroots; i++) walk_node(w, inst->roots[i]);
}

void rc_layout_foreach_slot(const rc_layout *l, rc_slot_fn fn, void *user) {
    if (!l->root || !l->mounted) return;
    struct walk w = {fn, user, rc_xmalloc(256), 256};
    walk_instance(&w, l->root);
    free(w.buf);
}
