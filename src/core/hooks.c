/*
 * Hooks: the slots of an instance's hook list, matched by call order on
 * every render (like React). A slot's kind must not change between renders:
 * that means the component called hooks conditionally, which is reported as
 * an error in place of the component.
 *
 * Each kind of hook lives in its own file: state.c (state, reducer),
 * memo.c (ref, memo, callback), effects.c, context.c (provider, consumer),
 * timers.c. An instance's hooks are freed with it (instance.c).
 */
#include "core/internal.h"

void *rc_hook_get(rc_ctx *ctx, rc_hook_kind kind, size_t size, const char *name, bool *created) {
    rc_instance *inst = ctx->inst;
    uint32_t i = ctx->hook_index++;
    if (i < inst->nhooks) {
        rc_hook *h = ctx->hook_next;
        ctx->hook_next = h->next;
        ctx->hook_last = h;
        if (h->kind != kind)
            rc_fail(ctx,
                    "hook #%u changed kind between renders (hooks must be called in the "
                    "same order every render)",
                    i);
        *created = false;
        return h;
    }
    if (i >= UINT16_MAX) rc_fail(ctx, "too many hooks in one component");
    /* After a complete render the hook list is final (like React's "rendered
     * more hooks than during the previous render"). A render that failed
     * (its output is an error node) may have stopped before some hooks. */
    if (inst->rendered && !(inst->nroots == 1 && inst->roots[0]->kind == RC_NODE_ERROR))
        rc_fail(ctx,
                "called more hooks than on the previous render (%u; hooks must be "
                "called in the same order every render)",
                (unsigned)inst->nhooks);
    rc_hook *h = rc_xcalloc(1, size);
    h->kind = (uint8_t)kind;
    h->index = (uint16_t)i;
    h->name = name ? rc_xstrdup(name) : NULL;
    h->inst = inst;
    /* Appended after the last one this render passed (the list's end). */
    if (ctx->hook_last) ctx->hook_last->next = h;
    else inst->hooks = h;
    ctx->hook_last = h;
    inst->nhooks++;
    if (kind == HOOK_STATE) {
        inst->nstate++;
        for (rc_instance *p = inst->parent; p; p = p->parent) p->state_below++;
    }
    *created = true;
    return h;
}
