/*
 * Login (docs/security.md, "Login"): --auth-file's users, the sealed login
 * cookie, the login form's body, and the one worker thread that checks
 * passwords off the event loop. Split by concern:
 *
 *   auth_file.c    the user file: "user:hash" lines, parsed and bounded
 *   auth_cookie.c  the cookie: user and expiry sealed with the token keys
 *   auth_form.c    application/x-www-form-urlencoded, bounded
 *   auth_worker.c  one thread, a bounded queue of password checks
 *   login.c        the HTTP side on the loop: gate, form, POSTs, 401s
 *   login_page.c   the login form's HTML
 *   auth_off.c     the stub when built without (RC_WITH_AUTH=OFF)
 *
 * The first four are pure of lws and libev (unit-tested alone).
 */
#ifndef RC_SERVER_AUTH_H
#define RC_SERVER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resume/token.h"
#include "util/buf.h"

#define RC_AUTH_USER_MAX    64           /* bytes of a user name */
#define RC_AUTH_PASS_MAX    256          /* bytes of a password */
#define RC_AUTH_HASH_MAX    160          /* bytes of a crypto_pwhash_str string */
#define RC_AUTH_BODY_MAX    4096         /* a login POST's body; 413 beyond */
#define RC_AUTH_FILE_MAX    (256u << 10) /* the user file */
#define RC_AUTH_QUEUE       16           /* password checks waiting; 503 beyond */
/* Argon2id for NEW hashes (reactc-passwd): 2 passes over 16 MiB (under
 * 40 ms on an x86-64 desktop core; several times that on a small board). libsodium's INTERACTIVE (64 MiB)
 * is a quarter of a small board's free memory; 16 MiB at one check at a
 * time bounds what logins can take. Stored hashes are verified with the
 * parameters they name, up to these caps (a hostile or mistaken file
 * cannot make one check take gigabytes or minutes): */
#define RC_AUTH_NEW_OPS     2u
#define RC_AUTH_NEW_MEM     (16u << 20)
#define RC_AUTH_CAP_MEM_KIB (64u << 10) /* 64 MiB */
#define RC_AUTH_CAP_OPS     10u
#define RC_AUTH_TTL_DEFAULT (12u * 3600u) /* the cookie's life, seconds */
#define RC_AUTH_COOKIE      "reactc_login"

/* ---- auth_file.c ---------------------------------------------------------- */

typedef struct rc_auth_user {
    char name[RC_AUTH_USER_MAX + 1];
    char hash[RC_AUTH_HASH_MAX + 1];
} rc_auth_user;

typedef struct rc_auth_users {
    rc_auth_user *v;
    size_t n;
} rc_auth_users;

/* Whether name is a user name we take: 1..64 bytes of letters, digits and
 * . _ - @ (it goes into cookies, logs and tokens as it is). */
bool rc_auth_name_ok(const char *name, size_t len);
/* Whether hash is an Argon2id string within the caps above. */
bool rc_auth_hash_ok(const char *hash);
/* Parses the file's text: "user:hash" lines, '#' comments and blank lines
 * skipped. Any bad line refuses the whole file (err names its number). */
int rc_auth_parse(const char *text, rc_auth_users *out, char *err, size_t errlen);
/* Reads and parses path: a regular file, not open to group or others
 * (like the secret file), at most RC_AUTH_FILE_MAX. 0, or -1 with err. */
int rc_auth_load(const char *path, rc_auth_users *out, char *err, size_t errlen);
const rc_auth_user *rc_auth_find(const rc_auth_users *u, const char *name);
void rc_auth_users_free(rc_auth_users *u); /* hashes wiped */

/* ---- auth_cookie.c -------------------------------------------------------- */

/* Appends the cookie's value: base64url of key id, nonce, and user and
 * expiry (unix seconds) sealed with XChaCha20-Poly1305 under a key derived
 * from the token key for this purpose only, the app tag authenticated. */
void rc_auth_cookie_seal(const rc_keyring *kr, uint32_t app_tag, const char *user, uint64_t expires,
                         rc_buf *out);
/* Opens a cookie value: true with user (NUL-terminated) when authentic,
 * of this app, and not expired at now. */
bool rc_auth_cookie_open(const rc_keyring *kr, uint32_t app_tag, const char *value, size_t len,
                         uint64_t now, char user[RC_AUTH_USER_MAX + 1]);
/* Finds name's value in a Cookie header ("a=1; b=2"): a pointer into it
 * and its length, or NULL. */
const char *rc_auth_cookie_find(const char *header, const char *name, size_t *len);

/* ---- auth_form.c ---------------------------------------------------------- */

/* Finds field name in an urlencoded body and percent-decodes it into out
 * (cap bytes with the NUL). false: absent, malformed (a bad %xx, a NUL),
 * or longer than cap - 1. */
bool rc_auth_form_get(const char *body, size_t len, const char *name, char *out, size_t cap);

/* ---- login_page.c --------------------------------------------------------- */

/* Appends the login form's page: title escaped, message (or NULL) shown
 * above the form. */
void rc_login_page(rc_buf *b, const char *title, const char *message);

/* ---- auth_worker.c -------------------------------------------------------- */

/* One password check. The loop fills user, password and hash (empty: no
 * such user; a dummy hash is checked instead, so an unknown name takes as
 * long as a wrong password); the worker sets ok. owner is the loop's
 * alone (the worker never reads it). */
typedef struct rc_auth_job {
    struct rc_auth_job *next;
    char user[RC_AUTH_USER_MAX + 1];
    char password[RC_AUTH_PASS_MAX + 1];
    char hash[RC_AUTH_HASH_MAX + 1];
    bool ok;
    void *owner;
} rc_auth_job;

typedef struct rc_auth_worker rc_auth_worker;
/* The check, run on the worker thread: 1 when the password is right. */
typedef int (*rc_auth_check_fn)(void *arg, const rc_auth_job *job);
/* The default check: crypto_pwhash_str_verify against job->hash. */
int rc_auth_check_hash(void *arg, const rc_auth_job *job);
/* Starts the thread. wake(wake_arg) is called from it after each check
 * (the server's ev_async_send). NULL if the thread cannot start. */
rc_auth_worker *rc_auth_worker_new(size_t max_pending, rc_auth_check_fn check, void *check_arg,
                                   void (*wake)(void *), void *wake_arg);
/* Queues job (taken over); false when max_pending are waiting (the caller
 * keeps it: answer 503). Loop thread. */
bool rc_auth_worker_submit(rc_auth_worker *w, rc_auth_job *job);
/* The finished jobs, oldest first (the caller frees them), or NULL. */
rc_auth_job *rc_auth_worker_take_done(rc_auth_worker *w);
/* Stops and joins the thread; unchecked and unclaimed jobs are freed. */
void rc_auth_worker_free(rc_auth_worker *w);
/* Frees a job, its password wiped. */
void rc_auth_job_free(rc_auth_job *job);

#endif
