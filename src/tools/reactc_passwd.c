/*
 * reactc-passwd USER: reads a password from stdin (without echo when it is
 * a terminal) and prints "USER:<Argon2id hash>", a line for --auth-file
 * (docs/security.md, "Login"). The hash's parameters are reactc's for
 * small devices (src/server/auth.h: 2 passes over 16 MiB), not
 * libsodium's INTERACTIVE 64 MiB.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include "server/auth.h"

static bool name_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > RC_AUTH_USER_MAX) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-' || *s == '@'))
            return false;
    return true;
}

/* One line from stdin into pw, echo off on a terminal. false: none, or
 * longer than the server takes. */
static bool read_password(char *pw, size_t cap) {
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fputs("password: ", stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(pw, (int)cap, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!ok) return false;
    size_t n = strlen(pw);
    if (n && pw[n - 1] == '\n') pw[--n] = '\0';
    else if (n == cap - 1) return false; /* cut: too long */
    if (n && pw[n - 1] == '\r') pw[--n] = '\0';
    return n > 0;
}

int main(int argc, char **argv) {
    if (argc != 2 || strcmp(argv[1], "--help") == 0 || !name_ok(argv[1])) {
        fprintf(stderr,
                "usage: %s USER  (reads the password from stdin)\n"
                "prints USER:<Argon2id hash>, a line for reactc's --auth-file (mode 0600).\n"
                "USER: 1-64 of A-Z a-z 0-9 . _ - @\n",
                argv[0]);
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "%s: libsodium failed to initialise\n", argv[0]);
        return 1;
    }
    char pw[RC_AUTH_PASS_MAX + 2];
    if (!read_password(pw, sizeof pw)) {
        fprintf(stderr, "%s: no password read (1-%d bytes, one line)\n", argv[0], RC_AUTH_PASS_MAX);
        return 1;
    }
    char hash[crypto_pwhash_STRBYTES];
    int rc = crypto_pwhash_str(hash, pw, strlen(pw), RC_AUTH_NEW_OPS, RC_AUTH_NEW_MEM);
    sodium_memzero(pw, sizeof pw);
    if (rc != 0) {
        fprintf(stderr, "%s: out of memory hashing (needs 16 MiB)\n", argv[0]);
        return 1;
    }
    printf("%s:%s\n", argv[1], hash);
    return 0;
}
