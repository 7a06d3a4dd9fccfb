#include "util/alloc.h"

#include <stdio.h>
#include <string.h>

_Noreturn void rc_oom(size_t size) {
    fprintf(stderr, "reactc: out of memory (allocating %zu bytes)\n", size);
    abort();
}

void *rc_xmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p) rc_oom(size);
    return p;
}

void *rc_xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) rc_oom(n * size);
    return p;
}

void *rc_xrealloc(void *p, size_t size) {
    void *q = realloc(p, size ? size : 1);
    if (!q) rc_oom(size);
    return q;
}

char *rc_xstrndup(const char *s, size_t len) {
    char *p = rc_xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *rc_xstrdup(const char *s) { return rc_xstrndup(s, strlen(s)); }

void *rc_xmemdup(const void *p, size_t len) {
    void *q = rc_xmalloc(len);
    if (len) memcpy(q, p, len);
    return q;
}
