/* The runner's small helpers: its clock, its log lines ("reactc-dev: ..."
 * on stderr), reading a non-blocking pipe or socket, copying a string. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev/runner.h"
#include "util/clock.h"

double dev_now_ms(void) { return rc_monotonic_s() * 1e3; }

void dev_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("reactc-dev: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

ssize_t dev_read(int *fd, void *buf, size_t size) {
    for (;;) {
        ssize_t n = read(*fd, buf, size);
        if (n > 0) return n;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        close(*fd); /* the end, or an error: either way done */
        *fd = -1;
        return -1;
    }
}

void dev_copy_str(char *dst, size_t size, const char *src) {
    size_t n = strlen(src);
    if (n >= size) n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}
