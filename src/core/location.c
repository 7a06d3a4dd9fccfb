/*
 * The page's location as a context provided by the layout itself: the root
 * instance's provider chain starts with it, so rc_use_location is an
 * ordinary context read and a location change re-renders exactly its
 * readers.
 */
#include <string.h>

#include "core/host.h"
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

bool rc_location_change(rc_layout *l, const char *pathname, const char *search) {
    if (!pathname) pathname = "/";
    if (!search) search = "";
    if (strcmp(pathname, l->location_value.pathname) == 0 &&
        strcmp(search, l->location_value.search) == 0)
        return false;
    free((char *)(uintptr_t)l->location_value.pathname);
    free((char *)(uintptr_t)l->location_value.search);
    l->location_value.pathname = rc_xstrdup(pathname);
    l->location_value.search = rc_xstrdup(search);
    l->location.version++;
    /* The location is session state (the server writes it into every
     * token): a change must seal a new one. */
    l->state_epoch++;
    rc_provider_mark_consumers(&l->location);
    return true;
}

const rc_location *rc_layout_get_location(const rc_layout *l) { return &l->location_value; }

const rc_location *rc_use_location(rc_ctx *ctx) { return rc_use_context(ctx, &location_type); }

/* The connection state: another layout-provided context, outside the
 * location in the chain so both are found by a plain chain walk. */
static const rc_context_type connection_type = {"connection", sizeof(rc_connection), NULL};

void rc_connection_init(rc_layout *l) {
    l->connection.h.kind = HOOK_PROVIDER;
    l->connection.type = &connection_type;
    l->connection.value = &l->connection_value;
    l->connection.version = 1;
    l->connection.outer = NULL;
    l->location.outer = &l->connection;
    memset(&l->connection_value, 0, sizeof l->connection_value);
    l->connection_value.connections = 1;
}

void rc_connection_free(rc_layout *l) {
    while (l->connection.consumers) rc_consumer_unlink(l->connection.consumers);
}

void rc_layout_set_connection(rc_layout *l, const rc_connection *c) {
    rc_connection *v = &l->connection_value;
    if (v->connections == c->connections && v->resumed == c->resumed &&
        v->reattached == c->reattached)
        return;
    /* Field by field: a caller's struct may carry uninitialised padding, and
     * the provider's bytes are what consumers compare. */
    memset(v, 0, sizeof *v);
    v->connections = c->connections;
    v->resumed = c->resumed;
    v->reattached = c->reattached;
    l->connection.version++;
    rc_provider_mark_consumers(&l->connection);
}

const rc_connection *rc_use_connection(rc_ctx *ctx) {
    return rc_use_context(ctx, &connection_type);
}

void rc_layout_set_session_handle(rc_layout *l, uint64_t id) { l->session_handle = id; }

rc_session_handle rc_layout_get_session_handle(const rc_layout *l) {
    return (rc_session_handle){l ? l->session_handle : 0};
}
