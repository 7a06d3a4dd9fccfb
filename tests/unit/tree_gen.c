/*
 * Random description trees and their mutations (tree_gen.h). Linked into
 * the test programs; not a test program itself (no test_ prefix).
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
#include "tree_gen.h"

#include "../common/rng.h" /* xorshift64*, shared with tests/e2e/apps/html_trees.c */

/* ======================================================================== */
/* Random numbers (xorshift64*, fixed seeds)                                */
/* ======================================================================== */

static uint64_t g_rng = 1; /* tests/common/rng.h's state */

size_t rndn(size_t n) { return test_rng_below(&g_rng, n); }
bool chance(unsigned pct) { return rndn(100) < pct; }
void rng_seed(uint64_t seed) { test_rng_seed(&g_rng, seed); }

/* ======================================================================== */
/* Random descriptions                                                      */
/* ======================================================================== */

/* What random nodes are made of. */
static const char *const TAGS[] = {"div", "span", "p", "li", "ul"};
static const char *const ANAMES[MAXA] = {"id", "class", "title", "data-x"};
static const char *const AVALS[] = {"", "a", "b", "cc"};
static const char *const TEXTS[] = {"", "a", "b", "hello", "x y", "0"};
/* Numeric keys are rendered as integer keys on some nodes (desc_tree.c):
 * the two forms must be one key, duplicates across them included. */
static const char *const KEYS[] = {"k0",  "k1",   "k2", "k3",   "k4", "k5", "k6", "k7",
                                   "k/8", "[k9]", "10", "k#11", "3",  "-4", "25", "7"};
#define NKEYS (sizeof KEYS / sizeof *KEYS)

/* Nodes of finished lists may be shared (the same node, so equal props for
 * components) by later trees or variants; they are never edited again. */
unsigned g_share_pct;

static void pin_list(const dlist *l);
void pin_node(dnode *d) {
    if (d->pinned) return;
    d->pinned = true;
    pin_list(&d->kids);
    for (int v = 0; v < d->nvar; v++) pin_list(&d->var[v]);
}
static void pin_list(const dlist *l) {
    for (size_t i = 0; i < l->n; i++) pin_node(l->v[i]);
}

static void gen_attrs(dnode *d) {
    d->nattrs = 0;
    for (int i = 0; i < MAXA; i++) {
        if (!chance(35)) continue;
        d->an[d->nattrs] = ANAMES[i];
        snprintf(d->av[d->nattrs], sizeof d->av[0], "%s", AVALS[rndn(4)]);
        d->nattrs++;
    }
    /* attribute order varies too */
    for (int i = d->nattrs - 1; i > 0; i--) {
        int j = (int)rndn((size_t)i + 1);
        const char *tn = d->an[i];
        char tv[8];
        memcpy(tv, d->av[i], sizeof tv);
        d->an[i] = d->an[j];
        memcpy(d->av[i], d->av[j], sizeof tv);
        d->an[j] = tn;
        memcpy(d->av[j], tv, sizeof tv);
    }
}

static void gen_handlers(dnode *d) {
    d->nh = 0;
    for (int i = 0; i < NEVENTS && d->nh < MAXH; i++) {
        if (!chance(20)) continue;
        d->hev[d->nh] = i;
        d->hpd[d->nh] = chance(20);
        d->hsp[d->nh] = chance(20);
        d->nh++;
    }
}

static dnode *gen_node(genp *g, int depth) {
    g->budget--;
    unsigned r = (unsigned)rndn(100);
    bool leaf = depth >= g->maxdepth || g->budget <= 0;
    if (r < 25 || (leaf && r < 60)) {
        dnode *d = dn_new(D_TEXT);
        snprintf(d->text, sizeof d->text, "%s", TEXTS[rndn(sizeof TEXTS / sizeof *TEXTS)]);
        return d;
    }
    if (r < 70 || leaf) {
        dnode *d = dn_new(D_EL);
        d->tag = TAGS[rndn(sizeof TAGS / sizeof *TAGS)];
        gen_attrs(d);
        gen_handlers(d);
        if (!leaf) d->kids = gen_list(g, depth + 1, g->maxlen, false);
        return d;
    }
    dnode *d = dn_new(D_COMP);
    d->ctype = chance(75) ? 0 : (int)rndn(3);
    d->nvar = 1 + (int)rndn(MAXV);
    for (int v = 0; v < d->nvar; v++) {
        if (v > 0 && chance(50)) {
            /* a variant derived from the first: keyed overlap, shared nodes */
            pin_list(&d->var[0]);
            d->var[v] = mutate_list(g, &d->var[0], depth + 1, true);
        } else {
            d->var[v] = gen_list(g, depth + 1, g->maxroots, true);
        }
    }
    d->init_var = (int)rndn((size_t)d->nvar);
    return d;
}

