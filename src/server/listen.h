/* listen.c: a listening socket of our own. */
#ifndef RC_SERVER_LISTEN_H
#define RC_SERVER_LISTEN_H

#include <stdbool.h>

/* Binds host:port (port 0: any free one) with SO_REUSEADDR (and
 * SO_REUSEPORT when reuseport: processes that share the port on purpose),
 * non-blocking and close-on-exec, and listens when do_listen. Returns the
 * descriptor (the port in *bound_port when not NULL), or -1 with errno. */
int rc_listen_socket(const char *host, int port, bool reuseport, bool do_listen, int *bound_port);
/* The port fd is bound to (asked for 0, or inherited from the runner), or
 * fallback when it has none (not an IP socket). */
int rc_listen_port(int fd, int fallback);

#endif
