#include "resume/newest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

bool rc_version_text_is(const char *text, uint64_t v) {
    if (!text || *text < '0' || *text > '9') return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    /* strtoull saturates ("18446744073709551616" reads as UINT64_MAX). */
    return !*end && errno != ERANGE && n == v;
}

void rc_resume_accept_snapshot(rc_resume *out, const rc_keyring *keys, const char *claimed_id,
                               const char *stored_version, const char *token, uint64_t now,
                               const rc_resume_limits *limits) {
    rc_resume_accept(out, keys, claimed_id, token, now, limits);
    if (out->refusal) return;
    rc_refusal why = RC_REFUSAL_NONE;
    const char *text = NULL;
    if (out->claims.reference) {
        why = RC_REFUSAL_MALFORMED;
        text = "a reference token stored as a snapshot";
    } else if (!rc_version_text_is(stored_version, out->claims.version)) {
        why = RC_REFUSAL_VERSION_MISMATCH;
        text = "its stored version is not the token's";
    }
    if (!why) return;
    rc_snapshot_free(&out->snapshot);
    out->refusal = why;
    snprintf(out->reason, sizeof out->reason, "%s", text);
}

rc_resume_pick rc_resume_newest(const rc_resume *client, const rc_resume *snapshot) {
    bool ref = client->refusal == RC_REFUSAL_NONE && client->claims.reference;
    if (!snapshot || !client->authentic) return ref ? RC_PICK_NO_SNAPSHOT : RC_PICK_CLIENT;
    if (ref)
        return snapshot->claims.version >= client->claims.version ? RC_PICK_SNAPSHOT
                                                                  : RC_PICK_NO_SNAPSHOT;
    /* Authentic but refused (expired, too old): the snapshot, issued
     * later, may still be good. */
    if (client->refusal || snapshot->claims.version > client->claims.version)
        return RC_PICK_SNAPSHOT;
    return RC_PICK_CLIENT;
}
