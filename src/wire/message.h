/*
 * Incoming messages: JSON text from a client, parsed strictly (as jansson
 * does with duplicate keys rejected; depth and size bounded) into a small
 * struct.
 * rc_wire_parse reads every message with a reader of its own
 * (message_fast.c), its values built in one arena per message; jansson
 * (rc_wire_parse_general) reads only what that one cannot decide, and is
 * the reference tests and the fuzz target compare it with.
 * Untrusted input: every failure returns -1 with a reason, never a crash.
 */
#ifndef RC_WIRE_MESSAGE_H
#define RC_WIRE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reactc.h"
#include "vdom/arena.h"

/* Deepest nesting accepted in event data (objects/arrays inside data). */
#define RC_WIRE_MAX_DEPTH 32

typedef enum rc_msg_type {
    RC_MSG_EVENT = 1, /* layout-event */
    RC_MSG_HELLO,     /* hello (reactc extension) */
    RC_MSG_SLEEP,     /* the client goes idle: free the session now */
    RC_MSG_PING       /* heartbeat: answered with a pong */
} rc_msg_type;

typedef struct rc_message {
    rc_msg_type type;
    /* layout-event */
    char target[48]; /* handler id */
    /* The data array (RC_ARRAY, possibly empty). Its whole tree (items,
     * keys, strings) lives in the arena of the message that was parsed (a
     * replayed event's in the hello's), and lasts until rc_message_free:
     * read it, or rc_value_copy what must outlive the message; never free,
     * grow or change it. Handlers get it as const (rc_event_get_data) for
     * the length of the dispatch. */
    rc_value data;
    uint64_t seq; /* 0 when absent */
    /* hello */
    bool compact;   /* "compact" among its extensions: models in the compact
                     * form (docs/protocol.md "The compact model") */
    char *pathname; /* NULL when absent */
    char *search;
    char *resume_session;      /* hello.resume.session (base64url), NULL when absent */
    char *resume_secret;       /* hello.resume.secret (base64url), NULL when absent */
    char *resume_token;        /* hello.resume.token, NULL when absent */
    struct rc_message *replay; /* hello.resume.events: layout-events with seq */
    size_t nreplay;
    /* Every rc_value of the message: one malloc per chunk, not one per
     * value, key and string, and one free of the chunks for all of them
     * (bench/parse: a tree of small objects cost ~7x a flat array of the
     * same length with a malloc each). */
    rc_arena arena;
} rc_message;

/* Most JSON values one message may hold, counted on its text before it is
 * parsed (the root, every array item and every member's value, at any
 * depth, in every part of the message): a bound on the rc_value trees a
 * message builds (about 32 bytes each, so ~3 MiB) and on the work of reading
 * it, whatever max_message allows. Real events hold tens; a hello replaying
 * RC_WIRE_MAX_REPLAY events of ~20 values each stays under it. A message
 * over it is refused ("message has more than 100000 values"). */
#define RC_WIRE_MAX_VALUES 100000

/* Most events a hello may carry for replay. */
#define RC_WIRE_MAX_REPLAY 4096

/* Parses one message. Returns 0 and fills *out (free with
 * rc_message_free), or -1 with a reason in err. */
int rc_wire_parse(const char *json, size_t len, rc_message *out, char *err, size_t errlen);
/* The same with jansson reading everything: tests and the fuzz target check
 * that the two agree (the same messages, values and reasons, but for the
 * position and words after "invalid JSON at " of a JSON syntax error). */
int rc_wire_parse_general(const char *json, size_t len, rc_message *out, char *err, size_t errlen);
void rc_message_free(rc_message *m);

/* Converts JSON text of any value into an rc_value that owns its heap
 * memory as any other (free with rc_value_free; used by tests and tools);
 * same limits. */
int rc_wire_parse_value(const char *json, size_t len, rc_value *out, char *err, size_t errlen);

#endif
