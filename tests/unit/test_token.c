/*
 * Unit tests for state tokens and snapshots (src/resume/, docs/resume.md).
 *
 *  - Round trip: a real layout's restorable slots -> rc_snapshot_write ->
 *    rc_token_seal -> rc_token_open -> rc_snapshot_read -> a new layout
 *    restored from it shows the same values and the same handler ids.
 *  - The byte formats documented in snapshot.h and token.h, checked against
 *    an independent encoder (snapshots) and an independent sealer/opener
 *    written here with libsodium and zstd (tokens).
 *  - Every rejection path, each with its exact reason: bit flips at every
 *    bit of the decoded token, truncation at every length, wrong key, key
 *    rotation, another app, another session, expiry, oversize, zstd bombs,
 *    malformed base64url, unknown formats and flags, and the snapshot
 *    decoder's own checks (truncation at every length, kinds, lengths,
 *    depth, duplicates, NULs, numbers).
 *  - A "new build" resuming what still fits: changed slots alone take their
 *    initial values.
 *  - Token size of the counter.
 *
 * What a token must match beyond authenticity (the claimed session, the
 * clock, the version) is rc_resume_accept's (src/resume/accept.c): the
 * round trip and the other-session test go through it here, and
 * test_resume_accept.c tests each of its refusals.
 *
 * The last two tests are regressions for core defects found here: struct
 * values restored into untyped slots, and slots declared server-only after
 * a restore.
 *
 * Leaks, over-reads and use-after-free are caught by running this program
 * under ASan/UBSan (make test-asan) or valgrind: inputs cut short are copied
 * into heap blocks of exactly their length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>

#include <sodium.h>
#include <zstd.h>

#include "reactc.h"
#include "resume/accept.h"
#include "resume/snapshot.h"
#include "resume/token.h"
#include "util/base64url.h"

#include "harness.h"

/* ------------------------------------------------------------------------ */
/* Reasons, exactly as the code under test reports them.                    */
/* ------------------------------------------------------------------------ */

#define R_TOO_LARGE "token too large"
#define R_B64 "token is not base64url"
#define R_FORMAT "unknown token format"
#define R_TRUNC "token truncated"
#define R_HDR_TRUNC "token header truncated"
#define R_FLAGS "unknown token flags"
#define R_KEY "token sealed with an unknown key"
#define R_APP "token belongs to another app"
#define R_AUTH "token failed authentication (tampered, or another secret)"
#define R_ZBIG "token content too large or malformed"
#define R_ZBAD "token content does not decompress"
#define R_BIG "token content too large"
/* Made by rc_resume_accept. */
#define R_SESSION "token belongs to another session"
#define R_EXPIRED "token expired"
#define R_FUTURE "token issued in the future"
#define R_VERSION "token version mismatch"

#define SECRET_OLD "old-secret-0123456789abcdef"
#define SECRET_NEW "new-secret-fedcba9876543210"
#define SECRET_OTHER "another-secret-for-another-server"
#define APP_TAG 0x11223344u
#define OTHER_APP_TAG 0x11223345u
#define BUILD_TAG 0xb0b0cafeu
#define MAX_TOKEN ((size_t)64 << 10)       /* rc_app's default max_token */
#define MAX_PLAIN ((size_t)4 << 20)        /* what session.c passes */
#define TTL 86400u

/* Token layout (token.h) for a version that fits one varint byte. */
#define T_FORMAT 0
#define T_KID 1
#define T_APP 3
#define T_BUILD 7
#define T_SESSION 11
#define T_VERSION 27
#define T_FLAGS 28
#define T_NONCE 29
#define NONCE_BYTES 24
#define MAC_BYTES 16
#define T_MIN (1 + 2 + 4 + 4 + RC_SESSION_ID_BYTES + 1 + 1 + NONCE_BYTES + MAC_BYTES)

/* ------------------------------------------------------------------------ */
/* Test infrastructure                                                      */
/* ------------------------------------------------------------------------ */

typedef struct rgb {
    uint8_t r, g, b, a;
    int32_t n;
    char label[24];
} rgb;

static const rc_struct_type rgb_type = {"test.rgb", sizeof(rgb), 1};

/* This file's mutable test state, zeroed before every test (harness.h). */
static struct {
    /* Rich's slots (valid while its instance lives) */
    rc_state *i, *f, *b, *s, *by, *v, *st, *idx, *secret, *red;
    rc_state *item_label[3], *item_on[3];
    /* Widget's slots (both builds) */
    rc_state *wa, *wb, *wc, *wd, *we;
    rc_state *count, *count_secret;
} G;

/* A layout, restored from snap when snap is not NULL, flushed once. */
static rc_layout *mount(const rc_component *root, rc_snapshot *snap)
{
    rc_layout_opts o = test_opts();
    if (snap) {
        o.restore = rc_snapshot_restore;
        o.restore_user = snap;
    }
    rc_layout *l = track(rc_layout_new(root, NULL, 0, &o));
    rc_layout_flush(l);
    rc_layout_commit(l);
    return l;
}

static void flush_commit(rc_layout *l)
{
    rc_layout_flush(l);
    rc_layout_commit(l);
}

/* Handler ids of the whole tree, in tree order. */
typedef struct idlist {
    char id[32][32];
    size_t n;
} idlist;

static void collect_ids_in(const rc_node *n, idlist *out)
{
    for (size_t i = 0; i < rc_node_handler_count(n); i++) {
        assert_true(out->n < 32);
        snprintf(out->id[out->n++], sizeof out->id[0], "%s", rc_handler_id(rc_node_handler(n, i)));
    }
    for (size_t i = 0; i < rc_node_child_count(n); i++)
        collect_ids_in(rc_node_child(n, i), out);
}

static void collect_ids(const rc_layout *l, idlist *out)
{
    out->n = 0;
    for (size_t i = 0; i < rc_layout_root_count(l); i++)
        collect_ids_in(rc_layout_root(l, i), out);
}

/* Every restorable slot of a layout (address and a copy of the value). */
typedef struct slots {
    char addr[64][96];
    rc_value val[64];
    size_t n;
} slots;

static void slots_cb(void *user, const char *address, const rc_value *value)
{
    slots *s = user;
    assert_true(s->n < 64);
    snprintf(s->addr[s->n], sizeof s->addr[0], "%s", address);
    s->val[s->n] = (rc_value){0};
    rc_value_copy(&s->val[s->n], value);
    s->n++;
}

static slots *slots_of(const rc_layout *l)
{
    slots *s = calloc(1, sizeof *s);
    assert_non_null(s);
    rc_layout_foreach_slot(l, slots_cb, s);
    return s;
}

static void slots_free(slots *s)
{
    for (size_t i = 0; i < s->n; i++)
        rc_value_free(&s->val[i]);
    free(s);
}

static void keyring(rc_keyring *kr, const char *secrets)
{
    char err[128] = "";
    if (rc_keyring_init(kr, secrets, err, sizeof err) != 0)
        fail_msg("rc_keyring_init(\"%s\"): %s", secrets, err);
    assert_false(kr->ephemeral);
}

static rc_token_claims claims_for(uint8_t session_byte, uint64_t version)
{
    rc_token_claims c;
    memset(&c, 0, sizeof c);
    c.app_tag = APP_TAG;
    c.build_tag = BUILD_TAG;
    for (size_t i = 0; i < RC_SESSION_ID_BYTES; i++)
        c.session[i] = (unsigned char)(session_byte + i);
    c.version = version;
    return c;
}

static rc_snapshot_meta meta_for(uint64_t version)
{
    rc_snapshot_meta m = {(uint32_t)time(NULL), TTL, version, 41, "5f3a8-6565f0e1", 14};
    return m;
}

/* rc_snapshot_write + rc_token_seal, as write_token() in session.c does. */
static void seal_layout(const rc_keyring *kr, const rc_layout *l, const rc_token_claims *c,
                        const rc_snapshot_meta *m, rc_buf *token)
{
    rc_buf snap;
    rc_buf_init(&snap);
    rc_snapshot_write(&snap, l, m);
    rc_token_seal(kr, c, snap.data, snap.len, token);
    rc_buf_free(&snap);
}

/* Opens text (copied into a heap block of exactly len bytes, so any read
 * past the end is caught) with the default limits. */
static int open_text(const rc_keyring *kr, const char *text, size_t len, uint32_t app_tag,
                     size_t max_token, size_t max_plain, rc_token_claims *claims, rc_buf *plain,
                     char *err, size_t errlen)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, text, len);
    snprintf(err, errlen, "(no reason set)");
    int rc = rc_token_open(kr, copy, len, app_tag, max_token, max_plain, claims, plain, err,
                           errlen);
    free(copy);
    return rc;
}

/* Asserts that text is refused with exactly `reason` and appends nothing. */
#define expect_refused(kr, text, len, reason) \
    expect_refused_at(__FILE__, __LINE__, kr, text, len, APP_TAG, MAX_TOKEN, MAX_PLAIN, reason)
static void expect_refused_at(const char *file, int line, const rc_keyring *kr, const char *text,
                              size_t len, uint32_t app_tag, size_t max_token, size_t max_plain,
                              const char *reason)
{
    rc_token_claims c;
    rc_buf plain;
    rc_buf_init(&plain);
    char err[160];
    int rc = open_text(kr, text, len, app_tag, max_token, max_plain, &c, &plain, err, sizeof err);
    size_t got = plain.len;
    rc_buf_free(&plain);
    if (rc == RC_REFUSAL_NONE)
        fail_msg("%s:%d: token opened, want refusal \"%s\"", file, line, reason);
    if (got != 0)
        fail_msg("%s:%d: a refused token appended %zu bytes", file, line, got);
    if (strcmp(err, reason) != 0)
        fail_msg("%s:%d: reason \"%s\", want \"%s\"", file, line, err, reason);
}

/* Opens text that must open; returns the plaintext in plain. */
static void expect_open(const rc_keyring *kr, const char *text, size_t len, rc_token_claims *c,
                        rc_buf *plain)
{
    char err[160];
    int rc = open_text(kr, text, len, APP_TAG, MAX_TOKEN, MAX_PLAIN, c, plain, err, sizeof err);
    if (rc != 0)
        fail_msg("token refused: %s", err);
}

/* Appends the base64url text of raw bytes to out. */
static void b64_append(rc_buf *out, const void *raw, size_t len)
{
    rc_buf_reserve(out, RC_BASE64URL_LEN(len));
    out->len += rc_base64url_encode(out->data + out->len, raw, len);
}

/* Base64url text of raw bytes. */
static void encode(rc_buf *out, const unsigned char *raw, size_t len)
{
    rc_buf_reset(out);
    b64_append(out, raw, len);
}

/* Decoded bytes of a token (fails the test if it is not base64url). */
static size_t decode(const rc_buf *text, unsigned char **raw)
{
    size_t cap = text->len / 4 * 3 + 3;
    *raw = malloc(cap);
    assert_non_null(*raw);
    long n = rc_base64url_decode(text->data, text->len, *raw, cap);
    assert_true(n >= 0);
    return (size_t)n;
}

/* rc_resume_accept of a token for the session whose id bytes are `session`,
 * at unix time `now`, with the server's default limits. r is freed by the
 * caller (rc_resume_free). */
static rc_refusal accept_token(const rc_keyring *kr, const rc_buf *token,
                               const unsigned char *session, uint64_t now, rc_resume *r)
{
    char id[32];
    id[rc_base64url_encode(id, session, RC_SESSION_ID_BYTES)] = '\0';
    char *text = calloc(1, token->len + 1);
    assert_non_null(text);
    if (token->len)
        memcpy(text, token->data, token->len);
    rc_resume_limits lim = rc_resume_limits_default(APP_TAG, MAX_TOKEN);
    rc_resume_accept(r, kr, id, text, now, &lim);
    free(text);
    return r->refusal;
}

/* ------------------------------------------------------------------------ */
/* An independent snapshot encoder (the format in snapshot.h).              */
/*                                                                          */
/* Besides the bytes, it records what the decoder needs at each point, in   */
/* decoding order: "at offset `at`, `need` more bytes must be there, else   */
/* the reason is `why`". The first such need that a prefix of length p does */
/* not meet is the reason a snapshot cut at p must be refused with.         */
/* ------------------------------------------------------------------------ */

