/*
 * Arena: bump allocation for one render's nodes.
 *
 * Every component render builds its output into a fresh arena; the previous
 * output's arena is freed as a whole once the diff against it is done. No
 * malloc per node, no free per node. Chunks grow geometrically so a small
 * component (a counter) costs one small chunk, a big list a few large ones.
 */
#ifndef RC_VDOM_ARENA_H
#define RC_VDOM_ARENA_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rc_arena_chunk rc_arena_chunk;

/* 24 bytes: every component instance holds one (a list's rows each),
 * so its counts are 32-bit, and a render's chunks together stay under
 * 4 GiB (more is out of memory, arena.c). */
typedef struct rc_arena {
    rc_arena_chunk *head; /* chunk being filled; older chunks follow */
    uint32_t used;        /* bytes used in head */
    uint32_t hint;        /* size of the first chunk, 0 for the default */
    uint32_t total;       /* bytes allocated in all chunks (statistics) */
    uint32_t requested;   /* bytes handed out (the size hint for next time) */
} rc_arena;

void rc_arena_init(rc_arena *a);
/* An empty arena whose first chunk will hold `hint` bytes: renders of the
 * same component tend to need the same space, so sizing the first chunk
 * from the last render avoids a chain of small chunks. */
void rc_arena_init_hint(rc_arena *a, size_t hint);
/* Frees every chunk; the arena is empty and reusable afterwards. */
void rc_arena_free(rc_arena *a);
/* size bytes aligned for any type; never NULL (aborts on out-of-memory). */
void *rc_arena_alloc(rc_arena *a, size_t size);
void *rc_arena_zalloc(rc_arena *a, size_t size);
/* A chunk: its header, then its bytes. Internal to arena.c; here for the
 * inline fast paths below. */
struct rc_arena_chunk {
    rc_arena_chunk *next;
    size_t size; /* usable bytes in data */
    alignas(max_align_t) unsigned char data[];
};

/* rc_arena_alloc_align's path through a new chunk (arena.c). */
void *rc_arena_alloc_slow(rc_arena *a, size_t size, size_t align);

/* size bytes aligned to align (a power of two, at most max_align_t's);
 * never NULL. Inline for the common case, room in the head chunk: every
 * node of a render is one (a call was a tenth of building a list). */
static inline void *rc_arena_alloc_align(rc_arena *a, size_t size, size_t align) {
#ifdef __OPTIMIZE_SIZE__
    /* A size build (-Os: make size, a device's MinSizeRel) keeps one call
     * per site: the fast path inlined at every site cost ~1 KB of code. */
    return rc_arena_alloc_slow(a, size, align);
#else
    size_t want = (size + align - 1) & ~(align - 1);
    if (a->head && want) {
        size_t off = ((size_t)a->used + align - 1) & ~(align - 1);
        if (off <= a->head->size && a->head->size - off >= want) {
            /* The padding counts, as in the slow path (arena.c). */
            a->requested += (uint32_t)(off - a->used + want);
            a->used = (uint32_t)(off + want);
            return a->head->data + off;
        }
    }
    return rc_arena_alloc_slow(a, size, align);
#endif
}
/* The head chunk's free space from the next offset aligned to align (a
 * power of two, at most max_align_t's), for a writer that learns its size
 * as it writes: up to *room bytes at the pointer returned (NULL, *room 0,
 * before the first chunk). Nothing is taken until rc_arena_commit. */
static inline void *rc_arena_peek(rc_arena *a, size_t align, size_t *room) {
    size_t off = a->head ? ((size_t)a->used + align - 1) & ~(align - 1) : 0;
    if (!a->head || off >= a->head->size) {
        *room = 0;
        return NULL;
    }
    *room = a->head->size - off;
    return a->head->data + off;
}
/* Takes size bytes (at most the room rc_arena_peek gave) at p, the pointer
 * the last rc_arena_peek returned; no other allocation in between. */
static inline void rc_arena_commit(rc_arena *a, void *p, size_t size) {
    size_t off = (size_t)((unsigned char *)p - a->head->data);
    a->requested += (uint32_t)(off - a->used + size); /* the padding counts, as in alloc_align */
    a->used = (uint32_t)(off + size);
}
/* Copies len bytes and appends a NUL. */
char *rc_arena_strndup(rc_arena *a, const char *s, size_t len);

#endif
