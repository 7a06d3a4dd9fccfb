/*
 * The packing of a token's sealed part (token.c): zstd when it helps, or
 * nothing in a build without RC_WITH_TOKEN_COMPRESSION (token_zstd_off.c,
 * docs/size.md). The header's flag 1 says which a token is, so a build
 * without it never misreads a compressed token from a full build: it
 * refuses it by name.
 */
#ifndef RC_RESUME_TOKEN_ZSTD_H
#define RC_RESUME_TOKEN_ZSTD_H

#include <stdbool.h>
#include <stddef.h>

#include "resume/refusal.h"
#include "util/buf.h"

/* Compresses plain (len bytes) into a new block *out of *out_len bytes,
 * freed by the caller, and returns true, when that makes it shorter;
 * otherwise false and *out is NULL. */
bool rc_token_compress(const void *plain, size_t len, unsigned char **out, size_t *out_len);

/* Appends the decompressed body (blen bytes) to plain, with a cap of
 * max_plain bytes (zstd bombs); RC_REFUSAL_NONE, or the refusal with its
 * reason in err. */
rc_refusal rc_token_decompress(const unsigned char *body, size_t blen, size_t max_plain,
                               rc_buf *plain, char *err, size_t errlen);

#endif