typedef struct need {
    size_t at;
    uint64_t need;
    const char *why;
} need;

typedef struct enc {
    rc_buf b;
    need *needs;
    size_t n, cap;
} enc;

static void enc_init(enc *e)
{
    memset(e, 0, sizeof *e);
    rc_buf_init(&e->b);
}

static void enc_free(enc *e)
{
    rc_buf_free(&e->b);
    free(e->needs);
    memset(e, 0, sizeof *e);
}

static void enc_need(enc *e, size_t at, uint64_t n, const char *why)
{
    if (n == 0)
        return;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->needs = realloc(e->needs, e->cap * sizeof *e->needs);
        assert_non_null(e->needs);
    }
    e->needs[e->n++] = (need){at, n, why};
}

static void enc_byte(enc *e, unsigned c, const char *why)
{
    enc_need(e, e->b.len, 1, why);
    rc_buf_putc(&e->b, (char)(unsigned char)c);
}

static void enc_varint(enc *e, uint64_t v)
{
    do {
        unsigned c = (unsigned)(v & 0x7f);
        v >>= 7;
        enc_byte(e, c | (v ? 0x80u : 0u), "truncated number");
    } while (v);
}

static void enc_count(enc *e, uint64_t n, const char *why)
{
    enc_varint(e, n);
    enc_need(e, e->b.len, n, why);
}

static void enc_blob(enc *e, const void *p, size_t n)
{
    enc_count(e, n, "length past the end");
    rc_buf_append(&e->b, p, n);
}

static void enc_str(enc *e, const char *s) { enc_blob(e, s, strlen(s)); }

static void enc_header(enc *e, uint32_t issued, uint32_t ttl, uint64_t version, uint64_t last_seq,
                       const char *build, uint64_t nslots)
{
    enc_need(e, 0, 1, "unknown format");
    enc_need(e, 0, 5, "truncated header");
    rc_buf_putc(&e->b, RC_SNAPSHOT_FORMAT);
    for (int i = 0; i < 4; i++)
        rc_buf_putc(&e->b, (char)(unsigned char)(issued >> (8 * i)));
    enc_varint(e, ttl);
    enc_varint(e, version);
    enc_varint(e, last_seq);
    enc_str(e, build);
    enc_count(e, nslots, "more slots than data");
}

static void enc_kind(enc *e, rc_kind k) { enc_byte(e, (unsigned)k, "truncated value"); }

static void enc_int(enc *e, int64_t i)
{
    enc_kind(e, RC_INT);
    uint64_t u = (uint64_t)i;
    enc_varint(e, i < 0 ? ~(u << 1) : u << 1);     /* zigzag */
}

static void enc_float(enc *e, double d)
{
    enc_kind(e, RC_FLOAT);
    enc_need(e, e->b.len, 8, "truncated float");
    uint64_t bits;
    memcpy(&bits, &d, 8);
    for (int i = 0; i < 8; i++)
        rc_buf_putc(&e->b, (char)(unsigned char)(bits >> (8 * i)));
}

static void enc_bool(enc *e, bool b)
{
    enc_kind(e, RC_BOOL);
    enc_byte(e, b ? 1u : 0u, "bad boolean");
}

static void enc_value(enc *e, const rc_value *v)
{
    switch (v->kind) {
    case RC_NULL:
        enc_kind(e, RC_NULL);
        break;
    case RC_BOOL:
        enc_bool(e, v->as.b);
        break;
    case RC_INT:
        enc_int(e, v->as.i);
        break;
    case RC_FLOAT:
        enc_float(e, v->as.f);
        break;
    case RC_STRING:
    case RC_BYTES:
        enc_kind(e, v->kind);
        enc_blob(e, v->as.str.ptr, v->as.str.len);
        break;
    case RC_ARRAY:
        enc_kind(e, RC_ARRAY);
        enc_count(e, v->as.arr.len, "array longer than the data");
        for (size_t i = 0; i < v->as.arr.len; i++)
            enc_value(e, &v->as.arr.items[i]);
        break;
    case RC_OBJECT:
        enc_kind(e, RC_OBJECT);
        enc_count(e, v->as.obj.len, "object longer than the data");
        for (size_t i = 0; i < v->as.obj.len; i++) {
            enc_str(e, v->as.obj.items[i].key);
            enc_value(e, &v->as.obj.items[i].value);
        }
        break;
    case RC_STRUCT:
        enc_kind(e, RC_STRUCT);
        enc_str(e, v->as.st.type->name);
        enc_varint(e, v->as.st.type->version);
        enc_blob(e, v->as.st.ptr, v->as.st.type->size);
        break;
    }
}

/* The reason a snapshot cut to its first p bytes is refused with (NULL: p
 * is the whole snapshot and it decodes). */
static const char *enc_cut_reason(const enc *e, size_t p)
{
    for (size_t i = 0; i < e->n; i++) {
        assert_true(p >= e->needs[i].at);      /* the model is in decoding order */
        if ((uint64_t)(p - e->needs[i].at) < e->needs[i].need)
            return e->needs[i].why;
    }
    return NULL;
}

static void count_cb(void *user, const char *address, const rc_value *value)
{
    (void)address;
    (void)value;
    (*(uint64_t *)user)++;
}

static void enc_slot_cb(void *user, const char *address, const rc_value *value)
{
    enc *e = user;
    enc_str(e, address);
    enc_value(e, value);
}

/* What rc_snapshot_write must produce for a layout. */
static void enc_layout(enc *e, const rc_layout *l, const rc_snapshot_meta *m)
{
    uint64_t n = 0;
    rc_layout_foreach_slot(l, count_cb, &n);
    enc_need(e, 0, 1, "unknown format");
    enc_need(e, 0, 5, "truncated header");
    rc_buf_putc(&e->b, RC_SNAPSHOT_FORMAT);
    for (int i = 0; i < 4; i++)
        rc_buf_putc(&e->b, (char)(unsigned char)(m->issued >> (8 * i)));
    enc_varint(e, m->ttl);
    enc_varint(e, m->version);
    enc_varint(e, m->last_seq);
    enc_blob(e, m->build, m->build_len);
    enc_count(e, n, "more slots than data");
    rc_layout_foreach_slot(l, enc_slot_cb, e);
}

/* rc_snapshot_read of a heap copy of exactly len bytes. */
static int read_copy(rc_snapshot *snap, const void *data, size_t len, char *err, size_t errlen)
{
    unsigned char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, data, len);
    snprintf(err, errlen, "(no reason set)");
    int rc = rc_snapshot_read(snap, copy, len, err, errlen);
    free(copy);
    return rc;
}

#define expect_snapshot_refused(data, len, reason) \
    expect_snapshot_refused_at(__FILE__, __LINE__, data, len, reason)
static void expect_snapshot_refused_at(const char *file, int line, const void *data, size_t len,
                                       const char *reason)
{
    rc_snapshot snap;
    char err[160];
    int rc = read_copy(&snap, data, len, err, sizeof err);
    if (rc != -1) {
        rc_snapshot_free(&snap);
        fail_msg("%s:%d: snapshot of %zu bytes decoded, want \"snapshot: %s\"", file, line, len,
                 reason);
    }
    char want[160];
    snprintf(want, sizeof want, "snapshot: %s", reason);
    if (strcmp(err, want) != 0)
        fail_msg("%s:%d: reason \"%s\", want \"%s\" (%zu bytes)", file, line, err, want, len);
    /* A refused snapshot is empty and safe to free again. */
    assert_int_equal(snap.nslots, 0);
    assert_null(rc_snapshot_get(&snap, "/x@y"));
    rc_snapshot_free(&snap);
}

/* ------------------------------------------------------------------------ */
/* An independent token sealer and opener (the format in token.h).         */
/* ------------------------------------------------------------------------ */

typedef struct craft {
    uint8_t format;
    uint16_t kid;
    uint32_t app, build;
    unsigned char session[RC_SESSION_ID_BYTES];
    unsigned char version[16];   /* raw varint bytes */
    size_t nversion;
    uint8_t flags;
} craft;

static craft craft_for(const rc_token_key *k, uint8_t flags)
{
    craft c;
    memset(&c, 0, sizeof c);
    c.format = 1;
    c.kid = k->id;
    c.app = APP_TAG;
    c.build = BUILD_TAG;
    rc_token_claims cl = claims_for(7, 1);
    memcpy(c.session, cl.session, sizeof c.session);
    c.version[0] = 1;
    c.nversion = 1;
    c.flags = flags;
    return c;
}

/* Seals body under key exactly as token.h describes (header as associated
 * data, random nonce, XChaCha20-Poly1305) and appends the base64url text. */
static void craft_token(const rc_token_key *k, const craft *c, const void *body, size_t len,
                        rc_buf *out)
{
    size_t hmax = 1 + 2 + 4 + 4 + RC_SESSION_ID_BYTES + sizeof c->version + 1;
    unsigned char *raw = malloc(hmax + NONCE_BYTES + len + MAC_BYTES);
    assert_non_null(raw);
    size_t n = 0;
    raw[n++] = c->format;
    raw[n++] = (unsigned char)c->kid;
    raw[n++] = (unsigned char)(c->kid >> 8);
    for (int i = 0; i < 4; i++)
        raw[n++] = (unsigned char)(c->app >> (8 * i));
    for (int i = 0; i < 4; i++)
        raw[n++] = (unsigned char)(c->build >> (8 * i));
    memcpy(raw + n, c->session, RC_SESSION_ID_BYTES);
    n += RC_SESSION_ID_BYTES;
    memcpy(raw + n, c->version, c->nversion);
    n += c->nversion;
    raw[n++] = c->flags;
    randombytes_buf(raw + n, NONCE_BYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(raw + n + NONCE_BYTES, &clen, body, len, raw, n,
                                               NULL, raw + n, k->key);
    b64_append(out, raw, n + NONCE_BYTES + (size_t)clen);
    free(raw);
}

/* Opens a token made by rc_token_seal without rc_token_open: parses the
 * header per token.h, decrypts, decompresses. Returns the plaintext length
 * (into *plain, malloc'd), fills claims and flags. */
static size_t indep_open(const rc_token_key *k, const rc_buf *text, rc_token_claims *c,
                         uint8_t *flags, unsigned char **plain)
{
    unsigned char *raw;
    size_t len = decode(text, &raw);
    assert_true(len >= T_MIN);
    assert_int_equal(raw[0], 1);
    assert_int_equal(raw[1] | raw[2] << 8, k->id);
    memset(c, 0, sizeof *c);
    size_t n = 3;
    for (int i = 0; i < 4; i++)
        c->app_tag |= (uint32_t)raw[n++] << (8 * i);
    for (int i = 0; i < 4; i++)
        c->build_tag |= (uint32_t)raw[n++] << (8 * i);
    memcpy(c->session, raw + n, RC_SESSION_ID_BYTES);
    n += RC_SESSION_ID_BYTES;
    for (int shift = 0;; shift += 7) {
        assert_true(shift < 64);
        unsigned char b = raw[n++];
        c->version |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    *flags = raw[n++];
    const unsigned char *nonce = raw + n;
    size_t clen = len - n - NONCE_BYTES;
    unsigned char *body = malloc(clen);
    assert_non_null(body);
    unsigned long long blen = 0;
    assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(body, &blen, NULL,
                                                                nonce + NONCE_BYTES, clen, raw, n,
                                                                nonce, k->key),
                     0);
    size_t out_len = (size_t)blen;
    if (*flags & 1) {
        unsigned long long size = ZSTD_getFrameContentSize(body, (size_t)blen);
        assert_true(size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN);
        *plain = malloc(size ? (size_t)size : 1);
        assert_non_null(*plain);
        size_t d = ZSTD_decompress(*plain, (size_t)size, body, (size_t)blen);
        assert_false(ZSTD_isError(d));
        out_len = d;
        free(body);
    } else {
        *plain = body;
    }
    free(raw);
    return out_len;
}

/* ------------------------------------------------------------------------ */
/* Components                                                               */
/* ------------------------------------------------------------------------ */

static void h_inc(rc_event *ev, void *user)
{
    (void)ev;
    rc_set_int(user, rc_get_int(user) + 1);
}

static void h_toggle(rc_event *ev, void *user)
{
    (void)ev;
    rc_set_bool(user, !rc_get_bool(user));
}

static void reduce(rc_value *state, int action, const void *payload)
{
    (void)payload;
    rc_value_set_int(state, rc_value_int(state, 0) * 10 + action);
}

static void h_reduce(rc_event *ev, void *user)
{
    (void)ev;
    rc_dispatch(user, 3, NULL);
}

typedef struct item_props {     /* no padding: props are compared by memcmp */
    size_t n;
    const char *label;
} item_props;

static void RichItem(rc_ctx *ctx, const void *props)
{
    const item_props *p = props;
    G.item_label[p->n] = rc_use_string(ctx, "label", p->label);
    G.item_on[p->n] = rc_use_bool(ctx, NULL, false);
    RC_EL(ctx, "li", .on = RC_ON("click", h_toggle, G.item_on[p->n])) {
        rc_textf(ctx, "%s:%d", rc_get_string(G.item_label[p->n]), rc_get_bool(G.item_on[p->n]));
    }
}
static RC_COMPONENT(RichItem);

/* Every kind of restorable slot, by name and by index, a server-only slot,
 * a reducer, keyed and unkeyed children, and handlers. */
static void Rich(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.i = rc_use_int(ctx, "i", 0);
    G.f = rc_use_float(ctx, "f", 0.5);
    G.b = rc_use_bool(ctx, "b", false);
    G.s = rc_use_string(ctx, "s", "");
    G.by = rc_use_bytes(ctx, "by", NULL, 0);
    G.v = rc_use_value(ctx, "v", NULL);
    G.st = rc_use_struct(ctx, "st", &rgb_type, NULL);
    G.idx = rc_use_int(ctx, NULL, 7);
    G.secret = rc_use_string(ctx, "secret", "initial secret");
    rc_state_flags(G.secret, RC_STATE_SERVER_ONLY);
    rc_value zero = {.kind = RC_INT};
    G.red = rc_use_reducer(ctx, "red", reduce, &zero);
    (void)rc_use_ref(ctx, 32);                    /* never in a snapshot */
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .id = "inc", .on = RC_ON("click", h_inc, G.i)) {
            rc_textf(ctx, "%lld", (long long)rc_get_int(G.i));
        }
        RC_EL(ctx, "button", .id = "red", .on = RC_ON("click", h_reduce, G.red)) {
            rc_textf(ctx, "%lld", (long long)rc_value_int(rc_get_value(G.red), -1));
        }
        RC_EL(ctx, "span") {
            rc_textf(ctx, "%g %d %s", rc_get_float(G.f), rc_get_bool(G.b), rc_get_string(G.s));
        }
        RC_EL(ctx, "ul") {
            RC_CHILD(ctx, &RichItem_component, "a", (&(item_props){0, "first"}));
            RC_CHILD(ctx, &RichItem_component, "b/c", (&(item_props){1, "second"}));
            RC_CHILD(ctx, &RichItem_component, NULL, (&(item_props){2, "third"}));
        }
    }
}
static RC_COMPONENT(Rich);

