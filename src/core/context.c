/*
 * Context: providers and consumers.
 *
 * A provider is a hook of the component that opens RC_PROVIDE; it owns a
 * copy of the value and a version. Child components created inside the
 * block record the provider chain in effect at their spot; a consumer hook
 * walks that chain for its type and links itself into the provider's
 * consumer list. When the value changes, the provider marks its consumers
 * dirty directly, so they re-render even when every component between them
 * is skipped.
 */
#include <string.h>

#include "core/internal.h"

void rc_provider_begin(rc_ctx *ctx, const rc_context_type *type, const void *value) {
    bool created;
    rc_provider *p = rc_hook_get(ctx, HOOK_PROVIDER, sizeof *p, NULL, &created);
    size_t size = type->size;
    if (created) {
        p->type = type;
        p->value = rc_xcalloc(1, size ? size : 1);
        if (value && size) memcpy(p->value, value, size);
        p->version = 1;
    } else if (p->type != type) {
        rc_fail(ctx, "provider hook #%u changed context type between renders", p->h.index);
    } else if (value && size && memcmp(p->value, value, size) != 0) {
        memcpy(p->value, value, size);
        p->version++;
        rc_provider_mark_consumers(p);
    }
    p->outer = ctx->chain;
    ctx->chain = p;
    ctx->nproviders_open++;
}

void rc_provider_end(rc_ctx *ctx) {
    if (!ctx->nproviders_open) {
        rc_log(ctx->layout, RC_LOG_ERROR, "%s: rc_provider_end without a provider (ignored)",
               rc_inst_type(ctx->inst)->name);
        return;
    }
    ctx->chain = ctx->chain->outer;
    ctx->nproviders_open--;
}

void rc_consumer_unlink(rc_consumer *c) {
    rc_provider *p = c->provider;
    if (!p) return;
    if (c->prev) c->prev->next = c->next;
    else p->consumers = c->next;
    if (c->next) c->next->prev = c->prev;
    c->prev = c->next = NULL;
    c->provider = NULL;
}

void rc_provider_mark_consumers(rc_provider *p) {
    for (rc_consumer *c = p->consumers; c; c = c->next) rc_instance_mark_dirty(c->h.inst);
}

/* Called when the provider's instance unmounts. Its consumers are its
 * descendants and were unmounted first, but detach defensively. */
void rc_provider_release(rc_provider *p) {
    while (p->consumers) rc_consumer_unlink(p->consumers);
    free(p->value);
}

const void *rc_use_context(rc_ctx *ctx, const rc_context_type *type) {
    bool created;
    rc_consumer *c = rc_hook_get(ctx, HOOK_CONSUMER, sizeof *c, NULL, &created);
    /* A component's own providers apply to its children, not to itself:
     * look up from the chain it inherited. */
    rc_provider *p = rc_inst_chain(ctx->inst);
    while (p && p->type != type) p = p->outer;
    if (c->provider != p) {
        rc_consumer_unlink(c);
        if (p) {
            c->provider = p;
            c->next = p->consumers;
            if (p->consumers) p->consumers->prev = c;
            p->consumers = c;
        }
    }
    if (p) return p->value;
    if (type->default_value) return type->default_value;
    if (!c->zero) c->zero = rc_xcalloc(1, type->size ? type->size : 1);
    return c->zero;
}
