/*
 * The immediate-mode builder: rc_open/rc_close, attributes, handlers, text
 * and child components, written by a component's render function.
 *
 * Children, attributes and handlers of open elements accumulate on scratch
 * stacks shared by the whole layout; rc_close makes the element with its
 * share right behind it (vdom/node.h) and pops it. So building costs one
 * arena bump per node and no malloc at all once the stacks are warm.
 */
#include <string.h>

#include "core/attr_check.h"
#include "core/keys.h"

/* Identity seeds: distinct so a key "3" and an index 3 never collide. */
#define IDENT_KEY   0x6b6579ull
#define IDENT_INDEX 0x696478ull

void rc_ctx_begin(rc_ctx *ctx, rc_instance *inst, rc_arena *arena) {
    rc_layout *l = inst->layout;
    ctx->layout = l;
    ctx->inst = inst;
    ctx->arena = arena;
    ctx->hook_index = 0;
    ctx->hook_next = inst->hooks;
    ctx->hook_last = NULL;
    ctx->frame_base = l->nframes;
    ctx->kid_base = l->nkids;
    ctx->attr_base = l->nattrs;
    ctx->handler_base = l->nhs;
    ctx->top_count = 0;
    ctx->chain = rc_inst_chain(inst);
    ctx->nproviders_open = 0;
    ctx->nseen = 0;
    ctx->child_type = NULL;
    ctx->nkeyed = 0;
    ctx->keyed_lists = false;
    ctx->nopened = 0;
    ctx->top_keys = (rc_key_order){0};
    if (++ctx->seen_gen == 0) { /* wrapped: really clear once */
        if (ctx->seen) memset(ctx->seen, 0, ctx->seen_cap * sizeof *ctx->seen);
        ctx->seen_gen = 1;
    }
    ctx->error = NULL;
}

rc_layout *rc_ctx_get_layout(rc_ctx *ctx) { return ctx->layout; }

/* Appends n as a child of the open element (or of the output's top). */
static inline void push_kid(rc_ctx *ctx, rc_node *n) {
    rc_layout *l = ctx->layout;
    RC_GROW32(l->kids, l->kids_cap, (size_t)l->nkids + 1);
    l->kids[l->nkids++] = n;
}

static uint32_t kids_so_far(rc_ctx *ctx, const rc_frame *f) {
    return ctx->layout->nkids - (f ? f->child_base : ctx->kid_base);
}

/* An element or placeholder made at the output's top points at its owner;
 * one inside an element gets its parent when that element is made
 * (rc_close). */
static void place(rc_ctx *ctx, rc_node *n, rc_up *up) {
    if (rc_ctx_top_frame(ctx)) return;
    n->flags |= RC_NODE_TOP;
    up->owner = ctx->inst;
}

/* The identity of the open element at frames[i]: the instance's path hash
 * chained with the key (or the position) of every element from the output's
 * top down to it. Computed on demand and kept in the frame: a list of 1,000
 * rows whose elements have no handlers chains no hashes at all. */
static uint64_t frame_ident(rc_ctx *ctx, uint32_t i) {
    rc_frame *f = &ctx->layout->frames[i];
    if (f->has_ident) return f->ident;
    uint64_t parent = i > ctx->frame_base ? frame_ident(ctx, i - 1) : rc_inst_path_hash(ctx->inst);
    f->ident = f->key ? rc_hash_u64(rc_hash_u64(parent, IDENT_KEY), f->key->hash)
                      : rc_hash_u64(rc_hash_u64(parent, IDENT_INDEX), f->index);
    f->has_ident = true;
    return f->ident;
}

static const rc_frame *require_open(rc_ctx *ctx, const char *what) {
    const rc_frame *f = rc_ctx_top_frame(ctx);
    if (!f)
        rc_log(ctx->layout, RC_LOG_ERROR, "%s: %s called with no open element (ignored)",
               rc_inst_type(ctx->inst)->name, what);
    return f;
}

/* rc_open's href option: the one builder name whose value is checked. */
static const char attr_href[] = "href";

/* static_name: name is one of rc_open's literals (not copied, not checked
 * but href); in_arena: value is already this render's copy. */
