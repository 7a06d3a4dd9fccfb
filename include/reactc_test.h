/*
 * reactc_test.h — the test kit: testing components without a server.
 *
 * For app authors' unit tests (docs/guide/testing.md). A test mounts a
 * component in a test layout, queries what it rendered (by selector or by
 * text), fires events the way the client sends them, advances a fake
 * clock, and simulates the life of a session: a disconnect, a re-attach
 * and a full resume through a sealed state token, each in one call. It
 * works with cmocka (assert_non_null, assert_string_equal) and with plain
 * assert(): every call reports what failed, and returns NULL or -1.
 *
 * Named reactc_test.h beside reactc.h and reactc_layout.h (one flat
 * include directory, one prefix); link the library reactc_test (CMake:
 * reactc::reactc_test), which brings the static libreactc with it: the
 * kit seals and opens tokens with reactc's own code, which the shared
 * library does not export.
 *
 * Lifetimes: a node returned by a query is valid until the next call that
 * changes the tree (an event, rc_test_advance, rc_test_flush, a navigation,
 * a re-attach or a resume). Strings returned are the kit's, valid until the
 * next call of the same function on the same rc_test. Single-threaded, like
 * a layout.
 */
#ifndef REACTC_TEST_H
#define REACTC_TEST_H

#include "reactc_layout.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rc_test rc_test;

/* ------------------------------------------------------------------------ */
/* Mounting.                                                                */
/* ------------------------------------------------------------------------ */

/* Mounts root with props (copied) at "/" in a test layout with a fake clock
 * and renders it (flushes until nothing is dirty, effects run). Returns
 * NULL only for a root without a render function. Free with rc_test_free. */
rc_test *rc_test_new(const rc_component *root, const void *props, size_t props_size);
/* As rc_test_new, at url ("/path?query"): for apps that route. NULL for a
 * url the layout refuses (docs/guide/routing.md). */
rc_test *rc_test_new_at(const rc_component *root, const void *props, size_t props_size,
                        const char *url);
/* Unmounts everything (cleanups run) and frees the kit. NULL is ignored. */
void rc_test_free(rc_test *t);
/* The layout under test (replaced by rc_test_resume: do not keep it). */
rc_layout *rc_test_get_layout(const rc_test *t);
/* Renders what is dirty (a store written by the test, rc_store_drain's
 * writes) until nothing is, committing each flush (effects run). Events,
 * rc_test_advance and the session calls flush by themselves. */
void rc_test_flush(rc_test *t);
/* The last failure the kit reported (also printed on stderr), or "". */
const char *rc_test_get_error(const rc_test *t);

/* ------------------------------------------------------------------------ */
/* Queries. Selectors (small, no CSS engine): compounds of a tag, #id,      */
/* .class (any number), [attr] and [attr=value], separated by spaces for    */
/* descendants: "#todos li.done span.text", "input[type=checkbox]".         */
/* ------------------------------------------------------------------------ */

/* The first element matching selector in document order, or NULL (and a
 * report naming the selector). */
rc_node *rc_test_find(rc_test *t, const char *selector);
/* The i-th (from 0) element matching selector, or NULL. */
rc_node *rc_test_find_nth(rc_test *t, const char *selector, size_t i);
/* How many elements match selector (0 for a malformed one). */
size_t rc_test_count(rc_test *t, const char *selector);
/* The innermost element whose text content is exactly text (first in
 * document order), or NULL: find a button by its label. */
rc_node *rc_test_find_text(rc_test *t, const char *text);
/* The text content of n (every text below it, in order), "" for NULL. */
const char *rc_test_get_text(rc_test *t, const rc_node *n);
/* The text content of the first element matching selector, or NULL. */
const char *rc_test_get_text_of(rc_test *t, const char *selector);
/* The value of attribute name on element n (class, value, checked, ...),
 * or NULL when it has none. */
const char *rc_test_get_attr(const rc_node *n, const char *name);
/* The current location, "pathname" plus "?search" when there is one. */
const char *rc_test_get_location(rc_test *t);