/* A string with a NUL inside and non-ASCII UTF-8. */
static const char RICH_STR[] = "nul\0inside, \xc3\xbc\xc3\xb1\xc3\xaf";

/* Moves every restorable slot of Rich away from its initial value. */
static void change_rich(rc_layout *l)
{
    rc_set_int(G.i, -1234567890123);
    rc_set_float(G.f, -0.1);
    rc_set_bool(G.b, true);
    rc_value s = {0};
    rc_value_set_stringn(&s, RICH_STR, sizeof RICH_STR - 1);
    assert_true(rc_set_value(G.s, &s));
    rc_value_free(&s);
    unsigned char bytes[256];
    for (size_t k = 0; k < sizeof bytes; k++)
        bytes[k] = (unsigned char)k;
    rc_set_bytes(G.by, bytes, sizeof bytes);

    rc_value v = {0};
    rc_value_set_object(&v);
    rc_value *list = rc_object_set(&v, "list");
    rc_value_set_array(list);
    rc_value_set_int(rc_array_push(list), INT64_MIN);
    rc_value_set_int(rc_array_push(list), INT64_MAX);
    rc_value_set_int(rc_array_push(list), 0);
    rc_value_set_float(rc_array_push(list), 2.5);
    rc_value_set_string(rc_array_push(list), "x");
    rc_value_set_bool(rc_array_push(list), true);
    rc_value_set_null(rc_array_push(list));
    rc_value *deep = rc_array_push(list);
    rc_value_set_array(deep);
    deep = rc_array_push(deep);
    rc_value_set_array(deep);
    rc_value_set_array(rc_array_push(deep));
    rc_value *o = rc_array_push(list);
    rc_value_set_object(o);
    rc_value_set_bytes(rc_object_set(o, "k"), "\x00\x01\xff", 3);
    rc_value *a = rc_object_set(&v, "nested");
    rc_value_set_object(a);
    a = rc_object_set(a, "a");
    rc_value_set_object(a);
    rc_value_set_int(rc_object_set(a, "c"), -1);
    rc_value_set_string(rc_object_set(&v, ""), "empty key");
    rc_value_set_string(rc_object_set(&v, "\xc3\xbcni"), "");
    rc_value_set_array(rc_object_set(&v, "empty"));
    assert_true(rc_set_value(G.v, &v));
    rc_value_free(&v);

    rgb c = {1, 2, 3, 4, -5, "hello"};
    rc_set_struct(G.st, &c);
    rc_set_int(G.idx, 99);
    rc_set_string(G.secret, "changed secret");
    rc_dispatch(G.red, 4, NULL);
    rc_set_string(G.item_label[1], "renamed");
    rc_set_bool(G.item_on[2], true);
    flush_commit(l);
}

/* The counter of examples/counter.c: one int slot, root type "counter". A
 * server-only slot beside it never reaches the token. */
static void on_increment(rc_event *ev, void *count)
{
    (void)ev;
    rc_set_int(count, rc_get_int(count) + 1);
}

static void counter(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.count = rc_use_int(ctx, "count", 0);
    G.count_secret = rc_use_int(ctx, "secret", 0);
    rc_state_flags(G.count_secret, RC_STATE_SERVER_ONLY);
    RC_EL(ctx, "div", .class_ = "counter") {
        RC_EL(ctx, "button", .id = "increment", .on = RC_ON("click", on_increment, G.count)) {
            rc_text(ctx, "+1");
        }
        RC_EL(ctx, "span", .id = "count") { rc_textf(ctx, "%lld", (long long)rc_get_int(G.count)); }
    }
}
static RC_COMPONENT(counter);

/* ------------------------------------------------------------------------ */
/* Round trip                                                               */
/* ------------------------------------------------------------------------ */

static void test_round_trip(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *a = mount(&Rich_component, NULL);
    change_rich(a);
    slots *sa = slots_of(a);
    assert_int_equal(sa->n, 15);          /* 9 root slots (not the secret) + 3 items x 2 */
    for (size_t k = 0; k < sa->n; k++)
        assert_null(strstr(sa->addr[k], "secret"));
    idlist *ids_a = calloc(1, sizeof *ids_a), *ids_b = calloc(1, sizeof *ids_b);
    assert_non_null(ids_a);
    assert_non_null(ids_b);
    collect_ids(a, ids_a);
    assert_int_equal(ids_a->n, 5);

    rc_token_claims c = claims_for(1, 42);
    rc_snapshot_meta m = meta_for(42);
    rc_buf token;
    rc_buf_init(&token);
    seal_layout(&kr, a, &c, &m, &token);
    print_message("  rich token: %zu characters\n", token.len);
    for (size_t k = 0; k < token.len; k++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                               token.data[k]));

    rc_token_claims got;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(got.app_tag, APP_TAG);
    assert_int_equal(got.build_tag, BUILD_TAG);
    assert_memory_equal(got.session, c.session, RC_SESSION_ID_BYTES);
    assert_int_equal(got.version, 42);

    /* The plaintext is the snapshot, byte for byte. */
    rc_buf want;
    rc_buf_init(&want);
    rc_snapshot_write(&want, a, &m);
    assert_int_equal(plain.len, want.len);
    assert_memory_equal(plain.data, want.data, want.len);

    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(snap.meta.issued, m.issued);
    assert_int_equal(snap.meta.ttl, TTL);
    assert_int_equal(snap.meta.version, 42);
    assert_int_equal(snap.meta.last_seq, 41);
    assert_int_equal(snap.meta.build_len, m.build_len);
    assert_string_equal(snap.build, m.build);
    assert_int_equal(snap.nslots, sa->n);
    assert_null(rc_snapshot_get(&snap, "/Rich@secret"));
    assert_null(rc_snapshot_get(&snap, "/Rich@nothing"));
    rc_resume r;
    assert_int_equal(accept_token(&kr, &token, c.session, (uint64_t)time(NULL), &r),
                     RC_REFUSAL_NONE);
    assert_true(r.authentic);
    assert_int_equal(r.snapshot.nslots, sa->n);
    rc_resume_free(&r);

    rc_layout *b = mount(&Rich_component, &snap);
    rc_snapshot_free(&snap);                 /* the layout owns copies */

    assert_int_equal(rc_get_int(G.i), -1234567890123);
    assert_true(rc_get_float(G.f) == -0.1);
    assert_true(rc_get_bool(G.b));
    assert_int_equal(rc_get_value(G.s)->as.str.len, sizeof RICH_STR - 1);
    assert_memory_equal(rc_get_value(G.s)->as.str.ptr, RICH_STR, sizeof RICH_STR - 1);
    size_t blen = 0;
    const unsigned char *bytes = rc_get_bytes(G.by, &blen);
    assert_int_equal(blen, 256);
    for (size_t k = 0; k < 256; k++)
        assert_int_equal(bytes[k], k);
    const rc_value *list = rc_object_get(rc_get_value(G.v), "list");
    assert_int_equal(rc_array_len(list), 9);
    assert_true(rc_value_int(rc_array_at(list, 0), 0) == INT64_MIN);
    assert_true(rc_value_int(rc_array_at(list, 1), 0) == INT64_MAX);
    assert_string_equal(rc_value_string(rc_object_get(rc_get_value(G.v), ""), "?"), "empty key");
    const rgb *col = rc_get_struct(G.st);
    assert_int_equal(col->b, 3);
    assert_int_equal(col->n, -5);
    assert_string_equal(col->label, "hello");
    assert_ptr_equal(rc_get_value(G.st)->as.st.type, &rgb_type);   /* the slot's own type */
    assert_int_equal(rc_get_int(G.idx), 99);
    assert_string_equal(rc_get_string(G.secret), "initial secret");   /* server-only */
    assert_int_equal(rc_value_int(rc_get_value(G.red), -1), 4);
    assert_string_equal(rc_get_string(G.item_label[0]), "first");
    assert_string_equal(rc_get_string(G.item_label[1]), "renamed");
    assert_true(rc_get_bool(G.item_on[2]));

    /* The same slots with the same values, and the same snapshot bytes. */
    slots *sb = slots_of(b);
    assert_int_equal(sb->n, sa->n);
    for (size_t k = 0; k < sa->n; k++) {
        assert_string_equal(sb->addr[k], sa->addr[k]);
        if (!rc_value_equal(&sb->val[k], &sa->val[k]))
            fail_msg("slot %s differs after the round trip", sa->addr[k]);
    }
    rc_buf again;
    rc_buf_init(&again);
    rc_snapshot_write(&again, b, &m);
    assert_int_equal(again.len, want.len);
    assert_memory_equal(again.data, want.data, want.len);

    /* The same handler ids: events addressed to the old process work. */
    collect_ids(b, ids_b);
    assert_int_equal(ids_b->n, ids_a->n);
    for (size_t k = 0; k < ids_a->n; k++)
        assert_string_equal(ids_b->id[k], ids_a->id[k]);
    assert_int_equal(rc_layout_dispatch(b, ids_a->id[0], NULL, 1), 0);   /* inc */
    assert_int_equal(rc_layout_dispatch(b, ids_a->id[1], NULL, 2), 0);   /* reducer */
    flush_commit(b);
    assert_int_equal(rc_get_int(G.i), -1234567890122);
    assert_int_equal(rc_value_int(rc_get_value(G.red), -1), 43);
    expect_no_errors_or_warnings();

    free_layout(b);
    free_layout(a);
    slots_free(sa);
    slots_free(sb);
    free(ids_a);
    free(ids_b);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_buf_free(&want);
    rc_buf_free(&again);
    rc_keyring_wipe(&kr);
}

