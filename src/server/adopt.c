/*
 * Our own listeners' accept loop (the main port, --redirect-http's): lws
 * never listens itself (app.c, "the lws context on our loop"); each socket
 * accepted here is handed to the vhost that serves it.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server.h"

void rc_srv_adopt_pending(rc_server *s, int listen_fd, struct lws_vhost *vhost, const char *what) {
    /* At most 64 per wake: a flood of connections cannot keep the loop
     * from the sessions it serves; the level-triggered watcher comes back
     * for the rest. */
    for (int i = 0; i < 64; i++) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
                rc_srv_log(s, RC_LOG_WARN, "accept (%s): %s", what, strerror(errno));
            return;
        }
        if (s->shutting_down || !vhost || !lws_adopt_socket_vhost(vhost, fd)) close(fd);
    }
}
