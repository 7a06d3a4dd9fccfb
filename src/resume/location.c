/*
 * The location slot of a session's snapshot (RC_SNAPSHOT_LOCATION_SLOT):
 * written beside the app's slots with every token, read back at resume.
 * One string, "pathname?search", so the format needs nothing new and an
 * older server that does not know the slot simply never reads it.
 */
#include <stdio.h>
#include <string.h>

#include "core/host.h"
#include "resume/snapshot.h"

void rc_snapshot_put_location(const rc_layout *layout, rc_slot_fn fn, void *user) {
    const rc_location *loc = rc_layout_get_location(layout);
    char where[RC_LOCATION_MAX_PATHNAME + RC_LOCATION_MAX_SEARCH + 2];
    int n = snprintf(where, sizeof where, "%s%s", loc->pathname, loc->search);
    rc_value v = {.kind = RC_STRING};
    v.as.str.ptr = where;
    v.as.str.len = n < 0 ? 0 : (size_t)n >= sizeof where ? sizeof where - 1 : (size_t)n;
    fn(user, RC_SNAPSHOT_LOCATION_SLOT, &v);
}

bool rc_snapshot_get_location(const rc_snapshot *snap, char *pathname, char *search) {
    const rc_value *v = rc_snapshot_get(snap, RC_SNAPSHOT_LOCATION_SLOT);
    /* Checked as a browser's location is: the token is authentic, but a
     * server of another version may have written it. */
    return v && v->kind == RC_STRING && strlen(v->as.str.ptr) == v->as.str.len &&
           rc_url_split(v->as.str.ptr, pathname, search) == 0;
}
