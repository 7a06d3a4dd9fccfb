/*
 * Keyed collections (store.h). Items are kept in insertion order (what
 * rc_store_get_key walks) and found by a hash map of their keys' hashes,
 * items whose keys hash alike chained. Each item is a source of its own:
 * its readers re-render when it changes; the store's source is the keys'
 * (added, removed), which also stands for an item not there yet.
 */
#include <string.h>

#include "store/store.h"
#include "util/alloc.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

/* A hash of 0 is the map's empty slot: keep it off. */
static uint64_t key_hash(const char *key) { return rc_hash_str(RC_HASH_SEED, key) | 1; }

rc_store_item *rc_store_find_item(const rc_store *st, const char *key) {
    uint64_t h = key_hash(key);
    for (rc_store_item *it = rc_map_get(&st->index, h); it; it = it->hash_next)
        if (strcmp(it->key, key) == 0) return it;
    return NULL;
}

static void free_item(rc_store_item *it) {
    rc_source_release(&it->src);
    rc_value_free(&it->value);
    free(it->key);
    free(it);
}

void rc_store_free_items(rc_store *st) {
    for (size_t i = 0; i < st->nitems; i++) free_item(st->items[i]);
    free(st->items);
    st->items = NULL;
    st->nitems = st->items_cap = 0;
}

static void add_item(rc_store *st, const char *key, const rc_value *v) {
    rc_store_item *it = rc_xcalloc(1, sizeof *it);
    it->key = rc_xstrdup(key);
    it->hash = key_hash(key);
    it->version = 1;
    rc_value_copy(&it->value, v);
    it->hash_next = rc_map_get(&st->index, it->hash);
    rc_map_put(&st->index, it->hash, it);
    if (st->nitems == st->items_cap) {
        st->items_cap = st->items_cap ? st->items_cap * 2 : 8;
        st->items = rc_xrealloc(st->items, st->items_cap * sizeof *st->items);
    }
    st->items[st->nitems++] = it;
}

static void remove_item(rc_store *st, rc_store_item *it) {
    rc_store_item *head = rc_map_get(&st->index, it->hash);
    if (head == it) {
        if (it->hash_next) rc_map_put(&st->index, it->hash, it->hash_next);
        else rc_map_del(&st->index, it->hash);
    } else {
        while (head->hash_next != it) head = head->hash_next;
        head->hash_next = it->hash_next;
    }
    /* Insertion order is the contract: shift rather than swap. */
    for (size_t i = 0; i < st->nitems; i++) {
        if (st->items[i] != it) continue;
        memmove(&st->items[i], &st->items[i + 1], (st->nitems - i - 1) * sizeof *st->items);
        st->nitems--;
        break;
    }
    free_item(it);
}

void rc_store_apply_item(rc_store *st, const char *key, const rc_value *v) {
    rc_store_item *it = rc_store_find_item(st, key);
    if (!v) {
        if (!it) return;
        rc_source_notify(&it->src); /* its readers now read "none" */
        remove_item(st, it);
    } else if (!it) {
        add_item(st, key, v);
    } else {
        if (rc_value_equal(&it->value, v)) return;
        rc_value_copy(&it->value, v);
        it->version++;
        rc_source_notify(&it->src);
        return;
    }
    st->version++;
    rc_source_notify(&st->src);
}

/* ---- a shared backend's changes -------------------------------------------- */

static uint64_t tomb_of(const rc_store *st, uint64_t h) {
    return st->tombs_ready ? (uint64_t)(uintptr_t)rc_map_get(&st->tombs, h) : 0;
}

/* Bounded: past RC_STORE_TOMBS a set older than a forgotten removal could
 * bring an item back until the next change or full read; in practice the
 * two arrive milliseconds apart (a commit's reply and another process's
 * message on the subscriber connection). */
#define RC_STORE_TOMBS 4096

static void remember_removal(rc_store *st, uint64_t h, uint64_t version) {
    if (!st->tombs_ready) {
        rc_map_init(&st->tombs);
        st->tombs_ready = true;
    }
    if (st->tombs.len >= RC_STORE_TOMBS) rc_map_free(&st->tombs), rc_map_init(&st->tombs);
    if (version > tomb_of(st, h)) rc_map_put(&st->tombs, h, (void *)(uintptr_t)version);
}

void rc_store_clear_tombs(rc_store *st) {
    if (!st->tombs_ready) return;
    rc_map_free(&st->tombs);
    st->tombs_ready = false;
}

/* Keeps the shared insertion order: a new item goes after every item with a
 * lower order (a local item, order 0, stays where it is). */
static void place_by_order(rc_store *st, rc_store_item *it) {
    size_t i = st->nitems - 1;
    while (i > 0 && st->items[i - 1]->order > it->order) {
        st->items[i] = st->items[i - 1];
        i--;
    }
    st->items[i] = it;
}