/* Both formats against the independent encoder and opener above. */
static void test_formats_match_headers(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    const rc_component *roots[] = {&Rich_component, &counter_component};
    for (size_t r = 0; r < 2; r++) {
        rc_layout *l = mount(roots[r], NULL);
        if (r == 0)
            change_rich(l);
        rc_snapshot_meta m = meta_for(300);       /* a two-byte varint */
        m.ttl = UINT32_MAX;
        m.last_seq = UINT64_MAX;
        rc_buf got;
        rc_buf_init(&got);
        rc_snapshot_write(&got, l, &m);
        enc e;
        enc_init(&e);
        enc_layout(&e, l, &m);
        assert_int_equal(got.len, e.b.len);
        assert_memory_equal(got.data, e.b.data, got.len);

        /* The token: header fields where token.h puts them. */
        rc_token_claims c = claims_for(9, 300);
        c.app_tag = 0xa1b2c3d4u;
        rc_buf token;
        rc_buf_init(&token);
        rc_token_seal(&kr, &c, got.data, got.len, &token);
        rc_token_claims ic;
        uint8_t flags = 0;
        unsigned char *plain = NULL;
        size_t n = indep_open(&kr.keys[0], &token, &ic, &flags, &plain);
        assert_int_equal(ic.app_tag, 0xa1b2c3d4u);
        assert_int_equal(ic.build_tag, BUILD_TAG);
        assert_memory_equal(ic.session, c.session, RC_SESSION_ID_BYTES);
        assert_int_equal(ic.version, 300);
        /* zstd when it helps: the rich snapshot is compressed, the counter's
         * (under 96 bytes) goes in raw. */
        assert_int_equal(flags, r == 0 ? 1 : 0);
        assert_int_equal(n, got.len);
        assert_memory_equal(plain, got.data, n);
        free(plain);
        rc_buf_free(&token);
        enc_free(&e);
        rc_buf_free(&got);
        free_layout(l);
    }

    /* A token made by the independent sealer opens, with every flag value
     * rc_token_open knows. */
    const char body[] = "any plaintext at all";
    for (uint8_t flags = 0; flags < 2; flags++) {
        rc_buf token, plain;
        rc_buf_init(&token);
        rc_buf_init(&plain);
        craft cr = craft_for(&kr.keys[0], flags);
        cr.version[0] = 0xff;             /* version 2^63 + ...: ten bytes */
        for (size_t k = 1; k < 9; k++)
            cr.version[k] = 0xff;
        cr.version[9] = 0x01;
        cr.nversion = 10;
        if (flags) {
            unsigned char z[128];
            size_t zn = ZSTD_compress(z, sizeof z, body, sizeof body, 1);
            assert_false(ZSTD_isError(zn));
            craft_token(&kr.keys[0], &cr, z, zn, &token);
        } else {
            craft_token(&kr.keys[0], &cr, body, sizeof body, &token);
        }
        rc_token_claims c;
        expect_open(&kr, token.data, token.len, &c, &plain);
        assert_true(c.version == UINT64_MAX);
        assert_int_equal(plain.len, sizeof body);
        assert_memory_equal(plain.data, body, sizeof body);
        rc_buf_free(&token);
        rc_buf_free(&plain);
    }
    rc_keyring_wipe(&kr);
}

/* An empty plaintext seals and opens (and is then no snapshot). */
static void test_empty_plaintext(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_buf empty, token, plain;
    rc_buf_init(&empty);
    rc_buf_init(&token);
    rc_buf_init(&plain);
    rc_token_claims c = claims_for(1, 1), got;
    rc_token_seal(&kr, &c, empty.data, empty.len, &token);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(plain.len, 0);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), -1);
    assert_string_equal(err, "snapshot: unknown format");
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Tampering and truncation                                                 */
/* ------------------------------------------------------------------------ */

/* The reason a one-bit flip at raw[i] gets, for a token whose version is one
 * varint byte (see the layout in token.h). */
static const char *flip_reason(const unsigned char *raw, size_t i, unsigned bit)
{
    if (i == T_FORMAT)
        return R_FORMAT;
    if (i < T_APP)
        return R_KEY;                 /* a one-key ring knows no other id */
    if (i < T_BUILD)
        return R_APP;
    if (i < T_VERSION)
        return R_AUTH;                /* build tag, session: associated data */
    if (i == T_VERSION) {
        if (bit < 7)
            return R_AUTH;            /* another version: associated data */
        /* A continuation bit: the flags byte (0 or 1) ends the version and
         * the first nonce byte is read as the flags. */
        return (raw[T_NONCE] & ~1u) ? R_FLAGS : R_AUTH;
    }
    if (i == T_FLAGS)
        return bit == 0 ? R_AUTH : R_FLAGS;
    return R_AUTH;                    /* nonce, ciphertext, tag */
}

static void check_bit_flips(const rc_keyring *kr, const rc_buf *token, uint8_t want_flags)
{
    unsigned char *raw;
    size_t len = decode(token, &raw);
    assert_true(raw[T_VERSION] < 0x80);
    assert_int_equal(raw[T_FLAGS], want_flags);
    rc_buf text;
    rc_buf_init(&text);
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < len; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            raw[i] ^= (unsigned char)(1u << bit);
            encode(&text, raw, len);
            const char *why = flip_reason(raw, i, bit);
            expect_refused_at(__FILE__, __LINE__, kr, text.data, text.len, APP_TAG, MAX_TOKEN,
                              MAX_PLAIN, why);
            counts[strcmp(why, R_AUTH) == 0 ? 0 : strcmp(why, R_FLAGS) == 0 ? 1 : 2]++;
            raw[i] ^= (unsigned char)(1u << bit);
        }
    }
    print_message("  %zu bytes x 8 bits refused: %zu authentication, %zu flags, %zu other\n", len,
                  counts[0], counts[1], counts[2]);
    /* Unchanged, it still opens. */
    encode(&text, raw, len);
    rc_token_claims c;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(kr, text.data, text.len, &c, &plain);
    rc_buf_free(&plain);
    rc_buf_free(&text);
    free(raw);
}

static void test_bit_flips_everywhere(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_buf token;
    rc_buf_init(&token);

    rc_layout *a = mount(&Rich_component, NULL);
    change_rich(a);
    rc_token_claims c = claims_for(3, 5);
    rc_snapshot_meta m = meta_for(5);
    seal_layout(&kr, a, &c, &m, &token);
    check_bit_flips(&kr, &token, 1);         /* compressed */

    rc_buf_reset(&token);
    rc_layout *b = mount(&counter_component, NULL);
    seal_layout(&kr, b, &c, &m, &token);
    check_bit_flips(&kr, &token, 0);         /* raw */

    free_layout(a);
    free_layout(b);
    rc_buf_free(&token);
    rc_keyring_wipe(&kr);
}

/* The reason a token cut to its first n decoded bytes gets. */
static const char *cut_reason(size_t n, size_t full, size_t header_len)
{
    if (n == full)
        return NULL;
    if (n < T_MIN || n < header_len + NONCE_BYTES + MAC_BYTES)
        return R_TRUNC;
    return R_AUTH;
}

static int b64v(char ch)
{
    const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *p = strchr(abc, ch);
    return p && ch ? (int)(p - abc) : -1;
}

static void check_truncations(const rc_keyring *kr, const rc_buf *token, size_t header_len)
{
    unsigned char *raw;
    size_t full = decode(token, &raw);
    rc_buf text;
    rc_buf_init(&text);
    /* Every decoded length. */
    for (size_t n = 0; n < full; n++) {
        encode(&text, raw, n);
        expect_refused_at(__FILE__, __LINE__, kr, text.data, text.len, APP_TAG, MAX_TOKEN,
                          MAX_PLAIN, cut_reason(n, full, header_len));
    }
    /* Every text length: a cut text is either not base64url (a length of
     * 4k+1, or bits left over in its last character) or a cut token. */
    for (size_t n = 0; n < token->len; n++) {
        const char *why;
        size_t rem = n % 4;
        int last = n ? b64v(token->data[n - 1]) : 0;
        if (rem == 1 || (rem == 2 && (last & 0xf)) || (rem == 3 && (last & 0x3)))
            why = R_B64;
        else
            why = cut_reason(n / 4 * 3 + (rem ? rem - 1 : 0), full, header_len);
        expect_refused_at(__FILE__, __LINE__, kr, token->data, n, APP_TAG, MAX_TOKEN, MAX_PLAIN,
                          why);
    }
    rc_buf_free(&text);
    free(raw);
}

static void test_truncation_every_length(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&Rich_component, NULL);
    change_rich(l);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(3, 5);
    rc_snapshot_meta m = meta_for(5);
    seal_layout(&kr, l, &c, &m, &token);
    check_truncations(&kr, &token, T_FLAGS + 1);

    /* A version of three varint bytes moves the end of the header. */
    rc_buf_reset(&token);
    c.version = m.version = 1u << 20;
    seal_layout(&kr, l, &c, &m, &token);
    check_truncations(&kr, &token, T_FLAGS + 3);

    /* Crafted headers: a version that never ends, and one that runs into
     * the minimum length. */
    craft cr = craft_for(&kr.keys[0], 0);
    memset(cr.version, 0x80, sizeof cr.version);
    cr.nversion = sizeof cr.version;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "", 0, &token);
    expect_refused(&kr, token.data, token.len, R_HDR_TRUNC);
    cr.nversion = 2;
    cr.version[1] = 0x01;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "", 0, &token);   /* T_MIN + 1 bytes: one short */
    unsigned char *raw;
    size_t n = decode(&token, &raw);
    assert_int_equal(n, T_MIN + 1);
    encode(&token, raw, n - 1);
    expect_refused(&kr, token.data, token.len, R_TRUNC);
    encode(&token, raw, n);
    rc_token_claims got;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(got.version, 128);
    assert_int_equal(plain.len, 0);
    rc_buf_free(&plain);
    free(raw);

    free_layout(l);
    rc_buf_free(&token);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Keys                                                                     */
/* ------------------------------------------------------------------------ */

static void test_wrong_key(void **state)
{
    (void)state;
    rc_keyring kr, other;
    keyring(&kr, SECRET_OLD);
    keyring(&other, SECRET_OTHER);
    assert_int_not_equal(kr.keys[0].id, other.keys[0].id);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(1, 1);
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    expect_refused(&other, token.data, token.len, R_KEY);

    /* Another key that claims the right id: authentication fails. */
    craft cr = craft_for(&kr.keys[0], 0);
    rc_buf forged;
    rc_buf_init(&forged);
    craft_token(&other.keys[0], &cr, "forged", 6, &forged);
    expect_refused(&kr, forged.data, forged.len, R_AUTH);

    /* Secrets: trimmed, at least 16 characters, at most 8; none is a
     * random key for this process only. */
    rc_keyring k2;
    char err[128] = "";
    assert_int_equal(rc_keyring_init(&k2, "  " SECRET_OLD "\t", err, sizeof err), 0);
    assert_int_equal(k2.keys[0].id, kr.keys[0].id);
    assert_memory_equal(k2.keys[0].key, kr.keys[0].key, RC_TOKEN_KEY_BYTES);
    assert_int_equal(rc_keyring_init(&k2, "short-secret", err, sizeof err), -1);
    assert_string_equal(err, "a secret is shorter than 16 characters");
    static const char nine[] = "s1-0123456789abcdef,s2-0123456789abcdef,s3-0123456789abcdef,"
                               "s4-0123456789abcdef,s5-0123456789abcdef,s6-0123456789abcdef,"
                               "s7-0123456789abcdef,s8-0123456789abcdef,s9-0123456789abcdef";
    assert_int_equal(rc_keyring_init(&k2, nine, err, sizeof err), -1);
    assert_string_equal(err, "more than 8 secrets");
    assert_int_equal(rc_keyring_init(&k2, NULL, err, sizeof err), 0);
    assert_true(k2.ephemeral);
    assert_int_equal(k2.nkeys, 1);
    /* (A random key shares the id 1 time in 65,536: then it fails
     * authentication instead.) */
    expect_refused(&k2, token.data, token.len, k2.keys[0].id == kr.keys[0].id ? R_AUTH : R_KEY);

    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&forged);
    rc_keyring_wipe(&kr);
    rc_keyring_wipe(&other);
    rc_keyring_wipe(&k2);
}