static void set_attr_n(rc_ctx *ctx, const char *name, bool static_name, const char *value,
                       size_t len, bool in_arena) {
    const rc_frame *f = require_open(ctx, "rc_attr");
    if (!f) return;
    rc_layout *l = ctx->layout;
    /* Reported here, where every attribute of a render passes (rc_attr,
     * rc_attrf, rc_attr_bool and the options of rc_open alike). Of the
     * builder's own names only href can be refused: the others (id, class,
     * style...), the most frequent attributes, skip the check. */
    if (!static_name || name == attr_href)
        rc_attr_check(l, rc_inst_type(ctx->inst)->name, name, value, len);
    const char *v = in_arena ? value : rc_arena_strndup(ctx->arena, value, len);
    for (uint32_t i = f->attr_base; i < l->nattrs; i++) {
        if (strcmp(l->attrs[i].name, name) == 0) { /* later value wins */
            l->attrs[i].value = v;
            return;
        }
    }
    if (l->nattrs - f->attr_base == RC_EL_MAX_ATTRS) {
        rc_log(l, RC_LOG_ERROR, "%s: <%s> has more than %d attributes: %s not added",
               rc_inst_type(ctx->inst)->name, f->tag, RC_EL_MAX_ATTRS, name);
        return;
    }
    RC_GROW32(l->attrs, l->attrs_cap, (size_t)l->nattrs + 1);
    if (!static_name) name = rc_arena_strndup(ctx->arena, name, strlen(name));
    l->attrs[l->nattrs++] = (rc_attr_kv){name, v};
}

void rc_attr(rc_ctx *ctx, const char *name, const char *value) {
    set_attr_n(ctx, name, false, value ? value : "", value ? strlen(value) : 0, false);
}

static void attr_static(rc_ctx *ctx, const char *name, const char *value) {
    set_attr_n(ctx, name, true, value, strlen(value), false);
}

void rc_attrf(rc_ctx *ctx, const char *name, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t len;
    char *v = rc_arena_vformat(ctx->arena, &len, fmt, ap);
    va_end(ap);
    set_attr_n(ctx, name, false, v, len, true); /* formatted into the arena already */
}

void rc_attr_bool(rc_ctx *ctx, const char *name, bool on) {
    if (on) set_attr_n(ctx, name, false, "", 0, false);
}

void rc_on_event(rc_ctx *ctx, rc_on on) {
    const rc_frame *f = require_open(ctx, "rc_on_event");
    if (!f || !on.fn || !on.event) return;
    rc_layout *l = ctx->layout;
    const char *event = rc_canonical_event(on.event);
    if (event == on.event) event = rc_arena_strndup(ctx->arena, event, strlen(event));
    const char *key = NULL;
    if (on.bound_key) {
        /* Bounded: a key names a row, it is not a place to carry data
         * (that is what the state is for). */
        size_t n = strnlen(on.bound_key, RC_BOUND_KEY_MAX + 1);
        if (n > RC_BOUND_KEY_MAX) {
            rc_log(l, RC_LOG_ERROR, "%s handler's bound key longer than %d bytes: not added", event,
                   RC_BOUND_KEY_MAX);
            return;
        }
        key = rc_arena_strndup(ctx->arena, on.bound_key, n);
    }
    rc_handler h = {.event = event,
                    .fn = on.fn,
                    .user = on.user,
                    .prevent_default = on.prevent_default,
                    .stop_propagation = on.stop_propagation,
                    .bound_kind = on.has_bound_int ? RC_BOUND_INT
                                  : key            ? RC_BOUND_KEY
                                                   : RC_BOUND_NONE};
    if (on.has_bound_int) h.bound.i = on.bound_int;
    else h.bound.key = key;
    rc_handler_set_id(&h, frame_ident(ctx, (uint32_t)(f - l->frames)));
    for (uint32_t i = f->handler_base; i < l->nhs; i++) {
        if (strcmp(l->hs[i].event, event) == 0) { /* later handler wins */
            l->hs[i] = h;
            return;
        }
    }
    if (l->nhs - f->handler_base == RC_EL_MAX_HANDLERS) {
        rc_log(l, RC_LOG_ERROR, "%s: <%s> has more than %d handlers: %s not added",
               rc_inst_type(ctx->inst)->name, f->tag, RC_EL_MAX_HANDLERS, event);
        return;
    }
    RC_GROW32(l->hs, l->hs_cap, (size_t)l->nhs + 1);
    l->hs[l->nhs++] = h;
}

