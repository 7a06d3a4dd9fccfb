/*
 * Why a state token was refused: one code per reason, so the server, its
 * logs and the tests name a refusal the same way. The text that goes with a
 * refusal (rc_token_open's and rc_resume_accept's err) says the same thing
 * in words, sometimes with a detail (which snapshot field was cut short).
 */
#ifndef RC_RESUME_REFUSAL_H
#define RC_RESUME_REFUSAL_H

typedef enum rc_refusal {
    RC_REFUSAL_NONE = 0,          /* accepted */
    RC_REFUSAL_SESSION_MALFORMED, /* the claimed session id is not 16 base64url bytes */
    RC_REFUSAL_NO_TOKEN,          /* the client sent none */
    RC_REFUSAL_TOO_LARGE,         /* over max_token, or its content over max_plain */
    RC_REFUSAL_MALFORMED,         /* not base64url, cut short, bad header or flags */
    RC_REFUSAL_FORMAT,            /* a token format this server does not read */
    RC_REFUSAL_UNKNOWN_KEY,       /* sealed under a key id no secret here has */
    RC_REFUSAL_OTHER_APP,         /* sealed for another app id */
    RC_REFUSAL_TAMPERED,          /* failed authentication: changed, or another secret */
    RC_REFUSAL_CORRUPT,           /* authentic, but its content does not decode */
    RC_REFUSAL_OTHER_SESSION,     /* authentic, but names another session than claimed */
    RC_REFUSAL_EXPIRED,           /* issued + ttl is in the past */
    RC_REFUSAL_FUTURE,            /* issued further ahead than the allowed clock skew */
    RC_REFUSAL_VERSION_MISMATCH,  /* the header's version and the snapshot's differ */
    RC_REFUSAL_TOO_OLD,           /* older than the oldest version allowed for the session */
    RC_REFUSAL_FORMAT_OLD,        /* a token format this server no longer reads (docs/resume.md) */
    RC_REFUSAL_NO_SNAPSHOT,       /* a reference token whose snapshot Redis does not hold */
    RC_REFUSAL_OTHER_USER         /* authentic, but sealed for another signed-in user (login) */
} rc_refusal;

/* A short stable name for logs and tests ("expired", "tampered"...). */
const char *rc_refusal_name(rc_refusal r);

#endif
