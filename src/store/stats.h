/*
 * The store layer's counters (stats.c), for /metrics: batches handed to
 * the backend, how they were decided and how long that took, writes, and
 * a replayed event's writes skipped. Counted here, where every backend's
 * batches pass (batch.c hands them over and rc_store_batch_finish hears
 * the verdict), so the in-memory stores and the Redis ones are measured
 * alike. The server reads them at a scrape (server/metrics.c): the store
 * layer does not know the server, so it exposes a read-only struct rather
 * than rendering anything. Loop thread only, as the stores are: plain
 * integers, no locks.
 */
#ifndef RC_STORE_STATS_H
#define RC_STORE_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Upper bounds, in seconds, of the hand-over-to-decision histogram's
 * buckets (a last one, +Inf, is implied). Fixed, so the supervisor can
 * sum the workers' buckets (--workers); from tens of microseconds (the
 * in-memory backend decides at once) to a second (Redis answering late). */
#define RC_STORE_NBOUNDS 8
/* An initializer (not an array in stats.c): the server's renderer reads
 * it in a build without stores too (off.c), where stats.c is left out. */
#define RC_STORE_BOUNDS \
    { 0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0 }

typedef struct rc_store_stats {
    uint64_t committed; /* batches decided with status 0 */
    uint64_t refused;   /* decided with another status, or refused before they formed */
    uint64_t writes;    /* writes in the batches handed over */
    uint64_t replayed;  /* writes skipped: a replayed event's, committed before */
    uint64_t in_flight; /* handed over, not decided yet */
    /* Hand-over to decision: buckets[i] counts the batches that took at
     * most RC_STORE_BOUNDS[i] and more than the bound before (not
     * cumulative: the renderer sums them); buckets[RC_STORE_NBOUNDS] the
     * rest. */
    uint64_t buckets[RC_STORE_NBOUNDS + 1];
    double seconds; /* the sum of every decided batch's time */
} rc_store_stats;

/* The counters now (never NULL; off.c's stay at zero). */
const rc_store_stats *rc_store_stats_get(void);

struct rc_store_batch;
/* batch.c: b goes to the backend now (stamps when). */
void rc_store_stats_handed(struct rc_store_batch *b);
/* batch.c, rc_store_batch_finish: b was decided with status. */
void rc_store_stats_decided(const struct rc_store_batch *b, int status);
/* A write refused before it made a batch (a compare-and-set whose version
 * had moved, publish.c): its writer hears -1 as from a refused batch. */
void rc_store_stats_refused(void);
/* A backend skipped n writes of a replayed event (exactly once, marks.h):
 * memory.c, and the Redis backend when its script answers "replayed". */
void rc_store_count_replayed(size_t n);

#endif
