/*
 * The write scope around app callbacks (track.h). A thread-local depth:
 * scopes nest (an effect's setter running a handler-like helper, a posted
 * callback calling into a layout), and only the outermost end commits, so a
 * handler's writes are one batch however the code is structured.
 */
#include "core/track.h"

#include <stddef.h>

static rc_scope_end_fn end_hook;
static _Thread_local unsigned depth;

void rc_scope_set_end(rc_scope_end_fn end_fn) { end_hook = end_fn; }

void rc_scope_begin(void) { depth++; }

void rc_scope_end(rc_layout *layout, uint64_t seq) {
    if (!depth) return;
    if (--depth == 0 && end_hook) end_hook(layout, seq);
}

bool rc_scope_is_open(void) { return depth > 0; }