void rc_open(rc_ctx *ctx, const char *tag, const rc_el_opts *o) {
    rc_layout *l = ctx->layout;
    rc_frame *f = rc_ctx_top_frame(ctx);
    size_t tlen = strlen(tag);
    const char *itag = rc_tag_intern(tag, tlen);
    const rc_key *key = NULL;
    uint32_t index = 0;
    if (o && o->has_key_int) {
        key = rc_key_of_int(ctx->arena, o->key_int);
        rc_key_note(ctx, true, o->key_int);
    } else if (o && o->key) {
        key = rc_key_new(ctx->arena, o->key, strlen(o->key));
        rc_key_note(ctx, false, 0);
    } else index = kids_so_far(ctx, f);
    push_kid(ctx, NULL); /* the element, once made (rc_close) */
    /* Made in place on the stack (f may move as it grows). */
    RC_GROW32(l->frames, l->frames_cap, (size_t)l->nframes + 1);
    l->frames[l->nframes++] =
        (rc_frame){.tag = itag ? itag : rc_arena_strndup(ctx->arena, tag, tlen),
                   .key = key,
                   .index = index,
                   .slot = l->nkids - 1,
                   .child_base = l->nkids,
                   .attr_base = l->nattrs,
                   .handler_base = l->nhs,
                   .serial = ++ctx->nopened};
    if (!o) return;
    if (o->id) attr_static(ctx, "id", o->id);
    if (o->class_) attr_static(ctx, "class", o->class_);
    if (o->style) attr_static(ctx, "style", o->style);
    if (o->type) attr_static(ctx, "type", o->type);
    if (o->value) attr_static(ctx, "value", o->value);
    if (o->href) attr_static(ctx, attr_href, o->href);
    if (o->on.fn) rc_on_event(ctx, o->on);
}

void rc_close(rc_ctx *ctx) {
    rc_layout *l = ctx->layout;
    rc_frame *f = rc_ctx_top_frame(ctx);
    if (!f) {
        rc_log(l, RC_LOG_ERROR, "%s: rc_close without an open element (ignored)",
               rc_inst_type(ctx->inst)->name);
        return;
    }
    /* f stays valid: nothing below grows the frame stack. */
    if (f->kid_keys.state == RC_KEYS_CHECK) rc_keys_check(ctx, f->child_base, f->kid_keys);
    uint32_t nkids = l->nkids - f->child_base;
    uint32_t nattrs = l->nattrs - f->attr_base;
    uint32_t nh = l->nhs - f->handler_base;
    bool up = f->kid_up; /* a placeholder below: an rc_up (vdom/node.h) */
    const rc_key *key = f->key;
    size_t size = sizeof(rc_el_node) + sizeof(rc_node *) * nkids + sizeof(rc_attr_kv) * nattrs +
                  sizeof(rc_handler) * nh + (key ? sizeof key : 0) + (up ? sizeof(rc_up) : 0);
    rc_el_node *e = rc_arena_alloc_align(ctx->arena, size, _Alignof(rc_el_node));
    *e = (rc_el_node){.n = {.kind = RC_NODE_ELEMENT,
                            .flags = (uint8_t)((key ? RC_NODE_KEYED : 0) | (up ? RC_NODE_UP : 0)),
                            .nhandlers = (uint8_t)nh,
                            .nattrs = (uint8_t)nattrs,
                            .len = nkids},
                      .tag = f->tag};
    rc_node *n = &e->n;
    rc_node **kids = rc_el_children(n);
    /* Loops, not memcpy: most elements have a child or two and an
     * attribute, and a call per array was a tenth of building one. */
    rc_node *const *from = &l->kids[f->child_base];
    for (uint32_t i = 0; i < nkids; i++) kids[i] = from[i];
    for (uint32_t i = 0; i < nkids && up; i++) /* made before their parent was */
        if (rc_node_has_up(kids[i])) rc_node_up(kids[i])->parent = n;
    rc_attr_kv *attrs = rc_el_attrs(n);
    for (uint32_t i = 0; i < nattrs; i++) attrs[i] = l->attrs[f->attr_base + i];
    if (nh) memcpy(rc_el_handlers(n), &l->hs[f->handler_base], sizeof(rc_handler) * nh);
    char *tail = (char *)e + size - (key ? sizeof key : 0) - (up ? sizeof(rc_up) : 0);
    if (key) memcpy(tail, &key, sizeof key);
    if (up) memset(tail + (key ? sizeof key : 0), 0, sizeof(rc_up));
    l->nkids = f->slot + 1;
    l->kids[f->slot] = n;
    l->nattrs = f->attr_base;
    l->nhs = f->handler_base;
    l->nframes--;
    if (up) {
        place(ctx, n, rc_node_up(n));
        rc_frame *parent = rc_ctx_top_frame(ctx);
        if (parent) parent->kid_up = true;
    }
}

