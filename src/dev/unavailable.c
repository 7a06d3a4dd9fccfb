/*
 * The runner's own answer while no version of the app serves: a 503 page
 * that shows why and reloads itself into the app once a version serves.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "dev/runner.h"

/* A page being written: raw HTML, or text with the HTML specials escaped. */
typedef struct page_buf {
    char data[16384];
    size_t len;
} page_buf;

static void page_raw(page_buf *b, const char *html) {
    size_t n = strlen(html);
    if (n > sizeof b->data - 1 - b->len) n = sizeof b->data - 1 - b->len;
    memcpy(b->data + b->len, html, n);
    b->len += n;
}

static void page_text(page_buf *b, const char *text) {
    for (const char *p = text; *p; p++) {
        char one[2] = {*p, '\0'};
        page_raw(b, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : one);
    }
}

/* Nothing serves (the first build failed with no earlier binary, or the
 * version that died is not back yet): rather than leave connections
 * waiting in the backlog, answer each with a 503 page that shows why and
 * reloads itself every second; a page's WebSocket gets the same 503 and
 * retries with its backoff. */
void dev_answer_unavailable(int listen_fd, const dev_error *error, bool building) {
    for (int i = 0; i < 16; i++) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) return;
        /* Read the request first: closing with it unread would reset the
         * connection and lose the answer. */
        struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char req[4096];
        if (read(fd, req, sizeof req) < 0) {}
        static page_buf b;
        b.len = 0;
        page_raw(&b, "<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=1>"
                     "<title>reactc-dev: nothing to serve</title><body style=\"font:14px/1.45 "
                     "ui-monospace,monospace;background:#1e1e1e;color:#eee;padding:1rem\">"
                     "<h2 style=\"color:#ff8080;font-family:system-ui\">reactc-dev: nothing to "
                     "serve yet</h2><p id=reactc-dev-error>");
        if (error) {
            if (*error->file) {
                char where[DEV_PATH_MAX + 32];
                snprintf(where, sizeof where, "%s:%d: ", error->file, error->line);
                page_text(&b, where);
            }
            page_text(&b, error->message);
            page_raw(&b, "</p><pre style=\"white-space:pre-wrap;color:#ccc\">");
            if (error->output) page_text(&b, error->output);
            page_raw(&b, "</pre>");
        } else {
            page_text(&b, building ? "Building..." : "Starting...");
            page_raw(&b, "</p>");
        }
        char head[256];
        int hn = snprintf(
            head, sizeof head,
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html; charset=utf-8\r\n"
            "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
            b.len);
        /* A fresh socket's buffer takes this at once; a peer that does not
         * read gets what fits (MSG_DONTWAIT: never stall the runner). */
        if (send(fd, head, (size_t)hn, MSG_NOSIGNAL | MSG_DONTWAIT) == hn)
            if (send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {}
        close(fd);
    }
}
