/*
 * Reordering, the last step of a list's diff (reconcile.c): the old nodes
 * that survive, already diffed and with the removed ones gone, are brought
 * into the new order with the fewest moves, and the new nodes are inserted.
 * The survivors on a longest increasing subsequence of new positions (among
 * those that have DOM nodes) stay; the others move. The new list is walked
 * right to left, placing each node before its already-placed right
 * neighbour, so every op's indices count the DOM as the ops before it left
 * it; runs of new nodes are coalesced into one INSERT.
 */
#include <string.h>

#include "core/internal.h"

/* Longest increasing subsequence of seq[0..n) (values distinct): marks
 * keep[i] for the members. O(n log n). */
static void mark_lis(const uint32_t *seq, uint32_t n, bool *keep) {
    uint32_t *tails = rc_xmalloc(sizeof *tails * (n + 1)); /* index into seq */
    uint32_t *prev = rc_xmalloc(sizeof *prev * (n + 1));
    uint32_t len = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t lo = 0, hi = len;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (seq[tails[mid]] < seq[i]) lo = mid + 1;
            else hi = mid;
        }
        prev[i] = lo ? tails[lo - 1] : UINT32_MAX;
        tails[lo] = i;
        if (lo == len) len++;
    }
    for (uint32_t i = 0; i < n; i++) keep[i] = false;
    for (uint32_t i = len ? tails[len - 1] : UINT32_MAX; i != UINT32_MAX; i = prev[i])
        keep[i] = true;
    free(tails);
    free(prev);
}

/* DOM index of position `upto` in the working list w (new indices). */
static uint32_t dom_offset(rc_node **nw, const uint32_t *w, uint32_t upto, bool simple,
                           uint32_t base) {
    if (simple) return base + upto;
    for (uint32_t m = 0; m < upto; m++) base += rc_node_dom_count(nw[w[m]]);
    return base;
}

/* Which survivors stay in place: w holds them in old (DOM) order as new
 * indices, and the LIS among them stays (stays[k] for new index k).
 * Survivors standing for no DOM node (components rendering nothing) move
 * for free, so they stay off the LIS: kept, one could displace a node
 * whose move costs an op, or anchor a move at the moved node's own DOM
 * index (a no-op MOVE whose `before` is the moved node). */
static void mark_staying(rc_node **nw, const uint32_t *w, uint32_t nw_len, bool *stays) {
    uint32_t *lw = rc_xmalloc(sizeof(uint32_t) * (nw_len + 1));
    uint32_t nlw = 0;
    for (uint32_t m = 0; m < nw_len; m++)
        if (rc_node_dom_count(nw[w[m]])) lw[nlw++] = w[m];
    bool *keep_w = rc_xmalloc(sizeof(bool) * (nlw + 1));
    mark_lis(lw, nlw, keep_w);
    for (uint32_t m = 0; m < nlw; m++) stays[lw[m]] = keep_w[m];
    free(keep_w);
    free(lw);
}

/* The working list while the new order is placed, right to left: the
 * nodes in the DOM, as new indices in DOM order. */
typedef struct placing {
    rc_layout *l;
    rc_node **nw;
    uint32_t *w; /* new indices, DOM order */
    uint32_t len;
    uint32_t anchor;    /* position in w of the placed right neighbour */
    bool simple_counts; /* every node one DOM node: index == position */
    uint32_t base;
} placing;

/* A run of new nodes [first..k] goes in before the anchor: mounted, one
 * INSERT, and spliced into w. */
static void insert_run(placing *p, uint32_t first, uint32_t k) {
    rc_node **nw = p->nw;
    uint32_t added = 0;
    for (uint32_t i = first; i <= k; i++) {
        rc_mount_subtree(p->l, nw[i]);
        added += rc_node_dom_count(nw[i]);
    }
    if (added) { /* components rendering nothing add no op */
        rc_op *op = rc_emit_op(p->l, RC_OP_INSERT);
        op->index = dom_offset(nw, p->w, p->anchor, p->simple_counts, p->base);
        op->nodes = &nw[first];
        op->nnodes = k - first + 1;
    }
    uint32_t run = k - first + 1;
    memmove(&p->w[p->anchor + run], &p->w[p->anchor], sizeof(uint32_t) * (p->len - p->anchor));
    for (uint32_t i = 0; i < run; i++) {
        p->w[p->anchor + i] = first + i;
        if (rc_node_dom_count(nw[first + i]) != 1) p->simple_counts = false;
    }
    p->len += run;
}

/* Moves survivor k, at position pos in w, to just before the anchor: one
 * MOVE unless it stands for no DOM node. */
static void move_before_anchor(placing *p, uint32_t k, uint32_t pos) {
    uint32_t *w = p->w;
    uint32_t from = dom_offset(p->nw, w, pos, p->simple_counts, p->base);
    uint32_t before = dom_offset(p->nw, w, p->anchor, p->simple_counts, p->base);
    uint32_t c = rc_node_dom_count(p->nw[k]);
    if (c) {
        rc_op *op = rc_emit_op(p->l, RC_OP_MOVE);
        op->index = from;
        op->count = c;
        op->before = before;
    }
    /* Move k from pos to just before the anchor within w. */
    if (pos < p->anchor) {
        memmove(&w[pos], &w[pos + 1], sizeof(uint32_t) * (p->anchor - 1 - pos));
        p->anchor--;
    } else {
        memmove(&w[p->anchor + 1], &w[p->anchor], sizeof(uint32_t) * (pos - p->anchor));
    }
    w[p->anchor] = k;
}

/* Walks the new list right to left, placing each node before its
 * already-placed right neighbour (the anchor): new runs are inserted,
 * survivors off the LIS are moved, those on it become the anchor. */
static void place_in_new_order(placing *p, uint32_t nnew, const uint32_t *old_of_new,
                               const bool *stays) {
    for (uint32_t kk = nnew; kk > 0;) {
        uint32_t k = --kk;
        if (old_of_new[k] == UINT32_MAX) {
            uint32_t first = k;
            while (first > 0 && old_of_new[first - 1] == UINT32_MAX) first--;
            insert_run(p, first, k);
            kk = first;
            continue;
        }
        uint32_t pos = 0;
        while (p->w[pos] != k) pos++;
        if (stays[k]) {
            p->anchor = pos;
            continue;
        }
        move_before_anchor(p, k, pos);
    }
}

void rc_reorder_list(rc_layout *l, rc_node **nw, uint32_t nnew, const uint32_t *old_of_new,
                     const uint32_t *new_of_old, uint32_t nold, uint32_t base) {
    /* Survivors in old order, as new indices; the LIS among them stays. */
    placing p = {.l = l,
                 .nw = nw,
                 .w = rc_xmalloc(sizeof(uint32_t) * (nnew + 1)),
                 .simple_counts = true,
                 .base = base};
    for (uint32_t j = 0; j < nold; j++)
        if (new_of_old[j] != UINT32_MAX) p.w[p.len++] = new_of_old[j];
    bool *stays = rc_xcalloc(nnew + 1, sizeof(bool));
    mark_staying(nw, p.w, p.len, stays);
    for (uint32_t m = 0; m < p.len && p.simple_counts; m++)
        p.simple_counts = rc_node_dom_count(nw[p.w[m]]) == 1;
    p.anchor = p.len;
    place_in_new_order(&p, nnew, old_of_new, stays);

    free(stays);
    free(p.w);
}
