/*
 * The stores' Lua scripts and encodings (stores_script.h).
 *
 * Why Lua: a batch's compare-and-set checks, its writes, the version
 * bumps, the exactly-once mark and the PUBLISH must be one step that no
 * other client's command can interleave with; Redis runs a script as
 * exactly that. Numbers: Lua 5.1 has doubles only, so an add is exact up
 * to 2^53 (documented at rc_store_add_int); versions stay far below.
 */
#include "redis/stores_script.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "wire/json_writer.h"
#include "wire/message.h"

/* ns(s): a netstring, the change format's unit. */
#define LUA_NS "local function ns(s) s = tostring(s) return #s .. ':' .. s end\n"

/* The replay test (docs/guide/shared-state.md, "Exactly once"): a seq at
 * or below the mark is replayed unless the script refused it (a moved
 * base): that seq is then in the refused set, and its event sent again is
 * a new attempt. A commit never lowers the mark (a refused seq below it
 * may commit later) and takes its seq out of the set. */
rc_redis_script rc_rstore_commit_script = {
    LUA_NS
    "local seq = tonumber(ARGV[1])\n"
    "local m = redis.call('GET', KEYS[1])\n"
    "local again = m and tonumber(m) >= seq and\n"
    "              redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1\n"
    "if m and tonumber(m) >= seq and not again then return {'replayed'} end\n"
    "local n = (#ARGV - 4) / 5\n"
    /* Every compare-and-set first: a conflict writes nothing. */
    "for i = 0, n - 1 do\n"
    "  local a = 5 + i * 5\n"
    "  if ARGV[a + 1] == 'c' then\n"
    "    local cur = redis.call('HGET', KEYS[tonumber(ARGV[a])], ARGV[a + 2])\n"
    "    local ver = cur and tonumber(string.match(cur, '^(%d+)')) or 0\n"
    "    if ver ~= tonumber(ARGV[a + 3]) then\n"
    "      if ARGV[4] == '1' then\n"
    "        redis.call('SADD', KEYS[2], ARGV[1])\n"
    "        redis.call('EXPIRE', KEYS[2], ARGV[2])\n"
    "      end\n"
    "      return {'conflict'}\n"
    "    end\n"
    "  end\n"
    "end\n"
    "local out = {}\n"
    "for i = 0, n - 1 do\n"
    "  local a = 5 + i * 5\n"
    "  local key, mode, field, val = KEYS[tonumber(ARGV[a])], ARGV[a + 1], ARGV[a + 2], ARGV[a + 4]\n"
    "  local ver = redis.call('HINCRBY', key, '#', 1)\n"
    "  local cur = redis.call('HGET', key, field)\n"
    "  local order = ver\n"
    "  if mode == 'r' then\n"
    "    redis.call('HDEL', key, field)\n"
    "    order = 0\n"
    "    val = ''\n"
    "  else\n"
    "    local old = nil\n"
    "    if cur then\n"
    "      local o, v = string.match(cur, '^%d+ (%d+) (.*)$')\n"
    "      order = tonumber(o)\n"
    "      old = v\n"
    "    end\n"
    "    if mode == 'a' then\n"
    "      local base = 0\n"
    "      if old and string.match(old, '^%-?%d+$') then base = tonumber(old) end\n"
    "      val = string.format('%.0f', base + tonumber(val))\n"
    "    end\n"
    "    redis.call('HSET', key, field, ver .. ' ' .. order .. ' ' .. val)\n"
    "  end\n"
    "  out[#out + 1] = ns(key) .. ns(mode == 'r' and 'r' or 's') .. ns(field) .. ns(ver) ..\n"
    "                  ns(order) .. ns(val)\n"
    "end\n"
    "if m and tonumber(m) >= seq then redis.call('EXPIRE', KEYS[1], ARGV[2])\n"
    "else redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end\n"
    /* Out of the set even when above the mark (refused before a later
     * seq raised it): committed now, a later copy is a replay. */
    "if ARGV[4] == '1' then\n"
    "  redis.call('SREM', KEYS[2], ARGV[1])\n"
    "  redis.call('EXPIRE', KEYS[2], ARGV[2])\n"
    "end\n"
    "local msg = table.concat(out)\n"
    "if n > 0 then redis.call('PUBLISH', ARGV[3], msg) end\n"
    "return {'ok', msg}\n",
    ""};

