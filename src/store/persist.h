/*
 * Persisted stores (rc_store_persist, reactc.h): a store's value or items
 * and its exactly-once marks, in one file, replaced atomically.
 *
 * File format 1 (little-endian):
 *
 *   8 bytes   magic "RCSTORE\n"
 *   u8        format (1)
 *   32 bytes  BLAKE2b-256 of the body
 *   body      a snapshot (resume/snapshot.h) whose build id is the store's
 *             name and whose slots are:
 *               "v"          a value store's value
 *               "i:" key     a collection's items, in insertion order
 *               "m:" session a mark: [seq, unix seconds of its last raise]
 *
 * The snapshot's decoder is strict (bounds, counts, depth) and the hash
 * catches a torn or flipped file; either way the file is reported, renamed
 * to PATH.corrupt and ignored: the store keeps its initial value.
 */
#ifndef RC_STORE_PERSIST_H
#define RC_STORE_PERSIST_H

#include "store/marks.h"
#include "store/store.h"

#define RC_STORE_FILE_FORMAT      1
/* Changes within this window share one write (see rc_store_persist). */
#define RC_STORE_FILE_DEBOUNCE_MS 1000

typedef struct rc_store_file {
    char *path;
    rc_store *store;
    rc_marks marks;
    bool dirty;
    void *timer; /* the armed debounce timer, or NULL */
    struct rc_store_file *next;
} rc_store_file;

/* The marks of st's domain: its file's, or the memory domain's. */
rc_marks *rc_store_marks_of(const rc_store *st);
/* A committed batch changed st (persisted): a write is due. */
void rc_store_file_changed(rc_store *st);
/* st is being freed: writes it if due, frees its file. */
void rc_store_file_close(rc_store *st);

#endif
