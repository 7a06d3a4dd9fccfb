/* The code of docs/guide/lists-and-keys.md: a list of rows with keys, each
 * row a component with its own state, per-row handlers with bound values.
 * A complete app: build/examples/guide/lists --port 8000. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <reactc.h>

/* guide:model */
/* The list: an array of row ids in one state slot of the root, in the
 * order shown, plus the next id. Ids are never reused, so a key always
 * means the same row. */
static void add_row(rc_value *ids, void *next) {
    rc_value_set_int(rc_array_push(ids), rc_state_get_int(next));
}

static size_t find_row(const rc_value *ids, int64_t id) {
    size_t i = 0;
    while (i < rc_array_count(ids) && rc_value_get_int(rc_array_get(ids, i), 0) != id) i++;
    return i; /* the count when it is not there */
}

static void drop_row(rc_value *ids, void *id) {
    size_t i = find_row(ids, *(int64_t *)id);
    if (i < rc_array_count(ids)) rc_array_remove(ids, i);
}

static void raise_row(rc_value *ids, void *id) {
    size_t i = find_row(ids, *(int64_t *)id);
    for (; i > 0 && i < rc_array_count(ids); i--) { /* swap it up to the top */
        int64_t above = rc_value_get_int(rc_array_get(ids, i - 1), 0);
        rc_value_set_int(rc_array_get(ids, i - 1), *(int64_t *)id);
        rc_value_set_int(rc_array_get(ids, i), above);
    }
}
/* end guide:model */

/* guide:row */
typedef struct row_props {
    int64_t id;
} row_props;

static void bump(rc_event *ev, void *hits) {
    (void)ev;
    rc_state_set_int(hits, rc_state_get_int(hits) + 1);
}

static void row(rc_ctx *ctx, const void *props) {
    const row_props *p = props;
    /* this row's own state: its address holds the row's key, so it follows
     * the row when rows above it come and go (and through a resume) */
    rc_state *hits = rc_use_int(ctx, "hits", 0);
    RC_EL(ctx, "span", .class_ = "name") rc_textf(ctx, "sensor %lld", (long long)p->id);
    RC_EL(ctx, "button", .class_ = "hit", .on = RC_ON("click", bump, hits)) {
        rc_textf(ctx, "hits: %lld", (long long)rc_state_get_int(hits));
    }
}
RC_COMPONENT(row);
/* end guide:row */

/* guide:handlers */
typedef struct list_state {
    rc_state *ids, *next;
} list_state;

static void on_add(rc_event *ev, void *user) {
    (void)ev;
    list_state *s = user;
    rc_state_update(s->ids, add_row, s->next);
    rc_state_set_int(s->next, rc_state_get_int(s->next) + 1);
}

static void on_remove(rc_event *ev, void *user) {
    list_state *s = user;
    /* one function for every row: the row's key was bound to its handler */
    int64_t id = strtoll(rc_event_get_bound_key(ev), NULL, 10);
    rc_state_update(s->ids, drop_row, &id);
}

static void on_raise(rc_event *ev, void *user) {
    list_state *s = user;
    int64_t id = rc_event_get_bound_int(ev); /* the same, bound as a number */
    rc_state_update(s->ids, raise_row, &id);
}
/* end guide:handlers */

/* guide:list */
static void list(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_value empty = {.kind = RC_ARRAY};
    list_state *s = rc_use_ref(ctx, sizeof *s); /* what the handlers need */
    s->ids = rc_use_value(ctx, "ids", &empty);
    s->next = rc_use_int(ctx, "next", 1);
    const rc_value *ids = rc_state_get_value(s->ids);
    RC_EL(ctx, "button", .id = "add", .on = RC_ON("click", on_add, s)) rc_text(ctx, "Add a row");
    RC_EL(ctx, "ul", .id = "rows") {
        for (size_t i = 0; i < rc_array_count(ids); i++) {
            int64_t id = rc_value_get_int(rc_array_get(ids, i), 0);
            char key[24];
            snprintf(key, sizeof key, "%lld", (long long)id);
            RC_EL(ctx, "li", .key = key) { /* the element's key: its identity */
                RC_CHILD(ctx, &row_component, key, &(row_props){id}); /* the component's key */
                RC_EL(ctx, "button", .class_ = "top", .on = RC_ON_INT("click", on_raise, s, id)) {
                    rc_text(ctx, "to top");
                }
                RC_EL(ctx, "button", .class_ = "remove",
                      .on = RC_ON_KEY("click", on_remove, s, key)) {
                    rc_text(ctx, "remove");
                }
            }
        }
    }
}
RC_COMPONENT(list);
/* end guide:list */

int main(int argc, char **argv) {
    rc_app a = {.title = "Lists and keys", .root = &list_component};
    if (rc_app_parse_args(&a, argc, argv) != 0) return 2;
    return rc_app_run(&a);
}
