/* The monotonic clock in seconds: intervals and deadlines (never the wall
 * clock, which jumps). Header-only: the dev runner uses it too. */
#ifndef RC_UTIL_CLOCK_H
#define RC_UTIL_CLOCK_H

#include <time.h>

static inline double rc_monotonic_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
