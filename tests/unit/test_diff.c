/*
 * Property and focused tests for reconciliation (src/core/reconcile.c).
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

/* ======================================================================== */
/* Failure reporting                                                        */
/* ======================================================================== */

typedef struct rnode rnode;

static char g_where[256];                 /* which seed / step is running */
static const rc_patch *g_dump_patch;      /* dumped when a check fails */
static const rnode *g_dump_got, *g_dump_want;

typedef struct dnode dnode;
static dnode *g_root;       /* the root component's description */
static void dump_desc(const dnode *d, int depth);
static void dump_patch(const rc_patch *p);
static void dump_tree(const rnode *r, int depth, int *budget);

static void check_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    RC_PRINTF(4, 5);

static void check_fail(const char *file, int line, const char *cond, const char *fmt, ...) {
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, cond);
    if (g_where[0]) fprintf(stderr, "  while: %s\n", g_where);
    fprintf(stderr, "  ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (g_dump_patch) dump_patch(g_dump_patch);
    if (g_dump_got) {
        int budget = 300;
        fprintf(stderr, "  reference DOM after applying the patch:\n");
        dump_tree(g_dump_got, 2, &budget);
    }
    if (g_root && getenv("TD_DUMP_DESC")) {
        fprintf(stderr, "  description:\n");
        dump_desc(g_root, 2);
    }
    if (g_dump_want) {
        int budget = 300;
        fprintf(stderr, "  reference DOM built from the new virtual DOM:\n");
        dump_tree(g_dump_want, 2, &budget);
    }
    _fail(file, line);
}

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) check_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);      \
    } while (0)

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) abort();
    return p;
}

static void *xrealloc(void *p, size_t size) {
    p = realloc(p, size ? size : 1);
    if (!p) abort();
    return p;
}

static char *xmemdup0(const char *s, size_t len) {
    char *p = xcalloc(len + 1, 1);
    if (len) memcpy(p, s, len);
    return p;
}

/* ======================================================================== */
/* Random numbers (xorshift64*, fixed seeds)                                */
/* ======================================================================== */

static uint64_t g_rng = 1;

static uint64_t rnd(void) {
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 2685821657736338717ull;
}

static size_t rndn(size_t n) { return n ? (size_t)(rnd() % n) : 0; }
static bool chance(unsigned pct) { return rndn(100) < pct; }

static void rng_seed(uint64_t seed) {
    g_rng = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
    if (!g_rng) g_rng = 1;
    for (int i = 0; i < 8; i++) (void)rnd();
}

/* ======================================================================== */
/* Reference DOM                                                            */
/* ======================================================================== */

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
    char *str;                 /* tag, or text */
    size_t len;
    rattr *attrs;
    size_t nattrs;
    rhand *hs;
    size_t nhs;
    rnode **kids;
    size_t nkids, capkids;
    uint64_t uid;              /* identity: new for every node created */
};

static uint64_t g_uid;

static rnode *rn_new(rkind kind, const char *s, size_t len) {
    rnode *r = xcalloc(1, sizeof *r);
    r->kind = kind;
    r->str = xmemdup0(s, len);
    r->len = len;
    r->uid = ++g_uid;
    return r;
}

static void rn_free(rnode *r) {
    if (!r) return;
    for (size_t i = 0; i < r->nkids; i++) rn_free(r->kids[i]);
    for (size_t i = 0; i < r->nattrs; i++) {
        free(r->attrs[i].name);
        free(r->attrs[i].value);
    }
    for (size_t i = 0; i < r->nhs; i++) free(r->hs[i].event);
    free(r->attrs);
    free(r->hs);
    free(r->kids);
    free(r->str);
    free(r);
}

static void rn_insert(rnode *p, size_t at, rnode *const *items, size_t n) {
    if (n == 0) return;
    if (p->nkids + n > p->capkids) {
        size_t cap = p->capkids ? p->capkids : 4;
        while (cap < p->nkids + n) cap *= 2;
        p->kids = xrealloc(p->kids, cap * sizeof *p->kids);
        p->capkids = cap;
    }
    memmove(&p->kids[at + n], &p->kids[at], (p->nkids - at) * sizeof *p->kids);
    if (n) memcpy(&p->kids[at], items, n * sizeof *items);
    p->nkids += n;
}

/* Detaches n children at `at` (the caller owns them afterwards). */
static void rn_detach(rnode *p, size_t at, size_t n) {
    if (n == 0) return;
    memmove(&p->kids[at], &p->kids[at + n], (p->nkids - at - n) * sizeof *p->kids);
    p->nkids -= n;
}

static void rn_set_attr(rnode *r, const char *name, const char *value, size_t len) {
    for (size_t i = 0; i < r->nattrs; i++) {
        if (strcmp(r->attrs[i].name, name) == 0) {
            free(r->attrs[i].value);
            r->attrs[i].value = xmemdup0(value, len);
            r->attrs[i].len = len;
            return;
        }
    }
    r->attrs = xrealloc(r->attrs, (r->nattrs + 1) * sizeof *r->attrs);
    r->attrs[r->nattrs].name = xmemdup0(name, strlen(name));
    r->attrs[r->nattrs].value = xmemdup0(value, len);
    r->attrs[r->nattrs].len = len;
    r->nattrs++;
}

