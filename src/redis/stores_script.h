/*
 * Stores in Redis: the keys, the Lua scripts and the encodings the
 * backend (stores.c, stores_sync.c) sends and parses. Nothing here talks
 * to Redis; it is pure so the unit tests can check it.
 *
 * Keys (all under the app's prefix "reactc:<app_id>:"):
 *
 *   s:<store name>   a hash per store: "#" the store's version counter
 *                    (every write takes the next one, removals too, so
 *                    versions never go backwards), "v" a value store's
 *                    value, "i:<key>" a collection's item; each value
 *                    field is "<version> <order> <json>" (order: the
 *                    item's insertion order, the version it was added at)
 *   mark:<session>   the exactly-once mark: the last event seq of that
 *                    session whose batch committed; EXPIRE = token ttl
 *   refused:<session> a set: the seqs at or below the mark whose batch
 *                    the commit script refused (a moved base); such an
 *                    event sent again is a new attempt, not a replay;
 *                    EXPIRE = token ttl, as the mark
 *   once:<nonce>     the same for the batches of one process that are not
 *                    an event's (timers, posts, threads): a per-process
 *                    random nonce and a batch counter; EXPIRE 1 h (their
 *                    refusals are not recorded: nothing sends them again)
 *   changes          the pub/sub channel every committed batch publishes on
 *
 * Values are the JSON the wire layer writes for an rc_value
 * (json_writer.h: a struct as {"$struct", "v", "b64"}, bytes as base64),
 * read back with the store's kind and struct type.
 *
 * A change (the commit script's reply and its published message) is a
 * sequence of netstrings "<len>:<bytes>", six per write: the store's hash
 * key, "s" (set) or "r" (removed), the field, the version, the order, the
 * JSON value ("" for a removal). Binary-safe, and built by Lua with
 * string concatenation only.
 */
#ifndef RC_REDIS_STORES_SCRIPT_H
#define RC_REDIS_STORES_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redis/conn.h"
#include "store/store.h"
#include "util/buf.h"

/* The commit: KEYS mark key, refused-set key, then the stores' hashes;
 * ARGV seq, mark ttl, channel, "1" to record a refusal (an event's batch)
 * or "0", then five per write (key index, mode s|r|c|a, field, base
 * version, JSON value or add delta). Replies {"replayed"}, {"conflict"}
 * (a compare-and-set's base moved: nothing written), or {"ok", change}. */
extern rc_redis_script rc_rstore_commit_script;
/* The full read: KEYS the stores' hashes; ARGV per store: the counter to
 * seed with ("" : never seed), n, then n (field, record) pairs written only
 * if the hash does not exist. Replies one HGETALL array per store. */
extern rc_redis_script rc_rstore_read_script;

/* A duplicated tab's marks: KEYS mark:<from>, mark:<to>, refused:<from>,
 * refused:<to>; ARGV the ttl. Raises to's mark to from's (never lowers
 * it) and adds from's refused seqs to to's. */
extern rc_redis_script rc_rstore_inherit_script;

/* The field of a value store's value or an item's. */
void rc_rstore_field(rc_buf *out, const char *key);
/* A field's record: "<version> <order> <json>". */
void rc_rstore_record(rc_buf *out, uint64_t version, uint64_t order, const rc_value *v);
/* Parses a record; 0, or -1 if malformed. json points into rec. */
int rc_rstore_parse_record(const char *rec, size_t len, uint64_t *version, uint64_t *order,
                           const char **json, size_t *json_len);

/* The JSON of v (json_writer.h). */
void rc_rstore_encode(rc_buf *out, const rc_value *v);
/* Reads JSON written by rc_rstore_encode into out as the store holds it:
 * a struct store's {"$struct", ...} becomes its struct (same name, version
 * and size, else refused), a bytes store's base64 string its bytes. 0, or
 * -1 (out is RC_NULL) with a reason in err. */
int rc_rstore_decode(const rc_store *st, const char *json, size_t len, rc_value *out, char *err,
                     size_t errlen);

/* One write of a change. Pointers into the change's bytes. */
typedef struct rc_rstore_change {
    const char *hash; /* the store's hash key */
    size_t hash_len;
    bool removed;
    const char *field;
    size_t field_len;
    uint64_t version, order;
    const char *json;
    size_t json_len;
} rc_rstore_change;

/* Reads the next write of a change at *p (advanced) before end: 1 read,
 * 0 at the end, -1 malformed. */
int rc_rstore_next_change(const char **p, const char *end, rc_rstore_change *c);

/* The idempotency identity of a batch that is not an event's: this
 * process's random nonce (hex, fixed at the first call) and the next
 * number of its counter (from 1). Keyed under the prefix as once:<nonce>. */
const char *rc_rstore_nonce(void);
uint64_t rc_rstore_next_batch_number(void);

#endif
