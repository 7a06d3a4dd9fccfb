/*
 * Property and focused tests for reconciliation (src/core/reconcile.c).
 * Their infrastructure is in helper modules: the reference DOM and applier
 * (ref_dom.h), the description trees (desc_tree.h) and their random
 * generator (tree_gen.h), the model of the operations (op_model.h), the
 * harness running every check (diff_harness.h) and CHECK (diff_check.h).
 *
 * The tests keep a *reference DOM* (a plain tree of elements and texts, the
 * way a browser holds it) and a *reference applier* that applies an rc_patch
 * to it with strict bounds checks. After every flush:
 *
 *   1. the reference DOM with the patch applied must equal, exactly (tags,
 *      attribute sets, handler event -> id and flags, text, order), the
 *      reference DOM built fresh from the layout's virtual DOM;
 *   2. that DOM must be the expansion of the test-owned description tree the
 *      components rendered (right content, right component variant);
 *   3. the operations must be the ones the documented algorithm promises:
 *      matched nodes (by key, unkeyed by position, same tag/type) are updated
 *      in place and never removed and re-inserted (checked by node identity
 *      in the reference DOM), inserted nodes are new, MOVEs number
 *      survivors - LIS (computed here; survivors rendering no DOM node move
 *      for free, so with those the count lies between the two LIS bounds),
 *      no MOVE is a no-op, runs are coalesced into one INSERT/REMOVE, and
 *      attribute/text/handler ops are exactly the changed ones;
 *   4. every handler id dispatches to the element that declared it, ids are
 *      unique, stale ids are unknown, and a fresh layout rendering the same
 *      description and state gives the same DOM and the same ids (handler ids
 *      do not depend on history).
 *
 * Components are driven by description nodes ("dnode"s) owned by the test:
 * the root component reads a global pointer to its description, child
 * components get a pointer to theirs in their props. Every component has a
 * state slot "v" choosing one of its description's variants (lists of
 * output roots, possibly empty or several) and a slot "gen" used to force a
 * re-render of the root. Hooks are called identically on every render.
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

#include "reactc_layout.h"

#include "desc_tree.h"
#include "diff_check.h"
#include "diff_harness.h"
#include "harness.h"
#include "op_model.h"
#include "ref_dom.h"
#include "tree_gen.h"

/* ======================================================================== */
/* Property test                                                            */
/* ======================================================================== */

static dnode *gen_root(genp *g) {
    dnode *r = dn_new(D_COMP);
    r->nvar = 1 + (int)rndn(2);
    for (int v = 0; v < r->nvar; v++) r->var[v] = gen_list(g, 0, g->maxlen, false);
    pin_node(r);
    return r;
}

static dnode *mutate_root(genp *g, const dnode *old) {
    if (chance(4)) return gen_root(g);
    dnode *r = dn_new(D_COMP);
    r->nvar = old->nvar;
    for (int v = 0; v < r->nvar; v++) r->var[v] = mutate_list(g, &old->var[v], 0, false);
    pin_node(r);
    return r;
}

static void run_random(uint64_t seed, const genp *params, int steps) {
    rng_seed(seed);
    g_share_pct = 15;
    genp g = *params;
    diff_harness h;
    snprintf(g_where, sizeof g_where, "seed %llu, mount", (unsigned long long)seed);
    h_mount_ex(&h, gen_root(&g), seed % 4 != 0);
    for (int step = 0; step < steps; step++) {
        g.budget = params->budget;
        unsigned mode = (unsigned)rndn(3);   /* 0 new root, 1 component states, 2 both */
        snprintf(g_where, sizeof g_where, "seed %llu, step %d, mode %u", (unsigned long long)seed,
                 step, mode);
        vset *sets = NULL;
        size_t nsets = 0;
        if (mode != 0) {
            dvec comps = {0};
            walk_node(h.root, collect_comp_visit, &comps);
            sets = xcalloc(comps.n, sizeof *sets);
            for (size_t i = 0; i < comps.n; i++) {
                dnode *d = comps.v[i];
                if (!chance(35) || d->nvar < 2) continue;
                sets[nsets].d = d;
                sets[nsets].v = (d->cur_var + 1 + (int)rndn((size_t)d->nvar - 1)) % d->nvar;
                nsets++;
            }
            free(comps.v);
        }
        dnode *nr = mode != 1 ? mutate_root(&g, h.root) : NULL;
        /* the fresh-layout comparison is the costliest check: after the
         * last step of every run, after every step of one run in four */
        h.no_shadow = step + 1 < steps && seed % 4 != 0;
        h_step(&h, nr, sets, nsets);
        free(sets);
    }
    h_free(&h);
    pool_free();
    g_where[0] = '\0';
}

