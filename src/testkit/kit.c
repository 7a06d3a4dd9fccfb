/*
 * The kit: a layout with the server's options where they matter to a
 * component (a timer host, the location, the connection context, errors
 * shown in the node), and the session's life in one call each. A resume
 * goes through a real token (reseal.c) and a new layout restored from it,
 * as session_render.c starts a resumed session: what a test asserts after
 * it is what a user would see after a server restart.
 */
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "resume/snapshot.h"
#include "testkit/testkit.h"
#include "util/alloc.h"

/* Test logs go to stderr at WARN: a refused event or a failed render shows
 * beside the kit's own report; INFO (stale handlers) would drown it. */
static rc_layout *mount(rc_test *t, const char *pathname, const char *search, rc_snapshot *snap) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.timers = &t->clock.host;
    o.pathname = pathname;
    o.search = search;
    o.session_id = t->session_id;
    if (snap) {
        o.restore = rc_snapshot_restore;
        o.restore_user = snap;
    }
    return rc_layout_new(t->root, t->props, t->props_size, &o);
}

rc_test *rc_test_new_at(const rc_component *root, const void *props, size_t props_size,
                        const char *url) {
    char pathname[RC_LOCATION_MAX_PATHNAME + 1] = "/", search[RC_LOCATION_MAX_SEARCH + 1] = "";
    if (url && rc_url_split(url, pathname, search) < 0) {
        fprintf(stderr, "rc_test: rc_test_new_at: url \"%s\" refused\n", url);
        return NULL;
    }
    if (!root || !root->render) return NULL;
    rc_test *t = rc_xcalloc(1, sizeof *t);
    t->root = root;
    t->props_size = props_size;
    t->props = props_size ? rc_xmemdup(props, props_size) : NULL;
    t->connected = true;
    t->connections = 1;
    /* Stores keep exactly-once marks per session id and event number
     * (docs/guide/shared-state.md): two kits sharing an id would see the
     * second's events as replays of the first's and skip their writes. A
     * resume keeps the id and the numbering, as the session does. */
    static unsigned kits;
    snprintf(t->session_id, sizeof t->session_id, "test-%u", ++kits);
    rc_buf_init(&t->text);
    rc_buf_init(&t->where);
    rc_clock_init(&t->clock);
    t->layout = mount(t, pathname, search, NULL);
    rc_test_flush(t);
    t->error[0] = '\0';
    return t;
}

rc_test *rc_test_new(const rc_component *root, const void *props, size_t props_size) {
    return rc_test_new_at(root, props, props_size, NULL);
}

void rc_test_free(rc_test *t) {
    if (!t) return;
    rc_layout_free(t->layout); /* stops its timers on the clock */
    rc_clock_free(&t->clock);
    for (size_t i = 0; i < t->nheld; i++) { /* held events die with the tab */
        free(t->held[i].target);
        rc_value_free(&t->held[i].data);
    }
    free(t->held);
    free(t->props);
    rc_buf_free(&t->text);
    rc_buf_free(&t->where);
    free(t);
}

rc_layout *rc_test_get_layout(const rc_test *t) { return t->layout; }
const char *rc_test_get_error(const rc_test *t) { return t->error; }
uint64_t rc_test_get_time(const rc_test *t) { return t->clock.now; }
size_t rc_test_get_token_size(const rc_test *t) { return t->token_size; }

void rc_test_advance(rc_test *t, uint32_t ms) {
    uint64_t until = t->clock.now + ms;
    /* One timer per turn, each followed by a flush, as libev runs them. */
    while (rc_clock_fire_next(&t->clock, until)) rc_test_flush(t);
    t->clock.now = until;
}

void rc_test_disconnect(rc_test *t) { t->connected = false; }

void rc_test_reattach(rc_test *t) {
    t->connections++;
    rc_layout_set_connection(t->layout, &(rc_connection){t->connections, t->resumed, true});
    t->connected = true;
    rc_test_flush(t);
    rc_test_replay(t);
}