static void rn_set_handler(rnode *r, const char *event, const char *id, bool pd, bool sp) {
    rhand *h = NULL;
    for (size_t i = 0; i < r->nhs && !h; i++)
        if (strcmp(r->hs[i].event, event) == 0) h = &r->hs[i];
    if (!h) {
        r->hs = xrealloc(r->hs, (r->nhs + 1) * sizeof *r->hs);
        h = &r->hs[r->nhs++];
        h->event = xmemdup0(event, strlen(event));
    }
    CHECK(strlen(id) < sizeof h->id, "handler id \"%s\" too long", id);
    snprintf(h->id, sizeof h->id, "%s", id);
    h->pd = pd;
    h->sp = sp;
}

typedef struct rlist {
    rnode **v;
    size_t n, cap;
} rlist;

static void rl_push(rlist *l, rnode *r) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = r;
}

/* Appends the DOM nodes a virtual node stands for (components expanded). */
static void expand_vnode(const rc_node *n, rlist *out, int depth) {
    CHECK(n != NULL, "NULL virtual node");
    CHECK(depth < 200, "virtual DOM too deep (cycle?)");
    switch (rc_node_get_kind(n)) {
    case RC_NODE_COMPONENT: {
        size_t c = rc_node_count_children(n);
        for (size_t i = 0; i < c; i++) {
            const rc_node *k = rc_node_get_child(n, i);
            CHECK(k != NULL, "component root %zu of %zu is NULL", i, c);
            expand_vnode(k, out, depth + 1);
        }
        break;
    }
    case RC_NODE_ELEMENT: {
        const char *tag = rc_node_get_tag(n);
        rnode *r = rn_new(R_EL, tag, strlen(tag));
        for (size_t i = 0; i < rc_node_count_attrs(n); i++) {
            const char *v = rc_node_get_attr_value(n, i);
            rn_set_attr(r, rc_node_get_attr_name(n, i), v, strlen(v));
        }
        for (size_t i = 0; i < rc_node_count_handlers(n); i++) {
            const rc_handler *h = rc_node_get_handler(n, i);
            rn_set_handler(r, rc_handler_get_event(h), rc_handler_get_id(h), rc_handler_get_prevent_default(h),
                           rc_handler_get_stop_propagation(h));
        }
        rlist kids = {0};
        size_t c = rc_node_count_children(n);
        for (size_t i = 0; i < c; i++) {
            const rc_node *k = rc_node_get_child(n, i);
            CHECK(k != NULL, "element child %zu of %zu is NULL", i, c);
            expand_vnode(k, &kids, depth + 1);
        }
        rn_insert(r, 0, kids.v, kids.n);
        free(kids.v);
        rl_push(out, r);
        break;
    }
    case RC_NODE_TEXT: {
        size_t len = 0;
        const char *t = rc_node_get_text(n, &len);
        rl_push(out, rn_new(R_TEXT, t, len));
        break;
    }
    case RC_NODE_ERROR: {
        size_t len = 0;
        const char *t = rc_node_get_text(n, &len);
        rl_push(out, rn_new(R_ERR, t, len));
        break;
    }
    }
}

/* The mount root with the layout's current output under it. */
static rnode *ref_from_layout(const rc_layout *l) {
    rnode *root = rn_new(R_EL, "#root", 5);
    rlist kids = {0};
    size_t c = rc_layout_count_roots(l);
    for (size_t i = 0; i < c; i++) {
        const rc_node *n = rc_layout_get_root(l, i);
        CHECK(n != NULL, "layout root %zu of %zu is NULL", i, c);
        expand_vnode(n, &kids, 0);
    }
    rn_insert(root, 0, kids.v, kids.n);
    free(kids.v);
    return root;
}

/* ---- comparing ----------------------------------------------------------- */