static void test_rotation(void **state)
{
    (void)state;
    rc_keyring old_only, both, new_only;
    keyring(&old_only, SECRET_OLD);
    keyring(&both, SECRET_NEW "," SECRET_OLD);
    keyring(&new_only, SECRET_NEW);
    assert_int_equal(both.nkeys, 2);
    assert_int_equal(both.keys[0].id, new_only.keys[0].id);
    assert_int_equal(both.keys[1].id, old_only.keys[0].id);

    rc_layout *l = mount(&counter_component, NULL);
    rc_set_int(G.count, 12);
    flush_commit(l);
    rc_token_claims c = claims_for(1, 1), got;
    rc_snapshot_meta m = meta_for(1);
    rc_buf old_token, new_token, plain;
    rc_buf_init(&old_token);
    rc_buf_init(&new_token);
    rc_buf_init(&plain);
    seal_layout(&old_only, l, &c, &m, &old_token);
    seal_layout(&both, l, &c, &m, &new_token);     /* the first secret seals */

    expect_open(&both, old_token.data, old_token.len, &got, &plain);   /* not logged out */
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(rc_value_int(rc_snapshot_get(&snap, "/counter@count"), -1), 12);
    rc_snapshot_free(&snap);
    expect_refused(&new_only, old_token.data, old_token.len, R_KEY);

    rc_buf_reset(&plain);
    expect_open(&new_only, new_token.data, new_token.len, &got, &plain);
    expect_refused(&old_only, new_token.data, new_token.len, R_KEY);

    /* Newlines work as separators too (a secret file). */
    rc_keyring file_like;
    keyring(&file_like, SECRET_NEW "\r\n" SECRET_OLD "\n");
    assert_int_equal(file_like.nkeys, 2);
    rc_buf_reset(&plain);
    expect_open(&file_like, old_token.data, old_token.len, &got, &plain);

    free_layout(l);
    rc_buf_free(&old_token);
    rc_buf_free(&new_token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&old_only);
    rc_keyring_wipe(&both);
    rc_keyring_wipe(&new_only);
    rc_keyring_wipe(&file_like);
}

/* Key ids are 16 bits, so two secrets can share one. Rotating from one to
 * the other must still open the old tokens (fixed in token.c: every key
 * with the token's id is tried). */
static void test_rotation_key_id_collision(void **state)
{
    (void)state;
    uint32_t *seen = calloc(65536, sizeof *seen);     /* id -> index + 1 */
    assert_non_null(seen);
    char a[64] = "", b[64] = "";
    for (unsigned i = 0; i < 65536 && !a[0]; i++) {
        char s[64];
        snprintf(s, sizeof s, "collision-secret-%06u", i);
        rc_keyring k;
        keyring(&k, s);
        if (seen[k.keys[0].id]) {
            snprintf(a, sizeof a, "collision-secret-%06u", (unsigned)seen[k.keys[0].id] - 1);
            snprintf(b, sizeof b, "%s", s);
        } else {
            seen[k.keys[0].id] = i + 1;
        }
        rc_keyring_wipe(&k);
    }
    free(seen);
    assert_true(a[0] != '\0');
    print_message("  \"%s\" and \"%s\" share a key id\n", a, b);

    char both_secrets[160];
    snprintf(both_secrets, sizeof both_secrets, "%s,%s", b, a);
    rc_keyring ka, kb, kboth;
    keyring(&ka, a);
    keyring(&kb, b);
    keyring(&kboth, both_secrets);
    assert_int_equal(ka.keys[0].id, kb.keys[0].id);

    rc_layout *l = mount(&counter_component, NULL);
    rc_token_claims c = claims_for(1, 1), got;
    rc_snapshot_meta m = meta_for(1);
    rc_buf ta, tb, plain;
    rc_buf_init(&ta);
    rc_buf_init(&tb);
    rc_buf_init(&plain);
    seal_layout(&ka, l, &c, &m, &ta);
    seal_layout(&kb, l, &c, &m, &tb);
    /* Same id, another key: the wrong-key path is authentication. */
    expect_refused(&kb, ta.data, ta.len, R_AUTH);
    expect_refused(&ka, tb.data, tb.len, R_AUTH);
    /* Rotation: "b,a" opens the tokens of both. */
    expect_open(&kboth, ta.data, ta.len, &got, &plain);
    rc_buf_reset(&plain);
    expect_open(&kboth, tb.data, tb.len, &got, &plain);
    /* Tampered, it is still refused with every candidate key. */
    ta.data[ta.len / 2] = ta.data[ta.len / 2] == 'A' ? 'B' : 'A';
    expect_refused(&kboth, ta.data, ta.len, R_AUTH);

    free_layout(l);
    rc_buf_free(&ta);
    rc_buf_free(&tb);
    rc_buf_free(&plain);
    rc_keyring_wipe(&ka);
    rc_keyring_wipe(&kb);
    rc_keyring_wipe(&kboth);
}

static void test_secret_file(void **state)
{
    (void)state;
    char path[] = "/tmp/rc_test_token_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(SECRET_NEW "\n" SECRET_OLD "\n", f);
    fclose(f);
    rc_keyring kf, kboth;
    char err[160] = "";
    assert_int_equal(rc_keyring_load_file(&kf, path, err, sizeof err), 0);
    keyring(&kboth, SECRET_NEW "," SECRET_OLD);
    assert_int_equal(kf.nkeys, 2);
    assert_memory_equal(kf.keys, kboth.keys, sizeof kf.keys);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("\n  \n", f);
    fclose(f);
    assert_int_equal(rc_keyring_load_file(&kf, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "holds no secret"));
    remove(path);
    assert_int_equal(rc_keyring_load_file(&kf, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open secret file"));
    rc_keyring_wipe(&kf);
    rc_keyring_wipe(&kboth);
}

/* ------------------------------------------------------------------------ */
/* Claims: app, session, expiry, version                                    */
/* ------------------------------------------------------------------------ */

static void test_another_app(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(1, 1);
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, OTHER_APP_TAG, MAX_TOKEN,
                      MAX_PLAIN, R_APP);
    /* Another build of the same app is not refused: it resumes what fits. */
    rc_buf_reset(&token);
    c.build_tag = BUILD_TAG + 1;
    seal_layout(&kr, l, &c, &m, &token);
    rc_token_claims got;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(got.build_tag, BUILD_TAG + 1);
    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* A token only ever opens as the session it names: rc_token_open returns
 * that session in the claims (authenticated: it is associated data), and
 * rc_resume_accept refuses it when it is not the session the client asked
 * to resume ("token belongs to another session"). rc_token_open itself
 * takes no expected session. */
static void test_another_session(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_token_claims mine = claims_for(1, 1), theirs = claims_for(100, 1), got;
    rc_snapshot_meta m = meta_for(1);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    seal_layout(&kr, l, &theirs, &m, &token);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_memory_equal(got.session, theirs.session, RC_SESSION_ID_BYTES);
    uint64_t now = (uint64_t)time(NULL);
    rc_resume r;
    assert_int_equal(accept_token(&kr, &token, mine.session, now, &r), RC_REFUSAL_OTHER_SESSION);
    assert_string_equal(r.reason, R_SESSION);
    assert_false(r.authentic);            /* a re-attach may not take it as proof */
    rc_resume_free(&r);
    assert_int_equal(accept_token(&kr, &token, theirs.session, now, &r), RC_REFUSAL_NONE);
    rc_resume_free(&r);

    /* Rewriting the session id in the header breaks authentication. */
    unsigned char *raw;
    size_t n = decode(&token, &raw);
    memcpy(raw + T_SESSION, mine.session, RC_SESSION_ID_BYTES);
    encode(&token, raw, n);
    expect_refused(&kr, token.data, token.len, R_AUTH);
    free(raw);
    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Sizes: oversize tokens and zstd bombs                                    */
/* ------------------------------------------------------------------------ */

static void Big(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.by = rc_use_bytes(ctx, "blob", NULL, 0);
    RC_EL(ctx, "p") { rc_text(ctx, "big"); }
}
static RC_COMPONENT(Big);

static void test_oversize(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    rc_token_claims c = claims_for(1, 1), got;
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, APP_TAG, token.len - 1,
                      MAX_PLAIN, R_TOO_LARGE);
    char err[160];
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, token.len, MAX_PLAIN, &got,
                               &plain, err, sizeof err),
                     0);
    /* The size is checked before anything is decoded: a huge text of
     * garbage costs nothing. */
    size_t huge = MAX_TOKEN * 4;
    char *junk = malloc(huge);
    assert_non_null(junk);
    memset(junk, '!', huge);
    expect_refused(&kr, junk, huge, R_TOO_LARGE);
    free(junk);

    /* A real session whose token outgrows the 64 KiB default (100 KB of
     * incompressible bytes). */
    rc_layout *big = mount(&Big_component, NULL);
    size_t n = 100000;
    unsigned char *blob = malloc(n);
    assert_non_null(blob);
    randombytes_buf(blob, n);
    rc_set_bytes(G.by, blob, n);
    flush_commit(big);
    rc_buf_reset(&token);
    seal_layout(&kr, big, &c, &m, &token);
    assert_true(token.len > MAX_TOKEN);
    expect_refused(&kr, token.data, token.len, R_TOO_LARGE);
    rc_buf_reset(&plain);
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, token.len, MAX_PLAIN, &got,
                               &plain, err, sizeof err),
                     0);
    /* Uncompressed content over max_plain, by one byte. */
    size_t plain_len = plain.len;
    assert_true(plain_len > n);
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, APP_TAG, token.len,
                      plain_len - 1, R_BIG);
    rc_buf_reset(&plain);
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, token.len, plain_len, &got,
                               &plain, err, sizeof err),
                     0);
    free(blob);
    free_layout(big);
    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

static void test_zstd_bomb(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    /* 8 MiB of one byte, sealed legitimately: a token of a few hundred
     * characters that would inflate to twice the server's cap. */
    rc_layout *big = mount(&Big_component, NULL);
    size_t n = (size_t)8 << 20;
    unsigned char *blob = malloc(n);
    assert_non_null(blob);
    memset(blob, 'a', n);
    rc_set_bytes(G.by, blob, n);
    free(blob);
    flush_commit(big);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    rc_token_claims c = claims_for(1, 1), got;
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, big, &c, &m, &token);
    print_message("  %zu MiB snapshot sealed into %zu characters\n", n >> 20, token.len);
    assert_true(token.len < 4096);
    expect_refused(&kr, token.data, token.len, R_ZBIG);
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, APP_TAG, MAX_TOKEN, 1000,
                      R_ZBIG);
    /* With room for it, the same token opens: the cap refused it. */
    char err[160];
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, MAX_TOKEN, n + 1024, &got,
                               &plain, err, sizeof err),
                     0);
    assert_true(plain.len > n);
    /* The cap is exact: the content's size passes, one byte less does not. */
    size_t plain_len = plain.len;
    expect_refused_at(__FILE__, __LINE__, &kr, token.data, token.len, APP_TAG, MAX_TOKEN,
                      plain_len - 1, R_ZBIG);
    rc_buf_reset(&plain);
    assert_int_equal(open_text(&kr, token.data, token.len, APP_TAG, MAX_TOKEN, plain_len, &got,
                               &plain, err, sizeof err),
                     0);
    assert_int_equal(plain.len, plain_len);
    free_layout(big);

    /* Crafted zstd content (authentic, but not what the sealer makes). */
    craft cr = craft_for(&kr.keys[0], 1);
    unsigned char src[1000];
    memset(src, 'z', sizeof src);
    unsigned char z[256];
    size_t zn = ZSTD_compress(z, sizeof z, src, sizeof src, 1);
    assert_false(ZSTD_isError(zn));
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, z, zn - 1, &token);          /* cut frame */
    expect_refused(&kr, token.data, token.len, R_ZBAD);
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "not zstd at all", 15, &token);
    expect_refused(&kr, token.data, token.len, R_ZBIG);
    /* A frame that does not say its size. */
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    assert_non_null(cctx);
    assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0)));
    ZSTD_outBuffer out = {z, sizeof z, 0};
    ZSTD_inBuffer in = {src, sizeof src, 0};
    size_t left = ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end);
    assert_int_equal(left, 0);
    ZSTD_freeCCtx(cctx);
    assert_true(ZSTD_getFrameContentSize(z, out.pos) == ZSTD_CONTENTSIZE_UNKNOWN);
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, z, out.pos, &token);
    expect_refused(&kr, token.data, token.len, R_ZBIG);
    /* Two frames: the first says 1,000 bytes, there are 2,000. */
    unsigned char two[512];
    size_t z1 = ZSTD_compress(two, sizeof two, src, sizeof src, 1);
    size_t z2 = ZSTD_compress(two + z1, sizeof two - z1, src, sizeof src, 1);
    assert_false(ZSTD_isError(z1) || ZSTD_isError(z2));
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, two, z1 + z2, &token);
    expect_refused(&kr, token.data, token.len, R_ZBAD);
    /* Unknown flags, even authentic ones. */
    cr.flags = 2;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, src, 10, &token);
    expect_refused(&kr, token.data, token.len, R_FLAGS);

    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Malformed text and formats                                               */
