/*
 * Token compression with zstd (token_zstd.h), level 1: a token is sealed on
 * the loop after renders, so speed matters more than the last bytes.
 */
#include "resume/token_zstd.h"

#include <stdio.h>
#include <stdlib.h>
#include <zstd.h>

#include "util/alloc.h"

/* Compress only when there is something to gain: a zstd frame costs ~10
 * bytes, so tiny snapshots (a counter's) go in raw. */
#define COMPRESS_MIN 96

bool rc_token_compress(const void *plain, size_t len, unsigned char **out, size_t *out_len) {
    *out = NULL;
    if (len < COMPRESS_MIN) return false;
    size_t bound = ZSTD_compressBound(len);
    unsigned char *z = rc_xmalloc(bound);
    size_t n = ZSTD_compress(z, bound, plain, len, 1);
    if (ZSTD_isError(n) || n >= len) {
        free(z);
        return false;
    }
    *out = z;
    *out_len = n;
    return true;
}

static rc_refusal refuse(char *err, size_t errlen, rc_refusal why, const char *text) {
    snprintf(err, errlen, "%s", text);
    return why;
}

rc_refusal rc_token_decompress(const unsigned char *body, size_t blen, size_t max_plain,
                               rc_buf *plain, char *err, size_t errlen) {
    unsigned long long size = ZSTD_getFrameContentSize(body, blen);
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_plain)
        return refuse(err, errlen,
                      size > max_plain && size < ZSTD_CONTENTSIZE_ERROR ? RC_REFUSAL_TOO_LARGE
                                                                        : RC_REFUSAL_CORRUPT,
                      "token content too large or malformed");
    rc_buf_reserve(plain, (size_t)size + 1);
    size_t d = ZSTD_decompress(plain->data + plain->len, (size_t)size, body, blen);
    if (ZSTD_isError(d) || d != size)
        return refuse(err, errlen, RC_REFUSAL_CORRUPT, "token content does not decompress");
    plain->len += d;
    return RC_REFUSAL_NONE;
}
