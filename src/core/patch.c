/*
 * The patch of a flush, as it is built: the path stack (the DOM path of the
 * element being diffed), the ops emitted at that path, and the regions (the
 * subtrees a flush re-rendered). Paths live in one pool as offsets while it
 * grows; rc_patch_finish turns them into the rc_patch handed out.
 */
#include <string.h>

#include "core/internal.h"

void rc_path_push(rc_layout *l, uint32_t index) {
    RC_GROW(l->path, l->path_cap, l->path_len + 1);
    l->path[l->path_len++] = index;
}

void rc_path_pop(rc_layout *l) { l->path_len--; }

rc_op *rc_emit_op(rc_layout *l, rc_op_kind kind) {
    RC_GROW(l->ops, l->ops_cap, l->nops + 1);
    RC_GROW(l->paths, l->paths_cap, l->npaths + l->path_len);
    rc_op_internal *o = &l->ops[l->nops++];
    memset(o, 0, sizeof *o);
    o->op.kind = kind;
    o->op.path_len = (uint32_t)l->path_len;
    o->path_off = (uint32_t)l->npaths;
    if (l->path_len) memcpy(&l->paths[l->npaths], l->path, sizeof(uint32_t) * l->path_len);
    l->npaths += l->path_len;
    return &o->op;
}

void rc_patch_region(rc_layout *l) {
    RC_GROW(l->regions, l->regions_cap, l->nregions + 1);
    RC_GROW(l->paths, l->paths_cap, l->npaths + l->path_len);
    rc_region_internal *r = &l->regions[l->nregions++];
    r->path_off = (uint32_t)l->npaths;
    r->path_len = (uint32_t)l->path_len;
    if (l->path_len) memcpy(&l->paths[l->npaths], l->path, sizeof(uint32_t) * l->path_len);
    l->npaths += l->path_len;
}

static bool region_has_prefix(const rc_layout *l, size_t upto, const rc_region_internal *r) {
    for (size_t i = 0; i < upto; i++) {
        const rc_region_internal *q = &l->regions[i];
        if (q->path_len > r->path_len) continue;
        if (q->path_len == 0 || memcmp(&l->paths[q->path_off], &l->paths[r->path_off],
                                       sizeof(uint32_t) * q->path_len) == 0)
            return true;
    }
    return false;
}

const rc_patch *rc_patch_finish(rc_layout *l) {
    /* Fix up pool offsets into pointers now that the pool stopped moving. */
    RC_GROW(l->ops_out, l->ops_out_cap, l->nops);
    for (size_t i = 0; i < l->nops; i++) {
        l->ops_out[i] = l->ops[i].op;
        l->ops_out[i].path = l->ops[i].op.path_len ? &l->paths[l->ops[i].path_off] : NULL;
    }
    RC_GROW(l->regions_out, l->regions_out_cap, l->nregions);
    size_t nr = 0;
    for (size_t i = 0; i < l->nregions; i++) {
        if (region_has_prefix(l, i, &l->regions[i])) continue;
        bool covered = false;
        /* A later region that is a prefix of this one also covers it. */
        for (size_t j = i + 1; j < l->nregions && !covered; j++) {
            const rc_region_internal *q = &l->regions[j], *r = &l->regions[i];
            covered = q->path_len < r->path_len &&
                      (q->path_len == 0 || memcmp(&l->paths[q->path_off], &l->paths[r->path_off],
                                                  sizeof(uint32_t) * q->path_len) == 0);
        }
        if (covered) continue;
        l->regions_out[nr].path_len = l->regions[i].path_len;
        l->regions_out[nr].path = l->regions[i].path_len ? &l->paths[l->regions[i].path_off] : NULL;
        nr++;
    }
    l->patch.ops = l->ops_out;
    l->patch.nops = l->nops;
    l->patch.regions = l->regions_out;
    l->patch.nregions = nr;
    l->patch.rendered = l->rendered;
    return &l->patch;
}
