/*
 * The model of the operations (op_model.h). Linked into the test programs;
 * not a test program itself (no test_ prefix).
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
#include "op_model.h"

/* ---- the model of the operations ----------------------------------------- */

uint64_t g_watermark;

/* Longest strictly increasing subsequence length (values distinct). */
size_t lis_len(const size_t *seq, size_t n) {
    size_t *tails = xcalloc(n + 1, sizeof *tails);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = len;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (tails[mid] < seq[i]) lo = mid + 1;
            else hi = mid;
        }
        tails[lo] = seq[i];
        if (lo == len) len++;
    }
    free(tails);
    return len;
}

static bool d_same_key(const dnode *a, const dnode *b) {
    if (!a->keyed || !b->keyed) return a->keyed == b->keyed;
    return strcmp(a->key, b->key) == 0;
}

static bool d_same_type(const dnode *a, const dnode *b) {
    if (a->kind != b->kind) return false;
    if (a->kind == D_EL) return strcmp(a->tag, b->tag) == 0;
    if (a->kind == D_COMP) return a->ctype == b->ctype;
    return true;
}

/* Everything under a newly inserted node is new in the DOM. */
void an_fresh(const dnode *n) {
    if (n->kind == D_COMP) {
        for (size_t i = 0; i < n->var[n->cur_var].n; i++) an_fresh(n->var[n->cur_var].v[i]);
        return;
    }
    CHECK(n->cur_uid > g_watermark, "inserted %s \"%s\" is an old DOM node (#%llu)",
          n->kind == D_EL ? "element" : "text", n->kind == D_EL ? n->tag : n->text,
          (unsigned long long)n->cur_uid);
    if (n->kind == D_EL)
        for (size_t i = 0; i < n->kids.n; i++) an_fresh(n->kids.v[i]);
}

static void an_list(const dlist *O, const dlist *N, expect *e);

void an_pair(const dnode *o, const dnode *n, expect *e) {
    if (n->kind != D_COMP)
        CHECK(n->cur_uid == o->uid,
              "matched %s%s%s \"%s\" was not updated in place (DOM node #%llu, was #%llu)",
              n->keyed ? "keyed (" : "", n->keyed ? n->key : "", n->keyed ? ")" : "",
              n->kind == D_EL ? n->tag : n->text, (unsigned long long)n->cur_uid,
              (unsigned long long)o->uid);
    switch (n->kind) {
    case D_TEXT:
        if (strcmp(o->text, n->text) != 0) e->set_text++;
        break;
    case D_EL:
        for (int i = 0; i < n->nattrs; i++) {
            int j = 0;
            while (j < o->nattrs && strcmp(o->an[j], n->an[i]) != 0) j++;
            if (j == o->nattrs || strcmp(o->av[j], n->av[i]) != 0) e->set_attr++;
        }
        for (int j = 0; j < o->nattrs; j++) {
            int i = 0;
            while (i < n->nattrs && strcmp(o->an[j], n->an[i]) != 0) i++;
            if (i == n->nattrs) e->remove_attr++;
        }
        for (int i = 0; i < n->nh; i++) {
            int j = 0;
            while (j < o->nh && o->hev[j] != n->hev[i]) j++;
            /* an unchanged handler may still need its new id */
            if (j == o->nh || o->hpd[j] != n->hpd[i] || o->hsp[j] != n->hsp[i]) e->set_handler_lo++;
            e->set_handler_hi++;
        }
        for (int j = 0; j < o->nh; j++) {
            int i = 0;
            while (i < n->nh && o->hev[j] != n->hev[i]) i++;
            if (i == n->nh) e->remove_handler++;
        }
        an_list(&o->kids, &n->kids, e);
        break;
    case D_COMP: an_list(&o->var[o->prev_var], &n->var[n->cur_var], e); break;
    }
}

static void an_list(const dlist *O, const dlist *N, expect *e) {
    size_t no = O->n, nn = N->n;
    bool pairwise = no == nn;
    for (size_t i = 0; i < nn && pairwise; i++) pairwise = d_same_key(O->v[i], N->v[i]);
    if (pairwise) {
        for (size_t i = 0; i < nn; i++) {
            if (d_same_type(O->v[i], N->v[i])) {
                an_pair(O->v[i], N->v[i], e);
            } else {
                e->replace++;
                an_fresh(N->v[i]);
            }
        }
        return;
    }
    size_t *new_of_old = xcalloc(no + 1, sizeof *new_of_old);
    size_t *old_of_new = xcalloc(nn + 1, sizeof *old_of_new);
    for (size_t j = 0; j < no; j++) new_of_old[j] = SIZE_MAX;
    for (size_t k = 0; k < nn; k++) {
        old_of_new[k] = SIZE_MAX;
        size_t j = SIZE_MAX;
        const dnode *n = N->v[k];
        if (n->keyed) {
            for (size_t i = 0; i < no && j == SIZE_MAX; i++)
                if (O->v[i]->keyed && strcmp(O->v[i]->key, n->key) == 0) j = i;
        } else if (k < no && !O->v[k]->keyed) {
            j = k;
        }
        if (j != SIZE_MAX && new_of_old[j] == SIZE_MAX && d_same_type(O->v[j], n)) {
            new_of_old[j] = k;
            old_of_new[k] = j;
        }
    }
    /* survivors, in old order, as new positions */
    size_t *seq = xcalloc(no + 1, sizeof *seq), *seq_nz = xcalloc(no + 1, sizeof *seq_nz);
    size_t ns = 0, nnz = 0;
    for (size_t j = 0; j < no; j++) {
        size_t k = new_of_old[j];
        if (k == SIZE_MAX) continue;
        an_pair(O->v[j], N->v[k], e);
        seq[ns++] = k;
        if (dom_count(N->v[k], false)) seq_nz[nnz++] = k;
    }
    e->move_hi += ns - lis_len(seq, ns);
    e->move_lo += nnz - lis_len(seq_nz, nnz);
    /* runs of removed nodes (old order), runs of inserted ones (new order) */
    for (size_t j = 0; j < no;) {
        if (new_of_old[j] != SIZE_MAX) {
            j++;
            continue;
        }
        size_t c = 0;
        while (j < no && new_of_old[j] == SIZE_MAX) c += dom_count(O->v[j++], true);
        if (c) e->remove++;
    }
    for (size_t k = 0; k < nn;) {
        if (old_of_new[k] != SIZE_MAX) {
            k++;
            continue;
        }
        size_t c = 0;
        while (k < nn && old_of_new[k] == SIZE_MAX) {
            an_fresh(N->v[k]);
            c += dom_count(N->v[k++], false);
        }
        if (c) e->insert_nonempty++;
    }
    free(seq);
    free(seq_nz);
    free(new_of_old);
    free(old_of_new);
}
