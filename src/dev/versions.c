/*
 * The versions of the app. Each runs from its own copy of the binary (the
 * build overwrites the original; the previous version may have to be
 * started again), all on the runner's listening socket: a new version
 * serves before the old one drains, and the old one's pages resume on it
 * from their tokens. The one before the serving version is kept as the
 * fallback; a copy is deleted once no version, fallback or restart needs it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev/runner.h"
#include "util/env.h"

/* The versions' secret text: NULL when the app reads its own file. */
static char *shared_secret;

#define READY_TIMEOUT_MS 10000 /* a new version that never listens has failed */

static bool bin_in_use(const char *bin) {
    if (!*bin) return false;
    if ((R.cur && strcmp(R.cur->bin, bin) == 0) || (R.next && strcmp(R.next->bin, bin) == 0) ||
        strcmp(R.fallback, bin) == 0 || strcmp(R.restart_bin, bin) == 0)
        return true;
    for (int i = 0; i < DEV_MAX_STOPPING; i++)
        if (R.stopping[i] && strcmp(R.stopping[i]->bin, bin) == 0) return true;
    return false;
}

static void drop_bin(const char *bin) {
    if (*bin && !bin_in_use(bin)) unlink(bin);
}

void dev_free_version(dev_child *c) {
    char bin[DEV_PATH_MAX];
    dev_copy_str(bin, sizeof bin, c->bin);
    dev_child_free(c);
    drop_bin(bin);
}

static void to_stopping(dev_child *c, int sig) {
    if (!c) return;
    c->stopping = true;
    kill(c->pid, sig);
    for (int i = 0; i < DEV_MAX_STOPPING; i++) {
        if (!R.stopping[i]) {
            R.stopping[i] = c;
            return;
        }
    }
    /* More than 16 versions draining at once: no patience for this one. */
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
    dev_free_version(c);
}

/* Copies the freshly built binary: the build will overwrite it, and this
 * version may have to be started again after its successor crashes. */
int dev_copy_binary(char *out, size_t size) {
    int in = open(R.opt.app, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    snprintf(out, size, "%s/v%u-%s", R.tmpdir, ++R.versions, strrchr(R.opt.app, '/') + 1);
    int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(fd, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    if (n < 0) rc = -1;
    fstat(in, &R.built);
    close(in);
    if (close(fd) < 0) rc = -1;
    return rc;
}

void dev_start_version(const char *bin, unsigned version) {
    if (R.next) { /* superseded before it was ready */
        dev_child *old = R.next;
        R.next = NULL;
        to_stopping(old, SIGKILL);
    }
    char *line = dev_status_now();
    R.next = dev_child_start(bin, R.opt.child_argv, R.listen_fd, version, shared_secret, line);
    free(line);
    if (!R.next) dev_log("cannot start %s: %s", bin, strerror(errno));
}

unsigned dev_version_of(const char *bin) {
    const char *base = strrchr(bin, '/');
    return base && base[1] == 'v' ? (unsigned)strtoul(base + 2, NULL, 10) : 0;
}

/* The new version accepts connections: it serves, the old one drains (its
 * pages come straight back, to the new one) and becomes the fallback. */
void dev_promote(void) {
    dev_child *old = R.cur;
    R.cur = R.next;
    R.next = NULL;
    double start_ms = dev_now_ms() - R.cur->started_ms;
    if (old) {
        char previous[DEV_PATH_MAX];
        dev_copy_str(previous, sizeof previous, R.fallback);
        if (strcmp(old->bin, R.cur->bin) != 0)
            dev_copy_str(R.fallback, sizeof R.fallback, old->bin);
        to_stopping(old, SIGTERM);
        drop_bin(previous);
        dev_log("v%u serving (build %.0f ms, start %.0f ms); v%u hands its pages over",
                R.cur->version, R.build_ms, start_ms, old->version);
    } else {
        dev_log("v%u serving on %s://%s:%d/ (start %.0f ms)", R.cur->version,
                R.opt.tls ? "https" : "http", R.opt.host, R.opt.port, start_ms);
    }
    R.build_ms = 0;
}

void dev_check_start_timeout(double now) {
    if (R.next && !R.next->ready && now - R.next->started_ms > READY_TIMEOUT_MS) {
        dev_log("v%u did not start serving within %d s: killing it", R.next->version,
                READY_TIMEOUT_MS / 1000);
        kill(R.next->pid, SIGKILL); /* reaped below as a crash before serving */
    }
}

/* Tokens must open in every version: one secret for the runner's life,
 * unless the app has its own file. REACTC_SECRET, if given, is taken out of
 * our environment (bytes zeroed): every build step and version we start
 * would inherit it. The versions get the secret through a pipe
 * (dev_child_start, REACTC_SECRET_FD), never the environment. */
void dev_share_secret(void) {
    /* The build steps we run (make, cmake, a compiler) have no use for a
     * Redis password; the versions get it back in their environment,
     * which the app empties at start (redis_link.c). */
    R.redis_url = rc_env_take("REACTC_REDIS");
    char *env = rc_env_take("REACTC_SECRET");
    for (char **a = R.opt.app_argv; *a; a++)
        if (strcmp(*a, "--secret-file") == 0) {
            if (env) explicit_bzero(env, strlen(env));
            free(env);
            return;
        }
    if (env) {
        shared_secret = env;
        return;
    }
    unsigned char rnd[32];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) return;
    shared_secret = malloc(4 + 2 * sizeof rnd + 1);
    if (!shared_secret) abort();
    memcpy(shared_secret, "hex:", 4);
    for (size_t i = 0; i < sizeof rnd; i++) snprintf(shared_secret + 4 + 2 * i, 3, "%02x", rnd[i]);
    explicit_bzero(rnd, sizeof rnd);
}

void dev_stop_all(void) {
    dev_child *all[DEV_MAX_STOPPING + 2] = {R.cur, R.next};
    memcpy(all + 2, R.stopping, sizeof R.stopping);
    for (size_t i = 0; i < DEV_MAX_STOPPING + 2; i++)
        if (all[i]) kill(all[i]->pid, SIGTERM);
    double deadline = dev_now_ms() + 3000;
    for (size_t i = 0; i < DEV_MAX_STOPPING + 2; i++) {
        if (!all[i]) continue;
        while (waitpid(all[i]->pid, NULL, WNOHANG) == 0) {
            if (dev_now_ms() > deadline) {
                kill(all[i]->pid, SIGKILL);
                waitpid(all[i]->pid, NULL, 0);
                break;
            }
            usleep(10000);
        }
        dev_child_free(all[i]);
    }
    /* Every version's copy, whatever state it was left in. */
    DIR *d = opendir(R.tmpdir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') unlinkat(dirfd(d), e->d_name, 0);
    if (d) closedir(d);
    rmdir(R.tmpdir);
}
