#include "resume/token.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/alloc.h"
#include "resume/secret.h"
#include "util/base64url.h"
#include "resume/token_zstd.h"

/* Format 2 (issue 14): keys derived from a typed secret and the app id.
 * Format 1 tokens are refused as too old, never misread (docs/resume.md). */
#define FORMAT     2
#define FORMAT_OLD 1
#define FLAG_ZSTD  1
/* A reference token (issue 16): its snapshot is in Redis, the plaintext
 * only says which version (docs/resume.md, "With Redis"). A flag of the
 * authenticated header, so no one turns a full token into a reference or
 * back; format 2 stays, since older servers refuse an unknown flag by name. */
#define FLAG_REF   2
#define HEADER_MAX (1 + 2 + 4 + 4 + RC_SESSION_ID_BYTES + 10 + 1)
#define NONCE      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define MAC        crypto_aead_xchacha20poly1305_ietf_ABYTES

/* ---- keys ----------------------------------------------------------------- */

/* The token key of a 32-byte master for one app: BLAKE2b keyed by the
 * master over a context naming the token format and the app id, so a token
 * of another app id never authenticates here even under the same secret.
 * Its id is a hash of the key: every server given the same secret and app id
 * agrees on ids without configuration. */
static void add_key(rc_keyring *kr, const unsigned char master[RC_SECRET_BYTES],
                    const char *app_id) {
    static const char ctx[] = "reactc token key, format 2, app id follows";
    rc_token_key *k = &kr->keys[kr->nkeys++];
    crypto_generichash_state st;
    crypto_generichash_init(&st, master, RC_SECRET_BYTES, sizeof k->key);
    crypto_generichash_update(&st, (const unsigned char *)ctx, sizeof ctx);
    crypto_generichash_update(&st, (const unsigned char *)app_id, strlen(app_id));
    crypto_generichash_final(&st, k->key, sizeof k->key);
    sodium_memzero(&st, sizeof st);
    unsigned char h[8];
    crypto_generichash(h, sizeof h, k->key, sizeof k->key, NULL, 0);
    k->id = (uint16_t)(h[0] | h[1] << 8);
}

int rc_keyring_init(rc_keyring *kr, const char *secrets, const char *app_id, char *err,
                    size_t errlen) {
    memset(kr, 0, sizeof *kr);
    rc_secrets sec;
    if (rc_secrets_parse(&sec, secrets, app_id, err, errlen) < 0) return -1;
    for (size_t i = 0; i < sec.n; i++) add_key(kr, sec.master[i], app_id);
    kr->stretched = sec.stretched;
    if (!sec.n) {
        unsigned char random[RC_SECRET_BYTES];
        randombytes_buf(random, sizeof random);
        add_key(kr, random, app_id);
        sodium_memzero(random, sizeof random);
        kr->ephemeral = true;
    }
    rc_secrets_wipe(&sec);
    return 0;
}

int rc_keyring_load_file(rc_keyring *kr, const char *path, const char *app_id, char *err,
                         size_t errlen) {
    char buf[4096];
    if (rc_secret_file_read(path, buf, sizeof buf, err, errlen) < 0) return -1;
    int rc = rc_keyring_init(kr, buf, app_id, err, errlen);
    sodium_memzero(buf, sizeof buf);
    if (rc == 0 && kr->ephemeral) {
        snprintf(err, errlen, "secret file %s holds no secret; " RC_SECRET_HOWTO, path);
        rc_keyring_wipe(kr);
        return -1;
    }
    return rc;
}

void rc_keyring_wipe(rc_keyring *kr) { sodium_memzero(kr, sizeof *kr); }

/* ---- seal and open ---------------------------------------------------------- */

static size_t write_header(unsigned char *h, uint16_t kid, const rc_token_claims *c,
                           uint8_t flags) {
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
    uint8_t flags = claims->reference ? FLAG_REF : 0;
    size_t zlen = 0;
    if (rc_token_compress(plain, len, &zbuf, &zlen)) {
        body = zbuf;
        body_len = zlen;
        flags |= FLAG_ZSTD;
    }
    size_t total = HEADER_MAX + NONCE + body_len + MAC;
    unsigned char *raw = rc_xmalloc(total);
    size_t hl = write_header(raw, k->id, claims, flags);
    unsigned char *nonce = raw + hl;
    randombytes_buf(nonce, NONCE);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + NONCE, &clen, body, body_len, raw, hl, NULL,
                                               nonce, k->key);
    size_t n = hl + NONCE + (size_t)clen;
    rc_buf_reserve(out, RC_BASE64URL_LEN(n));
    out->len += rc_base64url_encode(out->data + out->len, raw, n);
    free(raw);
    free(zbuf);
}

static rc_refusal refuse(char *err, size_t errlen, rc_refusal why, const char *text) {
    snprintf(err, errlen, "%s", text);
    return why;
}

/* The clear header of a decoded token: claims, key id, flags; *hl is where
 * the nonce starts. */
