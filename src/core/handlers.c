/*
 * Event handlers: deterministic ids and the layout's id -> handler table
 * (dispatch.c dispatches).
 *
 * An id is a 64-bit hash of the element's identity and the event name. An
 * element's identity chains, from the owning instance's path hash (its
 * component key path), the key (or child index) of every element between the
 * instance's output top and the element, and a value bound to the handler
 * (rc_on_bind_int / rc_on_bind_key) if it has one. So the same code rendering the same
 * state gives the same ids in any process (resume relies on it), and two
 * elements of one component get different ids for the same event.
 */
#include <string.h>

#include "core/internal.h"
#include "util/base64url.h"

/* React-style names for DOM event names, for the events whose camelCase is
 * not just "on" + capitalised name. */
static const struct {
    const char *dom, *react;
} event_names[] = {
    {"click", "onClick"},
    {"dblclick", "onDoubleClick"},
    {"change", "onChange"},
    {"input", "onInput"},
    {"submit", "onSubmit"},
    {"keydown", "onKeyDown"},
    {"keyup", "onKeyUp"},
    {"keypress", "onKeyPress"},
    {"focus", "onFocus"},
    {"blur", "onBlur"},
    {"mousedown", "onMouseDown"},
    {"mouseup", "onMouseUp"},
    {"mousemove", "onMouseMove"},
    {"mouseenter", "onMouseEnter"},
    {"mouseleave", "onMouseLeave"},
    {"mouseover", "onMouseOver"},
    {"mouseout", "onMouseOut"},
    {"contextmenu", "onContextMenu"},
    {"pointerdown", "onPointerDown"},
    {"pointerup", "onPointerUp"},
    {"pointermove", "onPointerMove"},
    {"touchstart", "onTouchStart"},
    {"touchend", "onTouchEnd"},
    {"touchmove", "onTouchMove"},
    {"wheel", "onWheel"},
    {"scroll", "onScroll"},
    {"dragstart", "onDragStart"},
    {"dragend", "onDragEnd"},
    {"dragover", "onDragOver"},
    {"drop", "onDrop"},
    {"select", "onSelect"},
    {"reset", "onReset"},
    {"load", "onLoad"},
    {"error", "onError"},
};

/* Returns a static React-style name for a known DOM name or an already
 * React-style name; otherwise returns `event` itself (caller copies it). */
const char *rc_canonical_event(const char *event) {
    if (event[0] == 'o' && event[1] == 'n' && event[2] >= 'A' && event[2] <= 'Z') {
        for (size_t i = 0; i < sizeof event_names / sizeof *event_names; i++)
            if (strcmp(event_names[i].react, event) == 0) return event_names[i].react;
        return event;
    }
    for (size_t i = 0; i < sizeof event_names / sizeof *event_names; i++)
        if (strcmp(event_names[i].dom, event) == 0) return event_names[i].react;
    return event;
}

void rc_handler_set_id(rc_handler *h, uint64_t element_ident) {
    uint64_t id = rc_hash_str(element_ident, h->event);
    /* A bound value extends the hash; without one the id is the one it
     * always was, so tokens sealed by older builds keep matching their
     * handlers (docs/resume.md). The tag byte keeps 7 and "7" apart. */
    if (h->bound_kind == RC_BOUND_INT)
        id = rc_hash_u64(rc_hash_str(id, "#i"), (uint64_t)h->bound.i);
    else if (h->bound_kind == RC_BOUND_KEY) id = rc_hash_str(rc_hash_str(id, "#k"), h->bound.key);
    h->id = id;
    rc_base64url_encode_u64(h->id_str, id); /* 11 digits, most significant first */
}

void rc_handlers_register(rc_layout *l, rc_node *el) {
    rc_handler *hs = rc_el_handlers(el);
    for (uint32_t i = 0; i < el->nhandlers; i++) rc_map_put(&l->handlers, hs[i].id, &hs[i]);
}

void rc_handlers_unregister(rc_layout *l, rc_node *el) {
    for (uint32_t i = 0; i < el->nhandlers; i++) {
        rc_handler *h = &rc_el_handlers(el)[i];
        /* Only if the table still points at this very handler: a newer
         * render may have registered the same id already. */
        if (rc_map_get(&l->handlers, h->id) == h) rc_map_del(&l->handlers, h->id);
    }
}

const char *rc_handler_get_event(const rc_handler *h) { return h->event; }
const char *rc_handler_get_id(const rc_handler *h) { return h->id_str; }
bool rc_handler_get_prevent_default(const rc_handler *h) { return h->prevent_default; }
bool rc_handler_get_stop_propagation(const rc_handler *h) { return h->stop_propagation; }
