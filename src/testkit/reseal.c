/*
 * A state token of the layout, made and opened again with the server's
 * own code: the slots and the location written as session_tokens.c writes
 * them, sealed by rc_token_seal, and accepted by rc_resume_accept (the
 * decision a resuming server makes). A slot that cannot survive a token
 * (a value the snapshot format drops, a server-only slot) is then lost in
 * the test exactly as in production.
 */
#include <string.h>
#include <time.h>

#include "resume/accept.h"
#include "resume/snapshot.h"
#include "resume/token.h"
#include "testkit/testkit.h"
#include "util/base64url.h"

/* Any values do: the token is sealed and opened by the same kit. A day of
 * life, as the server's default ttl is of that order. */
#define TEST_APP_TAG   0x72637431u /* "rct1" */
#define TEST_TTL_S     86400u
#define TEST_MAX_TOKEN ((size_t)1 << 20)

static void location_and_slots(const void *src, rc_slot_fn fn, void *user) {
    const rc_layout *l = src;
    rc_snapshot_put_location(l, fn, user);
    rc_layout_foreach_slot(l, fn, user);
}

size_t rc_test_reseal(rc_test *t, rc_snapshot *snap) {
    char err[160];
    rc_keyring keys;
    /* No secret: a random key, as a server started without one has. */
    if (rc_keyring_init(&keys, NULL, "reactc-test", err, sizeof err) < 0) {
        rc_test_report(t, "resume: no key: %s", err);
        return 0;
    }
    rc_buf plain, token;
    rc_buf_init(&plain);
    rc_buf_init(&token);
    uint64_t version = rc_layout_get_state_epoch(t->layout) + 1;
    rc_snapshot_meta meta = {(uint32_t)time(NULL), TEST_TTL_S, version, t->seq, "test", 4};
    rc_snapshot_write_from(&plain, &meta, location_and_slots, t->layout);
    rc_token_claims claims = {TEST_APP_TAG, 0, {0}, version, false};
    memset(claims.session, 0x5a, sizeof claims.session);
    rc_token_seal(&keys, &claims, plain.data, plain.len, &token);

    char id[RC_SESSION_ID_BYTES * 2];
    id[rc_base64url_encode(id, claims.session, sizeof claims.session)] = '\0';
    rc_resume_limits lim = rc_resume_limits_default(TEST_APP_TAG, TEST_MAX_TOKEN, TEST_TTL_S);
    rc_resume r;
    rc_resume_accept(&r, &keys, id, rc_buf_cstr(&token), (uint64_t)time(NULL), &lim);
    size_t size = token.len;
    if (r.refusal != RC_REFUSAL_NONE) {
        rc_test_report(t, "resume: the token was refused: %s", r.reason);
        size = 0;
    } else {
        *snap = r.snapshot; /* moved out: rc_resume_free would free it */
        memset(&r.snapshot, 0, sizeof r.snapshot);
        r.refusal = RC_REFUSAL_CORRUPT; /* nothing left for rc_resume_free to free */
    }
    rc_resume_free(&r);
    rc_buf_free(&plain);
    rc_buf_free(&token);
    rc_keyring_wipe(&keys);
    return size;
}
