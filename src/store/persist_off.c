/*
 * A build without store persistence (RC_WITH_STORE_PERSIST=OFF,
 * docs/size.md): stores live in memory only. rc_store_persist refuses,
 * logged and -1 as its other refusals, at the call (before rc_app_run): a
 * setting meant to survive a reboot must not silently vanish at the next
 * one. No store ever has a file, so the file hooks are never reached.
 */
#include "store/persist.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

rc_marks *rc_store_marks_of(const rc_store *st) {
    (void)st;
    return &rc_store_memory_marks;
}

void rc_store_file_changed(rc_store *st) { (void)st; }

void rc_store_file_close(rc_store *st) { (void)st; }

int rc_store_sync(void) { return 0; }

void rc_store_save_now(void) {}

void rc_store_set_timers(const rc_timer_host *host) { (void)host; }

int rc_store_persist(rc_store *st, const char *path) {
    rc_log(NULL, RC_LOG_ERROR,
           "rc_store_persist(\"%s\", %s) refused: this build of reactc keeps stores in memory "
           "only (built without RC_WITH_STORE_PERSIST)",
           st ? st->name : "(null)", path ? path : "(null)");
    return -1;
}
