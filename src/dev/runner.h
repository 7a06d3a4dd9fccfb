/*
 * reactc-dev: the dev runner (docs/dev.md).
 *
 *   main.c         the setup, the poll loop (signals, saves, the build's
 *                  output, the versions' output and deaths), the shutdown
 *   options.c      the command line, the CMake defaults (build command, sources)
 *   reload.c       a save, once quiet: restyle or build; a finished build:
 *                  start the new version, or show the error
 *   versions.c     the versions of the app: a binary copy each, start one,
 *                  promote it once ready, drain the old one, keep a fallback
 *   crash.c        a version died: drained, failed before serving, or crashed
 *                  while serving (the fallback restarts, with a backoff)
 *   messages.c     the dev messages to the pages: the status (the error
 *                  overlay) and restyle
 *   unavailable.c  the runner's own 503 page while no version serves
 *   host.c         the Host rule for that page (the app's, src/server/origin.c)
 *   log.c          the clock, log lines, non-blocking reads, string copy
 *   watch.c        inotify over source trees: which saves trigger a build
 *   build.c        runs the build command, finds the first compiler error
 *   child.c        one version of the app: spawn with the socket and a channel,
 *                  its stderr kept for crash reports, ready / exit
 *
 * The runner owns the listening socket; every version of the app accepts
 * on it (REACTC_LISTEN_FD), so a new version serves before the old one
 * drains, and pages resume on the new code from their tokens. A version
 * runs from its own copy of the binary, so the previous one can be
 * restarted after the build has overwritten the original.
 */
#ifndef RC_DEV_RUNNER_H
#define RC_DEV_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "server/origin.h"

#define DEV_PATH_MAX 4096

double dev_now_ms(void);
/* Reads what non-blocking *fd has: the byte count; 0 when nothing is there
 * now; -1 at its end (or an error), *fd then closed and set to -1. */
ssize_t dev_read(int *fd, void *buf, size_t size);
void dev_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Copies a string, cut to fit (paths here are far below the limits). */
void dev_copy_str(char *dst, size_t size, const char *src);

/* ---- options.c ------------------------------------------------------------- */

#define DEV_COMMAND_ARGS 5 /* cmake --build DIR --target NAME */

/* The build command. The user's --build CMD is a shell line: they typed it
 * (`make app && ...` must work). The default, found from the CMake build
 * tree, is an argument vector run without a shell: a path is one argument
 * whatever it holds (a quote or `$(...)` in a folder name runs nothing). */
typedef struct dev_command {
    char shell[2 * DEV_PATH_MAX];              /* run with sh -c when not empty */
    char argv[DEV_COMMAND_ARGS][DEV_PATH_MAX]; /* else execvp(argv[0], argv) */
    size_t argc;
} dev_command;

/* The repeatable options the runner checks on its own page and passes on
 * to every version, in the order of rc_app's fields. */
enum { DEV_ALLOW_ORIGIN, DEV_ALLOW_HOST, DEV_TRUSTED_PROXY, DEV_NLISTS };
#define DEV_LIST_MAX 32 /* values per option (rc_app_parse_args' limit) */

typedef struct dev_options {
    const char *host;
    int port;
    dev_command build;
    const char *watch[32];
    size_t nwatch;
    char cmake_home[DEV_PATH_MAX];
    char app[DEV_PATH_MAX]; /* the binary the build writes */
    char **app_argv;        /* APP and its options */
    /* --allow-origin, --allow-host, --trusted-proxy: NULL-terminated. */
    const char *lists[DEV_NLISTS][DEV_LIST_MAX + 1];
    size_t nlists[DEV_NLISTS];
    rc_edge_rules rules; /* parsed from them: the runner's own Host check */
    /* What a version is started with: APP, the lists as options, then
     * APP's own options (which add to the lists); malloc'd. */
    char **child_argv;
    /* APP's own options include --tls-cert: its versions serve HTTPS on the
     * runner's socket, so the runner's URLs say https and it never answers
     * there itself (its 503 page would be plain text into a handshake). */
    bool tls;
} dev_options;

/* Fills o (zeroed) from reactc-dev's command line (--help: prints the usage and
 * exits); -1 (message printed) when it is wrong. */
int dev_parse_args(int argc, char **argv, dev_options *o);
/* Frees what dev_parse_args allocated. */
void dev_options_free(dev_options *o);

/* ---- host.c ---------------------------------------------------------------- */

/* The verdict on a request head of len bytes (the request line and header
 * lines, up to the empty line) from peer (an address as text): 0 (answer
 * it) or the status to refuse it with (400, 421, 403), with *why for the
 * log; rc_edge_rules_check's rules on what the head says. */
