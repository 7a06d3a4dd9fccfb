/*
 * Run by scripts/size.sh against the core build's static library
 * (build-size/libreactc.a, every RC_WITH_* option off, so no token
 * compression): tokens are internal (src/resume/token.h), not exported by
 * the shared library.
 *
 *  - A compressed token sealed by a full build (the format 2 fixture,
 *    tests/unit/fixtures/token_v2.h, zstd-compressed) is refused by name
 *    (RC_REFUSAL_FORMAT), never misread or crashed on; size.sh checks the
 *    reason printed names RC_WITH_TOKEN_COMPRESSION.
 *  - A large, very compressible snapshot is sealed raw: flag 1 of the
 *    header is clear, and the token opens again to the same bytes.
 */
#include <stdio.h>
#include <string.h>

#include "resume/token.h"
#include "util/base64url.h"

#include "../unit/fixtures/token_v2.h"

int main(void) {
    rc_keyring kr;
    char err[300];
    if (rc_keyring_init(&kr, FX_V2_SECRET, FX_V2_APP_ID, err, sizeof err) < 0) {
        fprintf(stderr, "token_compression_off: keyring: %s\n", err);
        return 1;
    }
    rc_token_claims claims;
    rc_buf plain;
    rc_buf_init(&plain);
    const char *fx = FX_V2_TOKEN;
    rc_refusal r = rc_token_open(&kr, fx, strlen(fx), FX_V2_APP_TAG, 1 << 16, 1 << 20, &claims,
                                 &plain, err, sizeof err);
    if (r != RC_REFUSAL_FORMAT || plain.len) {
        fprintf(stderr, "token_compression_off: a full build's compressed token: %s (%s)\n",
                rc_refusal_name(r), r ? err : "opened");
        return 1;
    }
    fprintf(stderr, "token_compression_off: refused as it should: %s\n", err);

    /* 4 KiB of one letter: zstd would take it to a few dozen bytes. */
    static char big[4096];
    memset(big, 'a', sizeof big);
    rc_token_claims c = {.app_tag = FX_V2_APP_TAG, .version = 5};
    rc_buf token;
    rc_buf_init(&token);
    rc_token_seal(&kr, &c, big, sizeof big, &token);
    unsigned char raw[8192];
    long n = rc_base64url_decode(token.data, token.len, raw, sizeof raw);
    /* format, key id (2), app tag (4), build tag (4), session id, one
     * varint byte of version 5, then the flags (token.h). */
    size_t flags_at = 1 + 2 + 4 + 4 + RC_SESSION_ID_BYTES + 1;
    if (n < (long)(flags_at + 1) || (raw[flags_at] & 1) || (size_t)n < sizeof big) {
        fprintf(stderr, "token_compression_off: a token was compressed (flags %d, %ld bytes)\n",
                n > (long)flags_at ? raw[flags_at] : -1, n);
        return 1;
    }
    rc_buf_reset(&plain);
    r = rc_token_open(&kr, token.data, token.len, FX_V2_APP_TAG, 1 << 16, 1 << 20, &claims, &plain,
                      err, sizeof err);
    if (r || plain.len != sizeof big || memcmp(plain.data, big, sizeof big) != 0) {
        fprintf(stderr, "token_compression_off: a raw token does not open again: %s\n", err);
        return 1;
    }
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
    return 0;
}
