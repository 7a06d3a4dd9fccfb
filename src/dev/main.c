/*
 * reactc-dev: save a source file, see the change in the browser, state kept.
 *
 *   reactc-dev [--host H] [--port N] [--build CMD] [--watch DIR]... [--allow-host NAME]...
 *              [--allow-origin ORIGIN]... [--trusted-proxy ADDR]... [--] APP [APP OPTIONS]
 *
 * The loop: a save (inotify) -> the build command -> on success, the new
 * binary starts on the runner's listening socket; once it says it is ready
 * the old version is told to stop, its pages reconnect at once and resume
 * from their tokens on the new code (slots whose address, type and size
 * still match keep their values). A failed build leaves the old version
 * serving and sends it the error, which every page shows in an overlay. A
 * version that crashes is reported the same way and the previous version
 * is started again; pages resume on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev/runner.h"
#include "server/listen.h"

#define DEBOUNCE_MS 25 /* editors write a file in several steps */

/* The runner's state (runner.h): set up here, moved on by the loop. */
dev_runner R;

/* ---- setup --------------------------------------------------------------------------- */

static int sig_pipe[2];

static void on_signal(int sig) {
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(sig_pipe[1], &b, 1) < 0) {}
    errno = saved;
}

/* The listening socket every version shares, the secret their tokens
 * share, the folder for the copies of the binary. -1: a message was
 * printed. */
