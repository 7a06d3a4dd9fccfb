/*
 * buf.h — a growable byte buffer.
 *
 * The JSON writer (wire/json_writer.h) appends every outgoing message to
 * one; the resume layer builds snapshots and tokens in them. The buffer
 * knows nothing of what it holds: bytes in, bytes out.
 *
 * Errors: there are none to check. Out of memory (or a size overflow)
 * prints a message and aborts.
 *
 * Example:
 *     rc_buf b;
 *     rc_buf_init(&b);
 *     rc_buf_append(&b, "abc", 3);
 *     rc_buf_putc(&b, '!');
 *     puts(rc_buf_cstr(&b));
 *     rc_buf_free(&b);
 */
#ifndef RC_UTIL_BUF_H
#define RC_UTIL_BUF_H

#include <stddef.h>
#include <string.h>

/* A growable byte buffer. data is NULL until the first write. The bytes
 * are not NUL-terminated unless rc_buf_cstr() is called. */
typedef struct rc_buf {
    char *data;
    size_t len, cap;
} rc_buf;

void rc_buf_init(rc_buf *buf);
/* Releases the memory and re-initialises the buffer (empty, no storage). */
void rc_buf_free(rc_buf *buf);
/* Empties the buffer but keeps its storage for reuse. */
void rc_buf_reset(rc_buf *buf);
/* Grows the storage (out of line): room for at least n more bytes. */
void rc_buf_grow(rc_buf *buf, size_t n);
/* Writes a NUL after the last byte (len is unchanged) and returns data;
 * never NULL. */
char *rc_buf_cstr(rc_buf *buf);

/* The writes below are inline: they run for every token of every message,
 * and the common case (room left) is one comparison. */

/* Makes room for at least n more bytes after len. */
static inline void rc_buf_reserve(rc_buf *buf, size_t n) {
    if (buf->cap - buf->len < n) rc_buf_grow(buf, n);
}

static inline void rc_buf_append(rc_buf *buf, const void *p, size_t n) {
    if (n == 0) return;
    rc_buf_reserve(buf, n);
    memcpy(buf->data + buf->len, p, n);
    buf->len += n;
}

static inline void rc_buf_putc(rc_buf *buf, char c) {
    rc_buf_reserve(buf, 1);
    buf->data[buf->len++] = c;
}

#endif /* RC_UTIL_BUF_H */
