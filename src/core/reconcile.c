/*
 * Reconciliation: diff an old list of sibling nodes against a new one and
 * emit the patch operations that turn the client's DOM from one into the
 * other, mounting and unmounting component instances on the way.
 *
 * Paths are DOM child-index paths: the layout's path stack holds the path of
 * the element that contains the list, and `base` is the DOM index of the
 * list's first node inside it (non-zero when the list is a component's
 * output inside a larger parent). Components are transparent, so a node's
 * DOM index is the sum of the dom counts of the nodes before it.
 *
 * Ops are applied by the client in order, so every index is computed
 * against the DOM as left by the ops before it:
 *   1. matched pairs are diffed in old order, left to right (a child whose
 *      dom count changes shifts only what follows it);
 *   2. unmatched old nodes are removed, right to left, runs coalesced;
 *   3. the survivors are brought into the new order with the fewest moves:
 *      those on a longest increasing subsequence of new positions (among
 *      the survivors that have DOM nodes) stay, the others move; new nodes
 *      are inserted, runs coalesced. This walks the new list right to left,
 *      placing each node before its already-placed right neighbour
 *      (reorder.c).
 */
#include <string.h>

#include "core/internal.h"

/* A pair of elements diffs their children's lists: the two recurse. */
static void diff_lists(rc_layout *l, rc_node **old, uint32_t nold, rc_node **nw, uint32_t nnew,
                       uint32_t base);

/* ---- pairs -------------------------------------------------------------- */

static bool same_key(const rc_node *a, const rc_node *b) {
    const rc_key *ka = rc_node_keyof(a), *kb = rc_node_keyof(b);
    if (!ka || !kb) return ka == kb;
    return rc_key_equal(ka, kb);
}

/* A text's bytes: a loop, not memcmp, for the few bytes of a table
 * cell's number (the call cost more); memcmp from 9 bytes on, where the
 * loop cost more (callgrind, bench/load/pages.c's list and table). */
