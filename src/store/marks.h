/*
 * Exactly-once marks (docs/guide/shared-state.md, "Exactly once"): per
 * session id, the highest event seq whose store batch committed. A
 * replayed event at or below its session's mark skips its store writes.
 *
 * Marks live in domains: one for the stores held in memory (they die with
 * the process, as those stores do) and one per persisted store (written in
 * the same atomic file as its value, persist.c). A batch touching stores of
 * several domains raises the mark in each, and a write is skipped by the
 * mark of its own store's domain: a crash between two files' writes leaves
 * each file's value and mark agreeing.
 *
 * A mark is kept for the token lifetime after its last raise (a token holds
 * every seq at or below the mark once it is sealed after it, and a token
 * lives at most ttl): marks are kept in order of their last raise and the
 * oldest dropped when expired, on every raise. Cost: one entry per session
 * that wrote a store in the last ttl: about 150 bytes on 64-bit with the id
 * and the hash slot (bench/store), 35 bytes in a file.
 */
#ifndef RC_STORE_MARKS_H
#define RC_STORE_MARKS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/hash.h"

typedef struct rc_mark {
    char *session;
    uint64_t hash;
    uint64_t seq;
    int64_t at;   /* unix seconds of the last raise */
    bool unsaved; /* raised in a persisted domain, not in its file yet */
    struct rc_mark *older, *newer, *hash_next;
} rc_mark;

typedef struct rc_marks {
    rc_map index; /* session id hash -> first mark with it */
    rc_mark *oldest, *newest;
    size_t count;
    struct rc_marks *next_domain; /* every live domain, for inherit */
    /* A persisted store's (persist.c): its raises are unsaved until its
     * file is written, and an inherit is told (the file writes it). */
    bool persisted;
    void (*on_inherit)(struct rc_marks *m);
} rc_marks;

/* The domain of the stores held in memory. */
extern rc_marks rc_store_memory_marks;

void rc_marks_init(rc_marks *m);
void rc_marks_free(rc_marks *m);
/* session's mark (0: none). */
uint64_t rc_marks_get(const rc_marks *m, const char *session);
/* Raises session's mark to seq (never lowers it) as of `at`, after
 * dropping the marks expired at `at`. Returns whether it moved. */
bool rc_marks_raise(rc_marks *m, const char *session, uint64_t seq, int64_t at);
/* Drops the marks whose last raise is older than the ttl at `now`. */
void rc_marks_expire(rc_marks *m, int64_t now);
/* Whether session has a mark raised in a persisted domain whose file was
 * not written since: its event is not durable yet, so no token may hold
 * it (the server holds the session's token until the file is written:
 * rc_store_set_saved). */
bool rc_store_marks_unsaved(const char *session);
/* A shared backend (Redis) holding the marks itself: in_flight(session)
 * says whether that session has a batch kept and not decided yet (sent,
 * or waiting for Redis; its event may or may not commit:
 * rc_store_marks_unsaved is true, so no token holds it, and the server
 * defers the session's render and first tree until it is decided), and
 * inherit copies a mark in the backend (a duplicated tab), ordered before
 * that tab's batches. NULLs: none (the in-memory backend). */
void rc_store_set_shared_marks(bool (*in_flight)(const char *session),
                               void (*inherit)(const char *from, const char *to));
/* Whether session has a batch at a shared backend not decided yet (the
 * server holds that session's render until it is, so the ack and the
 * event's own writes go in one message). */
bool rc_store_in_flight(const char *session);
/* The file of a persisted domain was written: its marks are saved. */
void rc_marks_saved(rc_marks *m);
/* Calls fn for every mark, oldest first. */
void rc_marks_foreach(const rc_marks *m, void (*fn)(void *user, const rc_mark *mark), void *user);

/* How long a mark is kept after its last raise: the server sets its token
 * ttl (24 h until then). */
void rc_store_marks_set_ttl(uint32_t seconds);
uint32_t rc_store_marks_ttl(void);
/* A token of session `from` resumed into session `to` (a duplicated tab):
 * `to` starts with `from`'s marks in every domain, so the events both tabs
 * hold are not applied again. */
void rc_store_marks_inherit(const char *from, const char *to);
/* fn(arg) after a persisted store's file was written (the server sends
 * the tokens it held for unsaved marks). NULL: none. */
void rc_store_set_saved(void (*fn)(void *arg), void *arg);
void rc_store_saved(void);
/* Writes every persisted store with changes due, now (persist.c). */
void rc_store_save_now(void);

#endif
