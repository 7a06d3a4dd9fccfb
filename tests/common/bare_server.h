/*
 * bare_server.h — the smallest server the server layer's loop-side parts
 * need without a socket: a libev loop, its wake-up (ev_async) and idle
 * watchers doing nothing, and post.c's queue. Sessions are then bare
 * structs the caller makes. Shared by the unit tests of session handles
 * and of the sessions waiting for the stores, and by bench/store_saved
 * (each compiles bare_server.c).
 */
#ifndef RC_TESTS_BARE_SERVER_H
#define RC_TESTS_BARE_SERVER_H

#include "server/server.h"

/* A server of app (kept, not copied; NULL: an empty one) with its post
 * queue running; aborts when out of memory. */
rc_server *bare_server_new(rc_app *app);
/* As app.c stops a server: its sessions' handles forgotten, then what was
 * posted run (posts to them see NULL), then the loop freed with s. */
void bare_server_free(rc_server *s);

#endif
