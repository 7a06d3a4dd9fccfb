/*
 * Snapshots: every restorable state slot of a session, by address, in a
 * compact binary form (the plaintext of a state token).
 *
 *   u8      format (1)
 *   u32     issued (unix seconds, little-endian)
 *   varint  ttl (seconds)
 *   varint  token version
 *   varint  last applied event sequence number
 *   varint  build id length, bytes
 *   varint  slot count, then per slot: varint address length, address, value
 *
 *   value:  u8 kind, then  BOOL u8 | INT zigzag varint | FLOAT 8 bytes LE |
 *           STRING/BYTES varint length + bytes | ARRAY varint n + values |
 *           OBJECT varint n + (varint key length, key, value)* |
 *           STRUCT varint name length, name, varint version, varint size, bytes
 *
 * Binary rather than JSON: a 1,000-slot session decodes in tens of
 * microseconds and the counter's token stays far under 200 bytes. Decoding
 * is strict (bounds, depth, counts against remaining bytes): the input has
 * been authenticated, but a bug or an old format must never crash.
 */
#ifndef RC_RESUME_SNAPSHOT_H
#define RC_RESUME_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"
#include "util/buf.h"
#include "util/hash.h"

#define RC_SNAPSHOT_FORMAT        1
#define RC_SNAPSHOT_MAX_DEPTH     64 /* deeper than any event data (32) kept in a slot */
/* The address of the slot naming the signed-in user a session's snapshot
 * belongs to (the server's login; a string). No component's slot has it (a
 * control byte first); a restore ignores it; a snapshot without it belongs
 * to nobody (tokens from before logins, or of an app without one). */
#define RC_SNAPSHOT_USER_SLOT     "\x01user"
/* The session's location, "pathname?search" (a string; docs/resume.md): a
 * resume lands where the session was, whatever URL the hello names. A
 * snapshot without it (tokens from before routing) leaves the hello's. */
#define RC_SNAPSHOT_LOCATION_SLOT "\x01location"

typedef struct rc_snapshot_meta {
    uint32_t issued;
    uint32_t ttl;
    uint64_t version;
    uint64_t last_seq;
    const char *build; /* decode: points into the snapshot */
    size_t build_len;
} rc_snapshot_meta;

/* Writes meta and every restorable slot of the layout into out. */
void rc_snapshot_write(rc_buf *out, const rc_layout *layout, const rc_snapshot_meta *meta);
/* The same format for other slots (a persisted store's file, store/persist.h):
 * foreach(src, fn, user) calls fn for each (address, value) to write. */
void rc_snapshot_write_from(rc_buf *out, const rc_snapshot_meta *meta,
                            void (*foreach)(const void *src, rc_slot_fn fn, void *user),
                            const void *src);

/* A decoded snapshot: slots by address, for rc_layout_opts.restore. */
typedef struct rc_snapshot {
    rc_snapshot_meta meta;
    char *build; /* owned copy */
    size_t nslots;
    char **addresses;
    rc_value *values;
    rc_struct_type **struct_types; /* one per RC_STRUCT value, owned */
    size_t nstruct_types, struct_types_cap;
    rc_map index; /* address hash -> slot number + 1 */
} rc_snapshot;

/* Calls fn with the layout's location as RC_SNAPSHOT_LOCATION_SLOT
 * (location.c), for a foreach of rc_snapshot_write_from. */
void rc_snapshot_put_location(const rc_layout *layout, rc_slot_fn fn, void *user);
/* The location a snapshot holds, into pathname and search (buffers of
 * RC_LOCATION_MAX_PATHNAME + 1 and RC_LOCATION_MAX_SEARCH + 1 bytes, core/host.h).
 * False (buffers untouched) when it holds none or one that fails the
 * checks of a browser's location: the caller keeps the hello's. */
bool rc_snapshot_get_location(const rc_snapshot *snap, char *pathname, char *search);

/* Decodes; returns 0, or -1 with a reason in err (snap is then empty). */
int rc_snapshot_read(rc_snapshot *snap, const void *data, size_t len, char *err, size_t errlen);
void rc_snapshot_free(rc_snapshot *snap);
/* The value at an address, or NULL. */
const rc_value *rc_snapshot_get(const rc_snapshot *snap, const char *address);
/* rc_layout_opts.restore adapter: user is the rc_snapshot. */
const rc_value *rc_snapshot_restore(void *user, const char *address);

#endif