/* Keys: no duplicates among siblings (elements and components share the
 * sibling key space). */
static size_t key_index(const char *key) {
    size_t k = 0;
    while (k < NKEYS && strcmp(KEYS[k], key) != 0) k++;
    return k;
}

static void fix_keys(dlist *l) {
    bool used[NKEYS];
    memset(used, 0, sizeof used);
    /* shared nodes keep their keys (unique: they come from one list) */
    for (size_t i = 0; i < l->n; i++) {
        const dnode *d = l->v[i];
        if (!d->pinned || !d->keyed) continue;
        size_t k = key_index(d->key);
        CHECK(k < NKEYS && !used[k], "generator: shared nodes with key %s", d->key);
        used[k] = true;
    }
    for (size_t i = 0; i < l->n; i++) {
        dnode *d = l->v[i];
        if (d->pinned) continue;
        if (d->kind == D_TEXT) d->keyed = false;
        if (!d->keyed) continue;
        size_t k = key_index(d->key);
        if (k < NKEYS && !used[k]) {
            used[k] = true;
            continue;
        }
        /* taken: another free key, or none */
        size_t start = rndn(NKEYS), j;
        for (j = 0; j < NKEYS && used[(start + j) % NKEYS]; j++) {}
        if (j == NKEYS) {
            d->keyed = false;
        } else {
            k = (start + j) % NKEYS;
            used[k] = true;
            snprintf(d->key, sizeof d->key, "%s", KEYS[k]);
        }
    }
}

static void assign_keys(dlist *l, unsigned pct) {
    for (size_t i = 0; i < l->n; i++) {
        dnode *d = l->v[i];
        d->keyed = d->kind != D_TEXT && chance(pct);
        if (d->keyed) snprintf(d->key, sizeof d->key, "%s", KEYS[rndn(NKEYS)]);
    }
    fix_keys(l);
}

dlist gen_list(genp *g, int depth, size_t maxlen, bool comp_output) {
    dlist l = {0};
    size_t n;
    if (comp_output) {
        /* 0, 1 or several roots */
        unsigned r = (unsigned)rndn(100);
        n = r < 25 ? 0 : r < 60 ? 1 : 2 + rndn(maxlen > 1 ? maxlen - 1 : 1);
    } else {
        n = rndn(maxlen + 1);
    }
    for (size_t i = 0; i < n && g->budget > 0; i++) dl_push(&l, gen_node(g, depth));
    static const unsigned pcts[] = {0, 50, 100, 100};
    assign_keys(&l, pcts[rndn(4)]);
    return l;
}

/* ---- mutations ------------------------------------------------------------ */

static dnode *mutate_node(genp *g, dnode *s, int depth) {
    if (s->pinned && chance(g_share_pct)) return s; /* the very same node */
    if (chance(3)) return gen_node(g, depth);       /* something else entirely */
    dnode *d = dn_new(s->kind);
    d->tag = s->tag;
    memcpy(d->key, s->key, sizeof d->key);
    d->keyed = s->keyed;
    memcpy(d->text, s->text, sizeof d->text);
    d->nattrs = s->nattrs;
    memcpy(d->an, s->an, sizeof d->an);
    memcpy(d->av, s->av, sizeof d->av);
    d->nh = s->nh;
    memcpy(d->hev, s->hev, sizeof d->hev);
    memcpy(d->hpd, s->hpd, sizeof d->hpd);
    memcpy(d->hsp, s->hsp, sizeof d->hsp);
    d->ctype = s->ctype;
    d->nvar = s->nvar;
    d->init_var = s->init_var;
    if (d->kind != D_TEXT && chance(4)) {
        d->keyed = !d->keyed || chance(50);
        snprintf(d->key, sizeof d->key, "%s", KEYS[rndn(NKEYS)]);
    }
    switch (d->kind) {
    case D_EL:
        if (chance(5)) d->tag = TAGS[rndn(sizeof TAGS / sizeof *TAGS)];
        if (chance(12)) {
            gen_attrs(d);
        } else {
            for (int i = 0; i < d->nattrs; i++)
                if (chance(10)) snprintf(d->av[i], sizeof d->av[0], "%s", AVALS[rndn(4)]);
            if (d->nattrs && chance(8)) { /* remove one */
                int i = (int)rndn((size_t)d->nattrs);
                d->an[i] = d->an[d->nattrs - 1];
                memcpy(d->av[i], d->av[d->nattrs - 1], sizeof d->av[0]);
                d->nattrs--;
            }
            if (d->nattrs < MAXA && chance(8)) { /* add a missing one */
                const char *name = ANAMES[rndn(MAXA)];
                bool have = false;
                for (int i = 0; i < d->nattrs; i++) have |= strcmp(d->an[i], name) == 0;
                if (!have) add_attr(d, name, AVALS[rndn(4)]);
            }
        }
        if (chance(10)) {
            gen_handlers(d);
        } else {
            for (int i = 0; i < d->nh; i++) {
                if (chance(8)) d->hpd[i] = !d->hpd[i];
                if (chance(5)) d->hsp[i] = !d->hsp[i];
            }
        }
        d->kids = mutate_list(g, &s->kids, depth + 1, false);
        break;
    case D_TEXT:
        if (chance(15))
            snprintf(d->text, sizeof d->text, "%s", TEXTS[rndn(sizeof TEXTS / sizeof *TEXTS)]);
        break;
    case D_COMP:
        if (chance(5)) d->ctype = (int)rndn(3);
        for (int v = 0; v < d->nvar; v++) d->var[v] = mutate_list(g, &s->var[v], depth + 1, true);
        break;
    }
    return d;
}

