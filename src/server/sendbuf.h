/* sendbuf.c: the unsent tail of a buffer onto a non-blocking socket. */
#ifndef RC_SERVER_SENDBUF_H
#define RC_SERVER_SENDBUF_H

#include <stddef.h>

#include "util/buf.h"

typedef enum rc_send_result {
    RC_SEND_DONE,  /* b holds nothing unsent (*off == b->len) */
    RC_SEND_AGAIN, /* the socket is full: wait for it to be writable */
    RC_SEND_GONE   /* the peer is gone (or the socket failed) */
} rc_send_result;

/* Sends b's bytes from *off on, advancing *off, until all are out, the
 * socket would block, or it fails (EINTR retried; no SIGPIPE). The
 * buffer is left as it is: resetting it is the caller's. */
rc_send_result rc_send_tail(int fd, const rc_buf *b, size_t *off);

#endif
