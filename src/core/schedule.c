/*
 * Scheduling: the layout's two queues. A state change marks its instance
 * dirty (the next flush renders it, parents first: layout.c); an instance
 * that rendered with effects pending waits in the effect queue for the
 * commit.
 */
#include "core/internal.h"

void rc_instance_mark_dirty(rc_instance *inst) {
    if (inst->dirty) return;
    rc_layout *l = inst->layout;
    inst->dirty = true;
    RC_GROW(l->dirty, l->dirty_cap, l->ndirty + 1);
    l->dirty[l->ndirty++] = inst;
    if (l->ndirty == 1 && l->opts.on_dirty && !l->freeing) l->opts.on_dirty(l, l->opts.user);
}

void rc_queue_effects(rc_instance *inst) {
    if (inst->in_effects || !rc_effects_pending(inst)) return;
    rc_layout *l = inst->layout;
    inst->in_effects = true;
    RC_GROW(l->effects, l->effects_cap, l->neffects + 1);
    l->effects[l->neffects++] = inst;
}
