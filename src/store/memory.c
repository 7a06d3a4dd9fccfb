/*
 * The in-memory backend (backend.h): one process holds every store, so a
 * batch is decided the moment it is handed over: its writes are applied in
 * order (readers marked dirty, rendered in the next flush) and its
 * completions run, all before the callback that staged it has returned to
 * the loop.
 */
#include "store/backend.h"

static void memory_commit(rc_store_backend *b, rc_store_batch *batch) {
    (void)b;
    for (size_t i = 0; i < batch->nwrites; i++) {
        rc_store_write *w = &batch->writes[i];
        if (!w->key) rc_store_apply_value(w->store, &w->value);
        else rc_store_apply_item(w->store, w->key, w->remove ? NULL : &w->value);
    }
    rc_store_batch_finish(batch, 0);
}

rc_store_backend rc_store_memory = {"memory", NULL, NULL, memory_commit};