/* ------------------------------------------------------------------------ */

static void test_base64url(void **state)
{
    (void)state;
    /* RFC 4648 vectors (no padding; base64url alphabet). */
    static const char *const vec[][2] = {
        {"", ""},          {"f", "Zg"},           {"fo", "Zm8"},
        {"foo", "Zm9v"},   {"foob", "Zm9vYg"},    {"fooba", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy"}, {"\xfb\xff\xbf", "-_-_"},
    };
    rc_buf b;
    rc_buf_init(&b);
    for (size_t k = 0; k < sizeof vec / sizeof vec[0]; k++) {
        rc_buf_reset(&b);
        b64_append(&b, vec[k][0], strlen(vec[k][0]));
        assert_int_equal(b.len, strlen(vec[k][1]));
        assert_memory_equal(b.data ? b.data : "", vec[k][1], b.len);
        unsigned char out[16];
        assert_int_equal(rc_base64url_decode(vec[k][1], strlen(vec[k][1]), out, sizeof out),
                         (long)strlen(vec[k][0]));
        assert_memory_equal(out, vec[k][0], strlen(vec[k][0]));
    }
    /* Round trips of every length and byte. */
    unsigned char src[300], out[300];
    for (size_t k = 0; k < sizeof src; k++)
        src[k] = (unsigned char)(k * 7 + 3);
    for (size_t n = 0; n <= sizeof src; n++) {
        rc_buf_reset(&b);
        b64_append(&b, src, n);
        assert_int_equal(b.len, n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0));
        assert_int_equal(rc_base64url_decode(b.data, b.len, out, sizeof out), (long)n);
        assert_memory_equal(out, src, n);
        if (n)     /* one byte short of room */
            assert_int_equal(rc_base64url_decode(b.data, b.len, out, n - 1), -1);
    }
    /* Refused: other alphabets, padding, whitespace, NUL, high bytes, a
     * length of 4k+1, bits left over. */
    static const char *const bad[] = {"Zm9v+A", "Zm9v/A", "Zg==", "Zm8=", "Zm9 v", "Zm9v\n",
                                      "Zm\0v", "Zm\xc3\xa9", "Z", "Zm9vY", "Zh", "Zm9", "Zm-"};
    static const size_t bad_len[] = {6, 6, 4, 4, 5, 5, 4, 4, 1, 5, 2, 3, 3};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        if (rc_base64url_decode(bad[k], bad_len[k], out, sizeof out) != -1)
            fail_msg("\"%s\" decoded", bad[k]);
    assert_int_equal(rc_base64url_decode("Zm8", 3, out, sizeof out), 2);   /* for contrast */
    rc_buf_free(&b);
}

static void test_malformed_token_text(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(1, 1);
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    char *t = malloc(token.len + 2);
    assert_non_null(t);

    /* A bad character at every position. */
    static const char badc[] = {'+', '/', '=', ' ', '\n', '\0', '.', (char)0xc3, (char)0xff, '%'};
    for (size_t i = 0; i < token.len; i++) {
        for (size_t k = 0; k < sizeof badc; k++) {
            memcpy(t, token.data, token.len);
            t[i] = badc[k];
            expect_refused(&kr, t, token.len, R_B64);
        }
    }
    /* Bad lengths: one character added or (4k+1) left. */
    memcpy(t, token.data, token.len);
    t[token.len] = 'A';
    size_t len1 = token.len + 1;
    expect_refused(&kr, t, len1, len1 % 4 == 1 ? R_B64 : R_AUTH);
    expect_refused(&kr, token.data, 1, R_B64);
    expect_refused(&kr, token.data, 5, R_B64);
    expect_refused(&kr, "", 0, R_TRUNC);
    /* Non-zero bits after the last byte. */
    size_t rem = token.len % 4;
    assert_true(rem == 2 || rem == 3 || rem == 0);
    size_t cut = rem ? token.len : token.len - 2;      /* a length of 4k+2 or 4k+3 */
    memcpy(t, token.data, cut);
    int last = b64v(t[cut - 1]);
    unsigned mask = cut % 4 == 2 ? 0xf : 0x3;
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    t[cut - 1] = abc[(last & ~(int)mask) | 1];
    expect_refused(&kr, t, cut, R_B64);
    free(t);
    free_layout(l);
    rc_buf_free(&token);
    rc_keyring_wipe(&kr);
}

static void test_unknown_format_byte(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_buf token;
    rc_buf_init(&token);
    rc_token_claims c = claims_for(1, 1);
    rc_snapshot_meta m = meta_for(1);
    seal_layout(&kr, l, &c, &m, &token);
    unsigned char *raw;
    size_t n = decode(&token, &raw);
    for (unsigned f = 0; f < 256; f++) {
        if (f == 1)
            continue;
        raw[0] = (unsigned char)f;
        encode(&token, raw, n);
        expect_refused(&kr, token.data, token.len, R_FORMAT);
        encode(&token, raw, 10);            /* short, but the format says it first */
        expect_refused(&kr, token.data, token.len, R_FORMAT);
    }
    /* An authentic token of another format is refused all the same. */
    craft cr = craft_for(&kr.keys[0], 0);
    cr.format = 2;
    rc_buf_reset(&token);
    craft_token(&kr.keys[0], &cr, "x", 1, &token);
    expect_refused(&kr, token.data, token.len, R_FORMAT);

    /* A snapshot of an unknown format inside an authentic token. */
    rc_buf snapbuf;
    rc_buf_init(&snapbuf);
    rc_snapshot_write(&snapbuf, l, &m);
    snapbuf.data[0] = 2;
    rc_buf_reset(&token);
    rc_token_seal(&kr, &c, snapbuf.data, snapbuf.len, &token);
    rc_token_claims got;
    rc_buf plain;
    rc_buf_init(&plain);
    expect_open(&kr, token.data, token.len, &got, &plain);
    expect_snapshot_refused(plain.data, plain.len, "unknown format");
    rc_buf_free(&plain);
    rc_buf_free(&snapbuf);
    free(raw);
    free_layout(l);
    rc_buf_free(&token);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* The snapshot decoder                                                     */
/* ------------------------------------------------------------------------ */

typedef struct pair {
    int32_t x, y;
} pair;

static const rc_struct_type pair_type = {"test.pair", sizeof(pair), 3};

/* A snapshot with every kind, through the model encoder. */
static void enc_sample(enc *e)
{
    enc_header(e, 1700000000u, 86400, 300, 1u << 30, "build-id", 6);
    enc_str(e, "/App@int");
    enc_int(e, -70000);
    enc_str(e, "/App@float");
    enc_float(e, 3.25);
    enc_str(e, "/App/Item[a]@#0");
    enc_bool(e, true);
    enc_str(e, "/App@list");
    enc_kind(e, RC_ARRAY);
    enc_count(e, 4, "array longer than the data");
    enc_kind(e, RC_NULL);
    enc_kind(e, RC_STRING);
    enc_str(e, "text");
    enc_kind(e, RC_BYTES);
    enc_blob(e, "\x00\x01", 2);
    enc_kind(e, RC_STRING);
    enc_str(e, "");
    enc_str(e, "/App@obj");
    enc_kind(e, RC_OBJECT);
    enc_count(e, 2, "object longer than the data");
    enc_str(e, "k");
    enc_bool(e, false);
    enc_str(e, "nested");
    enc_kind(e, RC_ARRAY);
    enc_count(e, 1, "array longer than the data");
    enc_int(e, INT64_MIN);
    enc_str(e, "/App@pair");
    pair p = {-1, 2};
    rc_value v = {0};
    rc_value_set_struct(&v, &pair_type, &p);
    enc_value(e, &v);
    rc_value_free(&v);
}

static void test_snapshot_truncated_every_length(void **state)
{
    (void)state;
    enc e;
    enc_init(&e);
    enc_sample(&e);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, e.b.data, e.b.len, err, sizeof err), 0);
    assert_int_equal(snap.nslots, 6);
    assert_int_equal(snap.meta.issued, 1700000000u);
    assert_int_equal(snap.meta.version, 300);
    assert_int_equal(snap.meta.last_seq, 1u << 30);
    assert_int_equal(rc_value_int(rc_snapshot_get(&snap, "/App@int"), 0), -70000);
    assert_true(rc_value_float(rc_snapshot_get(&snap, "/App@float"), 0) == 3.25);
    assert_true(rc_value_bool(rc_snapshot_get(&snap, "/App/Item[a]@#0"), false));
    const rc_value *obj = rc_snapshot_get(&snap, "/App@obj");
    assert_true(rc_value_int(rc_array_at(rc_object_get(obj, "nested"), 0), 0) == INT64_MIN);
    const rc_value *pv = rc_snapshot_get(&snap, "/App@pair");
    assert_int_equal(pv->kind, RC_STRUCT);
    assert_string_equal(pv->as.st.type->name, "test.pair");
    assert_int_equal(pv->as.st.type->size, sizeof(pair));
    assert_int_equal(pv->as.st.type->version, 3);
    assert_int_equal(((const pair *)pv->as.st.ptr)->x, -1);
    rc_snapshot_free(&snap);
    rc_snapshot_free(&snap);                 /* freeing twice is harmless */

    for (size_t p = 0; p < e.b.len; p++) {
        const char *why = enc_cut_reason(&e, p);
        assert_non_null(why);
        expect_snapshot_refused_at(__FILE__, __LINE__, e.b.data, p, why);
    }
    assert_null(enc_cut_reason(&e, e.b.len));
    enc_free(&e);

    /* The same for a real layout's snapshot. */
    rc_layout *l = mount(&Rich_component, NULL);
    change_rich(l);
    rc_snapshot_meta m = meta_for(7);
    enc_init(&e);
    enc_layout(&e, l, &m);
    for (size_t p = 0; p < e.b.len; p++)
        expect_snapshot_refused_at(__FILE__, __LINE__, e.b.data, p, enc_cut_reason(&e, p));
    assert_int_equal(read_copy(&snap, e.b.data, e.b.len, err, sizeof err), 0);
    rc_snapshot_free(&snap);
    enc_free(&e);
    free_layout(l);
}

/* A snapshot holding one slot, value bytes given raw. */
static void one_slot(rc_buf *b, const char *address, const void *value, size_t len)
{
    enc e;
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 1);
    enc_str(&e, address);
    rc_buf_reset(b);
    rc_buf_append(b, e.b.data, e.b.len);
    rc_buf_append(b, value, len);
    enc_free(&e);
}

