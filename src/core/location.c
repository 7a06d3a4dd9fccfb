/*
 * The page's location as a context provided by the layout itself: the root
 * instance's provider chain starts with it, so rc_use_location is an
 * ordinary context read and a location change re-renders exactly its
 * readers.
 */
#include <string.h>

#include "core/internal.h"

static const rc_context_type location_type = {"location", sizeof(rc_location), NULL};

void rc_location_init(rc_layout *l, const char *pathname, const char *search) {
    l->location.h.kind = HOOK_PROVIDER;
    l->location.type = &location_type;
    l->location.value = &l->location_value;
    l->location.version = 1;
    l->location_value.pathname = rc_xstrdup(pathname ? pathname : "/");
    l->location_value.search = rc_xstrdup(search ? search : "");
}

void rc_location_free(rc_layout *l) {
    while (l->location.consumers) rc_consumer_unlink(l->location.consumers);
    free((char *)(uintptr_t)l->location_value.pathname);
    free((char *)(uintptr_t)l->location_value.search);
}

void rc_layout_set_location(rc_layout *l, const char *pathname, const char *search) {
    if (!pathname) pathname = "/";
    if (!search) search = "";
    if (strcmp(pathname, l->location_value.pathname) == 0 &&
        strcmp(search, l->location_value.search) == 0)
        return;
    free((char *)(uintptr_t)l->location_value.pathname);
    free((char *)(uintptr_t)l->location_value.search);
    l->location_value.pathname = rc_xstrdup(pathname);
    l->location_value.search = rc_xstrdup(search);
    l->location.version++;
    rc_provider_mark_consumers(&l->location);
}

const rc_location *rc_use_location(rc_ctx *ctx) { return rc_use_context(ctx, &location_type); }
