/*
 * The loop's own sockets (the metrics listener's connections, the
 * supervisor's channels, the uploads relay) each keep what they still
 * have to send in an rc_buf with an offset; this is the one loop that
 * hands it to send() when the socket is writable.
 */
#include <errno.h>
#include <sys/socket.h>

#include "server/sendbuf.h"

rc_send_result rc_send_tail(int fd, const rc_buf *b, size_t *off) {
    while (*off < b->len) {
        ssize_t n = send(fd, b->data + *off, b->len - *off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return RC_SEND_AGAIN;
        if (n <= 0) return RC_SEND_GONE;
        *off += (size_t)n;
    }
    return RC_SEND_DONE;
}
