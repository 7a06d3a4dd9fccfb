/*
 * reactc-dev: save a source file, see the change in the browser, state kept.
 *
 *   reactc-dev [--host H] [--port N] [--build CMD] [--watch DIR]... [--] APP [APP OPTIONS]
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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include "dev/runner.h"
#include "server/listen.h"

#define DEBOUNCE_MS 25          /* editors write a file in several steps */
#define READY_TIMEOUT_MS 10000  /* a new version that never listens has failed */
#define MAX_STOPPING 16

/* ---- state ------------------------------------------------------------------- */

static struct {
    dev_options opt;
    int listen_fd;
    char tmpdir[64];                /* versioned copies of the binary */
    unsigned versions;
    struct stat built;              /* the binary last copied */
    dev_child *cur;                 /* serving */
    dev_child *next;                /* started, not ready yet */
    dev_child *stopping[MAX_STOPPING];
    char fallback[DEV_PATH_MAX];    /* the version before cur: restarted if cur crashes */
    dev_error error;                /* what the pages are shown, if any */
    bool has_error;
    double build_ms;                /* of the version starting */
    double change_at;               /* a save not built yet (0: none) */
    char changed[DEV_PATH_MAX];
    unsigned change_kinds;          /* DEV_CHANGE_* saved since the last build */
    dev_job job;                    /* the build running, if job.pid */
    bool first_build;
    double restart_at;              /* restart a crashed version then (0: none) */
    char restart_bin[DEV_PATH_MAX];
    unsigned quick_crashes;
    bool quit;                      /* SIGINT/SIGTERM, or the app stopped by itself */
} R;

static int sig_pipe[2];

static void on_signal(int sig) {
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    if (write(sig_pipe[1], &b, 1) < 0) {}
    errno = saved;
}

/* ---- versions ------------------------------------------------------------------ */

static bool bin_in_use(const char *bin) {
    if (!*bin) return false;
    if ((R.cur && strcmp(R.cur->bin, bin) == 0) || (R.next && strcmp(R.next->bin, bin) == 0) ||
        strcmp(R.fallback, bin) == 0 || strcmp(R.restart_bin, bin) == 0)
        return true;
    for (int i = 0; i < MAX_STOPPING; i++)
        if (R.stopping[i] && strcmp(R.stopping[i]->bin, bin) == 0) return true;
    return false;
}

static void drop_bin(const char *bin) {
    if (*bin && !bin_in_use(bin)) unlink(bin);
}

static void to_stopping(dev_child *c, int sig) {
    if (!c) return;
    c->stopping = true;
    kill(c->pid, sig);
    for (int i = 0; i < MAX_STOPPING; i++) {
        if (!R.stopping[i]) {
            R.stopping[i] = c;
            return;
        }
    }
    /* More than 16 versions draining at once: no patience for this one. */
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
    char bin[DEV_PATH_MAX];
    dev_copy_str(bin, sizeof bin, c->bin);
    dev_child_free(c);
    drop_bin(bin);
}

static char *status_line(void) {
    return dev_status_line(R.has_error ? &R.error : NULL);
}

static void send_status(void) {
    char *line = status_line();
    if (!line) return;
    if (R.cur) dev_child_send(R.cur, line);
    if (R.next) dev_child_send(R.next, line);
    free(line);
}

/* Copies the freshly built binary: the build will overwrite it, and this
 * version may have to be started again after its successor crashes. */
static int copy_binary(char *out, size_t size) {
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
        if (write(fd, buf, (size_t)n) != n) { rc = -1; break; }
    if (n < 0) rc = -1;
    fstat(in, &R.built);
    close(in);
    if (close(fd) < 0) rc = -1;
    return rc;
}

static void start_version(const char *bin, unsigned version) {
    if (R.next) {                       /* superseded before it was ready */
        dev_child *old = R.next;
        R.next = NULL;
        to_stopping(old, SIGKILL);
    }
    char *line = status_line();
    R.next = dev_child_start(bin, R.opt.app_argv, R.listen_fd, version, line);
    free(line);
    if (!R.next) dev_log("cannot start %s: %s", bin, strerror(errno));
}

static unsigned version_of(const char *bin) {
    const char *base = strrchr(bin, '/');
    return base && base[1] == 'v' ? (unsigned)strtoul(base + 2, NULL, 10) : 0;
}

/* The new version accepts connections: it serves, the old one drains (its
 * pages come straight back, to the new one) and becomes the fallback. */
static void promote(void) {
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
        dev_log("v%u serving on http://%s:%d/ (start %.0f ms)", R.cur->version, R.opt.host, R.opt.port,
                start_ms);
    }
    R.build_ms = 0;
}

