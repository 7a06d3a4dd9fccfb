/*
 * Diagnostics: the layout's log (rc_log) and a render's failure (rc_fail).
 * Every file of the core reports through these two, so they depend on
 * nothing of the core but its structures.
 *
 * Clients can make the core log (an event for a stale or malformed handler
 * id, one per event they send): lines are rate-limited per call site, for
 * all the layouts of a thread together (one hostile client may hold many
 * sessions), and the next line printed says how many were left out.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "util/clock.h"
#include "util/logtext.h"
#include "util/ratelimit.h"

#define RATE_BURST  20
#define RATE_WINDOW 10.0

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) {
    if (l && level > l->opts.log_level) return;
    static _Thread_local rc_rate rate;
    if (!rate.burst) rc_rate_init(&rate, RATE_BURST, RATE_WINDOW);
    unsigned left_out;
    if (!rc_rate_allow(&rate, fmt, rc_monotonic_s(), &left_out)) return;
    char buf[1024];
    int n = left_out ? snprintf(buf, sizeof buf, "(%u similar lines left out) ", left_out) : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    if (l && l->opts.log) {
        l->opts.log(l->opts.log_user, level, buf);
    } else {
        static const char *names[] = {"error", "warn", "info", "debug"};
        char text[2048];
        rc_log_escape(text, sizeof text, buf);
        fprintf(stderr, "reactc %s: %s\n", names[level], text);
    }
}

_Noreturn void rc_fail(rc_ctx *ctx, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(ctx->error);
    ctx->error = rc_xstrdup(buf);
    longjmp(ctx->jmp, 1);
}
