/*
 * todo: a controlled input, a keyed list of item components, and a count.
 * Items live in one structured state value (an array of objects), so the
 * whole list is restorable; each row is a keyed child component, so a
 * toggle re-renders one row and the counter, nothing else.
 *
 * With --shared the list is one for every tab: a collection store keyed by
 * item id (docs/guide/shared-state.md). A row reads its own item, so a
 * toggle in one tab re-renders that row (and the counter) in every tab;
 * the draft being typed stays each tab's own slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "example.h"

/* ---- the list state ------------------------------------------------------- */

static rc_value *find_item(rc_value *items, int64_t id, size_t *index) {
    for (size_t i = 0; i < rc_array_count(items); i++) {
        rc_value *it = rc_array_get(items, i);
        if (rc_value_get_int(rc_object_get(it, "id"), -1) == id) {
            if (index) *index = i;
            return it;
        }
    }
    return NULL;
}

static void toggle_item(rc_value *items, void *arg) {
    rc_value *it = find_item(items, *(const int64_t *)arg, NULL);
    if (it) {
        rc_value *done = rc_object_set(it, "done");
        rc_value_set_bool(done, !rc_value_get_bool(done, false));
    }
}

static void delete_item(rc_value *items, void *arg) {
    size_t i;
    if (find_item(items, *(const int64_t *)arg, &i)) rc_array_remove(items, i);
}

struct add_arg {
    int64_t id;
    const char *text;
};

static void append_item(rc_value *items, void *arg) {
    const struct add_arg *a = arg;
    if (items->kind == RC_NULL) rc_value_set_array(items);
    rc_value *it = rc_array_push(items);
    rc_value_set_object(it);
    rc_value_set_int(rc_object_set(it, "id"), a->id);
    rc_value_set_string(rc_object_set(it, "text"), a->text);
    rc_value_set_bool(rc_object_set(it, "done"), false);
}

/* ---- the shared list (--shared): a collection store, items by id ------- */

static rc_store *shared_todos; /* NULL: each tab has its own list */
static int64_t shared_next_id; /* loop thread; 0: not picked yet */

static void toggle_done(rc_value *item, void *arg) {
    (void)arg;
    rc_value *done = rc_object_set(item, "done");
    rc_value_set_bool(done, !rc_value_get_bool(done, false));
}

static void shared_key(char *key, size_t cap, int64_t id) {
    snprintf(key, cap, "%lld", (long long)id);
}

/* With --redis several processes (--workers, machines) add to one list:
 * each numbers its items from a start of its own, picked at its first add
 * (after a worker's fork), so two processes never take the same id. */
static int64_t first_id(void) {
    struct timespec ts; /* timespec_get: plain C11 (the dev test builds with -std=c11) */
    timespec_get(&ts, TIME_UTC);
    uint64_t tag = ((uint64_t)getpid() * 2654435761u) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec;
    return (int64_t)(tag % 1000000) * 1000000000 + 1;
}

static void shared_add(const char *text) {
    char key[24];
    if (!shared_next_id) shared_next_id = first_id();
    shared_key(key, sizeof key, shared_next_id++);
    rc_value it = {0};
    rc_value_set_object(&it);
    rc_value_set_string(rc_object_set(&it, "text"), text);
    rc_value_set_bool(rc_object_set(&it, "done"), false);
    rc_store_set_item(shared_todos, key, &it);
    rc_value_free(&it);
}

/* ---- one row ------------------------------------------------------------ */

typedef struct item_props {
    rc_state *items; /* the list, owned by the parent (NULL: shared_todos) */
    int64_t id;
    const char *text; /* points into the list value: changes with it */
    bool done;
} item_props;

typedef struct item_ref { /* what the row's handlers need, stable per row */
    rc_state *items;
    int64_t id;
} item_ref;

static void on_toggle(rc_event *ev, void *user) {
    (void)ev;
    item_ref *r = user;
    char key[24];
    shared_key(key, sizeof key, r->id);
    if (!r->items) rc_store_update_item(shared_todos, key, toggle_done, NULL);
    else rc_state_update(r->items, toggle_item, &r->id);
}

static void on_delete(rc_event *ev, void *user) {
    (void)ev;
    item_ref *r = user;
    char key[24];
    shared_key(key, sizeof key, r->id);
    if (!r->items) rc_store_remove_item(shared_todos, key);
    else rc_state_update(r->items, delete_item, &r->id);
}

static void todo_item(rc_ctx *ctx, const void *props) {
    const item_props *p = props;
    item_ref *r = rc_use_ref(ctx, sizeof *r);
    r->items = p->items;
    r->id = p->id;
    RC_EL(ctx, "li", .class_ = p->done ? "done" : "open") {
        RC_EL(ctx, "input", .type = "checkbox", .class_ = "toggle",
              .on = RC_ON("change", on_toggle, r)) {
            rc_attr_bool(ctx, "checked", p->done);
        }
        RC_EL(ctx, "span", .class_ = "text") { rc_text(ctx, p->text); }
        RC_EL(ctx, "button", .class_ = "delete", .on = RC_ON("click", on_delete, r)) {
            rc_text(ctx, "\xc3\x97"); /* × */
        }
    }
}
/* Props hold a bool after three pointers: compare fields, not bytes, so
 * padding never counts as a change. */
