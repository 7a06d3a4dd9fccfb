/*
 * The unit tests' shared harness (harness.h). Linked into every test
 * program; not a test program itself (no test_ prefix).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

logcap test_log;

static rc_layout *live[8]; /* layouts not yet freed */
static struct {            /* harness_clears */
    void *p;
    size_t size;
} clears[4];

void harness_clears(void *state, size_t size) {
    for (size_t i = 0; i < sizeof clears / sizeof clears[0]; i++) {
        if (!clears[i].p || clears[i].p == state) {
            clears[i].p = state;
            clears[i].size = size;
            return;
        }
    }
    fail_msg("too many regions for harness_clears");
}

int reset(void **state) {
    (void)state;
    memset(&test_log, 0, sizeof test_log);
    memset(live, 0, sizeof live);
    for (size_t i = 0; i < sizeof clears / sizeof clears[0] && clears[i].p; i++)
        memset(clears[i].p, 0, clears[i].size);
    return 0;
}

int teardown(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
        if (live[i]) rc_layout_free(live[i]);
        live[i] = NULL;
    }
    return 0;
}

rc_layout *track(rc_layout *l) {
    assert_non_null(l);
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
        if (!live[i]) {
            live[i] = l;
            return l;
        }
    }
    fail_msg("too many live layouts");
    return l;
}

void free_layout(rc_layout *l) {
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
        if (live[i] == l) live[i] = NULL;
    rc_layout_free(l);
}

void log_cb(void *user, rc_log_level level, const char *message) {
    logcap *lc = user;
    lc->n[level]++;
    snprintf(lc->last[level], sizeof lc->last[level], "%s", message);
    if (level == RC_LOG_ERROR) {
        size_t len = strlen(lc->all_errors);
        snprintf(lc->all_errors + len, sizeof lc->all_errors - len, "%s\n", message);
    }
    size_t len = strlen(lc->all);
    snprintf(lc->all + len, sizeof lc->all - len, "%d %s\n", (int)level, message);
}

rc_layout_opts test_opts(void) {
    rc_layout_opts o;
    rc_layout_opts_init(&o);
    o.log = log_cb;
    o.log_user = &test_log;
    o.log_level = RC_LOG_DEBUG;
    return o;
}

void expect_no_errors(void) {
    if (test_log.n[RC_LOG_ERROR] != 0)
        fail_msg("unexpected errors logged:\n%s", test_log.all_errors);
}

void expect_no_errors_or_warnings(void) {
    if (test_log.n[RC_LOG_ERROR] != 0 || test_log.n[RC_LOG_WARN] != 0)
        fail_msg("unexpected errors or warnings logged:\n%s", test_log.all);
}