unsigned dev_request_check(const rc_edge_rules *rules, const char *head, size_t len,
                           const char *peer, const char **why);

/* ---- watch.c --------------------------------------------------------------- */

typedef struct dev_watch dev_watch;

/* Watches each root recursively (skipping hidden folders, node_modules and
 * CMake build trees). NULL on failure (message printed). */
dev_watch *dev_watch_new(const char *const *roots, size_t nroots);
int dev_watch_fd(const dev_watch *w);
enum {
    DEV_CHANGE_SOURCE = 1, /* a build input: rebuild */
    DEV_CHANGE_STYLE = 2,  /* a .css file: pages reload their stylesheets */
};
/* Reads pending events: the DEV_CHANGE_* kinds of the files written, moved
 * in or deleted (the name of one is copied to changed); 0 for none. New
 * folders are watched. */
unsigned dev_watch_read(dev_watch *w, char *changed, size_t changed_size);
void dev_watch_free(dev_watch *w);

/* ---- build.c --------------------------------------------------------------- */

/* What the status line to the app says went wrong. */
typedef struct dev_error {
    char kind[16]; /* "compile" or "crash" */
    char file[512];
    int line, column;
    char message[1024];
    char *output; /* malloc'd, stripped of colour codes, capped */
} dev_error;

void dev_error_clear(dev_error *e);

/* A build running in the background: the runner's loop polls fd, calls
 * dev_job_read when it is readable, and reaps pid (setting status and
 * reaped); the job is done when both happened. */
typedef struct dev_job {
    pid_t pid; /* 0: no build running */
    int fd;    /* its stdout+stderr, -1 at EOF */
    char *out; /* captured output (capped) */
    size_t len;
    double t0;
    int status; /* waitpid status, once reaped */
    bool reaped;
} dev_job;

/* The command as the log shows it: the shell line, or the arguments
 * separated by spaces. */
void dev_command_describe(const dev_command *c, char *out, size_t size);

int dev_job_start(dev_job *j, const dev_command *command);
/* Reads what the build wrote; true once its output is at EOF. */
bool dev_job_read(dev_job *j);
/* After EOF and reaping: 0 when the build succeeded, -1 with e filled
 * (kind "compile", output copied to echo when not NULL) when it failed. */
int dev_job_finish(dev_job *j, FILE *echo, dev_error *e, double *ms);
/* Stops (SIGTERM, then SIGKILL after 2 s) and reaps a running build; frees
 * the job. */
void dev_job_cancel(dev_job *j);

/* The same, start to finish, blocking (tests): output captured (and
 * copied to echo, when not NULL, if the build fails). 0 when it succeeded;
 * -1 with e filled (kind "compile") when it failed. *ms: how long it took. */
int dev_build(const dev_command *command, FILE *echo, dev_error *e, double *ms);

/* Finds the first "file:line:col: error: message" in the output (gcc and
 * clang), else the first line that mentions an error. */
void dev_parse_error(const char *output, dev_error *e);

/* The JSON line {"type":"status","error":...}\n for the app (e NULL: none);
 * malloc'd. */
char *dev_status_line(const dev_error *e);

/* ---- child.c --------------------------------------------------------------- */

typedef struct dev_child {
    pid_t pid;
    unsigned version;
    int chan;               /* our end of the channel, -1 once closed */
    int err;                /* the read end of its stderr, -1 at EOF */
    char bin[DEV_PATH_MAX]; /* the binary copy it runs */
    bool ready;             /* it said it accepts connections */
    bool stopping;          /* we sent SIGTERM */
    double started_ms;
    char in[512]; /* a line from it being read */
    size_t in_len;
    char tail[4096]; /* the end of its stderr, for crash reports */
    size_t tail_len;
} dev_child;

/* Starts bin with argv[1..] (argv[0] is replaced by bin), the listening
 * socket, a new channel and secret (NULL: none) through a pipe; sends
 * status_line first. NULL on failure. */
dev_child *dev_child_start(const char *bin, char *const *argv, int listen_fd, unsigned version,
                           const char *secret, const char *status_line);
/* Reads its channel; true when it just said ready. */
bool dev_child_read_chan(dev_child *c);
/* Copies its stderr to ours and keeps the tail. */
void dev_child_read_err(dev_child *c);
/* Sends one line; false when the channel is gone. */
bool dev_child_send(dev_child *c, const char *line);
void dev_child_stop(dev_child *c);
/* "killed by signal 11 (Segmentation fault)" / "exited with status 3". */
void dev_describe_exit(int status, char *out, size_t size);
/* Frees c after it was reaped: closes its descriptors (keeps the binary). */
void dev_child_free(dev_child *c);

/* ---- unavailable.c --------------------------------------------------------- */

