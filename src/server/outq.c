/* A connection's output queue: whole messages, each with the LWS_PRE bytes
 * of headroom lws_write needs, sent one per writable callback. */
#include <string.h>

#include "server/outq.h"
#include "util/alloc.h"

void rc_outq_push(rc_outq *q, const char *text, size_t len) {
    rc_outmsg *m = rc_xmalloc(sizeof *m + LWS_PRE + len);
    m->next = NULL;
    m->len = len;
    memcpy(m->data + LWS_PRE, text, len);
    if (q->tail) q->tail->next = m;
    else q->head = m;
    q->tail = m;
    q->bytes += len;
}

rc_outmsg *rc_outq_pop(rc_outq *q) {
    rc_outmsg *m = q->head;
    if (!m) return NULL;
    q->head = m->next;
    if (!q->head) q->tail = NULL;
    q->bytes -= m->len;
    return m;
}

void rc_outq_clear(rc_outq *q) {
    rc_outmsg *m;
    while ((m = rc_outq_pop(q))) free(m);
}
