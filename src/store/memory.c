/*
 * The in-memory backend (backend.h): one process holds every store, so a
 * batch is decided the moment it is handed over: its writes are applied in
 * order (readers marked dirty, rendered in the next flush) and its
 * completions run, all before the callback that staged it has returned to
 * the loop.
 *
 * Exactly once (marks.h): an event's batch (batch->session set) skips each
 * write whose store's domain already holds a mark at or above the event's
 * seq (a replay of an event committed before), and raises the mark of each
 * domain it wrote, in the same step as the writes: nothing runs in between,
 * so no reader sees the one without the other. A persisted store's file is
 * told of both at once (persist.c writes value and marks in one file).
 */
#include <time.h>

#include "store/backend.h"
#include "store/persist.h"
#include "store/stats.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

static bool replayed(const rc_store_batch *batch, const rc_store *st) {
    return batch->session && rc_marks_get(rc_store_marks_of(st), batch->session) >= batch->seq;
}

static void memory_commit(rc_store_backend *b, rc_store_batch *batch) {
    (void)b;
    int64_t now = (int64_t)time(NULL);
    size_t skipped = 0;
    for (size_t i = 0; i < batch->nwrites; i++) {
        rc_store_write *w = &batch->writes[i];
        if (replayed(batch, w->store)) {
            skipped++;
            continue;
        }
        if (!w->key) rc_store_apply_value(w->store, &w->value);
        else rc_store_apply_item(w->store, w->key, w->remove ? NULL : &w->value);
    }
    /* Marks after the writes, every write's (a skipped one's domain is at
     * or above seq already, so raising it is a no-op). */
    for (size_t i = 0; batch->session && i < batch->nwrites; i++)
        rc_marks_raise(rc_store_marks_of(batch->writes[i].store), batch->session, batch->seq, now);
    for (size_t i = 0; i < batch->nwrites; i++)
        if (batch->writes[i].store->file) rc_store_file_changed(batch->writes[i].store);
    rc_store_count_replayed(skipped);
    if (skipped)
        rc_log(batch->layout, RC_LOG_INFO,
               "store writes of a replayed event skipped (seq %llu, already committed): %zu",
               (unsigned long long)batch->seq, skipped);
    /* The batch was committed (now, or by its first application). */
    rc_store_batch_finish(batch, 0);
}

/* A persisted store's last change is written before it goes. */
static void memory_detach(rc_store_backend *b, rc_store *st) {
    (void)b;
    rc_store_file_close(st);
}

rc_store_backend rc_store_memory = {"memory", NULL, memory_detach, memory_commit};