/* While no version serves, the runner answers connections itself, without
 * ever waiting on one: accepted non-blocking into a small table polled by
 * the loop, each answered once its request's headers are in. A connection
 * that stays silent is closed after a while; when the table is full, the
 * oldest goes to make room. */
#define DEV_PENDING_MAX       32   /* connections waiting for their request */
#define DEV_PENDING_SILENT_MS 5000 /* a browser's request follows its connect at once */

/* Accepts what waits on listen_fd into the table (full: the oldest is closed). */
void dev_unavailable_accept(int listen_fd, double now);
/* Puts the waiting connections in fds (room for DEV_PENDING_MAX); their count. */
size_t dev_unavailable_poll_fds(struct pollfd *fds);
/* Reads those of fds[0..n) that poll found ready; a connection whose request
 * is in gets a 503 page showing error (NULL: "Building..." when building,
 * else "Starting...") that reloads itself every second, and is closed. A
 * request the rules refuse (dev_request_check) gets its status and no
 * details instead. */
void dev_unavailable_serve(const struct pollfd *fds, size_t n, const rc_edge_rules *rules,
                           const dev_error *error, bool building);
/* Closes the connections silent past DEV_PENDING_SILENT_MS; the time the
 * next one will be (0: none waits). */
double dev_unavailable_expire(double now);

/* ---- the runner's state (defined in main.c) --------------------------------- */

#define DEV_MAX_STOPPING 16

typedef struct dev_runner {
    dev_options opt;
    int listen_fd;
    char tmpdir[64]; /* versioned copies of the binary */
    unsigned versions;
    struct stat built; /* the binary last copied */
    dev_child *cur;    /* serving */
    dev_child *next;   /* started, not ready yet */
    dev_child *stopping[DEV_MAX_STOPPING];
    char fallback[DEV_PATH_MAX]; /* the version before cur: restarted if cur crashes */
    dev_error error;             /* what the pages are shown, if any */
    bool has_error;
    double build_ms;  /* of the version starting */
    double change_at; /* a save not built yet (0: none) */
    char changed[DEV_PATH_MAX];
    unsigned change_kinds; /* DEV_CHANGE_* saved since the last build */
    dev_job job;           /* the build running, if job.pid */
    bool first_build;
    double restart_at; /* restart a crashed version then (0: none) */
    char restart_bin[DEV_PATH_MAX];
    unsigned quick_crashes;
    bool quit; /* SIGINT/SIGTERM, or the app stopped by itself */
    /* REACTC_REDIS, taken out of our environment (dev_share_secret): set
     * again only in each version's, never in a build step's. */
    char *redis_url;
} dev_runner;

/* The one runner of the process. */
extern dev_runner R;

/* ---- reload.c ---------------------------------------------------------------- */

/* A save once quiet (or the first build, or SIGHUP): only stylesheets
 * changed: the pages refetch them; else the build starts. */
void dev_reload(void);
/* The build ended (its output read, it reaped): starts the new version,
 * or shows the error; a save during the build: nothing (it builds again). */
void dev_built(void);

/* ---- versions.c -------------------------------------------------------------- */

/* Copies the binary the build wrote to a new version's copy in R.tmpdir
 * (its path in out); -1 with errno. */
int dev_copy_binary(char *out, size_t size);
/* Starts bin as R.next (replacing one not ready yet), sent the status. */
void dev_start_version(const char *bin, unsigned version);
/* R.next said it is ready: it serves, R.cur drains and is the fallback. */
void dev_promote(void);
/* Kills R.next if it has not said ready in time (then reaped as a crash). */
void dev_check_start_timeout(double now);
/* The version number in a copy's name ("v3-app": 3). */
unsigned dev_version_of(const char *bin);
/* Frees a reaped version and deletes its copy if nothing needs it. */
void dev_free_version(dev_child *c);
/* Makes up (or takes from REACTC_SECRET, removing it from the
 * environment) the secret every version shares, unless the app has a
 * secret file; takes REACTC_REDIS (its URL may hold a password) out of the
 * environment into R.redis_url for the versions alone. */
void dev_share_secret(void);
/* At exit: stops every version, empties and removes R.tmpdir. */
void dev_stop_all(void);

/* ---- crash.c ----------------------------------------------------------------- */

/* A version ended with status (from waitpid). */
void dev_reaped(pid_t pid, int status);
/* Starts the version a crash scheduled, once its pause is over. */
void dev_restart_if_due(double now);

/* ---- messages.c -------------------------------------------------------------- */

/* The status line for the error the pages show now (R.error, or none); malloc'd. */
char *dev_status_now(void);
/* Sends it to the serving and the starting version. */
void dev_send_status(void);
/* Tells the pages to refetch their stylesheets. */
void dev_send_restyle(void);

#endif
