/*
 * Resume acceptance: everything that decides whether a client's state token
 * may rebuild its session, in one call.
 *
 *   claimed session id (base64url)  ->  16 bytes, or SESSION_MALFORMED
 *   token text                       ->  rc_token_open: size, format, key,
 *                                        app, authenticity, decompression
 *   claims vs the claimed session    ->  OTHER_SESSION
 *   plaintext                        ->  rc_snapshot_read
 *   snapshot vs the clock and claims ->  EXPIRED, FUTURE, VERSION_MISMATCH,
 *                                        TOO_OLD
 *
 * A token expires at its issue time + min(its own ttl, the server's ttl
 * now): lowering the server's ttl shortens tokens already issued.
 *
 * The server (src/server/session_resume.c) only chooses between re-attach,
 * resume and a fresh session from the result: a detached session held in
 * the process is re-attached unless an authentic token of a newer version
 * says the tab lived on elsewhere since.
 */
#ifndef RC_RESUME_ACCEPT_H
#define RC_RESUME_ACCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resume/refusal.h"
#include "resume/snapshot.h"
#include "resume/token.h"

typedef struct rc_resume_limits {
    uint32_t app_tag;     /* tokens of other apps are refused */
    size_t max_token;     /* bytes of token text */
    size_t max_plain;     /* bytes of snapshot once decompressed */
    uint32_t max_skew_s;  /* how far in the future an issue time may be */
    uint64_t min_version; /* older versions are refused (0: any) */
    uint32_t ttl_s;       /* the server's token lifetime now: caps the token's own */
} rc_resume_limits;

/* The limits the server uses, for the app tag, token size and token
 * lifetime (seconds) given. */
rc_resume_limits rc_resume_limits_default(uint32_t app_tag, size_t max_token, uint32_t ttl_s);

typedef struct rc_resume {
    rc_refusal refusal; /* RC_REFUSAL_NONE: accepted */
    char reason[160];   /* the refusal in words (logged, sent to the client) */
    bool id_valid;      /* session holds the claimed id */
    unsigned char session[RC_SESSION_ID_BYTES];
    bool authentic; /* the token opened and names that session: claims hold */
    rc_token_claims claims;
    rc_snapshot snapshot; /* accepted only: the verified state */
} rc_resume;

/* Decides whether `token` (may be NULL or empty) resumes session
 * `claimed_id` at unix time `now`. Always fills *out; when it is accepted,
 * out->snapshot holds the state to restore. Release with rc_resume_free. */
void rc_resume_accept(rc_resume *out, const rc_keyring *keys, const char *claimed_id,
                      const char *token, uint64_t now, const rc_resume_limits *limits);
void rc_resume_free(rc_resume *r);

#endif
