/*
 * The store layer's counters (stats.h).
 */
#include "store/stats.h"

#include "store/store.h"
#include "util/clock.h"

static const double bounds[RC_STORE_NBOUNDS] = RC_STORE_BOUNDS;

static rc_store_stats stats;

const rc_store_stats *rc_store_stats_get(void) { return &stats; }

void rc_store_stats_handed(rc_store_batch *b) {
    b->handed_at = rc_monotonic_s();
    stats.writes += b->nwrites;
    stats.in_flight++;
}

void rc_store_stats_decided(const rc_store_batch *b, int status) {
    if (status == 0) stats.committed++;
    else stats.refused++;
    if (stats.in_flight) stats.in_flight--;
    double took = rc_monotonic_s() - b->handed_at;
    if (took < 0) took = 0;
    size_t i = 0;
    while (i < RC_STORE_NBOUNDS && took > bounds[i]) i++;
    stats.buckets[i]++;
    stats.seconds += took;
}

void rc_store_stats_refused(void) { stats.refused++; }

void rc_store_count_replayed(size_t n) { stats.replayed += n; }