static bool rn_diff(const rnode *a, const rnode *b, bool ids, char *path, size_t plen,
                    size_t pcap, char *msg, size_t msgcap) {
    if (a->kind != b->kind) {
        snprintf(msg, msgcap, "at %s: node kind %d vs %d", plen ? path : "/", a->kind, b->kind);
        return false;
    }
    if (a->len != b->len || memcmp(a->str, b->str, a->len) != 0) {
        snprintf(msg, msgcap, "at %s: %s \"%s\" vs \"%s\"", plen ? path : "/",
                 a->kind == R_EL ? "tag" : "text", a->str, b->str);
        return false;
    }
    if (a->kind != R_EL) return true;
    if (a->nattrs != b->nattrs) {
        snprintf(msg, msgcap, "at %s <%s>: %zu attributes vs %zu", plen ? path : "/", a->str,
                 a->nattrs, b->nattrs);
        return false;
    }
    for (size_t i = 0; i < a->nattrs; i++) {
        const rattr *m = NULL;
        for (size_t j = 0; j < b->nattrs && !m; j++)
            if (strcmp(a->attrs[i].name, b->attrs[j].name) == 0) m = &b->attrs[j];
        if (!m || m->len != a->attrs[i].len || memcmp(m->value, a->attrs[i].value, m->len) != 0) {
            snprintf(msg, msgcap, "at %s <%s>: attribute %s=\"%s\" vs %s", plen ? path : "/",
                     a->str, a->attrs[i].name, a->attrs[i].value, m ? m->value : "(missing)");
            return false;
        }
    }
    if (a->nhs != b->nhs) {
        snprintf(msg, msgcap, "at %s <%s>: %zu handlers vs %zu", plen ? path : "/", a->str, a->nhs,
                 b->nhs);
        return false;
    }
    for (size_t i = 0; i < a->nhs; i++) {
        const rhand *m = NULL;
        for (size_t j = 0; j < b->nhs && !m; j++)
            if (strcmp(a->hs[i].event, b->hs[j].event) == 0) m = &b->hs[j];
        if (!m || m->pd != a->hs[i].pd || m->sp != a->hs[i].sp ||
            (ids && strcmp(m->id, a->hs[i].id) != 0)) {
            snprintf(msg, msgcap, "at %s <%s>: handler %s=%s(%d%d) vs %s(%d%d)", plen ? path : "/",
                     a->str, a->hs[i].event, a->hs[i].id, a->hs[i].pd, a->hs[i].sp,
                     m ? m->id : "(missing)", m ? m->pd : 0, m ? m->sp : 0);
            return false;
        }
    }
    size_t n = a->nkids < b->nkids ? a->nkids : b->nkids;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(path + plen, pcap - plen, "/%zu", i);
        size_t nl = plen + (w > 0 ? (size_t)w : 0);
        if (nl >= pcap) nl = pcap - 1;
        if (!rn_diff(a->kids[i], b->kids[i], ids, path, nl, pcap, msg, msgcap)) return false;
        path[plen] = '\0';
    }
    if (a->nkids != b->nkids) {
        snprintf(msg, msgcap, "at %s <%s>: %zu children vs %zu", plen ? path : "/", a->str,
                 a->nkids, b->nkids);
        return false;
    }
    return true;
}

/* Fails the test (dumping both trees) unless got == want. */
static void check_same_dom(const rnode *got, const rnode *want, bool ids, const char *what) {
    char path[512] = "";
    char msg[768] = "";
    if (rn_diff(got, want, ids, path, 0, sizeof path, msg, sizeof msg)) return;
    g_dump_got = got;
    g_dump_want = want;
    CHECK(false, "%s: %s", what, msg);
}

/* ---- dumping (diagnostics only) ------------------------------------------- */

