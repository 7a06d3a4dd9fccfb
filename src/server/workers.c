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
 *   - SIGTERM/SIGINT stop every worker and then the supervisor;
 *   - with --metrics it serves the port, asking each worker at each scrape
 *     (metrics_workers.c).
 *
 * Its waits (for a signal, a back-off, a draining worker) run a small
 * libev loop of its own: signals arrive through a signalfd (they stay
 * blocked, as sigtimedwait wanted them), and the /metrics listener and the
 * workers' channels are served meanwhile. The sequence of the supervisor's
 * steps stays straight-line code; only its waiting serves.
 */
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ev.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
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

/* The supervisor's loop (see the top). One supervisor per process. */
static struct {
    struct ev_loop *loop;
    int sfd; /* signalfd of the blocked signals */
    ev_io sig_io;
    ev_timer timer;
    int sig; /* the signal read by on_sigfd, or 0 */
    bool timed_out;
    rc_metrics_sup *metrics; /* --metrics, or NULL */
} sup = {.sfd = -1};

static void on_sigfd(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    (void)revents;
    struct signalfd_siginfo si;
    if (read(w->fd, &si, sizeof si) == (ssize_t)sizeof si) sup.sig = (int)si.ssi_signo;
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents) {
    (void)loop;
    (void)w;
    (void)revents;
    sup.timed_out = true;
}

/* The loop, with the signals of set (blocked already) and --metrics'
 * listener. 0, or -1 (said). */
static int sup_open(const rc_app *cfg, int nworkers, const sigset_t *set) {
    sup.loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV | EVFLAG_NOSIGMASK);
    sup.sfd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (!sup.loop || sup.sfd < 0) {
        say("cannot create the supervisor's loop: %s", strerror(errno));
        return -1;
    }
    ev_io_init(&sup.sig_io, on_sigfd, sup.sfd, EV_READ);
    ev_io_start(sup.loop, &sup.sig_io);
    ev_timer_init(&sup.timer, on_timer, 0.0, 0.0);
    if (cfg->metrics) {
        char msg[300];
        sup.metrics = rc_metrics_sup_open(sup.loop, cfg->metrics, nworkers, msg, sizeof msg);
        if (!sup.metrics) {
            say("%s", msg);
            return -1;
        }
        say("metrics on %s (every worker's)", msg);
    }
    return 0;
}

static void sup_close(void) {
    rc_metrics_sup_close(sup.metrics);
    sup.metrics = NULL;
    if (sup.loop) {
        ev_io_stop(sup.loop, &sup.sig_io);
        ev_timer_stop(sup.loop, &sup.timer);
        ev_loop_destroy(sup.loop);
    }
    if (sup.sfd >= 0) close(sup.sfd);
    sup.loop = NULL;
    sup.sfd = -1;
}

/* In a worker just forked: the supervisor's descriptors closed. Its loop
 * is destroyed without a call into the kernel's epoll (libev only closes
 * the descriptor), so the parent's registrations are untouched. */
static void sup_forget_in_child(int index) {
    if (sup.metrics) rc_metrics_sup_child(sup.metrics, index);
    ev_loop_destroy(sup.loop);
    close(sup.sfd);
}

static pid_t spawn(const entry *e, int index, const sigset_t *old_mask) {
    fflush(stderr);
    if (sup.metrics) rc_metrics_sup_prefork(sup.metrics, index);
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
        sup_forget_in_child(index);
        sigprocmask(SIG_SETMASK, old_mask, NULL);
        signal(SIGHUP, SIG_IGN); /* rolling restarts are the parent's */
        _exit(e->fn(e->arg, index));
    }
    if (sup.metrics) rc_metrics_sup_forked(sup.metrics, index);
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

/* Waits for a signal or up to `timeout` seconds, serving the loop
 * meanwhile; returns the signal or 0. */
static int wait_signal(const sigset_t *set, double timeout) {
    (void)set; /* the signalfd's */
    sup.sig = 0;
    sup.timed_out = false;
    ev_timer_set(&sup.timer, timeout > 0 ? timeout : 0.0, 0.0);
    ev_timer_start(sup.loop, &sup.timer);
    while (!sup.sig && !sup.timed_out) ev_run(sup.loop, EVRUN_ONCE);
    ev_timer_stop(sup.loop, &sup.timer);
    int sig = sup.sig;
    if (sig == SIGTERM || sig == SIGINT) stop_seen = true;
    if (sig == SIGHUP) hup_seen = true;
    return sig;
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

/* SIGHUP: each worker replaced by a new one, which listens before the old
 * one drains. */
static void rolling_restart(const entry *e, worker *w, int nworkers, const sigset_t *set,
                            const sigset_t *old) {
    say("rolling restart of %d workers", nworkers);
    for (int i = 0; i < nworkers && !stop_seen; i++) {
        pid_t old_pid = w[i].pid;
        if (start_worker(e, &w[i], old) < 0) continue;
        /* Let the new one listen before the old one drains. */
        wait_signal(set, 0.2);
        if (old_pid > 0) {
            kill(old_pid, SIGTERM);
            reap(old_pid, set, 5.0);
        }
    }
    say("rolling restart done");
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
    if (!w || sup_open(cfg, nworkers, &set) < 0) {
        sup_close();
        free(w);
        if (reserve >= 0) close(reserve);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return 1;
    }
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
            /* New workers load --tls-cert and --tls-key as they start: a
             * renewal half done (a certificate without its key) would take
             * the workers down one by one. Checked first, as at start; so is
             * --auth-file (a half-edited user file). */
            if (rc_tls_config(cfg) < 0)
                say("SIGHUP: the TLS files do not load (above): no rolling restart");
            else if (rc_login_config(cfg) < 0)
                say("SIGHUP: the --auth-file does not load (above): no rolling restart");
            else rolling_restart(&e, w, nworkers, &set, &old);
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
    sup_close();
    if (reserve >= 0) close(reserve);
    sigprocmask(SIG_SETMASK, &old, NULL);
    say("stopped");
    return rc;
}