static bool same_bytes(const char *a, uint32_t alen, const char *b, uint32_t blen) {
    if (alen != blen) return false;
    if (alen > 8) return memcmp(a, b, alen) == 0;
    for (uint32_t i = 0; i < alen; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* Same type: the new node updates the old one in place. */
static bool same_type(const rc_node *a, const rc_node *b) {
    if (a->kind != b->kind) return false;
    if (a->kind == RC_NODE_ELEMENT) /* common tags are one static string (tags.c) */
        return rc_el(a)->tag == rc_el(b)->tag || strcmp(rc_el(a)->tag, rc_el(b)->tag) == 0;
    if (a->kind == RC_NODE_COMPONENT) return rc_comp(a)->type == rc_comp(b)->type;
    return true;
}

/* Attribute names are often the builder's own literals (rc_open's id,
 * class...): the same pointer in both renders needs no strcmp. */
static bool same_name(const char *a, const char *b) { return a == b || strcmp(a, b) == 0; }

static void diff_attrs(rc_layout *l, const rc_node *o, const rc_node *n) {
    const rc_attr_kv *oa = rc_el_attrs(o), *na = rc_el_attrs(n);
    uint32_t onattrs = o->nattrs, nnattrs = n->nattrs;
    for (uint32_t i = 0; i < nnattrs; i++) {
        const rc_attr_kv *match = NULL;
        if (i < onattrs && same_name(oa[i].name, na[i].name)) {
            match = &oa[i]; /* same code, same order: common */
        } else {
            for (uint32_t j = 0; j < onattrs; j++)
                if (same_name(oa[j].name, na[i].name)) {
                    match = &oa[j];
                    break;
                }
        }
        if (match && strcmp(match->value, na[i].value) == 0) continue;
        rc_op *op = rc_emit_op(l, RC_OP_SET_ATTR);
        op->name = na[i].name;
        op->value = na[i].value;
        op->value_len = strlen(na[i].value);
    }
    for (uint32_t j = 0; j < onattrs; j++) {
        bool kept = j < nnattrs && same_name(oa[j].name, na[j].name);
        for (uint32_t i = 0; i < nnattrs && !kept; i++) kept = same_name(oa[j].name, na[i].name);
        if (kept) continue;
        rc_op *op = rc_emit_op(l, RC_OP_REMOVE_ATTR);
        op->name = oa[j].name; /* the old arena lives until commit */
    }
}

/* The handler table ends as unregistering o's handlers and registering n's
 * would leave it, without a delete and a re-insert for each id that stays
 * (the same element re-rendered: nearly always all of them). */
static void move_handlers(rc_layout *l, rc_node *o, rc_node *n) {
    rc_handlers_register(l, n);
    for (uint32_t j = 0; j < o->nhandlers; j++) {
        rc_handler *h = &rc_el_handlers(o)[j];
        bool kept = false;
        for (uint32_t i = 0; i < n->nhandlers && !kept; i++)
            kept = rc_el_handlers(n)[i].id == h->id;
        if (!kept && rc_map_get(&l->handlers, h->id) == h) rc_map_del(&l->handlers, h->id);
    }
}

static void diff_handlers(rc_layout *l, rc_node *o, rc_node *n) {
    move_handlers(l, o, n);
    const rc_handler *oh = rc_el_handlers(o), *nh = rc_el_handlers(n);
    for (uint32_t i = 0; i < n->nhandlers; i++) {
        const rc_handler *match = NULL;
        for (uint32_t j = 0; j < o->nhandlers; j++)
            if (strcmp(oh[j].event, nh[i].event) == 0) {
                match = &oh[j];
                break;
            }
        if (match && match->id == nh[i].id && match->prevent_default == nh[i].prevent_default &&
            match->stop_propagation == nh[i].stop_propagation)
            continue;
        rc_op *op = rc_emit_op(l, RC_OP_SET_HANDLER);
        op->name = nh[i].event;
        op->handler = &nh[i];
    }
    for (uint32_t j = 0; j < o->nhandlers; j++) {
        bool kept = false;
        for (uint32_t i = 0; i < n->nhandlers && !kept; i++)
            kept = strcmp(oh[j].event, nh[i].event) == 0;
        if (kept) continue;
        rc_op *op = rc_emit_op(l, RC_OP_REMOVE_HANDLER);
        op->name = oh[j].event;
    }
}

static bool props_equal(const rc_component *t, const rc_node *o, const rc_node *n) {
    if (o->len != n->len) return false;
    if (!n->len) return true;
    if (t->props_equal) return t->props_equal(rc_comp_props(o), rc_comp_props(n), n->len);
    return memcmp(rc_comp_props(o), rc_comp_props(n), n->len) == 0;
}

static void reconcile_component(rc_layout *l, rc_node *o, rc_node *n, uint32_t index) {
    rc_comp_node *oc = rc_comp(o), *nc = rc_comp(n);
    rc_instance *inst = oc->inst;
    nc->inst = inst;
    nc->dom_count = oc->dom_count; /* the count moves with the instance */
    oc->inst = NULL;
    bool changed = !props_equal(nc->type, o, n);
    inst->placeholder = n;
    /* Moved to another address: handler ids and slot addresses derive
     * from it, so render again under the new one. */
    if (oc->path_hash != nc->path_hash) changed = true;
    if (oc->ctx_chain != nc->ctx_chain) changed = true;
    if (nc->type->flags & RC_COMPONENT_ALWAYS_RENDER) changed = true;
    /* Dirty but already rendered in this flush: it waits for the next. */
    if (inst->dirty && inst->render_gen != l->flush_gen) changed = true;
    if (changed) rc_reconcile_instance(inst, index);
}

/* Diffs a matched pair whose DOM index in the container is `index`; np
 * points at the new node in its (arena) list, which ops may reference. */
static void diff_pair(rc_layout *l, rc_node *o, rc_node **np, uint32_t index) {
    rc_node *n = *np;
    switch (n->kind) {
    case RC_NODE_ELEMENT:
        rc_path_push(l, index);
        /* Most elements of a list's row have no attribute or no handler:
         * no call for what both renders lack. */
        if (o->nattrs | n->nattrs) diff_attrs(l, o, n);
        if (o->nhandlers | n->nhandlers) diff_handlers(l, o, n);
        diff_lists(l, rc_el_children(o), o->len, rc_el_children(n), n->len, 0);
        rc_path_pop(l);
        break;
    case RC_NODE_TEXT:
        if (!same_bytes(rc_textnode(o)->text, o->len, rc_textnode(n)->text, n->len)) {
            rc_path_push(l, index);
            rc_op *op = rc_emit_op(l, RC_OP_SET_TEXT);
            rc_path_pop(l);
            op->value = rc_textnode(n)->text;
            op->value_len = n->len;
        }
        break;
    case RC_NODE_COMPONENT: reconcile_component(l, o, n, index); break;
    case RC_NODE_ERROR:
        if (o->len != n->len || memcmp(rc_textnode(o)->text, rc_textnode(n)->text, n->len) != 0) {
            rc_op *op = rc_emit_op(l, RC_OP_REPLACE);
            op->index = index;
            op->count = 1;
            op->nodes = np;
            op->nnodes = 1;
        }
        break;
    }
}

/* ---- lists -------------------------------------------------------------- */

/* Fast path: same length, same keys position by position — the shape of
 * nearly every re-render. */
static bool same_keys_pairwise(rc_node **old, uint32_t nold, rc_node **nw, uint32_t nnew) {
    bool pairwise = nold == nnew;
    for (uint32_t i = 0; i < nnew && pairwise; i++) {
        pairwise = same_key(old[i], nw[i]);
        /* The pairs' diff reads each child instance: a list's instances
         * are cold in the cache when many sessions take turns, and a miss
         * per row, one after the other, was most of a 1,000-row re-render.
         * Asking for them all now overlaps the misses. */
        if (old[i]->kind == RC_NODE_COMPONENT) RC_PREFETCH(rc_comp(old[i])->inst);
    }
    return pairwise;
}

/* Diffs old[i] with nw[i] for every i; a node whose type changed is
 * replaced where it stands (no matching, no moves). */
static void diff_pairwise(rc_layout *l, rc_node **old, rc_node **nw, uint32_t n, uint32_t base) {
    uint32_t off = base;
    for (uint32_t i = 0; i < n; i++) {
        if (same_type(old[i], nw[i])) {
            diff_pair(l, old[i], &nw[i], off);
        } else {
            uint32_t oc = rc_node_dom_count(old[i]);
            rc_mount_subtree(l, nw[i]);
            rc_op *op = rc_emit_op(l, RC_OP_REPLACE);
            op->index = off;
            op->count = oc;
            op->nodes = &nw[i];
            op->nnodes = 1;
            rc_unmount_subtree(l, old[i]);
        }
        off += rc_node_dom_count(nw[i]);
    }
}

/* Matches new nodes to old ones: by key, unkeyed ones by position; a pair
 * must be of the same type. Fills new_of_old and old_of_new (UINT32_MAX:
 * no match). */
static void match_nodes(rc_node **old, uint32_t nold, rc_node **nw, uint32_t nnew,
                        uint32_t *new_of_old, uint32_t *old_of_new) {
    for (uint32_t i = 0; i < nold; i++) new_of_old[i] = UINT32_MAX;
    for (uint32_t i = 0; i < nnew; i++) old_of_new[i] = UINT32_MAX;
    rc_map keys;
    rc_map_init(&keys);
    for (uint32_t i = 0; i < nold; i++) {
        const rc_key *key = rc_node_keyof(old[i]);
        if (key) rc_map_put(&keys, key->hash, (void *)(uintptr_t)(i + 1));
    }
    for (uint32_t k = 0; k < nnew; k++) {
        uint32_t j = UINT32_MAX;
        if (rc_node_keyof(nw[k])) {
            uintptr_t v = (uintptr_t)rc_map_get(&keys, rc_node_keyof(nw[k])->hash);
            if (v && same_key(old[v - 1], nw[k])) j = (uint32_t)(v - 1);
        } else if (k < nold && !rc_node_keyof(old[k])) {
            j = k;
        }
        if (j != UINT32_MAX && new_of_old[j] == UINT32_MAX && same_type(old[j], nw[k])) {
            new_of_old[j] = k;
            old_of_new[k] = j;
        }
    }
    rc_map_free(&keys);
}

/* 1. Diffs matched pairs in old order, where they stand now; counts may
 * change as we go. count[j] is left as old[j]'s DOM count after it (its new
 * node's for a matched one). */
static void diff_matched(rc_layout *l, rc_node **old, uint32_t nold, rc_node **nw,
                         const uint32_t *new_of_old, uint32_t *count, uint32_t base) {
    uint32_t off = base;
    for (uint32_t j = 0; j < nold; j++) {
        uint32_t k = new_of_old[j];
        if (k != UINT32_MAX) {
            diff_pair(l, old[j], &nw[k], off);
            count[j] = rc_node_dom_count(nw[k]);
        } else {
            count[j] = rc_node_dom_count(old[j]);
        }
        off += count[j];
    }
}

/* 2. Removes unmatched old nodes, right to left (an op's index is not
 * shifted by the removals after it), coalescing runs. */
static void remove_unmatched(rc_layout *l, rc_node **old, uint32_t nold, const uint32_t *new_of_old,
                             const uint32_t *count, uint32_t base) {
    uint32_t off_end = base;
    for (uint32_t j = 0; j < nold; j++) off_end += count[j];
    uint32_t j = nold;
    uint32_t off = off_end; /* DOM index just past old[j-1] */
    while (j > 0) {
        j--;
        off -= count[j];
        if (new_of_old[j] != UINT32_MAX) continue;
        uint32_t run = count[j];
        rc_unmount_subtree(l, old[j]);
        while (j > 0 && new_of_old[j - 1] == UINT32_MAX) {
            j--;
            off -= count[j];
            run += count[j];
            rc_unmount_subtree(l, old[j]);
        }
        if (run) {
            rc_op *op = rc_emit_op(l, RC_OP_REMOVE);
            op->index = off;
            op->count = run;
        }
    }
}

static void diff_lists(rc_layout *l, rc_node **old, uint32_t nold, rc_node **nw, uint32_t nnew,
                       uint32_t base) {
    if (nold == 0 && nnew == 0) return;
    /* One child before and after, neither keyed, of one type: most
     * elements of a list's row (a cell and its text). */
    if (nold == 1 && nnew == 1 && !rc_node_keyof(old[0]) && !rc_node_keyof(nw[0]) &&
        same_type(old[0], nw[0])) {
        diff_pair(l, old[0], &nw[0], base);
        return;
    }
    if (same_keys_pairwise(old, nold, nw, nnew)) {
        diff_pairwise(l, old, nw, nnew, base);
        return;
    }

    uint32_t *new_of_old = rc_xmalloc(sizeof(uint32_t) * (nold ? nold : 1));
    uint32_t *old_of_new = rc_xmalloc(sizeof(uint32_t) * (nnew ? nnew : 1));
    match_nodes(old, nold, nw, nnew, new_of_old, old_of_new);

    uint32_t *count = rc_xmalloc(sizeof(uint32_t) * (nold + 1));
    diff_matched(l, old, nold, nw, new_of_old, count, base);
    remove_unmatched(l, old, nold, new_of_old, count, base);
    free(count);

    /* 3. The survivors into the new order, the new nodes in (reorder.c). */
    rc_reorder_list(l, nw, nnew, old_of_new, new_of_old, nold, base);
    free(new_of_old);
    free(old_of_new);
}

void rc_reconcile_instance(rc_instance *inst, uint32_t base) {
    rc_output old;
    rc_render_output(inst, &old);
    diff_lists(inst->layout, old.roots, old.nroots, inst->roots, inst->nroots, base);
    rc_render_done(inst, &old);
}
