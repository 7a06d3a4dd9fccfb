/*
 * Size hints: how many arena bytes the first render of each component type
 * took, shared by every layout of the process.
 *
 * A render's arena is kept as long as its output, so the slack of its last
 * chunk is session memory. A first render with no hint grows its arena
 * geometrically, and a 10,000-node component ended with a last chunk of
 * 256 KiB mostly empty: 60 % over what the nodes needed. Per layout (as
 * these hints were before) every new session paid that again; shared, only
 * the process's first session of a type does.
 *
 * A small lossy table, not a map with a lock: a hint is only a first chunk's
 * size, so two types racing for a slot, or a reader seeing one type's size
 * under another's key, costs a chunk too big or too small, never a wrong
 * result. Layouts on several threads read and write it with relaxed atomics.
 */
#include <stdatomic.h>

#include "core/internal.h"

#define HINT_SLOTS 512 /* a power of two; component types of a program */
#define HINT_PROBE 4

static _Atomic uintptr_t hint_type[HINT_SLOTS];
static _Atomic uint32_t hint_size[HINT_SLOTS];

static size_t slot_of(const rc_component *t) {
    return (size_t)(rc_hash_u64(RC_HASH_SEED, (uint64_t)(uintptr_t)t) & (HINT_SLOTS - 1));
}

size_t rc_size_hint_get(const rc_component *t) {
    size_t s = slot_of(t);
    for (size_t i = 0; i < HINT_PROBE; i++) {
        size_t j = (s + i) & (HINT_SLOTS - 1);
        if (atomic_load_explicit(&hint_type[j], memory_order_relaxed) == (uintptr_t)t)
            return atomic_load_explicit(&hint_size[j], memory_order_relaxed);
    }
    return 0;
}

void rc_size_hint_put(const rc_component *t, size_t bytes) {
    uint32_t v = bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes;
    size_t s = slot_of(t);
    size_t victim = s;
    for (size_t i = 0; i < HINT_PROBE; i++) {
        size_t j = (s + i) & (HINT_SLOTS - 1);
        uintptr_t k = atomic_load_explicit(&hint_type[j], memory_order_relaxed);
        if (k == (uintptr_t)t || k == 0) {
            victim = j;
            break;
        }
    }
    atomic_store_explicit(&hint_size[victim], v, memory_order_relaxed);
    atomic_store_explicit(&hint_type[victim], (uintptr_t)t, memory_order_relaxed);
}