static void test_random_small(void **state) {
    (void)state;
    genp p = {.budget = 40, .maxdepth = 4, .maxlen = 5, .maxroots = 3};
    for (uint64_t seed = 1; seed <= 2000; seed++) run_random(seed, &p, 3);
}

static void test_random_wide(void **state) {
    (void)state;
    /* long sibling lists: permutations, runs, LIS */
    genp p = {.budget = 120, .maxdepth = 2, .maxlen = 14, .maxroots = 4};
    for (uint64_t seed = 10001; seed <= 10200; seed++) run_random(seed, &p, 4);
}

static void test_random_deep(void **state) {
    (void)state;
    /* components nested in components, few siblings */
    genp p = {.budget = 60, .maxdepth = 8, .maxlen = 3, .maxroots = 3};
    for (uint64_t seed = 20001; seed <= 20500; seed++) run_random(seed, &p, 5);
}

/* ======================================================================== */
/* Focused tests                                                            */
/* ======================================================================== */

static char g_keybuf[2048][8];

static dnode *keyed_li(size_t i) {
    snprintf(g_keybuf[i], sizeof g_keybuf[i], "r%zu", i);
    return E("li", g_keybuf[i], 1, T(g_keybuf[i]));
}

/* ul with keyed rows order[0..n) */
static dnode *keyed_list_root(const size_t *order, size_t n) {
    dnode *ul = E("ul", NULL, 0);
    for (size_t i = 0; i < n; i++) dl_push(&ul->kids, keyed_li(order[i]));
    return R(L(1, ul));
}

static void test_keyed_reverse_1000(void **state) {
    (void)state;
    enum { N = 1000 };
    size_t order[N], rev[N];
    for (size_t i = 0; i < N; i++) {
        order[i] = i;
        rev[i] = N - 1 - i;
    }
    diff_harness h;
    h_mount(&h, keyed_list_root(order, N));
    h_step(&h, keyed_list_root(rev, N), NULL, 0);
    /* new positions of the old rows, in old order: N-1, ..., 0 */
    size_t seq[N];
    for (size_t i = 0; i < N; i++) seq[i] = N - 1 - i;
    size_t want = N - lis_len(seq, N);
    assert_int_equal(want, N - 1);
    assert_int_equal(count_ops(&h, RC_OP_MOVE), want);
    assert_int_equal(h.nops, want);
    for (size_t i = 0; i < h.nops; i++) {
        assert_int_equal(h.ops[i].path_len, 1);
        assert_int_equal(h.ops[i].path[0], 0);
        assert_int_equal(h.ops[i].count, 1);
    }
    h_free(&h);
    pool_free();
}

static void test_keyed_permutations_only_move(void **state) {
    (void)state;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        rng_seed(seed);
        size_t n = 1 + rndn(40);
        size_t order[64], perm[64];
        for (size_t i = 0; i < n; i++) order[i] = perm[i] = i;
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = rndn(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        diff_harness h;
        h_mount(&h, keyed_list_root(order, n));
        h_step(&h, keyed_list_root(perm, n), NULL, 0);
        /* new position of each old row, in old order */
        size_t seq[64];
        for (size_t k = 0; k < n; k++) seq[perm[k]] = k;
        size_t want = n - lis_len(seq, n);
        assert_int_equal(count_ops(&h, RC_OP_MOVE), want);
        assert_int_equal(h.nops, want);
        h_free(&h);
        pool_free();
    }
}

/* Every permutation of every list of up to 4 keyed siblings (and of a fixed
 * sample of the lists of 5), each an element, a component rendering nothing
 * or a component rendering two roots: components are transparent, so moved
 * lists hold zero-width and wide nodes. Only MOVEs, as many as the non-empty
 * rows off a longest increasing subsequence (empty ones move for free). */
static dnode *mixed_item(int type, size_t i) {
    char key[8];
    snprintf(key, sizeof key, "m%zu", i);
    if (type == 0) return E("li", key, 1, T(key));
    if (type == 1) return C(0, key, 1, L(0));
    return C(0, key, 1, L(2, T(key), E("b", NULL, 0)));
}

