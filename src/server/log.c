/*
 * Leveled logging to stderr: one line per message, with a timestamp.
 *
 * Every line is escaped (util/logtext.h: client text cannot forge a line or
 * reach the terminal raw), and lines from one call site are rate-limited
 * (util/ratelimit.h: at most RATE_BURST per RATE_WINDOW seconds, then a
 * count of what was left out). Lines from layouts are limited where they are
 * made (core/diag.c), by their own call sites.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "server/server.h"
#include "util/clock.h"
#include "util/logtext.h"

#define RATE_BURST  20
#define RATE_WINDOW 10.0

static const char *level_names[] = {"error", "warn", "info", "debug"};

static void emit(rc_log_level level, unsigned left_out, const char *msg) {
    char text[2048];
    rc_log_escape(text, sizeof text, msg);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char more[64] = "";
    if (left_out) snprintf(more, sizeof more, "(%u similar lines left out) ", left_out);
    fprintf(stderr, "%02d:%02d:%02d.%03ld reactc[%d] %s: %s%s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000, (int)getpid(), level_names[level], more, text);
}

void rc_srv_log(rc_server *s, rc_log_level level, const char *fmt, ...) {
    if (s && level > s->cfg.log_level) return;
    /* Before a server exists (or after it is gone) lines share one limiter. */
    static rc_rate early;
    rc_rate *rate = s ? &s->log_rate : &early;
    if (!rate->burst) rc_rate_init(rate, RATE_BURST, RATE_WINDOW);
    unsigned left_out;
    if (!rc_rate_allow(rate, fmt, rc_monotonic_s(), &left_out)) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    emit(level, left_out, buf);
}

/* The layouts' log callback (user = the server). */
void rc_srv_log_layout(void *user, rc_log_level level, const char *message) {
    rc_server *s = user;
    if (level > s->cfg.log_level) return;
    emit(level, 0, message);
}
