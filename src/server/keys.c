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
#include <sys/stat.h>

#include "resume/secret.h"
#include "server/server.h"
#include "util/env.h"
#include "util/hash.h"

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

/* Keys for state tokens (keys.c): the supervisor's when it forked us, else
 * loaded here; a random key with a loud warning when none is configured.
 * The app tag makes another app's tokens fail with a clear reason; the
 * build tag only reports where a token came from. */
int rc_keys_init_server(rc_server *s) {
    const rc_app *cfg = &s->cfg;
    char err[400];
    if (!rc_keys_inherited(&s->keys)) {
        if (rc_keys_load(cfg, &s->keys, err, sizeof err) < 0) {
            rc_srv_log(s, RC_LOG_ERROR, "state token keys: %s", err);
            return -1;
        }
        if (s->keys.ephemeral)
            rc_srv_log(s, RC_LOG_WARN,
                       "no secret configured (REACTC_SECRET or --secret-file): using a random key "
                       "for this process only. Sessions survive reconnects to this process, but "
                       "NOT a restart or another worker. Set a secret for production.");
        if (s->keys.stretched) rc_srv_log(s, RC_LOG_WARN, "%s", RC_KEYS_PASS_WARNING);
    }
    s->app_tag = (uint32_t)rc_hash_str(RC_HASH_SEED, cfg->app_id);
    if (cfg->build_id) {
        snprintf(s->build, sizeof s->build, "%s", cfg->build_id);
    } else {
        struct stat st;
        if (stat("/proc/self/exe", &st) == 0)
            snprintf(s->build, sizeof s->build, "%llx-%llx", (unsigned long long)st.st_size,
                     (unsigned long long)st.st_mtime);
        else snprintf(s->build, sizeof s->build, "unknown");
    }
    s->build_tag = (uint32_t)rc_hash_str(RC_HASH_SEED, s->build);
    return 0;
}
