/*
 * The newest state of a session, with Redis (docs/resume.md, "With Redis:
 * the newest snapshot"): a resume may rebuild from the client's token or
 * from the snapshot Redis holds for the session, whichever is newer.
 *
 * A snapshot read back from Redis is a sealed token like the client's and
 * is checked as one (rc_resume_accept), and more: Redis only ever holds
 * full tokens, stored beside their version in clear (the newer-only rule
 * of the write compares those), so a reference token there, or one whose
 * stored version is not its own, was put there by someone else.
 */
#ifndef RC_RESUME_NEWEST_H
#define RC_RESUME_NEWEST_H

#include <stdbool.h>
#include <stdint.h>

#include "resume/accept.h"

/* Whether text is exactly the decimal digits of v (no sign, no spaces). */
bool rc_version_text_is(const char *text, uint64_t v);

/* rc_resume_accept for a snapshot stored in Redis as (stored_version,
 * token), claimed to be session claimed_id's. Refuses a reference token
 * (malformed) and a stored version that is not the token's (version
 * mismatch) on top of rc_resume_accept's refusals. */
void rc_resume_accept_snapshot(rc_resume *out, const rc_keyring *keys, const char *claimed_id,
                               const char *stored_version, const char *token, uint64_t now,
                               const rc_resume_limits *limits);

/* What a resume rebuilds from. */
typedef enum rc_resume_pick {
    RC_PICK_CLIENT,     /* the client's token (accepted or not: its refusal stands) */
    RC_PICK_SNAPSHOT,   /* the snapshot from Redis */
    RC_PICK_NO_SNAPSHOT /* an accepted reference token without a snapshot as new as it */
} rc_resume_pick;

/* Picks between the client's token (client, as rc_resume_accept left it)
 * and the snapshot (NULL when there is none accepted). The snapshot is
 * used only for a client whose token is authentic for the session (an id
 * alone proves nothing), when it is newer than the client's token, or the
 * token is a reference (no state of its own: the snapshot must be at least
 * as new), or the token was refused for its age alone. */
rc_resume_pick rc_resume_newest(const rc_resume *client, const rc_resume *snapshot);

#endif
