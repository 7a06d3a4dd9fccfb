/*
 * The wire reader's private parts (message.c, message_fast.c and
 * message_string.c): the fast reader for layout-events, its string decoder
 * and the value count.
 */
#ifndef RC_WIRE_MESSAGE_FAST_H
#define RC_WIRE_MESSAGE_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include "wire/message.h"

/* jansson's nesting limit (JSON_PARSER_MAX_DEPTH, checked in message.c):
 * containers, the message's object included. */
#define RC_WIRE_JSON_DEPTH 2048

/* 1: m holds the message; 0: invalid, refused, or not fully understood (m
 * may hold a partial result: the caller frees it and asks jansson, which
 * gives the reason). m must be zeroed; its values are built in m->arena.
 * Linear in len. */
int rc_wire_parse_fast(const char *json, size_t len, rc_message *m);

/* Reads the JSON string whose opening quote is just before *pos: checks and
 * decodes it into a NUL-terminated copy in arena (*out, *len bytes, no NUL
 * inside), and moves *pos past its closing quote. false for anything jansson
 * would not read to the same bytes (the caller gives up); *pos is then
 * unspecified. Linear in the string's length. */
bool rc_wire_read_string(const char **pos, const char *end, rc_arena *arena, char **out,
                         size_t *len);

/* The JSON real whose text (checked against JSON's grammar) is the n bytes
 * at p, rounded to the nearest double as strtod does (to the bit): true and
 * *out (possibly infinite), or false for the rare real whose significand of
 * more than 19 digits lies too close to a midpoint between two doubles
 * (the caller asks strtod). About 20 ns, any exponent (message_real.c). */
bool rc_wire_read_real(const char *p, size_t n, double *out);

/* The number of JSON values in the text (its root, every array item and
 * every member's value, at any depth), counted up to just past limit:
 * a result over limit means "more than limit". Exact for valid JSON. */
size_t rc_wire_count_values(const char *json, size_t len, size_t limit);

#endif
