/*
 * Persisted stores (persist.h): restored when persisting starts, written
 * after committed changes, debounced, replaced atomically.
 *
 * A write: the whole store and its marks, to PATH.tmp, fsync, rename over
 * PATH, fsync of the directory (so the rename itself survives a power
 * cut). A reader after a crash finds the old file or the new one, never a
 * mix, and the value and the marks in one file always agree: a replayed
 * event is skipped exactly when its write is in the file.
 *
 * Debounce: the first change arms a one-shot timer of
 * RC_STORE_FILE_DEBOUNCE_MS on the loop (rc_store_set_timers); changes
 * until it fires join that write. A device's flash sees at most one write
 * a second per store, and a burst of toggles one. Without a timer host (a
 * test, a program with no loop) every change writes at once.
 */
#include "store/persist.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "resume/snapshot.h"
#include "util/alloc.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

#define MAGIC      "RCSTORE\n"
#define MAGIC_LEN  8
#define HASH_LEN   32
#define HEADER_LEN (MAGIC_LEN + 1 + HASH_LEN)
/* Larger is not a settings file: refused before it is read into memory. */
#define FILE_MAX   (64u << 20)

static rc_store_file *files;
static const rc_timer_host *timers;

rc_marks *rc_store_marks_of(const rc_store *st) {
    return st->file ? &st->file->marks : &rc_store_memory_marks;
}

/* ---- writing -------------------------------------------------------------- */

static void put_mark(void *user, const rc_mark *k) {
    void **a = user;
    rc_slot_fn fn = (rc_slot_fn)(uintptr_t)a[0];
    char *addr = rc_xmalloc(strlen(k->session) + 3);
    sprintf(addr, "m:%s", k->session);
    rc_value v = {0};
    rc_value_set_array(&v);
    rc_value_set_int(rc_array_push(&v), (int64_t)k->seq);
    rc_value_set_int(rc_array_push(&v), k->at);
    fn(a[1], addr, &v);
    rc_value_free(&v);
    free(addr);
}

static void each_slot(const void *src, rc_slot_fn fn, void *user) {
    const rc_store_file *f = src;
    const rc_store *st = f->store;
    if (!st->collection) fn(user, "v", &st->value);
    for (size_t i = 0; st->collection && i < st->nitems; i++) {
        const rc_store_item *it = st->items[i];
        char *addr = rc_xmalloc(strlen(it->key) + 3);
        sprintf(addr, "i:%s", it->key);
        fn(user, addr, &it->value);
        free(addr);
    }
    void *a[2] = {(void *)(uintptr_t)fn, user};
    rc_marks_foreach(&f->marks, put_mark, a);
}