void rc_store_apply_item_at(rc_store *st, const char *key, const rc_value *v, uint64_t version,
                            uint64_t order, bool force) {
    rc_store_item *it = rc_store_find_item(st, key);
    uint64_t h = key_hash(key);
    if (!force && (it ? version <= it->version : version <= tomb_of(st, h))) return;
    if (!v) {
        remember_removal(st, h, version);
        if (!it) return;
        rc_source_notify(&it->src);
        remove_item(st, it);
    } else if (!it) {
        add_item(st, key, v);
        it = st->items[st->nitems - 1];
        it->version = version;
        it->order = order;
        place_by_order(st, it);
    } else {
        it->version = version;
        it->order = order ? order : it->order;
        if (rc_value_equal(&it->value, v)) return;
        rc_value_copy(&it->value, v);
        rc_source_notify(&it->src);
        return;
    }
    if (version > st->version) st->version = version;
    rc_source_notify(&st->src);
}

void rc_store_sort_items(rc_store *st) {
    bool moved = false;
    /* Insertion sort: stable, and the items are nearly always in order. */
    for (size_t i = 1; i < st->nitems; i++) {
        rc_store_item *it = st->items[i];
        size_t j = i;
        while (j > 0 && st->items[j - 1]->order > it->order) {
            st->items[j] = st->items[j - 1];
            j--;
            moved = true;
        }
        st->items[j] = it;
    }
    if (moved) rc_source_notify(&st->src);
}

/* ---- reading ------------------------------------------------------------ */

static bool is_collection(const rc_store *st, const char *what) {
    if (st->collection) return true;
    rc_log(NULL, RC_LOG_ERROR, "%s: store \"%s\" is not a collection", what, st->name);
    return false;
}

/* The committed item, subscribing a render to it (or, when there is none,
 * to the keys: it re-renders when the item appears). */
static rc_store_item *read_item(const rc_store *st, const char *key) {
    rc_store_item *it = rc_store_find_item(st, key);
    rc_track_read(it ? &it->src : (rc_source *)(uintptr_t)&st->src, NULL);
    return it;
}

const rc_value *rc_store_get_item(const rc_store *st, const char *key) {
    if (!key || !is_collection(st, "rc_store_get_item")) return NULL;
    rc_store_item *it = read_item(st, key);
    const rc_store_write *w = st->nstaged ? rc_store_staged(st, key) : NULL;
    if (w) return w->remove ? NULL : &w->value;
    return it ? &it->value : NULL;
}

uint64_t rc_store_get_item_version(const rc_store *st, const char *key) {
    if (!key || !is_collection(st, "rc_store_get_item_version")) return 0;
    rc_store_item *it = read_item(st, key);
    return it ? it->version : 0;
}

const rc_value *rc_use_store_item(rc_ctx *ctx, const rc_store *st, const char *key) {
    (void)ctx; /* the render on this thread is the reader */
    return rc_store_get_item(st, key);
}

size_t rc_store_count_items(const rc_store *st) {
    rc_track_read((rc_source *)(uintptr_t)&st->src, NULL);
    return st->nitems;
}

const char *rc_store_get_key(const rc_store *st, size_t i) {
    rc_track_read((rc_source *)(uintptr_t)&st->src, NULL);
    return i < st->nitems ? st->items[i]->key : NULL;
}

/* ---- writing ------------------------------------------------------------ */

int rc_store_set_item(rc_store *st, const char *key, const rc_value *v) {
    static const rc_value null_value;
    if (!key || !is_collection(st, "rc_store_set_item")) return -1;
    rc_store_item *it = rc_store_find_item(st, key);
    rc_store_stage(st, key, v ? v : &null_value, false, it ? it->version : 0, RC_WRITE_SET, 0);
    return 0;
}

int rc_store_remove_item(rc_store *st, const char *key) {
    if (!key || !is_collection(st, "rc_store_remove_item")) return -1;
    rc_store_item *it = rc_store_find_item(st, key);
    rc_store_stage(st, key, NULL, true, it ? it->version : 0, RC_WRITE_SET, 0);
    return 0;
}

int rc_store_update_item(rc_store *st, const char *key, rc_update_fn fn, void *arg) {
    if (!key || !is_collection(st, "rc_store_update_item")) return -1;
    rc_store_item *it = rc_store_find_item(st, key);
    const rc_store_write *w = st->nstaged ? rc_store_staged(st, key) : NULL;
    rc_value v = {0};
    if (w && !w->remove) rc_value_copy(&v, &w->value);
    else if (!w && it) rc_value_copy(&v, &it->value);
    fn(&v, arg);
    rc_store_stage(st, key, &v, false, it ? it->version : 0, RC_WRITE_CAS, 0);
    rc_value_free(&v);
    return 0;
}

int rc_store_add_item_int(rc_store *st, const char *key, int64_t delta) {
    if (!key || !is_collection(st, "rc_store_add_item_int")) return -1;
    rc_store_item *it = rc_store_find_item(st, key);
    const rc_store_write *w = st->nstaged ? rc_store_staged(st, key) : NULL;
    const rc_value *cur = w ? (w->remove ? NULL : &w->value) : it ? &it->value : NULL;
    rc_value sum = {.kind = RC_INT};
    sum.as.i = (int64_t)((uint64_t)(cur ? rc_value_get_int(cur, 0) : 0) + (uint64_t)delta);
    rc_store_stage(st, key, &sum, false, it ? it->version : 0, RC_WRITE_ADD, delta);
    return 0;
}
