#include "util/ratelimit.h"

#include <stdint.h>
#include <string.h>

void rc_rate_init(rc_rate *r, unsigned burst, double window) {
    memset(r, 0, sizeof *r);
    r->burst = burst;
    r->window = window;
}

/* The slot of key: where it already is, else an empty one, else the one
 * idle longest, among a few probed from its hash. Call sites are few and
 * fixed, so this almost never evicts; an evicted site starts a new window
 * (a few more lines, never fewer). */
static rc_rate_slot *slot_of(rc_rate *r, const void *key) {
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9e3779b97f4a7c15u;
    size_t first = (size_t)(h >> 58) % RC_RATE_KEYS; /* top 6 bits: 64 slots */
    rc_rate_slot *victim = NULL;
    for (size_t i = 0; i < 4; i++) {
        rc_rate_slot *s = &r->slots[(first + i) % RC_RATE_KEYS];
        if (s->key == key || !s->key) return s;
        if (!victim || s->window_start < victim->window_start) victim = s;
    }
    victim->key = NULL;
    return victim;
}

bool rc_rate_allow(rc_rate *r, const void *key, double now, unsigned *suppressed) {
    rc_rate_slot *s = slot_of(r, key);
    if (s->key != key) {
        s->key = key;
        s->suppressed = 0;
        s->window_start = now;
        s->printed = 0;
    } else if (now - s->window_start >= r->window) {
        s->window_start = now;
        s->printed = 0;
    }
    if (s->printed >= r->burst) {
        s->suppressed++;
        *suppressed = 0;
        return false;
    }
    s->printed++;
    *suppressed = s->suppressed;
    s->suppressed = 0;
    return true;
}
