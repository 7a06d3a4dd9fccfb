/*
 * Description trees: what the components of the reconciliation tests
 * (test_diff_*.c) render, owned by the test.
 *
 * Components are driven by description nodes ("dnode"s) owned by the test:
 * the root component reads a global pointer to its description, child
 * components get a pointer to theirs in their props. Every component has a
 * state slot "v" choosing one of its description's variants (lists of
 * output roots, possibly empty or several) and a slot "gen" used to force a
 * re-render of the root. Hooks are called identically on every render.
 */
#ifndef RC_TEST_DESC_TREE_H
#define RC_TEST_DESC_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"

typedef struct dnode dnode;

enum { D_EL, D_TEXT, D_COMP };
#define MAXA 4
#define MAXH 3
#define MAXV 3

typedef struct dlist {
    dnode **v;
    size_t n, cap;
} dlist;

struct dnode {
    int kind;
    const char *tag; /* D_EL */
    char key[16];
    bool keyed;
    char text[24]; /* D_TEXT */
    int nattrs;
    const char *an[MAXA];
    char av[MAXA][8];
    int nh;
    int hev[MAXH]; /* index into EVENTS */
    bool hpd[MAXH], hsp[MAXH];
    dlist kids; /* D_EL children */
    int ctype;  /* D_COMP: index into COMP_TYPES */
    int nvar;   /* D_COMP: output variants */
    dlist var[MAXV];
    int init_var;   /* initial value of the "v" slot */
    bool pinned;    /* part of a finished tree: may be shared, never edited */
    unsigned visit; /* content walk stamp: each node at most once in a tree */
    /* written by renders of the layout under test */
    rc_state *state, *gen;
    int cur_var;
    unsigned renders;
    /* snapshots taken before a flush */
    int prev_var;
    /* reference DOM node identities: at the last check, and now */
    uint64_t uid, cur_uid;
};

extern const char *const EVENTS[4];
#define NEVENTS ((int)(sizeof EVENTS / sizeof *EVENTS))

/* All description nodes of a test, freed together by pool_free(). */
dnode *dn_new(int kind);
void pool_free(void);
void dl_push(dlist *l, dnode *d);
int event_index(const char *ev);

/* ---- rendering a description --------------------------------------------- */

extern dnode *g_root; /* the root component's description */
extern bool g_shadow; /* rendering a second layout: record nothing */

extern const rc_component ROOT_COMP;
extern const rc_component COMP_TYPES[3];

/* The handlers of EVENTS record which one fired with which user data (the
 * dnode of the element that declared it). */
extern int g_fired_count, g_fired_ev;
extern void *g_fired_user;

/* ---- hand-built descriptions (focused tests) ------------------------------ */

dnode *T(const char *text);
/* E(tag, key, n, child...) */
dnode *E(const char *tag, const char *key, size_t n, ...);
dlist L(size_t n, ...);
/* C(type, key, nvar, variant lists...) */
dnode *C(int ctype, const char *key, int nvar, ...);
/* A new list array holding the same nodes. */
dlist dl_clone(const dlist *src);
/* The root component, one variant. */
dnode *R(dlist top);
void add_attr(dnode *d, const char *name, const char *value);
void add_handler(dnode *d, int ev);

/* ---- walking the mounted description ------------------------------------- */

typedef void (*dvisit)(dnode *d, void *arg);

/* Visits d and what it renders now (cur_var of components). */
void walk_node(dnode *d, dvisit fn, void *arg);
void snap_visit(dnode *d, void *arg);     /* prev_var = cur_var */
void init_var_visit(dnode *d, void *arg); /* init_var = cur_var */

typedef struct dvec {
    dnode **v;
    size_t n;
} dvec;

/* Appends every component to the dvec given as arg. */
void collect_comp_visit(dnode *d, void *arg);

/* Diagnostics: the mounted description, components shown. */
void dump_desc(const dnode *d, int depth);

/* DOM nodes a description stands for, before (prev_var) or now (cur_var). */
size_t dom_count(const dnode *d, bool old);

#endif
