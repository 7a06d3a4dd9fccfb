/*
 * Per client address: its live WebSocket connections and the rate at which
 * it opens new ones, each capped, so one machine cannot take the slots of
 * everyone else (docs/security.md, "Parsing and limits").
 *
 * The address is the TCP peer's, or behind a trusted proxy the one the
 * proxy forwards (edge.c). Loopback is exempt by default: benchmarks, tests
 * and a proxy on the same machine come from there.
 */
#ifndef RC_SERVER_PEERS_H
#define RC_SERVER_PEERS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/hash.h"

typedef struct rc_peer {
    char addr[64];
    uint32_t conns; /* live WebSocket connections */
    double tokens;  /* new connections it may open now */
    double at;      /* when tokens was last refilled */
} rc_peer;

typedef struct rc_peers {
    rc_map map;         /* hash of addr -> rc_peer */
    uint32_t max_conns; /* per address; 0: no cap */
    double rate, burst; /* new connections per second, and at once */
    bool limit_loopback;
    size_t prune_at; /* table size at which idle entries are dropped */
} rc_peers;

void rc_peers_init(rc_peers *p, uint32_t max_conns, double rate, bool limit_loopback);
void rc_peers_free(rc_peers *p);
/* Whether addr may open one more connection at time now (seconds): 0, or
 * the HTTP status to refuse it with (429), the reason in *why. Admitting
 * takes one of its tokens. */
unsigned rc_peers_admit(rc_peers *p, const char *addr, double now, const char **why);
/* A connection of addr is open (counted until rc_peers_release); NULL for
 * an address not counted (loopback, by default). */
rc_peer *rc_peers_attach(rc_peers *p, const char *addr, double now);
/* The connection closed. */
void rc_peers_release(rc_peers *p, rc_peer *peer);

#endif
