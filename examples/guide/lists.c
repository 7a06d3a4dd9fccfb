/* The code of docs/guide/lists-and-keys.md: a list of rows with keys, each
 * row a component with its own state, per-row handlers with bound values.
 * A complete app: build/examples/guide/lists --port 8000. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <reactc.h>

/* guide:model */
/* The list: an object {id: name} in one state slot of the root, plus the
 * next id. Ids are never reused, so a key always means the same row. */
static void add_row(rc_value *rows, void *next) {
    char key[24], name[32];
    int64_t id = rc_state_get_int(next);
    snprintf(key, sizeof key, "%lld", (long long)id);
    snprintf(name, sizeof name, "sensor %lld", (long long)id);
    rc_value_set_string(rc_object_set(rows, key), name);
}

static void drop_row(rc_value *rows, void *key) { rc_object_remove(rows, key); }
/* end guide:model */

/* guide:row */
typedef struct row_props {
    const char *name; /* the parent's string, valid for this render */
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
    RC_EL(ctx, "span", .class_ = "name") rc_text(ctx, p->name);
    RC_EL(ctx, "button", .class_ = "hit", .on = RC_ON("click", bump, hits)) {
        rc_textf(ctx, "hits: %lld", (long long)rc_state_get_int(hits));
    }
}
/* Props hold a pointer: compare what it points to, not the address. */
static bool row_props_equal(const void *a, const void *b, size_t size) {
    (void)size;
    return strcmp(((const row_props *)a)->name, ((const row_props *)b)->name) == 0;
}
static const rc_component row_component = {"row", row, row_props_equal, 0};
/* end guide:row */

/* guide:handlers */
typedef struct list_state {
    rc_state *rows, *next;
} list_state;

static void on_add(rc_event *ev, void *user) {
    (void)ev;
    list_state *s = user;
    rc_state_update(s->rows, add_row, s->next);
    rc_state_set_int(s->next, rc_state_get_int(s->next) + 1);
}

static void on_remove(rc_event *ev, void *user) {
    list_state *s = user;
    /* one function for every row: the row's key was bound to its handler */
    rc_state_update(s->rows, drop_row, (void *)rc_event_get_bound_key(ev));
}

static void on_move_top(rc_event *ev, void *user) {
    list_state *s = user;
    int64_t id = rc_event_get_bound_int(ev); /* the same, bound as a number */
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    const rc_value *rows = rc_state_get_value(s->rows);
    rc_value top = {0}; /* the same rows, this one first (objects keep their order) */
    rc_value_set_object(&top);
    rc_value_copy(rc_object_set(&top, key), rc_object_get(rows, key));
    for (size_t i = 0; i < rc_object_count(rows); i++) {
        const rc_member *m = &rows->as.obj.items[i];
        if (strcmp(m->key, key) != 0) rc_value_copy(rc_object_set(&top, m->key), &m->value);
    }
    rc_state_set_value(s->rows, &top); /* copied */
    rc_value_free(&top);
}
/* end guide:handlers */

/* guide:list */
static void list(rc_ctx *ctx, const void *props) {
    (void)props;
    rc_value empty = {.kind = RC_OBJECT};
    list_state *s = rc_use_ref(ctx, sizeof *s);
    s->rows = rc_use_value(ctx, "rows", &empty);
    s->next = rc_use_int(ctx, "next", 1);
    const rc_value *rows = rc_state_get_value(s->rows);
    RC_EL(ctx, "button", .id = "add", .on = RC_ON("click", on_add, s)) rc_text(ctx, "Add a row");
    RC_EL(ctx, "ul", .id = "rows") {
        for (size_t i = 0; i < rc_object_count(rows); i++) {
            const char *key = rows->as.obj.items[i].key;
            long long id = strtoll(key, NULL, 10);
            RC_EL(ctx, "li", .key = key) { /* the element's key: its identity */
                row_props rp = {rc_value_get_string(rc_object_get(rows, key), "")};
                RC_CHILD(ctx, &row_component, key, &rp); /* the component's key */
                RC_EL(ctx, "button", .class_ = "top",
                      .on = RC_ON_INT("click", on_move_top, s, id)) {
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
