#include "resume/snapshot.h"

#include <stdio.h>
#include <string.h>

#include "core/value_build.h"
#include "util/alloc.h"

/* ---- writing -------------------------------------------------------------- */

static void put_varint(rc_buf *b, uint64_t v) {
    unsigned char tmp[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7f;
        v >>= 7;
        tmp[n++] = (unsigned char)(c | (v ? 0x80 : 0));
    } while (v);
    rc_buf_append(b, tmp, n);
}

static void put_bytes(rc_buf *b, const void *p, size_t len) {
    put_varint(b, len);
    rc_buf_append(b, p, len);
}

static void put_value(rc_buf *b, const rc_value *v) {
    rc_buf_putc(b, (char)v->kind);
    switch (v->kind) {
    case RC_NULL: break;
    case RC_BOOL: rc_buf_putc(b, v->as.b ? 1 : 0); break;
    case RC_INT: {
        uint64_t u = (uint64_t)v->as.i;
        put_varint(b, (u << 1) ^ (uint64_t)(v->as.i >> 63)); /* zigzag */
        break;
    }
    case RC_FLOAT: {
        uint64_t bits;
        memcpy(&bits, &v->as.f, 8);
        unsigned char le[8];
        for (int i = 0; i < 8; i++) le[i] = (unsigned char)(bits >> (8 * i));
        rc_buf_append(b, le, 8);
        break;
    }
    case RC_STRING:
    case RC_BYTES: put_bytes(b, v->as.str.ptr, v->as.str.len); break;
    case RC_ARRAY:
        put_varint(b, v->as.arr.len);
        for (size_t i = 0; i < v->as.arr.len; i++) put_value(b, &v->as.arr.items[i]);
        break;
    case RC_OBJECT:
        put_varint(b, v->as.obj.len);
        for (size_t i = 0; i < v->as.obj.len; i++) {
            put_bytes(b, v->as.obj.items[i].key, strlen(v->as.obj.items[i].key));
            put_value(b, &v->as.obj.items[i].value);
        }
        break;
    case RC_STRUCT: {
        const rc_struct_type *t = v->as.st.type;
        put_bytes(b, t->name, strlen(t->name));
        put_varint(b, t->version);
        put_bytes(b, v->as.st.ptr, t->size);
        break;
    }
    }
}

struct writer {
    rc_buf *b;
    size_t count_at; /* where the slot count goes */
    uint64_t count;
    rc_buf slots;
};

static void write_slot(void *user, const char *address, const rc_value *value) {
    struct writer *w = user;
    put_bytes(&w->slots, address, strlen(address));
    put_value(&w->slots, value);
    w->count++;
}

static void layout_slots(const void *src, rc_slot_fn fn, void *user) {
    rc_layout_foreach_slot(src, fn, user);
}

void rc_snapshot_write(rc_buf *out, const rc_layout *layout, const rc_snapshot_meta *meta) {
    rc_snapshot_write_from(out, meta, layout_slots, layout);
}

void rc_snapshot_write_from(rc_buf *out, const rc_snapshot_meta *meta,
                            void (*foreach)(const void *src, rc_slot_fn fn, void *user),
                            const void *src) {
    rc_buf_putc(out, RC_SNAPSHOT_FORMAT);
    unsigned char le[4];
    for (int i = 0; i < 4; i++) le[i] = (unsigned char)(meta->issued >> (8 * i));
    rc_buf_append(out, le, 4);
    put_varint(out, meta->ttl);
    put_varint(out, meta->version);
    put_varint(out, meta->last_seq);
    put_bytes(out, meta->build, meta->build_len);
    struct writer w = {out, 0, 0, {0}};
    rc_buf_init(&w.slots);
    foreach(src, write_slot, &w);
    put_varint(out, w.count);
    rc_buf_append(out, w.slots.data, w.slots.len);
    rc_buf_free(&w.slots);
}

/* ---- reading -------------------------------------------------------------- */

typedef struct reader {
    const unsigned char *p, *end;
    char *err;
    size_t errlen;
    rc_snapshot *snap;
} reader;

