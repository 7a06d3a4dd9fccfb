/*
 * The layout: one mounted root. Owns the component instances (made and torn
 * down in instance.c), runs a flush (render what the dirty queue of
 * schedule.c holds, parent first, collecting patch operations) and a commit
 * (free replaced output, run effects).
 */
#include <string.h>

#include "core/internal.h"

void rc_layout_opts_init(rc_layout_opts *o) {
    memset(o, 0, sizeof *o);
    o->log_level = RC_LOG_WARN;
}

/* ---- layout ----------------------------------------------------------- */

rc_layout *rc_layout_new(const rc_component *root, const void *props, size_t props_size,
                         const rc_layout_opts *opts) {
    if (!root || !root->render) return NULL;
    rc_layout *l = rc_xcalloc(1, sizeof *l);
    if (opts) l->opts = *opts;
    else rc_layout_opts_init(&l->opts);
    rc_map_init(&l->handlers);
    if (!props) props_size = 0;
    /* The root is placed like a child (instance.c): its placeholder is ours. */
    l->root_ph = rc_xcalloc(1, sizeof *l->root_ph + props_size);
    l->root_ph->n = (rc_node){.kind = RC_NODE_COMPONENT, .len = (uint32_t)props_size};
    if (props_size) memcpy(rc_comp_props(&l->root_ph->n), props, props_size);
    l->root_ph->type = root;
    l->root_ph->ctx_chain = &l->location;
    l->root_ph->path_hash = rc_hash_str(RC_HASH_SEED, root->name);
    l->resuming = l->opts.restore != NULL;
    rc_location_init(l, l->opts.pathname, l->opts.search);
    rc_connection_init(l);
    l->session_id = l->opts.session_id ? rc_xstrdup(l->opts.session_id) : NULL;
    l->opts.pathname = l->opts.search = l->opts.session_id = NULL; /* not ours to keep */
    l->root = rc_instance_new(l, NULL, &l->root_ph->n);
    return l;
}

static void free_garbage(rc_layout *l) {
    for (size_t i = 0; i < l->ngarbage; i++) rc_arena_free(&l->garbage[i]);
    l->ngarbage = 0;
}

void rc_layout_free(rc_layout *l) {
    if (!l) return;
    l->freeing = true; /* cleanups may set state: nobody to tell */
    if (l->root) rc_instance_unmount(l->root);
    rc_location_free(l);
    rc_connection_free(l);
    free(l->session_id);
    free(l->user_name);
    rc_layout_free_types(l);
    free_garbage(l);
    rc_map_free(&l->handlers);
    free(l->root_ph);
    free(l->dirty);
    free(l->effects);
    free(l->ops);
    free(l->ops_out);
    free(l->regions);
    free(l->regions_out);
    free(l->paths);
    free(l->path);
    free(l->garbage);
    free(l->frames);
    free(l->kids);
    free(l->attrs);
    free(l->hs);
    free(l->keyset);
    for (size_t i = 0; i < l->ctxs_cap; i++) {
        if (!l->ctxs[i]) continue;
        free(l->ctxs[i]->seen);
        free(l->ctxs[i]->keyed);
        free(l->ctxs[i]);
    }
    free(l->ctxs);
    free(l);
}

void *rc_layout_get_user(const rc_layout *l) { return l->opts.user; }
struct rc_app *rc_layout_get_app(const rc_layout *l) {
    return l->opts.app;
}
bool rc_layout_is_dirty(const rc_layout *l) { return l->ndirty > 0; }
size_t rc_layout_count_instances(const rc_layout *l) { return l->ninstances; }
uint64_t rc_layout_get_state_epoch(const rc_layout *l) { return l->state_epoch; }
size_t rc_layout_count_roots(const rc_layout *l) { return l->root ? l->root->nroots : 0; }
rc_node *rc_layout_get_root(const rc_layout *l, size_t i) {
    return l->root && i < l->root->nroots ? l->root->roots[i] : NULL;
}

/* ---- positions: where an instance's output sits in the DOM -------------- */

/* DOM index of n among its siblings (in its element or its owner's output). */
static uint32_t index_in_list(const rc_node *n) {
    rc_node **list;
    uint32_t len;
    const rc_up *up = rc_node_up(n);
    if (!(n->flags & RC_NODE_TOP)) {
        list = rc_el_children(up->parent);
        len = up->parent->len;
    } else {
        list = up->owner->roots;
        len = up->owner->nroots;
    }
    uint32_t idx = 0;
    for (uint32_t i = 0; i < len && list[i] != n; i++) idx += rc_node_dom_count(list[i]);
    return idx;
}

static uint32_t instance_base(rc_layout *l, const rc_instance *inst);

/* Pushes the DOM path of element el onto the layout's path stack. */
static void push_element_path(rc_layout *l, const rc_node *el) {
    uint32_t idx = index_in_list(el);
    if (!(el->flags & RC_NODE_TOP)) {
        push_element_path(l, rc_node_up(el)->parent);
    } else {
        idx += instance_base(l, rc_node_up(el)->owner);
    }
    rc_path_push(l, idx);
}

/* Pushes the path of the element containing inst's output and returns the
 * DOM index of inst's first root inside it. */
static uint32_t instance_base(rc_layout *l, const rc_instance *inst) {
    const rc_node *ph = inst->placeholder;
    if (!inst->parent) return 0; /* the root: container is the mount root */
    uint32_t idx = index_in_list(ph);
    if (!(ph->flags & RC_NODE_TOP)) {
        push_element_path(l, rc_comp(ph)->up.parent);
        return idx;
    }
    return idx + instance_base(l, rc_comp(ph)->up.owner);
}

/* ---- flush and commit ------------------------------------------------- */

