/*
 * Failure reporting for the reconciliation tests (test_diff_*.c): CHECK
 * fails the test like a cmocka assertion and first prints what is needed to
 * understand the failure: which seed / step was running, the patch, the
 * reference DOM after applying it, the one built from the new virtual DOM
 * and (with TD_DUMP_DESC set in the environment) the description the
 * components rendered. And allocation that aborts instead of failing.
 */
#ifndef RC_TEST_DIFF_CHECK_H
#define RC_TEST_DIFF_CHECK_H

#include <stddef.h>

#include "reactc_layout.h"

typedef struct rnode rnode;

extern char g_where[256];            /* which seed / step is running */
extern const rc_patch *g_dump_patch; /* dumped when a check fails */
extern const rnode *g_dump_got, *g_dump_want;

void check_fail(const char *file, int line, const char *cond, const char *fmt, ...) RC_PRINTF(4, 5);

#define CHECK(cond, ...)                                                 \
    do {                                                                 \
        if (!(cond)) check_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
    } while (0)

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xmemdup0(const char *s, size_t len);

#endif
