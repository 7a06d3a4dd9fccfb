/* A connection's output queue (outq.c): whole messages waiting for the
 * socket, each with the LWS_PRE bytes of headroom lws_write needs. */
#ifndef RC_SERVER_OUTQ_H
#define RC_SERVER_OUTQ_H

#include <libwebsockets.h>
#include <stddef.h>

typedef struct rc_outmsg {
    struct rc_outmsg *next;
    size_t len;
    unsigned char data[]; /* LWS_PRE bytes of headroom, then the text */
} rc_outmsg;

typedef struct rc_outq {
    rc_outmsg *head, *tail;
    size_t bytes;
} rc_outq;

void rc_outq_push(rc_outq *q, const char *text, size_t len);
rc_outmsg *rc_outq_pop(rc_outq *q);
void rc_outq_clear(rc_outq *q);

#endif
