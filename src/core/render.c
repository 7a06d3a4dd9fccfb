/*
 * Rendering one component instance: run its render function into a fresh
 * arena inside an error boundary and make the result the instance's output.
 * What is then done with the new output is the caller's: diffed against the
 * old one (reconcile.c) or mounted silently when the whole subtree is being
 * inserted (mount.c). rc_render_done ends the render after that.
 */
#include <string.h>

#include "core/internal.h"

/* Render contexts come from a per-layout pool indexed by render nesting
 * depth: a child renders while its parent's diff is in progress, and the
 * context must not be an automatic variable of the function that calls
 * setjmp (its fields change between setjmp and a longjmp from rc_fail). */
static rc_ctx *ctx_acquire(rc_layout *l) {
    if (l->nctx == l->ctxs_cap) {
        RC_GROW(l->ctxs, l->ctxs_cap, l->nctx + 1);
        for (size_t i = l->nctx; i < l->ctxs_cap; i++) l->ctxs[i] = NULL;
    }
    if (!l->ctxs[l->nctx]) l->ctxs[l->nctx] = rc_xcalloc(1, sizeof(rc_ctx));
    return l->ctxs[l->nctx++];
}

static void ctx_release(rc_layout *l, rc_ctx *ctx) {
    free(ctx->error);
    ctx->error = NULL;
    l->nctx--;
}

static void to_garbage(rc_layout *l, rc_arena *a) {
    if (!a->head) return;
    RC_GROW(l->garbage, l->garbage_cap, l->ngarbage + 1);
    l->garbage[l->ngarbage++] = *a;
    rc_arena_init(a);
}

void rc_render_output(rc_instance *inst, rc_output *old) {
    rc_layout *l = inst->layout;
    rc_ctx *ctx = ctx_acquire(l);
    /* Size the arena from the last render, or from the last first render of
     * this type (a list of a thousand rows sizes a thousand arenas right).
     * Exactly: the arena is kept as long as the output, so any slack is a
     * session's memory (an eighth was 65 bytes of every row of a 1,000-row
     * table). A render that needs more ("9" became "10") gets a small second
     * chunk (arena.c), and its next render one chunk of the new size. */
    size_t hint = inst->arena.requested;
    if (!hint) hint = rc_size_hint_get(rc_inst_type(inst));
    rc_arena_init_hint(&ctx->out, hint);
    rc_ctx_begin(ctx, inst, &ctx->out);
    inst->dirty = false; /* a set during this render dirties it again */
    inst->render_gen = l->flush_gen;
    l->rendered++;

    rc_node **roots = NULL;
    uint32_t nroots = 0;
    /* Reads of slots and stores during the render subscribe inst (track.c).
     * outer is not changed after setjmp, so it is intact after a longjmp. */
    rc_instance *outer = rc_track_begin(inst);
    if (setjmp(ctx->jmp) == 0) {
        rc_inst_type(inst)->render(ctx, rc_comp_props(inst->placeholder));
        if (inst->rendered && ctx->hook_index < inst->nhooks)
            rc_fail(ctx,
                    "called %u hooks, %u on the previous render (hooks must be called "
                    "in the same order every render)",
                    ctx->hook_index, (unsigned)inst->nhooks);
        rc_ctx_finish(ctx, &roots, &nroots);
        rc_track_restore(outer);
        rc_track_end(inst, true);
        rc_effects_render_done(inst, true);
    } else {
        rc_track_restore(outer);
        rc_track_end(inst, false);
        rc_effects_render_done(inst, false);
        /* The render failed: drop its partial output, show the error. */
        rc_ctx_abandon(ctx);
        rc_arena_free(&ctx->out);
        char addr[512];
        rc_instance_address(inst, addr, sizeof addr);
        rc_log(l, RC_LOG_ERROR, "component %s failed: %s", addr, ctx->error);
        roots = rc_arena_alloc(&ctx->out, sizeof *roots);
        roots[0] =
            rc_make_error_node(&ctx->out, l->opts.hide_errors ? RC_ERROR_GENERIC : ctx->error);
        nroots = 1;
    }

    old->arena = inst->arena;
    old->roots = inst->roots;
    old->nroots = inst->nroots;
    inst->arena = ctx->out;
    rc_arena_init(&ctx->out);
    if (!old->arena.requested) rc_size_hint_put(rc_inst_type(inst), inst->arena.requested);
    inst->roots = roots;
    inst->nroots = nroots;
    ctx_release(l, ctx);
}

void rc_render_done(rc_instance *inst, rc_output *old) {
    /* Ops of this flush may point into the old output: free it at commit. */
    to_garbage(inst->layout, &old->arena);

    uint32_t count = 0;
    for (uint32_t i = 0; i < inst->nroots; i++) count += rc_node_dom_count(inst->roots[i]);
    *rc_inst_dom_count(inst) = count;
    inst->rendered = true;
    inst->resume = false;
    rc_queue_effects(inst);
}
