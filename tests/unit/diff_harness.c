/*
 * The reconciliation tests' harness (diff_harness.h). Linked into the test
 * programs; not a test program itself (no test_ prefix).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_tree.h"
#include "diff_check.h"
#include "diff_harness.h"
#include "harness.h"
#include "op_model.h"
#include "ref_dom.h"

/* ======================================================================== */
/* The harness: one layout, its reference DOM and all the checks            */
/* ======================================================================== */

/* Errors and warnings the layouts logged (test_log, harness.h). */
static size_t log_problems(void) { return test_log.n[RC_LOG_ERROR] + test_log.n[RC_LOG_WARN]; }

rc_layout *new_diff_layout(void) {
    rc_layout_opts o = test_opts();
    o.log_level = RC_LOG_WARN;
    rc_layout *l = rc_layout_new(&ROOT_COMP, NULL, 0, &o);
    CHECK(l != NULL, "rc_layout_new failed");
    return track(l);
}

static void record_ops(diff_harness *h, const rc_patch *p) {
    free(h->ops);
    h->nops = p->nops;
    h->ops = xcalloc(p->nops, sizeof *h->ops);
    for (size_t i = 0; i < p->nops; i++) {
        const rc_op *o = &p->ops[i];
        recop *r = &h->ops[i];
        r->kind = o->kind;
        r->path_len = o->path_len;
        for (uint32_t j = 0; j < o->path_len && j < 16; j++) r->path[j] = o->path[j];
        r->index = o->index;
        r->count = o->count;
        r->before = o->before;
        r->nnodes = o->nnodes;
        if (o->value) snprintf(r->value, sizeof r->value, "%.*s", (int)o->value_len, o->value);
    }
}

/* ---- content: description vs DOM, identities, handlers ------------------- */

typedef struct walkctx {
    diff_harness *h;
    char (*ids)[16];
    size_t nids, capids;
} walkctx;

static void check_handlers_of(walkctx *w, dnode *d, const rnode *r) {
    CHECK((size_t)d->nh == r->nhs, "<%s>: %d handlers described, %zu in the DOM", d->tag, d->nh,
          r->nhs);
    for (size_t i = 0; i < r->nhs; i++) {
        const rhand *hd = &r->hs[i];
        int ev = event_index(hd->event);
        CHECK(ev >= 0, "<%s>: unexpected handler event %s", d->tag, hd->event);
        int j = 0;
        while (j < d->nh && d->hev[j] != ev) j++;
        CHECK(j < d->nh, "<%s>: handler %s not described", d->tag, hd->event);
        CHECK(hd->pd == d->hpd[j] && hd->sp == d->hsp[j], "<%s>: handler %s flags %d%d vs %d%d",
              d->tag, hd->event, hd->pd, hd->sp, d->hpd[j], d->hsp[j]);
        CHECK(strlen(hd->id) == 11, "handler id \"%s\" is not 11 characters", hd->id);
        /* the id dispatches to this very element and event */
        g_fired_count = 0;
        g_fired_user = NULL;
        int rc = rc_layout_dispatch(w->h->l, hd->id, NULL, 0);
        CHECK(rc == 0 && g_fired_count == 1, "dispatch of %s (%s on <%s>) returned %d, fired %d",
              hd->id, hd->event, d->tag, rc, g_fired_count);
        CHECK(g_fired_ev == ev && g_fired_user == d,
              "dispatch of %s (%s on <%s>) reached event %s of another element", hd->id, hd->event,
              d->tag, EVENTS[g_fired_ev]);
        if (w->nids == w->capids) {
            w->capids = w->capids ? w->capids * 2 : 16;
            w->ids = xrealloc(w->ids, w->capids * sizeof *w->ids);
        }
        memcpy(w->ids[w->nids++], hd->id, 16);
    }
}

static void content_list(walkctx *w, const dlist *l, rnode *parent, size_t *pos);

static unsigned g_visit;

