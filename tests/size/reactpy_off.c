/*
 * Run by scripts/size.sh against the core build (build-size/, every
 * RC_WITH_* option off, ReactPy's base protocol among them): a ReactPy
 * client's WebSocket handshake (/_reactpy/stream) must be refused with an
 * HTTP error saying why, while reactc's own (/_reactc/stream) is accepted.
 * The app runs in a child process on a port this program reserved; the
 * answers are printed to stderr, where size.sh looks for RC_WITH_REACTPY.
 */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reactc.h"

static void root(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_text(ctx, "hello");
}
static RC_COMPONENT(root);

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        return -1;
    close(fd);
    return ntohs(a.sin_port);
}

/* Connects, retrying until the server listens (the barrier: a refused
 * connect means not yet), for at most 20 s. */
static int connect_to(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (int i = 0; i < 2000; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0) return fd;
        if (fd >= 0) close(fd);
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    return -1;
}

/* The handshake's answer (status line, headers and any body the server
 * wrote before closing or switching protocols) into out. */
static int handshake(int port, const char *path, char *out, size_t cap) {
    int fd = connect_to(port);
    if (fd < 0) return -1;
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n",
                     path, port);
    if (write(fd, req, (size_t)n) != n) return close(fd), -1;
    size_t got = 0;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (;;) {
        ssize_t r = read(fd, out + got, cap - 1 - got);
        if (r <= 0) break;
        got += (size_t)r;
        out[got] = '\0';
        /* A switch (101) sends headers only, then waits for us. */
        if (strstr(out, "\r\n\r\n") && strncmp(out + 8, " 101 ", 5) == 0) break;
        if (got + 1 >= cap) break;
    }
    out[got] = '\0';
    close(fd);
    return 0;
}

int main(void) {
    int port = free_port();
    if (port <= 0) return fprintf(stderr, "reactpy_off: no free port\n"), 1;
    pid_t pid = fork();
    if (pid == 0) {
        rc_app app = {.root = &root_component, .port = port};
        _exit(rc_app_run(&app));
    }
    char base[2048] = "", own[2048] = "";
    int rc = 0;
    if (handshake(port, "/_reactpy/stream", base, sizeof base) < 0 ||
        handshake(port, "/_reactc/stream", own, sizeof own) < 0) {
        fprintf(stderr, "reactpy_off: the app did not answer on port %d\n", port);
        rc = 1;
    } else {
        fprintf(stderr, "reactpy_off: a ReactPy client's handshake got:\n%s\n", base);
        /* lws answers a refused handshake as HTTP/1.0 */
        if (strncmp(base, "HTTP/1.", 7) != 0 || strncmp(base + 8, " 404 ", 5) != 0) {
            fprintf(stderr, "reactpy_off: the ReactPy stream was not refused with a 404\n");
            rc = 1;
        }
        if (strncmp(own, "HTTP/1.1 101 ", 13) != 0) {
            fprintf(stderr, "reactpy_off: reactc's own stream was not accepted:\n%s\n", own);
            rc = 1;
        }
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return rc;
}
