#include "server/peers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* Entries of addresses that hold no connection and have their full burst
 * back are dropped when the table grows past this (an attacker with many
 * addresses costs about this many entries, plus those still busy). */
#define PRUNE_AT 4096

void rc_peers_init(rc_peers *p, uint32_t max_conns, double rate, bool limit_loopback) {
    rc_map_init(&p->map);
    p->max_conns = max_conns;
    p->rate = rate;
    p->burst = rate * 2 > 1 ? rate * 2 : 1;
    p->limit_loopback = limit_loopback;
    p->prune_at = PRUNE_AT;
}

void rc_peers_free(rc_peers *p) {
    for (size_t i = 0; i < p->map.cap; i++)
        if (p->map.slots[i].key) free(p->map.slots[i].value);
    rc_map_free(&p->map);
}

static bool is_loopback(const char *addr) {
    return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
           strncmp(addr, "::ffff:127.", 11) == 0;
}

static void refill(rc_peers *p, rc_peer *e, double now) {
    e->tokens += (now - e->at) * p->rate;
    if (e->tokens > p->burst) e->tokens = p->burst;
    e->at = now;
}

static void prune(rc_peers *p, double now) {
    for (size_t i = 0; i < p->map.cap;) {
        rc_map_entry *slot = &p->map.slots[i];
        rc_peer *e = slot->value;
        if (slot->key && !e->conns) {
            refill(p, e, now);
            if (e->tokens >= p->burst) {
                rc_map_del(&p->map, slot->key); /* shifts a later entry here: look again */
                free(e);
                continue;
            }
        }
        i++;
    }
    /* Many addresses all busy: the next scan waits until the table doubles,
     * so scans cost O(1) per new address however many stay (amortised). */
    p->prune_at = p->map.len * 2 > PRUNE_AT ? p->map.len * 2 : PRUNE_AT;
}

/* The entry of addr, made when missing (with a full burst). */
static rc_peer *entry(rc_peers *p, const char *addr, double now) {
    uint64_t h = rc_hash_str(RC_HASH_SEED, addr);
    rc_peer *e = rc_map_get(&p->map, h);
    /* Two addresses with one 64-bit hash: the second shares the first's
     * entry (counted together, never uncounted). */
    if (e) return e;
    if (p->map.len >= p->prune_at) prune(p, now);
    e = rc_xcalloc(1, sizeof *e);
    snprintf(e->addr, sizeof e->addr, "%s", addr);
    e->tokens = p->burst;
    e->at = now;
    rc_map_put(&p->map, h, e);
    return e;
}

unsigned rc_peers_admit(rc_peers *p, const char *addr, double now, const char **why) {
    if (!p->limit_loopback && is_loopback(addr)) return 0;
    rc_peer *e = entry(p, addr, now);
    refill(p, e, now);
    if (p->max_conns && e->conns >= p->max_conns) {
        *why = "too many connections from this address";
        return 429;
    }
    if (p->rate > 0 && e->tokens < 1) {
        *why = "new connections from this address too fast";
        return 429;
    }
    e->tokens -= 1;
    return 0;
}

rc_peer *rc_peers_attach(rc_peers *p, const char *addr, double now) {
    if (!p->limit_loopback && is_loopback(addr)) return NULL;
    rc_peer *e = entry(p, addr, now);
    e->conns++;
    return e;
}

void rc_peers_release(rc_peers *p, rc_peer *peer) {
    (void)p;
    if (peer && peer->conns) peer->conns--;
}
