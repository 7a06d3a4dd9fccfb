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

/* The longest location a session keeps (its buffers are one more): a
 * longer one is refused, never truncated (navigate.c). */
#define RC_LOCATION_MAX_PATHNAME 255
#define RC_LOCATION_MAX_SEARCH   511

/* Whether pathname (plen bytes) and search (slen bytes, "" or "?...") form
 * a same-origin location reactc accepts (navigate.c explains the rules). */
bool rc_location_check(const char *pathname, size_t plen, const char *search, size_t slen);
/* Splits url ("/path" with an optional "?query") into pathname and search
 * (buffers of RC_LOCATION_MAX_PATHNAME + 1 and RC_LOCATION_MAX_SEARCH + 1
 * bytes) when it passes rc_location_check. Returns 0, or -1 (untouched). */
int rc_url_split(const char *url, char *pathname, char *search);

#endif