static void test_snapshot_rejections(void **state)
{
    (void)state;
    rc_buf b;
    rc_buf_init(&b);
    enc e;

    /* Unknown format byte, and nothing at all. */
    const unsigned char fmt0[] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_snapshot_refused(fmt0, sizeof fmt0, "unknown format");
    const unsigned char fmt2[] = {2, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_snapshot_refused(fmt2, sizeof fmt2, "unknown format");
    expect_snapshot_refused("", 0, "unknown format");
    rc_snapshot snap;
    char err[160];
    /* An empty rc_buf's data is NULL (an empty plaintext, as hello_resume()
     * passes it on). */
    assert_int_equal(rc_snapshot_read(&snap, NULL, 0, err, sizeof err), -1);
    assert_string_equal(err, "snapshot: unknown format");

    /* Unknown kinds, at the top and nested. */
    for (unsigned k = RC_STRUCT + 1; k < 256; k++) {
        unsigned char v[3] = {(unsigned char)k, 0, 0};
        one_slot(&b, "/A@x", v, 1);
        expect_snapshot_refused(b.data, b.len, "unknown value kind");
        unsigned char nested[4] = {RC_ARRAY, 1, (unsigned char)k, 0};
        one_slot(&b, "/A@x", nested, sizeof nested);
        expect_snapshot_refused(b.data, b.len, "unknown value kind");
    }

    /* Lengths past the end: of a string, of bytes, of an address, of a key,
     * of a struct name or body, of the build id; and counts past it. */
    const unsigned char str_long[] = {RC_STRING, 10, 'a', 'b', 'c'};
    one_slot(&b, "/A@x", str_long, sizeof str_long);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char bytes_huge[] = {RC_BYTES, 0xff, 0xff, 0xff, 0xff, 0xff,
                                        0xff,     0xff, 0xff, 0xff, 0x01};
    one_slot(&b, "/A@x", bytes_huge, sizeof bytes_huge);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char key_long[] = {RC_OBJECT, 1, 50, 'k', RC_NULL};
    one_slot(&b, "/A@x", key_long, sizeof key_long);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char st_name[] = {RC_STRUCT, 9, 'p', 0, 0};
    one_slot(&b, "/A@x", st_name, sizeof st_name);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char st_body[] = {RC_STRUCT, 1, 'p', 1, 8, 1, 2, 3};
    one_slot(&b, "/A@x", st_body, sizeof st_body);
    expect_snapshot_refused(b.data, b.len, "length past the end");
    const unsigned char arr_long[] = {RC_ARRAY, 5, RC_NULL, RC_NULL};
    one_slot(&b, "/A@x", arr_long, sizeof arr_long);
    expect_snapshot_refused(b.data, b.len, "array longer than the data");
    const unsigned char obj_long[] = {RC_OBJECT, 4, 1, 'k', RC_NULL};
    one_slot(&b, "/A@x", obj_long, sizeof obj_long);
    expect_snapshot_refused(b.data, b.len, "object longer than the data");
    const unsigned char float_short[] = {RC_FLOAT, 1, 2, 3, 4, 5, 6, 7};
    one_slot(&b, "/A@x", float_short, sizeof float_short);
    expect_snapshot_refused(b.data, b.len, "truncated float");
    const unsigned char addr_long[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 40, '/', 'A', RC_NULL};
    expect_snapshot_refused(addr_long, sizeof addr_long, "length past the end");
    const unsigned char build_long[] = {1, 0, 0, 0, 0, 0, 0, 0, 30, 'b', 0};
    expect_snapshot_refused(build_long, sizeof build_long, "length past the end");
    const unsigned char slots_many[] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 100, 1, 'x', RC_NULL};
    expect_snapshot_refused(slots_many, sizeof slots_many, "more slots than data");

    /* Numbers: ten-byte varints, overflow, ttl over 32 bits, struct
     * versions over 32 bits. */
    const unsigned char int_max[] = {RC_INT, 0xfe, 0xff, 0xff, 0xff, 0xff,
                                     0xff,   0xff, 0xff, 0xff, 0x01};
    one_slot(&b, "/A@x", int_max, sizeof int_max);
    assert_int_equal(read_copy(&snap, b.data, b.len, err, sizeof err), 0);
    assert_true(rc_value_int(rc_snapshot_get(&snap, "/A@x"), 0) == INT64_MAX);
    rc_snapshot_free(&snap);
    const unsigned char int_over[] = {RC_INT, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff,   0xff, 0xff, 0xff, 0x02};
    one_slot(&b, "/A@x", int_over, sizeof int_over);
    expect_snapshot_refused(b.data, b.len, "number overflows 64 bits");
    const unsigned char int_long[] = {RC_INT, 0x80, 0x80, 0x80, 0x80, 0x80,
                                      0x80,   0x80, 0x80, 0x80, 0x80, 0};
    one_slot(&b, "/A@x", int_long, sizeof int_long);
    expect_snapshot_refused(b.data, b.len, "number overflows 64 bits");
    const unsigned char ttl_big[] = {1, 0, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 0, 0, 0};
    expect_snapshot_refused(ttl_big, sizeof ttl_big, "ttl out of range");
    const unsigned char ttl_max[] = {1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0};
    assert_int_equal(read_copy(&snap, ttl_max, sizeof ttl_max, err, sizeof err), 0);
    assert_int_equal(snap.meta.ttl, UINT32_MAX);
    rc_snapshot_free(&snap);
    const unsigned char st_ver[] = {RC_STRUCT, 1, 'p', 0x80, 0x80, 0x80, 0x80, 0x10, 0};
    one_slot(&b, "/A@x", st_ver, sizeof st_ver);
    expect_snapshot_refused(b.data, b.len, "bad struct header");
    const unsigned char st_nul[] = {RC_STRUCT, 2, 'p', 0, 1, 0};
    one_slot(&b, "/A@x", st_nul, sizeof st_nul);
    expect_snapshot_refused(b.data, b.len, "bad struct header");
    const unsigned char bool2[] = {RC_BOOL, 2};
    one_slot(&b, "/A@x", bool2, sizeof bool2);
    expect_snapshot_refused(b.data, b.len, "bad boolean");

    /* Depth: RC_SNAPSHOT_MAX_DEPTH + 1 nested containers decode, one more does not.
     * Arrays and objects alternate; the innermost one is empty. */
    for (size_t depth = RC_SNAPSHOT_MAX_DEPTH + 1; depth <= RC_SNAPSHOT_MAX_DEPTH + 2; depth++) {
        unsigned char deep[256];
        size_t n = 0;
        for (size_t k = 0; k < depth; k++) {
            bool inner = k + 1 == depth;
            deep[n++] = k % 2 ? RC_OBJECT : RC_ARRAY;
            deep[n++] = inner ? 0 : 1;
            if (k % 2 && !inner) {     /* the key of the one member */
                deep[n++] = 1;
                deep[n++] = 'k';
            }
        }
        one_slot(&b, "/A@deep", deep, n);
        if (depth == RC_SNAPSHOT_MAX_DEPTH + 1) {
            assert_int_equal(read_copy(&snap, b.data, b.len, err, sizeof err), 0);
            rc_snapshot_free(&snap);
        } else {
            expect_snapshot_refused(b.data, b.len, "nesting too deep");
        }
    }
    /* Far deeper than that: refused without exhausting the stack. */
    size_t big = 100000;
    unsigned char *deeper = malloc(big * 2);
    assert_non_null(deeper);
    for (size_t k = 0; k < big; k++) {
        deeper[2 * k] = RC_ARRAY;
        deeper[2 * k + 1] = 1;
    }
    one_slot(&b, "/A@deep", deeper, big * 2);
    free(deeper);
    expect_snapshot_refused(b.data, b.len, "nesting too deep");

    /* Duplicates and NULs. */
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 2);
    enc_str(&e, "/A@x");
    enc_int(&e, 1);
    enc_str(&e, "/A@x");
    enc_int(&e, 2);
    expect_snapshot_refused(e.b.data, e.b.len, "duplicate address");
    enc_free(&e);
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 2);
    enc_str(&e, "/A@x");
    enc_int(&e, 1);
    enc_blob(&e, "/A@x\0y", 6);     /* equal up to the NUL */
    enc_int(&e, 2);
    expect_snapshot_refused(e.b.data, e.b.len, "NUL in an address");
    enc_free(&e);
    const unsigned char dup_key[] = {RC_OBJECT, 2, 1, 'k', RC_NULL, 1, 'k', RC_INT, 2};
    one_slot(&b, "/A@x", dup_key, sizeof dup_key);
    expect_snapshot_refused(b.data, b.len, "duplicate object key");
    const unsigned char nul_key[] = {RC_OBJECT, 1, 3, 'k', 0, 'j', RC_NULL};
    one_slot(&b, "/A@x", nul_key, sizeof nul_key);
    expect_snapshot_refused(b.data, b.len, "NUL in an object key");
    const unsigned char nul_key2[] = {RC_OBJECT, 2, 1, 'k', RC_NULL, 2, 'k', 0, RC_NULL};
    one_slot(&b, "/A@x", nul_key2, sizeof nul_key2);
    expect_snapshot_refused(b.data, b.len, "NUL in an object key");

    /* Trailing bytes. */
    const unsigned char one_int[] = {RC_INT, 2, 0};
    one_slot(&b, "/A@x", one_int, sizeof one_int);
    expect_snapshot_refused(b.data, b.len, "trailing bytes");
    one_slot(&b, "/A@x", one_int, 2);
    assert_int_equal(read_copy(&snap, b.data, b.len, err, sizeof err), 0);
    assert_int_equal(rc_value_int(rc_snapshot_get(&snap, "/A@x"), 0), 1);
    rc_snapshot_free(&snap);

    rc_buf_free(&b);
}

/* A decoded snapshot restores into a layout without trusting its shapes:
 * values whose kind or struct type does not fit a slot take its initial
 * value (this is what happens when the bytes are fine but the build is
 * not). */
static void test_snapshot_restore_mismatched_kinds(void **state)
{
    (void)state;
    enc e;
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 12);
    const char *addrs[] = {"/Rich@i", "/Rich@f", "/Rich@b", "/Rich@s", "/Rich@by", "/Rich@st",
                           "/Rich@#7", "/Rich@red", "/Rich@secret", "/Rich/RichItem[a]@label",
                           "/Rich/RichItem[b%2Fc]@#1", "/Rich/RichItem#0@label"};
    for (size_t k = 0; k < 12; k++) {
        enc_str(&e, addrs[k]);
        if (k == 5) {
            pair p = {1, 2};        /* another struct type */
            rc_value v = {0};
            rc_value_set_struct(&v, &pair_type, &p);
            enc_value(&e, &v);
            rc_value_free(&v);
        } else if (k == 7 || k == 8 || k == 11) {
            enc_kind(&e, RC_STRING);    /* reducer declared int; server-only; a string slot */
            enc_str(&e, "restored");
        } else {
            enc_kind(&e, RC_ARRAY);
            enc_count(&e, 0, "");
        }
    }
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, e.b.data, e.b.len, err, sizeof err), 0);
    rc_layout *l = mount(&Rich_component, &snap);
    rc_snapshot_free(&snap);
    assert_int_equal(rc_get_int(G.i), 0);
    assert_true(rc_get_float(G.f) == 0.5);
    assert_false(rc_get_bool(G.b));
    assert_string_equal(rc_get_string(G.s), "");
    assert_ptr_equal(rc_get_value(G.st)->as.st.type, &rgb_type);
    assert_int_equal(rc_get_int(G.idx), 7);
    assert_int_equal(rc_value_int(rc_get_value(G.red), -1), 0);
    assert_string_equal(rc_get_string(G.item_label[0]), "first");
    assert_false(rc_get_bool(G.item_on[1]));
    assert_string_equal(rc_get_string(G.item_label[2]), "restored");   /* fits */
    flush_commit(l);
    assert_int_equal(test_log.n[RC_LOG_ERROR], 0);
    free_layout(l);
    enc_free(&e);
}

/* ------------------------------------------------------------------------ */
/* A new build resumes what still fits                                      */
/* ------------------------------------------------------------------------ */

typedef struct cfg {
    int32_t a, b;
} cfg;

static const rc_struct_type cfg_v1 = {"test.cfg", sizeof(cfg), 1};
static const rc_struct_type cfg_v2 = {"test.cfg", sizeof(cfg), 2};

