/*
 * The reference DOM and the reference applier (ref_dom.h). Linked into the
 * test programs; not a test program itself (no test_ prefix).
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

#include "diff_check.h"
#include "ref_dom.h"

/* ======================================================================== */
/* Reference DOM                                                            */
/* ======================================================================== */

uint64_t g_uid;

rnode *rn_new(rkind kind, const char *s, size_t len) {
    rnode *r = xcalloc(1, sizeof *r);
    r->kind = kind;
    r->str = xmemdup0(s, len);
    r->len = len;
    r->uid = ++g_uid;
    return r;
}

void rn_free(rnode *r) {
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
            rn_set_handler(r, rc_handler_get_event(h), rc_handler_get_id(h),
                           rc_handler_get_prevent_default(h), rc_handler_get_stop_propagation(h));
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
rnode *ref_from_layout(const rc_layout *l) {
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

static bool rn_diff(const rnode *a, const rnode *b, bool ids, char *path, size_t plen, size_t pcap,
                    char *msg, size_t msgcap) {
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
void check_same_dom(const rnode *got, const rnode *want, bool ids, const char *what) {
    char path[512] = "";
    char msg[768] = "";
    if (rn_diff(got, want, ids, path, 0, sizeof path, msg, sizeof msg)) return;
    g_dump_got = got;
    g_dump_want = want;
    CHECK(false, "%s: %s", what, msg);
}

/* ---- dumping (diagnostics only) ------------------------------------------- */

const char *op_name(rc_op_kind k) {
    static const char *names[] = {"SET_ATTR",    "REMOVE_ATTR",    "SET_TEXT",
                                  "SET_HANDLER", "REMOVE_HANDLER", "INSERT",
                                  "REMOVE",      "MOVE",           "REPLACE"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

void dump_patch(const rc_patch *p) {
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
        case RC_OP_REMOVE_HANDLER: fprintf(stderr, " %s", o->name); break;
        case RC_OP_SET_TEXT: fprintf(stderr, " \"%.*s\"", (int)o->value_len, o->value); break;
        case RC_OP_SET_HANDLER:
            fprintf(stderr, " %s=%s", o->name,
                    o->handler ? rc_handler_get_id(o->handler) : "(null)");
            break;
        case RC_OP_INSERT: fprintf(stderr, " index=%u nnodes=%u", o->index, o->nnodes); break;
        case RC_OP_REMOVE: fprintf(stderr, " index=%u count=%u", o->index, o->count); break;
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

void dump_tree(const rnode *r, int depth, int *budget) {
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
        CHECK(op->path_len > 0 && t->kind == R_EL, "op %zu: REMOVE_HANDLER on a non-element", opi);
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
        if (l.n) st->insert_nonempty++;
        else st->insert_empty++;
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

void apply_patch(rnode *root, const rc_patch *p, opstats *st) {
    memset(st, 0, sizeof *st);
    CHECK(p->nops == 0 || p->ops != NULL, "patch with %zu ops and no op array", p->nops);
    for (size_t i = 0; i < p->nops; i++) apply_op(root, &p->ops[i], i, st);
}
