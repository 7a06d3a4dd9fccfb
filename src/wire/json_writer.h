/*
 * json_writer.h — an append-only JSON writer over a growable byte buffer.
 *
 * The wire layer writes every outgoing JSON message by hand with these
 * functions: no tree is built, each call appends text to an rc_buf
 * (util/buf.h, included here for the writer's users). The
 * caller supplies the punctuation (rc_jw_raw / rc_buf_putc); the writer
 * guarantees that every string it writes is valid JSON and valid UTF-8
 * (invalid input bytes become U+FFFD), and that the text can be embedded
 * in an HTML <script> element ("</" is written as "<\/", U+2028/U+2029 are
 * escaped).
 *
 * Errors: there are none to check. Out of memory (or a size overflow)
 * prints a message and aborts.
 *
 * Example:
 *     rc_buf b;
 *     rc_buf_init(&b);
 *     rc_jw_raw(&b, "{");
 *     rc_jw_key(&b, "type");
 *     rc_jw_str(&b, "layout-update");
 *     rc_jw_raw(&b, "}");
 *     send(b.data, b.len);
 *     rc_buf_free(&b);
 */
#ifndef RC_WIRE_JSON_WRITER_H
#define RC_WIRE_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "reactc_layout.h"
#include "util/buf.h"

/* Appends a NUL-terminated string verbatim: punctuation and other text
 * known to be valid JSON ("{", "\"type\":", ","). */
static inline void rc_jw_raw(rc_buf *buf, const char *literal) {
    rc_buf_append(buf, literal, strlen(literal));
}

/* A quoted JSON string of the len bytes at s (s may be NULL when len is 0).
 * Escapes '"', '\\', control characters, U+2028, U+2029 and "</"; valid
 * UTF-8 is copied unchanged; each maximal invalid subsequence is replaced
 * by U+FFFD (the Unicode "maximal subpart" practice, as browsers do). */
void rc_jw_string(rc_buf *buf, const char *s, size_t len);
/* rc_jw_string of a NUL-terminated string; NULL writes null. */
void rc_jw_str(rc_buf *buf, const char *s);
/* An object key: the quoted string followed by ':'. */
void rc_jw_key(rc_buf *buf, const char *key);

void rc_jw_int(rc_buf *buf, int64_t v);
void rc_jw_uint(rc_buf *buf, uint64_t v);
/* The shortest of %.15g, %.16g, %.17g that reads back as the same double;
 * whole numbers keep a ".0" so readers see a float ("1.0", "-0.0").
 * NaN and infinities are written as null (JSON has no such numbers). */
void rc_jw_double(rc_buf *buf, double v);
void rc_jw_bool(rc_buf *buf, bool v);
void rc_jw_null(rc_buf *buf);

/* A quoted standard base64 string (with padding) of n bytes. */
void rc_jw_base64(rc_buf *buf, const void *p, size_t n);

/* An rc_value as JSON. RC_BYTES: a base64 string. RC_STRUCT:
 * {"$struct":"<type name>","v":<version>,"b64":"<base64 of the bytes>"}.
 * Objects keep member order. An unknown kind is written as null. */
void rc_jw_value(rc_buf *buf, const rc_value *v);

#endif /* RC_WIRE_JSON_WRITER_H */
