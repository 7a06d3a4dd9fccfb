#include "resume/token.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <zstd.h>

#include "util/alloc.h"

#define FORMAT 1
#define FLAG_ZSTD 1
/* Compress only when there is something to gain: a zstd frame costs ~10
 * bytes, so tiny snapshots (a counter's) go in raw. */
#define COMPRESS_MIN 96
#define HEADER_MAX (1 + 2 + 4 + 4 + RC_SESSION_ID_BYTES + 10 + 1)
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define MAC crypto_aead_xchacha20poly1305_ietf_ABYTES

/* ---- base64url ---------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void rc_base64url_encode(rc_buf *out, const void *p, size_t len) {
    const unsigned char *s = p;
    rc_buf_reserve(out, (len + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63], b64[v & 63]};
        rc_buf_append(out, q, 4);
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        char q[2] = {b64[v >> 18], b64[(v >> 12) & 63]};
        rc_buf_append(out, q, 2);
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        char q[3] = {b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63]};
        rc_buf_append(out, q, 3);
    }
}

/* Character -> value + 1 (0: not base64url). A table: the comparisons it
 * replaces mispredicted on every character of random text (~9 ns each). */
static const unsigned char b64inv[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,
    ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14,
    ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21,
    ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28,
    ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35,
    ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
    ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
    ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['-'] = 63,
    ['_'] = 64,
};

static int b64val(char c) { return (int)b64inv[(unsigned char)c] - 1; }

long rc_base64url_decode(const char *s, size_t len, unsigned char *out, size_t cap) {
    if (len % 4 == 1) return -1;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64val(s[i]);
        if (v < 0) return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap) return -1;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    /* Leftover bits must be zero: one text, one token. */
    if (bits && (acc & ((1u << bits) - 1))) return -1;
    return (long)o;
}

/* ---- keys ----------------------------------------------------------------- */

/* A secret of any length becomes a 32-byte master (BLAKE2b), from which the
 * token key is derived for its one purpose; its id is a hash of the key, so
 * every server given the same secret agrees on ids without configuration. */
static void add_key(rc_keyring *kr, const unsigned char *secret, size_t len) {
    unsigned char master[crypto_kdf_KEYBYTES];
    crypto_generichash(master, sizeof master, secret, len, NULL, 0);
    rc_token_key *k = &kr->keys[kr->nkeys++];
    crypto_kdf_derive_from_key(k->key, sizeof k->key, 1, "rcTOKEN1", master);
    unsigned char h[8];
    crypto_generichash(h, sizeof h, k->key, sizeof k->key, NULL, 0);
    k->id = (uint16_t)(h[0] | h[1] << 8);
    sodium_memzero(master, sizeof master);
}

int rc_keyring_init(rc_keyring *kr, const char *secrets, char *err, size_t errlen) {
    memset(kr, 0, sizeof *kr);
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium failed to initialise");
        return -1;
    }
    const char *p = secrets ? secrets : "";
    while (*p) {
        size_t n = strcspn(p, ",\n\r");
        /* trim spaces around each secret */
        const char *s = p, *e = p + n;
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t')) e--;
        if (e > s) {
            if ((size_t)(e - s) < 16) {
                snprintf(err, errlen, "a secret is shorter than 16 characters");
                rc_keyring_wipe(kr);
                return -1;
            }
            if (kr->nkeys == RC_TOKEN_MAX_KEYS) {
                snprintf(err, errlen, "more than %d secrets", RC_TOKEN_MAX_KEYS);
                rc_keyring_wipe(kr);
                return -1;
            }
            add_key(kr, (const unsigned char *)s, (size_t)(e - s));
        }
        p += n;
        while (*p == ',' || *p == '\n' || *p == '\r') p++;
    }
    if (!kr->nkeys) {
        unsigned char random[32];
        randombytes_buf(random, sizeof random);
        add_key(kr, random, sizeof random);
        sodium_memzero(random, sizeof random);
        kr->ephemeral = true;
    }
    return 0;
}

int rc_keyring_load_file(rc_keyring *kr, const char *path, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open secret file %s", path);
        return -1;
    }
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    if (more) {
        snprintf(err, errlen, "secret file %s is larger than 4 KiB", path);
        return -1;
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        snprintf(err, errlen, "secret file %s contains a NUL byte", path);
        return -1;
    }
    int rc = rc_keyring_init(kr, buf, err, errlen);
    sodium_memzero(buf, sizeof buf);
    if (rc == 0 && kr->ephemeral) {
        snprintf(err, errlen, "secret file %s holds no secret", path);
        rc_keyring_wipe(kr);
        return -1;
    }
    return rc;
}

void rc_keyring_wipe(rc_keyring *kr) { sodium_memzero(kr, sizeof *kr); }

/* ---- seal and open ---------------------------------------------------------- */

static size_t write_header(unsigned char *h, uint16_t kid, const rc_token_claims *c, uint8_t flags) {
    size_t n = 0;
    h[n++] = FORMAT;
    h[n++] = (unsigned char)kid;
    h[n++] = (unsigned char)(kid >> 8);
    for (int i = 0; i < 4; i++) h[n++] = (unsigned char)(c->app_tag >> (8 * i));
    for (int i = 0; i < 4; i++) h[n++] = (unsigned char)(c->build_tag >> (8 * i));
    memcpy(h + n, c->session, RC_SESSION_ID_BYTES);
    n += RC_SESSION_ID_BYTES;
    uint64_t v = c->version;
    do {
        unsigned char b = v & 0x7f;
        v >>= 7;
        h[n++] = (unsigned char)(b | (v ? 0x80 : 0));
    } while (v);
    h[n++] = flags;
    return n;
}