static int bad(reader *r, const char *what) {
    snprintf(r->err, r->errlen, "snapshot: %s", what);
    return -1;
}

static int get_varint(reader *r, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end) return bad(r, "truncated number");
        unsigned char c = *r->p++;
        if (shift == 63 && c > 1) return bad(r, "number overflows 64 bits");
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return bad(r, "number too long");
}

static int get_bytes(reader *r, const unsigned char **p, size_t *len) {
    uint64_t n;
    if (get_varint(r, &n) < 0) return -1;
    if (n > (uint64_t)(r->end - r->p)) return bad(r, "length past the end");
    *p = r->p;
    *len = (size_t)n;
    r->p += n;
    return 0;
}

static int get_value(reader *r, rc_value *v, int depth) {
    if (depth > RC_SNAPSHOT_MAX_DEPTH) return bad(r, "nesting too deep");
    if (r->p >= r->end) return bad(r, "truncated value");
    unsigned kind = *r->p++;
    const unsigned char *p;
    size_t len;
    uint64_t n;
    switch (kind) {
    case RC_NULL: rc_value_set_null(v); return 0;
    case RC_BOOL:
        if (r->p >= r->end || *r->p > 1) return bad(r, "bad boolean");
        rc_value_set_bool(v, *r->p++ == 1);
        return 0;
    case RC_INT:
        if (get_varint(r, &n) < 0) return -1;
        rc_value_set_int(v, (int64_t)(n >> 1) ^ -(int64_t)(n & 1));
        return 0;
    case RC_FLOAT: {
        if (r->end - r->p < 8) return bad(r, "truncated float");
        uint64_t bits = 0;
        for (int i = 0; i < 8; i++) bits |= (uint64_t)r->p[i] << (8 * i);
        r->p += 8;
        double d;
        memcpy(&d, &bits, 8);
        rc_value_set_float(v, d);
        return 0;
    }
    case RC_STRING:
        if (get_bytes(r, &p, &len) < 0) return -1;
        rc_value_set_stringn(v, (const char *)p, len);
        return 0;
    case RC_BYTES:
        if (get_bytes(r, &p, &len) < 0) return -1;
        rc_value_set_bytes(v, p, len);
        return 0;
    case RC_ARRAY:
        if (get_varint(r, &n) < 0) return -1;
        if (n > (uint64_t)(r->end - r->p)) return bad(r, "array longer than the data");
        rc_value_set_array(v);
        for (uint64_t i = 0; i < n; i++)
            if (get_value(r, rc_array_push(v), depth + 1) < 0) return -1;
        return 0;
    case RC_OBJECT:
        if (get_varint(r, &n) < 0) return -1;
        if (n > (uint64_t)(r->end - r->p)) return bad(r, "object longer than the data");
        rc_value_set_object(v);
        /* Members appended without a search and the keys checked once at
         * the end: a lookup per key would make an object of n members cost
         * n² / 2 comparisons (and state can hold what a client sent). */
        for (uint64_t i = 0; i < n; i++) {
            if (get_bytes(r, &p, &len) < 0) return -1;
            if (memchr(p, 0, len)) return bad(r, "NUL in an object key");
            rc_value *m = rc_object_append(v, (const char *)p, len);
            if (get_value(r, m, depth + 1) < 0) return -1;
        }
        if (rc_object_has_duplicate(v)) return bad(r, "duplicate object key");
        return 0;
    case RC_STRUCT: {
        const unsigned char *name;
        size_t name_len;
        uint64_t version;
        if (get_bytes(r, &name, &name_len) < 0 || get_varint(r, &version) < 0 ||
            get_bytes(r, &p, &len) < 0)
            return -1;
        if (memchr(name, 0, name_len) || version > UINT32_MAX) return bad(r, "bad struct header");
        /* The value needs a type that outlives it: the snapshot owns one per
         * struct value (the slot compares name, size and version). */
        rc_snapshot *s = r->snap;
        if (s->nstruct_types == s->struct_types_cap) {
            s->struct_types_cap = s->struct_types_cap ? s->struct_types_cap * 2 : 4;
            s->struct_types =
                rc_xrealloc(s->struct_types, s->struct_types_cap * sizeof(rc_struct_type *));
        }
        rc_struct_type *t = rc_xmalloc(sizeof *t);
        t->name = rc_xstrndup((const char *)name, name_len);
        t->size = len;
        t->version = (uint32_t)version;
        s->struct_types[s->nstruct_types++] = t;
        rc_value_set_struct(v, t, p);
        return 0;
    }
    default: return bad(r, "unknown value kind");
    }
}