static void content_node(walkctx *w, dnode *d, rnode *parent, size_t *pos) {
    CHECK(d->visit != g_visit, "generator: a description node appears twice in one tree");
    d->visit = g_visit;
    if (d->kind == D_COMP) {
        CHECK(d->renders > 0, "mounted component never rendered");
        content_list(w, &d->var[d->cur_var], parent, pos);
        return;
    }
    CHECK(*pos < parent->nkids, "<%s>: DOM has %zu children, description more", parent->str,
          parent->nkids);
    rnode *r = parent->kids[(*pos)++];
    d->cur_uid = r->uid;
    if (d->kind == D_TEXT) {
        CHECK(r->kind == R_TEXT && strcmp(r->str, d->text) == 0,
              "text \"%s\" described, DOM has %s \"%s\"", d->text,
              r->kind == R_TEXT ? "text" : "element/error", r->str);
        return;
    }
    CHECK(r->kind == R_EL && strcmp(r->str, d->tag) == 0, "<%s> described, DOM has %s \"%s\"",
          d->tag, r->kind == R_EL ? "element" : "text/error", r->str);
    CHECK((size_t)d->nattrs == r->nattrs, "<%s>: %d attributes described, %zu in the DOM", d->tag,
          d->nattrs, r->nattrs);
    for (int i = 0; i < d->nattrs; i++) {
        size_t j = 0;
        while (j < r->nattrs && strcmp(r->attrs[j].name, d->an[i]) != 0) j++;
        CHECK(j < r->nattrs && strcmp(r->attrs[j].value, d->av[i]) == 0,
              "<%s>: attribute %s=\"%s\" described, DOM has %s", d->tag, d->an[i], d->av[i],
              j < r->nattrs ? r->attrs[j].value : "(none)");
    }
    check_handlers_of(w, d, r);
    size_t p = 0;
    content_list(w, &d->kids, r, &p);
    CHECK(p == r->nkids, "<%s>: %zu children described, %zu in the DOM", d->tag, p, r->nkids);
}

static void content_list(walkctx *w, const dlist *l, rnode *parent, size_t *pos) {
    for (size_t i = 0; i < l->n; i++) content_node(w, l->v[i], parent, pos);
}