/* ---- a save ---------------------------------------------------------------------- */

/* Only stylesheets changed: nothing to build; the pages fetch them again
 * (an app's static files are read from disk on each request). */
static void restyle(void) {
    dev_log("%s changed: open pages reload their stylesheets", R.changed);
    static const char line[] = "{\"type\":\"restyle\"}\n";
    if (R.cur) dev_child_send(R.cur, line);
    if (R.next) dev_child_send(R.next, line);
}

/* The build runs in the background (the loop keeps serving the versions'
 * output, their deaths and further saves); one at a time: a save during a
 * build is built after it, and that build's result is not started. */
static void start_build(void) {
    dev_log("building (%s)", R.changed);
    if (dev_job_start(&R.job, R.opt.build_cmd) < 0) {
        dev_log("cannot run the build command: %s", strerror(errno));
        R.job.pid = 0;
    }
}

static void built(void) {
    dev_error e = {0};
    double ms = 0;
    int rc = dev_job_finish(&R.job, stderr, &e, &ms);
    memset(&R.job, 0, sizeof R.job);
    R.job.fd = -1;
    bool first = R.first_build;
    R.first_build = false;
    if (R.change_at > 0 && (R.change_kinds & DEV_CHANGE_SOURCE)) {
        dev_log("saved again during the build: building again");
        dev_error_clear(&e);
        return;
    }
    if (rc < 0) {
        dev_error_clear(&R.error);
        R.error = e;
        R.has_error = true;
        dev_log("build failed in %.0f ms: %s:%d: %s%s", ms, e.file, e.line, e.message,
                R.cur ? " (the running version keeps serving)" : "");
        send_status();
        /* At start, what an earlier build left is better than nothing. */
        if (first && access(R.opt.app, X_OK) == 0) {
            char bin[DEV_PATH_MAX];
            if (copy_binary(bin, sizeof bin) == 0) start_version(bin, R.versions);
        }
        return;
    }
    struct stat st;
    if (stat(R.opt.app, &st) < 0) {
        dev_log("the build succeeded but %s does not exist: check --build", R.opt.app);
        return;
    }
    bool fixed = R.has_error;
    if (fixed) {
        dev_error_clear(&R.error);
        R.has_error = false;
    }
    if ((R.cur || R.next) && st.st_size == R.built.st_size &&
        st.st_mtim.tv_sec == R.built.st_mtim.tv_sec && st.st_mtim.tv_nsec == R.built.st_mtim.tv_nsec) {
        dev_log("built in %.0f ms: binary unchanged", ms);
        if (fixed) send_status();
        return;
    }
    char bin[DEV_PATH_MAX];
    if (copy_binary(bin, sizeof bin) < 0) {
        dev_log("cannot copy %s to %s: %s", R.opt.app, R.tmpdir, strerror(errno));
        return;
    }
    R.build_ms = ms;
    R.quick_crashes = 0;
    R.restart_at = 0;
    start_version(bin, R.versions);
}

/* ---- a death ---------------------------------------------------------------------- */

static void report_crash(dev_child *c, int status, const char *then) {
    char how[128];
    dev_describe_exit(status, how, sizeof how);
    dev_error_clear(&R.error);
    R.has_error = true;
    snprintf(R.error.kind, sizeof R.error.kind, "crash");
    dev_copy_str(R.error.file, sizeof R.error.file, R.opt.app);
    snprintf(R.error.message, sizeof R.error.message, "v%u %s%s; %s", c->version, how,
             c->ready ? "" : " before it could serve", then);
    dev_child_read_err(c);
    R.error.output = strndup(c->tail, c->tail_len);
    dev_log("%s", R.error.message);
}

