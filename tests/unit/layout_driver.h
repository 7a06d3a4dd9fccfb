/*
 * Driving a layout the way the client would (flush, commit, fire events by
 * element id) and reading its rendered tree (elements by id, their text,
 * error nodes, handler ids), for the tests of hooks and components.
 */
#ifndef RC_TEST_LAYOUT_DRIVER_H
#define RC_TEST_LAYOUT_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "reactc_layout.h"

/* A layout of root with test_opts(), tracked (harness.h). */
rc_layout *new_layout(const rc_component *root, const void *props, size_t size);

/* What one flush's patch said. */
typedef struct step {
    uint32_t rendered;
    size_t nops;
    rc_op_kind first_kind;
    char first_value[64];
} step;

/* flush + commit, returning what the patch said. */
step flush_commit(rc_layout *l);

/* The value of attribute name on element n (NULL if none or not an element). */
const char *attr_of(const rc_node *n, const char *name);

/* The element with attribute id, anywhere in the tree (NULL if none). */
rc_node *find(const rc_layout *l, const char *id);

/* Text content of the element with attribute id ("<missing>" if none;
 * valid until the next call). */
const char *text_of(const rc_layout *l, const char *id);

/* Number of error nodes in the tree; the first one's text into first. */
size_t count_errors(const rc_layout *l, char *first, size_t cap);

/* The id of the handler for event (React style) on the element with id. */
const char *handler_id(const rc_layout *l, const char *id, const char *event);

/* Dispatches event on the element with id (fails the test if it has no such
 * handler); returns what rc_layout_dispatch returned. */
int fire(rc_layout *l, const char *id, const char *event, const rc_value *data, uint64_t seq);

/* Fires onClick on the element with id, asserting it was dispatched. */
void click(rc_layout *l, const char *id);

/* Generic handlers whose user data is an rc_state: adds one to an int,
 * flips a bool. */
void h_inc(rc_event *ev, void *user);
void h_toggle(rc_event *ev, void *user);

/* A handler that counts its calls and keeps its user data in `handled`
 * (give it to harness_clears to zero it before every test). */
void h_count(rc_event *ev, void *user);
extern struct handled {
    int calls;
    void *user;
} handled;

#endif
