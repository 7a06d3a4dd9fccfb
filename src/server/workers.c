/*
 * Worker processes: `--workers N` runs N copies of the server on one port.
 *
 * Each worker opens its own SO_REUSEPORT listener and hands accepted sockets
 * to libwebsockets (lws_adopt_socket_vhost): the packaged lws is built with
 * LWS_MAX_SMP 1 and its ALLOW_LISTEN_SHARE option does not set SO_REUSEPORT,
 * so the listener is ours. The kernel spreads connections over the workers;
 * nothing is shared between them but the token keys (inherited from the
 * supervisor, keys.c): any worker resumes any session from its token.
 *
 * The supervisor (the parent) only forks, watches and signals:
 *   - a worker that dies is restarted (with a short backoff if it keeps
 *     dying), and its clients resume on the others meanwhile;
 *   - SIGHUP restarts the workers one by one: a new worker starts first,
 *     then the old one drains (its clients are told to come back spread
 *     over a window) and exits;
 *   - SIGTERM/SIGINT stop every worker and then the supervisor.
 */
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "server/server.h"
#include "util/clock.h"

/* ---- supervisor ------------------------------------------------------------ */

typedef struct worker {
    pid_t pid;
    int index;
    double started;
    unsigned quick_deaths; /* consecutive deaths soon after start */
} worker;

static void say(const char *fmt, ...) RC_PRINTF(1, 2);
static void say(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "reactc[%d] supervisor: %s\n", (int)getpid(), buf);
}

/* What every worker is started with. */
typedef struct entry {
    rc_worker_fn fn;
    void *arg;
} entry;

static pid_t spawn(const entry *e, int index, const sigset_t *old_mask) {
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* A supervisor killed outright (kill -9, the OOM killer) cannot stop
         * its workers: without this they would serve on, orphaned, holding
         * the port against the supervisor's restart. The kernel sends them
         * SIGTERM, and they drain as on a normal stop. A parent gone before
         * the prctl (reparented already) is checked for by hand. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(0);
        sigprocmask(SIG_SETMASK, old_mask, NULL);
        signal(SIGHUP, SIG_IGN); /* rolling restarts are the parent's */
        _exit(e->fn(e->arg, index));
    }
    return pid;
}

static int start_worker(const entry *e, worker *w, const sigset_t *old_mask) {
    w->pid = spawn(e, w->index, old_mask);
    w->started = rc_monotonic_s();
    if (w->pid < 0) {
        say("fork failed: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Signals taken while waiting for something else (a back-off, a worker
 * draining during a rolling restart) are remembered here, never dropped: a
 * SIGTERM that arrives mid-restart must still stop everything. */
static bool stop_seen, hup_seen;

/* Waits for a signal or up to `timeout` seconds; returns the signal or 0. */
static int wait_signal(const sigset_t *set, double timeout) {
    struct timespec ts = {(time_t)timeout, (long)((timeout - (double)(time_t)timeout) * 1e9)};
    int sig = sigtimedwait(set, NULL, &ts);
    if (sig == SIGTERM || sig == SIGINT) stop_seen = true;
    if (sig == SIGHUP) hup_seen = true;
    return sig < 0 ? 0 : sig;
}

/* Reaps a specific child within `timeout` seconds (SIGKILL after). */
static void reap(pid_t pid, const sigset_t *set, double timeout) {
    double until = rc_monotonic_s() + timeout;
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) return;
        if (rc_monotonic_s() > until) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return;
        }
        wait_signal(set, 0.05);
    }
}

/* Stores live in one process: N workers would each hold a copy, and tabs
 * on different workers would silently show different values. Refused
 * before anything starts, naming the ways out. */
static bool refuse_stores(const rc_app *cfg, int nworkers) {
    /* With --redis every worker shares its stores through Redis. */
    if (cfg->redis) return false;
    const char *shared = rc_store_find_shared();
    if (!shared) return false;
    say("refusing to start %d workers: store \"%s\" would not be shared between them (each "
        "process would keep its own copy, and tabs on different workers would diverge). Run "
        "one process (--workers 1), or, if a per-process copy is what you want (a cache), "
        "declare it with rc_store_set_local(store, true) (not a persisted one: its file takes one "
        "writer), or share the stores through Redis (--redis URL)",
        nworkers, shared);
    return true;
}