static void reaped(pid_t pid, int status) {
    for (int i = 0; i < MAX_STOPPING; i++) {
        dev_child *c = R.stopping[i];
        if (c && c->pid == pid) {
            R.stopping[i] = NULL;
            char bin[DEV_PATH_MAX];
            dev_copy_str(bin, sizeof bin, c->bin);
            dev_child_free(c);
            drop_bin(bin);
            return;
        }
    }
    if (R.next && R.next->pid == pid) {
        /* The new version died before serving: the old one keeps the pages. */
        dev_child *c = R.next;
        R.next = NULL;
        report_crash(c, status, R.cur ? "the previous version keeps serving" : "waiting for a fix");
        char bin[DEV_PATH_MAX];
        dev_copy_str(bin, sizeof bin, c->bin);
        dev_child_free(c);
        drop_bin(bin);
        send_status();
        if (!R.cur && *R.fallback) {
            dev_copy_str(R.restart_bin, sizeof R.restart_bin, R.fallback);
            R.restart_at = dev_now_ms();
        }
        return;
    }
    if (R.cur && R.cur->pid == pid) {
        dev_child *c = R.cur;
        R.cur = NULL;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            /* It stopped by itself, cleanly: Ctrl-C reached it as well as
             * us (one process group), or the app called rc_app_stop. */
            dev_log("v%u stopped: stopping too", c->version);
            R.quit = true;
            char bin[DEV_PATH_MAX];
            dev_copy_str(bin, sizeof bin, c->bin);
            dev_child_free(c);
            drop_bin(bin);
            return;
        }
        /* The serving version died: start the previous one (or this one
         * again, with a growing pause if it keeps dying); its pages resume. */
        const char *bin = *R.fallback && strcmp(R.fallback, c->bin) != 0 ? R.fallback : c->bin;
        char then[160];
        snprintf(then, sizeof then, "restarting v%u", version_of(bin));
        report_crash(c, status, then);
        bool quick = dev_now_ms() - c->started_ms < 3000;
        R.quick_crashes = quick ? R.quick_crashes + 1 : 0;
        double pause = 0;
        if (bin == c->bin && R.quick_crashes) {
            pause = 500.0 * (1u << (R.quick_crashes > 5 ? 5 : R.quick_crashes));
            if (pause > 10000) pause = 10000;
        }
        dev_copy_str(R.restart_bin, sizeof R.restart_bin, bin);
        R.restart_at = dev_now_ms() + pause;
        char old[DEV_PATH_MAX];
        dev_copy_str(old, sizeof old, c->bin);
        dev_child_free(c);
        drop_bin(old);
    }
}

/* ---- setup --------------------------------------------------------------------------- */

/* Tokens must open in every version: one secret for the runner's life,
 * unless the app has its own. */
static void shared_secret(void) {
    if (getenv("REACTC_SECRET")) return;
    for (char **a = R.opt.app_argv; *a; a++)
        if (strcmp(*a, "--secret-file") == 0) return;
    unsigned char rnd[32];
    char hex[65];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) return;
    for (size_t i = 0; i < sizeof rnd; i++) snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    setenv("REACTC_SECRET", hex, 1);
}

/* ---- the loop --------------------------------------------------------------------- */

static void add_child_fds(struct pollfd *fds, size_t *n, dev_child *c) {
    if (!c) return;
    if (c->chan >= 0) fds[(*n)++] = (struct pollfd){.fd = c->chan, .events = POLLIN};
    if (c->err >= 0) fds[(*n)++] = (struct pollfd){.fd = c->err, .events = POLLIN};
}

static void service_child(dev_child *c, const struct pollfd *fds, size_t n) {
    if (!c) return;
    for (size_t i = 0; i < n; i++) {
        if (!fds[i].revents) continue;
        if (fds[i].fd == c->chan && c->chan >= 0) dev_child_read_chan(c);
        else if (fds[i].fd == c->err && c->err >= 0) dev_child_read_err(c);
    }
}

