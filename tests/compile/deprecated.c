/* The names renamed by the naming rule (docs/api.md, "Renamed") still
 * compile for one release, as deprecated aliases: this file uses a few of
 * each header's. Compiled twice (tests/compile/CMakeLists.txt): with
 * -Wno-deprecated-declarations it must compile clean, and
 * expect-deprecated.sh checks that without it each use warns and names the
 * new function. */
#include "reactc.h"
#include "reactc_layout.h"

int64_t deprecated_use(rc_state *count, rc_event *ev, rc_layout *l);
int64_t deprecated_use(rc_state *count, rc_event *ev, rc_layout *l) {
    rc_set_int(count, rc_get_int(count) + 1);
    int64_t n = (int64_t)rc_event_seq(ev) + (int64_t)rc_array_len(rc_event_data(ev));
    rc_layout_opts opts = rc_layout_opts_default();
    n += rc_layout_dirty(l) + (int64_t)rc_layout_root_count(l) + opts.log_level;
    return n;
}
