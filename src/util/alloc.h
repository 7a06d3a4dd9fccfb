/*
 * Allocation that cannot fail: reactc treats out-of-memory as fatal (it
 * prints and aborts) rather than threading NULL checks through every render.
 */
#ifndef RC_UTIL_ALLOC_H
#define RC_UTIL_ALLOC_H

#include <stddef.h>
#include <stdlib.h>

/* Reports an allocation of `size` bytes that failed, and aborts. */
_Noreturn void rc_oom(size_t size);
void *rc_xmalloc(size_t size);
void *rc_xcalloc(size_t n, size_t size);
void *rc_xrealloc(void *p, size_t size);
char *rc_xstrdup(const char *s);
char *rc_xstrndup(const char *s, size_t len);
void *rc_xmemdup(const void *p, size_t len);

#endif
