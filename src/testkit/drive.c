/*
 * Driving the layout as the server does: an event is dispatched by its
 * handler id and the layout flushed and committed until nothing is dirty
 * (effects that set state render in the same turn, as on the server's
 * loop). Failures are reported in words naming what the test asked for:
 * a test sees "no onClick on button#add" rather than a NULL deep inside.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "testkit/testkit.h"
#include "util/alloc.h"

/* Renders that keep making each other dirty (an effect setting state on
 * every commit) would never settle: the kit reports a loop after this
 * many rounds, where the server would keep rendering. */
#define MAX_ROUNDS 100

void rc_test_report(rc_test *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->error, sizeof t->error, fmt, ap);
    va_end(ap);
    fprintf(stderr, "rc_test: %s\n", t->error);
}

void rc_test_flush(rc_test *t) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
        rc_layout_flush(t->layout);
        rc_layout_commit(t->layout);
        /* The browser is told of a server-side navigation with the patch;
         * the kit reads the location from the layout, so it only clears it. */
        (void)rc_layout_take_navigation(t->layout);
        if (!rc_layout_is_dirty(t->layout)) return;
    }
    rc_test_report(t, "still dirty after %d renders: an effect sets state on every commit?",
                   MAX_ROUNDS);
}

void rc_test_describe(const rc_node *n, char *out, size_t cap) {
    if (!n) {
        snprintf(out, cap, "(null node)");
        return;
    }
    if (rc_node_get_kind(n) != RC_NODE_ELEMENT) {
        snprintf(out, cap, "(not an element)");
        return;
    }
    const char *id = rc_sel_attr(n, "id"), *cls = rc_sel_attr(n, "class");
    snprintf(out, cap, "%s%s%s%s%s", rc_node_get_tag(n), id ? "#" : "", id ? id : "",
             cls && *cls ? "." : "", cls ? cls : "");
    for (char *p = strchr(out, '.'); p && cls && *cls; p = strchr(p + 1, ' ')) *p = '.';
}

const rc_handler *rc_test_handler(const rc_node *n, const char *event) {
    if (!n || rc_node_get_kind(n) != RC_NODE_ELEMENT || !event) return NULL;
    /* "onKeyDown", or the DOM's "keydown": both name the same handler. */
    const char *bare = strncmp(event, "on", 2) == 0 ? event + 2 : event;
    for (size_t i = 0; i < rc_node_count_handlers(n); i++) {
        const rc_handler *h = rc_node_get_handler(n, i);
        const char *name = rc_handler_get_event(h);
        if (strncmp(name, "on", 2) == 0 && strcasecmp(name + 2, bare) == 0) return h;
    }
    return NULL;
}

int rc_test_send(rc_test *t, const char *target, const rc_value *data) {
    if (!t->connected) {
        /* The client keeps what the user did offline and sends it in order
         * once connected again (docs/resume.md): so does the kit. */
        if (t->nheld == t->held_cap) {
            t->held_cap = t->held_cap ? t->held_cap * 2 : 8;
            t->held = rc_xrealloc(t->held, t->held_cap * sizeof *t->held);
        }
        rc_held *h = &t->held[t->nheld++];
        h->target = rc_xstrdup(target);
        memset(&h->data, 0, sizeof h->data);
        if (data) rc_value_copy(&h->data, data);
        return 0;
    }
    int rc = rc_layout_dispatch(t->layout, target, data, ++t->seq);
    if (rc < 0) rc_test_report(t, "the layout refused the event for %s", target);
    rc_test_flush(t);
    return rc;
}

void rc_test_replay(rc_test *t) {
    for (size_t i = 0; i < t->nheld; i++) {
        rc_held *h = &t->held[i];
        /* A handler gone since (its element removed by a timer while
         * offline) refuses, as on the server: logged, and the rest go on. */
        rc_test_send(t, h->target, h->data.kind == RC_NULL ? NULL : &h->data);
        free(h->target);
        rc_value_free(&h->data);
    }
    t->nheld = 0;
}
