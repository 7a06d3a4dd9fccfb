/*
 * An ordered log of short strings (strlog.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "strlog.h"

void slog_add(strlog *lg, const char *fmt, ...) {
    if (lg->n >= sizeof lg->items / sizeof lg->items[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lg->items[lg->n], sizeof lg->items[0], fmt, ap);
    va_end(ap);
    lg->n++;
}

size_t slog_count(const strlog *lg, const char *s) {
    size_t c = 0;
    for (size_t i = 0; i < lg->n; i++) c += strcmp(lg->items[i], s) == 0;
    return c;
}

void slog_dump(const strlog *lg) {
    for (size_t i = 0; i < lg->n; i++) print_message("  [%zu] %s\n", i, lg->items[i]);
}

/* Asserts the log holds exactly the given NULL-terminated sequence. */
void slog_expect_at(const char *file, int line, const strlog *lg, ...) {
    va_list ap;
    va_start(ap, lg);
    size_t i = 0;
    bool ok = true;
    for (const char *w = va_arg(ap, const char *); w; w = va_arg(ap, const char *), i++) {
        if (i >= lg->n || strcmp(lg->items[i], w) != 0) {
            print_message("log mismatch at %zu: want \"%s\", got \"%s\"\n", i, w,
                          i < lg->n ? lg->items[i] : "(end)");
            ok = false;
        }
    }
    va_end(ap);
    if (i != lg->n) {
        print_message("log length: want %zu, got %zu\n", i, lg->n);
        ok = false;
    }
    if (!ok) {
        slog_dump(lg);
        fail_msg("unexpected log sequence (checked at %s:%d)", file, line);
    }
}
