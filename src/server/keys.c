/*
 * The state token keys of a server process (docs/resume.md, "Keys").
 *
 * Secret text comes from --secret-file (mode 0600 or 0400), else from
 * REACTC_SECRET, else from REACTC_SECRET_FD (a pipe the dev runner writes
 * the secret into; the variable names only the descriptor). REACTC_SECRET
 * is taken out of the environment, bytes zeroed, whichever source is used:
 * no process we start, and nobody reading /proc/<pid>/environ, sees it.
 *
 * Under --workers the supervisor loads the keyring once, before it forks
 * (Argon2id for a pass: secret runs once, not per worker), and every worker
 * inherits it in memory (rc_keys_inherit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "resume/secret.h"
#include "server/server.h"
#include "util/env.h"

static rc_keyring inherited;
static bool have_inherited;

/* The dev runner's pipe, if we were given one: its text, fd closed. */
static char *take_fd_secret(void) {
    char *v = rc_env_take("REACTC_SECRET_FD");
    if (!v) return NULL;
    char *end;
    long fd = strtol(v, &end, 10);
    bool ok = *v && !*end && fd >= 0 && fd < 65536;
    free(v);
    return ok ? rc_secret_read_fd((int)fd) : NULL;
}

int rc_keys_load(const rc_app *cfg, rc_keyring *kr, char *err, size_t errlen) {
    char *env = rc_env_take("REACTC_SECRET");
    char *piped = take_fd_secret();
    int rc;
    if (cfg->secret_file) rc = rc_keyring_load_file(kr, cfg->secret_file, cfg->app_id, err, errlen);
    else rc = rc_keyring_init(kr, env ? env : piped, cfg->app_id, err, errlen);
    if (rc < 0 && !cfg->secret_file && env)
        snprintf(err + strlen(err), errlen - strlen(err), " (in REACTC_SECRET)");
    if (env) sodium_memzero(env, strlen(env));
    if (piped) sodium_memzero(piped, strlen(piped));
    free(env);
    free(piped);
    return rc;
}

void rc_keys_inherit(const rc_keyring *kr) {
    inherited = *kr;
    have_inherited = true;
}

bool rc_keys_inherited(rc_keyring *kr) {
    if (have_inherited) *kr = inherited;
    return have_inherited;
}