static bool next_perm(size_t *a, size_t n) {
    if (n < 2) return false;
    size_t i = n - 1;
    while (i > 0 && a[i - 1] >= a[i]) i--;
    if (i == 0) return false;
    size_t j = n - 1;
    while (a[j] <= a[i - 1]) j--;
    size_t t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (size_t x = i, y = n - 1; x < y; x++, y--) {
        t = a[x];
        a[x] = a[y];
        a[y] = t;
    }
    return true;
}

static void test_permutations_with_component_widths(void **state) {
    (void)state;
    for (size_t n = 1; n <= 5; n++) {
        size_t patterns = 1;
        for (size_t i = 0; i < n; i++) patterns *= 3;
        for (size_t pat = 0; pat < patterns; pat++) {
            if (n == 5 && pat % 17 != 0) continue;  /* n = 5: a fixed sample of patterns */
            int types[5];
            for (size_t i = 0, p = pat; i < n; i++, p /= 3) types[i] = (int)(p % 3);
            size_t perm[5];
            for (size_t i = 0; i < n; i++) perm[i] = i;
            do {
                snprintf(g_where, sizeof g_where, "n=%zu pattern=%zu perm=%zu%zu%zu%zu%zu", n, pat,
                         perm[0], n > 1 ? perm[1] : 9, n > 2 ? perm[2] : 9, n > 3 ? perm[3] : 9,
                         n > 4 ? perm[4] : 9);
                dnode *a = E("ul", NULL, 0), *b = E("ul", NULL, 0);
                for (size_t i = 0; i < n; i++) dl_push(&a->kids, mixed_item(types[i], i));
                for (size_t i = 0; i < n; i++)
                    dl_push(&b->kids, mixed_item(types[perm[i]], perm[i]));
                diff_harness h;
                h_mount_ex(&h, R(L(2, T("before"), a)), true);
                h_step(&h, R(L(2, T("before"), b)), NULL, 0);
                /* only moves, as many as the non-empty rows off a LIS */
                size_t seq[5], nz = 0;
                for (size_t k = 0; k < n; k++)
                    if (types[perm[k]] != 1) seq[nz++] = perm[k];
                size_t moves = count_ops(&h, RC_OP_MOVE), want = nz - lis_len(seq, nz);
                CHECK(moves == want && h.nops == moves, "%zu ops, %zu MOVEs, expected %zu MOVEs",
                      h.nops, moves, want);
                h_free(&h);
                pool_free();
            } while (next_perm(perm, n));
        }
    }
    g_where[0] = '\0';
}

static void test_keyed_insert_one_op(void **state) {
    (void)state;
    enum { N = 10 };
    /* insert 1 or 3 new rows at the front, the middle and the end */
    for (size_t at = 0; at <= N; at += N / 2) {
        for (size_t run = 1; run <= 3; run += 2) {
            size_t before[N], after[N + 3];
            for (size_t i = 0; i < N; i++) before[i] = i;
            size_t m = 0;
            for (size_t i = 0; i <= N; i++) {
                if (i == at)
                    for (size_t r = 0; r < run; r++) after[m++] = 100 + r;
                if (i < N) after[m++] = i;
            }
            diff_harness h;
            h_mount(&h, keyed_list_root(before, N));
            h_step(&h, keyed_list_root(after, m), NULL, 0);
            assert_int_equal(h.nops, 1);
            assert_int_equal(h.ops[0].kind, RC_OP_INSERT);
            assert_int_equal(h.ops[0].path_len, 1);
            assert_int_equal(h.ops[0].index, at);
            assert_int_equal(h.ops[0].nnodes, run);
            h_free(&h);
            pool_free();
        }
    }
}

static void test_keyed_remove_run_one_op(void **state) {
    (void)state;
    enum { N = 12 };
    for (size_t from = 0; from < N; from += 3) {
        for (size_t len = 1; from + len <= N; len += 4) {
            size_t before[N], after[N];
            size_t m = 0;
            for (size_t i = 0; i < N; i++) {
                before[i] = i;
                if (i < from || i >= from + len) after[m++] = i;
            }
            diff_harness h;
            h_mount(&h, keyed_list_root(before, N));
            h_step(&h, keyed_list_root(after, m), NULL, 0);
            assert_int_equal(h.nops, 1);
            assert_int_equal(h.ops[0].kind, RC_OP_REMOVE);
            assert_int_equal(h.ops[0].index, from);
            assert_int_equal(h.ops[0].count, len);
            h_free(&h);
            pool_free();
        }
    }
}

/* The DOM path of description node target under root (computed by
 * expanding the description). */
