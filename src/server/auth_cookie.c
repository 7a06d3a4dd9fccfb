/*
 * The login cookie: stateless, so any worker or process holding the same
 * secret accepts it (like state tokens). Its value, base64url:
 *
 *   u16 key id | 24 nonce | XChaCha20-Poly1305( u64 expiry | user ) | 16 tag
 *
 * The key is derived from the token key of that id (which is already bound
 * to the app id) with a label of its own, so a cookie and a state token can
 * never be taken for each other; the app tag is the associated data. A
 * sealed cookie cannot be revoked before its expiry: logout clears it in
 * the browser only (docs/security.md, "Login").
 */
#include <string.h>

#include <sodium.h>

#include "server/auth.h"

#define NONCE  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG    crypto_aead_xchacha20poly1305_ietf_ABYTES
#define HEAD   (2 + NONCE)
#define RAWMAX (HEAD + 8 + RC_AUTH_USER_MAX + TAG)

static void cookie_key(const rc_token_key *k, unsigned char out[32]) {
    static const char label[] = "reactc login cookie v1";
    crypto_generichash(out, 32, (const unsigned char *)label, sizeof label - 1, k->key,
                       sizeof k->key);
}

static void app_ad(uint32_t app_tag, unsigned char ad[4]) {
    for (int i = 0; i < 4; i++) ad[i] = (unsigned char)(app_tag >> (8 * i));
}

void rc_auth_cookie_seal(const rc_keyring *kr, uint32_t app_tag, const char *user, uint64_t expires,
                         rc_buf *out) {
    size_t ul = strnlen(user, RC_AUTH_USER_MAX);
    unsigned char raw[RAWMAX], plain[8 + RC_AUTH_USER_MAX], key[32], ad[4];
    const rc_token_key *k = &kr->keys[0];
    raw[0] = (unsigned char)k->id;
    raw[1] = (unsigned char)(k->id >> 8);
    randombytes_buf(raw + 2, NONCE);
    for (int i = 0; i < 8; i++) plain[i] = (unsigned char)(expires >> (8 * i));
    memcpy(plain + 8, user, ul);
    cookie_key(k, key);
    app_ad(app_tag, ad);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(raw + HEAD, &clen, plain, 8 + ul, ad, sizeof ad,
                                               NULL, raw + 2, key);
    sodium_memzero(key, sizeof key);
    size_t rl = HEAD + (size_t)clen;
    size_t cap = sodium_base64_ENCODED_LEN(rl, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    rc_buf_reserve(out, cap);
    sodium_bin2base64(out->data + out->len, cap, raw, rl, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out->len += strlen(out->data + out->len);
}

bool rc_auth_cookie_open(const rc_keyring *kr, uint32_t app_tag, const char *value, size_t len,
                         uint64_t now, char user[RC_AUTH_USER_MAX + 1]) {
    unsigned char raw[RAWMAX], plain[8 + RC_AUTH_USER_MAX], key[32], ad[4];
    size_t rl = 0;
    if (len > 2 * RAWMAX ||
        sodium_base642bin(raw, sizeof raw, value, len, NULL, &rl, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        rl < HEAD + 8 + 1 + TAG)
        return false;
    uint16_t id = (uint16_t)(raw[0] | raw[1] << 8);
    const rc_token_key *k = NULL;
    for (size_t i = 0; i < kr->nkeys && !k; i++)
        if (kr->keys[i].id == id) k = &kr->keys[i];
    if (!k) return false;
    cookie_key(k, key);
    app_ad(app_tag, ad);
    unsigned long long pl = 0;
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &pl, NULL, raw + HEAD, rl - HEAD, ad,
                                                        sizeof ad, raw + 2, key);
    sodium_memzero(key, sizeof key);
    if (rc != 0) return false;
    uint64_t expires = 0;
    for (int i = 0; i < 8; i++) expires |= (uint64_t)plain[i] << (8 * i);
    size_t ul = (size_t)pl - 8;
    if (expires <= now || !rc_auth_name_ok((const char *)plain + 8, ul)) return false;
    memcpy(user, plain + 8, ul);
    user[ul] = '\0';
    return true;
}

const char *rc_auth_cookie_find(const char *header, const char *name, size_t *len) {
    size_t nl = strlen(name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';') p++;
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > nl + 1 && memcmp(p, name, nl) == 0 && p[nl] == '=') {
            *len = n - nl - 1;
            while (*len && p[nl + *len] == ' ') (*len)--;
            return p + nl + 1;
        }
        p = end;
    }
    return NULL;
}
