/*
 * What a host (reactc's server) tells a layout about the connection behind
 * it. Not public: an embedder with a transport of its own reads and writes
 * the layout through reactc_layout.h; this is how the server feeds
 * rc_use_connection.
 */
#ifndef RC_CORE_HOST_H
#define RC_CORE_HOST_H

#include "reactc_layout.h"

/* A connection (re)started the session: readers of rc_use_connection
 * re-render when it differs. */
void rc_layout_set_connection(rc_layout *layout, const rc_connection *c);

/* The server's handle of the session behind the layout
 * (rc_layout_get_session_handle; src/server/handle.c). */
void rc_layout_set_session_handle(rc_layout *layout, uint64_t id);

/* The signed-in user the server's login found for the session (read by
 * rc_use_user; user.c), or NULL or "" for none. Set before the first
 * render; the user of a session never changes (the server refuses a
 * re-attach or resume by another user). */
void rc_layout_set_user_name(rc_layout *layout, const char *user);

#endif
