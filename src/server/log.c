/* Leveled logging to stderr: one line per message, with a timestamp. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "server/server.h"

static const char *level_names[] = {"error", "warn", "info", "debug"};

static void emit(rc_log_level level, const char *msg) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    fprintf(stderr, "%02d:%02d:%02d.%03ld reactc[%d] %s: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000, (int)getpid(), level_names[level], msg);
}

void rc_srv_log(rc_server *s, rc_log_level level, const char *fmt, ...) {
    if (s && level > s->cfg.log_level) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    emit(level, buf);
}

/* The layouts' log callback (user = the server). */
void rc_srv_log_layout(void *user, rc_log_level level, const char *message) {
    rc_server *s = user;
    if (level > s->cfg.log_level) return;
    emit(level, message);
}
