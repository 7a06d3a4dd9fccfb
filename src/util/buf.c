/*
 * buf.c — growable byte buffer (see buf.h).
 */
#include "util/buf.h"
#include "util/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void rc_buf_init(rc_buf *buf) {
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void rc_buf_free(rc_buf *buf) {
    free(buf->data);
    rc_buf_init(buf);
}

void rc_buf_reset(rc_buf *buf) { buf->len = 0; }

void rc_buf_grow(rc_buf *buf, size_t n) {
    size_t need, cap;
    char *p;

    /* A size that does not fit size_t: nothing sensible can be written any
     * more, so stop here rather than make every caller check. */
    if (n > SIZE_MAX - buf->len) {
        fprintf(stderr, "reactc: buffer: size overflow\n");
        abort();
    }
    need = buf->len + n;
    if (need <= buf->cap) return;
    /* Doubling keeps appends amortised O(1); 64 bytes avoids a string of
     * tiny reallocations for short messages. */
    cap = buf->cap ? buf->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    p = realloc(buf->data, cap);
    if (p == NULL) rc_oom(cap);
    buf->data = p;
    buf->cap = cap;
}

char *rc_buf_cstr(rc_buf *buf) {
    rc_buf_reserve(buf, 1);
    buf->data[buf->len] = '\0';
    return buf->data;
}
