/*
 * The reference DOM and the reference applier: the independent oracle of
 * the reconciliation tests (test_diff_*.c).
 *
 * The tests keep a *reference DOM* (a plain tree of elements and texts, the
 * way a browser holds it) and a *reference applier* that applies an rc_patch
 * to it with strict bounds checks. After every flush the reference DOM with
 * the patch applied must equal, exactly (tags, attribute sets, handler
 * event -> id and flags, text, order), the reference DOM built fresh from the
 * layout's virtual DOM. Both are written here from the documented meaning of
 * the ops and nodes (reactc_layout.h), without the library's reconciler.
 */
#ifndef RC_TEST_REF_DOM_H
#define RC_TEST_REF_DOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"

typedef struct rnode rnode;

typedef enum rkind { R_EL, R_TEXT, R_ERR } rkind;

typedef struct rattr {
    char *name;
    char *value;
    size_t len;
} rattr;

typedef struct rhand {
    char *event;
    char id[16];
    bool pd, sp;
} rhand;

struct rnode {
    rkind kind;
    char *str; /* tag, or text */
    size_t len;
    rattr *attrs;
    size_t nattrs;
    rhand *hs;
    size_t nhs;
    rnode **kids;
    size_t nkids, capkids;
    uint64_t uid; /* identity: new for every node created */
};

/* Identity of the last node created: every node gets the next one. */
extern uint64_t g_uid;

rnode *rn_new(rkind kind, const char *s, size_t len);
void rn_free(rnode *r);

/* The mount root with the layout's current output under it. */
rnode *ref_from_layout(const rc_layout *l);

/* Fails the test (dumping both trees) unless got == want. */
void check_same_dom(const rnode *got, const rnode *want, bool ids, const char *what);

/* Diagnostics. */
const char *op_name(rc_op_kind k);
void dump_patch(const rc_patch *p);
void dump_tree(const rnode *r, int depth, int *budget);

typedef struct opstats {
    size_t kind[9];         /* ops by kind */
    size_t insert_nonempty; /* INSERTs that add at least one DOM node */
    size_t insert_empty;    /* INSERTs whose nodes expand to nothing */
    size_t move_noop;       /* MOVEs to where the nodes already are */
} opstats;

/* Applies every op of p to root (checking each), counting them into st. */
void apply_patch(rnode *root, const rc_patch *p, opstats *st);

#endif
