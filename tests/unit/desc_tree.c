/*
 * Description trees and the components that render them (desc_tree.h).
 * Linked into the test programs; not a test program itself (no test_
 * prefix).
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

/* ======================================================================== */
/* Description trees (what the components render)                         */
/* ======================================================================== */

const char *const EVENTS[4] = {"onClick", "onInput", "onKeyDown", "onCustomEvt"};

/* All description nodes of a test, freed together. */
static dnode **g_pool;
static size_t g_npool, g_cappool;

dnode *dn_new(int kind) {
    dnode *d = xcalloc(1, sizeof *d);
    d->kind = kind;
    d->nvar = 1;
    if (g_npool == g_cappool) {
        g_cappool = g_cappool ? g_cappool * 2 : 64;
        g_pool = xrealloc(g_pool, g_cappool * sizeof *g_pool);
    }
    g_pool[g_npool++] = d;
    return d;
}

void pool_free(void) {
    for (size_t i = 0; i < g_npool; i++) {
        free(g_pool[i]->kids.v);
        for (int v = 0; v < MAXV; v++) free(g_pool[i]->var[v].v);
        free(g_pool[i]);
    }
    free(g_pool);
    g_pool = NULL;
    g_npool = g_cappool = 0;
}

void dl_push(dlist *l, dnode *d) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = d;
}

int event_index(const char *ev) {
    for (int i = 0; i < NEVENTS; i++)
        if (strcmp(EVENTS[i], ev) == 0) return i;
    return -1;
}

/* ---- rendering a description --------------------------------------------- */

dnode *g_root; /* the root component's description */

typedef struct comp_props {
    dnode *d;
} comp_props;

bool g_shadow; /* rendering a second layout: record nothing */

static void comp_render(rc_ctx *ctx, const void *props);

const rc_component ROOT_COMP = {"Root", comp_render, NULL, 0};
const rc_component COMP_TYPES[3] = {
    {"CompA", comp_render, NULL, 0},
    {"CompB", comp_render, NULL, 0},
    {"CompC", comp_render, NULL, 0},
};

/* Handlers record which one fired with which user data. */
int g_fired_count, g_fired_ev;
void *g_fired_user;
static void fired(int ev, void *user) {
    g_fired_count++;
    g_fired_ev = ev;
    g_fired_user = user;
}
static void on_ev0(rc_event *e, void *u) {
    (void)e;
    fired(0, u);
}
static void on_ev1(rc_event *e, void *u) {
    (void)e;
    fired(1, u);
}
static void on_ev2(rc_event *e, void *u) {
    (void)e;
    fired(2, u);
}
static void on_ev3(rc_event *e, void *u) {
    (void)e;
    fired(3, u);
}
static const rc_handler_fn EVENT_FNS[] = {on_ev0, on_ev1, on_ev2, on_ev3};

/* Whether d's key is given as an integer (RC_KEY_INT, rc_child_int): a
 * numeric key ("-4", "25"), on about half of the nodes, chosen from what
 * the node holds so that a seed replays the same choices. */
static bool int_form(const dnode *d) {
    const char *k = d->key;
    if (*k == '-') k++;
    if (!*k || (k[0] == '0' && k[1])) return false; /* "07" is not 7's digits */
    for (; *k; k++)
        if (*k < '0' || *k > '9') return false;
    return ((size_t)d->nattrs + (size_t)d->nh + (size_t)d->ctype + d->kids.n) & 1;
}

static void render_node(rc_ctx *ctx, dnode *d) {
    switch (d->kind) {
    case D_EL: {
        rc_el_opts o;
        memset(&o, 0, sizeof o);
        o.key = d->keyed ? d->key : NULL;
        if (o.key && int_form(d)) {
            o.key = NULL;
            o.has_key_int = true;
            o.key_int = strtoll(d->key, NULL, 10);
        }
        rc_open(ctx, d->tag, &o);
        for (int i = 0; i < d->nattrs; i++) rc_attr(ctx, d->an[i], d->av[i]);
        for (int i = 0; i < d->nh; i++) {
            rc_on on;
            memset(&on, 0, sizeof on);
            on.event = EVENTS[d->hev[i]];
            on.fn = EVENT_FNS[d->hev[i]];
            on.user = d;
            on.prevent_default = d->hpd[i];
            on.stop_propagation = d->hsp[i];
            rc_on_event(ctx, on);
        }
        for (size_t i = 0; i < d->kids.n; i++) render_node(ctx, d->kids.v[i]);
        rc_close(ctx);
        break;
    }
    case D_TEXT: rc_text(ctx, d->text); break;
    case D_COMP: {
        comp_props p = {d};
        if (d->keyed && int_form(d))
            rc_child_int(ctx, &COMP_TYPES[d->ctype], strtoll(d->key, NULL, 10), &p, sizeof p);
        else rc_child(ctx, &COMP_TYPES[d->ctype], d->keyed ? d->key : NULL, &p, sizeof p);
        break;
    }
    }
}