static bool desc_path(const dlist *l, const dnode *target, uint32_t *path, uint32_t depth,
                      uint32_t *pos, uint32_t *out_len) {
    for (size_t i = 0; i < l->n; i++) {
        const dnode *d = l->v[i];
        if (d->kind == D_COMP) {
            if (desc_path(&d->var[d->cur_var], target, path, depth, pos, out_len)) return true;
            continue;
        }
        path[depth] = (*pos)++;
        if (d == target) {
            *out_len = depth + 1;
            return true;
        }
        uint32_t p = 0;
        if (d->kind == D_EL && desc_path(&d->kids, target, path, depth + 1, &p, out_len))
            return true;
    }
    return false;
}

static void test_one_text_change(void **state) {
    (void)state;
    /* a component with two roots before the changed text, another with
     * none: paths count DOM nodes, not description nodes */
    dnode *old_root = R(L(2, T("head"),
                          E("div", NULL, 3,
                            C(0, NULL, 1, L(2, E("span", NULL, 0), E("span", NULL, 0))),
                            C(1, "k", 1, L(0)),
                            E("p", NULL, 2, T("a"), T("b")))));
    diff_harness h;
    h_mount(&h, old_root);
    dnode *target = T("B!");
    dnode *new_root = R(L(2, T("head"),
                          E("div", NULL, 3,
                            C(0, NULL, 1, L(2, E("span", NULL, 0), E("span", NULL, 0))),
                            C(1, "k", 1, L(0)),
                            E("p", NULL, 2, T("a"), target))));
    h_step(&h, new_root, NULL, 0);
    uint32_t path[16], len = 0, pos = 0;
    assert_true(desc_path(&new_root->var[0], target, path, 0, &pos, &len));
    assert_int_equal(h.nops, 1);
    assert_int_equal(h.ops[0].kind, RC_OP_SET_TEXT);
    assert_string_equal(h.ops[0].value, "B!");
    assert_int_equal(h.ops[0].path_len, len);
    for (uint32_t i = 0; i < len; i++) assert_int_equal(h.ops[0].path[i], path[i]);
    h_free(&h);
    pool_free();
}

static void test_tag_change_replaces(void **state) {
    (void)state;
    /* unkeyed and keyed, with a component of two roots in front */
    for (int keyed = 0; keyed < 2; keyed++) {
        const char *k = keyed ? "x" : NULL;
        dnode *a = R(L(1, E("div", NULL, 3, C(0, NULL, 1, L(2, T("1"), T("2"))),
                            E("span", k, 1, T("in")), E("i", NULL, 0))));
        dnode *b_el = E("b", k, 1, T("in"));
        dnode *b = R(L(1, E("div", NULL, 3, C(0, NULL, 1, L(2, T("1"), T("2"))), b_el,
                            E("i", NULL, 0))));
        diff_harness h;
        h_mount(&h, a);
        h_step(&h, b, NULL, 0);
        assert_int_equal(h.nops, 1);
        assert_int_equal(h.ops[0].kind, RC_OP_REPLACE);
        assert_int_equal(h.ops[0].path_len, 1);
        assert_int_equal(h.ops[0].path[0], 0);
        assert_int_equal(h.ops[0].index, 2);
        assert_int_equal(h.ops[0].count, 1);
        assert_int_equal(h.ops[0].nnodes, 1);
        h_free(&h);
        pool_free();
    }
}

/* A component going 1 -> 3 -> 0 -> 1 roots in a list with siblings, by its
 * own state and together with changes of its siblings. */
