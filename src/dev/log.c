/* The runner's clock and its log lines ("reactc-dev: ..." on stderr). */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "dev/runner.h"

double dev_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void dev_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("reactc-dev: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
