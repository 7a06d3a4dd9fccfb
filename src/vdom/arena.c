#include "vdom/arena.h"

#include <stdalign.h>
#include <string.h>

#include "util/alloc.h"

/* First chunk is small: most components render a handful of nodes, and idle
 * sessions must stay small (docs/architecture.md, Targets: 10 KiB per idle counter session). */
#define ARENA_FIRST_CHUNK 448
#define ARENA_MAX_CHUNK   (256 * 1024)       /* of geometric growth */
#define ARENA_MAX_HINT    (64 * 1024 * 1024) /* a first chunk sized by a hint */
#define ARENA_MAX_ALLOC   ((size_t)1 << 31)

void rc_arena_init(rc_arena *a) { rc_arena_init_hint(a, 0); }

void rc_arena_init_hint(rc_arena *a, size_t hint) {
    a->head = NULL;
    a->used = 0;
    a->total = 0;
    a->requested = 0;
    /* A hint is what the last render of the same component needed: one
     * chunk of it is right, where a capped first chunk left the last of
     * several chunks mostly empty (a 500 KiB output took three of 256). */
    a->hint = (uint32_t)(hint > ARENA_MAX_HINT ? ARENA_MAX_HINT : hint);
}

void rc_arena_free(rc_arena *a) {
    rc_arena_chunk *c = a->head;
    while (c) {
        rc_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    rc_arena_init_hint(a, a->hint);
}

static size_t align_to(size_t n, size_t al) { return (n + al - 1) & ~(al - 1); }
static size_t align_up(size_t n) { return align_to(n, alignof(max_align_t)); }

void *rc_arena_alloc(rc_arena *a, size_t size) {
    return rc_arena_alloc_align(a, size, alignof(max_align_t));
}

void *rc_arena_alloc_slow(rc_arena *a, size_t size, size_t align) {
    /* Sizes round up to the alignment asked for, not to max_align_t's 16:
     * most of a tree's allocations are nodes that need 8 (vdom/node.h), and
     * rounding each to 16 cost a tenth of a tree. Offsets in a chunk are
     * 32-bit (rc_arena.used): one allocation of 2 GiB is out of memory, as
     * far as a render goes. */
    if (size > ARENA_MAX_ALLOC) rc_oom(size);
    size = align_to(size ? size : 1, align);
    size_t off = a->head ? align_to(a->used, align) : 0;
    /* The padding counts: strings are packed, so a node after one pays up
     * to 7 bytes, and a hint without them fell short by tens of KiB. */
    size_t pad = a->head ? off - a->used : 0;
    if (!a->head || off > a->head->size || a->head->size - off < size) {
        /* The first chunk: the hint, or a small one. Then: a render sized by
         * a hint that needs a little more gets a little more; otherwise grow
         * geometrically with the arena's total, capped; always big enough
         * for this request. */
        size_t want;
        if (!a->total) want = a->hint ? align_up(a->hint) : ARENA_FIRST_CHUNK;
        else if (a->hint && a->total == align_up(a->hint))
            want = a->hint / 8 + 64; /* a sized render grew a little; more: geometric */
        else want = a->total > ARENA_MAX_CHUNK ? ARENA_MAX_CHUNK : a->total;
        want = align_up(want);
        if (want < size) want = size;
        /* The counts are 32-bit (rc_arena): a render of 4 GiB is out of
         * memory as far as it goes, like one allocation of 2 GiB above. */
        if (want > UINT32_MAX - a->total) rc_oom(want);
        rc_arena_chunk *c = rc_xmalloc(sizeof *c + want);
        c->size = want;
        c->next = a->head;
        a->head = c;
        a->total += (uint32_t)want;
        off = 0;
        pad = 0;
    }
    void *p = a->head->data + off;
    a->used = (uint32_t)(off + size);
    a->requested += (uint32_t)(pad + size);
    return p;
}

void *rc_arena_zalloc(rc_arena *a, size_t size) {
    void *p = rc_arena_alloc(a, size);
    memset(p, 0, size);
    return p;
}

char *rc_arena_strndup(rc_arena *a, const char *s, size_t len) {
    /* Strings need no alignment: pack them from the chunk's free space. */
    if (a->head && a->head->size - a->used >= len + 1) {
        char *p = (char *)a->head->data + a->used;
        a->used += (uint32_t)(len + 1);
        a->requested += (uint32_t)(len + 1);
        memcpy(p, s, len);
        p[len] = '\0';
        return p;
    }
    char *p = rc_arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
