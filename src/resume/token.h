/*
 * State tokens: a snapshot compressed (zstd, when it helps) and sealed with
 * XChaCha20-Poly1305 under a key derived from the master secret, as one
 * base64url string the client keeps and hands back on reconnect.
 *
 *   header (authenticated as associated data, sent in clear):
 *     u8  format (2)        u16 key id        u32 app tag    u32 build tag
 *     16  session id        varint version    u8 flags (1 = zstd, 2 = reference)
 *   24    nonce (random)
 *   ...   ciphertext of the snapshot, 16-byte tag at the end
 *
 * The whole snapshot is sealed as one: a client cannot mix values from
 * different moments. Binding the session id and version in the associated
 * data means a token only ever opens as the session and version it names.
 * The app tag is checked against this server's app (a token of another app
 * is rejected with that reason); the build tag only reports which build made
 * the token — a new build resumes what still fits (docs/resume.md).
 */
#ifndef RC_RESUME_TOKEN_H
#define RC_RESUME_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resume/refusal.h"
#include "util/buf.h"

#define RC_SESSION_ID_BYTES 16
#define RC_TOKEN_KEY_BYTES  32
#define RC_TOKEN_MAX_KEYS   8

typedef struct rc_token_key {
    uint16_t id;
    unsigned char key[RC_TOKEN_KEY_BYTES];
} rc_token_key;

/* The keys a server accepts; keys[0] seals. */
typedef struct rc_keyring {
    rc_token_key keys[RC_TOKEN_MAX_KEYS];
    size_t nkeys;
    bool ephemeral; /* made up at start: resume only in-process */
    bool stretched; /* a pass: secret was stretched (warn: weaker than b64:) */
} rc_keyring;

/* From typed secrets (secret.h; the first seals, all open: rotation without
 * logging anyone out), each key derived for app_id. NULL or empty: a random
 * key, and keyring->ephemeral is set. Returns 0 or -1 with err. */
int rc_keyring_init(rc_keyring *kr, const char *secrets, const char *app_id, char *err,
                    size_t errlen);
/* Reads the secrets from a file (same format; must be mode 0600 or 0400). */
int rc_keyring_load_file(rc_keyring *kr, const char *path, const char *app_id, char *err,
                         size_t errlen);
void rc_keyring_wipe(rc_keyring *kr);

typedef struct rc_token_claims {
    uint32_t app_tag;
    uint32_t build_tag;
    unsigned char session[RC_SESSION_ID_BYTES];
    uint64_t version;
    /* A reference token: the session's state is too big for a token and
     * lives in Redis as its newest snapshot (session_snapshot.c); the
     * plaintext holds only the snapshot header (no slots). */
    bool reference;
} rc_token_claims;

/* Seals plaintext into out (appended, base64url, no padding). */
void rc_token_seal(const rc_keyring *kr, const rc_token_claims *claims, const void *plain,
                   size_t len, rc_buf *out);

/* Opens a token. Checks format, size (max_token bytes of text), key id, app
 * tag and authenticity; decompresses with a cap (max_plain). On success
 * returns RC_REFUSAL_NONE (0), fills claims and appends the snapshot bytes
 * to plain. Otherwise returns why it was refused, with the reason in words
 * in err, and plain is unchanged. Only authenticity is checked here: what
 * the claims must match (session, expiry, version) is rc_resume_accept's
 * (accept.h). */
rc_refusal rc_token_open(const rc_keyring *kr, const char *token, size_t token_len,
                         uint32_t app_tag, size_t max_token, size_t max_plain,
                         rc_token_claims *claims, rc_buf *plain, char *err, size_t errlen);

#endif