static rc_text_node *new_text(rc_arena *a, rc_node_kind kind, const char *s, size_t len) {
    rc_text_node *t = rc_arena_alloc_align(a, sizeof *t + len + 1, _Alignof(rc_text_node));
    t->n = (rc_node){.kind = (uint8_t)kind, .len = (uint32_t)len};
    memcpy(t->text, s, len);
    t->text[len] = '\0';
    return t;
}

void rc_textn(rc_ctx *ctx, const char *text, size_t len) {
    push_kid(ctx, &new_text(ctx->arena, RC_NODE_TEXT, text, len)->n);
}

void rc_text(rc_ctx *ctx, const char *text) { rc_textn(ctx, text, strlen(text)); }

void rc_textf(rc_ctx *ctx, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    size_t len;
    char *s = rc_arena_vformat_after(ctx->arena, sizeof(rc_text_node), &len, fmt, ap);
    va_end(ap);
    rc_text_node *t = (rc_text_node *)(void *)(s - sizeof(rc_text_node));
    t->n = (rc_node){.kind = RC_NODE_TEXT, .len = (uint32_t)len};
    push_kid(ctx, &t->n);
}

/* The n-th occurrence (from 0) of a child identity in this render: per type
 * for unkeyed children, per (type, key) for keyed ones. A key repeated
 * under two different elements of one component is legal (keys are unique
 * among siblings only), and the ordinal keeps the two children's addresses
 * and handler ids apart. A generation-stamped hash table in the pooled
 * context: O(1) per child, no clearing between renders. */
static uint32_t next_ordinal(rc_ctx *ctx, uint64_t identity) {
    if (ctx->nseen * 2 >= ctx->seen_cap) {
        size_t cap = ctx->seen_cap ? ctx->seen_cap * 2 : 64;
        rc_keyslot *old = ctx->seen;
        size_t oldcap = ctx->seen_cap;
        ctx->seen = rc_xcalloc(cap, sizeof *ctx->seen);
        ctx->seen_cap = cap;
        ctx->nseen = 0;
        for (size_t i = 0; i < oldcap; i++) {
            if (old[i].gen != ctx->seen_gen) continue;
            for (size_t j = (size_t)old[i].hash & (cap - 1);; j = (j + 1) & (cap - 1))
                if (ctx->seen[j].gen != ctx->seen_gen) {
                    ctx->seen[j] = old[i];
                    ctx->nseen++;
                    break;
                }
        }
        free(old);
    }
    size_t mask = ctx->seen_cap - 1;
    for (size_t j = (size_t)identity & mask;; j = (j + 1) & mask) {
        rc_keyslot *e = &ctx->seen[j];
        if (e->gen != ctx->seen_gen) {
            *e = (rc_keyslot){identity, ctx->seen_gen, 1};
            ctx->nseen++;
            return 0;
        }
        if (e->hash == identity) return e->index++;
    }
}

/* The child's path hash chains the parent's with the type name and the key
 * (or the ordinal among unkeyed siblings of the same type). It is computed
 * here for every child on every render, so no strings are built: the
 * readable segment ("Type[key]", "Type#n") is made only when an instance is
 * created or moves (rc_segment_new). */
/* made: a key already made (an integer's); else key, klen: a string key
 * copied behind the props, or none. */