static int open_shared(void) {
    /* Not SO_REUSEPORT: a second runner on the port must fail, not share
     * it. Versions share this one socket by inheritance. */
    R.listen_fd = rc_listen_socket(R.opt.host, R.opt.port, false, true, &R.opt.port);
    if (R.listen_fd < 0) {
        dev_log("cannot listen on %s:%d: %s", R.opt.host, R.opt.port, strerror(errno));
        return -1;
    }
    dev_share_secret();
    const char *tmp = getenv("TMPDIR");
    snprintf(R.tmpdir, sizeof R.tmpdir, "%s/reactc-dev.XXXXXX",
             tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(R.tmpdir)) {
        dev_log("cannot create %s: %s", R.tmpdir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Signals arrive in the loop through sig_pipe. */
static int catch_signals(void) {
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) return -1;
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < 4; i++) sigaction(sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

/* ---- the loop --------------------------------------------------------------------- */

/* What one turn of the loop waits on; the build's output and the listening
 * socket are there only at times. */
typedef struct poll_set {
    struct pollfd fds[8 + 2 * DEV_MAX_STOPPING + DEV_PENDING_MAX];
    size_t n;
    size_t job_at, listen_at, pending_at, npending;
} poll_set;

static void add_child_fds(poll_set *p, dev_child *c) {
    if (!c) return;
    if (c->chan >= 0) p->fds[p->n++] = (struct pollfd){.fd = c->chan, .events = POLLIN};
    if (c->err >= 0) p->fds[p->n++] = (struct pollfd){.fd = c->err, .events = POLLIN};
}

static void fill_poll_set(poll_set *p, const dev_watch *watch) {
    p->n = 0;
    p->fds[p->n++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
    p->fds[p->n++] = (struct pollfd){.fd = dev_watch_fd(watch), .events = POLLIN};
    add_child_fds(p, R.cur);
    add_child_fds(p, R.next);
    for (int i = 0; i < DEV_MAX_STOPPING; i++) add_child_fds(p, R.stopping[i]);
    p->job_at = p->n;
    if (R.job.fd >= 0) p->fds[p->n++] = (struct pollfd){.fd = R.job.fd, .events = POLLIN};
    /* Nothing serves: the runner answers, in plain HTTP; never on a TLS
     * app's port, where connections wait in the backlog for a version. */
    p->listen_at = p->n;
    if (!R.cur && !R.next && !R.opt.tls)
        p->fds[p->n++] = (struct pollfd){.fd = R.listen_fd, .events = POLLIN};
    /* Connections the runner took waiting for their request: answered even
     * once a version serves (their 503 page reloads into it). */
    p->pending_at = p->n;
    p->npending = dev_unavailable_poll_fds(p->fds + p->n);
    p->n += p->npending;
}

/* Whether fd, an optional descriptor put at index at, has something. */
static bool polled(const poll_set *p, size_t at, int fd) {
    return at < p->n && p->fds[at].fd == fd && p->fds[at].revents;
}

static void service_child(dev_child *c, const poll_set *p) {
    if (!c) return;
    for (size_t i = 0; i < p->n; i++) {
        if (!p->fds[i].revents) continue;
        if (p->fds[i].fd == c->chan && c->chan >= 0) dev_child_read_chan(c);
        else if (p->fds[i].fd == c->err && c->err >= 0) dev_child_read_err(c);
    }
}

static void read_signals(void) {
    unsigned char sig;
    while (read(sig_pipe[0], &sig, 1) == 1) {
        if (sig == SIGINT || sig == SIGTERM) R.quit = true;
        if (sig == SIGHUP && R.change_at <= 0) {
            snprintf(R.changed, sizeof R.changed, "SIGHUP");
            R.change_at = dev_now_ms();
        }
    }
}

/* The build and the versions that ended. */
static void reap_children(void) {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (R.job.pid && pid == R.job.pid) {
            R.job.status = status;
            R.job.reaped = true;
        } else {
            dev_reaped(pid, status);
        }
    }
    if (R.job.pid && R.job.reaped && R.job.fd < 0) dev_built();
}

/* One turn: what is due, a wait for what happens next, and its handling.
 * false when the wait failed. */
static bool turn(dev_watch *watch) {
    /* The first build, and every save once quiet: build (dev_built()
     * starts what it made). */
    double now = dev_now_ms();
    if (R.change_at > 0 && now - R.change_at >= DEBOUNCE_MS && !R.job.pid) {
        R.change_at = 0;
        dev_reload();
    }
    dev_restart_if_due(now);
    dev_check_start_timeout(now);
    double silent_at = dev_unavailable_expire(now); /* before they are polled */

    poll_set p;
    fill_poll_set(&p, watch);
    double wait = 1000;
    if (R.change_at > 0 && !R.job.pid) wait = R.change_at + DEBOUNCE_MS - now;
    if (R.restart_at > 0 && R.restart_at - now < wait) wait = R.restart_at - now;
    if (silent_at > 0 && silent_at - now < wait) wait = silent_at - now;
    if (wait < 0) wait = 0;
    if (poll(p.fds, p.n, (int)wait + 1) < 0 && errno != EINTR) return false;

    if (p.fds[0].revents) read_signals();
    unsigned kinds = p.fds[1].revents ? dev_watch_read(watch, R.changed, sizeof R.changed) : 0;
    if (kinds) {
        R.change_kinds |= kinds;
        R.change_at = dev_now_ms(); /* (re)start the debounce */
    }
    if (R.job.fd >= 0 && polled(&p, p.job_at, R.job.fd)) dev_job_read(&R.job);
    dev_unavailable_serve(p.fds + p.pending_at, p.npending, &R.opt.rules,
                          R.has_error ? &R.error : NULL, R.job.pid != 0);
    if (polled(&p, p.listen_at, R.listen_fd)) dev_unavailable_accept(R.listen_fd, dev_now_ms());
    service_child(R.cur, &p);
    service_child(R.next, &p);
    for (int i = 0; i < DEV_MAX_STOPPING; i++) service_child(R.stopping[i], &p);
    if (R.next && R.next->ready) dev_promote();
    reap_children();
    return true;
}

int main(int argc, char **argv) {
    setvbuf(stderr, NULL, _IOLBF, 0);
    if (dev_parse_args(argc, argv, &R.opt) < 0) return 2;
    if (open_shared() < 0) return 1;
    dev_watch *watch = dev_watch_new(R.opt.watch, R.opt.nwatch);
    if (!watch) return 1;
    if (catch_signals() < 0) return 1;

    char build[2 * DEV_PATH_MAX];
    dev_command_describe(&R.opt.build, build, sizeof build);
    dev_log("%s://%s:%d/ - watching %s%s; build: %s", R.opt.tls ? "https" : "http", R.opt.host,
            R.opt.port, R.opt.watch[0], R.opt.nwatch > 1 ? " and more" : "", build);
    snprintf(R.changed, sizeof R.changed, "first build");
    R.change_at = dev_now_ms() - DEBOUNCE_MS; /* build once at start */
    R.first_build = true;
    R.job.fd = -1;
    while (!R.quit && turn(watch)) {}

    if (R.job.pid) dev_job_cancel(&R.job);
    dev_log("stopping");
    dev_stop_all();
    dev_watch_free(watch);
    dev_error_clear(&R.error);
    close(R.listen_fd);
    dev_options_free(&R.opt);
    return 0;
}
