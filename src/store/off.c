/*
 * Stores left out (RC_WITH_STORES=OFF, docs/size.md): the server's calls
 * into the layer do nothing. The core's write scopes stay, with no
 * commit hook set, and cost a counter each.
 */
#include "reactc_layout.h"
#include "store/marks.h"

void rc_store_set_wake(void (*wake)(void *arg), void *arg) {
    (void)wake;
    (void)arg;
}

size_t rc_store_drain(void) { return 0; }

void rc_store_set_timers(const rc_timer_host *timers) { (void)timers; }

void rc_store_set_saved(void (*fn)(void *arg), void *arg) {
    (void)fn;
    (void)arg;
}

bool rc_store_in_flight(const char *session) {
    (void)session;
    return false;
}

bool rc_store_marks_unsaved(const char *session) {
    (void)session;
    return false;
}

void rc_store_save_now(void) {}

void rc_store_marks_set_ttl(uint32_t seconds) { (void)seconds; }

void rc_store_marks_inherit(const char *from, const char *to) {
    (void)from;
    (void)to;
}
/* No store can exist: nothing keeps --workers from starting. */
const char *rc_store_find_shared(void);
const char *rc_store_find_shared(void) { return NULL; }
/* No store: nothing to wait for at start (server/redis_link.c). */
#include "store/store.h"
rc_store *rc_store_first(void) { return NULL; }
/* No store, no batch: the store metrics stay at zero, as in an app
 * without stores in a full build (a dashboard finds them either way). */
#include "store/stats.h"
const rc_store_stats *rc_store_stats_get(void) {
    static const rc_store_stats none;
    return &none;
}
