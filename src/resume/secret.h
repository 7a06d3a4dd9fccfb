/*
 * Secrets for state tokens, as text: typed by a prefix, so a weak or
 * mistyped one is refused at start instead of accepted quietly.
 *
 *   b64:<32 random bytes in base64>   the default form (reactc-secret prints one)
 *   hex:<the same 32 bytes as 64 hex digits>
 *   pass:<a passphrase>               stretched once with Argon2id (below)
 *
 * Several secrets (key rotation: the first seals, all open) are separated by
 * commas or newlines; b64: and hex: ones also by spaces or tabs. A
 * passphrase runs to the end of its line or to a comma, spaces trimmed.
 * Each secret becomes a 32-byte master; keys are derived from the masters
 * and the app id (token.h).
 */
#ifndef RC_RESUME_SECRET_H
#define RC_RESUME_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define RC_SECRET_BYTES      32
#define RC_SECRET_MAX        8
/* Argon2id for pass: secrets, chosen for small devices (a Raspberry Pi
 * class board has the 64 MiB to spare once, at start): 3 passes over 64
 * MiB, RFC 9106's second recommended setting. The salt is a hash of the app
 * id: every server of one app derives the same master, and a passphrase
 * shared by two apps still gives each its own. Changing these changes every
 * pass: master, so it bumps the token format (docs/resume.md). */
#define RC_SECRET_PWHASH_OPS 3u
#define RC_SECRET_PWHASH_MEM (64u << 20)
/* How to make a secret, for the messages that refuse one. */
#define RC_SECRET_HOWTO                                                                      \
    "make one with `reactc-secret` (or: echo \"b64:$(head -c 32 /dev/urandom | base64)\"); " \
    "forms: b64:<32 bytes in base64>, hex:<64 hex digits>, pass:<passphrase>"

typedef struct rc_secrets {
    unsigned char master[RC_SECRET_MAX][RC_SECRET_BYTES];
    size_t n;
    bool stretched; /* some came from pass: (Argon2id ran) */
} rc_secrets;

/* Parses secret text into masters; pass: ones are stretched with the salt
 * of app_id. Empty text gives n == 0. Returns 0, or -1 with err (which never
 * quotes the secret) and out wiped. */
int rc_secrets_parse(rc_secrets *out, const char *text, const char *app_id, char *err,
                     size_t errlen);
void rc_secrets_wipe(rc_secrets *s);

/* Reads a secret file into buf (NUL-terminated, at most size - 1 bytes).
 * Refused: not a regular file, any permission for group or others (it must
 * be 0600 or 0400), larger than buf, a NUL byte. Returns 0 or -1 with err. */
int rc_secret_file_read(const char *path, char *buf, size_t size, char *err, size_t errlen);

/* Reads all of fd (a pipe from the dev runner) as secret text and closes it:
 * malloc'd, NULL on error or more than 4 KiB. */
char *rc_secret_read_fd(int fd);

#endif