static void test_component_root_count_changes(void **state) {
    (void)state;
    for (int with_parent = 0; with_parent < 2; with_parent++) {
        dnode *comp = C(0, "c", 3, L(1, E("b", NULL, 1, T("one"))),
                        L(3, T("x"), E("i", NULL, 0), C(1, NULL, 2, L(1, T("n")), L(0))),
                        L(0));
        dnode *li_c = E("li", "c3", 1, T("c"));
        dnode *root = R(L(1, E("ul", NULL, 4, E("li", "a", 1, T("a")), comp,
                               E("li", "b", 1, T("b")), li_c)));
        diff_harness h;
        h_mount(&h, root);
        assert_int_equal(h.ref->kids[0]->nkids, 4);
        static const int seq[] = {1, 2, 0, 2, 1};
        for (size_t s = 0; s < sizeof seq / sizeof *seq; s++) {
            vset set = {comp, seq[s]};
            if (!with_parent) {
                h_step(&h, NULL, &set, 1);
            } else {
                /* same component (same key, type), siblings reordered and
                 * changed around it while its own state changes */
                dnode *c2 = C(0, "c", 3, dl_clone(&comp->var[0]), dl_clone(&comp->var[1]),
                              dl_clone(&comp->var[2]));
                dnode *lic = E("li", "c3", 1, T(s % 2 ? "C" : "c"));
                add_attr(lic, "class", s % 2 ? "odd" : "even");
                dnode *r2 = s % 2 ? R(L(1, E("ul", NULL, 4, lic, E("li", "a", 1, T("a")), c2,
                                           E("li", "b", 1, T("b")))))
                                  : R(L(1, E("ul", NULL, 4, E("li", "a", 1, T("a")), c2,
                                           E("li", "b", 1, T("b")), lic)));
                h_step(&h, r2, &set, 1);
                comp = c2;
            }
            assert_int_equal(comp->cur_var, seq[s]);
            /* three siblings and the component's roots, expanded */
            assert_int_equal(h.ref->kids[0]->nkids, 3 + dom_count(comp, false));
        }
        h_free(&h);
        pool_free();
    }
}

/* Components nested at the top of other components' output, changing root
 * counts at several levels at once, with siblings at every level. */
static void test_nested_top_level_components(void **state) {
    (void)state;
    /* inner, mid and hr appear in both variants of their parent, keyed: the
     * same instances (and DOM nodes) move around */
    dnode *inner = C(2, "in", 3, L(2, T("i1"), T("i2")), L(0), L(1, E("em", NULL, 0)));
    dnode *mid = C(1, "m", 2, L(3, T("m"), inner, T("m2")), L(2, inner, T("only")));
    dnode *hr = E("hr", "h", 0);
    dnode *outer = C(0, NULL, 2, L(2, mid, hr), L(3, hr, mid, T("o")));
    dnode *root = R(L(3, T("start"), outer, E("footer", NULL, 1, T("f"))));
    diff_harness h;
    h_mount(&h, root);
    static const struct { int o, m, i; } steps[] = {
        {0, 0, 1}, {1, 0, 1}, {1, 1, 0}, {0, 1, 2}, {1, 0, 1}, {0, 0, 0}, {1, 1, 2},
    };
    for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
        vset sets[3];
        size_t n = 0;
        /* only sets on mounted instances that change something */
        if (inner->cur_var != steps[s].i) sets[n++] = (vset){inner, steps[s].i};
        if (mid->cur_var != steps[s].m) sets[n++] = (vset){mid, steps[s].m};
        if (outer->cur_var != steps[s].o) sets[n++] = (vset){outer, steps[s].o};
        h_step(&h, NULL, sets, n);
    }
    h_free(&h);
    pool_free();
}

/* An unkeyed child component keeps its props but changes its ordinal among
 * its owner's unkeyed components of its type ("CompA#1" -> "CompA#0"): its
 * address changed, so it must render again and its handlers get the ids a
 * fresh layout would give (the harness compares with one). */
static void test_path_change_with_equal_props(void **state) {
    (void)state;
    dnode *btn = E("button", NULL, 0);
    add_handler(btn, 0);
    dnode *y = C(0, NULL, 1, L(1, btn));       /* shared by both trees: equal props */
    dnode *a = R(L(2, E("div", NULL, 1, C(0, NULL, 1, L(1, T("x")))), y));
    dnode *b = R(L(2, E("div", NULL, 0), y));
    diff_harness h;
    h_mount(&h, a);
    unsigned renders = y->renders;
    h_step(&h, b, NULL, 0);
    assert_int_equal(y->renders, renders + 1);
    assert_int_equal(count_ops(&h, RC_OP_REMOVE), 1);
    assert_int_equal(count_ops(&h, RC_OP_SET_HANDLER), 1);
    assert_int_equal(h.nops, 2);
    /* and with equal props and an unchanged address: no render, no op */
    dnode *c = R(L(2, E("div", NULL, 0), y));
    renders = y->renders;
    h_step(&h, c, NULL, 0);
    assert_int_equal(y->renders, renders);
    assert_int_equal(h.nops, 0);
    h_free(&h);
    pool_free();
}

static void collect_ids(const rnode *r, char (**ids)[16], size_t *n) {
    for (size_t i = 0; i < r->nhs; i++) {
        *ids = xrealloc(*ids, (*n + 1) * sizeof **ids);
        memcpy((*ids)[(*n)++], r->hs[i].id, 16);
    }
    for (size_t i = 0; i < r->nkids; i++) collect_ids(r->kids[i], ids, n);
}

