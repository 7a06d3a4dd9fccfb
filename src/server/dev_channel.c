/*
 * The app's end of the dev runner's channel (src/dev/, docs/dev.md).
 *
 * Under `reactc-dev` the app is started with two inherited descriptors:
 *   REACTC_LISTEN_FD  the runner's listening socket: every version of the
 *                     app accepts on the same socket, so a new version takes
 *                     connections before the old one lets go;
 *   REACTC_DEV_FD     a stream socket to the runner, one JSON object per line.
 * Runner -> app: {"type":"status","error":null|{kind,file,line,column,
 * message,output}} (the last build failed, or the last version crashed);
 * {"type":"restyle"} (only .css files changed: no build, pages refetch).
 * App -> runner: {"type":"ready","port":N} once it accepts connections.
 *
 * The app keeps the status as the message its clients get: {"type":"dev",
 * "error":..., "head":..., "head_hash":...}, sent after every whole tree (so a page that reconnects to a
 * new version learns the error is gone) and to every page when it changes.
 * The client shows it as an overlay and swaps the head (client/src/dev.ts).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "server/session.h"
#include "util/alloc.h"
#include "util/hash.h"

/* A line from the runner longer than this is a bug (compiler output is
 * capped at 8 KiB by the runner): drop the channel rather than grow. */
#define DEV_LINE_MAX (64 * 1024)

static int env_fd(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) return -1;
    char *end;
    long fd = strtol(v, &end, 10);
    if (*end || fd < 0 || fd > 65535) return -1;
    if (fcntl((int)fd, F_GETFD) < 0) return -1; /* not open: not under the runner */
    return (int)fd;
}

int rc_dev_listen_fd(void) {
    int fd = env_fd("REACTC_LISTEN_FD");
    if (fd < 0) return -1;
    /* on_accept drains the queue until EAGAIN; our own children must not
     * hold the socket after we exit. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* Builds the client message {"type":"dev","error":<err>} from the runner's
 * error object, field by field: only strings and numbers go out. */
static void set_status(rc_server *s, json_t *err) {
    rc_buf b;
    rc_buf_init(&b);
    rc_jw_raw(&b, "{\"type\":\"dev\",\"error\":");
    if (json_is_object(err)) {
        rc_buf_putc(&b, '{');
        const char *key;
        json_t *v;
        bool first = true;
        json_object_foreach(err, key, v) {
            if (!json_is_string(v) && !json_is_integer(v)) continue;
            if (!first) rc_buf_putc(&b, ',');
            first = false;
            rc_jw_key(&b, key);
            if (json_is_string(v)) rc_jw_string(&b, json_string_value(v), json_string_length(v));
            else rc_jw_int(&b, (int64_t)json_integer_value(v));
        }
        rc_buf_putc(&b, '}');
    } else {
        rc_jw_raw(&b, "null");
    }
    /* This version's head: a page loaded from another version swaps it in
     * (a CSS change shows without a reload). */
    const char *head = s->cfg.head;
    if (head) {
        char hash[24];
        snprintf(hash, sizeof hash, "%016llx", (unsigned long long)rc_hash_str(RC_HASH_SEED, head));
        rc_jw_raw(&b, ",\"head\":");
        rc_jw_str(&b, head);
        rc_jw_raw(&b, ",\"head_hash\":");
        rc_jw_str(&b, hash);
    }
    rc_buf_putc(&b, '}');
    rc_buf_free(&s->dev_status);
    s->dev_status = b; /* takes b's memory */
    for (rc_session *se = s->sessions; se; se = se->next)
        if (se->wsi && se->started && !se->base) rc_session_send_dev(se);
}

static void on_line(rc_server *s, char *line, size_t len) {
    json_error_t jerr;
    json_t *m = json_loadb(line, len, 0, &jerr);
    const char *type = json_string_value(json_object_get(m, "type"));
    if (type && strcmp(type, "status") == 0) {
        json_t *err = json_object_get(m, "error");
        set_status(s, err);
        if (json_is_object(err)) {
            const char *kind = json_string_value(json_object_get(err, "kind"));
            rc_srv_log(s, RC_LOG_INFO, "dev: showing a %s error to %zu session(s)",
                       kind ? kind : "build", s->nsessions);
        }
    } else if (type && strcmp(type, "restyle") == 0) {
        /* A stylesheet changed on disk: pages fetch theirs again. */
        static const char msg[] = "{\"type\":\"dev-restyle\"}";
        for (rc_session *se = s->sessions; se; se = se->next)
            if (se->wsi) rc_session_send_text(se, msg, sizeof msg - 1);
    } else {
        rc_srv_log(s, RC_LOG_WARN, "dev: unknown message from the runner ignored");
    }
    json_decref(m);
}

static void close_channel(rc_server *s) {
    ev_io_stop(s->loop, &s->dev_io);
    close(s->dev_fd);
    s->dev_fd = -1;
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents) {
    (void)loop;
    (void)revents;
    rc_server *s = w->data;
    char chunk[4096];
    ssize_t n = read(s->dev_fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        /* The runner is gone (killed with -9, say): nobody will restart us
         * or show errors, so stop as if asked to. */
        rc_srv_log(s, RC_LOG_WARN, "dev: the runner closed its channel: stopping");
        close_channel(s);
        rc_app_stop(s->app);
        return;
    }
    rc_buf_append(&s->dev_in, chunk, (size_t)n);
    size_t start = 0;
    for (size_t i = 0; i < s->dev_in.len; i++) {
        if (s->dev_in.data[i] != '\n') continue;
        on_line(s, s->dev_in.data + start, i - start);
        start = i + 1;
    }
    memmove(s->dev_in.data, s->dev_in.data + start, s->dev_in.len - start);
    s->dev_in.len -= start;
    if (s->dev_in.len > DEV_LINE_MAX) {
        rc_srv_log(s, RC_LOG_ERROR, "dev: line from the runner too long: channel closed");
        close_channel(s);
    }
}

void rc_dev_init(rc_server *s) {
    s->dev_fd = env_fd("REACTC_DEV_FD");
    rc_buf_init(&s->dev_in);
    rc_buf_init(&s->dev_status);
    if (s->dev_fd < 0) return;
    fcntl(s->dev_fd, F_SETFD, FD_CLOEXEC);
    fcntl(s->dev_fd, F_SETFL, fcntl(s->dev_fd, F_GETFL) | O_NONBLOCK);
    ev_io_init(&s->dev_io, on_readable, s->dev_fd, EV_READ);
    s->dev_io.data = s;
    ev_io_start(s->loop, &s->dev_io);
    set_status(s, NULL);
    /* A new version replaces the old at once: its pages come straight back
     * (no spread-out drain window, no token rate limit to wait out). */
    s->cfg.drain_ms = 0;
}

void rc_dev_ready(rc_server *s) {
    if (s->dev_fd < 0) return;
    char line[64];
    int n = snprintf(line, sizeof line, "{\"type\":\"ready\",\"port\":%d}\n", s->port);
    /* The socket buffer is empty at start: one small write cannot block. */
    if (write(s->dev_fd, line, (size_t)n) != n)
        rc_srv_log(s, RC_LOG_WARN, "dev: cannot tell the runner we are ready: %s", strerror(errno));
}

void rc_dev_free(rc_server *s) {
    if (s->dev_fd >= 0) close_channel(s);
    rc_buf_free(&s->dev_in);
    rc_buf_free(&s->dev_status);
}
