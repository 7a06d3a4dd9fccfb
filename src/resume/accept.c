#include "resume/accept.h"

#include <stdio.h>
#include <string.h>

#include "util/base64url.h"

/* Snapshots are small (a 1,000-value session is ~40 KB): 4 MiB once
 * decompressed is far above any real one and bounds a zstd bomb. */
#define MAX_PLAIN  ((size_t)4 << 20)
/* Clocks of the machines behind one balancer disagree by seconds, not
 * minutes: five minutes of skew is accepted, more is a forged or broken
 * clock. */
#define MAX_SKEW_S 300

rc_resume_limits rc_resume_limits_default(uint32_t app_tag, size_t max_token, uint32_t ttl_s) {
    return (rc_resume_limits){app_tag, max_token, MAX_PLAIN, MAX_SKEW_S, 0, ttl_s};
}

static void refuse(rc_resume *r, rc_refusal why, const char *text) {
    r->refusal = why;
    snprintf(r->reason, sizeof r->reason, "%s", text);
}

/* The snapshot against the clock and the token's claims. */
static void check_snapshot(rc_resume *r, uint64_t now, const rc_resume_limits *lim) {
    const rc_snapshot_meta *m = &r->snapshot.meta;
    /* The ttl in the token is the one of the server that sealed it; the
     * server's ttl now caps it, so an operator who lowers token_ttl (a
     * leak, a policy change) shortens tokens already out there too. */
    uint32_t ttl = m->ttl < lim->ttl_s ? m->ttl : lim->ttl_s;
    if (now > (uint64_t)m->issued + ttl) refuse(r, RC_REFUSAL_EXPIRED, "token expired");
    else if ((uint64_t)m->issued > now + lim->max_skew_s)
        refuse(r, RC_REFUSAL_FUTURE, "token issued in the future");
    else if (m->version != r->claims.version)
        refuse(r, RC_REFUSAL_VERSION_MISMATCH, "token version mismatch");
    else if (m->version < lim->min_version)
        refuse(r, RC_REFUSAL_TOO_OLD, "token older than allowed for its session");
}

void rc_resume_accept(rc_resume *r, const rc_keyring *keys, const char *claimed_id,
                      const char *token, uint64_t now, const rc_resume_limits *lim) {
    memset(r, 0, sizeof *r);
    long n = rc_base64url_decode(claimed_id, strlen(claimed_id), r->session, sizeof r->session);
    if (n != RC_SESSION_ID_BYTES) {
        refuse(r, RC_REFUSAL_SESSION_MALFORMED, "malformed session id");
        return;
    }
    r->id_valid = true;
    if (!token || !*token) {
        refuse(r, RC_REFUSAL_NO_TOKEN, "no token");
        return;
    }
    rc_buf plain;
    rc_buf_init(&plain);
    r->refusal = rc_token_open(keys, token, strlen(token), lim->app_tag, lim->max_token,
                               lim->max_plain, &r->claims, &plain, r->reason, sizeof r->reason);
    if (r->refusal == RC_REFUSAL_NONE &&
        memcmp(r->claims.session, r->session, RC_SESSION_ID_BYTES) != 0)
        refuse(r, RC_REFUSAL_OTHER_SESSION, "token belongs to another session");
    r->authentic = r->refusal == RC_REFUSAL_NONE;
    if (r->authentic) {
        if (rc_snapshot_read(&r->snapshot, plain.data, plain.len, r->reason, sizeof r->reason) < 0)
            r->refusal = RC_REFUSAL_CORRUPT;
        else check_snapshot(r, now, lim);
        if (r->refusal) rc_snapshot_free(&r->snapshot);
    }
    rc_buf_free(&plain);
}

void rc_resume_free(rc_resume *r) {
    if (r->refusal == RC_REFUSAL_NONE) rc_snapshot_free(&r->snapshot);
    memset(r, 0, sizeof *r);
}
