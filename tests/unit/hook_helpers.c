/*
 * What the components of the hook tests share (hook_helpers.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "hook_helpers.h"

int reducer_calls;
struct logged logged;

void upd_push(rc_value *v, void *arg) {
    if (v->kind != RC_ARRAY) rc_value_set_array(v);
    rc_value_set_int(rc_array_push(v), *(const int64_t *)arg);
}

void count_reducer(rc_value *st, int action, const void *payload) {
    reducer_calls++;
    int64_t cur = rc_value_get_int(st, 0);
    switch (action) {
    case ACT_INC: rc_value_set_int(st, cur + 1); break;
    case ACT_ADD: rc_value_set_int(st, cur + *(const int64_t *)payload); break;
    case ACT_SAME: rc_value_set_int(st, cur); break;
    default: break;
    }
}

void cleanup_log(void *data) {
    slog_add(&logged.effects, "%s:cleanup", (const char *)data);
    logged.cleanups++;
}

/* arg: a const char * naming the effect (copied as a pointer). */
static rc_cleanup eff_log(rc_effect *e, void *arg) {
    (void)e;
    const char *name = *(const char *const *)arg;
    slog_add(&logged.effects, "%s:effect", name);
    return (rc_cleanup){cleanup_log, (void *)(uintptr_t)name};
}

void use_logged_effect(rc_ctx *ctx, const char *name, const void *deps, size_t deps_size) {
    rc_use_effect(ctx, eff_log, &name, sizeof name, deps, deps_size);
}
