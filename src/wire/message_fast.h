/*
 * The wire reader's private parts (message.c and message_fast.c): the fast
 * reader for the common layout-event and the value count.
 */
#ifndef RC_WIRE_MESSAGE_FAST_H
#define RC_WIRE_MESSAGE_FAST_H

#include <stddef.h>

#include "wire/message.h"

/* 1: m holds the event; 0: not the simple shape (m may hold a partial
 * result: the caller frees it and asks jansson). Linear in len. */
int rc_wire_parse_fast(const char *json, size_t len, rc_message *m);

/* The number of JSON values in the text (its root, every array item and
 * every member's value, at any depth), counted up to just past limit:
 * a result over limit means "more than limit". Exact for valid JSON. */
size_t rc_wire_count_values(const char *json, size_t len, size_t limit);

#endif
