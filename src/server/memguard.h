/*
 * The memory guard (--max-memory, rc_app.max_memory): near the budget, a
 * new session is refused with close 4503 (the client retries later) rather
 * than the device running out of memory. Sessions already open go on.
 *
 * "Near" is two limits (docs/embedded.md, "Memory"):
 *   - a fresh session (a hello without resume, a base-protocol connection)
 *     is admitted while the use is below budget - headroom;
 *   - a resume or re-attach (a hello naming a session) while the use is
 *     below the budget itself: the headroom is kept for the users a device
 *     already has, so that one under pressure does not lock them out when
 *     their connection drops; new visitors wait.
 * A new WebSocket, before its hello says which it is, is refused only at
 * the budget.
 *
 * The use is the process's resident memory from /proc/self/statm (one
 * pread of a descriptor opened in this process: ~2 µs, read at every
 * decision, so it is never stale; mallinfo2 would miss the libraries and
 * lws, and walks malloc's free lists: 8 ms with 50,000 free chunks).
 * Under --workers the budget is the whole app's: each worker counts its
 * private memory once per worker and the pages it shares with them (the
 * program and its libraries) once, as if every worker were like it.
 */
#ifndef RC_SERVER_MEMGUARD_H
#define RC_SERVER_MEMGUARD_H

#include <stdbool.h>
#include <stddef.h>

/* The close code and reason of a refusal (docs/protocol.md): the
 * application range, 4000 + HTTP's 503 Service Unavailable. */
#define RC_CLOSE_LOW_MEMORY  4503
#define RC_LOW_MEMORY_REASON "server low on memory: try again later"

/* The budget's headroom: what a fresh session must leave free. */
size_t rc_memguard_headroom(size_t budget);

/* The use a budget of the whole app is compared with, from this process's
 * resident and shared (file-backed) bytes, with `workers` processes like
 * it: workers * (resident - shared) + shared (resident for one). */
size_t rc_memguard_use(size_t resident, size_t shared, unsigned workers);

/* Whether a new session may start at that use: a resume below budget, a
 * fresh one below budget - headroom. A budget of 0 admits everything. */
bool rc_memguard_admits(size_t budget, size_t use, bool resume);

typedef struct rc_memguard {
    size_t budget;    /* bytes, the whole app's; 0: off */
    unsigned workers; /* processes sharing it (at least 1) */
    int fd;           /* /proc/self/statm of this process, or -1 */
    size_t page;      /* bytes per page */
    double trimmed;   /* when rc_memguard_check last trimmed the heap */
} rc_memguard;

/* Opens the guard of this process (after any fork: /proc/self is read
 * through the descriptor). 0, or -1 when the budget is set but statm
 * cannot be read (the guard is then off; the caller says so). */
int rc_memguard_open(rc_memguard *g, size_t budget, unsigned workers);
void rc_memguard_close(rc_memguard *g);

/* This process's resident and shared bytes now; false if unreadable. */
bool rc_memguard_read(const rc_memguard *g, size_t *resident, size_t *shared);

/* Whether a new session may start now, `now` in seconds (always, when
 * the guard is off or statm cannot be read); *use gets the use compared (0
 * if none was). Before refusing, malloc's free pages are handed back
 * (malloc_trim) and the use read again, at most every
 * RC_MEMGUARD_TRIM_EVERY seconds: freed memory the heap keeps (a burst
 * of handshakes' 8 KiB header buffers) is no use, and would refuse
 * sessions until the next trim of session.c. */
#define RC_MEMGUARD_TRIM_EVERY 0.1
bool rc_memguard_check(rc_memguard *g, bool resume, double now, size_t *use);

#endif