static void shutdown_all(void) {
    dev_child *all[MAX_STOPPING + 2] = {R.cur, R.next};
    memcpy(all + 2, R.stopping, sizeof R.stopping);
    for (size_t i = 0; i < MAX_STOPPING + 2; i++)
        if (all[i]) kill(all[i]->pid, SIGTERM);
    double deadline = dev_now_ms() + 3000;
    for (size_t i = 0; i < MAX_STOPPING + 2; i++) {
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

int main(int argc, char **argv) {
    setvbuf(stderr, NULL, _IOLBF, 0);
    if (dev_parse_args(argc, argv, &R.opt) < 0) return 2;
    /* Not SO_REUSEPORT: a second runner on the port must fail, not share
     * it. Versions share this one socket by inheritance. */
    R.listen_fd = rc_listen_socket(R.opt.host, R.opt.port, false, true, &R.opt.port);
    if (R.listen_fd < 0) {
        dev_log("cannot listen on %s:%d: %s", R.opt.host, R.opt.port, strerror(errno));
        return 1;
    }
    shared_secret();
    const char *tmp = getenv("TMPDIR");
    snprintf(R.tmpdir, sizeof R.tmpdir, "%s/reactc-dev.XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(R.tmpdir)) {
        dev_log("cannot create %s: %s", R.tmpdir, strerror(errno));
        return 1;
    }
    dev_watch *watch = dev_watch_new(R.opt.watch, R.opt.nwatch);
    if (!watch) return 1;

    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) return 1;
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < 4; i++) sigaction(sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    dev_log("http://%s:%d/ - watching %s%s; build: %s", R.opt.host, R.opt.port, R.opt.watch[0],
            R.opt.nwatch > 1 ? " and more" : "", R.opt.build_cmd);
    snprintf(R.changed, sizeof R.changed, "first build");
    R.change_at = dev_now_ms() - DEBOUNCE_MS;      /* build once at start */
    R.first_build = true;
    R.job.fd = -1;

    while (!R.quit) {
        /* The first build, and every save once quiet: build (built()
         * starts what it made). */
        double now = dev_now_ms();
        if (R.change_at > 0 && now - R.change_at >= DEBOUNCE_MS && !R.job.pid) {
            R.change_at = 0;
            if (R.change_kinds == DEV_CHANGE_STYLE && !R.first_build) restyle();
            else start_build();
            R.change_kinds = 0;
        }
        if (R.restart_at > 0 && now >= R.restart_at) {
            R.restart_at = 0;
            char bin[DEV_PATH_MAX];
            dev_copy_str(bin, sizeof bin, R.restart_bin);
            R.restart_bin[0] = '\0';
            start_version(bin, version_of(bin));
            if (strcmp(bin, R.fallback) == 0) R.fallback[0] = '\0';     /* in use again */
        }
        if (R.next && !R.next->ready && now - R.next->started_ms > READY_TIMEOUT_MS) {
            dev_log("v%u did not start serving within %d s: killing it", R.next->version,
                    READY_TIMEOUT_MS / 1000);
            kill(R.next->pid, SIGKILL);      /* reaped below as a crash before serving */
        }

        struct pollfd fds[8 + 2 * MAX_STOPPING];
        size_t n = 0;
        fds[n++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
        fds[n++] = (struct pollfd){.fd = dev_watch_fd(watch), .events = POLLIN};
        add_child_fds(fds, &n, R.cur);
        add_child_fds(fds, &n, R.next);
        for (int i = 0; i < MAX_STOPPING; i++) add_child_fds(fds, &n, R.stopping[i]);
        size_t job_at = n;
        if (R.job.fd >= 0) fds[n++] = (struct pollfd){.fd = R.job.fd, .events = POLLIN};
        size_t listen_at = n;            /* nothing serves: the runner answers */
        if (!R.cur && !R.next) fds[n++] = (struct pollfd){.fd = R.listen_fd, .events = POLLIN};
        double wait = 1000;
        if (R.change_at > 0 && !R.job.pid) wait = R.change_at + DEBOUNCE_MS - now;
        if (R.restart_at > 0 && R.restart_at - now < wait) wait = R.restart_at - now;
        if (wait < 0) wait = 0;
        if (poll(fds, n, (int)wait + 1) < 0 && errno != EINTR) break;

        if (fds[0].revents) {
            unsigned char sig;
            while (read(sig_pipe[0], &sig, 1) == 1) {
                if (sig == SIGINT || sig == SIGTERM) R.quit = true;
                if (sig == SIGHUP && R.change_at <= 0) {
                    snprintf(R.changed, sizeof R.changed, "SIGHUP");
                    R.change_at = dev_now_ms();
                }
            }
        }
        unsigned kinds = fds[1].revents ? dev_watch_read(watch, R.changed, sizeof R.changed) : 0;
        if (kinds) {
            R.change_kinds |= kinds;
            R.change_at = dev_now_ms();         /* (re)start the debounce */
        }
        if (job_at < n && R.job.fd >= 0 && fds[job_at].fd == R.job.fd && fds[job_at].revents)
            dev_job_read(&R.job);
        if (listen_at < n && fds[listen_at].fd == R.listen_fd && fds[listen_at].revents)
            dev_answer_unavailable(R.listen_fd, R.has_error ? &R.error : NULL, R.job.pid != 0);
        service_child(R.cur, fds, n);
        service_child(R.next, fds, n);
        for (int i = 0; i < MAX_STOPPING; i++) service_child(R.stopping[i], fds, n);
        if (R.next && R.next->ready) promote();

        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            if (R.job.pid && pid == R.job.pid) {
                R.job.status = status;
                R.job.reaped = true;
            } else {
                reaped(pid, status);
            }
        }
        if (R.job.pid && R.job.reaped && R.job.fd < 0) built();
    }
    if (R.job.pid) dev_job_cancel(&R.job);
    dev_log("stopping");
    shutdown_all();
    dev_watch_free(watch);
    dev_error_clear(&R.error);
    close(R.listen_fd);
    return 0;
}
