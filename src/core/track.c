/*
 * Read tracking: which component instances read a source (a state slot, a
 * store's value, one item of a keyed store) during their last render, so
 * that a change re-renders exactly them.
 *
 * Why reads and not props: a parent passing its rc_state * down gives the
 * child byte-equal props whatever the value, so the child would be skipped
 * and stay stale. Recording the read instead makes passing handles down (in
 * props, through a context, across layouts) correct, and stores use the
 * same mechanism.
 *
 * The reader is the instance whose render function runs on this thread
 * (a thread-local set by render.c), so reads from handlers, effects and
 * timers subscribe nothing. An instance reading its own slot subscribes
 * nothing either: a change marks the owner dirty anyway. Each render
 * collects its reads afresh: a subscription not read again by a successful
 * render is dropped when the render ends (a failed render keeps them all).
 *
 * A subscription (rc_sub, 48 bytes on 64-bit) is in two lists: the
 * source's readers (doubly linked: a reader leaves in O(1)) and the
 * reader's reads (singly linked: walked at the end of each render and on
 * unmount). A source that goes away first (its owner unmounted, a store
 * freed) only clears sub->src: the reader drops the husk at its next render
 * end or unmount, so neither side ever touches freed memory.
 */
#include "core/internal.h"

struct rc_sub {
    rc_source *src; /* NULL: the source is gone */
    rc_instance *reader;
    rc_sub *prev, *next; /* the source's readers */
    rc_sub *next_read;   /* the reader's reads */
    uint32_t gen;        /* the reader's read_gen when last read */
};

static _Thread_local rc_instance *current_reader;

rc_instance *rc_track_begin(rc_instance *reader) {
    rc_instance *outer = current_reader;
    current_reader = reader;
    if (reader) reader->read_gen++;
    return outer;
}

void rc_track_restore(rc_instance *outer) { current_reader = outer; }

rc_instance *rc_track_reader(void) { return current_reader; }

/* Finds reader's subscription to src walking both lists at once, so the
 * cost is the shorter one: a component reading a few values that ten
 * thousand sessions read, or a list reading many items each read once. */
static rc_sub *find_sub(const rc_source *src, const rc_instance *reader) {
    rc_sub *a = reader->reads, *b = src->subs;
    while (a || b) {
        if (a) {
            if (a->src == src) return a;
            a = a->next_read;
        }
        if (b) {
            if (b->reader == reader) return b;
            b = b->next;
        }
    }
    return NULL;
}

void rc_track_read(rc_source *src, const rc_instance *owner) {
    rc_instance *r = current_reader;
    if (!r || r == owner) return;
    rc_sub *sub = find_sub(src, r);
    if (!sub) {
        sub = rc_xcalloc(1, sizeof *sub);
        sub->src = src;
        sub->reader = r;
        sub->next = src->subs;
        if (src->subs) src->subs->prev = sub;
        src->subs = sub;
        sub->next_read = r->reads;
        r->reads = sub;
    }
    sub->gen = r->read_gen;
}

static void unlink_sub(rc_sub *sub) {
    rc_source *src = sub->src;
    if (!src) return;
    if (sub->prev) sub->prev->next = sub->next;
    else src->subs = sub->next;
    if (sub->next) sub->next->prev = sub->prev;
    sub->src = NULL;
}

void rc_source_notify(rc_source *src) {
    for (rc_sub *sub = src->subs; sub; sub = sub->next) rc_instance_mark_dirty(sub->reader);
}

void rc_source_release(rc_source *src) {
    rc_sub *sub = src->subs;
    while (sub) {
        rc_sub *next = sub->next;
        sub->src = NULL; /* the reader frees it */
        sub->prev = sub->next = NULL;
        sub = next;
    }
    src->subs = NULL;
}

void rc_track_end(rc_instance *reader, bool ok) {
    rc_sub **link = &reader->reads;
    while (*link) {
        rc_sub *sub = *link;
        if (sub->src && (!ok || sub->gen == reader->read_gen)) {
            link = &sub->next_read;
            continue;
        }
        unlink_sub(sub);
        *link = sub->next_read;
        free(sub);
    }
}

void rc_track_forget(rc_instance *reader) {
    rc_sub *sub = reader->reads;
    while (sub) {
        rc_sub *next = sub->next_read;
        unlink_sub(sub);
        free(sub);
        sub = next;
    }
    reader->reads = NULL;
}
