/*
 * An ordered log of short strings: what rendered ("Name" per render), which
 * effects and cleanups ran ("Name:effect"), and in what order, for tests
 * that check a sequence exactly.
 */
#ifndef RC_TEST_STRLOG_H
#define RC_TEST_STRLOG_H

#include <stddef.h>

#include "reactc_layout.h"

typedef struct strlog {
    char items[256][96];
    size_t n;
} strlog;

/* Appends a formatted item (dropped when the log is full). */
void RC_PRINTF(2, 3) slog_add(strlog *lg, const char *fmt, ...);

/* How many items equal s. */
size_t slog_count(const strlog *lg, const char *s);

/* Prints the items, numbered (diagnostics). */
void slog_dump(const strlog *lg);

/* Asserts the log holds exactly the given NULL-terminated sequence. */
#define slog_expect(...) slog_expect_at(__FILE__, __LINE__, __VA_ARGS__)
void slog_expect_at(const char *file, int line, const strlog *lg, ...);

#endif
