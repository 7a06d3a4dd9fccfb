/*
 * The memory guard's decision and its measure (memguard.h).
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "server/memguard.h"

/* A sixteenth of the budget, at least 256 KiB, at most half of it. RSS
 * moves in steps: glibc grows its heap by 128 KiB at a time (M_TOP_PAD)
 * and a first render's buffers come and go in one callback, so a guard at
 * the budget itself would let the next step pass it. What is left above
 * the fresh sessions' limit is also what the resumes of the sessions
 * already here may take: at 8 MiB, 512 KiB is ~30 idle dashboard sessions
 * of ~16 KiB (docs/embedded.md, "Memory"). */
size_t rc_memguard_headroom(size_t budget) {
    size_t h = budget / 16;
    if (h < (size_t)256 << 10) h = (size_t)256 << 10;
    if (h > budget / 2) h = budget / 2;
    return h;
}

size_t rc_memguard_use(size_t resident, size_t shared, unsigned workers) {
    if (shared > resident) shared = resident; /* two readings apart: never negative */
    if (workers < 1) workers = 1;
    return (resident - shared) * workers + shared;
}

bool rc_memguard_admits(size_t budget, size_t use, bool resume) {
    if (!budget) return true;
    size_t limit = resume ? budget : budget - rc_memguard_headroom(budget);
    return use < limit;
}

int rc_memguard_open(rc_memguard *g, size_t budget, unsigned workers) {
    g->budget = budget;
    g->workers = workers ? workers : 1;
    g->fd = -1;
    g->trimmed = -1e9;
    long page = sysconf(_SC_PAGESIZE);
    g->page = page > 0 ? (size_t)page : 4096;
    if (!budget) return 0;
    g->fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    size_t r, s;
    if (!rc_memguard_read(g, &r, &s)) {
        rc_memguard_close(g);
        return -1;
    }
    return 0;
}

void rc_memguard_close(rc_memguard *g) {
    if (g->fd >= 0) close(g->fd);
    g->fd = -1;
}

bool rc_memguard_read(const rc_memguard *g, size_t *resident, size_t *shared) {
    if (g->fd < 0) return false;
    /* "size resident shared text lib data dt", in pages; a read at offset
     * 0 makes the kernel write the line anew. */
    char line[160];
    ssize_t n = pread(g->fd, line, sizeof line - 1, 0);
    if (n <= 0) return false;
    line[n] = '\0';
    unsigned long long size, res, sh;
    if (sscanf(line, "%llu %llu %llu", &size, &res, &sh) != 3) return false;
    *resident = (size_t)res * g->page;
    *shared = (size_t)sh * g->page;
    return true;
}

bool rc_memguard_check(rc_memguard *g, bool resume, double now, size_t *use) {
    *use = 0;
    size_t r, s;
    if (!g->budget || !rc_memguard_read(g, &r, &s)) return true;
    *use = rc_memguard_use(r, s, g->workers);
    if (rc_memguard_admits(g->budget, *use, resume)) return true;
#ifdef __GLIBC__
    if (now - g->trimmed >= RC_MEMGUARD_TRIM_EVERY) {
        g->trimmed = now;
        malloc_trim(0);
        if (!rc_memguard_read(g, &r, &s)) return true;
        *use = rc_memguard_use(r, s, g->workers);
        return rc_memguard_admits(g->budget, *use, resume);
    }
#else
    (void)now;
#endif
    return false;
}