void rc_token_seal(const rc_keyring *kr, const rc_token_claims *claims, const void *plain,
                   size_t len, rc_buf *out) {
    const rc_token_key *k = &kr->keys[0];
    const void *body = plain;
    size_t body_len = len;
    unsigned char *zbuf = NULL;
    uint8_t flags = 0;
    if (len >= COMPRESS_MIN) {
        size_t bound = ZSTD_compressBound(len);
        zbuf = rc_xmalloc(bound);
        size_t z = ZSTD_compress(zbuf, bound, plain, len, 1);
        if (!ZSTD_isError(z) && z < len) {
            body = zbuf;
            body_len = z;
            flags |= FLAG_ZSTD;
        }
    }
    size_t total = HEADER_MAX + NONCE + body_len + MAC;
    unsigned char *raw = rc_xmalloc(total);
    size_t hl = write_header(raw, k->id, claims, flags);
    unsigned char *nonce = raw + hl;
    randombytes_buf(nonce, NONCE);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + NONCE, &clen, body, body_len, raw, hl,
                                               NULL, nonce, k->key);
    rc_base64url_encode(out, raw, hl + NONCE + (size_t)clen);
    free(raw);
    free(zbuf);
}

static int fail(char *err, size_t errlen, const char *reason) {
    snprintf(err, errlen, "%s", reason);
    return -1;
}

int rc_token_open(const rc_keyring *kr, const char *token, size_t token_len, uint32_t app_tag,
                  size_t max_token, size_t max_plain, rc_token_claims *claims, rc_buf *plain,
                  char *err, size_t errlen) {
    if (token_len > max_token) return fail(err, errlen, "token too large");
    size_t cap = token_len / 4 * 3 + 3;
    unsigned char *raw = rc_xmalloc(cap ? cap : 1);
    long n = rc_base64url_decode(token, token_len, raw, cap);
    int rc = -1;
    if (n < 0) {
        fail(err, errlen, "token is not base64url");
        goto out;
    }
    size_t len = (size_t)n, hl = 0;
    if (len < 1 + 2 + 8 + RC_SESSION_ID_BYTES + 2 + NONCE + MAC || raw[0] != FORMAT) {
        fail(err, errlen, len && raw[0] != FORMAT ? "unknown token format" : "token truncated");
        goto out;
    }
    hl = 1;
    uint16_t kid = (uint16_t)(raw[hl] | raw[hl + 1] << 8);
    hl += 2;
    memset(claims, 0, sizeof *claims);
    for (int i = 0; i < 4; i++) claims->app_tag |= (uint32_t)raw[hl++] << (8 * i);
    for (int i = 0; i < 4; i++) claims->build_tag |= (uint32_t)raw[hl++] << (8 * i);
    memcpy(claims->session, raw + hl, RC_SESSION_ID_BYTES);
    hl += RC_SESSION_ID_BYTES;
    int shift = 0;
    for (;;) {
        if (hl >= len || shift > 63) {
            fail(err, errlen, "token header truncated");
            goto out;
        }
        unsigned char b = raw[hl++];
        claims->version |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
    }
    if (hl + 1 + NONCE + MAC > len) {
        fail(err, errlen, "token truncated");
        goto out;
    }
    uint8_t flags = raw[hl++];
    if (flags & ~FLAG_ZSTD) {
        fail(err, errlen, "unknown token flags");
        goto out;
    }
    bool known = false;
    for (size_t i = 0; i < kr->nkeys && !known; i++) known = kr->keys[i].id == kid;
    if (!known) {
        fail(err, errlen, "token sealed with an unknown key");
        goto out;
    }
    if (claims->app_tag != app_tag) {
        fail(err, errlen, "token belongs to another app");
        goto out;
    }
    const unsigned char *nonce = raw + hl;
    const unsigned char *c = nonce + NONCE;
    size_t clen = len - hl - NONCE;
    unsigned char *body = rc_xmalloc(clen);
    unsigned long long blen = 0;
    /* Key ids are 16 bits: two secrets of a keyring can share one (1 in
     * 65,536 per pair). Try every key with the token's id, or rotation
     * would lock out the sessions of the second one. */
    bool opened = false;
    for (size_t i = 0; i < kr->nkeys && !opened; i++)
        opened = kr->keys[i].id == kid &&
                 crypto_aead_xchacha20poly1305_ietf_decrypt(body, &blen, NULL, c, clen, raw, hl,
                                                            nonce, kr->keys[i].key) == 0;
    if (!opened) {
        free(body);
        fail(err, errlen, "token failed authentication (tampered, or another secret)");
        goto out;
    }
    if (flags & FLAG_ZSTD) {
        unsigned long long size = ZSTD_getFrameContentSize(body, (size_t)blen);
        if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_plain) {
            free(body);
            fail(err, errlen, "token content too large or malformed");
            goto out;
        }
        rc_buf_reserve(plain, (size_t)size + 1);
        size_t d = ZSTD_decompress(plain->data + plain->len, (size_t)size, body, (size_t)blen);
        free(body);
        if (ZSTD_isError(d) || d != size) {
            fail(err, errlen, "token content does not decompress");
            goto out;
        }
        plain->len += d;
    } else {
        if (blen > max_plain) {
            free(body);
            fail(err, errlen, "token content too large");
            goto out;
        }
        rc_buf_append(plain, body, (size_t)blen);
        free(body);
    }
    rc = 0;
out:
    free(raw);
    return rc;
}
