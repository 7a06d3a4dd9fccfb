/*
 * The write scope around app callbacks (track.h). A thread-local depth:
 * scopes nest (an effect's setter running a handler-like helper, a posted
 * callback calling into a layout), and only the outermost end commits, so a
 * handler's writes are one batch however the code is structured.
 */
#include "core/internal.h"

static rc_scope_end_fn end_hook;
static _Thread_local unsigned depth;

void rc_scope_set_end(rc_scope_end_fn end_fn) { end_hook = end_fn; }

void rc_scope_begin(void) { depth++; }

void rc_scope_end(rc_layout *layout, uint64_t seq) {
    if (!depth || --depth || !end_hook) return;
    /* An event whose writes went to stores changed no slot of the session,
     * so no newer token would hold its seq: the client would keep the
     * event and replay it into the stores on its next resume. Moving the
     * state epoch makes the server seal a token past it. (What remains, an
     * event replayed because its token never arrived, needs the per-session
     * high-water marks of a later version.) */
    if (end_hook(layout, seq) && layout && seq) layout->state_epoch++;
}

bool rc_scope_is_open(void) { return depth > 0; }
