/*
 * Running the build command and reading its errors.
 *
 * The output is captured (and echoed to our stderr when the build fails,
 * so the terminal shows what the browser shows). The first compiler error
 * becomes the overlay's file, line and message; the output itself goes
 * along, stripped of colour codes and capped, for the notes and context.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "dev/runner.h"

#define OUTPUT_KEEP     (64 * 1024) /* captured; the first errors matter most */
#define OUTPUT_SEND     (8 * 1024)  /* sent to the browser */
#define CANCEL_GRACE_MS 2000        /* a cancelled build's time to stop on SIGTERM */

void dev_error_clear(dev_error *e) {
    free(e->output);
    memset(e, 0, sizeof *e);
}

/* Removes ANSI escape sequences (compilers colour their output when asked
 * to, and CMake asks them to). */
static void strip_ansi(char *s) {
    char *out = s;
    for (char *p = s; *p;) {
        if (p[0] == '\x1b' && p[1] == '[') {
            p += 2;
            while (*p && !(*p >= '@' && *p <= '~')) p++;
            if (*p) p++;
            continue;
        }
        *out++ = *p++;
    }
    *out = '\0';
}

/* JSON needs UTF-8: a byte that does not start or continue a valid
 * sequence (a locale's encoding, a cut at the cap) becomes '?'. */
static void sanitize_utf8(char *s) {
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        int n = *p < 0x80             ? 0
                : (*p & 0xE0) == 0xC0 ? 1
                : (*p & 0xF0) == 0xE0 ? 2
                : (*p & 0xF8) == 0xF0 ? 3
                                      : -1;
        int ok = n >= 0 && !(n == 1 && *p < 0xC2);
        for (int i = 1; ok && i <= n; i++)
            if ((p[i] & 0xC0) != 0x80) ok = 0;
        if (!ok) {
            *p++ = '?';
            continue;
        }
        p += n + 1;
    }
}

static void copy_field(char *dst, size_t size, const char *src, size_t n) {
    if (n >= size) n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Parses "file:line[:col]: [fatal ]error: message" from one line. */
static bool parse_line(const char *line, size_t len, dev_error *e) {
    static const char *const marks[] = {": fatal error: ", ": error: "};
    for (size_t m = 0; m < 2; m++) {
        const char *hit = memmem(line, len, marks[m], strlen(marks[m]));
        if (!hit) continue;
        /* Walk back over ":col" and ":line" from the mark. */
        const char *end = hit;
        int nums[2] = {0, 0}, count = 0;
        while (count < 2) {
            const char *q = end;
            while (q > line && isdigit((unsigned char)q[-1])) q--;
            if (q == end || q == line || q[-1] != ':') break;
            nums[count++] = atoi(q);
            end = q - 1;
        }
        if (count == 0 || end == line) continue;
        copy_field(e->file, sizeof e->file, line, (size_t)(end - line));
        e->line = count == 2 ? nums[1] : nums[0];
        e->column = count == 2 ? nums[0] : 0;
        const char *msg = hit + strlen(marks[m]);
        copy_field(e->message, sizeof e->message, msg, (size_t)(line + len - msg));
        return true;
    }
    return false;
}

void dev_parse_error(const char *output, dev_error *e) {
    const char *fallback = NULL;
    size_t fallback_len = 0;
    for (const char *p = output; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (parse_line(p, len, e)) return;
        if (!fallback &&
            (memmem(p, len, "error", 5) || memmem(p, len, "undefined reference", 19))) {
            fallback = p;
            fallback_len = len;
        }
        p += len + (nl ? 1 : 0);
    }
    if (fallback) copy_field(e->message, sizeof e->message, fallback, fallback_len);
    else snprintf(e->message, sizeof e->message, "the build command failed");
}

void dev_command_describe(const dev_command *c, char *out, size_t size) {
    if (*c->shell || !c->argc) {
        dev_copy_str(out, size, c->shell);
        return;
    }
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < c->argc && len < size; i++) {
        int n = snprintf(out + len, size - len, "%s%s", i ? " " : "", c->argv[i]);
        if (n < 0) break;
        len += (size_t)n;
    }
}

/* In the child: the user's shell line, or the default's arguments as they
 * are (execvp: no shell, so nothing in them is interpreted). */
