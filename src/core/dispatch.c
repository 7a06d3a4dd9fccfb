/*
 * Dispatch: an event to the handler its target names (handlers.c's table),
 * or the browser's "@location" navigation to navigate.c; and what a handler
 * reads of its event.
 */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "util/base64url.h"

struct rc_event {
    rc_layout *layout;
    const rc_value *data;
    uint64_t seq;
    const rc_handler *handler;
};

int rc_layout_dispatch(rc_layout *l, const char *target, const rc_value *data, uint64_t seq) {
    uint64_t id;
    /* The browser's navigations (Back, Forward, a link) are events like
     * any other, so they are numbered, queued offline and replayed once;
     * '@' is not base64url, so no handler id is ever taken for it. */
    if (target && strcmp(target, "@location") == 0) return rc_location_event(l, data);
    if (!target || !rc_base64url_decode_u64(target, &id)) {
        rc_log(l, RC_LOG_WARN, "event for malformed handler id \"%.40s\" ignored",
               target ? target : "(null)");
        return -1;
    }
    rc_handler *h = rc_map_get(&l->handlers, id);
    if (!h) {
        /* Normal after an unmount or re-render that dropped the handler: the
         * client clicked something the server already replaced. */
        rc_log(l, RC_LOG_INFO, "event for unknown or stale handler %s ignored", target);
        return -1;
    }
    rc_event ev = {l, data, seq, h};
    /* The handler's store writes are one batch, committed when it returns
     * (track.h); it reads its own writes meanwhile. */
    rc_scope_begin();
    h->fn(&ev, h->user);
    rc_scope_end(l, seq);
    return 0;
}

const rc_value *rc_event_get_data(const rc_event *ev) { return ev->data; }

const rc_value *rc_event_get_field(const rc_event *ev, const char *name) {
    if (!ev->data) return NULL;
    const rc_value *first = ev->data->kind == RC_ARRAY ? rc_array_get(ev->data, 0) : ev->data;
    return first ? rc_object_get(first, name) : NULL;
}

const char *rc_event_get_value(const rc_event *ev) {
    return rc_value_get_string(rc_event_get_field(ev, "value"), "");
}

int64_t rc_event_get_bound_int(const rc_event *ev) {
    return ev->handler && ev->handler->bound_kind == RC_BOUND_INT ? ev->handler->bound.i : 0;
}

const char *rc_event_get_bound_key(const rc_event *ev) {
    return ev->handler && ev->handler->bound_kind == RC_BOUND_KEY ? ev->handler->bound.key : NULL;
}

const rc_value *rc_event_get_form_field(const rc_event *ev, const char *name) {
    /* The client sends a submit's fields as `elements` (serialize.ts). */
    const rc_value *fields = rc_event_get_field(ev, "elements");
    return fields && fields->kind == RC_OBJECT ? rc_object_get(fields, name) : NULL;
}

uint64_t rc_event_get_seq(const rc_event *ev) { return ev->seq; }

size_t rc_event_get_idempotency_key(const rc_event *ev, char *buf, size_t cap) {
    const char *sid = ev->layout->session_id ? ev->layout->session_id : "local";
    int n = snprintf(buf, cap, "%s:%llu", sid, (unsigned long long)ev->seq);
    return n < 0 ? 0 : (size_t)n;
}

rc_layout *rc_event_get_layout(const rc_event *ev) { return ev->layout; }

int rc_navigate(rc_event *ev, const char *url) {
    return rc_layout_navigate(ev->layout, url, false);
}

int rc_navigate_replace(rc_event *ev, const char *url) {
    return rc_layout_navigate(ev->layout, url, true);
}