static int write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync of the directory holding path: the rename is durable after it. */
static int sync_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    char *dir =
        slash ? rc_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : rc_xstrdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int write_file(rc_store_file *f) {
    int64_t now = (int64_t)time(NULL);
    rc_marks_expire(&f->marks, now);
    rc_buf body;
    rc_buf_init(&body);
    rc_snapshot_meta meta = {(uint32_t)now,  rc_store_marks_ttl(),  f->store->version, 0,
                             f->store->name, strlen(f->store->name)};
    rc_snapshot_write_from(&body, &meta, each_slot, f);
    unsigned char head[HEADER_LEN];
    memcpy(head, MAGIC, MAGIC_LEN);
    head[MAGIC_LEN] = RC_STORE_FILE_FORMAT;
    crypto_generichash(head + MAGIC_LEN + 1, HASH_LEN, (const unsigned char *)body.data, body.len,
                       NULL, 0);
    char *tmp = rc_xmalloc(strlen(f->path) + 5);
    sprintf(tmp, "%s.tmp", f->path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : 0;
    if (!rc) rc = write_all(fd, head, sizeof head);
    if (!rc && body.len) rc = write_all(fd, body.data, body.len);
    if (!rc) rc = fsync(fd);
    if (fd >= 0 && close(fd) != 0) rc = -1;
    if (!rc) rc = rename(tmp, f->path);
    if (!rc) rc = sync_dir(f->path);
    if (rc) {
        rc_log(NULL, RC_LOG_ERROR, "store \"%s\": writing %s failed: %s", f->store->name, f->path,
               strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    rc_buf_free(&body);
    return rc;
}

static void due(void *arg);

static void arm(rc_store_file *f) {
    f->timer = timers->start(timers->host, RC_STORE_FILE_DEBOUNCE_MS, false, due, f);
}

/* After a write its marks are saved: the server may send the tokens that
 * hold their events. A failed write stays due and is tried again a
 * debounce window later (a full disk, a read-only remount). */
static int flush(rc_store_file *f) {
    if (!f->dirty) return 0;
    f->dirty = false;
    if (f->timer) timers->stop(timers->host, f->timer);
    f->timer = NULL;
    if (write_file(f) == 0) {
        rc_marks_saved(&f->marks);
        rc_store_saved();
        return 0;
    }
    f->dirty = true;
    if (timers) arm(f);
    return -1;
}

static void due(void *arg) {
    rc_store_file *f = arg;
    f->timer = NULL; /* a fired one-shot is gone */
    flush(f);
}

void rc_store_file_changed(rc_store *st) {
    rc_store_file *f = st->file;
    if (!timers) { /* no loop to wait on: now (again, after a failure) */
        f->dirty = true;
        flush(f);
        return;
    }
    if (f->dirty) return; /* joins the write already due */
    f->dirty = true;
    arm(f);
}

static void on_inherit(rc_marks *m) {
    rc_store_file *f = (rc_store_file *)(void *)((char *)m - offsetof(rc_store_file, marks));
    rc_store_file_changed(f->store);
}

int rc_store_sync(void) {
    int rc = 0;
    for (rc_store_file *f = files; f; f = f->next)
        if (flush(f) < 0) rc = -1;
    return rc;
}

/* A token must be sealed now (a first tree): files written. (A shared
 * backend's batches are not waited for here: the server defers a first
 * tree until its session has none undecided, session_render.c.) */
void rc_store_save_now(void) { rc_store_sync(); }

void rc_store_set_timers(const rc_timer_host *host) {
    /* Writes armed on the old host go out now rather than never; one that
     * fails waits on the new host (or for the next change). */
    if (timers) rc_store_sync();
    for (rc_store_file *f = files; f; f = f->next)
        if (f->timer) {
            timers->stop(timers->host, f->timer);
            f->timer = NULL;
        }
    timers = host;
    for (rc_store_file *f = files; f && timers; f = f->next)
        if (f->dirty) arm(f);
}

void rc_store_file_close(rc_store *st) {
    rc_store_file *f = st->file;
    if (!f) return;
    if (flush(f) < 0 && f->timer) timers->stop(timers->host, f->timer); /* logged; given up */
    for (rc_store_file **pp = &files; *pp; pp = &(*pp)->next)
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    rc_marks_free(&f->marks);
    free(f->path);
    free(f);
    st->file = NULL;
}

/* ---- restoring ------------------------------------------------------------ */

/* Checks one slot of the file against the store; 0, or -1 with a reason. */
static int check_slot(const rc_store *st, const char *addr, const rc_value *v, char *err,
                      size_t errlen) {
    if (strcmp(addr, "v") == 0) {
        if (st->collection) return snprintf(err, errlen, "a value in a collection's file"), -1;
        if (st->kind != RC_NULL && v->kind != st->kind)
            return snprintf(err, errlen, "a value of another kind"), -1;
        if (v->kind == RC_STRUCT &&
            (!st->type || strcmp(v->as.st.type->name, st->type->name) != 0 ||
             v->as.st.type->size != st->type->size || v->as.st.type->version != st->type->version))
            return snprintf(err, errlen, "a struct of another type, size or version"), -1;
        return 0;
    }
    if (strncmp(addr, "i:", 2) == 0) {
        if (!st->collection) return snprintf(err, errlen, "an item in a value store's file"), -1;
        /* An item's struct type is not the store's to name: not restored. */
        if (v->kind == RC_STRUCT) return snprintf(err, errlen, "a struct item"), -1;
        return 0;
    }
    if (strncmp(addr, "m:", 2) == 0) {
        const rc_value *seq =
            v->kind == RC_ARRAY && v->as.arr.len == 2 ? &v->as.arr.items[0] : NULL;
        if (!seq || seq->kind != RC_INT || seq->as.i <= 0 || v->as.arr.items[1].kind != RC_INT)
            return snprintf(err, errlen, "a malformed mark"), -1;
        return 0;
    }
    return snprintf(err, errlen, "an unknown entry"), -1;
}

static void apply_slot(rc_store_file *f, const char *addr, const rc_value *v) {
    rc_store *st = f->store;
    if (addr[0] == 'v') {
        rc_value own = {0};
        /* The snapshot's struct type dies with it: the store's own. */
        if (v->kind == RC_STRUCT) rc_value_set_struct(&own, st->type, v->as.st.ptr);
        else rc_value_copy(&own, v);
        rc_store_apply_value(st, &own);
        rc_value_free(&own);
    } else if (addr[0] == 'i') {
        rc_store_apply_item(st, addr + 2, v);
    } else {
        /* Kept as written: the next raise or write expires them by the ttl
         * then in force (the server sets it after stores are restored). */
        rc_marks_raise(&f->marks, addr + 2, (uint64_t)v->as.arr.items[0].as.i,
                       v->as.arr.items[1].as.i);
    }
}

/* Decodes and checks the whole file before applying any of it: a bad file
 * changes nothing. 0, or -1 with a reason. */
static int restore(rc_store_file *f, const unsigned char *data, size_t len, char *err,
                   size_t errlen) {
    if (len < HEADER_LEN || memcmp(data, MAGIC, MAGIC_LEN) != 0)
        return snprintf(err, errlen, "not a reactc store file"), -1;
    if (data[MAGIC_LEN] != RC_STORE_FILE_FORMAT)
        return snprintf(err, errlen, "unknown format %u", data[MAGIC_LEN]), -1;
    unsigned char hash[HASH_LEN];
    crypto_generichash(hash, HASH_LEN, data + HEADER_LEN, len - HEADER_LEN, NULL, 0);
    if (sodium_memcmp(hash, data + MAGIC_LEN + 1, HASH_LEN) != 0)
        return snprintf(err, errlen, "checksum mismatch (torn or damaged)"), -1;
    rc_snapshot snap;
    if (rc_snapshot_read(&snap, data + HEADER_LEN, len - HEADER_LEN, err, errlen) < 0) return -1;
    int rc = 0;
    if (strcmp(snap.build, f->store->name) != 0) {
        snprintf(err, errlen, "the file of store \"%.60s\"", snap.build);
        rc = -1;
    }
    for (size_t i = 0; !rc && i < snap.nslots; i++)
        rc = check_slot(f->store, snap.addresses[i], &snap.values[i], err, errlen);
    for (size_t i = 0; !rc && i < snap.nslots; i++)
        apply_slot(f, snap.addresses[i], &snap.values[i]);
    rc_snapshot_free(&snap);
    return rc;
}

/* Reads the file if there is one. A file that cannot be used is reported
 * and renamed aside (kept for whoever wants to look; the next write makes
 * a new one). */
static void load(rc_store_file *f) {
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            rc_log(NULL, RC_LOG_ERROR, "store \"%s\": cannot read %s: %s", f->store->name, f->path,
                   strerror(errno));
        return;
    }
    struct stat sb;
    unsigned char *data = NULL;
    size_t len = 0;
    char err[160] = "";
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > FILE_MAX) {
        snprintf(err, sizeof err, "not a regular file of at most %u bytes", FILE_MAX);
    } else {
        len = (size_t)sb.st_size;
        data = rc_xmalloc(len + 1);
        size_t got = 0;
        while (got < len) {
            ssize_t n = read(fd, data + got, len - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += (size_t)n;
        }
        if (got != len) snprintf(err, sizeof err, "short read");
        else if (restore(f, data, len, err, sizeof err) == 0) err[0] = '\0';
    }
    close(fd);
    free(data);
    if (!err[0]) return;
    char *aside = rc_xmalloc(strlen(f->path) + 9);
    sprintf(aside, "%s.corrupt", f->path);
    bool moved = rename(f->path, aside) == 0;
    rc_log(NULL, RC_LOG_ERROR, "store \"%s\": %s ignored: %s%s%s", f->store->name, f->path, err,
           moved ? "; kept as " : "", moved ? aside : "");
    free(aside);
}

int rc_store_persist(rc_store *st, const char *path) {
    if (!st || !path || !*path) {
        rc_log(NULL, RC_LOG_ERROR, "rc_store_persist: a store and a path are needed");
        return -1;
    }
    if (st->file) {
        rc_log(NULL, RC_LOG_ERROR, "store \"%s\" is persisted already", st->name);
        return -1;
    }
    for (const rc_store_file *o = files; o; o = o->next)
        if (strcmp(o->path, path) == 0) {
            rc_log(NULL, RC_LOG_ERROR, "store \"%s\": %s is store \"%s\"'s file", st->name, path,
                   o->store->name);
            return -1;
        }
    rc_store_file *f = rc_xcalloc(1, sizeof *f);
    f->path = rc_xstrdup(path);
    f->store = st;
    rc_marks_init(&f->marks);
    f->marks.persisted = true;
    f->marks.on_inherit = on_inherit;
    f->next = files;
    files = f;
    st->file = f;
    load(f);
    return 0;
}