static bool item_props_equal(const void *a, const void *b, size_t size) {
    (void)size;
    const item_props *x = a, *y = b;
    return x->items == y->items && x->id == y->id && x->text == y->text && x->done == y->done;
}
static const rc_component todo_item_component = {"todo_item", todo_item, item_props_equal, 0};

/* ---- the app ------------------------------------------------------------ */

typedef struct todo_refs {
    rc_state *items, *next_id, *draft;
} todo_refs;

static void on_draft(rc_event *ev, void *draft) {
    rc_state_set_string(draft, rc_event_get_value(ev));
}

static void on_add(rc_event *ev, void *user) {
    (void)ev;
    todo_refs *t = user;
    const char *text = rc_state_get_string(t->draft);
    while (*text == ' ') text++;
    if (!*text) return;
    if (shared_todos) {
        shared_add(text);
    } else {
        struct add_arg a = {rc_state_get_int(t->next_id), text};
        rc_state_update(t->items, append_item, &a);
        rc_state_set_int(t->next_id, a.id + 1);
    }
    rc_state_set_string(t->draft, "");
}

static void todo(rc_ctx *ctx, const void *props) {
    (void)props;
    todo_refs *t = rc_use_ref(ctx, sizeof *t);
    rc_value empty = {.kind = RC_ARRAY};
    t->items = rc_use_value(ctx, "items", &empty);
    t->next_id = rc_use_int(ctx, "next_id", 1);
    t->draft = rc_use_string(ctx, "draft", "");

    const rc_value *items = rc_state_get_value(t->items);
    size_t open = 0;
    if (shared_todos) { /* reading every item subscribes the counter to each */
        for (size_t i = 0; i < rc_store_count_items(shared_todos); i++) {
            const rc_value *it = rc_store_get_item(shared_todos, rc_store_get_key(shared_todos, i));
            open += !rc_value_get_bool(rc_object_get(it, "done"), false);
        }
    } else {
        for (size_t i = 0; i < rc_array_count(items); i++)
            open += !rc_value_get_bool(rc_object_get(rc_array_get(items, i), "done"), false);
    }

    RC_EL(ctx, "section", .class_ = "todo") {
        RC_EL(ctx, "h1") { rc_text(ctx, "Todo"); }
        RC_EL(ctx, "form", .id = "new-todo-form", .on = RC_ON_SUBMIT(on_add, t)) {
            RC_EL(ctx, "input", .id = "new-todo", .type = "text",
                  .value = rc_state_get_string(t->draft),
                  .on = RC_ON("change", on_draft, t->draft)) {
                rc_attr(ctx, "placeholder", "What needs doing?");
                rc_attr(ctx, "autocomplete", "off");
            }
            RC_EL(ctx, "button", .id = "add", .type = "submit") { rc_text(ctx, "Add"); }
        }
        RC_EL(ctx, "ul", .id = "todos") {
            for (size_t i = 0; shared_todos && i < rc_store_count_items(shared_todos); i++) {
                const char *key = rc_store_get_key(shared_todos, i);
                const rc_value *it = rc_store_get_item(shared_todos, key);
                item_props ip = {NULL, strtoll(key, NULL, 10),
                                 rc_value_get_string(rc_object_get(it, "text"), ""),
                                 rc_value_get_bool(rc_object_get(it, "done"), false)};
                RC_CHILD(ctx, &todo_item_component, key, &ip);
            }
            for (size_t i = 0; !shared_todos && i < rc_array_count(items); i++) {
                const rc_value *it = rc_array_get(items, i);
                char key[24];
                int64_t id = rc_value_get_int(rc_object_get(it, "id"), 0);
                snprintf(key, sizeof key, "%lld", (long long)id);
                item_props ip = {t->items, id, rc_value_get_string(rc_object_get(it, "text"), ""),
                                 rc_value_get_bool(rc_object_get(it, "done"), false)};
                RC_CHILD(ctx, &todo_item_component, key, &ip);
            }
        }
        RC_EL(ctx, "p", .class_ = "footer") {
            RC_EL(ctx, "span", .id = "remaining") { rc_textf(ctx, "%zu", open); }
            rc_text(ctx, open == 1 ? " item left" : " items left");
        }
    }
}
RC_COMPONENT(todo);

#ifndef RC_NO_MAIN
/* As RC_EXAMPLE_MAIN, with --shared (taken out before rc_app_parse_args):
 * one list for every tab. */
int main(int argc, char **argv) {
    bool shared = false;
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--shared") == 0) shared = true;
        else argv[kept++] = argv[i];
    }
    rc_app app = {.root = &todo_component, .head = RC_EXAMPLE_HEAD, .title = "Todo"};
    int rc = rc_app_parse_args(&app, kept, argv);
    if (rc) return rc > 0 ? 0 : 2;
    if (shared) shared_todos = rc_store_new_collection("todos");
    rc = rc_app_run(&app);
    rc_store_free(shared_todos);
    return rc;
}
#endif
