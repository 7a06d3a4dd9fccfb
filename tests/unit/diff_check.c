/*
 * Failure reporting for the reconciliation tests (diff_check.h). Linked into
 * the test programs; not a test program itself (no test_ prefix).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_tree.h"
#include "diff_check.h"
#include "ref_dom.h"

/* ======================================================================== */
/* Failure reporting                                                        */
/* ======================================================================== */

char g_where[256];
const rc_patch *g_dump_patch;
const rnode *g_dump_got, *g_dump_want;

void check_fail(const char *file, int line, const char *cond, const char *fmt, ...) {
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, cond);
    if (g_where[0]) fprintf(stderr, "  while: %s\n", g_where);
    fprintf(stderr, "  ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    if (g_dump_patch) dump_patch(g_dump_patch);
    if (g_dump_got) {
        int budget = 300;
        fprintf(stderr, "  reference DOM after applying the patch:\n");
        dump_tree(g_dump_got, 2, &budget);
    }
    if (g_root && getenv("TD_DUMP_DESC")) {
        fprintf(stderr, "  description:\n");
        dump_desc(g_root, 2);
    }
    if (g_dump_want) {
        int budget = 300;
        fprintf(stderr, "  reference DOM built from the new virtual DOM:\n");
        dump_tree(g_dump_want, 2, &budget);
    }
    _fail(file, line);
}

void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) abort();
    return p;
}

void *xrealloc(void *p, size_t size) {
    p = realloc(p, size ? size : 1);
    if (!p) abort();
    return p;
}

char *xmemdup0(const char *s, size_t len) {
    char *p = xcalloc(len + 1, 1);
    if (len) memcpy(p, s, len);
    return p;
}
