/*
 * The wire reader's private parts (message.c, message_fast.c,
 * message_rules.c, message_string.c, message_real.c): the fast reader, the
 * protocol's rules on its tree, its strings and reals, and the value count.
 */
#ifndef RC_WIRE_MESSAGE_FAST_H
#define RC_WIRE_MESSAGE_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include "wire/message.h"

/* jansson's nesting limit (JSON_PARSER_MAX_DEPTH, checked in message.c):
 * containers, the message's object included. */
#define RC_WIRE_JSON_DEPTH 2048

/* 1: m holds the message; -1: refused, the reason in err (as message.c
 * words it for a message the JSON of which is valid; "invalid JSON at
 * line:column: what" otherwise); 0: not decided (a real strtod must read
 * in a locale whose decimal point is not '.'): the caller asks jansson. On
 * 0 and -1, m may hold a partial result: the caller frees it. m must be
 * zeroed; its values are built in m->arena. Linear in len. */
int rc_wire_parse_fast(const char *json, size_t len, rc_message *m, char *err, size_t errlen);

/* The message in the tree root (the whole message, read by the fast
 * reader into m->arena), by the protocol's rules: true and m filled (its
 * data is root's own), or false with the reason in err, worded as
 * message.c words it (message_rules.c). */
bool rc_wire_read_message(const rc_value *root, rc_message *m, char *err, size_t errlen);

/* Reads the JSON string whose opening quote is just before *pos: checks and
 * decodes it into a NUL-terminated copy in arena (*out, *len bytes, no NUL
 * inside), and moves *pos past its closing quote. false, with the reason
 * in *why, for anything jansson refuses (*pos is then unspecified, or at
 * the offending control character). Linear in the string's length. */
bool rc_wire_read_string(const char **pos, const char *end, rc_arena *arena, char **out,
                         size_t *len, const char **why);

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
