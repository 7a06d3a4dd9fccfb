/*
 * --auth-file: one "user:hash" line per user, hash a crypto_pwhash_str
 * string (reactc-passwd prints such lines). Read at start and on SIGHUP;
 * a bad file refuses the start, or keeps the users read before (login.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "server/auth.h"
#include "util/alloc.h"

bool rc_auth_name_ok(const char *name, size_t len) {
    if (len == 0 || len > RC_AUTH_USER_MAX) return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-' || c == '@';
        if (!ok) return false;
    }
    return true;
}

/* "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$salt$hash": the parameters
 * are read here, before libsodium would allocate m KiB for a check. */
bool rc_auth_hash_ok(const char *hash) {
    size_t len = strlen(hash);
    if (len > RC_AUTH_HASH_MAX) return false;
    unsigned long m = 0, t = 0, p = 0;
    int used = 0;
    if (sscanf(hash, "$argon2id$v=19$m=%lu,t=%lu,p=%lu$%n", &m, &t, &p, &used) != 3 || !used)
        return false;
    if (m == 0 || m > RC_AUTH_CAP_MEM_KIB || t == 0 || t > RC_AUTH_CAP_OPS || p != 1) return false;
    for (size_t i = (size_t)used; i < len; i++)
        if (hash[i] == ':' || hash[i] == ' ' || (unsigned char)hash[i] < 0x21) return false;
    return strchr(hash + used, '$') != NULL;
}

static int bad_line(char *err, size_t errlen, unsigned line, const char *why) {
    snprintf(err, errlen, "line %u: %s", line, why);
    return -1;
}

/* One line (without its newline) into u, or -1 with err. */
static int parse_line(const char *s, size_t n, unsigned line, rc_auth_users *u, char *err,
                      size_t errlen) {
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    if (!n || *s == '#') return 0;
    const char *colon = memchr(s, ':', n);
    if (!colon) return bad_line(err, errlen, line, "not user:hash");
    size_t nl = (size_t)(colon - s), hl = n - nl - 1;
    if (!rc_auth_name_ok(s, nl))
        return bad_line(err, errlen, line, "bad user name (1-64 of A-Z a-z 0-9 . _ - @)");
    char hash[RC_AUTH_HASH_MAX + 1];
    if (hl > RC_AUTH_HASH_MAX) return bad_line(err, errlen, line, "hash too long");
    memcpy(hash, colon + 1, hl);
    hash[hl] = '\0';
    if (!rc_auth_hash_ok(hash))
        return bad_line(err, errlen, line,
                        "not an Argon2id hash within 64 MiB and 10 passes (use reactc-passwd)");
    for (size_t i = 0; i < u->n; i++)
        if (strlen(u->v[i].name) == nl && memcmp(u->v[i].name, s, nl) == 0)
            return bad_line(err, errlen, line, "user named twice");
    u->v = rc_xrealloc(u->v, (u->n + 1) * sizeof *u->v);
    rc_auth_user *e = &u->v[u->n++];
    memcpy(e->name, s, nl);
    e->name[nl] = '\0';
    memcpy(e->hash, hash, hl + 1);
    return 0;
}

int rc_auth_parse(const char *text, rc_auth_users *out, char *err, size_t errlen) {
    rc_auth_users u = {NULL, 0};
    unsigned line = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (parse_line(p, n, ++line, &u, err, errlen) < 0) {
            rc_auth_users_free(&u);
            return -1;
        }
        p += n + (nl != NULL);
    }
    *out = u;
    return 0;
}

/* Checked on the open file, not the name (nothing can swap it between), as
 * the secret file is (src/resume/secret.c). */
static char *read_file(const char *path, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) why = "not a regular file";
    else if (st.st_size < 0 || (size_t)st.st_size >= RC_AUTH_FILE_MAX) why = "larger than 256 KiB";
    if (!why && (st.st_mode & (S_IRWXG | S_IRWXO))) {
        snprintf(err, errlen, "%s is open to group or others (mode %04o): chmod 600 %s", path,
                 (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return NULL;
    }
    char *buf = why ? NULL : rc_xmalloc(RC_AUTH_FILE_MAX);
    size_t n = 0;
    ssize_t r = 0;
    while (buf && n < RC_AUTH_FILE_MAX - 1 && (r = read(fd, buf + n, RC_AUTH_FILE_MAX - 1 - n)) > 0)
        n += (size_t)r;
    close(fd);
    if (buf && r < 0) why = strerror(errno);
    if (buf && !why) buf[n] = '\0';
    if (buf && !why && strlen(buf) != n) why = "contains a NUL byte";
    if (why) {
        snprintf(err, errlen, "%s: %s", path, why);
        free(buf);
        return NULL;
    }
    return buf;
}

int rc_auth_load(const char *path, rc_auth_users *out, char *err, size_t errlen) {
    char *text = read_file(path, err, errlen);
    if (!text) return -1;
    char why[200];
    int rc = rc_auth_parse(text, out, why, sizeof why);
    if (rc < 0) snprintf(err, errlen, "%s: %s", path, why);
    sodium_memzero(text, strlen(text));
    free(text);
    return rc;
}

const rc_auth_user *rc_auth_find(const rc_auth_users *u, const char *name) {
    for (size_t i = 0; i < u->n; i++)
        if (strcmp(u->v[i].name, name) == 0) return &u->v[i];
    return NULL;
}

void rc_auth_users_free(rc_auth_users *u) {
    if (u->v) sodium_memzero(u->v, u->n * sizeof *u->v);
    free(u->v);
    u->v = NULL;
    u->n = 0;
}