static void exec_command(const dev_command *c) {
    if (*c->shell || !c->argc) {
        execl("/bin/sh", "sh", "-c", c->shell, (char *)NULL);
        return;
    }
    char *argv[DEV_COMMAND_ARGS + 1];
    for (size_t i = 0; i < c->argc; i++) argv[i] = (char *)(uintptr_t)c->argv[i];
    argv[c->argc] = NULL;
    execvp(argv[0], argv);
    fprintf(stderr, "reactc-dev: cannot run %s: %s\n", argv[0], strerror(errno));
}

int dev_job_start(dev_job *j, const dev_command *command) {
    memset(j, 0, sizeof *j);
    j->fd = -1;
    j->t0 = dev_now_ms();
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0); /* its own group: stopped as a whole */
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        signal(SIGPIPE, SIG_DFL);
        exec_command(command);
        _exit(127);
    }
    close(fds[1]);
    j->pid = pid;
    j->fd = fds[0];
    fcntl(j->fd, F_SETFL, O_NONBLOCK);
    j->out = malloc(OUTPUT_KEEP + 1);
    if (!j->out) abort();
    return 0;
}

bool dev_job_read(dev_job *j) {
    char chunk[4096];
    ssize_t n;
    /* EOF: every writer (the build's processes) is gone. */
    while ((n = dev_read(&j->fd, chunk, sizeof chunk)) > 0) {
        size_t take = (size_t)n;
        if (take > OUTPUT_KEEP - j->len) take = OUTPUT_KEEP - j->len;
        memcpy(j->out + j->len, chunk, take);
        j->len += take;
    }
    return n < 0;
}

int dev_job_finish(dev_job *j, FILE *echo, dev_error *e, double *ms) {
    *ms = dev_now_ms() - j->t0;
    char *out = j->out;
    j->out = NULL;
    out[j->len] = '\0';
    if (j->fd >= 0) close(j->fd);
    j->fd = -1;
    int status = j->status;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        free(out);
        return 0;
    }
    if (echo) fputs(out, echo);
    strip_ansi(out);
    dev_error_clear(e);
    snprintf(e->kind, sizeof e->kind, "compile");
    dev_parse_error(out, e);
    if (strlen(out) > OUTPUT_SEND) out[OUTPUT_SEND] = '\0';
    sanitize_utf8(out);
    sanitize_utf8(e->file);
    sanitize_utf8(e->message);
    e->output = out;
    return -1;
}

/* Stops the build's process group: SIGTERM, and SIGKILL once the grace
 * is over (a build script may ignore SIGTERM; the runner's exit must not
 * wait for it). */
static void stop_group(pid_t pid) {
    kill(-pid, SIGTERM); /* the build tool and the compilers it started */
    double until = dev_now_ms() + CANCEL_GRACE_MS;
    for (;;) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r < 0 && errno == EINTR) continue;
        if (r != 0) return; /* reaped */
        if (dev_now_ms() >= until) break;
        usleep(10000);
    }
    kill(-pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
}

void dev_job_cancel(dev_job *j) {
    if (j->pid > 0 && !j->reaped) stop_group(j->pid);
    if (j->fd >= 0) close(j->fd);
    free(j->out);
    memset(j, 0, sizeof *j);
    j->fd = -1;
}

int dev_build(const dev_command *command, FILE *echo, dev_error *e, double *ms) {
    dev_job j;
    if (dev_job_start(&j, command) < 0) return -1;
    struct pollfd p = {.fd = j.fd, .events = POLLIN};
    while (!dev_job_read(&j)) poll(&p, 1, -1);
    while (waitpid(j.pid, &j.status, 0) < 0 && errno == EINTR) {}
    j.reaped = true;
    return dev_job_finish(&j, echo, e, ms);
}

char *dev_status_line(const dev_error *e) {
    json_t *err = json_null();
    if (e) {
        err = json_pack("{s:s, s:s, s:i, s:i, s:s, s:s}", "kind", e->kind, "file", e->file, "line",
                        e->line, "column", e->column, "message", e->message, "output",
                        e->output ? e->output : "");
        if (!err) /* text jansson still refuses: say less */
            err =
                json_pack("{s:s, s:s}", "kind", e->kind, "message", "(unreadable compiler output)");
        if (!err) err = json_null();
    }
    json_t *m = json_pack("{s:s, s:o}", "type", "status", "error", err);
    char *text = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    if (!text) return NULL;
    size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    if (!line) abort();
    line[n] = '\n';
    line[n + 1] = '\0';
    return line;
}
