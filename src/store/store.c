/*
 * The store registry and value stores (store.h). Names are unique among
 * live stores: the name is what a shared backend will key the value by, so
 * two stores of one name would silently share it there and not here.
 */
#include <string.h>

#include "store/backend.h"
#include "util/alloc.h"

void rc_log(rc_layout *l, rc_log_level level, const char *fmt, ...) RC_PRINTF(3, 4);

static rc_store *registry;

static rc_store *find_store(const char *name) {
    for (rc_store *st = registry; st; st = st->next)
        if (strcmp(st->name, name) == 0) return st;
    return NULL;
}

static rc_store *create(const char *name, bool collection) {
    if (!name || !*name) {
        rc_log(NULL, RC_LOG_ERROR, "rc_store_new: a store needs a name");
        return NULL;
    }
    if (find_store(name)) {
        rc_log(NULL, RC_LOG_ERROR, "rc_store_new: a store named \"%s\" exists", name);
        return NULL;
    }
    rc_store *st = rc_xcalloc(1, sizeof *st);
    st->name = rc_xstrdup(name);
    st->collection = collection;
    st->version = 1;
    rc_map_init(&st->index);
    st->next = registry;
    if (registry) registry->prev = st;
    registry = st;
    rc_store_batch_init();
    return st;
}

static void attach(rc_store *st) {
    rc_store_backend *b = rc_store_get_backend();
    if (b->attach) b->attach(b, st);
}

rc_store *rc_store_new(const char *name, const rc_value *initial) {
    rc_store *st = create(name, false);
    if (!st) return NULL;
    if (initial) {
        rc_value_copy(&st->value, initial);
        st->kind = initial->kind;
        if (initial->kind == RC_STRUCT) st->type = initial->as.st.type;
    }
    attach(st);
    return st;
}

rc_store *rc_store_new_struct(const char *name, const rc_struct_type *type, const void *initial) {
    rc_store *st = create(name, false);
    if (!st) return NULL;
    rc_value_set_struct(&st->value, type, initial);
    st->kind = RC_STRUCT;
    st->type = type;
    attach(st);
    return st;
}

rc_store *rc_store_new_collection(const char *name) {
    rc_store *st = create(name, true);
    if (st) attach(st);
    return st;
}

void rc_store_free(rc_store *st) {
    if (!st) return;
    rc_store_backend *b = rc_store_get_backend();
    if (b->detach) b->detach(b, st);
    rc_store_unstage(st);
    rc_store_pub_forget(st);
    if (st->prev) st->prev->next = st->next;
    else registry = st->next;
    if (st->next) st->next->prev = st->prev;
    rc_source_release(&st->src);
    rc_store_free_items(st);
    rc_map_free(&st->index);
    rc_store_clear_tombs(st);
    rc_value_free(&st->value);
    free(st->name);
    free(st);
}

const char *rc_store_get_name(const rc_store *st) { return st->name; }

/* ---- processes (workers.c refuses --workers N > 1 with a shared store) -- */

void rc_store_set_local(rc_store *st, bool local) { st->local = local; }

rc_store *rc_store_first(void) { return registry; }

const char *rc_store_find_shared(void) {
    /* A persisted store counts even when declared local: one file takes one
     * writer, and workers would overwrite each other's PATH.tmp. */
    for (const rc_store *st = registry; st; st = st->next)
        if (!st->local || st->file) return st->name;
    return NULL;
}

/* ---- reading ------------------------------------------------------------ */

/* What a value store reads now: the open batch's write (the callback reads
 * its own writes), else the committed value; a render's read subscribes. */
static const rc_value *current(const rc_store *st) {
    static const rc_value null_value;
    rc_track_read((rc_source *)(uintptr_t)&st->src, NULL);
    if (st->collection) return &null_value;
    const rc_store_write *w = st->nstaged ? rc_store_staged(st, NULL) : NULL;
    return w ? &w->value : &st->value;
}

const rc_value *rc_store_get_value(const rc_store *st) { return current(st); }
int64_t rc_store_get_int(const rc_store *st) { return rc_value_get_int(current(st), 0); }
double rc_store_get_float(const rc_store *st) { return rc_value_get_float(current(st), 0.0); }
bool rc_store_get_bool(const rc_store *st) { return rc_value_get_bool(current(st), false); }
const char *rc_store_get_string(const rc_store *st) { return rc_value_get_string(current(st), ""); }
const void *rc_store_get_struct(const rc_store *st) {
    const rc_value *v = current(st);
    return v->kind == RC_STRUCT ? v->as.st.ptr : NULL;
}
uint64_t rc_store_get_version(const rc_store *st) {
    rc_track_read((rc_source *)(uintptr_t)&st->src, NULL);
    return st->version;
}