int rc_run_supervisor(rc_app *cfg, int nworkers, rc_worker_fn worker_fn, void *arg) {
    const entry e = {worker_fn, arg};
    if (refuse_stores(cfg, nworkers)) return 1;
    /* One keyring for all workers, or sessions could not move between
     * them: loaded (a pass: secret stretched) once, here, before any fork;
     * the workers inherit it in memory, never through the environment. */
    rc_keyring kr;
    char err[400];
    if (rc_keys_load(cfg, &kr, err, sizeof err) < 0) {
        say("state token keys: %s", err);
        return 1;
    }
    if (kr.ephemeral)
        say("no secret configured: generated one shared by this supervisor's workers only "
            "(sessions survive worker restarts, not a restart of the supervisor)");
    if (kr.stretched) say("%s", RC_KEYS_PASS_WARNING);
    rc_keys_inherit(&kr);
    rc_keyring_wipe(&kr);
    /* Port "any": reserve one (bound, not listening: it receives nothing)
     * that every worker then listens on. */
    int reserve = -1;
    if (cfg->port < 0) {
        int port = 0;
        reserve = rc_listen_socket(cfg->host, 0, true, false, &port);
        if (reserve < 0) {
            say("cannot reserve a port");
            return 1;
        }
        cfg->port = port;
    }

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &old);

    worker *w = calloc((size_t)nworkers, sizeof *w);
    if (!w) return 1;
    say("starting %d workers on port %d", nworkers, cfg->port);
    for (int i = 0; i < nworkers; i++) {
        w[i].index = i;
        start_worker(&e, &w[i], &old);
    }

    int rc = 0;
    bool running = true;
    while (running) {
        if (!stop_seen && !hup_seen) wait_signal(&set, 0.5);
        if (stop_seen) {
            running = false;
        } else if (hup_seen) {
            hup_seen = false;
            say("rolling restart of %d workers", nworkers);
            for (int i = 0; i < nworkers && !stop_seen; i++) {
                pid_t old_pid = w[i].pid;
                if (start_worker(&e, &w[i], &old) < 0) continue;
                /* Let the new one listen before the old one drains. */
                wait_signal(&set, 0.2);
                if (old_pid > 0) {
                    kill(old_pid, SIGTERM);
                    reap(old_pid, &set, 5.0);
                }
            }
            say("rolling restart done");
        }
        /* Reap whatever died and restart it. */
        for (;;) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid <= 0) break;
            for (int i = 0; i < nworkers; i++) {
                if (w[i].pid != pid) continue;
                w[i].pid = -1;
                if (!running) break;
                bool quick = rc_monotonic_s() - w[i].started < 2.0;
                w[i].quick_deaths = quick ? w[i].quick_deaths + 1 : 0;
                if (WIFSIGNALED(status))
                    say("worker %d (pid %d) killed by signal %d: restarting", i, (int)pid,
                        WTERMSIG(status));
                else
                    say("worker %d (pid %d) exited with %d: restarting", i, (int)pid,
                        WEXITSTATUS(status));
                /* A worker that dies right away again and again (bad config,
                 * port taken): back off instead of spinning. */
                if (w[i].quick_deaths > 3) {
                    double delay = w[i].quick_deaths > 8 ? 5.0 : 0.5 * w[i].quick_deaths;
                    say("worker %d keeps dying: waiting %.1f s", i, delay);
                    double until = rc_monotonic_s() + delay;
                    while (!stop_seen && rc_monotonic_s() < until)
                        wait_signal(&set, until - rc_monotonic_s());
                    if (stop_seen) break;
                }
                start_worker(&e, &w[i], &old);
            }
        }
    }
    say("stopping workers");
    for (int i = 0; i < nworkers; i++)
        if (w[i].pid > 0) kill(w[i].pid, SIGTERM);
    for (int i = 0; i < nworkers; i++)
        if (w[i].pid > 0) reap(w[i].pid, &set, 3.0);
    free(w);
    if (reserve >= 0) close(reserve);
    sigprocmask(SIG_SETMASK, &old, NULL);
    say("stopped");
    return rc;
}
