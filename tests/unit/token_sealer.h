/*
 * An independent token sealer and opener (the format in token.h), written
 * with libsodium and zstd, for the tests of rc_token_seal and rc_token_open.
 */
#ifndef RC_TEST_TOKEN_SEALER_H
#define RC_TEST_TOKEN_SEALER_H

#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"
#include "resume/token.h"

typedef struct craft {
    uint8_t format;
    uint16_t kid;
    uint32_t app, build;
    unsigned char session[RC_SESSION_ID_BYTES];
    unsigned char version[16]; /* raw varint bytes */
    size_t nversion;
    uint8_t flags;
} craft;

craft craft_for(const rc_token_key *k, uint8_t flags);

/* Seals body under key exactly as token.h describes (header as associated
 * data, random nonce, XChaCha20-Poly1305) and appends the base64url text. */
void craft_token(const rc_token_key *k, const craft *c, const void *body, size_t len, rc_buf *out);

/* Opens a token made by rc_token_seal without rc_token_open: parses the
 * header per token.h, decrypts, decompresses. Returns the plaintext length
 * (into *plain, malloc'd), fills claims and flags. */
size_t indep_open(const rc_token_key *k, const rc_buf *text, rc_token_claims *c, uint8_t *flags,
                  unsigned char **plain);

#endif
