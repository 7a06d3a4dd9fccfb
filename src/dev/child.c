/*
 * One running version of the app.
 *
 * Descriptors it gets: 3 = the listening socket (REACTC_LISTEN_FD), 4 = its
 * end of a socketpair with us (REACTC_DEV_FD), 5 = a pipe holding the
 * shared secret (REACTC_SECRET_FD: the app reads it to the end and closes
 * it; the secret itself is never in an environment), 2 = a pipe we copy to our
 * stderr, keeping the tail: a crash report shows the app's last words (an
 * assertion, a sanitizer report) next to the signal that killed it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dev/runner.h"

enum { CHILD_LISTEN_FD = 3, CHILD_DEV_FD = 4, CHILD_SECRET_FD = 5 };

/* A pipe already holding the secret, its write end closed: the read end,
 * or -1 (no secret to share, or no pipe). The text is far below a pipe's
 * buffer, so the write cannot block. */
static int secret_pipe(const char *secret) {
    int p[2];
    if (!secret || pipe2(p, O_CLOEXEC) < 0) return -1;
    size_t len = strlen(secret);
    bool ok = write(p[1], secret, len) == (ssize_t)len;
    close(p[1]);
    if (!ok) {
        close(p[0]);
        return -1;
    }
    return p[0];
}

dev_child *dev_child_start(const char *bin, char *const *argv, int listen_fd, unsigned version,
                           const char *secret_text, const char *status_line) {
    int sp[2], ep[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) return NULL;
    if (pipe2(ep, O_CLOEXEC) < 0) {
        close(sp[0]);
        close(sp[1]);
        return NULL;
    }
    dev_child *c = calloc(1, sizeof *c);
    if (!c) abort();
    snprintf(c->bin, sizeof c->bin, "%s", bin);
    c->version = version;
    c->started_ms = dev_now_ms();
    int secret = secret_pipe(secret_text);
    pid_t pid = fork();
    if (pid < 0) {
        if (secret >= 0) close(secret);
        close(sp[0]);
        close(sp[1]);
        close(ep[0]);
        close(ep[1]);
        free(c);
        return NULL;
    }
    if (pid == 0) {
        /* dup2 clears FD_CLOEXEC on the copies: these three survive exec.
         * The listener may sit on fd 4 already: move it out of the way. */
        int lfd = fcntl(listen_fd, F_DUPFD_CLOEXEC, 10);
        int dfd = fcntl(sp[1], F_DUPFD_CLOEXEC, 10);
        if (lfd < 0 || dfd < 0 || dup2(lfd, CHILD_LISTEN_FD) < 0 || dup2(dfd, CHILD_DEV_FD) < 0 ||
            dup2(ep[1], 2) < 0)
            _exit(126);
        setenv("REACTC_LISTEN_FD", "3", 1);
        setenv("REACTC_DEV_FD", "4", 1);
        int sfd = secret >= 0 ? fcntl(secret, F_DUPFD_CLOEXEC, 10) : -1;
        if (sfd >= 0 && dup2(sfd, CHILD_SECRET_FD) == CHILD_SECRET_FD)
            setenv("REACTC_SECRET_FD", "5", 1);
        if (R.redis_url) setenv("REACTC_REDIS", R.redis_url, 1);
        signal(SIGPIPE, SIG_DFL);
        size_t n = 0;
        while (argv[n]) n++;
        char **args = calloc(n + 1, sizeof *args);
        if (!args) _exit(126);
        /* The app's own argv[0], not the copy's name (v3-app): the default
         * app id is the program's name, the same in every version. */
        args[0] = argv[0];
        for (size_t i = 1; i < n; i++) args[i] = argv[i];
        execv(bin, args);
        fprintf(stderr, "reactc-dev: cannot run %s: %s\n", bin, strerror(errno));
        _exit(127);
    }
    close(sp[1]);
    close(ep[1]);
    if (secret >= 0) close(secret);
    c->pid = pid;
    c->chan = sp[0];
    c->err = ep[0];
    fcntl(c->chan, F_SETFL, O_NONBLOCK);
    fcntl(c->err, F_SETFL, O_NONBLOCK);
    if (status_line) dev_child_send(c, status_line);
    return c;
}

bool dev_child_send(dev_child *c, const char *line) {
    if (c->chan < 0) return false;
    size_t len = strlen(line), off = 0;
    /* A status line is at most ~10 KB, far below a socket buffer: a full
     * buffer means the app stopped reading; give up on the line. */
    while (off < len) {
        ssize_t n = send(c->chan, line + off, len - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        off += (size_t)n;
    }
    return true;
}

bool dev_child_read_chan(dev_child *c) {
    bool ready = false;
    ssize_t n;
    while ((n = dev_read(&c->chan, c->in + c->in_len, sizeof c->in - 1 - c->in_len)) > 0) {
        c->in_len += (size_t)n;
        c->in[c->in_len] = '\0';
        char *nl;
        while ((nl = strchr(c->in, '\n'))) {
            *nl = '\0';
            if (strstr(c->in, "\"type\":\"ready\"")) {
                c->ready = true;
                ready = true;
            }
            size_t rest = c->in_len - (size_t)(nl + 1 - c->in);
            memmove(c->in, nl + 1, rest + 1);
            c->in_len = rest;
        }
        if (c->in_len == sizeof c->in - 1) c->in_len = 0; /* no such line: drop */
    }
    return ready;
}

void dev_child_read_err(dev_child *c) {
    char buf[4096];
    ssize_t n;
    while ((n = dev_read(&c->err, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, stderr);
        size_t take = (size_t)n;
        const char *from = buf;
        if (take >= sizeof c->tail) {
            from += take - sizeof c->tail;
            take = sizeof c->tail;
            c->tail_len = 0;
        } else if (c->tail_len + take > sizeof c->tail) {
            size_t drop = c->tail_len + take - sizeof c->tail;
            memmove(c->tail, c->tail + drop, c->tail_len - drop);
            c->tail_len -= drop;
        }
        memcpy(c->tail + c->tail_len, from, take);
        c->tail_len += take;
    }
}

void dev_child_stop(dev_child *c) {
    if (c->stopping) return;
    c->stopping = true;
    kill(c->pid, SIGTERM);
}

void dev_describe_exit(int status, char *out, size_t size) {
    if (WIFSIGNALED(status))
        snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else snprintf(out, size, "exited with status %d", WEXITSTATUS(status));
}

void dev_child_free(dev_child *c) {
    if (!c) return;
    if (c->err >= 0) {
        dev_child_read_err(c); /* its last words */
        if (c->err >= 0) close(c->err);
    }
    if (c->chan >= 0) close(c->chan);
    free(c);
}