rc_redis_script rc_rstore_read_script = {
    "local res = {}\n"
    "local a = 1\n"
    "for k = 1, #KEYS do\n"
    "  local counter, n = ARGV[a], tonumber(ARGV[a + 1])\n"
    "  a = a + 2\n"
    "  if counter ~= '' and redis.call('EXISTS', KEYS[k]) == 0 then\n"
    "    redis.call('HSET', KEYS[k], '#', counter)\n"
    "    for i = 0, n - 1 do redis.call('HSET', KEYS[k], ARGV[a + 2 * i], ARGV[a + 2 * i + 1]) end\n"
    "  end\n"
    "  a = a + 2 * n\n"
    "  res[#res + 1] = redis.call('HGETALL', KEYS[k])\n"
    "end\n"
    "return res\n",
    ""};

rc_redis_script rc_rstore_inherit_script = {
    "local m = redis.call('GET', KEYS[1])\n"
    "if not m then return 0 end\n"
    "local t = redis.call('GET', KEYS[2])\n"
    "if not t or tonumber(t) < tonumber(m) then redis.call('SET', KEYS[2], m, 'EX', ARGV[1]) end\n"
    /* The seqs refused under from are new attempts under to as well. */
    "if redis.call('EXISTS', KEYS[3]) == 1 then\n"
    "  redis.call('SUNIONSTORE', KEYS[4], KEYS[3], KEYS[4])\n"
    "  redis.call('EXPIRE', KEYS[4], ARGV[1])\n"
    "end\n"
    "return 1\n",
    ""};

void rc_rstore_field(rc_buf *out, const char *key) {
    if (!key) {
        rc_buf_putc(out, 'v');
        return;
    }
    rc_buf_append(out, "i:", 2);
    rc_buf_append(out, key, strlen(key));
}

void rc_rstore_encode(rc_buf *out, const rc_value *v) { rc_jw_value(out, v); }

void rc_rstore_record(rc_buf *out, uint64_t version, uint64_t order, const rc_value *v) {
    char head[48];
    int n = snprintf(head, sizeof head, "%" PRIu64 " %" PRIu64 " ", version, order);
    rc_buf_append(out, head, (size_t)n);
    rc_rstore_encode(out, v);
}

/* A decimal number at *p (advanced) before end, ending at `stop`. */
static int parse_u64(const char **p, const char *end, char stop, uint64_t *out) {
    const char *s = *p;
    uint64_t v = 0;
    if (s >= end || *s < '0' || *s > '9') return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        if (v > (UINT64_MAX - 9) / 10) return -1;
        v = v * 10 + (uint64_t)(*s++ - '0');
    }
    if (s >= end || *s != stop) return -1;
    *p = s + 1;
    *out = v;
    return 0;
}

int rc_rstore_parse_record(const char *rec, size_t len, uint64_t *version, uint64_t *order,
                           const char **json, size_t *json_len) {
    const char *p = rec, *end = rec + len;
    if (parse_u64(&p, end, ' ', version) || parse_u64(&p, end, ' ', order)) return -1;
    *json = p;
    *json_len = (size_t)(end - p);
    return 0;
}

/* A struct store's value: its own type, when the JSON names it with the
 * same version and the bytes are its size. */
static int to_struct(const rc_store *st, const rc_value *obj, rc_value *out, char *err,
                     size_t errlen) {
    const rc_value *name = obj->kind == RC_OBJECT ? rc_object_get(obj, "$struct") : NULL;
    const rc_value *ver = name ? rc_object_get(obj, "v") : NULL;
    const rc_value *b64 = name ? rc_object_get(obj, "b64") : NULL;
    if (!name || !ver || !b64 || b64->kind != RC_STRING || !st->type ||
        strcmp(rc_value_get_string(name, ""), st->type->name) != 0 ||
        rc_value_get_int(ver, -1) != (int64_t)st->type->version)
        return snprintf(err, errlen, "a struct of another type or version"), -1;
    unsigned char *bytes = rc_xmalloc(st->type->size + 1);
    size_t n = 0;
    int rc = sodium_base642bin(bytes, st->type->size + 1, b64->as.str.ptr, b64->as.str.len, NULL,
                               &n, NULL, sodium_base64_VARIANT_ORIGINAL);
    if (rc == 0 && n == st->type->size) rc_value_set_struct(out, st->type, bytes);
    else {
        snprintf(err, errlen, "a struct of another size");
        rc = -1;
    }
    free(bytes);
    return rc ? -1 : 0;
}

