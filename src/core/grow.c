/*
 * Growing arrays: the layout's queues, scratch stacks and pools all double
 * their capacity when full (RC_GROW, RC_GROW32 in internal.h).
 */
#include "core/internal.h"

void rc_grow(void **arr, size_t elem, size_t *cap, size_t need) {
    if (need <= *cap) return;
    size_t n = *cap ? *cap * 2 : 8;
    while (n < need) n *= 2;
    *arr = rc_xrealloc(*arr, n * elem);
    *cap = n;
}

void rc_grow32(void **arr, size_t elem, uint32_t *cap, size_t need) {
    size_t c = *cap;
    rc_grow(arr, elem, &c, need);
    *cap = (uint32_t)c;
}