static const char *op_name(rc_op_kind k) {
    static const char *names[] = {"SET_ATTR", "REMOVE_ATTR", "SET_TEXT", "SET_HANDLER",
                                  "REMOVE_HANDLER", "INSERT", "REMOVE", "MOVE", "REPLACE"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

static void dump_patch(const rc_patch *p) {
    fprintf(stderr, "  patch: %zu ops\n", p->nops);
    for (size_t i = 0; i < p->nops && i < 200; i++) {
        const rc_op *o = &p->ops[i];
        fprintf(stderr, "    %3zu %-14s [", i, op_name(o->kind));
        for (uint32_t j = 0; j < o->path_len && o->path; j++)
            fprintf(stderr, "%s%u", j ? "," : "", o->path[j]);
        fprintf(stderr, "]");
        switch (o->kind) {
        case RC_OP_SET_ATTR:
            fprintf(stderr, " %s=\"%.*s\"", o->name, (int)o->value_len, o->value);
            break;
        case RC_OP_REMOVE_ATTR:
        case RC_OP_REMOVE_HANDLER:
            fprintf(stderr, " %s", o->name);
            break;
        case RC_OP_SET_TEXT:
            fprintf(stderr, " \"%.*s\"", (int)o->value_len, o->value);
            break;
        case RC_OP_SET_HANDLER:
            fprintf(stderr, " %s=%s", o->name, o->handler ? rc_handler_get_id(o->handler) : "(null)");
            break;
        case RC_OP_INSERT:
            fprintf(stderr, " index=%u nnodes=%u", o->index, o->nnodes);
            break;
        case RC_OP_REMOVE:
            fprintf(stderr, " index=%u count=%u", o->index, o->count);
            break;
        case RC_OP_MOVE:
            fprintf(stderr, " index=%u count=%u before=%u", o->index, o->count, o->before);
            break;
        case RC_OP_REPLACE:
            fprintf(stderr, " index=%u count=%u nnodes=%u", o->index, o->count, o->nnodes);
            break;
        }
        fprintf(stderr, "\n");
    }
}

static void dump_tree(const rnode *r, int depth, int *budget) {
    if (*budget <= 0) return;
    if (--*budget == 0) {
        fprintf(stderr, "%*s...\n", depth * 2, "");
        return;
    }
    if (r->kind != R_EL) {
        fprintf(stderr, "%*s%s\"%s\" #%llu\n", depth * 2, "", r->kind == R_ERR ? "ERROR " : "",
                r->str, (unsigned long long)r->uid);
        return;
    }
    fprintf(stderr, "%*s<%s", depth * 2, "", r->str);
    for (size_t i = 0; i < r->nattrs; i++)
        fprintf(stderr, " %s=\"%s\"", r->attrs[i].name, r->attrs[i].value);
    for (size_t i = 0; i < r->nhs; i++)
        fprintf(stderr, " %s=%s%s%s", r->hs[i].event, r->hs[i].id, r->hs[i].pd ? "+pd" : "",
                r->hs[i].sp ? "+sp" : "");
    fprintf(stderr, "> #%llu\n", (unsigned long long)r->uid);
    for (size_t i = 0; i < r->nkids; i++) dump_tree(r->kids[i], depth + 1, budget);
}

/* ======================================================================== */
/* Reference applier                                                        */
/* ======================================================================== */

typedef struct opstats {
    size_t kind[9];            /* ops by kind */
    size_t insert_nonempty;    /* INSERTs that add at least one DOM node */
    size_t insert_empty;       /* INSERTs whose nodes expand to nothing */
    size_t move_noop;          /* MOVEs to where the nodes already are */
} opstats;

static rnode *resolve_path(rnode *root, const rc_op *op, size_t opi) {
    CHECK(op->path_len == 0 || op->path != NULL, "op %zu: path_len %u with a NULL path", opi,
          op->path_len);
    rnode *cur = root;
    for (uint32_t i = 0; i < op->path_len; i++) {
        CHECK(cur->kind == R_EL, "op %zu: path step %u goes through a text node", opi, i);
        CHECK(op->path[i] < cur->nkids, "op %zu (%s): path[%u] = %u out of range (%zu children)",
              opi, op_name(op->kind), i, op->path[i], cur->nkids);
        cur = cur->kids[op->path[i]];
    }
    return cur;
}

static void expand_op_nodes(const rc_op *op, size_t opi, rlist *out) {
    CHECK(op->nnodes == 0 || op->nodes != NULL, "op %zu: nnodes %u with NULL nodes", opi,
          op->nnodes);
    for (uint32_t i = 0; i < op->nnodes; i++) expand_vnode(op->nodes[i], out, 0);
}

static void apply_op(rnode *root, const rc_op *op, size_t opi, opstats *st) {
    CHECK((unsigned)op->kind <= RC_OP_REPLACE, "op %zu: unknown kind %d", opi, (int)op->kind);
    st->kind[op->kind]++;
    rnode *t = resolve_path(root, op, opi);
    switch (op->kind) {
    case RC_OP_SET_ATTR:
        CHECK(op->path_len > 0 && t->kind == R_EL, "op %zu: SET_ATTR on a non-element", opi);
        CHECK(op->name && op->value, "op %zu: SET_ATTR without name/value", opi);
        rn_set_attr(t, op->name, op->value, op->value_len);
        break;
    case RC_OP_REMOVE_ATTR: {
        CHECK(op->path_len > 0 && t->kind == R_EL, "op %zu: REMOVE_ATTR on a non-element", opi);
        CHECK(op->name != NULL, "op %zu: REMOVE_ATTR without a name", opi);
        size_t i = 0;
        while (i < t->nattrs && strcmp(t->attrs[i].name, op->name) != 0) i++;
        CHECK(i < t->nattrs, "op %zu: REMOVE_ATTR of absent attribute %s on <%s>", opi, op->name,
              t->str);
        free(t->attrs[i].name);
        free(t->attrs[i].value);
        t->attrs[i] = t->attrs[--t->nattrs];
        break;
    }
    case RC_OP_SET_TEXT:
        CHECK(op->path_len > 0 && t->kind == R_TEXT, "op %zu: SET_TEXT on a non-text node", opi);
        CHECK(op->value != NULL, "op %zu: SET_TEXT without a value", opi);
        free(t->str);
        t->str = xmemdup0(op->value, op->value_len);
        t->len = op->value_len;
        break;
    case RC_OP_SET_HANDLER:
        CHECK(op->path_len > 0 && t->kind == R_EL, "op %zu: SET_HANDLER on a non-element", opi);
        CHECK(op->name && op->handler, "op %zu: SET_HANDLER without name/handler", opi);
        CHECK(strcmp(op->name, rc_handler_get_event(op->handler)) == 0,
              "op %zu: SET_HANDLER name %s but handler event %s", opi, op->name,
              rc_handler_get_event(op->handler));
        rn_set_handler(t, op->name, rc_handler_get_id(op->handler),
                       rc_handler_get_prevent_default(op->handler),
                       rc_handler_get_stop_propagation(op->handler));
        break;
    case RC_OP_REMOVE_HANDLER: {
        CHECK(op->path_len > 0 && t->kind == R_EL, "op %zu: REMOVE_HANDLER on a non-element",
              opi);
        CHECK(op->name != NULL, "op %zu: REMOVE_HANDLER without a name", opi);
        size_t i = 0;
        while (i < t->nhs && strcmp(t->hs[i].event, op->name) != 0) i++;
        CHECK(i < t->nhs, "op %zu: REMOVE_HANDLER of absent handler %s on <%s>", opi, op->name,
              t->str);
        free(t->hs[i].event);
        t->hs[i] = t->hs[--t->nhs];
        break;
    }
    case RC_OP_INSERT: {
        CHECK(t->kind == R_EL, "op %zu: INSERT into a non-element", opi);
        CHECK(op->index <= t->nkids, "op %zu: INSERT index %u > child count %zu", opi, op->index,
              t->nkids);
        rlist l = {0};
        expand_op_nodes(op, opi, &l);
        if (l.n) st->insert_nonempty++; else st->insert_empty++;
        rn_insert(t, op->index, l.v, l.n);
        free(l.v);
        break;
    }
    case RC_OP_REMOVE: {
        CHECK(t->kind == R_EL, "op %zu: REMOVE from a non-element", opi);
        CHECK(op->count >= 1, "op %zu: REMOVE of 0 nodes", opi);
        CHECK((size_t)op->index + op->count <= t->nkids,
              "op %zu: REMOVE index %u count %u out of range (%zu children)", opi, op->index,
              op->count, t->nkids);
        for (uint32_t i = 0; i < op->count; i++) rn_free(t->kids[op->index + i]);
        rn_detach(t, op->index, op->count);
        break;
    }
    case RC_OP_MOVE: {
        CHECK(t->kind == R_EL, "op %zu: MOVE in a non-element", opi);
        CHECK(op->count >= 1, "op %zu: MOVE of 0 nodes", opi);
        CHECK((size_t)op->index + op->count <= t->nkids,
              "op %zu: MOVE index %u count %u out of range (%zu children)", opi, op->index,
              op->count, t->nkids);
        CHECK(op->before <= t->nkids, "op %zu: MOVE before %u > child count %zu", opi, op->before,
              t->nkids);
        CHECK(op->before < op->index || op->before >= op->index + op->count,
              "op %zu: MOVE before %u is one of the moved nodes [%u, %u)", opi, op->before,
              op->index, op->index + op->count);
        if (op->before == op->index + op->count) st->move_noop++;
        rnode *anchor = op->before < t->nkids ? t->kids[op->before] : NULL;
        rnode **moved = xcalloc(op->count, sizeof *moved);
        memcpy(moved, &t->kids[op->index], op->count * sizeof *moved);
        rn_detach(t, op->index, op->count);
        size_t at = t->nkids;
        if (anchor)
            for (at = 0; t->kids[at] != anchor; at++) {}
        rn_insert(t, at, moved, op->count);
        free(moved);
        break;
    }
    case RC_OP_REPLACE: {
        CHECK(t->kind == R_EL, "op %zu: REPLACE in a non-element", opi);
        CHECK((size_t)op->index + op->count <= t->nkids,
              "op %zu: REPLACE index %u count %u out of range (%zu children)", opi, op->index,
              op->count, t->nkids);
        rlist l = {0};
        expand_op_nodes(op, opi, &l);
        for (uint32_t i = 0; i < op->count; i++) rn_free(t->kids[op->index + i]);
        rn_detach(t, op->index, op->count);
        rn_insert(t, op->index, l.v, l.n);
        free(l.v);
        break;
    }
    }
}

static void apply_patch(rnode *root, const rc_patch *p, opstats *st) {
    memset(st, 0, sizeof *st);
    CHECK(p->nops == 0 || p->ops != NULL, "patch with %zu ops and no op array", p->nops);
    for (size_t i = 0; i < p->nops; i++) apply_op(root, &p->ops[i], i, st);
}

/* ======================================================================== */
/* Description trees (what the components render)                         */
/* ======================================================================== */

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
    const char *tag;            /* D_EL */
    char key[16];
    bool keyed;
    char text[24];              /* D_TEXT */
    int nattrs;
    const char *an[MAXA];
    char av[MAXA][8];
    int nh;
    int hev[MAXH];              /* index into EVENTS */
    bool hpd[MAXH], hsp[MAXH];
    dlist kids;                 /* D_EL children */
    int ctype;                  /* D_COMP: index into COMP_TYPES */
    int nvar;                   /* D_COMP: output variants */
    dlist var[MAXV];
    int init_var;               /* initial value of the "v" slot */
    bool pinned;                /* part of a finished tree: may be shared, never edited */
    unsigned visit;             /* content walk stamp: each node at most once in a tree */
    /* written by renders of the layout under test */
    rc_state *state, *gen;
    int cur_var;
    unsigned renders;
    /* snapshots taken before a flush */
    int prev_var;
    /* reference DOM node identities: at the last check, and now */
    uint64_t uid, cur_uid;
};

static const char *const TAGS[] = {"div", "span", "p", "li", "ul"};
static const char *const ANAMES[MAXA] = {"id", "class", "title", "data-x"};
static const char *const AVALS[] = {"", "a", "b", "cc"};
static const char *const TEXTS[] = {"", "a", "b", "hello", "x y", "0"};
static const char *const KEYS[] = {"k0", "k1", "k2", "k3", "k4", "k5",
                                   "k6", "k7", "k/8", "[k9]", "10", "k#11"};
#define NKEYS (sizeof KEYS / sizeof *KEYS)
static const char *const EVENTS[] = {"onClick", "onInput", "onKeyDown", "onCustomEvt"};
#define NEVENTS ((int)(sizeof EVENTS / sizeof *EVENTS))

/* All description nodes of a test, freed together. */
static dnode **g_pool;
static size_t g_npool, g_cappool;

static dnode *dn_new(int kind) {
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

static void pool_free(void) {
    for (size_t i = 0; i < g_npool; i++) {
        free(g_pool[i]->kids.v);
        for (int v = 0; v < MAXV; v++) free(g_pool[i]->var[v].v);
        free(g_pool[i]);
    }
    free(g_pool);
    g_pool = NULL;
    g_npool = g_cappool = 0;
}

static void dl_push(dlist *l, dnode *d) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = d;
}

static int event_index(const char *ev) {
    for (int i = 0; i < NEVENTS; i++)
        if (strcmp(EVENTS[i], ev) == 0) return i;
    return -1;
}

/* ---- rendering a description --------------------------------------------- */

typedef struct comp_props {
    dnode *d;
} comp_props;

static bool g_shadow;       /* rendering a second layout: record nothing */

static void comp_render(rc_ctx *ctx, const void *props);

static const rc_component ROOT_COMP = {"Root", comp_render, NULL, 0};
static const rc_component COMP_TYPES[3] = {
    {"CompA", comp_render, NULL, 0},
    {"CompB", comp_render, NULL, 0},
    {"CompC", comp_render, NULL, 0},
};

/* Handlers record which one fired with which user data. */
static int g_fired_count, g_fired_ev;
static void *g_fired_user;
static void fired(int ev, void *user) {
    g_fired_count++;
    g_fired_ev = ev;
    g_fired_user = user;
}
static void on_ev0(rc_event *e, void *u) { (void)e; fired(0, u); }
static void on_ev1(rc_event *e, void *u) { (void)e; fired(1, u); }
static void on_ev2(rc_event *e, void *u) { (void)e; fired(2, u); }
static void on_ev3(rc_event *e, void *u) { (void)e; fired(3, u); }
static const rc_handler_fn EVENT_FNS[] = {on_ev0, on_ev1, on_ev2, on_ev3};

static void render_node(rc_ctx *ctx, dnode *d) {
    switch (d->kind) {
    case D_EL: {
        rc_el_opts o;
        memset(&o, 0, sizeof o);
        o.key = d->keyed ? d->key : NULL;
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
    case D_TEXT:
        rc_text(ctx, d->text);
        break;
    case D_COMP: {
        comp_props p = {d};
        rc_child(ctx, &COMP_TYPES[d->ctype], d->keyed ? d->key : NULL, &p, sizeof p);
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

static dnode *T(const char *text) {
    dnode *d = dn_new(D_TEXT);
    snprintf(d->text, sizeof d->text, "%s", text);
    return d;
}

static void set_key(dnode *d, const char *key) {
    d->keyed = key != NULL;
    if (key) snprintf(d->key, sizeof d->key, "%s", key);
}

/* E(tag, key, n, child...) */
static dnode *E(const char *tag, const char *key, size_t n, ...) {
    dnode *d = dn_new(D_EL);
    d->tag = tag;
    set_key(d, key);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) dl_push(&d->kids, va_arg(ap, dnode *));
    va_end(ap);
    return d;
}

static dlist L(size_t n, ...) {
    dlist l = {0};
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) dl_push(&l, va_arg(ap, dnode *));
    va_end(ap);
    return l;
}

/* C(type, key, nvar, variant lists...) */
static dnode *C(int ctype, const char *key, int nvar, ...) {
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
static dlist dl_clone(const dlist *src) {
    dlist l = {0};
    for (size_t i = 0; i < src->n; i++) dl_push(&l, src->v[i]);
    return l;
}

static dnode *R(dlist top) {
    dnode *d = dn_new(D_COMP);
    d->var[0] = top;
    return d;
}

static void add_attr(dnode *d, const char *name, const char *value) {
    d->an[d->nattrs] = name;
    snprintf(d->av[d->nattrs], sizeof d->av[0], "%s", value);
    d->nattrs++;
}

static void add_handler(dnode *d, int ev) {
    d->hev[d->nh] = ev;
    d->hpd[d->nh] = d->hsp[d->nh] = false;
    d->nh++;
}

/* ---- walking the mounted description ------------------------------------- */

typedef void (*dvisit)(dnode *d, void *arg);

static void walk_list(const dlist *l, dvisit fn, void *arg);
static void walk_node(dnode *d, dvisit fn, void *arg) {
    fn(d, arg);
    if (d->kind == D_EL) walk_list(&d->kids, fn, arg);
    if (d->kind == D_COMP) walk_list(&d->var[d->cur_var], fn, arg);
}
static void walk_list(const dlist *l, dvisit fn, void *arg) {
    for (size_t i = 0; i < l->n; i++) walk_node(l->v[i], fn, arg);
}

static void snap_visit(dnode *d, void *arg) {
    (void)arg;
    d->prev_var = d->cur_var;
}

static void init_var_visit(dnode *d, void *arg) {
    (void)arg;
    if (d->kind == D_COMP) d->init_var = d->cur_var;
}

typedef struct dvec {
    dnode **v;
    size_t n;
} dvec;

static void collect_comp_visit(dnode *d, void *arg) {
    dvec *out = arg;
    if (d->kind != D_COMP) return;
    out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
    out->v[out->n++] = d;
}

/* Diagnostics: the mounted description, components shown. */
static void dump_desc_list(const dlist *l, int depth);
static void dump_desc(const dnode *d, int depth) {
    switch (d->kind) {
    case D_TEXT:
        fprintf(stderr, "%*s\"%s\"\n", depth * 2, "", d->text);
        break;
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
static size_t dom_count(const dnode *d, bool old) {
    if (d->kind != D_COMP) return 1;
    const dlist *l = &d->var[old ? d->prev_var : d->cur_var];
    size_t c = 0;
    for (size_t i = 0; i < l->n; i++) c += dom_count(l->v[i], old);
    return c;
}

/* ======================================================================== */
/* Random descriptions                                                      */
/* ======================================================================== */

/* Nodes of finished lists may be shared (the same node, so equal props for
 * components) by later trees or variants; they are never edited again. */
static unsigned g_share_pct;

static void pin_list(const dlist *l);
static void pin_node(dnode *d) {
    if (d->pinned) return;
    d->pinned = true;
    pin_list(&d->kids);
    for (int v = 0; v < d->nvar; v++) pin_list(&d->var[v]);
}
static void pin_list(const dlist *l) {
    for (size_t i = 0; i < l->n; i++) pin_node(l->v[i]);
}

typedef struct genp {
    int budget;                /* nodes left to create */
    int maxdepth;
    size_t maxlen;             /* children per element */
    size_t maxroots;           /* roots per component variant */
} genp;

static dlist gen_list(genp *g, int depth, size_t maxlen, bool comp_output);
static dlist mutate_list(genp *g, const dlist *src, int depth, bool comp_output);

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

static dlist gen_list(genp *g, int depth, size_t maxlen, bool comp_output) {
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
    if (s->pinned && chance(g_share_pct)) return s;   /* the very same node */
    if (chance(3)) return gen_node(g, depth);     /* something else entirely */
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
            if (d->nattrs && chance(8)) {          /* remove one */
                int i = (int)rndn((size_t)d->nattrs);
                d->an[i] = d->an[d->nattrs - 1];
                memcpy(d->av[i], d->av[d->nattrs - 1], sizeof d->av[0]);
                d->nattrs--;
            }
            if (d->nattrs < MAXA && chance(8)) {   /* add a missing one */
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
        if (chance(15)) snprintf(d->text, sizeof d->text, "%s", TEXTS[rndn(sizeof TEXTS / sizeof *TEXTS)]);
        break;
    case D_COMP:
        if (chance(5)) d->ctype = (int)rndn(3);
        for (int v = 0; v < d->nvar; v++) d->var[v] = mutate_list(g, &s->var[v], depth + 1, true);
        break;
    }
    return d;
}

static dlist mutate_list(genp *g, const dlist *src, int depth, bool comp_output) {
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
            dl_push(&l, d);                       /* grow, then shift into place */
            memmove(&l.v[at + 1], &l.v[at], (l.n - 1 - at) * sizeof *l.v);
            l.v[at] = d;
            at++;
        }
    }
    fix_keys(&l);
    return l;
}

/* ======================================================================== */
/* The harness: one layout, its reference DOM and all the checks            */
/* ======================================================================== */

typedef struct recop {         /* a copy of an op, for focused assertions */
    rc_op_kind kind;
    uint32_t path[16];
    uint32_t path_len;
    uint32_t index, count, before, nnodes;
    char value[64];
} recop;

typedef struct harness {
    rc_layout *l;
    rnode *ref;                /* the client's DOM, maintained by the applier */
    dnode *root;               /* the root description rendered last */
    int64_t gen;
    opstats st;                /* last flush */
    recop *ops;                /* last flush */
    size_t nops;
    char (*ids)[16];           /* handler ids after the last flush */
    size_t nids;
    bool check_ops;            /* compare op counts with the model */
    bool no_shadow;            /* skip the fresh-layout comparison after steps */
} harness;

static int g_log_problems;
static char g_log_last[512];

static void log_fn(void *user, rc_log_level level, const char *message) {
    (void)user;
    if (level <= RC_LOG_WARN) {
        g_log_problems++;
        snprintf(g_log_last, sizeof g_log_last, "%s", message);
    }
}

static rc_layout *new_layout(void) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = log_fn;
    o.log_level = RC_LOG_WARN;
    rc_layout *l = rc_layout_new(&ROOT_COMP, NULL, 0, &o);
    CHECK(l != NULL, "rc_layout_new failed");
    return l;
}

static void record_ops(harness *h, const rc_patch *p) {
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
    harness *h;
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
              "dispatch of %s (%s on <%s>) reached event %s of another element", hd->id,
              hd->event, d->tag, EVENTS[g_fired_ev]);
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
    CHECK((size_t)d->nattrs == r->nattrs, "<%s>: %d attributes described, %zu in the DOM",
          d->tag, d->nattrs, r->nattrs);
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

/* ---- the model of the operations ----------------------------------------- */

typedef struct expect {
    size_t set_text, set_attr, remove_attr, remove_handler, replace;
    size_t insert_nonempty, remove;
    size_t move_lo, move_hi, set_handler_lo, set_handler_hi;
} expect;

static uint64_t g_watermark;  /* reference DOM nodes above this uid are new */

/* Longest strictly increasing subsequence length (values distinct). */
static size_t lis_len(const size_t *seq, size_t n) {
    size_t *tails = xcalloc(n + 1, sizeof *tails);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = len;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (tails[mid] < seq[i]) lo = mid + 1; else hi = mid;
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
static void an_fresh(const dnode *n) {
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

static void an_pair(const dnode *o, const dnode *n, expect *e) {
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
            if (j == o->nh || o->hpd[j] != n->hpd[i] || o->hsp[j] != n->hsp[i])
                e->set_handler_lo++;
            e->set_handler_hi++;
        }
        for (int j = 0; j < o->nh; j++) {
            int i = 0;
            while (i < n->nh && o->hev[j] != n->hev[i]) i++;
            if (i == n->nh) e->remove_handler++;
        }
        an_list(&o->kids, &n->kids, e);
        break;
    case D_COMP:
        an_list(&o->var[o->prev_var], &n->var[n->cur_var], e);
        break;
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
        if (new_of_old[j] != SIZE_MAX) { j++; continue; }
        size_t c = 0;
        while (j < no && new_of_old[j] == SIZE_MAX) c += dom_count(O->v[j++], true);
        if (c) e->remove++;
    }
    for (size_t k = 0; k < nn;) {
        if (old_of_new[k] != SIZE_MAX) { k++; continue; }
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

static void uid_commit_visit(dnode *d, void *arg) {
    (void)arg;
    d->uid = d->cur_uid;
}

/* A second layout rendering the same description and state from scratch
 * must give the same DOM, handler ids included. */
static void shadow_check(harness *h) {
    walk_node(h->root, init_var_visit, NULL);
    g_shadow = true;
    rc_layout *l2 = new_layout();
    const rc_patch *p = rc_layout_flush(l2);
    CHECK(p->nops == 1 && p->ops[0].kind == RC_OP_INSERT, "first flush of a fresh layout: %zu ops",
          p->nops);
    CHECK(g_log_problems == 0, "fresh layout logged: %s", g_log_last);
    rnode *fresh = ref_from_layout(l2);
    rc_layout_commit(l2);
    rc_layout_free(l2);
    g_shadow = false;
    check_same_dom(h->ref, fresh, true, "history independence (fresh layout, same state)");
    rn_free(fresh);
}

/* All checks after a flush whose patch was applied to h->ref. old_root is the
 * description rendered before (NULL for the mount). */
static void check_after_flush(harness *h, dnode *old_root) {
    CHECK(g_log_problems == 0, "the layout logged a problem: %s", g_log_last);
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

/* Mounts root. With no_shadow, the fresh-layout comparison is skipped after
 * the mount and after every step. */
static void h_mount_ex(harness *h, dnode *root, bool no_shadow) {
    memset(h, 0, sizeof *h);
    h->check_ops = true;
    h->no_shadow = no_shadow;
    g_log_problems = 0;
    g_root = root;
    h->root = root;
    h->l = new_layout();
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

static void h_mount(harness *h, dnode *root) { h_mount_ex(h, root, false); }

/* One update: sets the "v" slot of each sets[i].d to sets[i].v (their
 * instances must be mounted), switches the root description to new_root if
 * not NULL, then flushes, applies and checks. */
typedef struct vset {
    dnode *d;
    int v;
} vset;

static void h_step(harness *h, dnode *new_root, const vset *sets, size_t nsets) {
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

static void h_free(harness *h) {
    rc_layout_free(h->l);
    rn_free(h->ref);
    free(h->ops);
    free(h->ids);
    memset(h, 0, sizeof *h);
    g_root = NULL;
}

static size_t count_ops(const harness *h, rc_op_kind k) {
    size_t c = 0;
    for (size_t i = 0; i < h->nops; i++) c += h->ops[i].kind == k;
    return c;
}

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
    harness h;
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
    harness h;
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
        harness h;
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
                harness h;
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
            harness h;
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
            harness h;
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
    harness h;
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
        harness h;
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
        harness h;
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
    harness h;
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
    harness h;
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

    harness h1, h2;
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
    g_log_problems = 0;
    g_root = root;
    rc_layout *l = new_layout();
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
    rc_layout_free(l);
    pool_free();
    g_root = NULL;
    assert_true(distinct);
    assert_true(first_ok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyed_reverse_1000),
        cmocka_unit_test(test_keyed_permutations_only_move),
        cmocka_unit_test(test_permutations_with_component_widths),
        cmocka_unit_test(test_keyed_insert_one_op),
        cmocka_unit_test(test_keyed_remove_run_one_op),
        cmocka_unit_test(test_one_text_change),
        cmocka_unit_test(test_tag_change_replaces),
        cmocka_unit_test(test_component_root_count_changes),
        cmocka_unit_test(test_nested_top_level_components),
        cmocka_unit_test(test_handler_ids),
        cmocka_unit_test(test_path_change_with_equal_props),
        cmocka_unit_test(test_same_key_components_under_different_parents),
        cmocka_unit_test(test_random_small),
        cmocka_unit_test(test_random_wide),
        cmocka_unit_test(test_random_deep),
    };
    /* TD_FILTER=pattern runs only the matching tests */
    if (getenv("TD_FILTER")) cmocka_set_test_filter(getenv("TD_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
