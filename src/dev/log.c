/* The runner's clock and its log lines ("reactc-dev: ..." on stderr). */
#include <stdarg.h>
#include <stdio.h>

#include "dev/runner.h"
#include "util/clock.h"

double dev_now_ms(void) {
    return rc_monotonic_s() * 1e3;
}

void dev_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("reactc-dev: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
