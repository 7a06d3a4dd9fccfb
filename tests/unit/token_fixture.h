/*
 * What the token tests share (test_token_*.c, test_snapshot.c): the
 * reasons exactly as the code under test reports them, the secrets, tags and
 * the token layout of token.h, the components they seal (Rich: every kind of
 * restorable slot; the counter of examples/counter.c), and helpers that
 * mount, seal, open, accept and refuse.
 */
#ifndef RC_TEST_TOKEN_FIXTURE_H
#define RC_TEST_TOKEN_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"
#include "resume/accept.h"
#include "resume/snapshot.h"
#include "resume/token.h"

/* Reasons, exactly as the code under test reports them. */
#define R_TOO_LARGE "token too large"
#define R_B64       "token is not base64url"
#define R_FORMAT    "unknown token format"
#define R_TRUNC     "token truncated"
#define R_HDR_TRUNC "token header truncated"
#define R_FLAGS     "unknown token flags"
#define R_KEY       "token sealed with an unknown key"
#define R_APP       "token belongs to another app"
#define R_AUTH      "token failed authentication (tampered, or another secret)"
#define R_ZBIG      "token content too large or malformed"
#define R_ZBAD      "token content does not decompress"
#define R_BIG       "token content too large"
/* A compressed token in a build without RC_WITH_TOKEN_COMPRESSION
 * (tests/unit/CMakeLists.txt defines RC_TEST_WITHOUT_TOKEN_COMPRESSION
 * there): the flags byte a sealed, compressible snapshot gets. */
#define R_NOZSTD                                                                \
    "token is compressed, and this build of reactc opens no compressed tokens " \
    "(built without RC_WITH_TOKEN_COMPRESSION)"
#ifdef RC_TEST_WITHOUT_TOKEN_COMPRESSION
#define FLAG_IF_COMPRESSED 0
#else
#define FLAG_IF_COMPRESSED 1
#endif

/* Made by rc_resume_accept. */
#define R_SESSION    "token belongs to another session"
#define R_EXPIRED    "token expired"
#define R_FUTURE     "token issued in the future"
#define R_VERSION    "token version mismatch"
#define R_FORMAT_OLD "token format too old (format 1, before app-bound keys)"

/* Typed secrets (src/resume/secret.h): hex: and b64: forms of 32 bytes. */
#define SECRET_OLD    "hex:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SECRET_NEW    "b64:bmV3LXNlY3JldC1mZWRjYmE5ODc2NTQzMjEwLi4uLi4="
#define SECRET_OTHER  "hex:aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
#define APP_ID        "token-test-app"
#define APP_TAG       0x11223344u
#define OTHER_APP_TAG 0x11223345u
#define BUILD_TAG     0xb0b0cafeu
#define MAX_TOKEN     ((size_t)64 << 10) /* rc_app's default max_token */
#define MAX_PLAIN     ((size_t)4 << 20)  /* what session.c passes */
#define TTL           86400u

/* Token layout (token.h) for a version that fits one varint byte. */
#define T_FORMAT    0
#define T_KID       1
#define T_APP       3
#define T_BUILD     7
#define T_SESSION   11
#define T_VERSION   27
#define T_FLAGS     28
#define T_NONCE     29
#define NONCE_BYTES 24
#define MAC_BYTES   16
#define T_MIN       (1 + 2 + 4 + 4 + RC_SESSION_ID_BYTES + 1 + 1 + NONCE_BYTES + MAC_BYTES)

typedef struct rgb {
    uint8_t r, g, b, a;
    int32_t n;
    char label[24];
} rgb;

extern const rc_struct_type rgb_type;

/* A layout, restored from snap when snap is not NULL, flushed once. */
rc_layout *mount(const rc_component *root, rc_snapshot *snap);

/* Handler ids of the whole tree, in tree order. */
typedef struct idlist {
    char id[32][32];
    size_t n;
} idlist;

void collect_ids(const rc_layout *l, idlist *out);

/* Every restorable slot of a layout (address and a copy of the value). */
typedef struct slots {
    char addr[64][96];
    rc_value val[64];
    size_t n;
} slots;

slots *slots_of(const rc_layout *l);

void slots_free(slots *s);

void keyring(rc_keyring *kr, const char *secrets);

rc_token_claims claims_for(uint8_t session_byte, uint64_t version);

rc_snapshot_meta meta_for(uint64_t version);

/* rc_snapshot_write + rc_token_seal, as write_token() in session.c does. */
void seal_layout(const rc_keyring *kr, const rc_layout *l, const rc_token_claims *c,
                 const rc_snapshot_meta *m, rc_buf *token);

/* Opens text (copied into a heap block of exactly len bytes, so any read
 * past the end is caught) with the default limits. */
int open_text(const rc_keyring *kr, const char *text, size_t len, uint32_t app_tag,
              size_t max_token, size_t max_plain, rc_token_claims *claims, rc_buf *plain, char *err,
              size_t errlen);

/* Asserts that text is refused with exactly `reason` and appends nothing. */
#define expect_refused(kr, text, len, reason) \
    expect_refused_at(__FILE__, __LINE__, kr, text, len, APP_TAG, MAX_TOKEN, MAX_PLAIN, reason)

void expect_refused_at(const char *file, int line, const rc_keyring *kr, const char *text,
                       size_t len, uint32_t app_tag, size_t max_token, size_t max_plain,
                       const char *reason);

/* Opens text that must open; returns the plaintext in plain. */
void expect_open(const rc_keyring *kr, const char *text, size_t len, rc_token_claims *c,
                 rc_buf *plain);

/* Appends the base64url text of raw bytes to out. */
void b64_append(rc_buf *out, const void *raw, size_t len);

/* Base64url text of raw bytes. */
void encode(rc_buf *out, const unsigned char *raw, size_t len);

/* Decoded bytes of a token (fails the test if it is not base64url). */
size_t decode(const rc_buf *text, unsigned char **raw);

/* rc_resume_accept of a token for the session whose id bytes are `session`,
 * at unix time `now`, with the server's default limits. r is freed by the
 * caller (rc_resume_free). */
rc_refusal accept_token(const rc_keyring *kr, const rc_buf *token, const unsigned char *session,
                        uint64_t now, rc_resume *r);

typedef struct item_props { /* no padding: props are compared by memcmp */
    size_t n;
    const char *label;
} item_props;

/* Every kind of restorable slot, by name and by index, a server-only slot,
 * a reducer, keyed and unkeyed children, and handlers. */
void Rich(rc_ctx *ctx, const void *props);

extern const rc_component Rich_component;

/* A string with a NUL inside and non-ASCII UTF-8. */
#define RICH_STR_INIT "nul\0inside, \xc3\xbc\xc3\xb1\xc3\xaf"
extern const char RICH_STR[sizeof RICH_STR_INIT];

/* Moves every restorable slot of Rich away from its initial value. */
void change_rich(rc_layout *l);

void counter(rc_ctx *ctx, const void *props);

extern const rc_component counter_component;

typedef struct pair {
    int32_t x, y;
} pair;

extern const rc_struct_type pair_type;

/* The slots the components capture while they render (valid while their
 * instance lives); give G to harness_clears to zero it before every test. */
extern struct token_slots {
    /* Rich's slots (valid while its instance lives) */
    rc_state *i, *f, *b, *s, *by, *v, *st, *idx, *secret, *red;
    rc_state *item_label[3], *item_on[3];
    /* Widget's slots (both builds) */
    rc_state *wa, *wb, *wc, *wd, *we;
    rc_state *count, *count_secret;
} G;

#endif
