/*
 * Log lines carry text that came from clients (a malformed handler id, an
 * error reason quoting the input). Written as is, a newline in it forges a
 * log line and an escape sequence rewrites the operator's terminal. Every
 * line reactc writes goes through rc_log_escape first.
 */
#ifndef RC_UTIL_LOGTEXT_H
#define RC_UTIL_LOGTEXT_H

#include <stddef.h>

/* Copies in to out (cap bytes, always NUL-terminated when cap > 0) with
 * control characters (C0, DEL, and C1 written in UTF-8) as \n, \r, \t or
 * \xNN, a backslash as \\, and bytes that are not well-formed UTF-8 as
 * \xNN; a cut never splits an escape or a character. Returns the length
 * written. */
size_t rc_log_escape(char *out, size_t cap, const char *in);

#endif
