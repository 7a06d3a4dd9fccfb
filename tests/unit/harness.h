/*
 * The unit tests' shared harness: a capture of what layouts log, and a list
 * of the layouts a test made, so that a failing test (which leaves its body
 * at the first failed assertion) still frees them and the run stays clean
 * under ASan and valgrind.
 *
 * Use reset and teardown as every test's cmocka setup and teardown, make
 * layouts with test_opts() and hand them to track(); free them with
 * free_layout().
 */
#ifndef RC_TEST_HARNESS_H
#define RC_TEST_HARNESS_H

#include <stddef.h>

#include "reactc_layout.h"

/* What the layouts made with test_opts() logged since the last reset. */
typedef struct logcap {
    size_t n[4];           /* messages per rc_log_level */
    char last[4][1024];    /* the last message of each level */
    char all_errors[4096]; /* every RC_LOG_ERROR message, one a line */
    char all[8192];        /* every message, one a line: "<level> <message>" */
} logcap;

extern logcap test_log;

/* Also zeroed by every reset: a test file's own mutable state (call from
 * main, before the tests run; up to four regions). */
void harness_clears(void *state, size_t size);

/* cmocka setup: clears test_log, the tracked layouts and the state given to
 * harness_clears. */
int reset(void **state);

/* cmocka teardown: frees every layout still tracked. */
int teardown(void **state);

/* Tracks l (asserted not NULL) to be freed by teardown; returns l. */
rc_layout *track(rc_layout *l);

/* Frees a tracked layout now and stops tracking it. */
void free_layout(rc_layout *l);

/* The rc_log_fn of test_opts(): appends to the logcap given as user. */
void log_cb(void *user, rc_log_level level, const char *message);

/* Default layout options logging everything (RC_LOG_DEBUG) to test_log. */
rc_layout_opts test_opts(void);

/* Fails the test, listing them, if errors were logged. */
void expect_no_errors(void);

/* Fails the test, listing them, if errors or warnings were logged. */
void expect_no_errors_or_warnings(void);

#endif
