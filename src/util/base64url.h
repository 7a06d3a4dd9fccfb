/*
 * base64url (RFC 4648 §5, no padding): session ids and state tokens travel
 * in it, and handler ids are a 64-bit number written in its digits. One
 * alphabet, one decoder, for all of them.
 */
#ifndef RC_UTIL_BASE64URL_H
#define RC_UTIL_BASE64URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Characters needed for n bytes (no padding). */
#define RC_BASE64URL_LEN(n)  (((n) / 3) * 4 + ((n) % 3 ? (n) % 3 + 1 : 0))
/* Characters of a 64-bit number in base64url digits (64 bits in 66). */
#define RC_BASE64URL_U64_LEN 11

/* Writes the RC_BASE64URL_LEN(len) characters of in[0..len) to out (no
 * NUL); returns that length. */
size_t rc_base64url_encode(char *out, const void *in, size_t len);
/* Decodes len characters into out (at most cap bytes). Returns the number
 * of bytes, or -1 on a character outside the alphabet, an impossible length,
 * non-zero leftover bits (one text per byte string) or more than cap bytes. */
long rc_base64url_decode(const char *s, size_t len, unsigned char *out, size_t cap);

/* A 64-bit number as 11 digits, most significant first (the first digit
 * holds the top 4 bits), then a NUL: out has room for 12 characters. */
void rc_base64url_encode_u64(char *out, uint64_t v);
/* The inverse: exactly 11 digits then the string's end; false if not. */
bool rc_base64url_decode_u64(const char *s, uint64_t *out);

#endif