/* ------------------------------------------------------------------------ */
/* Events: dispatched through the handler ids as the server does, then      */
/* flushed. Each returns 0, or -1 when no handler takes it (reported).      */
/* While disconnected they are held, as the client holds them, and applied  */
/* in order by rc_test_reattach or rc_test_resume.                          */
/* ------------------------------------------------------------------------ */

/* A click on n, bubbling as in the browser: the onClick of n, then of each
 * ancestor with one, until a handler with stop_propagation. Then, unless
 * one of them prevented the default (rc_test_default_prevented), a link
 * (<a href="/...">) navigates, or a submit button in a form submits it
 * (rc_test_submit with the form's fields). -1 when nothing ran. */
int rc_test_click(rc_test *t, const rc_node *n);
/* Typing value into field n: its onInput, else onChange, with
 * {"value": value}. */
int rc_test_input(rc_test *t, const rc_node *n, const char *value);
/* Checking or unchecking checkbox n: onChange with {"checked": checked}. */
int rc_test_check(rc_test *t, const rc_node *n, bool checked);
/* Submitting the form n is (or is in): onSubmit (of the form, then of its
 * ancestors until one stops propagation) with {"elements": {...}}
 * holding the form's named fields (their value attributes, checkboxes as
 * booleans), then the name, value string pairs given, which override them;
 * end the list with NULL ((const char *)NULL in C++, where NULL may be an
 * int). */
int rc_test_submit(rc_test *t, const rc_node *n, ...)
#if defined(__GNUC__)
    __attribute__((sentinel))
#endif
    ;
/* Any event: handler `event` ("onKeyDown"; "keydown" also finds it) on n,
 * then on its ancestors as the browser bubbles it (not focus, blur, the
 * enter/leave, media and load events, which stay on n), until a handler
 * with stop_propagation; each gets data (the array of arguments, or one
 * object that is wrapped in one; may be NULL). */
int rc_test_fire(rc_test *t, const rc_node *n, const char *event, const rc_value *data);
/* Whether a handler run by the last click, input, check, submit or fire
 * asked for preventDefault (prevent_default, RC_PREVENT_DEFAULT): what the
 * browser would then not do (follow a link, submit a form, type a key). */
bool rc_test_default_prevented(const rc_test *t);
/* The browser goes to url ("/path?query"), as a link or Back would: the
 * "@location" event. Returns -1 for a url the layout refuses. */
int rc_test_navigate(rc_test *t, const char *url);

/* ------------------------------------------------------------------------ */
/* Time and the session's life.                                             */
/* ------------------------------------------------------------------------ */

/* Moves the fake clock ms forward: fires the timers due, earliest first
 * (equal times in the order they were armed), flushing after each, as the
 * server's loop would. Timers run whether connected or not. */
void rc_test_advance(rc_test *t, uint32_t ms);
/* The fake clock: ms advanced since rc_test_new. */
uint64_t rc_test_get_time(const rc_test *t);
/* The tab goes away (network loss, a closed laptop): the session stays,
 * its timers run; events fired meanwhile are held. */
void rc_test_disconnect(rc_test *t);
/* The tab comes back to the same session (same layout): the connection
 * count moves, rc_use_connection says reattached, the held events apply. */
void rc_test_reattach(rc_test *t);
/* A full resume, as after a server restart: seals the session's state (its
 * restorable slots and location) into a state token, frees the layout (its
 * cleanups run, its timers stop), opens the token as the server does and
 * mounts the component again restored from it (rc_use_connection says
 * resumed), then applies the held events. Stores are the process's and
 * stay as they are. Returns 0, or -1 when the token was refused
 * (reported). Query after it to assert that the state survived. */
int rc_test_resume(rc_test *t);
/* The size in bytes of the last token rc_test_resume sealed (0 before). */
size_t rc_test_get_token_size(const rc_test *t);

#ifdef __cplusplus
}
#endif
#endif /* REACTC_TEST_H */
