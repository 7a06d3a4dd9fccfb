/*
 * What the core offers the layers above it for shared state (src/store):
 * read tracking of sources (track.c) and the write scope around app
 * callbacks (scope.c). A source is anything a render can read and that can
 * change; the store layer embeds one per value and per item, and calls
 * rc_track_read from its readers and rc_source_notify on a committed change.
 */
#ifndef RC_CORE_TRACK_H
#define RC_CORE_TRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "reactc.h"

typedef struct rc_sub rc_sub;
typedef struct rc_instance rc_instance;

/* Something a render can read: its readers since their last render. Zero
 * it to initialise; rc_source_release it before freeing it. */
typedef struct rc_source {
    rc_sub *subs;
} rc_source;

/* Records that the instance rendering on this thread (if any) read src.
 * owner (may be NULL): an instance that is re-rendered by a change of src
 * anyway (a slot's own), which subscribes nothing. */
void rc_track_read(rc_source *src, const rc_instance *owner);
/* Marks every reader of src dirty (they re-render in their layout's next
 * flush). */
void rc_source_notify(rc_source *src);
/* src goes away: its readers forget it (safely, whichever goes first). */
void rc_source_release(rc_source *src);

/* The write scope (scope.c): app code the core calls outside a render (a
 * handler, an effect or cleanup, a timer) runs inside one, and so does a
 * server's posted callback. When the outermost scope ends, end_fn (set by
 * the store layer, once, before any scope opens) commits the writes staged
 * in it as one batch and returns whether there were any. layout and seq
 * say whose callback it was (NULL, 0: none in particular): room for
 * per-session exactly-once marks. */
typedef bool (*rc_scope_end_fn)(rc_layout *layout, uint64_t seq);
void rc_scope_set_end(rc_scope_end_fn end_fn);
void rc_scope_begin(void);
void rc_scope_end(rc_layout *layout, uint64_t seq);
/* Whether a scope is open on this thread. */
bool rc_scope_is_open(void);

#endif
