/*
 * Diagnostics: the layout's log (rc_log) and a render's failure (rc_fail).
 * Every file of the core reports through these two, so they depend on
 * nothing of the core but its structures.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) {
    if (l && level > l->opts.log_level) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (l && l->opts.log) {
        l->opts.log(l->opts.log_user, level, buf);
    } else {
        static const char *names[] = {"error", "warn", "info", "debug"};
        fprintf(stderr, "reactc %s: %s\n", names[level], buf);
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
