/*
 * An independent token sealer and opener (token_sealer.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>

#include <sodium.h>
#include <zstd.h>

#include "token_fixture.h"
#include "token_sealer.h"
#include "util/base64url.h"

/* ------------------------------------------------------------------------ */
/* An independent token sealer and opener (the format in token.h).         */
/* ------------------------------------------------------------------------ */

craft craft_for(const rc_token_key *k, uint8_t flags) {
    craft c;
    memset(&c, 0, sizeof c);
    c.format = 2;
    c.kid = k->id;
    c.app = APP_TAG;
    c.build = BUILD_TAG;
    rc_token_claims cl = claims_for(7, 1);
    memcpy(c.session, cl.session, sizeof c.session);
    c.version[0] = 1;
    c.nversion = 1;
    c.flags = flags;
    return c;
}

/* Seals body under key exactly as token.h describes (header as associated
 * data, random nonce, XChaCha20-Poly1305) and appends the base64url text. */
void craft_token(const rc_token_key *k, const craft *c, const void *body, size_t len, rc_buf *out) {
    size_t hmax = 1 + 2 + 4 + 4 + RC_SESSION_ID_BYTES + sizeof c->version + 1;
    unsigned char *raw = malloc(hmax + NONCE_BYTES + len + MAC_BYTES);
    assert_non_null(raw);
    size_t n = 0;
    raw[n++] = c->format;
    raw[n++] = (unsigned char)c->kid;
    raw[n++] = (unsigned char)(c->kid >> 8);
    for (int i = 0; i < 4; i++) raw[n++] = (unsigned char)(c->app >> (8 * i));
    for (int i = 0; i < 4; i++) raw[n++] = (unsigned char)(c->build >> (8 * i));
    memcpy(raw + n, c->session, RC_SESSION_ID_BYTES);
    n += RC_SESSION_ID_BYTES;
    memcpy(raw + n, c->version, c->nversion);
    n += c->nversion;
    raw[n++] = c->flags;
    randombytes_buf(raw + n, NONCE_BYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(raw + n + NONCE_BYTES, &clen, body, len, raw, n,
                                               NULL, raw + n, k->key);
    b64_append(out, raw, n + NONCE_BYTES + (size_t)clen);
    free(raw);
}

/* Opens a token made by rc_token_seal without rc_token_open: parses the
 * header per token.h, decrypts, decompresses. Returns the plaintext length
 * (into *plain, malloc'd), fills claims and flags. */
size_t indep_open(const rc_token_key *k, const rc_buf *text, rc_token_claims *c, uint8_t *flags,
                  unsigned char **plain) {
    unsigned char *raw;
    size_t len = decode(text, &raw);
    assert_true(len >= T_MIN);
    assert_int_equal(raw[0], 2);
    assert_int_equal(raw[1] | raw[2] << 8, k->id);
    memset(c, 0, sizeof *c);
    size_t n = 3;
    for (int i = 0; i < 4; i++) c->app_tag |= (uint32_t)raw[n++] << (8 * i);
    for (int i = 0; i < 4; i++) c->build_tag |= (uint32_t)raw[n++] << (8 * i);
    memcpy(c->session, raw + n, RC_SESSION_ID_BYTES);
    n += RC_SESSION_ID_BYTES;
    for (int shift = 0;; shift += 7) {
        assert_true(shift < 64);
        unsigned char b = raw[n++];
        c->version |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
    }
    *flags = raw[n++];
    const unsigned char *nonce = raw + n;
    size_t clen = len - n - NONCE_BYTES;
    unsigned char *body = malloc(clen);
    assert_non_null(body);
    unsigned long long blen = 0;
    assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(
                         body, &blen, NULL, nonce + NONCE_BYTES, clen, raw, n, nonce, k->key),
                     0);
    size_t out_len = (size_t)blen;
    if (*flags & 1) {
        unsigned long long size = ZSTD_getFrameContentSize(body, (size_t)blen);
        assert_true(size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN);
        *plain = malloc(size ? (size_t)size : 1);
        assert_non_null(*plain);
        size_t d = ZSTD_decompress(*plain, (size_t)size, body, (size_t)blen);
        assert_false(ZSTD_isError(d));
        out_len = d;
        free(body);
    } else {
        *plain = body;
    }
    free(raw);
    return out_len;
}
