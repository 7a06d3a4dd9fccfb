/*
 * Timing helpers shared by the benchmark programs (bench/diff.c,
 * bench/parse.c, bench/resume.c): the clocks they read and the median they
 * report.
 */
#ifndef RC_BENCH_TIMING_H
#define RC_BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

/* Wall time, microseconds (monotonic). */
static inline double bench_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* CPU time of the calling thread, microseconds. */
static inline double bench_cpu_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline int bench_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (v is sorted in place). */
static inline double bench_median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return v[n / 2];
}

#endif