typedef struct cfg_big {
    int32_t a, b, c;
} cfg_big;

/* Same name and version, another size. */
static const rc_struct_type cfg_big_v1 = {"test.cfg", sizeof(cfg_big), 1};

static void h_inc_widget(rc_event *ev, void *user) { h_inc(ev, user); }

/* Build 1: A(int), B(string), C(struct cfg v1), E(struct cfg v1). */
static void widget_v1(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.wa = rc_use_int(ctx, "A", 0);
    G.wb = rc_use_string(ctx, "B", "b-initial");
    cfg c0 = {1, 1};
    G.wc = rc_use_struct(ctx, "C", &cfg_v1, &c0);
    G.we = rc_use_struct(ctx, "E", &cfg_v1, &c0);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .on = RC_ON("click", h_inc_widget, G.wa)) {
            rc_textf(ctx, "%lld %s", (long long)rc_get_int(G.wa), rc_get_string(G.wb));
        }
        rc_child(ctx, &counter_component, "gone", NULL, 0);   /* not in build 2 */
    }
}

/* Build 2, same type name: A(int) unchanged, B now an int, C at struct
 * version 2, E's struct grew, and a new D. */
static void widget_v2(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.wa = rc_use_int(ctx, "A", 0);
    G.wb = rc_use_int(ctx, "B", 5);
    cfg c0 = {2, 2};
    G.wc = rc_use_struct(ctx, "C", &cfg_v2, &c0);
    cfg_big e0 = {3, 3, 3};
    G.we = rc_use_struct(ctx, "E", &cfg_big_v1, &e0);
    G.wd = rc_use_float(ctx, "D", 1.5);
    RC_EL(ctx, "div") {
        RC_EL(ctx, "button", .on = RC_ON("click", h_inc_widget, G.wa)) {
            rc_textf(ctx, "%lld %lld %g", (long long)rc_get_int(G.wa), (long long)rc_get_int(G.wb),
                     rc_get_float(G.wd));
        }
    }
}

static const rc_component widget_build1 = {"Widget", widget_v1, NULL, 0};
static const rc_component widget_build2 = {"Widget", widget_v2, NULL, 0};

static void test_partial_restore_new_build(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *a = mount(&widget_build1, NULL);
    rc_set_int(G.wa, 42);
    rc_set_string(G.wb, "typed by the user");
    cfg c = {7, 8};
    rc_set_struct(G.wc, &c);
    rc_set_struct(G.we, &c);
    rc_set_int(G.count, 5);                 /* the child that build 2 drops */
    flush_commit(a);
    rc_token_claims claims = claims_for(1, 3), got;
    rc_snapshot_meta m = meta_for(3);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    seal_layout(&kr, a, &claims, &m, &token);
    free_layout(a);

    claims.build_tag = BUILD_TAG + 1;       /* the server runs build 2 */
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(got.build_tag, BUILD_TAG);   /* reported, not refused */
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(snap.nslots, 5);
    assert_non_null(rc_snapshot_get(&snap, "/Widget/counter[gone]@count"));

    test_log = (logcap){0};
    rc_layout *b = mount(&widget_build2, &snap);
    rc_snapshot_free(&snap);
    assert_int_equal(rc_get_int(G.wa), 42);                 /* still fits */
    assert_int_equal(rc_get_int(G.wb), 5);                  /* type changed: initial */
    assert_int_equal(rc_get_value(G.wb)->kind, RC_INT);
    const cfg *cv = rc_get_struct(G.wc);                    /* version changed: initial */
    assert_int_equal(cv->a, 2);
    assert_int_equal(cv->b, 2);
    assert_ptr_equal(rc_get_value(G.wc)->as.st.type, &cfg_v2);
    const cfg_big *ev = rc_get_struct(G.we);                /* size changed: initial */
    assert_int_equal(ev->a, 3);
    assert_int_equal(ev->c, 3);
    assert_true(rc_get_float(G.wd) == 1.5);                 /* new: initial */
    assert_int_equal(test_log.n[RC_LOG_ERROR], 0);
    assert_non_null(strstr(test_log.all, "slot /Widget@B: restored value has another type"));

    /* It works on: events, renders, and the next token holds build 2's
     * values. */
    idlist *ids = calloc(1, sizeof *ids);
    assert_non_null(ids);
    collect_ids(b, ids);
    assert_int_equal(ids->n, 1);
    assert_int_equal(rc_layout_dispatch(b, ids->id[0], NULL, 1), 0);
    flush_commit(b);
    assert_int_equal(rc_get_int(G.wa), 43);
    rc_buf_reset(&token);
    rc_buf_reset(&plain);
    seal_layout(&kr, b, &claims, &m, &token);
    expect_open(&kr, token.data, token.len, &got, &plain);
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(snap.nslots, 5);
    assert_int_equal(rc_value_int(rc_snapshot_get(&snap, "/Widget@A"), 0), 43);
    assert_int_equal(rc_value_int(rc_snapshot_get(&snap, "/Widget@B"), 0), 5);
    assert_null(rc_snapshot_get(&snap, "/Widget/counter[gone]@count"));
    rc_snapshot_free(&snap);

    free(ids);
    free_layout(b);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Token size                                                               */
/* ------------------------------------------------------------------------ */

static void test_counter_token_size(void **state)
{
    (void)state;
    rc_keyring kr;
    keyring(&kr, SECRET_OLD);
    rc_layout *l = mount(&counter_component, NULL);
    rc_set_int(G.count, 3);
    rc_set_int(G.count_secret, 123456789);
    flush_commit(l);
    rc_token_claims c = claims_for(1, 4), got;
    rc_snapshot_meta m = meta_for(4);
    rc_buf token, plain;
    rc_buf_init(&token);
    rc_buf_init(&plain);
    seal_layout(&kr, l, &c, &m, &token);
    print_message("  counter token: %zu characters (limit 200)\n", token.len);
    assert_true(token.len <= 200);

    /* The server-only slot is not in it. */
    expect_open(&kr, token.data, token.len, &got, &plain);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, plain.data, plain.len, err, sizeof err), 0);
    assert_int_equal(snap.nslots, 1);
    assert_int_equal(rc_value_int(rc_snapshot_get(&snap, "/counter@count"), -1), 3);
    assert_null(rc_snapshot_get(&snap, "/counter@secret"));
    for (size_t k = 0; k < plain.len; k++)
        assert_false(k + 6 <= plain.len && memcmp(plain.data + k, "secret", 6) == 0);
    rc_layout *b = mount(&counter_component, &snap);
    rc_snapshot_free(&snap);
    assert_int_equal(rc_get_int(G.count), 3);
    assert_int_equal(rc_get_int(G.count_secret), 0);

    /* Still under 200 after a long life: big counters, versions and
     * sequence numbers. */
    rc_set_int(G.count, INT64_MIN);
    flush_commit(b);
    c.version = m.version = 1000000000;
    m.last_seq = 1000000000;
    rc_buf_reset(&token);
    seal_layout(&kr, b, &c, &m, &token);
    print_message("  counter token, worst case: %zu characters\n", token.len);
    assert_true(token.len <= 200);

    free_layout(b);
    free_layout(l);
    rc_buf_free(&token);
    rc_buf_free(&plain);
    rc_keyring_wipe(&kr);
}

/* ------------------------------------------------------------------------ */
/* Regressions: struct values in untyped slots, server-only slots           */
/* ------------------------------------------------------------------------ */


static void Holder(rc_ctx *ctx, const void *props)
{
    (void)props;
    G.v = rc_use_value(ctx, "v", NULL);
    G.secret = rc_use_int(ctx, "secret", 1);
    rc_state_flags(G.secret, RC_STATE_SERVER_ONLY);
    RC_EL(ctx, "p") { rc_text(ctx, "holder"); }
}
static RC_COMPONENT(Holder);

/* A struct inside a value slot (rc_use_value / rc_use_reducer) is restored
 * by rc_value_copy, which keeps the type pointer: it points at the
 * rc_struct_type the snapshot owns. session.c frees the snapshot right
 * after start(); the next write_token() then reads the freed type
 * (rc_snapshot_write -> put_value: t->name, t->size). Typed struct slots
 * are fine (they copy into their own type). Fix belongs in core (hooks.c /
 * slots.c: refuse or re-type struct values for untyped slots) or in
 * session.c (keep the snapshot as long as the layout). */
static void test_struct_in_value_slot(void **state)
{
    (void)state;
    rc_layout *a = mount(&Holder_component, NULL);
    rc_value v = {0};
    rc_value_set_object(&v);
    pair p = {3, 4};
    rc_value_set_struct(rc_object_set(&v, "p"), &pair_type, &p);
    rc_set_value(G.v, &v);
    rc_value_free(&v);
    flush_commit(a);
    rc_snapshot_meta m = meta_for(1);
    rc_buf b1, b2;
    rc_buf_init(&b1);
    rc_buf_init(&b2);
    rc_snapshot_write(&b1, a, &m);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, b1.data, b1.len, err, sizeof err), 0);
    rc_layout *b = mount(&Holder_component, &snap);
    rc_snapshot_free(&snap);             /* as hello_resume() does */
    rc_snapshot_write(&b2, b, &m);       /* use after free */
    assert_int_equal(b2.len, b1.len);
    assert_memory_equal(b2.data, b1.data, b1.len);
    free_layout(b);
    free_layout(a);
    rc_buf_free(&b1);
    rc_buf_free(&b2);
}

/* RC_STATE_SERVER_ONLY is set after the hook has restored the slot
 * (rc_state_flags comes after rc_use_*), so a server-only slot is restored
 * from a snapshot that has its address: a token made by a build in which
 * the slot was restorable, or any snapshot naming it. reactc.h says such a
 * slot "takes its initial value when a session is rebuilt elsewhere". Fix
 * belongs in core (e.g. defer the restore to the first read, or pass the
 * flags to the hook). */
static void test_server_only_not_restored(void **state)
{
    (void)state;
    enc e;
    enc_init(&e);
    enc_header(&e, 1, 2, 3, 4, "b", 1);
    enc_str(&e, "/Holder@secret");
    enc_int(&e, 42);
    rc_snapshot snap;
    char err[160];
    assert_int_equal(read_copy(&snap, e.b.data, e.b.len, err, sizeof err), 0);
    rc_layout *l = mount(&Holder_component, &snap);
    rc_snapshot_free(&snap);
    assert_int_equal(rc_get_int(G.secret), 1);    /* is 42 */
    free_layout(l);
    enc_free(&e);
}

int main(void)
{
    harness_clears(&G, sizeof G);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, reset, teardown),
        cmocka_unit_test_setup_teardown(test_formats_match_headers, reset, teardown),
        cmocka_unit_test_setup_teardown(test_empty_plaintext, reset, teardown),
        cmocka_unit_test_setup_teardown(test_bit_flips_everywhere, reset, teardown),
        cmocka_unit_test_setup_teardown(test_truncation_every_length, reset, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key, reset, teardown),
        cmocka_unit_test_setup_teardown(test_rotation, reset, teardown),
        cmocka_unit_test_setup_teardown(test_rotation_key_id_collision, reset, teardown),
        cmocka_unit_test_setup_teardown(test_secret_file, reset, teardown),
        cmocka_unit_test_setup_teardown(test_another_app, reset, teardown),
        cmocka_unit_test_setup_teardown(test_another_session, reset, teardown),
        cmocka_unit_test_setup_teardown(test_oversize, reset, teardown),
        cmocka_unit_test_setup_teardown(test_zstd_bomb, reset, teardown),
        cmocka_unit_test_setup_teardown(test_base64url, reset, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_token_text, reset, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_format_byte, reset, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_truncated_every_length, reset, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_rejections, reset, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_restore_mismatched_kinds, reset, teardown),
        cmocka_unit_test_setup_teardown(test_partial_restore_new_build, reset, teardown),
        cmocka_unit_test_setup_teardown(test_counter_token_size, reset, teardown),
        cmocka_unit_test_setup_teardown(test_struct_in_value_slot, reset, teardown),
        cmocka_unit_test_setup_teardown(test_server_only_not_restored, reset, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