static void comp_render(rc_ctx *ctx, const void *props) {
    dnode *d = props ? ((const comp_props *)props)->d : g_root;
    rc_state *gen = rc_use_int(ctx, "gen", 0);
    rc_state *v = rc_use_int(ctx, "v", d->init_var);
    int var = (int)(rc_state_get_int(v) % d->nvar);
    if (!g_shadow) {
        d->gen = gen;
        d->state = v;
        d->cur_var = var;
        d->renders++;
    }
    for (size_t i = 0; i < d->var[var].n; i++) render_node(ctx, d->var[var].v[i]);
}

/* ---- hand-built descriptions (focused tests) ------------------------------ */

dnode *T(const char *text) {
    dnode *d = dn_new(D_TEXT);
    snprintf(d->text, sizeof d->text, "%s", text);
    return d;
}

static void set_key(dnode *d, const char *key) {
    d->keyed = key != NULL;
    if (key) snprintf(d->key, sizeof d->key, "%s", key);
}

/* E(tag, key, n, child...) */
dnode *E(const char *tag, const char *key, size_t n, ...) {
    dnode *d = dn_new(D_EL);
    d->tag = tag;
    set_key(d, key);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) dl_push(&d->kids, va_arg(ap, dnode *));
    va_end(ap);
    return d;
}

dlist L(size_t n, ...) {
    dlist l = {0};
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) dl_push(&l, va_arg(ap, dnode *));
    va_end(ap);
    return l;
}

/* C(type, key, nvar, variant lists...) */
dnode *C(int ctype, const char *key, int nvar, ...) {
    dnode *d = dn_new(D_COMP);
    d->ctype = ctype;
    set_key(d, key);
    d->nvar = nvar;
    va_list ap;
    va_start(ap, nvar);
    for (int i = 0; i < nvar; i++) d->var[i] = va_arg(ap, dlist);
    va_end(ap);
    return d;
}

/* A new list array holding the same nodes. */
dlist dl_clone(const dlist *src) {
    dlist l = {0};
    for (size_t i = 0; i < src->n; i++) dl_push(&l, src->v[i]);
    return l;
}

dnode *R(dlist top) {
    dnode *d = dn_new(D_COMP);
    d->var[0] = top;
    return d;
}

void add_attr(dnode *d, const char *name, const char *value) {
    d->an[d->nattrs] = name;
    snprintf(d->av[d->nattrs], sizeof d->av[0], "%s", value);
    d->nattrs++;
}

void add_handler(dnode *d, int ev) {
    d->hev[d->nh] = ev;
    d->hpd[d->nh] = d->hsp[d->nh] = false;
    d->nh++;
}

/* ---- walking the mounted description ------------------------------------- */

static void walk_list(const dlist *l, dvisit fn, void *arg);
void walk_node(dnode *d, dvisit fn, void *arg) {
    fn(d, arg);
    if (d->kind == D_EL) walk_list(&d->kids, fn, arg);
    if (d->kind == D_COMP) walk_list(&d->var[d->cur_var], fn, arg);
}
static void walk_list(const dlist *l, dvisit fn, void *arg) {
    for (size_t i = 0; i < l->n; i++) walk_node(l->v[i], fn, arg);
}

void snap_visit(dnode *d, void *arg) {
    (void)arg;
    d->prev_var = d->cur_var;
}

void init_var_visit(dnode *d, void *arg) {
    (void)arg;
    if (d->kind == D_COMP) d->init_var = d->cur_var;
}

void collect_comp_visit(dnode *d, void *arg) {
    dvec *out = arg;
    if (d->kind != D_COMP) return;
    out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
    out->v[out->n++] = d;
}

/* Diagnostics: the mounted description, components shown. */
static void dump_desc_list(const dlist *l, int depth);
void dump_desc(const dnode *d, int depth) {
    switch (d->kind) {
    case D_TEXT: fprintf(stderr, "%*s\"%s\"\n", depth * 2, "", d->text); break;
    case D_EL:
        fprintf(stderr, "%*s<%s%s%s%s> uid #%llu\n", depth * 2, "", d->tag, d->keyed ? " key=" : "",
                d->keyed ? d->key : "", d->nh ? " (handlers)" : "", (unsigned long long)d->uid);
        dump_desc_list(&d->kids, depth + 1);
        break;
    case D_COMP:
        fprintf(stderr, "%*s[%s%s%s variant %d of %d]\n", depth * 2, "",
                d == g_root ? "Root" : COMP_TYPES[d->ctype].name, d->keyed ? " key=" : "",
                d->keyed ? d->key : "", d->cur_var, d->nvar);
        dump_desc_list(&d->var[d->cur_var], depth + 1);
        break;
    }
}
static void dump_desc_list(const dlist *l, int depth) {
    for (size_t i = 0; i < l->n; i++) dump_desc(l->v[i], depth);
}

/* DOM nodes a description stands for, before (prev_var) or now (cur_var). */
size_t dom_count(const dnode *d, bool old) {
    if (d->kind != D_COMP) return 1;
    const dlist *l = &d->var[old ? d->prev_var : d->cur_var];
    size_t c = 0;
    for (size_t i = 0; i < l->n; i++) c += dom_count(l->v[i], old);
    return c;
}