dlist mutate_list(genp *g, const dlist *src, int depth, bool comp_output) {
    dlist l = {0};
    /* a contiguous run removed, sometimes */
    size_t cut_from = src->n, cut_to = src->n;
    if (src->n && chance(10)) {
        cut_from = rndn(src->n);
        cut_to = cut_from + 1 + rndn(src->n - cut_from);
    }
    for (size_t i = 0; i < src->n; i++) {
        if ((i >= cut_from && i < cut_to) || chance(6)) continue;
        dl_push(&l, mutate_node(g, src->v[i], depth));
    }
    /* reorder */
    unsigned r = (unsigned)rndn(100);
    if (l.n > 1) {
        if (r < 10) {
            for (size_t i = l.n - 1; i > 0; i--) {
                size_t j = rndn(i + 1);
                dnode *t = l.v[i];
                l.v[i] = l.v[j];
                l.v[j] = t;
            }
        } else if (r < 15) {
            for (size_t i = 0; i < l.n / 2; i++) {
                dnode *t = l.v[i];
                l.v[i] = l.v[l.n - 1 - i];
                l.v[l.n - 1 - i] = t;
            }
        } else if (r < 35) {
            size_t moves = 1 + rndn(2);
            for (size_t m = 0; m < moves; m++) {
                size_t from = rndn(l.n), to = rndn(l.n);
                dnode *t = l.v[from];
                if (from < to) memmove(&l.v[from], &l.v[from + 1], (to - from) * sizeof *l.v);
                else memmove(&l.v[to + 1], &l.v[to], (from - to) * sizeof *l.v);
                l.v[to] = t;
            }
        }
    }
    /* insert runs of new nodes */
    if (chance(15) && g->budget > 0) {
        size_t at = rndn(l.n + 1), n = 1 + rndn(comp_output ? 2 : 3);
        for (size_t i = 0; i < n && g->budget > 0; i++) {
            dnode *d = gen_node(g, depth);
            d->keyed = d->kind != D_TEXT && chance(60);
            if (d->keyed) snprintf(d->key, sizeof d->key, "%s", KEYS[rndn(NKEYS)]);
            dl_push(&l, d); /* grow, then shift into place */
            memmove(&l.v[at + 1], &l.v[at], (l.n - 1 - at) * sizeof *l.v);
            l.v[at] = d;
            at++;
        }
    }
    fix_keys(&l);
    return l;
}

dnode *gen_root(genp *g) {
    dnode *r = dn_new(D_COMP);
    r->nvar = 1 + (int)rndn(2);
    for (int v = 0; v < r->nvar; v++) r->var[v] = gen_list(g, 0, g->maxlen, false);
    pin_node(r);
    return r;
}

dnode *mutate_root_vars(genp *g, const dnode *old) {
    dnode *r = dn_new(D_COMP);
    r->nvar = old->nvar;
    for (int v = 0; v < r->nvar; v++) r->var[v] = mutate_list(g, &old->var[v], 0, false);
    pin_node(r);
    return r;
}
