/*
 * Component instances: created when their placeholder is mounted (or as the
 * layout's root), torn down with the output that holds them. Unmounting an
 * instance unmounts its output first, so cleanups run bottom-up.
 */
#include "core/internal.h"

rc_instance *rc_instance_new(rc_layout *l, rc_instance *parent, rc_node *placeholder) {
    rc_instance *inst = rc_xcalloc(1, sizeof *inst);
    inst->layout = l;
    inst->parent = parent;
    inst->placeholder = placeholder;
    if (parent) inst->depth = parent->depth + 1;
    rc_arena_init(&inst->arena);
    inst->resume = l->resuming;
    l->ninstances++;
    return inst;
}

/* Each kind of hook releases what it holds: a provider detaches its
 * consumers, a consumer leaves its provider's list, a timer stops. */
static void free_hooks(rc_instance *inst) {
    for (rc_hook *h = inst->hooks, *next; h; h = next) {
        next = h->next;
        switch ((rc_hook_kind)h->kind) {
        case HOOK_STATE:
            rc_source_release(&((rc_state *)h)->src);
            rc_value_free(&((rc_state *)h)->value);
            if (((rc_state *)h)->initial) rc_value_free(((rc_state *)h)->initial);
            free(((rc_state *)h)->initial);
            break;
        case HOOK_REF: break; /* its data is in its allocation */
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
        case HOOK_PROVIDER: rc_provider_release((rc_provider *)h); break;
        case HOOK_CONSUMER:
            rc_consumer_unlink((rc_consumer *)h);
            free(((rc_consumer *)h)->zero);
            break;
        case HOOK_TIMER: rc_timer_release(h); break;
        }
        free(h->name);
        free(h);
    }
    inst->hooks = NULL;
    inst->nhooks = 0;
}

static void remove_from(rc_instance **arr, size_t n, const rc_instance *inst) {
    for (size_t i = 0; i < n; i++)
        if (arr[i] == inst) arr[i] = NULL;
}

void rc_instance_unmount(rc_instance *inst) {
    rc_layout *l = inst->layout;
    /* Children first, so cleanups run bottom-up and consumers unlink before
     * their providers go. */
    for (uint32_t i = 0; i < inst->nroots; i++) rc_unmount_subtree(l, inst->roots[i]);
    rc_effects_cleanup_all(inst);
    /* The children took their own slots off the ancestors' counts. */
    for (rc_instance *p = inst->parent; p && inst->nstate; p = p->parent)
        p->state_below -= inst->nstate;
    free_hooks(inst);
    rc_track_forget(inst);
    if (inst->dirty) remove_from(l->dirty, l->ndirty, inst);
    remove_from(l->batch, l->nbatch, inst);
    if (inst->in_effects) remove_from(l->effects, l->neffects, inst);
    /* Ops of this flush may still reference the output: free at commit. */
    if (inst->arena.head) {
        RC_GROW(l->garbage, l->garbage_cap, l->ngarbage + 1);
        l->garbage[l->ngarbage++] = inst->arena;
    }
    free(inst);
    l->ninstances--;
}

void rc_unmount_subtree(rc_layout *l, rc_node *n) {
    switch (n->kind) {
    case RC_NODE_ELEMENT:
        rc_handlers_unregister(l, n);
        for (uint32_t i = 0; i < n->len; i++) rc_unmount_subtree(l, rc_el_children(n)[i]);
        break;
    case RC_NODE_COMPONENT:
        if (rc_comp(n)->inst) rc_instance_unmount(rc_comp(n)->inst);
        rc_comp(n)->inst = NULL;
        break;
    default: break;
    }
}
