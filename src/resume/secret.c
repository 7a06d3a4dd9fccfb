#include "resume/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"

#define TEXT_MAX 4096 /* a file or pipe of secrets: eight of them fit many times */

/* ---- parsing ------------------------------------------------------------------ */

static int fail(rc_secrets *out, char *err, size_t errlen, const char *fmt, size_t nth) {
    snprintf(err, errlen, fmt, nth);
    rc_secrets_wipe(out);
    return -1;
}

/* The salt of pass: secrets: a hash of the app id under its own context. */
static void pass_salt(unsigned char salt[crypto_pwhash_SALTBYTES], const char *app_id) {
    static const char ctx[] = "reactc pass: salt, app id follows";
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, crypto_pwhash_SALTBYTES);
    crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof ctx);
    crypto_generichash_update(&st, (const unsigned char *)app_id, strlen(app_id));
    crypto_generichash_final(&st, salt, crypto_pwhash_SALTBYTES);
}

/* b64: accepts standard base64 with or without padding (what `base64`
 * prints) and the URL-safe alphabet; exactly 32 bytes. */
static bool decode_b64(unsigned char *master, const char *s, size_t len) {
    static const int variants[] = {
        sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
        sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING};
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        size_t n = 0;
        const char *end = NULL;
        if (sodium_base642bin(master, RC_SECRET_BYTES, s, len, NULL, &n, &end, variants[i]) == 0 &&
            end == s + len && n == RC_SECRET_BYTES)
            return true;
    }
    return false;
}

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* One typed secret s[0..len) (no separators in it) into out's next master. */
static int add_typed(rc_secrets *out, const char *s, size_t len, const char *app_id, char *err,
                     size_t errlen) {
    size_t nth = out->n + 1;
    if (out->n == RC_SECRET_MAX) return fail(out, err, errlen, "more than 8 secrets (%zu)", nth);
    unsigned char *m = out->master[out->n];
    if (len > 4 && memcmp(s, "b64:", 4) == 0) {
        if (!decode_b64(m, s + 4, len - 4))
            return fail(
                out, err, errlen,
                "secret %zu: b64: must hold exactly 32 bytes in base64 (44 characters); " RC_SECRET_HOWTO,
                nth);
    } else if (len > 4 && memcmp(s, "hex:", 4) == 0) {
        size_t n = 0;
        const char *end = NULL;
        if (len - 4 != 2 * RC_SECRET_BYTES ||
            sodium_hex2bin(m, RC_SECRET_BYTES, s + 4, len - 4, NULL, &n, &end) != 0 ||
            n != RC_SECRET_BYTES || end != s + len)
            return fail(
                out, err, errlen,
                "secret %zu: hex: must hold exactly 64 hex digits (32 bytes); " RC_SECRET_HOWTO,
                nth);
    } else if (len >= 5 && memcmp(s, "pass:", 5) == 0) {
        while (len > 5 && is_space(s[5])) { /* "pass: words": the words */
            s++;
            len--;
        }
        if (len == 5)
            return fail(out, err, errlen, "secret %zu: pass: is empty; " RC_SECRET_HOWTO, nth);
        unsigned char salt[crypto_pwhash_SALTBYTES];
        pass_salt(salt, app_id);
        if (crypto_pwhash(m, RC_SECRET_BYTES, s + 5, len - 5, salt, RC_SECRET_PWHASH_OPS,
                          RC_SECRET_PWHASH_MEM, crypto_pwhash_ALG_ARGON2ID13) != 0)
            return fail(out, err, errlen,
                        "secret %zu: Argon2id needs 64 MiB of memory, which is not available", nth);
        out->stretched = true;
    } else {
        return fail(out, err, errlen, "secret %zu has no type prefix; " RC_SECRET_HOWTO, nth);
    }
    out->n++;
    return 0;
}

int rc_secrets_parse(rc_secrets *out, const char *text, const char *app_id, char *err,
                     size_t errlen) {
    memset(out, 0, sizeof *out);
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    const char *p = text ? text : "";
    while (*p) {
        size_t n = strcspn(p, ",\n\r");
        const char *s = p, *e = p + n;
        p = e;
        while (*p == ',' || *p == '\n' || *p == '\r') p++;
        while (s < e && is_space(*s)) s++;
        while (e > s && is_space(e[-1])) e--;
        if (e - s >= 5 && memcmp(s, "pass:", 5) == 0) {
            /* A passphrase may hold spaces: the whole of its piece. */
            if (add_typed(out, s, (size_t)(e - s), app_id, err, errlen) < 0) return -1;
            continue;
        }
        while (s < e) {
            const char *t = s;
            while (t < e && !is_space(*t)) t++;
            if (add_typed(out, s, (size_t)(t - s), app_id, err, errlen) < 0) return -1;
            s = t;
            while (s < e && is_space(*s)) s++;
        }
    }
    return 0;
}

void rc_secrets_wipe(rc_secrets *s) { sodium_memzero(s, sizeof *s); }

/* ---- where secret text comes from -------------------------------------------- */

int rc_secret_file_read(const char *path, char *buf, size_t size, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open secret file %s: %s", path, strerror(errno));
        return -1;
    }
    /* Checked on the open file, not the name: nothing can swap it between. */
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "secret file %s is not a regular file", path);
        close(fd);
        return -1;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        snprintf(err, errlen, "secret file %s is open to group or others (mode %04o): chmod 600 %s",
                 path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return -1;
    }
    size_t n = 0;
    ssize_t r = 0;
    while (n < size && (r = read(fd, buf + n, size - n)) > 0) n += (size_t)r;
    close(fd);
    if (r < 0 || n == size) {
        snprintf(err, errlen, "secret file %s: %s", path,
                 r < 0 ? strerror(errno) : "larger than 4 KiB");
        sodium_memzero(buf, size);
        return -1;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        snprintf(err, errlen, "secret file %s contains a NUL byte", path);
        sodium_memzero(buf, size);
        return -1;
    }
    return 0;
}

char *rc_secret_read_fd(int fd) {
    char *buf = rc_xmalloc(TEXT_MAX);
    size_t n = 0;
    ssize_t r = 0;
    while (n < TEXT_MAX && ((r = read(fd, buf + n, TEXT_MAX - n)) > 0 || (r < 0 && errno == EINTR)))
        if (r > 0) n += (size_t)r;
    close(fd);
    if (r < 0 || n == TEXT_MAX || memchr(buf, '\0', n)) {
        sodium_memzero(buf, TEXT_MAX);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}