static int cmp_id(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

static void uid_commit_visit(dnode *d, void *arg) {
    (void)arg;
    d->uid = d->cur_uid;
}

/* A second layout rendering the same description and state from scratch
 * must give the same DOM, handler ids included. */
static void shadow_check(diff_harness *h) {
    walk_node(h->root, init_var_visit, NULL);
    g_shadow = true;
    rc_layout *l2 = new_diff_layout();
    const rc_patch *p = rc_layout_flush(l2);
    CHECK(p->nops == 1 && p->ops[0].kind == RC_OP_INSERT, "first flush of a fresh layout: %zu ops",
          p->nops);
    CHECK(log_problems() == 0, "fresh layout logged:\n%s", test_log.all);
    rnode *fresh = ref_from_layout(l2);
    rc_layout_commit(l2);
    free_layout(l2);
    g_shadow = false;
    check_same_dom(h->ref, fresh, true, "history independence (fresh layout, same state)");
    rn_free(fresh);
}

/* All checks after a flush whose patch was applied to h->ref. old_root is the
 * description rendered before (NULL for the mount). */
static void check_after_flush(diff_harness *h, dnode *old_root) {
    CHECK(log_problems() == 0, "the layout logged a problem:\n%s", test_log.all);
    /* 1. applied == rebuilt from the virtual DOM */
    rnode *want = ref_from_layout(h->l);
    check_same_dom(h->ref, want, true, "patched DOM vs new virtual DOM");
    rn_free(want);
    /* 2. content matches the description; identities; handlers */
    g_dump_got = h->ref;
    walkctx w = {h, NULL, 0, 0};
    size_t pos = 0;
    g_visit++;
    content_node(&w, h->root, h->ref, &pos);
    CHECK(pos == h->ref->nkids, "mount root: %zu nodes described, %zu in the DOM", pos,
          h->ref->nkids);
    if (w.nids) qsort(w.ids, w.nids, sizeof *w.ids, cmp_id);
    for (size_t i = 1; i < w.nids; i++)
        CHECK(strcmp(w.ids[i - 1], w.ids[i]) != 0, "handler id %s used by two handlers", w.ids[i]);
    /* ids gone since the last flush are unknown now */
    for (size_t i = 0; i < h->nids; i++) {
        if (w.nids && bsearch(h->ids[i], w.ids, w.nids, sizeof *w.ids, cmp_id)) continue;
        g_fired_count = 0;
        int rc = rc_layout_dispatch(h->l, h->ids[i], NULL, 0);
        CHECK(rc == -1 && g_fired_count == 0, "stale handler id %s still dispatches", h->ids[i]);
    }
    free(h->ids);
    h->ids = w.ids;
    h->nids = w.nids;
    /* 3. the operations match the model */
    if (old_root && h->check_ops) {
        expect e;
        memset(&e, 0, sizeof e);
        an_pair(old_root, h->root, &e);
        const opstats *s = &h->st;
        CHECK(s->kind[RC_OP_SET_TEXT] == e.set_text, "SET_TEXT: %zu ops, expected %zu",
              s->kind[RC_OP_SET_TEXT], e.set_text);
        CHECK(s->kind[RC_OP_SET_ATTR] == e.set_attr, "SET_ATTR: %zu ops, expected %zu",
              s->kind[RC_OP_SET_ATTR], e.set_attr);
        CHECK(s->kind[RC_OP_REMOVE_ATTR] == e.remove_attr, "REMOVE_ATTR: %zu ops, expected %zu",
              s->kind[RC_OP_REMOVE_ATTR], e.remove_attr);
        CHECK(s->kind[RC_OP_REMOVE_HANDLER] == e.remove_handler,
              "REMOVE_HANDLER: %zu ops, expected %zu", s->kind[RC_OP_REMOVE_HANDLER],
              e.remove_handler);
        CHECK(s->kind[RC_OP_SET_HANDLER] >= e.set_handler_lo &&
                  s->kind[RC_OP_SET_HANDLER] <= e.set_handler_hi,
              "SET_HANDLER: %zu ops, expected %zu..%zu", s->kind[RC_OP_SET_HANDLER],
              e.set_handler_lo, e.set_handler_hi);
        CHECK(s->kind[RC_OP_REPLACE] == e.replace, "REPLACE: %zu ops, expected %zu",
              s->kind[RC_OP_REPLACE], e.replace);
        CHECK(s->kind[RC_OP_REMOVE] == e.remove, "REMOVE: %zu ops, expected %zu (one per run)",
              s->kind[RC_OP_REMOVE], e.remove);
        CHECK(s->insert_nonempty == e.insert_nonempty,
              "INSERT: %zu non-empty ops, expected %zu (one per run)", s->insert_nonempty,
              e.insert_nonempty);
        CHECK(s->kind[RC_OP_MOVE] >= e.move_lo && s->kind[RC_OP_MOVE] <= e.move_hi,
              "MOVE: %zu ops, expected %zu..%zu (survivors - LIS)", s->kind[RC_OP_MOVE], e.move_lo,
              e.move_hi);
        CHECK(s->move_noop == 0, "%zu MOVEs leave the nodes where they are", s->move_noop);
    }
    walk_node(h->root, uid_commit_visit, NULL);
}

void h_mount_ex(diff_harness *h, dnode *root, bool no_shadow) {
    memset(h, 0, sizeof *h);
    h->check_ops = true;
    h->no_shadow = no_shadow;
    memset(&test_log, 0, sizeof test_log);
    g_root = root;
    h->root = root;
    h->l = new_diff_layout();
    const rc_patch *p = rc_layout_flush(h->l);
    g_dump_patch = p;
    CHECK(p->nops == 1, "first flush: %zu ops, expected one INSERT", p->nops);
    const rc_op *op = &p->ops[0];
    CHECK(op->kind == RC_OP_INSERT && op->path_len == 0 && op->index == 0,
          "first flush: %s at path_len %u index %u", op_name(op->kind), op->path_len, op->index);
    CHECK(op->nnodes == rc_layout_count_roots(h->l), "first INSERT: %u nodes, %zu roots",
          op->nnodes, rc_layout_count_roots(h->l));
    h->ref = rn_new(R_EL, "#root", 5);
    g_watermark = g_uid;
    apply_patch(h->ref, p, &h->st);
    record_ops(h, p);
    check_after_flush(h, NULL);
    an_fresh(root);
    rc_layout_commit(h->l);
    g_dump_patch = NULL;
    g_dump_got = g_dump_want = NULL;
    if (!h->no_shadow) shadow_check(h);
}

void h_mount(diff_harness *h, dnode *root) { h_mount_ex(h, root, false); }

void h_step(diff_harness *h, dnode *new_root, const vset *sets, size_t nsets) {
    walk_node(h->root, snap_visit, NULL);
    dnode *old_root = h->root;
    for (size_t i = 0; i < nsets; i++) {
        CHECK(sets[i].d->state != NULL, "set on a never-rendered component");
        rc_state_set_int(sets[i].d->state, sets[i].v);
    }
    if (new_root) {
        g_root = new_root;
        h->root = new_root;
        rc_state_set_int(old_root->gen, ++h->gen);
    }
    const rc_patch *p = rc_layout_flush(h->l);
    g_dump_patch = p;
    g_watermark = g_uid;
    apply_patch(h->ref, p, &h->st);
    record_ops(h, p);
    if (!new_root && nsets == 0) CHECK(p->nops == 0, "nothing changed, %zu ops", p->nops);
    check_after_flush(h, old_root);
    rc_layout_commit(h->l);
    g_dump_patch = NULL;
    g_dump_got = g_dump_want = NULL;
    CHECK(!rc_layout_is_dirty(h->l), "layout still dirty after a flush");
    if (!h->no_shadow) shadow_check(h);
}

void h_free(diff_harness *h) {
    free_layout(h->l);
    rn_free(h->ref);
    free(h->ops);
    free(h->ids);
    memset(h, 0, sizeof *h);
    g_root = NULL;
}

size_t count_ops(const diff_harness *h, rc_op_kind k) {
    size_t c = 0;
    for (size_t i = 0; i < h->nops; i++) c += h->ops[i].kind == k;
    return c;
}