const rc_value *rc_use_store(rc_ctx *ctx, const rc_store *st) {
    (void)ctx; /* the render on this thread is the reader */
    return current(st);
}

/* ---- writing ------------------------------------------------------------ */

static bool same_type(const rc_struct_type *a, const rc_struct_type *b) {
    return a == b || (a && b && a->size == b->size && a->version == b->version &&
                      strcmp(a->name, b->name) == 0);
}

bool rc_store_accepts(const rc_store *st, const rc_value *v) {
    if (st->collection) {
        rc_log(NULL, RC_LOG_ERROR, "store \"%s\" is a collection: set its items", st->name);
        return false;
    }
    if (st->kind == RC_NULL) return true;
    if (v->kind != st->kind || (v->kind == RC_STRUCT && !same_type(v->as.st.type, st->type))) {
        rc_log(NULL, RC_LOG_ERROR, "store \"%s\": a value of another kind or type was refused",
               st->name);
        return false;
    }
    return true;
}

void rc_store_apply_value(rc_store *st, const rc_value *v) {
    if (rc_value_equal(&st->value, v)) return;
    rc_value_copy(&st->value, v);
    st->version++;
    rc_source_notify(&st->src);
}

void rc_store_apply_value_at(rc_store *st, const rc_value *v, uint64_t version, bool force) {
    if (!force && version <= st->version) return; /* ours, or older than ours */
    st->version = version;
    if (rc_value_equal(&st->value, v)) return;
    rc_value_copy(&st->value, v);
    rc_source_notify(&st->src);
}

int rc_store_set_value(rc_store *st, const rc_value *v) {
    static const rc_value null_value;
    if (!v) v = &null_value;
    if (!rc_store_accepts(st, v)) return -1;
    rc_store_stage(st, NULL, v, false, st->version, RC_WRITE_SET, 0);
    return 0;
}

int rc_store_set_int(rc_store *st, int64_t v) {
    rc_value nv = {.kind = RC_INT, .as.i = v};
    return rc_store_set_value(st, &nv);
}

int rc_store_set_float(rc_store *st, double v) {
    rc_value nv = {.kind = RC_FLOAT, .as.f = v};
    return rc_store_set_value(st, &nv);
}

int rc_store_set_bool(rc_store *st, bool v) {
    rc_value nv = {.kind = RC_BOOL, .as.b = v};
    return rc_store_set_value(st, &nv);
}

int rc_store_set_string(rc_store *st, const char *v) {
    if (!v) v = "";
    /* Borrowed: staging copies it. */
    rc_value nv = {.kind = RC_STRING};
    nv.as.str.ptr = (char *)(uintptr_t)v;
    nv.as.str.len = strlen(v);
    return rc_store_set_value(st, &nv);
}

int rc_store_set_struct(rc_store *st, const void *v) {
    if (st->kind != RC_STRUCT) {
        rc_log(NULL, RC_LOG_ERROR, "store \"%s\" does not hold a struct", st->name);
        return -1;
    }
    rc_value nv = {.kind = RC_STRUCT};
    nv.as.st.type = st->type;
    nv.as.st.ptr = (void *)(uintptr_t)v;
    return rc_store_set_value(st, &nv);
}

int rc_store_update(rc_store *st, rc_update_fn fn, void *arg) {
    if (st->collection) return rc_store_accepts(st, &st->value) ? 0 : -1;
    const rc_store_write *w = st->nstaged ? rc_store_staged(st, NULL) : NULL;
    rc_value v = {0};
    rc_value_copy(&v, w ? &w->value : &st->value);
    fn(&v, arg);
    int rc = rc_store_accepts(st, &v) ? 0 : -1;
    if (rc == 0) rc_store_stage(st, NULL, &v, false, st->version, RC_WRITE_CAS, 0);
    rc_value_free(&v);
    return rc;
}

/* What an add adds to: the batch's own write, else the committed value;
 * anything not an integer counts as 0. */
int rc_store_add_int(rc_store *st, int64_t delta) {
    if (st->collection || (st->kind != RC_NULL && st->kind != RC_INT)) {
        rc_log(NULL, RC_LOG_ERROR, "rc_store_add_int: store \"%s\" does not hold an int", st->name);
        return -1;
    }
    const rc_store_write *w = st->nstaged ? rc_store_staged(st, NULL) : NULL;
    rc_value sum = {.kind = RC_INT};
    sum.as.i =
        (int64_t)((uint64_t)rc_value_get_int(w ? &w->value : &st->value, 0) + (uint64_t)delta);
    rc_store_stage(st, NULL, &sum, false, st->version, RC_WRITE_ADD, delta);
    return 0;
}