int rc_test_resume(rc_test *t) {
    rc_snapshot snap;
    memset(&snap, 0, sizeof snap);
    size_t size = rc_test_reseal(t, &snap);
    if (!size) return -1;
    t->token_size = size;
    char pathname[RC_LOCATION_MAX_PATHNAME + 1] = "/", search[RC_LOCATION_MAX_SEARCH + 1] = "";
    if (!rc_snapshot_get_location(&snap, pathname, search)) {
        const rc_location *loc = rc_layout_get_location(t->layout);
        snprintf(pathname, sizeof pathname, "%s", loc->pathname);
        snprintf(search, sizeof search, "%s", loc->search);
    }
    /* The old process is gone: its cleanups run and its timers stop. */
    rc_layout_free(t->layout);
    t->layout = mount(t, pathname, search, &snap);
    t->connections = 1;
    t->resumed = true;
    rc_layout_set_connection(t->layout, &(rc_connection){1, true, false});
    t->connected = true;
    rc_test_flush(t); /* slots are restored as instances mount */
    rc_snapshot_free(&snap);
    rc_test_replay(t);
    return 0;
}

/* ---- queries ------------------------------------------------------------ */

typedef struct nth {
    size_t want, seen;
} nth;

static bool count_to(rc_node *n, void *user) {
    (void)n;
    nth *c = user;
    return c->seen++ == c->want;
}

static bool parse(rc_test *t, rc_sel *sel, const char *selector) {
    char err[320];
    if (rc_sel_parse(sel, selector, err, sizeof err) == 0) return true;
    rc_test_report(t, "%s", err);
    return false;
}

rc_node *rc_test_find_nth(rc_test *t, const char *selector, size_t i) {
    rc_sel sel;
    if (!parse(t, &sel, selector)) return NULL;
    nth c = {i, 0};
    rc_node *n = rc_query_each(t->layout, &sel, count_to, &c);
    if (!n) rc_test_report(t, "no element #%zu matches \"%s\" (%zu do)", i, selector, c.seen);
    return n;
}

rc_node *rc_test_find(rc_test *t, const char *selector) {
    rc_sel sel;
    if (!parse(t, &sel, selector)) return NULL;
    nth c = {0, 0};
    rc_node *n = rc_query_each(t->layout, &sel, count_to, &c);
    if (!n) rc_test_report(t, "no element matches \"%s\"", selector);
    return n;
}

size_t rc_test_count(rc_test *t, const char *selector) {
    rc_sel sel;
    if (!parse(t, &sel, selector)) return 0;
    nth c = {SIZE_MAX, 0};
    rc_query_each(t->layout, &sel, count_to, &c);
    return c.seen;
}

rc_node *rc_test_find_text(rc_test *t, const char *text) {
    rc_node *n = text ? rc_query_by_text(t->layout, text) : NULL;
    if (!n) rc_test_report(t, "no element has the text \"%s\"", text ? text : "(null)");
    return n;
}

const char *rc_test_get_text(rc_test *t, const rc_node *n) {
    rc_buf_reset(&t->text);
    if (n) rc_query_text(n, &t->text);
    return rc_buf_cstr(&t->text);
}

const char *rc_test_get_text_of(rc_test *t, const char *selector) {
    rc_node *n = rc_test_find(t, selector);
    return n ? rc_test_get_text(t, n) : NULL;
}

const char *rc_test_get_attr(const rc_node *n, const char *name) {
    return n && name ? rc_sel_attr(n, name) : NULL;
}

const char *rc_test_get_location(rc_test *t) {
    const rc_location *loc = rc_layout_get_location(t->layout);
    rc_buf_reset(&t->where);
    rc_buf_append(&t->where, loc->pathname, strlen(loc->pathname));
    rc_buf_append(&t->where, loc->search, strlen(loc->search));
    return rc_buf_cstr(&t->where);
}
