/*
 * A build without token compression (RC_WITH_TOKEN_COMPRESSION=OFF,
 * docs/size.md): tokens are sealed raw (flag 1 clear), and libzstd is not
 * linked. A compressed token, from a full build of the same app, is
 * authentic but cannot be opened here: refused by name (a fresh session,
 * as for any refusal), never misread.
 */
#include "resume/token_zstd.h"

#include <stdio.h>

bool rc_token_compress(const void *plain, size_t len, unsigned char **out, size_t *out_len) {
    (void)plain;
    (void)len;
    (void)out_len;
    *out = NULL;
    return false;
}

rc_refusal rc_token_decompress(const unsigned char *body, size_t blen, size_t max_plain,
                               rc_buf *plain, char *err, size_t errlen) {
    (void)body;
    (void)blen;
    (void)max_plain;
    (void)plain;
    snprintf(err, errlen,
             "token is compressed, and this build of reactc opens no compressed "
             "tokens (built without RC_WITH_TOKEN_COMPRESSION)");
    return RC_REFUSAL_FORMAT;
}
