/*
 * What the components of the hook tests share: their props, an update
 * function, a reducer that counts its calls, and effects that log when they
 * run and when they are cleaned up.
 */
#ifndef RC_TEST_HOOK_HELPERS_H
#define RC_TEST_HOOK_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"
#include "strlog.h"

/* Props: one number, or one element id. */
typedef struct val_props {
    int64_t value;
} val_props;

typedef struct id_props {
    const char *id; /* a string literal */
} id_props;

/* An rc_state_update function: appends the int64 at arg to the value (made an
 * array first if it is not one). */
void upd_push(rc_value *v, void *arg);

/* A reducer: ACT_INC adds one, ACT_ADD the int64 payload, ACT_SAME writes
 * the same value, ACT_NOP nothing; every call counted in reducer_calls. */
enum { ACT_INC, ACT_ADD, ACT_NOP, ACT_SAME };
extern int reducer_calls;
void count_reducer(rc_value *st, int action, const void *payload);

/* Effects that log "name:effect" when they run and "name:cleanup" when
 * cleaned up (give `logged` to harness_clears to zero it before every
 * test). */
extern struct logged {
    strlog effects; /* "Name:effect" / "Name:cleanup" */
    int cleanups;
} logged;

/* Cleanup function logging "<data>:cleanup" (data: a string literal). */
void cleanup_log(void *data);

/* rc_use_effect of an effect logging name (a string literal). */
void use_logged_effect(rc_ctx *ctx, const char *name, const void *deps, size_t deps_size);

#endif
