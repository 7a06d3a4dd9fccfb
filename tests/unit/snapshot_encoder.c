/*
 * An independent snapshot encoder (snapshot_encoder.h).
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

#include "snapshot_encoder.h"

/* ------------------------------------------------------------------------ */
/* An independent snapshot encoder (the format in snapshot.h).              */
/*                                                                          */
/* Besides the bytes, it records what the decoder needs at each point, in   */
/* decoding order: "at offset `at`, `need` more bytes must be there, else   */
/* the reason is `why`". The first such need that a prefix of length p does */
/* not meet is the reason a snapshot cut at p must be refused with.         */
/* ------------------------------------------------------------------------ */

void enc_init(enc *e) {
    memset(e, 0, sizeof *e);
    rc_buf_init(&e->b);
}

void enc_free(enc *e) {
    rc_buf_free(&e->b);
    free(e->needs);
    memset(e, 0, sizeof *e);
}

void enc_need(enc *e, size_t at, uint64_t n, const char *why) {
    if (n == 0) return;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->needs = realloc(e->needs, e->cap * sizeof *e->needs);
        assert_non_null(e->needs);
    }
    e->needs[e->n++] = (need){at, n, why};
}

void enc_byte(enc *e, unsigned c, const char *why) {
    enc_need(e, e->b.len, 1, why);
    rc_buf_putc(&e->b, (char)(unsigned char)c);
}

void enc_varint(enc *e, uint64_t v) {
    do {
        unsigned c = (unsigned)(v & 0x7f);
        v >>= 7;
        enc_byte(e, c | (v ? 0x80u : 0u), "truncated number");
    } while (v);
}

void enc_count(enc *e, uint64_t n, const char *why) {
    enc_varint(e, n);
    enc_need(e, e->b.len, n, why);
}

void enc_blob(enc *e, const void *p, size_t n) {
    enc_count(e, n, "length past the end");
    rc_buf_append(&e->b, p, n);
}

void enc_str(enc *e, const char *s) { enc_blob(e, s, strlen(s)); }

void enc_header(enc *e, uint32_t issued, uint32_t ttl, uint64_t version, uint64_t last_seq,
                const char *build, uint64_t nslots) {
    enc_need(e, 0, 1, "unknown format");
    enc_need(e, 0, 5, "truncated header");
    rc_buf_putc(&e->b, RC_SNAPSHOT_FORMAT);
    for (int i = 0; i < 4; i++) rc_buf_putc(&e->b, (char)(unsigned char)(issued >> (8 * i)));
    enc_varint(e, ttl);
    enc_varint(e, version);
    enc_varint(e, last_seq);
    enc_str(e, build);
    enc_count(e, nslots, "more slots than data");
}

void enc_kind(enc *e, rc_kind k) { enc_byte(e, (unsigned)k, "truncated value"); }

void enc_int(enc *e, int64_t i) {
    enc_kind(e, RC_INT);
    uint64_t u = (uint64_t)i;
    enc_varint(e, i < 0 ? ~(u << 1) : u << 1); /* zigzag */
}

void enc_float(enc *e, double d) {
    enc_kind(e, RC_FLOAT);
    enc_need(e, e->b.len, 8, "truncated float");
    uint64_t bits;
    memcpy(&bits, &d, 8);
    for (int i = 0; i < 8; i++) rc_buf_putc(&e->b, (char)(unsigned char)(bits >> (8 * i)));
}

void enc_bool(enc *e, bool b) {
    enc_kind(e, RC_BOOL);
    enc_byte(e, b ? 1u : 0u, "bad boolean");
}

void enc_value(enc *e, const rc_value *v) {
    switch (v->kind) {
    case RC_NULL: enc_kind(e, RC_NULL); break;
    case RC_BOOL: enc_bool(e, v->as.b); break;
    case RC_INT: enc_int(e, v->as.i); break;
    case RC_FLOAT: enc_float(e, v->as.f); break;
    case RC_STRING:
    case RC_BYTES:
        enc_kind(e, v->kind);
        enc_blob(e, v->as.str.ptr, v->as.str.len);
        break;
    case RC_ARRAY:
        enc_kind(e, RC_ARRAY);
        enc_count(e, v->as.arr.len, "array longer than the data");
        for (size_t i = 0; i < v->as.arr.len; i++) enc_value(e, &v->as.arr.items[i]);
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
const char *enc_cut_reason(const enc *e, size_t p) {
    for (size_t i = 0; i < e->n; i++) {
        assert_true(p >= e->needs[i].at); /* the model is in decoding order */
        if ((uint64_t)(p - e->needs[i].at) < e->needs[i].need) return e->needs[i].why;
    }
    return NULL;
}

static void count_cb(void *user, const char *address, const rc_value *value) {
    (void)address;
    (void)value;
    (*(uint64_t *)user)++;
}

static void enc_slot_cb(void *user, const char *address, const rc_value *value) {
    enc *e = user;
    enc_str(e, address);
    enc_value(e, value);
}

/* What rc_snapshot_write must produce for a layout. */
void enc_layout(enc *e, const rc_layout *l, const rc_snapshot_meta *m) {
    uint64_t n = 0;
    rc_layout_foreach_slot(l, count_cb, &n);
    enc_need(e, 0, 1, "unknown format");
    enc_need(e, 0, 5, "truncated header");
    rc_buf_putc(&e->b, RC_SNAPSHOT_FORMAT);
    for (int i = 0; i < 4; i++) rc_buf_putc(&e->b, (char)(unsigned char)(m->issued >> (8 * i)));
    enc_varint(e, m->ttl);
    enc_varint(e, m->version);
    enc_varint(e, m->last_seq);
    enc_blob(e, m->build, m->build_len);
    enc_count(e, n, "more slots than data");
    rc_layout_foreach_slot(l, enc_slot_cb, e);
}

/* rc_snapshot_read of a heap copy of exactly len bytes. */
int read_copy(rc_snapshot *snap, const void *data, size_t len, char *err, size_t errlen) {
    unsigned char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len) memcpy(copy, data, len);
    snprintf(err, errlen, "(no reason set)");
    int rc = rc_snapshot_read(snap, copy, len, err, errlen);
    free(copy);
    return rc;
}

void expect_snapshot_refused_at(const char *file, int line, const void *data, size_t len,
                                const char *reason) {
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