int rc_rstore_decode(const rc_store *st, const char *json, size_t len, rc_value *out, char *err,
                     size_t errlen) {
    rc_value v = {0}, arr = {0};
    memset(out, 0, sizeof *out);
    /* The parser takes an array or an object at the top: a scalar goes in
     * an array of one. */
    char *wrapped = rc_xmalloc(len + 2);
    wrapped[0] = '[';
    memcpy(wrapped + 1, json, len);
    wrapped[len + 1] = ']';
    int prc = rc_wire_parse_value(wrapped, len + 2, &arr, err, errlen);
    free(wrapped);
    if (prc < 0) return -1;
    if (arr.kind != RC_ARRAY || rc_array_count(&arr) != 1) {
        rc_value_free(&arr);
        snprintf(err, errlen, "not one value");
        return -1;
    }
    rc_value_copy(&v, rc_array_get(&arr, 0));
    rc_value_free(&arr);
    int rc = 0;
    if (!st->collection && st->kind == RC_STRUCT) {
        rc = to_struct(st, &v, out, err, errlen);
    } else if (!st->collection && st->kind == RC_BYTES && v.kind == RC_STRING) {
        unsigned char *bytes = rc_xmalloc(v.as.str.len + 1);
        size_t n = 0;
        if (sodium_base642bin(bytes, v.as.str.len + 1, v.as.str.ptr, v.as.str.len, NULL, &n, NULL,
                              sodium_base64_VARIANT_ORIGINAL) == 0)
            rc_value_set_bytes(out, bytes, n);
        else {
            snprintf(err, errlen, "bytes that are not base64");
            rc = -1;
        }
        free(bytes);
    } else if (!st->collection && st->kind != RC_NULL && v.kind != st->kind &&
               !(st->kind == RC_FLOAT && v.kind == RC_INT)) {
        snprintf(err, errlen, "a value of another kind");
        rc = -1;
    } else if (!st->collection && st->kind == RC_FLOAT && v.kind == RC_INT) {
        rc_value_set_float(out, (double)v.as.i); /* written by an add */
    } else {
        *out = v;
        return 0;
    }
    rc_value_free(&v);
    return rc ? -1 : 0;
}

/* One netstring at *p (advanced). */
static int netstring(const char **p, const char *end, const char **s, size_t *len) {
    uint64_t n;
    if (parse_u64(p, end, ':', &n) || n > (uint64_t)(end - *p)) return -1;
    *s = *p;
    *len = (size_t)n;
    *p += n;
    return 0;
}

static int netstring_u64(const char **p, const char *end, uint64_t *out) {
    const char *s;
    size_t len;
    if (netstring(p, end, &s, &len) || len == 0 || len > 20) return -1;
    char num[24];
    memcpy(num, s, len);
    num[len] = ':';
    const char *q = num;
    return parse_u64(&q, num + len + 1, ':', out);
}

int rc_rstore_next_change(const char **p, const char *end, rc_rstore_change *c) {
    if (*p >= end) return 0;
    const char *mode;
    size_t mode_len;
    if (netstring(p, end, &c->hash, &c->hash_len) || netstring(p, end, &mode, &mode_len) ||
        mode_len != 1 || (mode[0] != 's' && mode[0] != 'r') ||
        netstring(p, end, &c->field, &c->field_len) || netstring_u64(p, end, &c->version) ||
        netstring_u64(p, end, &c->order) || netstring(p, end, &c->json, &c->json_len))
        return -1;
    c->removed = mode[0] == 'r';
    return 1;
}

static char nonce[33];
static uint64_t batch_number;
static pthread_once_t nonce_once = PTHREAD_ONCE_INIT;

static void make_nonce(void) {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(nonce, sizeof nonce, raw, sizeof raw);
}

const char *rc_rstore_nonce(void) {
    pthread_once(&nonce_once, make_nonce);
    return nonce;
}

uint64_t rc_rstore_next_batch_number(void) { return ++batch_number; }