static rc_refusal read_header(const unsigned char *raw, size_t len, rc_token_claims *claims,
                              uint16_t *kid, uint8_t *flags, size_t *hl, char *err, size_t errlen) {
    if (len < 1 + 2 + 8 + RC_SESSION_ID_BYTES + 2 + NONCE + MAC || raw[0] != FORMAT) {
        if (len && raw[0] == FORMAT_OLD)
            return refuse(err, errlen, RC_REFUSAL_FORMAT_OLD,
                          "token format too old (format 1, before app-bound keys)");
        if (len && raw[0] != FORMAT)
            return refuse(err, errlen, RC_REFUSAL_FORMAT, "unknown token format");
        return refuse(err, errlen, RC_REFUSAL_MALFORMED, "token truncated");
    }
    size_t n = 1;
    *kid = (uint16_t)(raw[n] | raw[n + 1] << 8);
    n += 2;
    memset(claims, 0, sizeof *claims);
    for (int i = 0; i < 4; i++) claims->app_tag |= (uint32_t)raw[n++] << (8 * i);
    for (int i = 0; i < 4; i++) claims->build_tag |= (uint32_t)raw[n++] << (8 * i);
    memcpy(claims->session, raw + n, RC_SESSION_ID_BYTES);
    n += RC_SESSION_ID_BYTES;
    int shift = 0;
    for (;;) {
        if (n >= len || shift > 63)
            return refuse(err, errlen, RC_REFUSAL_MALFORMED, "token header truncated");
        unsigned char b = raw[n++];
        claims->version |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
    }
    if (n + 1 + NONCE + MAC > len)
        return refuse(err, errlen, RC_REFUSAL_MALFORMED, "token truncated");
    *flags = raw[n++];
    if (*flags & ~(FLAG_ZSTD | FLAG_REF))
        return refuse(err, errlen, RC_REFUSAL_MALFORMED, "unknown token flags");
    claims->reference = (*flags & FLAG_REF) != 0;
    *hl = n;
    return RC_REFUSAL_NONE;
}

/* Decrypts the body (after the header, hl bytes) into a new block. Key ids
 * are 16 bits: two secrets of a keyring can share one (1 in 65,536 per
 * pair). Every key with the token's id is tried, or rotation would lock out
 * the sessions of the second one. */
static unsigned char *decrypt(const rc_keyring *kr, uint16_t kid, const unsigned char *raw,
                              size_t len, size_t hl, unsigned long long *blen) {
    const unsigned char *nonce = raw + hl;
    const unsigned char *c = nonce + NONCE;
    size_t clen = len - hl - NONCE;
    unsigned char *body = rc_xmalloc(clen);
    for (size_t i = 0; i < kr->nkeys; i++)
        if (kr->keys[i].id == kid &&
            crypto_aead_xchacha20poly1305_ietf_decrypt(body, blen, NULL, c, clen, raw, hl, nonce,
                                                       kr->keys[i].key) == 0)
            return body;
    free(body);
    return NULL;
}

/* Appends the plaintext of an authentic body to plain: decompressed with a
 * cap (zstd bombs) when the flags say so (token_zstd.c). */
static rc_refusal unpack(const unsigned char *body, size_t blen, uint8_t flags, size_t max_plain,
                         rc_buf *plain, char *err, size_t errlen) {
    if (!(flags & FLAG_ZSTD)) {
        if (blen > max_plain)
            return refuse(err, errlen, RC_REFUSAL_TOO_LARGE, "token content too large");
        rc_buf_append(plain, body, blen);
        return RC_REFUSAL_NONE;
    }
    return rc_token_decompress(body, blen, max_plain, plain, err, errlen);
}

rc_refusal rc_token_open(const rc_keyring *kr, const char *token, size_t token_len,
                         uint32_t app_tag, size_t max_token, size_t max_plain,
                         rc_token_claims *claims, rc_buf *plain, char *err, size_t errlen) {
    if (token_len > max_token) return refuse(err, errlen, RC_REFUSAL_TOO_LARGE, "token too large");
    size_t cap = token_len / 4 * 3 + 3;
    unsigned char *raw = rc_xmalloc(cap);
    long n = rc_base64url_decode(token, token_len, raw, cap);
    uint16_t kid = 0;
    uint8_t flags = 0;
    size_t hl = 0;
    rc_refusal why = RC_REFUSAL_NONE;
    if (n < 0) {
        why = refuse(err, errlen, RC_REFUSAL_MALFORMED, "token is not base64url");
        goto out;
    }
    why = read_header(raw, (size_t)n, claims, &kid, &flags, &hl, err, errlen);
    if (why) goto out;
    /* The app first: a token of another app id has keys of its own (the id
     * is in their derivation) and would otherwise read as "unknown key". */
    if (claims->app_tag != app_tag) {
        why = refuse(err, errlen, RC_REFUSAL_OTHER_APP, "token belongs to another app");
        goto out;
    }
    bool known = false;
    for (size_t i = 0; i < kr->nkeys && !known; i++) known = kr->keys[i].id == kid;
    if (!known) {
        why = refuse(err, errlen, RC_REFUSAL_UNKNOWN_KEY, "token sealed with an unknown key");
        goto out;
    }
    unsigned long long blen = 0;
    unsigned char *body = decrypt(kr, kid, raw, (size_t)n, hl, &blen);
    if (!body) {
        why = refuse(err, errlen, RC_REFUSAL_TAMPERED,
                     "token failed authentication (tampered, or another secret)");
        goto out;
    }
    why = unpack(body, (size_t)blen, flags, max_plain, plain, err, errlen);
    free(body);
out:
    free(raw);
    return why;
}