int rc_snapshot_read(rc_snapshot *s, const void *data, size_t len, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    rc_map_init(&s->index);
    if (!data) { /* an empty rc_buf has no storage: NULL + 0 is UB */
        data = "";
        len = 0;
    }
    reader r = {data, (const unsigned char *)data + len, err, errlen, s};
    const unsigned char *p;
    size_t n;
    uint64_t v;
    if (len == 0 || r.p[0] != RC_SNAPSHOT_FORMAT) {
        bad(&r, "unknown format");
        goto fail;
    }
    if (len < 5) {
        bad(&r, "truncated header");
        goto fail;
    }
    s->meta.issued =
        (uint32_t)r.p[1] | (uint32_t)r.p[2] << 8 | (uint32_t)r.p[3] << 16 | (uint32_t)r.p[4] << 24;
    r.p += 5;
    if (get_varint(&r, &v) < 0) goto fail;
    if (v > UINT32_MAX) {
        bad(&r, "ttl out of range");
        goto fail;
    }
    s->meta.ttl = (uint32_t)v;
    if (get_varint(&r, &s->meta.version) < 0 || get_varint(&r, &s->meta.last_seq) < 0) goto fail;
    if (get_bytes(&r, &p, &n) < 0) goto fail;
    s->build = rc_xstrndup((const char *)p, n);
    s->meta.build = s->build;
    s->meta.build_len = n;
    if (get_varint(&r, &v) < 0) goto fail;
    if (v > (uint64_t)(r.end - r.p)) {
        bad(&r, "more slots than data");
        goto fail;
    }
    s->addresses = rc_xcalloc((size_t)v + 1, sizeof *s->addresses);
    s->values = rc_xcalloc((size_t)v + 1, sizeof *s->values);
    for (uint64_t i = 0; i < v; i++) {
        if (get_bytes(&r, &p, &n) < 0) goto fail;
        if (memchr(p, 0, n)) {
            bad(&r, "NUL in an address");
            goto fail;
        }
        s->addresses[s->nslots] = rc_xstrndup((const char *)p, n);
        s->nslots++;
        if (get_value(&r, &s->values[s->nslots - 1], 0) < 0) goto fail;
        uint64_t h = rc_hash_bytes(RC_HASH_SEED, p, n);
        if (rc_map_get(&s->index, h)) {
            bad(&r, "duplicate address");
            goto fail;
        }
        rc_map_put(&s->index, h, (void *)(uintptr_t)s->nslots);
    }
    if (r.p != r.end) {
        bad(&r, "trailing bytes");
        goto fail;
    }
    return 0;
fail:
    rc_snapshot_free(s);
    return -1;
}

void rc_snapshot_free(rc_snapshot *s) {
    for (size_t i = 0; i < s->nslots; i++) {
        free(s->addresses[i]);
        rc_value_free(&s->values[i]);
    }
    free(s->addresses);
    free(s->values);
    for (size_t i = 0; i < s->nstruct_types; i++) {
        free((char *)(uintptr_t)s->struct_types[i]->name);
        free(s->struct_types[i]);
    }
    free(s->struct_types);
    free(s->build);
    rc_map_free(&s->index);
    memset(s, 0, sizeof *s);
}

const rc_value *rc_snapshot_get(const rc_snapshot *s, const char *address) {
    uintptr_t i = (uintptr_t)rc_map_get(&s->index, rc_hash_str(RC_HASH_SEED, address));
    if (!i || strcmp(s->addresses[i - 1], address) != 0) return NULL;
    return &s->values[i - 1];
}

const rc_value *rc_snapshot_restore(void *user, const char *address) {
    return rc_snapshot_get(user, address);
}
