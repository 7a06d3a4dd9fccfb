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

#include <stddef.h>
#include <stdint.h>

typedef struct rc_arena_chunk rc_arena_chunk;

typedef struct rc_arena {
    rc_arena_chunk *head; /* chunk being filled; older chunks follow */
    uint32_t used;        /* bytes used in head (a chunk is < 4 GiB) */
    uint32_t hint;        /* size of the first chunk, 0 for the default */
    size_t total;         /* bytes allocated in all chunks (statistics) */
    size_t requested;     /* bytes handed out (the size hint for next time) */
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
/* size bytes aligned to align (a power of two, at most max_align_t's);
 * never NULL. */
void *rc_arena_alloc_align(rc_arena *a, size_t size, size_t align);
/* The head chunk's free space from the next offset aligned to align (a
 * power of two, at most max_align_t's), for a writer that learns its size
 * as it writes: up to *room bytes at the pointer returned (NULL, *room 0,
 * before the first chunk). Nothing is taken until rc_arena_commit. */
void *rc_arena_peek(rc_arena *a, size_t align, size_t *room);
/* Takes size bytes (at most the room rc_arena_peek gave) at p, the pointer
 * the last rc_arena_peek returned; no other allocation in between. */
void rc_arena_commit(rc_arena *a, void *p, size_t size);
/* Copies len bytes and appends a NUL. */
char *rc_arena_strndup(rc_arena *a, const char *s, size_t len);

#endif