static void child(rc_ctx *ctx, const rc_component *type, const rc_key *made, const char *key,
                  size_t klen, const void *props, size_t props_size) {
    /* (rc_child and rc_child_int note the key in the sibling list) */
    if (!props) props_size = 0;
    /* One allocation for the placeholder, its props and its key: a list's
     * re-render makes a thousand of them. */
    size_t key_at = (sizeof(rc_comp_node) + props_size + 7) & ~(size_t)7;
    /* max_align_t's alignment, not the node's 8: the props right behind
     * the 64-byte node are the app's struct, which may hold a long double
     * or an __int128 (vdom/node.h). */
    rc_comp_node *c = rc_arena_alloc_align(
        ctx->arena, key_at + (key && !made ? sizeof(rc_key) + klen + 1 : 0), _Alignof(max_align_t));
    *c = (rc_comp_node){.n = {.kind = RC_NODE_COMPONENT, .len = (uint32_t)props_size},
                        .type = type,
                        .ctx_chain = ctx->chain};
    rc_node *n = &c->n;
    if (props_size) memcpy(rc_comp_props(n), props, props_size);
    place(ctx, n, &c->up);
    rc_frame *open = rc_ctx_top_frame(ctx);
    if (open) open->kid_up = true;
    if (type != ctx->child_type) {
        uint64_t th = rc_hash_str(RC_HASH_SEED, type->name);
        uint64_t base = rc_hash_u64(rc_inst_path_hash(ctx->inst), th);
        ctx->child_type = type;
        ctx->child_type_hash = th;
        ctx->child_keyed = rc_hash_u64(base, IDENT_KEY);
        ctx->child_unkeyed = rc_hash_u64(base, IDENT_INDEX);
    }
    uint64_t h;
    if (made || key) {
        c->key = made ? made : rc_key_fill((rc_key *)(void *)((char *)c + key_at), key, klen);
        /* Ordinal 0 unless the key repeats in another list of this render:
         * settled when the build ends (settle_keyed_ordinals). */
        h = rc_hash_u64(ctx->child_keyed, c->key->hash);
        RC_GROW32(ctx->keyed, ctx->keyed_cap, ctx->nkeyed + 1);
        const rc_frame *f = rc_ctx_top_frame(ctx);
        uint32_t list = f ? f->serial : 0;
        if (ctx->nkeyed == 0) ctx->keyed_list = list;
        else if (list != ctx->keyed_list) ctx->keyed_lists = true;
        ctx->keyed[ctx->nkeyed++] = n;
    } else {
        c->ordinal = next_ordinal(ctx, ctx->child_type_hash);
        h = rc_hash_u64(ctx->child_unkeyed, c->ordinal);
    }
    c->path_hash = h;
    push_kid(ctx, n);
}

void rc_child(rc_ctx *ctx, const rc_component *type, const char *key, const void *props,
              size_t props_size) {
    size_t klen = key ? strlen(key) : 0;
    if (key) rc_key_note(ctx, false, 0);
    child(ctx, type, NULL, key, klen, props, props_size);
}

void rc_child_int(rc_ctx *ctx, const rc_component *type, int64_t key, const void *props,
                  size_t props_size) {
    rc_key_note(ctx, true, key);
    child(ctx, type, rc_key_of_int(ctx->arena, key), NULL, 0, props, props_size);
}

/* The ordinal of a keyed child: how many children of its type with its key
 * this render made before it. Keys are unique among siblings (a repeat
 * fails the render in rc_close), so with all keyed children in one list
 * every ordinal is 0: the common render (a list) needs no hash table insert
 * per child, which at 1,000 rows was a cache miss each in a table cold
 * since the session's last render. Otherwise the ordinals are counted now,
 * in the order the children were made. */
static void settle_keyed_ordinals(rc_ctx *ctx) {
    if (!ctx->keyed_lists) return;
    for (uint32_t i = 0; i < ctx->nkeyed; i++) {
        rc_comp_node *c = rc_comp(ctx->keyed[i]);
        uint64_t type_hash = rc_hash_str(RC_HASH_SEED, c->type->name);
        c->ordinal = next_ordinal(ctx, rc_hash_u64(type_hash ^ IDENT_KEY, c->key->hash));
        if (c->ordinal) c->path_hash = rc_hash_u64(c->path_hash, c->ordinal);
    }
}

rc_node *rc_make_error_node(rc_arena *a, const char *msg) {
    return &new_text(a, RC_NODE_ERROR, msg, strlen(msg))->n;
}

void rc_ctx_finish(rc_ctx *ctx, rc_node ***roots, uint32_t *nroots) {
    rc_layout *l = ctx->layout;
    if (l->nframes > ctx->frame_base) {
        rc_log(l, RC_LOG_ERROR,
               "%s: %u element(s) left open at the end of the render (a return or break "
               "inside RC_EL?); closed automatically",
               rc_inst_type(ctx->inst)->name, l->nframes - ctx->frame_base);
        while (l->nframes > ctx->frame_base) rc_close(ctx);
    }
    rc_keys_check(ctx, ctx->kid_base, ctx->top_keys);
    uint32_t n = l->nkids - ctx->kid_base;
    *nroots = n;
    *roots = NULL;
    if (n) {
        *roots = rc_arena_alloc_align(ctx->arena, sizeof **roots * n, _Alignof(rc_node *));
        memcpy(*roots, &l->kids[ctx->kid_base], sizeof **roots * n);
    }
    l->nkids = ctx->kid_base;
    settle_keyed_ordinals(ctx);
}

void rc_ctx_abandon(rc_ctx *ctx) {
    rc_layout *l = ctx->layout;
    l->nframes = ctx->frame_base;
    l->nkids = ctx->kid_base;
    l->nattrs = ctx->attr_base;
    l->nhs = ctx->handler_base;
}