static void test_handler_ids(void **state) {
    (void)state;
    /* one component, several elements with the same event, keyed and not */
    dnode *b1 = E("button", NULL, 0), *b2 = E("button", NULL, 0), *b3 = E("button", "k", 0);
    dnode *top = E("div", NULL, 3, b1, E("p", NULL, 1, b2), b3);
    dnode *top2 = E("div", NULL, 0);
    add_handler(top, 0);
    add_handler(top2, 0);
    add_handler(b1, 0);
    add_handler(b1, 1);
    add_handler(b2, 0);
    add_handler(b3, 0);
    dnode *anchor = E("a", NULL, 0);
    add_handler(anchor, 0);
    dnode *comp = C(0, NULL, 1, L(2, top, top2));
    dnode *root = R(L(2, comp, C(0, NULL, 1, L(1, anchor))));
    const dnode *with_handlers[] = {top, top2, b1, b2, b3, anchor};
    size_t nhandlers = 0;
    for (size_t i = 0; i < sizeof with_handlers / sizeof *with_handlers; i++)
        nhandlers += (size_t)with_handlers[i]->nh;

    diff_harness h1, h2;
    h_mount(&h1, root);
    char (*ids)[16] = NULL;
    size_t n = 0;
    collect_ids(h1.ref, &ids, &n);
    assert_int_equal(n, nhandlers);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) assert_string_not_equal(ids[i], ids[j]);
    /* the same tree in another layout: identical ids */
    h_mount(&h2, root);
    check_same_dom(h1.ref, h2.ref, true, "same tree, two layouts");
    free(ids);
    h_free(&h1);
    h_free(&h2);
    pool_free();
}

/* Two keyed child components with the same key and type, under different
 * elements of the same parent component (keys need only be unique among
 * siblings): their elements are different elements, so their handler ids
 * must differ and each must dispatch to its own handler. (Regression: both
 * instances used to get the address /Root/CompA[k], hence the same ids.) */
static void test_same_key_components_under_different_parents(void **state) {
    (void)state;
    dnode *btn1 = E("button", NULL, 0), *btn2 = E("button", NULL, 0);
    add_handler(btn1, 0);
    add_handler(btn2, 0);
    dnode *root = R(L(2, E("div", NULL, 1, C(0, "k", 1, L(1, btn1))),
                      E("div", NULL, 1, C(0, "k", 1, L(1, btn2)))));
    g_root = root;
    rc_layout *l = new_diff_layout();
    (void)rc_layout_flush(l);
    rnode *dom = ref_from_layout(l);
    const char *id1 = dom->kids[0]->kids[0]->hs[0].id;
    const char *id2 = dom->kids[1]->kids[0]->hs[0].id;
    bool distinct = strcmp(id1, id2) != 0;
    g_fired_user = NULL;
    int rc = rc_layout_dispatch(l, id1, NULL, 0);
    bool first_ok = rc == 0 && g_fired_user == btn1;
    rn_free(dom);
    rc_layout_commit(l);
    free_layout(l);
    pool_free();
    g_root = NULL;
    assert_true(distinct);
    assert_true(first_ok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keyed_reverse_1000, reset, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_permutations_only_move, reset, teardown),
        cmocka_unit_test_setup_teardown(test_permutations_with_component_widths, reset, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_insert_one_op, reset, teardown),
        cmocka_unit_test_setup_teardown(test_keyed_remove_run_one_op, reset, teardown),
        cmocka_unit_test_setup_teardown(test_one_text_change, reset, teardown),
        cmocka_unit_test_setup_teardown(test_tag_change_replaces, reset, teardown),
        cmocka_unit_test_setup_teardown(test_component_root_count_changes, reset, teardown),
        cmocka_unit_test_setup_teardown(test_nested_top_level_components, reset, teardown),
        cmocka_unit_test_setup_teardown(test_handler_ids, reset, teardown),
        cmocka_unit_test_setup_teardown(test_path_change_with_equal_props, reset, teardown),
        cmocka_unit_test_setup_teardown(test_same_key_components_under_different_parents, reset,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_random_small, reset, teardown),
        cmocka_unit_test_setup_teardown(test_random_wide, reset, teardown),
        cmocka_unit_test_setup_teardown(test_random_deep, reset, teardown),
    };
    /* TD_FILTER=pattern runs only the matching tests */
    if (getenv("TD_FILTER")) cmocka_set_test_filter(getenv("TD_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