static int by_depth(const void *a, const void *b) {
    const rc_instance *x = *(rc_instance *const *)a, *y = *(rc_instance *const *)b;
    if (!x || !y) return (x == NULL) - (y == NULL); /* holes sort last */
    return (x->depth > y->depth) - (x->depth < y->depth);
}

/* Walks up from inst while it is a top-level node of its parent's output,
 * adding delta to each ancestor's dom count. */
static void propagate_count(rc_instance *inst, int64_t delta) {
    while (delta && inst->parent && (inst->placeholder->flags & RC_NODE_TOP)) {
        inst = inst->parent;
        *rc_inst_dom_count(inst) = (uint32_t)((int64_t)*rc_inst_dom_count(inst) + delta);
    }
}

static void render_dirty(rc_layout *l) {
    /* Process the queue in depth order; renders may dirty more instances
     * (context consumers, sets during render): loop until stable, but
     * render an instance at most once per flush. */
    size_t guard = 0;
    while (l->ndirty && guard++ < 64) {
        /* The batch stays visible to rc_instance_unmount, which clears the
         * entries of instances a render in this batch removes. */
        rc_instance **batch = l->batch = l->dirty;
        size_t n = l->nbatch = l->ndirty, batch_cap = l->dirty_cap;
        l->dirty = NULL;
        l->ndirty = 0;
        l->dirty_cap = 0;
        qsort(batch, n, sizeof *batch, by_depth);
        rc_instance **later = NULL;
        size_t nlater = 0, later_cap = 0;
        for (size_t i = 0; i < n; i++) {
            rc_instance *inst = batch[i];
            if (!inst || !inst->dirty) continue;
            if (inst->render_gen == l->flush_gen) {
                /* Already rendered in this flush: next flush. */
                RC_GROW(later, later_cap, nlater + 1);
                later[nlater++] = inst;
                continue;
            }
            l->path_len = 0;
            uint32_t base = instance_base(l, inst);
            rc_patch_region(l);
            uint32_t before = *rc_inst_dom_count(inst);
            rc_reconcile_instance(inst, base);
            propagate_count(inst, (int64_t)*rc_inst_dom_count(inst) - (int64_t)before);
        }
        l->batch = NULL;
        l->nbatch = 0;
        if (!l->dirty) {
            /* Keep the array for the next flush's queue (a malloc and a
             * free less per event). */
            l->dirty = batch;
            l->dirty_cap = batch_cap;
        } else {
            free(batch);
        }
        for (size_t i = 0; i < nlater; i++) {
            RC_GROW(l->dirty, l->dirty_cap, l->ndirty + 1);
            l->dirty[l->ndirty++] = later[i];
        }
        free(later);
        if (nlater && nlater == l->ndirty) break; /* only deferred ones left */
    }
}

const rc_patch *rc_layout_flush(rc_layout *l) {
    l->nops = 0;
    l->nregions = 0;
    l->npaths = 0;
    l->rendered = 0;
    l->flush_gen++;
    l->path_len = 0;
    l->in_flush = true;
    if (!l->mounted) {
        l->mounted = true;
        rc_mount_instance(l->root);
        l->resuming = false;
        rc_op_internal *o;
        RC_GROW(l->ops, l->ops_cap, 1);
        o = &l->ops[l->nops++];
        memset(o, 0, sizeof *o);
        o->op.kind = RC_OP_INSERT;
        o->op.index = 0;
        o->op.nodes = l->root->roots;
        o->op.nnodes = l->root->nroots;
        rc_patch_region(l);
        /* Sets made during the first render are already reflected in it
         * only if they happened before the read; render again next flush. */
    } else {
        render_dirty(l);
    }
    l->in_flush = false;
    return rc_patch_finish(l);
}

typedef struct effect_order {
    rc_instance *inst;
    size_t seq;
} effect_order;

static int by_depth_desc(const void *a, const void *b) {
    const effect_order *x = a, *y = b;
    uint32_t dx = x->inst ? x->inst->depth : 0, dy = y->inst ? y->inst->depth : 0;
    if (dx != dy) return dx < dy ? 1 : -1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void sort_effects(rc_instance **q, size_t n) {
    bool sorted = true;
    for (size_t i = 1; i < n && sorted; i++)
        sorted = !q[i] || !q[i - 1] || q[i - 1]->depth >= q[i]->depth;
    if (sorted) return;
    effect_order *o = rc_xmalloc(sizeof *o * n);
    for (size_t i = 0; i < n; i++) o[i] = (effect_order){q[i], i};
    qsort(o, n, sizeof *o, by_depth_desc);
    for (size_t i = 0; i < n; i++) q[i] = o[i].inst;
    free(o);
}

void rc_layout_commit(rc_layout *l) {
    free_garbage(l);
    l->nops = 0;
    l->nregions = 0;
    l->npaths = 0;
    l->patch.nops = 0;
    l->patch.nregions = 0;
    /* Effects: every pending cleanup first, then the effects, in the order
     * instances finished rendering (children before parents). The queue is
     * detached first: effects may set state, which only marks dirty. */
    rc_instance **q = l->effects;
    size_t n = l->neffects;
    l->effects = NULL;
    l->neffects = 0;
    l->effects_cap = 0;
    /* Children before parents even when a consumer rendered in a later pass
     * than its provider: deepest first, finishing order among equals. */
    sort_effects(q, n);
    for (size_t i = 0; i < n; i++)
        if (q[i]) rc_effects_run_cleanups(q[i]);
    for (size_t i = 0; i < n; i++) {
        if (!q[i]) continue;
        q[i]->in_effects = false;
        rc_effects_run(q[i]);
    }
    free(q);
}
