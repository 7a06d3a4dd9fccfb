/*
 * An independent snapshot encoder (the format in snapshot.h), for the tests
 * of rc_snapshot_write and rc_snapshot_read.
 */
#ifndef RC_TEST_SNAPSHOT_ENCODER_H
#define RC_TEST_SNAPSHOT_ENCODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"
#include "resume/snapshot.h"

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

void enc_init(enc *e);

void enc_free(enc *e);

void enc_need(enc *e, size_t at, uint64_t n, const char *why);

void enc_byte(enc *e, unsigned c, const char *why);

void enc_varint(enc *e, uint64_t v);

void enc_count(enc *e, uint64_t n, const char *why);

void enc_blob(enc *e, const void *p, size_t n);

void enc_str(enc *e, const char *s);

void enc_header(enc *e, uint32_t issued, uint32_t ttl, uint64_t version, uint64_t last_seq,
                const char *build, uint64_t nslots);

void enc_kind(enc *e, rc_kind k);

void enc_int(enc *e, int64_t i);

void enc_float(enc *e, double d);

void enc_bool(enc *e, bool b);

void enc_value(enc *e, const rc_value *v);

/* The reason a snapshot cut to its first p bytes is refused with (NULL: p
 * is the whole snapshot and it decodes). */
const char *enc_cut_reason(const enc *e, size_t p);

/* What rc_snapshot_write must produce for a layout. */
void enc_layout(enc *e, const rc_layout *l, const rc_snapshot_meta *m);

/* rc_snapshot_read of a heap copy of exactly len bytes. */
int read_copy(rc_snapshot *snap, const void *data, size_t len, char *err, size_t errlen);

#define expect_snapshot_refused(data, len, reason) \
    expect_snapshot_refused_at(__FILE__, __LINE__, data, len, reason)

void expect_snapshot_refused_at(const char *file, int line, const void *data, size_t len,
                                const char *reason);

#endif
